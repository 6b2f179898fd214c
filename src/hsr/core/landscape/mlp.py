"""Bias-free ReLU multilayer perceptron with softmax cross-entropy (Kiselev et al., 2409.11995).

The network of the third paper (``book/landscape.md``), in numpy float64:

    a_0 = X (N, d_in),   a_p = relu(a_{p-1} W_p^T)  for p = 1 .. depth + 1,
    z   = a_{depth+1} W_out^T (N, K),   l_i = logsumexp(z_i) - z_{i, y_i}.

``depth`` is the authors' ``num_layers`` (the "L" in their legends): the number of *extra*
hidden layers after the first one, so the network has ``depth + 2`` weight matrices
``[W_1 (h, d_in), W_2 (h, h), ..., W_{depth+1} (h, h), W_out (K, h)]``. ``depth = 0`` is the
smallest network (one hidden layer). No biases anywhere, as in the paper's theorem and code.

Weights are a plain ``list[np.ndarray]``; :func:`flatten` / :func:`unflatten` convert to and
from one parameter vector theta ``(n,)`` in that order (each matrix row-major, as PyTorch's
``parameters()`` would be flattened). Core floor: numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._checks import integer_at_least

__all__ = [
    "init_mlp",
    "forward",
    "per_sample_losses",
    "loss_and_grad",
    "flatten",
    "unflatten",
    "shapes_of",
    "check_weights",
    "check_data",
]


def init_mlp(
    d_in: int, hidden: int, depth: int, n_classes: int, rng: np.random.Generator
) -> list[np.ndarray]:
    """PyTorch-default initialisation of the bias-free ReLU MLP.

    ``nn.Linear``'s default is kaiming-uniform with ``a = sqrt(5)``: gain ``sqrt(2/(1+5))``,
    bound ``gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in)``, so every entry is drawn from
    ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``.

    Parameters
    ----------
    d_in, hidden, n_classes : input size d, hidden width h, number of classes K (K >= 2).
    depth : the authors' L (``num_layers``): extra hidden layers, ``>= 0``.
    rng : a ``numpy.random.Generator`` (the only source of randomness).

    Returns
    -------
    ``[W_1 (h, d_in), W_2 (h, h) x depth, W_out (K, h)]``, float64, ``depth + 2`` matrices.
    """
    d_in = integer_at_least("d_in", d_in, 1)
    hidden = integer_at_least("hidden", hidden, 1)
    depth = integer_at_least("depth", depth, 0)
    n_classes = integer_at_least("n_classes", n_classes, 2)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
    dims = [d_in] + [hidden] * (depth + 1) + [n_classes]
    weights = []
    for fan_in, fan_out in zip(dims[:-1], dims[1:], strict=True):
        bound = 1.0 / np.sqrt(fan_in)
        weights.append(rng.uniform(-bound, bound, size=(fan_out, fan_in)))
    return weights


def shapes_of(weights: Sequence[np.ndarray]) -> list[tuple[int, int]]:
    """The shapes ``[(h, d_in), (h, h), ..., (K, h)]`` of a weight list."""
    return [tuple(np.shape(W)) for W in weights]


def check_weights(weights: object) -> list[np.ndarray]:
    """Return the weights as float64 arrays; ValueError unless they chain ``(h,d)->...->(K,h)``."""
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or len(weights) < 2:
        raise ValueError("weights must be a list of at least 2 matrices [W_1, ..., W_out]")
    out = []
    for p, W in enumerate(weights):
        try:
            W = np.asarray(W, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"weights[{p}] must be an array of real numbers ({exc})") from None
        if W.ndim != 2 or W.size == 0:
            raise ValueError(f"weights[{p}] must be a non-empty 2-D matrix, got shape {W.shape}")
        if not np.all(np.isfinite(W)):
            raise ValueError(f"weights[{p}] contains NaN or inf")
        if p > 0 and W.shape[1] != out[-1].shape[0]:
            raise ValueError(
                f"weights[{p}] must have {out[-1].shape[0]} columns to follow weights[{p - 1}] "
                f"of shape {out[-1].shape}, got shape {W.shape}"
            )
        out.append(W)
    if out[-1].shape[0] < 2:
        raise ValueError(
            f"weights[-1] (W_out) needs at least 2 rows (classes), got {out[-1].shape}"
        )
    return out


def check_data(
    weights: Sequence[np.ndarray], X: object, y: object = None
) -> tuple[np.ndarray, np.ndarray | None]:
    """Return ``X (N, d_in)`` float64 and ``y (N,)`` int64 labels in ``[0, K)``; ValueError else."""
    d_in, K = weights[0].shape[1], weights[-1].shape[0]
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"X must be an array of real numbers ({exc})") from None
    if X.ndim != 2 or X.shape[1] != d_in:
        raise ValueError(f"X must have shape (N, {d_in}) (d_in of W_1), got {X.shape}")
    if X.shape[0] == 0:
        raise ValueError("X is empty: at least one sample is needed")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or inf")
    if y is None:
        return X, None
    y_arr = np.asarray(y)
    if y_arr.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y_arr.shape}")
    if y_arr.dtype.kind == "f":
        if not np.all(np.isfinite(y_arr)) or np.any(y_arr != np.round(y_arr)):
            raise ValueError("y must hold integer class labels")
    elif y_arr.dtype.kind not in "iu":
        raise ValueError(f"y must hold integer class labels, got dtype {y_arr.dtype}")
    y_int = y_arr.astype(np.int64)
    bad = (y_int < 0) | (y_int >= K)
    if np.any(bad):
        raise ValueError(f"y must hold labels in [0, {K}), found {np.unique(y_int[bad]).tolist()}")
    return X, y_int


def forward_layers(weights: list[np.ndarray], X: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Logits ``(N, K)`` and the pre-activations ``u_p (N, h)`` of every hidden layer."""
    a = X
    pre = []
    for W in weights[:-1]:
        u = a @ W.T
        pre.append(u)
        a = np.maximum(u, 0.0)
    return a @ weights[-1].T, pre


def forward(weights: Sequence[np.ndarray], X: object) -> np.ndarray:
    """Logits ``z (N, K)`` of the bias-free ReLU MLP for inputs ``X (N, d_in)``."""
    weights = check_weights(weights)
    X, _ = check_data(weights, X)
    return forward_layers(weights, X)[0]


def _log_softmax(z: np.ndarray) -> np.ndarray:
    m = z.max(axis=1, keepdims=True)
    return z - (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))


def per_sample_losses_unchecked(weights, X, y):
    logp = _log_softmax(forward_layers(weights, X)[0])
    return -logp[np.arange(X.shape[0]), y]


def per_sample_losses(weights: Sequence[np.ndarray], X: object, y: object) -> np.ndarray:
    """Per-object cross-entropy ``l_i = logsumexp(z_i) - z_{i, y_i}``, shape ``(N,)``.

    The paper's ``l_i(theta)`` (``book/landscape.md``, the setting); the mean over the first k
    objects is ``L_k(theta)``. Computed with a stable log-sum-exp.
    """
    weights = check_weights(weights)
    X, y = check_data(weights, X, y)
    return per_sample_losses_unchecked(weights, X, y)


def loss_and_grad_unchecked(weights, X, y):
    """Unchecked mean loss and gradients (hand-written backprop); used in training loops."""
    N = X.shape[0]
    z, pre = forward_layers(weights, X)
    logp = _log_softmax(z)
    rows = np.arange(N)
    loss = -logp[rows, y].mean()
    dz = np.exp(logp)
    dz[rows, y] -= 1.0
    dz /= N  # d(mean loss)/dz, (N, K)
    grads = [None] * len(weights)
    a_last = np.maximum(pre[-1], 0.0)
    grads[-1] = dz.T @ a_last
    da = dz @ weights[-1]
    for p in range(len(weights) - 2, -1, -1):
        du = da * (pre[p] > 0.0)  # ReLU'(u) = 1[u > 0], PyTorch's convention at 0
        a_prev = X if p == 0 else np.maximum(pre[p - 1], 0.0)
        grads[p] = du.T @ a_prev
        if p > 0:
            da = du @ weights[p]
    return float(loss), grads


def loss_and_grad(
    weights: Sequence[np.ndarray], X: object, y: object
) -> tuple[float, list[np.ndarray]]:
    """Mean cross-entropy ``L_N = (1/N) sum_i l_i`` and its gradient, by backpropagation.

    Returns ``(loss, [dL/dW_1 (h, d_in), ..., dL/dW_out (K, h)])``, gradients shaped as the
    weights. ReLU's derivative is taken as ``1[u > 0]`` (PyTorch's choice at the kink).
    """
    weights = check_weights(weights)
    X, y = check_data(weights, X, y)
    return loss_and_grad_unchecked(weights, X, y)


def flatten(weights: Sequence[np.ndarray]) -> np.ndarray:
    """Concatenate the matrices (row-major, in layer order) into theta ``(n,)``."""
    weights = check_weights(weights)
    return np.concatenate([W.ravel() for W in weights])


def unflatten(theta: object, shapes: Sequence[tuple[int, int]]) -> list[np.ndarray]:
    """Inverse of :func:`flatten`: theta ``(n,)`` -> matrices of the given ``shapes``."""
    try:
        shapes = [tuple(int(s) for s in shp) for shp in shapes]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"shapes must be a list of (rows, cols) pairs ({exc})") from None
    if not shapes or any(len(s) != 2 or min(s) < 1 for s in shapes):
        raise ValueError(f"shapes must be a non-empty list of positive (rows, cols), got {shapes}")
    theta = np.asarray(theta, dtype=np.float64)
    n = sum(r * c for r, c in shapes)
    if theta.shape != (n,):
        raise ValueError(f"theta must have shape ({n},) for shapes {shapes}, got {theta.shape}")
    out, start = [], 0
    for r, c in shapes:
        out.append(theta[start : start + r * c].reshape(r, c).copy())
        start += r * c
    return out
