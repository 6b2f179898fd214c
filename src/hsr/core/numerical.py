"""The papers' "numerical solutions": finite differences and ``np.trace``, kept apart from
the closed forms so that a figure can put the two side by side.

Nothing in the closed-form modules calls this module.

>>> import numpy as np
>>> numerical_gradient(lambda t: float(t @ t), np.array([1.0, -2.0]))
array([ 2., -4.])
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._checks import network
from .bounds import ws_upper_bound
from .model import Net, loss

__all__ = [
    "numerical_gradient",
    "numerical_hessian",
    "numerical_loss_hessian",
    "numerical_traces",
    "numerical_grad_ws_upper_bound",
]


def _check(theta: object, eps: float) -> np.ndarray:
    theta = np.asarray(theta, dtype=float)
    if theta.ndim != 1 or theta.size == 0:
        raise ValueError(f"theta must be a non-empty 1-D array, got shape {theta.shape}")
    if not np.all(np.isfinite(theta)):
        raise ValueError("theta contains NaN or inf")
    if not (isinstance(eps, (int, float)) and np.isfinite(eps) and eps > 0):
        raise ValueError(f"eps must be a positive finite number, got {eps!r}")
    return theta


def _evaluate(fn: Callable, points: np.ndarray, vectorized: bool) -> np.ndarray:
    if vectorized:
        return np.asarray(fn(points), dtype=float).reshape(points.shape[0])
    return np.array([float(fn(p)) for p in points])


def numerical_gradient(
    fn: Callable, theta: np.ndarray, eps: float = 1e-6, vectorized: bool = False
) -> np.ndarray:
    """Central differences ``(f(theta + eps e_k) - f(theta - eps e_k)) / (2 eps)``: shape (n,).

    ``fn`` maps theta ``(n,)`` to a scalar; with ``vectorized=True`` it maps ``(k, n)`` to
    ``(k,)`` and all 2n points are evaluated in one call (every ``hsr`` scalar accepts that).
    Error O(eps^2) from truncation plus O(|f| 1e-16 / eps) from round-off.
    """
    theta = _check(theta, eps)
    n = theta.size
    steps = eps * np.eye(n)
    values = _evaluate(fn, np.concatenate([theta + steps, theta - steps]), vectorized)
    return (values[:n] - values[n:]) / (2.0 * eps)


def numerical_hessian(
    fn: Callable, theta: np.ndarray, eps: float = 1e-4, vectorized: bool = False
) -> np.ndarray:
    """Second-order central differences of a scalar function: shape (n, n), symmetric.

    ``H_ab ~ [f(+a+b) - f(+a-b) - f(-a+b) + f(-a-b)] / (4 eps^2)`` (4 n^2 evaluations).
    """
    theta = _check(theta, eps)
    n = theta.size
    I = eps * np.eye(n)
    pa, pb = I[:, None, :], I[None, :, :]
    pts = np.stack([theta + pa + pb, theta + pa - pb, theta - pa + pb, theta - pa - pb])
    vals = _evaluate(fn, pts.reshape(-1, n), vectorized).reshape(4, n, n)
    H = (vals[0] - vals[1] - vals[2] + vals[3]) / (4.0 * eps * eps)
    return 0.5 * (H + H.T)


def numerical_loss_hessian(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, eps: float = 1e-4
) -> np.ndarray:
    """Finite-difference Hessian of the mean cross-entropy loss: shape (n, n) (WS Fig. 8)."""
    network("net", net)
    theta = net.check_theta(theta, allow_batch=False)
    X, y = net.check_data(X, y)
    return numerical_hessian(lambda t: loss(net, t, X, y), theta, eps, vectorized=True)


def numerical_traces(H: np.ndarray) -> tuple[float, float]:
    """``(np.trace(H), np.trace(H @ H))`` of a given Hessian matrix (WS Fig. 9)."""
    H = np.asarray(H, dtype=float)
    if H.ndim != 2 or H.shape[0] != H.shape[1]:
        raise ValueError(f"H must be a square matrix, got shape {H.shape}")
    return float(np.trace(H)), float(np.trace(H @ H))


def numerical_grad_ws_upper_bound(
    net: Net,
    theta: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    eps: float = 1e-6,
    method: str = "auto",
) -> np.ndarray:
    """Central differences of lambda_WS: shape (n,) (the numerical solution of HSR Fig. 2).

    ``method``: how each lambda_WS evaluates tr(H^2) (see :func:`hsr.trace_hessian_squared`).
    """
    network("net", net)
    theta = net.check_theta(theta, allow_batch=False)
    X, y = net.check_data(X, y)
    return numerical_gradient(
        lambda t: ws_upper_bound(net, t, X, y, method), theta, eps, vectorized=True
    )
