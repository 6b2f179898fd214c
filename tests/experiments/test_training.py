"""Training: each method's update rule, the schedule, stopping, histories, both engines."""

from __future__ import annotations

import numpy as np
import pytest

import hsr
from hsr.experiments.training import METHODS, TrainConfig, bias_mask, train

ENGINES = ["numpy", "numba"]
NET = hsr.Net(2, 3, "sigmoid")
RNG = np.random.default_rng(7)
X = np.r_[RNG.normal(-1, 1.4, (15, 2)), RNG.normal(1, 1.4, (15, 2))]
Y = np.r_[np.zeros(15), np.ones(15)]
THETA = RNG.uniform(-3, 3, (4, NET.n_params))


def one_step(method, engine, theta=THETA, **kw):
    return train(NET, theta, X, Y, method=method, engine=engine, max_iter=1, tol=1e-12, **kw)


@pytest.mark.parametrize("engine", ENGINES)
def test_baseline_step_is_plain_gd(engine):
    res = one_step("baseline", engine, lr=0.3)
    expected = THETA - 0.3 * hsr.grad_loss(NET, THETA, X, Y)
    np.testing.assert_allclose(res.theta, expected, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("engine", ENGINES)
def test_hsr_step_is_the_closed_form(engine):
    res = one_step("hsr", engine, lr=0.2, alpha=0.7, beta=0.05)
    d = 0.7 * hsr.grad_loss(NET, THETA, X, Y) + 0.05 * hsr.grad_ws_upper_bound(NET, THETA, X, Y)
    np.testing.assert_allclose(res.theta, THETA - 0.2 * d, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("engine", ENGINES)
def test_hessian_step_uses_the_exact_trace_gradient(engine):
    res = one_step("hessian", engine, lr=0.2, hessian_weight=0.01)
    d = hsr.grad_loss(NET, THETA, X, Y) + 0.01 * hsr.grad_trace_hessian(NET, THETA, X, Y)
    np.testing.assert_allclose(res.theta, THETA - 0.2 * d, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("engine", ENGINES)
def test_asam_step_by_hand(engine):
    """A-SAM on Net(1, 1, linear): theta = [b1, w1, b2, w2]; biases at 0 and 2.

    Computed here without the package: z = b2 + w2 (b1 + w1 x), dL/dz = p - y.
    """
    net = hsr.Net(1, 1, "linear")
    x = np.array([[0.5], [-1.0], [2.0]])
    y = np.array([1.0, 0.0, 1.0])
    theta = np.array([0.3, -0.8, 0.1, 1.5])
    rho, eta, lr = 0.1, 0.01, 0.5

    def grad(t):
        b1, w1, b2, w2 = t
        u = b1 + w1 * x[:, 0]
        p = 1.0 / (1.0 + np.exp(-(b2 + w2 * u)))
        e = p - y
        return np.array([np.mean(e * w2), np.mean(e * w2 * x[:, 0]), np.mean(e), np.mean(e * u)])

    g = grad(theta)
    T = np.array([1.0, abs(theta[1]) + eta, 1.0, abs(theta[3]) + eta])
    eps = rho * T**2 * g / np.linalg.norm(T * g)
    expected = theta - lr * grad(theta + eps)
    res = train(
        net,
        theta,
        x,
        y,
        method="asam",
        rho=rho,
        eta=eta,
        lr=lr,
        max_iter=1,
        tol=1e-12,
        engine=engine,
    )
    np.testing.assert_allclose(res.theta, expected, rtol=1e-13)
    np.testing.assert_array_equal(bias_mask(net), [True, False, True, False])


def test_bias_mask_layout():
    mask = bias_mask(NET)
    W1_mask, w2_mask = NET.unpack(mask.astype(float))
    np.testing.assert_array_equal(W1_mask[:, 0], 1.0)
    np.testing.assert_array_equal(W1_mask[:, 1:], 0.0)
    np.testing.assert_array_equal(w2_mask, [1.0, 0, 0, 0])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("method", ["hsr", "hessian", "asam"])
def test_schedule_switches_to_plain_gd(engine, method):
    """reg_iters = K: K regularized steps, then plain GD; reg_iters = 0 is the baseline."""
    kw = dict(lr=0.3, tol=1e-12, engine=engine)
    base = train(NET, THETA, X, Y, method="baseline", max_iter=30, **kw)
    zero = train(NET, THETA, X, Y, method=method, reg_iters=0, max_iter=30, **kw)
    np.testing.assert_array_equal(zero.theta, base.theta)
    two = train(NET, THETA, X, Y, method=method, reg_iters=10, max_iter=30, **kw)
    first = train(NET, THETA, X, Y, method=method, max_iter=10, **kw)
    rest = train(NET, first.theta, X, Y, method="baseline", max_iter=20, **kw)
    np.testing.assert_allclose(two.theta, rest.theta, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("engine", ENGINES)
def test_each_network_stops_on_its_own(engine):
    res = train(NET, THETA, X, Y, lr=2.0, max_iter=4000, tol=1e-2, engine=engine)
    assert res.converged.any()
    for b in range(THETA.shape[0]):
        single = train(NET, THETA[b], X, Y, lr=2.0, max_iter=4000, tol=1e-2, engine=engine)
        assert single.n_iter == res.n_iter[b] and single.converged == res.converged[b]
        np.testing.assert_array_equal(single.theta, res.theta[b])
        # converged means the papers' test holds at the returned point
        g = np.linalg.norm(hsr.grad_loss(NET, res.theta[b], X, Y))
        assert (g < 1e-2 * res.grad_norm0[b]) == res.converged[b]
        np.testing.assert_allclose(res.grad_norm[b], g, rtol=1e-10)
    # stopped at the first iteration the test passed: one step earlier it did not
    b = int(np.argmin(np.where(res.converged, res.n_iter, 10**9)))
    prev = train(
        NET, THETA[b], X, Y, lr=2.0, max_iter=int(res.n_iter[b]) - 1, tol=1e-2, engine=engine
    )
    assert not prev.converged


@pytest.mark.parametrize("method", METHODS)
def test_engines_agree_on_whole_runs(method):
    """Numba against the numpy reference, in a non-chaotic regime (small lr)."""
    kw = dict(method=method, lr=0.2, max_iter=300, tol=1e-12, reg_iters=200, beta=0.05)
    a = train(NET, THETA, X, Y, engine="numpy", trace_method="assembled", **kw)
    b = train(NET, THETA, X, Y, engine="numba", **kw)
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-9, atol=1e-11)
    np.testing.assert_array_equal(a.n_iter, b.n_iter)


@pytest.mark.parametrize("activation", ["linear", "tanh", "softplus", "gelu"])
@pytest.mark.parametrize("method", ["hsr", "asam"])
def test_engines_agree_for_every_activation(activation, method):
    net = hsr.Net(2, 3, activation)
    th = np.random.default_rng(1).uniform(-1, 1, (3, net.n_params))
    kw = dict(method=method, lr=0.1, max_iter=50, tol=1e-12, beta=0.05)
    a = train(net, th, X, Y, engine="numpy", **kw)
    b = train(net, th, X, Y, engine="numba", **kw)
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_history(engine):
    rec = ("loss", "grad_norm", "ws_upper", "ws_lower", "lambda_max", "lambda_min", "spectrum")
    res = train(
        NET,
        THETA,
        X,
        Y,
        lr=0.5,
        max_iter=95,
        tol=1e-12,
        record_every=10,
        record=rec,
        engine=engine,
        method="hsr",
        beta=0.05,
    )
    h = res.history
    np.testing.assert_array_equal(h["iterations"], list(range(0, 100, 10)) + [95])
    T = h["iterations"].size
    assert h["loss"].shape == (T, 4) and h["spectrum"].shape == (T, 4, NET.n_params)
    np.testing.assert_allclose(h["loss"][0], hsr.loss(NET, THETA, X, Y), rtol=1e-14)
    np.testing.assert_allclose(h["loss"][-1], hsr.loss(NET, res.theta, X, Y), rtol=1e-14)
    np.testing.assert_allclose(h["ws_upper"][-1], hsr.ws_upper_bound(NET, res.theta, X, Y))
    np.testing.assert_allclose(h["lambda_max"], h["spectrum"][..., -1])
    assert np.all(h["lambda_max"] <= h["ws_upper"] * (1 + 1e-9))
    assert np.all(h["ws_lower"] <= h["lambda_min"] + 1e-12)
    mid = train(
        NET, THETA, X, Y, lr=0.5, max_iter=40, tol=1e-12, engine=engine, method="hsr", beta=0.05
    )
    np.testing.assert_allclose(h["theta"][4], mid.theta, rtol=1e-13)


def test_history_of_a_stopped_network_keeps_its_final_value():
    res = train(
        NET, THETA, X, Y, lr=2.0, max_iter=3000, tol=1e-2, record_every=100, record=("loss",)
    )
    b = int(np.argmax(res.converged))
    assert res.converged[b]
    after = res.history["iterations"] >= res.n_iter[b]
    np.testing.assert_allclose(res.history["loss"][after, b], hsr.loss(NET, res.theta[b], X, Y))


def test_hutchinson_estimator_averages_to_the_exact_direction():
    exact = one_step("hessian", "numpy", lr=1.0, hessian_weight=1.0)
    est = one_step(
        "hessian",
        "numpy",
        lr=1.0,
        hessian_weight=1.0,
        trace_estimator="hutchinson",
        hutchinson_probes=4000,
        seed=3,
    )
    step_exact, step_est = THETA - exact.theta, THETA - est.theta
    rel = np.linalg.norm(step_est - step_exact) / np.linalg.norm(step_exact)
    assert rel < 0.1
    again = one_step(
        "hessian",
        "numpy",
        lr=1.0,
        hessian_weight=1.0,
        trace_estimator="hutchinson",
        hutchinson_probes=4000,
        seed=3,
    )
    np.testing.assert_array_equal(again.theta, est.theta)


BAD_CONFIGS = [
    ({"lr": 0.0}, "lr must be"),
    ({"lr": -1.0}, "lr must be"),
    ({"max_iter": 0}, "max_iter must be"),
    ({"max_iter": 2.5}, "max_iter must be"),
    ({"method": "sam"}, "method must be one of"),
    ({"method": "hsr", "alpha": 0.0, "beta": 0.0}, "alpha and beta are both 0"),
    ({"beta": -0.1}, "beta must be"),
    ({"tol": 0}, "tol must be"),
    ({"record": ("loss", "hessian")}, "record must name"),
    ({"record_every": -1}, "record_every must be"),
    ({"engine": "torch"}, "engine must be one of"),
    ({"engine": "numba", "trace_estimator": "hutchinson"}, "no Hutchinson"),
    ({"trace_estimator": "exactly"}, "trace_estimator must be"),
    ({"method": "asam", "rho": 0.0}, "rho must be > 0"),
]


@pytest.mark.parametrize("kw, match", BAD_CONFIGS, ids=lambda v: str(v))
def test_bad_settings(kw, match):
    with pytest.raises(ValueError, match=match):
        TrainConfig(**kw)
    with pytest.raises(ValueError, match=match):
        train(NET, THETA, X, Y, **kw)


def test_bad_theta_and_config_type():
    with pytest.raises(ValueError, match="theta must have shape"):
        train(NET, THETA[:, :5], X, Y)
    with pytest.raises(ValueError, match="config must be a TrainConfig"):
        train(NET, THETA, X, Y, config={"lr": 1.0})


@pytest.mark.parametrize("method", ["hsr", "hessian", "asam"])
def test_a_non_finite_update_stops_the_network_where_it_is(method):
    """An overflowing regularized step: flagged diverged, stopped at its last finite point,
    never counted as converged; both engines agree. (Plain GD cannot overflow this way:
    the cross-entropy gradient is bounded.)"""
    kw = dict(method=method, lr=1e308, max_iter=50, hessian_weight=1e300, beta=1e300)
    a = train(NET, THETA, X, Y, engine="numpy", **kw)
    b = train(NET, THETA, X, Y, engine="numba", **kw)
    for res in (a, b):
        assert res.diverged.all() and not res.converged.any()
        assert np.all(np.isfinite(res.theta))
    np.testing.assert_array_equal(a.n_iter, b.n_iter)
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-12)
    if method != "asam":  # the very first step overflows: nothing moved
        np.testing.assert_array_equal(a.n_iter, 0)
        np.testing.assert_array_equal(a.theta, THETA)
    ok = train(NET, THETA, X, Y, method=method, lr=0.1, max_iter=5)
    assert not ok.diverged.any()
