"""The closed-form core: the three-layer network, its exact Hessian, the traces tr(H) and
tr(H^2), the Wolkowicz-Styan bounds and their gradients (WS and HSR papers), and the
finite-difference references. numpy and scipy (and threadpoolctl for the BLAS thread count,
:mod:`hsr.core.blas`) only; nothing here imports another floor."""

from .activations import ACTIVATIONS
from .bounds import WSBounds, ws_bounds, ws_lower_bound, ws_upper_bound
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
from .model import Forward, Net, grad_loss, loss, predict_proba
from .norm_bounds import NormBounds, aligned_network, bound_ratios, norm_bounds
from .numerical import (
    numerical_grad_ws_upper_bound,
    numerical_gradient,
    numerical_hessian,
    numerical_loss_hessian,
    numerical_traces,
)
from .traces import TRACE_SQUARED_METHODS, trace_hessian, trace_hessian_squared

__all__ = [
    # the network
    "ACTIVATIONS",
    "Net",
    "Forward",
    "loss",
    "grad_loss",
    "predict_proba",
    # the exact Hessian and its traces (WS Theorems 2 and 5)
    "hessian",
    "hessian_spectrum",
    "hessian_vector_product",
    "lambda_max",
    "LAMBDA_MAX_METHODS",
    "trace_hessian",
    "trace_hessian_squared",
    "TRACE_SQUARED_METHODS",
    # the Wolkowicz-Styan bounds (WS Section IV)
    "WSBounds",
    "ws_bounds",
    "ws_upper_bound",
    "ws_lower_bound",
    # the bounds from norms (WS Theorems 3, 4, 6, 7; Propositions 5-8)
    "NormBounds",
    "norm_bounds",
    "aligned_network",
    "bound_ratios",
    # their gradients (HSR Theorems 1-5)
    "WSGradient",
    "grad_trace_hessian",
    "grad_trace_hessian_squared",
    "grad_ws_upper_bound",
    "ws_gradient_terms",
    "ws_gradient_per_sample",
    "hutchinson_quadratic",
    "ENGINES",
    # finite-difference references
    "numerical_gradient",
    "numerical_hessian",
    "numerical_loss_hessian",
    "numerical_traces",
    "numerical_grad_ws_upper_bound",
]
