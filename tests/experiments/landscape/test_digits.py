"""Offline digit sets (hsr.digits): shapes, scaling, labels, balance, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from hsr.experiments.landscape.digits import DIGIT_SETS, balanced_order, load_digits_data


@pytest.mark.parametrize("name", sorted(DIGIT_SETS))
def test_full_sets(name):
    d, K, total, _ = DIGIT_SETS[name]
    X, y = load_digits_data(name)
    assert X.shape == (total, d) and X.dtype == np.float64
    assert y.shape == (total,) and y.dtype == np.int64
    assert set(np.unique(y)) == set(range(K))
    # the authors' scaling: grey levels to [-1, 1], both ends reached (white background = -1)
    assert X.min() == -1.0 and X.max() == 1.0
    assert np.all(np.isfinite(X))


def test_mnist5k_is_real_mnist_500_a_class():
    X, y = load_digits_data("mnist5k")
    np.testing.assert_array_equal(np.bincount(y), np.full(10, 500))
    # 28x28 digits: the border pixels are background in (almost) every image
    img = X.reshape(-1, 28, 28)
    assert np.mean(img[:, 0, :] == -1.0) > 0.99
    assert np.mean(img[:, 10:18, 10:18] > 0) > 0.2  # ink in the middle


@pytest.mark.parametrize("name", sorted(DIGIT_SETS))
def test_subset_is_balanced_prefix_and_deterministic(name):
    X, y = load_digits_data(name, n=95)
    X2, y2 = load_digits_data(name, n=95)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    counts = np.bincount(y, minlength=10)
    assert counts.max() - counts.min() <= 1 and counts.sum() == 95
    Xall, yall = load_digits_data(name)
    np.testing.assert_array_equal(Xall[:95], X)  # n picks a prefix of one fixed order
    X[0, 0] = 99.0  # callers get their own copy
    assert load_digits_data(name, n=95)[0][0, 0] != 99.0


def test_balanced_order_interleaves_classes():
    y = np.array([0, 0, 0, 1, 1, 2])
    np.testing.assert_array_equal(balanced_order(y), [0, 3, 5, 1, 4, 2])


def test_bad_arguments():
    with pytest.raises(ValueError, match="name must be one of"):
        load_digits_data("mnist")
    with pytest.raises(ValueError, match="n must be an integer"):
        load_digits_data("sklearn8x8", n=0)
    with pytest.raises(ValueError, match="n must be an integer"):
        load_digits_data("sklearn8x8", n=1798)
    with pytest.raises(ValueError, match="n must be an integer"):
        load_digits_data("mnist5k", n=10.0)
