"""Closed-form traces of the Hessian and of its square (WS paper, Theorems 2 and 5).

``tr H = (1/N) sum_i [ s_i (|at_i|^2 + |xt_i|^2 |v_i|^2) + e_i |xt_i|^2 (wb . f''_i) ]``

``tr H^2 = (1/N^2) sum_ij [ s_i s_j G_ij^2 + 2 s_i e_j Q_ij + e_i e_j MM_ij ]`` with
``K_ij = xt_i . xt_j``, ``w_i = wb * f''_i`` and the N x N matrices

* ``G_ij  = g_i . g_j      = 1 + a_i . a_j + K_ij (v_i . v_j)``
* ``Q_ij  = g_i^T M_j g_i  = K_ij^2 sum_k v_ik^2 w_jk + 2 K_ij sum_k v_ik a_ik f'_jk``
* ``MM_ij = tr(M_i M_j)    = K_ij^2 (w_i . w_j) + 2 K_ij (f'_i . f'_j)``

(the two cross terms ``s_i e_j Q_ij + s_j e_i Q_ji`` of ``book/traces.md`` are equal after
summing over all pairs). The pairwise form costs O(N^2 d) for the inputs' Gram matrix K (once
per call: a batch of networks shares the data) and, per network, O(N^2 h) for the matrix
products that build G, Q and MM and O(N^2) for the elementwise work on these N x N matrices:
O(N^2 (d + h)) for one network. The same number is ``|H|_F^2`` with H assembled in O(N n^2)
per network, ``n = h (d + 2) + 1``. :func:`trace_hessian_squared` offers both, and
``method="auto"`` takes the one :func:`trace_squared_costs` predicts to be faster.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import network
from .blas import product_work, serial_blas
from .hessian import assemble_hessian
from .model import Forward, Net

__all__ = [
    "trace_hessian",
    "trace_hessian_squared",
    "TRACE_SQUARED_METHODS",
    "COST_SECONDS",
    "cost_terms",
    "trace_squared_costs",
    "choose_trace_squared_method",
]

TRACE_SQUARED_METHODS = ("auto", "pairwise", "assembled")


@dataclass
class PairTerms:
    """The pairwise matrices of tr(H^2), each ``(B, N, N)``; ``K`` is ``(N, N)``."""

    K: np.ndarray
    G: np.ndarray
    Q: np.ndarray
    MM: np.ndarray


def trace_terms(fw: Forward) -> tuple[np.ndarray, np.ndarray]:
    """Per-sample pieces of tr H: ``(|g_i|^2, tr M_i)`` with
    ``tr H = mean_i s_i |g_i|^2 + e_i tr M_i`` (WS Theorem 2).

    ``|g_i|^2 = |at_i|^2 + |xt_i|^2 |v_i|^2`` and ``tr M_i = |xt_i|^2 (wb . f''_i)``; shapes
    (B, N).
    """
    c = fw.c
    g2 = 1.0 + np.einsum("bnk,bnk->bn", fw.A, fw.A) + c * np.einsum("bnk,bnk->bn", fw.V, fw.V)
    trM = c * fw.W.sum(axis=2)
    return g2, trM


def trace_from_forward(fw: Forward) -> np.ndarray:
    """tr H for every network of the batch: shape (B,)."""
    g2, trM = trace_terms(fw)
    return (fw.s * g2 + fw.e * trM).mean(axis=1)


def pair_terms(fw: Forward) -> PairTerms:
    """Build K, G, Q, MM with matrix products: O(N^2 d) for K, O(N^2 h) per network for the
    rest (and O(N^2) per network of elementwise work)."""
    K = fw.K
    K2 = K * K
    A, V, W, F1 = fw.A, fw.V, fw.W, fw.F1
    G = 1.0 + A @ A.transpose(0, 2, 1) + K * (V @ V.transpose(0, 2, 1))
    Q = K2 * ((V * V) @ W.transpose(0, 2, 1)) + 2.0 * K * ((V * A) @ F1.transpose(0, 2, 1))
    MM = K2 * (W @ W.transpose(0, 2, 1)) + 2.0 * K * (F1 @ F1.transpose(0, 2, 1))
    return PairTerms(K, G, Q, MM)


def trace_squared_pairwise(fw: Forward, pt: PairTerms | None = None) -> np.ndarray:
    """tr H^2 by the double sum over pairs of samples: shape (B,)."""
    pt = pair_terms(fw) if pt is None else pt
    s, e = fw.s, fw.e
    total = (
        np.einsum("bi,bij,bj->b", s, pt.G * pt.G, s)
        + 2.0 * np.einsum("bi,bij,bj->b", s, pt.Q, e)
        + np.einsum("bi,bij,bj->b", e, pt.MM, e)
    )
    return total / fw.N**2


def trace_squared_assembled(fw: Forward) -> np.ndarray:
    """tr H^2 = |H|_F^2 with H assembled blockwise: shape (B,)."""
    H = assemble_hessian(fw)
    return np.einsum("bij,bij->b", H, H)


#: Seconds per unit of work of each term of the cost model of one numpy call of
#: ``grad_ws_upper_bound`` on B networks sharing N samples (d inputs, h hidden units, n
#: parameters), by :func:`cost_terms`. Fitted by ``benchmarks/bench_gradients.py`` (relative
#: least squares over its crossover grid, single-threaded BLAS; benchmarks/RESULTS.md, section
#: 1c); tr(H^2) itself costs less, in about the same proportion for both forms.
COST_SECONDS = {
    "pairwise_call": 2.0e-3,  # per call: fixed numpy overhead of the pairwise form
    "pairwise_gram": 7.0e-11,  # x N^2 (d + 1): the inputs' Gram matrix K, once per call
    "pairwise_pairs": 1.8e-7,  # x B N^2: elementwise work on the N x N matrices
    "pairwise_hidden": 5.7e-9,  # x B N^2 h: products of N x N with N x h matrices
    "pairwise_samples": 1.9e-8,  # x B N n: per-sample work (forward pass, chain rule)
    "assembled_call": 5.6e-3,  # per call: fixed numpy overhead of the assembled form
    "assembled_hessian": 8.6e-10,  # x B N n^2: the products g^T diag(s) g and H g_i
    "assembled_blocks": 1.2e-9,  # x B N h (d+1)^2: the W1 blocks (e_i M_i terms, q_ik)
    "assembled_square": 4.9e-8,  # x B n^2: elementwise work on the n x n matrix H
    "assembled_samples": 1.0e-7,  # x B N n: per-sample work (forward pass, chain rule)
}


def cost_terms(N: int, net: Net, B: int = 1) -> dict[str, float]:
    """The units of work of each term of :data:`COST_SECONDS` for these sizes."""
    N, B = int(N), max(int(B), 1)
    d, h, n = net.d_in, net.d_hidden, net.n_params
    return {
        "pairwise_call": 1.0,
        "pairwise_gram": float(N * N * (d + 1)),
        "pairwise_pairs": float(B * N * N),
        "pairwise_hidden": float(B * N * N * h),
        "pairwise_samples": float(B * N * n),
        "assembled_call": 1.0,
        "assembled_hessian": float(B * N * n * n),
        "assembled_blocks": float(B * N * h * (d + 1) ** 2),
        "assembled_square": float(B * n * n),
        "assembled_samples": float(B * N * n),
    }


def trace_squared_costs(N: int, net: Net, B: int = 1) -> dict[str, float]:
    """Predicted seconds of one numpy gradient call by each form: ``{"pairwise": ...,
    "assembled": ...}``, the sum of its terms in :func:`cost_terms` times :data:`COST_SECONDS`.

    Pairwise: ``call + gram N^2 (d+1) + B (pairs N^2 + hidden N^2 h + samples N n)``;
    assembled: ``call + B (hessian N n^2 + blocks N h (d+1)^2 + square n^2 + samples N n)``.
    The pairwise form's N^2 terms do not shrink with h.
    """
    units = cost_terms(N, net, B)
    out = {"pairwise": 0.0, "assembled": 0.0}
    for term, seconds in COST_SECONDS.items():
        out[term.split("_", 1)[0]] += seconds * units[term]
    return out


def choose_trace_squared_method(N: int, net: Net, B: int = 1) -> str:
    """The form of tr(H^2) (and of its gradient) with the lower predicted time for B networks
    on N samples: ``"pairwise"`` or ``"assembled"`` (:func:`trace_squared_costs`; a tie goes
    to pairwise).

    >>> choose_trace_squared_method(10, Net(2, 30)), choose_trace_squared_method(3000, Net(2, 3))
    ('pairwise', 'assembled')
    >>> choose_trace_squared_method(1000, Net(100, 1))  # the N^2 d and N^2 terms count
    'assembled'
    """
    network("net", net)
    cost = trace_squared_costs(N, net, B)
    return "pairwise" if cost["pairwise"] <= cost["assembled"] else "assembled"


def _check_method(method: str) -> str:
    if method not in TRACE_SQUARED_METHODS:
        raise ValueError(f"method must be one of {list(TRACE_SQUARED_METHODS)}, got {method!r}")
    return method


def resolve_method(method: str, fw: Forward) -> str:
    """``"pairwise"`` or ``"assembled"``: ``method`` checked, ``"auto"`` resolved for fw."""
    method = _check_method(method)
    return choose_trace_squared_method(fw.N, fw.net, fw.A.shape[0]) if method == "auto" else method


def trace_squared_from_forward(fw: Forward, method: str = "auto") -> np.ndarray:
    """tr H^2 for every network of the batch by the chosen method: shape (B,)."""
    if resolve_method(method, fw) == "pairwise":
        return trace_squared_pairwise(fw)
    return trace_squared_assembled(fw)


def trace_hessian(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray):
    """tr H in closed form (WS Theorem 2): scalar or ``(B,)``.

    >>> import numpy as np
    >>> from hsr.core.hessian import hessian
    >>> net = Net(2, 3, "gelu"); rng = np.random.default_rng(1)
    >>> X, y, th = rng.normal(size=(6, 2)), rng.integers(0, 2, 6), rng.normal(size=13)
    >>> bool(np.isclose(trace_hessian(net, th, X, y), np.trace(hessian(net, th, X, y))))
    True
    """
    network("net", net)
    fw = net.forward(theta, X, y)
    return fw.out(trace_from_forward(fw))


def trace_hessian_squared(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, method: str = "auto"
):
    """tr H^2 in closed form (WS Theorem 5): scalar or ``(B,)``.

    ``method``: ``"pairwise"`` (the paper's double sum over samples, O(N^2 (d + h))),
    ``"assembled"`` (|H|_F^2, O(N n^2)) or ``"auto"`` (the one predicted to be faster for
    these sizes: :func:`choose_trace_squared_method`).

    >>> import numpy as np
    >>> net = Net(2, 3, "sigmoid"); rng = np.random.default_rng(2)
    >>> X, y, th = rng.normal(size=(7, 2)), rng.integers(0, 2, 7), rng.normal(size=13)
    >>> a = trace_hessian_squared(net, th, X, y, method="pairwise")
    >>> b = trace_hessian_squared(net, th, X, y, method="assembled")
    >>> bool(np.isclose(a, b, rtol=1e-12))
    True
    """
    network("net", net)
    _check_method(method)
    theta = net.check_theta(theta)
    X, y = net.check_data(X, y)
    if method == "auto":  # resolved once, for the BLAS threads and the formula alike
        B = theta.shape[0] if theta.ndim == 2 else 1
        method = choose_trace_squared_method(X.shape[0], net, B)
    with serial_blas(product_work(net, theta, X, method)):  # hsr.core.blas
        fw = net.forward(theta, X, y)
        return fw.out(trace_squared_from_forward(fw, method))
