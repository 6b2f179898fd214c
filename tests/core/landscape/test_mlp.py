"""The bias-free ReLU MLP (hsr.core.landscape.mlp) against JAX autodiff, finite differences and
PyTorch's init."""

from __future__ import annotations

import numpy as np
import pytest
from oracle import jax, jnp  # float64 JAX, configured by the oracle module

from hsr.core.landscape import mlp

# (d_in, hidden, depth, K, N): smallest depth, N = 1, widths, the paper's deeper nets, K = 2
CASES = [
    (3, 4, 0, 3, 7),
    (5, 4, 1, 10, 1),
    (2, 8, 3, 4, 9),
    (6, 16, 5, 10, 12),
    (4, 8, 10, 2, 5),
]


def _problem(d_in, hidden, depth, K, N, seed=0):
    rng = np.random.default_rng([seed, d_in, hidden, depth, K, N])
    W = mlp.init_mlp(d_in, hidden, depth, K, rng)
    # He scale (variance 2/fan_in, PyTorch's default has 1/(3 fan_in)) keeps deep nets alive
    W = [w * np.sqrt(6.0) for w in W]
    X = rng.normal(size=(N, d_in))
    y = rng.integers(0, K, size=N)
    return W, X, y


def _jax_per_sample(shapes, X, y):
    """Independent forward pass: ReLU hidden layers, softmax cross-entropy, in JAX."""
    X = jnp.asarray(X)
    y = jnp.asarray(y)

    def per_sample(theta):
        Ws, start = [], 0
        for r, c in shapes:
            Ws.append(theta[start : start + r * c].reshape(r, c))
            start += r * c
        a = X
        for W in Ws[:-1]:
            a = jax.nn.relu(a @ W.T)
        z = a @ Ws[-1].T
        return jax.nn.logsumexp(z, axis=1) - jnp.take_along_axis(z, y[:, None], axis=1)[:, 0]

    return per_sample


@pytest.mark.parametrize("case", CASES)
def test_loss_and_grad_match_jax(case):
    W, X, y = _problem(*case)
    shapes = mlp.shapes_of(W)
    per_sample = _jax_per_sample(shapes, X, y)
    theta = mlp.flatten(W)
    ls = mlp.per_sample_losses(W, X, y)
    np.testing.assert_allclose(
        ls, np.asarray(per_sample(jnp.asarray(theta))), rtol=1e-13, atol=1e-14
    )
    loss, grads = mlp.loss_and_grad(W, X, y)
    np.testing.assert_allclose(loss, ls.mean(), rtol=1e-14)
    g_ref = np.asarray(jax.grad(lambda t: per_sample(t).mean())(jnp.asarray(theta)))
    g = mlp.flatten(grads)
    assert g.shape == theta.shape
    np.testing.assert_allclose(g, g_ref, rtol=1e-11, atol=1e-13)
    assert all(np.abs(gw).max() > 0 for gw in grads)  # every layer is tested, not vacuously


@pytest.mark.parametrize("case", CASES[:4])
def test_grad_matches_central_differences(case):
    W, X, y = _problem(*case, seed=1)
    shapes = mlp.shapes_of(W)
    theta = mlp.flatten(W)
    _, grads = mlp.loss_and_grad(W, X, y)
    g = mlp.flatten(grads)
    rng = np.random.default_rng(5)
    eps = 1e-6
    for _ in range(6):  # directional derivatives along random directions
        v = rng.normal(size=theta.size)
        lp = mlp.per_sample_losses(mlp.unflatten(theta + eps * v, shapes), X, y).mean()
        lm = mlp.per_sample_losses(mlp.unflatten(theta - eps * v, shapes), X, y).mean()
        np.testing.assert_allclose((lp - lm) / (2 * eps), g @ v, rtol=1e-6, atol=1e-8)


def test_forward_matches_explicit_loop():
    W, X, y = _problem(3, 5, 2, 4, 6)
    z = mlp.forward(W, X)
    for i, x in enumerate(X):
        a = x
        for w in W[:-1]:
            a = np.maximum(w @ a, 0.0)
        np.testing.assert_allclose(z[i], W[-1] @ a, rtol=1e-13)
        l_i = np.log(np.exp(z[i]).sum()) - z[i, y[i]]
        np.testing.assert_allclose(mlp.per_sample_losses(W, X, y)[i], l_i, rtol=1e-13)


def test_losses_stable_for_huge_logits():
    W = [np.eye(2), np.array([[1000.0, 0.0], [0.0, 0.0]])]
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    ls = mlp.per_sample_losses(W, X, [0, 1])
    np.testing.assert_allclose(ls, [0.0, 1000.0], atol=1e-12)


@pytest.mark.parametrize("depth", [0, 1, 5, 10])
def test_init_shapes_and_pytorch_bounds(depth):
    d_in, h, K = 784, 16, 10
    W = mlp.init_mlp(d_in, h, depth, K, np.random.default_rng(0))
    assert len(W) == depth + 2
    assert mlp.shapes_of(W) == [(h, d_in)] + [(h, h)] * depth + [(K, h)]
    for w in W:
        assert w.dtype == np.float64
        b = 1.0 / np.sqrt(w.shape[1])
        assert np.abs(w).max() <= b
        # U(-b, b): the extremes are reached (to 5%) and the variance is b^2/3 (to 10%)
        assert np.abs(w).max() > 0.95 * b
        if w.size >= 1000:
            np.testing.assert_allclose(w.var(), b * b / 3, rtol=0.1)
            assert abs(w.mean()) < 0.05 * b


def test_init_is_seeded():
    a = mlp.init_mlp(4, 8, 2, 3, np.random.default_rng(7))
    b = mlp.init_mlp(4, 8, 2, 3, np.random.default_rng(7))
    c = mlp.init_mlp(4, 8, 2, 3, np.random.default_rng(8))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])


def test_init_matches_pytorch_kaiming_uniform_formula():
    # torch: kaiming_uniform_(a=sqrt(5)): gain = sqrt(2/(1+a^2)), bound = gain*sqrt(3/fan_in)
    fan_in = 37
    gain = np.sqrt(2.0 / (1.0 + 5.0))
    bound = gain * np.sqrt(3.0 / fan_in)
    np.testing.assert_allclose(bound, 1.0 / np.sqrt(fan_in), rtol=1e-15)
    W = mlp.init_mlp(fan_in, 2000, 0, 2, np.random.default_rng(0))[0]
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.999 * bound


def test_flatten_unflatten_roundtrip():
    W = mlp.init_mlp(3, 4, 1, 2, np.random.default_rng(0))
    theta = mlp.flatten(W)
    assert theta.shape == (4 * 3 + 4 * 4 + 2 * 4,)
    np.testing.assert_array_equal(theta[:12], W[0].ravel())
    back = mlp.unflatten(theta, mlp.shapes_of(W))
    for u, v in zip(W, back, strict=True):
        np.testing.assert_array_equal(u, v)


def test_bad_inputs_name_the_argument():
    rng = np.random.default_rng(0)
    W = mlp.init_mlp(3, 4, 1, 3, rng)
    X = rng.normal(size=(5, 3))
    y = np.array([0, 1, 2, 0, 1])
    with pytest.raises(ValueError, match="depth"):
        mlp.init_mlp(3, 4, -1, 3, rng)
    with pytest.raises(ValueError, match="hidden"):
        mlp.init_mlp(3, 0, 1, 3, rng)
    with pytest.raises(ValueError, match="n_classes"):
        mlp.init_mlp(3, 4, 1, 1, rng)
    with pytest.raises(ValueError, match="d_in"):
        mlp.init_mlp(2.5, 4, 1, 3, rng)
    with pytest.raises(ValueError, match="rng"):
        mlp.init_mlp(3, 4, 1, 3, 0)
    with pytest.raises(ValueError, match="X must have shape"):
        mlp.forward(W, X[:, :2])
    with pytest.raises(ValueError, match="X contains NaN"):
        mlp.forward(W, np.where(X > 0, np.nan, X))
    with pytest.raises(ValueError, match="X is empty"):
        mlp.forward(W, X[:0])
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 3\)"):
        mlp.per_sample_losses(W, X, [0, 1, 3, 0, 1])
    with pytest.raises(ValueError, match="y must hold labels"):
        mlp.loss_and_grad(W, X, [0, -1, 2, 0, 1])
    with pytest.raises(ValueError, match="y must have shape"):
        mlp.loss_and_grad(W, X, y[:4])
    with pytest.raises(ValueError, match="integer class labels"):
        mlp.loss_and_grad(W, X, y + 0.5)
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        mlp.forward([W[0], W[0]], X)
    with pytest.raises(ValueError, match=r"weights\[0\] contains NaN"):
        mlp.forward([np.full_like(W[0], np.nan)] + W[1:], X)
    with pytest.raises(ValueError, match="weights must be a list"):
        mlp.forward(W[0], X)
    with pytest.raises(ValueError, match="theta must have shape"):
        mlp.unflatten(np.zeros(3), mlp.shapes_of(W))
