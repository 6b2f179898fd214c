"""hsr.claims.ws: the tests of the WS paper's claims, statement by statement, on data built for
each statement to hold, to hold partly and not to hold, and on bad input. (The headline rows
WS Figs. 2, 7 and 11 are also tested in test_verdicts.py.)"""

from __future__ import annotations

import re

import numpy as np
import pytest

from hsr.claims import ws
from hsr.claims.ledger import UNCHECKABLE, VERDICTS, combine_verdicts
from hsr.experiments.stats import rank_sum_pvalue

RNG = np.random.default_rng(0)

#: the rows of WS Section V beyond the figures (book/spec/norm-bounds.yml)
SECTION_V = {"ws-norm-bounds-hold", "ws-thm7-limit", "ws-prop8-psd"}
ROWS = {f"ws-fig{k:02d}" for k in range(1, 14)} | SECTION_V


def _norm(text: str) -> str:
    return " ".join(text.replace("\u201c", '"').replace("\u201d", '"').split())


def _quoted_text(rid: str) -> str:
    """Every sentence row ``rid`` quotes, normalised."""
    return " ".join(
        _norm(q.text) for k, q in ws.QUOTES.items() if k == rid or k.startswith(rid + " (")
    )


def _says_is_quoted(says: str, rid: str) -> bool:
    """A statement's words are its row's quote: [...] marks symbols the text lost, ... words
    left out; every other piece occurs verbatim."""
    pieces = re.sub(r"\[[^\]]*\]", " ", says).split("...")
    text = _quoted_text(rid)
    return all(_norm(p).strip(" ,.:") in text for p in pieces if _norm(p).strip(" ,.:"))


def _row_ok(t, rid):
    """The row's identity, quote and reading, and its statements: ids unique and prefixed by
    the row's, words quoted, the row's verdict their combination, each checked statement with
    a sensitivity whose chosen values give the statement's verdict."""
    c = t.claim
    assert c.id == rid and c.paper == "WS" and c.verdict in VERDICTS
    assert str(ws.QUOTES[rid]) in c.paper_says and c.reading == ws.READINGS[rid]
    assert c.statements and c.sensitivity == ()
    checked = [st["verdict"] for st in c.statements if st["verdict"] != UNCHECKABLE]
    assert c.verdict == (combine_verdicts(checked) if checked else "not tested at this scale")
    for st in c.statements:
        assert st["id"] == rid or st["id"].startswith(rid + "-"), st["id"]
        assert _says_is_quoted(st["says"], rid), (rid, st["says"])
        if st["verdict"] == UNCHECKABLE:
            assert st["why"] and not st["sensitivity"]
            continue
        for knob in {d["knob"] for d in st["sensitivity"]}:
            entries = [d for d in st["sensitivity"] if d["knob"] == knob]
            assert [d["value"] for d in entries] == sorted(d["value"] for d in entries) or [
                d["value"] for d in entries
            ] == sorted((d["value"] for d in entries), reverse=True), (rid, knob)
            chosen = [d for d in entries if d["chosen"]]
            assert len(chosen) == 1 and len(entries) >= 2, (rid, knob)
            assert chosen[0]["verdict"] == st["verdict"], (rid, st["id"], knob)
            assert all(d["verdict"] in VERDICTS for d in entries)
    return {st["id"].removeprefix(rid + "-"): st for st in c.statements}


def _v(t, rid):
    """The statements' verdicts of a row, by short id."""
    return {k: st["verdict"] for k, st in _row_ok(t, rid).items()}


def test_every_row_has_a_quote_a_reading_and_a_function():
    assert {re.sub(r" \(.*\)$", "", k) for k in ws.QUOTES} == ROWS
    assert set(ws.READINGS) == ROWS
    for rid in ROWS:
        assert callable(getattr(ws, rid.replace("-", "_")))
        assert all(r.strip() for r in ws.READINGS.values())


def test_the_quote_check_can_fail():
    assert _says_is_quoted("the loss at the critical point is [very] sharply peaked", "ws-fig03")
    assert not _says_is_quoted("the loss at the critical point is very sharply peaked", "ws-fig03")
    assert not _says_is_quoted("sharply ... the boundaries are straight", "ws-fig03")


# ----- WS Fig. 1 --------------------------------------------------------------------------------
def test_ws_fig01_all_some_or_no_checks_pass():
    small, ok = np.full(5, 1e-14), np.ones(5, bool)
    t = ws.ws_fig01(small, small, ok, ok)
    assert _v(t, "ws-fig01") == {"ws-fig01": "holds"}
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


# ----- WS Fig. 2 --------------------------------------------------------------------------------
def test_ws_fig02_each_statement_holds_partly_or_not():
    lmax = RNG.uniform(0.1, 1.0, 200)
    t = ws.ws_fig02(1.2 * lmax, lmax)
    v = _v(t, "ws-fig02")
    assert v == {"bound": "holds", "close": "holds", "effective": UNCHECKABLE}
    assert t.verdict == "holds" and t.values["median_ratio"] == pytest.approx(1.2)
    assert _v(ws.ws_fig02(3.0 * lmax, lmax), "ws-fig02")["close"] == "partly"
    loose = ws.ws_fig02(10.0 * lmax, lmax)
    assert _v(loose, "ws-fig02")["close"] == "does not hold" and loose.verdict == "partly"
    # the earlier single rule (the weaker of the two) kept beside the new one
    assert loose.claim.earlier[0]["verdict"] == "does not hold"
    w = 1.2 * lmax
    w[:20] = 0.5 * lmax[:20]  # 10% of the points above the bound: partly
    assert _v(ws.ws_fig02(w, lmax), "ws-fig02")["bound"] == "partly"
    w[:150] = 0.5 * lmax[:150]  # 75% above
    bad = ws.ws_fig02(w, lmax)
    assert _v(bad, "ws-fig02")["bound"] == "does not hold" and bad.verdict == "partly"
    none = ws.ws_fig02(np.zeros(0), np.zeros(0))
    assert none.verdict == "does not hold" and none.values["note"]


# ----- WS Figs. 3 and 4 -------------------------------------------------------------------------
def _extremes(n=100):
    """lambda_WS = 0..n-1; rise, boundary length, disagreement and lambda_max grow with it (the
    paper's picture)."""
    w = np.arange(float(n))
    return dict(
        ws_upper=w, loss_rise=w**2, boundary_length=w / 10, disagreement=w / n, lambda_max=0.9 * w
    )


def _with(d, **changes):
    out = {k: v.copy() for k, v in d.items()}
    for key, (idx, val) in changes.items():
        out[key][idx] = val
    return out


def test_ws_fig03_two_statements_each_holds_or_not():
    d = _extremes()
    t = ws.ws_fig03(**d)
    assert _v(t, "ws-fig03") == {"sharp": "holds", "distorted": "holds"}
    assert t.verdict == "holds" and list(t.values["idx"]) == [99, 98]
    assert t.values["ws_1"] == 99.0 and t.values["rise_pct_1"] == 100.0
    assert t.values["p_length"] == pytest.approx(1 / 4950)  # the top pair of 100 points
    # the shown points flat: the sharp statement fails, the distorted one still holds
    flat = ws.ws_fig03(**_with(d, loss_rise=([98, 99], 0.0)))
    assert _v(flat, "ws-fig03") == {"sharp": "does not hold", "distorted": "holds"}
    assert flat.verdict == "partly"
    one = ws.ws_fig03(**_with(d, loss_rise=([99], 0.0)))  # one of the two sharp
    assert _v(one, "ws-fig03")["sharp"] == "partly"
    # boundaries of ordinary length: not significantly distorted
    plain = ws.ws_fig03(**_with(d, boundary_length=([98, 99], 5.0)))
    assert _v(plain, "ws-fig03") == {"sharp": "holds", "distorted": "does not hold"}
    # ranks 96 and 86 of 100: p = 0.018, between 1% and 5%
    mid = ws.ws_fig03(**_with(d, boundary_length=([99, 98], [9.55, 8.55])))
    assert 0.01 < mid.values["p_length"] < 0.05
    assert _v(mid, "ws-fig03")["distorted"] == "partly"
    rev = {k: v[::-1] if k != "ws_upper" else v for k, v in d.items()}
    assert ws.ws_fig03(**rev).verdict == "does not hold"
    few = ws.ws_fig03(**{k: v[:1] for k, v in d.items()})
    assert few.verdict == "does not hold" and "fewer than n_show = 2" in few.values["note"]
    assert np.isnan(few.values["ws_2"]) and few.values["ws_1"] == 0.0


def test_ws_fig03_distortion_is_a_permutation_test_at_the_papers_level():
    d = _extremes()
    t = ws.ws_fig03(**d)
    st = _row_ok(t, "ws-fig03")["distorted"]
    assert "p < 0.01" in st["test"] and "HSR Fig. 15" in st["test"]
    by = {(e["knob"], e["value"]): e for e in st["sensitivity"]}
    # the second measure (the Bayes disagreement) is in the sensitivity, not in the verdict
    bayes = by[("measure of distortion", "Bayes disagreement")]
    assert bayes["statistic"] == pytest.approx(rank_sum_pvalue(d["disagreement"], [99, 98]))
    assert by[("measure of distortion", "boundary length")]["chosen"]
    lax = ws.ws_fig03(**_with(d, boundary_length=([99, 98], [9.55, 8.55])), alpha=0.05)
    assert _v(lax, "ws-fig03")["distorted"] == "holds"


def test_ws_fig03_sharpness_is_lambda_max_in_disguise():
    """The check of "sharply peaked" reads lambda_max: the row says so with its numbers."""
    d = _extremes()
    d["loss_rise"] = 0.5 * d["lambda_max"] * 0.1**2  # exactly the quadratic term at t = 0.1
    t = ws.ws_fig03(**{**d, "loss_rise": {0.1: d["loss_rise"]}}, step=0.1)
    assert t.values["quadratic_ratio"] == pytest.approx(1.0)
    assert t.values["rho_rise_lambda_max"] == pytest.approx(1.0)
    assert t.values["lmax_pct_1"] == 100.0
    assert "lambda_max percentile 100" in _row_ok(t, "ws-fig03")["sharp"]["measured"]


def test_ws_fig04_flat_and_simple_or_not():
    d = _extremes()
    t = ws.ws_fig04(**d, n_show=3)
    assert _v(t, "ws-fig04") == {"flat": "holds", "simple": "holds"}
    assert list(t.values["idx"]) == [0, 1, 2]
    sharp = {**d, "loss_rise": d["loss_rise"][::-1]}  # simple but sharp
    assert _v(ws.ws_fig04(**sharp), "ws-fig04") == {"flat": "does not hold", "simple": "holds"}
    long_ = {**d, "boundary_length": d["boundary_length"][::-1]}  # flat but distorted
    assert _v(ws.ws_fig04(**long_), "ws-fig04") == {"flat": "holds", "simple": "does not hold"}
    mid = ws.ws_fig04(**_with(d, boundary_length=([0, 1], [0.45, 1.45])))  # ranks 5 and 15
    assert _v(mid, "ws-fig04")["simple"] == "partly"
    none = ws.ws_fig04(**{k: np.zeros(0) for k in d})
    assert none.verdict == "does not hold" and none.values["note"]


def test_ws_fig03_local_step_with_the_earlier_readings_kept():
    d = _extremes()
    far = d["loss_rise"].copy()
    far[[98, 99]] = 0.0  # flat at the far step
    t = ws.ws_fig03(
        **{**d, "loss_rise": {0.1: d["loss_rise"], 3.0: far}}, step=0.1, earlier_step=3.0
    )
    sts = _row_ok(t, "ws-fig03")
    assert t.verdict == "holds" and "t = 0.1" in sts["sharp"]["test"]
    at_far, published = t.claim.earlier
    assert at_far["verdict"] == "partly" and "t = 3" in at_far["test"]
    assert "2 of 4 checks pass" in at_far["measured"] and t.values["verdict_earlier"] == "partly"
    assert published["verdict"] == "holds" and "median" in published["test"]
    steps = [e for e in sts["sharp"]["sensitivity"] if e["knob"] == "step t of the loss rise"]
    assert [(e["value"], e["verdict"], e["chosen"]) for e in steps] == [
        (0.1, "holds", True),
        (3.0, "does not hold", False),
    ]
    assert t.values["rise_pct_earlier_1"] < t.values["rise_pct_1"]
    f = ws.ws_fig04(**{**d, "loss_rise": {0.1: d["loss_rise"]}}, step=0.1)
    assert f.verdict == "holds" and len(f.claim.earlier) == 1  # the published single rule


def test_ws_fig03_04_bad_input():
    d = _extremes(10)
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig03(**{**d, "loss_rise": d["loss_rise"][:5]})
    with pytest.raises(ValueError, match="loss_rise must be finite"):
        ws.ws_fig04(**{**d, "loss_rise": np.full(10, np.nan)})
    with pytest.raises(ValueError, match="n_show"):
        ws.ws_fig03(**d, n_show=0)
    with pytest.raises(ValueError, match="boundary_length must hold lengths"):
        ws.ws_fig03(**{**d, "boundary_length": -d["boundary_length"] - 1})
    with pytest.raises(ValueError, match="alpha must be a significance level"):
        ws.ws_fig03(**d, alpha=1.5)
    with pytest.raises(ValueError, match="step must be one of the steps"):
        ws.ws_fig03(**{**d, "loss_rise": {0.1: d["loss_rise"]}}, step=0.3)
    with pytest.raises(ValueError, match="earlier_step must be one of the steps"):
        ws.ws_fig03(**{**d, "loss_rise": {0.1: d["loss_rise"]}}, step=0.1, earlier_step=3.0)
    with pytest.raises(ValueError, match="earlier_step needs loss_rise as a dict"):
        ws.ws_fig03(**d, earlier_step=3.0)
    with pytest.raises(ValueError, match=r"loss_rise\[0.1\] must be finite"):
        ws.ws_fig03(**{**d, "loss_rise": {0.1: d["loss_rise"] * np.nan}}, step=0.1)


# ----- WS Fig. 5 --------------------------------------------------------------------------------
def _run(loss0, loss1, ws0, ws1, ratio=1.5, T=50):
    lam = np.linspace(ws0, ws1, T)
    return dict(loss=np.linspace(loss0, loss1, T), ws_upper=ratio * lam, lambda_max=lam)


def test_ws_fig05_each_kind_of_dynamics_and_tracking():
    hi, lo = _run(0.7, 0.1, 1.0, 3.0), _run(0.7, 0.2, 1.0, 0.9)
    t = ws.ws_fig05(hi, lo, n_unique=10)
    v = _v(t, "ws-fig05")
    assert v == {"rising": "holds", "steady": "holds", "tracks": "holds", "numerical": UNCHECKABLE}
    assert t.verdict == "holds" and t.values["n_recorded"] == 100
    # both rise: the second kind is missing, the first holds
    same = ws.ws_fig05(hi, _run(0.7, 0.2, 1.0, 3.0), n_unique=10)
    assert _v(same, "ws-fig05")["steady"] == "does not hold" and same.verdict == "partly"
    assert same.claim.earlier[0]["verdict"] == "partly"  # 3 of the 4 checks of the old rule
    flat_hi = ws.ws_fig05(_run(0.7, 0.1, 1.0, 1.05), lo, n_unique=10)  # rises by 5% only
    assert _v(flat_hi, "ws-fig05")["rising"] == "does not hold"
    up = ws.ws_fig05(_run(0.1, 0.7, 1.0, 3.0), lo, n_unique=10)  # the loss rises
    assert _v(up, "ws-fig05")["rising"] == "does not hold"
    loose = ws.ws_fig05(_run(0.7, 0.1, 1.0, 3.0, ratio=3), _run(0.7, 0.2, 1, 0.9, ratio=3), 10)
    assert _v(loose, "ws-fig05")["tracks"] == "does not hold" and loose.verdict == "partly"
    half = ws.ws_fig05(_run(0.7, 0.1, 1.0, 3.0), _run(0.7, 0.2, 1, 0.9, ratio=3), 10)
    assert _v(half, "ws-fig05")["tracks"] == "partly"  # 50 of 100 points within 2x
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
def test_ws_fig06_three_statements():
    t = ws.ws_fig06(RNG.lognormal(0, 1, 400))  # skewness ~ 6, a long far-out tail
    assert _v(t, "ws-fig06") == {"skewed": "holds", "concentrated": "holds", "tail": "holds"}
    assert t.values["low"].size + t.values["high"].size == 400 and t.values["high"].size == 40
    mild = ws.ws_fig06(RNG.gamma(9, 1, 4000))  # skewness 2/3, mild outliers only
    assert _v(mild, "ws-fig06") == {
        "skewed": "partly",
        "concentrated": "partly",
        "tail": "partly",
    }
    sym = ws.ws_fig06(RNG.normal(10, 1, 400))
    assert _v(sym, "ws-fig06") == {
        "skewed": "does not hold",
        "concentrated": "does not hold",
        "tail": "does not hold",
    }
    # a fifth of the points far out: skewed, but not "a few" exceptional cases
    many = ws.ws_fig06(np.r_[RNG.normal(1, 0.05, 320), RNG.normal(5, 0.05, 80)])
    assert _v(many, "ws-fig06")["tail"] == "does not hold"
    two = ws.ws_fig06([1.0, 2.0])
    assert two.verdict == "does not hold" and "too few" in two.values["note"]
    assert np.isnan(ws.ws_fig06([]).values["q"])
    with pytest.raises(ValueError, match="frac_high"):
        ws.ws_fig06(np.ones(5), frac_high=0.0)


# ----- WS Fig. 7 --------------------------------------------------------------------------------
def _f1(n=300, high_shift=-0.2, high_sd=0.05, low_sd=0.01, seed=0):
    rng = np.random.default_rng(seed)
    w = np.arange(float(n))
    high = w >= 0.9 * n
    f1 = np.where(
        high, 0.8 + high_shift + rng.normal(0, high_sd, n), 0.8 + rng.normal(0, low_sd, n)
    )
    return w, f1


def test_ws_fig07_three_statements():
    t = ws.ws_fig07(*_f1())
    v = _v(t, "ws-fig07")
    assert v == {"spread": "holds", "median": "holds", "mann-whitney": "holds"}
    assert t.values["high"].size == 30 and t.values["p_spread"] < 0.01
    # worse but as stable as Low: the spread statement fails alone
    steady = ws.ws_fig07(*_f1(high_sd=0.01))
    assert _v(steady, "ws-fig07") == {
        "spread": "does not hold",
        "median": "holds",
        "mann-whitney": "holds",
    }
    assert steady.verdict == "partly"
    # better and wider: a significant difference in the other direction
    better = ws.ws_fig07(*_f1(high_shift=0.1))
    assert _v(better, "ws-fig07")["median"] == "does not hold"
    assert _v(better, "ws-fig07")["mann-whitney"] == "holds"
    assert better.claim.earlier[0]["verdict"] == "does not hold"  # the old one-rule reading
    same = ws.ws_fig07(*_f1(high_shift=0.0, high_sd=0.01))
    assert _v(same, "ws-fig07")["mann-whitney"] == "does not hold"
    few = ws.ws_fig07(np.arange(3.0), np.ones(3))
    assert few.verdict == "does not hold" and "too few" in few.claim.measured.lower()
    with pytest.raises(ValueError, match="frac_high"):
        ws.ws_fig07(*_f1(), frac_high=1.5)


def test_ws_fig07_mann_whitney_partly_between_the_levels():
    # find a shift whose p lies between 1% and 5% (the test is two-sided, no direction)
    w, f1 = _f1(high_shift=0.0, high_sd=0.01, low_sd=0.01, seed=4)
    for shift in np.linspace(0.0, 0.01, 101):
        g = f1 - shift * (w >= 270)
        t = ws.ws_fig07(w, g)
        if 0.01 < t.values["p"] < 0.05:
            break
    else:  # pragma: no cover - the grid is fine enough
        pytest.fail("no shift gives 0.01 < p < 0.05")
    assert _v(t, "ws-fig07")["mann-whitney"] == "partly"


# ----- WS Figs. 8 and 9 -------------------------------------------------------------------------
def test_ws_fig08_within_tolerance_or_not():
    size = RNG.uniform(1, 10, 100)
    t = ws.ws_fig08(1e-6 * size, size)
    assert _v(t, "ws-fig08") == {"ws-fig08": "holds"} and t.values["pct_ok"] == 100.0
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


def test_ws_fig09_one_statement_per_trace():
    t1, t2 = RNG.uniform(1, 5, 50), RNG.uniform(1, 25, 50)
    t = ws.ws_fig09(t1 * (1 + 1e-8), t1, t2 * (1 - 1e-8), t2)
    assert _v(t, "ws-fig09") == {"trace": "holds", "trace-squared": "holds"}
    assert t.values["maxrel_tr"] == pytest.approx(1e-8, rel=1e-6)
    bad2 = t2.copy()
    bad2[:20] *= 1.1  # tr(H^2) off at 40% of the points
    part = ws.ws_fig09(t1, t1, bad2, t2)
    assert _v(part, "ws-fig09") == {"trace": "holds", "trace-squared": "partly"}
    off = ws.ws_fig09(t1 * 1.1, t1, t2, t2)
    assert _v(off, "ws-fig09") == {"trace": "does not hold", "trace-squared": "holds"}
    assert off.verdict == "partly" and off.claim.earlier[0]["verdict"] == "does not hold"
    assert ws.ws_fig09([], [], [], []).verdict == "does not hold"
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig09(t1, t1, t2[:3], t2[:3])
    with pytest.raises(ValueError, match="tr_cf must be finite"):
        ws.ws_fig09(t1, np.full(50, np.inf), t2, t2)


# ----- WS Fig. 10 -------------------------------------------------------------------------------
def test_ws_fig10_two_statements():
    n = 300
    n2 = RNG.uniform(1, 10, n)
    w = n2 + RNG.normal(0, 1, n)  # grows with |theta2|
    n1 = RNG.uniform(1, 10, n)  # unrelated
    t = ws.ws_fig10(w, n1, n2)
    assert _v(t, "ws-fig10") == {"theta2": "holds", "theta1": "holds"}
    linked = ws.ws_fig10(w, n2 + RNG.normal(0, 3, n), n2)  # theta1 strongly linked too
    assert _v(linked, "ws-fig10")["theta1"] == "does not hold" and linked.verdict == "partly"
    weak = ws.ws_fig10(w, n1, w + RNG.normal(0, 12, n))  # a weak positive link only
    assert _v(weak, "ws-fig10")["theta2"] in ("partly", "does not hold")
    assert _v(ws.ws_fig10(w, n1, -n2), "ws-fig10")["theta2"] == "does not hold"
    few = ws.ws_fig10([1.0, 2.0], [1.0, 2.0], [1.0, 2.0])
    assert few.verdict == "does not hold" and "undefined" in few.values["note"]
    with pytest.raises(ValueError, match="same length"):
        ws.ws_fig10(w, n1[:5], n2)


# ----- WS Fig. 11 -------------------------------------------------------------------------------
def test_ws_fig11_two_statements():
    narrow, wide = RNG.uniform(0, 1, 100), RNG.uniform(0.5, 1.5, 100)
    t = ws.ws_fig11(narrow, wide)
    assert _v(t, "ws-fig11") == {"higher": "holds", "difference": "holds"}
    rev = ws.ws_fig11(wide, narrow)  # significant, the other way
    assert _v(rev, "ws-fig11") == {"higher": "does not hold", "difference": "holds"}
    assert rev.verdict == "partly" and rev.claim.earlier[0]["verdict"] == "does not hold"
    same = ws.ws_fig11(narrow, narrow + 1e-3)  # higher, by a hair, and not significantly
    assert _v(same, "ws-fig11") == {"higher": "holds", "difference": "does not hold"}
    mid = ws.ws_fig11(np.arange(20.0), np.arange(20.0) + 5.0)  # p = 0.019
    assert 0.01 < mid.values["p"] < 0.05 and _v(mid, "ws-fig11")["difference"] == "partly"
    few = ws.ws_fig11(narrow[:1], wide)
    assert few.verdict == "does not hold" and "too few" in few.values["note"].lower()


# ----- WS Fig. 12 -------------------------------------------------------------------------------
def test_ws_fig12_lower_envelope():
    g = RNG.uniform(0, 10, 500)
    w = g + RNG.exponential(5, 500)  # the floor rises with g
    t = ws.ws_fig12(w, g)
    assert _v(t, "ws-fig12") == {"ws-fig12": "holds"} and len(t.values["bins"]) == 10
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
    assert _v(t, "ws-fig13") == {"ws-fig13": "holds"} and t.values["n_checks"] == 15
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


# ----- sensitivity: every threshold re-applied; at the chosen value, the statement's verdict -----
def _cases():
    d = _extremes()
    g = RNG.uniform(0, 10, 200)
    lmax = RNG.uniform(0.1, 1.0, 200)
    return {
        "ws-fig01": ws.ws_fig01(
            np.full(5, 1e-11), np.full(5, 1e-13), np.ones(5, bool), np.ones(5, bool)
        ),
        "ws-fig02": ws.ws_fig02(1.6 * lmax, lmax),
        "ws-fig03": ws.ws_fig03(**d),
        "ws-fig04": ws.ws_fig04(**{**d, "loss_rise": d["loss_rise"][::-1]}),
        "ws-fig05": ws.ws_fig05(_run(0.7, 0.1, 1.0, 1.15), _run(0.7, 0.2, 1.0, 0.9, ratio=1.9), 5),
        "ws-fig06": ws.ws_fig06(RNG.gamma(9, 1, 2000)),
        "ws-fig07": ws.ws_fig07(*_f1(200)),
        "ws-fig08": ws.ws_fig08(np.full(200, 5e-5), RNG.uniform(0.1, 1, 200)),
        "ws-fig09": ws.ws_fig09(lmax * (1 + 2e-4), lmax, lmax, lmax),
        "ws-fig10": ws.ws_fig10(g + RNG.normal(0, 4, 200), RNG.uniform(0, 1, 200), g),
        "ws-fig11": ws.ws_fig11(RNG.uniform(0, 1, 30), RNG.uniform(0.2, 1.2, 30)),
        "ws-fig12": ws.ws_fig12(g + RNG.exponential(5, 200), g),
        "ws-fig13": ws.ws_fig13(np.full((5, 3), 1e-7)),
    }


def test_every_statement_its_sensitivity_marks_the_chosen_value():
    for rid, t in _cases().items():
        sts = _row_ok(t, rid)
        assert all(st["sensitivity"] for st in sts.values() if st["verdict"] != UNCHECKABLE), rid


def test_sensitivity_follows_the_threshold():
    by = {}  # (row, statement, knob prefix) -> {value: verdict}
    for rid, t in _cases().items():
        for st in t.claim.statements:
            for e in st["sensitivity"]:
                key = (rid, st["id"].removeprefix(rid + "-"), e["knob"].split(" ")[0])
                by.setdefault(key, {})[e["value"]] = e["verdict"]
    # ws-fig01: outputs differ by 1e-11: fail at 1e-12 and below, pass at 1e-10 and above
    assert by[("ws-fig01", "ws-fig01", "rel_tol")] == {
        1e-14: "partly",
        1e-12: "partly",
        1e-10: "holds",
        1e-8: "holds",
        1e-6: "holds",
    }
    # ws-fig02: the overshoot is 1.6, tight below 2 but not below 1.5
    tight = by[("ws-fig02", "close", "median")]
    assert tight[1.5] == "partly" and tight[2.0] == "holds"
    # ws-fig05: the highest run rises by 15%: enough for 1.1, not for 1.2
    rise = by[("ws-fig05", "rising", "factor")]
    assert rise[1.1] == "holds" and rise[1.2] == "does not hold"
    # ws-fig08: every difference 5e-5 against |H|_F <= 1: passes only from rtol 1e-4 on
    assert by[("ws-fig08", "ws-fig08", "rtol")][1e-5] == "does not hold"
    assert by[("ws-fig08", "ws-fig08", "rtol")][1e-3] == "holds"
    # ws-fig09: a relative error of 2e-4 in tr(H) fails at rtol 1e-4, passes at 1e-3
    assert by[("ws-fig09", "trace", "rtol")][1e-4] == "does not hold"
    assert by[("ws-fig09", "trace", "rtol")][1e-3] == "holds"
    assert set(by[("ws-fig09", "trace-squared", "rtol")].values()) == {"holds"}
    # ws-fig13: errors of 1e-7 pass at 1e-6 and 1e-4, fail at 1e-8
    assert by[("ws-fig13", "ws-fig13", "abs_tol")] == {
        1e-10: "does not hold",
        1e-8: "does not hold",
        1e-6: "holds",
        1e-4: "holds",
    }
    # ws-fig12: the chosen n_bins is in the grid once
    assert 10 in by[("ws-fig12", "ws-fig12", "n_bins")]
    assert len(by[("ws-fig12", "ws-fig12", "n_bins")]) == 5
    # ws-fig03: the top pair of 100 points, p = 2e-4: significant at every level tried
    assert set(by[("ws-fig03", "distorted", "significance")].values()) == {"holds"}


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


# ----- WS Section V: the norm bounds, Theorem 7, Proposition 8 ----------------------------------
def _pairs(M=20, factor=2.0, seed=1):
    """The paper's six bounds and two of ours, each bound = factor x exact, over M points."""
    rng = np.random.default_rng(seed)
    out = {}
    for name in (*ws.norm_bounds.PAPER_BOUNDS, "weighted", "lambda-max"):
        ex = rng.uniform(0.1, 5.0, M)
        out[name] = (factor * ex, ex)
    return out


def test_ws_norm_bounds_hold_one_statement_per_bound_of_the_paper():
    pairs = _pairs()
    t = ws.ws_norm_bounds_hold(pairs)
    v = _v(t, "ws-norm-bounds-hold")
    assert v == dict.fromkeys(("thm3", "thm4", "prop5", "thm6", "prop6", "prop7"), "holds")
    assert t.verdict == "holds" and t.values["n_fail"] == 0 and t.values["n_points"] == 20
    assert t.values["median"]["thm3"] == pytest.approx(2.0)
    assert t.values["ours"] == ["weighted", "lambda-max"]
    st = _row_ok(t, "ws-norm-bounds-hold")["thm3"]
    assert st["measured"].startswith("Theorem 3 (Eq. (22)), tr(H): 0 of 20 unique critical")
    assert "(round-off 1e-10 relative)" in st["test"]
    assert [d["value"] for d in st["sensitivity"]] == [0.0, 1e-12, 1e-10, 1e-8]


def test_ws_norm_bounds_hold_one_bound_below_at_one_point():
    pairs = _pairs()
    b, ex = pairs["prop6"]
    b = b.copy()
    b[7] = 0.5 * ex[7]
    pairs["prop6"] = (b, ex)
    t = ws.ws_norm_bounds_hold(pairs)
    v = _v(t, "ws-norm-bounds-hold")
    assert v["prop6"] == "does not hold" and v["thm6"] == "holds" and t.verdict == "partly"
    assert t.values["n_fail"] == 1 and not t.values["holds_at"]["prop6"][7]
    assert t.claim.earlier[0]["verdict"] == "does not hold"  # the one rule over every bound
    every = {k: (0.5 * e, e) for k, (_, e) in _pairs().items()}
    assert ws.ws_norm_bounds_hold(every).verdict == "does not hold"


def test_ws_norm_bounds_hold_our_bounds_are_not_the_papers_statements():
    pairs = _pairs()
    b, ex = pairs["lambda-max"]
    pairs["lambda-max"] = (0.5 * ex, ex)  # our implied bound fails: the paper's still hold
    t = ws.ws_norm_bounds_hold(pairs)
    assert t.verdict == "holds" and t.values["n_fail_ours"] == 20 and t.values["n_fail"] == 20
    assert t.claim.earlier[0]["verdict"] == "does not hold"


def test_ws_norm_bounds_hold_round_off_and_a_bound_that_does_not_exist():
    pairs = _pairs()
    _, ex = pairs["thm4"]
    pairs["thm4"] = (ex * (1 - 1e-12), ex)  # below by round-off only
    pairs["prop7"] = (np.full(20, np.inf), pairs["prop7"][1])  # unbounded activation
    t = ws.ws_norm_bounds_hold(pairs)
    v = _v(t, "ws-norm-bounds-hold")
    assert v["thm4"] == "holds" and v["prop7"] == UNCHECKABLE and t.verdict == "holds"
    sens = {
        d["value"]: d["verdict"] for d in _row_ok(t, "ws-norm-bounds-hold")["thm4"]["sensitivity"]
    }
    assert sens == {0.0: "does not hold", 1e-12: "holds", 1e-10: "holds", 1e-8: "holds"}
    strict = ws.ws_norm_bounds_hold(pairs, rtol=1e-14)
    assert _v(strict, "ws-norm-bounds-hold")["thm4"] == "does not hold"


def test_ws_norm_bounds_hold_without_points():
    t = ws.ws_norm_bounds_hold({"thm3": ([], []), "thm6": (np.zeros(0), np.zeros(0))})
    assert t.verdict == "does not hold" and t.values["n_points"] == 0
    assert np.isnan(t.values["median"]["thm3"]) and t.values["n_fail"] == 0


def test_ws_norm_bounds_hold_bad_input():
    with pytest.raises(ValueError, match="pairs must be a non-empty dict"):
        ws.ws_norm_bounds_hold({})
    with pytest.raises(ValueError, match=r"pairs\['thm3'\] must be a pair"):
        ws.ws_norm_bounds_hold({"thm3": np.ones(3)})
    with pytest.raises(ValueError, match=r"pairs\['b'\] must hold two arrays of 3 entries"):
        ws.ws_norm_bounds_hold({"thm3": (np.ones(3), np.ones(3)), "b": (np.ones(3), np.ones(2))})
    with pytest.raises(ValueError, match=r"pairs\['thm3'\] bound must be 1-D"):
        ws.ws_norm_bounds_hold({"thm3": (np.ones((2, 2)), np.ones(2))})
    with pytest.raises(ValueError, match="at least one of the paper's bounds"):
        ws.ws_norm_bounds_hold({"ours": (np.ones(2), np.ones(2))})
    with pytest.raises(ValueError, match="rtol"):
        ws.ws_norm_bounds_hold(_pairs(), rtol=-1e-10)


def _path(T=25, gamma=0.5, t_max=80.0):
    """lambda_WS along a full-confidence path: 3 t^2 e^(-gamma t), its bound twice that, the
    spectral norm of H 0.9 times it."""
    ts = np.geomspace(1.0, t_max, T)
    w = 3.0 * ts**2 * np.exp(-gamma * ts)
    return ts, w, 2.0 * w, 0.9 * w


def test_ws_thm7_limit_holds_when_lambda_ws_and_h_vanish():
    ts, w, b, sn = _path()
    t = ws.ws_thm7_limit(ts, w, b, sn, gamma=0.5, n_samples=38)
    assert _v(t, "ws-thm7-limit") == {"zero": "holds", "flat": "holds"}
    v = t.values
    assert v["below"] and v["decreasing"] and v["drop"] < 1e-6
    assert v["drop"] == pytest.approx(w[-1] / w[0]) and v["drop_flat"] == pytest.approx(v["drop"])
    assert v["slope"] == pytest.approx(np.log(w[-1] / w[-2]) / (ts[-1] - ts[-2]))
    st = _row_ok(t, "ws-thm7-limit")["zero"]
    assert st["measured"].startswith("38 separated samples, gamma = 0.5; ")
    assert "below Thm 7's bound at every t: True" in st["measured"]
    assert "lambda_WS(t_max) <= 1e-6 lambda_WS(1)" in st["test"]
    # listed from the loosest requirement to the strictest; the chosen one is 1e-6
    assert [d["value"] for d in st["sensitivity"]] == [1e-3, 1e-6, 1e-9]
    assert [d["chosen"] for d in st["sensitivity"]] == [False, True, False]


def test_ws_thm7_limit_partly_when_it_falls_too_little():
    ts, w, b, sn = _path(gamma=2.0, t_max=8.0)  # falls all along, to 64 e^-14 = 5e-5 only
    t = ws.ws_thm7_limit(ts, w, b, sn, gamma=2.0, n_samples=10)
    assert _v(t, "ws-thm7-limit") == {"zero": "partly", "flat": "partly"}
    assert t.values["drop"] == pytest.approx(64 * np.exp(-14.0))
    assert ws.ws_thm7_limit(ts, w, b, sn, gamma=2.0, drop_max=1e-4).verdict == "holds"
    st = _row_ok(t, "ws-thm7-limit")["zero"]
    assert [d["verdict"] for d in st["sensitivity"]] == ["holds", "partly", "partly"]


def test_ws_thm7_limit_does_not_hold_above_the_bound_or_rising():
    ts, w, b, sn = _path()
    above = b.copy()
    above[3] = 0.9 * w[3]  # lambda_WS above the proof's bound at one t
    t = ws.ws_thm7_limit(ts, w, above, sn, gamma=0.5, n_samples=10)
    assert _v(t, "ws-thm7-limit") == {"zero": "does not hold", "flat": "holds"}
    assert not t.values["below"] and t.verdict == "partly"
    rising = w.copy()
    rising[-1] = 2 * rising[-2]  # rises at the end, still far below lambda_WS(1) ...
    t = ws.ws_thm7_limit(ts, rising, 2 * rising, sn, gamma=0.5, n_samples=10)
    assert t.values["drop"] < 1e-6 and _v(t, "ws-thm7-limit")["zero"] == "holds"  # drop decides
    t = ws.ws_thm7_limit(ts, rising, 2 * rising, sn, gamma=0.5, drop_max=1e-30)
    assert not t.values["decreasing"] and _v(t, "ws-thm7-limit")["zero"] == "does not hold"
    sharp = np.r_[sn[:-3], 10 * sn[0] * np.ones(3)]  # the Hessian grows at the end
    t = ws.ws_thm7_limit(ts, w, b, sharp, gamma=0.5)
    assert _v(t, "ws-thm7-limit") == {"zero": "holds", "flat": "does not hold"}


def test_ws_thm7_limit_without_a_path():
    t = ws.ws_thm7_limit([], [], [], [])
    assert _v(t, "ws-thm7-limit") == {"zero": "does not hold", "flat": "does not hold"}
    v = t.values
    assert v["note"] and np.isnan(v["gamma"]) and np.isnan(v["drop"]) and np.isnan(v["slope"])
    assert all(not st["sensitivity"] for st in t.claim.statements)


def test_ws_thm7_limit_bad_input():
    ts, w, b, sn = _path()
    with pytest.raises(ValueError, match="same length"):
        ws.ws_thm7_limit(ts, w[:-1], b, sn, gamma=0.5)
    with pytest.raises(ValueError, match="same length"):
        ws.ws_thm7_limit(ts, w, b, sn[:-1], gamma=0.5)
    with pytest.raises(ValueError, match="gamma must be a positive number"):
        ws.ws_thm7_limit(ts, w, b, sn)  # a path needs its margin
    with pytest.raises(ValueError, match="ts must have at least 2 points"):
        ws.ws_thm7_limit(ts[:1], w[:1], b[:1], sn[:1], gamma=0.5)
    with pytest.raises(ValueError, match="n_samples must be an integer >= 0"):
        ws.ws_thm7_limit(ts, w, b, sn, gamma=0.5, n_samples=-1)
    with pytest.raises(ValueError, match="drop_max"):
        ws.ws_thm7_limit(ts, w, b, sn, gamma=0.5, drop_max=0.0)
    with pytest.raises(ValueError, match="ws_upper must be 1-D"):
        ws.ws_thm7_limit(ts, w[:, None], b, sn, gamma=0.5)


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
    sts = _row_ok(t, "ws-prop8-psd")
    assert {k: st["verdict"] for k, st in sts.items()} == {
        "assumption": UNCHECKABLE,
        "relation": "holds",
    }
    assert t.verdict == "holds" and t.values["n_psd"] == t.values["n_ok"] == 12
    assert sts["relation"]["measured"] == (
        "12 of 12 PSD critical points (of 12) satisfy all four inequalities"
    )
    assert "12 of the 12 unique critical points satisfy it" in sts["assumption"]["why"]
    rel = sts["relation"]["sensitivity"]
    assert [d["value"] for d in rel] == [0.0, 1e-12, 1e-10, 1e-8, 1e-6]
    # an indefinite Hessian is not tested, whatever its traces
    a["lambda_min"][0], a["ws_upper"][0] = -1.0, 10 * a["trace"][0]
    t = ws.ws_prop8_psd(**a, n_params=n)
    assert t.verdict == "holds" and t.values["n_psd"] == 11 and not t.values["psd"][0]


def test_ws_prop8_psd_does_not_hold_on_one_failure_or_no_psd_point():
    a, n = _spectra()
    a["ws_upper"][4] = 1.01 * a["trace"][4]  # lambda_WS above tr(H) at a PSD point
    t = ws.ws_prop8_psd(**a, n_params=n)
    _row_ok(t, "ws-prop8-psd")
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
    rel = _row_ok(t, "ws-prop8-psd")["relation"]["sensitivity"]
    sens = {d["value"]: (d["statistic"], d["verdict"]) for d in rel}
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
