"""hsr.experiments.landscape.audit: Theorem 1 under every reading, the counterexample as a
trained minimum, the corrected bound on random networks, ||A|| <= 1/2 attained."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hsr.core.landscape import gterm as gt
from hsr.experiments.landscape import audit as au

RNG = np.random.default_rng(3)


def test_the_one_dimensional_input_has_the_spectra_of_any_input_of_its_norm():
    """theorem1_readings takes x = (|x|,): the G-term and the full Hessian of the sharp network
    on a d-dimensional x of the same norm have the same nonzero spectrum."""
    x = RNG.normal(size=6)
    for L, a in ((2, 0.3), (3, 0.5), (4, 1.2)):
        W, X = gt.sharp_example(L, a, x)
        W1, X1 = gt.sharp_example(L, a, np.array([np.linalg.norm(x)]))
        for y in (0, 1):
            H = gt.gterm(W, X)[0] + gt.h_term(W, X, np.array([y]))[0]
            H1 = gt.gterm(W1, X1)[0] + gt.h_term(W1, X1, np.array([y]))[0]
            ev, ev1 = np.linalg.eigvalsh(H), np.linalg.eigvalsh(H1)
            big = ev[np.abs(ev) > 1e-10 * np.abs(ev).max()]
            np.testing.assert_allclose(
                np.sort(big), np.sort(ev1[np.abs(ev1) > 1e-10 * np.abs(ev1).max()]), rtol=1e-10
            )
        np.testing.assert_allclose(gt.gterm_norm(W, X), gt.gterm_norm(W1, X1), rtol=1e-12)


def test_theorem1_readings_count_against_the_closed_form():
    """The G-term of the sharp network is (L/2) |x|^2 a^(2L-2) exactly: the G-term readings
    count the (L, a) where that exceeds the paper's bound with L or L - 2."""
    M_x, depths, a = 27.9, [2, 3, 5], np.geomspace(0.05, 2.0, 25)
    rows = {(r["hessian"], r["L_counts"]): r for r in au.theorem1_readings(M_x, depths, a)}
    assert list(rows) == list(au.READINGS)
    for counts, shift in (("weight matrices", 0), ("num_layers", 2)):
        expect = sum(
            int(gt.corrected_bound(L, M_x, ai) > gt.paper_bound(L - shift, M_x, ai))
            for L in depths
            if L - shift >= 1
            for ai in a
        )
        r = rows[("G-term", counts)]
        assert r["n_violations"] == expect > 0
        assert r["n_cases"] == a.size * sum(L - shift >= 1 for L in depths)
        assert r["witness_norm"] / r["witness_bound"] == pytest.approx(r["worst_ratio"])
    # the full Hessian is at least the G-term here (the H-term only adds): at least as many
    for counts in ("weight matrices", "num_layers"):
        full, g = rows[("full Hessian", counts)], rows[("G-term", counts)]
        assert full["n_violations"] >= g["n_violations"] and full["worst_ratio"] >= g["worst_ratio"]


def test_theorem1_readings_can_find_no_violation():
    """Large layer norms at a small input: the paper's bound holds on every sharp network under
    the weight-matrix reading (the check can say 'no violation')."""
    rows = au.theorem1_readings(0.5, [2, 3], [1.5, 2.0])
    assert [r["n_violations"] for r in rows[:1]] == [0]
    with pytest.raises(ValueError, match="depths"):
        au.theorem1_readings(1.0, [1], [0.5])
    with pytest.raises(ValueError, match="a_grid"):
        au.theorem1_readings(1.0, [2], [0.0])
    with pytest.raises(ValueError, match="M_x"):
        au.theorem1_readings(0.0, [2], [0.5])


def test_the_counterexample_is_a_global_minimum_of_two_objects():
    x = RNG.normal(size=9) * 3
    m = au.two_object_minimum(3, 0.5, x)
    assert m["loss"] == pytest.approx(math.log(2.0), abs=1e-15) and abs(m["loss_gap"]) < 1e-15
    np.testing.assert_array_equal(m["p"], [0.5, 0.5])
    assert m["residual"] == 0.0 and m["grad_backprop"] == 0.0  # exactly: equal logits
    assert m["grad_fd"] < 1e-8 and m["n_params"] == 2 * 9 + 4 + 4
    # the mean loss's Hessian is the G-term (the H-terms of the two labels cancel), which is
    # the corrected bound, attained; each object's full Hessian is larger
    assert m["mean_hessian"] == pytest.approx(m["gterm"], rel=1e-10)
    assert m["gterm"] == pytest.approx(m["corrected"], rel=1e-10)
    assert m["gterm"] == pytest.approx(1.5 * np.sum(x * x) * 0.5**4, rel=1e-10)
    assert np.all(m["full"] >= m["gterm"] * (1 - 1e-12))
    # above the paper's bound with L = 3 at |x|^2 > 4 (2 sqrt 2 a^2 < 1 at a = 1/2)
    assert m["gterm"] > m["paper_bound"]
    assert math.isnan(au.two_object_minimum(2, 0.5, x)["paper_bound_num_layers"])
    # a perturbed network is no longer a minimum: the check can fail
    W, X1 = gt.sharp_example(3, 0.5, x)
    from hsr.core.landscape.mlp import loss_and_grad

    W[-1] = W[-1] + np.array([[0.1, 0.0], [0.0, 0.0]])
    loss, g = loss_and_grad(W, np.vstack([X1, X1]), np.array([0, 1]))
    assert loss > math.log(2.0) and max(np.abs(gr).max() for gr in g) > 1e-3


def test_corrected_bound_audit_and_a_norm():
    out = au.corrected_bound_audit(60, seed=1)
    assert out["n_nets"] == 60 and out["n_pairs"] == 240
    assert out["exceed_per_object"] == 0 and out["exceed_bound"] == 0
    assert 0 < out["max_ratio_per_object"] <= 1 + 1e-12
    assert out["max_ratio_bound"] <= out["max_ratio_per_object"] + 1e-12
    # the same nets for the same seed
    assert au.corrected_bound_audit(60, seed=1) == out
    a = au.a_norm_audit(300, seed=2)
    assert a["at_half"] == 0.5 and a["at_half_three"] == pytest.approx(0.5, abs=1e-15)
    assert a["max_random"] < 0.5
    with pytest.raises(ValueError, match="n_nets"):
        au.corrected_bound_audit(0)
    with pytest.raises(ValueError, match="n must be"):
        au.a_norm_audit(0)
