"""Throughput of the batched training loop, against jax.jit + jax.vmap references.

Prints network-steps per second for hsr's numba engine (the SIMD lane kernel
``kernels.train_kernel``), the scalar kernel it replaced (``kernels.train_kernel_scalar``, a
reference column), hsr's numpy engine, and the same loop written in JAX (jit-compiled,
vmapped over networks, lax.fori_loop over steps, compilation excluded), all measured in this
run, with the ratios to JAX (issue 13's target: lanes >= 2x JAX for plain GD) and the cost per
network-step per core.

Then HSR Reg. (issue 19's target: >= 50x a jit+vmap JAX step) at 256 and 3,000 networks, on 1
core and on 2 cores, against two JAX formulations of the full update theta - lr (alpha grad L +
beta grad lambda_WS) measured in the same run: grad lambda_WS by autodiff of the bound written
with ``jax.hessian`` (as tests/oracle.py), and by autodiff of the bound written with the
closed-form Hessian assembled in jnp (``G^T diag(s) G / N`` + the e_i M_i blocks; the faster
one here, so the verdict is taken against it). The 1-core figures come from a child process
pinned to one CPU (``os.sched_setaffinity``) with ``NUMBA_NUM_THREADS=1`` and XLA's
``--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1``; the 2-core figures from
this process (numba's threads and XLA's default pool, on 2 cores). Then the other methods.
Every section ends with the CPU time other processes took meanwhile (trust a run only when it
is ~0).

Run: ``make bench`` or ``python benchmarks/bench_training.py [--quick] [--markdown]``.
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
        me = os.times()  # this process and its finished children (the 1-core child)
        return busy / os.sysconf("SC_CLK_TCK"), me.user + me.system + me.children_user + (
            me.children_system
        )

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


def _jax_ws_hessian(d_in, d_hidden):
    """lambda_WS(theta, Xt, y) with H = jax.hessian of the mean cross-entropy."""
    jax, jnp = _jax()
    loss = jax_loss(d_in, d_hidden, "sigmoid")
    n = d_hidden * (d_in + 1) + d_hidden + 1

    def ws_bound(theta, Xt, y):
        H = jax.hessian(loss)(theta, Xt, y)
        m = jnp.trace(H) / n
        s = jnp.sqrt(jnp.sum(H * H) / n - m * m)
        return m + s * jnp.sqrt(n - 1.0)

    return ws_bound


def _jax_ws_assembled(d_in, d_hidden):
    """lambda_WS(theta, Xt, y) with H assembled in closed form (book/model.md): the
    Gauss-Newton part G^T diag(s) G / N (row i of G: d z_i / d theta) plus the blocks of
    sum_i e_i d^2 z_i / d theta^2 (w2_k f''_ik x_i x_i^T on unit k's W1 block, f'_ik x_i between
    unit k's W1 row and w2_k), then the bound from tr H and |H|_F^2; sigmoid units."""
    jax, jnp = _jax()
    h, d1 = d_hidden, d_in + 1
    n1 = h * d1
    n = n1 + h + 1
    eye = jnp.eye(h)

    def ws_bound(theta, Xt, y):
        N = Xt.shape[0]
        W1 = theta[:n1].reshape(d1, h)  # W1[j, k] = theta[j h + k]
        w2 = theta[n1:]
        wb = w2[1:]
        a = jax.nn.sigmoid(Xt @ W1)  # (N, h)
        f1 = a * (1.0 - a)
        f2 = f1 * (1.0 - 2.0 * a)
        p = jax.nn.sigmoid(w2[0] + a @ wb)
        s, e = p * (1.0 - p), p - y
        G = jnp.concatenate(
            [(Xt[:, :, None] * (f1 * wb)[:, None, :]).reshape(N, n1), jnp.ones((N, 1)), a], 1
        )
        H = (G * s[:, None]).T @ G / N
        C = jnp.einsum("ik,ij,il->jkl", e[:, None] * f2 * wb, Xt, Xt) / N  # (d1, h, d1)
        Mww = (C[:, :, :, None] * eye[None, :, None, :]).reshape(n1, n1)
        Mwo = (jnp.einsum("ik,ij->jk", e[:, None] * f1, Xt)[:, :, None] / N * eye).reshape(n1, h)
        H = H.at[:n1, :n1].add(Mww).at[:n1, n1 + 1 :].add(Mwo).at[n1 + 1 :, :n1].add(Mwo.T)
        m = jnp.trace(H) / n
        sd = jnp.sqrt(jnp.sum(H * H) / n - m * m)
        return m + sd * jnp.sqrt(n - 1.0)

    return ws_bound


JAX_HSR = {"jax.hessian": _jax_ws_hessian, "assembled": _jax_ws_assembled}


def jax_hsr(d_in, d_hidden, lr, alpha, beta, form="jax.hessian"):
    """HSR Reg. in JAX: theta <- theta - lr (alpha grad L + beta grad lambda_WS), grad
    lambda_WS by autodiff of the bound ``form`` (a key of ``JAX_HSR``)."""
    jax, _ = _jax()
    loss = jax_loss(d_in, d_hidden, "sigmoid")
    gl, gw = jax.grad(loss), jax.grad(JAX_HSR[form](d_in, d_hidden))
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


HSR_BATCHES = (256, 3000)
HSR_ALPHA_BETA = (1.0, 0.1)


def hsr_section(quick, cores, threads):
    """net-steps/s of HSR Reg. in the lanes and in both JAX formulations, for each batch size
    of ``HSR_BATCHES`` (d_h 3, sigmoid, N 100, lr 1), and the CPU seconds other processes took
    meanwhile; a dict (JSON-able)."""
    foreign = ForeignCPU()
    wall0 = time.perf_counter()
    repeats = 2 if quick else 3
    lr, N = 1.0, 100
    alpha, beta = HSR_ALPHA_BETA
    data = hsr.two_gaussians(n_train=N, n_test=2, seed=0)
    X, y = data.X_train, data.y_train
    net = hsr.Net(2, 3, "sigmoid")
    out = {"cores": cores, "threads": threads, "rows": []}
    jax_steps = {"jax.hessian": 1 if quick else 2, "assembled": 4 if quick else 10}
    forms = {f: jax_hsr(2, 3, lr, alpha, beta, f) for f in JAX_HSR}
    for B in HSR_BATCHES:
        theta = np.random.default_rng(1).uniform(-10, 10, (B, net.n_params))
        kw = dict(method="hsr", alpha=alpha, beta=beta, lr=lr, tol=1e-300)
        a = hsr.train(net, theta[:8], X, y, engine="numba", max_iter=3, **kw).theta
        row = {"B": B, "err": {}, "rate": {}}
        for f, run in forms.items():
            row["err"][f] = float(np.abs(a - run(theta[:8], X, y, 3)).max())
            s = jax_steps[f]
            run(theta, X, y, s)  # compile for this shape
            t = median_time(lambda r=run, s=s, th=theta: r(th, X, y, s), repeats)
            row["rate"][f] = B * s / t
        s = 20 if quick else 100

        def lanes(th=theta, s=s, kw=kw):
            hsr.train(net, th, X, y, engine="numba", max_iter=s, **kw)

        lanes()
        row["rate"]["lanes"] = B * s / median_time(lanes, repeats)
        out["rows"].append(row)
    out["wall"] = time.perf_counter() - wall0
    out["other_cpu"] = foreign.seconds()
    return out


def hsr_one_core_child(quick):
    """``hsr_section`` in a child process pinned to one CPU with one numba thread and
    single-threaded XLA (set before numba's threads or JAX start); None if it cannot run.
    Called before this process starts any thread pool."""
    import json
    import subprocess
    import sys

    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    env = dict(os.environ, NUMBA_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    env["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    cmd = [sys.executable, os.path.abspath(__file__), "--hsr-child", str(cpu)]
    cmd += ["--quick"] * quick
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"(the 1-core child failed: {proc.stderr[-400:]})")
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def hsr_table(sections, plain_us, markdown):
    rows, verdicts = [], []
    for sec in sections:
        if sec is None:
            continue
        for r in sec["rows"]:
            rate = r["rate"]
            best = max(("jax.hessian", "assembled"), key=lambda f: rate[f])
            ratio = rate["lanes"] / rate[best]
            us = sec["threads"] / rate["lanes"] * 1e6
            verdicts.append((sec["cores"], r["B"], ratio, best))
            rows.append(
                [
                    str(sec["cores"]),
                    f"{r['B']:,}",
                    f"{rate['lanes']:,.0f}",
                    f"{rate['jax.hessian']:,.1f}",
                    f"{rate['assembled']:,.0f}",
                    f"{rate['lanes'] / rate['jax.hessian']:.1f}",
                    f"**{rate['lanes'] / rate['assembled']:.1f}**",
                    f"{us:.2f}",
                    f"{max(r['err'].values()):.1e}",
                    f"{sec['other_cpu']:.0f} s in {sec['wall']:.0f} s",
                ]
            )
    headers = [
        "cores",
        "networks",
        "lanes (net-steps/s)",
        "JAX, jax.hessian",
        "JAX, assembled H",
        "lanes / JAX jax.hessian",
        "lanes / JAX assembled",
        "lanes us/step/core",
        "max diff after 3 steps",
        "other processes' CPU",
    ]
    print(table(headers, rows, markdown))
    if plain_us:
        print(f"(a plain GD step in the lanes: {plain_us:.2f} us per network-step per core)")
    for cores, B, ratio, best in verdicts:
        print(
            f"target HSR Reg. >= 50x the faster JAX ({best}), {cores} core(s), {B:,} networks: "
            f"{ratio:.1f}x -> {'met' if ratio >= 50 else 'NOT met'}"
        )


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer steps and repeats")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--hsr-child", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.hsr_child is not None:  # the 1-core HSR section, for hsr_one_core_child
        import json

        import numba

        os.sched_setaffinity(0, {args.hsr_child})  # before numba's or XLA's threads start
        print(json.dumps(hsr_section(args.quick, cores=1, threads=numba.get_num_threads())))
        return
    one_core = hsr_one_core_child(args.quick)  # first: no thread pool runs here yet
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

    # ----- HSR Reg. against JAX autodiff: 1 core (a pinned child process) and 2 cores (here) ---
    two_cores = hsr_section(args.quick, cores=cores, threads=threads)
    alpha, beta = HSR_ALPHA_BETA
    print(
        f"\nHSR Reg. (alpha={alpha}, beta={beta}), d_h=3, sigmoid, N={N}; net-steps/s of the lane"
        " kernel and of jit(vmap(theta - lr (alpha grad L + beta grad lambda_WS))) in JAX, grad"
        " lambda_WS by autodiff of the bound with H from jax.hessian or assembled in closed form;"
        " the verdict against the faster JAX"
    )
    hsr_table([one_core, two_cores], plain_us.get((3, "sigmoid", 226)), args.markdown)

    B = HSR_BATCHES[0]
    net = hsr.Net(2, 3, "sigmoid")
    theta = np.random.default_rng(1).uniform(-10, 10, (B, net.n_params))
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
