"""hsr.claims.hsr: the tests of the HSR paper's claims, statement by statement, on data built
for each statement to hold, to hold partly (where it has degrees) and not to hold, and on bad
input. (The headline rows, Figs. 9, 12 and 14, are tested in test_verdicts.py.)"""

from __future__ import annotations

import json
import re
from dataclasses import asdict

import numpy as np
import pytest

from hsr.claims import hsr as H
from hsr.claims.ledger import UNCHECKABLE, UNTESTED, VERDICTS, combine_verdicts

RNG = np.random.default_rng(1)
METHODS = ("baseline", "hessian", "asam", "hsr")
ROWS = {f"hsr-fig{n:02d}" for n in (2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15)}


def _norm(text: str) -> str:
    return " ".join(text.replace("\u201c", '"').replace("\u201d", '"').split())


def _quoted_text(rid: str) -> str:
    """Every passage row ``rid`` quotes, normalised."""
    return " ".join(
        _norm(q.text) for k, q in H.QUOTES.items() if k == rid or k.startswith(rid + " (")
    )


def says_is_quoted(says: str, rid: str) -> bool:
    """A statement's words are its row's quote: [...] marks symbols the text lost, ... words
    left out; every other piece occurs verbatim."""
    pieces = re.sub(r"\[[^\]]*\]", " ", says).split("...")
    text = _quoted_text(rid)
    return all(_norm(p).strip(" ,.:") in text for p in pieces if _norm(p).strip(" ,.:"))


def row_ok(t, rid) -> dict:
    """The row's identity, quote and reading, and its statements: ids unique and prefixed by
    the row's, words quoted, the row's verdict their combination, each checked statement's
    sensitivity marking one chosen value per knob with the statement's verdict. Returns the
    statements by id without the row's prefix."""
    c = t.claim
    assert c.id == rid and c.paper == "HSR" and c.verdict in VERDICTS
    assert str(H.QUOTES[rid]) in c.paper_says and c.reading == H.READINGS[rid]
    assert c.statements and c.sensitivity == ()
    checked = [st["verdict"] for st in c.statements if st["verdict"] != UNCHECKABLE]
    assert c.verdict == (combine_verdicts(checked) if checked else UNTESTED)
    out = {}
    for st in c.statements:
        assert st["id"].startswith(rid + "-"), st["id"]
        assert says_is_quoted(st["says"], rid), (rid, st["says"])
        if st["verdict"] == UNCHECKABLE:
            assert st["why"] and not st["sensitivity"]
        for knob in {d["knob"] for d in st["sensitivity"]}:
            entries = [d for d in st["sensitivity"] if d["knob"] == knob]
            assert len(entries) >= 2, (st["id"], knob)
            assert [d["value"] for d in entries] == sorted(d["value"] for d in entries)
            chosen = [d for d in entries if d["chosen"]]
            assert len(chosen) == 1 and chosen[0]["verdict"] == st["verdict"], (st["id"], knob)
        out[st["id"].removeprefix(rid + "-")] = st
    json.dumps(asdict(c))  # the row is written as JSON
    return out


def verdicts_of(t, rid) -> dict:
    return {k: st["verdict"] for k, st in row_ok(t, rid).items()}


# ----- Fig. 2 -----------------------------------------------------------------------------------
H_SIZES, N_SIZES = [3, 10, 30, 100], [100, 300, 1000, 3000]


def _times(sizes, exponent, scale):
    return scale * np.asarray(sizes, float) ** exponent


def _fig02(h_ratio=10.0, n_ratio=10.0, pair_exp=(1.0, 2.0), auto_exp=1.0):
    """Times of the closed form (auto) growing with exponent ``auto_exp`` in both sizes, the
    numerical ones ``h_ratio``, ``n_ratio`` times slower (growing one power faster in d_h),
    the pairwise closed form with exponents ``pair_exp``."""
    auto_h, auto_n = _times(H_SIZES, auto_exp, 1e-4), _times(N_SIZES, auto_exp, 1e-4)
    sh = {
        "numerical": h_ratio * auto_h * np.asarray(H_SIZES) / 3,
        "closed form (auto)": auto_h,
        "closed form (pairwise)": _times(H_SIZES, pair_exp[0], 1e-4),
    }
    sn = {
        "numerical": n_ratio * auto_n,
        "closed form (auto)": auto_n,
        "closed form (pairwise)": _times(N_SIZES, pair_exp[1], 1e-7),
    }
    return H.hsr_fig02(H_SIZES, N_SIZES, sh, sn)


def test_hsr_fig02_each_statement():
    t = _fig02()
    v = verdicts_of(t, "hsr-fig02")
    assert v == {
        "linear-dh": "holds",
        "why-linear": UNCHECKABLE,
        "quadratic-n": "holds",
        "why-quadratic": UNCHECKABLE,
        "increasing": "holds",
        "faster": "holds",
    }
    assert t.verdict == "holds" and t.claim.earlier[0]["verdict"] == "holds"
    vals = t.values
    assert vals["closed"] == "closed form (auto)" and vals["growth"] == "closed form (pairwise)"
    assert vals["n_faster"] == vals["n_sizes"] == 8 and vals["speedup_min"] == pytest.approx(10.0)
    assert vals["e_h"] == pytest.approx(1.0) and vals["e_n"] == pytest.approx(2.0)
    # slower than the finite differences in the N panel: 4 of 8 sizes, partly
    assert verdicts_of(_fig02(n_ratio=0.5), "hsr-fig02")["faster"] == "partly"
    # linear in N: 'proportional to N^2' does not hold, the linear growth in d_h still holds
    v = verdicts_of(_fig02(pair_exp=(1.0, 1.0)), "hsr-fig02")
    assert (v["linear-dh"], v["quadratic-n"]) == ("holds", "does not hold")
    v = verdicts_of(_fig02(pair_exp=(3.0, 2.0)), "hsr-fig02")
    assert (v["linear-dh"], v["quadratic-n"]) == ("does not hold", "holds")
    # times that fall with the size in both panels: no increasing trend (the numerical one
    # still rises in d_h): partly; slower everywhere: does not hold
    t = _fig02(h_ratio=0.01, n_ratio=0.5, pair_exp=(3.0, 1.0), auto_exp=-0.5)
    v = verdicts_of(t, "hsr-fig02")
    assert v["increasing"] == "partly" and v["faster"] == "does not hold"
    assert (v["linear-dh"], v["quadratic-n"]) == ("does not hold", "does not hold")
    assert t.verdict == "partly" and t.claim.earlier[0]["verdict"] == "does not hold"


def test_hsr_fig02_no_increase_and_bad_input():
    sizes = {m: -1.0 for m in ("numerical", "closed form (auto)")}
    sh = {m: _times(H_SIZES, e, 1.0) for m, e in sizes.items()}
    sn = {m: _times(N_SIZES, e, 1.0) for m, e in sizes.items()}
    sh["numerical"] = sh["numerical"] * 2
    sn["numerical"] = sn["numerical"] * 2
    assert verdicts_of(H.hsr_fig02(H_SIZES, N_SIZES, sh, sn), "hsr-fig02")["increasing"] == (
        "does not hold"
    )
    sh = {"numerical": np.ones(4), "closed form (auto)": np.ones(4)}
    with pytest.raises(ValueError, match="seconds_h"):
        H.hsr_fig02(H_SIZES, N_SIZES, {"closed form (auto)": np.ones(4)}, sh)
    with pytest.raises(ValueError, match="seconds_n\\['numerical'\\]"):
        H.hsr_fig02(H_SIZES, N_SIZES, sh, dict(sh, numerical=np.ones(3)))
    with pytest.raises(ValueError, match="d_hidden"):
        H.hsr_fig02([3, 0, 30, 100], N_SIZES, sh, sh)
    with pytest.raises(ValueError, match="growth"):
        H.hsr_fig02(H_SIZES, N_SIZES, sh, sh, growth="numerical")


# ----- Fig. 3 -----------------------------------------------------------------------------------
def test_hsr_fig03_the_network_shown_and_the_other_seeds():
    good = np.full((5, 4), 1e-9)
    t = H.hsr_fig03(good.ravel(), 5)
    v = verdicts_of(t, "hsr-fig03")
    assert v == {"consistent": "holds", "other-seeds": "holds", "correct": UNCHECKABLE}
    assert t.verdict == "holds" and t.values["n_passed"] == 20
    # the network shown: two of its four blocks off: partly; all four: does not hold
    half = good.copy()
    half[0, :2] = 1e-3
    assert verdicts_of(H.hsr_fig03(half.ravel(), 5), "hsr-fig03")["consistent"] == "partly"
    bad = good.copy()
    bad[0] = 1e-3
    v = verdicts_of(H.hsr_fig03(bad.ravel(), 5), "hsr-fig03")
    assert v["consistent"] == "does not hold" and v["other-seeds"] == "holds"
    # the other seeds: 3 of 4 pass (partly), 1 of 4 (does not hold)
    some = good.copy()
    some[1, 0] = 1e-3
    assert verdicts_of(H.hsr_fig03(some.ravel(), 5), "hsr-fig03")["other-seeds"] == "partly"
    some[2:4, 3] = 1e-3
    t = H.hsr_fig03(some.ravel(), 5)
    assert verdicts_of(t, "hsr-fig03")["other-seeds"] == "does not hold"
    # the earlier, pooled reading: 17 of 20 checks pass (85%): partly
    assert t.claim.earlier[0]["verdict"] == "partly" and t.verdict == "partly"
    # one network only: the other seeds are not checkable
    one = H.hsr_fig03(np.full(4, 1e-9), 1)
    assert verdicts_of(one, "hsr-fig03")["other-seeds"] == UNCHECKABLE
    assert one.verdict == "holds"
    # a looser tolerance lets the network shown pass
    assert verdicts_of(H.hsr_fig03(bad.ravel(), 5, 1e-2), "hsr-fig03")["consistent"] == "holds"


def test_hsr_fig03_bad_input():
    with pytest.raises(ValueError, match="rel"):
        H.hsr_fig03([-1.0], 1)
    with pytest.raises(ValueError, match="n_networks"):
        H.hsr_fig03([1e-9], 0)
    with pytest.raises(ValueError, match="rel_tol"):
        H.hsr_fig03([1e-9], 1, rel_tol=0)
    with pytest.raises(ValueError, match="same number of checks"):
        H.hsr_fig03(np.full(7, 1e-9), 2)


# ----- Fig. 4 -----------------------------------------------------------------------------------
def test_sample_steering_and_hsr_fig04():
    e = np.linspace(-0.9, 0.9, 101)
    norms = np.abs(e) ** 3  # vanishes as e -> 0: confident samples do not steer
    rho, p, share = H.sample_steering(norms, e, 0.1)
    assert rho == pytest.approx(1.0) and p < 1e-10 and share < 1e-3
    t = H.hsr_fig04(norms, e, seed=7)
    assert verdicts_of(t, "hsr-fig04") == {"monotone": "holds", "no-influence": "holds"}
    assert "seed 7" in t.claim.measured and t.values["all_txt"].startswith("not computed")
    # rank-correlated, but the confident samples still carry much of the sum
    heavy = np.abs(e) + 1.0
    v = verdicts_of(H.hsr_fig04(heavy, e, seed=7), "hsr-fig04")
    assert v == {"monotone": "holds", "no-influence": "does not hold"}
    # norms that do not depend on |e|: neither
    flat = RNG.uniform(1, 2, e.size)
    t = H.hsr_fig04(flat, e, seed=7)
    assert verdicts_of(t, "hsr-fig04")["monotone"] == "does not hold"
    assert t.verdict == "does not hold"
    # small norms for the confident samples, but not monotone in |e|: the share alone holds
    wiggle = np.where(np.abs(e) < 0.09, 1e-6, RNG.uniform(1, 2, e.size))
    v = verdicts_of(H.hsr_fig04(wiggle, e, seed=7), "hsr-fig04")
    assert v["no-influence"] == "holds"
    G, E = np.stack([norms, flat]), np.stack([e, e])
    ctx = H.hsr_fig04(norms, e, seed=7, norms_all=G, e_all=E)
    assert ctx.values["all_txt"].startswith("50% of the 2 unique critical points")
    assert ctx.verdict == "holds"  # the context does not enter the verdict
    G[0, 0] = np.nan  # a point with a non-finite value counts as failing, without an error
    ctx = H.hsr_fig04(norms, e, seed=7, norms_all=G, e_all=E)
    assert ctx.values["all_txt"].startswith("0% of the 2") and ctx.verdict == "holds"


def test_hsr_fig04_bad_input():
    e = np.linspace(-1, 1, 10)
    with pytest.raises(ValueError, match="same length"):
        H.hsr_fig04(np.ones(9), e, seed=0)
    with pytest.raises(ValueError, match="low_frac"):
        H.hsr_fig04(np.ones(10), e, seed=0, low_frac=1.5)
    with pytest.raises(ValueError, match="share_max"):
        H.hsr_fig04(np.ones(10), e, seed=0, share_max=0)
    with pytest.raises(ValueError, match="together"):
        H.hsr_fig04(np.ones(10), e, seed=0, norms_all=np.ones((2, 10)))
    with pytest.raises(ValueError, match="2-D"):
        H.hsr_fig04(np.ones(10), e, seed=0, norms_all=np.ones(10), e_all=e)


# ----- Fig. 5 -----------------------------------------------------------------------------------
COV = np.linspace(0, 0.95, 11)


def _curves(rel_increase, R=5):
    return (1 + rel_increase * COV)[:, None] * RNG.uniform(1, 2, R)[None, :]


def test_hsr_fig05_each_statement():
    t = H.hsr_fig05(COV, _curves(3.0), _curves(0.3))
    v = verdicts_of(t, "hsr-fig05")
    assert v == {"larger": "holds", "influence": UNCHECKABLE, "linear-more": "holds"}
    assert t.values["n_ok"] == 3 and t.claim.earlier[0]["verdict"] == "holds"
    # both rise but the sigmoid more
    v = verdicts_of(H.hsr_fig05(COV, _curves(0.3), _curves(3.0)), "hsr-fig05")
    assert (v["larger"], v["linear-more"]) == ("holds", "does not hold")
    # the sigmoid curve falls: one panel rises
    v = verdicts_of(H.hsr_fig05(COV, _curves(3.0), _curves(-0.5)), "hsr-fig05")
    assert (v["larger"], v["linear-more"]) == ("partly", "holds")
    # both fall, the linear slower: no rise, and the linear 'effect' the larger: the row is
    # partly, where the rule published first (one of three checks) said does not hold
    t = H.hsr_fig05(COV, _curves(-0.1), _curves(-0.9))
    v = verdicts_of(t, "hsr-fig05")
    assert (v["larger"], v["linear-more"]) == ("does not hold", "holds")
    assert t.verdict == "partly" and t.claim.earlier[0]["verdict"] == "does not hold"
    none = H.hsr_fig05(COV, _curves(-0.9), _curves(-0.1))
    assert none.verdict == "does not hold" and none.values["n_ok"] == 0
    with pytest.raises(ValueError, match="norms_act"):
        H.hsr_fig05(COV, _curves(1.0), np.ones(11))
    with pytest.raises(ValueError, match="norms_ref"):
        H.hsr_fig05(COV[:5], _curves(1.0), _curves(1.0))


# ----- Fig. 6 -----------------------------------------------------------------------------------
def test_hsr_fig06_norms_and_direction():
    mean = RNG.uniform(0.1, 1.0, 100)
    t = H.hsr_fig06(mean, 3 * mean)
    assert verdicts_of(t, "hsr-fig06") == {"direction": "holds", "larger": "holds"}
    assert t.values["med_ratio"] == pytest.approx(3.0)
    part = H.hsr_fig06(mean, np.where(np.arange(100) < 70, 3.0, 0.5) * mean)
    assert verdicts_of(part, "hsr-fig06") == {"direction": "partly", "larger": "partly"}
    assert part.values["frac"] == pytest.approx(0.7)
    t = H.hsr_fig06(mean, 0.5 * mean)
    assert verdicts_of(t, "hsr-fig06") == {"direction": "does not hold", "larger": "does not hold"}
    # with the terms: the direction from the cosines, the same share as the norms (identity)
    m = RNG.normal(size=(200, 7))
    s = RNG.normal(size=(200, 7)) * RNG.uniform(0.2, 3.0, (200, 1))
    nm, ns = np.linalg.norm(m, axis=1), np.linalg.norm(s, axis=1)
    t = H.hsr_fig06(nm, ns, mean_term=m, spread_term=s)
    g = m + s
    cs = np.einsum("ij,ij->i", g, s) / np.linalg.norm(g, axis=1) / ns
    cm = np.einsum("ij,ij->i", g, m) / np.linalg.norm(g, axis=1) / nm
    assert t.values["frac_direction"] == pytest.approx(np.mean(cs > cm))
    assert t.values["frac_direction"] == pytest.approx(t.values["frac"])
    assert "cosines" in row_ok(t, "hsr-fig06")["direction"]["measured"]
    with pytest.raises(ValueError, match="same length"):
        H.hsr_fig06(mean, mean[:5])
    with pytest.raises(ValueError, match="norms"):
        H.hsr_fig06(-mean, mean)
    with pytest.raises(ValueError, match="together"):
        H.hsr_fig06(nm, ns, mean_term=m)
    with pytest.raises(ValueError, match="one shape"):
        H.hsr_fig06(nm, ns, mean_term=m, spread_term=s[:, :3])


# ----- Fig. 7 -----------------------------------------------------------------------------------
def _hist(a, b):
    return np.linspace(a, b, 5)


TOP = {"ws_upper": _hist(10, 2), "lambda_max": _hist(5, 1)}
MID = {
    "ws_upper": _hist(10, 1),
    "ws_lower": _hist(-8, -1),
    "lambda_max": _hist(5, 0.05),
    "lambda_min": _hist(-3, -0.01),
}
FIG07 = (
    "top-decrease",
    "upper-decreases",
    "lower-increases",
    "max-to-zero",
    "min-to-zero",
    "range-narrows",
)


def test_hsr_fig07_each_observation():
    t = H.hsr_fig07(TOP, MID, "initial parameters of seed 0", 100)
    assert verdicts_of(t, "hsr-fig07") == dict.fromkeys(FIG07, "holds")
    assert t.values["n_ok"] == 7 and not t.values["failed"]
    assert t.values["first_last"]["range_mid"] == (8.0, pytest.approx(0.06))
    (old,) = t.claim.earlier
    assert old["verdict"] == "holds" and "seven checks" in old["test"]
    # lambda_min ends positive and lambda_max not near 0
    mid = dict(MID, lambda_max=_hist(5, 4), lambda_min=_hist(-3, 0.5))
    v = verdicts_of(H.hsr_fig07(TOP, mid, "x", 100), "hsr-fig07")
    assert [k for k in FIG07 if v[k] != "holds"] == ["max-to-zero", "min-to-zero"]
    # the top run: lambda_WS falls, lambda_max rises: partly
    top = dict(TOP, lambda_max=_hist(1, 5))
    assert verdicts_of(H.hsr_fig07(top, MID, "x", 100), "hsr-fig07")["top-decrease"] == "partly"
    # everything rises: none holds
    up = {k: v[::-1] for k, v in TOP.items()}
    mid_up = {"ws_upper": _hist(1, 10), "ws_lower": _hist(-1, -8)}
    mid_up |= {"lambda_max": _hist(0.05, 5), "lambda_min": _hist(0.5, -3)}
    none = H.hsr_fig07(up, mid_up, "x", 100)
    assert set(verdicts_of(none, "hsr-fig07").values()) == {"does not hold"}
    assert none.verdict == "does not hold"
    # two of seven checks pass: the row is partly, the rule published first said no
    few = dict(mid_up, ws_upper=_hist(10, 1), ws_lower=_hist(-8, -1))
    t = H.hsr_fig07(up, few, "x", 100)
    assert t.values["n_ok"] == 2 and t.verdict == "partly"
    assert t.claim.earlier[0]["verdict"] == "does not hold"
    # lambda_max ends 1/8 of the initial range above 0: passes at near_zero 0.2, not 0.1
    mid = dict(MID, lambda_max=_hist(5, 1.0))
    st = row_ok(H.hsr_fig07(TOP, mid, "x", 9), "hsr-fig07")["max-to-zero"]
    z = {d["value"]: d["verdict"] for d in st["sensitivity"]}
    assert z[0.1] == "does not hold" and z[0.2] == "holds"


def test_hsr_fig07_earlier_step_is_shown_beside_not_combined():
    bad_mid = dict(MID, lambda_max=_hist(5, 4), lambda_min=_hist(-3, 0.5))
    t = H.hsr_fig07(
        TOP,
        MID,
        "x",
        100,
        middle_step="lr_t = min(1, 1/L_t)",
        earlier_middle=bad_mid,
        earlier_step="the fixed step lr = 1",
    )
    assert t.verdict == "holds" and "middle run's step: lr_t = min(1, 1/L_t)" in t.claim.measured
    rule, step = t.claim.earlier
    assert rule["verdict"] == "holds" and "seven checks" in rule["test"]
    assert step["verdict"] == "partly" and "the fixed step lr = 1" in step["test"]
    assert "the fixed step lr = 1" in step["measured"]
    assert len(H.hsr_fig07(TOP, MID, "x", 100).claim.earlier) == 1


def test_hsr_fig07_bad_input():
    with pytest.raises(ValueError, match="middle must be a dict"):
        H.hsr_fig07(TOP, {"ws_upper": _hist(1, 0)}, "x", 10)
    with pytest.raises(ValueError, match="1-D history"):
        H.hsr_fig07(dict(TOP, lambda_max=np.ones((2, 2))), MID, "x", 10)
    with pytest.raises(ValueError, match="near_zero"):
        H.hsr_fig07(TOP, MID, "x", 10, near_zero=-0.1)


# ----- Fig. 10 ----------------------------------------------------------------------------------
def _by_method(base, shifts, noise=1e-3):
    return {m: base + shifts[m] + RNG.normal(0, noise, base.size) for m in METHODS}


def test_hsr_fig10_regularizers_keep_lambda_max_low():
    base = RNG.uniform(0.5, 1.0, 30)
    flat = RNG.uniform(0.1, 0.3, 30)
    t = H.hsr_fig10(_by_method(base, dict(baseline=1.0, hessian=0.1, asam=0.0, hsr=0.0)), flat)
    assert verdicts_of(t, "hsr-fig10") == {"baseline-large": "holds", "kept-low": "holds"}
    assert t.values["n_sig"] == 3 and set(t.values["p"]) == {"hessian", "asam", "hsr"}
    part = H.hsr_fig10(_by_method(base, dict(baseline=1.0, hessian=2.0, asam=0.0, hsr=0.0)))
    assert verdicts_of(part, "hsr-fig10")["kept-low"] == "partly" and part.values["n_sig"] == 2
    one = H.hsr_fig10(_by_method(base, dict(baseline=1.0, hessian=2.0, asam=2.0, hsr=0.0)))
    assert verdicts_of(one, "hsr-fig10")["kept-low"] == "does not hold"
    # without the Flat seeds' values Baseline's 'large value' cannot be checked
    assert verdicts_of(one, "hsr-fig10")["baseline-large"] == UNCHECKABLE
    assert one.verdict == "does not hold"
    # Baseline no larger on the Sharp seeds than on the Flat ones: does not hold
    low = H.hsr_fig10(_by_method(base, dict.fromkeys(METHODS, 0.0)), base + 1.0)
    assert verdicts_of(low, "hsr-fig10")["baseline-large"] == "does not hold"
    with pytest.raises(ValueError, match="missing \\['asam'\\]"):
        H.hsr_fig10({m: base for m in ("baseline", "hessian", "hsr")})
    with pytest.raises(ValueError, match="one shape"):
        H.hsr_fig10(dict(_by_method(base, dict.fromkeys(METHODS, 0.0)), hsr=base[:5]))
    with pytest.raises(ValueError, match="baseline_flat"):
        H.hsr_fig10(_by_method(base, dict.fromkeys(METHODS, 0.0)), [np.nan])


# ----- Fig. 11 ----------------------------------------------------------------------------------
def _lines(curvature, S=20, T=9):
    t = np.linspace(-1, 1, T)
    return curvature[:, None] * t[None, :] ** 2


def test_hsr_fig11_on_the_ends_of_the_line():
    c = RNG.uniform(1, 2, 20)
    curves = {
        "baseline": _lines(5 * c),
        "hessian": _lines(2 * c),
        "asam": _lines(c),
        "hsr": _lines(0.5 * c),
    }
    loss0 = {m: np.zeros(20) for m in curves}
    t = H.hsr_fig11(curves, loss0, 1.0)
    assert verdicts_of(t, "hsr-fig11") == {"each-flatter": "holds", "hsr-consistent": "holds"}
    assert t.values["lowest"] == "hsr" and t.claim.earlier == ()
    assert t.values["medians"]["hsr"] == pytest.approx(np.median(0.5 * c))
    # flatter than Baseline everywhere but A-SAM flatter still
    part = H.hsr_fig11(dict(curves, asam=_lines(0.1 * c)), loss0, 1.0)
    assert verdicts_of(part, "hsr-fig11")["hsr-consistent"] == "partly"
    assert part.values["frac"] == 1.0
    worse = H.hsr_fig11(dict(curves, hsr=_lines(10 * c)), loss0, 1.0)
    v = verdicts_of(worse, "hsr-fig11")
    assert v == {"each-flatter": "partly", "hsr-consistent": "does not hold"}
    assert worse.values["frac"] == 0.0
    with pytest.raises(ValueError, match="2-D"):
        H.hsr_fig11({m: np.ones(20) for m in curves}, loss0, 1.0)
    with pytest.raises(ValueError, match="loss0"):
        H.hsr_fig11(curves, {m: np.zeros(19) for m in curves}, 1.0)
    with pytest.raises(ValueError, match="step_max"):
        H.hsr_fig11(curves, loss0, 0.0)
    with pytest.raises(ValueError, match="alpha"):
        H.hsr_fig11(curves, loss0, 1.0, alpha=0.0)


def test_hsr_fig11_each_method_against_baseline():
    """'Each method controlling the eigenvalues prefers flatter minima': a paired test per
    regularizer against Baseline at the small step; all three holds, two partly, else not."""
    rng = np.random.default_rng(11)  # its own draws: the same data in any test order
    c = rng.uniform(1, 2, 20)
    far = {m: _lines(k * c) for m, k in zip(METHODS, (5, 2, 1, 0.5), strict=True)}
    loss0 = {m: np.zeros(20) for m in METHODS}
    local = {m: k * c for m, k in zip(METHODS, (5, 2, 1, 0.5), strict=True)}
    t = H.hsr_fig11(far, loss0, 1.0, rises={0.1: local}, step=0.1)
    st = row_ok(t, "hsr-fig11")["each-flatter"]
    assert st["verdict"] == "holds" and t.values["n_each"] == 3 and "t = 0.1" in st["test"]
    # Hessian Reg. sharper than Baseline on most seeds: two of three, partly
    sharper = dict(local, hessian=local["baseline"] * rng.uniform(0.9, 1.5, 20))
    t = H.hsr_fig11(far, loss0, 1.0, rises={0.1: sharper}, step=0.1)
    assert verdicts_of(t, "hsr-fig11")["each-flatter"] == "partly"
    assert t.values["p_each"]["hessian"] > 0.01
    # only HSR Reg. flatter: does not hold (the HSR statement still holds)
    only = dict(sharper, asam=local["baseline"] + 1.0)
    v = verdicts_of(H.hsr_fig11(far, loss0, 1.0, rises={0.1: only}, step=0.1), "hsr-fig11")
    assert v == {"each-flatter": "does not hold", "hsr-consistent": "holds"}
    # Hessian Reg.'s upper tail above Baseline's but its seeds flatter one by one: a paired
    # test can hold where the quantiles disagree
    tail = dict(local, hessian=np.r_[local["baseline"][:18] * 0.5, 500.0, 600.0])
    t = H.hsr_fig11(far, loss0, 1.0, rises={0.1: tail}, step=0.1)
    assert t.values["tails_local"]["hessian"] > t.values["tails_local"]["baseline"]
    assert verdicts_of(t, "hsr-fig11")["each-flatter"] == "holds"
    a = {d["value"]: d["verdict"] for d in row_ok(t, "hsr-fig11")["each-flatter"]["sensitivity"]}
    assert a[0.01] == "holds"


def test_hsr_fig11_distribution_at_a_small_step_with_the_earlier_reading_kept():
    c = RNG.uniform(1, 2, 20)
    far = {m: _lines(k * c) for m, k in zip(METHODS, (5, 2, 1, 0.5), strict=True)}
    loss0 = {m: np.zeros(20) for m in METHODS}
    local = {m: k * c for m, k in zip(METHODS, (5, 2, 1, 0.5), strict=True)}
    t = H.hsr_fig11(far, loss0, 1.0, rises={0.1: local}, step=0.1)
    st = row_ok(t, "hsr-fig11")["hsr-consistent"]
    assert st["verdict"] == "holds" and "t = 0.1" in st["test"] and t.verdict == "holds"
    (old,) = t.claim.earlier
    assert old["verdict"] == "holds" and "90%" in old["test"]
    assert t.values["frac_local"] == 1.0 and t.values["verdict_earlier"] == "holds"
    # HSR lowest median but one sharp seed in HSR's upper tail, above A-SAM's: partly
    tail = dict(local, hsr=np.r_[0.5 * c[:17], 3.0, 3.0, 3.0])
    part = H.hsr_fig11(far, loss0, 1.0, rises={0.1: tail}, step=0.1)
    st = row_ok(part, "hsr-fig11")["hsr-consistent"]
    assert st["verdict"] == "partly" and part.values["lowest_local"] == "hsr"
    assert part.values["lowest_tail_local"] == "asam"
    # the sensitivity moves with the tail quantile: at the 75% quantile HSR is lowest again
    q = {e["value"]: e["verdict"] for e in st["sensitivity"] if e["knob"] == "tail quantile"}
    assert q[0.75] == "holds" and q[0.9] == "partly"
    # sharper than Baseline at the small step: does not hold, whatever the far step says
    worse = H.hsr_fig11(far, loss0, 1.0, rises={0.1: dict(local, hsr=10 * c)}, step=0.1)
    assert verdicts_of(worse, "hsr-fig11")["hsr-consistent"] == "does not hold"
    assert worse.claim.earlier[0]["verdict"] == "holds"
    # several steps: each is a sensitivity value
    two = H.hsr_fig11(far, loss0, 1.0, rises={0.1: local, 1.0: tail}, step=0.1)
    st = row_ok(two, "hsr-fig11")["hsr-consistent"]
    steps = [e for e in st["sensitivity"] if e["knob"] == "step t of the loss rise"]
    assert [(e["value"], e["verdict"], e["chosen"]) for e in steps] == [
        (0.1, "holds", True),
        (1.0, "partly", False),
    ]
    with pytest.raises(ValueError, match="step must be one of the steps"):
        H.hsr_fig11(far, loss0, 1.0, rises={0.1: local}, step=0.3)
    with pytest.raises(ValueError, match="keyed by positive steps"):
        H.hsr_fig11(far, loss0, 1.0, rises={-1.0: local}, step=-1.0)
    with pytest.raises(ValueError, match="one value per seed"):
        H.hsr_fig11(far, loss0, 1.0, rises={0.1: {m: v[:5] for m, v in local.items()}}, step=0.1)
    with pytest.raises(ValueError, match="tail"):
        H.hsr_fig11(far, loss0, 1.0, rises={0.1: local}, step=0.1, tail=1.5)


# ----- Fig. 13 ----------------------------------------------------------------------------------
FIG13 = {"asam-saddle", "hsr-no-saddle", "escape", "undesirable"}


def test_hsr_fig13_on_the_counts():
    S = 10
    lmax = {m: np.ones(S) for m in METHODS}
    conv = {m: np.ones(S, bool) for m in METHODS}
    lmin = {m: np.zeros(S) for m in METHODS}
    saddle = np.r_[-0.5, np.zeros(S - 1)]
    t = H.hsr_fig13(dict(lmin, asam=saddle), lmax, conv)
    v = verdicts_of(t, "hsr-fig13")
    assert set(v) == FIG13 and v["escape"] == v["undesirable"] == UNCHECKABLE
    assert (v["asam-saddle"], v["hsr-no-saddle"]) == ("holds", "holds")
    assert t.verdict == "holds" and t.values["saddles"]["asam"] == 1
    two = np.r_[-0.5, -0.5, np.zeros(S - 2)]
    t = H.hsr_fig13(dict(lmin, asam=two, hsr=saddle), lmax, conv)
    assert verdicts_of(t, "hsr-fig13")["hsr-no-saddle"] == "does not hold"
    assert t.verdict == "partly"
    # no saddle anywhere: the A-SAM statement does not hold, the HSR one does
    t = H.hsr_fig13(lmin, lmax, conv)
    v = verdicts_of(t, "hsr-fig13")
    assert (v["asam-saddle"], v["hsr-no-saddle"], t.verdict) == ("does not hold", "holds", "partly")
    assert t.claim.earlier[0]["verdict"] == "does not hold"  # the one rule said no
    # a saddle of a run that did not stop is not counted
    stopped = dict(conv, asam=np.zeros(S, bool))
    assert H.hsr_fig13(dict(lmin, asam=saddle), lmax, stopped).values["saddles"]["asam"] == 0
    # a tiny negative eigenvalue is no saddle at the default threshold
    tiny = np.r_[-1e-6, np.zeros(S - 1)]
    v = verdicts_of(H.hsr_fig13(dict(lmin, asam=tiny), lmax, conv), "hsr-fig13")
    assert v["asam-saddle"] == "does not hold"
    with pytest.raises(ValueError, match="converged\\['asam'\\]"):
        H.hsr_fig13(lmin, lmax, dict(conv, asam=np.ones(S)))
    with pytest.raises(ValueError, match="saddle_rel"):
        H.hsr_fig13(lmin, lmax, conv, saddle_rel=-1)


def _saddle_lines(S, T=21, fall=None, rise=1.0):
    """Lines along v_max (a parabola of height ``rise`` at the ends) and v_min (a parabola
    falling by ``fall[j]`` at the ends), through points of loss 0."""
    t = np.linspace(-1, 1, T) ** 2
    fall = np.zeros(S) if fall is None else np.asarray(fall, float)
    return np.tile(rise * t, (S, 1)), -fall[:, None] * t[None, :], np.zeros(S)


def test_saddle_depth_uses_the_even_part_of_each_line():
    up, down, l0 = _saddle_lines(3, fall=[0.0, 0.02, 0.5])
    np.testing.assert_allclose(H.saddle_depth(up, down, l0), [0.0, 0.02, 0.5])
    slope = np.tile(np.linspace(-1, 1, 21), (3, 1))  # a pure slope is no saddle
    np.testing.assert_allclose(H.saddle_depth(up, slope, l0), 0.0)
    bad = down.copy()
    bad[1, 3] = np.nan
    assert np.isnan(H.saddle_depth(up, bad, l0)[1])


def _fig13_setup(S=20):
    lmax = {m: np.ones(S) for m in METHODS}
    conv = {m: np.ones(S, bool) for m in METHODS}
    grp = np.r_[np.ones(10, bool), np.zeros(10, bool)]  # the Flat runs come first
    lmin = {m: np.linspace(0.0, 0.09, S) for m in METHODS}
    # A-SAM: run 3 has the lowest lambda_min of the group, inside the whisker, a deep saddle
    lmin["asam"] = lmin["asam"].copy()
    lmin["asam"][3] = -0.02
    falls = {m: np.zeros(S) for m in METHODS}
    falls["asam"] = np.where(np.arange(S) == 3, 0.3, 0.0)
    return lmax, conv, grp, lmin, falls


def _fig13_curves(falls, grp, S=20):
    lines = {m: _saddle_lines(S, fall=falls[m]) for m in METHODS}
    return dict(
        along_max={m: lines[m][0] for m in METHODS},
        along_min={m: lines[m][1] for m in METHODS},
        loss0={m: lines[m][2] for m in METHODS},
        in_group=grp,
    )


def test_hsr_fig13_each_sentence_at_the_whisker_tip():
    S = 20
    lmax, conv, grp, lmin, falls = _fig13_setup(S)
    kw = _fig13_curves(falls, grp)
    t = H.hsr_fig13(lmin, lmax, conv, **kw)
    v = verdicts_of(t, "hsr-fig13")
    assert (v["asam-saddle"], v["hsr-no-saddle"], t.verdict) == ("holds", "holds", "holds")
    assert t.values["tip"]["asam"] == 3 and t.values["clear"] == {"asam": True, "hsr": False}
    tip_rule, count = t.claim.earlier
    assert tip_rule["verdict"] == "holds" and "one rule for both sentences" in tip_rule["test"]
    assert count["verdict"] == "holds" and t.values["n_clear"]["asam"] == 1
    # A-SAM's dip too small to see next to the blue line: the A-SAM sentence does not hold,
    # where the one rule for both said partly; the HSR sentence holds
    shallow = dict(falls, asam=np.where(np.arange(S) == 3, 0.01, 0.0))
    small = H.hsr_fig13(lmin, lmax, conv, **_fig13_curves(shallow, grp))
    v = verdicts_of(small, "hsr-fig13")
    assert (v["asam-saddle"], v["hsr-no-saddle"], small.verdict) == (
        "does not hold",
        "holds",
        "partly",
    )
    assert small.values["verdict_combined"] == "partly"
    st = row_ok(small, "hsr-fig13")["asam-saddle"]
    cf = {e["value"]: e["verdict"] for e in st["sensitivity"] if e["knob"] == "clear_frac"}
    assert cf[0.01] == "holds" and cf[0.05] == "does not hold"
    # no saddle at all on the Flat seeds (the paper-scale finding): the same
    none = H.hsr_fig13(lmin, lmax, conv, **_fig13_curves(dict.fromkeys(METHODS, np.zeros(S)), grp))
    v = verdicts_of(none, "hsr-fig13")
    assert (v["asam-saddle"], v["hsr-no-saddle"]) == ("does not hold", "holds")
    assert none.values["n_clear"] == dict.fromkeys(METHODS, 0)
    # HSR's tip a clear saddle and A-SAM's not: neither sentence holds
    rev = dict(lmin, hsr=lmin["asam"], asam=lmin["baseline"])
    revf = dict(falls, hsr=falls["asam"], asam=0 * falls["asam"])
    t = H.hsr_fig13(rev, lmax, conv, **_fig13_curves(revf, grp))
    v = verdicts_of(t, "hsr-fig13")
    assert (v["asam-saddle"], v["hsr-no-saddle"], t.verdict) == (
        "does not hold",
        "does not hold",
        "does not hold",
    )
    # both clear saddles: A-SAM's sentence holds, HSR's does not
    both = dict(falls, hsr=falls["asam"])
    t = H.hsr_fig13(dict(lmin, hsr=lmin["asam"]), lmax, conv, **_fig13_curves(both, grp))
    v = verdicts_of(t, "hsr-fig13")
    assert (v["asam-saddle"], v["hsr-no-saddle"]) == ("holds", "does not hold")
    # an outlier beyond the whisker is not the point shown, unless whis = inf
    far = dict(lmin, asam=lmin["asam"].copy())
    far["asam"][3] = -50.0
    out = H.hsr_fig13(far, lmax, conv, **kw)
    st = row_ok(out, "hsr-fig13")["asam-saddle"]
    assert out.values["tip"]["asam"] != 3 and st["verdict"] == "does not hold"
    w = {e["value"]: e["verdict"] for e in st["sensitivity"] if e["knob"].startswith("whisker")}
    assert w[float("inf")] == "holds"


def test_hsr_fig13_bad_input():
    S = 20
    lmax, conv, grp, lmin, falls = _fig13_setup(S)
    kw = _fig13_curves(falls, grp)
    with pytest.raises(ValueError, match="go together"):
        H.hsr_fig13(lmin, lmax, conv, along_max=kw["along_max"])
    with pytest.raises(ValueError, match="in_group"):
        H.hsr_fig13(lmin, lmax, conv, **dict(kw, in_group=np.zeros(S, bool)))
    with pytest.raises(ValueError, match="along_max and along_min"):
        H.hsr_fig13(
            lmin,
            lmax,
            conv,
            **dict(kw, along_min={m: v[:, :5] for m, v in kw["along_min"].items()}),
        )
    with pytest.raises(ValueError, match="clear_frac"):
        H.hsr_fig13(lmin, lmax, conv, **kw, clear_frac=0.0)


# ----- Fig. 15 ----------------------------------------------------------------------------------
def test_hsr_fig15_simpler_boundaries_and_overfitting():
    base = RNG.uniform(10, 20, 30)
    t = H.hsr_fig15(base, 0.7 * base)
    v = verdicts_of(t, "hsr-fig15")
    assert v == {"simpler": "holds", "overfitting": UNCHECKABLE, "desirable": UNCHECKABLE}
    assert t.verdict == "holds" and t.values["frac"] == 1.0
    # ten seeds, differences -1..-10 but two (ranks 4 and 5) longer: exact p = 0.032, partly
    d = -np.arange(1.0, 11.0)
    d[[3, 4]] *= -1
    part = H.hsr_fig15(base[:10], base[:10] + d)
    assert verdicts_of(part, "hsr-fig15")["simpler"] == "partly"
    assert part.values["p"] == pytest.approx(0.0322265625)
    assert verdicts_of(H.hsr_fig15(base, 1.3 * base), "hsr-fig15")["simpler"] == "does not hold"
    zero = H.hsr_fig15(base, np.zeros(30))
    assert zero.values["none_hsr"] == 30 and zero.verdict == "holds"
    # the generalization gap: smaller for HSR Reg. (holds) or not (does not hold)
    gap = RNG.uniform(0.05, 0.1, 30)
    t = H.hsr_fig15(base, 0.7 * base, gap, 0.5 * gap)
    assert verdicts_of(t, "hsr-fig15")["overfitting"] == "holds"
    t = H.hsr_fig15(base, 0.7 * base, gap, gap + 0.01)
    assert verdicts_of(t, "hsr-fig15")["overfitting"] == "does not hold"
    assert t.verdict == "partly"
    with pytest.raises(ValueError, match="same length"):
        H.hsr_fig15(base, base[:3])
    with pytest.raises(ValueError, match="lengths"):
        H.hsr_fig15(base, -base)
    with pytest.raises(ValueError, match="together"):
        H.hsr_fig15(base, base, gap)
    with pytest.raises(ValueError, match="same length"):
        H.hsr_fig15(base, base, gap[:4], gap[:4])


# ----- every row: quotes, statements, sensitivity -----------------------------------------------
def test_every_row_quotes_the_paper_and_says_how_it_reads_it():
    assert set(H.READINGS) == ROWS
    assert {k.split(" (")[0] for k in H.QUOTES} == ROWS
    t = H.hsr_fig06(np.ones(4), 2 * np.ones(4))
    assert t.claim.paper_says == str(H.QUOTES["hsr-fig06"]).strip()
    assert t.claim.paper_says.startswith('HSR, Section V-C: "Therefore')
    assert t.claim.reading == H.READINGS["hsr-fig06"]
    # Fig. 7 rests on two passages, Sections V-E and V-D
    t = H.hsr_fig07(TOP, MID, "x", 100)
    assert t.claim.paper_says.startswith("HSR, Section V-E") and "Section V-D" in t.claim.paper_says


def test_says_is_quoted_can_fail():
    assert says_is_quoted("the WS upper bound decreases", "hsr-fig07")
    assert not says_is_quoted("the WS upper bound vanishes", "hsr-fig07")


def _outcomes():
    from hsr.claims import verdicts

    e = np.linspace(-0.9, 0.9, 101)
    base = RNG.uniform(0.5, 1.0, 30)
    c = RNG.uniform(1, 2, 20)
    curves = {m: _lines(k * c) for m, k in zip(METHODS, (5, 2, 1, 0.5), strict=True)}
    local = {m: k * c for m, k in zip(METHODS, (5, 2, 1, 0.5), strict=True)}
    S = 10
    saddle = np.r_[-0.5, np.zeros(S - 1)]
    ws = RNG.lognormal(0, 1, 1124)
    f1 = _by_method(base, dict(baseline=0.0, hessian=0.05, asam=0.1, hsr=0.1))
    sharp = np.arange(30) < 15
    lmax, conv, grp, lmin, falls = _fig13_setup(20)
    return [
        _fig02(),
        _fig02(n_ratio=0.5, pair_exp=(1.0, 1.0)),
        H.hsr_fig03(np.r_[np.full(12, 1e-9), np.full(8, 1e-3)], 5),
        H.hsr_fig04(np.abs(e) ** 3, e, seed=1),
        H.hsr_fig04(np.abs(e) + 1.0, e, seed=1),
        H.hsr_fig05(COV, _curves(3.0), _curves(0.3)),
        H.hsr_fig06(np.ones(10), np.r_[2 * np.ones(9), 0.5]),
        H.hsr_fig07(TOP, MID, "x", 100),
        verdicts.hsr_fig09(0.9 * ws, ws, n_seeds=3000),
        verdicts.hsr_fig09(0.9 * ws, ws, n_seeds=1000),
        H.hsr_fig10(
            _by_method(base, dict(baseline=1.0, hessian=2.0, asam=0.0, hsr=0.0)), 0.5 * base
        ),
        H.hsr_fig11(curves, {m: np.zeros(20) for m in curves}, 1.0),
        H.hsr_fig11(
            curves, {m: np.zeros(20) for m in curves}, 1.0, rises={0.1: local, 0.3: local}, step=0.1
        ),
        verdicts.hsr_fig12(_by_method(base, dict(baseline=0.3, hessian=0.2, asam=0.0, hsr=0.01))),
        H.hsr_fig13(
            {m: (saddle if m == "asam" else np.zeros(S)) for m in METHODS},
            {m: np.ones(S) for m in METHODS},
            {m: np.ones(S, bool) for m in METHODS},
        ),
        H.hsr_fig13(lmin, lmax, conv, **_fig13_curves(falls, grp)),
        verdicts.hsr_fig14(f1, sharp, ~sharp),
        H.hsr_fig15(base, 0.7 * base, base / 100, base / 200),
    ]


def test_every_row_is_made_of_its_statements_each_with_its_sensitivity():
    seen = set()
    for t in _outcomes():
        sts = row_ok(t, t.claim.id)
        seen.add(t.claim.id)
        # every statement with a threshold shows how its verdict moves with it
        assert any(st["sensitivity"] for st in sts.values()), t.claim.id
    assert seen == ROWS
