"""numba kernels for the training inner loop (optional: ``pip install hsr[fast]``).

The same update rules as :mod:`hsr.experiments.training` (whose numpy loop is the
reference), written per network so that one call runs every iteration of every network with
no Python overhead. Each network's arithmetic is independent of the others, so results are
bit-identical whatever the batch, chunking, executor or thread count. The formulas are those
of :mod:`hsr.core.gradients` (assembled form of grad tr(H^2));
``tests/experiments/test_kernels.py`` checks the activation and method codes against the
library's names, each direction (:func:`directions_kernel`) against the numpy reference, and
``tests/experiments/test_training.py`` whole runs against the numpy loop.
``gradients_kernel`` is the numba engine of the public gradients (``engine="numba"``,
registered by :mod:`hsr.experiments.engines`); ``tests/experiments/test_engines.py`` checks it
against the numpy closed forms.

:func:`train_kernel` (the training engine) runs networks in SIMD lanes: blocks of ``BLOCK``
networks in lock-step, every per-network array lane-innermost, branch-free lane loops that
LLVM vectorises (an exponential of its own, :func:`_exp`, since numba has no vector libm
here), a lane refilled from its thread's queue when its network stops. Every lane does the
same IEEE operations on its own network, so the results stay bit-identical per network;
``tests/experiments/test_lanes.py`` checks that (alone, reversed, chunked, any queues and block
widths, threads), the exponential against libm, and every method x activation against numpy.
``train_kernel_scalar`` is the one-network-per-iteration kernel it replaced (benchmarks only).
"""

from __future__ import annotations

import math

import numpy as np

from .methods import METHOD_CODES  # noqa: F401  (the codes the kernels branch on)

try:  # pragma: no cover - exercised when numba is installed
    from numba import njit, prange

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    HAVE_NUMBA = False

#: the integer code of each activation inside the kernels (``_act`` branches on it)
ACT_CODES = {"linear": 0, "sigmoid": 1, "tanh": 2, "softplus": 3, "gelu": 4}

if HAVE_NUMBA:
    _jit = njit(cache=True, fastmath=False, nogil=True)

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
        uc = min(max(u, -40.0), 40.0)  # phi = 0 beyond |u| = 40: no inf * 0 in f'', f'''
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

    @_jit
    def _grad_blas(kind, th, Xt, y, h, code, out):
        """One closed-form gradient of one network into ``out`` (n,), zeroed first.

        kind 0: grad tr(H); 1: grad tr(H^2); 2: grad lambda_WS. The arithmetic of
        ``_ws_direction`` with the two O(N n^2) steps done as matrix products (BLAS through
        ``np.dot``): ``H = G^T diag(s) G / N + (the e_i M_i blocks)`` and ``HG = G H`` with G
        the (N, n) matrix of the g_i; the rest is O(N n) per sample, as in training.
        """
        N, d1 = Xt.shape
        n = th.shape[0]
        n1 = h * d1
        A = np.empty((N, h))
        F1 = np.empty((N, h))
        F2 = np.empty((N, h))
        F3 = np.empty((N, h))
        E = np.empty(N)
        S = np.empty(N)
        P = np.empty(N)
        aa = np.empty(h)
        av = np.empty(h)
        aw = np.empty(h)
        af1 = np.empty(h)
        zk = np.zeros(h)
        out[:] = 0.0
        _forward(th, Xt, y, h, code, A, F1, F2, F3, E, S, P)
        if kind == 0:
            _trace_direction(th, Xt, h, A, F1, F2, F3, E, S, P, out, aa, av, aw, zk, 1.0)
            return
        G = np.empty((N, n))
        SG = np.empty((N, n))
        for i in range(N):
            _g_sample(i, th, Xt, h, A, F1, G[i])
            for a in range(n):
                SG[i, a] = S[i] * G[i, a]
        H = np.dot(G.T, SG)
        for i in range(N):  # + e_i M_i (blocks of book/model.md), upper triangle as in _hessian
            e = E[i]
            for k in range(h):
                wk = e * th[n1 + 1 + k] * F2[i, k]
                ef1 = e * F1[i, k]
                for j in range(d1):
                    rj = j * h + k
                    for l in range(j, d1):
                        H[rj, l * h + k] += wk * Xt[i, j] * Xt[i, l]
                    H[rj, n1 + 1 + k] += ef1 * Xt[i, j]
        for a in range(n):  # the M_i terms went to the upper triangle: mirror it, then / N
            for c in range(a, n):
                H[a, c] /= N
                H[c, a] = H[a, c]
        if kind == 1:
            c1, c2 = 0.0, 1.0
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
            _trace_direction(th, Xt, h, A, F1, F2, F3, E, S, P, out, aa, av, aw, zk, c1)
        if c2 == 0.0:
            return
        HG = np.dot(G, H)  # row i: H g_i (H symmetric)
        sc = c2 * 2.0 / N
        for i in range(N):
            gHg = 0.0
            for a in range(n):
                gHg += HG[i, a] * G[i, a]
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
                wk = th[n1 + 1 + k] * F2[i, k]
                trHM += wk * q + 2.0 * F1[i, k] * rr
                hv = 0.0
                for j in range(d1):
                    hv += HG[i, j * h + k] * Xt[i, j]
                aa[k] = sc * 2.0 * s * HG[i, n1 + 1 + k]
                av[k] = sc * 2.0 * s * hv
                aw[k] = sc * e * q
                af1[k] = sc * 2.0 * e * rr
            az = sc * (s * (1.0 - 2.0 * p) * gHg + s * trHM)
            _backprop_sample(i, th, Xt, h, A, F1, F2, F3, az, aa, av, aw, af1, out)

    @njit(cache=True, parallel=True, nogil=True)
    def gradients_kernel(theta, Xt, y, h, code, kind, G):
        """One closed-form gradient of every row of theta (B, n) into G (B, n).

        kind 0: grad tr(H) (HSR Theorems 2-3); 1: grad tr(H^2) (Theorems 4-5, assembled
        form); 2: grad lambda_WS (Theorem 1). See ``_grad_blas``.
        """
        B = theta.shape[0]
        for b in prange(B):
            _grad_blas(kind, theta[b], Xt, y, h, code, G[b])


# ----- lanes across networks: W networks in lock-step, SIMD over the lane axis ----------------
#: float64 lanes of one AVX-512 register (two AVX2 registers)
W = 8
#: networks per block (the trip count of the lane loops). LLVM vectorises a lane loop W wide
#: and interleaves up to 4 vectors, so a block of W would run most small loops in their scalar
#: remainder (2.7 against 0.6 us per network-gradient at 4 W, linear units); and every lane
#: loop has a fixed cost (trip-count and overlap checks), so wider blocks amortise it: per
#: network, 8 W lanes took 0.55 us per plain gradient and 9-13 us per grad lambda_WS (d_h = 3)
#: against 0.84-1.5 and 17 at 4 W; 16 W gained nothing more (measured on a loaded machine).
BLOCK = 8 * W

# exp(x) = 2^k exp(r), x = k ln2 + r, |r| <= ln2 / 2 (Cody-Waite, fdlibm's split of ln2);
# exp(r) - 1 = r + r^2 P(r), P of degree 10 (SLEEF's xexp coefficients, relative error of the
# polynomial 3e-19 on the interval) by Horner's rule in fused multiply-adds; 2^k written into
# the exponent bits, in two factors so that k in [-2020, 2020] never leaves the normal range
# (exact products, one rounding at the end).
_LOG2E = 1.4426950408889634
_LN2HI = 6.93147180369123816490e-01  # 32 significant bits: k * _LN2HI is exact
_LN2LO = 1.90821492927058770002e-10
_SHIFTER = 6755399441055744.0  # 1.5 * 2^52: x + _SHIFTER - _SHIFTER rounds x to an integer
_XMAX = 1400.0  # |x| beyond this: exp is 0 or inf anyway; keeps k in range
_EXP_P = (
    2.08860621107283687536341e-09,
    2.51112930892876518610661e-08,
    2.75573911234900471893338e-07,
    2.75572362911928827629423e-06,
    2.4801587159235472998791e-05,
    0.000198412698960509205564975,
    0.00138888888889774492207962,
    0.00833333333331652721664984,
    0.0416666666666665047591422,
    0.166666666666666851703837,
    0.5,
)

if HAVE_NUMBA:
    from numba import get_num_threads, types
    from numba.extending import intrinsic

    _P0, _P1, _P2, _P3, _P4, _P5, _P6, _P7, _P8, _P9, _P10 = _EXP_P

    @intrinsic
    def _bits_as_float(typingctx, bits):
        """The float64 whose IEEE bits are the int64 ``bits`` (an LLVM bitcast)."""
        if not isinstance(bits, types.Integer):
            return None

        def codegen(context, builder, signature, args):
            val = context.cast(builder, args[0], signature.args[0], types.int64)
            return builder.bitcast(val, context.get_value_type(types.float64))

        return types.float64(bits), codegen

    @intrinsic
    def _fma(typingctx, a, b, c):
        """a * b + c with one rounding (``llvm.fma``: a vfmadd instruction, vectorisable; a
        libm call on a CPU without FMA, same bits)."""
        if not all(isinstance(t, types.Float) for t in (a, b, c)):
            return None

        def codegen(context, builder, signature, args):
            return builder.fma(*args)

        return types.float64(types.float64, types.float64, types.float64), codegen

    _ijit = njit(cache=True, fastmath=False, nogil=True, inline="always", error_model="numpy")
    # error_model="numpy": a float division is a plain IEEE division (no zero-division branch),
    # which the loop vectoriser needs
    _ljit = njit(cache=True, fastmath=False, nogil=True, error_model="numpy")

    @_ijit
    def _exp_reduce(x):
        """(q, k) with exp(x) = 2^k (1 + q), branch-free; x clamped to [-_XMAX, _XMAX], NaN kept."""
        xc = _XMAX if x > _XMAX else x
        xc = -_XMAX if xc < -_XMAX else xc
        kf = (xc * _LOG2E + _SHIFTER) - _SHIFTER
        kf = kf if kf == kf else 0.0  # NaN input: k = 0, r stays NaN
        r = _fma(kf, -_LN2LO, _fma(kf, -_LN2HI, xc))
        u = _fma(_P0, r, _P1)
        u = _fma(u, r, _P2)
        u = _fma(u, r, _P3)
        u = _fma(u, r, _P4)
        u = _fma(u, r, _P5)
        u = _fma(u, r, _P6)
        u = _fma(u, r, _P7)
        u = _fma(u, r, _P8)
        u = _fma(u, r, _P9)
        u = _fma(u, r, _P10)
        return _fma(r * r, u, r), np.int64(kf)

    @_ijit
    def _exp(x):
        """exp(x) in branch-free code that vectorises (|error| < 1 ulp, tested against math.exp):
        inf and 0 beyond the float64 range, NaN for NaN."""
        q, k = _exp_reduce(x)
        k1 = k >> 1
        s1 = _bits_as_float((k1 + 1023) << 52)
        s2 = _bits_as_float((k - k1 + 1023) << 52)
        return ((1.0 + q) * s1) * s2

    @_ijit
    def _expm1(x):
        """exp(x) - 1, accurate near 0 (2^k q + (2^k - 1)); branch-free."""
        xs = -40.0 if x < -40.0 else x  # exp(-40) - 1 rounds to -1
        xs = 700.0 if xs > 700.0 else xs
        q, k = _exp_reduce(xs)
        s = _bits_as_float((k + 1023) << 52)
        em = _fma(s, q, s - 1.0)
        return _exp(x) if x > 700.0 else em

    @_ijit
    def _expit_l(u):
        """(sigmoid(u), e, d) with e = exp(-|u|), d = 1 / (1 + e): no overflow, no cancellation."""
        e = _exp(-abs(u))
        d = 1.0 / (1.0 + e)
        return (d if u >= 0.0 else e * d), e, d

    @_ijit
    def _tanh_l(u):
        """tanh(u) = -expm1(-2|u|) / (2 + expm1(-2|u|)), sign of u (exact at +-0, +-1 at +-inf)."""
        em = _expm1(-2.0 * abs(u))
        return math.copysign(-em / (2.0 + em), u)

    @_ijit
    def _error_l(z, y):
        """e = sigmoid(z) - y without cancellation, one exponential; branch-free."""
        ez = _exp(-abs(z))
        d = 1.0 / (1.0 + ez)
        q = ez * d if z >= 0.0 else d  # 1 - sigmoid(z)
        p = d if z >= 0.0 else ez * d
        return -q if y == 1.0 else p

    @_ljit
    def lane_functions(kind, x, y):
        """The lane kernels' elementwise functions over an array (a loop that vectorises, as in
        the kernel), for tests: kind 0 exp, 1 expm1, 2 sigmoid, 3 tanh, 4 sigmoid(x) - y."""
        out = np.empty_like(x)
        m = x.shape[0]
        if kind == 0:
            for w in range(m):
                out[w] = _exp(x[w])
        elif kind == 1:
            for w in range(m):
                out[w] = _expm1(x[w])
        elif kind == 2:
            for w in range(m):
                s, _, _ = _expit_l(x[w])
                out[w] = s
        elif kind == 3:
            for w in range(m):
                out[w] = _tanh_l(x[w])
        else:
            for w in range(m):
                out[w] = _error_l(x[w], y[w])
        return out

    @_ijit
    def _act_lanes(nw, code, U, k, A, F1, F2, F3, order):
        """Activation of the pre-activations U (W,) of unit k into A[k], F1[k] (and F2[k], F3[k]
        if order == 3), for every lane; the branch on the code is outside the lane loops.
        softplus and GELU call libm's log1p / erf per lane (those loops do not vectorise)."""
        if code == 0:
            for w in range(nw):
                A[k, w] = U[w]
                F1[k, w] = 1.0
            if order == 3:
                for w in range(nw):
                    F2[k, w] = 0.0
                    F3[k, w] = 0.0
        elif code == 1:
            for w in range(nw):
                S, _, _ = _expit_l(U[w])
                f1 = S * (1.0 - S)
                A[k, w] = S
                F1[k, w] = f1
                if order == 3:
                    F2[k, w] = f1 * (1.0 - 2.0 * S)
                    F3[k, w] = f1 * (1.0 - 6.0 * S + 6.0 * S * S)
        elif code == 2:
            for w in range(nw):
                t = _tanh_l(U[w])
                f1 = 1.0 - t * t
                A[k, w] = t
                F1[k, w] = f1
                if order == 3:
                    F2[k, w] = -2.0 * t * f1
                    F3[k, w] = f1 * (6.0 * t * t - 2.0)
        elif code == 3:
            for w in range(nw):
                u = U[w]
                S, e, _ = _expit_l(u)
                A[k, w] = max(u, 0.0) + math.log1p(e)
                F1[k, w] = S
                if order == 3:
                    f2 = S * (1.0 - S)
                    F2[k, w] = f2
                    F3[k, w] = f2 * (1.0 - 2.0 * S)
        else:
            for w in range(nw):
                u = U[w]
                Phi = 0.5 * (1.0 + math.erf(u / math.sqrt(2.0)))
                phi = _exp(-0.5 * u * u) / math.sqrt(2.0 * math.pi)
                A[k, w] = u * Phi
                F1[k, w] = Phi + u * phi
                if order == 3:
                    uc = min(max(u, -40.0), 40.0)  # phi = 0 beyond |u| = 40: no inf * 0
                    F2[k, w] = (2.0 - uc * uc) * phi
                    F3[k, w] = (uc * uc * uc - 4.0 * uc) * phi

    @_ljit
    def _grad_lanes3(nw, TH, Xt, y, h, code, G, Z, E, A, F1):
        """``_grad_lanes`` for d_in = 2 (Xt has 3 columns): the same arithmetic in 2 h + 1 lane
        loops per sample instead of ~(3 d_in + 5) h (each lane loop costs a fixed overhead)."""
        N = Xt.shape[0]
        n = TH.shape[0]
        n1 = 3 * h
        for a in range(n):
            for w in range(nw):
                G[a, w] = 0.0
        for i in range(N):
            x0, x1, x2 = Xt[i, 0], Xt[i, 1], Xt[i, 2]
            for w in range(nw):
                Z[w] = TH[n1, w]
            for k in range(h):
                r1, r2, ro = h + k, 2 * h + k, n1 + 1 + k
                if code == 1:
                    for w in range(nw):
                        u = TH[k, w] * x0 + TH[r1, w] * x1 + TH[r2, w] * x2
                        S, _, _ = _expit_l(u)
                        A[k, w] = S
                        F1[k, w] = S * (1.0 - S)
                        Z[w] += TH[ro, w] * S
                elif code == 2:
                    for w in range(nw):
                        u = TH[k, w] * x0 + TH[r1, w] * x1 + TH[r2, w] * x2
                        t = _tanh_l(u)
                        A[k, w] = t
                        F1[k, w] = 1.0 - t * t
                        Z[w] += TH[ro, w] * t
                elif code == 0:
                    for w in range(nw):
                        u = TH[k, w] * x0 + TH[r1, w] * x1 + TH[r2, w] * x2
                        A[k, w] = u
                        F1[k, w] = 1.0
                        Z[w] += TH[ro, w] * u
                else:  # softplus, GELU: libm calls in the loop (not vectorised)
                    for w in range(nw):
                        Z[w] = TH[k, w] * x0 + TH[r1, w] * x1 + TH[r2, w] * x2
                    _act_lanes(nw, code, Z, k, A, F1, F1, F1, 1)  # Z as scratch for u
                    for w in range(nw):
                        Z[w] = TH[n1, w]
                    for kk in range(k + 1):
                        for w in range(nw):
                            Z[w] += TH[n1 + 1 + kk, w] * A[kk, w]
            yi = y[i]
            for w in range(nw):
                e = _error_l(Z[w], yi) / N
                E[w] = e
                G[n1, w] += e
            for k in range(h):
                r1, r2, ro = h + k, 2 * h + k, n1 + 1 + k
                for w in range(nw):
                    e = E[w]
                    G[ro, w] += e * A[k, w]
                    au = e * TH[ro, w] * F1[k, w]
                    G[k, w] += au * x0
                    G[r1, w] += au * x1
                    G[r2, w] += au * x2

    @_ljit
    def _grad_lanes(nw, TH, Xt, y, h, code, G, U, Z, E, AU, A, F1):
        """grad L of the W networks TH (n, nw) into G (n, nw), in one pass over the samples
        (the fused plain step); U, Z, E, AU (W,) and A, F1 (h, nw) are scratch."""
        N, d1 = Xt.shape
        if d1 == 3:
            _grad_lanes3(nw, TH, Xt, y, h, code, G, Z, E, A, F1)
            return
        n = TH.shape[0]
        n1 = h * d1
        for a in range(n):
            for w in range(nw):
                G[a, w] = 0.0
        for i in range(N):
            for w in range(nw):
                Z[w] = TH[n1, w]
            for k in range(h):
                for w in range(nw):
                    U[w] = 0.0
                for j in range(d1):
                    x = Xt[i, j]
                    for w in range(nw):
                        U[w] += TH[j * h + k, w] * x
                _act_lanes(nw, code, U, k, A, F1, F1, F1, 1)
                for w in range(nw):
                    Z[w] += TH[n1 + 1 + k, w] * A[k, w]
            yi = y[i]
            for w in range(nw):
                e = _error_l(Z[w], yi) / N  # scaled first (as numpy does): no overflow in sums
                E[w] = e
                G[n1, w] += e
            for k in range(h):
                for w in range(nw):
                    G[n1 + 1 + k, w] += E[w] * A[k, w]
                    AU[w] = E[w] * TH[n1 + 1 + k, w] * F1[k, w]
                for j in range(d1):
                    x = Xt[i, j]
                    for w in range(nw):
                        G[j * h + k, w] += AU[w] * x

    # ----- HSR Reg. in lanes: the per-network functions above with a lane axis last --------
    @_ljit
    def _forward_lanes(nw, TH, Xt, y, h, code, U, Z, A, F1, F2, F3, E, S, P):
        """Per-sample arrays of the lanes' networks: A, F1, F2, F3 (N, h, L), E, S, P (N, L)
        (e = p - y, s = p (1 - p), p = sigmoid(z)); see ``_forward``."""
        N, d1 = Xt.shape
        n1 = h * d1
        for i in range(N):
            for w in range(nw):
                Z[w] = TH[n1, w]
            Ai, F1i, F2i, F3i = A[i], F1[i], F2[i], F3[i]
            for k in range(h):
                for w in range(nw):
                    U[w] = 0.0
                for j in range(d1):
                    x = Xt[i, j]
                    for w in range(nw):
                        U[w] += TH[j * h + k, w] * x
                _act_lanes(nw, code, U, k, Ai, F1i, F2i, F3i, 3)
                for w in range(nw):
                    Z[w] += TH[n1 + 1 + k, w] * Ai[k, w]
            yi = y[i]
            for w in range(nw):
                z = Z[w]
                ez = _exp(-abs(z))
                d = 1.0 / (1.0 + ez)
                q = ez * d if z >= 0.0 else d
                p = d if z >= 0.0 else ez * d
                P[i, w] = p
                E[i, w] = -q if yi == 1.0 else p
                S[i, w] = p * q

    @_ljit
    def _backprop_lanes(nw, i, TH, Xt, h, A, F1, F2, F3, az, aa, av, aw, af1, out, T):
        """Add sample i's chain rule to out (n, L); see ``_backprop_sample``. T (L,) scratch."""
        d1 = Xt.shape[1]
        n1 = h * d1
        for w in range(nw):
            out[n1, w] += az[w]
        for k in range(h):
            for w in range(nw):
                wb = TH[n1 + 1 + k, w]
                adj_a = aa[k, w] + az[w] * wb
                adj_f1 = af1[k, w] + av[k, w] * wb
                adj_f2 = aw[k, w] * wb
                T[w] = adj_a * F1[i, k, w] + adj_f1 * F2[i, k, w] + adj_f2 * F3[i, k, w]
                out[n1 + 1 + k, w] += (
                    az[w] * A[i, k, w] + av[k, w] * F1[i, k, w] + aw[k, w] * F2[i, k, w]
                )
            for j in range(d1):
                x = Xt[i, j]
                for w in range(nw):
                    out[j * h + k, w] += T[w] * x

    @_ljit
    def _g_lanes(nw, i, TH, Xt, h, A, F1, g):
        d1 = Xt.shape[1]
        n1 = h * d1
        for j in range(d1):
            x = Xt[i, j]
            for k in range(h):
                for w in range(nw):
                    g[j * h + k, w] = x * TH[n1 + 1 + k, w] * F1[i, k, w]
        for w in range(nw):
            g[n1, w] = 1.0
        for k in range(h):
            for w in range(nw):
                g[n1 + 1 + k, w] = A[i, k, w]

    @_ljit
    def _hessian_lanes(nw, TH, Xt, h, A, F1, F2, E, S, H, g, T):
        """Closed-form Hessian of the lanes' networks into H (n, n, L); see ``_hessian``."""
        N, d1 = Xt.shape
        n1 = h * d1
        n = H.shape[0]
        for a in range(n):
            for c in range(n):
                for w in range(nw):
                    H[a, c, w] = 0.0
        for i in range(N):
            _g_lanes(nw, i, TH, Xt, h, A, F1, g)
            for a in range(n):
                for w in range(nw):
                    T[w] = S[i, w] * g[a, w]
                for c in range(a, n):
                    for w in range(nw):
                        H[a, c, w] += T[w] * g[c, w]
            for k in range(h):
                for j in range(d1):
                    rj = j * h + k
                    xj = Xt[i, j]
                    for l in range(j, d1):
                        xl = Xt[i, l]
                        for w in range(nw):
                            wk = E[i, w] * TH[n1 + 1 + k, w] * F2[i, k, w]
                            H[rj, l * h + k, w] += wk * xj * xl
                    for w in range(nw):
                        H[rj, n1 + 1 + k, w] += E[i, w] * F1[i, k, w] * xj
        for a in range(n):
            for c in range(a, n):
                for w in range(nw):
                    v = H[a, c, w] / N
                    H[a, c, w] = v
                    H[c, a, w] = v

    @_ljit
    def _trace_lanes(nw, TH, Xt, h, A, F1, F2, F3, E, S, P, out, scale, az, aa, av, aw, af1, T):
        """Add ``scale * grad tr(H)`` (scale (L,)) to out (n, L); see ``_trace_direction``."""
        N, d1 = Xt.shape
        n1 = h * d1
        for k in range(h):
            for w in range(nw):
                af1[k, w] = 0.0
        for i in range(N):
            c = 0.0
            for j in range(d1):
                c += Xt[i, j] * Xt[i, j]
            for w in range(nw):
                T[w] = 1.0  # A_i
                az[w] = 0.0  # B_i
            for k in range(h):
                for w in range(nw):
                    s = S[i, w]
                    wb = TH[n1 + 1 + k, w]
                    v = wb * F1[i, k, w]
                    a = A[i, k, w]
                    T[w] += a * a + c * v * v
                    az[w] += c * wb * F2[i, k, w]
                    aa[k, w] = scale[w] * 2.0 * s * a / N
                    av[k, w] = scale[w] * 2.0 * s * c * v / N
                    aw[k, w] = scale[w] * E[i, w] * c / N
            for w in range(nw):
                s = S[i, w]
                az[w] = scale[w] * (s * (1.0 - 2.0 * P[i, w]) * T[w] + s * az[w]) / N
            _backprop_lanes(nw, i, TH, Xt, h, A, F1, F2, F3, az, aa, av, aw, af1, out, T)

    @_ljit
    def _trace2_lanes(
        nw, TH, Xt, h, A, F1, F2, F3, E, S, P, out, H, g, Hg, c2, az, aa, av, aw, af1, T, V
    ):
        """Add ``c2 * grad tr(H^2)`` (c2 (L,)) to out (n, L), H assembled; see
        ``_trace2_direction``. V (L,) scratch."""
        N, d1 = Xt.shape
        n1 = h * d1
        n = H.shape[0]
        for i in range(N):
            _g_lanes(nw, i, TH, Xt, h, A, F1, g)
            for w in range(nw):
                V[w] = 0.0  # g^T H g
            for a in range(n):
                for w in range(nw):
                    T[w] = 0.0
                for c in range(n):
                    for w in range(nw):
                        T[w] += H[a, c, w] * g[c, w]
                for w in range(nw):
                    Hg[a, w] = T[w]
                    V[w] += T[w] * g[a, w]
            for w in range(nw):
                az[w] = 0.0  # tr(H M_i)
            for k in range(h):
                for w in range(nw):
                    T[w] = 0.0  # q
                    aw[k, w] = 0.0  # rr
                    av[k, w] = 0.0  # hv
                for j in range(d1):
                    xj = Xt[i, j]
                    for l in range(d1):
                        xl = Xt[i, l]
                        for w in range(nw):
                            T[w] += xj * H[j * h + k, l * h + k, w] * xl
                    for w in range(nw):
                        aw[k, w] += xj * H[j * h + k, n1 + 1 + k, w]
                        av[k, w] += Hg[j * h + k, w] * xj
                for w in range(nw):
                    sc = c2[w] * 2.0 / N
                    s = S[i, w]
                    e = E[i, w]
                    q = T[w]
                    rr = aw[k, w]
                    wk = TH[n1 + 1 + k, w] * F2[i, k, w]
                    az[w] += wk * q + 2.0 * F1[i, k, w] * rr
                    aa[k, w] = sc * 2.0 * s * Hg[n1 + 1 + k, w]
                    av[k, w] = sc * 2.0 * s * av[k, w]
                    aw[k, w] = sc * e * q
                    af1[k, w] = sc * 2.0 * e * rr
            for w in range(nw):
                sc = c2[w] * 2.0 / N
                s = S[i, w]
                az[w] = sc * (s * (1.0 - 2.0 * P[i, w]) * V[w] + s * az[w])
            _backprop_lanes(nw, i, TH, Xt, h, A, F1, F2, F3, az, aa, av, aw, af1, out, T)

    @_ljit
    def _ws_lanes(nw, TH, Xt, y, h, code, out, out2, A, F1, F2, F3, E, S, P, H, g, Hg, v, m):
        """grad lambda_WS (HSR Theorem 1, assembled tr(H^2) form) of the lanes' networks into
        out (n, L); see ``_ws_direction``. Workspace: out2, g, Hg (n, L), A, F1, F2, F3
        (N, h, L), E, S, P (N, L), H (n, n, L), v (6, L), m (4, h, L)."""
        n = TH.shape[0]
        U, Z, T, V, c1, c2 = v[0], v[1], v[2], v[3], v[4], v[5]
        az = U
        aa, av, aw, af1 = m[0], m[1], m[2], m[3]
        _forward_lanes(nw, TH, Xt, y, h, code, U, Z, A, F1, F2, F3, E, S, P)
        _hessian_lanes(nw, TH, Xt, h, A, F1, F2, E, S, H, g, T)
        for w in range(nw):
            T[w] = 0.0  # tr H
            V[w] = 0.0  # tr H^2
        for a in range(n):
            for w in range(nw):
                T[w] += H[a, a, w]
            for c in range(n):
                for w in range(nw):
                    V[w] += H[a, c, w] * H[a, c, w]
        r = math.sqrt(n - 1.0)
        for w in range(nw):
            m = T[w] / n
            var = V[w] / n - m * m
            tol = 64.0 * 2.220446049250313e-16 * max(V[w] / n, m * m)
            sd = math.sqrt(var) if var > tol else 0.0
            pos = sd > 0.0
            sd1 = sd if pos else 1.0
            c1[w] = (1.0 - r * m / sd1) / n if pos else 1.0 / n
            c2[w] = r / (2.0 * sd1 * n) if pos else 0.0
        for a in range(n):
            for w in range(nw):
                out[a, w] = 0.0
                out2[a, w] = 0.0
        _trace_lanes(nw, TH, Xt, h, A, F1, F2, F3, E, S, P, out, c1, az, aa, av, aw, af1, T)
        _trace2_lanes(
            nw, TH, Xt, h, A, F1, F2, F3, E, S, P, out2, H, g, Hg, c2, az, aa, av, aw, af1, T, V
        )
        for a in range(n):  # the tr(H^2) part only where c2 != 0 (as ``_ws_direction``)
            for w in range(nw):
                x = out[a, w]
                out[a, w] = x + out2[a, w] if c2[w] != 0.0 else x

    @_ljit
    def _finish_lane(w, b, TH, theta, snapshots, n_iter, record_every):
        n = TH.shape[0]
        for a in range(n):
            theta[b, a] = TH[a, w]
        if record_every > 0:
            first = (n_iter[b] + record_every - 1) // record_every
            for r in range(first, snapshots.shape[0]):
                for a in range(n):
                    snapshots[r, b, a] = TH[a, w]

    @_ljit
    def _lane_queue(
        wmax,
        q,
        nq,
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
        """Train networks q, q + nq, q + 2 nq, ... of theta in one block of lanes (at most
        ``wmax``, lane-innermost arrays); a lane whose network stops takes the next network of
        the queue (refill); once the queue is empty the block shrinks (the last lane moves into
        the hole), so no lane runs idle."""
        B, n = theta.shape
        N = Xt.shape[0]
        nq = np.int64(nq)
        nxt = np.int64(q)
        nw = min(wmax, (B - q + nq - 1) // nq)  # the block's width: lanes in use
        if nw <= 0:
            return
        L = nw
        TH = np.zeros((n, L))
        G = np.empty((n, L))
        D = np.empty((n, L))
        U = np.empty(L)
        Z = np.empty(L)
        E = np.empty(L)
        AU = np.empty(L)
        NRM = np.empty(L)
        BAD = np.empty(L)
        AL = np.empty((h, L))
        F1L = np.empty((h, L))
        net = np.full(L, -1, dtype=np.int64)
        tt = np.zeros(L, dtype=np.int64)
        g0 = np.zeros(L)
        upd = np.zeros(L, dtype=np.bool_)
        stop = np.zeros(L, dtype=np.bool_)
        REG = np.zeros(L, dtype=np.bool_)
        NT = np.empty(L)
        D2 = np.empty((n, L))
        D3 = np.empty((n, L))
        # the per-sample workspace of the regularized methods (empty for plain GD)
        Lh = L if method == 1 or method == 2 else 0
        wA = np.empty((N, h, Lh))
        wF1 = np.empty((N, h, Lh))
        wF2 = np.empty((N, h, Lh))
        wF3 = np.empty((N, h, Lh))
        wE = np.empty((N, Lh))
        wS = np.empty((N, Lh))
        wP = np.empty((N, Lh))
        wH = np.empty((n, n, Lh if method == 1 else 0))
        wg = np.empty((n, Lh))
        wHg = np.empty((n, Lh))
        wv = np.empty((6, Lh))
        wm = np.empty((4, h, Lh))
        for w in range(nw):
            net[w] = nxt
            for a in range(n):
                TH[a, w] = theta[nxt, a]
            nxt += nq
        while nw > 0:
            if record_every > 0:
                for w in range(nw):
                    t = tt[w]
                    if t < max_iter and t % record_every == 0:
                        b = net[w]
                        for a in range(n):
                            snapshots[t // record_every, b, a] = TH[a, w]
            _grad_lanes(nw, TH, Xt, y, h, code, G, U, Z, E, AU, AL, F1L)
            for w in range(nw):
                NRM[w] = 0.0
            for a in range(n):
                for w in range(nw):
                    NRM[w] += G[a, w] * G[a, w]
            for w in range(nw):
                NRM[w] = math.sqrt(NRM[w])
            for a in range(n):
                for w in range(nw):
                    D[a, w] = G[a, w]
            any_reg = False
            if method != 0:
                for w in range(nw):
                    REG[w] = tt[w] < reg_iters and tt[w] < max_iter
                    any_reg = any_reg or REG[w]
            if any_reg and method == 1:  # HSR Reg.: alpha g + beta grad lambda_WS
                _ws_lanes(
                    nw,
                    TH,
                    Xt,
                    y,
                    h,
                    code,
                    D2,
                    D3,
                    wA,
                    wF1,
                    wF2,
                    wF3,
                    wE,
                    wS,
                    wP,
                    wH,
                    wg,
                    wHg,
                    wv,
                    wm,
                )
                for a in range(n):
                    for w in range(nw):
                        x = alpha * G[a, w] + beta * D2[a, w]
                        D[a, w] = x if REG[w] else G[a, w]
            elif any_reg and method == 2:  # Hessian Reg.: g + hw grad tr H
                _forward_lanes(nw, TH, Xt, y, h, code, U, Z, wA, wF1, wF2, wF3, wE, wS, wP)
                sc = wv[4]
                for w in range(nw):
                    sc[w] = hw
                for a in range(n):
                    for w in range(nw):
                        D2[a, w] = 0.0
                _trace_lanes(
                    nw,
                    TH,
                    Xt,
                    h,
                    wA,
                    wF1,
                    wF2,
                    wF3,
                    wE,
                    wS,
                    wP,
                    D2,
                    sc,
                    wv[0],
                    wm[0],
                    wm[1],
                    wm[2],
                    wm[3],
                    wv[2],
                )
                for a in range(n):
                    for w in range(nw):
                        x = D2[a, w] + G[a, w]
                        D[a, w] = x if REG[w] else G[a, w]
            elif any_reg and method == 3:  # A-SAM: grad L at theta + rho T^2 g / |T g|
                for w in range(nw):
                    NT[w] = 0.0
                for a in range(n):
                    isb = bias[a]
                    for w in range(nw):
                        t = 1.0 if isb else abs(TH[a, w]) + eta
                        x = t * G[a, w]
                        NT[w] += x * x
                for w in range(nw):
                    NT[w] = math.sqrt(NT[w])
                for a in range(n):
                    isb = bias[a]
                    for w in range(nw):
                        t = 1.0 if isb else abs(TH[a, w]) + eta
                        nrm = NT[w]
                        step = rho * t * t * G[a, w] / (nrm if nrm > 0.0 else 1.0)
                        D3[a, w] = TH[a, w] + (step if nrm > 0.0 else 0.0)
                _grad_lanes(nw, D3, Xt, y, h, code, D2, U, Z, E, AU, AL, F1L)
                for a in range(n):
                    for w in range(nw):
                        D[a, w] = D2[a, w] if REG[w] else G[a, w]
            # a lane's update is finite iff sum_a (x_a - x_a) == 0, x = TH - lr D (else NaN)
            for w in range(nw):
                BAD[w] = 0.0
            for a in range(n):
                for w in range(nw):
                    x = TH[a, w] - lr * D[a, w]
                    BAD[w] += x - x
            n_stop = 0
            for w in range(nw):
                b = net[w]
                t = tt[w]
                norm = NRM[w]
                if t == 0:
                    g0[w] = norm
                    gn0[b] = norm
                gn[b] = norm
                upd[w] = False
                stop[w] = True
                if t >= max_iter:  # the final point's gradient: converged or not
                    n_iter[b] = max_iter
                    converged[b] = norm < tol * g0[w]
                elif norm < tol * g0[w]:
                    converged[b] = True
                    n_iter[b] = t
                elif BAD[w] != 0.0:
                    diverged[b] = True
                    n_iter[b] = t
                else:
                    stop[w] = False
                    upd[w] = True
                    tt[w] = t + 1
                if stop[w]:
                    n_stop += 1
            for a in range(n):
                for w in range(nw):
                    x = TH[a, w]
                    TH[a, w] = x - lr * D[a, w] if upd[w] else x
            if n_stop == 0:
                continue
            w = 0
            while w < nw:
                if not stop[w]:
                    w += 1
                    continue
                _finish_lane(w, net[w], TH, theta, snapshots, n_iter, record_every)
                if nxt < B:  # refill from the queue
                    net[w] = nxt
                    tt[w] = 0
                    for a in range(n):
                        TH[a, w] = theta[nxt, a]
                    nxt += nq
                    stop[w] = False
                    w += 1
                else:  # the queue is empty: the last lane moves here, the block shrinks
                    last = nw - 1
                    if last != w:
                        net[w] = net[last]
                        tt[w] = tt[last]
                        g0[w] = g0[last]
                        stop[w] = stop[last]
                        for a in range(n):
                            TH[a, w] = TH[a, last]
                    nw -= 1

    @njit(cache=True, parallel=True, nogil=True)
    def train_lanes_kernel(
        nq,
        wmax,
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
        """``train_kernel`` with the number of queues ``nq`` (one per thread) and the block width
        ``wmax`` (lanes per block) given."""
        for q in prange(nq):
            _lane_queue(
                wmax,
                q,
                nq,
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
            )

    def train_kernel(theta, *args):
        """Train every row of theta (B, n) in place; see hsr.training for the rules.

        Arguments: ``theta, Xt, y, h, code, method, lr, max_iter, tol, reg_iters, alpha, beta,
        hw, rho, eta, bias, record_every``, then the outputs ``snapshots (T, B, n)`` (every
        ``record_every`` iterations, then the final point), ``converged, n_iter, gn0, gn,
        diverged`` (B,), all filled in place.

        Up to ``BLOCK`` networks run in lock-step in the lanes of one block (SIMD across
        networks: every per-network array is lane-innermost, ``(n, lanes)``); each thread runs
        one block over its queue of networks (q, q + nq, ...), refilling a lane as soon as its
        network stops and shrinking the block once the queue is empty. Every lane does the
        same IEEE operations on its own network only (no fast-math, no reduction across
        lanes), so each network's results are bit-identical whatever the batch, its position,
        the chunking or the thread count. A network whose update is not finite stops where it
        is (diverged); one that reaches ``max_iter`` is tested at its final point. Every
        method runs in the lanes: plain steps (fused forward and gradient), HSR Reg.'s
        closed-form grad lambda_WS (the Hessian as ``(n, n, lanes)``), Hessian Reg.'s grad tr H
        and A-SAM's perturbed gradient; softplus and GELU call libm's ``log1p`` / ``erf``
        inside the lane loops (those loops stay scalar), the other activations and the
        exponentials vectorise.
        """
        B = theta.shape[0]
        nq = max(min(get_num_threads(), (B + W - 1) // W), 1)
        train_lanes_kernel(nq, BLOCK, theta, *args)


GRADIENT_KINDS = {"trace": 0, "trace_squared": 1, "ws_upper": 2}


def closed_form_gradient(kind: str, net, theta: np.ndarray, X: np.ndarray, y: np.ndarray):
    """The numba engine of :mod:`hsr.gradients`: gradient ``kind`` for theta ``(B, n)``.

    Inputs are already validated by the caller; returns ``(B, n)``. Needs numba.
    """
    if not HAVE_NUMBA:  # pragma: no cover
        raise ImportError("the numba engine needs numba: pip install 'hsr[fast]'")
    theta = np.ascontiguousarray(theta, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    Xt = np.empty((X.shape[0], X.shape[1] + 1))
    Xt[:, 0] = 1.0
    Xt[:, 1:] = X
    G = np.empty_like(theta)
    gradients_kernel(
        theta,
        Xt,
        np.ascontiguousarray(y, dtype=np.float64),
        net.d_hidden,
        ACT_CODES[net.activation],
        GRADIENT_KINDS[kind],
        G,
    )
    return G
