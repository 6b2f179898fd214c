"""Bad input: a ValueError naming the argument, before any work, from every public function."""

from __future__ import annotations

import numpy as np
import pytest

import hsr

NET = hsr.Net(2, 3, "sigmoid")
N = 5
RNG = np.random.default_rng(0)
X = RNG.normal(size=(N, 2))
Y = np.array([0, 1, 1, 0, 1])
THETA = RNG.normal(size=NET.n_params)

PUBLIC = [
    hsr.loss,
    hsr.grad_loss,
    hsr.hessian,
    hsr.hessian_spectrum,
    hsr.trace_hessian,
    hsr.trace_hessian_squared,
    hsr.ws_bounds,
    hsr.ws_upper_bound,
    hsr.ws_lower_bound,
    hsr.grad_trace_hessian,
    hsr.grad_trace_hessian_squared,
    hsr.grad_ws_upper_bound,
    hsr.ws_gradient_terms,
    hsr.ws_gradient_per_sample,
    hsr.numerical_loss_hessian,
    hsr.numerical_grad_ws_upper_bound,
]

with_nan = THETA.copy()
with_nan[3] = np.nan
X_inf = X.copy()
X_inf[1, 0] = np.inf

BAD = {
    "theta too short": (THETA[:-1], X, Y, r"theta must have shape \(13,\)"),
    "theta 3-D": (THETA.reshape(1, 1, -1), X, Y, "theta must have shape"),
    "theta empty batch": (np.empty((0, 13)), X, Y, "theta must have shape"),
    "theta NaN": (with_nan, X, Y, "theta contains NaN or inf"),
    "theta not numeric": (["a"] * 13, X, Y, "theta must be an array of real numbers"),
    "X 1-D": (THETA, X[:, 0], Y, "X must be 2-D"),
    "X wrong width": (THETA, np.ones((N, 3)), Y, "X must have 2 columns"),
    "X inf": (THETA, X_inf, Y, "X contains NaN or inf"),
    "X empty": (THETA, np.empty((0, 2)), np.empty(0), "X is empty"),
    "y wrong length": (THETA, X, Y[:-1], r"y must have shape \(5,\)"),
    "y 2-D": (THETA, X, Y[:, None], r"y must have shape \(5,\)"),
    "y not 0/1": (THETA, X, np.array([0, 1, 2, 0, -1]), r"y must hold only labels 0 and 1"),
    "y NaN": (THETA, X, np.array([0, 1, np.nan, 0, 1]), r"y must hold only labels 0 and 1"),
}


@pytest.mark.parametrize("fn", PUBLIC, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", list(BAD), ids=str)
def test_bad_input_raises_named_value_error(fn, case):
    theta, X_, y_, match = BAD[case]
    if fn.__module__ == "hsr.numerical" and case in ("theta empty batch",):
        match = "theta must have shape"
    with pytest.raises(ValueError, match=match):
        fn(NET, theta, X_, y_)


def test_numerical_functions_refuse_a_batch():
    for fn in (hsr.numerical_loss_hessian, hsr.numerical_grad_ws_upper_bound):
        with pytest.raises(ValueError, match=r"theta must have shape \(13,\) for Net.*\(2, 13\)"):
            fn(NET, np.stack([THETA, THETA]), X, Y)


@pytest.mark.parametrize(
    "fn",
    [
        hsr.trace_hessian_squared,
        hsr.grad_trace_hessian_squared,
        hsr.grad_ws_upper_bound,
        hsr.ws_bounds,
        hsr.ws_gradient_terms,
        hsr.ws_gradient_per_sample,
    ],
    ids=lambda f: f.__name__,
)
def test_unknown_method(fn):
    with pytest.raises(
        ValueError, match=r"method must be one of \['auto', 'pairwise', 'assembled'"
    ):
        fn(NET, THETA, X, Y, method="exact")


@pytest.mark.parametrize("name", ["relu", "Sigmoid", "", None, 3])
def test_unknown_activation_lists_valid_names(name):
    with pytest.raises(ValueError, match=r"activation must be one of \['gelu', 'linear'"):
        hsr.Net(2, 3, name)


@pytest.mark.parametrize(
    "d_in, d_hidden, bad",
    [
        (0, 3, "d_in"),
        (-1, 3, "d_in"),
        (2, 0, "d_hidden"),
        (2.5, 3, "d_in"),
        (2, True, "d_hidden"),
        (2, "3", "d_hidden"),
    ],
)
def test_non_positive_sizes(d_in, d_hidden, bad):
    with pytest.raises(ValueError, match=f"{bad} must be a positive integer"):
        hsr.Net(d_in, d_hidden, "tanh")


def test_pack_shapes_checked():
    with pytest.raises(ValueError, match=r"W1 must have shape \(\.\.\., 3, 3\)"):
        NET.pack(np.zeros((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="w2 must have shape"):
        NET.pack(np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="v must have last axis of length 13"):
        NET.split(np.zeros(12))
