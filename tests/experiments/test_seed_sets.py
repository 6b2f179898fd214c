"""Fresh seed sets (hsr.experiments.seed_sets): set 0 is the book's seeds exactly (the same
configs, cache keys, seeds and data); sets 1 and 2 draw new seeds and new data, disjoint from
set 0 and from each other; bad values are refused naming the argument."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import hsr
from hsr.experiments.landscape import LandscapeConfig
from hsr.experiments.runtime.cache import cache_key
from hsr.experiments.seed_sets import SEED_SET_STRIDE, check_seed_set, fresh_seed

#: the parameters cell of a WS notebook (the names of SweepConfig's fields), smoke-sized
PARAMS = {
    "n_seeds": 6,
    "d_hidden": 3,
    "activation": "sigmoid",
    "init_low": -20.0,
    "init_high": 20.0,
    "lr": 4.0,
    "max_iter": 30,
    "tol": 1e-3,
    "dedup_k": 2.92,
    "n_train": 20,
    "n_test": 40,
    "mean0": [-1.0, -1.0],
    "mean1": [1.0, 1.0],
    "var": 2.0,
    "data_seed": 0,
    "frac_high": 0.1,  # not a sweep setting: ignored
}


def test_fresh_seed_moves_every_seed_by_the_stride():
    assert SEED_SET_STRIDE == 1_000_000
    assert fresh_seed(0, 0) == 0 and fresh_seed(5, 0) == 5
    assert fresh_seed(0, 1) == 1_000_000 and fresh_seed(7, 2) == 2_000_007
    assert fresh_seed(np.int64(3), np.int64(1)) == 1_000_003
    assert fresh_seed([1, 2], 1) == [1_000_001, 1_000_002]
    assert fresh_seed((0, 4), 2) == (2_000_000, 2_000_004)
    assert fresh_seed([1, 2], 0) == [1, 2]
    assert type(fresh_seed(np.int64(3), 0)) is int


@pytest.mark.parametrize("bad", [-1, 1.0, 0.5, "1", True, None, [1]])
def test_bad_seed_set_is_refused_naming_it(bad):
    with pytest.raises(ValueError, match="seed_set must be a non-negative integer"):
        check_seed_set(bad)
    with pytest.raises(ValueError, match="seed_set"):
        fresh_seed(0, bad)
    with pytest.raises(ValueError, match="seed_set"):
        hsr.SweepConfig.from_parameters(PARAMS | {"seed_set": bad})


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_seed_is_refused(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        fresh_seed(bad, 1)


def test_seed_set_0_is_todays_config_exactly():
    today = hsr.SweepConfig.from_parameters(PARAMS)
    zero = hsr.SweepConfig.from_parameters(PARAMS | {"seed_set": 0})
    assert zero == today and zero.to_dict() == today.to_dict()
    assert cache_key("sweep", zero.to_dict()) == cache_key("sweep", today.to_dict())
    assert today.for_seed_set(0) is today
    # the fields as before this change: nothing about seed sets enters the config
    assert (today.seed_start, today.data_seed) == (0, 0)
    assert "seed_set" not in today.to_dict()
    # the paper-scale defaults too
    assert hsr.SweepConfig.from_parameters({"seed_set": 0}) == hsr.SweepConfig()


def test_seed_sets_1_and_2_draw_new_seeds_and_data_disjoint_from_set_0():
    cfgs = [hsr.SweepConfig.from_parameters(PARAMS | {"seed_set": k}) for k in (0, 1, 2)]
    assert [c.seed_start for c in cfgs] == [0, 1_000_000, 2_000_000]
    assert [c.data_seed for c in cfgs] == [0, 1_000_000, 2_000_000]
    assert len({cache_key("sweep", c.to_dict()) for c in cfgs}) == 3
    # every other setting is the same
    for c in cfgs[1:]:
        assert {k: v for k, v in c.to_dict().items() if k not in ("seed_start", "data_seed")} == {
            k: v for k, v in cfgs[0].to_dict().items() if k not in ("seed_start", "data_seed")
        }
    seeds = [set(range(c.seed_start, c.seed_start + c.n_seeds)) for c in cfgs]
    assert not (seeds[0] & seeds[1] or seeds[0] & seeds[2] or seeds[1] & seeds[2])
    # new data draws (same sizes and class balance) and new initial parameters
    data = [c.dataset() for c in cfgs]
    for d in data[1:]:
        assert d.X_train.shape == data[0].X_train.shape
        assert np.array_equal(np.sort(d.y_train), np.sort(data[0].y_train))
        assert not np.allclose(d.X_train, data[0].X_train)
        assert not np.allclose(d.X_test, data[0].X_test)
    assert not np.allclose(data[1].X_train, data[2].X_train)
    net = cfgs[0].net
    theta0 = [
        hsr.initial_parameters(net, range(c.seed_start, c.seed_start + c.n_seeds), -20, 20)
        for c in cfgs
    ]
    assert not np.allclose(theta0[0], theta0[1]) and not np.allclose(theta0[1], theta0[2])


def test_a_sweep_on_seed_set_0_is_the_sweep_of_today():
    """The results, not only the configs: the same arrays, and set 1 different ones."""
    with ThreadPoolExecutor(1) as ex:  # in this process: no pool to start
        common = dict(quiet=True, cache_dir=False, executor=ex, chunk_size=3)
        today = hsr.run_sweep(hsr.SweepConfig.from_parameters(PARAMS), **common)
        zero = hsr.run_sweep(hsr.SweepConfig.from_parameters(PARAMS | {"seed_set": 0}), **common)
        one = hsr.run_sweep(hsr.SweepConfig.from_parameters(PARAMS | {"seed_set": 1}), **common)
    for name in ("seeds", "theta0", "theta", "converged", "n_iter"):
        assert np.array_equal(getattr(zero, name), getattr(today, name)), name
    assert np.array_equal(one.seeds, today.seeds + 1_000_000)
    assert not np.allclose(one.theta0, today.theta0)


def test_seed_ranges_too_long_for_disjoint_sets_are_refused():
    cfg = hsr.SweepConfig(n_seeds=10, seed_start=SEED_SET_STRIDE - 5)
    assert cfg.for_seed_set(0) is cfg
    with pytest.raises(ValueError, match="seed_start \\+ n_seeds must be at most"):
        cfg.for_seed_set(1)


def test_the_comparison_has_no_seeds_of_its_own():
    """The comparison retrains the sweep's Flat and Sharp seeds deterministically: a fresh set
    reaches it through the sweep; its config does not change."""
    p = {"cmp_lr": 4.0, "cmp_max_iter": 300, "reg_iters": 100}
    assert hsr.CompareConfig.from_parameters(p | {"seed_set": 2}) == (
        hsr.CompareConfig.from_parameters(p)
    )


def test_the_landscape_seed_moves_with_the_set():
    """The landscape experiment's one seed (init, shuffles, orderings): the notebook moves it
    and its extra training seeds with fresh_seed; its data are not drawn."""
    base = LandscapeConfig(dataset="sklearn8x8", n=100, seed=0)
    seeds = [fresh_seed(base.seed, k) for k in (0, 1, 2)]
    cfgs = [LandscapeConfig(dataset="sklearn8x8", n=100, seed=s) for s in seeds]
    assert cfgs[0] == base
    assert len({cache_key("landscape", c.to_dict()) for c in cfgs}) == 3
    extra = [fresh_seed([1, 2], k) for k in (0, 1, 2)]
    every = [s for k in range(3) for s in [seeds[k], *extra[k]]]
    assert len(set(every)) == 9  # three training seeds per set, none shared between sets
