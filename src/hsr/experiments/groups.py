"""Duplicates among critical points, and the groups the papers form from them.

:func:`remove_duplicates`: the papers' threshold (mean - k std of all pairwise distances);
:func:`top_bottom_groups`: HSR's Flat and Sharp seeds; :func:`low_high_groups`: WS Fig. 7's
Low and High groups.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import pdist, squareform

from ..core._checks import fraction

__all__ = ["remove_duplicates", "top_bottom_groups", "low_high_groups"]


def remove_duplicates(points: np.ndarray, k: float) -> tuple[np.ndarray, float]:
    """Indices of the points kept once, and the threshold used.

    The threshold is ``mean - k * std`` of all pairwise Euclidean distances (the papers'
    form, its constant blank in the text); points are visited in order and a point is kept
    when it is at least the threshold away from every point kept before it.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2:
        raise ValueError(f"points must be 2-D (M, n), got shape {points.shape}")
    M = points.shape[0]
    if M <= 1:
        return np.arange(M), float("nan")
    dist = pdist(points)
    threshold = float(dist.mean() - k * dist.std())
    D = squareform(dist)
    keep = []
    for i in range(M):
        if all(D[i, j] >= threshold for j in keep):
            keep.append(i)
    return np.asarray(keep, dtype=int), threshold


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
