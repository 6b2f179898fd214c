"""hsr.claims.ws: the tests of the WS paper's claims, on data built to hold, to hold partly and
not to hold, and on bad input. (WS Figs. 2, 7 and 11, the headline claims, are tested in
test_verdicts.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from hsr.claims import ws
from hsr.claims.ledger import VERDICTS

RNG = np.random.default_rng(0)


def _row_ok(t, rid):
    c = t.claim
    assert c.id == rid and c.paper == "WS" and c.verdict in VERDICTS
    assert c.paper_says == str(ws.QUOTES[rid]) and c.reading == ws.READINGS[rid]


#: the rows of WS Section V beyond the figures (book/spec/norm-bounds.yml)
SECTION_V = {"ws-norm-bounds-hold", "ws-thm7-limit", "ws-prop8-psd"}


def test_every_row_has_a_quote_a_reading_and_a_function():
    ids = {f"ws-fig{k:02d}" for k in range(1, 14)} | SECTION_V
    assert {k.removesuffix(" (second sentence)") for k in ws.QUOTES} == ids
    assert set(ws.READINGS) == ids
    for rid in ids:
        assert callable(getattr(ws, rid.replace("-", "_")))
        assert all(r.strip() for r in ws.READINGS.values())


# ----- WS Fig. 1 --------------------------------------------------------------------------------
def test_ws_fig01_all_some_or_no_checks_pass():
    small, ok = np.full(5, 1e-14), np.ones(5, bool)
    t = ws.ws_fig01(small, small, ok, ok)
    _row_ok(t, "ws-fig01")
    assert t.verdict == "holds" and t.values["n_checks"] == 20 and t.values["n_passed"] == 20
    assert "20 of 20 checks pass over 5 activations x 20 networks x 200 inputs" in t.claim.measured
    big = np.full(5, 1e-3)  # outputs and losses wrong everywhere: 10 of 20 checks fail
    assert ws.ws_fig01(big, big, ok, ok).verdict == "partly"
    assert ws.ws_fig01(big, big, ~ok, ok).verdict == "does not hold"  # 5 of 20 pass
    assert ws.ws_fig01(small, small, ok, ok, rel_tol=1e-15).verdict == "partly"
    none = ws.ws_fig01([], [], [], [])
    assert none.verdict == "does not hold" and none.values["note"]
    assert np.isnan(none.values["worst"])


def test_ws_fig01_bad_input():
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig01(np.ones(2), np.ones(3), np.ones(2, bool), np.ones(2, bool))
    with pytest.raises(ValueError, match="layout_ok must be a 1-D boolean"):
        ws.ws_fig01(np.ones(2), np.ones(2), np.ones(2), np.ones(2, bool))
    with pytest.raises(ValueError, match="n_params_ok must have 2 entries"):
        ws.ws_fig01(np.ones(2), np.ones(2), np.ones(2, bool), np.ones(3, bool))
    with pytest.raises(ValueError, match="rel_tol"):
        ws.ws_fig01(np.ones(2), np.ones(2), np.ones(2, bool), np.ones(2, bool), rel_tol=0)


# ----- WS Figs. 3 and 4 -------------------------------------------------------------------------
def _extremes(n=100):
    """lambda_WS = 0..n-1; rise and disagreement grow with it (the paper's picture)."""
    w = np.arange(float(n))
    return w, w**2, w / n


def test_ws_fig03_sharp_and_distorted_or_not():
    w, rise, dis = _extremes()
    t = ws.ws_fig03(w, rise, dis)
    _row_ok(t, "ws-fig03")
    assert t.verdict == "holds" and list(t.values["idx"]) == [99, 98]
    assert t.values["ws_1"] == 99.0 and t.values["rise_pct_1"] == 100.0
    assert "4 of 4 checks pass" in t.claim.measured
    flat_rise = rise.copy()
    flat_rise[[98, 99]] = 0.0  # the two largest-lambda_WS points flat: only the shape checks pass
    assert ws.ws_fig03(w, flat_rise, dis).verdict == "partly"
    assert ws.ws_fig03(w, rise[::-1], dis[::-1]).verdict == "does not hold"
    few = ws.ws_fig03(w[:1], rise[:1], dis[:1])
    assert few.verdict == "does not hold" and "fewer than n_show = 2" in few.values["note"]
    assert np.isnan(few.values["ws_2"]) and few.values["ws_1"] == 0.0


def test_ws_fig04_flat_and_simple_or_not():
    w, rise, dis = _extremes()
    t = ws.ws_fig04(w, rise, dis, n_show=3)
    _row_ok(t, "ws-fig04")
    assert t.verdict == "holds" and list(t.values["idx"]) == [0, 1, 2]
    assert ws.ws_fig04(w, rise[::-1], dis).verdict == "partly"  # simple but sharp
    assert ws.ws_fig04(w, rise[::-1], dis[::-1]).verdict == "does not hold"
    none = ws.ws_fig04(np.zeros(0), np.zeros(0), np.zeros(0))
    assert none.verdict == "does not hold" and none.claim.measured.startswith("no critical point")


def test_ws_fig03_04_bad_input():
    w, rise, dis = _extremes(10)
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig03(w, rise[:5], dis)
    with pytest.raises(ValueError, match="loss_rise must be finite"):
        ws.ws_fig04(w, np.full(10, np.nan), dis)
    with pytest.raises(ValueError, match="n_show"):
        ws.ws_fig03(w, rise, dis, n_show=0)


# ----- WS Fig. 5 --------------------------------------------------------------------------------
def _run(loss0, loss1, ws0, ws1, ratio=1.5, T=50):
    lam = np.linspace(ws0, ws1, T)
    return dict(loss=np.linspace(loss0, loss1, T), ws_upper=ratio * lam, lambda_max=lam)


def test_ws_fig05_two_dynamics_and_tracking():
    hi, lo = _run(0.7, 0.1, 1.0, 3.0), _run(0.7, 0.2, 1.0, 0.9)
    t = ws.ws_fig05(hi, lo, n_unique=10)
    _row_ok(t, "ws-fig05")
    assert (t.values["dynamics"], t.values["tracks"], t.verdict) == ("holds",) * 3
    assert t.values["n_recorded"] == 100 and t.values["pct_track"] == 100.0
    assert [p["says"] for p in t.claim.statements] == [
        "two kinds of dynamics",
        "the bound tracks lambda_max",
    ]
    same = ws.ws_fig05(hi, _run(0.7, 0.2, 1.0, 3.0), n_unique=10)  # both rise: 3 of 4
    assert same.values["dynamics"] == "partly"
    loose = ws.ws_fig05(_run(0.7, 0.1, 1.0, 3.0, ratio=3), _run(0.7, 0.2, 1, 0.9, ratio=3), 10)
    assert loose.values["tracks"] == "does not hold" and loose.verdict == "partly"
    both_bad = ws.ws_fig05(_run(0.1, 0.7, 3.0, 1.0, 3), _run(0.1, 0.7, 1.0, 3.0, 3), 10)
    assert both_bad.verdict == "does not hold"
    one = ws.ws_fig05(hi, hi, n_unique=1)
    assert "same run" in one.values["note"]
    none = ws.ws_fig05(None, None, n_unique=0)
    assert none.verdict == "does not hold" and none.values["n_recorded"] == 0


def test_ws_fig05_bad_input():
    hi = _run(0.7, 0.1, 1.0, 3.0)
    with pytest.raises(ValueError, match="highest must be a dict"):
        ws.ws_fig05({"loss": hi["loss"]}, hi, 2)
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig05(dict(hi, loss=hi["loss"][:3]), hi, 2)
    with pytest.raises(ValueError, match="n_unique"):
        ws.ws_fig05(hi, hi, n_unique=-1)


# ----- WS Fig. 6 --------------------------------------------------------------------------------
def test_ws_fig06_skewness_bands():
    t = ws.ws_fig06(RNG.lognormal(0, 1, 400))  # skewness ~ 6
    _row_ok(t, "ws-fig06")
    assert t.verdict == "holds" and t.values["skew"] > 1
    assert t.values["low"].size + t.values["high"].size == 400 and t.values["high"].size == 40
    assert ws.ws_fig06(RNG.gamma(9, 1, 4000)).verdict == "partly"  # skewness 2/3
    assert ws.ws_fig06(RNG.normal(10, 1, 400)).verdict == "does not hold"
    two = ws.ws_fig06([1.0, 2.0])
    assert two.verdict == "does not hold" and "too few" in two.values["note"]
    assert np.isnan(ws.ws_fig06([]).values["q"])
    with pytest.raises(ValueError, match="frac_high"):
        ws.ws_fig06(np.ones(5), frac_high=0.0)


# ----- WS Figs. 8 and 9 -------------------------------------------------------------------------
def test_ws_fig08_within_tolerance_or_not():
    size = RNG.uniform(1, 10, 100)
    t = ws.ws_fig08(1e-6 * size, size)
    _row_ok(t, "ws-fig08")
    assert t.verdict == "holds" and t.values["pct_ok"] == 100.0
    diff = 1e-6 * size
    diff[:40] = 1e-2  # 60% within tolerance
    assert ws.ws_fig08(diff, size).verdict == "partly"
    assert ws.ws_fig08(diff, size, rtol=1e-2).verdict == "holds"
    assert ws.ws_fig08(np.full(100, 1.0), size).verdict == "does not hold"
    assert ws.ws_fig08([], []).verdict == "does not hold"
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig08(np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="atol"):
        ws.ws_fig08(np.ones(3), np.ones(3), atol=-1.0)


def test_ws_fig09_both_traces():
    t1, t2 = RNG.uniform(1, 5, 50), RNG.uniform(1, 25, 50)
    t = ws.ws_fig09(t1 * (1 + 1e-8), t1, t2 * (1 - 1e-8), t2)
    _row_ok(t, "ws-fig09")
    assert t.verdict == "holds" and t.values["maxrel_tr"] == pytest.approx(1e-8, rel=1e-6)
    bad2 = t2.copy()
    bad2[:20] *= 1.1  # tr(H^2) off at 40% of the points
    assert ws.ws_fig09(t1, t1, bad2, t2).verdict == "partly"
    assert ws.ws_fig09(t1 * 1.1, t1, t2, t2).verdict == "does not hold"
    assert ws.ws_fig09([], [], [], []).verdict == "does not hold"
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig09(t1, t1, t2[:3], t2[:3])
    with pytest.raises(ValueError, match="tr_cf must be finite"):
        ws.ws_fig09(t1, np.full(50, np.inf), t2, t2)


# ----- WS Fig. 10 -------------------------------------------------------------------------------
def test_ws_fig10_two_parts():
    n = 300
    n2 = RNG.uniform(1, 10, n)
    w = n2 + RNG.normal(0, 1, n)  # grows with |theta2|
    n1 = RNG.uniform(1, 10, n)  # unrelated
    t = ws.ws_fig10(w, n1, n2)
    _row_ok(t, "ws-fig10")
    assert (t.values["theta2"], t.values["theta1"], t.verdict) == ("holds",) * 3
    linked = ws.ws_fig10(w, n2 + RNG.normal(0, 3, n), n2)  # theta1 strongly linked too
    assert linked.values["theta1"] == "does not hold" and linked.verdict == "partly"
    weak = ws.ws_fig10(w, n1, w + RNG.normal(0, 12, n))  # a weak positive link only
    assert weak.values["theta2"] in ("partly", "does not hold")
    assert ws.ws_fig10(w, n1, -n2).values["theta2"] == "does not hold"
    few = ws.ws_fig10([1.0, 2.0], [1.0, 2.0], [1.0, 2.0])
    assert few.verdict == "does not hold" and "undefined" in few.values["note"]
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig10(w, n1[:5], n2)


# ----- WS Fig. 12 -------------------------------------------------------------------------------
def test_ws_fig12_lower_envelope():
    g = RNG.uniform(0, 10, 500)
    w = g + RNG.exponential(5, 500)  # the floor rises with g
    t = ws.ws_fig12(w, g)
    _row_ok(t, "ws-fig12")
    assert t.verdict == "holds" and len(t.values["bins"]) == 10
    assert t.values["env_first"] < t.values["env_last"]
    # floor rising in bins 0-6, falling after: positive but far from monotone
    floor = np.minimum(g, 1.5 * (10 - g) + 1)
    assert ws.ws_fig12(floor + RNG.exponential(5, 500), g).verdict in ("partly", "holds")
    assert ws.ws_fig12(-g + RNG.exponential(0.1, 500), g).verdict == "does not hold"
    two = ws.ws_fig12([1.0, 2.0], [1.0, 2.0])
    assert two.verdict == "does not hold" and "2 bin(s)" in two.values["note"]
    assert ws.ws_fig12(w[:5], g[:5], n_bins=10).values["centre"].size == 5
    with pytest.raises(ValueError, match="n_bins"):
        ws.ws_fig12(w, g, n_bins=0)
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig12(w, g[:3])


def test_ws_fig12_partly_exactly():
    # three bins of one point each: envelope 1, 3, 2 -> rho = 0.5 (positive, below 0.7)
    t = ws.ws_fig12([1.0, 3.0, 2.0], [1.0, 2.0, 3.0], n_bins=3)
    assert t.values["rho_env"] == pytest.approx(0.5) and t.verdict == "partly"


# ----- WS Fig. 13 -------------------------------------------------------------------------------
def test_ws_fig13_derivative_checks():
    t = ws.ws_fig13(np.full((5, 3), 1e-9))
    _row_ok(t, "ws-fig13")
    assert t.verdict == "holds" and t.values["n_checks"] == 15
    assert "15 of 15 derivatives (5 activations x 3)" in t.claim.measured
    assert "on [-6.0, 6.0]" in t.claim.measured
    err = np.full((5, 3), 1e-9)
    err[:, 2] = 1.0  # every third derivative wrong: 10 of 15
    assert ws.ws_fig13(err).verdict == "partly"
    assert ws.ws_fig13(np.ones((5, 3))).verdict == "does not hold"
    none = ws.ws_fig13([])
    assert none.verdict == "does not hold" and none.values["note"]
    with pytest.raises(ValueError, match="errors must have shape"):
        ws.ws_fig13(np.ones((5, 2)))
    with pytest.raises(ValueError, match="abs_tol"):
        ws.ws_fig13(np.ones((1, 3)), abs_tol=0)


# ----- sensitivity: every threshold re-applied; at the chosen value, the row's own verdict -------
def _cases():
    w, rise, dis = _extremes()
    g = RNG.uniform(0, 10, 200)
    lmax = RNG.uniform(0.1, 1.0, 200)
    f1 = np.where(np.arange(200) >= 180, 0.6, 0.8) + RNG.normal(0, 0.05, 200)
    return {
        "ws-fig01": ws.ws_fig01(
            np.full(5, 1e-11), np.full(5, 1e-13), np.ones(5, bool), np.ones(5, bool)
        ),
        "ws-fig02": ws.ws_fig02(1.6 * lmax, lmax),
        "ws-fig03": ws.ws_fig03(w, rise, dis),
        "ws-fig04": ws.ws_fig04(w, rise[::-1], dis),
        "ws-fig05": ws.ws_fig05(_run(0.7, 0.1, 1.0, 1.15), _run(0.7, 0.2, 1.0, 0.9, ratio=1.9), 5),
        "ws-fig06": ws.ws_fig06(RNG.gamma(9, 1, 2000)),
        "ws-fig07": ws.ws_fig07(np.arange(200.0), f1),
        "ws-fig08": ws.ws_fig08(np.full(200, 5e-5), RNG.uniform(0.1, 1, 200)),
        "ws-fig09": ws.ws_fig09(lmax * (1 + 2e-4), lmax, lmax, lmax),
        "ws-fig10": ws.ws_fig10(g + RNG.normal(0, 4, 200), RNG.uniform(0, 1, 200), g),
        "ws-fig11": ws.ws_fig11(RNG.uniform(0, 1, 30), RNG.uniform(0.2, 1.2, 30)),
        "ws-fig12": ws.ws_fig12(g + RNG.exponential(5, 200), g),
        "ws-fig13": ws.ws_fig13(np.full((5, 3), 1e-7)),
    }


def test_sensitivity_marks_the_chosen_value_with_the_rows_verdict():
    for rid, t in _cases().items():
        assert t.claim.paper_says == str(ws.QUOTES[rid]) and t.claim.reading, rid
        s = t.claim.sensitivity
        assert s, rid
        for knob in {d["knob"] for d in s}:
            entries = [d for d in s if d["knob"] == knob]
            assert [d["value"] for d in entries] == sorted(d["value"] for d in entries), rid
            chosen = [d for d in entries if d["chosen"]]
            assert len(chosen) == 1 and len(entries) >= 3, (rid, knob)
            assert chosen[0]["verdict"] == t.verdict, (rid, knob)
            assert all(d["verdict"] in VERDICTS for d in entries)


def test_sensitivity_follows_the_threshold():
    s = _cases()
    by = {  # (row, knob prefix) -> {value: verdict}
        (rid, d["knob"].split(" ")[0]): {} for rid, t in s.items() for d in t.claim.sensitivity
    }
    for rid, t in s.items():
        for d in t.claim.sensitivity:
            by[(rid, d["knob"].split(" ")[0])][d["value"]] = d["verdict"]
    # ws-fig01: outputs differ by 1e-11: fail at 1e-12 and below, pass at 1e-10 and above
    assert by[("ws-fig01", "rel_tol")] == {
        1e-14: "partly",
        1e-12: "partly",
        1e-10: "holds",
        1e-8: "holds",
        1e-6: "holds",
    }
    # ws-fig02: the overshoot is 1.6, tight below 2 but not below 1.5
    tight = by[("ws-fig02", "median")]
    assert tight[1.5] == "partly" and tight[2.0] == "holds"
    # ws-fig05: the highest run rises by 15%: enough for 1.1, not for 1.2
    rise = by[("ws-fig05", "factor")]
    assert rise[1.1] == "holds" and rise[1.2] == "partly"
    # ws-fig08: every difference 5e-5 against |H|_F <= 1: passes only from rtol 1e-4 on
    assert by[("ws-fig08", "rtol")][1e-5] == "does not hold"
    assert by[("ws-fig08", "rtol")][1e-3] == "holds"
    # ws-fig09: a relative error of 2e-4 fails at rtol 1e-4, passes at 1e-3
    assert by[("ws-fig09", "rtol")][1e-4] == "does not hold"
    assert by[("ws-fig09", "rtol")][1e-3] == "holds"
    # ws-fig13: errors of 1e-7 pass at 1e-6 and 1e-4, fail at 1e-8
    assert by[("ws-fig13", "abs_tol")] == {
        1e-10: "does not hold",
        1e-8: "does not hold",
        1e-6: "holds",
        1e-4: "holds",
    }
    # ws-fig12: the chosen n_bins is in the grid once
    assert 10 in by[("ws-fig12", "n_bins")] and len(by[("ws-fig12", "n_bins")]) == 5


def test_ws_fig07_power_grows_with_the_number_of_points():
    from hsr.claims.ws import ws_fig07_power

    rng = np.random.default_rng(0)
    ws = rng.uniform(0, 1, 400)
    f1 = 0.8 - 0.05 * (ws > 0.9) + rng.normal(0, 0.05, 400)  # the High group is worse
    few, many = ws_fig07_power(ws, f1, 40, n_sim=200), ws_fig07_power(ws, f1, 400, n_sim=200)
    assert 0 <= few < many and many > 0.9
    assert np.isnan(ws_fig07_power(ws, f1, 3))
    with pytest.raises(ValueError, match="n_unique must be an integer"):
        ws_fig07_power(ws, f1, -1)


def test_ws_fig03_local_step_with_the_earlier_reading_kept():
    w, rise, dis = _extremes()
    far = rise.copy()
    far[[98, 99]] = 0.0  # flat at the far step: the earlier reading passes only the shape checks
    t = ws.ws_fig03(w, {0.1: rise, 3.0: far}, dis, step=0.1, earlier_step=3.0)
    _row_ok(t, "ws-fig03")
    assert t.verdict == "holds" and "t = 0.1" in t.claim.test
    (old,) = t.claim.earlier
    assert old["verdict"] == "partly" and "t = 3" in old["test"]
    assert "2 of 4 checks pass" in old["measured"] and t.values["verdict_earlier"] == "partly"
    steps = [e for e in t.claim.sensitivity if e["knob"] == "step t of the loss rise"]
    assert [(e["value"], e["verdict"], e["chosen"]) for e in steps] == [
        (0.1, "holds", True),
        (3.0, "partly", False),
    ]
    assert t.values["rise_pct_earlier_1"] < t.values["rise_pct_1"]
    # Fig. 4 takes the same form; no earlier reading without earlier_step
    f = ws.ws_fig04(w, {0.1: rise}, dis, step=0.1)
    assert f.verdict == "holds" and f.claim.earlier == ()


def test_ws_fig03_step_dict_bad_input():
    w, rise, dis = _extremes(10)
    with pytest.raises(ValueError, match="step must be one of the steps"):
        ws.ws_fig03(w, {0.1: rise}, dis, step=0.3)
    with pytest.raises(ValueError, match="earlier_step must be one of the steps"):
        ws.ws_fig03(w, {0.1: rise}, dis, step=0.1, earlier_step=3.0)
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig03(w, {0.1: rise, 3.0: rise[:5]}, dis, step=0.1)
    with pytest.raises(ValueError, match="earlier_step needs loss_rise as a dict"):
        ws.ws_fig03(w, rise, dis, earlier_step=3.0)
    with pytest.raises(ValueError, match=r"loss_rise\[0.1\] must be finite"):
        ws.ws_fig03(w, {0.1: rise * np.nan}, dis, step=0.1)


# ----- WS Section V: the norm bounds, Theorem 7, Proposition 8 ----------------------------------
def _section_v_row_ok(t, rid):
    c = t.claim
    assert c.id == rid and c.paper == "WS" and c.verdict in VERDICTS
    assert c.reading == ws.READINGS[rid] and str(ws.QUOTES[rid]) in c.paper_says
    second = ws.QUOTES.get(rid + " (second sentence)")
    assert second is None or str(second) in c.paper_says
    chosen = [d for d in c.sensitivity if d["chosen"]]
    assert len(chosen) == (1 if c.sensitivity else 0)
    if chosen:  # the chosen value of the knob gives the row's verdict
        assert chosen[0]["verdict"] == c.verdict


def _pairs(M=20, factor=2.0, seed=1):
    """Ten (bound, exact) pairs over M points, each bound = factor x exact."""
    rng = np.random.default_rng(seed)
    out = {}
    for k in range(10):
        ex = rng.uniform(0.1, 5.0, M)
        out[f"b{k}"] = (factor * ex, ex)
    return out


def test_ws_norm_bounds_hold_holds_when_every_bound_is_above():
    pairs = _pairs()
    t = ws.ws_norm_bounds_hold(pairs)
    _section_v_row_ok(t, "ws-norm-bounds-hold")
    assert t.verdict == "holds" and t.values["n_fail"] == 0 and t.values["n_points"] == 20
    assert t.values["median"]["b3"] == pytest.approx(2.0)
    assert all(h.all() for h in t.values["holds_at"].values())
    assert t.claim.measured.startswith("0 failures over 20 unique critical points x 10 (bound, ")
    assert "median bound/exact: b0 2, b1 2," in t.claim.measured
    assert "(round-off 1e-10 relative)" in t.claim.test
    assert [d["value"] for d in t.claim.sensitivity] == [0.0, 1e-12, 1e-10, 1e-8]
    assert {d["verdict"] for d in t.claim.sensitivity} == {"holds"}


def test_ws_norm_bounds_hold_fails_on_one_point_below():
    pairs = _pairs()
    b, ex = pairs["b4"]
    b = b.copy()
    b[7] = 0.5 * ex[7]  # one bound below its exact value at one point
    pairs["b4"] = (b, ex)
    t = ws.ws_norm_bounds_hold(pairs)
    _section_v_row_ok(t, "ws-norm-bounds-hold")
    assert t.verdict == "does not hold" and t.values["n_fail"] == 1
    assert not t.values["holds_at"]["b4"][7] and t.values["holds_at"]["b4"].sum() == 19
    assert all(d["statistic"] == "1 failures" for d in t.claim.sensitivity)
    assert t.claim.measured.startswith("1 failures over 20")


def test_ws_norm_bounds_hold_round_off_allowance_and_infinite_bounds():
    pairs = _pairs()
    b, ex = pairs["b0"]
    pairs["b0"] = (ex * (1 - 1e-12), ex)  # below by round-off only
    pairs["b1"] = (np.full(20, np.inf), pairs["b1"][1])  # a bound that does not exist
    t = ws.ws_norm_bounds_hold(pairs)
    assert t.verdict == "holds"
    assert np.isinf(t.values["median"]["b1"])
    sens = {d["value"]: d["verdict"] for d in t.claim.sensitivity}
    assert sens == {0.0: "does not hold", 1e-12: "holds", 1e-10: "holds", 1e-8: "holds"}
    strict = ws.ws_norm_bounds_hold(pairs, rtol=1e-14)
    assert strict.verdict == "does not hold" and strict.values["n_fail"] == 20
    assert "(round-off 1e-14 relative)" in strict.claim.test


def test_ws_norm_bounds_hold_without_points():
    t = ws.ws_norm_bounds_hold({"a": ([], []), "b": (np.zeros(0), np.zeros(0))})
    assert t.verdict == "does not hold" and t.values["n_points"] == 0
    assert np.isnan(t.values["median"]["a"]) and t.values["n_fail"] == 0
    assert all(d["verdict"] == "does not hold" for d in t.claim.sensitivity)
    assert "median bound/exact: a nan, b nan" in t.claim.measured


def test_ws_norm_bounds_hold_bad_input():
    with pytest.raises(ValueError, match="pairs must be a non-empty dict"):
        ws.ws_norm_bounds_hold({})
    with pytest.raises(ValueError, match=r"pairs\['a'\] must be a pair"):
        ws.ws_norm_bounds_hold({"a": np.ones(3)})
    with pytest.raises(ValueError, match=r"pairs\['b'\] must hold two arrays of 3 entries"):
        ws.ws_norm_bounds_hold({"a": (np.ones(3), np.ones(3)), "b": (np.ones(3), np.ones(2))})
    with pytest.raises(ValueError, match=r"pairs\['a'\] bound must be 1-D"):
        ws.ws_norm_bounds_hold({"a": (np.ones((2, 2)), np.ones(2))})
    with pytest.raises(ValueError, match="rtol"):
        ws.ws_norm_bounds_hold(_pairs(), rtol=-1e-10)


def _path(T=25, gamma=0.5, t_max=80.0):
    """lambda_WS along a full-confidence path: sqrt(2) R t^2 e^(-gamma t), below 2x itself."""
    ts = np.geomspace(1.0, t_max, T)
    w = 3.0 * ts**2 * np.exp(-gamma * ts)
    return ts, w, 2.0 * w


def test_ws_thm7_limit_holds_when_lambda_ws_vanishes_below_the_bound():
    ts, w, b = _path()
    t = ws.ws_thm7_limit(ts, w, b, gamma=0.5, n_samples=38)
    _section_v_row_ok(t, "ws-thm7-limit")
    v = t.values
    assert t.verdict == "holds" and v["below"] and v["decreasing"]
    assert v["drop"] == pytest.approx(w[-1] / w[0]) and v["drop"] < 1e-6
    assert v["slope"] == pytest.approx(np.log(w[-1] / w[-2]) / (ts[-1] - ts[-2]))
    assert t.claim.measured.startswith("38 separated samples, gamma = 0.5; ")
    assert "below Thm 7's bound at every t: True" in t.claim.measured
    assert "lambda_WS(t_max) <= 1e-6 lambda_WS(1)" in t.claim.test
    # listed from the loosest requirement to the strictest; the chosen one is 1e-6
    assert [d["value"] for d in t.claim.sensitivity] == [1e-3, 1e-6, 1e-9]
    assert [d["chosen"] for d in t.claim.sensitivity] == [False, True, False]


def test_ws_thm7_limit_partly_when_it_falls_too_little():
    ts, w, b = _path(gamma=2.0, t_max=8.0)  # falls all along, to 64 e^-14 = 5e-5 only
    t = ws.ws_thm7_limit(ts, w, b, gamma=2.0, n_samples=10)
    _section_v_row_ok(t, "ws-thm7-limit")
    assert t.verdict == "partly" and 1e-6 < t.values["drop"] < 1
    assert t.values["decreasing"] and t.values["drop"] == pytest.approx(64 * np.exp(-14.0))
    assert ws.ws_thm7_limit(ts, w, b, gamma=2.0, drop_max=1e-4).verdict == "holds"
    assert [d["verdict"] for d in t.claim.sensitivity] == ["holds", "partly", "partly"]


def test_ws_thm7_limit_does_not_hold_above_the_bound_or_rising():
    ts, w, b = _path()
    above = b.copy()
    above[3] = 0.9 * w[3]  # lambda_WS above the proof's bound at one t
    t = ws.ws_thm7_limit(ts, w, above, gamma=0.5, n_samples=10)
    assert t.verdict == "does not hold" and not t.values["below"]
    assert "below Thm 7's bound at every t: False" in t.claim.measured
    rising = w.copy()
    rising[-1] = 2 * rising[-2]  # rises at the end, still far below lambda_WS(1) ...
    t = ws.ws_thm7_limit(ts, rising, 2 * rising, gamma=0.5, n_samples=10)
    assert t.values["drop"] < 1e-6 and t.verdict == "holds"  # ... so the drop decides
    t = ws.ws_thm7_limit(ts, rising, 2 * rising, gamma=0.5, drop_max=1e-30)
    assert not t.values["decreasing"] and t.verdict == "does not hold"


def test_ws_thm7_limit_without_a_path():
    t = ws.ws_thm7_limit([], [], [])
    _section_v_row_ok(t, "ws-thm7-limit")
    v = t.values
    assert t.verdict == "does not hold" and t.claim.sensitivity == () and v["note"]
    assert np.isnan(v["gamma"]) and np.isnan(v["drop"]) and np.isnan(v["slope"])
    assert t.claim.measured == (
        "0 separated samples, gamma = nan; lambda_WS(t_max)/lambda_WS(1) = nan; below Thm 7's "
        "bound at every t: False; last log-slope nan"
    )


def test_ws_thm7_limit_bad_input():
    ts, w, b = _path()
    with pytest.raises(ValueError, match="same length"):
        ws.ws_thm7_limit(ts, w[:-1], b, gamma=0.5)
    with pytest.raises(ValueError, match="gamma must be a positive number"):
        ws.ws_thm7_limit(ts, w, b)  # a path needs its margin
    with pytest.raises(ValueError, match="ts must have at least 2 points"):
        ws.ws_thm7_limit(ts[:1], w[:1], b[:1], gamma=0.5)
    with pytest.raises(ValueError, match="n_samples must be an integer >= 0"):
        ws.ws_thm7_limit(ts, w, b, gamma=0.5, n_samples=-1)
    with pytest.raises(ValueError, match="drop_max"):
        ws.ws_thm7_limit(ts, w, b, gamma=0.5, drop_max=0.0)
    with pytest.raises(ValueError, match="ws_upper must be 1-D"):
        ws.ws_thm7_limit(ts, w[:, None], b, gamma=0.5)


def _spectra(M=12, n=5, seed=2):
    """Traces, lambda_WS and extreme eigenvalues of M random PSD matrices of size n."""
    rng = np.random.default_rng(seed)
    e = np.sort(rng.uniform(0.0, 3.0, (M, n)), axis=1)
    tr, tr2 = e.sum(axis=1), (e**2).sum(axis=1)
    ws_upper = 0.5 * (e[:, -1] + tr)  # between lambda_max and tr(H), as Prop. 8 allows
    return dict(
        trace=tr, trace_squared=tr2, ws_upper=ws_upper, lambda_min=e[:, 0], lambda_max=e[:, -1]
    ), n


def test_ws_prop8_psd_holds_at_psd_hessians():
    a, n = _spectra()
    t = ws.ws_prop8_psd(**a, n_params=n)
    _section_v_row_ok(t, "ws-prop8-psd")
    assert t.verdict == "holds" and t.values["n_psd"] == t.values["n_ok"] == 12
    assert t.claim.measured == "12 of 12 PSD critical points (of 12) satisfy all four inequalities"
    assert [d["value"] for d in t.claim.sensitivity] == [0.0, 1e-12, 1e-10, 1e-8, 1e-6]
    # an indefinite Hessian is not tested, whatever its traces
    a["lambda_min"][0], a["ws_upper"][0] = -1.0, 10 * a["trace"][0]
    t = ws.ws_prop8_psd(**a, n_params=n)
    assert t.verdict == "holds" and t.values["n_psd"] == 11 and not t.values["psd"][0]


def test_ws_prop8_psd_does_not_hold_on_one_failure_or_no_psd_point():
    a, n = _spectra()
    a["ws_upper"][4] = 1.01 * a["trace"][4]  # lambda_WS above tr(H) at a PSD point
    t = ws.ws_prop8_psd(**a, n_params=n)
    _section_v_row_ok(t, "ws-prop8-psd")
    assert t.verdict == "does not hold" and (t.values["n_psd"], t.values["n_ok"]) == (12, 11)
    a, n = _spectra()
    a["trace_squared"][2] = 1.01 * a["trace"][2] ** 2  # tr(H^2) above tr(H)^2
    assert ws.ws_prop8_psd(**a, n_params=n).verdict == "does not hold"
    a, n = _spectra()
    a["lambda_min"] = -np.ones(12)
    t = ws.ws_prop8_psd(**a, n_params=n)
    assert t.verdict == "does not hold" and t.values["n_psd"] == 0


def test_ws_prop8_psd_round_off_and_its_sensitivity():
    a, n = _spectra()
    a["lambda_min"][5] = -1e-9 * a["lambda_max"][5]  # PSD only with a loose allowance ...
    a["ws_upper"][5] = 2.0 * a["trace"][5]  # ... and failing there
    t = ws.ws_prop8_psd(**a, n_params=n)
    assert t.verdict == "holds" and t.values["n_psd"] == 11
    sens = {d["value"]: (d["statistic"], d["verdict"]) for d in t.claim.sensitivity}
    assert sens[1e-10] == ("11 of 11 PSD points satisfy Prop. 8", "holds")
    assert sens[1e-8] == ("11 of 12 PSD points satisfy Prop. 8", "does not hold")
    assert ws.ws_prop8_psd(**a, n_params=n, psd_rtol=1e-8).verdict == "does not hold"
    # the four inequalities hold to rtol relative: a violation of 1e-12 is round-off
    a, n = _spectra()
    a["ws_upper"][0] = a["trace"][0] * (1 + 1e-12)
    assert ws.ws_prop8_psd(**a, n_params=n).verdict == "holds"
    assert ws.ws_prop8_psd(**a, n_params=n, rtol=0.0).verdict == "does not hold"


def test_ws_prop8_psd_bad_input():
    a, n = _spectra()
    with pytest.raises(ValueError, match="same length"):
        ws.ws_prop8_psd(**{**a, "lambda_min": a["lambda_min"][:-1]}, n_params=n)
    with pytest.raises(ValueError, match="n_params must be a positive integer"):
        ws.ws_prop8_psd(**a, n_params=0)
    with pytest.raises(ValueError, match="psd_rtol"):
        ws.ws_prop8_psd(**a, n_params=n, psd_rtol=-1.0)
    with pytest.raises(ValueError, match="trace must be 1-D"):
        ws.ws_prop8_psd(**{**a, "trace": a["trace"][:, None]}, n_params=n)
