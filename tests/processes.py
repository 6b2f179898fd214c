"""Helpers of the fault tests that run real subprocesses (tests/book/test_runner_faults.py,
tests/experiments/runtime/test_faults.py): wait for a condition, the processes below a pid,
which are still alive, and killing whatever a failing test left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time

import pytest

psutil = pytest.importorskip("psutil")


def wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen | None = None):
    """``predicate()``'s first true value within ``timeout`` s, else the test fails; it fails at
    once, with the end of the output, if ``proc`` ends first."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        if proc is not None and proc.poll() is not None:
            out, err = (text or "" for text in proc.communicate())
            pytest.fail(f"the process ended before {what}: {out[-2000:]} {err[-3000:]}")
        time.sleep(0.2)
    pytest.fail(f"no {what} within {timeout:g} s")


def family(pid: int) -> list:
    """The process ``pid`` and every process below it."""
    try:
        p = psutil.Process(pid)
        return [p, *p.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def alive(procs) -> list:
    """Those of ``procs`` still running (not zombies)."""
    out = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                out.append(p)
        except psutil.NoSuchProcess:
            pass
    return out


def kill_all(proc: subprocess.Popen, procs) -> None:
    """Whatever a failing test left running: ``proc``'s group while it is not yet reaped (its
    pid is still its own), then each process below it and each of ``procs`` (psutil checks
    identity)."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
    for p in alive([*family(proc.pid), *procs]):
        with contextlib.suppress(psutil.Error):
            p.kill()
    with contextlib.suppress(subprocess.TimeoutExpired, ValueError):
        proc.communicate(timeout=30)
