"""The package's one module of argument checks (``hsr.core._checks``)."""

from __future__ import annotations

import numpy as np
import pytest

from hsr.core import _checks as c


def test_positive():
    assert c.positive("lr", 0.5) == 0.5
    assert c.positive("n", 3, integer=True) == 3
    assert c.positive("k", 0, integer=True, allow_zero=True) == 0
    for bad in (0, -1.0, np.nan, np.inf, True, "1", None):
        with pytest.raises(ValueError, match="lr must be a positive number"):
            c.positive("lr", bad)
    for bad in (2.5, 0, True):
        with pytest.raises(ValueError, match="n must be a positive integer"):
            c.positive("n", bad, integer=True)
    with pytest.raises(ValueError, match="k must be a non-negative integer"):
        c.positive("k", -1, integer=True, allow_zero=True)


def test_fraction_real_one_of():
    assert c.fraction("frac", 0.1) == 0.1
    assert c.fraction("g", 0.4, 0.0, 0.5) == 0.4
    for bad in (0.0, 1.0, -0.1, True, "0.5", np.nan):
        with pytest.raises(ValueError, match=r"frac must be a number in \(0, 1\)"):
            c.fraction("frac", bad)
    with pytest.raises(ValueError, match=r"g must be a number in \(0, 0.5\)"):
        c.fraction("g", 0.5, 0.0, 0.5)
    assert c.real("x", 2) == 2.0
    with pytest.raises(ValueError, match="x must be a finite real number"):
        c.real("x", np.inf)
    assert c.one_of("m", "a", ("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"m must be one of \['a', 'b'\], got 'c'"):
        c.one_of("m", "c", ("a", "b"))


def test_arrays():
    np.testing.assert_array_equal(c.finite_vector("v", [1, 2]), [1.0, 2.0])
    with pytest.raises(ValueError, match="v must be 1-D with at least 3 entries"):
        c.finite_vector("v", [1, 2], min_len=3)
    with pytest.raises(ValueError, match="v must be 1-D"):
        c.finite_vector("v", [[1.0]])
    with pytest.raises(ValueError, match="v must be finite"):
        c.finite_vector("v", [1.0, np.nan])
    with pytest.raises(ValueError, match="v must be an array of real numbers"):
        c.real_array("v", ["a"])
    c.same_length(a=[1, 2], b=[3, 4])
    with pytest.raises(ValueError, match="a and b must have the same length"):
        c.same_length(a=[1, 2], b=[3])
    np.testing.assert_array_equal(c.binary_labels("y", [0, 1, 1]), [0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="y must hold only labels 0 and 1"):
        c.binary_labels("y", [0, 2])


def test_positive_values():
    assert c.positive_values("lr", [1, 2.5]) == [1.0, 2.5]
    assert c.positive_values("n", [2, 3.0], integer=True, minimum=2) == [2, 3]
    with pytest.raises(ValueError, match="lr must hold positive numbers"):
        c.positive_values("lr", [1, 0])
    with pytest.raises(ValueError, match="n must hold integers >= 2"):
        c.positive_values("n", [1], integer=True, minimum=2)
