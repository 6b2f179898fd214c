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


def test_every_row_has_a_quote_a_reading_and_a_function():
    ids = {f"ws-fig{k:02d}" for k in range(1, 14)}
    assert set(ws.QUOTES) == ids and set(ws.READINGS) == ids
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
    assert [p["claim"] for p in t.claim.parts] == [
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
