"""The per-network curvature kernel with the sample axis innermost
(``experiments/kernels/curvature.py``)
and the explicit 4-wide SIMD it is written in (``vecmath.float64x4``): the intrinsics do what
they say (one rounding in ``fma4``, a fixed order in ``sum4``), every gradient equals the numpy
closed forms at every remainder of the register tiles (N mod 8, n mod 4), and a network's
result is the same bits whatever its place in the batch, the thread count or what the
workspace held before."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ACTIVATIONS, assert_rel, make_problem

import hsr
from hsr.experiments import kernels

pytestmark = pytest.mark.skipif(not kernels.HAVE_NUMBA, reason="numba is not installed")

if kernels.HAVE_NUMBA:
    from numba import njit

    from hsr.experiments.kernels import curvature as cv
    from hsr.experiments.kernels import vecmath as vm

    @njit
    def _vector_ops(A3, A1, x, out):
        """out: [load4 of a 3-d row, of a 1-d array, splat4, add4, mul4, fma4, sum4]."""
        a = vm.load4(A3, (1, 2, 3))
        b = vm.load4(A1, 2)
        vm.store4(out, (0, 0), a)
        vm.store4(out, (1, 0), b)
        vm.store4(out, (2, 0), vm.splat4(x))
        vm.store4(out, (3, 0), vm.add4(a, b))
        vm.store4(out, (4, 0), vm.mul4(a, b))
        vm.store4(out, (5, 0), vm.fma4(a, b, vm.splat4(-1.0)))
        out[6, 0] = vm.sum4(b)


def test_vector_intrinsics():
    A3 = np.arange(2 * 3 * 8, dtype=float).reshape(2, 3, 8)
    eps = 2.0**-30
    A1 = np.array([0.0, 0.0, 1e16, 1.0, -1e16, 1.0, 0.0])
    out = np.zeros((7, 4))
    _vector_ops(A3, A1, 2.5, out)
    a, b = A3[1, 2, 3:7], A1[2:6]
    np.testing.assert_array_equal(out[0], a)
    np.testing.assert_array_equal(out[1], b)
    np.testing.assert_array_equal(out[2], 2.5)
    np.testing.assert_array_equal(out[3], a + b)
    np.testing.assert_array_equal(out[4], a * b)
    np.testing.assert_array_equal(out[5], a * b - 1.0)  # exact here
    assert out[6, 0] == 1.0  # ((1e16 + 1) - 1e16) + 1: the order, not 0 or 2
    # fma4 rounds once: (1 + eps)(1 - eps) - 1 = -eps^2 exactly, where mul + add gives 0
    one = np.array([1 + eps, 1 + eps, 1 + eps, 1 + eps, 0, 0, 0, 0], dtype=float)
    A3 = np.zeros((2, 3, 8))
    A3[1, 2, 3:7] = one[:4]
    A1 = np.array([0.0, 0.0] + [1 - eps] * 4 + [0.0])
    _vector_ops(A3, A1, 0.0, out)
    np.testing.assert_array_equal(out[5], -(eps**2))
    np.testing.assert_array_equal(out[4] - 1.0, 0.0)


KINDS = {
    0: hsr.grad_trace_hessian,
    1: hsr.grad_trace_hessian_squared,
    2: hsr.grad_ws_upper_bound,
}


def _kernel(net, theta, X, y, kind, threads=1):
    theta = np.atleast_2d(theta)
    out = np.empty_like(theta)
    Xt = np.ascontiguousarray(np.c_[np.ones(X.shape[0]), X])
    code = kernels.ACT_CODES[net.activation]
    cv.gradients_kernel(theta, Xt, y.astype(float), net.d_hidden, code, kind, threads, out)
    return out


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_tile_remainder_matches_numpy(kind, activation):
    """N from 1 to 19 (sample chunks of 8 and 4, and the last N mod 4 samples one by one) and
    n = 5, 9, 13, 21 (row tiles of 4 and 2, column tiles of 4, and their remainders)."""
    for d_hidden in (1, 2, 3, 5):
        for N in range(1, 20, 3):
            net, theta, X, y = make_problem(2, d_hidden, N, activation, seed=N, batch=2)
            ref = KINDS[kind](net, theta, X, y, engine="numpy")
            got = _kernel(net, theta, X, y, kind)
            for b in range(2):
                assert_rel(got[b], ref[b], 1e-12)


def test_each_network_gets_the_same_bits_anywhere():
    net, theta, X, y = make_problem(3, 4, 23, "tanh", batch=9)
    whole = _kernel(net, theta, X, y, 2)
    for threads in (2, 3, 9):
        np.testing.assert_array_equal(_kernel(net, theta, X, y, 2, threads), whole)
    rev = np.arange(9)[::-1]
    np.testing.assert_array_equal(_kernel(net, theta[rev], X, y, 2), whole[rev])
    for b in range(9):  # alone: a fresh workspace, where the batch reused one
        np.testing.assert_array_equal(_kernel(net, theta[b], X, y, 2)[0], whole[b])
