"""hsr.experiments.stats.whisker_tip against matplotlib's own box-plot statistics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hsr.experiments import stats
from hsr.experiments.stats import whisker_tip

cbook = pytest.importorskip("matplotlib.cbook")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=40),
    st.sampled_from([0.5, 1.0, 1.5, 3.0]),
)
def test_whisker_tip_is_where_matplotlib_draws_the_whisker(values, whis):
    v = np.asarray(values)
    (bx,) = cbook.boxplot_stats(v, whis=whis)
    lo, hi = v[whisker_tip(v, whis)], v[whisker_tip(v, whis, side="upper")]
    q1, q3 = np.percentile(v, [25, 75])
    # where matplotlib draws a whisker of length zero (no point between fence and box), the
    # tip is the nearest point outside the box; otherwise exactly the point it draws to
    assert lo == bx["whislo"] or (bx["whislo"] == q1 and lo == v[v <= q1].max())
    assert hi == bx["whishi"] or (bx["whishi"] == q3 and hi == v[v >= q3].min())


def test_whisker_tip_skips_nan_and_reaches_the_extreme_at_inf():
    v = np.array([np.nan, 0.0, 1.0, 2.0, 3.0, -10.0, np.nan])
    assert whisker_tip(v) == 1
    assert whisker_tip(v, float("inf")) == 5
    assert whisker_tip(v, float("inf"), side="upper") == 4


def test_whisker_tip_where_the_whisker_has_length_zero():
    v = np.array([0.0, 1.9])  # Q1 = 0.475, fence 0 - rounding: matplotlib ends at Q1
    assert whisker_tip(v, 0.5) == 0 and whisker_tip(v, 0.5, side="upper") == 1


def test_whisker_tip_bad_input():
    with pytest.raises(ValueError, match="values must hold at least one number"):
        whisker_tip([np.nan, np.nan])
    with pytest.raises(ValueError, match="values must be 1-D"):
        whisker_tip(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="whis must be a number"):
        whisker_tip([1.0, 2.0], whis=-1)
    with pytest.raises(ValueError, match="side must be"):
        whisker_tip([1.0, 2.0], side="left")


# ----- rank_sum_pvalue: the exact test of a few chosen points against the rest ---------------
def _brute_force(values, chosen, alternative):
    """The same p-value by enumerating every k-subset."""
    from itertools import combinations

    from scipy.stats import rankdata

    r = rankdata(values)
    obs = r[list(chosen)].sum()
    sums = np.array([r[list(c)].sum() for c in combinations(range(len(values)), len(chosen))])
    hit = sums >= obs - 1e-9 if alternative == "greater" else sums <= obs + 1e-9
    return hit.mean()


@pytest.mark.parametrize("alternative", ["greater", "less"])
@pytest.mark.parametrize("k", [1, 2, 3])
def test_rank_sum_pvalue_equals_enumeration_with_ties(alternative, k):
    rng = np.random.default_rng(k)
    values = rng.integers(0, 6, 14).astype(float)  # many ties
    for _ in range(5):
        chosen = rng.choice(14, k, replace=False)
        p = stats.rank_sum_pvalue(values, chosen, alternative)
        assert p == pytest.approx(_brute_force(values, chosen, alternative), rel=1e-12)


def test_rank_sum_pvalue_extremes_and_scipy():
    v = np.arange(20.0)
    assert stats.rank_sum_pvalue(v, [19, 18]) == pytest.approx(1 / 190)  # the top pair
    assert stats.rank_sum_pvalue(v, [19, 18], "less") == 1.0
    assert stats.rank_sum_pvalue(v, [0, 1], "less") == pytest.approx(1 / 190)
    assert stats.rank_sum_pvalue(v, np.arange(20)) == 1.0  # every point chosen
    # without ties it is the exact one-sided Mann-Whitney test of the chosen against the rest
    from scipy.stats import mannwhitneyu

    rng = np.random.default_rng(3)
    w = rng.normal(size=30)
    chosen = np.array([2, 7, 11])
    rest = np.setdiff1d(np.arange(30), chosen)
    ref = mannwhitneyu(w[chosen], w[rest], alternative="greater", method="exact").pvalue
    assert stats.rank_sum_pvalue(w, chosen) == pytest.approx(ref, rel=1e-10)


def test_rank_sum_pvalue_bad_input():
    with pytest.raises(ValueError, match="chosen must hold distinct indices"):
        stats.rank_sum_pvalue([1.0, 2.0], [0, 0])
    with pytest.raises(ValueError, match="chosen must hold distinct indices"):
        stats.rank_sum_pvalue([1.0, 2.0], [2])
    with pytest.raises(ValueError, match="chosen must be a non-empty 1-D array"):
        stats.rank_sum_pvalue([1.0, 2.0], [])
    with pytest.raises(ValueError, match="alternative"):
        stats.rank_sum_pvalue([1.0, 2.0], [0], "two-sided")
    with pytest.raises(ValueError, match="values must be finite"):
        stats.rank_sum_pvalue([1.0, np.nan], [0])


def test_brown_forsythe_direction_and_levels():
    rng = np.random.default_rng(0)
    wide, narrow = rng.normal(0, 1.0, 200), rng.normal(0, 0.2, 200)
    r = stats.brown_forsythe(wide, narrow)
    assert r.pvalue < 1e-6 and r.spread_a > r.spread_b
    same = stats.brown_forsythe(rng.normal(0, 1, 200), rng.normal(5, 1, 200))
    assert same.pvalue > 0.01  # a shift alone is no difference of spread
    from scipy.stats import levene

    assert r.pvalue == levene(wide, narrow, center="median").pvalue
    assert r.spread_b == pytest.approx(np.mean(np.abs(narrow - np.median(narrow))))
    with pytest.raises(ValueError, match="b must be 1-D with at least 2"):
        stats.brown_forsythe(wide, [1.0])
