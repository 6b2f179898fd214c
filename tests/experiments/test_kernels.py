"""The numba kernels against the library: their activation and method codes name the same
things, and every update direction equals the numpy reference (``training._Stepper``)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ACTIVATIONS, make_problem

from hsr.core.activations import ACTIVATIONS as LIBRARY_ACTIVATIONS
from hsr.core.activations import evaluate
from hsr.experiments import kernels
from hsr.experiments.methods import METHOD_CODES, METHODS
from hsr.experiments.training import TrainConfig, _grad_loss, _Stepper, bias_mask

pytestmark = pytest.mark.skipif(not kernels.HAVE_NUMBA, reason="numba is not installed")


def test_codes_cover_the_library_names():
    assert set(kernels.ACT_CODES) == set(LIBRARY_ACTIVATIONS)
    assert len(set(kernels.ACT_CODES.values())) == len(kernels.ACT_CODES)
    assert kernels.METHOD_CODES is METHOD_CODES
    assert sorted(METHOD_CODES) == sorted(METHODS)
    assert sorted(METHOD_CODES.values()) == list(range(len(METHODS)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_code_computes_the_named_activation(activation):
    """The kernel's ``_act(code, u)`` is the library's activation with that name: f, f', f'',
    f''' at points across the range, saturation included."""
    u = np.concatenate([np.linspace(-40.0, 40.0, 161), [-1e-3, 0.0, 1e-3, 0.5, 2.0]])
    code = kernels.ACT_CODES[activation]
    got = np.array([kernels._act(code, float(x)) for x in u])  # (len(u), 4)
    want = np.stack(evaluate(activation, u), axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def _numpy_direction(net, theta, X, y, method):
    cfg = TrainConfig(
        method=method, alpha=0.7, beta=1.3, hessian_weight=0.05, trace_method="assembled"
    )
    stepper = _Stepper(net, X, y, cfg, np.random.default_rng(0))
    fw = stepper.forward(theta)
    g = _grad_loss(fw)
    return g, stepper.direction(theta, fw, g, regularize=True)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("method", METHODS)
def test_directions_kernel_matches_numpy(activation, method):
    net, theta, X, y = make_problem(2, 3, 9, activation, seed=3, batch=4)
    g_ref, d_ref = _numpy_direction(net, theta, X, y, method)
    Xt = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
    G, D = np.empty_like(theta), np.empty_like(theta)
    kernels.directions_kernel(
        theta.copy(),
        Xt,
        y.astype(float),
        net.d_hidden,
        kernels.ACT_CODES[activation],
        METHOD_CODES[method],
        0.7,
        1.3,
        0.05,
        TrainConfig().rho,
        TrainConfig().eta,
        bias_mask(net),
        G,
        D,
    )
    np.testing.assert_allclose(G, g_ref, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(D, d_ref, rtol=1e-9, atol=1e-12)
