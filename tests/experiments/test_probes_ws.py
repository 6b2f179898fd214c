"""The probes WS Figs. 3-4 share: the loss rise along the top eigenvector and the
disagreement with the Bayes-optimal rule."""

from __future__ import annotations

import numpy as np
import pytest

import hsr
from hsr import Net, hessian, hessian_eigenvector, loss
from hsr.experiments.metrics import bayes_disagreement
from hsr.experiments.probes import loss_rise_along_top_eigenvector

RNG = np.random.default_rng(3)


def _problem(h=3, act="sigmoid", N=30, M=4):
    net = Net(2, h, act)
    X = RNG.normal(size=(N, 2))
    y = RNG.integers(0, 2, N).astype(float)
    return net, X, y, RNG.uniform(-2, 2, (M, net.n_params))


def test_loss_rise_is_half_t2_lambda_max_for_small_steps():
    net, X, y, pts = _problem()
    t = 1e-3
    rise = loss_rise_along_top_eigenvector(net, pts, X, y, t)
    lam = np.array([np.linalg.eigvalsh(hessian(net, th, X, y))[-1] for th in pts])
    # the symmetric difference cancels odd orders: rise = t^2 / 2 v^T H v + O(t^4)
    np.testing.assert_allclose(rise, 0.5 * t**2 * lam, rtol=1e-4)


def test_loss_rise_matches_the_definition_at_a_large_step():
    net, X, y, pts = _problem(act="tanh")
    rise = loss_rise_along_top_eigenvector(net, pts, X, y, 2.0)
    for r, th in zip(rise, pts, strict=True):
        _, v = hessian_eigenvector(net, th, X, y)
        want = 0.5 * (loss(net, th + 2 * v, X, y) + loss(net, th - 2 * v, X, y)) - loss(
            net, th, X, y
        )
        assert r == pytest.approx(float(want), rel=1e-12, abs=1e-15)


def test_loss_rise_no_points_and_bad_input():
    net, X, y, pts = _problem()
    assert loss_rise_along_top_eigenvector(net, pts[:0], X, y, 1.0).shape == (0,)
    with pytest.raises(ValueError, match="points must have shape"):
        loss_rise_along_top_eigenvector(net, pts[0], X, y, 1.0)
    with pytest.raises(ValueError, match="step must be a positive number"):
        loss_rise_along_top_eigenvector(net, pts, X, y, 0.0)


def test_bayes_disagreement_zero_for_the_bayes_rule_and_one_for_its_opposite():
    net = Net(2, 1, "linear")  # z = x1 + x2: the Bayes rule of means (-1, -1) and (1, 1)
    bayes = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    X = RNG.normal(size=(500, 2))
    opposite = bayes * [1, 1, 1, 1, -1]  # z = -(x1 + x2)
    d = bayes_disagreement(net, np.stack([bayes, opposite]), X, (-1, -1), (1, 1))
    np.testing.assert_array_equal(d, [0.0, 1.0])
    # a rule rotated by 90 degrees (z = x1 - x2) disagrees on about half the inputs
    rotated = np.array([[0.0, 1.0, -1.0, 0.0, 1.0]])
    assert 0.4 < bayes_disagreement(net, rotated, X, (-1, -1), (1, 1))[0] < 0.6
    assert bayes_disagreement(net, np.zeros((0, 5)), X, (-1, -1), (1, 1)).shape == (0,)
    with pytest.raises(ValueError, match="points must have shape"):
        bayes_disagreement(net, bayes, X, (-1, -1), (1, 1))


def test_loss_rise_at_several_steps_equals_one_call_per_step():
    net, X, y, pts = _problem()
    steps = [0.01, 0.1, 3.0]
    many = loss_rise_along_top_eigenvector(net, pts, X, y, steps)
    assert many.shape == (pts.shape[0], 3)
    for k, t in enumerate(steps):
        np.testing.assert_allclose(
            many[:, k], loss_rise_along_top_eigenvector(net, pts, X, y, t), rtol=1e-13, atol=1e-16
        )


def test_loss_rise_higher_end():
    net, X, y, pts = _problem(act="tanh")
    rise = loss_rise_along_top_eigenvector(net, pts, X, y, [2.0], side="max")
    for r, th in zip(rise[:, 0], pts, strict=True):
        _, v = hessian_eigenvector(net, th, X, y)
        ends = [loss(net, th + 2 * v, X, y), loss(net, th - 2 * v, X, y)]
        assert r == pytest.approx(float(max(ends) - loss(net, th, X, y)), rel=1e-12, abs=1e-15)
    mean = loss_rise_along_top_eigenvector(net, pts, X, y, [2.0])
    assert np.all(rise >= mean - 1e-15)


def test_loss_rise_bad_steps_and_side():
    net, X, y, pts = _problem()
    for bad in ([], [1.0, -1.0], [np.nan], True):
        with pytest.raises(ValueError, match="step must be a positive number"):
            loss_rise_along_top_eigenvector(net, pts, X, y, bad)
    with pytest.raises(ValueError, match="side must be 'mean' or 'max'"):
        loss_rise_along_top_eigenvector(net, pts, X, y, 1.0, side="min")


def test_loss_along_eigenvector_is_the_line_through_each_point():
    net, X, y, pts = _problem(act="gelu")
    steps = np.linspace(-2, 2, 9)
    for which in ("max", "min"):
        lines = hsr.loss_along_eigenvector(net, pts, X, y, steps, which)
        assert lines.shape == (pts.shape[0], 9)
        for row, th in zip(lines, pts, strict=True):
            _, v = hessian_eigenvector(net, th, X, y, which)
            np.testing.assert_array_equal(row, hsr.loss_along_direction(net, th, X, y, v, steps))
    bad = pts.copy()
    bad[1, 0] = np.nan  # a diverged run: a row of NaN, the others unchanged
    lines = hsr.loss_along_eigenvector(net, bad, X, y, steps)
    assert np.all(np.isnan(lines[1])) and np.all(np.isfinite(lines[[0, 2, 3]]))
    assert hsr.loss_along_eigenvector(net, pts[:0], X, y, steps).shape == (0, 9)
    with pytest.raises(ValueError, match="which must be one of"):
        hsr.loss_along_eigenvector(net, pts, X, y, steps, "mid")
    with pytest.raises(ValueError, match="points must have shape"):
        hsr.loss_along_eigenvector(net, pts[0], X, y, steps)
