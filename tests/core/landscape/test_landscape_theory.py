"""hsr.landscape_theory: per-sample Hessians and gradients against JAX (float64), the
increments against a direct loop, and the pieces of Lemma 2 against the exact differences."""

from __future__ import annotations

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import assert_rel, make_problem  # noqa: E402
from oracle import make_loss  # noqa: E402

import hsr  # noqa: E402
from hsr.core.landscape import theory as lt  # noqa: E402


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "gelu"])
def test_per_sample_hessians_and_grads_match_jax(activation):
    net, theta, X, y = make_problem(2, 3, 5, activation, seed=4)
    H = lt.per_sample_hessians(net, theta, X, y)
    losses, grads = lt.per_sample_losses_grads(net, theta, X, y)
    th = jnp.asarray(theta)
    for i in range(X.shape[0]):
        loss_i = make_loss(2, 3, activation, X[i : i + 1], y[i : i + 1])
        assert_rel(H[i], np.asarray(jax.hessian(loss_i)(th)), 1e-11)
        assert_rel(grads[i], np.asarray(jax.grad(loss_i)(th)), 1e-11)
        assert losses[i] == pytest.approx(float(loss_i(th)), rel=1e-12)
    assert_rel(H.mean(axis=0), hsr.hessian(net, theta, X, y), 1e-12)


def test_hessian_increments_direct():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(7, 4, 4))
    H = A + np.swapaxes(A, 1, 2)
    inc = lt.hessian_increments(H)
    for k in range(1, 7):
        ref = np.linalg.norm(H[k] - H[:k].mean(axis=0), 2)
        assert inc[k - 1] == pytest.approx(ref, rel=1e-12)
    assert_rel(lt.prefix_means(np.arange(1.0, 5.0)), [1.0, 1.5, 2.0, 2.5], 1e-15)


def test_loss_difference_terms_exact_and_second_order():
    net, theta, X, y = make_problem(2, 3, 12, "tanh", seed=1)
    rng = np.random.default_rng(5)
    u = rng.normal(size=net.n_params)
    u /= np.linalg.norm(u)
    R = np.array([1e-1, 5e-2, 2.5e-2])
    t = lt.loss_difference_terms(net, theta, X, y, R[:, None] * u[None, :])
    # exact: straight from hsr.loss on the prefixes
    for b, r in enumerate(R):
        th = theta + r * u
        for k in (1, 5, 11):
            ref = abs(hsr.loss(net, th, X[: k + 1], y[: k + 1]) - hsr.loss(net, th, X[:k], y[:k]))
            assert t.exact[k - 1, b] == pytest.approx(ref, rel=1e-10, abs=1e-15)
    # the signed second-order expansion is exact up to O(R^3): halving R divides the
    # remainder by about 8 (median over k; a few k may be dominated by round-off)
    fw = [net.forward(theta + r * u, X, y).per_sample_loss()[0] for r in R]
    diff = np.stack([(f[1:] - lt.prefix_means(f)[:-1]) / (t.k + 1.0) for f in fw], axis=1)
    l0 = net.forward(theta, X, y).per_sample_loss()[0]
    base = (l0[1:] - lt.prefix_means(l0)[:-1]) / (t.k + 1.0)
    assert_rel(np.abs(base), t.loss_term, 1e-14)
    rem = np.abs(diff - (base[:, None] + t.grad_term + t.quad_term))
    assert np.median(rem[:, 0] / rem[:, 1]) > 6 and np.median(rem[:, 1] / rem[:, 2]) > 6
    assert_rel(t.second_order, np.abs(base[:, None] + t.grad_term + t.quad_term), 1e-14)
    # without the first-order term the expansion is off by O(R), not O(R^3)
    rem1 = np.abs(diff - (base[:, None] + t.quad_term))
    assert np.median(rem1[:, 0] / rem1[:, 1]) < 2.5
    # the paper's Hessian term and Lemma 2 with the measured constants
    inc = lt.hessian_increments(lt.per_sample_hessians(net, theta, X, y))
    assert_rel(t.hess_term[:, 0], R[0] ** 2 * inc / (t.k + 1.0), 1e-12)
    assert np.all(t.lemma2 >= t.paper_two_term - 1e-15)  # 2 M_l >= |l - L|, 2 M_H >= ||dH||
    assert t.M_l == pytest.approx(l0.max())


def test_validation():
    net, theta, X, y = make_problem(2, 3, 5, "tanh")
    with pytest.raises(ValueError, match="net must"):
        lt.per_sample_hessians("net", theta, X, y)
    with pytest.raises(ValueError, match="theta must be one network"):
        lt.per_sample_hessians(net, np.stack([theta, theta]), X, y)
    with pytest.raises(ValueError, match="H must"):
        lt.hessian_increments(np.zeros((1, 3, 3)))
    with pytest.raises(ValueError, match="delta must"):
        lt.loss_difference_terms(net, theta, X, y, np.zeros(3))
    with pytest.raises(ValueError, match="at least 2"):
        lt.loss_difference_terms(net, theta, X[:1], y[:1], np.zeros(net.n_params))
    with pytest.raises(ValueError, match="values"):
        lt.prefix_means(np.zeros(0))
