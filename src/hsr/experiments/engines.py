"""Registers the compiled (numba) engine of the closed-form gradients with the core.

:mod:`hsr.core.gradients` is numpy/scipy only and never imports numba or the experiments floor;
it looks engines up in a registry. This module (experiments floor) registers a *loader* that
imports :mod:`hsr.experiments.kernels`, and with it numba, only when a gradient first asks for
the numba engine, so ``import hsr`` stays as fast as before and works without numba.
"""

from __future__ import annotations

from ..core.gradients import register_engine

__all__: list[str] = []


def _load_numba():
    """``hsr.experiments.kernels.closed_form_gradient``, or None when numba is not installed."""
    try:
        from . import kernels
    except ImportError:  # pragma: no cover
        return None
    return kernels.closed_form_gradient if kernels.HAVE_NUMBA else None


register_engine("numba", _load_numba)
