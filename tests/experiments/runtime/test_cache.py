"""The cache: faults lose no finished work, corrupt entries are never used, and an entry is
keyed on the code that computed it."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import struct
import subprocess
import sys
import textwrap
import zipfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np
import pytest

from hsr import SweepConfig, run_sweep
from hsr.experiments.runtime import cache
from hsr.experiments.runtime.cache import CacheWarning, ChunkStore, cache_key, code_fingerprint

SMALL = SweepConfig(
    n_seeds=12, max_iter=800, lr=2.0, tol=2e-2, n_train=30, n_test=60,
    init_low=-4.0, init_high=4.0, dedup_k=1.0,
)  # fmt: skip


def _same(a, b):
    for k in ("seeds", "theta0", "theta", "converged", "n_iter", "unique", "diverged"):
        np.testing.assert_array_equal(getattr(a, k), getattr(b, k), err_msg=k)
    for k in a.stats:
        np.testing.assert_array_equal(a.stats[k], b.stats[k], err_msg=k)


@pytest.fixture(scope="module")
def reference():
    return run_sweep(SMALL, cache_dir=False, quiet=True, chunk_size=2)


class DyingPool(ProcessPoolExecutor):
    """A process pool whose worker dies (os._exit) on the ``die_at``-th task submitted."""

    def __init__(self, die_at: int):
        super().__init__(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
        self.die_at, self.n = die_at, 0

    def submit(self, fn, *args, **kwargs):
        i, self.n = self.n, self.n + 1
        if i == self.die_at:
            return super().submit(os._exit, 3)  # a real worker death, mid-sweep
        return super().submit(fn, *args, **kwargs)


class CountingPool(ProcessPoolExecutor):
    def __init__(self):
        super().__init__(max_workers=1, mp_context=multiprocessing.get_context("forkserver"))
        self.n = 0

    def submit(self, fn, *args, **kwargs):
        self.n += 1
        return super().submit(fn, *args, **kwargs)


def test_a_killed_worker_loses_no_finished_chunk(tmp_path, reference):
    with DyingPool(die_at=3) as pool, pytest.raises(BrokenProcessPool) as info:
        run_sweep(SMALL, executor=pool, chunk_size=2, cache_dir=tmp_path, quiet=True)
    assert "run the same call again to resume" in "\n".join(info.value.__notes__)
    key = cache_key("sweep", SMALL.to_dict())
    saved = ChunkStore(tmp_path, key).names()
    assert 1 <= len(saved) <= 3 and "0-2" in saved  # the chunks finished before the death
    with CountingPool() as pool:
        resumed = run_sweep(SMALL, executor=pool, chunk_size=2, cache_dir=tmp_path, quiet=True)
    assert pool.n == 6 - len(saved)  # only the missing chunks ran
    _same(resumed, reference)  # bit-identical to an uninterrupted run
    assert ChunkStore(tmp_path, key).names() == []  # the whole entry replaced its chunks
    assert (tmp_path / f"{key}.npz").is_file()


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_a_corrupt_entry_is_reported_and_recomputed(tmp_path, reference, damage):
    run_sweep(SMALL, cache_dir=tmp_path, quiet=True, chunk_size=2)
    (path,) = tmp_path.glob("sweep-*.npz")
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    else:  # one byte inside the compressed data of the largest array changed
        with zipfile.ZipFile(path) as z:
            info = max(z.infolist(), key=lambda i: i.compress_size)
        name_len, extra_len = struct.unpack(
            "<HH", data[info.header_offset + 26 : info.header_offset + 30]
        )
        start = info.header_offset + 30 + name_len + extra_len
        data[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.warns(CacheWarning, match="unreadable or corrupt"):
        again = run_sweep(SMALL, cache_dir=tmp_path, quiet=True, chunk_size=2)
    _same(again, reference)
    assert cache.load_arrays(path) is not None  # rewritten whole


def test_a_checksum_mismatch_is_caught(tmp_path):
    path = tmp_path / "x.npz"
    cache.save_arrays(path, {"a": np.arange(3.0)}, {"m": 1})
    arrays, meta = cache.load_arrays(path)
    assert meta == {"m": 1} and arrays["a"].tolist() == [0.0, 1.0, 2.0]
    # rewrite with a valid zip but arrays that do not match the stored checksum
    with np.load(path) as z:
        stored = str(z["__meta__"])
    np.savez_compressed(path, __meta__=np.array(stored), a=np.arange(4.0))
    with pytest.warns(CacheWarning, match="checksum"):
        assert cache.load_arrays(path) is None
    assert not path.exists()


def _copy_package(tmp_path) -> Path:
    dst = tmp_path / "hsr"
    shutil.copytree(cache.PACKAGE_DIR, dst, ignore=shutil.ignore_patterns("__pycache__"))
    return dst


def test_editing_a_module_that_computes_the_entry_changes_its_key(tmp_path):
    pkg = _copy_package(tmp_path)
    key = cache_key("sweep", SMALL.to_dict(), pkg)
    assert key == cache_key("sweep", SMALL.to_dict())  # same source, same key
    kernels = ("experiments/kernels/lanes.py", "experiments/kernels/vecmath.py")
    for module in ("experiments/groups.py", *kernels, "core/traces.py"):
        path = pkg / module
        original = path.read_text()
        path.write_text(original + "\n# an edit\n")
        assert cache_key("sweep", SMALL.to_dict(), pkg) != key, module
        path.write_text(original)
    # modules that do not compute a sweep leave its key alone
    for module in ("book/plotting.py", "claims/ledger.py", "experiments/comparison.py"):
        (pkg / module).write_text((pkg / module).read_text() + "\n# an edit\n")
    assert cache_key("sweep", SMALL.to_dict(), pkg) == key
    assert code_fingerprint("compare", pkg) != code_fingerprint("compare")


def test_a_module_inside_a_package_counts_in_the_key(tmp_path):
    """A module split into a package keeps the cache honest: the key follows the package's
    ``__init__`` and every submodule it imports, so editing one of them changes the key."""
    pkg = _copy_package(tmp_path)
    # turn experiments/groups.py into a package whose __init__ re-exports its submodule
    src = (pkg / "experiments" / "groups.py").read_text()
    (pkg / "experiments" / "groups.py").unlink()
    (pkg / "experiments" / "groups").mkdir()
    (pkg / "experiments" / "groups" / "impl.py").write_text(src.replace("from .", "from .."))
    (pkg / "experiments" / "groups" / "__init__.py").write_text("from .impl import *  # noqa\n")
    from hsr.experiments.runtime.cache import _closure

    closure = _closure(pkg, "hsr.experiments.sweeps")
    assert {"hsr.experiments.groups", "hsr.experiments.groups.impl"} <= set(closure)
    key = cache_key("sweep", SMALL.to_dict(), pkg)
    impl = pkg / "experiments" / "groups" / "impl.py"
    impl.write_text(impl.read_text() + "\n# a fix inside the package\n")
    assert cache_key("sweep", SMALL.to_dict(), pkg) != key
    # a module that imports its own package ("from . import x") does not pull in the package's
    # other re-exports: the sweep's key ignores a plot or a claim as before
    assert "hsr.experiments.flat_sharp" not in closure


def test_an_edited_module_is_not_served_a_stale_entry(tmp_path, monkeypatch):
    run_sweep(SMALL, cache_dir=tmp_path, quiet=True)
    assert len(list(tmp_path.glob("sweep-*.npz"))) == 1
    pkg = _copy_package(tmp_path / "src")
    (pkg / "experiments" / "groups.py").write_text(
        (pkg / "experiments" / "groups.py").read_text() + "\n# a fix to duplicate removal\n"
    )
    monkeypatch.setattr(cache, "PACKAGE_DIR", pkg)
    run_sweep(SMALL, cache_dir=tmp_path, quiet=True)
    assert len(list(tmp_path.glob("sweep-*.npz"))) == 2  # recomputed under a new key


def test_bad_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        code_fingerprint("nothing")


SCRIPT = textwrap.dedent(
    """
    import hsr
    r = hsr.run_sweep(n_seeds=4, max_iter=50, n_train=20, n_test=20, cache_dir=False, quiet=True)
    print("seeds", r.summary()["seeds"])
    """
)


@pytest.mark.parametrize("how", ["file", "stdin"])
def test_a_script_without_a_main_guard_works(tmp_path, how):
    """No ``if __name__ == "__main__":`` guard, or a script piped to ``python -``: the workers
    never re-run the script, so the sweep completes instead of a BrokenProcessPool."""
    env = {**os.environ, "PYTHONPATH": str(cache.PACKAGE_DIR.parent)}
    if how == "file":
        script = tmp_path / "unguarded.py"
        script.write_text(SCRIPT)
        cmd, stdin = [sys.executable, str(script)], None
    else:
        cmd, stdin = [sys.executable, "-"], SCRIPT
    out = subprocess.run(
        cmd, input=stdin, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "seeds 4" in out.stdout


def test_hsr_scheduler_runs_every_sweep_on_that_cluster(monkeypatch, reference):
    """``$HSR_SCHEDULER`` (what ``hsr run --scheduler`` sets for every notebook): a sweep called
    with no executor runs on that dask cluster, bit-identical to the local run."""
    distributed = pytest.importorskip("distributed")  # in the test extra: never skipped there
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        monkeypatch.setenv("HSR_SCHEDULER", cluster.scheduler_address)
        r = run_sweep(SMALL, cache_dir=False, quiet=True, chunk_size=2)
        prefixes = set(cluster.scheduler.task_prefixes)
    assert any("train_chunk" in p for p in prefixes), prefixes
    _same(r, reference)


def test_a_second_caller_waits_for_the_entry_then_loads_it(tmp_path, reference):
    """Two notebooks asking for one sweep at once (``hsr run --jobs``) compute it once: the
    second waits on the entry's lock and then loads what the first saved."""
    import threading

    key = cache_key("sweep", SMALL.to_dict())
    out, pool = [], CountingPool()
    with cache.cache_lock(tmp_path, key):  # the first caller, still computing
        t = threading.Thread(
            target=lambda: out.append(
                run_sweep(SMALL, executor=pool, cache_dir=tmp_path, quiet=True)
            )
        )
        t.start()
        t.join(timeout=1.0)
        assert t.is_alive() and not out  # waiting on the lock, not training
        meta = {"config": SMALL.to_dict(), "threshold": reference.threshold}
        cache.cache_save(tmp_path, key, reference._arrays(), meta)
    t.join(timeout=60)
    assert not t.is_alive() and pool.n == 0  # loaded, nothing trained
    _same(out[0], reference)
    pool.shutdown()
