"""Property tests (hypothesis) on random networks, data and scales."""

from __future__ import annotations

import numpy as np
from conftest import ACTIVATIONS
from hypothesis import given, settings
from hypothesis import strategies as st

import hsr

problems = st.builds(
    lambda d, h, N, act, seed, scale: (d, h, N, act, seed, scale),
    st.integers(1, 3),
    st.integers(1, 4),
    st.integers(1, 10),
    st.sampled_from(ACTIVATIONS),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.1, 1.0, 3.0]),
)


def build(d, h, N, act, seed, scale, batch=None):
    rng = np.random.default_rng(seed)
    net = hsr.Net(d, h, act)
    X = rng.normal(size=(N, d)) * 2.0
    y = rng.integers(0, 2, N)
    shape = (net.n_params,) if batch is None else (batch, net.n_params)
    return net, scale * rng.normal(size=shape), X, y


@settings(max_examples=150, deadline=None)
@given(problems)
def test_eigenvalues_inside_ws_intervals(p):
    net, theta, X, y = build(*p, batch=2)
    lam = hsr.hessian_spectrum(net, theta, X, y)
    b = hsr.ws_bounds(net, theta, X, y)
    tol = 1e-9 * np.maximum(np.abs(lam).max(axis=1), 1e-300) + 1e-300
    assert np.all(b.lambda_max_lower - tol <= lam[:, -1])
    assert np.all(lam[:, -1] <= b.upper + tol)
    assert np.all(b.lower - tol <= lam[:, 0])
    assert np.all(lam[:, 0] <= b.lambda_min_upper + tol)
    # the mean is that of the spectrum itself; eigvalsh is accurate to ~eps * |H|, so the
    # comparison is absolute on the scale of the largest eigenvalue magnitude
    scale = np.abs(lam).max(axis=1)
    assert np.all(np.abs(b.m - lam.mean(axis=1)) <= 1e-12 * scale + 1e-300)


@settings(max_examples=150, deadline=None)
@given(problems)
def test_pairwise_and_assembled_agree(p):
    net, theta, X, y = build(*p, batch=2)
    a = hsr.trace_hessian_squared(net, theta, X, y, method="pairwise")
    b = hsr.trace_hessian_squared(net, theta, X, y, method="assembled")
    c = hsr.trace_hessian_squared(net, theta, X, y, method="auto")
    np.testing.assert_allclose(a, b, rtol=1e-10)
    assert np.array_equal(c, a) or np.array_equal(c, b)
    ga = hsr.grad_trace_hessian_squared(net, theta, X, y, method="pairwise")
    gb = hsr.grad_trace_hessian_squared(net, theta, X, y, method="assembled")
    np.testing.assert_allclose(ga, gb, rtol=1e-9, atol=1e-10 * np.abs(gb).max())


@settings(max_examples=100, deadline=None)
@given(problems)
def test_hessian_symmetric_and_trace_consistent(p):
    net, theta, X, y = build(*p)
    H = hsr.hessian(net, theta, X, y)
    assert np.array_equal(H, H.T)
    scale = max(np.abs(H).max(), 1e-300)
    assert abs(np.trace(H) - hsr.trace_hessian(net, theta, X, y)) <= 1e-12 * scale * H.shape[0]


@settings(max_examples=60, deadline=None)
@given(problems)
def test_per_sample_contributions_sum_to_gradient(p):
    net, theta, X, y = build(*p)
    per = hsr.ws_gradient_per_sample(net, theta, X, y)
    assert per.shape == (X.shape[0], net.n_params)
    total = hsr.grad_ws_upper_bound(net, theta, X, y)
    np.testing.assert_allclose(per.sum(axis=0), total, rtol=1e-9, atol=1e-12 * np.abs(total).max())


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(ACTIVATIONS), st.integers(0, 2**32 - 1))
def test_sample_contribution_vanishes_as_its_error_vanishes(act, seed):
    """HSR Proposition 1: as e_0 -> 0, sample 0 stops steering grad lambda_WS.

    Sample 0 (label 1) is pushed along the all-ones input direction; first-layer weights
    and output weights are positive, so z_0 grows without bound (or, for the saturating
    activations, towards sum(wb) = 60) and e_0 -> 0. The other samples are untouched.
    """
    rng = np.random.default_rng(seed)
    d, h, N = 2, 3, 6
    net = hsr.Net(d, h, act)
    W1 = np.abs(rng.normal(size=(h, d + 1))) + 0.5
    W1[:, 0] = 0.0
    w2 = np.concatenate([[-1.0], np.full(h, 20.0)])
    theta = net.pack(W1, w2)
    X = rng.normal(size=(N, d))
    y = rng.integers(0, 2, N)
    y[0] = 1
    norms, errors = [], []
    for t in [0.0, 2.0, 8.0, 32.0, 128.0]:
        Xt = X.copy()
        Xt[0] = t
        fw = net.forward(theta, Xt, y)
        errors.append(abs(fw.e[0, 0]))
        norms.append(np.linalg.norm(hsr.ws_gradient_per_sample(net, theta, Xt, y)[0]))
    assert errors[-1] < 1e-20
    assert norms[-1] <= 1e-12 * max(norms[0], 1e-300) or norms[-1] < 1e-15
