"""hsr.claims.sensitivity.series: the knob's values in order, the chosen one once and marked."""

from __future__ import annotations

import json

import numpy as np
import pytest

from hsr.claims.sensitivity import series


def test_series_sorted_chosen_once_and_json_ready():
    s = series("alpha", [0.05, np.float64(0.001), 0.01], 0.01, lambda a: (np.float64(0.02), a))
    assert [d["value"] for d in s] == [0.001, 0.01, 0.05]
    assert [d["chosen"] for d in s] == [False, True, False]
    assert [d["verdict"] for d in s] == [0.001, 0.01, 0.05]
    assert type(s[0]["value"]) is float and type(s[0]["statistic"]) is float
    json.dumps(s)
    ints = series("n_bins", (5, 20), np.int64(10), lambda k: (k, "holds"))
    assert [type(d["value"]) for d in ints] == [int, int, int]


def test_series_bad_input():
    with pytest.raises(ValueError, match="knob"):
        series("", [1], 1, lambda v: (v, "holds"))
    with pytest.raises(ValueError, match="rule"):
        series("k", [1], 1, "not callable")
