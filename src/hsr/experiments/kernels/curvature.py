"""grad tr H, grad tr(H^2) and grad lambda_WS of one network with the sample axis innermost.

The closed forms of :mod:`hsr.core.gradients` (HSR Theorems 1-5, assembled form of grad
tr(H^2)), the same arithmetic as the per-network ``network._ws_direction``, laid out for SIMD
over the samples: every per-sample quantity of a network is a row ``(N,)`` (``A``, ``F1``,
``F2``, ``F3`` are ``(h, N)``, the per-sample gradients of the logit ``G`` and ``H g_i`` are
``(n, N)``), so the elementwise steps are long loops LLVM vectorises, and the two O(N n^2)
steps are products with the sample axis innermost:

* the Hessian ``H = (G diag(s) G^T + sum_i e_i M_i) / N`` (book/model.md): its Gauss-Newton
  part as tiles of 2 x 4 entries, each a sum over samples in four partial sums held in
  registers (:data:`vecmath.float64x4`), the partial sums added in a fixed order at the end;
* ``H g_i`` for every sample at once, ``H G``: tiles of 4 rows x 8 samples in registers.

Every sum over samples is taken in that fixed order (partial sums by sample residue mod 4, then
the last ``N mod 4`` samples in turn), so a network's result does not depend on the CPU, the
lane or the thread that computes it (no fast-math anywhere). The order differs from the
per-network scalar code, so results agree with it to round-off, not bit for bit.

:func:`gradient` computes one network's gradient into ``out``; the lane kernel's HSR Reg. step
(:mod:`.lanes`) calls it per lane, and :func:`gradients_kernel` for a batch (the public
gradients' numba engine, :mod:`.engine`). ``tests/experiments/test_engines.py`` checks it
against the numpy closed forms, ``test_lanes.py`` and ``test_training.py`` whole runs against
the numpy loop.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from . import vecmath as vm
from ._common import jit_inline as _ijit
from ._common import jit_lanes as _ljit

__all__ = ["workspace", "data_layout", "gradient", "gradients_kernel"]

#: the kinds of gradient (``hsr.core.gradients``): grad tr H, grad tr(H^2), grad lambda_WS
TRACE, TRACE_SQUARED, WS_UPPER = 0, 1, 2


@_ljit
def data_layout(Xt):
    """The data with the sample axis innermost: ``XT (d1, N)`` (row 0 the ones of the bias)
    and ``|xt_i|^2`` ``(N,)``, summed over the columns in turn as the scalar code does."""
    N, d1 = Xt.shape
    XT = np.empty((d1, N))
    cX = np.zeros(N)
    for j in range(d1):
        for i in range(N):
            x = Xt[i, j]
            XT[j, i] = x
            cX[i] += x * x
    return XT, cX


@_ljit
def workspace(h, d1, N):
    """The per-network arrays of :func:`gradient` (one set per thread, reused)."""
    n = h * d1 + h + 1
    rows = np.empty((9, h, N))  # U (row 0 of slot 0), A, F1, F2, F3, aa, av, aw, af1
    vec = np.empty((9, N))  # E, S, P, Z (then az), and scratch
    mat = np.empty((3, n, N))  # G, S G, H G
    H = np.empty((n, n))
    return rows, vec, mat, H


@_ljit
def _forward(th, XT, y, h, code, rows, vec):
    """A, F1, F2, F3 (h, N) and e = p - y, s = p (1 - p), p = sigmoid(z) (N,) of one network."""
    d1, N = XT.shape
    n1 = h * d1
    U = rows[0, 0]
    A, F1, F2, F3 = rows[1], rows[2], rows[3], rows[4]
    E, S, P, Z = vec[0], vec[1], vec[2], vec[3]
    for k in range(h):
        t = th[k]
        for i in range(N):
            U[i] = t * XT[0, i]
        for j in range(1, d1):
            t = th[j * h + k]
            for i in range(N):
                U[i] += t * XT[j, i]
        vm.activations(N, code, U, k, A, F1, F2, F3, 3)
    b = th[n1]
    for i in range(N):
        Z[i] = b
    for k in range(h):
        t = th[n1 + 1 + k]
        for i in range(N):
            Z[i] += t * A[k, i]
    for i in range(N):
        z = Z[i]
        ez = vm.exp(-abs(z))
        d = 1.0 / (1.0 + ez)
        q = ez * d if z >= 0.0 else d
        p = d if z >= 0.0 else ez * d
        P[i] = p
        E[i] = -q if y[i] == 1.0 else p
        S[i] = p * q


@_ijit
def _finish(acc, x, y, N4, N):
    """The four partial sums of ``acc`` added in a fixed order, then x[i] y[i] for the last
    samples N4 <= i < N in turn."""
    s = vm.sum4(acc)
    for i in range(N4, N):
        s += x[i] * y[i]
    return s


@_ljit
def _dot(x, y, N):
    """sum_i x[i] y[i]: four partial sums (sample residue mod 4), added in a fixed order, then
    the last N mod 4 terms in turn."""
    N4 = N - N % 4
    acc = vm.splat4(0.0)
    for i in range(0, N4, 4):
        acc = vm.fma4(vm.load4(x, i), vm.load4(y, i), acc)
    return _finish(acc, x, y, N4, N)


@_ljit
def _dot3(x, y, z, N):
    """sum_i x[i] y[i] z[i], in the order of :func:`_dot`."""
    N4 = N - N % 4
    acc = vm.splat4(0.0)
    for i in range(0, N4, 4):
        acc = vm.fma4(vm.mul4(vm.load4(x, i), vm.load4(y, i)), vm.load4(z, i), acc)
    s = vm.sum4(acc)
    for i in range(N4, N):
        s += x[i] * y[i] * z[i]
    return s


@_ljit
def _gauss_newton(SG, G, H, N):
    """H[a, c] = sum_i SG[a, i] G[c, i] for c >= a - 1 (the upper triangle, and the entries
    just below the diagonal that the 2-row tiles cover): tiles of 2 rows x 4 columns, eight
    accumulators of four partial sums each, in registers while the samples stream by."""
    n = H.shape[0]
    N4 = N - N % 4
    a = 0
    while a < n:
        two = a + 1 < n
        a1 = a + 1 if two else a
        c = a
        while c < n:
            if c + 4 <= n:
                s00 = vm.splat4(0.0)
                s01 = vm.splat4(0.0)
                s02 = vm.splat4(0.0)
                s03 = vm.splat4(0.0)
                s10 = vm.splat4(0.0)
                s11 = vm.splat4(0.0)
                s12 = vm.splat4(0.0)
                s13 = vm.splat4(0.0)
                for i in range(0, N4, 4):
                    x0 = vm.load4(SG, (a, i))
                    x1 = vm.load4(SG, (a1, i))
                    g = vm.load4(G, (c, i))
                    s00 = vm.fma4(x0, g, s00)
                    s10 = vm.fma4(x1, g, s10)
                    g = vm.load4(G, (c + 1, i))
                    s01 = vm.fma4(x0, g, s01)
                    s11 = vm.fma4(x1, g, s11)
                    g = vm.load4(G, (c + 2, i))
                    s02 = vm.fma4(x0, g, s02)
                    s12 = vm.fma4(x1, g, s12)
                    g = vm.load4(G, (c + 3, i))
                    s03 = vm.fma4(x0, g, s03)
                    s13 = vm.fma4(x1, g, s13)
                H[a, c] = _finish(s00, SG[a], G[c], N4, N)
                H[a, c + 1] = _finish(s01, SG[a], G[c + 1], N4, N)
                H[a, c + 2] = _finish(s02, SG[a], G[c + 2], N4, N)
                H[a, c + 3] = _finish(s03, SG[a], G[c + 3], N4, N)
                H[a1, c] = _finish(s10, SG[a1], G[c], N4, N)
                H[a1, c + 1] = _finish(s11, SG[a1], G[c + 1], N4, N)
                H[a1, c + 2] = _finish(s12, SG[a1], G[c + 2], N4, N)
                H[a1, c + 3] = _finish(s13, SG[a1], G[c + 3], N4, N)
                c += 4
            else:
                H[a, c] = _dot(SG[a], G[c], N)
                H[a1, c] = _dot(SG[a1], G[c], N)
                c += 1
        a += 2


@_ljit
def _times_g(H, G, HG, N):
    """HG[a, i] = sum_c H[a, c] G[c, i] (H g_i for every sample): tiles of 4 rows x 8 samples,
    32 sums in registers, each over c in turn (fused multiply-adds); the last samples one by
    one."""
    n = H.shape[0]
    N8 = N - N % 8
    N4 = N - N % 4
    a = 0
    while a < n:
        rows = min(4, n - a)
        a0 = a
        a1 = a + 1 if rows > 1 else a
        a2 = a + 2 if rows > 2 else a
        a3 = a + 3 if rows > 3 else a
        for i in range(0, N8, 8):
            r00 = vm.splat4(0.0)
            r01 = vm.splat4(0.0)
            r10 = vm.splat4(0.0)
            r11 = vm.splat4(0.0)
            r20 = vm.splat4(0.0)
            r21 = vm.splat4(0.0)
            r30 = vm.splat4(0.0)
            r31 = vm.splat4(0.0)
            for c in range(n):
                g0 = vm.load4(G, (c, i))
                g1 = vm.load4(G, (c, i + 4))
                h0 = vm.splat4(H[a0, c])
                r00 = vm.fma4(h0, g0, r00)
                r01 = vm.fma4(h0, g1, r01)
                h1 = vm.splat4(H[a1, c])
                r10 = vm.fma4(h1, g0, r10)
                r11 = vm.fma4(h1, g1, r11)
                h2 = vm.splat4(H[a2, c])
                r20 = vm.fma4(h2, g0, r20)
                r21 = vm.fma4(h2, g1, r21)
                h3 = vm.splat4(H[a3, c])
                r30 = vm.fma4(h3, g0, r30)
                r31 = vm.fma4(h3, g1, r31)
            vm.store4(HG, (a0, i), r00)
            vm.store4(HG, (a0, i + 4), r01)
            vm.store4(HG, (a1, i), r10)
            vm.store4(HG, (a1, i + 4), r11)
            vm.store4(HG, (a2, i), r20)
            vm.store4(HG, (a2, i + 4), r21)
            vm.store4(HG, (a3, i), r30)
            vm.store4(HG, (a3, i + 4), r31)
        if N4 > N8:
            r0 = vm.splat4(0.0)
            r1 = vm.splat4(0.0)
            r2 = vm.splat4(0.0)
            r3 = vm.splat4(0.0)
            for c in range(n):
                g0 = vm.load4(G, (c, N8))
                r0 = vm.fma4(vm.splat4(H[a0, c]), g0, r0)
                r1 = vm.fma4(vm.splat4(H[a1, c]), g0, r1)
                r2 = vm.fma4(vm.splat4(H[a2, c]), g0, r2)
                r3 = vm.fma4(vm.splat4(H[a3, c]), g0, r3)
            vm.store4(HG, (a0, N8), r0)
            vm.store4(HG, (a1, N8), r1)
            vm.store4(HG, (a2, N8), r2)
            vm.store4(HG, (a3, N8), r3)
        for r in range(rows):
            for i in range(N4, N):
                t = 0.0
                for c in range(n):
                    t = vm.fma(H[a + r, c], G[c, i], t)
                HG[a + r, i] = t
        a += 4


@_ljit
def _trace_adjoints(th, cX, h, n1, N, sc, A, F1, F2, E, S, P, az, aa, av, aw, T1, T2):
    """Set the adjoints of ``sc * N * tr H`` (HSR Theorems 2-3; ``tr H = mean_i s_i A_i + e_i B_i``
    with ``A_i = 1 + sum_k (a_ik^2 + |xt_i|^2 v_ik^2)``, ``B_i = |xt_i|^2 sum_k wb_k f''_ik``)."""
    for i in range(N):
        T1[i] = 1.0  # A_i
        T2[i] = 0.0  # B_i
    for k in range(h):
        wb = th[n1 + 1 + k]
        for i in range(N):
            s = S[i]
            c = cX[i]
            v = wb * F1[k, i]
            a = A[k, i]
            T1[i] += a * a + c * v * v
            T2[i] += c * wb * F2[k, i]
            aa[k, i] = sc * 2.0 * s * a
            av[k, i] = sc * 2.0 * s * c * v
            aw[k, i] = sc * E[i] * c
    for i in range(N):
        s = S[i]
        az[i] = sc * (s * (1.0 - 2.0 * P[i]) * T1[i] + s * T2[i])


@_ljit
def gradient(kind, th, XT, cX, y, h, code, rows, vec, mat, H, out, gl):
    """One closed-form gradient of one network (theta ``th (n,)``) into ``out (n,)``, and the
    gradient of the loss into ``gl (n,)`` (nothing if ``gl`` is empty).

    kind 0 (:data:`TRACE`): grad tr H (HSR Theorems 2-3); 1 (:data:`TRACE_SQUARED`): grad
    tr(H^2) (Theorems 4-5, assembled form); 2 (:data:`WS_UPPER`): grad lambda_WS (Theorem 1:
    (1/n) grad tr H + the tr(H^2) part weighted as in ``network._ws_direction``). ``XT, cX``
    from :func:`data_layout`, ``rows, vec, mat, H`` from :func:`workspace`.
    """
    d1, N = XT.shape
    n1 = h * d1
    n = th.shape[0]
    _forward(th, XT, y, h, code, rows, vec)
    A, F1, F2, F3 = rows[1], rows[2], rows[3], rows[4]
    aa, av, aw, af1 = rows[5], rows[6], rows[7], rows[8]
    E, S, P, az, T1, T2 = vec[0], vec[1], vec[2], vec[3], vec[4], vec[5]
    G, SG, HG = mat[0], mat[1], mat[2]
    if gl.shape[0] > 0:  # grad L = mean_i e_i g_i
        for i in range(N):
            T1[i] = E[i] / N
        gl[n1] = _sum(T1, N)
        for k in range(h):
            wb = th[n1 + 1 + k]
            gl[n1 + 1 + k] = _dot(T1, A[k], N)
            for i in range(N):
                T2[i] = T1[i] * wb * F1[k, i]
            for j in range(d1):
                gl[j * h + k] = _dot(T2, XT[j], N)
    c1 = 1.0
    c2 = 0.0
    if kind != TRACE:
        # the per-sample gradients of the logit g_i (rows of G) and s_i g_i
        for k in range(h):
            wb = th[n1 + 1 + k]
            for i in range(N):
                T1[i] = wb * F1[k, i]
            for j in range(d1):
                r = j * h + k
                for i in range(N):
                    G[r, i] = XT[j, i] * T1[i]
            for i in range(N):
                G[n1 + 1 + k, i] = A[k, i]
        for i in range(N):
            G[n1, i] = 1.0
        for a in range(n):
            for i in range(N):
                SG[a, i] = S[i] * G[a, i]
        _gauss_newton(SG, G, H, N)
        # + sum_i e_i M_i: wb_k f''_ik x_ij x_il (W1 block of unit k) and f'_ik x_ij (W1 x w2)
        for k in range(h):
            wb = th[n1 + 1 + k]
            for i in range(N):
                T1[i] = E[i] * wb * F2[k, i]
                T2[i] = E[i] * F1[k, i]
            for j in range(d1):
                r = j * h + k
                for m in range(j, d1):
                    H[r, m * h + k] += _dot3(T1, XT[j], XT[m], N)
                H[r, n1 + 1 + k] += _dot(T2, XT[j], N)
        for a in range(n):
            for c in range(a, n):
                v = H[a, c] / N
                H[a, c] = v
                H[c, a] = v
        if kind == TRACE_SQUARED:
            c1 = 0.0
            c2 = 1.0
        else:
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
            if sd > 0.0:
                c1 = (1.0 - r * m / sd) / n
                c2 = r / (2.0 * sd * n)
            else:
                c1 = 1.0 / n
                c2 = 0.0
    # adjoints of the per-sample quantities (see Forward.backprop): c1 grad tr H ...
    for k in range(h):
        for i in range(N):
            aa[k, i] = 0.0
            av[k, i] = 0.0
            aw[k, i] = 0.0
            af1[k, i] = 0.0
    for i in range(N):
        az[i] = 0.0
    if kind != TRACE_SQUARED:
        _trace_adjoints(th, cX, h, n1, N, c1 / N, A, F1, F2, E, S, P, az, aa, av, aw, T1, T2)
    if c2 != 0.0:  # ... + c2 grad tr(H^2)
        _times_g(H, G, HG, N)
        sc = c2 * 2.0 / N
        for i in range(N):
            T1[i] = 0.0  # g_i^T H g_i
        for a in range(n):
            for i in range(N):
                T1[i] += HG[a, i] * G[a, i]
        for i in range(N):
            T2[i] = 0.0  # tr(H M_i)
        Q, R, V = vec[6], vec[7], vec[8]
        for k in range(h):
            wb = th[n1 + 1 + k]
            ro = n1 + 1 + k
            for i in range(N):
                Q[i] = 0.0  # q_ik = xt_i^T H_kk xt_i (the W1 block of unit k)
                R[i] = 0.0  # r_ik = xt_i . H[W1 of unit k, w2_k]
                V[i] = 0.0  # xt_i . (H g_i)[W1 of unit k]
            for j in range(d1):
                r = j * h + k
                hr = H[r, ro]
                for i in range(N):
                    xj = XT[j, i]
                    R[i] += xj * hr
                    V[i] += HG[r, i] * xj
                for m in range(d1):
                    hq = H[r, m * h + k]
                    for i in range(N):
                        Q[i] += XT[j, i] * hq * XT[m, i]
            for i in range(N):
                s = S[i]
                e = E[i]
                q = Q[i]
                rr = R[i]
                T2[i] += wb * F2[k, i] * q + 2.0 * F1[k, i] * rr
                aa[k, i] += sc * 2.0 * s * HG[ro, i]
                av[k, i] += sc * 2.0 * s * V[i]
                aw[k, i] += sc * e * q
                af1[k, i] += sc * 2.0 * e * rr
        for i in range(N):
            s = S[i]
            az[i] += sc * (s * (1.0 - 2.0 * P[i]) * T1[i] + s * T2[i])
    # the chain rule through the forward pass, summed over the samples
    out[n1] = _sum(az, N)
    for k in range(h):
        wb = th[n1 + 1 + k]
        for i in range(N):
            z = az[i]
            T1[i] = (aa[k, i] + z * wb) * F1[k, i] + (af1[k, i] + av[k, i] * wb) * F2[k, i]
            T1[i] += aw[k, i] * wb * F3[k, i]
            T2[i] = z * A[k, i] + av[k, i] * F1[k, i] + aw[k, i] * F2[k, i]
        for j in range(d1):
            out[j * h + k] = _dot(T1, XT[j], N)
        out[n1 + 1 + k] = _sum(T2, N)


@_ljit
def _sum(x, N):
    """sum_i x[i], in the order of :func:`_dot`."""
    N4 = N - N % 4
    acc = vm.splat4(0.0)
    for i in range(0, N4, 4):
        acc = vm.add4(vm.load4(x, i), acc)
    s = vm.sum4(acc)
    for i in range(N4, N):
        s += x[i]
    return s


@njit(cache=True, parallel=True, nogil=True)
def gradients_kernel(theta, Xt, y, h, code, kind, threads, out):
    """One closed-form gradient (``kind``, see :func:`gradient`) of every row of theta
    ``(B, n)`` into ``out (B, n)``: the rows split over ``threads`` in turn (row b on thread
    b mod T), each thread with one workspace."""
    B = theta.shape[0]
    N, d1 = Xt.shape
    XT, cX = data_layout(Xt)
    T = max(min(threads, B), 1)
    for t in prange(T):
        rows, vec, mat, H = workspace(h, d1, N)
        th = np.empty(theta.shape[1])
        res = np.empty(theta.shape[1])
        no_loss = np.empty(0)
        for b in range(t, B, T):
            for a in range(th.shape[0]):
                th[a] = theta[b, a]
            gradient(kind, th, XT, cX, y, h, code, rows, vec, mat, H, res, no_loss)
            for a in range(th.shape[0]):
                out[b, a] = res[a]
