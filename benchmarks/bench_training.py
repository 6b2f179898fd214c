"""Throughput of the batched plain-GD loop, against a jax.jit + jax.vmap reference.

Prints network-steps per second for hsr's numba engine, hsr's numpy engine, and the same
loop written in JAX (jit-compiled, vmapped over networks, lax.fori_loop over steps,
compilation excluded), all measured in this run, and the ratio to JAX (target >= 0.5).
Also the regularized methods' throughput (numba engine). Run: ``make bench`` or
``python benchmarks/bench_training.py [--quick] [--markdown]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import hsr


def jax_gd(d_in, d_hidden, lr):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    h, d1 = d_hidden, d_in + 1

    def loss(theta, Xt, y):
        W1 = theta[: h * d1].reshape(d1, h).T
        w2 = theta[h * d1 :]
        a = jax.nn.sigmoid(Xt @ W1.T)
        z = w2[0] + a @ w2[1:]
        return jnp.mean(jnp.logaddexp(0.0, z) - y * z)

    grad = jax.vmap(jax.grad(loss), in_axes=(0, None, None))

    @jax.jit
    def run(theta, Xt, y, steps):
        return jax.lax.fori_loop(0, steps, lambda _, t: t - lr * grad(t, Xt, y), theta)

    def call(theta, X, y, steps):
        Xt = jnp.concatenate([jnp.ones((X.shape[0], 1)), jnp.asarray(X)], axis=1)
        return np.asarray(run(jnp.asarray(theta), Xt, jnp.asarray(y), steps).block_until_ready())

    return call


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer steps and repeats")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    steps, repeats = (200, 2) if args.quick else (2000, 3)
    lr, N = 1.0, 100
    net = hsr.Net(2, 3, "sigmoid")
    data = hsr.two_gaussians(n_train=N, n_test=2, seed=0)
    X, y = data.X_train, data.y_train
    jgd = jax_gd(2, 3, lr)
    rows = []
    for B in (226, 3000):
        theta = np.random.default_rng(0).uniform(-10, 10, (B, net.n_params))
        kw = dict(lr=lr, max_iter=steps, tol=1e-300)
        # agreement first: all three run the same arithmetic
        a = hsr.train(net, theta[:8], X, y, engine="numba", **{**kw, "max_iter": 50}).theta
        b = hsr.train(net, theta[:8], X, y, engine="numpy", **{**kw, "max_iter": 50}).theta
        c = jgd(theta[:8], X, y, 50)
        err = max(np.abs(a - b).max(), np.abs(a - c).max())
        jgd(theta, X, y, steps)  # compile for this shape
        t_jax = median_time(lambda th=theta: jgd(th, X, y, steps), repeats)
        t_nb = median_time(
            lambda th=theta, kw=kw: hsr.train(net, th, X, y, engine="numba", **kw), repeats
        )
        np_steps = max(steps // 10, 20)
        t_np = median_time(
            lambda th=theta, kw=kw, s=np_steps: hsr.train(
                net, th, X, y, engine="numpy", **{**kw, "max_iter": s}
            ),
            1,
        )
        rate = {"numba": B * steps / t_nb, "numpy": B * np_steps / t_np, "jax": B * steps / t_jax}
        rows.append((B, rate, err))
    print(
        f"plain GD, sigmoid, d_in=2, d_h=3, N={N}; {steps} steps; max |engine difference| "
        f"after 50 steps shown per row"
    )
    header = (
        "| networks | numba (net-steps/s) | numpy | JAX jit+vmap | numba / JAX | numpy / JAX "
        "| max diff |"
    )
    print(header if args.markdown else header.replace("|", " "))
    if args.markdown:
        print("|---" * 7 + "|")
    for B, r, err in rows:
        line = (
            f"| {B} | {r['numba']:,.0f} | {r['numpy']:,.0f} | {r['jax']:,.0f} | "
            f"{r['numba'] / r['jax']:.2f} | {r['numpy'] / r['jax']:.2f} | {err:.1e} |"
        )
        print(line if args.markdown else line.replace("|", " "))
    ok = all(r["numba"] / r["jax"] >= 0.5 for _, r, _ in rows)
    print(f"target numba >= 0.5x JAX: {'met' if ok else 'NOT met'}")

    print("\nregularized methods, numba engine, 226 networks (HSR Section VI-B scale):")
    theta = np.random.default_rng(1).uniform(-10, 10, (226, net.n_params))
    for method in hsr.METHODS:
        m_steps = steps // 4
        t = median_time(
            lambda m=method, s=m_steps: hsr.train(
                net, theta, X, y, method=m, lr=lr, max_iter=s, tol=1e-300, engine="numba"
            ),
            1,
        )
        print(f"  {method:9s} {226 * m_steps / t:12,.0f} net-steps/s")


if __name__ == "__main__":
    main()
