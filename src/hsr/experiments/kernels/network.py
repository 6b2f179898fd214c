"""The per-network kernels: one network per ``prange`` iteration, scalar code (``math.exp``).

The same update rules as :mod:`hsr.experiments.training` (whose numpy loop is the
reference), written per network so that one call runs every iteration of every network with
no Python overhead. Each network's arithmetic is independent of the others, so results are
bit-identical whatever the batch, chunking, executor or thread count. The formulas are those
of :mod:`hsr.core.gradients` (assembled form of grad tr(H^2)).

* :func:`directions_kernel`: grad L and one regularized direction per network (the tests'
  reference for every method: ``tests/experiments/test_kernels.py`` checks it against the
  numpy stepper, and :func:`_act` against the library's activations);
* :func:`train_kernel_scalar`: the one-network-per-iteration training kernel that the lane
  kernel (:mod:`.lanes`) replaced, kept as the benchmarks' reference column.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from ._common import jit_scalar as _jit

__all__ = ["train_kernel_scalar", "directions_kernel"]


@_jit
def _expit(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    ex = math.exp(x)
    return ex / (1.0 + ex)


@_jit
def _act(code, u):
    if code == 0:
        return u, 1.0, 0.0, 0.0
    if code == 1:
        S = _expit(u)
        f1 = S * (1.0 - S)
        return S, f1, f1 * (1.0 - 2.0 * S), f1 * (1.0 - 6.0 * S + 6.0 * S * S)
    if code == 2:
        t = math.tanh(u)
        f1 = 1.0 - t * t
        return t, f1, -2.0 * t * f1, f1 * (6.0 * t * t - 2.0)
    if code == 3:
        S = _expit(u)
        f2 = S * (1.0 - S)
        sp = max(u, 0.0) + math.log1p(math.exp(-abs(u)))
        return sp, S, f2, f2 * (1.0 - 2.0 * S)
    Phi = 0.5 * (1.0 + math.erf(u / math.sqrt(2.0)))
    phi = math.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)
    uc = min(max(u, -40.0), 40.0)  # phi = 0 beyond |u| = 40: no inf * 0 in f2, f3
    return u * Phi, Phi + u * phi, (2.0 - uc * uc) * phi, (uc * uc * uc - 4.0 * uc) * phi


@_jit
def _act01(code, u):
    """f and f' only (what a plain gradient step needs)."""
    if code == 0:
        return u, 1.0
    if code == 1:
        S = _expit(u)
        return S, S * (1.0 - S)
    if code == 2:
        t = math.tanh(u)
        return t, 1.0 - t * t
    if code == 3:
        return max(u, 0.0) + math.log1p(math.exp(-abs(u))), _expit(u)
    Phi = 0.5 * (1.0 + math.erf(u / math.sqrt(2.0)))
    phi = math.exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)
    return u * Phi, Phi + u * phi


@_jit
def _error(z, y):
    """e = p - y without cancellation, with one exponential."""
    ez = math.exp(-abs(z))
    if z >= 0:
        p, q = 1.0 / (1.0 + ez), ez / (1.0 + ez)
    else:
        p, q = ez / (1.0 + ez), 1.0 / (1.0 + ez)
    return -q if y == 1.0 else p


@_jit
def _fused_grad_loss(theta, Xt, y, h, code, g, a_buf, f1_buf):
    """grad L of one network in one pass over the samples (no per-sample storage)."""
    N, d1 = Xt.shape
    n1 = h * d1
    g[:] = 0.0
    for i in range(N):
        z = theta[n1]
        for k in range(h):
            u = 0.0
            for j in range(d1):
                u += theta[j * h + k] * Xt[i, j]
            a, f1 = _act01(code, u)
            a_buf[k] = a
            f1_buf[k] = f1
            z += theta[n1 + 1 + k] * a
        c = _error(z, y[i]) / N
        g[n1] += c
        for k in range(h):
            g[n1 + 1 + k] += c * a_buf[k]
            au = c * theta[n1 + 1 + k] * f1_buf[k]
            for j in range(d1):
                g[j * h + k] += au * Xt[i, j]


@_jit
def _forward(theta, Xt, y, h, code, A, F1, F2, F3, E, S, P):
    """Fill the per-sample arrays of one network; return nothing."""
    N, d1 = Xt.shape
    n1 = h * d1
    for i in range(N):
        z = theta[n1]
        for k in range(h):
            u = 0.0
            for j in range(d1):
                u += theta[j * h + k] * Xt[i, j]
            a, f1, f2, f3 = _act(code, u)
            A[i, k] = a
            F1[i, k] = f1
            F2[i, k] = f2
            F3[i, k] = f3
            z += theta[n1 + 1 + k] * a
        p = _expit(z)
        q = _expit(-z)
        P[i] = p
        E[i] = -q if y[i] == 1.0 else p
        S[i] = p * q


@_jit
def _backprop_sample(i, theta, Xt, h, A, F1, F2, F3, az, aa, av, aw, af1, out):
    """Add sample i's chain rule (see Forward.backprop) to ``out`` (n,)."""
    d1 = Xt.shape[1]
    n1 = h * d1
    out[n1] += az
    for k in range(h):
        wb = theta[n1 + 1 + k]
        adj_a = aa[k] + az * wb
        adj_f1 = af1[k] + av[k] * wb
        adj_f2 = aw[k] * wb
        adj_u = adj_a * F1[i, k] + adj_f1 * F2[i, k] + adj_f2 * F3[i, k]
        for j in range(d1):
            out[j * h + k] += adj_u * Xt[i, j]
        out[n1 + 1 + k] += az * A[i, k] + av[k] * F1[i, k] + aw[k] * F2[i, k]


@_jit
def _grad_loss(theta, Xt, h, A, F1, F2, F3, E, out, zk):
    N = Xt.shape[0]
    out[:] = 0.0
    zk[:] = 0.0
    for i in range(N):
        _backprop_sample(i, theta, Xt, h, A, F1, F2, F3, E[i] / N, zk, zk, zk, zk, out)


@_jit
def _g_sample(i, theta, Xt, h, A, F1, g):
    d1 = Xt.shape[1]
    n1 = h * d1
    for j in range(d1):
        for k in range(h):
            g[j * h + k] = Xt[i, j] * theta[n1 + 1 + k] * F1[i, k]
    g[n1] = 1.0
    for k in range(h):
        g[n1 + 1 + k] = A[i, k]


@_jit
def _hessian(theta, Xt, h, A, F1, F2, E, S, H, g):
    """Closed-form Hessian of one network into H (n, n)."""
    N, d1 = Xt.shape
    n1 = h * d1
    n = H.shape[0]
    H[:, :] = 0.0
    for i in range(N):
        _g_sample(i, theta, Xt, h, A, F1, g)
        s = S[i]
        for a in range(n):
            sga = s * g[a]
            for c in range(a, n):
                H[a, c] += sga * g[c]
        e = E[i]
        for k in range(h):
            wk = e * theta[n1 + 1 + k] * F2[i, k]
            ef1 = e * F1[i, k]
            for j in range(d1):
                rj = j * h + k
                for l in range(j, d1):
                    H[rj, l * h + k] += wk * Xt[i, j] * Xt[i, l]
                H[rj, n1 + 1 + k] += ef1 * Xt[i, j]
    for a in range(n):
        for c in range(a, n):
            H[a, c] /= N
            H[c, a] = H[a, c]


@_jit
def _trace_direction(theta, Xt, h, A, F1, F2, F3, E, S, P, out, aa, av, aw, zk, scale):
    """Add ``scale * grad tr(H)`` to out (HSR Theorems 2-3)."""
    N, d1 = Xt.shape
    n1 = h * d1
    for i in range(N):
        c = 0.0
        for j in range(d1):
            c += Xt[i, j] * Xt[i, j]
        s, e, p = S[i], E[i], P[i]
        Ai = 1.0
        Bi = 0.0
        for k in range(h):
            v = theta[n1 + 1 + k] * F1[i, k]
            Ai += A[i, k] * A[i, k] + c * v * v
            Bi += c * theta[n1 + 1 + k] * F2[i, k]
            aa[k] = scale * 2.0 * s * A[i, k] / N
            av[k] = scale * 2.0 * s * c * v / N
            aw[k] = scale * e * c / N
        az = scale * (s * (1.0 - 2.0 * p) * Ai + s * Bi) / N
        _backprop_sample(i, theta, Xt, h, A, F1, F2, F3, az, aa, av, aw, zk, out)


@_jit
def _ws_direction(theta, Xt, h, A, F1, F2, F3, E, S, P, out, H, g, Hg, aa, av, aw, af1, zk):
    """grad lambda_WS of one network into out (HSR Theorem 1, assembled tr(H^2) form)."""
    n = H.shape[0]
    _hessian(theta, Xt, h, A, F1, F2, E, S, H, g)
    tr = 0.0
    tr2 = 0.0
    for a in range(n):
        tr += H[a, a]
        for c in range(n):
            tr2 += H[a, c] * H[a, c]
    m = tr / n
    var = tr2 / n - m * m
    tol = 64.0 * 2.220446049250313e-16 * max(tr2 / n, m * m)
    sd = math.sqrt(var) if var > tol else 0.0
    r = math.sqrt(n - 1.0)
    out[:] = 0.0
    if sd > 0.0:
        c1 = (1.0 - r * m / sd) / n
        c2 = r / (2.0 * sd * n)
    else:
        c1 = 1.0 / n
        c2 = 0.0
    _trace_direction(theta, Xt, h, A, F1, F2, F3, E, S, P, out, aa, av, aw, zk, c1)
    if c2 == 0.0:
        return
    _trace2_direction(theta, Xt, h, A, F1, F2, F3, E, S, P, out, H, g, Hg, aa, av, aw, af1, c2)


@_jit
def _trace2_direction(theta, Xt, h, A, F1, F2, F3, E, S, P, out, H, g, Hg, aa, av, aw, af1, c2):
    """Add ``c2 * grad tr(H^2)`` to out, H already assembled (HSR Theorems 4-5, assembled)."""
    N, d1 = Xt.shape
    n1 = h * d1
    n = H.shape[0]
    sc = c2 * 2.0 / N
    for i in range(N):
        _g_sample(i, theta, Xt, h, A, F1, g)
        gHg = 0.0
        for a in range(n):
            acc = 0.0
            for c in range(n):
                acc += H[a, c] * g[c]
            Hg[a] = acc
            gHg += acc * g[a]
        s, e, p = S[i], E[i], P[i]
        trHM = 0.0
        for k in range(h):
            q = 0.0
            rr = 0.0
            for j in range(d1):
                xj = Xt[i, j]
                for l in range(d1):
                    q += xj * H[j * h + k, l * h + k] * Xt[i, l]
                rr += xj * H[j * h + k, n1 + 1 + k]
            wk = theta[n1 + 1 + k] * F2[i, k]
            trHM += wk * q + 2.0 * F1[i, k] * rr
            hv = 0.0
            for j in range(d1):
                hv += Hg[j * h + k] * Xt[i, j]
            aa[k] = sc * 2.0 * s * Hg[n1 + 1 + k]
            av[k] = sc * 2.0 * s * hv
            aw[k] = sc * e * q
            af1[k] = sc * 2.0 * e * rr
        az = sc * (s * (1.0 - 2.0 * p) * gHg + s * trHM)
        _backprop_sample(i, theta, Xt, h, A, F1, F2, F3, az, aa, av, aw, af1, out)


@_jit
def _direction(
    method,
    theta,
    Xt,
    y,
    h,
    code,
    g,
    A,
    F1,
    F2,
    F3,
    E,
    S,
    P,
    out,
    H,
    gv,
    Hg,
    aa,
    av,
    aw,
    af1,
    zk,
    work,
    bias,
    alpha,
    beta,
    hw,
    rho,
    eta,
):
    """Update direction of one network for one regularized step (g = grad L given)."""
    n = theta.shape[0]
    if method == 1:
        _ws_direction(theta, Xt, h, A, F1, F2, F3, E, S, P, out, H, gv, Hg, aa, av, aw, af1, zk)
        for a in range(n):
            out[a] = alpha * g[a] + beta * out[a]
    elif method == 2:
        for a in range(n):
            out[a] = 0.0
        _trace_direction(theta, Xt, h, A, F1, F2, F3, E, S, P, out, aa, av, aw, zk, hw)
        for a in range(n):
            out[a] += g[a]
    elif method == 3:
        norm = 0.0
        for a in range(n):
            T = 1.0 if bias[a] else abs(theta[a]) + eta
            norm += (T * g[a]) ** 2
        norm = math.sqrt(norm)
        for a in range(n):
            T = 1.0 if bias[a] else abs(theta[a]) + eta
            work[a] = theta[a] + (rho * T * T * g[a] / norm if norm > 0.0 else 0.0)
        _forward(work, Xt, y, h, code, A, F1, F2, F3, E, S, P)
        _grad_loss(work, Xt, h, A, F1, F2, F3, E, out, zk)
    else:
        for a in range(n):
            out[a] = g[a]


@njit(cache=True, parallel=True, nogil=True)
def train_kernel_scalar(
    theta,
    Xt,
    y,
    h,
    code,
    method,
    lr,
    max_iter,
    tol,
    reg_iters,
    alpha,
    beta,
    hw,
    rho,
    eta,
    bias,
    record_every,
    snapshots,
    converged,
    n_iter,
    gn0,
    gn,
    diverged,
):
    """The one-network-per-iteration kernel that ``train_kernel`` replaced (scalar code,
    ``math.exp``): same arguments and outputs. Kept as the benchmarks' reference column.

    A network whose update direction is not finite stops where it is (diverged).
    """
    B, n = theta.shape
    N = Xt.shape[0]
    T = snapshots.shape[0]
    for b in prange(B):
        th = theta[b]
        A = np.empty((N, h))
        F1 = np.empty((N, h))
        F2 = np.empty((N, h))
        F3 = np.empty((N, h))
        E = np.empty(N)
        S = np.empty(N)
        P = np.empty(N)
        g = np.empty(n)
        out = np.empty(n)
        H = np.empty((n, n))
        gv = np.empty(n)
        Hg = np.empty(n)
        work = np.empty(n)
        aa = np.empty(h)
        av = np.empty(h)
        aw = np.empty(h)
        af1 = np.empty(h)
        zk = np.zeros(h)
        done = False
        for t in range(max_iter):
            if record_every > 0 and t % record_every == 0:
                snapshots[t // record_every, b, :] = th
            regularize = method != 0 and t < reg_iters
            if regularize:
                _forward(th, Xt, y, h, code, A, F1, F2, F3, E, S, P)
                _grad_loss(th, Xt, h, A, F1, F2, F3, E, g, zk)
            else:
                _fused_grad_loss(th, Xt, y, h, code, g, aa, av)
            norm = 0.0
            for a in range(n):
                norm += g[a] * g[a]
            norm = math.sqrt(norm)
            if t == 0:
                gn0[b] = norm
            gn[b] = norm
            if norm < tol * gn0[b]:
                converged[b] = True
                n_iter[b] = t
                done = True
                break
            if regularize:
                _direction(
                    method,
                    th,
                    Xt,
                    y,
                    h,
                    code,
                    g,
                    A,
                    F1,
                    F2,
                    F3,
                    E,
                    S,
                    P,
                    out,
                    H,
                    gv,
                    Hg,
                    aa,
                    av,
                    aw,
                    af1,
                    zk,
                    work,
                    bias,
                    alpha,
                    beta,
                    hw,
                    rho,
                    eta,
                )
            else:
                for a in range(n):
                    out[a] = g[a]
            finite = True
            for a in range(n):
                if not math.isfinite(th[a] - lr * out[a]):
                    finite = False
            if not finite:
                diverged[b] = True
                n_iter[b] = t
                done = True
                break
            for a in range(n):
                th[a] -= lr * out[a]
        if not done:
            n_iter[b] = max_iter
            _forward(th, Xt, y, h, code, A, F1, F2, F3, E, S, P)
            _grad_loss(th, Xt, h, A, F1, F2, F3, E, g, zk)
            norm = 0.0
            for a in range(n):
                norm += g[a] * g[a]
            gn[b] = math.sqrt(norm)
            converged[b] = gn[b] < tol * gn0[b]
        if record_every > 0:
            first = (n_iter[b] + record_every - 1) // record_every
            for r in range(first, T):
                snapshots[r, b, :] = th


@njit(cache=True, parallel=True)
def directions_kernel(theta, Xt, y, h, code, method, alpha, beta, hw, rho, eta, bias, G, D):
    """grad L (into G) and one regularized direction (into D) for every row: for tests."""
    B, n = theta.shape
    N = Xt.shape[0]
    for b in prange(B):
        th = theta[b].copy()
        A = np.empty((N, h))
        F1 = np.empty((N, h))
        F2 = np.empty((N, h))
        F3 = np.empty((N, h))
        E = np.empty(N)
        S = np.empty(N)
        P = np.empty(N)
        g = np.empty(n)
        out = np.empty(n)
        zk = np.zeros(h)
        _forward(th, Xt, y, h, code, A, F1, F2, F3, E, S, P)
        _grad_loss(th, Xt, h, A, F1, F2, F3, E, g, zk)
        G[b] = g
        _direction(
            method,
            th,
            Xt,
            y,
            h,
            code,
            g,
            A,
            F1,
            F2,
            F3,
            E,
            S,
            P,
            out,
            np.empty((n, n)),
            np.empty(n),
            np.empty(n),
            np.empty(h),
            np.empty(h),
            np.empty(h),
            np.empty(h),
            zk,
            np.empty(n),
            bias,
            alpha,
            beta,
            hw,
            rho,
            eta,
        )
        D[b] = out
