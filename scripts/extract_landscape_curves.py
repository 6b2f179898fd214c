"""Digitise the landscape authors' Figure 2 from their vector PDFs (a development tool, not run
by ``make book``; needs pdfplumber, which ``.[test]`` installs).

    python scripts/extract_landscape_curves.py GIT_DIR [--commit REV] [--out CSV]
                                               [--check-dir DIR]

GIT_DIR is a clone (or bare mirror) of the authors' repository kisnikser/landscape-hessian.
The two panels of Kiselev et al.'s Fig. 2 (MNIST pixels, direct classification) are read
from ``paper/figs/mnist_hidden_size.pdf`` and ``paper/figs/mnist_num_layers.pdf`` at REV
(default HEAD; the script says whether the copies under ``code/figs/`` are the same blobs).
Everything comes out of the PDFs' vector content, nothing from a raster:

* the axes box is the largest rectangle below the page's background;
* tick marks are the short black segments just outside the spines (the longest kind are the
  major ticks); each major tick's label is the text beside it: the glyphs on the label's base
  line give the mantissa, glyphs on a raised base line the exponent, so a log axis's
  ``10^{-3}`` (TeX or mathtext glyphs alike) reads as ``10 ** -3``;
* an axis is logarithmic when every major label is a power ``10^n``; each axis is calibrated
  by a least-squares line through (tick position, value) or (tick position, log10 value), and
  the script prints the largest residual and, for a log axis, how far the minor ticks sit from
  ``m 10^n``, m = 2..9;
* the legend is the filled, stroked box inside the axes; its entries are the short coloured
  handles in it and the text row beside each; the plotted curves are the stroked coloured
  paths outside the legend, matched to the entries by their stroke colour (an exact match).

The authors' ``kisnikser/landscape-hessian/code/plot_differences.py`` draws ``plt.plot(ema)``:
the abscissa is the array index i = 0 .. m-2 of ``|diff(running mean)|``, that is
``|L_{k+1} - L_k|`` for k = i + 1 (their axis label says k; the index runs one behind). The
CSV's ``k`` is ``x + 1``. Matplotlib simplified each path when it wrote the PDF (vertices
closer than 1/9 point to the line through their neighbours were dropped), so a curve has a
vertex at a subset of the k; between vertices the drawn line is straight on the plot's axes
(linear in k, linear in log10 value), which is how :mod:`hsr.experiments.landscape.authors`
interpolates.

With ``--check-dir`` the script also re-plots the extracted data with matplotlib on axes
placed and scaled as the PDF's, renders both (the PDF through pdfium, which pdfplumber
bundles) at 288 dpi and compares them pixel by pixel, per series colour: what fraction of
each series' pixels in one image lies within 0.5 pt of the same colour in the other, and the
vertical offset between the two images' curves, column by column. It writes
``<panel>_overlay.png`` (the PDF page, the re-plot drawn over it as thin black lines) and
``<panel>_replot.png`` there.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPOSITORY = "kisnikser/landscape-hessian"
#: panel name -> the file of Fig. 2 (the paper's main.tex includes paper/figs/...)
PANELS = {
    "hidden_size": "paper/figs/mnist_hidden_size.pdf",
    "num_layers": "paper/figs/mnist_num_layers.pdf",
}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / (
    "src/hsr/experiments/landscape/data/authors_fig2.csv"
)
LEGEND_RE = re.compile(r"^h=(\d+),L=(\d+)$")
MINUS = "\u2212"


# ----- the page's vector content -------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    """A rectangle in pdfplumber's page coordinates (points; ``top`` < ``bottom``)."""

    x0: float
    top: float
    x1: float
    bottom: float

    def contains(self, obj, tol: float = 0.5) -> bool:
        return (
            obj["x0"] >= self.x0 - tol
            and obj["x1"] <= self.x1 + tol
            and obj["top"] >= self.top - tol
            and obj["bottom"] <= self.bottom + tol
        )


@dataclass
class Axis:
    """One calibrated axis: page coordinate ``pos = a + b * u`` with ``u`` the value (linear)
    or log10 of the value (log)."""

    log: bool
    a: float
    b: float
    ticks: list = field(default_factory=list)  # (position, label text, value)
    residual: float = 0.0  # largest |fit - tick position|, points
    minor_error: float | None = None  # log axes: largest minor-tick mismatch, points

    def to_value(self, pos):
        u = (np.asarray(pos, dtype=np.float64) - self.a) / self.b
        return 10.0**u if self.log else u

    def to_pos(self, value):
        v = np.asarray(value, dtype=np.float64)
        return self.a + self.b * (np.log10(v) if self.log else v)


def _gray(color) -> bool:
    """True for a stroke colour without hue (black, the grid's and the legend frame's grey)."""
    if color is None:
        return True
    c = tuple(color) if isinstance(color, (list, tuple)) else (color,)
    return len(c) == 1 or max(c) - min(c) < 1e-6


def _rgb(color) -> tuple[float, float, float]:
    c = tuple(color) if isinstance(color, (list, tuple)) else (color,) * 3
    if len(c) == 1:
        c = c * 3
    if len(c) != 3:
        raise ValueError(f"unsupported colour {color!r} (expected gray or RGB)")
    return tuple(float(v) for v in c)


def axes_box(page) -> Box:
    """The axes patch: the largest rectangle that is not the page's own background."""
    W, H = float(page.width), float(page.height)
    rects = [
        r for r in page.rects if not (r["x0"] <= 0.5 and r["top"] <= 0.5 and r["x1"] >= W - 0.5)
    ]
    rects = [r for r in rects if r["bottom"] <= H + 0.5]
    if not rects:
        raise ValueError("no axes rectangle on the page")
    r = max(rects, key=lambda r: (r["x1"] - r["x0"]) * (r["bottom"] - r["top"]))
    return Box(r["x0"], r["top"], r["x1"], r["bottom"])


def _segments(page):
    """Every straight stroked segment of the page (pdfplumber's lines, and 2-point curves)."""
    segs = list(page.lines)
    segs += [c for c in page.curves if len(c["pts"]) == 2 and c.get("stroke")]
    return segs


def tick_marks(page, box: Box, tol: float = 0.6) -> dict[str, dict[str, list[float]]]:
    """The tick marks, ``{"x"|"y": {"major": [...], "minor": [...]}}``: short black segments
    perpendicular to the bottom (x) or left (y) spine, just outside it. The longest marks are
    the major ticks, shorter ones the minor ticks."""
    out = {}
    for axis in ("x", "y"):
        marks = []
        for s in _segments(page):
            if not _gray(s.get("stroking_color")) or _rgb(s.get("stroking_color"))[0] > 0.1:
                continue
            if axis == "x":
                vertical = abs(s["x1"] - s["x0"]) < 1e-3
                outside = abs(s["top"] - box.bottom) < tol and s["bottom"] > box.bottom + 0.5
                inside = box.x0 - tol <= s["x0"] <= box.x1 + tol
                if vertical and outside and inside:
                    marks.append((s["x0"], s["bottom"] - s["top"]))
            else:
                horizontal = abs(s["bottom"] - s["top"]) < 1e-3
                outside = abs(s["x1"] - box.x0) < tol and s["x0"] < box.x0 - 0.5
                inside = box.top - tol <= s["top"] <= box.bottom + tol
                if horizontal and outside and inside:
                    marks.append((s["top"], s["x1"] - s["x0"]))
        if not marks:
            raise ValueError(f"no {axis} tick marks found")
        longest = max(length for _, length in marks)
        major = sorted({round(p, 6) for p, length in marks if length > longest - 0.25})
        minor = sorted({round(p, 6) for p, length in marks if length <= longest - 0.25})
        out[axis] = {"major": major, "minor": minor}
    return out


def _baseline(ch) -> float:
    """A glyph's base line: the y of its text matrix (PDF user space, growing upwards, unlike
    pdfplumber's ``top``)."""
    return ch["matrix"][5]


def parse_label(chars) -> tuple[str, float, bool]:
    """The value of one tick label from its glyphs: ``(text, value, is_power)``.

    Glyphs on the lowest base line are the mantissa; glyphs raised above it by more than a
    fifth of the mantissa's size are the exponent (TeX and mathtext both set ``10^{-3}`` so).
    ``"10"`` with exponent ``"-3"`` is the power 10 ** -3; plain text is read as a number.
    """
    chars = sorted(chars, key=lambda c: c["x0"])
    if not chars:
        raise ValueError("empty tick label")
    size = max(c["size"] for c in chars)
    base = min(_baseline(c) for c in chars if c["size"] > size - 1e-6)
    mant = [c for c in chars if _baseline(c) - base <= 0.2 * size]
    expo = [c for c in chars if _baseline(c) - base > 0.2 * size]

    def text(cs):
        return "".join(c["text"] for c in cs).replace(MINUS, "-").replace(" ", "")

    m, e = text(mant), text(expo)
    if e:
        if m != "10":
            raise ValueError(f"tick label {m}^{e}: only powers of 10 are read")
        return f"10^{e}", 10.0 ** int(e), True
    return m, float(m), False


def _label_chars(page, box: Box, axis: str) -> list:
    """The upright glyphs of the ``axis`` tick labels: for x the row of text nearest below the
    bottom spine (the axis title sits further down); for y the upright glyphs left of the left
    spine (the y title is rotated)."""
    chars = [c for c in page.chars if c.get("upright", True)]
    if axis == "x":
        below = [c for c in chars if c["top"] > box.bottom and box.x0 - 40 < c["x0"] < box.x1 + 40]
        if not below:
            raise ValueError("no x tick labels below the axes")
        first = min(c["top"] for c in below)
        return [c for c in below if c["top"] < first + 0.6 * c["size"]]
    return [c for c in chars if c["x1"] <= box.x0 + 0.5 and box.top - 20 < c["top"] < box.bottom]


def calibrate(page, box: Box, marks: dict, axis: str) -> Axis:
    """Calibrate ``axis`` on its major ticks and their labels (see the module docstring)."""
    major = marks[axis]["major"]
    chars = _label_chars(page, box, axis)
    groups: dict[int, list] = {i: [] for i in range(len(major))}
    spacing = np.min(np.diff(major)) if len(major) > 1 else np.inf
    for c in chars:
        centre = (c["x0"] + c["x1"]) / 2 if axis == "x" else (c["top"] + c["bottom"]) / 2
        d = np.abs(np.asarray(major) - centre)
        i = int(np.argmin(d))
        if d[i] < 0.5 * spacing:
            groups[i].append(c)
    ticks = []
    for i, pos in enumerate(major):
        if groups[i]:
            t, v, p = parse_label(groups[i])
            ticks.append((pos, t, v, p))
    if len(ticks) < 2:
        raise ValueError(f"fewer than two labelled {axis} ticks")
    log = all(p for *_, p in ticks)
    pos = np.array([t[0] for t in ticks])
    u = np.array([np.log10(t[2]) if log else t[2] for t in ticks])
    b, a = np.polyfit(u, pos, 1)
    res = float(np.max(np.abs(a + b * u - pos)))
    ax = Axis(log, float(a), float(b), [(p, t, v) for p, t, v, _ in ticks], res)
    if log and marks[axis]["minor"]:
        lo, hi = np.floor(u.min()) - 1, np.ceil(u.max()) + 1
        expected = np.array([np.log10(m) + n for n in np.arange(lo, hi + 1) for m in range(2, 10)])
        expected = ax.to_pos(10.0**expected)
        ax.minor_error = float(max(np.min(np.abs(expected - p)) for p in marks[axis]["minor"]))
    return ax


def legend(page, box: Box) -> tuple[Box, list[tuple[tuple, str]]]:
    """The legend box and its entries ``[(stroke RGB, label text)]`` top to bottom."""
    frames = [
        c
        for c in page.curves
        if c.get("fill") and c.get("stroke") and box.contains(c) and len(c["pts"]) > 4
    ]
    if len(frames) != 1:
        raise ValueError(f"expected one legend frame inside the axes, found {len(frames)}")
    f = frames[0]
    lbox = Box(f["x0"], f["top"], f["x1"], f["bottom"])
    handles = [
        c
        for c in (*page.curves, *page.lines)
        if c.get("stroke")
        and not _gray(c.get("stroking_color"))
        and lbox.contains(c)
        and abs(c["bottom"] - c["top"]) < 1e-3
    ]
    chars = [c for c in page.chars if lbox.contains(c)]
    entries = []
    for h in sorted(handles, key=lambda h: h["top"]):
        y = h["top"]
        row = [
            c
            for c in chars
            if c["x0"] > h["x1"] and abs((c["top"] + c["bottom"]) / 2 - y) < 0.5 * c["size"]
        ]
        text = "".join(c["text"] for c in sorted(row, key=lambda c: c["x0"])).replace(" ", "")
        entries.append((_rgb(h["stroking_color"]), text))
    if not entries:
        raise ValueError("the legend has no entries")
    colours = [e[0] for e in entries]
    if len(set(colours)) != len(colours):
        raise ValueError("two legend entries share a colour: curves cannot be told apart")
    return lbox, entries


def data_paths(page, box: Box, lbox: Box) -> list[tuple[tuple, np.ndarray]]:
    """The plotted curves: stroked, coloured paths inside the axes and outside the legend,
    in drawing order; ``[(stroke RGB, (n, 2) vertices in page coordinates)]``."""
    out = []
    for c in page.objects.get("curve", []) + page.objects.get("line", []):
        if not c.get("stroke") or _gray(c.get("stroking_color")) or lbox.contains(c):
            continue
        if not box.contains(c, tol=2.0):
            continue
        out.append((_rgb(c["stroking_color"]), np.asarray(c["pts"], dtype=np.float64)))
    return out


# ----- one panel ------------------------------------------------------------------------------
@dataclass
class Series:
    """One plotted curve: its legend text, (h, L), stroke colour and width, and its vertices
    in data coordinates (``x`` as drawn, ``value``), both ``(n,)``."""

    text: str
    hidden: int
    depth: int
    rgb: tuple
    x: np.ndarray
    value: np.ndarray
    linewidth: float | None


@dataclass
class Panel:
    name: str
    box: Box
    legend_box: Box
    x: Axis
    y: Axis
    series: list[Series]
    page_size: tuple[float, float]
    notes: list = field(default_factory=list)


def extract_panel(pdf_bytes: bytes, name: str) -> Panel:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        if len(pdf.pages) != 1:
            raise ValueError(f"{name}: expected a one-page figure, got {len(pdf.pages)} pages")
        page = pdf.pages[0]
        box = axes_box(page)
        marks = tick_marks(page, box)
        xa, ya = calibrate(page, box, marks, "x"), calibrate(page, box, marks, "y")
        lbox, entries = legend(page, box)
        paths = data_paths(page, box, lbox)
        widths = {
            _rgb(c["stroking_color"]): c.get("linewidth")
            for c in page.curves
            if c.get("stroke") and not _gray(c.get("stroking_color"))
        }
        size = (float(page.width), float(page.height))
    by_colour: dict[tuple, list] = {}
    for rgb, pts in paths:
        by_colour.setdefault(rgb, []).append(pts)
    series = []
    for rgb, text in entries:
        got = by_colour.pop(rgb, [])
        if len(got) != 1:
            raise ValueError(f"{name}: legend entry {text!r} matches {len(got)} curves")
        m = LEGEND_RE.match(text)
        if not m:
            raise ValueError(f"{name}: legend text {text!r} is not 'h=<int>,L=<int>'")
        pts = got[0]
        # matplotlib's path simplifier repeats a path's last vertex: drop exact repeats
        keep = np.r_[True, np.any(np.diff(pts, axis=0) != 0, axis=1)]
        pts = pts[keep]
        xv = xa.to_value(pts[:, 0])
        yv = ya.to_value(pts[:, 1])
        series.append(Series(text, int(m[1]), int(m[2]), rgb, xv, yv, widths.get(rgb)))
    if by_colour:
        raise ValueError(f"{name}: curves without a legend entry: colours {sorted(by_colour)}")
    return Panel(name, box, lbox, xa, ya, series, size)


# ----- the re-plot check ------------------------------------------------------------------------
DPI = 288


def render_pdf(pdf_bytes: bytes, dpi: int = DPI) -> np.ndarray:
    """The PDF page as an RGB array ``(H, W, 3)`` uint8 (pdfium, through pdfplumber)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        img = pdf.pages[0].to_image(resolution=dpi).original.convert("RGB")
    return np.asarray(img)


def replot(panel: Panel, shape: tuple[int, int], dpi: int = DPI, thin: bool = False):
    """A matplotlib figure of ``shape`` = (rows, columns) pixels at ``dpi`` (the PDF page's
    raster) with the extracted curves on axes placed and scaled as the PDF's, nothing else
    drawn. Positions count from the page's top-left corner, as the PDF raster's do (the raster
    is the page size rounded up to whole pixels). ``thin``: 0.5 pt black lines (overlay)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    H, W = (n * 72 / dpi for n in shape)  # the raster's size in points
    b = panel.box
    # matplotlib's defaults, whatever style the calling process applied (a layout engine
    # would move the axes)
    with plt.rc_context(matplotlib.rcParamsDefault):
        fig = plt.figure(figsize=(W / 72, H / 72), dpi=dpi, layout="none")
    fig.patch.set_alpha(0.0)
    ax = fig.add_axes([b.x0 / W, 1 - b.bottom / H, (b.x1 - b.x0) / W, (b.bottom - b.top) / H])
    ax.set_xlim(*panel.x.to_value([b.x0, b.x1]))
    if panel.y.log:
        ax.set_yscale("log")
    ax.set_ylim(*panel.y.to_value([b.bottom, b.top]))
    for se in panel.series:
        if thin:
            ax.plot(se.x, se.value, color="k", lw=0.5)
        else:
            ax.plot(se.x, se.value, color=se.rgb, lw=se.linewidth or 2.0)
    ax.set_axis_off()
    ax.patch.set_alpha(0.0)
    return fig


def _fig_array(fig, dpi: int = DPI) -> np.ndarray:
    import matplotlib
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    # the whole canvas at the raster's size: not cropped by a style's savefig.bbox = "tight"
    with plt.rc_context(matplotlib.rcParamsDefault):
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white", bbox_inches=None)
    plt.close(fig)
    buf.seek(0)
    from PIL import Image

    return np.asarray(Image.open(buf).convert("RGB"))


def compare_rasters(panel: Panel, original: np.ndarray, replotted: np.ndarray, dpi: int = DPI):
    """Per series: (recall, precision, median and 95th-percentile vertical offset in points).

    A pixel belongs to a series when its colour is within 40/255 (RGB distance) of the
    series' stroke colour. Only the axes' interior outside the legend box is compared. Recall:
    the share of the PDF's series pixels within 0.5 pt of the re-plot's; precision the other
    way round. The offset: for each pixel column where both images have the series, the
    difference of the mean row of its pixels."""
    from scipy.ndimage import binary_dilation

    if original.shape != replotted.shape:
        raise ValueError(f"raster shapes differ: {original.shape} vs {replotted.shape}")
    s = dpi / 72
    Hpx, Wpx = original.shape[:2]
    region = np.zeros((Hpx, Wpx), bool)
    b, lb = panel.box, panel.legend_box
    region[int(b.top * s) + 2 : int(b.bottom * s) - 2, int(b.x0 * s) + 2 : int(b.x1 * s) - 2] = 1
    region[
        int(lb.top * s) - 2 : int(lb.bottom * s) + 3, int(lb.x0 * s) - 2 : int(lb.x1 * s) + 3
    ] = 0
    tol = max(1, round(0.5 * s))
    st = np.ones((2 * tol + 1, 2 * tol + 1), bool)
    out = []
    for se in panel.series:
        c = np.array(se.rgb) * 255
        ma = (np.linalg.norm(original.astype(float) - c, axis=2) < 40) & region
        mb = (np.linalg.norm(replotted.astype(float) - c, axis=2) < 40) & region
        recall = float((ma & binary_dilation(mb, st)).sum() / max(ma.sum(), 1))
        precision = float((mb & binary_dilation(ma, st)).sum() / max(mb.sum(), 1))
        rows = np.arange(Hpx)[:, None]
        ca, cb = ma.sum(0), mb.sum(0)
        both = (ca > 0) & (cb > 0)
        ya = (rows * ma).sum(0)[both] / ca[both]
        yb = (rows * mb).sum(0)[both] / cb[both]
        off = np.abs(ya - yb) / s
        out.append(
            (se.text, recall, precision, float(np.median(off)), float(np.percentile(off, 95)))
        )
    return out


def overlay_png(original: np.ndarray, thin: np.ndarray, path: Path) -> None:
    """The PDF raster with the re-plot's thin black lines drawn over it."""
    from PIL import Image

    img = original.copy()
    dark = thin.mean(axis=2) < 128
    img[dark] = 0
    Image.fromarray(img).save(path)


# ----- the CSV ----------------------------------------------------------------------------------
def _git(git_dir: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], check=True, capture_output=True
    ).stdout


def write_csv(path: Path, panels: list[Panel], header: list[str]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        for line in header:
            f.write(f"# {line}\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["panel", "hidden", "depth", "k", "value"])
        for p in panels:
            for se in p.series:
                k = np.round(se.x).astype(np.int64) + 1
                for kk, vv in zip(k, se.value, strict=True):
                    w.writerow([p.name, se.hidden, se.depth, int(kk), f"{vv:.7g}"])
                    n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("git_dir", type=Path, help=f"a clone or bare mirror of {REPOSITORY}")
    ap.add_argument("--commit", default="HEAD", help="the revision to read (default HEAD)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the CSV to write")
    ap.add_argument("--check-dir", type=Path, help="re-plot, compare rasters, write PNGs here")
    args = ap.parse_args(argv)

    sha = _git(args.git_dir, "rev-parse", f"{args.commit}^{{commit}}").decode().strip()
    header = [
        "The landscape authors' Figure 2 curves (Kiselev et al., 'Unraveling the Hessian: A Key "
        "to Smooth Convergence in Loss Function Landscapes', arXiv 2409.11995): MNIST pixels, "
        "direct classification.",
        f"repository: {REPOSITORY} (GitHub)",
        f"commit: {sha}",
    ]
    panels = []
    for name, rel in PANELS.items():
        blob = _git(args.git_dir, "rev-parse", f"{sha}:{rel}").decode().strip()
        twin = rel.replace("paper/figs/", "code/figs/")
        try:
            twin_blob = _git(args.git_dir, "rev-parse", f"{sha}:{twin}").decode().strip()
        except subprocess.CalledProcessError:
            twin_blob = None
        same = "identical blob" if twin_blob == blob else f"a different blob ({twin_blob})"
        data = _git(args.git_dir, "cat-file", "blob", blob)
        last = _git(args.git_dir, "log", "-1", "--format=%H %ad", "--date=short", sha, "--", rel)
        p = extract_panel(data, name)
        panels.append(p)
        labels = ", ".join(se.text for se in p.series)
        header += [
            f"file {name}: {rel} (git blob {blob}, sha256 {hashlib.sha256(data).hexdigest()}; "
            f"{twin}: {same}; last changed in {last.decode().strip()})",
            f"legend {name}: {len(p.series)} entries: {labels}",
            f"axes {name}: x linear, {len(p.x.ticks)} labelled ticks "
            f"({', '.join(t for _, t, _ in p.x.ticks)}), fit residual {p.x.residual:.1e} pt; "
            f"y {'log' if p.y.log else 'linear'}, {len(p.y.ticks)} labelled ticks "
            f"({', '.join(t for _, t, _ in p.y.ticks)}), fit residual {p.y.residual:.1e} pt"
            + (
                f", minor ticks within {p.y.minor_error:.1e} pt of m 10^n"
                if p.y.minor_error is not None
                else ""
            ),
        ]
        frac = max(float(np.max(np.abs(se.x - np.round(se.x)))) for se in p.series)
        if frac > 1e-3:
            raise ValueError(f"{name}: vertices off the integer x grid by up to {frac:.3g}")
        for se in p.series:
            if np.any(np.diff(np.round(se.x)) <= 0):
                raise ValueError(f"{name}: {se.text}: x does not increase from vertex to vertex")
        print(
            f"{name}: {rel} @ {sha[:10]}; {twin}: {same}\n"
            f"  x axis: {'log' if p.x.log else 'linear'}, ticks "
            f"{[t for _, t, _ in p.x.ticks]}, residual {p.x.residual:.2e} pt\n"
            f"  y axis: {'log' if p.y.log else 'linear'}, ticks "
            f"{[t for _, t, _ in p.y.ticks]}, residual {p.y.residual:.2e} pt, minor ticks "
            f"within {p.y.minor_error if p.y.minor_error is not None else float('nan'):.2e} pt"
        )
        print(f"  vertices off the integer x grid by at most {frac:.2e}")
        for se in p.series:
            print(
                f"  {se.text:>10}: {se.x.size:5d} vertices, x {round(se.x.min())}.."
                f"{round(se.x.max())}, value {se.value[0]:.3g} at x = 0 .. {se.value[-1]:.3g} at "
                f"x = {se.x[-1]:.0f}, lw {se.linewidth}"
            )
    header += [
        "quantity: kisnikser/landscape-hessian/code/plot_differences.py (as of commit e6c9c47, "
        "which made the PDFs; the 2025 revision only reformats it and drops usetex): "
        "for one trained net, the per-object losses l_i at theta-hat on the first 10,000 "
        "MNIST training images; for each of 100 random orderings |L_{k+1} - L_k| with L_k the "
        "running mean (np.abs(np.diff(cumsum / arange))); the mean over the 100 orderings; "
        "then the EMA e_t = 0.99 e_(t-1) + 0.01 x_t, e_0 = x_0; plotted with plt.plot(ema) on a "
        "linear x axis and a log y axis. One training run per net (no seed set), no bands.",
        "columns: panel (hidden_size: L = 5, h varied, the left panel; num_layers: h = 16, L "
        "varied, the right panel), hidden (h) and depth (L, the authors' num_layers: "
        "hidden-to-hidden layers after the first) naming the series (legend 'h = .., L = ..'), "
        "k, value (the smoothed curve at k). The abscissa as drawn is the array index x = k - "
        "1 = 0 .. 9998: index i holds |L_{i+2} - L_{i+1}|, so k = x + 1. The h = 16, L = 5 "
        "net is in both panels, with its own 100 random orderings in each.",
        "method: scripts/extract_landscape_curves.py (pdfplumber): the stroked paths' vertices, "
        "calibrated on the major tick marks and their labels (log y axis read from 10^n "
        "labels); series matched to the legend by stroke colour. Matplotlib simplified the "
        "paths when writing the PDF (vertices within 1/9 pt of a straight run dropped), so "
        "only a subset of k appears; the drawn line between vertices is straight in (k, "
        "log10 value).",
    ]
    n = write_csv(args.out, panels, header)
    print(f"wrote {args.out}: {n} rows")

    if args.check_dir:
        args.check_dir.mkdir(parents=True, exist_ok=True)
        for p, (name, rel) in zip(panels, PANELS.items(), strict=True):
            data = _git(args.git_dir, "show", f"{sha}:{rel}")
            orig = render_pdf(data)
            shape = orig.shape[:2]
            rep = _fig_array(replot(p, shape))
            thin = _fig_array(replot(p, shape, thin=True))
            if rep.shape != orig.shape or thin.shape != orig.shape:
                raise ValueError(f"re-plot {rep.shape} and PDF raster {orig.shape} differ")
            from PIL import Image

            Image.fromarray(rep).save(args.check_dir / f"{name}_replot.png")
            overlay_png(orig, thin, args.check_dir / f"{name}_overlay.png")
            print(f"{name}: re-plot against the PDF raster at {DPI} dpi")
            for text, rec, prec, med, p95 in compare_rasters(p, orig, rep):
                pct = [
                    100 * (10 ** (o / abs(p.y.b)) - 1) if p.y.log else np.nan for o in (med, p95)
                ]
                print(
                    f"  {text:>10}: {rec:.1%} of the PDF's pixels and {prec:.1%} of the "
                    f"re-plot's within 0.5 pt of the other; vertical offset median {med:.3f} pt "
                    f"({pct[0]:.2f}% of the value), 95th percentile {p95:.3f} pt ({pct[1]:.2f}%)"
                )
        print(f"overlays in {args.check_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
