"""hsr.core.landscape.gterm against JAX autodiff (float64) and the assembled P x P matrices.

The oracle below is written from the paper's definition of the network (bias-free, ReLU after
every layer but the last, softmax cross-entropy), not from hsr.core.landscape.mlp.
"""

from __future__ import annotations

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from conftest import assert_rel  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from hsr.core.landscape import gterm as gt  # noqa: E402
from hsr.core.landscape.mlp import flatten, init_mlp, shapes_of  # noqa: E402

# (d_in, hidden, depth, K): L = depth + 2 weight layers
NETS = [(3, 4, 0, 3), (5, 3, 1, 4), (2, 5, 2, 2), (4, 2, 3, 3)]


def _net(d, h, depth, K, seed=0, scale=1.0, N=5):
    """A random net and data whose pre-activations all stay away from the ReLU kink (the
    first draw of the seed sequence that does)."""
    for attempt in range(100):
        rng = np.random.default_rng([seed, d, h, depth, K, attempt])
        W = [scale * w for w in init_mlp(d, h, depth, K, rng)]
        X = rng.normal(size=(N, d)) * 2.0
        y = rng.integers(0, K, size=N)
        if _min_abs_preactivation(W, X) > 1e-6:
            return W, X, y
    raise AssertionError("no draw away from the kinks")


def _jax_logits(shapes):
    def logits(theta, x):
        start, a = 0, x
        for p, (r, c) in enumerate(shapes):
            Wp = theta[start : start + r * c].reshape(r, c)
            start += r * c
            a = Wp @ a
            if p < len(shapes) - 1:
                a = jax.nn.relu(a)
        return a

    return logits


def _jax_loss(shapes):
    logits = _jax_logits(shapes)

    def loss(theta, x, y):
        z = logits(theta, x)
        return jax.nn.logsumexp(z) - z[y]

    return loss


def _min_abs_preactivation(W, X):
    xs, _, _ = gt.layer_inputs(W, X)
    return min(np.abs(x @ Wp.T).min() for x, Wp in zip(xs[:-1], W[:-1], strict=True))


@pytest.mark.parametrize("net", NETS)
def test_jacobian_matches_jax(net):
    W, X, _ = _net(*net)
    jac = jax.jacfwd(_jax_logits(shapes_of(W)))
    theta = jnp.asarray(flatten(W))
    ref = np.stack([np.asarray(jac(theta, jnp.asarray(x))) for x in X])
    assert_rel(gt.jacobian(W, X), ref, 1e-12)
    J = gt.jacobian(W, X)
    assert_rel(gt.jjt(W, X), np.einsum("nka,nla->nkl", J, J), 1e-12)


@pytest.mark.parametrize("net", NETS)
def test_full_hessian_is_gterm_plus_hterm(net):
    """jax.hessian of the per-object loss = J^T A J + H-term. The H-term is zero in every
    layer's own block (z linear in each W_p) but NOT across layers when L >= 2: dropping it
    is exact only block-diagonally."""
    W, X, y = _net(*net)
    loss = _jax_loss(shapes_of(W))
    hess = jax.jit(jax.hessian(loss))
    theta = jnp.asarray(flatten(W))
    ref = np.stack(
        [np.asarray(hess(theta, jnp.asarray(x), int(t))) for x, t in zip(X, y, strict=True)]
    )
    G, Ht = gt.gterm(W, X), gt.h_term(W, X, y)
    assert_rel(G + Ht, ref, 1e-11)
    offs = np.cumsum([0] + [w.size for w in W])
    for a, b in zip(offs[:-1], offs[1:], strict=True):
        assert_rel(G[:, a:b, a:b], ref[:, a:b, a:b], 1e-11)  # diagonal blocks: G-term exact
        assert np.all(Ht[:, a:b, a:b] == 0.0)
    # across layers the H-term is not small: relative to the G-term it is O(1) here
    assert np.max(np.abs(Ht)) > 1e-2 * np.max(np.abs(G))


def test_hterm_zero_only_for_one_layer():
    """With L = 1 (no hidden layer) z = W x is linear in theta and the Hessian is the G-term."""
    rng = np.random.default_rng(1)
    W = [rng.normal(size=(3, 4)), rng.normal(size=(3, 3))]
    X, y = rng.normal(size=(4, 4)), rng.integers(0, 3, 4)
    Ht = gt.h_term(W, X, y)
    # second layer's block is zero, first-second block is not: L = 2 already has an H-term
    assert np.all(Ht[:, :12, :12] == 0.0) and np.all(Ht[:, 12:, 12:] == 0.0)
    assert np.max(np.abs(Ht[:, 12:, :12])) > 0.0


@pytest.mark.parametrize("net", NETS)
def test_gterm_norm_matches_assembled_eigvalsh(net):
    W, X, _ = _net(*net, scale=1.7)
    ref = np.linalg.eigvalsh(gt.gterm(W, X))[:, -1]
    assert_rel(gt.gterm_norm(W, X), ref, 1e-11)


@pytest.mark.parametrize("net", NETS)
def test_gterm_matches_gauss_newton_from_jax(net):
    """J^T A J with J from jax.jacfwd and A from jax.hessian of CE in the logits."""
    W, X, y = _net(*net, seed=3)
    jac = jax.jacfwd(_jax_logits(shapes_of(W)))
    ce_h = jax.hessian(lambda z, t: jax.nn.logsumexp(z) - z[t])
    theta = jnp.asarray(flatten(W))
    ref = []
    for x, t in zip(X, y, strict=True):
        J = np.asarray(jac(theta, jnp.asarray(x)))
        z = np.asarray(_jax_logits(shapes_of(W))(theta, jnp.asarray(x)))
        A = np.asarray(ce_h(jnp.asarray(z), int(t)))
        ref.append(J.T @ A @ J)
    assert_rel(gt.gterm(W, X), np.stack(ref), 1e-11)


def test_softmax_hessian_and_its_norm():
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(20, 5)) * 3
    ce_h = jax.hessian(lambda z: jax.nn.logsumexp(z))
    ref = np.stack([np.asarray(ce_h(jnp.asarray(z))) for z in Z])
    assert_rel(gt.softmax_hessian(Z), ref, 1e-13)
    assert_rel(gt.a_norm(Z), np.linalg.eigvalsh(ref)[:, -1], 1e-12)
    # the sup 1/2 is attained: two classes at probability 1/2 each
    assert gt.a_norm(np.array([0.0, 0.0, -800.0])) == pytest.approx(0.5, abs=1e-15)
    assert gt.a_norm(np.array([0.0, 0.0])) == pytest.approx(0.5, abs=1e-15)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 12), st.integers(0, 10**6), st.floats(-30, 30), st.floats(0.01, 30))
def test_a_norm_at_most_half(K, seed, shift, scale):
    z = shift + scale * np.random.default_rng(seed).normal(size=K)
    assert gt.a_norm(z) <= 0.5 + 1e-15


def test_bounds_formulas():
    # the geometric sum M_W^2 + ... + M_W^(2L) equals the paper's closed form away from M_W = 1
    for L in (1, 2, 5):
        for MW in (0.3, 0.9, 1.5):
            closed = gt.SQRT2 * (
                L * 4.0 * MW ** (2 * L) + MW**2 * (MW ** (2 * L) - 1) / (MW**2 - 1)
            )
            assert gt.paper_bound(L, 2.0, MW) == pytest.approx(closed, rel=1e-13)
        assert gt.paper_bound(L, 2.0, 1.0) == pytest.approx(gt.SQRT2 * (4.0 * L + L), rel=1e-14)
    assert gt.corrected_bound(3, 2.0, 0.5) == pytest.approx(0.5 * 3 * 4 * 0.5**4)
    assert gt.lemma1_bound(2, 4, 0.25, 1.0) == gt.paper_bound(2, 1.0, 1.0)
    # the per-object forms are at most the M_W forms with M_W = max ||W_p||, M_x = |x|
    W, X, _ = _net(4, 3, 1, 3, seed=5, scale=0.8)
    MW, c = gt.layer_norms(W).max(), np.linalg.norm(X, axis=1)
    assert np.all(gt.corrected_bound_layers(W, X) <= gt.corrected_bound(3, c, MW) * (1 + 1e-12))
    assert np.all(gt.paper_bound_layers(W, X) <= gt.paper_bound(3, c, MW) * (1 + 1e-12))


def test_layer_norms():
    W, _, _ = _net(3, 4, 1, 2)
    assert_rel(gt.layer_norms(W), [np.linalg.svd(w, compute_uv=False)[0] for w in W], 1e-13)


def test_counterexample_theorem1():
    """Theorem 1 as stated fails for small weights: L = 2, every ||W_p|| = 0.1, |x| = 100."""
    W = [np.array([[0.1]]), np.array([[0.1], [0.0]])]
    X = np.array([[100.0]])
    MW, Mx = gt.layer_norms(W).max(), 100.0
    g = gt.gterm_norm(W, X)[0]
    assert g > 10 * gt.paper_bound(2, Mx, MW)
    assert g <= gt.corrected_bound(2, Mx, MW)


def test_validation():
    W, X, y = _net(3, 4, 0, 3)
    with pytest.raises(ValueError, match="weights"):
        gt.gterm_norm([W[0]], X)
    with pytest.raises(ValueError, match="X must have shape"):
        gt.gterm_norm(W, X[:, :2])
    with pytest.raises(ValueError, match="y must"):
        gt.h_term(W, X, y[:2])
    with pytest.raises(ValueError, match="L"):
        gt.paper_bound(0, 1.0, 1.0)
    with pytest.raises(ValueError, match="M_W"):
        gt.corrected_bound(2, 1.0, -1.0)
    with pytest.raises(ValueError, match="M_x"):
        gt.paper_bound(2, np.nan, 1.0)
    with pytest.raises(ValueError, match="h must"):
        gt.lemma1_bound(2, 0, 0.1, 1.0)
    with pytest.raises(ValueError, match="z must"):
        gt.softmax_hessian([1.0])


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6),  # d_in
    st.integers(1, 6),  # hidden
    st.integers(0, 4),  # depth: L = depth + 2 weight layers
    st.integers(2, 5),  # K
    st.floats(0.05, 3.0),  # weight scale: ||W_p|| from well below 1 to above 1
    st.floats(0.01, 100.0),  # input scale
    st.integers(0, 10**6),
)
def test_corrected_bound_holds(d, h, depth, K, w_scale, x_scale, seed):
    """Our corrected Theorem 1: ||J^T A J|| <= (1/2)|x|^2 sum_p prod_{s!=p} ||W_s||^2
    <= (L/2) M_x^2 M_W^(2L-2), for every draw, M_W above and below 1."""
    rng = np.random.default_rng(seed)
    # per-layer scales vary too, so the layers' norms differ
    W = [w * w_scale * rng.uniform(0.5, 1.5) for w in init_mlp(d, h, depth, K, rng)]
    X = x_scale * rng.normal(size=(4, d))
    g = gt.gterm_norm(W, X)
    per = gt.corrected_bound_layers(W, X)
    L, MW, Mx = len(W), gt.layer_norms(W).max(), np.linalg.norm(X, axis=1).max()
    tol = 1e-12
    assert np.all(g <= per * (1 + tol))
    assert np.all(per <= gt.corrected_bound(L, Mx, MW) * (1 + tol))


@settings(max_examples=100, deadline=None)
@given(st.floats(0.01, 100.0), st.floats(0.01, 10.0), st.floats(0.01, 10.0))
def test_corrected_bound_is_attained(s, a, c):
    """The corrected bound is sharp, for every scale (weights above and below 1): with
    x = (s), W_1 = a (1, 1)^T, W_2 = c [[1, -1], [-1, 1]] the two logits are equal (so
    ||A|| = 1/2 along e_1 - e_2), J J^T = s^2 W_2 W_2^T + 2 a^2 s^2 I has that top eigenvector,
    and ||J^T A J|| = (1/2) s^2 (||W_2||^2 + ||W_1||^2) exactly."""
    W = [a * np.ones((2, 1)), c * np.array([[1.0, -1.0], [-1.0, 1.0]])]
    X = np.array([[s]])
    g = gt.gterm_norm(W, X)[0]
    assert g == pytest.approx(gt.corrected_bound_layers(W, X)[0], rel=1e-12)
    assert g == pytest.approx(0.5 * s**2 * (4 * c**2 + 2 * a**2), rel=1e-12)
    # equal layer norms (c = a / sqrt 2): the M_W form (L/2) M_x^2 M_W^(2L-2) is attained too
    W[1] = W[1] * (a / np.sqrt(2) / c)
    MW = gt.layer_norms(W).max()
    assert gt.gterm_norm(W, X)[0] == pytest.approx(gt.corrected_bound(2, s, MW), rel=1e-12)


@pytest.mark.parametrize("L", [2, 3, 5, 7])
@pytest.mark.parametrize("a", [0.1, 0.5, 1.0, 1.7])
def test_sharp_example_attains_corrected_bound(L, a):
    x = np.random.default_rng([L, 7]).normal(size=6) * 3
    W, X = gt.sharp_example(L, a, x)
    assert_rel(gt.layer_norms(W), np.full(L, a), 1e-14)
    assert _min_abs_preactivation(W, X) > 0  # no unit at a kink
    g = gt.gterm_norm(W, X)[0]
    assert g == pytest.approx(gt.corrected_bound(L, np.linalg.norm(x), a), rel=1e-12)
    assert g == pytest.approx(np.linalg.eigvalsh(gt.gterm(W, X))[0, -1], rel=1e-10)
    fails = bool(g > gt.paper_bound(L, np.linalg.norm(x), a))
    assert fails == bool(gt.paper_bound_fails(L, np.linalg.norm(x), a))


def test_paper_bound_fails_on_mnist_scale():
    """Their smallest network (num_layers = 1, so L = 3 weight layers), an input of MNIST's
    norm in [-1, 1] scaling (|x| = 26) and every ||W_p|| = 0.5: the G-term is 63.4, Theorem 1
    allows 45.28."""
    x = np.zeros(784)
    x[:676] = 1.0  # |x| = 26
    W, X = gt.sharp_example(3, 0.5, x)
    g = gt.gterm_norm(W, X)[0]
    assert g == pytest.approx(1.5 * 676 * 0.5**4, rel=1e-12)
    assert gt.paper_bound(3, 26.0, 0.5) == pytest.approx(45.277, abs=1e-3)
    assert g > gt.paper_bound(3, 26.0, 0.5)
    # above M_W = 1/sqrt(2 sqrt 2) the first term of the paper's bound dominates ours
    assert not gt.paper_bound_fails(3, 26.0, 0.6)


def test_sharp_example_validation():
    with pytest.raises(ValueError, match="L"):
        gt.sharp_example(1, 0.5, np.ones(3))
    with pytest.raises(ValueError, match="a "):
        gt.sharp_example(3, 0.0, np.ones(3))
    with pytest.raises(ValueError, match="x must"):
        gt.sharp_example(3, 0.5, np.zeros(3))


@pytest.mark.parametrize("net", NETS[:3])
def test_jacobian_and_full_hessian_by_finite_differences(net):
    """Central differences of hsr.core.landscape.mlp's logits give J; of its per-object gradient
    give the full Hessian G-term + H-term (steps small enough to stay inside the ReLU region)."""
    from hsr.core.landscape.mlp import forward, loss_and_grad, unflatten

    W, X, y = _net(*net, seed=7, N=3)
    shapes, theta = shapes_of(W), flatten(W)
    eps = 1e-6
    J = gt.jacobian(W, X)
    H = gt.gterm(W, X) + gt.h_term(W, X, y)
    for i in range(theta.size):
        e = np.zeros(theta.size)
        e[i] = eps
        zp, zm = forward(unflatten(theta + e, shapes), X), forward(unflatten(theta - e, shapes), X)
        assert np.allclose((zp - zm) / (2 * eps), J[:, :, i], rtol=1e-6, atol=1e-8)
        for n in range(X.shape[0]):
            gp = flatten(loss_and_grad(unflatten(theta + e, shapes), X[n : n + 1], y[n : n + 1])[1])
            gm = flatten(loss_and_grad(unflatten(theta - e, shapes), X[n : n + 1], y[n : n + 1])[1])
            assert np.allclose((gp - gm) / (2 * eps), H[n, :, i], rtol=1e-5, atol=1e-7)
