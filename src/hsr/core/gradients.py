"""Closed-form gradients of tr(H), tr(H^2) and the WS upper bound (HSR paper, Theorems 1-5).

Derivation (the book's chapter ``book/gradients.md`` spells it out). Every quantity is a sum
over samples of expressions in the per-sample quantities ``z_i`` (through ``e_i, s_i``),
``a_i``, ``v_i = wb * f'(u_i)``, ``w_i = wb * f''(u_i)`` and ``f'(u_i)`` (``wb`` the output
weights). We first take the derivative of the scalar with respect to each of those (its
*adjoint*, ``adj_z, adj_a, adj_v, adj_w, adj_f'``; the book writes them ``delta z_i, ...``),
using ``de/dz = s`` and ``ds/dz = s (1 - 2p)``; :meth:`hsr.core.model.Forward.backprop` then
applies the chain rule to theta once, for every scalar:

* ``d/dwb`` collects ``adj_z a + adj_v f' + adj_w f''``; ``d/db2 = adj_z``;
* ``d/du = (adj_a + adj_z wb) f' + (adj_f' + adj_v wb) f'' + adj_w wb f'''``;
* ``d/dW1 = sum_i (d/du_i) xt_i^T`` (theta1 = vec(W1) column by column).

tr(H) (Theorems 2 and 3), with ``|g_i|^2 = |at_i|^2 + |xt_i|^2 |v_i|^2`` and
``tr M_i = |xt_i|^2 sum_k w_ik``, so that ``tr H = (1/N) sum_i s_i |g_i|^2 + e_i tr M_i``:

    adj_z = s(1-2p) |g|^2 + s tr M,  adj_a = 2 s a,  adj_v = 2 s |xt|^2 v,  adj_w = e |xt|^2
    (all / N)

tr(H^2) (Theorems 4 and 5), pairwise form ``S = sum_ij s_i s_j G_ij^2 + 2 s_i e_j Q_ij +
e_i e_j MM_ij`` (see :mod:`hsr.core.traces`). Here ``s``, ``e``, ``p`` are the vectors over
the samples, ``A, V, W, F1`` the ``(N, h)`` matrices with rows ``a_i, v_i, w_i, f'(u_i)``,
``C = 2 (s s^T) o G``, ``D = 2 s e^T``, ``E = e e^T`` (``o`` the elementwise product, ``K^2``
the elementwise square of K); all divided by N^2:

    dS/ds  = 2 (G o G) s + 2 Q e,   dS/de = 2 Q^T s + 2 MM e
    adj_z  = s o (1-2p) o dS/ds + s o dS/de
    adj_a  = 2 C A + 2 V o ((D o K) F1)
    adj_v  = 2 (C o K) V + 2 V o ((D o K^2) W) + 2 A o ((D o K) F1)
    adj_w  = (D o K^2)^T (V o V) + 2 (E o K^2) W
    adj_f' = 2 (D o K)^T (V o A) + 4 (E o K) F1

Cost: O(N^2 d) for K (once per call), and per network O(N^2 h) for the matrix products and
O(N^2) for the elementwise work on the N x N matrices. The assembled form differentiates
``|H|_F^2`` as ``2 tr(H dH)`` with H held fixed: per sample, ``g_i^T H g_i`` and
``tr(H M_i) = sum_k w_ik q_ik + 2 f'_ik r_ik`` with
``q_ik = xt_i^T H[W1 row k, W1 row k] xt_i`` and ``r_ik = xt_i . H[W1 row k, w2_k]``:

    adj_z = s(1-2p) g^T H g + s tr(H M),  adj_v = 2 s (H g restricted to W1, summed with xt),
    adj_a = 2 s (H g)[w2 weights],  adj_w = e q,  adj_f' = 2 e r           (all * 2/N)

Cost O(N n^2) per network. Both are closed forms; neither differentiates numerically.
``method="auto"`` takes the one with the lower predicted time
(:func:`hsr.core.traces.trace_squared_costs`).

WS upper bound (HSR Theorem 1): ``grad lambda_WS = grad m + sqrt(n-1) grad s`` with
``grad m = grad tr(H) / n`` and ``grad s = (grad tr(H^2)/n - 2 m grad m) / (2 s)``, where
``m`` and ``s`` are the mean and the standard deviation of the eigenvalues (the book's ``m``
and ``s_lambda``; not the per-sample ``s_i``). Where ``s = 0`` (all eigenvalues equal) the
bound is not differentiable; we then return ``grad s = 0``, the minimum-norm element of the
subdifferential of ``s = sqrt(var)`` at a minimum of the variance, so the gradient is
``grad m`` alone. Never NaN.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ._checks import network
from .blas import product_work, serial_blas
from .bounds import moments
from .hessian import assemble_hessian
from .model import Forward, Net
from .traces import (
    _check_method,
    choose_trace_squared_method,
    pair_terms,
    resolve_method,
    trace_from_forward,
    trace_squared_costs,
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
# The core never imports numba. A compiled engine (the numba kernels of the experiments floor)
# registers a *loader* here; the loader runs on first use and returns the engine's function
# ``fn(kind, net, theta (B, n), X, y) -> (B, n)`` or None when the engine cannot run (numba
# not installed). So ``import hsr.core`` never imports numba, and the core never imports
# the experiments floor: without the registration "auto" (every gradient's default) simply
# means numpy.
ENGINES = ("numpy", "numba", "auto")
_KINDS = ("trace", "trace_squared", "ws_upper")
_ENGINE_LOADERS: dict[str, Callable[[], Callable | None]] = {}
_ENGINE_CACHE: dict[str, Callable | None] = {}
# "auto" uses numba where its predicted cost is below numpy's. For B networks on N samples
# with d inputs, h hidden units and n parameters: numba (assembled form) costs
#   B (NUMBA_SAMPLE_SECONDS N n + NUMBA_OP_SECONDS N n^2 + NUMBA_BLOCK_SECONDS N h (d+1)^2),
# numpy the predicted seconds of its tr(H^2) form as ``method`` resolves it
# (:func:`hsr.core.traces.trace_squared_costs`, every term of either form). The numba
# constants are the round values that picked best (least summed log-regret) on the engine grid
# of benchmarks/bench_gradients.py against that numpy model (benchmarks/RESULTS.md, section 1c:
# single-threaded, B in {1, 64}, N 30-3000, d_hidden 3-100, and d_in = 100 with d_hidden 1, 3).
NUMBA_SAMPLE_SECONDS = 5e-8
NUMBA_OP_SECONDS = 5e-10
NUMBA_BLOCK_SECONDS = 5e-9


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

    ``engine``: ``"auto"`` (the default of every gradient: the faster engine for these sizes,
    so that the call the README shows is the fast one: numba when it is installed,
    ``method`` is not ``"pairwise"`` and its predicted cost for B networks on N samples is
    below numpy's, by the cost model above, measured by ``benchmarks/bench_gradients.py``;
    numpy otherwise, which is all a plain ``pip install hsr`` without the ``fast`` extra
    has), ``"numpy"`` (this module: the readable reference, which the tests check against
    JAX autodiff) or ``"numba"`` (the compiled kernels of :mod:`hsr.experiments.kernels`: the
    training loop's arithmetic, assembled form, one network per thread with the sample axis
    innermost and no BLAS, one compiled call for all networks; needs the optional numba,
    ``pip install 'hsr[fast]'``, else ValueError; ``method="pairwise"`` with it is a
    ValueError). The engines agree to round-off (~1e-12 relative), not bit for bit. The
    first numba call of a session may compile (~10 s) unless numba's on-disk cache is warm
    (``make`` warms it).
    ``kind``: ``"trace"``, ``"trace_squared"`` or ``"ws_upper"``.
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
    n, h, d1 = net.n_params, net.d_hidden, net.d_in + 1
    if kind == "trace":  # O(N n) either way: numba saves numpy's per-call overhead
        return "numba"
    per_sample = n * (NUMBA_SAMPLE_SECONDS + NUMBA_OP_SECONDS * n)
    numba_cost = B * N * (per_sample + NUMBA_BLOCK_SECONDS * h * d1 * d1)
    if method == "auto":
        method = choose_trace_squared_method(N, net, B)
    numpy_cost = trace_squared_costs(N, net, B)[method]
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
    # one BLAS thread for mid-sized products (hsr.core.blas), and for every size when the
    # kernel already runs several networks on numba's threads
    work = product_work(net, theta, X, "samples" if kind == "trace" else "assembled")
    with serial_blas(work, below=math.inf if B > 1 else None):
        G = _engine_function("numba")(kind, net, theta.reshape(B, -1), X, y)
    return G if theta.ndim == 2 else G[0]


# ----- adjoints of the per-sample quantities ------------------------------------------------
def adjoints_trace(fw: Forward) -> dict:
    """Adjoints of tr(H) (HSR Theorems 2-3) in the per-sample quantities, for
    :meth:`Forward.backprop`; public for the training engine."""
    g2, trM = trace_terms(fw)  # |g_i|^2 and tr M_i
    s, e, p, c, N = fw.s, fw.e, fw.p, fw.c, fw.N
    return dict(
        adj_z=(s * (1.0 - 2.0 * p) * g2 + s * trM) / N,
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
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, engine: str = "auto"
) -> np.ndarray:
    """grad tr(H) in closed form (HSR Theorems 2 and 3): ``(n,)`` or ``(B, n)``.

    ``net.split`` gives the theta1 block (Theorem 2) and the theta2 block (Theorem 3).
    ``engine``: ``"auto"`` (default: the faster engine, numba where it is installed, else
    numpy), ``"numpy"`` (the reference) or ``"numba"``: see :func:`resolve_engine`.
    """
    network("net", net)
    G = _compiled("trace", net, theta, X, y, "auto", engine)
    if G is not None:
        return G
    with serial_blas(product_work(net, theta, X, "samples")):
        fw = net.forward(theta, X, y)
        return fw.out(fw.backprop(**adjoints_trace(fw)))


def grad_trace_hessian_squared(
    net: Net,
    theta: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    method: str = "auto",
    engine: str = "auto",
) -> np.ndarray:
    """grad tr(H^2) in closed form (HSR Theorems 4 and 5): ``(n,)`` or ``(B, n)``.

    ``method``: ``"pairwise"`` (O(N^2 (d + h))), ``"assembled"`` (O(N n^2)) or ``"auto"``
    (the one predicted to be faster: :func:`hsr.core.traces.choose_trace_squared_method`).
    ``engine``: ``"auto"`` (default: the faster engine, numba where it is installed, else
    numpy), ``"numpy"`` (the reference) or ``"numba"``: see :func:`resolve_engine`.
    """
    network("net", net)
    G = _compiled("trace_squared", net, theta, X, y, method, engine)
    if G is not None:
        return G
    with serial_blas(product_work(net, theta, X, method)):
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
    with serial_blas(product_work(net, theta, X, method)):
        fw = net.forward(theta, X, y)
        gr = ws_gradient(fw, method, per_sample=False)
    return WSGradient(**{k: fw.out(v) for k, v in vars(gr).items()})


def grad_ws_upper_bound(
    net: Net,
    theta: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    method: str = "auto",
    engine: str = "auto",
) -> np.ndarray:
    """grad lambda_WS in closed form (HSR Theorem 1): ``(n,)`` or ``(B, n)``.

    ``engine``: ``"auto"`` (default: the faster engine for these sizes, numba where the
    ``fast`` extra is installed, else numpy), ``"numpy"`` (the reference, checked against JAX
    autodiff) or ``"numba"``: see :func:`resolve_engine`. Either way the call runs its
    mid-sized matrix products on one BLAS thread (:mod:`hsr.core.blas`), so it keeps its
    speed beside other work.
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
    with serial_blas(product_work(net, theta, X, method)):
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
