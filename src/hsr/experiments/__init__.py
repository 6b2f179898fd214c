"""The experiment engine: data, batched training (Baseline, HSR Reg., Hessian Reg., A-SAM),
numba kernels, critical-point sweeps and method comparisons (cached, on any executor),
groups, probes, scores and statistical tests. Imports the core, never the claims or the book."""

from . import engines  # noqa: F401  (registers the numba engine of the core's gradients)
from .comparison import CompareConfig, ComparisonResult, run_comparison
from .data import Dataset, bayes_labels, correlated_gaussians, two_gaussians
from .flat_sharp import FlatSharpComparison, flat_sharp_comparison
from .groups import low_high_groups, remove_duplicates, top_bottom_groups
from .methods import METHOD_LABELS, METHODS
from .metrics import macro_f1, macro_f1_on, predict_labels
from .probes import (
    boundary_length,
    boundary_lengths,
    decision_grid,
    hessian_eigenvector,
    loss_along_direction,
    loss_along_eigenvector,
    loss_rise_along_top_eigenvector,
)
from .runtime.parallel import default_executor
from .seed_sets import SEED_SET_STRIDE, check_seed_set, fresh_seed
from .stats import MannWhitney, mann_whitney, paired_wilcoxon, spearman, spearman_or_nan
from .stepsize import (
    LR_RULES,
    STEP_RULES,
    activation_learning_rates,
    gradient_norm_summary,
    initial_curvature_bound,
    objective_curvature,
    step_diagnostics,
    stopping_gradient_norms,
    train_step_rule,
)
from .sweeps import SweepConfig, SweepResult, critical_point_stats, initial_parameters, run_sweep
from .training import TrainConfig, TrainResult, train

__all__ = [
    # data
    "Dataset",
    "two_gaussians",
    "correlated_gaussians",
    "bayes_labels",
    # training
    "METHODS",
    "METHOD_LABELS",
    "TrainConfig",
    "TrainResult",
    "train",
    # sweeps, groups and comparisons
    "SweepConfig",
    "SweepResult",
    "run_sweep",
    "critical_point_stats",
    "initial_parameters",
    "remove_duplicates",
    "top_bottom_groups",
    "low_high_groups",
    "CompareConfig",
    "ComparisonResult",
    "run_comparison",
    "FlatSharpComparison",
    "flat_sharp_comparison",
    "default_executor",
    # fresh seed sets (hsr run --seed-sets)
    "SEED_SET_STRIDE",
    "check_seed_set",
    "fresh_seed",
    # step-size rules and stationarity at the stopping points
    "LR_RULES",
    "activation_learning_rates",
    "initial_curvature_bound",
    "stopping_gradient_norms",
    "gradient_norm_summary",
    "STEP_RULES",
    "objective_curvature",
    "train_step_rule",
    "step_diagnostics",
    # probes, scores and statistics
    "hessian_eigenvector",
    "loss_along_direction",
    "loss_along_eigenvector",
    "loss_rise_along_top_eigenvector",
    "decision_grid",
    "boundary_length",
    "boundary_lengths",
    "predict_labels",
    "macro_f1",
    "macro_f1_on",
    "MannWhitney",
    "mann_whitney",
    "spearman",
    "spearman_or_nan",
    "paired_wilcoxon",
]
