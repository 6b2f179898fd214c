"""The Fig. 2 experiment of Kiselev et al. (hsr.experiments.landscape): eq. (1), Adam, orderings,
the grid."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hsr.claims import landscape as lsc
from hsr.core.landscape import mlp
from hsr.experiments import landscape as ls


def _losses(m, seed=0):
    # cross-entropy-like: non-negative and right-skewed
    return np.random.default_rng(seed).exponential(0.7, size=m) ** 1.5


def test_eq1_identity_holds_exactly_per_ordering():
    losses = _losses(500)
    orders = ls.orderings(500, 7, seed=3)
    lhs, rhs = ls.identity_terms(losses, orders)
    assert lhs.shape == rhs.shape == (7, 499)
    # both sides are O(1/k) differences of O(1) running means: rounding only
    np.testing.assert_allclose(lhs, rhs, rtol=0, atol=1e-14)
    # and by definition, against an explicit loop for one ordering
    seq = losses[orders[2]]
    for k in (1, 2, 10, 498):
        Lk, Lk1 = seq[:k].mean(), seq[: k + 1].mean()
        np.testing.assert_allclose(lhs[2, k - 1], abs(Lk1 - Lk), rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(rhs[2, k - 1], abs(seq[k] - Lk) / (k + 1), rtol=1e-12)


def test_mad_prediction_is_the_exact_average_at_the_last_k():
    # with every object last exactly once (cyclic orderings), the average of |L_m - L_{m-1}|
    # over the orderings is exactly MAD/(m-1) = mad_prediction[-1] * m/(m-1)
    m = 40
    losses = _losses(m, 1)
    orders = np.array([np.roll(np.arange(m), s) for s in range(m)])
    avg = ls.loss_differences(losses, orders).mean(axis=0)
    mad = np.mean(np.abs(losses - losses.mean()))
    np.testing.assert_allclose(avg[-1], mad / (m - 1), rtol=1e-12)
    pred = ls.mad_prediction(losses)
    assert pred.shape == (m - 1,)
    np.testing.assert_allclose(pred, mad / np.arange(2, m + 1), rtol=1e-15)
    np.testing.assert_allclose(avg[-1], pred[-1] * m / (m - 1), rtol=1e-12)


def test_curve_follows_mad_over_k_at_large_k():
    m = 3000
    losses = _losses(m, 2)
    curve, pred = ls.curve_and_mad(losses, n_orderings=200, seed=0)
    k = np.arange(1, m)
    sel = k >= 300
    # averaged over many k and orderings the ratio is 1 up to sampling noise (~1%)
    ratio = ls.ema(curve)[sel] / ls.ema(pred)[sel]
    assert abs(np.median(ratio) - 1) < 0.03
    # at k = 1, E|l_2 - l_1|/2 is the mean pair difference over 2, larger than MAD/2
    assert curve[0] > pred[0]


def test_mean_curve_independent_of_chunking():
    losses = _losses(300, 4)
    a = ls.mean_difference_curve(losses, 23, seed=5, chunk=1)
    b = ls.mean_difference_curve(losses, 23, seed=5, chunk=7)
    c = ls.mean_difference_curve(losses, 23, seed=5, chunk=100)
    np.testing.assert_allclose(a, b, rtol=1e-13)
    np.testing.assert_allclose(a, c, rtol=1e-13)
    d = ls.mean_difference_curve(losses, 23, seed=6, chunk=7)
    assert not np.allclose(a, d)
    # ordering j is the same whichever chunk draws it
    np.testing.assert_array_equal(ls.orderings(300, 5, 5)[3], ls.orderings(300, 2, 5, start=3)[0])


def test_ema_matches_the_authors_loop():
    x = _losses(50, 6)
    e = [x[0]]
    for t in range(1, x.size):
        e.append(0.99 * e[-1] + 0.01 * x[t])
    np.testing.assert_allclose(ls.ema(x), e, rtol=1e-13)
    np.testing.assert_allclose(ls.ema(np.stack([x, 2 * x]))[1], 2 * np.array(e), rtol=1e-13)


def test_loglog_slope_of_a_power_law():
    k = np.arange(1, 1000)
    assert math.isclose(ls.loglog_slope(k, 3.0 / k, 100), -1.0, rel_tol=1e-12)
    assert math.isclose(ls.loglog_slope(k, k**-0.5, 10, 500), -0.5, rel_tol=1e-12)


def test_adam_step_against_hand_computed_steps():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-8
    W = [np.array([[1.0, -2.0]])]
    st = ls.adam_init(W)
    g1, g2 = np.array([[0.5, -3.0]]), np.array([[-1.0, 0.25]])
    ls.adam_step(W, [g1], st, lr)
    # t = 1: m_hat = g, v_hat = g^2, step = lr * g / (|g| + eps) (torch: eps after the sqrt)
    want1 = np.array([[1.0 - lr * 0.5 / (0.5 + eps), -2.0 + lr * 3.0 / (3.0 + eps)]])
    np.testing.assert_allclose(W[0], want1, rtol=1e-15)
    ls.adam_step(W, [g2], st, lr)
    want2 = []
    for w, a, b in zip(want1[0], g1[0], g2[0], strict=True):
        m = b1 * (1 - b1) * a + (1 - b1) * b
        v = b2 * (1 - b2) * a * a + (1 - b2) * b * b
        step = (lr / (1 - b1**2)) * m / (math.sqrt(v) / math.sqrt(1 - b2**2) + eps)
        want2.append(w - step)
    np.testing.assert_allclose(W[0][0], want2, rtol=1e-14)
    assert st.t == 2


def test_train_mlp_is_seeded_and_learns():
    from hsr.experiments.landscape.digits import load_digits_data

    X, y = load_digits_data("sklearn8x8", n=300)
    W0 = mlp.init_mlp(64, 16, 1, 10, np.random.default_rng([0, 16, 1]))
    a, hist_a = ls.train_mlp(X, y, 16, 1, epochs=5, seed=0)
    b, hist_b = ls.train_mlp(X, y, 16, 1, epochs=5, seed=0)
    c, _ = ls.train_mlp(X, y, 16, 1, epochs=5, seed=1)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    np.testing.assert_array_equal(hist_a, hist_b)
    assert not np.array_equal(a[0], c[0])
    assert len(a) == 3 and a[1].shape == (16, 16)
    # Adam at lr 1e-3 for 25 steps: the loss falls below its value at the (same) init
    assert mlp.per_sample_losses(a, X, y).mean() < mlp.per_sample_losses(W0, X, y).mean() - 0.05
    assert hist_a[-1] < hist_a[0]


def test_grid_deterministic_chunk_independent_and_cached(tmp_path):
    cfg = ls.LandscapeConfig(dataset="sklearn8x8", n=120, epochs=2, n_orderings=9)
    pts = [(4, 1), (8, 0), (4, 1)]
    a = ls.run_landscape_grid(cfg, pts, chunk=2, cache_dir=False, quiet=True)
    b = ls.run_landscape_grid(cfg, pts, chunk=50, cache_dir=tmp_path, quiet=True)
    c = ls.run_landscape_grid(cfg, pts, chunk=4, cache_dir=tmp_path, quiet=True)
    assert list(a) == [(4, 1), (8, 0)]  # the repeated point is computed once
    assert len(list(tmp_path.glob("landscape-*.npz"))) == 2
    for key in a:
        assert not b[key].cached and c[key].cached
        np.testing.assert_array_equal(a[key].losses, b[key].losses)
        np.testing.assert_allclose(a[key].curve, b[key].curve, rtol=1e-13)
        np.testing.assert_array_equal(b[key].curve, c[key].curve)
        np.testing.assert_array_equal(b[key].smoothed, c[key].smoothed)
        assert a[key].curve.shape == (119,) and a[key].k[-1] == 119
        assert 0 <= a[key].train_acc <= 1
    other = ls.run_landscape_grid(
        ls.LandscapeConfig(dataset="sklearn8x8", n=120, epochs=2, n_orderings=9, seed=1),
        [(4, 1)],
        cache_dir=tmp_path,
        quiet=True,
    )
    assert not other[(4, 1)].cached  # every setting is in the key


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match="losses must be 1-D"):
        ls.mean_difference_curve(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="losses contains NaN"):
        ls.mad_prediction([1.0, np.nan])
    with pytest.raises(ValueError, match="orders must hold permutations"):
        ls.loss_differences([1.0, 2.0, 3.0], [[0, 0, 1]])
    with pytest.raises(ValueError, match="orders must be integer"):
        ls.loss_differences([1.0, 2.0, 3.0], [[0, 1]])
    with pytest.raises(ValueError, match="n_orderings"):
        ls.mean_difference_curve([1.0, 2.0], 0)
    with pytest.raises(ValueError, match="factor"):
        ls.ema([1.0], 1.0)
    with pytest.raises(ValueError, match="dataset"):
        ls.LandscapeConfig(dataset="cifar10")
    with pytest.raises(ValueError, match="n must be in"):
        ls.LandscapeConfig(dataset="sklearn8x8", n=5000)
    with pytest.raises(ValueError, match="lr"):
        ls.LandscapeConfig(lr=-1.0)
    with pytest.raises(ValueError, match="depth"):
        ls.train_mlp(np.zeros((3, 2)), [0, 1, 2], 4, -1)
    with pytest.raises(ValueError, match="batch_size"):
        ls.train_mlp(np.zeros((3, 2)), [0, 1, 2], 4, 1, batch_size=0)
    with pytest.raises(ValueError, match="y must hold labels"):
        ls.train_mlp(np.zeros((3, 2)), [0, 1, 12], 4, 1)
    with pytest.raises(ValueError, match="points"):
        ls.run_landscape_grid(ls.LandscapeConfig(), [(0, 1)], cache_dir=False, quiet=True)
    with pytest.raises(ValueError, match="cfg"):
        ls.run_landscape_grid({"dataset": "mnist5k"}, cache_dir=False, quiet=True)


def _net(curve_fn, m=1000, hidden=4, depth=1, seed=0):
    losses = _losses(m, seed)
    k = np.arange(1, m)
    mad = ls.mad_prediction(losses)
    return ls.NetCurves(hidden, depth, losses, curve_fn(k, mad), mad, 0.0, 1.0, 0.0)


def test_fall_ratio_and_slope_tell_a_1_over_k_fall_from_a_floor():
    one_over_k = _net(lambda k, mad: 2.0 / (k + 1))
    floor = _net(lambda k, mad: 2.0 / (k + 1) + 0.1)
    np.testing.assert_allclose(ls.fall_ratio(one_over_k), 0.1, rtol=0.02)
    assert ls.fall_ratio(floor) > 0.5
    assert abs(ls.rate_slope(one_over_k) + 1) < 0.01
    assert ls.rate_slope(floor) > -0.3
    ratios, frac, verdict = lsc.convergence_test({(4, 1): one_over_k, (8, 1): floor}, 0.5)
    assert frac == 0.5 and verdict == "partly" and len(ratios) == 2
    slopes, frac, verdict = lsc.rate_test({(4, 1): one_over_k}, 0.1, 0.1)
    assert verdict == "holds" and frac == 1.0


def test_binned_ratio_is_one_for_the_mad_curve():
    net = _net(lambda k, mad: mad)
    kb, r = ls.binned_ratio(net, 20)
    assert kb.size <= 20 and np.all(np.diff(kb) > 0)
    np.testing.assert_allclose(r, 1.0, rtol=1e-14)
    kb, r = ls.binned_ratio(_net(lambda k, mad: 3.0 * mad), 20)
    np.testing.assert_allclose(r, 3.0, rtol=1e-14)


def test_order_test_reads_the_vertical_order_of_the_curves():
    left = [(h, 5) for h in (4, 8, 16, 32, 64)]
    right = [(16, L) for L in (1, 3, 5, 7, 10)]
    # the paper's statement exactly: level rises with L, falls with h
    nets = {(h, L): _net(lambda k, mad, h=h, L=L: (1 + L / h) / (k + 1)) for h, L in left + right}
    out = lsc.order_test(nets, left, right, 0.1, 0.9)
    assert out["rho_L"] == 1.0 and out["rho_h"] == -1.0 and out["verdict"] == "holds"
    assert lsc.order_test(nets, left, right, 0.1, 1.0)["verdict"] == "holds"
    # reversed in L: depth does not hold, width holds -> partly
    nets = {
        (h, L): _net(lambda k, mad, h=h, L=L: (1 / L + 1 / h) / (k + 1)) for h, L in left + right
    }
    out = lsc.order_test(nets, left, right, 0.1, 0.9)
    assert out["verdict_L"] == "does not hold" and out["verdict_h"] == "holds"
    assert out["verdict"] == "partly"


def test_order_rule_reaches_every_verdict():
    up, down = (
        {1: 1.0, 3: 2.0, 5: 3.0, 7: 4.0, 10: 5.0},
        {4: 5.0, 8: 4.0, 16: 3.0, 32: 2.0, 64: 1.0},
    )
    out = lsc.order_rule(down, up, 0.9)
    assert (out["rho_L"], out["rho_h"], out["verdict"]) == (1.0, -1.0, "holds")
    # one swap of non-adjacent ranks in h: rho_h = -0.7, partly at 0.9, holds at 0.7
    swapped = {4: 3.0, 8: 5.0, 16: 4.0, 32: 2.0, 64: 1.0}
    out = lsc.order_rule(swapped, up, 0.9)
    assert out["rho_h"] == pytest.approx(-0.7) and out["verdict_h"] == "partly"
    assert out["verdict_L"] == "holds" and out["verdict"] == "partly"
    assert lsc.order_rule(swapped, up, 0.7)["verdict"] == "holds"
    # the reading's threshold (RHO_MIN = 0.5, an evident trend) is the default
    assert lsc.RHO_MIN == 0.5 and lsc.RHO_MIN_EARLIER == 0.9
    assert lsc.order_rule(swapped, up)["verdict"] == "holds"
    weak = {4: 4.0, 8: 2.0, 16: 3.0, 32: 5.0, 64: 1.0}  # rho_h = -0.3: weak, the right sign
    out = lsc.order_rule(weak, up)
    assert out["rho_h"] == pytest.approx(-0.3) and out["verdict_h"] == "partly"
    # both reversed: does not hold
    out = lsc.order_rule({h: -v for h, v in down.items()}, {L: -v for L, v in up.items()}, 0.9)
    assert out["verdict_L"] == "does not hold" and out["verdict"] == "does not hold"


def _authors(level_h: dict, level_L: dict) -> dict:
    """Curves shaped like the authors' (k = 1 .. 9,999) with given levels."""
    from hsr.experiments.landscape.authors import AuthorsCurve

    def curve(panel, h, L, level):
        k = np.array([1, 10, 100, 1000, 9999])
        return AuthorsCurve(panel, h, L, k, level * 1000.0 / (k + 1))

    return {
        "hidden_size": {(h, 5): curve("hidden_size", h, 5, v) for h, v in level_h.items()},
        "num_layers": {(16, L): curve("num_layers", 16, L, v) for L, v in level_L.items()},
    }


def test_authors_order_test_reads_each_panel_on_its_own_curves():
    up, down = (
        {1: 1.0, 3: 2.0, 5: 3.0, 7: 4.0, 10: 5.0},
        {4: 5.0, 8: 4.0, 16: 3.0, 32: 2.0, 64: 1.0},
    )
    out = lsc.authors_order_test(_authors(down, up), 0.1, 0.9)
    assert out["verdict"] == "holds" and set(out["levels_h"]) == set(down)
    # the levels are the curves' geometric means over k >= 1000: in the given proportions
    r = np.array([out["levels_h"][h] / down[h] for h in down])
    np.testing.assert_allclose(r, r[0], rtol=1e-12)
    # the h = 16, L = 5 net is drawn in both panels: each panel's rule reads its own curve
    assert out["levels_h"][16] / out["levels_L"][5] == pytest.approx(down[16] / up[5])
    rev = lsc.authors_order_test(_authors({h: 6.0 - v for h, v in down.items()}, up), 0.1, 0.9)
    assert rev["verdict_h"] == "does not hold" and rev["verdict_L"] == "holds"
    assert rev["verdict"] == "partly"
    low = lsc.authors_order_test(_authors(down, {L: 6.0 - v for L, v in up.items()}), 0.1, 0.9)
    assert low["verdict_L"] == "does not hold"


def test_binned_curve_and_ema_excess():
    net = _net(lambda k, mad: 2.0 / (k + 1))
    kb, c = ls.binned_curve(net, 30)
    np.testing.assert_allclose(c[0], 1.0, rtol=1e-14)  # the first bin holds k = 1 alone
    assert np.all(np.diff(c) < 0)
    # the EMA of 2/(k+1) at k = 100 keeps 0.99^99 of its first value 1: far above 2/101
    assert ls.ema_excess(net, 100) > 0.99**99 * 1.0 / (2.0 / 101)
    # at k = 900: the start's share 0.99^899 / (2/901) ~ 0.05 and the lag ~ 100/900 are left
    assert 1.0 < ls.ema_excess(net, 900) < 1.3
    flat = _net(lambda k, mad: np.full(k.size, 0.3))
    np.testing.assert_allclose(ls.ema_excess(flat, 50), 1.0, rtol=1e-12)
    with pytest.raises(ValueError, match="k must be"):
        ls.ema_excess(net, 0)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0.0, 50.0, allow_nan=False), min_size=2, max_size=60),
    st.integers(0, 2**32 - 1),
)
def test_eq1_identity_property(values, seed):
    """Eq. (1) for any non-negative losses (cross-entropy's range) and any ordering."""
    losses = np.array(values)
    orders = ls.orderings(losses.size, 3, seed)
    lhs, rhs = ls.identity_terms(losses, orders)
    np.testing.assert_allclose(lhs, rhs, rtol=0, atol=1e-13 * max(1.0, losses.max()))
    # and the average over orderings of the last step is bounded by max|l_i - mean| / (m - 1)
    dev = np.abs(losses - losses.mean()).max()
    assert np.all(lhs[:, -1] <= dev * losses.size / (losses.size - 1) / losses.size + 1e-12)


def _statements_ok(out) -> dict:
    """A Fig. 2 row made of its statements: the row's verdict their combination, every
    statement's chosen sensitivity entries carrying its verdict, the paper quoted. Returns the
    statements by id."""
    from hsr.claims.ledger import UNCHECKABLE, combine_verdicts

    c = out.claim
    assert c.paper == "Landscape" and c.paper_says.startswith("Landscape, ") and c.reading
    assert c.statements and c.sensitivity == ()
    checked = [st["verdict"] for st in c.statements if st["verdict"] != UNCHECKABLE]
    assert c.verdict == combine_verdicts(checked)
    quoted = " ".join(
        " ".join(q.text.split()) for k, q in lsc.QUOTES.items() if k.split(" (")[0] == c.id
    )
    out_ = {}
    for s in c.statements:
        assert s["id"].startswith(c.id.split("-")[0] + "-")
        assert " ".join(s["says"].split()) in quoted, s["says"]  # the paper's words, verbatim
        if s["verdict"] == UNCHECKABLE:
            assert s["why"] and not s["sensitivity"]
        chosen = [e for e in s["sensitivity"] if e["chosen"]]
        assert all(e["verdict"] == s["verdict"] for e in chosen), s["id"]
        assert s["verdict"] == UNCHECKABLE or chosen, s["id"]
        out_[s["id"]] = s
    return out_


def test_the_figure_2_rows():
    """The rows of the Figure 2 page (hsr.claims.landscape), statement by statement."""
    left = [(h, 5) for h in (4, 8, 16, 32, 64)]
    right = [(16, L) for L in (1, 3, 5, 7, 10)]
    good = {(h, L): _net(lambda k, mad, h=h, L=L: (1 + L / h) / (k + 1)) for h, L in left + right}
    floor = {  # levels off (and its levels differ, so that rank correlations exist)
        (h, L): _net(lambda k, mad, h=h, L=L: 2.0 / (k + 1) + 0.1 + 1e-3 * L - 1e-4 * h)
        for h, L in left + right
    }
    runs = {"a": good, "b": floor}
    conv = lsc.landscape_convergence(good, runs, "a", 0.5, 10)
    assert conv.verdict == "holds" and len(conv.values["ratios"]) == 9
    assert list(_statements_ok(conv)) == ["landscape-convergence-to-zero"]
    assert lsc.landscape_convergence(floor, runs, "b").verdict == "does not hold"
    rate = lsc.landscape_rate(good, runs, "a", 0.1, 0.1)
    v = {k: s["verdict"] for k, s in _statements_ok(rate).items()}
    assert v == {
        "landscape-rate-inverse": "holds",
        "landscape-rate-sublinear": "not checkable",
        "landscape-rate-upper-bound": "holds",
    }
    assert rate.verdict == "holds" and all(abs(s + 1) < 0.1 for s in rate.values["slopes"])
    assert lsc.landscape_rate(floor, runs, "b").verdict == "does not hold"
    dw = lsc.landscape_depth_width(good, runs, {1: good}, left, right, "a", 0.1)
    v = {k: s["verdict"] for k, s in _statements_ok(dw).items()}
    assert v == {
        "landscape-depth": "holds",
        "landscape-width": "holds",
        "landscape-not-substantial": "not checkable",
    }
    assert dw.verdict == "holds" and dw.values["authors"] is None
    (old,) = dw.claim.earlier
    assert old["verdict"] == "holds" and "0.9" in old["test"]
    # with the authors' curves: their rule's result in each statement's sensitivity, never
    # chosen; their width panel (one curve two places out) passes 0.5 and fails 0.9
    swapped = _authors({4: 3.0, 8: 5.0, 16: 4.0, 32: 2.0, 64: 1.0}, {1: 1, 3: 2, 5: 3, 7: 4, 10: 5})
    dw2 = lsc.landscape_depth_width(good, runs, {1: good}, left, right, "a", 0.1, authors=swapped)
    assert dw2.verdict == dw.verdict and dw2.values["authors"]["verdict"] == "holds"
    assert dw2.values["authors_earlier"]["verdict"] == "partly"
    assert "the authors' own figure under it" in dw2.claim.earlier[0]["measured"]
    width = _statements_ok(dw2)["landscape-width"]
    theirs = [s for s in width["sensitivity"] if s["knob"].startswith("rho_min on the authors")]
    assert {s["value"]: s["verdict"] for s in theirs} == {
        0.3: "holds",
        0.5: "holds",
        0.7: "holds",
        0.8: "partly",
        0.9: "partly",
        1.0: "partly",
    }
    assert not any(s["chosen"] for s in theirs)


def test_the_depth_width_statements_reach_every_verdict():
    """Each statement on its own: an evident trend holds, a weak one in the claimed direction
    is partly, none or the reverse does not hold; the earlier threshold 0.9 kept beside."""
    left = [(h, 6) for h in (4, 8, 16, 32, 64)]  # no net in both panels: ranks set freely
    right = [(16, L) for L in (1, 3, 5, 7, 10)]

    def nets(rank_h, rank_L):
        """Curves whose levels have the given ranks over h (left) and L (right)."""
        lev = {(h, 6): 1.0 + r for h, r in zip((4, 8, 16, 32, 64), rank_h, strict=True)}
        lev |= {(16, L): 1.0 + r for L, r in zip((1, 3, 5, 7, 10), rank_L, strict=True)}
        return {p: _net(lambda k, mad, v=v: v / (k + 1)) for p, v in lev.items()}

    def verdicts(R):
        out = lsc.landscape_depth_width(R, {"a": R}, {}, left, right, "a", 0.1)
        v = {k: s["verdict"] for k, s in _statements_ok(out).items()}
        return v["landscape-depth"], v["landscape-width"], out

    d, w, out = verdicts(nets([4, 3, 2, 1, 0], [0, 1, 2, 3, 4]))
    assert (d, w) == ("holds", "holds") and out.values["rho_h"] == -1.0
    # a weak trend in the claimed direction (rho = 0.3): partly, as under 0.9
    d, w, out = verdicts(nets([3, 1, 2, 4, 0], [1, 3, 2, 0, 4]))
    assert out.values["rho_h"] == pytest.approx(-0.3) and w == "partly"
    assert out.values["rho_L"] == pytest.approx(0.3) and d == "partly"
    # reversed: does not hold
    d, w, out = verdicts(nets([0, 1, 2, 3, 4], [4, 3, 2, 1, 0]))
    assert (d, w) == ("does not hold", "does not hold") and out.verdict == "does not hold"
    # one curve two places out (the authors' width panel): holds now, partly under 0.9
    d, w, out = verdicts(nets([2, 4, 3, 1, 0], [0, 1, 2, 4, 3]))
    assert out.values["rho_h"] == pytest.approx(-0.7) and w == "holds"
    assert out.values["rho_L"] == pytest.approx(0.9) and d == "holds"
    assert out.values["earlier"]["verdict_h"] == "partly" and out.verdict == "holds"
    assert out.claim.earlier[0]["verdict"] == out.values["earlier"]["verdict"] == "partly"
    # a curve three places out (|rho| = 0.4, our curves at the paper scale): partly
    d, w, out = verdicts(nets([1, 4, 3, 2, 0], [3, 0, 1, 2, 4]))
    assert (out.values["rho_L"], out.values["rho_h"]) == (pytest.approx(0.4), pytest.approx(-0.4))
    assert (d, w) == ("partly", "partly")


def test_lemma1_table_small():
    from hsr.core.landscape import gterm as gt
    from hsr.experiments.landscape.digits import load_digits_data

    X, y = load_digits_data("sklearn8x8", 60)
    rows = ls.lemma1_table(X, y, [3], [0, 1], epochs=1, seed=2)
    assert [(r["h"], r["num_layers"], r["L"]) for r in rows] == [(3, 0, 2), (3, 1, 3)]
    Mx = np.linalg.norm(X, axis=1).max()
    for r in rows:
        assert r["lemma1_rate"] == pytest.approx(r["L"] * (r["h"] * r["M"]) ** (2 * r["L"]))
        assert r["g_max"] <= r["corrected_bound"] * (1 + 1e-12)
        assert r["corrected_bound"] == pytest.approx(gt.corrected_bound(r["L"], Mx, r["M_W"]))
        assert 0 <= r["g_median"] <= r["g_max"]
    with pytest.raises(ValueError, match="grid"):
        ls.lemma1_table(X, y, [], [1])


def test_window_mean_geometric_of_a_window_with_a_zero_is_zero_without_a_warning():
    import warnings

    net = _net(lambda k, mad: np.where(k % 7 == 0, 0.0, 1.0 / k))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # np.log(0) warned on the landscape Fig. 2 page
        assert ls.window_mean(net, 0.5, 1.0, geometric=True) == 0.0
    positive = _net(lambda k, mad: np.full(k.shape, 4.0))
    assert ls.window_mean(positive, 0.5, 1.0, geometric=True) == pytest.approx(4.0)
