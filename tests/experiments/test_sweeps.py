"""Sweeps and comparisons end to end at small scale; determinism; executors; cache; groups."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import hsr
from hsr import (
    SweepConfig,
    initial_parameters,
    low_high_groups,
    remove_duplicates,
    run_comparison,
    run_sweep,
    top_bottom_groups,
)
from hsr.experiments.runtime.parallel import default_executor
from hsr.experiments.sweeps import STAT_KEYS

SMALL = SweepConfig(
    n_seeds=16,
    max_iter=1500,
    lr=2.0,
    tol=2e-2,
    n_train=30,
    n_test=60,
    init_low=-4.0,
    init_high=4.0,
    dedup_k=1.0,
)


def _arrays_equal(a, b):
    for k in ("seeds", "theta0", "theta", "converged", "n_iter", "unique"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)
    assert a.threshold == b.threshold or (np.isnan(a.threshold) and np.isnan(b.threshold))
    assert a.stats.keys() == b.stats.keys()
    for k in a.stats:
        np.testing.assert_array_equal(a.stats[k], b.stats[k], err_msg=k)


@pytest.fixture(scope="module")
def small_sweep():
    return run_sweep(SMALL, cache_dir=False, quiet=True)


def test_sweep_end_to_end(small_sweep):
    r = small_sweep
    net, data = SMALL.net, SMALL.dataset()
    assert r.seeds.tolist() == list(range(16))
    np.testing.assert_array_equal(r.theta0, initial_parameters(net, range(16), -4.0, 4.0))
    assert 0 < r.n_converged <= 16 and 0 < r.n_unique <= r.n_converged
    assert set(r.unique) <= set(np.flatnonzero(r.converged))
    # every converged seed passed the papers' test at its final point
    g = np.linalg.norm(hsr.grad_loss(net, r.theta, data.X_train, data.y_train), axis=1)
    g0 = np.linalg.norm(hsr.grad_loss(net, r.theta0, data.X_train, data.y_train), axis=1)
    np.testing.assert_array_equal(r.converged, g < SMALL.tol * g0)
    # the statistics are those of the closed forms at the unique points
    P = r.points
    assert set(r.stats) == set(STAT_KEYS) and all(
        v.shape == (r.n_unique,) for v in r.stats.values()
    )
    spec = hsr.hessian_spectrum(net, P, data.X_train, data.y_train)
    np.testing.assert_allclose(r.stats["lambda_max"], spec[:, -1])
    np.testing.assert_allclose(
        r.stats["ws_upper"], hsr.ws_upper_bound(net, P, data.X_train, data.y_train)
    )
    np.testing.assert_allclose(
        r.stats["test_f1"], hsr.macro_f1_on(net, P, data.X_test, data.y_test)
    )
    assert np.all(r.stats["lambda_max"] <= r.stats["ws_upper"] * (1 + 1e-9))


def test_sweep_is_deterministic(small_sweep):
    _arrays_equal(small_sweep, run_sweep(SMALL, cache_dir=False, quiet=True))


@pytest.mark.parametrize("chunk_size", [1, 5, 16])
def test_results_identical_whatever_the_chunking(small_sweep, chunk_size):
    with default_executor(2) as ex:
        r = run_sweep(SMALL, executor=ex, chunk_size=chunk_size, cache_dir=False, quiet=True)
    _arrays_equal(small_sweep, r)


def test_results_identical_with_threads_and_numpy_free_of_order(small_sweep):
    with ThreadPoolExecutor(max_workers=3) as ex:
        r = run_sweep(SMALL, executor=ex, chunk_size=3, cache_dir=False, quiet=True)
    _arrays_equal(small_sweep, r)


def test_results_identical_on_a_dask_local_cluster(small_sweep):
    distributed = pytest.importorskip("distributed")  # in the test extra: never skipped there
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with distributed.Client(cluster) as client:
            r = run_sweep(
                SMALL, executor=client.get_executor(), chunk_size=4, cache_dir=False, quiet=True
            )
    _arrays_equal(small_sweep, r)


def test_cache_roundtrip_and_force(tmp_path, small_sweep):
    r1 = run_sweep(SMALL, cache_dir=tmp_path, quiet=True)
    files = list(tmp_path.glob("sweep-*.npz"))
    assert len(files) == 1
    mtime = files[0].stat().st_mtime_ns
    r2 = run_sweep(SMALL, cache_dir=tmp_path, quiet=True)
    _arrays_equal(r1, r2)
    _arrays_equal(small_sweep, r2)
    assert files[0].stat().st_mtime_ns == mtime  # loaded, not recomputed
    run_sweep(SMALL, cache_dir=tmp_path, quiet=True, force=True)
    assert files[0].stat().st_mtime_ns != mtime
    run_sweep(SMALL, cache_dir=tmp_path, quiet=True, data_seed=1)
    assert len(list(tmp_path.glob("sweep-*.npz"))) == 2


def test_integer_and_float_settings_share_one_cache_key():
    from hsr import CompareConfig
    from hsr.experiments.runtime.cache import cache_key

    a = SweepConfig(init_low=-20, init_high=20, lr=4, dedup_k=3)
    b = SweepConfig(init_low=-20.0, init_high=20.0, lr=4.0, dedup_k=3.0)
    assert cache_key("sweep", a.to_dict()) == cache_key("sweep", b.to_dict())
    assert CompareConfig(lr=4, beta=1).to_dict() == CompareConfig(lr=4.0, beta=1.0).to_dict()


def test_cache_dir_from_environment(tmp_path, monkeypatch):
    from hsr.experiments.runtime.cache import default_cache_dir

    monkeypatch.setenv("HSR_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"


def test_comparison_end_to_end(small_sweep, tmp_path):
    r = small_sweep
    flat, sharp = top_bottom_groups(r.stats["ws_upper"], 0.25)
    kw = dict(max_iter=300, reg_iters=150, lr=1.0, record_every=50, cache_dir=tmp_path, quiet=True)
    c = run_comparison(r, {"Flat": flat, "Sharp": sharp}, **kw)
    S = flat.size + sharp.size
    assert list(c.group) == ["Flat"] * flat.size + ["Sharp"] * sharp.size
    np.testing.assert_array_equal(c.theta0, r.theta0[r.unique[np.r_[flat, sharp]]])
    assert set(c.methods) == set(hsr.METHODS)
    for m, res in c.methods.items():
        assert res["theta"].shape == (S, SMALL.net.n_params)
        assert res["history"]["loss"].shape == (res["history"]["iterations"].size, S)
        assert set(res["stats"]) == set(STAT_KEYS)
        # each method's rows are exactly what train() gives for those seeds
        direct = hsr.train(
            SMALL.net,
            c.theta0,
            SMALL.dataset().X_train,
            SMALL.dataset().y_train,
            c_cfg := hsr.CompareConfig(
                max_iter=300, reg_iters=150, lr=1.0, record_every=50
            ).train_config(m),
        )
        np.testing.assert_array_equal(res["theta"], direct.theta, err_msg=m)
        assert c_cfg.method == m
    again = run_comparison(r, {"Flat": flat, "Sharp": sharp}, **kw)  # from the cache
    _same_comparison(again, c)


def _same_comparison(a, b):
    """Two comparisons equal key by key: every field, every method's every entry (``diverged``
    included), every statistic and every recorded history."""
    assert a.config == b.config and a.sweep_config == b.sweep_config
    for k in ("seeds", "group", "theta0"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)
    assert a.methods.keys() == b.methods.keys()
    for m in a.methods:
        ea, eb = a.methods[m], b.methods[m]
        assert (
            ea.keys()
            == eb.keys()
            == {"theta", "converged", "n_iter", "diverged", "stats", "history"}
        )
        for k in ("theta", "converged", "n_iter", "diverged"):
            np.testing.assert_array_equal(ea[k], eb[k], err_msg=f"{m} {k}")
        for part in ("stats", "history"):
            assert ea[part].keys() == eb[part].keys(), (m, part)
            for k in ea[part]:
                np.testing.assert_array_equal(ea[part][k], eb[part][k], err_msg=f"{m} {part} {k}")


def test_a_comparison_cache_hit_equals_a_fresh_run_key_by_key(small_sweep, tmp_path):
    r = small_sweep
    flat, sharp = top_bottom_groups(r.stats["ws_upper"], 0.25)
    kw = dict(max_iter=200, reg_iters=100, lr=1.0, record_every=50, quiet=True)
    fresh = run_comparison(r, {"Flat": flat, "Sharp": sharp}, cache_dir=False, **kw)
    stored = run_comparison(r, {"Flat": flat, "Sharp": sharp}, cache_dir=tmp_path, **kw)
    hit = run_comparison(r, {"Flat": flat, "Sharp": sharp}, cache_dir=tmp_path, **kw)
    assert len(list(tmp_path.glob("compare-*.npz"))) == 1  # the third call read the cache
    _same_comparison(stored, fresh)
    _same_comparison(hit, fresh)


def test_comparison_identical_whatever_the_chunking(small_sweep):
    """Chunks whose networks stop at different times give one history, as one call does."""
    r = small_sweep
    groups = {"All": np.arange(r.n_unique)}
    kw = dict(
        max_iter=3000,
        reg_iters=100,
        lr=2.0,
        tol=2e-2,
        record_every=40,
        cache_dir=False,
        quiet=True,
        methods=("baseline", "hsr"),
    )
    whole = run_comparison(r, groups, chunk_size=r.n_unique, **kw)
    with default_executor(2) as ex:
        split = run_comparison(r, groups, executor=ex, chunk_size=1, **kw)
    stops = whole.methods["baseline"]["n_iter"]
    assert np.unique(stops).size > 1  # the networks do stop at different times
    for m in whole.methods:
        for key in ("theta", "n_iter", "converged"):
            np.testing.assert_array_equal(whole.methods[m][key], split.methods[m][key])
        for q, arr in whole.methods[m]["history"].items():
            np.testing.assert_array_equal(arr, split.methods[m]["history"][q], err_msg=q)


def test_remove_duplicates_by_hand():
    pts = np.array([[0.0, 0.0], [0.01, 0.0], [5.0, 0.0], [5.0, 0.02], [10.0, 0.0]])
    d = np.array([np.linalg.norm(a - b) for i, a in enumerate(pts) for b in pts[i + 1 :]])
    keep, thr = remove_duplicates(pts, 1.0)
    assert thr == pytest.approx(d.mean() - d.std())
    np.testing.assert_array_equal(keep, [0, 2, 4])
    keep, thr = remove_duplicates(pts, 10.0)  # negative threshold: nothing is a duplicate
    np.testing.assert_array_equal(keep, np.arange(5))


def test_group_sizes_match_the_papers():
    v = np.random.default_rng(0).lognormal(size=1124)
    flat, sharp = top_bottom_groups(v, 0.1)
    assert flat.size == 113 and sharp.size == 113  # HSR Section VI-A
    assert v[sharp].min() > v[flat].max()
    low, high = low_high_groups(np.random.default_rng(1).lognormal(size=353), 0.1)
    assert low.size == 317 and high.size == 36  # WS Fig. 7


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"n_seeds": 0}, "n_seeds must be a positive integer"),
        ({"lr": -0.1}, "lr must be a positive number"),
        ({"max_iter": 0}, "max_iter must be a positive integer"),
        ({"n_train": 0}, "n_train must be a positive integer"),
        ({"d_hidden": -3}, "d_hidden must be a positive integer"),
        ({"init_low": 5.0, "init_high": -5.0}, "init_low < init_high"),
        ({"activation": "relu"}, "activation must be one of"),
        ({"seed_start": -1}, "seed_start must be a non-negative integer"),
    ],
)
def test_bad_sweep_settings(kw, match):
    with pytest.raises(ValueError, match=match):
        run_sweep(cache_dir=False, quiet=True, **kw)


def test_bad_sweep_calls(small_sweep):
    with pytest.raises(ValueError, match="unknown sweep setting"):
        run_sweep(SMALL, n_seed=3, cache_dir=False)
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        run_sweep(SMALL, chunk_size=0, cache_dir=False)
    with pytest.raises(ValueError, match="frac must be a number in"):
        top_bottom_groups(np.arange(10.0), 0.0)
    with pytest.raises(ValueError, match="frac_high must be a number in"):
        low_high_groups(np.arange(10.0), 1.5)
    with pytest.raises(ValueError, match="groups must name at least one"):
        run_comparison(small_sweep, {}, cache_dir=False)
    with pytest.raises(ValueError, match="group 'Flat' must be a non-empty"):
        run_comparison(small_sweep, {"Flat": []}, cache_dir=False)
    with pytest.raises(ValueError, match="unknown comparison setting"):
        run_comparison(small_sweep, {"Flat": [0]}, betta=1.0, cache_dir=False)
    with pytest.raises(ValueError, match="methods must be from"):
        run_comparison(small_sweep, {"Flat": [0]}, methods=("sgd",), cache_dir=False)
    with pytest.raises(ValueError, match="alpha and beta are both 0"):
        run_comparison(small_sweep, {"Flat": [0]}, alpha=0.0, beta=0.0, cache_dir=False)


def test_duplicate_procedures(small_sweep):
    """Transitive merging keeps at most as many points as greedy merging, every kept point is
    converged, and an unknown procedure is refused before any work."""
    P = small_sweep.theta[small_sweep.converged]
    for k in (0.0, 1.0, 2.0, 3.0):
        g, tg = remove_duplicates(P, k, "greedy")
        c, tc = remove_duplicates(P, k, "components")
        assert tg == tc and c.size <= g.size and c[0] == g[0] == 0
        D = np.linalg.norm(P[c][:, None] - P[c][None], axis=-1)
        assert np.all(D[~np.eye(c.size, dtype=bool)] >= tc)  # components are apart
    with pytest.raises(ValueError, match="procedure must be one of"):
        remove_duplicates(P, 1.0, "nearest")
    with pytest.raises(ValueError, match="dedup_procedure must be one of"):
        SweepConfig(dedup_procedure="nearest")
    r = run_sweep(SMALL, cache_dir=False, quiet=True, dedup_procedure="components")
    np.testing.assert_array_equal(r.theta, small_sweep.theta)
    assert r.n_unique <= small_sweep.n_unique


def _notebook_parameters(**extra):
    """A notebook's globals: SMALL's sweep settings by their names, the comparison's settings
    by the notebook names (``cmp_lr``, ``cmp_max_iter``), and names neither config has."""
    p = {f: getattr(SMALL, f) for f in ("n_seeds", "max_iter", "lr", "tol", "n_train")}
    p |= {"n_test": 60, "init_low": -4.0, "init_high": 4.0, "dedup_k": 1.0}
    p |= {"mean0": [-1.0, -1.0], "group_frac": 0.25, "cmp_lr": 1.0, "cmp_max_iter": 200}
    p |= {"reg_iters": 100, "record_every": 50, "NB": "hsr-fig10", "log_loss": True}
    return p | extra


def test_flat_sharp_comparison_is_the_notebooks_setup(tmp_path):
    """HSR Figs. 10-15's setup in one call: the same configs (so the same cache entries), the
    same groups and the same comparison as built step by step."""
    params = _notebook_parameters()
    fs = hsr.flat_sharp_comparison(params, cache_dir=tmp_path)
    assert fs.sweep.config == SMALL == hsr.SweepConfig.from_parameters(params)
    # tol is both configs' (the critical-point test), as in the notebooks
    cmp_cfg = hsr.CompareConfig(lr=1.0, max_iter=200, reg_iters=100, record_every=50, tol=SMALL.tol)
    assert fs.cmp.config == cmp_cfg == hsr.CompareConfig.from_parameters(params)
    # step by step, as the notebooks did: the cache answers with the same entries
    sweep = run_sweep(SMALL, cache_dir=tmp_path, quiet=True)
    _arrays_equal(fs.sweep, sweep)
    flat, sharp = top_bottom_groups(sweep.stats["ws_upper"], 0.25)
    np.testing.assert_array_equal(fs.flat, flat)
    np.testing.assert_array_equal(fs.sharp, sharp)
    cmp = run_comparison(sweep, {"Flat": flat, "Sharp": sharp}, cmp_cfg, cache_dir=tmp_path)
    _same_comparison(fs.cmp, cmp)
    assert len(list(tmp_path.glob("sweep-*.npz"))) == len(list(tmp_path.glob("compare-*.npz")))
    assert len(list(tmp_path.glob("compare-*.npz"))) == 1  # one entry each, shared
    _same_comparison(
        fs.cmp,
        run_comparison(sweep, {"Flat": flat, "Sharp": sharp}, cmp_cfg, cache_dir=False, quiet=True),
    )
    data = SMALL.dataset()
    assert fs.net == SMALL.net
    np.testing.assert_array_equal(fs.X, data.X_train)
    np.testing.assert_array_equal(fs.y, data.y_train)
    np.testing.assert_array_equal(fs.data.X_test, data.X_test)
    assert fs.methods == ["baseline", "hessian", "asam", "hsr"]  # the papers' order
    assert set(fs.in_group) == {"Flat", "Sharp"}
    assert fs.in_group["Flat"].sum() == flat.size and fs.in_group["Sharp"].sum() == sharp.size
    np.testing.assert_array_equal(fs.in_group["Flat"], fs.cmp.group == "Flat")


def test_flat_sharp_comparison_defaults_and_method_subsets():
    params = _notebook_parameters(cmp_methods=["hsr", "baseline"])
    del params["group_frac"]  # the paper's 10%
    fs = hsr.flat_sharp_comparison(params, cache_dir=False)
    flat, sharp = top_bottom_groups(fs.sweep.stats["ws_upper"], 0.1)
    np.testing.assert_array_equal(fs.flat, flat)
    np.testing.assert_array_equal(fs.sharp, sharp)
    assert fs.methods == ["baseline", "hsr"]  # the papers' order, whatever the order asked


def test_flat_sharp_comparison_refusals():
    with pytest.raises(ValueError, match="params must be a dict"):
        hsr.flat_sharp_comparison([("n_seeds", 4)])
    with pytest.raises(ValueError, match=r"group_frac must be a number in \(0, 1\)"):
        hsr.flat_sharp_comparison(_notebook_parameters(group_frac=1.5), cache_dir=False)
    with pytest.raises(ValueError, match="methods must be from"):
        hsr.flat_sharp_comparison(_notebook_parameters(cmp_methods=["sgd"]), cache_dir=False)
    # no critical point: nothing to compare
    with pytest.raises(RuntimeError, match="no critical point among 16 seeds"):
        hsr.flat_sharp_comparison(_notebook_parameters(max_iter=1), cache_dir=False)


def test_flat_sharp_setup_is_outside_the_cache_fingerprints():
    """The setup computes nothing new: no sweep or comparison entry's code fingerprint reads its
    module, so changing it keeps every cached entry (and the notebooks' cache keys)."""
    from hsr.experiments.runtime.cache import COMPUTED_BY, PACKAGE_DIR, _closure

    for kind, module in COMPUTED_BY.items():
        closure = _closure(PACKAGE_DIR, module)
        assert module in closure and "hsr.experiments.flat_sharp" not in closure, kind
