"""Every closed form against JAX autodiff in float64: relative error at most 1e-10.

Five activations x five (d_in, d_hidden, N) including one sample and one hidden unit,
single theta and a batch of three networks (each row checked against the oracle).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ACTIVATIONS, SIZES, assert_rel, make_problem

import hsr

# hsr callable -> oracle quantity
SCALARS = {
    "loss": (hsr.loss, "loss"),
    "trace_hessian": (hsr.trace_hessian, "trace"),
    "trace_hessian_squared": (hsr.trace_hessian_squared, "trace2"),
    "trace_hessian_squared_pairwise": (
        lambda *a: hsr.trace_hessian_squared(*a, method="pairwise"),
        "trace2",
    ),
    "trace_hessian_squared_assembled": (
        lambda *a: hsr.trace_hessian_squared(*a, method="assembled"),
        "trace2",
    ),
    "ws_upper_bound": (hsr.ws_upper_bound, "ws_upper"),
    "ws_lower_bound": (hsr.ws_lower_bound, "ws_lower"),
}
VECTORS = {
    "grad_loss": (hsr.grad_loss, "grad_loss"),
    "hessian": (hsr.hessian, "hessian"),
    # the numpy reference (engine="numpy") by each method, and the default call (engine="auto":
    # the numba engine where it is installed and faster, else numpy; see test_engines.py)
    "grad_trace_hessian": (
        lambda *a: hsr.grad_trace_hessian(*a, engine="numpy"),
        "grad_trace",
    ),
    "grad_trace_hessian_squared": (
        lambda *a: hsr.grad_trace_hessian_squared(*a, engine="numpy"),
        "grad_trace2",
    ),
    "grad_trace_hessian_squared_pairwise": (
        lambda *a: hsr.grad_trace_hessian_squared(*a, method="pairwise", engine="numpy"),
        "grad_trace2",
    ),
    "grad_trace_hessian_squared_assembled": (
        lambda *a: hsr.grad_trace_hessian_squared(*a, method="assembled", engine="numpy"),
        "grad_trace2",
    ),
    "grad_ws_upper_bound": (
        lambda *a: hsr.grad_ws_upper_bound(*a, engine="numpy"),
        "grad_ws_upper",
    ),
    "grad_ws_upper_bound_pairwise": (
        lambda *a: hsr.grad_ws_upper_bound(*a, method="pairwise", engine="numpy"),
        "grad_ws_upper",
    ),
    "grad_ws_upper_bound_assembled": (
        lambda *a: hsr.grad_ws_upper_bound(*a, method="assembled", engine="numpy"),
        "grad_ws_upper",
    ),
    "grad_trace_hessian_default": (hsr.grad_trace_hessian, "grad_trace"),
    "grad_trace_hessian_squared_default": (hsr.grad_trace_hessian_squared, "grad_trace2"),
    "grad_ws_upper_bound_default": (hsr.grad_ws_upper_bound, "grad_ws_upper"),
    "ws_gradient_per_sample_summed": (
        lambda *a: hsr.ws_gradient_per_sample(*a).sum(axis=-2),
        "grad_ws_upper",
    ),
}
QUANTITIES = {**SCALARS, **VECTORS}


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sizes", SIZES, ids=lambda s: "d{}-h{}-N{}".format(*s))
def test_single_theta(activation, sizes, oracle):
    net, theta, X, y = make_problem(*sizes, activation)
    o = oracle(*sizes, activation, 0)
    for name, (fn, ref) in QUANTITIES.items():
        try:
            assert_rel(fn(net, theta, X, y), o(ref, theta))
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from None


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_batched_theta(activation, oracle):
    sizes = (2, 3, 9)
    net, thetas, X, y = make_problem(*sizes, activation, batch=3)
    o = oracle(*sizes, activation, 0)
    for name, (fn, ref) in QUANTITIES.items():
        batch = fn(net, thetas, X, y)
        assert np.shape(batch)[0] == 3, name
        for b in range(3):
            try:
                assert_rel(batch[b], o(ref, thetas[b]))
                # a batch row equals the single-network call
                assert_rel(batch[b], fn(net, thetas[b], X, y), tol=1e-13)
            except AssertionError as exc:
                raise AssertionError(f"{name}[{b}]: {exc}") from None


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_spectrum_and_blocks(activation, oracle):
    sizes = (2, 3, 9)
    net, theta, X, y = make_problem(*sizes, activation)
    o = oracle(*sizes, activation, 0)
    assert_rel(hsr.hessian_spectrum(net, theta, X, y), np.linalg.eigvalsh(o("hessian", theta)))
    # theta1 / theta2 blocks (HSR Theorems 2-5) are slices of the same vectors
    for fn, ref in [
        (hsr.grad_trace_hessian, "grad_trace"),
        (hsr.grad_trace_hessian_squared, "grad_trace2"),
    ]:
        g1, g2 = net.split(fn(net, theta, X, y, engine="numpy"))
        r1, r2 = net.split(o(ref, theta))
        assert g1.shape == (net.n1,) and g2.shape == (net.n2,)
        assert_rel(np.concatenate([g1, g2]), np.concatenate([r1, r2]))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_ws_gradient_terms(activation, oracle):
    """grad lambda_WS = grad m + sqrt(n-1) grad s, each term against autodiff."""
    import jax
    import jax.numpy as jnp

    sizes = (2, 3, 9)
    net, theta, X, y = make_problem(*sizes, activation)
    o = oracle(*sizes, activation, 0)
    n = net.n_params
    t = hsr.ws_gradient_terms(net, theta, X, y)
    assert_rel(t.mean_term, o("grad_trace", theta) / n)

    def spread(th):
        m = o.trace(th) / n
        return jnp.sqrt(n - 1.0) * jnp.sqrt(o.trace2(th) / n - m * m)

    assert_rel(t.spread_term, np.asarray(jax.grad(spread)(jnp.asarray(theta))))
    assert_rel(t.total, t.mean_term + t.spread_term, tol=1e-15)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("sizes", [(2, 3, 9), (3, 1, 6)], ids=lambda s: "d{}-h{}-N{}".format(*s))
def test_hutchinson_quadratic(activation, sizes, oracle):
    """v^T H v and its gradient against autodiff, for Rademacher and Gaussian probes."""
    import jax
    import jax.numpy as jnp

    net, thetas, X, y = make_problem(*sizes, activation, batch=2)
    o = oracle(*sizes, activation, 0)
    rng = np.random.default_rng(5)
    V = np.stack([rng.choice([-1.0, 1.0], net.n_params), rng.normal(size=net.n_params)])
    q, g = hsr.hutchinson_quadratic(net, thetas, X, y, V)
    for b in range(2):
        vj = jnp.asarray(V[b])

        def quad(t, vj=vj):
            return vj @ o.hessian(t) @ vj

        assert_rel(q[b], np.asarray(quad(jnp.asarray(thetas[b]))))
        assert_rel(g[b], np.asarray(jax.grad(quad)(jnp.asarray(thetas[b]))))
        q1, g1 = hsr.hutchinson_quadratic(net, thetas[b], X, y, V[b])
        assert_rel(g1, g[b], tol=1e-13)
