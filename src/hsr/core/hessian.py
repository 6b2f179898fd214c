"""The exact Hessian of the cross-entropy loss in closed form, and its spectrum.

``H = (1/N) sum_i [ s_i g_i g_i^T + e_i M_i ]`` (WS paper, Propositions 3-4; Bishop's exact
Hessian for this network), with ``g_i = dz_i/dtheta`` and ``M_i`` the Hessian of ``z_i``:

* theta1-theta1 block ``kron(xt xt^T, diag(wb * f''))``,
* theta1-theta2 block ``kron(xt, [0 | diag(f')])``,
* theta2-theta2 block ``0``.

Assembling H costs O(N n^2); nothing here differentiates numerically. Products ``H V`` need
not assemble it: :func:`hessian_vector_product` applies the same per-sample terms to V in
O(N n) per vector, and :func:`lambda_max` finds the largest eigenvalue from them by Lanczos or
power iteration (or from the assembled H by ``eigvalsh``).

>>> import numpy as np
>>> net = Net(2, 3, "tanh")
>>> rng = np.random.default_rng(0)
>>> X, y = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
>>> H = hessian(net, rng.normal(size=net.n_params), X, y)
>>> H.shape, bool(np.allclose(H, H.T))
((13, 13), True)
"""

from __future__ import annotations

import warnings

import numpy as np

from ._checks import network
from .blas import product_work, serial_blas
from .model import Forward, Net

__all__ = [
    "hessian",
    "hessian_spectrum",
    "assemble_hessian",
    "hessian_vector_product",
    "lambda_max",
    "LAMBDA_MAX_METHODS",
]

LAMBDA_MAX_METHODS = ("eigvalsh", "lanczos", "power")


def assemble_hessian(fw: Forward) -> np.ndarray:
    """Closed-form Hessian from a forward pass: shape ``(B, n, n)`` (batch axis always kept)."""
    net = fw.net
    B, N, h = fw.A.shape
    d1, n1 = net.d_in + 1, net.n1
    g = fw.g()
    H = np.einsum("bn,bna,bnc->bac", fw.s, g, g, optimize=True)
    # e_i M_i, theta1-theta1: entry [(j,k),(l,k)] = sum_i e_i xt_ij xt_il w_ik
    T = np.einsum("bn,nj,nl,bnk->bkjl", fw.e, fw.Xt, fw.Xt, fw.W, optimize=True)
    k = np.arange(h)
    rows = (np.arange(d1)[:, None] * h + k[None, :]).T  # (h, d+1): index of W1[k, j]
    H[:, rows[:, :, None], rows[:, None, :]] += T
    # theta1-theta2: entry [(j,k), 1+k] = sum_i e_i xt_ij f'_ik
    R = np.einsum("bn,nj,bnk->bkj", fw.e, fw.Xt, fw.F1)  # (B, h, d+1)
    cols = n1 + 1 + k
    H[:, rows, cols[:, None]] += R
    H[:, cols[:, None], rows] += R
    # the s g g^T product is symmetric only up to summation order: make it exact
    return (H + H.transpose(0, 2, 1)) / (2.0 * N)


def hessian(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Exact Hessian of L in theta: shape ``(n, n)`` or ``(B, n, n)``."""
    network("net", net)
    with serial_blas(product_work(net, theta, X, "assembled")):  # hsr.core.blas
        fw = net.forward(theta, X, y)
        return fw.out(assemble_hessian(fw))


def hessian_spectrum(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """All n eigenvalues of the closed-form Hessian, ascending (``np.linalg.eigvalsh``).

    Shape ``(n,)`` or ``(B, n)``; ``[..., -1]`` is lambda_max and ``[..., 0]`` lambda_min.
    """
    network("net", net)
    with serial_blas(product_work(net, theta, X, "assembled")):  # hsr.core.blas
        fw = net.forward(theta, X, y)
        return fw.out(np.linalg.eigvalsh(assemble_hessian(fw)))


# ----- Hessian-vector products without assembling H -------------------------------------------
def _hvp_from_forward(fw: Forward, V: np.ndarray) -> np.ndarray:
    """``H V`` for ``V (B, n, k)`` from a forward pass: shape ``(B, n, k)``, cost O(B N n k).

    With ``V1[j, k]`` the W1-shaped part of a vector (theta1 index ``j h + k``), ``vb`` its
    output-weight entries, ``xi_i = V1 xt_i`` and ``r_i = g_i . V``:

    * ``M_i V`` has theta1 entries ``xt_ij (w_ik xi_ik + f'_ik vb_k)``, output bias entry 0
      and output-weight entries ``f'_ik xi_ik`` (the blocks of ``M_i`` in ``book/model.md``);
    * ``H V = (1/N) sum_i s_i r_i g_i + e_i M_i V``.
    """
    net = fw.net
    B, N, h = fw.A.shape
    d1, n1, K = net.d_in + 1, net.n1, V.shape[2]
    V1 = V[:, :n1, :].reshape(B, d1, h * K)  # row j: entries (k, m) of W1[k, j]
    vb0 = V[:, n1, :]  # (B, K)
    vb = V[:, n1 + 1 :, :]  # (B, h, K)
    xi = np.matmul(fw.Xt, V1).reshape(B, N, h, K)  # xi[b, i, k, m] = sum_j xt_ij V1[b, j, k, m]
    Vf, F1 = fw.V, fw.F1
    r = (
        np.einsum("bik,bikm->bim", Vf, xi) + vb0[:, None, :] + np.matmul(fw.A, vb)  # (B, N, K)
    )
    sr = fw.s[:, :, None] * r  # (B, N, K)
    e = fw.e[:, :, None, None]
    C = sr[:, :, None, :] * Vf[..., None] + e * (fw.W[..., None] * xi + F1[..., None] * vb[:, None])
    out1 = np.matmul(fw.Xt.T, C.reshape(B, N, h * K)).reshape(B, n1, K)
    out_b = sr.sum(axis=1)[:, None, :]  # (B, 1, K)
    out_w = np.matmul(fw.A.transpose(0, 2, 1), sr) + np.einsum("bik,bikm->bkm", e[..., 0] * F1, xi)
    return np.concatenate([out1, out_b, out_w], axis=1) / N


def _check_vectors(fw: Forward, V: object) -> tuple[np.ndarray, bool]:
    """V as ``(B, n, k)`` and whether it had a trailing k axis; ValueError otherwise."""
    try:
        arr = np.asarray(V, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"V must be an array of real numbers ({exc})") from None
    n = fw.net.n_params
    B = fw.A.shape[0]
    lead = (B, n) if fw.batched else (n,)
    if arr.shape == lead:
        many = False
    elif arr.ndim == len(lead) + 1 and arr.shape[:-1] == lead and arr.shape[-1] >= 1:
        many = True
    else:
        want = f"(B, {n}) or (B, {n}, k) with B = {B}" if fw.batched else f"({n},) or ({n}, k)"
        raise ValueError(f"V must have shape {want} to match theta, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("V contains NaN or inf")
    full = arr if many else arr[..., None]
    return (full if fw.batched else full[None]), many


def hessian_vector_product(
    net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray, V: np.ndarray
) -> np.ndarray:
    """Closed-form Hessian-vector products ``H V`` without assembling H.

    Uses ``H = (1/N) sum_i s_i g_i g_i^T + e_i M_i`` (WS paper, Propositions 3-4; ``book/model.md``)
    term by term: per sample, ``g_i . V`` and ``M_i V`` cost O(n) each, so one product costs
    O(N n) (against O(N n^2) to assemble H). Exact to round-off; no numerical differentiation.

    Shapes: theta ``(n,)`` with V ``(n,)`` or ``(n, k)``; theta ``(B, n)`` with V ``(B, n)``
    or ``(B, n, k)`` (network b times its own vectors ``V[b]``). The result has V's shape.

    >>> import numpy as np
    >>> net = Net(2, 3, "tanh")
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
    >>> theta, V = rng.normal(size=net.n_params), rng.normal(size=(net.n_params, 2))
    >>> HV = hessian_vector_product(net, theta, X, y, V)
    >>> HV.shape, bool(np.allclose(HV, hessian(net, theta, X, y) @ V))
    ((13, 2), True)
    """
    network("net", net)
    fw = net.forward(theta, X, y)
    V3, many = _check_vectors(fw, V)
    HV = _hvp_from_forward(fw, V3)
    HV = HV if many else HV[..., 0]
    return fw.out(HV)


def _check_lambda_max_args(method: object, tol: object, maxiter: object) -> None:
    if method not in LAMBDA_MAX_METHODS:
        raise ValueError(f"method must be one of {list(LAMBDA_MAX_METHODS)}, got {method!r}")
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0.0 < tol < 1.0:
        raise ValueError(f"tol must be a number in (0, 1), got {tol!r}")
    if isinstance(maxiter, bool) or not isinstance(maxiter, (int, np.integer)) or maxiter < 1:
        raise ValueError(f"maxiter must be a positive integer, got {maxiter!r}")


def _power(fw: Forward, tol: float, maxiter: int, rng: np.random.Generator, shift: np.ndarray):
    """Power iteration on ``H + shift I`` for every network at once.

    Returns the Rayleigh quotients (of H + shift I), ``|(H + shift I) v|`` for the final unit
    vectors, and the number of products used. Stopping rule per network: the change of the
    Rayleigh quotient ``d_t`` is at most ``tol |lambda|`` AND the geometric-tail estimate of
    the error still to come, ``d_t q / (1 - q)`` with ``q = d_t / d_(t-1)``, is at most half
    of that (the estimate is exact for one subdominant eigenvalue; with several, the
    observed ratio q creeps up and the estimate runs low, hence the factor 2 of margin). The
    first test alone (PyHessian's) stops early when convergence is slow (q near 1).
    """
    B, n = fw.A.shape[0], fw.net.n_params
    v = rng.standard_normal((B, n))
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    rho = np.full(B, np.nan)
    d_prev = np.full(B, np.inf)
    done = np.zeros(B, dtype=bool)
    norm = np.zeros(B)
    it = 0
    while it < maxiter and not done.all():
        act = ~done
        w = _hvp_from_forward_subset(fw, v, act) + shift[act, None] * v[act]
        it += 1
        new = np.einsum("bn,bn->b", v[act], w)
        nw = np.linalg.norm(w, axis=1)
        d = np.abs(new - rho[act])
        q = np.minimum(d / d_prev[act], 1.0)
        tail = np.where(q < 1.0, d * q / np.maximum(1.0 - q, 1e-300), np.inf)
        # relative to the lambda_max estimate new - shift (floor: 1e-8 |new| when it is ~0)
        lam = np.abs(new - shift[act])
        scale = tol * np.maximum(lam, 1e-8 * np.abs(new))
        ok = (d <= scale) & (tail <= 0.5 * scale)
        idx = np.flatnonzero(act)
        rho[idx], norm[idx], d_prev[idx] = new, nw, np.where(d > 0, d, 1e-300)
        safe = np.where(nw > 0, nw, 1.0)
        v[idx] = np.where((nw > 0)[:, None], w / safe[:, None], v[idx])
        done[idx] = ok | (nw == 0)
    if not done.all():
        warnings.warn(
            f"power iteration did not reach tol={tol} in maxiter={maxiter} products "
            f"for {int((~done).sum())} of {B} networks",
            RuntimeWarning,
            stacklevel=3,
        )
    return rho, norm, it


def _hvp_from_forward_subset(fw: Forward, v: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``H v`` for the networks selected by the boolean mask ``rows``: ``(R, n)``."""
    sub = fw if rows.all() else _select(fw, np.flatnonzero(rows))
    return _hvp_from_forward(sub, v[rows][:, :, None])[..., 0]


def lambda_max(
    net: Net,
    theta: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    method: str = "eigvalsh",
    tol: float = 1e-6,
    maxiter: int = 100_000,
    seed: int = 0,
) -> np.ndarray | float:
    """Largest (algebraic) Hessian eigenvalue by one of three methods: float or ``(B,)``.

    * ``"eigvalsh"``: assemble H in closed form (O(N n^2)) and take all eigenvalues
      (O(n^3)); exact to round-off (``tol`` unused).
    * ``"lanczos"``: ``scipy.sparse.linalg.eigsh(k=1, which="LA", tol=tol)`` (ARPACK's
      implicitly restarted Lanczos: ``tol`` is its relative accuracy of the eigenvalue) on a
      ``LinearOperator`` whose products are :func:`hessian_vector_product`, O(N n) each.
    * ``"power"``: power iteration on Hessian-vector products, as PyHessian does, with the
      stopping rule of ``_power`` (relative change of the Rayleigh quotient at most ``tol``
      and a geometric estimate of the remaining error at most ``tol``). Power iteration
      converges to the eigenvalue of largest *absolute value*. H is indefinite away from
      minima, and when the most negative eigenvalue dominates (|lambda_min| > lambda_max)
      that is lambda_min, not lambda_max. We detect it (the Rayleigh quotient ``mu`` then
      falls short of ``|H v|`` by more than ``tol``) and run a second power iteration on
      ``H + |H v| I``, whose spectrum is shifted to be non-negative with lambda_max on top.
      (PyHessian returns the dominant eigenvalue, which is then lambda_min.) Its ``tol`` is a
      target for an *estimated* error, not a certificate: a slowly converging mode hidden
      under a faster one can stop it early (seen: relative error 2.9e-6 at tol = 1e-6 for a
      network whose two top eigenvalues differ by 3e-4 relative), and near-equal top
      eigenvalues make it need ~1/gap products. Lanczos's ``tol`` comes from residuals.

    ``maxiter`` caps the products per power iteration (a RuntimeWarning if reached) and
    the Lanczos iterations; ``seed`` fixes the random start vectors.
    """
    network("net", net)
    _check_lambda_max_args(method, tol, maxiter)
    if method == "eigvalsh":
        return hessian_spectrum(net, theta, X, y)[..., -1]
    fw = net.forward(theta, X, y)
    B, n = fw.A.shape[0], net.n_params
    rng = np.random.default_rng(seed)
    if method == "lanczos":
        from scipy.sparse.linalg import LinearOperator, eigsh

        out = np.empty(B)
        for b in range(B):
            sub = _select(fw, b)

            def mv(v, sub=sub):
                v = np.asarray(v, dtype=float).reshape(1, n, -1)
                return _hvp_from_forward(sub, v)[0]

            op = LinearOperator((n, n), matvec=mv, matmat=mv, dtype=float)
            v0 = rng.standard_normal(n)
            out[b] = eigsh(
                op, k=1, which="LA", tol=tol, v0=v0, maxiter=maxiter, return_eigenvectors=False
            )[0]
        return fw.out(out)
    zero = np.zeros(B)
    mu, norm, _ = _power(fw, tol, maxiter, rng, zero)
    neg = ~(mu >= norm * (1.0 - tol))  # the dominant eigenvalue is not lambda_max
    if neg.any():
        sub = _select(fw, np.flatnonzero(neg))
        shift = norm[neg]
        rho, _, _ = _power(sub, tol, maxiter, rng, shift)
        mu = mu.copy()
        mu[neg] = rho - shift
    return fw.out(mu)


def _select(fw: Forward, rows) -> Forward:
    """The forward pass of the networks ``rows`` (an index or an index array), batched."""
    rows = np.atleast_1d(rows)
    names = ("W1", "w2", "U", "A", "F1", "F2", "F3", "z", "p", "e", "s")
    return Forward(fw.net, True, fw.Xt, fw.y, *(getattr(fw, f)[rows] for f in names))
