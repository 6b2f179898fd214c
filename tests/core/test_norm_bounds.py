"""The norm bounds of WS Section V (hsr.norm_bounds): every bound holds, the activation
constants are the suprema they claim, batched equals single, bad input is refused, Theorem 7's
rate and Proposition 8 where H is positive semi-definite."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ACTIVATIONS, make_problem
from hypothesis import given, settings
from hypothesis import strategies as st

import hsr
from hsr import Net, grad_loss, hessian_spectrum
from hsr.core.activations import evaluate
from hsr.core.norm_bounds import (
    CONSTANTS,
    aligned_network,
    bound_ratios,
    norm_bounds,
    ws_from_trace_bounds,
)

TRACE_BOUNDS = ["trace_thm3", "trace_thm4", "trace_prop5", "trace_upper"]
TRACE2_BOUNDS = [
    "trace_squared_weighted",
    "trace_squared_thm6",
    "trace_squared_prop6",
    "trace_squared_prop7",
    "trace_squared_upper",
]
LAMBDA_BOUNDS = ["lambda_upper", "lambda_thm7"]
# round-off allowance of a comparison "bound >= exact": both sides are sums of O(N^2 h) terms
RTOL = 1e-10
# below this, tr(H^2) (a sum of squares of numbers ~1e-150) is subnormal and the exact reference
# lambda_WS = m + s sqrt(n-1) computed from it has lost its relative precision
TINY = 1e-290


def holds(bound, exact, scale):
    """bound >= exact up to round-off on the scale of the quantity."""
    bound, exact = np.asarray(bound), np.asarray(exact)
    return np.all(bound >= exact - RTOL * np.abs(scale) - TINY)


problems = st.tuples(
    st.integers(1, 3),  # d
    st.integers(1, 4),  # h
    st.integers(1, 9),  # N
    st.sampled_from(ACTIVATIONS),
    st.integers(0, 2**32 - 1),  # seed
    st.sampled_from([0.1, 1.0, 4.0, 30.0]),  # parameter scale: 30 saturates every unit
    st.sampled_from(["normalised", "wide"]),  # inputs in [-1, 1], or Gaussian * 3
)


def build(d, h, N, act, seed, scale, inputs, batch=3):
    rng = np.random.default_rng(seed)
    net = hsr.Net(d, h, act)
    if inputs == "normalised":
        X = rng.uniform(-1.0, 1.0, size=(N, d))
    else:
        X = 3.0 * rng.normal(size=(N, d))
    y = rng.integers(0, 2, N)
    theta = scale * rng.normal(size=(batch, net.n_params))
    return net, theta, X, y


@settings(max_examples=120, deadline=None)
@given(problems)
def test_every_bound_holds(p):
    net, theta, X, y = build(*p)
    nb = norm_bounds(net, theta, X, y)
    ws = hsr.ws_bounds(net, theta, X, y)
    lam = hsr.hessian_spectrum(net, theta, X, y)
    lam_max = lam[:, -1]
    scale = np.abs(lam).max(axis=1)
    for name in TRACE_BOUNDS:
        assert holds(getattr(nb, name), ws.trace, net.n_params * scale), name
    for name in TRACE2_BOUNDS:
        assert holds(getattr(nb, name), ws.trace_squared, net.n_params * scale**2), name
    normal = ws.trace_squared >= TINY  # where the reference lambda_WS is accurate
    for name in LAMBDA_BOUNDS:
        assert holds(getattr(nb, name), lam_max, scale), name
        assert holds(getattr(nb, name)[normal], ws.upper[normal], scale[normal]), name
    # the smallest of the bounds is the one reported, and Theorem 7's constant form
    assert np.array_equal(
        nb.trace_upper, np.minimum.reduce([nb.trace_thm3, nb.trace_thm4, nb.trace_prop5])
    )
    assert np.all(nb.trace_squared_upper <= nb.trace_squared_weighted)
    assert np.all(nb.lambda_thm7 <= np.sqrt(2.0) * nb.e_max * nb.rate_constant * (1 + 1e-12))
    # where a bound does not exist (Proposition 7 for an unbounded activation) it is inf
    assert np.all(np.isinf(nb.trace_squared_prop7)) == (not CONSTANTS[net.activation].bounded)


@settings(max_examples=40, deadline=None)
@given(problems)
def test_bounds_ordered_as_proved(p):
    """Each looser form is at least the tighter one it is derived from."""
    net, theta, X, y = build(*p)
    nb = norm_bounds(net, theta, X, y)
    tol = 1 + 1e-12
    assert np.all(nb.trace_thm3 <= nb.trace_thm4 * tol)
    assert np.all(nb.trace_thm4 <= nb.trace_prop5 * tol)
    assert np.all(nb.trace_squared_weighted <= nb.trace_squared_thm6 * tol)
    assert np.all(nb.trace_squared_thm6 <= nb.trace_squared_prop6 * tol)
    assert np.all(nb.trace_squared_prop6 <= nb.trace_squared_prop7 * tol)
    assert np.all(nb.lambda_upper <= nb.lambda_thm7 * tol + 1e-300)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_constants_are_the_suprema(activation):
    c = CONSTANTS[activation]
    u = np.linspace(-60.0, 60.0, 1_200_001)
    f, f1, f2, _ = evaluate(activation, u)
    for sup, vals in ((c.sup_f1, f1), (c.sup_f2, f2)):
        top = np.abs(vals).max()
        assert top <= sup * (1 + 1e-12) + 1e-300
        assert top >= sup * (1 - 1e-6)  # reached (or approached) on the grid
    assert abs(abs(float(evaluate(activation, np.array([0.0]))[0][0])) - c.f_at_0) < 1e-15
    if c.bounded:
        assert np.abs(f).max() <= c.sup_f
        assert np.abs(f).max() >= c.sup_f * (1 - 1e-12)
    else:
        assert np.abs(f).max() >= 25.0  # unbounded: grows with |u| on the grid
    # f is Lipschitz with constant sup|f'|: the envelope |f(u)| <= |f(0)| + sup|f'| |u|
    assert np.all(np.abs(f) <= c.f_at_0 + c.sup_f1 * np.abs(u) + 1e-12)
    for arg, vals, sup in ((c.argmax_f1, f1, c.sup_f1), (c.argmax_f2, f2, c.sup_f2)):
        if arg is not None:
            got = np.abs(evaluate(activation, np.array([arg]))[[1, 2][vals is f2]][0])
            assert got == pytest.approx(sup, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("size", [(2, 3, 9), (2, 3, 1), (3, 1, 6)])
def test_bounds_hold_against_jax(oracle, activation, size):
    """Against the autodiff Hessian itself (not only the closed forms)."""
    d, h, N = size
    orc = oracle(d, h, N, activation, 0)
    for scale in (0.5, 3.0):
        net, theta, X, y = make_problem(d, h, N, activation, 0, batch=2, scale=scale)
        nb = norm_bounds(net, theta, X, y)
        for b in range(2):
            H = orc("hessian", theta[b])
            lam = np.linalg.eigvalsh(H)
            tr, tr2 = np.trace(H), np.sum(H * H)
            sc = np.abs(lam).max()
            assert holds(nb.trace_upper[b], tr, net.n_params * sc)
            for name in TRACE_BOUNDS:
                assert holds(getattr(nb, name)[b], tr, net.n_params * sc), name
            for name in TRACE2_BOUNDS:
                assert holds(getattr(nb, name)[b], tr2, net.n_params * sc**2), name
            for name in LAMBDA_BOUNDS:
                assert holds(getattr(nb, name)[b], lam[-1], sc), name
                assert holds(getattr(nb, name)[b], orc("ws_upper", theta[b]), sc), name


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_batched_equals_single(activation):
    net, theta, X, y = make_problem(2, 3, 7, activation, 1, batch=4, scale=2.0)
    batch = norm_bounds(net, theta, X, y)
    for b in range(4):
        one = norm_bounds(net, theta[b], X, y)
        for name, val in vars(one).items():
            if name in ("n", "kappa"):
                assert val == getattr(batch, name)
            else:
                assert np.ndim(val) == 0, name
                np.testing.assert_allclose(val, getattr(batch, name)[b], rtol=1e-12, err_msg=name)


def test_bad_input_raises():
    net, theta, X, y = make_problem(2, 3, 5, "tanh", 0)
    with pytest.raises(ValueError, match="theta"):
        norm_bounds(net, theta[:-1], X, y)
    with pytest.raises(ValueError, match="theta"):
        norm_bounds(net, np.full_like(theta, np.nan), X, y)
    with pytest.raises(ValueError, match="X"):
        norm_bounds(net, theta, X[:, :1], y)
    with pytest.raises(ValueError, match="y"):
        norm_bounds(net, theta, X, y + 2)
    with pytest.raises(ValueError, match="net"):
        norm_bounds("tanh", theta, X, y)


def test_ws_from_trace_bounds_is_the_maximum():
    """The implied lambda bound is the largest WS value over every admissible tr H."""
    n, r = 13, 2.0
    for t_hi in (-1.0, 0.0, 0.5, 1.9, 2.0, 7.0):
        ts = np.linspace(-np.sqrt(n) * r, t_hi, 20001)
        m = ts / n
        ws = m + np.sqrt(np.maximum(r * r / n - m * m, 0.0)) * np.sqrt(n - 1.0)
        assert ws_from_trace_bounds(n, t_hi, r) == pytest.approx(ws.max(), rel=1e-6)
    assert ws_from_trace_bounds(n, 5.0, 0.0) == 0.0


def _separating_net():
    """A tanh network whose sign of z matches every label: x1 + x2 > 0 is class 1."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(12, 2))
    X += np.sign(X.sum(axis=1, keepdims=True)) * 0.5  # a margin around the boundary
    y = (X.sum(axis=1) > 0).astype(float)
    net = hsr.Net(2, 2, "tanh")
    W1 = np.array([[0.0, 1.0, 1.0], [0.2, 0.5, -0.3]])
    w2 = np.array([0.0, 1.0, 0.1])
    return net, W1, w2, X, y


def test_theorem7_limit_and_rate():
    """Scaling the output weights by t drives every e_i -> 0: lambda_WS -> 0, below
    sqrt(2) e_max R(t) with R(t) = O(t^2), and at the exponential rate min_i |z_i(1)|."""
    net, W1, w2, X, y = _separating_net()
    ts = np.array([1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0])
    theta = np.stack([net.pack(W1, t * w2) for t in ts])
    z1 = net.forward(net.pack(W1, w2), X, y).z[0]
    assert np.all(np.sign(z1) == 2 * y - 1)  # separating
    gamma = np.abs(z1).min()
    nb = norm_bounds(net, theta, X, y)
    ws = hsr.ws_bounds(net, theta, X, y).upper
    lam = hsr.hessian_spectrum(net, theta, X, y)[:, -1]
    assert np.all(lam <= nb.lambda_upper * (1 + 1e-10))
    assert np.all(ws <= nb.lambda_thm7 * (1 + 1e-10))
    assert np.all(nb.lambda_thm7 <= np.sqrt(2) * nb.e_max * nb.rate_constant * (1 + 1e-12))
    # e_max <= exp(-gamma t), and the proof's R7(t) <= t^2 R7(1)
    assert np.all(nb.e_max <= np.exp(-gamma * ts) * (1 + 1e-12)) and nb.e_max[-1] < 1e-20
    assert np.all(nb.rate_constant <= ts**2 * nb.rate_constant[0] * (1 + 1e-12))  # t >= 1
    assert ws[-1] < 1e-20 and nb.lambda_thm7[-1] < 1e-20
    # the proof's rate: log(bound)/t -> -gamma; lambda_WS decays at the same exponential rate
    for q in (ws, nb.lambda_thm7):
        slope = np.diff(np.log(q[-2:])) / np.diff(ts[-2:])
        # the polynomial factor t^k (k <= 2) moves the slope by at most k log 2 / 40
        assert abs(slope[0] + gamma) <= 2 * np.log(2.0) / 40.0 + 1e-6


def test_proposition8_where_hessian_is_psd():
    """tr(H)^2/n <= tr(H^2) <= tr(H)^2 and tr(H)/n <= lambda_max <= lambda_WS <= tr(H) at every
    network whose exact Hessian is positive semi-definite (minima reached by training)."""
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(-1, 1, (15, 2)), rng.normal(1, 1, (15, 2))]
    y = np.r_[np.zeros(15), np.ones(15)]
    net = hsr.Net(2, 1, "sigmoid")  # small networks trained from small weights: minima
    theta = rng.uniform(-1, 1, size=(16, net.n_params))
    th = hsr.train(net, theta, X, y, lr=0.5, max_iter=4000, tol=1e-6).theta
    lam = hsr.hessian_spectrum(net, th, X, y)
    ws = hsr.ws_bounds(net, th, X, y)
    n = net.n_params
    psd = lam[:, 0] >= 0.0
    assert psd.sum() >= 3  # the test must test something
    t, q = ws.trace[psd], ws.trace_squared[psd]
    tol = 1e-10 * t * t
    assert np.all(t * t / n <= q + tol) and np.all(q <= t * t + tol)
    assert np.all(t / n <= lam[psd, -1] * (1 + 1e-10))
    assert np.all(ws.upper[psd] <= t * (1 + 1e-10))


# ----- where the bounds are reached (book/norm-bounds.md, "How sharp the bounds are") ---------
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_trace_bounds_reached_by_saturated_units(activation):
    """Biases only (u = e_0), w2 = 0: every sample's hidden output is f(B), s_i = 1/4, and
    tr(H) / bound = (1 + h f(B)^2) / (1 + h F0^2) -> 1, whatever the data."""
    h, rng = 3, np.random.default_rng(0)
    net = Net(2, h, activation)
    X, y = rng.normal(size=(30, 2)), rng.integers(0, 2, 30).astype(float)
    scales = np.array([2.0, 5.0, 10.0, 20.0])
    th = aligned_network(net, scales, np.eye(3)[0])
    r = bound_ratios(net, th, X, y)
    f = 1.0 / (1.0 + np.exp(-scales)) if activation == "sigmoid" else np.tanh(scales)
    for name in ("thm3", "thm4", "prop5"):
        np.testing.assert_allclose(r[name], (1 + h * f**2) / (1 + h), rtol=1e-12)
    assert 1 - r["thm3"][-1] < 1e-8 and np.all(np.diff(r["thm3"]) > 0)
    for v in r.values():  # every bound holds
        assert np.all(v <= 1 + 1e-12)


def test_every_bound_but_two_reached_on_a_rank_one_critical_point():
    """Linear units aligned with the one input x0 = (1, 1), labels half and half, w2 = 0: a
    critical point with H of rank one, where the trace bounds are equalities and the bounds on
    tr(H^2) and lambda_max tend to the exact values like 1/scale^2; Theorem 7's form stays a
    factor sqrt(2) above, and Proposition 7 does not exist for linear units."""
    net = Net(2, 3, "linear")
    x0 = np.array([1.0, 1.0])
    X, y = np.tile(x0, (6, 1)), np.array([0.0, 1.0] * 3)
    scales = np.array([1e2, 1e3, 1e4])
    th = aligned_network(net, scales, np.r_[1.0, x0])
    assert np.max(np.abs(grad_loss(net, th, X, y))) < 1e-12  # a critical point
    lam = hessian_spectrum(net, th, X, y)
    assert np.all(np.abs(lam[:, :-1]) <= 1e-9 * lam[:, -1:])  # rank one
    r = bound_ratios(net, th, X, y)
    for name in ("thm3", "thm4", "prop5"):
        np.testing.assert_allclose(r[name], 1.0, rtol=1e-12)
    for name in ("weighted", "thm6", "prop6", "lambda-ws", "lambda-max"):
        gap = 1.0 - r[name]
        assert np.all(gap > -1e-12) and np.all(gap < 10.0 / scales**2), (name, gap)
    gap7 = 1 / np.sqrt(2.0) - r["thm7-ws"]
    assert np.all(gap7 >= 0) and np.all(gap7 < 10.0 / scales**2)
    assert np.all(r["prop7"] == 0.0)
    single = bound_ratios(net, th[0], X, y)
    assert isinstance(single["thm3"], float) and single["thm6"] == pytest.approx(r["thm6"][0])


def test_aligned_network_layout_and_bad_input():
    net = Net(2, 3, "tanh")
    th = aligned_network(net, 2.0, [0.0, 3.0, 4.0])
    W1, w2 = net.unpack(th)
    np.testing.assert_allclose(W1, np.tile([0.0, 1.2, 1.6], (3, 1)))
    assert th.shape == (net.n_params,) and not np.any(w2)
    assert aligned_network(net, [1.0, 2.0], [1.0, 0.0, 0.0]).shape == (2, net.n_params)
    with pytest.raises(ValueError, match="direction must be a finite non-zero vector of length 3"):
        aligned_network(net, 1.0, [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="direction"):
        aligned_network(net, 1.0, [1.0, 0.0])
    with pytest.raises(ValueError, match="scale must be a finite number"):
        aligned_network(net, np.inf, [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="net must be an hsr.Net"):
        aligned_network("net", 1.0, [1.0, 0.0, 0.0])
