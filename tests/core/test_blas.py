"""One BLAS thread for the closed forms' mid-sized products (hsr.core.blas, issue 19).

Each test first gives BLAS two threads (threadpoolctl), as on the project's 2-core machine
without ``OPENBLAS_NUM_THREADS``, then watches the thread count from inside the call (a spy on
a function the call makes), so that it checks what the library does, not a timing.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from conftest import assert_rel

import hsr
from hsr.core import blas, gradients
from hsr.experiments import training

threadpoolctl = pytest.importorskip("threadpoolctl")


@pytest.fixture
def two_threads():
    """BLAS on two threads for the test (skip where the libraries cannot have two)."""
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        if blas.blas_threads() < 2:
            pytest.skip("the BLAS libraries here run on one thread only")
        yield


def problem(h, N, B=None, seed=0):
    rng = np.random.default_rng(seed)
    net = hsr.Net(2, h, "sigmoid")
    X, y = rng.normal(size=(N, 2)), rng.integers(0, 2, N).astype(float)
    theta = 0.5 * rng.normal(size=(net.n_params,) if B is None else (B, net.n_params))
    return net, theta, X, y


def spy(monkeypatch, module, name):
    """Record the BLAS thread count each time ``module.name`` runs."""
    seen = []
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        seen.append(blas.blas_threads())
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return seen


def test_serial_blas_limits_in_its_window_and_restores(two_threads):
    lo, hi = blas.BLAS_THREADED_FROM, blas.SERIAL_BLAS_BELOW
    for work, inside in [(lo - 1, 2), (lo, 1), (hi - 1, 1), (hi, 2), (None, 1)]:
        with blas.serial_blas(work):
            assert blas.blas_threads() == inside, work
        assert blas.blas_threads() == 2, work
    with blas.serial_blas(10 * hi, below=float("inf")):
        assert blas.blas_threads() == 1


def test_serial_blas_nests(two_threads):
    with blas.serial_blas():
        with blas.serial_blas():
            assert blas.blas_threads() == 1
        assert blas.blas_threads() == 1  # the inner exit does not restore
    assert blas.blas_threads() == 2


def test_only_the_main_thread_sets_the_count(two_threads):
    """threadpoolctl lets one Python thread control OpenBLAS's shared pool: hsr leaves it to
    the main thread. Another thread's call changes nothing (and so cannot leave the count
    lowered); the main thread's limit holds for the other thread's products too."""
    inside, leave, seen = threading.Event(), threading.Event(), []

    def other():
        with blas.serial_blas():
            seen.append(blas.blas_threads())
            inside.set()
            leave.wait(10)
        seen.append(blas.blas_threads())

    t = threading.Thread(target=other)
    t.start()
    assert inside.wait(10)
    assert blas.blas_threads() == 2
    with blas.serial_blas():
        assert blas.blas_threads() == 1
        leave.set()
        t.join()
    assert seen == [2, 1]
    assert blas.blas_threads() == 2


def test_serial_blas_restores_after_an_error(two_threads):
    with pytest.raises(RuntimeError):
        with blas.serial_blas():
            raise RuntimeError
    assert blas.blas_threads() == 2


def test_switched_off(two_threads, monkeypatch):
    monkeypatch.setattr(blas, "SERIAL_BLAS_BELOW", 0)
    with blas.serial_blas(blas.BLAS_THREADED_FROM):
        assert blas.blas_threads() == 2


def test_product_work():
    net = hsr.Net(2, 100)
    X, theta = np.zeros((100, 2)), np.zeros(net.n_params)
    assert blas.product_work(net, theta, X, "pairwise") == 100 * 100 * 100
    assert blas.product_work(net, theta, X, "assembled") == 100 * 401 * 401
    assert blas.product_work(net, theta, X, "samples") == 100 * 401
    # "auto" (or a bad method, which the closed form then refuses): what auto picks
    assert blas.product_work(net, theta, X, "auto") == blas.product_work(
        net, theta, X, hsr.core.traces.choose_trace_squared_method(100, net, 1)
    )
    assert blas.product_work(net, theta, X, "fast") == blas.product_work(net, theta, X)
    # malformed input: 0 (the function's own checks raise)
    assert blas.product_work(None, theta, X) == 0
    assert blas.product_work(net, theta, 3.0) == 0


# ----- the library uses it ------------------------------------------------------------------
def test_numpy_gradient_at_d_hidden_100_runs_on_one_blas_thread(two_threads, monkeypatch):
    """The issue's case: one network, d_h = 100, N = 100 (1e6 multiply-adds per product)."""
    net, theta, X, y = problem(100, 100)
    seen = spy(monkeypatch, gradients, "ws_gradient")
    g = hsr.grad_ws_upper_bound(net, theta, X, y, engine="numpy")
    assert seen == [1]
    assert blas.blas_threads() == 2
    assert_rel(g, hsr.grad_ws_upper_bound(net, theta, X, y, engine="numpy"), 1e-14)


def test_large_products_keep_every_thread(two_threads, monkeypatch):
    """Above SERIAL_BLAS_BELOW the call keeps the threads (lowered here, not a big call)."""
    net, theta, X, y = problem(100, 100)
    monkeypatch.setattr(blas, "SERIAL_BLAS_BELOW", 2**19)  # work here: 1e6
    seen = spy(monkeypatch, gradients, "ws_gradient")
    hsr.grad_ws_upper_bound(net, theta, X, y, engine="numpy")
    assert seen == [2]


def test_tiny_calls_do_not_touch_the_thread_count(two_threads, monkeypatch):
    net, theta, X, y = problem(3, 100)  # 100 * 13^2 multiply-adds: OpenBLAS is serial anyway
    calls = []
    monkeypatch.setattr(blas, "_libraries", lambda: calls.append(1) or ())
    hsr.grad_ws_upper_bound(net, theta, X, y, engine="numpy")
    hsr.ws_bounds(net, theta, X, y)
    assert calls == []


@pytest.mark.parametrize(
    "call",
    [
        lambda *a: hsr.ws_bounds(*a),
        lambda *a: hsr.trace_hessian_squared(*a, method="pairwise"),
        lambda *a: hsr.hessian_spectrum(*a),
        lambda *a: hsr.grad_trace_hessian_squared(*a, engine="numpy"),
        lambda *a: hsr.ws_gradient_per_sample(*a),
    ],
    ids=["ws_bounds", "trace_hessian_squared", "hessian_spectrum", "grad_trace2", "per_sample"],
)
def test_the_other_closed_forms_too(call, two_threads, monkeypatch):
    net, theta, X, y = problem(100, 100, B=2)
    seen = spy(monkeypatch, net.__class__, "forward")
    call(net, theta, X, y)
    assert seen and set(seen) == {1}
    assert blas.blas_threads() == 2


@pytest.mark.parametrize("B", [1, 3])
def test_numba_engine_runs_on_one_blas_thread(B, two_threads, monkeypatch):
    """The numba engine's BLAS products: one thread below the threshold, and at every size
    when it runs several networks on numba's threads."""
    pytest.importorskip("numba")
    net, theta, X, y = problem(30, 100, B=None if B == 1 else B)
    fn = gradients._engine_function("numba")
    seen = []

    def engine(*args):
        seen.append(blas.blas_threads())
        return fn(*args)

    monkeypatch.setitem(gradients._ENGINE_CACHE, "numba", engine)
    monkeypatch.setattr(blas, "SERIAL_BLAS_BELOW", 2**19)  # work here: 100 * 121^2 = 1.5e6
    hsr.grad_ws_upper_bound(net, theta, X, y, engine="numba")
    assert seen == [2 if B == 1 else 1]


def test_training_numpy_loop_and_history(two_threads, monkeypatch):
    net, theta, X, y = problem(100, 100, B=2)
    loop = spy(monkeypatch, training, "ws_gradient")
    hist = spy(monkeypatch, training, "assemble_hessian")
    training.train(
        net,
        theta,
        X,
        y,
        method="hsr",
        engine="numpy",
        max_iter=2,
        record_every=1,
        record=("lambda_max",),
    )
    assert loop and set(loop) == {1}
    assert hist and set(hist) == {1}
    assert blas.blas_threads() == 2


def test_pool_workers_run_on_one_blas_thread(two_threads, monkeypatch):
    """A worker of hsr's own pool (threads=1) limits BLAS whatever the size; a caller's pool
    (threads=None) is left alone."""
    net, theta, X, y = problem(3, 20, B=2)
    seen = spy(monkeypatch, training, "train")
    cfg = training.TrainConfig(max_iter=2).to_dict()
    numba = pytest.importorskip("numba")
    before = numba.get_num_threads()
    try:
        training.train_chunk(((2, 3, "sigmoid"), theta, X, y, cfg, 1))
    finally:
        numba.set_num_threads(before)  # train_chunk sets this thread's numba threads to 1
    training.train_chunk(((2, 3, "sigmoid"), theta, X, y, cfg, None))
    assert seen == [1, 2]
