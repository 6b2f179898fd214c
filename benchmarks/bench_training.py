"""Throughput of the batched training loop, against jax.jit + jax.vmap references.

Prints network-steps per second for hsr's numba engine (the SIMD lane kernel
``kernels.train_kernel``), the scalar kernel it replaced (``kernels.train_kernel_scalar``, a
reference column), hsr's numpy engine, and the same loop written in JAX (jit-compiled,
vmapped over networks, lax.fori_loop over steps, compilation excluded), all measured in this
run, with the ratios to JAX (issue 13's target: lanes >= 2x JAX for plain GD) and the cost per
network-step per core. Then HSR Reg. against a jitted, vmapped JAX step whose grad lambda_WS
comes from autodiff of the bound written with ``jax.hessian`` (target: >= 50x), its cost as
a multiple of a plain step, and the other methods. Ends with the threads both sides had and
the CPU time other processes took during the run (trust a run only when it is ~0).

Run: ``make bench`` or ``python benchmarks/bench_training.py [--quick] [--markdown]``. To
compare on one core: ``taskset -c 0 env NUMBA_NUM_THREADS=1 XLA_FLAGS=
"--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1" python ...``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import time

import numpy as np

import hsr
from hsr.experiments import kernels


class ForeignCPU:
    """CPU seconds used by *other* processes since creation (Linux /proc/stat; else None)."""

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _sample():
        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = sum(fields) - fields[3] - fields[4]  # all but idle and iowait
        me = os.times()
        return busy / os.sysconf("SC_CLK_TCK"), me.user + me.system

    def seconds(self):
        now = self._sample()
        if now is None or self.start is None:
            return None
        return max(0.0, (now[0] - self.start[0]) - (now[1] - self.start[1]))


def _jax():
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    return jax, jnp


def jax_loss(d_in, d_hidden, activation):
    """Mean cross-entropy of one network in JAX (hsr's parameter layout)."""
    jax, jnp = _jax()
    h, d1 = d_hidden, d_in + 1
    act = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh}[activation]

    def loss(theta, Xt, y):
        W1 = theta[: h * d1].reshape(d1, h).T
        w2 = theta[h * d1 :]
        a = act(Xt @ W1.T)
        z = w2[0] + a @ w2[1:]
        return jnp.mean(jnp.logaddexp(0.0, z) - y * z)

    return loss


def _jax_loop(direction, lr):
    jax, jnp = _jax()
    step = jax.vmap(direction, in_axes=(0, None, None))

    @jax.jit
    def run(theta, Xt, y, steps):
        return jax.lax.fori_loop(0, steps, lambda _, t: t - lr * step(t, Xt, y), theta)

    def call(theta, X, y, steps):
        Xt = jnp.concatenate([jnp.ones((X.shape[0], 1)), jnp.asarray(X)], axis=1)
        return np.asarray(run(jnp.asarray(theta), Xt, jnp.asarray(y), steps).block_until_ready())

    return call


def jax_gd(d_in, d_hidden, lr, activation="sigmoid"):
    """Plain GD in JAX: theta <- theta - lr grad L, vmapped, jitted, fori_loop over steps."""
    jax, _ = _jax()
    return _jax_loop(jax.grad(jax_loss(d_in, d_hidden, activation)), lr)


def jax_hsr(d_in, d_hidden, lr, alpha, beta):
    """HSR Reg. in JAX: theta <- theta - lr (alpha grad L + beta grad lambda_WS), grad
    lambda_WS by autodiff of the bound written with jax.hessian (as tests/oracle.py and
    bench_gradients.py)."""
    jax, jnp = _jax()
    loss = jax_loss(d_in, d_hidden, "sigmoid")
    n = d_hidden * (d_in + 1) + d_hidden + 1

    def ws_bound(theta, Xt, y):
        H = jax.hessian(loss)(theta, Xt, y)
        m = jnp.trace(H) / n
        s = jnp.sqrt(jnp.sum(H * H) / n - m * m)
        return m + s * jnp.sqrt(n - 1.0)

    gl, gw = jax.grad(loss), jax.grad(ws_bound)
    return _jax_loop(lambda t, Xt, y: alpha * gl(t, Xt, y) + beta * gw(t, Xt, y), lr)


@contextlib.contextmanager
def scalar_kernel():
    """hsr.train with the scalar kernel the lane kernel replaced (the reference column)."""
    lanes = kernels.train_kernel
    kernels.train_kernel = kernels.train_kernel_scalar
    try:
        yield
    finally:
        kernels.train_kernel = lanes


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        time.sleep(0.1)  # let other thread pools (XLA, OpenBLAS) go idle first
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def table(header, rows, markdown):
    lines = ["| " + " | ".join(header) + " |"]
    if markdown:
        lines.append("|---" * len(header) + "|")
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines if markdown else [ln.replace("|", " ") for ln in lines])


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer steps and repeats")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    steps, repeats = (100, 2) if args.quick else (500, 3)
    lr, N = 1.0, 100
    data = hsr.two_gaussians(n_train=N, n_test=2, seed=0)
    X, y = data.X_train, data.y_train
    foreign = ForeignCPU()
    wall0 = time.perf_counter()
    import numba

    threads = numba.get_num_threads()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    def rate_numba(net, theta, s, method="baseline", reps=repeats, **kw):
        def run():
            hsr.train(net, theta, X, y, engine="numba", method=method, lr=lr, max_iter=s,
                      tol=1e-300, **kw)  # fmt: skip

        return theta.shape[0] * s / median_time(run, reps)

    rows, verdict_rows, plain_us = [], [], {}
    for d_h, act in [(3, "sigmoid"), (10, "sigmoid"), (3, "tanh")]:
        net = hsr.Net(2, d_h, act)
        jgd = jax_gd(2, d_h, lr, act)
        for B in (226, 3000):
            theta = np.random.default_rng(0).uniform(-10, 10, (B, net.n_params))
            kw = dict(lr=lr, tol=1e-300, max_iter=50)
            # agreement first: all four run the same arithmetic (50 steps, 8 networks)
            a = hsr.train(net, theta[:8], X, y, engine="numba", **kw).theta
            with scalar_kernel():
                s = hsr.train(net, theta[:8], X, y, engine="numba", **kw).theta
            b = hsr.train(net, theta[:8], X, y, engine="numpy", **kw).theta
            c = jgd(theta[:8], X, y, 50)
            err = max(np.abs(a - b).max(), np.abs(a - c).max(), np.abs(a - s).max())
            jgd(theta, X, y, steps)  # compile for this shape
            r_jax = B * steps / median_time(lambda th=theta, f=jgd: f(th, X, y, steps), repeats)
            r_lanes = rate_numba(net, theta, steps)
            with scalar_kernel():
                r_scalar = rate_numba(net, theta, steps)
            np_steps = max(steps // 10, 10)
            t_np = median_time(
                lambda th=theta, s=np_steps, m=net: hsr.train(
                    m, th, X, y, engine="numpy", lr=lr, tol=1e-300, max_iter=s
                ),
                1,
            )
            r_np = B * np_steps / t_np
            us = threads / r_lanes * 1e6
            plain_us[(d_h, act, B)] = us
            rows.append(
                [
                    f"d_h={d_h}, {act}",
                    f"{B}",
                    f"{r_lanes:,.0f}",
                    f"{r_scalar:,.0f}",
                    f"{r_np:,.0f}",
                    f"{r_jax:,.0f}",
                    f"**{r_lanes / r_jax:.2f}**",
                    f"{r_scalar / r_jax:.2f}",
                    f"{r_np / r_jax:.2f}",
                    f"{us:.2f}",
                    f"{threads / r_scalar * 1e6:.2f}",
                    f"{err:.1e}",
                ]
            )
            if (d_h, act) == (3, "sigmoid"):
                verdict_rows.append((B, r_lanes / r_jax))
    print(
        f"plain GD, d_in=2, N={N}, {steps} steps; numba threads {threads}, cores available "
        f"{cores}; max |difference| between the four after 50 steps per row"
    )
    print(
        table(
            [
                "net",
                "networks",
                "lanes (net-steps/s)",
                "old scalar",
                "numpy",
                "JAX jit+vmap",
                "lanes / JAX",
                "scalar / JAX",
                "numpy / JAX",
                "lanes us/step/core",
                "scalar us/step/core",
                "max diff",
            ],
            rows,
            args.markdown,
        )
    )
    ok = all(r >= 2.0 for _, r in verdict_rows)
    print(
        "target lanes >= 2x JAX (d_h=3, sigmoid, 226 and 3000 networks): "
        + ", ".join(f"{r:.2f}x at {B}" for B, r in verdict_rows)
        + f" -> {'met' if ok else 'NOT met'}"
    )

    # ----- HSR Reg. against JAX autodiff ----------------------------------------------------
    B, alpha, beta = 226, 1.0, 0.1
    net = hsr.Net(2, 3, "sigmoid")
    theta = np.random.default_rng(1).uniform(-10, 10, (B, net.n_params))
    jh = jax_hsr(2, 3, lr, alpha, beta)
    kw = dict(method="hsr", alpha=alpha, beta=beta, lr=lr, tol=1e-300, max_iter=3)
    a = hsr.train(net, theta[:8], X, y, engine="numba", **kw).theta
    c = jh(theta[:8], X, y, 3)
    err = np.abs(a - c).max()
    h_steps = max(steps // 25, 4)
    jh(theta, X, y, h_steps)  # compile
    r_jax = B * h_steps / median_time(lambda: jh(theta, X, y, h_steps), repeats)
    r_lanes = rate_numba(net, theta, steps // 5, "hsr", alpha=alpha, beta=beta)
    with scalar_kernel():
        r_scalar = rate_numba(net, theta, steps // 10, "hsr", alpha=alpha, beta=beta)
    hsr_us = threads / r_lanes * 1e6
    print(
        f"\nHSR Reg. (alpha={alpha}, beta={beta}), d_h=3, sigmoid, {B} networks; JAX: jit(vmap("
        f"alpha grad L + beta grad lambda_WS)), grad lambda_WS by autodiff through jax.hessian; "
        f"max |lanes - JAX| after 3 steps {err:.1e}"
    )
    print(
        table(
            [
                "lanes (net-steps/s)",
                "old scalar",
                "JAX",
                "lanes / JAX",
                "scalar / JAX",
                "lanes us/step/core",
                "hsr / plain step (lanes)",
            ],  # fmt: skip
            [
                [
                    f"{r_lanes:,.0f}",
                    f"{r_scalar:,.0f}",
                    f"{r_jax:,.1f}",
                    f"**{r_lanes / r_jax:.1f}**",
                    f"{r_scalar / r_jax:.1f}",
                    f"{hsr_us:.2f}",
                    f"{hsr_us / plain_us[(3, 'sigmoid', 226)]:.1f}",
                ]
            ],
            args.markdown,
        )
    )
    print(f"target lanes >= 50x JAX: {'met' if r_lanes / r_jax >= 50 else 'NOT met'}")

    print(f"\nregularized methods, numba engine, {B} networks, d_h=3, sigmoid (net-steps/s):")
    rows = []
    for method in hsr.METHODS:
        s = steps if method == "baseline" else steps // 5
        r1 = rate_numba(net, theta, s, method, reps=1)
        with scalar_kernel():
            r0 = rate_numba(net, theta, max(s // 2, 4), method, reps=1)
        rows.append([method, f"{r1:,.0f}", f"{r0:,.0f}", f"{r1 / r0:.1f}"])
    print(table(["method", "lanes", "old scalar", "lanes / scalar"], rows, args.markdown))

    wall = time.perf_counter() - wall0
    other = foreign.seconds()
    xla = os.environ.get("XLA_FLAGS", "(unset: XLA may use every core)")
    print(f"\nnumba threads {threads}; XLA_FLAGS {xla}; cores available {cores}")
    if other is not None:
        print(
            f"CPU time used by other processes during the run: {other:.0f} s in {wall:.0f} s "
            f"({other / wall:.2f} cores on average; ~0 means the timings are clean)"
        )


if __name__ == "__main__":
    main()
