"""Probes: Hessian eigenpairs, loss slices, decision grids, macro-F1 and the statistical tests."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from conftest import ACTIVATIONS, make_problem
from scipy import stats

import hsr
from hsr import (
    MannWhitney,
    decision_grid,
    hessian_eigenvector,
    loss_along_direction,
    macro_f1,
    mann_whitney,
    predict_labels,
    spearman,
)
from hsr.experiments import metrics, probes
from hsr.experiments import stats as hsr_stats

NET, THETA, X, Y = make_problem(2, 3, 12, "sigmoid", seed=1)
_, THETAS, _, _ = make_problem(2, 3, 12, "sigmoid", seed=1, batch=4)
N_PARAMS = NET.n_params


# ----- hessian_eigenvector ------------------------------------------------------------------
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("which", ["max", "min"])
def test_eigenvector_satisfies_eigen_equation(activation, which):
    net, theta, X, y = make_problem(2, 3, 9, activation, seed=2)
    lam, v = hessian_eigenvector(net, theta, X, y, which=which)
    H = hsr.hessian(net, theta, X, y)
    assert isinstance(lam, float) and v.shape == (net.n_params,)
    np.testing.assert_allclose(np.linalg.norm(v), 1.0, rtol=1e-12)
    scale = np.max(np.abs(np.linalg.eigvalsh(H)))
    assert np.max(np.abs(H @ v - lam * v)) <= 1e-10 * scale
    spectrum = hsr.hessian_spectrum(net, theta, X, y)
    assert lam == pytest.approx(spectrum[-1] if which == "max" else spectrum[0], abs=1e-12 * scale)


def test_eigenvector_sign_convention_and_default():
    lam, v = hessian_eigenvector(NET, THETA, X, Y)
    lam_max, v_max = hessian_eigenvector(NET, THETA, X, Y, "max")
    assert lam == lam_max and np.array_equal(v, v_max)
    assert v[np.argmax(np.abs(v))] > 0
    lam_min, w = hessian_eigenvector(NET, THETA, X, Y, "min")
    assert w[np.argmax(np.abs(w))] > 0
    assert lam > lam_min


def test_eigenvector_hand_computed():
    # one linear unit, theta = 0, one sample x = 1 of class 1: z = 0, p = 1/2, e = -1/2,
    # s = 1/4 and g = e_b2, so H = s e_b2 e_b2^T + e (e_0 e_3^T + e_1 e_3^T + transposes).
    # On coordinates (0, 1, 3) H = e [[0, 0, 1], [0, 0, 1], [1, 1, 0]]: eigenvalues
    # +-sqrt(2)/2 with eigenvectors (1, 1, -+sqrt(2)) / 2.
    net = hsr.Net(1, 1, "linear")
    theta, X1, y1 = np.zeros(net.n_params), np.array([[1.0]]), np.array([1.0])
    r2 = np.sqrt(2.0)
    lam, v = hessian_eigenvector(net, theta, X1, y1, "max")
    assert lam == pytest.approx(r2 / 2, rel=1e-14)
    # eigh's sign of (1, 1, 0, -sqrt 2) / 2 is arbitrary; the convention makes entry 3 positive
    np.testing.assert_allclose(v, np.array([-1.0, -1.0, 0.0, r2]) / 2, atol=1e-14)
    lam, v = hessian_eigenvector(net, theta, X1, y1, "min")
    assert lam == pytest.approx(-r2 / 2, rel=1e-14)
    np.testing.assert_allclose(v, np.array([1.0, 1.0, 0.0, r2]) / 2, atol=1e-14)


def test_eigenvector_is_the_eigh_column_up_to_sign():
    w, V = np.linalg.eigh(hsr.hessian(NET, THETA, X, Y))
    raw = V[:, -1]
    _, v = hessian_eigenvector(NET, THETA, X, Y)
    assert np.array_equal(v, raw) or np.array_equal(v, -raw)
    assert v[np.argmax(np.abs(v))] > 0


BAD_EIGEN = {
    "which": (THETA, X, Y, {"which": "largest"}, "which must be one of"),
    "which None": (THETA, X, Y, {"which": None}, "which must be one of"),
    "theta batched": (THETAS, X, Y, {}, r"theta must have shape \(13,\) for"),
    "theta short": (THETA[:-1], X, Y, {}, "theta must have shape"),
    "X wrong width": (THETA, np.ones((12, 3)), Y, {}, "X must have 2 columns"),
    "y labels": (THETA, X, Y + 2, {}, "y must hold only labels"),
}


@pytest.mark.parametrize("case", list(BAD_EIGEN), ids=str)
def test_eigenvector_bad_input(case):
    theta, X_, y_, kw, match = BAD_EIGEN[case]
    with pytest.raises(ValueError, match=match):
        hessian_eigenvector(NET, theta, X_, y_, **kw)


def test_bad_net_is_named():
    with pytest.raises(ValueError, match="net must be an hsr.Net"):
        hessian_eigenvector("net", THETA, X, Y)
    with pytest.raises(ValueError, match="net must be an hsr.Net"):
        predict_labels(None, THETA, X)


# ----- loss_along_direction -----------------------------------------------------------------
STEPS = np.linspace(-1.0, 1.0, 21)
DIRECTION = np.random.default_rng(3).normal(size=N_PARAMS)


def test_loss_at_zero_step_is_the_loss():
    losses = loss_along_direction(NET, THETA, X, Y, DIRECTION, STEPS)
    assert losses.shape == STEPS.shape
    assert STEPS[10] == 0.0
    assert losses[10] == pytest.approx(float(hsr.loss(NET, THETA, X, Y)), rel=1e-14)


def test_loss_along_direction_matches_a_loop():
    losses = loss_along_direction(NET, THETA, X, Y, DIRECTION, STEPS)
    u = DIRECTION / np.linalg.norm(DIRECTION)
    loop = [float(hsr.loss(NET, THETA + t * u, X, Y)) for t in STEPS]
    np.testing.assert_allclose(losses, loop, rtol=1e-13)


def test_direction_is_normalised():
    a = loss_along_direction(NET, THETA, X, Y, DIRECTION, STEPS)
    b = loss_along_direction(NET, THETA, X, Y, 7.5 * DIRECTION, STEPS)
    np.testing.assert_allclose(a, b, rtol=1e-13)
    c = loss_along_direction(NET, THETA, X, Y, -DIRECTION, STEPS)
    np.testing.assert_allclose(a, c[::-1], rtol=1e-13)


def test_loss_along_the_top_eigenvector_is_locally_quadratic():
    lam, v = hessian_eigenvector(NET, THETA, X, Y)
    t = np.array([-1e-3, 0.0, 1e-3])
    L = loss_along_direction(NET, THETA, X, Y, v, t)
    curvature = (L[0] - 2 * L[1] + L[2]) / 1e-6
    assert curvature == pytest.approx(lam, rel=1e-4)


def test_single_step_and_list_input():
    out = loss_along_direction(NET, THETA.tolist(), X, Y, DIRECTION.tolist(), [0.5])
    assert out.shape == (1,)


BAD_LINE = {
    "direction zero": (THETA, np.zeros(N_PARAMS), STEPS, "direction must be non-zero"),
    "direction short": (THETA, DIRECTION[:-1], STEPS, r"direction must have shape \(13,\)"),
    "direction 2-D": (THETA, DIRECTION[None], STEPS, r"direction must have shape \(13,\)"),
    "direction NaN": (THETA, np.full(N_PARAMS, np.nan), STEPS, "direction contains NaN"),
    "direction text": (THETA, ["a"] * N_PARAMS, STEPS, "direction must be an array"),
    "steps 2-D": (THETA, DIRECTION, STEPS[None], "steps must be 1-D"),
    "steps scalar": (THETA, DIRECTION, 0.5, "steps must be 1-D"),
    "steps empty": (THETA, DIRECTION, np.array([]), "steps must be 1-D with at least 1"),
    "steps inf": (THETA, DIRECTION, np.array([0.0, np.inf]), "steps must be finite"),
    "theta batched": (THETAS, DIRECTION, STEPS, r"theta must have shape \(13,\) for"),
}


@pytest.mark.parametrize("case", list(BAD_LINE), ids=str)
def test_loss_along_direction_bad_input(case):
    theta, direction, steps, match = BAD_LINE[case]
    with pytest.raises(ValueError, match=match):
        loss_along_direction(NET, theta, X, Y, direction, steps)


def test_loss_along_direction_bad_data():
    with pytest.raises(ValueError, match=r"y must have shape \(12,\)"):
        loss_along_direction(NET, THETA, X, Y[:-1], DIRECTION, STEPS)


# ----- decision_grid ------------------------------------------------------------------------
def test_decision_grid_shapes_and_axes():
    xx, yy, prob = decision_grid(NET, THETA, lim=(-2.0, 3.0), resolution=11)
    assert xx.shape == yy.shape == prob.shape == (11, 11)
    g = np.linspace(-2.0, 3.0, 11)
    assert np.array_equal(xx[0], g) and np.array_equal(yy[:, 0], g)
    assert np.all(xx == xx[0]) and np.all(yy.T == yy[:, 0])
    assert np.all((prob > 0) & (prob < 1))


def test_decision_grid_equals_predict_proba_at_grid_points():
    xx, yy, prob = decision_grid(NET, THETA, resolution=7)
    for i, j in [(0, 0), (0, 6), (6, 0), (3, 5), (6, 6)]:
        p = hsr.predict_proba(NET, THETA, np.array([[xx[i, j], yy[i, j]]]))
        assert prob[i, j] == pytest.approx(p[0], rel=1e-14)
    assert xx[0, 0] == -6.0 and xx[0, -1] == 6.0 and yy[-1, 0] == 6.0
    full = hsr.predict_proba(NET, THETA, np.column_stack([xx.ravel(), yy.ravel()]))
    np.testing.assert_array_equal(prob, full.reshape(7, 7))


def test_decision_grid_batched_equals_loop():
    xx, yy, prob = decision_grid(NET, THETAS, resolution=9)
    assert xx.shape == (9, 9) and prob.shape == (4, 9, 9)
    for b in range(4):
        np.testing.assert_allclose(prob[b], decision_grid(NET, THETAS[b], resolution=9)[2])


def test_decision_grid_default_resolution():
    xx, yy, prob = decision_grid(NET, THETA)
    assert prob.shape == (200, 200)


BAD_GRID = {
    "lim reversed": ({"lim": (1.0, -1.0)}, "lim must be two finite reals"),
    "lim equal": ({"lim": (1.0, 1.0)}, "lim must be two finite reals"),
    "lim three": ({"lim": (0.0, 1.0, 2.0)}, "lim must be two finite reals"),
    "lim inf": ({"lim": (-np.inf, 1.0)}, "lim must be two finite reals"),
    "lim text": ({"lim": ("a", "b")}, "lim must be an array of real numbers"),
    "resolution one": ({"resolution": 1}, "resolution must be an integer >= 2"),
    "resolution float": ({"resolution": 10.0}, "resolution must be an integer >= 2"),
    "resolution bool": ({"resolution": True}, "resolution must be an integer >= 2"),
    "theta short": ({"theta": THETA[:-1]}, "theta must have shape"),
}


@pytest.mark.parametrize("case", list(BAD_GRID), ids=str)
def test_decision_grid_bad_input(case):
    kwargs, match = BAD_GRID[case]
    kwargs = {"theta": THETA, **kwargs}
    with pytest.raises(ValueError, match=match):
        decision_grid(NET, **kwargs)


def test_decision_grid_needs_two_inputs():
    net, theta, _, _ = make_problem(3, 2, 4, "tanh")
    with pytest.raises(ValueError, match="net must have d_in == 2"):
        decision_grid(net, theta)


# ----- predict_labels and macro_f1 ----------------------------------------------------------
def test_predict_labels_thresholds_at_one_half():
    labels = predict_labels(NET, THETAS, X)
    assert labels.shape == (4, 12) and labels.dtype == float
    np.testing.assert_array_equal(labels, hsr.predict_proba(NET, THETAS, X) >= 0.5)
    # theta = 0: z = 0 and p = 0.5 exactly, which is class 1
    assert np.all(predict_labels(NET, np.zeros(N_PARAMS), X) == 1.0)


def test_macro_f1_hand_computed_confusion_matrix():
    y_true = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1]
    y_pred = [0, 0, 0, 1, 1, 1, 1, 1, 0, 0]
    # confusion matrix (rows true, columns predicted): [[3, 1], [2, 4]]
    # class 0: TP 3, FP 2, FN 1 -> P 3/5, R 3/4, F1 = 6/9 = 2/3
    # class 1: TP 4, FP 1, FN 2 -> P 4/5, R 4/6, F1 = 8/11
    expected = (2 / 3 + 8 / 11) / 2  # = 23/33
    assert macro_f1(y_true, y_pred) == pytest.approx(23 / 33, rel=1e-15)
    assert macro_f1(y_true, y_pred) == pytest.approx(expected, rel=1e-15)
    assert isinstance(macro_f1(y_true, y_pred), float)


@pytest.mark.parametrize(
    "y_true, y_pred, expected",
    [
        ([0, 1, 0, 1], [0, 1, 0, 1], 1.0),  # perfect
        ([0, 1, 0, 1], [1, 0, 1, 0], 0.0),  # all wrong
        ([0, 1], [1, 1], (0.0 + 2 / 3) / 2),  # class 0 has true samples, never predicted
        ([1, 1], [0, 1], (0.0 + 2 / 3) / 2),  # class 0 predicted but absent from y_true
        ([1, 1, 1], [1, 1, 1], 1.0),  # class 0 neither true nor predicted: F1_0 := 1
        ([0, 0], [0, 0], 1.0),  # the same for class 1
        ([0, 0], [1, 1], 0.0),  # each class has TP = 0 and a non-zero denominator
        ([1], [0], 0.0),
    ],
)
def test_macro_f1_edge_cases(y_true, y_pred, expected):
    assert macro_f1(y_true, y_pred) == pytest.approx(expected, abs=1e-15)


def test_macro_f1_is_symmetric_in_the_labels():
    rng = np.random.default_rng(0)
    t, p = rng.integers(0, 2, 30), rng.integers(0, 2, 30)
    assert macro_f1(t, p) == pytest.approx(macro_f1(1 - t, 1 - p), rel=1e-15)


def test_macro_f1_batched_equals_loop():
    rng = np.random.default_rng(1)
    t = rng.integers(0, 2, 25).astype(float)
    P = rng.integers(0, 2, (6, 25)).astype(float)
    P[0] = t
    P[1] = 1 - t
    P[2] = 1.0
    batched = macro_f1(t, P)
    assert batched.shape == (6,)
    np.testing.assert_allclose(batched, [macro_f1(t, row) for row in P], rtol=1e-15)
    assert batched[0] == 1.0 and batched[1] == 0.0


def test_macro_f1_matches_per_class_precision_recall_formula():
    rng = np.random.default_rng(2)
    t, p = rng.integers(0, 2, 200), rng.integers(0, 2, 200)
    f1 = []
    for c in (0, 1):
        precision = np.sum((p == c) & (t == c)) / np.sum(p == c)
        recall = np.sum((p == c) & (t == c)) / np.sum(t == c)
        f1.append(2 * precision * recall / (precision + recall))
    assert macro_f1(t, p) == pytest.approx(np.mean(f1), rel=1e-13)


BAD_F1 = {
    "y_true labels": ([0, 2], [0, 1], "y_true must hold only labels 0 and 1"),
    "y_true NaN": ([0, np.nan], [0, 1], "y_true must hold only labels 0 and 1"),
    "y_true 2-D": ([[0, 1]], [0, 1], "y_true must be 1-D and non-empty"),
    "y_true empty": ([], [], "y_true must be 1-D and non-empty"),
    "y_true text": (["a", "b"], [0, 1], "y_true must be an array of real numbers"),
    "y_pred labels": ([0, 1], [0, 0.5], "y_pred must hold only labels 0 and 1"),
    "y_pred length": ([0, 1], [0, 1, 1], r"y_pred must have shape \(2,\) or \(B, 2\)"),
    "y_pred 3-D": ([0, 1], np.zeros((1, 1, 2)), r"y_pred must have shape"),
    "y_pred scalar": ([0, 1], 0, r"y_pred must have shape"),
    "y_pred empty batch": ([0, 1], np.zeros((0, 2)), r"y_pred must have shape"),
}


@pytest.mark.parametrize("case", list(BAD_F1), ids=str)
def test_macro_f1_bad_input(case):
    y_true, y_pred, match = BAD_F1[case]
    with pytest.raises(ValueError, match=match):
        macro_f1(y_true, y_pred)


def test_macro_f1_on_single_and_batched():
    single = metrics.macro_f1_on(NET, THETA, X, Y)
    assert isinstance(single, float)
    assert single == macro_f1(Y, predict_labels(NET, THETA, X))
    batched = metrics.macro_f1_on(NET, THETAS, X, Y)
    assert batched.shape == (4,)
    np.testing.assert_array_equal(batched, [metrics.macro_f1_on(NET, th, X, Y) for th in THETAS])


def test_macro_f1_on_on_a_separable_problem():
    # one linear unit computing z = x_1: class 1 iff x_1 >= 0
    net = hsr.Net(1, 1, "linear")
    theta = np.array([0.0, 1.0, 0.0, 1.0])
    X_test = np.array([[-2.0], [-1.0], [1.0], [2.0]])
    assert metrics.macro_f1_on(net, theta, X_test, [0, 0, 1, 1]) == 1.0
    assert metrics.macro_f1_on(net, theta, X_test, [1, 1, 0, 0]) == 0.0


BAD_TEST_F1 = {
    "X_test width": (THETA, np.ones((12, 3)), Y, "X_test must have 2 columns"),
    "X_test 1-D": (THETA, X[:, 0], Y, "X_test must be 2-D"),
    "X_test NaN": (THETA, np.full((12, 2), np.nan), Y, "X_test contains NaN"),
    "y_test length": (THETA, X, Y[:-1], r"y_test must have shape \(12,\) to match X_test"),
    "y_test labels": (THETA, X, Y + 3, "y_test must hold only labels"),
    "theta short": (THETA[:-1], X, Y, "theta must have shape"),
}


@pytest.mark.parametrize("case", list(BAD_TEST_F1), ids=str)
def test_macro_f1_on_bad_input(case):
    theta, X_test, y_test, match = BAD_TEST_F1[case]
    with pytest.raises(ValueError, match=match):
        metrics.macro_f1_on(NET, theta, X_test, y_test)


# ----- statistics -----------------------------------------------------------------------------
def test_mann_whitney_matches_scipy():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=30), rng.normal(0.3, 1.0, size=45)
    r = mann_whitney(a, b)
    ref = stats.mannwhitneyu(a, b, alternative="two-sided")
    assert isinstance(r, MannWhitney)
    assert (r.statistic, r.pvalue) == (float(ref.statistic), float(ref.pvalue))
    assert (r.n_a, r.n_b) == (30, 45)
    assert (r.median_a, r.median_b) == (float(np.median(a)), float(np.median(b)))
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.pvalue = 0.0


def test_mann_whitney_detects_a_clear_shift():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0.0, 1.0, size=50), rng.normal(3.0, 1.0, size=50)
    r = mann_whitney(a, b)
    assert r.pvalue < 1e-10
    assert r.statistic < 0.1 * 50 * 50  # U of a is small: a is stochastically smaller
    assert r.median_a < r.median_b
    assert mann_whitney(b, a).statistic == pytest.approx(50 * 50 - r.statistic)


def test_mann_whitney_identical_samples_and_ties():
    r = mann_whitney([1.0, 1.0, 1.0], [1.0, 1.0])
    assert r.statistic == 3.0 and r.pvalue == 1.0
    r = mann_whitney([1.0], [2.0])
    assert (r.n_a, r.n_b, r.statistic) == (1, 1, 0.0)


BAD_MW = {
    "a empty": ([], [1.0], "a must be 1-D with at least 1"),
    "b empty": ([1.0], [], "b must be 1-D with at least 1"),
    "a NaN": ([1.0, np.nan], [1.0], "a must be finite"),
    "b inf": ([1.0], [np.inf], "b must be finite"),
    "a 2-D": ([[1.0, 2.0]], [1.0], "a must be 1-D"),
    "b scalar": ([1.0], 2.0, "b must be 1-D"),
    "a text": (["x"], [1.0], "a must be an array of real numbers"),
}


@pytest.mark.parametrize("case", list(BAD_MW), ids=str)
def test_mann_whitney_bad_input(case):
    a, b, match = BAD_MW[case]
    with pytest.raises(ValueError, match=match):
        mann_whitney(a, b)


def test_spearman_matches_scipy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    y = x + rng.normal(size=40)
    rho, p = spearman(x, y)
    ref = stats.spearmanr(x, y)
    assert (rho, p) == (float(ref.statistic), float(ref.pvalue))
    assert isinstance(rho, float) and isinstance(p, float)


def test_spearman_monotone():
    x = np.arange(10.0)
    rho, p = spearman(x, np.exp(x))
    assert rho == pytest.approx(1.0) and p < 1e-6
    assert spearman(x, -(x**3))[0] == pytest.approx(-1.0)


BAD_SPEARMAN = {
    "length mismatch": ([1, 2, 3], [1, 2, 3, 4], "x and y must have the same length"),
    "x short": ([1, 2], [1, 2], "x must be 1-D with at least 3"),
    "y short": ([1, 2, 3], [1, 2], "y must be 1-D with at least 3"),
    "x 2-D": ([[1, 2, 3]], [1, 2, 3], "x must be 1-D"),
    "y NaN": ([1, 2, 3], [1, np.nan, 3], "y must be finite"),
    "x constant": ([1, 1, 1], [1, 2, 3], "x is constant"),
    "y constant": ([1, 2, 3], [5, 5, 5], "y is constant"),
    "x text": (["a", "b", "c"], [1, 2, 3], "x must be an array of real numbers"),
}


@pytest.mark.parametrize("case", list(BAD_SPEARMAN), ids=str)
def test_spearman_bad_input(case):
    x, y, match = BAD_SPEARMAN[case]
    with pytest.raises(ValueError, match=match):
        spearman(x, y)


# ----- helpers the figure notebooks share -----------------------------------------------------
def test_paired_wilcoxon():
    a = np.arange(10.0)
    p, n, note = hsr_stats.paired_wilcoxon(a + 1.0 + 0.01 * a, a, alternative="greater")
    assert n == 10 and note == "" and p < 0.01
    p, n, note = hsr_stats.paired_wilcoxon([1.0, 2.0, np.nan], [1.0, 2.0, 0.0])
    assert np.isnan(p) and n == 2 and "too few" in note
    with pytest.raises(ValueError, match="alternative must be"):
        hsr_stats.paired_wilcoxon(a, a, alternative="up")
    with pytest.raises(ValueError, match="must be paired"):
        hsr_stats.paired_wilcoxon(a, a[:-1])


def test_boundary_length_of_a_circle():
    g = np.linspace(-2, 2, 401)
    xx, yy = np.meshgrid(g, g)
    prob = 1 / (1 + np.exp(-(1 - np.hypot(xx, yy)) * 20))  # p = 0.5 on the unit circle
    assert probes.boundary_length(prob, xx, yy) == pytest.approx(2 * np.pi, rel=1e-3)
    assert probes.boundary_length(np.ones_like(xx), xx, yy) == 0.0
    with pytest.raises(ValueError, match="2-D grids"):
        probes.boundary_length(prob[0], xx, yy)


def test_spearman_or_nan():
    assert hsr_stats.spearman_or_nan([1, 2, 3], [3, 2, 1])[0] == pytest.approx(-1.0)
    assert all(np.isnan(v) for v in hsr_stats.spearman_or_nan([1, 1, 1], [1, 2, 3]))


def test_mann_whitney_power():
    rng = np.random.default_rng(1)
    low, high = rng.normal(0.8, 0.05, 300), rng.normal(0.7, 0.1, 40)
    big = hsr_stats.mann_whitney_power(high, low, 40, 300, n_sim=300)
    small = hsr_stats.mann_whitney_power(high, low, 5, 40, n_sim=300)
    assert big > 0.95 and small < big  # fewer points, less power
    assert hsr_stats.mann_whitney_power(high, low, 40, 300, direction="greater", n_sim=100) == 0
    # no effect: the power is about the level
    same = hsr_stats.mann_whitney_power(low, low, 30, 30, alpha=0.05, n_sim=400)
    assert same < 0.1
    assert hsr_stats.mann_whitney_power(high, low, 10, 10, n_sim=50, seed=3) == (
        hsr_stats.mann_whitney_power(high, low, 10, 10, n_sim=50, seed=3)
    )
    with pytest.raises(ValueError, match="direction must be one of"):
        hsr_stats.mann_whitney_power(high, low, 5, 5, direction="up")
    with pytest.raises(ValueError, match="n_a must be an integer >= 1"):
        hsr_stats.mann_whitney_power(high, low, 0, 5)


def test_boundary_lengths_of_straight_boundaries():
    net = hsr.Net(2, 1, "linear")
    # z = b2 + w (b1 + W x): the boundary is w . x = 0, straight across the square
    vertical = net.pack(np.array([[0.0, 1.0, 0.0]]), np.array([0.0, 1.0]))
    diagonal = net.pack(np.array([[0.0, 1.0, 1.0]]), np.array([0.0, 1.0]))
    outside = net.pack(np.array([[100.0, 0.0, 0.0]]), np.array([0.0, 1.0]))  # never 1/2
    pts = np.stack([vertical, diagonal, outside, np.full(net.n_params, np.nan)])
    got = probes.boundary_lengths(net, pts, lim=(-6.0, 6.0), resolution=121)
    assert got[0] == pytest.approx(12.0, rel=1e-9)
    assert got[1] == pytest.approx(12.0 * np.sqrt(2.0), rel=1e-9)
    assert got[2] == 0.0 and np.isnan(got[3])
    assert probes.boundary_lengths(net, np.zeros((0, net.n_params))).shape == (0,)
    with pytest.raises(ValueError, match="points must have shape"):
        probes.boundary_lengths(net, vertical)
