"""Shared fixtures: random problems and a cache of JAX oracles (compiling one costs seconds)."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import hsr  # noqa: E402

ACTIVATIONS = ["linear", "sigmoid", "tanh", "softplus", "gelu"]
# (d_in, d_hidden, N): the paper's size, 1 sample, 1 hidden unit, wider, and a mixed one
SIZES = [(2, 3, 9), (2, 3, 1), (3, 1, 6), (1, 4, 5), (4, 6, 12)]


def make_problem(d_in, d_hidden, N, activation, seed=0, batch=None, scale=1.0):
    """Random data, labels and parameters; theta (n,) or (batch, n)."""
    rng = np.random.default_rng([seed, d_in, d_hidden, N, ACTIVATIONS.index(activation)])
    net = hsr.Net(d_in, d_hidden, activation)
    X = rng.normal(size=(N, d_in))
    y = rng.integers(0, 2, size=N).astype(float)
    shape = (net.n_params,) if batch is None else (batch, net.n_params)
    theta = scale * rng.normal(size=shape)
    return net, theta, X, y


@functools.cache
def _oracle(d_in, d_hidden, N, activation, seed):
    from oracle import Oracle

    net, _, X, y = make_problem(d_in, d_hidden, N, activation, seed)
    return Oracle(d_in, d_hidden, activation, X, y)


@pytest.fixture(scope="session")
def oracle():
    return _oracle


def assert_rel(actual, expected, tol=1e-10):
    """Norm-wise relative error ``max|a - b| / max|b|`` at most ``tol``."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    assert np.all(np.isfinite(actual))
    err = np.max(np.abs(actual - expected)) if actual.size else 0.0
    scale = np.max(np.abs(expected)) if expected.size else 0.0
    assert err <= tol * max(scale, 1e-12), f"relative error {err / max(scale, 1e-300):.3e}"
