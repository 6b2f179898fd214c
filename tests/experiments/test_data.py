"""The synthetic data: determinism, balance, moments, labelling rules and argument checks."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from hsr.experiments import data
from hsr.experiments.data import (
    DEFAULT_MEAN0,
    DEFAULT_MEAN1,
    DEFAULT_N_TEST,
    DEFAULT_N_TRAIN,
    DEFAULT_VAR,
    Dataset,
    correlated_gaussians,
    two_gaussians,
)

ARRAYS = ("X_train", "y_train", "X_test", "y_test")


# ----- two_gaussians ---------------------------------------------------------------------------
def test_defaults_come_from_the_module_constants():
    ds = two_gaussians()
    assert ds.X_train.shape == (DEFAULT_N_TRAIN, 2) and ds.y_train.shape == (DEFAULT_N_TRAIN,)
    assert ds.X_test.shape == (DEFAULT_N_TEST, 2) and ds.y_test.shape == (DEFAULT_N_TEST,)
    assert ds.n_train == DEFAULT_N_TRAIN and ds.n_test == DEFAULT_N_TEST
    assert ds.params == {
        "generator": "two_gaussians",
        "n_train": DEFAULT_N_TRAIN,
        "n_test": DEFAULT_N_TEST,
        "mean0": DEFAULT_MEAN0,
        "mean1": DEFAULT_MEAN1,
        "var": DEFAULT_VAR,
        "seed": 0,
    }
    assert DEFAULT_VAR == 2.0


def test_same_seed_same_arrays():
    a, b = (
        two_gaussians(n_train=40, n_test=60, seed=7),
        two_gaussians(n_train=40, n_test=60, seed=7),
    )
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name))
    assert a == b


def test_different_seed_different_arrays():
    a, b = (
        two_gaussians(n_train=40, n_test=60, seed=7),
        two_gaussians(n_train=40, n_test=60, seed=8),
    )
    assert not np.array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_test, b.X_test)
    assert a != b


def test_train_and_test_are_separate_draws():
    ds = two_gaussians(n_train=50, n_test=50, seed=0)
    assert not np.array_equal(ds.X_train, ds.X_test)
    assert not np.any(np.all(ds.X_train[:, None, :] == ds.X_test[None, :, :], axis=2))


def test_train_set_does_not_depend_on_test_size():
    a, b = (
        two_gaussians(n_train=20, n_test=2, seed=3),
        two_gaussians(n_train=20, n_test=200, seed=3),
    )
    assert np.array_equal(a.X_train, b.X_train)
    c = two_gaussians(n_train=200, n_test=2, seed=3)
    assert np.array_equal(a.X_test, c.X_test)


@pytest.mark.parametrize("n_train, n_test", [(2, 2), (10, 4), (100, 1000)])
def test_balanced_and_ordered_class_0_first(n_train, n_test):
    ds = two_gaussians(n_train=n_train, n_test=n_test, seed=1)
    for y, n in ((ds.y_train, n_train), (ds.y_test, n_test)):
        assert y.dtype == float
        assert np.array_equal(y, np.repeat([0.0, 1.0], n // 2))


def test_class_moments_match_the_request_on_a_large_sample():
    mean0, mean1, var = (-1.5, 0.5), (2.0, -3.0), 2.0
    ds = two_gaussians(n_train=200_000, n_test=200_000, mean0=mean0, mean1=mean1, var=var, seed=0)
    for X, y in ((ds.X_train, ds.y_train), (ds.X_test, ds.y_test)):
        for c, mu in ((0, mean0), (1, mean1)):
            Xc = X[y == c]
            # standard errors: mean sqrt(2 / 1e5) ~ 0.0045, variance 2 sqrt(2 / 1e5) ~ 0.009
            np.testing.assert_allclose(Xc.mean(axis=0), mu, atol=0.03)
            C = np.cov(Xc.T)
            np.testing.assert_allclose(np.diag(C), [var, var], atol=0.06)
            assert abs(C[0, 1]) < 0.05


def test_variance_is_honoured():
    ds = two_gaussians(n_train=100_000, n_test=2, mean0=(0, 0), mean1=(0, 0), var=0.25, seed=5)
    np.testing.assert_allclose(ds.X_train.var(axis=0), [0.25, 0.25], atol=0.01)
    assert ds.params["mean0"] == (0.0, 0.0) and ds.params["var"] == 0.25


def test_accepts_numpy_scalars_and_arrays():
    ds = two_gaussians(
        n_train=np.int64(4), n_test=np.int32(2), mean0=np.array([0, 1]), var=np.float64(1.0)
    )
    assert ds.params["n_train"] == 4 and type(ds.params["n_train"]) is int
    assert ds.params["mean0"] == (0.0, 1.0)
    assert ds == two_gaussians(n_train=4, n_test=2, mean0=(0.0, 1.0), var=1.0, seed=np.uint8(0))


def test_dataset_is_immutable():
    ds = two_gaussians(n_train=4, n_test=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.X_train = np.zeros((4, 2))
    for name in ARRAYS:
        with pytest.raises(ValueError, match="read-only"):
            getattr(ds, name)[0] = 0.0


def test_dataset_copies_its_inputs():
    X, y = np.zeros((2, 2)), np.array([0, 1])
    ds = Dataset(X, y, X, y, {"note": "hand-made"})
    X[0, 0] = 5.0
    assert ds.X_train[0, 0] == 0.0 and ds.y_train.dtype == float
    assert ds.params == {"note": "hand-made"}
    with pytest.raises(TypeError):
        hash(ds)


GOOD_XY = (np.zeros((2, 2)), np.array([0.0, 1.0]))

BAD_DATASET = {
    "X_train 1-D": ((np.zeros(2), GOOD_XY[1], *GOOD_XY, {}), "X_train must have shape"),
    "X_train 3 cols": ((np.zeros((2, 3)), GOOD_XY[1], *GOOD_XY, {}), "X_train must have shape"),
    "X_train empty": ((np.zeros((0, 2)), np.zeros(0), *GOOD_XY, {}), "X_train must have shape"),
    "X_train NaN": ((np.full((2, 2), np.nan), GOOD_XY[1], *GOOD_XY, {}), "X_train contains"),
    "y_train short": ((GOOD_XY[0], np.zeros(1), *GOOD_XY, {}), r"y_train must have shape \(2,\)"),
    "y_train label 2": ((GOOD_XY[0], np.array([0, 2]), *GOOD_XY, {}), "y_train must hold only"),
    "X_test 1-D": ((*GOOD_XY, np.zeros(2), GOOD_XY[1], {}), "X_test must have shape"),
    "y_test label": ((*GOOD_XY, GOOD_XY[0], np.array([0.5, 1]), {}), "y_test must hold only"),
    "X_test text": ((*GOOD_XY, [["a", "b"]], [0], {}), "X_test and y_test must be arrays"),
    "params list": ((*GOOD_XY, *GOOD_XY, []), "params must be a dict"),
}


@pytest.mark.parametrize("case", list(BAD_DATASET), ids=str)
def test_dataset_bad_input(case):
    args, match = BAD_DATASET[case]
    with pytest.raises(ValueError, match=match):
        Dataset(*args)


BAD_TWO = {
    "n_train odd": ({"n_train": 5}, "n_train must be an even integer >= 2"),
    "n_train zero": ({"n_train": 0}, "n_train must be an even integer >= 2"),
    "n_train negative": ({"n_train": -4}, "n_train must be an even integer >= 2"),
    "n_train float": ({"n_train": 4.0}, "n_train must be an integer"),
    "n_train bool": ({"n_train": True}, "n_train must be an integer"),
    "n_test odd": ({"n_test": 3}, "n_test must be an even integer >= 2"),
    "n_test zero": ({"n_test": 0}, "n_test must be an even integer >= 2"),
    "n_test str": ({"n_test": "10"}, "n_test must be an integer"),
    "mean0 length 3": ({"mean0": (0.0, 1.0, 2.0)}, "mean0 must be a pair of finite reals"),
    "mean0 scalar": ({"mean0": 1.0}, "mean0 must be a pair of finite reals"),
    "mean0 NaN": ({"mean0": (np.nan, 0.0)}, "mean0 must be a pair of finite reals"),
    "mean1 inf": ({"mean1": (0.0, np.inf)}, "mean1 must be a pair of finite reals"),
    "mean1 text": ({"mean1": ("a", "b")}, "mean1 must be a pair of finite reals"),
    "var zero": ({"var": 0.0}, "var must be positive"),
    "var negative": ({"var": -2.0}, "var must be positive"),
    "var NaN": ({"var": np.nan}, "var must be a finite real"),
    "var inf": ({"var": np.inf}, "var must be a finite real"),
    "var str": ({"var": "2"}, "var must be a finite real"),
    "seed float": ({"seed": 1.5}, "seed must be a non-negative integer"),
    "seed negative": ({"seed": -1}, "seed must be a non-negative integer"),
    "seed None": ({"seed": None}, "seed must be a non-negative integer"),
    "seed bool": ({"seed": False}, "seed must be a non-negative integer"),
}


@pytest.mark.parametrize("case", list(BAD_TWO), ids=str)
def test_two_gaussians_bad_input(case):
    kwargs, match = BAD_TWO[case]
    with pytest.raises(ValueError, match=match):
        two_gaussians(**kwargs)


# ----- correlated_gaussians --------------------------------------------------------------------
@pytest.mark.parametrize("var", [1.0, 2.0])
@pytest.mark.parametrize("rho", [-0.9, 0.0, 0.5, 0.95])
def test_correlated_covariance_matches(var, rho):
    cov = rho * var
    X, y = correlated_gaussians(200_000, cov, seed=0, var=var)
    assert X.shape == (200_000, 2) and y.shape == (200_000,)
    # standard error of each entry below sqrt(2 var^2 / 2e5) ~ 0.0063 for var = 2
    np.testing.assert_allclose(np.cov(X.T), [[var, cov], [cov, var]], atol=0.04)
    np.testing.assert_allclose(X.mean(axis=0), [0.0, 0.0], atol=0.02)
    assert abs(y.mean() - 0.5) < 0.01  # both rules split a zero-mean Gaussian in half


@pytest.mark.parametrize("rule", ["sum", "first"])
def test_labelling_rules(rule):
    X, y = correlated_gaussians(500, 0.3, seed=2, rule=rule)
    score = X[:, 0] + X[:, 1] if rule == "sum" else X[:, 0]
    assert y.dtype == float
    assert np.array_equal(y, np.where(score >= 0, 1.0, 0.0))
    assert set(np.unique(y)) == {0.0, 1.0}


def test_rules_share_the_inputs_and_default_to_sum():
    X_sum, y_sum = correlated_gaussians(300, -0.4, seed=4, rule="sum")
    X_first, y_first = correlated_gaussians(300, -0.4, seed=4, rule="first")
    X_def, y_def = correlated_gaussians(300, -0.4, seed=4)
    assert np.array_equal(X_sum, X_first) and np.array_equal(X_sum, X_def)
    assert np.array_equal(y_def, y_sum) and not np.array_equal(y_sum, y_first)
    assert data.RULES == ("sum", "first")


def test_correlated_determinism():
    a = correlated_gaussians(50, 0.7, seed=11)
    b = correlated_gaussians(50, 0.7, seed=11)
    c = correlated_gaussians(50, 0.7, seed=12)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_correlated_single_sample_and_odd_size():
    X, y = correlated_gaussians(1, 0.0)
    assert X.shape == (1, 2) and y.shape == (1,)
    assert correlated_gaussians(7, 0.0)[0].shape == (7, 2)


BAD_CORR = {
    "n zero": ({"n": 0}, "n must be a positive integer"),
    "n negative": ({"n": -3}, "n must be a positive integer"),
    "n float": ({"n": 10.0}, "n must be an integer"),
    "cov equal var": ({"cov": 1.0}, r"cov must satisfy \|cov\| < var"),
    "cov below -var": ({"cov": -1.5}, r"cov must satisfy \|cov\| < var"),
    "cov vs var": ({"cov": 0.6, "var": 0.5}, r"cov must satisfy \|cov\| < var"),
    "cov NaN": ({"cov": np.nan}, "cov must be a finite real"),
    "cov str": ({"cov": "0.5"}, "cov must be a finite real"),
    "var zero": ({"var": 0.0}, "var must be positive"),
    "var negative": ({"var": -1.0, "cov": 0.0}, "var must be positive"),
    "rule unknown": ({"rule": "product"}, "rule must be one of"),
    "rule None": ({"rule": None}, "rule must be one of"),
    "seed float": ({"seed": 0.5}, "seed must be a non-negative integer"),
    "seed negative": ({"seed": -2}, "seed must be a non-negative integer"),
}


@pytest.mark.parametrize("case", list(BAD_CORR), ids=str)
def test_correlated_gaussians_bad_input(case):
    kwargs, match = BAD_CORR[case]
    kwargs = {"n": 10, "cov": 0.5, **kwargs}
    with pytest.raises(ValueError, match=match):
        correlated_gaussians(**kwargs)


def test_bayes_labels_is_the_perpendicular_bisector():
    from hsr.experiments.data import bayes_labels

    X = np.array([[-1.0, -1.0], [1.0, 1.0], [0.1, -0.05], [-0.1, 0.05], [3.0, -3.0]])
    np.testing.assert_array_equal(bayes_labels(X, (-1, -1), (1, 1)), [0, 1, 1, 0, 1])
    with pytest.raises(ValueError, match="X must have shape"):
        bayes_labels(np.zeros((3, 3)), (-1, -1), (1, 1))
