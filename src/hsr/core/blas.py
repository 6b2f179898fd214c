"""One BLAS thread for the closed forms' mid-sized matrix products, so they keep their speed
beside other work.

numpy's and scipy's OpenBLAS run every matrix product of more than ``2^18`` multiply-adds
(``BLAS_THREADED_FROM``) on all cores. The closed forms make products of a middle size
(one network at d_h = 100, N = 100: ``(N, N) x (N, h)`` and ``(N, n) x (n, n)``, 1-16 million
multiply-adds). On a quiet machine the second thread saves little there; beside other work it
costs a great deal: a product waits for its helper thread until the scheduler gives that thread
a core another process holds, in 4 ms ticks. One gradient at d_h = 100 took 3.7x its time alone
beside one busy process and 54x beside a book build and a test run (issue 19).

:func:`serial_blas` limits every BLAS library the process has loaded to one thread while a
call's largest product per network is below ``SERIAL_BLAS_BELOW`` multiply-adds (where a
second thread pays on a quiet machine: ``benchmarks/bench_shared_machine.py --calibrate``,
``benchmarks/RESULTS.md`` section 6), and leaves larger work on every core. The public closed
forms, :func:`hsr.train` and the workers of a sweep call it, so a user's script gets it without
setting ``OPENBLAS_NUM_THREADS``. The thread count can move a result's last bits (OpenBLAS
blocks a product differently on one and on two threads: up to ~3e-16 relative in the
gradients, measured); the book's notebooks and their sweeps' workers already ran on one BLAS
thread (``hsr run`` sets ``OPENBLAS_NUM_THREADS=1``), so the book's numbers do not move.

The thread count is a process-wide setting of the BLAS library, so only the main Python thread
sets it: threadpoolctl (the scikit-learn project's library that finds and sets the thread count
of every BLAS runtime loaded into the process, and that hsr uses for it) lets one Python thread
control OpenBLAS's shared thread pool and ignores the others, and a count lowered by one thread
and restored by another could stay lowered. A closed form called from another thread (a
thread pool, a dask worker's threads: dask's nanny sets ``OPENBLAS_NUM_THREADS=1`` already) runs
with the count as it is; while the main thread is inside a limited call, other threads' products
also run on one BLAS thread. Nested calls restore the count once, at the outermost exit. Set
``SERIAL_BLAS_BELOW = 0`` to switch the limit off; without threadpoolctl nothing is limited.
"""

from __future__ import annotations

import contextlib
import functools
import threading

import numpy as np

__all__ = ["BLAS_THREADED_FROM", "SERIAL_BLAS_BELOW", "serial_blas", "blas_threads", "product_work"]

#: OpenBLAS runs a product of fewer multiply-adds (M N K) on one thread anyway
#: (``interface/gemm.c``: ``SMP_THRESHOLD_MIN * GEMM_MULTITHREAD_THRESHOLD`` = 65536 * 4):
#: below it :func:`serial_blas` does nothing, which spares the smallest calls the cost of
#: reading, setting and restoring the thread count (~10 us for numpy's and scipy's OpenBLAS)
BLAS_THREADED_FROM = 2**18

#: largest product per network (multiply-adds) run on one BLAS thread (measured on this
#: project's 2-core machine; ``benchmarks/bench_shared_machine.py --calibrate``)
SERIAL_BLAS_BELOW = 2**26

_depth = 0
_saved: list[tuple[object, int]] = []


@functools.cache
def _libraries() -> tuple:
    """The threadpoolctl controllers of the BLAS libraries loaded into the process (numpy's
    and scipy's OpenBLAS; MKL or BLIS where numpy was built with them), found once."""
    try:
        import scipy.linalg  # noqa: F401  (loads scipy's own BLAS, the one numba's np.dot calls)
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency of hsr
        return ()
    return tuple(ThreadpoolController().select(user_api="blas").lib_controllers)


def product_work(net, theta, X, form: str = "auto") -> int:
    """Multiply-adds of the largest matrix product a closed form makes per network, for
    :func:`serial_blas`: ``form`` ``"pairwise"`` (tr(H^2) as a double sum: ``(N, N) x (N, h)``,
    N^2 h), ``"assembled"`` (the Hessian ``G^T diag(s) G`` and ``G H``: N n^2), ``"auto"``
    (whichever :func:`hsr.core.traces.choose_trace_squared_method` picks for these sizes; an
    unknown method counts as ``"auto"``) or ``"samples"`` (tr(H), the loss gradient: N n).
    0 for malformed input (the function's own checks then raise)."""
    try:
        N = int(np.shape(X)[0])
        B = int(np.shape(theta)[0]) if np.ndim(theta) == 2 else 1
        h, n = int(net.d_hidden), int(net.n_params)
    except (AttributeError, IndexError, TypeError, ValueError):
        return 0
    if form == "samples":
        return N * n
    if form not in ("pairwise", "assembled"):
        from .traces import choose_trace_squared_method

        form = choose_trace_squared_method(N, net, B)
    return N * N * h if form == "pairwise" else N * n * n


def blas_threads() -> int:
    """The largest thread count of the loaded BLAS libraries now (1 inside :func:`serial_blas`)."""
    return max((lib.num_threads for lib in _libraries()), default=1)


def _limits(work: float | None, below: float | None) -> bool:
    if work is None:
        return True
    below = SERIAL_BLAS_BELOW if below is None else below
    return BLAS_THREADED_FROM <= work < below


@contextlib.contextmanager
def serial_blas(work: float | None = None, below: float | None = None):
    """Run the block with one BLAS thread if ``work`` (the multiply-adds of its largest
    matrix product per network) is at least ``BLAS_THREADED_FROM`` and below ``below``
    (default ``SERIAL_BLAS_BELOW``), or always when ``work`` is None (a pool's worker: the
    pool already uses every core). Else, or outside the main Python thread, a no-op.
    Re-entrant: the outermost exit restores the count it found."""
    global _depth
    if not _limits(work, below) or threading.current_thread() is not threading.main_thread():
        yield
        return
    if _depth == 0:
        _saved.clear()
        for lib in _libraries():
            n = lib.num_threads
            if n != 1:
                _saved.append((lib, n))
                lib.set_num_threads(1)
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            for lib, n in _saved:
                lib.set_num_threads(n)
            _saved.clear()
