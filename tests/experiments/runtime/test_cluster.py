"""Sweeps on a dask cluster that goes wrong, with real schedulers and workers: a worker running
other hsr code (its numbers would be cached under this code's key), a scheduler that dies
mid-sweep, workers that all die mid-sweep, an address where no scheduler answers. Each is a
:class:`ClusterError` naming the scheduler (and ``$HSR_SCHEDULER`` when it came from there),
within a bounded time; none is a silent wrong result, an empty CancelledError or a hang."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")  # in the test extra: never skipped there

from hsr import SweepConfig, run_sweep  # noqa: E402
from hsr.experiments.runtime import cache, cluster  # noqa: E402
from hsr.experiments.runtime.cluster import ClusterError  # noqa: E402

SMALL = SweepConfig(n_seeds=4, max_iter=60, n_train=20, n_test=20)
# two chunks that never converge: they run until stopped
ENDLESS = dict(n_seeds=4, max_iter=10**9, tol=1e-300, n_train=20, n_test=20)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _python_path(package_parent: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(package_parent)}


@contextlib.contextmanager
def _processes():
    """Subprocesses started in the block, killed at its end whatever happened."""
    procs: list[subprocess.Popen] = []
    try:
        yield procs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            with contextlib.suppress(Exception):
                p.communicate(timeout=30)


def _scheduler(procs) -> tuple[str, subprocess.Popen]:
    port = _free_port()
    p = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    procs.append(p)
    address = f"tcp://127.0.0.1:{port}"
    end = time.monotonic() + 120
    while time.monotonic() < end:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return address, p
        time.sleep(0.2)
    pytest.fail("the dask scheduler did not start within 120 s")


def _worker(procs, address: str, package_parent: Path) -> subprocess.Popen:
    """A dask worker without a nanny (killing it loses it) importing hsr from
    ``package_parent``."""
    p = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
         "--no-nanny", "--no-dashboard"],
        env=_python_path(package_parent), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    procs.append(p)
    return p


def _wait_workers(address: str, n: int) -> None:
    with distributed.Client(address, timeout=60, set_as_default=False) as c:
        c.wait_for_workers(n, timeout=180)


def _wait_processing(address: str) -> None:
    """Until a chunk runs on a worker of the cluster at ``address``."""
    with distributed.Client(address, timeout=60, set_as_default=False) as c:
        end = time.monotonic() + 180
        while time.monotonic() < end:
            if any(c.processing().values()):
                return
            time.sleep(0.2)
    pytest.fail("no chunk started on the cluster within 180 s")


def _sweep_in_thread(**kw):
    """run_sweep in a thread: (thread, outcome dict with "exc" or "result")."""
    outcome: dict = {}

    def go():
        try:
            outcome["result"] = run_sweep(quiet=True, **kw)
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome["exc"] = exc

    t = threading.Thread(target=go, daemon=True)
    t.start()
    return t, outcome


# ----- a worker running other code --------------------------------------------------------------
def test_a_worker_with_other_hsr_code_is_refused(tmp_path, monkeypatch):
    """A worker whose hsr differs from the caller's (here: one edited line in the training
    module of its copy): the sweep is refused before any chunk runs there, naming the
    scheduler and the difference, and nothing is cached (the worker's numbers were cached
    under the caller's key: 17 arrays differed)."""
    alt = tmp_path / "alt"
    shutil.copytree(cache.PACKAGE_DIR, alt / "hsr", ignore=shutil.ignore_patterns("__pycache__"))
    with open(alt / "hsr" / "experiments" / "training.py", "a") as fh:
        fh.write("\n# the worker's copy: other code\n")
    monkeypatch.setenv("HSR_CACHE_DIR", str(tmp_path / "cache"))
    with (
        distributed.LocalCluster(n_workers=0, dashboard_address=None) as lc,
        _processes() as procs,
    ):
        address = lc.scheduler_address
        _worker(procs, address, alt)
        _wait_workers(address, 1)
        monkeypatch.setenv("HSR_SCHEDULER", address)
        with pytest.raises(ClusterError, match="1 of 1 workers run different hsr code") as info:
            run_sweep(SMALL, quiet=True)
        assert f"$HSR_SCHEDULER={address}" in str(info.value)
        assert "sweep" in str(info.value)  # the kind of entry whose code differs
        monkeypatch.delenv("HSR_SCHEDULER")
        # the same with the caller's own executor, and in hsr run's check
        with distributed.Client(address, set_as_default=False) as client:
            with pytest.raises(ClusterError, match="run different hsr code"):
                run_sweep(SMALL, executor=client.get_executor(), quiet=True)
        from hsr.book.run import UsageError, check_scheduler

        with pytest.raises(UsageError, match=f"--scheduler {address}: 1 of 1 workers run"):
            check_scheduler(address, "--scheduler")
    assert not list((tmp_path / "cache").glob("sweep-*.npz"))


# ----- a scheduler or its workers lost mid-sweep ------------------------------------------------
def test_a_lost_scheduler_is_named(tmp_path, monkeypatch):
    """The scheduler dies (SIGKILL) while chunks run: a ClusterError naming it and
    ``$HSR_SCHEDULER`` (it was an empty ``CancelledError``)."""
    with _processes() as procs:
        address, sched = _scheduler(procs)
        _worker(procs, address, cache.PACKAGE_DIR.parent)
        _wait_workers(address, 1)
        monkeypatch.setenv("HSR_SCHEDULER", address)
        t, outcome = _sweep_in_thread(chunk_size=2, cache_dir=tmp_path, **ENDLESS)
        _wait_processing(address)
        sched.kill()
        t.join(180)
        assert not t.is_alive(), "the sweep hangs after its scheduler died"
    exc = outcome.get("exc")
    assert isinstance(exc, ClusterError), repr(exc)
    assert f"lost the connection to $HSR_SCHEDULER={address}" in str(exc)


def test_workers_all_gone_is_an_error_not_a_hang(tmp_path, monkeypatch):
    """Every worker dies while chunks run (the scheduler lives on): after
    ``NO_WORKERS_TIMEOUT`` seconds without a worker, a ClusterError naming the scheduler (the
    run waited forever, silently)."""
    monkeypatch.setattr(cluster, "NO_WORKERS_TIMEOUT", 5.0)
    with _processes() as procs:
        address, _ = _scheduler(procs)
        worker = _worker(procs, address, cache.PACKAGE_DIR.parent)
        _wait_workers(address, 1)
        monkeypatch.setenv("HSR_SCHEDULER", address)
        t, outcome = _sweep_in_thread(chunk_size=2, cache_dir=tmp_path, **ENDLESS)
        _wait_processing(address)
        with pytest.warns(cluster.ClusterWarning, match="has no workers: waiting up to 5 s"):
            worker.kill()
            t.join(180)
        assert not t.is_alive(), "the sweep hangs with no worker left"
    exc = outcome.get("exc")
    assert isinstance(exc, ClusterError), repr(exc)
    assert f"$HSR_SCHEDULER={address} has had no workers for 5 s" in str(exc)


# ----- no scheduler at all ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "address, message",
    [
        ("tcp://127.0.0.1:9", "no dask scheduler answers there"),
        ("nonsense", "not a scheduler address"),
        ("", None),  # empty: no cluster asked for, the sweep runs here
    ],
)
def test_a_dead_hsr_scheduler_is_named_at_once(tmp_path, monkeypatch, address, message):
    """``$HSR_SCHEDULER`` naming nothing: a ClusterError naming the variable and the address
    at once (it was a 30 s timeout not naming the variable)."""
    monkeypatch.setenv("HSR_SCHEDULER", address)
    if message is None:
        assert run_sweep(SMALL, cache_dir=False, quiet=True).seeds.size == 4
        return
    with pytest.raises(ClusterError, match=f"HSR_SCHEDULER={address}: {message}"):
        run_sweep(SMALL, cache_dir=tmp_path, quiet=True)


def test_the_probe_works_where_an_event_loop_runs(monkeypatch):
    """A notebook's kernel runs its cells inside an event loop: the scheduler probe (and so a
    sweep on ``$HSR_SCHEDULER`` in a notebook) must not need one of its own there."""
    import asyncio

    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as lc:

        async def cell():
            return cluster.probe(lc.scheduler_address, "$HSR_SCHEDULER")

        ident = asyncio.run(cell())
    assert ident["type"] == "Scheduler" and ident["n_workers"] == 1
