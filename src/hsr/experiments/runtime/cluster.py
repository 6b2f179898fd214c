"""A dask cluster as the runtime uses it: reached within a bounded time, running the same hsr
code as the caller, and watched while chunks run there.

* :func:`probe` -- is a dask scheduler answering at an address? A clear :class:`ClusterError`
  within :data:`CONNECT_TIMEOUT` seconds otherwise (an address that is not one, nothing
  listening, something that is not a scheduler), naming the address and where it came from
  (``$HSR_SCHEDULER``, ``--scheduler``);
* :func:`connect` -- a client to it (after :func:`probe`, so a bad address never leaves a
  half-made client to complain at exit);
* :func:`check_code` -- the workers' code fingerprint (:func:`~hsr.experiments.runtime.cache.
  code_fingerprints`) equals the caller's: a worker running other hsr code would compute other
  numbers, and the caller would cache them under its own key;
* :class:`Watch` -- called by :func:`~hsr.experiments.runtime.parallel.map_chunks` while it
  waits: the scheduler lost, or no worker left for :data:`NO_WORKERS_TIMEOUT` seconds, is a
  :class:`ClusterError` naming the scheduler, not an empty ``CancelledError`` or a silent hang.

dask.distributed is imported only when a cluster is used (the ``dask`` extra).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time

from .cache import code_fingerprints
from .console import warn

__all__ = [
    "SCHEDULER_ENV",
    "CONNECT_TIMEOUT",
    "NO_WORKERS_TIMEOUT",
    "ClusterError",
    "ClusterWarning",
    "describe",
    "probe",
    "connect",
    "close",
    "check_code",
    "dask_client",
    "Watch",
]

#: the environment variable naming a dask scheduler for every sweep and comparison
SCHEDULER_ENV = "HSR_SCHEDULER"

#: seconds to reach a scheduler before giving up
CONNECT_TIMEOUT = 10.0

#: seconds a run waits on a cluster without any worker before giving up
NO_WORKERS_TIMEOUT = 120.0


class ClusterError(RuntimeError):
    """The dask cluster cannot run the chunks (unreachable, lost, no workers, other code)."""


class ClusterWarning(UserWarning):
    """The dask cluster has no workers for now; the run waits for some."""


def describe(address: str, source: str | None = None) -> str:
    """How messages name a scheduler: ``$HSR_SCHEDULER=ADDRESS`` or ``--scheduler ADDRESS``
    after where the address came from, else ``the dask scheduler at ADDRESS``."""
    if source and source.startswith("$"):
        return f"{source}={address}"
    if source:
        return f"{source} {address}"
    return f"the dask scheduler at {address}"


def _distributed():
    try:
        import distributed
    except ImportError:  # pragma: no cover - the dask extra is missing
        raise ClusterError(
            "a dask cluster was asked for, but dask.distributed is not installed: "
            "pip install 'hsr[dask]'"
        ) from None
    return distributed


async def _identity(address: str, timeout: float) -> dict:
    from distributed.core import rpc

    r = rpc(address, timeout=timeout)
    try:
        return await asyncio.wait_for(r.identity(), timeout)
    finally:
        with contextlib.suppress(Exception):
            await r.close_rpc()


def _in_own_loop(fn, *args):
    """``asyncio.run(fn(*args))`` in a thread of its own: it works where an event loop already
    runs in this thread (a notebook's kernel runs its cells inside one)."""
    out: dict = {}

    def target():
        try:
            out["value"] = asyncio.run(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            out["error"] = exc

    t = threading.Thread(target=target, name="hsr-dask-probe", daemon=True)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


def probe(address: str, source: str | None = None, timeout: float = CONNECT_TIMEOUT) -> dict:
    """The identity of the dask scheduler at ``address`` (``{"type": "Scheduler", "workers":
    ..., "n_workers": ...}``), or a :class:`ClusterError` within about ``timeout`` seconds
    saying what is wrong; ``source`` (e.g. ``"$HSR_SCHEDULER"``) is named in the message."""
    _distributed()
    from distributed.comm.addressing import get_address_host_port, parse_address

    what = describe(address, source)
    if not isinstance(address, str) or not address.strip():
        raise ClusterError(f"{what}: not a scheduler address (expected tcp://HOST:PORT)")
    try:
        scheme, _ = parse_address(address)
        host, port = get_address_host_port(address) if scheme in ("tcp", "tls") else (None, None)
    except (ValueError, TypeError) as exc:
        raise ClusterError(
            f"{what}: not a scheduler address ({exc}; expected tcp://HOST:PORT)"
        ) from None
    if host is not None:  # a refused port or an unknown host fail at once, not after retries
        try:
            socket.create_connection((host, port), timeout=timeout).close()
        except OSError as exc:
            raise ClusterError(f"{what}: no dask scheduler answers there ({exc})") from None
    try:
        ident = _in_own_loop(_identity, address, timeout)
    except TimeoutError:
        raise ClusterError(
            f"{what}: no dask scheduler answers there within {timeout:g} s"
        ) from None
    except Exception as exc:  # noqa: BLE001 - refused, reset, a protocol that is not dask's
        raise ClusterError(f"{what}: no dask scheduler answers there ({exc})") from None
    if not isinstance(ident, dict) or ident.get("type") != "Scheduler":
        raise ClusterError(f"{what}: what answers there is not a dask scheduler")
    return ident


def connect(address: str, source: str | None = None, timeout: float = CONNECT_TIMEOUT):
    """A ``distributed.Client`` to the scheduler at ``address``, after :func:`probe`."""
    distributed = _distributed()
    probe(address, source, timeout)
    try:
        return distributed.Client(address, timeout=timeout, set_as_default=False)
    except Exception as exc:  # noqa: BLE001 - it answered the probe, then not the client
        raise ClusterError(f"{describe(address, source)}: cannot connect ({exc})") from None


def close(client, timeout: float = 5.0) -> None:
    """Close ``client`` within about ``timeout`` seconds, quietly (the scheduler may be gone)."""
    with contextlib.suppress(Exception):
        client.close(timeout=timeout)


def dask_client(executor):
    """The ``distributed.Client`` behind ``executor`` (``client.get_executor()``), else None."""
    if type(executor).__module__.split(".")[0] != "distributed":
        return None
    return getattr(executor, "_client", None)


def check_code(client, what: str) -> None:
    """A :class:`ClusterError` unless every worker of ``client``'s cluster computes with the
    same hsr code as this process (:func:`~hsr.experiments.runtime.cache.code_fingerprints`:
    the version, the cache format and the fingerprint of every kind of entry)."""
    ours = code_fingerprints()
    try:
        theirs = client.run(code_fingerprints)
    except Exception as exc:  # noqa: BLE001 - a worker without hsr cannot unpickle the call
        raise ClusterError(
            f"{what}: its workers cannot run hsr's code ({type(exc).__name__}: {exc}); install "
            "this hsr on them"
        ) from None
    differ = {w: fp for w, fp in theirs.items() if fp != ours}
    if differ:
        worker, fp = sorted(differ.items())[0]
        keys = [k for k in ours if fp.get(k) != ours[k]]
        raise ClusterError(
            f"{what}: {len(differ)} of {len(theirs)} workers run different hsr code than this "
            f"process (e.g. {worker}: {', '.join(f'{k} {fp.get(k)} here {ours[k]}' for k in keys)})"
            "; their results would be cached under this code's key. Install this hsr on the "
            "workers and restart them"
        )


class Watch:
    """Called by :func:`~hsr.experiments.runtime.parallel.map_chunks` every few seconds while
    chunks run on ``client``'s cluster, and when a chunk comes back cancelled: raises a
    :class:`ClusterError` naming ``what`` (the scheduler) when the scheduler is lost, or when
    the cluster has had no worker for ``no_workers_timeout`` seconds (the chunks would wait
    forever); warns once (:class:`ClusterWarning`) when the workers are gone."""

    def __init__(self, client, what: str, no_workers_timeout: float | None = None):
        self.client, self.what = client, what
        self.timeout = NO_WORKERS_TIMEOUT if no_workers_timeout is None else no_workers_timeout
        self.since: float | None = None

    def __call__(self, cancelled: bool = False) -> None:
        status = getattr(self.client, "status", "running")
        if cancelled or status != "running":
            raise ClusterError(
                f"lost the connection to {self.what}: the chunks running there were cancelled "
                f"(client {status}; the scheduler stopped or the network failed). Finished "
                "chunks are saved: run the same call again once the scheduler is back"
            )
        try:
            info = self.client.scheduler_info(n_workers=-1)
            n = int(info.get("n_workers", len(info.get("workers", {}))))
        except Exception:  # noqa: BLE001 - asked again at the next call
            return
        if n > 0:
            self.since = None
            return
        now = time.monotonic()
        if self.since is None:
            self.since = now
            warn(
                f"{self.what} has no workers: waiting up to {self.timeout:g} s for some",
                ClusterWarning,
            )
        elif now - self.since > self.timeout:
            raise ClusterError(
                f"{self.what} has had no workers for {self.timeout:g} s: the chunks cannot "
                "run (start workers there, or unset $HSR_SCHEDULER to run on this machine)"
            )
