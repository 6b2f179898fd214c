"""Faults a new user meets, on real files and real processes: a cache file with a flipped bit,
Ctrl-C in a sweep (finished chunks kept, the rest stopped at once), and a sweep's process pool
outliving the process that made it (SIGTERM, SIGKILL)."""

from __future__ import annotations

import io
import os
import signal
import struct
import subprocess
import sys
import textwrap
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
from processes import alive, family, kill_all, wait_for

from hsr.experiments.runtime import cache
from hsr.experiments.runtime.cache import CacheWarning

psutil = pytest.importorskip("psutil")  # installed with ipykernel (the book and test extras)


# ----- a cache file with one bit flipped --------------------------------------------------------
def test_every_single_bit_flip_is_caught_or_harmless(tmp_path):
    """Flip one bit of each byte of a cache file in turn (headers, central directory, data):
    every load either returns the exact arrays or warns naming the file, deletes it and returns
    None. Never an exception (a flip in a zip header raised NotImplementedError or RuntimeError
    on every later run, and the file stayed)."""
    path = tmp_path / "entry.npz"
    arrays = {"a": np.arange(20.0), "b": np.ones((3, 4), dtype=bool)}
    cache.save_arrays(path, arrays, {"k": 1})
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as z:  # the flips reach every kind of zip structure
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
    outcomes = {"deleted": 0, "same": 0}
    for i in range(len(raw)):
        damaged = bytearray(raw)
        damaged[i] ^= 1 << (i % 8)
        path.write_bytes(bytes(damaged))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = cache.load_arrays(path)  # never raises
        if got is None:
            outcomes["deleted"] += 1
            assert not path.exists(), f"byte {i}: a corrupt file was left in place"
            assert len(caught) == 1 and caught[0].category is CacheWarning
            assert str(path) in str(caught[0].message), caught[0].message
        else:
            outcomes["same"] += 1  # a flip in a field nothing reads (a time stamp)
            got_arrays, meta = got
            assert meta == {"k": 1} and set(got_arrays) == set(arrays)
            for k in arrays:
                np.testing.assert_array_equal(got_arrays[k], arrays[k], err_msg=f"byte {i}")
            assert not caught
    assert outcomes["deleted"] > len(raw) // 2, outcomes


def _central_entry(data: bytes, name: str) -> int:
    """Where the central directory entry of member ``name`` starts in the zip ``data``."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        at = z.start_dir
    while data[at : at + 4] == b"PK\x01\x02":
        n_name, n_extra, n_comment = struct.unpack("<HHH", data[at + 28 : at + 34])
        if data[at + 46 : at + 46 + n_name].decode() == name:
            return at
        at += 46 + n_name + n_extra + n_comment
    raise LookupError(name)


def test_a_flip_in_a_sweep_files_zip_header_is_recomputed(tmp_path):
    """The reported case: a flipped bit in the header of a cached sweep's member (its
    compression method). The next run warns naming the file, recomputes, and saves a good
    file; the run after that loads it quietly."""
    from hsr import run_sweep

    small = dict(n_seeds=4, max_iter=60, n_train=20, n_test=20, quiet=True, cache_dir=tmp_path)
    first = run_sweep(**small)
    (path,) = tmp_path.glob("sweep-*.npz")
    data = bytearray(path.read_bytes())
    at = _central_entry(data, "theta.npy")
    data[at + 10] ^= 0x01  # its compression method: 8 (deflate) -> 9 (deflate64, unreadable)
    path.write_bytes(bytes(data))
    with pytest.warns(CacheWarning, match=str(path).replace(".", r"\.")):
        again = run_sweep(**small)
    np.testing.assert_array_equal(again.theta, first.theta)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(run_sweep(**small).theta, first.theta)


# ----- a cache folder that cannot be one ---------------------------------------------------------
def test_an_unusable_hsr_cache_dir_is_named(tmp_path, monkeypatch):
    """``$HSR_CACHE_DIR`` below a file: the sweep's OSError says the sweep cache comes from
    ``$HSR_CACHE_DIR`` and names the folder (a bare ``NotADirectoryError`` named neither)."""
    from hsr import run_sweep

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HSR_CACHE_DIR", str(blocker / "cache"))
    with pytest.raises(OSError) as info:
        run_sweep(n_seeds=4, max_iter=30, n_train=20, n_test=20, quiet=True)
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert f"the sweep cache {blocker / 'cache'} (from $HSR_CACHE_DIR)" in notes, notes
    with pytest.raises(OSError) as info:
        run_sweep(n_seeds=4, max_iter=30, n_train=20, n_test=20, quiet=True, cache_dir=blocker)
    assert "(from the cache_dir argument)" in " ".join(getattr(info.value, "__notes__", []))


# ----- real processes and real signals ----------------------------------------------------------
def _env(tmp_path: Path) -> dict:
    src = str(cache.PACKAGE_DIR.parent)
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), src])}


def _start(tmp_path: Path, script: str, *args) -> subprocess.Popen:
    """``script`` run by a new Python in its own process group (as a terminal runs it)."""
    path = tmp_path / "script.py"
    path.write_text(textwrap.dedent(script))
    return subprocess.Popen(
        [sys.executable, str(path), *map(str, args)],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


SLOW_JOB = """\
import time


def work(task):
    i, seconds = task
    time.sleep(seconds)
    return i
"""

INTERRUPTED = """\
import sys

import numpy as np

import slowjob
from hsr.experiments.runtime.cache import ChunkStore
from hsr.experiments.runtime.parallel import executor_scope, map_chunks

store = ChunkStore(sys.argv[1], "job")
tasks = [(0, 0.1), (1, 0.1), (2, 3600), (3, 3600)]  # two chunks finish, two would run an hour
with executor_scope() as ex:
    map_chunks(
        slowjob.work, tasks, ex, "job", True, [1, 1, 1, 1], store=store,
        names=["a", "b", "c", "d"],
        encode=lambda i: ({"i": np.array(i)}, {}),
        decode=lambda arrays, meta: int(arrays["i"]),
    )
"""


@pytest.mark.parametrize("target", ["process", "group"])
def test_ctrl_c_keeps_finished_chunks_and_stops_at_once(tmp_path, target):
    """Ctrl-C (SIGINT to the process, or to its whole group as a terminal sends it) while two
    chunks have finished and two run for an hour: the script ends within a minute (it waited
    for the running chunks), the two finished chunks are saved and named in the message (it
    said "0 of 2 chunks saved"), and no worker is left running."""
    (tmp_path / "slowjob.py").write_text(SLOW_JOB)
    store = tmp_path / "store"
    proc = _start(tmp_path, INTERRUPTED, store)
    chunks = store / "job.chunks"
    procs = []
    try:
        wait_for(lambda: len(list(chunks.glob("*.npz"))) == 2, 180, "two saved chunks", proc)
        procs = family(proc.pid)
        if target == "process":
            os.kill(proc.pid, signal.SIGINT)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("Ctrl-C did not stop the script within 60 s: it waits for the chunks")
        assert proc.returncode != 0
        assert "KeyboardInterrupt" in err
        assert "2 of 4 chunks are finished and saved" in err, err[-2000:]
        assert sorted(p.stem for p in chunks.glob("*.npz")) == ["a", "b"]
        wait_for(lambda: not alive(procs), 30, "end of every worker")
    finally:
        kill_all(proc, procs)


SWEEP = """\
import hsr

print("sweeping", flush=True)
# two chunks of two networks that never converge: hours of work
hsr.run_sweep(n_seeds=4, chunk_size=2, max_iter=10**9, tol=1e-300, n_train=20, n_test=20,
              cache_dir=False, quiet=True)
"""


def _workers(pid: int) -> list:
    """The forkserver and the pool's workers below ``pid`` (the workers are forked from it)."""
    return [p for p in family(pid)[1:] if "forkserver" in " ".join(p.cmdline())]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_script_leaves_no_pool_behind(tmp_path, sig):
    """SIGTERM or SIGKILL of a script running a sweep: its forkserver, resource tracker and
    workers are gone within a minute (they lived on for minutes, the workers computing)."""
    proc = _start(tmp_path, SWEEP)
    procs = []
    try:
        wait_for(lambda: len(_workers(proc.pid)) >= 3, 180, "forkserver and 2 workers", proc)
        procs = family(proc.pid)[1:]
        assert len(procs) >= 4  # the resource tracker, the forkserver, two workers
        os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        wait_for(lambda: not alive(procs), 60, "end of the pool's processes")
    finally:
        kill_all(proc, procs)
