"""The numba engine of the public closed-form gradients (``engine="numba"`` of
:mod:`hsr.core.gradients`, registered by :mod:`hsr.experiments.engines`):
:func:`closed_form_gradient` runs a batch of networks through
:func:`.curvature.gradients_kernel` (one network at a time per thread, the sample axis
innermost: SIMD over the samples, no BLAS). ``tests/experiments/test_engines.py`` checks it
against the numpy closed forms.
"""

from __future__ import annotations

import numpy as np

from ._common import ACT_CODES, HAVE_NUMBA

__all__ = ["GRADIENT_KINDS", "closed_form_gradient"]

#: the integer code of each gradient inside the kernels
GRADIENT_KINDS = {"trace": 0, "trace_squared": 1, "ws_upper": 2}


def closed_form_gradient(kind: str, net, theta: np.ndarray, X: np.ndarray, y: np.ndarray):
    """The numba engine of :mod:`hsr.core.gradients`: gradient ``kind`` for theta ``(B, n)``.

    Inputs are already validated by the caller; returns ``(B, n)``. Needs numba.
    """
    if not HAVE_NUMBA:  # pragma: no cover
        raise ImportError("the numba engine needs numba: pip install 'hsr[fast]'")
    from numba import get_num_threads

    from .curvature import gradients_kernel

    theta = np.ascontiguousarray(theta, dtype=np.float64)
    X = np.asarray(X, dtype=np.float64)
    Xt = np.empty((X.shape[0], X.shape[1] + 1))
    Xt[:, 0] = 1.0
    Xt[:, 1:] = X
    G = np.empty_like(theta)
    gradients_kernel(
        theta,
        Xt,
        np.ascontiguousarray(y, dtype=np.float64),
        net.d_hidden,
        ACT_CODES[net.activation],
        GRADIENT_KINDS[kind],
        get_num_threads(),
        G,
    )
    return G
