"""timing: medians of repeats and growth exponents (no timed assertions)."""

import pytest

from hsr.experiments.runtime.timing import growth_exponent, median_time


def test_median_time_counts_calls():
    calls = []
    t, k = median_time(lambda: calls.append(1), n_repeats=3, time_budget=1.0, min_loop=0.001)
    assert t >= 0 and 1 <= k <= 3 and len(calls) >= 1 + k


def test_growth_exponent():
    assert growth_exponent([1, 2, 4], [3.0, 6.0, 12.0]) == pytest.approx(1.0)
    assert growth_exponent([5], [1.0]) != growth_exponent([5], [1.0])  # NaN
    with pytest.raises(ValueError, match="positive"):
        growth_exponent([1, 2], [0.0, 1.0])
    with pytest.raises(ValueError, match="n_repeats must be positive"):
        median_time(lambda: None, n_repeats=0)
