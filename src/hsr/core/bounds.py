"""Wolkowicz-Styan bounds on the extreme Hessian eigenvalues (Wolkowicz and Styan 1980).

With ``m = tr(H)/n`` and ``s^2 = tr(H^2)/n - m^2`` (the mean and variance of the n
eigenvalues; the book writes ``s_lambda`` for ``s``, apart from the per-sample ``s_i``):

    m + s/sqrt(n-1) <= lambda_max <= m + s sqrt(n-1) = lambda_WS
    m - s sqrt(n-1) <= lambda_min <= m - s/sqrt(n-1)

All four are Theorem 2.1 of Wolkowicz and Styan (1980; Eqs. (2.2)-(2.3)). The upper bound
lambda_WS is the WS paper's Theorem 1, Eq. (7) (HSR paper, Eq. (1)); the lower bound
``m - s sqrt(n-1)`` on lambda_min is the HSR paper's Eq. (61). ``s^2`` within
``VAR_RTOL * max(tr(H^2)/n, m^2)`` of zero is round-off and counts as zero; below that, the
traces belong to no real symmetric matrix (``tr(H^2) >= tr(H)^2 / n``) and :func:`moments`
raises a ValueError naming them.

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
from .blas import product_work, serial_blas
from .model import Forward, Net
from .traces import trace_from_forward, trace_squared_from_forward

__all__ = ["WSBounds", "ws_bounds", "ws_upper_bound", "ws_lower_bound", "VAR_RTOL"]

#: relative size within which the eigenvalue variance counts as round-off and is set to 0
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
    """Eigenvalue mean ``m = tr/n`` and standard deviation ``s = sqrt(tr2/n - m^2)`` of an
    ``n x n`` real symmetric matrix from its traces ``tr`` and ``tr2`` (floats or arrays of
    one shape).

    A variance within ``VAR_RTOL * max(tr2/n, m^2)`` of zero is round-off and gives ``s = 0``.
    A variance further below zero is no round-off: ``tr2 < tr^2 / n`` holds for no real
    symmetric matrix (Cauchy-Schwarz on its eigenvalues), so it raises a ValueError naming
    the inputs. NaN stays NaN.

    >>> m, s = moments(4, 4.0, 4.4)
    >>> float(m), round(float(s), 6)
    (1.0, 0.316228)
    >>> moments(4, 4.0, 2.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: tr2 must be at least tr**2 / n ... (n = 4): got tr = 4.0, tr2 = 2.0, ... of -0.5
    """
    m = np.divide(tr, n)
    var = np.divide(tr2, n) - m * m
    tol = VAR_RTOL * np.maximum(np.divide(tr2, n), m * m)
    impossible = var < -tol
    if np.any(impossible):
        k = np.flatnonzero(impossible)[0]
        t, t2, v = (float(np.ravel(np.broadcast_to(a, np.shape(var)))[k]) for a in (tr, tr2, var))
        at = f" (entry {k} of {impossible.size})" if impossible.size > 1 else ""
        raise ValueError(
            f"tr2 must be at least tr**2 / n for a real symmetric matrix (n = {n}): got "
            f"tr = {t!r}, tr2 = {t2!r}, a variance tr2/n - (tr/n)**2 of {v!r}{at}"
        )
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
    with serial_blas(product_work(net, theta, X, method)):  # hsr.core.blas
        fw = net.forward(theta, X, y)
        b = bounds_from_forward(fw, method)
    fields = {k: (v if k == "n" else fw.out(v)) for k, v in vars(b).items()}
    return WSBounds(**fields)


def ws_upper_bound(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, method="auto"):
    """lambda_WS = m + s sqrt(n-1) (WS paper, Theorem 1, Eq. (7); HSR paper, Eq. (1)): scalar
    or ``(B,)``."""
    return ws_bounds(net, theta, X, y, method).upper


def ws_lower_bound(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, method="auto"):
    """m - s sqrt(n-1), the WS lower bound on lambda_min (HSR paper, Eq. (61); Wolkowicz and
    Styan, Eq. (2.2)): scalar or ``(B,)``."""
    return ws_bounds(net, theta, X, y, method).lower
