"""verdicts: the tests of the headline claims, on data built to pass and to fail them."""

from __future__ import annotations

import numpy as np
import pytest

from hsr.claims import VERDICTS, verdicts

RNG = np.random.default_rng(0)


# ----- WS Fig. 2 --------------------------------------------------------------------------------
def test_ws_fig02_tight_loose_and_violated():
    lmax = RNG.uniform(0.1, 1.0, 200)
    assert verdicts.ws_fig02(1.2 * lmax, lmax).verdict == "holds"
    assert verdicts.ws_fig02(3.0 * lmax, lmax).verdict == "partly"  # holds, not tight
    loose = verdicts.ws_fig02(10.0 * lmax, lmax)  # an upper bound, far from tight
    assert [st["verdict"] for st in loose.claim.statements[:2]] == ["holds", "does not hold"]
    assert loose.verdict == "partly" and loose.claim.earlier[0]["verdict"] == "does not hold"
    under = verdicts.ws_fig02(0.5 * lmax, lmax)  # below lambda_max: no bound, and a factor 2
    assert [st["verdict"] for st in under.claim.statements[:2]] == ["does not hold", "partly"]
    assert verdicts.ws_fig02(0.1 * lmax, lmax).verdict == "does not hold"
    ws = 1.2 * lmax
    ws[:20] = 0.5 * lmax[:20]  # 10% violations: the bound part is only partly
    t = verdicts.ws_fig02(ws, lmax)
    assert t.verdict == "partly" and t.values["n_below"] == 180
    assert t.claim.id == "ws-fig02" and t.claim.figure == "Fig. 2"


def test_ws_fig02_no_points_and_bad_input():
    assert verdicts.ws_fig02(np.zeros(0), np.zeros(0)).verdict == "does not hold"
    with pytest.raises(ValueError, match="same length"):
        verdicts.ws_fig02(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="lambda_max must be finite"):
        verdicts.ws_fig02(np.ones(2), np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="ws_upper must be 1-D"):
        verdicts.ws_fig02(np.ones((2, 2)), np.ones(2))


# ----- WS Fig. 7 --------------------------------------------------------------------------------
def test_ws_fig07_high_group_worse_or_not():
    ws = np.arange(300.0)
    f1 = np.where(ws >= 270, 0.6 + RNG.normal(0, 0.05, 300), 0.8 + RNG.normal(0, 0.01, 300))
    t = verdicts.ws_fig07(ws, f1)
    assert t.verdict == "holds" and t.values["high"].size == 30 and t.values["cles"] < 0.5
    flipped = verdicts.ws_fig07(ws, 1.4 - f1)  # High better: the wrong direction
    v = {st["id"]: st["verdict"] for st in flipped.claim.statements}
    assert v["ws-fig07-median"] == "does not hold" and v["ws-fig07-mann-whitney"] == "holds"
    assert flipped.claim.earlier[0]["verdict"] == "does not hold"  # the one-rule reading
    noise = verdicts.ws_fig07(ws, RNG.uniform(0.7, 0.8, 300))
    assert noise.verdict in VERDICTS
    assert verdicts.ws_fig07(ws[:3], f1[:3]).verdict == "does not hold"  # too few
    with pytest.raises(ValueError, match="frac_high"):
        verdicts.ws_fig07(ws, f1, frac_high=1.5)


# ----- WS Fig. 11 -------------------------------------------------------------------------------
def test_ws_fig11_width_raises_the_bound_or_not():
    narrow, wide = RNG.uniform(0, 1, 100), RNG.uniform(0.5, 1.5, 100)
    assert verdicts.ws_fig11(narrow, wide).verdict == "holds"
    rev = verdicts.ws_fig11(wide, narrow)  # significant, in the other direction
    assert [st["verdict"] for st in rev.claim.statements] == ["does not hold", "holds"]
    assert rev.verdict == "partly" and rev.claim.earlier[0]["verdict"] == "does not hold"
    same = verdicts.ws_fig11(narrow, 1.0 - narrow)  # the same distribution
    assert same.verdict in ("does not hold", "partly")
    assert verdicts.ws_fig11(narrow[:1], wide).verdict == "does not hold"


# ----- HSR Fig. 9 -------------------------------------------------------------------------------
def _sts(t) -> dict:
    """The statements' verdicts of a row, by id without the row's prefix."""
    return {st["id"].removeprefix(t.claim.id + "-"): st["verdict"] for st in t.claim.statements}


def test_hsr_fig09_three_statements_and_a_conclusion():
    ws = RNG.lognormal(0, 1, 1124)  # right-skewed
    t = verdicts.hsr_fig09(0.9 * ws, ws, n_seeds=3000)
    assert _sts(t) == {
        "tight": "holds",
        "sharpness": "not checkable",
        "skewed": "holds",
        "groups": "holds",
    }
    assert t.verdict == "holds" and t.values["flat"].size == t.values["sharp"].size == 113
    loose = verdicts.hsr_fig09(0.5 * ws, ws, n_seeds=3000)
    assert _sts(loose)["tight"] == "partly" and loose.verdict == "partly"
    violated = verdicts.hsr_fig09(1.1 * ws, ws, n_seeds=3000)
    assert _sts(violated)["tight"] == "does not hold" and violated.verdict == "partly"
    sym = RNG.uniform(1, 2, 452)  # not skewed; 46 per group against the paper's 113
    none = verdicts.hsr_fig09(2.0 * sym, sym, n_seeds=3000)
    assert _sts(none)["skewed"] != "holds" and _sts(none)["groups"] == "does not hold"
    # another number of seeds: the group sizes are not tested, the scaled reading is kept
    small = verdicts.hsr_fig09(0.9 * ws, ws, n_seeds=12000)
    assert _sts(small)["groups"] == "not tested at this scale" and small.verdict == "holds"
    (earlier,) = small.claim.earlier
    assert earlier["verdict"] == "does not hold" and "scaled" in earlier["test"]
    with pytest.raises(ValueError, match="n_seeds"):
        verdicts.hsr_fig09(ws, ws, n_seeds=0)
    with pytest.raises(ValueError, match="at least 1"):
        verdicts.hsr_fig09(np.zeros(0), np.zeros(0), n_seeds=10)


# ----- HSR Figs. 12 and 14 ----------------------------------------------------------------------
def _methods(base, shifts):
    return {m: base + s + RNG.normal(0, 1e-3, base.size) for m, s in shifts.items()}


def test_hsr_fig12_each_statement():
    base = RNG.uniform(0.2, 0.4, 40)
    good = _methods(base, {"baseline": 0.3, "hessian": 0.2, "asam": 0.0, "hsr": 0.01})
    t = verdicts.hsr_fig12(good)
    assert _sts(t) == {
        "all-reduce": "holds",
        "lowest": "holds",
        "beats-hessian": "holds",
        "reason": "not checkable",
    }
    assert t.verdict == "holds" and set(t.values["two_lowest"]) == {"hsr", "asam"}
    bad = _methods(base, {"baseline": 0.0, "hessian": 0.01, "asam": 0.3, "hsr": 0.2})
    assert set(_sts(verdicts.hsr_fig12(bad)).values()) == {"does not hold", "not checkable"}
    assert verdicts.hsr_fig12(bad).verdict == "does not hold"
    # A-SAM lowest, HSR above Hessian Reg., all below Baseline
    half = _methods(base, {"baseline": 0.3, "hessian": 0.05, "asam": 0.0, "hsr": 0.2})
    t = verdicts.hsr_fig12(half)
    assert _sts(t)["all-reduce"] == "holds" and _sts(t)["lowest"] == "partly"
    assert _sts(t)["beats-hessian"] == "does not hold" and t.verdict == "partly"
    # Hessian Reg. above Baseline: two of three regularizers reduce lambda_max
    two = _methods(base, {"baseline": 0.3, "hessian": 0.4, "asam": 0.0, "hsr": 0.01})
    assert _sts(verdicts.hsr_fig12(two))["all-reduce"] == "partly"
    with pytest.raises(ValueError, match="missing \\['hsr'\\]"):
        verdicts.hsr_fig12({k: v for k, v in good.items() if k != "hsr"})
    with pytest.raises(ValueError, match="alpha"):
        verdicts.hsr_fig12(good, alpha=1.0)


def _f1(gains: dict, flat_shift: dict | None = None, n=60):
    """Test macro-F1 on ``n`` seeds, the first half Sharp: each method's gain over Baseline
    on the Sharp seeds (``gains``) and change on the Flat seeds (``flat_shift``)."""
    base = RNG.uniform(0.6, 0.7, n)
    sharp = np.arange(n) < n // 2
    flat_shift = flat_shift or {}
    f1 = {"baseline": base}
    for m in ("hessian", "asam", "hsr"):
        f1[m] = base + np.where(sharp, gains[m], flat_shift.get(m, 0.0)) + RNG.normal(0, 1e-3, n)
    return f1, sharp, ~sharp


def test_hsr_fig14_each_statement():
    f1, sharp, flat = _f1({"hessian": 0.05, "asam": 0.1, "hsr": 0.1})
    t = verdicts.hsr_fig14(f1, sharp, flat)
    assert _sts(t) == dict.fromkeys(
        ("three-improve", "higher-than-hessian", "comparable", "flat-no-harm"), "holds"
    )
    assert t.verdict == "holds" and t.values["verdict_earlier"] == "holds"
    # Hessian Reg. does not improve: two of three (the earlier reading never asked)
    f1, sharp, flat = _f1({"hessian": -0.02, "asam": 0.1, "hsr": 0.1})
    t = verdicts.hsr_fig14(f1, sharp, flat)
    assert _sts(t)["three-improve"] == "partly" and t.claim.earlier[0]["verdict"] == "holds"
    # Hessian Reg. improves as much as A-SAM and HSR Reg.: no higher improvement
    f1, sharp, flat = _f1({"hessian": 0.1, "asam": 0.1, "hsr": 0.1})
    assert _sts(verdicts.hsr_fig14(f1, sharp, flat))["higher-than-hessian"] == "does not hold"
    # HSR Reg. above Hessian Reg., A-SAM not: partly; HSR not comparable to A-SAM
    f1, sharp, flat = _f1({"hessian": 0.05, "asam": 0.03, "hsr": 0.1})
    v = _sts(verdicts.hsr_fig14(f1, sharp, flat))
    assert v["higher-than-hessian"] == "partly" and v["comparable"] == "does not hold"
    # harm on the Flat seeds, by HSR Reg. (does not hold) or by A-SAM only (the statement is
    # about HSR Reg.: holds; the earlier reading, which asked it of both, said partly)
    f1, sharp, flat = _f1({"hessian": 0.05, "asam": 0.1, "hsr": 0.1}, {"hsr": -0.1})
    assert _sts(verdicts.hsr_fig14(f1, sharp, flat))["flat-no-harm"] == "does not hold"
    f1, sharp, flat = _f1({"hessian": 0.05, "asam": 0.1, "hsr": 0.1}, {"asam": -0.1})
    t = verdicts.hsr_fig14(f1, sharp, flat)
    assert _sts(t)["flat-no-harm"] == "holds" and t.values["flat_no_harm_earlier"] == "partly"
    # the margin moves the comparison: a difference of 0.015 is comparable within 0.02 only
    f1, sharp, flat = _f1({"hessian": 0.05, "asam": 0.1, "hsr": 0.115})
    st = next(
        s
        for s in verdicts.hsr_fig14(f1, sharp, flat).claim.statements
        if s["id"].endswith("comparable")
    )
    by = {d["value"]: d["verdict"] for d in st["sensitivity"]}
    assert by[0.01] == "does not hold" and by[0.02] == "holds"
    # nothing improves, all worse than Hessian Reg., HSR harms the Flat seeds
    f1, sharp, flat = _f1({"hessian": 0.0, "asam": -0.05, "hsr": -0.15}, {"hsr": -0.1})
    assert verdicts.hsr_fig14(f1, sharp, flat).verdict == "does not hold"


def test_hsr_fig14_bad_input():
    f1, sharp, flat = _f1({"hessian": 0.05, "asam": 0.1, "hsr": 0.1})
    with pytest.raises(ValueError, match="sharp must be a boolean mask"):
        verdicts.hsr_fig14(f1, sharp.astype(int), flat)
    with pytest.raises(ValueError, match="flat must select"):
        verdicts.hsr_fig14(f1, sharp, np.zeros(60, bool))
    with pytest.raises(ValueError, match="harm_margin"):
        verdicts.hsr_fig14(f1, sharp, flat, harm_margin=-1)
    with pytest.raises(ValueError, match="alpha"):
        verdicts.hsr_fig14(f1, sharp, flat, alpha=0.0)


def test_weaker():
    assert verdicts.weaker("holds", "does not hold", "partly") == "does not hold"
