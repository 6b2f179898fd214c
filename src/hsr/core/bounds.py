"""Wolkowicz-Styan bounds on the extreme Hessian eigenvalues (Wolkowicz and Styan 1980).

With ``m = tr(H)/n`` and ``s^2 = tr(H^2)/n - m^2`` (the mean and variance of the n
eigenvalues):

    m + s/sqrt(n-1) <= lambda_max <= m + s sqrt(n-1) = lambda_WS
    m - s sqrt(n-1) <= lambda_min <= m - s/sqrt(n-1)

(WS paper, Theorem 1). ``s^2`` below zero by round-off is clamped at 0: values within
``VAR_RTOL * max(tr(H^2)/n, m^2)`` of zero count as zero.

>>> import numpy as np
>>> from hsr.core.hessian import hessian_spectrum
>>> net = Net(2, 3, "sigmoid"); rng = np.random.default_rng(0)
>>> X, y, th = rng.normal(size=(8, 2)), rng.integers(0, 2, 8), rng.normal(size=13)
>>> b, lam = ws_bounds(net, th, X, y), hessian_spectrum(net, th, X, y)
>>> bool(b.lambda_max_lower <= lam[-1] <= b.upper and b.lower <= lam[0] <= b.lambda_min_upper)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import network
from .model import Forward, Net
from .traces import trace_from_forward, trace_squared_from_forward

__all__ = ["WSBounds", "ws_bounds", "ws_upper_bound", "ws_lower_bound", "VAR_RTOL"]

#: relative size below which the eigenvalue variance counts as round-off and is set to 0
VAR_RTOL = 64 * np.finfo(float).eps


@dataclass
class WSBounds:
    """All Wolkowicz-Styan quantities; every field a float or a ``(B,)`` array.

    ``trace`` tr(H), ``trace_squared`` tr(H^2), ``m`` eigenvalue mean, ``s`` eigenvalue
    standard deviation, ``upper`` = m + s sqrt(n-1) (lambda_WS), ``lower`` = m - s sqrt(n-1),
    ``lambda_max_lower`` = m + s/sqrt(n-1), ``lambda_min_upper`` = m - s/sqrt(n-1).
    """

    n: int
    trace: np.ndarray
    trace_squared: np.ndarray
    m: np.ndarray
    s: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    lambda_max_lower: np.ndarray
    lambda_min_upper: np.ndarray


def moments(n: int, tr: np.ndarray, tr2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalue mean and standard deviation from the two traces, with the round-off clamp."""
    m = tr / n
    var = tr2 / n - m * m
    tol = VAR_RTOL * np.maximum(tr2 / n, m * m)
    var = np.where(var <= tol, 0.0, var)
    return m, np.sqrt(var)


def bounds_from_forward(fw: Forward, method: str = "auto") -> WSBounds:
    """WS quantities for every network of a forward pass (batch axis kept)."""
    n = fw.net.n_params
    tr = trace_from_forward(fw)
    tr2 = trace_squared_from_forward(fw, method)
    m, s = moments(n, tr, tr2)
    r = np.sqrt(n - 1.0)
    return WSBounds(n, tr, tr2, m, s, m + s * r, m - s * r, m + s / r, m - s / r)


def ws_bounds(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, method: str = "auto"
) -> WSBounds:
    """All four WS bounds with m and s; fields are floats, or ``(B,)`` for a batch."""
    network("net", net)
    fw = net.forward(theta, X, y)
    b = bounds_from_forward(fw, method)
    fields = {k: (v if k == "n" else fw.out(v)) for k, v in vars(b).items()}
    return WSBounds(**fields)


def ws_upper_bound(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, method="auto"):
    """lambda_WS = m + s sqrt(n-1) (WS paper, Eq. (1)): scalar or ``(B,)``."""
    return ws_bounds(net, theta, X, y, method).upper


def ws_lower_bound(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, method="auto"):
    """m - s sqrt(n-1), the WS lower bound on lambda_min: scalar or ``(B,)``."""
    return ws_bounds(net, theta, X, y, method).lower
