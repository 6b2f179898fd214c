"""robustness: the grid of blank constants, the headline re-tests, the five activations."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hsr
from hsr.claims import VERDICTS, robustness
from hsr.claims.verdicts import HEADLINE

# tiny runs: a few seeds, short caps, a small data set (seconds, not minutes)
TINY_BASE = hsr.SweepConfig(max_iter=1500, n_train=40, n_test=100)
TINY = robustness.Scale(n_seeds_ws=16, n_seeds_hsr=60, cmp_max_iter=200, reg_iters=100)


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("HSR_CACHE_DIR", str(tmp_path / "cache"))


def test_one_at_a_time_moves_one_constant_per_setting():
    settings = robustness.one_at_a_time()
    assert [s.name for s in settings] == [
        "calibrated",
        "separation 0.5",
        "separation 1.5",
        "50 training samples",
        "200 training samples",
        "initial interval ±10",
        "initial interval ±40",
        "learning rate 2",
        "learning rate 8",
    ]
    assert settings[0].sweep == {} and math.isnan(settings[0].value)
    for s in settings[1:]:
        assert s.constant in dict(robustness.CONSTANTS)
    sep = settings[1].sweep
    assert sep == {"mean0": (-0.5, -0.5), "mean1": (0.5, 0.5)}
    assert settings[5].sweep == {"init_low": -10.0, "init_high": 10.0}
    assert settings[8].sweep == {"lr": 8.0}
    assert all(s.compare == {} for s in settings)


def test_one_at_a_time_the_comparison_and_duplicate_constants():
    """HSR Section VI-B's blank weights and the duplicate rule are moved one at a time too:
    beta and the Hessian weight change only the comparison, k and the cap only the sweeps."""
    settings = robustness.one_at_a_time(
        (), (), (), (), beta=(0.5,), hessian_weight=(0.02,), dedup_k=(3.0,), max_iter=(10000,)
    )
    assert [s.name for s in settings] == [
        "calibrated",
        "beta 0.5",
        "Hessian weight 0.02",
        "duplicate k 3",
        "iteration cap 10,000",
    ]
    assert settings[1].compare == {"beta": 0.5} and settings[1].sweep == {}
    assert settings[2].compare == {"hessian_weight": 0.02}
    assert settings[3].sweep == {"dedup_k": 3.0} and settings[3].compare == {}
    assert settings[4].sweep == {"max_iter": 10000}
    with pytest.raises(ValueError, match="max_iter must hold integers"):
        robustness.one_at_a_time(max_iter=(0.5,))


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(separation=(-1.0,)), "separation must hold positive numbers"),
        (dict(n_train=(51,)), "n_train must hold even numbers"),
        (dict(n_train=(2.5,)), "n_train must hold integers"),
        (dict(lr=(True,)), "lr must hold positive numbers"),
        (dict(init_width=(float("inf"),)), "init_width must hold positive numbers"),
    ],
)
def test_one_at_a_time_rejects_bad_values(kw, match):
    with pytest.raises(ValueError, match=match):
        robustness.one_at_a_time(**kw)


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(n_seeds_ws=0), "n_seeds_ws must be a positive integer"),
        (dict(n_seeds_hsr=10.5), "n_seeds_hsr must be a positive integer"),
        (dict(cmp_max_iter=100, reg_iters=200), "reg_iters must lie in"),
        (dict(group_frac=0.5), r"group_frac must be a number in \(0, 0.5\)"),
    ],
)
def test_scale_rejects_bad_sizes(kw, match):
    with pytest.raises(ValueError, match=match):
        robustness.Scale(**kw)


def test_run_robustness_one_row_per_setting_and_claim_and_reproducible():
    settings = robustness.one_at_a_time(
        separation=(1.5,), n_train=(60,), init_width=(10.0,), lr=(2.0,), base=TINY_BASE
    )[:2]
    rows = robustness.run_robustness(settings, TINY, base=TINY_BASE, quiet=True)
    assert [(r["setting"], r["claim"]) for r in rows] == [
        (s.name, c) for s in settings for c in HEADLINE
    ]
    assert all(r["verdict"] in VERDICTS and r["measured"] for r in rows)
    assert rows[0]["hsr_unique"] >= robustness.MIN_UNIQUE  # the comparison did run
    again = robustness.run_robustness(settings, TINY, base=TINY_BASE, quiet=True)
    assert again == rows  # from the cache, and the same
    table = robustness.held_table(rows)
    assert set(table) == set(HEADLINE)
    assert all(sum(c.values()) == len(settings) for c in table.values())


def test_run_setting_without_enough_points_says_why():
    starved = robustness.Scale(n_seeds_ws=4, n_seeds_hsr=4, cmp_max_iter=50, reg_iters=10)
    outcomes, counts = robustness.run_setting(robustness.Setting("s", "", 0.0), starved, TINY_BASE)
    for cid in ("hsr-fig09", "hsr-fig12", "hsr-fig14"):
        assert outcomes[cid].verdict == "does not hold"
        assert "unique critical points" in outcomes[cid].claim.measured
    assert counts["sharp"] == 0


def test_run_robustness_rejects_bad_settings():
    with pytest.raises(ValueError, match="settings must be a non-empty list"):
        robustness.run_robustness([], TINY)
    with pytest.raises(ValueError, match="settings must be a non-empty list"):
        robustness.run_robustness(["calibrated"], TINY)


def test_run_activation_sigmoid_and_a_diverging_one():
    cmp = hsr.CompareConfig(max_iter=200, reg_iters=100)
    base = hsr.SweepConfig(**{**TINY_BASE.to_dict(), "n_seeds": 40})
    r = robustness.run_activation("sigmoid", base, cmp, group_frac=0.2)
    assert r.sharp > 0 and set(r.lambda_max) == {"baseline", "hsr"}
    assert r.lambda_max["hsr"].shape == (r.sharp,)
    row = r.row()
    assert row["activation"] == "sigmoid" and 0 <= row["frac_below_bound"] <= 1
    assert row["tightness_verdict"] in VERDICTS
    # linear at the sigmoid's learning rate and interval: every run diverges
    lin = robustness.run_activation("linear", base, cmp)
    assert lin.sharp == 0 and lin.sweep["diverged"] == 40
    assert all(math.isnan(lin.row()[k]) for k in ("lambda_max_hsr", "f1_baseline", "p_f1"))
    with pytest.raises(ValueError, match="activation must be one of"):
        robustness.run_activation("relu", base, cmp)
    with pytest.raises(ValueError, match="group_frac"):
        robustness.run_activation("tanh", base, cmp, group_frac=0.7)


def test_activation_row_keys_are_stable():
    cmp = hsr.CompareConfig(max_iter=100, reg_iters=50)
    base = hsr.SweepConfig(**{**TINY_BASE.to_dict(), "n_seeds": 20})
    row = robustness.run_activation("tanh", base, cmp, group_frac=0.2).row()
    assert list(row)[:3] == ["activation", "converged", "unique"]
    assert all(isinstance(v, (str, int, float)) for v in row.values())
    assert np.isfinite(row["median_iterations"])


def test_run_activations_checks_names_first_and_matches_run_activation():
    cmp = hsr.CompareConfig(max_iter=100, reg_iters=50)
    base = hsr.SweepConfig(**{**TINY_BASE.to_dict(), "n_seeds": 20})
    with pytest.raises(ValueError, match="activations must be a non-empty list"):
        robustness.run_activations(["tanh", "relu"], base, cmp)
    with pytest.raises(ValueError, match="activations must be a non-empty list"):
        robustness.run_activations([], base, cmp)
    both = robustness.run_activations(["tanh", "gelu"], base, cmp, group_frac=0.2)
    assert list(both) == ["tanh", "gelu"]
    alone = robustness.run_activation("gelu", base, cmp, group_frac=0.2)  # cached: same numbers
    assert alone.row() == both["gelu"].row()


def test_run_activations_with_rates_from_a_rule_and_the_sweeps_alone():
    cmp = hsr.CompareConfig(max_iter=100, reg_iters=50)
    base = hsr.SweepConfig(**{**TINY_BASE.to_dict(), "n_seeds": 20})
    lrs = hsr.activation_learning_rates(["sigmoid", "linear"], base, "sup_f1")
    res = robustness.run_activations(["sigmoid", "linear"], base, cmp, group_frac=0.2, lrs=lrs)
    for a, r in res.items():
        row = r.row()
        assert row["lr"] == lrs[a] and row["seeds"] == 20
        assert r.grad_norms.shape == (row["converged"],)
        assert row["converged"] + row["diverged"] <= 20
        for k in ("gn0_median", "gn_median", "gn_p90", "frac_gn_below_0.001"):
            assert k in row
        assert "frac_gn_below_0.0001" in row and "frac_gn_below_1e-06" in row
    # the sweeps alone give the same sweep numbers, at the same rates (cached)
    alone = robustness.run_activation_sweeps(["sigmoid", "linear"], base, lrs)
    for r in alone:
        full = res[r["activation"]].row()
        assert {k: full[k] for k in r} == pytest.approx(r, nan_ok=True)
    # the default rate is base.lr for all: linear diverges at the sigmoid's rate
    fixed = robustness.run_activation_sweeps(["linear"], base)
    assert fixed[0]["lr"] == base.lr and fixed[0]["diverged"] == 20
    assert math.isnan(fixed[0]["gn_median"])
    with pytest.raises(ValueError, match="lrs must be a dict"):
        robustness.run_activations(["sigmoid", "tanh"], base, cmp, lrs={"sigmoid": 4.0})
    with pytest.raises(ValueError, match="lrs must hold positive numbers"):
        robustness.run_activation_sweeps(["tanh"], base, {"tanh": -1.0})
    with pytest.raises(ValueError, match="lr must hold positive numbers"):
        robustness.run_activation("tanh", base, cmp, lr=0.0)
