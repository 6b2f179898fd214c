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
    stopping_gradient_norms,
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
