"""hsr.claims.hsr: the tests of the HSR paper's claims, on data built so that each claim
holds, holds partly and does not hold, and on bad input. (Figs. 9, 12 and 14, the headline
claims, are tested in test_verdicts.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from hsr.claims import Claim
from hsr.claims import hsr as H

RNG = np.random.default_rng(1)
METHODS = ("baseline", "hessian", "asam", "hsr")


def _row(t, rid):
    assert isinstance(t.claim, Claim) and t.claim.id == rid and t.claim.paper == "HSR"
    return t.verdict


# ----- Fig. 2 -----------------------------------------------------------------------------------
H_SIZES, N_SIZES = [3, 10, 30, 100], [100, 300, 1000, 3000]


def _times(sizes, exponent, scale):
    return scale * np.asarray(sizes, float) ** exponent


def _fig02(h_ratio=10.0, n_ratio=10.0, pair_exp=(1.0, 2.0)):
    """Times of the closed form (auto) linear in both sizes, the numerical ones ``h_ratio``,
    ``n_ratio`` times slower (growing one power faster in d_h), the pairwise closed form
    with exponents ``pair_exp``."""
    auto_h, auto_n = _times(H_SIZES, 1.0, 1e-4), _times(N_SIZES, 1.0, 1e-4)
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


def test_hsr_fig02_faster_and_growth():
    t = _fig02()
    assert _row(t, "hsr-fig02") == "holds"
    v = t.values
    assert v["closed"] == "closed form (auto)" and v["growth"] == "closed form (pairwise)"
    assert v["n_faster"] == v["n_sizes"] == 8 and v["speedup_min"] == pytest.approx(10.0)
    assert v["e_h"] == pytest.approx(1.0) and v["e_n"] == pytest.approx(2.0)
    assert v["slopes"][("d_hidden", "numerical")] == pytest.approx(2.0)
    # slower than the finite differences in the N panel: 4 of 8 sizes, partly
    slow = _fig02(n_ratio=0.5)
    assert slow.values["faster"] == "partly" and slow.values["n_faster"] == 4
    # linear in N (not quadratic): growth partly; neither exponent: growth does not hold
    assert _fig02(pair_exp=(1.0, 1.0)).values["growth_verdict"] == "partly"
    none = _fig02(pair_exp=(3.0, 1.0))
    assert none.values["growth_verdict"] == "does not hold" and none.verdict == "partly"


def test_hsr_fig02_slower_everywhere_and_bad_input():
    t = _fig02(h_ratio=0.01, n_ratio=0.5, pair_exp=(3.0, 1.0))
    assert t.values["faster"] == "does not hold" and t.values["n_faster"] == 0
    assert t.verdict == "does not hold"
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
def test_hsr_fig03_fraction_of_checks():
    assert _row(H.hsr_fig03(np.full(20, 1e-9), 5), "hsr-fig03") == "holds"
    part = H.hsr_fig03(np.r_[np.full(12, 1e-9), np.full(8, 1e-3)], 5)
    assert part.verdict == "partly" and part.values["n_passed"] == 12
    assert part.values["worst"] == pytest.approx(1e-3)
    assert H.hsr_fig03(np.full(20, 1e-3), 5).verdict == "does not hold"
    assert H.hsr_fig03(np.full(20, 1e-3), 5, rel_tol=1e-2).verdict == "holds"
    with pytest.raises(ValueError, match="rel"):
        H.hsr_fig03([-1.0], 1)
    with pytest.raises(ValueError, match="n_networks"):
        H.hsr_fig03([1e-9], 0)
    with pytest.raises(ValueError, match="rel_tol"):
        H.hsr_fig03([1e-9], 1, rel_tol=0)


# ----- Fig. 4 -----------------------------------------------------------------------------------
def test_sample_steering_and_hsr_fig04():
    e = np.linspace(-0.9, 0.9, 101)
    norms = np.abs(e) ** 3  # vanishes as e -> 0: confident samples do not steer
    rho, p, share = H.sample_steering(norms, e, 0.1)
    assert rho == pytest.approx(1.0) and p < 1e-10 and share < 1e-3
    t = H.hsr_fig04(norms, e, seed=7)
    assert _row(t, "hsr-fig04") == "holds" and "seed 7" in t.claim.measured
    assert t.values["all_txt"].startswith("not computed")
    # rank-correlated but the confident samples still carry much of the sum: partly
    heavy = np.abs(e) + 1.0
    assert H.hsr_fig04(heavy, e, seed=7).verdict == "partly"
    # norms that do not depend on |e|: neither check
    flat = RNG.uniform(1, 2, e.size)
    assert H.hsr_fig04(flat, e, seed=7).verdict == "does not hold"
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


def test_hsr_fig05_three_checks():
    t = H.hsr_fig05(COV, _curves(3.0), _curves(0.3))
    assert _row(t, "hsr-fig05") == "holds" and t.values["n_ok"] == 3
    # both rise but the sigmoid more: two of three, partly
    assert H.hsr_fig05(COV, _curves(0.3), _curves(3.0)).verdict == "partly"
    # the sigmoid curve falls: only the linear check and the comparison: partly
    assert H.hsr_fig05(COV, _curves(3.0), _curves(-0.5)).values["n_ok"] == 2
    # both fall, the linear faster: no check passes
    none = H.hsr_fig05(COV, _curves(-0.9), _curves(-0.1))
    assert none.verdict == "does not hold" and none.values["n_ok"] == 0
    with pytest.raises(ValueError, match="norms_act"):
        H.hsr_fig05(COV, _curves(1.0), np.ones(11))
    with pytest.raises(ValueError, match="norms_ref"):
        H.hsr_fig05(COV[:5], _curves(1.0), _curves(1.0))


# ----- Fig. 6 -----------------------------------------------------------------------------------
def test_hsr_fig06_share_of_networks():
    mean = RNG.uniform(0.1, 1.0, 100)
    assert _row(H.hsr_fig06(mean, 3 * mean), "hsr-fig06") == "holds"
    part = H.hsr_fig06(mean, np.where(np.arange(100) < 70, 3.0, 0.5) * mean)
    assert part.verdict == "partly" and part.values["frac"] == pytest.approx(0.7)
    assert H.hsr_fig06(mean, 0.5 * mean).verdict == "does not hold"
    assert H.hsr_fig06(mean, 3 * mean).values["med_ratio"] == pytest.approx(3.0)
    with pytest.raises(ValueError, match="same length"):
        H.hsr_fig06(mean, mean[:5])
    with pytest.raises(ValueError, match="norms"):
        H.hsr_fig06(-mean, mean)


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


def test_hsr_fig07_seven_checks():
    t = H.hsr_fig07(TOP, MID, "initial parameters of seed 0", 100)
    assert _row(t, "hsr-fig07") == "holds" and t.values["n_ok"] == 7 and not t.values["failed"]
    assert t.values["first_last"]["range_mid"] == (8.0, pytest.approx(0.06))
    # lambda_min ends positive and lambda_max not near 0: 5 of 7, partly
    mid = dict(MID, lambda_max=_hist(5, 4), lambda_min=_hist(-3, 0.5))
    part = H.hsr_fig07(TOP, mid, "x", 100)
    assert part.verdict == "partly" and part.values["n_ok"] == 5
    assert "failed: middle: lambda_max -> 0+" in part.claim.measured
    # everything rises: none of the seven
    up = {k: v[::-1] for k, v in TOP.items()}
    mid_up = {"ws_upper": _hist(1, 10), "ws_lower": _hist(-1, -8)}
    mid_up |= {"lambda_max": _hist(0.05, 5), "lambda_min": _hist(0.5, -3)}
    none = H.hsr_fig07(up, mid_up, "x", 100)
    assert none.verdict == "does not hold"
    assert H.hsr_fig07(TOP, mid, "x", 100, near_zero=1.0).values["n_ok"] == 6


def test_hsr_fig07_earlier_step_is_shown_beside_not_combined():
    bad_mid = dict(MID, lambda_max=_hist(5, 4), lambda_min=_hist(-3, 0.5))  # 5 of 7
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
    (old,) = t.claim.earlier
    assert old["verdict"] == "partly" and "5 of 7 checks pass" in old["measured"]
    assert "the fixed step lr = 1" in old["test"] and "the fixed step lr = 1" in old["measured"]
    assert H.hsr_fig07(TOP, MID, "x", 100).claim.earlier == ()


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


def test_hsr_fig10_regularizers_lower_lambda_max():
    base = RNG.uniform(0.5, 1.0, 30)
    t = H.hsr_fig10(_by_method(base, dict(baseline=1.0, hessian=0.1, asam=0.0, hsr=0.0)))
    assert _row(t, "hsr-fig10") == "holds" and t.values["n_sig"] == 3
    assert set(t.values["p"]) == {"hessian", "asam", "hsr"}
    part = H.hsr_fig10(_by_method(base, dict(baseline=1.0, hessian=2.0, asam=0.0, hsr=0.0)))
    assert part.verdict == "partly" and part.values["n_sig"] == 2
    one = H.hsr_fig10(_by_method(base, dict(baseline=1.0, hessian=2.0, asam=2.0, hsr=0.0)))
    assert one.verdict == "does not hold"
    with pytest.raises(ValueError, match="missing \\['asam'\\]"):
        H.hsr_fig10({m: base for m in ("baseline", "hessian", "hsr")})
    with pytest.raises(ValueError, match="one shape"):
        H.hsr_fig10(dict(_by_method(base, dict.fromkeys(METHODS, 0.0)), hsr=base[:5]))


# ----- Fig. 11 ----------------------------------------------------------------------------------
def _lines(curvature, S=20, T=9):
    t = np.linspace(-1, 1, T)
    return curvature[:, None] * t[None, :] ** 2


def test_hsr_fig11_flat_minima():
    c = RNG.uniform(1, 2, 20)
    curves = {
        "baseline": _lines(5 * c),
        "hessian": _lines(2 * c),
        "asam": _lines(c),
        "hsr": _lines(0.5 * c),
    }
    loss0 = {m: np.zeros(20) for m in curves}
    t = H.hsr_fig11(curves, loss0, 1.0)
    assert _row(t, "hsr-fig11") == "holds" and t.values["lowest"] == "hsr"
    assert t.values["medians"]["hsr"] == pytest.approx(np.median(0.5 * c))
    # flatter than Baseline everywhere but A-SAM flatter still: partly
    part = H.hsr_fig11(dict(curves, asam=_lines(0.1 * c)), loss0, 1.0)
    assert part.verdict == "partly" and part.values["frac"] == 1.0
    worse = H.hsr_fig11(dict(curves, hsr=_lines(10 * c)), loss0, 1.0)
    assert worse.verdict == "does not hold" and worse.values["frac"] == 0.0
    with pytest.raises(ValueError, match="2-D"):
        H.hsr_fig11({m: np.ones(20) for m in curves}, loss0, 1.0)
    with pytest.raises(ValueError, match="loss0"):
        H.hsr_fig11(curves, {m: np.zeros(19) for m in curves}, 1.0)
    with pytest.raises(ValueError, match="step_max"):
        H.hsr_fig11(curves, loss0, 0.0)


def test_hsr_fig11_distribution_at_a_small_step_with_the_earlier_reading_kept():
    c = RNG.uniform(1, 2, 20)
    far = {m: _lines(k * c) for m, k in zip(METHODS, (5, 2, 1, 0.5), strict=True)}
    loss0 = {m: np.zeros(20) for m in METHODS}
    local = {m: k * c for m, k in zip(METHODS, (5, 2, 1, 0.5), strict=True)}
    t = H.hsr_fig11(far, loss0, 1.0, rises={0.1: local}, step=0.1)
    assert _row(t, "hsr-fig11") == "holds" and "t = 0.1" in t.claim.test
    (old,) = t.claim.earlier
    assert old["verdict"] == "holds" and "90%" in old["test"]
    assert t.values["frac_local"] == 1.0 and t.values["verdict_earlier"] == "holds"
    # HSR lowest median but one sharp seed in HSR's upper tail, above A-SAM's: partly
    tail = dict(local, hsr=np.r_[0.5 * c[:17], 3.0, 3.0, 3.0])
    part = H.hsr_fig11(far, loss0, 1.0, rises={0.1: tail}, step=0.1)
    assert part.verdict == "partly" and part.values["lowest_local"] == "hsr"
    assert part.values["lowest_tail_local"] == "asam"
    # the sensitivity moves with the tail quantile: at the 75% quantile HSR is lowest again
    q = {e["value"]: e["verdict"] for e in part.claim.sensitivity if e["knob"] == "tail quantile"}
    assert q[0.75] == "holds" and q[0.9] == "partly"
    # sharper than Baseline at the small step: does not hold, whatever the far step says
    worse = H.hsr_fig11(far, loss0, 1.0, rises={0.1: dict(local, hsr=10 * c)}, step=0.1)
    assert worse.verdict == "does not hold" and worse.claim.earlier[0]["verdict"] == "holds"
    # several steps: each is a sensitivity value
    two = H.hsr_fig11(far, loss0, 1.0, rises={0.1: local, 1.0: tail}, step=0.1)
    steps = [e for e in two.claim.sensitivity if e["knob"] == "step t of the loss rise"]
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
def test_hsr_fig13_saddles():
    S = 10
    lmax = {m: np.ones(S) for m in METHODS}
    conv = {m: np.ones(S, bool) for m in METHODS}
    lmin = {m: np.zeros(S) for m in METHODS}
    saddle = np.r_[-0.5, np.zeros(S - 1)]
    t = H.hsr_fig13(dict(lmin, asam=saddle), lmax, conv)
    assert _row(t, "hsr-fig13") == "holds" and t.values["saddles"]["asam"] == 1
    two = np.r_[-0.5, -0.5, np.zeros(S - 2)]
    assert H.hsr_fig13(dict(lmin, asam=two, hsr=saddle), lmax, conv).verdict == "partly"
    assert H.hsr_fig13(lmin, lmax, conv).verdict == "does not hold"  # no saddle anywhere
    # a saddle of a run that did not stop is not counted
    stopped = dict(conv, asam=np.zeros(S, bool))
    assert H.hsr_fig13(dict(lmin, asam=saddle), lmax, stopped).values["saddles"]["asam"] == 0
    # a tiny negative eigenvalue is no saddle at the default threshold
    tiny = np.r_[-1e-6, np.zeros(S - 1)]
    assert H.hsr_fig13(dict(lmin, asam=tiny), lmax, conv).verdict == "does not hold"
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


def test_hsr_fig13_clear_saddle_at_the_whisker_tip():
    S = 20
    lmax = {m: np.ones(S) for m in METHODS}
    conv = {m: np.ones(S, bool) for m in METHODS}
    grp = np.r_[np.ones(10, bool), np.zeros(10, bool)]  # the Flat runs come first
    lmin = {m: np.linspace(0.0, 0.09, S) for m in METHODS}
    # A-SAM: run 3 has the lowest lambda_min of the group, inside the whisker, a deep saddle
    lmin["asam"] = lmin["asam"].copy()
    lmin["asam"][3] = -0.02
    falls = {m: np.zeros(S) for m in METHODS}
    falls["asam"] = np.where(np.arange(S) == 3, 0.3, 0.0)
    lines = {m: _saddle_lines(S, fall=falls[m]) for m in METHODS}
    kw = dict(
        along_max={m: lines[m][0] for m in METHODS},
        along_min={m: lines[m][1] for m in METHODS},
        loss0={m: lines[m][2] for m in METHODS},
        in_group=grp,
    )
    t = H.hsr_fig13(lmin, lmax, conv, **kw)
    assert _row(t, "hsr-fig13") == "holds" and t.values["tip"]["asam"] == 3
    assert t.values["clear"] == {"asam": True, "hsr": False}
    (old,) = t.claim.earlier
    assert old["verdict"] == "holds" and t.values["n_clear"]["asam"] == 1
    # A-SAM's dip too small to see next to the blue line: neither is clear, partly
    shallow = dict(falls, asam=np.where(np.arange(S) == 3, 0.01, 0.0))
    lines2 = {m: _saddle_lines(S, fall=shallow[m]) for m in METHODS}
    kw2 = dict(kw, along_min={m: lines2[m][1] for m in METHODS})
    small = H.hsr_fig13(lmin, lmax, conv, **kw2)
    assert small.verdict == "partly" and small.claim.earlier[0]["verdict"] == "holds"
    cf = {e["value"]: e["verdict"] for e in small.claim.sensitivity if e["knob"] == "clear_frac"}
    assert cf[0.01] == "holds" and cf[0.05] == "partly"
    # HSR's tip a clear saddle and A-SAM's not: does not hold
    rev = dict(lmin, hsr=lmin["asam"], asam=lmin["baseline"])
    revf = {
        m: _saddle_lines(S, fall=dict(falls, hsr=falls["asam"], asam=0 * falls["asam"])[m])
        for m in METHODS
    }
    kw3 = dict(kw, along_min={m: revf[m][1] for m in METHODS})
    assert H.hsr_fig13(rev, lmax, conv, **kw3).verdict == "does not hold"
    # an outlier beyond the whisker is not the point shown, unless whis = inf
    far = dict(lmin, asam=lmin["asam"].copy())
    far["asam"][3] = -50.0
    out = H.hsr_fig13(far, lmax, conv, **kw)
    assert out.values["tip"]["asam"] != 3 and out.verdict == "partly"
    w = {e["value"]: e["verdict"] for e in out.claim.sensitivity if e["knob"].startswith("whisker")}
    assert w[float("inf")] == "holds"
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
def test_hsr_fig15_shorter_boundaries():
    base = RNG.uniform(10, 20, 30)
    t = H.hsr_fig15(base, 0.7 * base)
    assert _row(t, "hsr-fig15") == "holds" and t.values["frac"] == 1.0
    # ten seeds, differences -1..-10 but two (ranks 4 and 5) longer: exact p = 0.032, partly
    d = -np.arange(1.0, 11.0)
    d[[3, 4]] *= -1
    part = H.hsr_fig15(base[:10], base[:10] + d)
    assert part.verdict == "partly" and part.values["p"] == pytest.approx(0.0322265625)
    assert H.hsr_fig15(base, 1.3 * base).verdict == "does not hold"
    zero = H.hsr_fig15(base, np.zeros(30))
    assert zero.values["none_hsr"] == 30 and zero.verdict == "holds"
    with pytest.raises(ValueError, match="same length"):
        H.hsr_fig15(base, base[:3])
    with pytest.raises(ValueError, match="lengths"):
        H.hsr_fig15(base, -base)


# ----- quotes and readings ----------------------------------------------------------------------
ROWS = {f"hsr-fig{n:02d}" for n in (2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15)}


def test_every_row_quotes_the_paper_and_says_how_it_reads_it():
    assert set(H.QUOTES) == set(H.READINGS) == ROWS
    t = H.hsr_fig06(np.ones(4), 2 * np.ones(4))
    assert t.claim.paper_says == str(H.QUOTES["hsr-fig06"]).strip()
    assert t.claim.paper_says.startswith('HSR, Section V-C: "Therefore')
    assert t.claim.reading == H.READINGS["hsr-fig06"]
    merged = H.hsr_fig15(np.ones(5), np.r_[0.5, 0.4, 0.3, 0.2, 0.1])
    assert merged.claim.paper_says.startswith("HSR, Section VI-C")


# ----- sensitivity ------------------------------------------------------------------------------
def _outcomes():
    e = np.linspace(-0.9, 0.9, 101)
    base = RNG.uniform(0.5, 1.0, 30)
    c = RNG.uniform(1, 2, 20)
    curves = {m: _lines(k * c) for m, k in zip(METHODS, (5, 2, 1, 0.5), strict=True)}
    S = 10
    saddle = np.r_[-0.5, np.zeros(S - 1)]
    ws = RNG.lognormal(0, 1, 1124)
    f1 = _by_method(base, dict(baseline=0.0, hessian=0.05, asam=0.1, hsr=0.1))
    sharp = np.arange(30) < 15
    return [
        _fig02(),
        _fig02(n_ratio=0.5, pair_exp=(1.0, 1.0)),
        H.hsr_fig03(np.r_[np.full(12, 1e-9), np.full(8, 1e-3)], 5),
        H.hsr_fig04(np.abs(e) ** 3, e, seed=1),
        H.hsr_fig04(np.abs(e) + 1.0, e, seed=1),
        H.hsr_fig05(COV, _curves(3.0), _curves(0.3)),
        H.hsr_fig06(np.ones(10), np.r_[2 * np.ones(9), 0.5]),
        H.hsr_fig07(TOP, MID, "x", 100),
        H.hsr_fig09(0.9 * ws, ws, n_seeds=3000),
        H.hsr_fig10(_by_method(base, dict(baseline=1.0, hessian=2.0, asam=0.0, hsr=0.0))),
        H.hsr_fig11(curves, {m: np.zeros(20) for m in curves}, 1.0),
        H.hsr_fig12(_by_method(base, dict(baseline=0.3, hessian=0.2, asam=0.0, hsr=0.01))),
        H.hsr_fig13(
            {m: (saddle if m == "asam" else np.zeros(S)) for m in METHODS},
            {m: np.ones(S) for m in METHODS},
            {m: np.ones(S, bool) for m in METHODS},
        ),
        H.hsr_fig14(f1, sharp, ~sharp),
        H.hsr_fig15(base, 0.7 * base),
    ]


def test_sensitivity_marks_the_chosen_value_with_the_rows_verdict():
    import json
    from dataclasses import asdict

    seen = set()
    for t in _outcomes():
        sens = t.claim.sensitivity
        assert sens, t.claim.id
        seen.add(t.claim.id)
        for knob in {d["knob"] for d in sens}:
            series = [d for d in sens if d["knob"] == knob]
            assert len(series) >= 3 and [d["value"] for d in series] == sorted(
                d["value"] for d in series
            )
            chosen = [d for d in series if d["chosen"]]
            assert len(chosen) == 1, (t.claim.id, knob)
            assert chosen[0]["verdict"] == t.verdict, (t.claim.id, knob)
        json.dumps(asdict(t.claim))  # the row is written as JSON
    assert seen == ROWS


def test_sensitivity_moves_with_the_knob():
    t = H.hsr_fig03(np.r_[np.full(12, 1e-9), np.full(8, 1e-5)], 5)
    by_tol = {d["value"]: d["verdict"] for d in t.claim.sensitivity}
    assert by_tol[1e-6] == "partly" and by_tol[1e-4] == "holds" and by_tol[1e-9] == "does not hold"
    mid = dict(MID, lambda_max=_hist(5, 1.0))  # ends 1/8 of the initial range above 0
    z = {d["value"]: d["statistic"] for d in H.hsr_fig07(TOP, mid, "x", 9).claim.sensitivity}
    assert z[0.1] == 6 and z[0.2] == 7
