"""The numba kernels' activations at pre-activations beyond the float range of u^2 (issue 20):
finite and equal to the library's (the GELU f'' and f''' were NaN, inf * 0, as in numpy).

Both kernel paths that evaluate f, f', f'', f''': the per-network ``_act(code, u)`` and the
lane loops' ``vecmath.activations``.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ACTIVATIONS

from hsr.core.activations import evaluate
from hsr.experiments import kernels

pytestmark = pytest.mark.skipif(not kernels.HAVE_NUMBA, reason="numba is not installed")

BIG = np.array([41.0, 1e10, 1e103, 1e155, 1e200, 1e300, np.finfo(float).max])
U = np.concatenate([-BIG[::-1], [-1.0, 0.0, 0.5], BIG])


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_act_is_finite_and_the_library_one_at_huge_u(activation):
    code = kernels.ACT_CODES[activation]
    got = np.array([kernels._act(code, float(x)) for x in U])  # (len(U), 4)
    want = np.stack(evaluate(activation, U), axis=1)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_lane_activations_are_finite_and_the_library_one_at_huge_u(activation):
    code = kernels.ACT_CODES[activation]
    nw = U.size
    A, F1, F2, F3 = (np.full((1, nw), np.nan) for _ in range(4))
    from hsr.experiments.kernels.vecmath import activations

    activations(nw, code, U.copy(), 0, A, F1, F2, F3, 3)
    got = np.stack([A[0], F1[0], F2[0], F3[0]], axis=1)
    want = np.stack(evaluate(activation, U), axis=1)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
