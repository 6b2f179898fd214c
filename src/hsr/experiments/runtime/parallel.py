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
loses no finished chunk: the same call made again resumes.

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
import sys
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed

from ...core._checks import positive
from .cache import ChunkStore
from .progress import progress_bar

__all__ = [
    "SCHEDULER_ENV",
    "set_worker_threads",
    "chunk_spans",
    "map_chunks",
    "default_executor",
    "executor_scope",
    "worker_threads",
    "worker_count",
]

#: the environment variable naming a dask scheduler for every sweep and comparison
SCHEDULER_ENV = "HSR_SCHEDULER"


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
    pool = ProcessPoolExecutor(
        max_workers=max_workers or os.cpu_count() or 1,
        mp_context=multiprocessing.get_context("forkserver"),
    )
    pool._hsr_default = True  # its workers, like those of the pool a sweep makes, get 1 thread
    return pool


@contextlib.contextmanager
def executor_scope(executor: Executor | None = None):
    """The executor to run on: ``executor`` itself when given (left open), else a dask
    executor on ``$HSR_SCHEDULER`` or :func:`default_executor` (closed on exit)."""
    if executor is not None:
        if not isinstance(executor, Executor):
            raise ValueError(f"executor must be a concurrent.futures.Executor, got {executor!r}")
        yield executor
        return
    address = os.environ.get(SCHEDULER_ENV)
    if address:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - the dask extra is missing
            raise ValueError(
                f"${SCHEDULER_ENV}={address!r} asks for a dask cluster, but dask.distributed "
                "is not installed: pip install 'hsr[dask]'"
            ) from None
        with Client(address, set_as_default=False) as client:
            ex = client.get_executor()
            ex._hsr_workers = max(1, sum(client.nthreads().values()))
            yield ex
        return
    pool = default_executor()
    try:
        yield pool
    finally:
        pool.shutdown()


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
    futures = {}
    try:
        hide = isinstance(executor, ProcessPoolExecutor)
        with _workers_skip_main() if hide else contextlib.nullcontext():
            for i in todo:
                futures[executor.submit(fn, tasks[i])] = i
        for fut in as_completed(futures):
            i = futures[fut]
            results[i] = fut.result()
            if store is not None:
                store.save(names[i], *encode(results[i]))
            bar.update(sizes[i])
    except BaseException as exc:
        for fut in futures:
            fut.cancel()
        if store is not None and store.enabled:
            done = sum(r is not None for r in results)
            exc.add_note(
                f"hsr: {done} of {n} chunks are finished and saved in {store.dir}; "
                "run the same call again to resume from them"
            )
        raise
    finally:
        bar.close()
    assert all(r is not None for r in results)
    return results
