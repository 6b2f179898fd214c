"""The SIMD lane kernels: blocks of up to ``BLOCK`` networks in lock-step.

:func:`train_kernel` (the training engine) runs networks in SIMD lanes: every per-network
array lane-innermost (``(n, lanes)``, per-sample arrays ``(N, h, lanes)``), branch-free lane
loops that LLVM vectorises (the elementwise functions of :mod:`.vecmath`), one block per thread
over that thread's queue of networks, a lane refilled from the queue when its network stops.
HSR Reg.'s direction is computed per regularizing network with the sample axis innermost
(:mod:`.curvature`). Every lane does the same IEEE operations on its own network, so the
results stay bit-identical per network; ``tests/experiments/test_lanes.py`` checks that
(alone, reversed, chunked, any queues and block widths, threads) and every method x
activation against the numpy loop.
"""

from __future__ import annotations

import math

import numpy as np
from numba import get_num_threads, njit, prange

from . import curvature as cv
from . import vecmath as vm
from ._common import jit_lanes as _ljit

__all__ = ["W", "BLOCK", "train_lanes_kernel", "train_kernel"]

#: float64 lanes of one AVX-512 register (two AVX2 registers)
W = 8
#: networks per block (the trip count of the lane loops). LLVM vectorises a lane loop W wide
#: and interleaves up to 4 vectors, so a block of W would run most small loops in their scalar
#: remainder (2.7 against 0.6 us per network-gradient at 4 W, linear units); and every lane
#: loop has a fixed cost (trip-count and overlap checks), so wider blocks amortise it: per
#: network, 8 W lanes took 0.55 us per plain gradient and 9-13 us per grad lambda_WS (d_h = 3)
#: against 0.84-1.5 and 17 at 4 W; 16 W gained nothing more (measured on a loaded machine).
BLOCK = 8 * W


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
                    S, _, _ = vm.expit(u)
                    A[k, w] = S
                    F1[k, w] = S * (1.0 - S)
                    Z[w] += TH[ro, w] * S
            elif code == 2:
                for w in range(nw):
                    u = TH[k, w] * x0 + TH[r1, w] * x1 + TH[r2, w] * x2
                    t = vm.tanh(u)
                    A[k, w] = t
                    F1[k, w] = 1.0 - t * t
                    Z[w] += TH[ro, w] * t
            elif code == 0:
                for w in range(nw):
                    u = TH[k, w] * x0 + TH[r1, w] * x1 + TH[r2, w] * x2
                    A[k, w] = u
                    F1[k, w] = 1.0
                    Z[w] += TH[ro, w] * u
            else:  # softplus, GELU
                for w in range(nw):  # E as scratch for u (it is set after this loop)
                    E[w] = TH[k, w] * x0 + TH[r1, w] * x1 + TH[r2, w] * x2
                vm.activations(nw, code, E, k, A, F1, F1, F1, 1)
                for w in range(nw):
                    Z[w] += TH[ro, w] * A[k, w]
        yi = y[i]
        for w in range(nw):
            e = vm.logistic_error(Z[w], yi) / N
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
            vm.activations(nw, code, U, k, A, F1, F1, F1, 1)
            for w in range(nw):
                Z[w] += TH[n1 + 1 + k, w] * A[k, w]
        yi = y[i]
        for w in range(nw):
            e = vm.logistic_error(Z[w], yi) / N  # scaled first (as numpy does): no overflow in sums
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
            vm.activations(nw, code, U, k, Ai, F1i, F2i, F3i, 3)
            for w in range(nw):
                Z[w] += TH[n1 + 1 + k, w] * Ai[k, w]
        yi = y[i]
        for w in range(nw):
            z = Z[w]
            ez = vm.exp(-abs(z))
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
    # the per-sample workspace of Hessian Reg. (lane-innermost; empty for the other methods)
    Lh = L if method == 2 else 0
    wA = np.empty((N, h, Lh))
    wF1 = np.empty((N, h, Lh))
    wF2 = np.empty((N, h, Lh))
    wF3 = np.empty((N, h, Lh))
    wE = np.empty((N, Lh))
    wS = np.empty((N, Lh))
    wP = np.empty((N, Lh))
    wv = np.empty((6, Lh))
    wm = np.empty((4, h, Lh))
    # HSR Reg.: one network at a time with the sample axis innermost (curvature.gradient)
    Nc = N if method == 1 else 0
    XT, cX = cv.data_layout(Xt[:Nc])
    rows, vec, mat, Hn = cv.workspace(h, Xt.shape[1], Nc)
    th = np.empty(n)
    dws = np.empty(n)
    gl = np.empty(n)
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
        any_reg = False
        all_reg = method != 0
        if method != 0:
            for w in range(nw):
                REG[w] = tt[w] < reg_iters and tt[w] < max_iter
                any_reg = any_reg or REG[w]
                all_reg = all_reg and REG[w]
        hsr = any_reg and method == 1
        if not (hsr and all_reg):
            _grad_lanes(nw, TH, Xt, y, h, code, G, U, Z, E, AU, AL, F1L)
        if hsr:  # grad L and grad lambda_WS of each regularizing network, sample axis innermost
            for w in range(nw):
                if REG[w]:
                    for a in range(n):
                        th[a] = TH[a, w]
                    cv.gradient(cv.WS_UPPER, th, XT, cX, y, h, code, rows, vec, mat, Hn, dws, gl)
                    for a in range(n):
                        G[a, w] = gl[a]
                        D2[a, w] = dws[a]
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
        if hsr:  # HSR Reg.: alpha g + beta grad lambda_WS
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
    """Train every row of theta (B, n) in place; see hsr.experiments.training for the rules.

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
    method runs in the lanes: plain steps (fused forward and gradient), Hessian Reg.'s grad
    tr H and A-SAM's perturbed gradient lane by lane; HSR Reg.'s step (grad L and the
    closed-form grad lambda_WS) one regularizing network at a time with the sample axis
    innermost (:func:`.curvature.gradient`: its O(N n^2) products, the Hessian and H g_i for
    every sample, as register tiles over the samples), which is still one network's own
    arithmetic, so the bit-identity holds. Every activation, the exponentials, softplus's
    log1p and GELU's erf are branch-free code of :mod:`.vecmath` and vectorise.
    """
    B = theta.shape[0]
    nq = max(min(get_num_threads(), (B + W - 1) // W), 1)
    train_lanes_kernel(nq, BLOCK, theta, *args)
