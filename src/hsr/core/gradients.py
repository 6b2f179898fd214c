"""Closed-form gradients of tr(H), tr(H^2) and the WS upper bound (HSR paper, Theorems 1-5).

Derivation (the book's chapter "Gradients" spells it out). Every quantity is a sum over
samples of expressions in the per-sample quantities ``z_i`` (through ``e_i, s_i``),
``a_i``, ``v_i = wb * f'(u_i)``, ``w_i = wb * f''(u_i)`` and ``f'(u_i)``. We first take the
derivative of the scalar with respect to each of those (its *adjoint*), using
``de/dz = s`` and ``ds/dz = s (1 - 2p)``; :meth:`hsr.model.Forward.backprop` then applies
the chain rule to theta once, for every scalar:

* ``d/dwb`` collects ``adj_z a + adj_v f' + adj_w f''``; ``d/db2 = adj_z``;
* ``d/du = (adj_a + adj_z wb) f' + (adj_f' + adj_v wb) f'' + adj_w wb f'''``;
* ``d/dW1 = sum_i (d/du_i) xt_i^T`` (theta1 = vec(W1) column by column).

tr(H) (Theorems 2 and 3), with ``A_i = |at_i|^2 + |xt_i|^2 |v_i|^2``, ``B_i = |xt_i|^2 sum_k w_ik``,
``tr H = (1/N) sum_i s_i A_i + e_i B_i``:

    adj_z = s(1-2p) A + s B,  adj_a = 2 s a,  adj_v = 2 s |xt|^2 v,  adj_w = e |xt|^2   (all / N)

tr(H^2) (Theorems 4 and 5), pairwise form ``S = sum_ij s_i s_j G_ij^2 + 2 s_i e_j Q_ij +
e_i e_j MM_ij`` (see :mod:`hsr.traces`), with ``C = 2 (s s^T) o G``, ``D = 2 s e^T``,
``E = e e^T`` (``o`` the elementwise product), all divided by N^2:

    dS/ds = 2 (s o G o G) 1 ... = 2 (G o G) s + 2 Q e,   dS/de = 2 Q^T s + 2 MM e
    adj_z = s(1-2p) dS/ds + s dS/de
    adj_a = 2 C A + 2 V o ((D o K) F1)
    adj_v = 2 (C o K) V + 2 V o ((D o K^2) W) + 2 A o ((D o K) F1)
    adj_w = (D o K^2)^T V^2 + 2 (E o K^2) W
    adj_f' = 2 (D o K)^T (V o A) + 4 (E o K) F1

Cost O(N^2 h). The assembled form differentiates ``|H|_F^2`` as ``2 tr(H dH)`` with H held
fixed: per sample, ``g_i^T H g_i`` and ``tr(H M_i) = sum_k w_ik q_ik + 2 f'_ik r_ik`` with
``q_ik = xt_i^T H[W1 row k, W1 row k] xt_i`` and ``r_ik = xt_i . H[W1 row k, w2_k]``:

    adj_z = s(1-2p) g^T H g + s tr(H M),  adj_v = 2 s (H g restricted to W1, summed with xt),
    adj_a = 2 s (H g)[w2 weights],  adj_w = e q,  adj_f' = 2 e r           (all * 2/N)

Cost O(N n^2). Both are closed forms; neither differentiates numerically.

WS upper bound (HSR Theorem 1): ``grad lambda_WS = grad m + sqrt(n-1) grad s`` with
``grad m = grad tr(H) / n`` and ``grad s = (grad tr(H^2)/n - 2 m grad m) / (2 s)``.
Where ``s = 0`` (all eigenvalues equal) the bound is not differentiable; we then return
``grad s = 0``, the minimum-norm element of the subdifferential of ``s = sqrt(var)`` at a
minimum of the variance, so the gradient is ``grad m`` alone. Never NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._checks import network
from .bounds import moments
from .hessian import assemble_hessian
from .model import Forward, Net
from .traces import (
    _check_method,
    choose_trace_squared_method,
    pair_terms,
    resolve_method,
    trace_from_forward,
    trace_squared_pairwise,
    trace_terms,
)

__all__ = [
    "grad_trace_hessian",
    "grad_trace_hessian_squared",
    "grad_ws_upper_bound",
    "ws_gradient_terms",
    "ws_gradient_per_sample",
    "WSGradient",
    "hutchinson_quadratic",
    "ENGINES",
    "register_engine",
    "resolve_engine",
]

# ----- compiled engines -----------------------------------------------------------------------
# The core is numpy/scipy only. A compiled engine (the numba kernels of the experiments floor)
# registers a *loader* here; the loader runs on first use and returns the engine's function
# ``fn(kind, net, theta (B, n), X, y) -> (B, n)`` or None when the engine cannot run (numba
# not installed). So ``import hsr.core`` never imports numba, and the core never imports
# the experiments floor: without the registration "auto" simply means numpy.
ENGINES = ("numpy", "numba", "auto")
_KINDS = ("trace", "trace_squared", "ws_upper")
_ENGINE_LOADERS: dict[str, Callable[[], Callable | None]] = {}
_ENGINE_CACHE: dict[str, Callable | None] = {}
# "auto" uses numba where its predicted cost is below numpy's. Per network, on N samples with
# n parameters and h hidden units (numpy's tr(H^2) method as ``method="auto"`` picks it):
#   numba            NUMBA_SAMPLE_SECONDS N n + NUMBA_OP_SECONDS N n^2      (assembled form)
#   numpy assembled  NUMPY_SAMPLE_SECONDS N n + NUMPY_OP_SECONDS N n^2
#   numpy pairwise   NUMPY_PAIR_SECONDS N^2 h + NUMPY_PAIR_SAMPLE_SECONDS N h
# plus NUMPY_OVERHEAD_SECONDS per numpy call. Fitted to the engine grid of
# benchmarks/bench_gradients.py (benchmarks/RESULTS.md, section 1b: single-threaded, 40 cells B in
# {1, 64}, N 30-3000, d_hidden 3-100).
NUMBA_SAMPLE_SECONDS = 3.6e-8
NUMBA_OP_SECONDS = 2e-10
NUMPY_OVERHEAD_SECONDS = 6e-4
NUMPY_SAMPLE_SECONDS = 6e-8
NUMPY_OP_SECONDS = 2e-10
NUMPY_PAIR_SECONDS = 2e-9
NUMPY_PAIR_SAMPLE_SECONDS = 1.5e-7


def register_engine(name: str, loader: Callable[[], Callable | None]) -> None:
    """Register a compiled engine: ``loader()`` returns its gradient function, or None."""
    if name not in ENGINES or name in ("numpy", "auto"):
        raise ValueError(f"name must be a compiled engine ('numba'), got {name!r}")
    _ENGINE_LOADERS[name] = loader
    _ENGINE_CACHE.pop(name, None)


def _engine_function(name: str) -> Callable | None:
    if name not in _ENGINE_CACHE:
        loader = _ENGINE_LOADERS.get(name)
        _ENGINE_CACHE[name] = loader() if loader is not None else None
    return _ENGINE_CACHE[name]


def _check_engine(engine: object, method: object) -> None:
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {list(ENGINES)}, got {engine!r}")
    if engine == "numba" and method == "pairwise":
        raise ValueError(
            "engine='numba' computes the assembled form of tr(H^2): method must be "
            "'auto' or 'assembled' with it, or use engine='numpy' for 'pairwise'"
        )


def resolve_engine(
    engine: str, net: Net, B: int, N: int, method: str = "auto", kind: str = "ws_upper"
) -> str:
    """The engine a gradient call will use: ``"numpy"`` or ``"numba"``.

    ``engine``: ``"numpy"`` (this module: the readable reference), ``"numba"`` (the compiled
    kernels of :mod:`hsr.kernels`: the training loop's arithmetic, assembled form, the two
    O(N n^2) steps as BLAS matrix products, one compiled call for all networks; needs the
    optional numba, ``pip install 'hsr[fast]'``, else ValueError; ``method="pairwise"``
    with it is a ValueError) or ``"auto"`` (numba when it is installed, ``method`` is not
    ``"pairwise"`` and its predicted cost for B networks on N samples is below numpy's:
    the constants above, measured by ``benchmarks/bench_gradients.py``). The engines agree
    to round-off (~1e-12 relative). The first numba call of a session may compile (~10 s)
    unless numba's on-disk cache is warm. ``kind``: ``"trace"``, ``"trace_squared"`` or
    ``"ws_upper"``.
    """
    _check_method(method)
    _check_engine(engine, method)
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {list(_KINDS)}, got {kind!r}")
    if engine == "numpy":
        return "numpy"
    fn = _engine_function("numba")
    if engine == "numba":
        if fn is None:
            raise ValueError(
                "engine='numba' needs numba and hsr's kernels: pip install 'hsr[fast]' "
                "(or use engine='numpy' or 'auto')"
            )
        return "numba"
    if fn is None or method == "pairwise":
        return "numpy"
    h, n = net.d_hidden, net.n_params
    if kind == "trace":  # O(N n) either way: numba saves numpy's per-call overhead
        return "numba"
    numba_cost = B * N * n * (NUMBA_SAMPLE_SECONDS + NUMBA_OP_SECONDS * n)
    if method == "auto":
        method = choose_trace_squared_method(N, net, B)
    if method == "pairwise":
        per_net = N * h * (NUMPY_PAIR_SECONDS * N + NUMPY_PAIR_SAMPLE_SECONDS)
    else:
        per_net = N * n * (NUMPY_SAMPLE_SECONDS + NUMPY_OP_SECONDS * n)
    numpy_cost = NUMPY_OVERHEAD_SECONDS + B * per_net
    return "numba" if numba_cost <= numpy_cost else "numpy"


def _compiled(kind: str, net: Net, theta, X, y, method: str, engine: str):
    """Run the compiled engine if ``engine`` resolves to it: ``(n,)``/``(B, n)``, else None."""
    _check_method(method)
    _check_engine(engine, method)
    if engine == "numpy":
        return None
    theta = net.check_theta(theta)
    X, y = net.check_data(X, y)
    B = theta.shape[0] if theta.ndim == 2 else 1
    if resolve_engine(engine, net, B, X.shape[0], method, kind) != "numba":
        return None
    G = _engine_function("numba")(kind, net, theta.reshape(B, -1), X, y)
    return G if theta.ndim == 2 else G[0]


# ----- adjoints of the per-sample quantities ------------------------------------------------
def adjoints_trace(fw: Forward) -> dict:
    """Adjoints of tr(H) (HSR Theorems 2-3) in the per-sample quantities, for
    :meth:`Forward.backprop`; public for the training engine."""
    A_i, B_i = trace_terms(fw)
    s, e, p, c, N = fw.s, fw.e, fw.p, fw.c, fw.N
    return dict(
        adj_z=(s * (1.0 - 2.0 * p) * A_i + s * B_i) / N,
        adj_a=(2.0 / N) * s[:, :, None] * fw.A,
        adj_v=(2.0 / N) * (s * c)[:, :, None] * fw.V,
        adj_w=np.broadcast_to(((e * c) / N)[:, :, None], fw.A.shape),
    )


def adjoints_trace_squared_pairwise(fw: Forward) -> tuple[dict, np.ndarray]:
    pt = pair_terms(fw)
    K, G, Q, MM = pt.K, pt.G, pt.Q, pt.MM
    s, e, p, N = fw.s, fw.e, fw.p, fw.N
    A, V, W, F1 = fw.A, fw.V, fw.W, fw.F1
    K2 = K * K
    mv = np.matmul  # (B,N,N) @ (B,N,h)

    dS_ds = 2.0 * np.einsum("bij,bj->bi", G * G, s) + 2.0 * np.einsum("bij,bj->bi", Q, e)
    dS_de = 2.0 * np.einsum("bji,bj->bi", Q, s) + 2.0 * np.einsum("bij,bj->bi", MM, e)
    C = 2.0 * s[:, :, None] * s[:, None, :] * G
    D = 2.0 * s[:, :, None] * e[:, None, :]
    E = e[:, :, None] * e[:, None, :]
    DK, DK2 = D * K, D * K2
    DK_F1 = mv(DK, F1)
    DKt = DK.transpose(0, 2, 1)
    adj = dict(
        adj_z=s * (1.0 - 2.0 * p) * dS_ds + s * dS_de,
        adj_a=2.0 * mv(C, A) + 2.0 * V * DK_F1,
        adj_v=2.0 * mv(C * K, V) + 2.0 * V * mv(DK2, W) + 2.0 * A * DK_F1,
        adj_w=mv(DK2.transpose(0, 2, 1), V * V) + 2.0 * mv(E * K2, W),
        adj_f1=2.0 * mv(DKt, V * A) + 4.0 * mv(E * K, F1),
    )
    adj = {k: v / N**2 for k, v in adj.items()}
    return adj, trace_squared_pairwise(fw, pt)


def adjoints_trace_squared_assembled(fw: Forward) -> tuple[dict, np.ndarray]:
    net = fw.net
    B, N, h = fw.A.shape
    d1, n1 = net.d_in + 1, net.n1
    s, e, p = fw.s, fw.e, fw.p
    H = assemble_hessian(fw)
    g = fw.g()
    Hg = np.matmul(g, H)  # (B, N, n); H symmetric
    gHg = np.einsum("bna,bna->bn", Hg, g)
    k = np.arange(h)
    rows = (np.arange(d1)[:, None] * h + k[None, :]).T  # (h, d+1)
    H11k = H[:, rows[:, :, None], rows[:, None, :]]  # (B, h, d+1, d+1)
    H12k = H[:, rows, (n1 + 1 + k)[:, None]]  # (B, h, d+1)
    q = np.einsum("nj,bkjl,nl->bnk", fw.Xt, H11k, fw.Xt, optimize=True)
    r = np.einsum("nj,bkj->bnk", fw.Xt, H12k)
    trHM = np.einsum("bnk,bnk->bn", fw.W, q) + 2.0 * np.einsum("bnk,bnk->bn", fw.F1, r)
    Hg1 = Hg[:, :, :n1].reshape(B, N, d1, h)
    scale = 2.0 / N
    adj = dict(
        adj_z=scale * (s * (1.0 - 2.0 * p) * gHg + s * trHM),
        adj_a=scale * 2.0 * s[:, :, None] * Hg[:, :, n1 + 1 :],
        adj_v=scale * 2.0 * s[:, :, None] * np.einsum("bnjk,nj->bnk", Hg1, fw.Xt),
        adj_w=scale * e[:, :, None] * q,
        adj_f1=scale * 2.0 * e[:, :, None] * r,
    )
    return adj, np.einsum("bij,bij->b", H, H)


def adjoints_trace_squared(fw: Forward, method: str) -> tuple[dict, np.ndarray]:
    if resolve_method(method, fw) == "pairwise":
        return adjoints_trace_squared_pairwise(fw)
    return adjoints_trace_squared_assembled(fw)


# ----- public gradients ---------------------------------------------------------------------
def grad_trace_hessian(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, engine: str = "numpy"
) -> np.ndarray:
    """grad tr(H) in closed form (HSR Theorems 2 and 3): ``(n,)`` or ``(B, n)``.

    ``net.split`` gives the theta1 block (Theorem 2) and the theta2 block (Theorem 3).
    ``engine``: ``"numpy"`` (default, the reference), ``"numba"`` or ``"auto"``: see
    :func:`resolve_engine`.
    """
    network("net", net)
    G = _compiled("trace", net, theta, X, y, "auto", engine)
    if G is not None:
        return G
    fw = net.forward(theta, X, y)
    return fw.out(fw.backprop(**adjoints_trace(fw)))


def grad_trace_hessian_squared(
    net: Net,
    theta: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    method: str = "auto",
    engine: str = "numpy",
) -> np.ndarray:
    """grad tr(H^2) in closed form (HSR Theorems 4 and 5): ``(n,)`` or ``(B, n)``.

    ``method``: ``"pairwise"`` (O(N^2 h)), ``"assembled"`` (O(N n^2)) or ``"auto"``.
    ``engine``: ``"numpy"`` (default, the reference), ``"numba"`` or ``"auto"``: see
    :func:`resolve_engine`.
    """
    network("net", net)
    G = _compiled("trace_squared", net, theta, X, y, method, engine)
    if G is not None:
        return G
    fw = net.forward(theta, X, y)
    adj, _ = adjoints_trace_squared(fw, method)
    return fw.out(fw.backprop(**adj))


@dataclass
class WSGradient:
    """grad lambda_WS split as in HSR Theorem 1; arrays ``(n,)``/``(B, n)`` (or with an N axis).

    ``mean_term`` = grad m, ``spread_term`` = sqrt(n-1) grad s, ``total`` = their sum;
    ``grad_trace`` and ``grad_trace_squared`` are the two trace gradients it is built from.
    """

    mean_term: np.ndarray
    spread_term: np.ndarray
    total: np.ndarray
    grad_trace: np.ndarray
    grad_trace_squared: np.ndarray
    m: np.ndarray
    s: np.ndarray


def ws_gradient(fw: Forward, method: str, per_sample: bool) -> WSGradient:
    n = fw.net.n_params
    adj_t = adjoints_trace(fw)
    adj_t2, tr2 = adjoints_trace_squared(fw, method)
    g_tr = fw.backprop(**adj_t, per_sample=per_sample)
    g_tr2 = fw.backprop(**adj_t2, per_sample=per_sample)
    m, s = moments(n, trace_from_forward(fw), tr2)
    ax = (slice(None),) + (None,) * (g_tr.ndim - 1)
    grad_m = g_tr / n
    safe_s = np.where(s > 0.0, s, 1.0)
    grad_s = np.where((s > 0.0)[ax], (g_tr2 / n - 2.0 * m[ax] * grad_m) / (2.0 * safe_s[ax]), 0.0)
    spread = np.sqrt(n - 1.0) * grad_s
    return WSGradient(grad_m, spread, grad_m + spread, g_tr, g_tr2, m, s)


def ws_gradient_terms(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, method: str = "auto"
) -> WSGradient:
    """grad lambda_WS with its mean and spread terms (HSR Theorem 1, Fig. 6)."""
    network("net", net)
    _check_method(method)
    fw = net.forward(theta, X, y)
    gr = ws_gradient(fw, method, per_sample=False)
    return WSGradient(**{k: fw.out(v) for k, v in vars(gr).items()})


def grad_ws_upper_bound(
    net: Net,
    theta: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    method: str = "auto",
    engine: str = "numpy",
) -> np.ndarray:
    """grad lambda_WS in closed form (HSR Theorem 1): ``(n,)`` or ``(B, n)``.

    ``engine``: ``"numpy"`` (default, the reference), ``"numba"`` or ``"auto"``: see
    :func:`resolve_engine`.
    """
    network("net", net)
    G = _compiled("ws_upper", net, theta, X, y, method, engine)
    if G is not None:
        return G
    return ws_gradient_terms(net, theta, X, y, method).total


def ws_gradient_per_sample(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, method: str = "auto"
) -> np.ndarray:
    """Each sample's contribution to grad lambda_WS: ``(N, n)`` or ``(B, N, n)``.

    Contribution i is the part of the gradient that flows through sample i's own
    quantities (z_i, a_i, f'(u_i), f''(u_i)); the contributions sum to
    :func:`grad_ws_upper_bound`. Every term carries a factor e_i or s_i = |e_i|(1 - |e_i|),
    so a contribution vanishes as e_i -> 0 (HSR Proposition 1, Fig. 4).
    """
    network("net", net)
    _check_method(method)
    fw = net.forward(theta, X, y)
    return fw.out(ws_gradient(fw, method, per_sample=True).total)


# ----- Hutchinson: v^T H v and its gradient ---------------------------------------------------
def hutchinson_adjoints(fw: Forward, v: np.ndarray) -> tuple[dict, np.ndarray]:
    """Adjoints of ``q = v^T H v`` for probe vectors ``v (B, n)``; also returns q (B,).

    With ``xi_i = V1 xt_i`` (V1 the W1-shaped part of v) and ``r_i = g_i . v``:
    ``q = (1/N) sum_i s_i r_i^2 + e_i (sum_k w_ik xi_ik^2 + 2 f'_ik xi_ik vb_k)``,
    where ``vb`` holds the output-weight entries of v.
    """
    net = fw.net
    B, N, h = fw.A.shape
    V1 = np.swapaxes(v[:, : net.n1].reshape(B, net.d_in + 1, h), 1, 2)  # (B, h, d+1)
    v2 = v[:, net.n1 :]
    vb = v2[:, None, 1:]
    xi = np.einsum("bkj,nj->bnk", V1, fw.Xt)
    r = np.einsum("bnk,bnk->bn", fw.V, xi) + v2[:, :1] + np.einsum("bnk,bk->bn", fw.A, v2[:, 1:])
    vMv = np.einsum("bnk,bnk->bn", fw.W, xi * xi) + 2.0 * np.einsum("bnk,bnk->bn", fw.F1 * xi, vb)
    s, e, p = fw.s, fw.e, fw.p
    q = (s * r * r + e * vMv).mean(axis=1)
    adj = dict(
        adj_z=(s * (1.0 - 2.0 * p) * r * r + s * vMv) / N,
        adj_v=(2.0 / N) * (s * r)[:, :, None] * xi,
        adj_a=(2.0 / N) * (s * r)[:, :, None] * vb,
        adj_w=e[:, :, None] * xi * xi / N,
        adj_f1=(2.0 / N) * e[:, :, None] * xi * vb,
    )
    return adj, q


def hutchinson_quadratic(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, v: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``v^T H v`` and its closed-form gradient in theta, for probe vectors ``v``.

    Hutchinson's estimator of tr(H) averages ``v^T H v`` over Rademacher vectors v (Liu et
    al. 2023 use it for Hessian regularization); its gradient is the average of these
    gradients. Shapes: theta ``(n,)`` with v ``(n,)``, or theta ``(B, n)`` with v ``(B, n)``;
    returns ``(q, grad q)`` of shapes ``()``/``(B,)`` and ``(n,)``/``(B, n)``.
    """
    network("net", net)
    fw = net.forward(theta, X, y)
    v = np.asarray(v, dtype=float)
    want = (fw.A.shape[0], net.n_params)
    if v.shape != (want if fw.batched else want[1:]) or not np.all(np.isfinite(v)):
        raise ValueError(f"v must be a finite array of the shape of theta, got {v.shape}")
    adj, q = hutchinson_adjoints(fw, v.reshape(want))
    return fw.out(q), fw.out(fw.backprop(**adj))
