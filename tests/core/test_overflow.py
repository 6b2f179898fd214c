"""Parameters so large that products overflow: nothing silently wrong (issue 20).

First-layer weights from 1e150 to 1e300 put the pre-activations u far beyond the float range
of u^2 (about 1.3e154) and, for the unbounded activations, the hidden outputs a and their
squares beyond it too. Then (1) every activation's derivatives stay finite, (2) the
closed-form Hessian stays finite and equal to the JAX autodiff one (the GELU Hessian was NaN:
(2 - u^2) phi(u) gave inf * 0), and (3) every norm bound is above the exact value or inf,
never NaN and never a finite number below it (lambda_upper was 0, a NaN turned into 0).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ACTIVATIONS, make_problem

import hsr
from hsr.core.activations import evaluate
from hsr.core.bounds import moments
from hsr.core.norm_bounds import NormBounds, ws_from_trace_bounds

SCALES = [1e150, 1e200, 1e250, 1e300]
SIZE = (2, 3, 9)  # d_in, d_hidden, N
HUGE_U = np.array([41.0, 1e10, 1e103, 1e155, 1e200, 1e300, np.finfo(float).max])
TRACE_BOUNDS = ["trace_thm3", "trace_thm4", "trace_prop5", "trace_upper"]
TRACE2_BOUNDS = [
    "trace_squared_weighted",
    "trace_squared_thm6",
    "trace_squared_prop6",
    "trace_squared_prop7",
    "trace_squared_upper",
]
LAMBDA_BOUNDS = ["lambda_upper", "lambda_thm7"]


def huge_first_layer(activation, scale, batch=None):
    """The conftest problem with the first-layer weights W1 (theta1) multiplied by ``scale``."""
    net, theta, X, y = make_problem(*SIZE, activation, seed=0, batch=batch)
    theta = theta.copy()
    theta[..., : net.n1] *= scale
    return net, theta, X, y


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_derivatives_are_finite_at_every_finite_preactivation(activation):
    u = np.concatenate([-HUGE_U, HUGE_U])
    for k, f in enumerate(evaluate(activation, u)):  # f and its three derivatives
        assert np.all(np.isfinite(f)), (activation, k)
    if activation == "gelu":  # the density is exactly 0 beyond |u| = 38.6: the limits
        _, f1, f2, f3 = evaluate("gelu", u)
        np.testing.assert_array_equal(f1, np.r_[np.zeros(HUGE_U.size), np.ones(HUGE_U.size)])
        np.testing.assert_array_equal(f2, 0.0)
        np.testing.assert_array_equal(f3, 0.0)


def test_gelu_derivatives_unchanged_where_they_were_finite():
    """The clip at |u| = 40 changes no number: below it the formulas are the same."""
    u = np.linspace(-40.0, 40.0, 8001)
    phi = (1.0 / np.sqrt(2.0 * np.pi)) * np.exp(-0.5 * u * u)  # as the module writes it
    _, f1, f2, f3 = evaluate("gelu", u)
    np.testing.assert_array_equal(f2, (2.0 - u * u) * phi)
    np.testing.assert_array_equal(f3, (u * u * u - 4.0 * u) * phi)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("scale", SCALES)
def test_hessian_finite_and_equal_to_autodiff(oracle, activation, scale):
    net, theta, X, y = huge_first_layer(activation, scale)
    assert np.abs(net.forward(theta, X, y).U).max() > 1e-3 * scale
    expected = np.asarray(oracle(*SIZE, activation, 0)("hessian", theta))
    assert np.all(np.isfinite(expected)), "autodiff itself is not finite here"
    H = hsr.hessian(net, theta, X, y)
    assert np.all(np.isfinite(H))
    err = np.max(np.abs(H - expected))
    assert err <= 1e-10 * max(np.max(np.abs(expected)), 1.0), err
    lam = hsr.hessian_spectrum(net, theta, X, y)
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(expected), rtol=0, atol=1e-10)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("scale", SCALES)
def test_norm_bounds_are_above_the_exact_values_or_infinite(oracle, activation, scale):
    net, theta, X, y = huge_first_layer(activation, scale)
    H = np.asarray(oracle(*SIZE, activation, 0)("hessian", theta))
    lam = np.linalg.eigvalsh(H)
    n = net.n_params
    tr, tr2 = float(np.trace(H)), float(np.sum(H * H))
    m, s = moments(n, tr, tr2)
    ws_exact = float(m + s * np.sqrt(n - 1.0))
    nb = hsr.norm_bounds(net, theta, X, y)
    sc = max(np.abs(lam).max(), 1e-300)

    def check(name, exact, tol):
        b = float(getattr(nb, name))
        assert not np.isnan(b), f"{name} is NaN"
        assert b == np.inf or b >= exact - tol, f"{name} = {b!r} below the exact {exact!r}"

    for name in TRACE_BOUNDS:
        check(name, tr, 1e-10 * n * sc)
    for name in TRACE2_BOUNDS:
        check(name, tr2, 1e-10 * n * sc * sc)
    for name in LAMBDA_BOUNDS:
        check(name, lam[-1], 1e-10 * sc)
        check(name, ws_exact, 1e-10 * sc)
    for name in ("gauss_newton_norm", "curvature_norm", "rate_constant", "hidden_gram_norm"):
        assert not np.isnan(getattr(nb, name)), name


def test_overflow_gives_infinite_bounds_not_zero():
    """The reported case: a linear network whose first-layer weights overflow |a|^2. The
    bound on lambda_max used to come out 0 (below lambda_max); it is inf now."""
    net, theta, X, y = huge_first_layer("linear", 1e160)
    nb = hsr.norm_bounds(net, theta, X, y)
    assert hsr.hessian_spectrum(net, theta, X, y)[-1] > 0
    assert nb.lambda_upper == np.inf and nb.trace_squared_upper == np.inf
    # a batch: the huge network's bounds are inf, the ordinary network's stay finite
    net, batch, X, y = huge_first_layer("linear", 1.0, batch=2)
    batch[1, : net.n1] *= 1e160
    nb = hsr.norm_bounds(net, batch, X, y)
    assert np.isfinite(nb.lambda_upper[0]) and nb.lambda_upper[1] == np.inf
    assert isinstance(nb, NormBounds)


def test_ws_from_trace_bounds_never_turns_an_unknown_bound_into_zero():
    nan, inf = np.nan, np.inf
    out = ws_from_trace_bounds(5, np.array([1.0, nan, inf, 1.0, 0.0]), [nan, 2.0, 2.0, inf, 0.0])
    assert out[0] == inf and out[3] == inf  # |H|_F unknown or unbounded: no bound
    assert out[1] == pytest.approx(2.0) and out[2] == pytest.approx(2.0)  # tr H unknown: |H|_F
    assert out[4] == 0.0  # |H|_F <= 0: H = 0
