"""Closed forms against central finite differences, and the numerical module itself."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ACTIVATIONS, make_problem

import hsr


def _fd_check(closed, fd, rtol):
    err = np.max(np.abs(closed - fd))
    assert err <= rtol * max(np.max(np.abs(closed)), 1e-8), err / np.max(np.abs(closed))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_against_finite_differences(activation):
    net, theta, X, y = make_problem(2, 3, 9, activation, seed=3)
    # central FD: truncation O(eps^2) ~ 1e-12 plus round-off O(1e-16/eps) ~ 1e-10 relative
    for closed_fn, scalar_fn in [
        (hsr.grad_loss, hsr.loss),
        (hsr.grad_trace_hessian, hsr.trace_hessian),
        (hsr.grad_trace_hessian_squared, hsr.trace_hessian_squared),
        (hsr.grad_ws_upper_bound, hsr.ws_upper_bound),
    ]:
        fd = hsr.numerical_gradient(
            lambda t, f=scalar_fn: f(net, t, X, y), theta, eps=1e-6, vectorized=True
        )
        _fd_check(closed_fn(net, theta, X, y), fd, rtol=1e-7)  # the default engine
        if closed_fn is not hsr.grad_loss:  # and the numpy reference
            _fd_check(closed_fn(net, theta, X, y, engine="numpy"), fd, rtol=1e-7)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_hessian_and_traces_against_finite_differences(activation):
    net, theta, X, y = make_problem(2, 3, 9, activation, seed=4)
    H = hsr.hessian(net, theta, X, y)
    Hn = hsr.numerical_loss_hessian(net, theta, X, y, eps=1e-4)
    # second-order FD: truncation O(eps^2) ~ 1e-8, round-off O(1e-16/eps^2) ~ 1e-8
    _fd_check(H, Hn, rtol=1e-6)
    tr, tr2 = hsr.numerical_traces(Hn)
    assert tr == pytest.approx(hsr.trace_hessian(net, theta, X, y), rel=1e-6)
    assert tr2 == pytest.approx(hsr.trace_hessian_squared(net, theta, X, y), rel=1e-6)
    fd = hsr.numerical_grad_ws_upper_bound(net, theta, X, y)
    _fd_check(hsr.grad_ws_upper_bound(net, theta, X, y), fd, rtol=1e-7)


def test_numerical_gradient_vectorized_equals_loop():
    def f(t):
        return np.sin(t).sum(axis=-1) * np.cos(t[..., 0])

    t = np.array([0.3, -1.2, 2.0])
    a = hsr.numerical_gradient(f, t, vectorized=True)
    b = hsr.numerical_gradient(f, t, vectorized=False)
    np.testing.assert_array_equal(a, b)
    exact = np.cos(t) * np.cos(t[0])
    exact[0] -= np.sin(t).sum() * np.sin(t[0])
    np.testing.assert_allclose(a, exact, rtol=1e-8)


def test_numerical_hessian_of_quadratic_is_exact():
    A = np.array([[2.0, 0.5], [0.5, -1.0]])
    H = hsr.numerical_hessian(lambda t: 0.5 * t @ A @ t, np.array([0.7, 0.1]), eps=1e-3)
    np.testing.assert_allclose(H, A, atol=1e-9)


@pytest.mark.parametrize("eps", [0.0, -1e-3, float("nan"), "x"])
def test_numerical_bad_eps(eps):
    with pytest.raises(ValueError, match="eps"):
        hsr.numerical_gradient(lambda t: t.sum(), np.ones(2), eps=eps)


def test_numerical_bad_theta_and_matrix():
    with pytest.raises(ValueError, match="theta"):
        hsr.numerical_gradient(lambda t: t.sum(), np.ones((2, 2)))
    with pytest.raises(ValueError, match="theta"):
        hsr.numerical_hessian(lambda t: t.sum(), np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="H must be a square"):
        hsr.numerical_traces(np.ones((2, 3)))
