"""Duplicates among critical points, and the groups the papers form from them.

:func:`remove_duplicates`: the papers' threshold (mean - k std of all pairwise distances);
:func:`top_bottom_groups`: HSR's Flat and Sharp seeds; :func:`low_high_groups`: WS Fig. 7's
Low and High groups.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial.distance import pdist, squareform

from ..core._checks import fraction, one_of, real

__all__ = [
    "DEDUP_PROCEDURES",
    "remove_duplicates",
    "fit_duplicates",
    "top_bottom_groups",
    "low_high_groups",
]

#: how points closer than the threshold are merged (the papers do not say): ``greedy`` visits
#: the points in seed order and keeps a point unless it is closer than the threshold to a point
#: kept before it; ``components`` merges transitively (the connected components of the graph
#: "closer than the threshold") and keeps the first point of each component
DEDUP_PROCEDURES = ("greedy", "components")


def remove_duplicates(
    points: np.ndarray, k: float, procedure: str = "greedy"
) -> tuple[np.ndarray, float]:
    """Indices of the points kept once ``(U,)``, increasing, and the threshold used.

    ``points (M, n)``. The threshold is ``mean - k * std`` of all pairwise Euclidean distances
    (the papers' form, its constant blank in the text); ``procedure``: one of
    :data:`DEDUP_PROCEDURES` (also blank in the papers; chosen on the calibration page).

    >>> P = np.array([[0.0], [1.5], [3.0], [20.0]])  # threshold 1.94: 0 ~ 1.5 ~ 3, not 0 ~ 3
    >>> remove_duplicates(P, 1.0)[0], remove_duplicates(P, 1.0, "components")[0]
    (array([0, 2, 3]), array([0, 3]))
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2:
        raise ValueError(f"points must be 2-D (M, n), got shape {points.shape}")
    real("k", k)
    one_of("procedure", procedure, DEDUP_PROCEDURES)
    M = points.shape[0]
    if M <= 1:
        return np.arange(M), float("nan")
    dist = pdist(points)
    threshold = float(dist.mean() - k * dist.std())
    D = squareform(dist)
    if procedure == "components":
        close = csr_matrix(D < threshold)
        _, label = connected_components(close, directed=False)
        _, first = np.unique(label, return_index=True)
        return np.sort(first).astype(int), threshold
    keep = []
    for i in range(M):
        if all(D[i, j] >= threshold for j in keep):
            keep.append(i)
    return np.asarray(keep, dtype=int), threshold


def fit_duplicates(
    points: dict[str, np.ndarray], targets: dict[str, int], ks, procedures=DEDUP_PROCEDURES
) -> list[dict]:
    """The unique counts every ``(procedure, k)`` gives on each set of converged points, beside
    the counts the papers report: one row per ``(procedure, k)`` with ``unique_<name>``,
    ``rel_<name>`` (relative error against ``targets[name]``) and ``max_rel`` (the largest),
    sorted by ``max_rel``. The calibration page fits the procedure and k jointly this way.

    >>> P = {"a": np.array([[0.0], [1.5], [3.0], [20.0]])}
    >>> [(r["procedure"], r["k"], r["unique_a"]) for r in fit_duplicates(P, {"a": 2}, [1.0])]
    [('components', 1.0, 2), ('greedy', 1.0, 3)]
    """
    if set(points) != set(targets) or not points:
        raise ValueError("points and targets must name the same, non-empty set of sweeps")
    rows = []
    for proc in procedures:
        for k in ks:
            row = {"procedure": proc, "k": float(k)}
            rel = []
            for name, P in points.items():
                n = int(remove_duplicates(P, k, proc)[0].size)
                row[f"unique_{name}"] = n
                row[f"rel_{name}"] = (n - targets[name]) / targets[name]
                rel.append(abs(row[f"rel_{name}"]))
            row["max_rel"] = max(rel)
            rows.append(row)
    return sorted(rows, key=lambda r: (r["max_rel"], r["procedure"], r["k"]))


def top_bottom_groups(values: np.ndarray, frac: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the bottom and top ``frac`` of ``values`` (HSR: Flat and Sharp seeds).

    Bottom: ``values <= quantile(frac)``; top: ``values >= quantile(1 - frac)`` (linear
    interpolation, so 1,124 points give 113 and 113). Each sorted by value.
    """
    fraction("frac", frac)
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array, got shape {v.shape}")
    lo, hi = np.quantile(v, frac), np.quantile(v, 1 - frac)
    bottom = np.flatnonzero(v <= lo)
    top = np.flatnonzero(v >= hi)
    return bottom[np.argsort(v[bottom], kind="stable")], top[np.argsort(v[top], kind="stable")]


def low_high_groups(values: np.ndarray, frac_high: float = 0.1):
    """Indices of the Low (below ``quantile(1 - frac_high)``) and High groups (WS Fig. 7)."""
    fraction("frac_high", frac_high)
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array, got shape {v.shape}")
    hi = np.quantile(v, 1 - frac_high)
    return np.flatnonzero(v < hi), np.flatnonzero(v >= hi)
