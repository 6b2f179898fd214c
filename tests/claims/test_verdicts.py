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
def test_hsr_fig09_three_parts():
    ws = RNG.lognormal(0, 1, 1124)  # right-skewed
    t = verdicts.hsr_fig09(0.9 * ws, ws, n_seeds=3000)
    assert [p["verdict"] for p in t.claim.statements] == ["holds", "holds", "holds"]
    assert t.verdict == "holds" and t.values["flat"].size == t.values["sharp"].size == 113
    loose = verdicts.hsr_fig09(0.5 * ws, ws, n_seeds=3000)
    assert loose.values["tight"] == "partly" and loose.verdict == "partly"
    violated = verdicts.hsr_fig09(1.1 * ws, ws, n_seeds=3000)
    assert violated.values["tight"] == "does not hold" and violated.verdict == "partly"
    sym = RNG.uniform(1, 2, 452)  # not skewed; 46 per group against the paper's 113
    none = verdicts.hsr_fig09(2.0 * sym, sym, n_seeds=3000)
    assert none.values["skewed"] != "holds" and none.values["groups"] == "does not hold"
    # another number of seeds: the group sizes are not tested, the scaled reading is kept
    small = verdicts.hsr_fig09(0.9 * ws, ws, n_seeds=12000)
    assert small.values["groups"] == "not tested at this scale" and small.verdict == "holds"
    (earlier,) = small.claim.earlier
    assert earlier["verdict"] == "does not hold" and "scaled" in earlier["test"]
    with pytest.raises(ValueError, match="n_seeds"):
        verdicts.hsr_fig09(ws, ws, n_seeds=0)
    with pytest.raises(ValueError, match="at least 1"):
        verdicts.hsr_fig09(np.zeros(0), np.zeros(0), n_seeds=10)


# ----- HSR Figs. 12 and 14 ----------------------------------------------------------------------
def _methods(base, shifts):
    return {m: base + s + RNG.normal(0, 1e-3, base.size) for m, s in shifts.items()}


def test_hsr_fig12_ordering():
    base = RNG.uniform(0.2, 0.4, 40)
    good = _methods(base, {"baseline": 0.3, "hessian": 0.2, "asam": 0.0, "hsr": 0.01})
    t = verdicts.hsr_fig12(good)
    assert t.verdict == "holds" and set(t.values["two_lowest"]) == {"hsr", "asam"}
    bad = _methods(base, {"baseline": 0.0, "hessian": 0.01, "asam": 0.3, "hsr": 0.2})
    assert verdicts.hsr_fig12(bad).verdict == "does not hold"
    half = _methods(base, {"baseline": 0.3, "hessian": 0.05, "asam": 0.0, "hsr": 0.2})
    assert verdicts.hsr_fig12(half).verdict == "partly"  # A-SAM lowest, HSR above Hessian
    with pytest.raises(ValueError, match="missing \\['hsr'\\]"):
        verdicts.hsr_fig12({k: v for k, v in good.items() if k != "hsr"})


def test_hsr_fig14_sharp_gain_and_flat_harm():
    base = RNG.uniform(0.6, 0.7, 60)
    sharp = np.arange(60) < 30
    flat = ~sharp
    gain = np.where(sharp, 0.1, 0.0)
    f1 = {
        "baseline": base,
        "hessian": base + gain / 2 + RNG.normal(0, 1e-3, 60),
        "asam": base + gain + RNG.normal(0, 1e-3, 60),
        "hsr": base + gain + RNG.normal(0, 1e-3, 60),
    }
    t = verdicts.hsr_fig14(f1, sharp, flat)
    assert (t.values["sharp_improves"], t.values["flat_no_harm"], t.verdict) == ("holds",) * 3
    harm = dict(f1, hsr=f1["hsr"] - np.where(flat, 0.1, 0.0))
    assert verdicts.hsr_fig14(harm, sharp, flat).values["flat_no_harm"] == "partly"
    none = {**f1, "hsr": base - 0.05, "asam": base - 0.05}
    assert verdicts.hsr_fig14(none, sharp, flat).verdict == "does not hold"
    with pytest.raises(ValueError, match="sharp must be a boolean mask"):
        verdicts.hsr_fig14(f1, sharp.astype(int), flat)
    with pytest.raises(ValueError, match="flat must select"):
        verdicts.hsr_fig14(f1, sharp, np.zeros(60, bool))
    with pytest.raises(ValueError, match="harm_margin"):
        verdicts.hsr_fig14(f1, sharp, flat, harm_margin=-1)


def test_weaker():
    assert verdicts.weaker("holds", "does not hold", "partly") == "does not hold"
