"""The Hessian term of Kiselev et al.'s Lemma 2, exactly, for the three-layer networks of the
WS and HSR papers (``hsr.Net``: ``x -> sigmoid(w2 . [1; f(W1 [1; x])])``, binary CE).

Kiselev et al. (arXiv 2409.11995), Section 3.2 and Lemma 2 (``book/landscape.md``): with
``L_k = (1/k) sum_{i<=k} l_i`` and ``H^(k) = (1/k) sum_{i<=k} H_i``,

    |L_{k+1}(theta) - L_k(theta)| <= |l_{k+1} - L_k|(theta*) / (k+1)
                                     + |d|^2 ||H_{k+1} - H^(k)||_2(theta*) / (k+1),

with ``d = theta - theta*``,

and Lemma 2 bounds the two pieces by ``2 M_l`` and ``2 M_H``. Here every quantity is exact:
the per-sample Hessians ``H_i = s_i g_i g_i^T + e_i M_i`` are ``hsr.hessian`` on one sample
(``book/model.md``), the per-sample gradients ``e_i g_i`` come from ``Forward.backprop``. The exact
expansion about theta* (book/landscape.md) also has a first-order term
``(grad l_{k+1} - grad L_k) . d / (k+1)``, zero only where Assumption 1 holds; it is returned
beside the others.

Core floor: numpy only.

>>> import numpy as np
>>> from hsr import Net
>>> net = Net(2, 3, "tanh"); rng = np.random.default_rng(0)
>>> X, y = rng.normal(size=(6, 2)), rng.integers(0, 2, 6).astype(float)
>>> H = per_sample_hessians(net, rng.normal(size=net.n_params), X, y)
>>> H.shape, hessian_increments(H).shape
((6, 13, 13), (5,))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import network
from ..hessian import hessian
from ..model import Net

__all__ = [
    "per_sample_hessians",
    "per_sample_losses_grads",
    "hessian_increments",
    "prefix_means",
    "LossDifferenceTerms",
    "loss_difference_terms",
]


def _single(net: Net, theta, X, y):
    network("net", net)
    theta = net.check_theta(theta)
    if theta.ndim != 1:
        raise ValueError(f"theta must be one network, shape ({net.n_params},), got {theta.shape}")
    X, y = net.check_data(X, y)
    return theta, X, y


def per_sample_hessians(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Exact per-object Hessians ``H_i`` of ``l_i``: ``(N, n, n)`` (``hsr.hessian`` on one
    sample each, so the formula lives in one place); their mean is ``hsr.hessian``."""
    network("net", net)
    theta, X, y = _single(net, theta, X, y)
    return np.stack([hessian(net, theta, X[i : i + 1], y[i : i + 1]) for i in range(X.shape[0])])


def per_sample_losses_grads(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-object losses ``l_i (N,)`` and gradients ``grad l_i = e_i g_i (N, n)``."""
    theta, X, y = _single(net, theta, X, y)
    fw = net.forward(theta, X, y)
    return fw.per_sample_loss()[0], fw.backprop(adj_z=fw.e, per_sample=True)[0]


def prefix_means(values: np.ndarray) -> np.ndarray:
    """Running means over the leading axis: ``out[k-1] = (1/k) sum_{i<=k} values[i-1]``."""
    values = np.asarray(values, dtype=float)
    if values.ndim < 1 or values.shape[0] < 1:
        raise ValueError("values must have a non-empty leading axis")
    k = np.arange(1, values.shape[0] + 1).reshape((-1,) + (1,) * (values.ndim - 1))
    return np.cumsum(values, axis=0) / k


def hessian_increments(H: np.ndarray) -> np.ndarray:
    """``||H_{k+1} - H^(k)||_2`` for k = 1 .. N-1 (entry k-1), ``H^(k)`` the mean of the first
    k of the stack ``H (N, n, n)`` of symmetric matrices: ``(N-1,)``, exact (eigvalsh)."""
    H = np.asarray(H, dtype=float)
    if H.ndim != 3 or H.shape[1] != H.shape[2] or H.shape[0] < 2:
        raise ValueError(
            f"H must be a stack (N, n, n) of square matrices with N >= 2, got {H.shape}"
        )
    if not np.all(np.isfinite(H)):
        raise ValueError("H contains NaN or inf")
    D = H[1:] - prefix_means(H)[:-1]
    lam = np.linalg.eigvalsh((D + np.swapaxes(D, 1, 2)) / 2)
    return np.abs(lam).max(axis=1)


@dataclass
class LossDifferenceTerms:
    """Every piece of Lemma 2 at ``theta = theta_star + delta``, for k = 1..N-1 (axis 0),
    ``(N-1,)`` each (``(N-1, B)`` for B displacements):

    ``exact``: |L_{k+1}(theta) - L_k(theta)|; ``loss_term``: |l_{k+1} - L_k|(theta*)/(k+1);
    ``grad_term``: (grad l_{k+1} - grad L_k)(theta*) . delta / (k+1) (signed; the paper has
    none); ``quad_term``: (1/2) delta^T (H_{k+1} - H^(k)) delta / (k+1) (signed);
    ``hess_term``: |delta|^2 ||H_{k+1} - H^(k)||_2 / (k+1) (the paper's second term);
    ``paper_two_term``: loss_term + hess_term; ``lemma2``: 2 (M_l + M_H R^2)/(k+1) with the
    measured ``M_l = max_i l_i(theta*)``, ``M_H = max_i ||H_i(theta*)||_2``, ``R = |delta|``;
    ``second_order``: |loss + grad + quad| (the exact expansion to second order)."""

    k: np.ndarray
    exact: np.ndarray
    loss_term: np.ndarray
    grad_term: np.ndarray
    quad_term: np.ndarray
    hess_term: np.ndarray
    paper_two_term: np.ndarray
    lemma2: np.ndarray
    second_order: np.ndarray
    M_l: float
    M_H: float


def loss_difference_terms(
    net: Net, theta_star: np.ndarray, X: np.ndarray, y: np.ndarray, delta: np.ndarray
) -> LossDifferenceTerms:
    """Lemma 2's pieces, exact, with the objects in the given order (permute X, y first for
    another order). ``delta``: ``(n,)`` or ``(B, n)`` displacements from ``theta_star``."""
    theta_star, X, y = _single(net, theta_star, X, y)
    N = X.shape[0]
    if N < 2:
        raise ValueError("X must hold at least 2 objects")
    delta = np.asarray(delta, dtype=float)
    single = delta.ndim == 1
    delta2 = delta[None, :] if single else delta
    if delta2.ndim != 2 or delta2.shape[1] != net.n_params or not np.all(np.isfinite(delta2)):
        raise ValueError(f"delta must be finite of shape ({net.n_params},) or (B, {net.n_params})")
    k = np.arange(1, N)
    w = 1.0 / (k + 1.0)
    # exact differences at theta = theta* + delta (B networks at once)
    fw = net.forward(theta_star[None, :] + delta2, X, y)
    lt = fw.per_sample_loss().T  # (N, B)
    exact = np.abs(lt[1:] - prefix_means(lt)[:-1]) * w[:, None]
    # the pieces at theta*
    l0, g0 = per_sample_losses_grads(net, theta_star, X, y)
    H = per_sample_hessians(net, theta_star, X, y)
    loss_term = np.abs(l0[1:] - prefix_means(l0)[:-1]) * w
    dg = g0[1:] - prefix_means(g0)[:-1]  # (N-1, n)
    grad_term = (dg @ delta2.T) * w[:, None]
    dH = H[1:] - prefix_means(H)[:-1]
    quad_term = 0.5 * np.einsum("bi,kij,bj->kb", delta2, dH, delta2) * w[:, None]
    R2 = (delta2**2).sum(axis=1)
    inc = hessian_increments(H)
    hess_term = inc[:, None] * R2[None, :] * w[:, None]
    M_l = float(l0.max())
    M_H = float(np.abs(np.linalg.eigvalsh(H)).max())
    lemma2 = 2.0 * (M_l + M_H * R2[None, :]) * w[:, None]
    second = np.abs((l0[1:] - prefix_means(l0)[:-1])[:, None] * w[:, None] + grad_term + quad_term)

    def out(a):
        return a[:, 0] if single else a

    return LossDifferenceTerms(
        k=k,
        exact=out(exact),
        loss_term=loss_term,
        grad_term=out(grad_term),
        quad_term=out(quad_term),
        hess_term=out(hess_term),
        paper_two_term=out(loss_term[:, None] + hess_term),
        lemma2=out(lemma2),
        second_order=out(second),
        M_l=M_l,
        M_H=M_H,
    )
