"""Numerics: huge pre-activations and logits stay finite and warning-free; s = 0 is handled.

pyproject.toml turns every RuntimeWarning (overflow, invalid value, divide by zero) into an
error, so each call below also checks that no such warning is raised.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ACTIVATIONS, make_problem

import hsr

EVERYTHING = [
    hsr.loss,
    hsr.grad_loss,
    hsr.hessian,
    hsr.hessian_spectrum,
    hsr.trace_hessian,
    hsr.trace_hessian_squared,
    hsr.ws_upper_bound,
    hsr.ws_lower_bound,
    hsr.grad_trace_hessian,
    hsr.grad_trace_hessian_squared,
    hsr.grad_ws_upper_bound,
    hsr.ws_gradient_per_sample,
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("scale", [30.0, 300.0])
def test_huge_preactivations_and_logits_are_finite(activation, scale):
    net, theta, X, y = make_problem(2, 3, 8, activation, seed=1, batch=2, scale=scale)
    fw = net.forward(theta, X, y)
    assert np.abs(fw.U).max() > scale / 3 and np.abs(fw.z).max() > 10
    for fn in EVERYTHING:
        out = fn(net, theta, X, y)
        assert np.all(np.isfinite(out)), fn.__name__
    b = hsr.ws_bounds(net, theta, X, y)
    assert all(np.all(np.isfinite(v)) for v in vars(b).values())


def test_loss_exact_for_large_logits():
    # one sample, linear net: z = b2; l = softplus(-z) for y = 1, softplus(z) for y = 0
    net = hsr.Net(1, 1, "linear")
    X = np.array([[0.0]])
    for z in [-800.0, -40.0, 40.0, 800.0]:
        theta = np.array([0.0, 0.0, z, 0.0])
        assert hsr.loss(net, theta, X, [1]) == pytest.approx(np.logaddexp(0, -z), rel=1e-15)
        assert hsr.loss(net, theta, X, [0]) == pytest.approx(np.logaddexp(0, z), rel=1e-15)


def test_zero_spread_gives_mean_gradient_not_nan():
    """All samples confidently right: H = 0, s = 0, the bound is not differentiable.

    The documented choice: grad s = 0, so grad lambda_WS = grad m (here also 0).
    """
    net = hsr.Net(2, 3, "sigmoid")
    rng = np.random.default_rng(0)
    W1 = rng.normal(size=(3, 3))
    w2 = np.array([800.0, 0.1, -0.2, 0.3])
    theta = net.pack(W1, w2)
    X, y = rng.normal(size=(6, 2)), np.ones(6)
    b = hsr.ws_bounds(net, theta, X, y)
    assert b.s == 0.0 and b.m == 0.0
    t = hsr.ws_gradient_terms(net, theta, X, y)
    assert np.all(np.isfinite(t.total))
    np.testing.assert_array_equal(t.spread_term, 0.0)
    np.testing.assert_array_equal(t.total, t.mean_term)
    per = hsr.ws_gradient_per_sample(net, theta, X, y)
    assert np.all(np.isfinite(per))


def test_round_off_variance_is_clamped():
    from hsr.core.bounds import moments

    m, s = moments(4, np.array([4.0]), np.array([4.0 * (1 - 1e-16)]))
    assert m[0] == 1.0 and s[0] == 0.0
    m, s = moments(4, np.array([4.0]), np.array([4.4]))
    assert s[0] == pytest.approx(np.sqrt(0.1))


def test_impossible_traces_raise_instead_of_clamping():
    """tr(H^2) < tr(H)^2 / n belongs to no real symmetric matrix: beyond round-off it is an
    error naming the inputs, not a silent s = 0 (the clamp used to hide it)."""
    from hsr.core.bounds import VAR_RTOL, moments

    with pytest.raises(ValueError, match=r"n = 4\): got tr = 4.0, tr2 = 2.0.* of -0.5"):
        moments(4, 4.0, 2.0)
    with pytest.raises(ValueError, match=r"entry 1 of 2"):
        moments(4, np.array([4.0, 4.0]), np.array([4.4, 3.9]))
    # at the edge: within VAR_RTOL of zero is round-off (s = 0), twice that is not
    tol = VAR_RTOL * 1.0  # max(tr2/n, m^2) = 1 here
    m, s = moments(4, np.array([4.0]), np.array([4.0 * (1.0 - 0.5 * tol)]))
    assert m[0] == 1.0 and s[0] == 0.0
    with pytest.raises(ValueError, match="tr2 must be at least"):
        moments(4, np.array([4.0]), np.array([4.0 * (1.0 - 2.0 * tol)]))
