"""Activations: the closed-form derivatives of WS Appendix A against each other."""

from __future__ import annotations

import numpy as np
import pytest

from hsr.core.activations import ACTIVATIONS, evaluate


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivatives_match_finite_differences(name):
    u = np.linspace(-4.0, 4.0, 41)
    eps = 1e-6
    vals = evaluate(name, u)
    plus, minus = evaluate(name, u + eps), evaluate(name, u - eps)
    for k in range(3):
        fd = (plus[k] - minus[k]) / (2 * eps)
        np.testing.assert_allclose(vals[k + 1], fd, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_extreme_inputs_are_finite(name):
    u = np.array([-1e3, -700.0, -50.0, 0.0, 50.0, 700.0, 1e3])
    for arr in evaluate(name, u):
        assert np.all(np.isfinite(arr))


def test_known_values():
    f, f1, _, _ = evaluate("softplus", np.array([0.0, 800.0]))
    np.testing.assert_allclose(f, [np.log(2.0), 800.0])
    np.testing.assert_allclose(f1, [0.5, 1.0])
    f, f1, f2, f3 = evaluate("gelu", np.array([0.0]))
    np.testing.assert_allclose([f[0], f1[0], f2[0], f3[0]], [0.0, 0.5, 2 / np.sqrt(2 * np.pi), 0.0])
    f, f1, f2, f3 = evaluate("tanh", np.array([0.0]))
    np.testing.assert_allclose([f[0], f1[0], f2[0], f3[0]], [0.0, 1.0, 0.0, -2.0])
