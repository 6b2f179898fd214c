"""hsr: closed-form Hessian curvature of the cross-entropy loss in three-layer networks.

The reproducible companion to two papers: the Wolkowicz-Styan (WS) upper bound on the
largest Hessian eigenvalue, and Hessian Spectral Range (HSR) regularization, which descends
its closed-form gradient. Everything here is numpy/scipy; nothing imports jax or matplotlib.

>>> import numpy as np, hsr
>>> net = hsr.Net(d_in=2, d_hidden=3, activation="sigmoid")
>>> rng = np.random.default_rng(0)
>>> X, y = rng.normal(size=(20, 2)), rng.integers(0, 2, 20)
>>> theta = rng.normal(size=(4, net.n_params))           # a batch of 4 networks
>>> hsr.ws_upper_bound(net, theta, X, y).shape, hsr.grad_ws_upper_bound(net, theta, X, y).shape
((4,), (4, 13))
"""

from . import (
    engines,  # noqa: F401  (registers the numba gradient engine, imported lazily)
    verdicts,  # the headline claims' tests: hsr.verdicts.ws_fig02, ...
)
from .activations import ACTIVATIONS
from .bounds import WSBounds, ws_bounds, ws_lower_bound, ws_upper_bound
from .data import Dataset, bayes_labels, correlated_gaussians, two_gaussians
from .gradients import (
    ENGINES,
    WSGradient,
    grad_trace_hessian,
    grad_trace_hessian_squared,
    grad_ws_upper_bound,
    hutchinson_quadratic,
    ws_gradient_per_sample,
    ws_gradient_terms,
)
from .hessian import (
    LAMBDA_MAX_METHODS,
    hessian,
    hessian_spectrum,
    hessian_vector_product,
    lambda_max,
)
from .model import Net, grad_loss, loss, predict_proba
from .numerical import (
    numerical_grad_ws_upper_bound,
    numerical_gradient,
    numerical_hessian,
    numerical_loss_hessian,
    numerical_traces,
)
from .probes import (
    MannWhitney,
    boundary_length,
    decision_grid,
    hessian_eigenvector,
    loss_along_direction,
    macro_f1,
    macro_f1_on,
    mann_whitney,
    paired_wilcoxon,
    predict_labels,
    spearman,
    spearman_or_nan,
)
from .robustness import one_at_a_time, run_activation, run_robustness
from .sweeps import (
    CompareConfig,
    ComparisonResult,
    SweepConfig,
    SweepResult,
    critical_point_stats,
    initial_parameters,
    low_high_groups,
    remove_duplicates,
    run_comparison,
    run_sweep,
    top_bottom_groups,
)
from .traces import TRACE_SQUARED_METHODS, trace_hessian, trace_hessian_squared
from .training import METHODS, TrainConfig, TrainResult, train

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "Net",
    "loss",
    "grad_loss",
    "predict_proba",
    "hessian",
    "hessian_spectrum",
    "hessian_vector_product",
    "lambda_max",
    "LAMBDA_MAX_METHODS",
    "trace_hessian",
    "trace_hessian_squared",
    "TRACE_SQUARED_METHODS",
    "WSBounds",
    "ws_bounds",
    "ws_upper_bound",
    "ws_lower_bound",
    "WSGradient",
    "grad_trace_hessian",
    "grad_trace_hessian_squared",
    "grad_ws_upper_bound",
    "ws_gradient_terms",
    "ws_gradient_per_sample",
    "hutchinson_quadratic",
    "ENGINES",
    "numerical_gradient",
    "numerical_hessian",
    "numerical_loss_hessian",
    "numerical_traces",
    "numerical_grad_ws_upper_bound",
    # data
    "Dataset",
    "two_gaussians",
    "correlated_gaussians",
    "bayes_labels",
    # training
    "METHODS",
    "TrainConfig",
    "TrainResult",
    "train",
    # sweeps and comparisons
    "SweepConfig",
    "SweepResult",
    "run_sweep",
    "CompareConfig",
    "ComparisonResult",
    "run_comparison",
    "critical_point_stats",
    "initial_parameters",
    "remove_duplicates",
    "top_bottom_groups",
    "low_high_groups",
    # probes and statistics
    "hessian_eigenvector",
    "loss_along_direction",
    "decision_grid",
    "predict_labels",
    "macro_f1",
    "macro_f1_on",
    "MannWhitney",
    "mann_whitney",
    "spearman",
    "spearman_or_nan",
    "paired_wilcoxon",
    "boundary_length",
    # the reproduction report: robustness to the blank constants, the five activations
    "one_at_a_time",
    "run_robustness",
    "run_activation",
    "verdicts",
]
