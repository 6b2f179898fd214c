"""Closed-form traces of the Hessian and of its square (WS paper, Theorems 2 and 5).

``tr H = (1/N) sum_i [ s_i (|at_i|^2 + |xt_i|^2 |v_i|^2) + e_i |xt_i|^2 (wb . f''_i) ]``

``tr H^2 = (1/N^2) sum_ij [ s_i s_j G_ij^2 + 2 s_i e_j Q_ij + e_i e_j MM_ij ]`` with
``K_ij = xt_i . xt_j``, ``w_i = wb * f''_i`` and the N x N matrices

* ``G_ij  = g_i . g_j      = 1 + a_i . a_j + K_ij (v_i . v_j)``
* ``Q_ij  = g_i^T M_j g_i  = K_ij^2 sum_k v_ik^2 w_jk + 2 K_ij sum_k v_ik a_ik f'_jk``
* ``MM_ij = tr(M_i M_j)    = K_ij^2 (w_i . w_j) + 2 K_ij (f'_i . f'_j)``

(the two cross terms ``s_i e_j Q_ij + s_j e_i Q_ji`` of ``book/traces.md`` are equal after
summing over all pairs). The pairwise form costs O(N^2 h); the same number is ``|H|_F^2``
with H assembled in O(N n^2). :func:`trace_hessian_squared` offers both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import network
from .hessian import assemble_hessian
from .model import Forward, Net

__all__ = [
    "trace_hessian",
    "trace_hessian_squared",
    "TRACE_SQUARED_METHODS",
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
    """Per-sample pieces of tr H: ``(A_i, B_i)`` with ``tr H = mean_i s_i A_i + e_i B_i``.

    ``A_i = |at_i|^2 + |xt_i|^2 |v_i|^2`` and ``B_i = |xt_i|^2 (wb . f''_i)``; shapes (B, N).
    """
    c = fw.c
    A_i = 1.0 + np.einsum("bnk,bnk->bn", fw.A, fw.A) + c * np.einsum("bnk,bnk->bn", fw.V, fw.V)
    B_i = c * fw.W.sum(axis=2)
    return A_i, B_i


def trace_from_forward(fw: Forward) -> np.ndarray:
    """tr H for every network of the batch: shape (B,)."""
    A_i, B_i = trace_terms(fw)
    return (fw.s * A_i + fw.e * B_i).mean(axis=1)


def pair_terms(fw: Forward) -> PairTerms:
    """Build K, G, Q, MM with matrix products: cost O(N^2 h)."""
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


def choose_trace_squared_method(N: int, net: Net, B: int = 1) -> str:
    """The cheaper of ``pairwise`` (~ N^2 h) and ``assembled`` (~ N n^2) for these sizes.

    Pairwise when ``PAIRWISE_WEIGHT * N^2 h <= N n^2 + ASSEMBLED_OVERHEAD / B``: one pairwise
    multiply-add costs about ``PAIRWISE_WEIGHT`` assembled ones, and the assembled form has a
    fixed per-call cost (spread over a batch of B networks). Both constants were fitted on
    this project's 2-core machines (benchmarks/bench_gradients.py): with them the rule picked
    the faster method in all 42 measured cells.

    >>> choose_trace_squared_method(10, Net(2, 30)), choose_trace_squared_method(3000, Net(2, 3))
    ('pairwise', 'assembled')
    >>> net = Net(2, 3)
    >>> choose_trace_squared_method(100, net), choose_trace_squared_method(100, net, B=256)
    ('pairwise', 'assembled')
    """
    network("net", net)
    pairwise = PAIRWISE_WEIGHT * N * N * net.d_hidden
    assembled = N * net.n_params**2 + ASSEMBLED_OVERHEAD / max(int(B), 1)
    return "pairwise" if pairwise <= assembled else "assembled"


#: relative cost of a pairwise term against an assembled one (measured, see benchmarks/)
PAIRWISE_WEIGHT = 8.0
#: fixed cost of one assembled call, in units of one assembled term (measured)
ASSEMBLED_OVERHEAD = 1e6


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

    ``method``: ``"pairwise"`` (the paper's double sum over samples, O(N^2 h)),
    ``"assembled"`` (|H|_F^2, O(N n^2)) or ``"auto"`` (the cheaper for these N and n).

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
    fw = net.forward(theta, X, y)
    return fw.out(trace_squared_from_forward(fw, method))
