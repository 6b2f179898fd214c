"""Registers the compiled (numba) engine of the closed-form gradients with the core.

:mod:`hsr.core.gradients` is numpy/scipy only and never imports numba or the experiments floor;
it looks engines up in a registry. This module (experiments floor) registers a *loader* that
imports :mod:`hsr.experiments.kernels`, and with it numba, only when a gradient first asks for
the numba engine, so ``import hsr`` stays as fast as before and works without numba.
"""

from __future__ import annotations

from ..core.gradients import register_engine

__all__ = ["warm_up"]


def _load_numba():
    """``hsr.experiments.kernels.closed_form_gradient``, or None when numba is not installed."""
    try:
        from . import kernels
    except ImportError:  # pragma: no cover
        return None
    return kernels.closed_form_gradient if kernels.HAVE_NUMBA else None


register_engine("numba", _load_numba)


def warm_up() -> bool:
    """Compile every numba kernel the experiments and the tests call (training with each
    method, the public gradients' engine) once, into numba's
    on-disk cache, so that processes started afterwards (pytest workers, a sweep's pool, the
    notebooks' kernels) load them instead of each compiling them again (~30-40 s each on a
    cold cache); it does not warm the tests' directions kernel or the benchmarks' scalar
    kernel. ``make test`` and ``make book`` call it first (``make warm``). False when numba
    is not installed."""
    try:
        from . import kernels
    except ImportError:  # pragma: no cover
        return False
    if not kernels.HAVE_NUMBA:  # pragma: no cover
        return False
    import numpy as np

    from ..core.gradients import grad_ws_upper_bound
    from ..core.model import Net
    from .methods import METHODS
    from .training import TrainConfig, train

    net = Net(2, 3, "sigmoid")
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 2)), np.arange(8) % 2
    theta = rng.normal(size=(2, net.n_params))
    for m in METHODS:  # one call per kernel signature: the method and sizes are values
        train(net, theta, X, y, TrainConfig(method=m, engine="numba", max_iter=3, record_every=1))
    grad_ws_upper_bound(net, theta, X, y, engine="numba")
    return True
