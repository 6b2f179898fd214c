"""stepsize: the per-activation learning-rate rule and the stationarity at stopping points."""

from __future__ import annotations

import numpy as np
import pytest

import hsr
from hsr.core.norm_bounds import CONSTANTS
from hsr.experiments.stepsize import (
    LR_RULES,
    REFERENCE_ACTIVATION,
    activation_learning_rates,
    gradient_norm_summary,
    initial_curvature_bound,
    objective_curvature,
    stopping_gradient_norms,
    train_step_rule,
)

ALL = ["linear", "sigmoid", "tanh", "softplus", "gelu"]
BASE = hsr.SweepConfig(n_seeds=30, n_train=30, n_test=40, max_iter=400)


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HSR_CACHE_DIR", str(tmp_path / "cache"))


def test_every_rule_keeps_the_sigmoid_rate_and_gives_positive_rates():
    for rule in LR_RULES:
        rates = activation_learning_rates(ALL, BASE, rule)
        assert list(rates) == ALL
        assert rates[REFERENCE_ACTIVATION] == BASE.lr
        assert all(np.isfinite(v) and v > 0 for v in rates.values())


def test_fixed_and_sup_f1_rules_values():
    assert activation_learning_rates(ALL, BASE, "fixed") == {a: 4.0 for a in ALL}
    rates = activation_learning_rates(ALL, BASE, "sup_f1")
    for a in ("linear", "tanh", "softplus"):  # sup|f'| = 1 against the sigmoid's 1/4
        assert rates[a] == pytest.approx(4.0 / 16)
    # GELU: sup|f'| = Phi(sqrt 2) + sqrt 2 phi(sqrt 2) ~ 1.129
    assert CONSTANTS["gelu"].sup_f1 == pytest.approx(1.1289, abs=1e-4)
    assert rates["gelu"] == pytest.approx(4.0 * (0.25 / CONSTANTS["gelu"].sup_f1) ** 2)


def test_curvature_rule_is_the_ratio_of_median_bounds_and_scales_with_lr():
    rates = activation_learning_rates(ALL, BASE, "curvature")
    net = hsr.Net(2, 3, "sigmoid")
    theta0 = hsr.initial_parameters(net, range(BASE.n_seeds), BASE.init_low, BASE.init_high)
    data = BASE.dataset()

    def median_bound(a):  # straight from the core's Prop. 6 bound, square-rooted
        nb = hsr.norm_bounds(hsr.Net(2, 3, a), theta0, data.X_train, data.y_train)
        return np.median(np.sqrt(nb.trace_squared_prop6))

    for a in ALL:
        expected = BASE.lr * median_bound("sigmoid") / median_bound(a)
        assert rates[a] == pytest.approx(expected, rel=1e-12)
    # an unbounded activation's hidden outputs make its curvature, so its rate, the smallest
    assert rates["linear"] < rates["tanh"] < rates["sigmoid"]
    half = activation_learning_rates(ALL, hsr.SweepConfig(**{**BASE.to_dict(), "lr": 2.0}))
    assert all(half[a] == pytest.approx(rates[a] / 2, rel=1e-12) for a in ALL)


@pytest.mark.parametrize("activation", ALL)
def test_initial_curvature_bound_holds_and_ignores_the_outputs(activation):
    cfg = hsr.SweepConfig(**{**BASE.to_dict(), "n_seeds": 12, "activation": activation})
    L0 = initial_curvature_bound(cfg, chunk=5)  # chunks of 5, 5 and 2
    assert L0.shape == (12,) and np.all(np.isfinite(L0))
    net, data = cfg.net, cfg.dataset()
    theta0 = hsr.initial_parameters(net, range(12), cfg.init_low, cfg.init_high)
    spec = np.linalg.eigvalsh(hsr.hessian(net, theta0, data.X_train, data.y_train))
    assert np.all(np.abs(spec).max(axis=1) <= L0 * (1 + 1e-12))
    # the bound is uniform in the outputs: other labels, same bound
    flipped = hsr.norm_bounds(net, theta0, data.X_train, 1 - data.y_train)
    assert np.sqrt(flipped.trace_squared_prop6) == pytest.approx(L0, rel=1e-12)


def test_rule_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="activations must be a non-empty list"):
        activation_learning_rates(["tanh", "relu"], BASE)
    with pytest.raises(ValueError, match="activations must be a non-empty list"):
        activation_learning_rates([], BASE)
    with pytest.raises(ValueError, match="base must be an hsr.SweepConfig"):
        activation_learning_rates(ALL, {"lr": 4.0})
    with pytest.raises(ValueError, match="rule must be one of"):
        activation_learning_rates(ALL, BASE, "per-activation hunt")
    with pytest.raises(ValueError, match="cfg must be an hsr.SweepConfig"):
        initial_curvature_bound(BASE.to_dict())
    with pytest.raises(ValueError, match="chunk must be a positive integer"):
        initial_curvature_bound(BASE, chunk=0)
    assert activation_learning_rates("tanh", BASE, "sup_f1") == {"tanh": 0.25}


def test_stopping_gradient_norms_are_the_absolute_gradient_at_the_final_points():
    small = {"n_seeds": 12, "lr": 2.0, "max_iter": 1500, "tol": 2e-2, "init_low": -4.0}
    cfg = hsr.SweepConfig(**{**BASE.to_dict(), **small, "init_high": 4.0})
    sweep = hsr.run_sweep(cfg, quiet=True, executor=None)
    gn = stopping_gradient_norms(sweep)
    assert gn.shape == (12,)
    net, data = cfg.net, cfg.dataset()
    ref = np.linalg.norm(hsr.grad_loss(net, sweep.theta, data.X_train, data.y_train), axis=1)
    np.testing.assert_allclose(gn, ref, rtol=1e-12)
    # the sweep's relative test holds at the points it counted converged
    gn0 = np.linalg.norm(hsr.grad_loss(net, sweep.theta0, data.X_train, data.y_train), axis=1)
    np.testing.assert_allclose(stopping_gradient_norms(sweep, at="start"), gn0, rtol=1e-12)
    assert sweep.converged.any()
    assert np.all(gn[sweep.converged] < cfg.tol * gn0[sweep.converged] * (1 + 1e-9))
    with pytest.raises(ValueError, match="sweep must be an hsr.SweepResult"):
        stopping_gradient_norms(sweep.theta)
    with pytest.raises(ValueError, match="at must be one of"):
        stopping_gradient_norms(sweep, at="end")


def test_gradient_norm_summary():
    s = gradient_norm_summary([1e-7, 1e-5, 1e-3, 1e-1, np.nan])
    assert s["gn_median"] == pytest.approx(np.median([1e-7, 1e-5, 1e-3, 1e-1]))
    assert s["gn_p90"] == pytest.approx(np.quantile([1e-7, 1e-5, 1e-3, 1e-1], 0.9))
    assert s["frac_gn_below_0.0001"] == 0.5 and s["frac_gn_below_1e-06"] == 0.25
    empty = gradient_norm_summary([])
    assert set(empty) == set(s) and all(np.isnan(v) for v in empty.values())
    with pytest.raises(ValueError, match="gn must hold gradient norms"):
        gradient_norm_summary([-1.0])
    with pytest.raises(ValueError, match="levels must be positive"):
        gradient_norm_summary([1.0], levels=(0.0,))
    with pytest.raises(ValueError, match="levels must be positive"):
        gradient_norm_summary([1.0], levels=())


def test_stopping_gradient_norms_of_diverged_runs_are_nan_not_overflow():
    cfg = hsr.SweepConfig(
        **{**BASE.to_dict(), "n_seeds": 6, "activation": "linear", "max_iter": 1500}
    )
    sweep = hsr.run_sweep(cfg, quiet=True, executor=None)  # linear at lr 4: every run diverges
    assert sweep.diverged.all()
    with np.errstate(all="raise"):  # no floating-point warning escapes
        gn = stopping_gradient_norms(sweep)
    assert gn.shape == (6,) and np.all(np.isnan(gn) | (gn >= 0))


# ----- the step rule of HSR Fig. 7's alpha = 0 run ---------------------------------------------
def _small_problem(activation="sigmoid", seed=0):
    from conftest import make_problem

    return make_problem(2, 3, 9, activation, seed)


def test_objective_curvature_of_the_loss_is_lambda_max_of_the_exact_hessian():
    net, theta, X, y = _small_problem("tanh")
    L = objective_curvature(net, theta, X, y, alpha=1.0, beta=0.0)
    assert L == pytest.approx(np.linalg.eigvalsh(hsr.hessian(net, theta, X, y))[-1], rel=1e-6)
    batch = np.stack([theta, 0.5 * theta])
    Lb = objective_curvature(net, batch, X, y, alpha=1.0, beta=0.0)
    ref = np.linalg.eigvalsh(hsr.hessian(net, batch, X, y))[:, -1]
    assert Lb.shape == (2,) and Lb == pytest.approx(ref, rel=1e-6)


@pytest.mark.parametrize("activation", ["sigmoid", "gelu"])
def test_objective_curvature_of_lambda_ws_against_jax(activation):
    import jax
    import jax.numpy as jnp
    from oracle import Oracle

    net, theta, X, y = _small_problem(activation, seed=3)
    orc = Oracle(2, 3, activation, X, y)
    H = np.asarray(jax.hessian(lambda t: orc.ws_upper(t))(jnp.asarray(theta)))
    top = np.linalg.eigvalsh(0.5 * (H + H.T))[-1]
    assert objective_curvature(net, theta, X, y) == pytest.approx(top, rel=1e-5, abs=1e-8)
    # alpha L + beta lambda_WS: the Hessians add
    Hl = np.asarray(orc.hessian(jnp.asarray(theta)))
    top2 = np.linalg.eigvalsh(2.0 * Hl + (H + H.T))[-1]  # 2 H_L + 2 H_WS, symmetrised
    both = objective_curvature(net, theta, X, y, alpha=2.0, beta=2.0)
    assert both == pytest.approx(top2, rel=1e-5, abs=1e-8)


def test_train_step_rule_fixed_is_hsr_train_and_measures_the_curvature():
    net, theta, X, y = _small_problem()
    cfg = hsr.TrainConfig(
        method="hsr",
        alpha=0.0,
        beta=1.0,
        lr=0.5,
        max_iter=60,
        tol=1e-12,
        record_every=20,
        record=("ws_upper",),
    )
    r = train_step_rule(net, theta, X, y, cfg, "fixed")
    ref = hsr.train(net, theta, X, y, cfg)
    np.testing.assert_array_equal(r.theta, ref.theta)
    h = r.history
    assert np.all(h["step"] == 0.5) and h["curvature"].shape == h["iterations"].shape
    want = objective_curvature(net, h["theta"], X, y)
    np.testing.assert_allclose(h["curvature"], want, rtol=1e-12)


def test_train_step_rule_curvature_keeps_lr_t_times_L_t_at_c():
    net, theta, X, y = _small_problem(seed=1)
    cfg = hsr.TrainConfig(
        method="hsr",
        alpha=0.0,
        beta=1.0,
        lr=50.0,
        max_iter=80,
        tol=1e-12,
        record_every=1,
        record=("ws_upper", "lambda_max"),
    )
    r = train_step_rule(net, theta, X, y, cfg, "curvature", c=1.0)
    h = r.history
    st, L = h["step"][:-1], h["curvature"][:-1]
    assert st.size == 80 and np.all(st <= 50.0)
    pos = L > 0
    assert pos.any() and np.allclose(st[pos], np.minimum(50.0, 1.0 / L[pos]), rtol=1e-12)
    np.testing.assert_allclose(L, objective_curvature(net, h["theta"][:-1], X, y), rtol=1e-12)
    # each step is theta_{t+1} = theta_t - lr_t grad lambda_WS(theta_t)
    G = hsr.grad_ws_upper_bound(net, h["theta"][:-1], X, y)
    np.testing.assert_allclose(
        h["theta"][1:], h["theta"][:-1] - st[:, None] * G, rtol=1e-10, atol=1e-12
    )
    # with lr below c / L_t everywhere, the rule is plain gradient descent
    small = hsr.TrainConfig(**{**cfg.to_dict(), "lr": 1e-3, "record_every": 10})
    a = train_step_rule(net, theta, X, y, small, "curvature")
    b = hsr.train(net, theta, X, y, small)
    assert np.all(a.history["step"][:-1] == 1e-3)
    np.testing.assert_allclose(a.theta, b.theta, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a.history["ws_upper"], b.history["ws_upper"], rtol=1e-9)


def test_train_step_rule_bad_input_names_the_argument():
    net, theta, X, y = _small_problem()
    cfg = hsr.TrainConfig(method="hsr", alpha=0.0, beta=1.0, lr=1.0, max_iter=5)
    with pytest.raises(ValueError, match="step_rule must be one of"):
        train_step_rule(net, theta, X, y, cfg, "armijo")
    with pytest.raises(ValueError, match="c must be a number in"):
        train_step_rule(net, theta, X, y, cfg, c=2.0)
    with pytest.raises(ValueError, match="eps must be a number in"):
        train_step_rule(net, theta, X, y, cfg, eps=0.0)
    with pytest.raises(ValueError, match="config must be an hsr.TrainConfig"):
        train_step_rule(net, theta, X, y, cfg.to_dict())
    with pytest.raises(ValueError, match="config.method must be"):
        train_step_rule(net, theta, X, y, hsr.TrainConfig(method="asam"))
    with pytest.raises(ValueError, match="theta"):
        train_step_rule(net, np.stack([theta, theta]), X, y, cfg)
    with pytest.raises(ValueError, match="net must be an hsr.Net"):
        objective_curvature("net", theta, X, y)
    with pytest.raises(ValueError, match="alpha and beta are both 0"):
        objective_curvature(net, theta, X, y, alpha=0.0, beta=0.0)
    with pytest.raises(ValueError, match="beta must be a finite number"):
        objective_curvature(net, theta, X, y, beta=-1.0)


def test_step_diagnostics():
    from hsr.experiments.stepsize import step_diagnostics

    it = np.arange(0, 110, 10)
    ws = np.r_[10.0, 9, 8, 7, 6, 6.5, 5, 4, 4.4, 3, 2]  # rises at 50 and 80
    step = np.r_[np.full(10, 0.5), np.nan]
    L = np.r_[1.0, 1, 5, 1, 1, 1, 5, 1, 1, 1, 9]  # 0.5 * 5 > 2 at 20 and 60; the last is no step
    h = {"iterations": it, "ws_upper": ws, "step": step, "curvature": L}
    d = step_diagnostics(h)
    assert d["frac_unstable"] == 0.2 and d["first_unstable"] == 20
    assert d["rises"] == 2 and d["max_rise"] == pytest.approx(0.1) and d["n_compared"] == 9
    assert step_diagnostics(h, burn_in=0.6)["rises"] == 1  # from iteration 60 on
    assert d["curvature_max"] == 5.0 and d["step_min"] == 0.5
    smooth = dict(h, ws_upper=np.linspace(10, 1, 11), curvature=np.ones(11))
    s = step_diagnostics(smooth)
    assert s["rises"] == 0 and s["max_rise"] == 0.0 and s["first_unstable"] == -1
    with pytest.raises(ValueError, match="history must hold"):
        step_diagnostics({"iterations": it})
    with pytest.raises(ValueError, match="history arrays must be 1-D of one length"):
        step_diagnostics(dict(h, step=step[:-1]))
    with pytest.raises(ValueError, match="burn_in must be a number"):
        step_diagnostics(h, burn_in=1.0)
    with pytest.raises(ValueError, match="history must be a dict"):
        step_diagnostics([1, 2])
