"""The landscape authors' own Figure 2 curves (Kiselev et al., 2409.11995), read offline.

``data/authors_fig2.csv`` (package data) holds the curves of their Fig. 2 (MNIST
pixels, direct classification) as drawn in the vector PDFs of their repository
(kisnikser/landscape-hessian, ``paper/figs/mnist_hidden_size.pdf`` and
``paper/figs/mnist_num_layers.pdf``), digitised by ``scripts/extract_landscape_curves.py``
from the PDFs' paths, calibrated on the axis ticks. Its ``#`` header names the commit, the
files and the method (:func:`authors_fig2_provenance`).

What the curves are (``kisnikser/landscape-hessian/code/plot_differences.py``): for one
trained net per (h, L), the mean over 100 random orderings of ``|L_{k+1} - L_k|`` at theta_hat
on the first 10,000 MNIST training images, smoothed by the EMA ``e_t = 0.99 e_{t-1} + 0.01
x_t``; one training run per net, no seed, no bands. So they compare with
:attr:`NetCurves.smoothed <hsr.experiments.landscape.NetCurves>`, not with the unsmoothed
``curve``. The drawn abscissa is the array index ``x = k - 1`` (``k`` = 1 .. 9,999). The
h = 16, L = 5 net is drawn in both panels, each time with its own 100 random orderings.

The PDF keeps a vertex only where the line bends (matplotlib simplified the paths), so each
curve has vertices at a subset of k; between vertices the drawn line is straight on the
figure's axes (linear x, log y), which :meth:`AuthorsCurve.at` reproduces.
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
from dataclasses import dataclass

import numpy as np

__all__ = [
    "AUTHORS_FIG2_FILE",
    "AUTHORS_FIG2_IMAGES",
    "AUTHORS_FIG2_PANELS",
    "AuthorsCurve",
    "authors_fig2",
    "authors_fig2_provenance",
    "level_ratio",
]

#: the CSV, relative to this package (``hsr.experiments``)
AUTHORS_FIG2_FILE = "data/authors_fig2.csv"
#: the images the authors' curves were computed on (their config: train_size 10,000)
AUTHORS_FIG2_IMAGES = 10_000
#: panel name -> what it varies (the names of the authors' PDF files)
AUTHORS_FIG2_PANELS = {
    "hidden_size": "L = 5, h varied (the paper's left panel)",
    "num_layers": "h = 16, L varied (the paper's right panel)",
}


@dataclass(frozen=True)
class AuthorsCurve:
    """One curve of the authors' Fig. 2 as drawn: ``vertex_k (n,)`` strictly increasing ints
    in 1 .. m-1 and ``vertex_value (n,)`` (> 0) the smoothed ``|L_{k+1} - L_k|`` there;
    ``m`` the number of images (k runs to m - 1)."""

    panel: str
    hidden: int
    depth: int
    vertex_k: np.ndarray
    vertex_value: np.ndarray
    m: int = AUTHORS_FIG2_IMAGES

    def __post_init__(self):
        k, v = np.asarray(self.vertex_k), np.asarray(self.vertex_value, dtype=np.float64)
        if k.ndim != 1 or k.shape != v.shape or k.size < 2 or k.dtype.kind not in "iu":
            raise ValueError(
                f"vertex_k and vertex_value must be 1-D of one length >= 2 with integer k, got "
                f"{k.shape} ({k.dtype}) and {v.shape}"
            )
        if np.any(np.diff(k) <= 0) or k[0] < 1 or k[-1] > self.m - 1:
            raise ValueError(f"vertex_k must increase strictly within 1 .. {self.m - 1}")
        if not np.all(np.isfinite(v) & (v > 0)):
            raise ValueError("vertex_value must be finite and > 0 (a log axis)")
        for a in (k, v):
            a.setflags(write=False)
        object.__setattr__(self, "vertex_k", k)
        object.__setattr__(self, "vertex_value", v)

    @property
    def label(self) -> str:
        return f"h = {self.hidden}, L = {self.depth}"

    def at(self, k) -> np.ndarray:
        """The drawn curve at ``k`` (array-like of k within the vertices' range): linear in k
        and in log10 value between vertices, as the straight segments on the figure's axes."""
        k = np.asarray(k, dtype=np.float64)
        lo, hi = self.vertex_k[0], self.vertex_k[-1]
        if np.any((k < lo) | (k > hi)):
            raise ValueError(f"k must lie within the drawn range [{lo}, {hi}]")
        return 10.0 ** np.interp(k, self.vertex_k, np.log10(self.vertex_value))

    @property
    def k(self) -> np.ndarray:
        """Every k the curve covers, ``vertex_k[0] .. vertex_k[-1]`` (1 .. m-1)."""
        return np.arange(self.vertex_k[0], self.vertex_k[-1] + 1)

    @property
    def smoothed(self) -> np.ndarray:
        """The drawn (EMA-smoothed) curve at every k of :attr:`k`."""
        return self.at(self.k)

    def window_mean(self, lo: float, hi: float, geometric: bool = False) -> float:
        """Mean of the drawn curve over ``lo * m <= k < hi * m`` (fractions of m, as
        :func:`hsr.experiments.landscape.window_mean` for our nets, which reads the unsmoothed
        curve: the authors' is known only smoothed); the geometric mean when ``geometric``."""
        k = self.k
        sel = (k >= lo * self.m) & (k < hi * self.m)
        if not sel.any():
            raise ValueError(f"no k in [{lo} m, {hi} m) for m = {self.m}")
        c = self.smoothed[sel]
        return float(np.exp(np.mean(np.log(c))) if geometric else np.mean(c))


@functools.cache
def _text() -> str:
    res = importlib.resources.files("hsr.experiments.landscape").joinpath(AUTHORS_FIG2_FILE)
    return res.read_text(encoding="utf-8")


def authors_fig2_provenance() -> dict[str, str]:
    """The CSV's ``# key: value`` header lines as a dict (``repository``, ``commit``,
    ``file <panel>``, ``legend <panel>``, ``axes <panel>``, ``quantity``, ``columns``,
    ``method``), and ``title``: the first line."""
    out = {}
    for line in _text().splitlines():
        if not line.startswith("#"):
            break
        body = line[1:].strip()
        key, sep, value = body.partition(": ")
        if "title" not in out:
            out["title"] = body
        elif sep:
            out[key] = value
    return out


def authors_fig2() -> dict[str, dict[tuple[int, int], AuthorsCurve]]:
    """The authors' Fig. 2 curves: ``{panel: {(h, L): AuthorsCurve}}`` with panels
    ``"hidden_size"`` (L = 5, h varied) and ``"num_layers"`` (h = 16, L varied), each in the
    legend's order. Read from the package data, offline."""
    lines = [ln for ln in _text().splitlines() if not ln.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    acc: dict[str, dict[tuple[int, int], tuple[list, list]]] = {}
    for r in rows:
        key = (int(r["hidden"]), int(r["depth"]))
        ks, vs = acc.setdefault(r["panel"], {}).setdefault(key, ([], []))
        ks.append(int(r["k"]))
        vs.append(float(r["value"]))
    return {
        panel: {
            key: AuthorsCurve(panel, *key, np.array(ks, dtype=np.int64), np.array(vs))
            for key, (ks, vs) in series.items()
        }
        for panel, series in acc.items()
    }


def level_ratio(curve: AuthorsCurve, k, values, k_lo: int, k_hi: int) -> float:
    """The authors' drawn curve over another curve ``values (n,)`` at ``k (n,)`` (ours,
    smoothed alike), as the geometric mean of their ratio over ``k_lo <= k <= k_hi``: how many
    times higher theirs lies on the log axis where both are drawn."""
    k = np.asarray(k)
    values = np.asarray(values, dtype=np.float64)
    if k.shape != values.shape or k.ndim != 1:
        raise ValueError(f"k and values must be 1-D of one shape, got {k.shape}, {values.shape}")
    sel = (k >= k_lo) & (k <= k_hi)
    if not sel.any():
        raise ValueError(f"no k in [{k_lo}, {k_hi}]")
    if np.any(values[sel] <= 0):
        raise ValueError("values must be > 0 in the window")
    return float(np.exp(np.mean(np.log(curve.at(k[sel]) / values[sel]))))
