"""hsr: closed-form Hessian curvature of the cross-entropy loss in three-layer networks.

The reproducible companion to the Wolkowicz-Styan (WS) upper bound on the largest Hessian
eigenvalue and Hessian Spectral Range (HSR) regularization, which descends its closed-form
gradient. The package has four floors, each importing only those below it
(``ARCHITECTURE.md``):

* :mod:`hsr.core` -- the closed forms (numpy and scipy only, with threadpoolctl for BLAS threads);
* :mod:`hsr.experiments` -- data, training, kernels, sweeps, comparisons, probes, statistics;
* :mod:`hsr.claims` -- the ledger's rows, verdict rules and the tests of the papers' claims;
* :mod:`hsr.book` -- paths, glue, plotting, pages and the ``hsr`` command (never imported here).

Every public name of the first three floors is also here, flat: ``hsr.NAME``.

>>> import numpy as np, hsr
>>> net = hsr.Net(d_in=2, d_hidden=3, activation="sigmoid")
>>> rng = np.random.default_rng(0)
>>> X, y = rng.normal(size=(20, 2)), rng.integers(0, 2, 20)
>>> theta = rng.normal(size=(4, net.n_params))           # a batch of 4 networks
>>> hsr.ws_upper_bound(net, theta, X, y).shape, hsr.grad_ws_upper_bound(net, theta, X, y).shape
((4,), (4, 13))
"""

from . import claims, core, experiments
from ._version import __version__
from .claims import verdicts
from .claims.robustness import one_at_a_time, run_activation, run_robustness
from .core import (
    ACTIVATIONS,
    ENGINES,
    LAMBDA_MAX_METHODS,
    TRACE_SQUARED_METHODS,
    Net,
    NormBounds,
    WSBounds,
    WSGradient,
    grad_loss,
    grad_trace_hessian,
    grad_trace_hessian_squared,
    grad_ws_upper_bound,
    hessian,
    hessian_spectrum,
    hessian_vector_product,
    hutchinson_quadratic,
    lambda_max,
    loss,
    norm_bounds,
    numerical_grad_ws_upper_bound,
    numerical_gradient,
    numerical_hessian,
    numerical_loss_hessian,
    numerical_traces,
    predict_proba,
    trace_hessian,
    trace_hessian_squared,
    ws_bounds,
    ws_gradient_per_sample,
    ws_gradient_terms,
    ws_lower_bound,
    ws_upper_bound,
)
from .experiments import (
    METHODS,
    CompareConfig,
    ComparisonResult,
    Dataset,
    FlatSharpComparison,
    MannWhitney,
    SweepConfig,
    SweepResult,
    TrainConfig,
    TrainResult,
    activation_learning_rates,
    bayes_labels,
    boundary_length,
    correlated_gaussians,
    critical_point_stats,
    decision_grid,
    flat_sharp_comparison,
    gradient_norm_summary,
    hessian_eigenvector,
    initial_curvature_bound,
    initial_parameters,
    loss_along_direction,
    loss_along_eigenvector,
    loss_rise_along_top_eigenvector,
    low_high_groups,
    macro_f1,
    macro_f1_on,
    mann_whitney,
    objective_curvature,
    paired_wilcoxon,
    predict_labels,
    remove_duplicates,
    run_comparison,
    run_sweep,
    spearman,
    spearman_or_nan,
    step_diagnostics,
    stopping_gradient_norms,
    top_bottom_groups,
    train,
    train_step_rule,
    two_gaussians,
)

__all__ = [
    "__version__",
    # the floors
    "core",
    "experiments",
    "claims",
    # core: the network, its Hessian, traces, bounds and their gradients
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
    "NormBounds",
    "norm_bounds",
    "WSGradient",
    "grad_trace_hessian",
    "grad_trace_hessian_squared",
    "grad_ws_upper_bound",
    "ws_gradient_terms",
    "ws_gradient_per_sample",
    "hutchinson_quadratic",
    "ENGINES",
    # core: finite-difference references
    "numerical_gradient",
    "numerical_hessian",
    "numerical_loss_hessian",
    "numerical_traces",
    "numerical_grad_ws_upper_bound",
    # experiments: data
    "Dataset",
    "two_gaussians",
    "correlated_gaussians",
    "bayes_labels",
    # experiments: training
    "METHODS",
    "TrainConfig",
    "TrainResult",
    "train",
    # experiments: sweeps, groups and comparisons
    "SweepConfig",
    "SweepResult",
    "run_sweep",
    "CompareConfig",
    "ComparisonResult",
    "run_comparison",
    "FlatSharpComparison",
    "flat_sharp_comparison",
    "critical_point_stats",
    "initial_parameters",
    "remove_duplicates",
    "top_bottom_groups",
    "low_high_groups",
    # experiments: step-size rules and stationarity at the stopping points
    "activation_learning_rates",
    "initial_curvature_bound",
    "stopping_gradient_norms",
    "gradient_norm_summary",
    "objective_curvature",
    "train_step_rule",
    "step_diagnostics",
    # experiments: probes, scores and statistics
    "hessian_eigenvector",
    "loss_along_direction",
    "loss_along_eigenvector",
    "loss_rise_along_top_eigenvector",
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
    # claims: the tests of the headline claims, robustness, the five activations
    "verdicts",
    "one_at_a_time",
    "run_robustness",
    "run_activation",
]
