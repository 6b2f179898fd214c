"""hsr.experiments.stats.whisker_tip against matplotlib's own box-plot statistics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
