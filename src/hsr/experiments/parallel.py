"""Chunks of networks through any ``concurrent.futures.Executor``.

The sweeps and comparisons cut their networks into chunks and train each chunk in a worker
(:func:`train_chunk`). Each network's arithmetic is independent of the others, so results are
bit-identical whatever the executor and chunking. The default pool is a ``forkserver``
process pool over the machine's cores with one numba thread per worker; a dask
``client.get_executor()`` works unchanged.
"""

from __future__ import annotations

import math
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor

from ..core._checks import positive
from ..core.model import Net
from .progress import progress_bar
from .training import TrainConfig, TrainResult, train

__all__ = [
    "train_chunk",
    "chunk_spans",
    "map_chunks",
    "default_executor",
    "worker_threads",
    "worker_count",
]


def train_chunk(args) -> TrainResult:
    """Worker: train one chunk of networks (top-level so that it pickles). ``args``:
    ``(net_args, theta0, X, y, cfg_dict, threads)``; returns the chunk's :class:`TrainResult`."""
    net_args, theta0, X, y, cfg_dict, threads = args
    if threads is not None:
        try:
            import numba

            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        except ImportError:
            pass
    return train(Net(*net_args), theta0, X, y, TrainConfig(**cfg_dict))


def chunk_spans(n: int, chunk_size: int | None, workers: int):
    if chunk_size is None:
        chunk_size = max(1, math.ceil(n / (4 * workers)))
    positive("chunk_size", chunk_size, integer=True)
    return [(i, min(i + chunk_size, n)) for i in range(0, n, chunk_size)]


def map_chunks(tasks, executor: Executor | None, desc: str, quiet: bool, sizes):
    """Run :func:`train_chunk` over tasks, in order, with a progress bar over networks."""
    own = executor is None
    if own:
        executor = default_executor()
    if not isinstance(executor, Executor):
        raise ValueError(f"executor must be a concurrent.futures.Executor, got {executor!r}")
    bar = progress_bar(sum(sizes), desc, quiet=quiet, unit="net")
    try:
        futures = [executor.submit(train_chunk, t) for t in tasks]
        results = []
        for fut, size in zip(futures, sizes, strict=True):
            results.append(fut.result())
            bar.update(size)
        return results
    finally:
        bar.close()
        if own:
            executor.shutdown()


def default_executor(max_workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool over the machine's cores, started with ``forkserver``.

    In a script (not a notebook), call sweeps under ``if __name__ == "__main__":``, as with
    any spawn or forkserver pool: the workers import the main module.

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


def worker_threads(executor) -> int | None:
    """numba threads per worker: 1 in the pools hsr makes (one per core already), else
    numba's own default in a pool of the caller's."""
    return 1 if executor is None or getattr(executor, "_hsr_default", False) else None


def worker_count(executor) -> int:
    if executor is None:
        return os.cpu_count() or 1
    return getattr(executor, "_max_workers", None) or os.cpu_count() or 1
