"""numba kernels for training and the closed-form gradients (optional: ``pip install hsr[fast]``).

Three programs, one file each:

* :mod:`.network`: the per-network scalar kernels (one network per ``prange`` iteration): the
  tests' reference directions (``directions_kernel``) and the training kernel the lanes
  replaced (``train_kernel_scalar``, benchmarks only);
* :mod:`.vecmath`: the vector maths (a branch-free exponential and what is built on it, the
  activations over a row of values, ``lane_functions`` for the tests; explicit 4-wide SIMD);
* :mod:`.lanes`: the SIMD lane kernels, blocks of up to ``BLOCK`` networks in lock-step
  (``train_kernel``: the training engine);

plus :mod:`.curvature` (grad tr H, grad tr(H^2) and grad lambda_WS of one network with the
sample axis innermost: HSR Reg.'s direction in the lanes, and ``gradients_kernel``, the
public gradients' kernel), :mod:`.engine` (``closed_form_gradient``: the numba engine of
:mod:`hsr.core.gradients`) and :mod:`._common` (whether numba is installed, the activation
codes, the compile flavours, and the stamp that makes numba's on-disk cache follow every file
of this package).

The same update rules as :mod:`hsr.experiments.training` (whose numpy loop is the reference)
and the same formulas as :mod:`hsr.core.gradients` (assembled form of grad tr(H^2)); every
network's arithmetic is independent of the others, so results are bit-identical whatever the
batch, chunking, executor or thread count. Tests: ``tests/experiments/test_kernels.py`` (the
codes, the per-network directions, the cache stamp), ``test_lanes.py`` (the vector maths and
the lane kernel), ``test_engines.py`` (the gradients engine), ``test_training.py`` (whole runs
against the numpy loop).
"""

from __future__ import annotations

from ..methods import METHOD_CODES  # noqa: F401  (the codes the kernels branch on)
from ._common import ACT_CODES, HAVE_NUMBA
from .engine import GRADIENT_KINDS, closed_form_gradient

__all__ = [
    "HAVE_NUMBA",
    "ACT_CODES",
    "METHOD_CODES",
    "GRADIENT_KINDS",
    "closed_form_gradient",
]

if HAVE_NUMBA:
    from .curvature import gradients_kernel
    from .lanes import BLOCK, W, train_kernel, train_lanes_kernel
    from .network import (
        _act,  # noqa: F401  (tests/experiments/test_kernels.py checks it)
        directions_kernel,
        train_kernel_scalar,
    )
    from .vecmath import lane_functions

    __all__ += [
        "W",
        "BLOCK",
        "train_kernel",
        "train_lanes_kernel",
        "train_kernel_scalar",
        "directions_kernel",
        "gradients_kernel",
        "lane_functions",
    ]
