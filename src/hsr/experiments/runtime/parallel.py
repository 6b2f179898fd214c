"""Chunks of work through any ``concurrent.futures.Executor``, resumable.

The runtime knows no experiment: an experiment cuts its work into chunks and hands
:func:`map_chunks` a top-level worker function and its tasks (the sweeps and comparisons hand it
:func:`hsr.experiments.training.train_chunk`, one chunk of networks to train). Each network's
arithmetic is independent of the others, so results are bit-identical whatever the executor and
chunking. The executor, when the caller gives none
(:func:`executor_scope`): a dask cluster when ``$HSR_SCHEDULER`` names its scheduler (what
``hsr run --scheduler ADDRESS`` sets for every notebook), else a ``forkserver`` process pool
over the machine's cores with one numba thread and one BLAS thread per worker
(:func:`hsr.core.blas.serial_blas`). A dask ``client.get_executor()`` works as it is.

Every finished chunk goes to the entry's :class:`~hsr.experiments.runtime.cache.ChunkStore` as
soon as it arrives (through the experiment's ``encode``/``decode`` pair), so an interrupted run
loses no finished chunk: the same call made again resumes. Ctrl-C stops at once: the chunks
that finished are kept, the running ones are stopped (the workers of the pool hsr made are
ended, not waited for), nothing finished is thrown away.

The workers of a pool hsr makes ignore Ctrl-C (the caller decides) and end themselves when the
process that made the pool dies, whatever killed it (SIGTERM, SIGKILL, a dead kernel): each
watches a pipe whose other end only that process holds. On a dask cluster, the scheduler is
probed within a bounded time and the workers' code is checked against the caller's before any
chunk runs there, and a lost scheduler or a cluster without workers is a clear error
(:mod:`~hsr.experiments.runtime.cluster`).

The workers run only the worker function, a module-level function of the package, never the
caller's code, so they need not import the caller's main module: a script that calls
:func:`hsr.run_sweep` at module level (without ``if __name__ == "__main__":``) or a script
piped to ``python -`` works.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import sys
import threading
from concurrent.futures import FIRST_COMPLETED, CancelledError, Executor, ProcessPoolExecutor, wait

from ...core._checks import positive
from . import cluster
from .cache import ChunkStore
from .cluster import SCHEDULER_ENV
from .progress import progress_bar

__all__ = [
    "SCHEDULER_ENV",
    "set_worker_threads",
    "chunk_spans",
    "map_chunks",
    "default_executor",
    "stop_pool",
    "executor_scope",
    "worker_threads",
    "worker_count",
]

#: seconds between two looks at a dask cluster's health while chunks run there
WATCH_INTERVAL = 2.0


def set_worker_threads(threads: int | None) -> None:
    """In a worker: run numba's parallel kernels on ``threads`` threads (None: numba's
    default; nothing without numba). :func:`worker_threads` says how many a pool's workers get."""
    if threads is None:
        return
    try:
        import numba
    except ImportError:
        return
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))


#: the default chunk holds at least this many networks (or an even share per worker, if
#: smaller): four 64-lane blocks of the numba kernel, so that a block's tail (the few slow
#: networks left once its queue is empty, run in a narrow block) is a small part of a chunk.
#: The 500-seed WS sweep took 6.0 s in chunks of 63, 4.3 s in 125, 3.7 s in 250 (2 workers).
MIN_CHUNK = 256


def chunk_spans(n: int, chunk_size: int | None, workers: int):
    """``[(start, stop), ...]`` covering ``range(n)``: ``chunk_size`` networks each (default:
    about four chunks per worker, but at least ``MIN_CHUNK`` networks or ``n / workers``)."""
    if chunk_size is None:
        share = math.ceil(n / max(workers, 1))
        chunk_size = max(1, math.ceil(n / (4 * workers)), min(MIN_CHUNK, share))
    positive("chunk_size", chunk_size, integer=True)
    return [(i, min(i + chunk_size, n)) for i in range(0, n, chunk_size)]


def default_executor(max_workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool over the machine's cores, started with ``forkserver``.

    Not ``fork``: numba's OpenMP threading layer aborts in a child forked from a process
    that has run a parallel kernel. Pass your own pools made the same way
    (``mp_context=multiprocessing.get_context("forkserver")`` or ``"spawn"``).
    """
    ctx = multiprocessing.get_context("forkserver")
    # the workers' lifeline: this process holds the only writing end, so a worker reads EOF
    # when this process dies, however it died, and ends itself (_worker_start)
    lifeline, alive = ctx.Pipe(duplex=False)
    pool = ProcessPoolExecutor(
        max_workers=max_workers or os.cpu_count() or 1,
        mp_context=ctx,
        initializer=_worker_start,
        initargs=(lifeline,),
    )
    pool._hsr_default = True  # its workers, like those of the pool a sweep makes, get 1 thread
    pool._hsr_lifeline = (lifeline, alive)  # open as long as the pool lives
    return pool


def _worker_start(lifeline) -> None:
    """Initializer of the workers of :func:`default_executor`: ignore Ctrl-C (a terminal sends
    it to the whole process group; the parent decides what stops), and end this worker the
    moment the process that made the pool is gone (``lifeline`` reads EOF)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch():
        with contextlib.suppress(BaseException):
            lifeline.recv()  # nothing is ever sent: returns (EOFError) when the parent dies
        os._exit(1)

    threading.Thread(target=watch, name="hsr-parent-watch", daemon=True).start()


def stop_pool(pool: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """Stop ``pool`` now: cancel what has not started and end its workers (SIGTERM, then
    SIGKILL after ``grace`` seconds) instead of waiting for the running tasks."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(grace)
            if p.is_alive():
                p.kill()
                p.join(grace)
    with contextlib.suppress(Exception):
        pool.shutdown(wait=True)
    _close_lifeline(pool)


def _close_lifeline(pool) -> None:
    for conn in getattr(pool, "_hsr_lifeline", ()):
        with contextlib.suppress(Exception):
            conn.close()


@contextlib.contextmanager
def executor_scope(executor: Executor | None = None):
    """The executor to run on: ``executor`` itself when given (left open), else a dask
    executor on ``$HSR_SCHEDULER`` or :func:`default_executor` (closed on exit; on an error or
    Ctrl-C its workers are stopped at once, :func:`stop_pool`). A dask executor, given or
    made, is checked first: the scheduler reached within a bounded time, the workers running
    this process's hsr code (:func:`hsr.experiments.runtime.cluster.check_code`)."""
    if executor is not None:
        if not isinstance(executor, Executor):
            raise ValueError(f"executor must be a concurrent.futures.Executor, got {executor!r}")
        client = cluster.dask_client(executor)
        if client is not None:
            what = cluster.describe(client.scheduler.address)
            cluster.check_code(client, what)
            executor._hsr_watch = cluster.Watch(client, what)
        yield executor
        return
    address = os.environ.get(SCHEDULER_ENV)
    if address:
        source = f"${SCHEDULER_ENV}"
        what = cluster.describe(address, source)
        client = cluster.connect(address, source)
        try:
            cluster.check_code(client, what)
            ex = client.get_executor()
            ex._hsr_workers = max(1, sum(client.nthreads().values()))
            ex._hsr_watch = cluster.Watch(client, what)
            yield ex
        finally:
            cluster.close(client)
        return
    pool = default_executor()
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown()
    _close_lifeline(pool)


def worker_threads(executor) -> int | None:
    """numba threads per worker: 1 in the pools hsr makes (one per core already; BLAS gets one
    thread there too), else numba's own default in a pool of the caller's."""
    return 1 if executor is None or getattr(executor, "_hsr_default", False) else None


def worker_count(executor) -> int:
    """How many chunks the executor runs at once (sets the default chunk size)."""
    if executor is None:
        return os.cpu_count() or 1
    return (
        getattr(executor, "_hsr_workers", None)
        or getattr(executor, "_max_workers", None)
        or os.cpu_count()
        or 1
    )


@contextlib.contextmanager
def _workers_skip_main():
    """While workers start, hide the caller's main module from multiprocessing, so that the
    workers (which run only the package's worker function) do not re-run the caller's script."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


def map_chunks(
    fn,
    tasks,
    executor: Executor,
    desc: str,
    quiet: bool,
    sizes,
    store: ChunkStore | None = None,
    names=None,
    encode=None,
    decode=None,
) -> list:
    """``[fn(task) for task in tasks]`` on ``executor`` (results in order), with a progress bar
    over ``sizes`` (e.g. networks per chunk). ``fn`` must be a module-level function (it is
    pickled to the workers). With a ``store``, chunk ``i``'s result is saved as ``names[i]``
    (``encode(result) -> (arrays, meta)``) the moment it arrives, and chunks saved by an
    earlier, interrupted run of the same call are loaded (``decode(arrays, meta)``), not run."""
    if not isinstance(executor, Executor):
        raise ValueError(f"executor must be a concurrent.futures.Executor, got {executor!r}")
    if not callable(fn):
        raise ValueError(f"fn must be a module-level function, got {fn!r}")
    if store is not None and (encode is None or decode is None):
        raise ValueError("encode and decode must be given with a store")
    n = len(tasks)
    names = list(names) if names is not None else [str(i) for i in range(n)]
    results: list = [None] * n
    if store is not None:
        for i, name in enumerate(names):
            hit = store.load(name)
            if hit is not None:
                results[i] = decode(*hit)
    todo = [i for i in range(n) if results[i] is None]
    bar = progress_bar(sum(sizes), desc, quiet=quiet, unit="net")
    bar.update(sum(sizes[i] for i in range(n) if results[i] is not None))
    futures: dict = {}
    watch = getattr(executor, "_hsr_watch", None)  # a dask cluster's health (cluster.Watch)

    def take(fut) -> None:
        i = futures[fut]
        if fut.cancelled() and watch is not None:
            watch(cancelled=True)  # not cancelled by us: the scheduler is gone
        results[i] = fut.result()
        if store is not None:
            store.save(names[i], *encode(results[i]))
        bar.update(sizes[i])

    try:
        hide = isinstance(executor, ProcessPoolExecutor)
        with _workers_skip_main() if hide else contextlib.nullcontext():
            for i in todo:
                futures[executor.submit(fn, tasks[i])] = i
        pending = set(futures)
        while pending:
            timeout = WATCH_INTERVAL if watch is not None else None
            done, pending = wait(pending, timeout=timeout, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=futures.get):
                take(fut)
            if not done and watch is not None:
                watch()
    except BaseException as exc:
        # keep every chunk that finished, also those that arrived while this one failed or
        # while Ctrl-C was pressed; cancel the rest (the caller stops the running ones)
        for fut, i in futures.items():
            if results[i] is None and fut.done() and not fut.cancelled():
                with contextlib.suppress(BaseException):
                    if fut.exception(timeout=0) is None:
                        take(fut)
        for fut in futures:
            fut.cancel()
        if store is not None and store.enabled:
            done_n = sum(r is not None for r in results)
            exc.add_note(
                f"hsr: {done_n} of {n} chunks are finished and saved in {store.dir}; "
                "run the same call again to resume from them"
            )
        if isinstance(exc, CancelledError) and not str(exc):
            exc.add_note("hsr: a chunk was cancelled by its executor (it was shut down or lost)")
        raise
    finally:
        bar.close()
    assert all(r is not None for r in results)
    return results
