"""The SIMD lane kernel (``kernels.train_kernel``, ``experiments/kernels/lanes.py``) and the vector
maths it runs on (``experiments/kernels/vecmath.py``): the branch-free exponential and activations
against libm / extended precision, each network's results bit-identical whatever the batch,
its position, the chunking or the number of threads, and whole runs against the numpy loop
for every method and activation."""

from __future__ import annotations

import math

import numpy as np
import pytest

import hsr
from hsr.experiments import kernels
from hsr.experiments.methods import METHOD_CODES, METHODS
from hsr.experiments.training import bias_mask, train

pytestmark = pytest.mark.skipif(not kernels.HAVE_NUMBA, reason="numba is not installed")

RNG = np.random.default_rng(11)
EXP_LO, EXP_HI = -746.0, 709.78  # beyond: 0 and inf


def _ulps(got, ref):
    """|got - ref| in units of the last place of ref (the subnormal spacing below 2^-1022)."""
    return np.abs(got - ref) / np.spacing(np.abs(ref))


def _math_exp(x):
    return np.array([math.exp(v) if v < 709.7827128933841 else math.inf for v in x])


def _exp_points():
    grid = np.linspace(EXP_LO, EXP_HI, 400_001)
    rand = np.r_[
        RNG.uniform(EXP_LO, EXP_HI, 100_000),
        RNG.normal(0.0, 1.0, 50_000),
        RNG.normal(0.0, 1e-6, 10_000),
        np.ldexp(RNG.uniform(-1, 1, 10_000), RNG.integers(-1074, 0, 10_000)),
        np.linspace(-745.2, -707.0, 50_000),  # results in the subnormal range
        np.linspace(705.0, 709.78, 10_000),  # up to the largest finite result
    ]
    return np.r_[grid, rand]


def test_exp_within_one_ulp_of_libm():
    x = _exp_points()
    got = kernels.lane_functions(0, x, x)
    ref = _math_exp(x)
    assert np.all(np.isfinite(got))
    assert _ulps(got, ref).max() <= 1.0


def test_exp_special_values():
    big = 709.782712893384  # the largest x with a finite exp
    x = np.array(
        [0.0, -0.0, 1.0, -1.0, big, np.nextafter(big, 800), -745.1332191019411, -745.14]
        + [710.0, 800.0, 1e300, np.inf, -746.0, -1e300, -np.inf, 5e-324, -5e-324]
    )
    got = kernels.lane_functions(0, x, x)
    np.testing.assert_array_equal(got[:2], [1.0, 1.0])
    assert _ulps(got[2:4], np.array([math.e, 1 / math.e])).max() <= 1.0
    assert got[4] == math.exp(big) and np.isfinite(got[4])
    assert got[5] == np.inf
    assert got[6] == 5e-324 and got[7] == 0.0  # the smallest subnormal, then 0
    np.testing.assert_array_equal(got[8:12], np.inf)
    np.testing.assert_array_equal(got[12:15], 0.0)
    np.testing.assert_array_equal(got[15:], 1.0)
    nan = kernels.lane_functions(0, np.array([np.nan, -np.nan]), np.zeros(2))
    assert np.all(np.isnan(nan))
    # no NaN from any finite input, however large
    wide = np.r_[np.ldexp(1.0, np.arange(-1074, 1024)), -np.ldexp(1.0, np.arange(-1074, 1024))]
    assert not np.any(np.isnan(kernels.lane_functions(0, wide, wide)))


def test_vector_and_scalar_paths_give_the_same_bits():
    """The lane loops vectorise; the same function called on one value (scalar code) must
    give the same bits, or a network's result would depend on its lane."""
    x = np.r_[RNG.uniform(-50, 50, 257), RNG.uniform(0, 1, 64), [np.inf, -np.inf, 0.0, -0.0]]
    x = np.r_[x, [720.0, -750.0]]
    for kind in range(8):
        y = (x > 0).astype(float)
        vec = kernels.lane_functions(kind, x, y)
        one = np.array(
            [kernels.lane_functions(kind, x[i : i + 1], y[i : i + 1])[0] for i in range(x.size)]
        )
        np.testing.assert_array_equal(vec, one)


def _extended(f, x):
    """f evaluated in x87 extended precision (64-bit significand), rounded to float64."""
    with np.errstate(over="ignore"):
        return f(x.astype(np.longdouble)).astype(float)


def _small_and_wide():
    tiny = np.r_[np.linspace(-1e-3, 1e-3, 20_001), np.ldexp(1.0, np.arange(-1074, 0))]
    return np.r_[np.linspace(-60, 60, 200_001), tiny, -tiny, RNG.normal(0, 3, 50_000)]


@pytest.mark.skipif(np.finfo(np.longdouble).nmant < 60, reason="needs x87 long double")
def test_expm1_sigmoid_tanh_and_error_against_extended_precision():
    x = _small_and_wide()
    wide = np.r_[x, np.linspace(-745, 709, 100_001)]
    em = kernels.lane_functions(1, wide, wide)
    assert _ulps(em, _extended(np.expm1, wide)).max() <= 2.0
    assert _ulps(kernels.lane_functions(3, x, x), _extended(np.tanh, x)).max() <= 3.0
    S = kernels.lane_functions(2, wide, wide)
    # e = exp(-|x|) (1 ulp), 1 + e and the division: a few ulp (3 measured at x = -2.03)
    assert _ulps(S, _extended(lambda v: 1 / (1 + np.exp(-v)), wide)).max() <= 3.0
    e0 = kernels.lane_functions(4, wide, np.zeros_like(wide))  # p - 0
    e1 = kernels.lane_functions(4, wide, np.ones_like(wide))  # p - 1 = -1 / (1 + e^z)
    assert _ulps(e0, _extended(lambda v: 1 / (1 + np.exp(-v)), wide)).max() <= 3.0
    assert _ulps(e1, _extended(lambda v: -1 / (1 + np.exp(v)), wide)).max() <= 3.0


def test_log1p_softplus_and_erf_against_libm():
    """The branch-free log1p on [0, 1] (softplus's log1p(exp(-|u|))), softplus and erf (GELU):
    within 1, 2 and 1 ulp of libm / numpy (measured: 1, 2, 1), special values exact."""
    x = np.r_[
        np.linspace(0.0, 1.0, 400_001),
        RNG.uniform(0, 1, 100_000),
        np.ldexp(1.0, np.arange(-1074, 1)),  # every power of two down to the subnormals
        np.exp(-RNG.uniform(0, 745, 50_000)),  # softplus's arguments
    ]
    assert _ulps(kernels.lane_functions(5, x, x), np.log1p(x)).max() <= 1.0
    u = np.r_[np.linspace(-760, 760, 400_001), RNG.normal(0, 5, 100_000), [0.0, -0.0, 1e300]]
    with np.errstate(over="ignore"):
        ref = np.logaddexp(0.0, u)
    got = kernels.lane_functions(6, u, u)
    nz = ref != 0
    assert _ulps(got[nz], ref[nz]).max() <= 2.0
    np.testing.assert_array_equal(got[~nz], 0.0)
    sp = kernels.lane_functions(6, np.array([np.inf, -np.inf, np.nan]), np.zeros(3))
    assert sp[0] == np.inf and sp[1] == 0.0 and np.isnan(sp[2])
    t = np.r_[
        np.linspace(-7, 7, 400_001),
        RNG.normal(0, 2, 100_000),
        np.ldexp(1.0, np.arange(-1074, 3)),
        -np.ldexp(1.0, np.arange(-1074, 3)),
        # the ends of fdlibm's intervals (0.84375, 1.25, 1 / 0.35, 6) and their neighbours
        [0.84375, 1.25, 2.8571434020996094, 6.0, 30.0, 1e300],
    ]
    t = np.r_[t, np.nextafter(t[-6:], 0), -t[-6:]]
    got = kernels.lane_functions(7, t, t)
    ref = np.array([math.erf(v) for v in t])
    nz = ref != 0
    assert _ulps(got[nz], ref[nz]).max() <= 1.0
    np.testing.assert_array_equal(got[~nz], ref[~nz])
    special = kernels.lane_functions(7, np.array([np.inf, -np.inf, np.nan, 0.0, -0.0]), np.zeros(5))
    np.testing.assert_array_equal(special[[0, 1, 3, 4]], [1.0, -1.0, 0.0, -0.0])
    assert np.isnan(special[2]) and math.copysign(1, special[4]) == -1


def test_activations_at_the_extremes():
    x = np.array([np.inf, -np.inf, 1e300, -1e300, 0.0, -0.0])
    np.testing.assert_array_equal(kernels.lane_functions(2, x, x), [1, 0, 1, 0, 0.5, 0.5])
    t = kernels.lane_functions(3, x, x)
    np.testing.assert_array_equal(t, [1, -1, 1, -1, 0, 0])
    assert math.copysign(1, t[4]) == 1 and math.copysign(1, t[5]) == -1  # tanh(-0) = -0
    np.testing.assert_array_equal(kernels.lane_functions(1, x[:4], x[:4]), [np.inf, -1, np.inf, -1])
    assert np.isnan(kernels.lane_functions(3, np.array([np.nan]), np.zeros(1))[0])


# ----- bit-identity of every network ----------------------------------------------------------
NET = hsr.Net(2, 3, "sigmoid")
_D = hsr.two_gaussians(n_train=30, n_test=2, seed=4)
X, Y = _D.X_train, _D.y_train.astype(float)
XT = np.ascontiguousarray(np.c_[np.ones(X.shape[0]), X])
B = 37
LR, MAX_ITER, TOL, EVERY = 4.0, 500, 1e-2, 40


def _mixed_theta():
    """37 networks that converge or hit the cap on their own schedules, and rows 5, 17, 30
    with output weights 1e200: their Hessian overflows, so the first HSR step diverges."""
    theta = RNG.uniform(-4, 4, (B, NET.n_params))
    for b in (5, 17, 30):
        theta[b, NET.n1 + 1 :] = 1e200
    return theta


#: the batch's rule: HSR for the first 5 steps (per-network directions), plain GD after (lanes)
MIXED = dict(method="hsr", reg_iters=5)
THETA = _mixed_theta()


def _kernel(theta, method="baseline", nq=None, wmax=kernels.BLOCK, **kw):
    """Call the kernel on theta (rows = networks); returns every output."""
    cfg = dict(lr=LR, max_iter=MAX_ITER, tol=TOL, reg_iters=MAX_ITER, alpha=1.0, beta=0.05)
    cfg.update(kw)
    th = np.array(theta, dtype=float, order="C")
    b, n = th.shape
    T = (cfg["max_iter"] - 1) // EVERY + 2
    out = dict(
        snapshots=np.zeros((T, b, n)),
        converged=np.zeros(b, np.bool_),
        n_iter=np.zeros(b, np.int64),
        gn0=np.zeros(b),
        gn=np.zeros(b),
        diverged=np.zeros(b, np.bool_),
    )
    args = (
        XT,
        Y,
        NET.d_hidden,
        kernels.ACT_CODES[NET.activation],
        METHOD_CODES[method],
        cfg["lr"],
        cfg["max_iter"],
        cfg["tol"],
        cfg["reg_iters"],
        cfg["alpha"],
        cfg["beta"],
        0.01,
        0.1,
        0.01,
        bias_mask(NET),
        EVERY,
        *out.values(),
    )
    if nq is None:
        kernels.train_kernel(th, *args)
    else:
        kernels.train_lanes_kernel(nq, wmax, th, *args)
    return {"theta": th, **out}


def _assert_rows_equal(whole, part, rows):
    for key, val in whole.items():
        sub = val[:, rows] if key == "snapshots" else val[rows]
        np.testing.assert_array_equal(part[key], sub, err_msg=key)


@pytest.fixture(scope="module")
def whole():
    res = _kernel(THETA, **MIXED)
    fates = (res["converged"], res["diverged"], ~res["converged"] & ~res["diverged"])
    assert all(f.any() for f in fates)  # the batch mixes the three fates
    np.testing.assert_array_equal(np.flatnonzero(res["diverged"]), [5, 17, 30])
    assert len(set(res["n_iter"][res["converged"]].tolist())) > 5  # and many stopping times
    return res


def test_each_network_alone_gives_the_same_bits(whole):
    for b in range(B):
        _assert_rows_equal(whole, _kernel(THETA[b : b + 1], **MIXED), [b])


def test_reversed_batch_and_chunks_give_the_same_bits(whole):
    rev = np.arange(B)[::-1]
    _assert_rows_equal(whole, _kernel(THETA[rev], **MIXED), rev)
    for start in range(0, B, 5):
        rows = np.arange(start, min(start + 5, B))
        _assert_rows_equal(whole, _kernel(THETA[rows], **MIXED), rows)


@pytest.mark.parametrize("nq, wmax", [(1, 64), (2, 64), (3, 64), (7, 64), (1, 8), (2, 5), (1, 1)])
def test_any_queues_and_block_width_give_the_same_bits(whole, nq, wmax):
    """One queue per thread (1, 2, 3 or 7 threads' worth, on any machine) and blocks of 64, 8,
    5 or 1 lanes: narrow blocks refill their lanes many times over the 37 networks."""
    _assert_rows_equal(whole, _kernel(THETA, nq=nq, wmax=wmax, **MIXED), np.arange(B))


def test_numba_threads_give_the_same_bits(whole):
    import numba

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("one numba thread here: the queue test above covers the split")
    before = numba.get_num_threads()
    try:
        for k in (1, 2):
            numba.set_num_threads(k)
            _assert_rows_equal(whole, _kernel(THETA, **MIXED), np.arange(B))
    finally:
        numba.set_num_threads(before)


@pytest.mark.parametrize("method", ["hsr", "hessian", "asam"])
def test_each_regularized_method_is_bit_identical_per_network(method):
    """The regularized phase (first 30 steps) then plain GD: the same per network whatever
    the batch or the queues."""
    theta = THETA[:12]
    kw = dict(method=method, reg_iters=30, max_iter=200)
    res = _kernel(theta, **kw)
    for b in (0, 5, 11):
        _assert_rows_equal(res, _kernel(theta[b : b + 1], **kw), [b])
    _assert_rows_equal(res, _kernel(theta[::-1], **kw), np.arange(12)[::-1])
    _assert_rows_equal(res, _kernel(theta, nq=3, wmax=3, **kw), np.arange(12))


def test_snapshots_follow_the_contract(whole):
    """Row r holds the parameters at iteration r * every while the network ran, then its
    final parameters."""
    for b in (0, 5, 9):
        k = int(whole["n_iter"][b])
        first = -(-k // EVERY)
        for r in range(first, whole["snapshots"].shape[0]):
            np.testing.assert_array_equal(whole["snapshots"][r, b], whole["theta"][b])
        if first > 1:
            mid = _kernel(THETA[b : b + 1], max_iter=(first - 1) * EVERY, **MIXED)
            np.testing.assert_array_equal(whole["snapshots"][first - 1, b], mid["theta"][0])


# ----- against the numpy loop ---------------------------------------------------------------
@pytest.mark.parametrize("activation", sorted(kernels.ACT_CODES))
@pytest.mark.parametrize("method", METHODS)
def test_lane_kernel_matches_the_numpy_loop(method, activation):
    """Every method x activation: 40 steps (25 regularized) on 11 networks (one full block
    is not needed: the block shrinks and refills), same stopping, same parameters."""
    net = hsr.Net(2, 3, activation)
    th = np.random.default_rng(2).uniform(-1.5, 1.5, (11, net.n_params))
    kw = dict(method=method, lr=0.3, max_iter=40, tol=1e-12, reg_iters=25, beta=0.05)
    a = train(net, th, X, Y, engine="numpy", trace_method="assembled", **kw)
    b = train(net, th, X, Y, engine="numba", **kw)
    np.testing.assert_allclose(b.theta, a.theta, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(b.n_iter, a.n_iter)
    np.testing.assert_array_equal(b.converged, a.converged)
    np.testing.assert_allclose(b.grad_norm0, a.grad_norm0, rtol=1e-12)
    np.testing.assert_allclose(b.grad_norm, a.grad_norm, rtol=1e-9)


def test_stopping_rules_match_the_numpy_loop():
    """The mixed batch: the same fates, stopping iterations and final points as the numpy
    loop."""
    kw = dict(lr=LR, max_iter=MAX_ITER, tol=TOL, beta=0.05, **MIXED)
    with np.errstate(over="ignore", invalid="ignore"):  # the 1e200 rows overflow in numpy
        a = train(NET, THETA, X, Y, engine="numpy", trace_method="assembled", **kw)
    b = train(NET, THETA, X, Y, engine="numba", **kw)
    for got, want in [(b.diverged, a.diverged), (b.converged, a.converged), (b.n_iter, a.n_iter)]:
        np.testing.assert_array_equal(got, want)
    assert a.diverged.sum() == 3 and a.converged.any() and (a.n_iter == MAX_ITER).any()
    np.testing.assert_allclose(b.grad_norm0, a.grad_norm0, rtol=1e-12)
    # 500 steps at lr = 4: row 21 is chaotic (the old scalar kernel, too, ends 2.5e-3 away
    # from numpy there); every other row ends within 1e-12 relative of the numpy loop
    rel = np.max(np.abs(b.theta - a.theta) / np.abs(a.theta), axis=1)
    np.testing.assert_array_less(np.delete(rel, 21), 1e-12)
    ok = ~a.diverged
    ok[21] = False
    np.testing.assert_allclose(b.grad_norm[ok], a.grad_norm[ok], rtol=1e-9)
