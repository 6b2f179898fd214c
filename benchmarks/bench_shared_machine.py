#!/usr/bin/env python
"""Speed beside other work: the closed forms and the training engine alone and beside busy
processes, in one run (issue 19, item 2: at most 2x the time alone while all cores but one are
busy).

The busy processes (``cores - 1`` of them, each ``while True: pass``) are started once and
paused (SIGSTOP) or resumed (SIGCONT) between blocks, so the two conditions take turns: every
case x configuration is timed in ``--blocks`` alone blocks and as many beside-busy blocks,
alternating, each after a short settle, and the medians of the repeats are reported. The ratio
is beside / alone; the target is <= 2.

Cases (issue 19): grad lambda_WS called as the README shows (``hsr.grad_ws_upper_bound(net,
theta, X, y)``) for one network at d_h = 100, 16 networks at d_h = 30 and 256 at d_h = 3
(sigmoid, d_in = 2, N = 100); and training runs through ``hsr.train`` (the numba engine by
default): HSR Reg. (64 networks) and plain GD (256 networks), d_h = 3, N = 100.

Configurations of the gradient cases, each measured in this run:

* ``shipped``: the defaults (``engine="auto"``, one BLAS thread for mid-sized products,
  :mod:`hsr.core.blas`);
* ``auto, BLAS free``: the same engine with the thread control off (``SERIAL_BLAS_BELOW = 0``);
* ``numpy``: ``engine="numpy"`` (the reference) with the thread control;
* ``numpy, BLAS free``: the default call before issue 19 (``engine="numpy"``, no control).

The training cases run with numba's thread pool as it is (all cores) and with one numba thread.
"quiet cost" compares the alone times of ``shipped`` and ``auto, BLAS free``: what the thread
control costs when the machine is not busy (target: no slower, ratio <= ~1).

``--calibrate`` times the numpy closed form (one network, ``engine="numpy"``) at sizes around
``hsr.core.blas.SERIAL_BLAS_BELOW`` with one and with two BLAS threads, alone: where two threads
start to pay is where the threshold belongs.

The report ends with the CPU time of this process, of the busy processes and of every other
process during the run (other helpers' work on a shared machine skews the "alone" column:
trust the ratios of a run whose other-process CPU time is small).

Usage::

    python benchmarks/bench_shared_machine.py [--quick] [--markdown] [--calibrate]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

import numpy as np

import hsr
from hsr.core import blas, gradients

TARGET = 2.0
N_SAMPLES = 100


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ----- CPU accounting -------------------------------------------------------------------------
def _proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a live process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> float:
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def _own_cpu() -> float:
    t = os.times()
    return t.user + t.system


class Busy:
    """``k`` busy-loop processes, paused until :meth:`on`; their CPU time is read at the end."""

    def __init__(self, k: int):
        self.procs = [
            subprocess.Popen([sys.executable, "-S", "-c", "while True: pass"]) for _ in range(k)
        ]
        time.sleep(0.3)
        self.running = True
        self.off()

    def _signal(self, sig):
        for p in self.procs:
            os.kill(p.pid, sig)

    def on(self):
        if not self.running:
            self._signal(signal.SIGCONT)
            self.running = True

    def off(self):
        if self.running:
            self._signal(signal.SIGSTOP)
            self.running = False

    def cpu(self) -> float:
        return sum(_proc_cpu(p.pid) for p in self.procs)

    def close(self):
        for p in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.pid, signal.SIGCONT)
            p.kill()
            p.wait()


# ----- timing ---------------------------------------------------------------------------------
@dataclass
class Settings:
    min_loop: float  # a repeat lasts at least this long (calls are looped)
    repeats: int  # repeats per block
    blocks: int  # alone/beside blocks, alternating
    settle: float = 0.15  # seconds after pausing or resuming the busy processes


FULL = Settings(min_loop=0.05, repeats=3, blocks=3)
QUICK = Settings(min_loop=0.01, repeats=1, blocks=2, settle=0.05)


def _repeat(fn, number: int) -> float:
    t = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - t) / number


def alone_and_beside(fn, busy: Busy, st: Settings) -> tuple[float, float]:
    """Median seconds per call alone and beside the busy processes (blocks take turns)."""
    busy.off()
    time.sleep(st.settle)
    fn()  # warm (compiles numba on a cold cache, fills the caches)
    t1 = _repeat(fn, 1)
    number = max(1, int(st.min_loop / max(t1, 1e-6)))
    times = {False: [], True: []}
    for _ in range(st.blocks):
        for beside in (False, True):
            (busy.on if beside else busy.off)()
            time.sleep(st.settle)
            times[beside] += [_repeat(fn, number) for _ in range(st.repeats)]
    busy.off()
    return statistics.median(times[False]), statistics.median(times[True])


@contextlib.contextmanager
def blas_control(on: bool):
    before = blas.SERIAL_BLAS_BELOW
    blas.SERIAL_BLAS_BELOW = before if on else 0
    try:
        yield
    finally:
        blas.SERIAL_BLAS_BELOW = before


@contextlib.contextmanager
def numba_threads(k: int | None):
    if k is None:
        yield
        return
    import numba

    before = numba.get_num_threads()
    numba.set_num_threads(k)
    try:
        yield
    finally:
        numba.set_num_threads(before)


# ----- cases ----------------------------------------------------------------------------------
def problem(h: int, B: int, seed: int = 0, spread: float = 0.5):
    rng = np.random.default_rng(seed)
    net = hsr.Net(2, h, "sigmoid")
    X = rng.normal(size=(N_SAMPLES, 2))
    y = rng.integers(0, 2, N_SAMPLES).astype(float)
    theta = spread * rng.normal(size=(B, net.n_params))
    return net, (theta[0] if B == 1 else theta), X, y


GRAD_CASES = [(1, 100), (16, 30), (256, 3)]  # (networks, d_hidden)
GRAD_CONFIGS = {  # name -> (engine, BLAS thread control)
    "shipped": ("auto", True),
    "auto, BLAS free": ("auto", False),
    "numpy": ("numpy", True),
    "numpy, BLAS free": ("numpy", False),
}


@dataclass
class Row:
    case: str
    config: str
    engine: str
    alone: float
    beside: float
    notes: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.beside / self.alone


def run_gradients(busy: Busy, st: Settings) -> list[Row]:
    rows = []
    for B, h in GRAD_CASES:
        net, theta, X, y = problem(h, B)
        case = f"grad lambda_WS, {B} network{'s' if B > 1 else ''}, d_h {h}"
        ref = gradients.grad_ws_upper_bound(net, theta, X, y, engine="numpy")
        for name, (engine, control) in GRAD_CONFIGS.items():
            picked = gradients.resolve_engine(engine, net, B, N_SAMPLES)

            def call(net=net, theta=theta, X=X, y=y, engine=engine):
                if engine == "auto":  # exactly the README's call
                    return hsr.grad_ws_upper_bound(net, theta, X, y)
                return hsr.grad_ws_upper_bound(net, theta, X, y, engine=engine)

            with blas_control(control):
                err = float(np.max(np.abs(call() - ref)) / np.max(np.abs(ref)))
                log(f"  {case}: {name} ({picked})")
                a, b = alone_and_beside(call, busy, st)
            rows.append(Row(case, name, picked, a, b, {"rel_err": err}))
    return rows


TRAIN_CASES = [  # (label, networks, method, iterations)
    ("train HSR Reg., 64 networks, d_h 3, 30 iterations", 64, "hsr", 30),
    ("train plain GD, 256 networks, d_h 3, 300 iterations", 256, "baseline", 300),
]


def run_training(busy: Busy, st: Settings) -> list[Row]:
    rows = []
    for label, B, method, iters in TRAIN_CASES:
        net, theta, X, y = problem(3, B, spread=2.0)
        cfg = hsr.TrainConfig(method=method, lr=1.0, max_iter=iters, tol=1e-12)
        engine = hsr.train(net, theta, X, y, cfg).config["engine"]

        def run(net=net, theta=theta, X=X, y=y, cfg=cfg):
            return hsr.train(net, theta, X, y, cfg)

        for name, k in (("shipped (numba threads: all)", None), ("one numba thread", 1)):
            if engine != "numba" and k is not None:
                continue
            log(f"  {label}: {name}")
            with numba_threads(k):
                a, b = alone_and_beside(run, busy, st)
            rows.append(Row(label, name, engine, a, b))
    return rows


# ----- calibration of SERIAL_BLAS_BELOW -------------------------------------------------------
CALIBRATION = [  # (d_hidden, N, method): products from 1e6 to ~1e9 multiply-adds
    (100, 100, "pairwise"),
    (100, 300, "pairwise"),
    (100, 1000, "pairwise"),
    (30, 1000, "assembled"),
    (100, 100, "assembled"),
    (100, 300, "assembled"),
    (100, 1000, "assembled"),
    (200, 300, "assembled"),
]


def run_calibration(st: Settings) -> list[list[str]]:
    from threadpoolctl import threadpool_limits

    rows = []
    for h, N, method in CALIBRATION:
        rng = np.random.default_rng(0)
        net = hsr.Net(2, h, "sigmoid")
        X, y = rng.normal(size=(N, 2)), rng.integers(0, 2, N).astype(float)
        theta = 0.5 * rng.normal(size=net.n_params)
        work = blas.product_work(net, theta, X, method)

        def call(net=net, theta=theta, X=X, y=y, method=method):
            return hsr.grad_ws_upper_bound(net, theta, X, y, method=method, engine="numpy")

        t = {}
        with blas_control(False):
            call()
            number = max(1, int(st.min_loop / max(_repeat(call, 1), 1e-6)))
            reps = {1: [], 2: []}
            for _ in range(st.blocks):
                for k in (1, 2):
                    with threadpool_limits(k, user_api="blas"):
                        time.sleep(st.settle)
                        reps[k] += [_repeat(call, number) for _ in range(st.repeats)]
            t = {k: statistics.median(v) for k, v in reps.items()}
        log(f"  calibrate d_h {h} N {N} {method}: {t[1] * 1e3:.2f} / {t[2] * 1e3:.2f} ms")
        rows.append(
            [
                str(h),
                str(N),
                method,
                f"{work:.2e}",
                "yes" if work < blas.SERIAL_BLAS_BELOW else "no",
                f"{t[1] * 1e3:.2f}",
                f"{t[2] * 1e3:.2f}",
                f"{t[1] / t[2]:.2f}",
            ]
        )
    return rows


# ----- report ---------------------------------------------------------------------------------
def render(headers, rows, markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join([fmt.format(*headers)] + [fmt.format(*r) for r in rows])


def ms(t: float) -> str:
    return f"{t * 1e3:.3f}" if t < 0.1 else f"{t * 1e3:.1f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="short smoke run")
    ap.add_argument("--markdown", action="store_true", help="tables as markdown")
    ap.add_argument("--calibrate", action="store_true", help="also time 1 vs 2 BLAS threads")
    args = ap.parse_args(argv)
    st = QUICK if args.quick else FULL
    cores = os.cpu_count() or 1
    if cores < 2:
        print("one core: nothing can run beside the benchmark; skipped")
        return 0

    from hsr.experiments.engines import warm_up

    warm_up()
    t0, machine0, own0 = time.perf_counter(), _machine_cpu(), _own_cpu()
    busy = Busy(cores - 1)
    try:
        calibration = run_calibration(st) if args.calibrate else None
        rows = run_gradients(busy, st) + run_training(busy, st)
        busy_cpu = busy.cpu()
    finally:
        busy.close()
    wall = time.perf_counter() - t0
    own = _own_cpu() - own0
    others = max(0.0, (_machine_cpu() - machine0) - own - busy_cpu)

    md = args.markdown
    out = []
    out.append(("## " if md else "") + "Alone and beside busy processes (ms per call)")
    out.append("")
    table = []
    for r in rows:
        table.append(
            [
                r.case,
                r.config,
                r.engine,
                ms(r.alone),
                ms(r.beside),
                f"{r.ratio:.2f}",
                "met" if r.ratio <= TARGET else "NOT MET",
            ]
        )
    out.append(
        render(
            ["case", "configuration", "engine", "alone", "beside busy", "ratio", "<= 2x"], table, md
        )
    )
    out.append("")
    out.append(("## " if md else "") + "What the thread control costs alone (quiet cost)")
    out.append("")
    qrows = []
    by = {(r.case, r.config): r for r in rows}
    for B, h in GRAD_CASES:
        case = f"grad lambda_WS, {B} network{'s' if B > 1 else ''}, d_h {h}"
        for eng in ("auto", "numpy"):
            on = by[(case, "shipped" if eng == "auto" else "numpy")]
            off = by[(case, f"{eng}, BLAS free")]
            qrows.append(
                [
                    case,
                    eng,
                    ms(on.alone),
                    ms(off.alone),
                    f"{on.alone / off.alone:.2f}",
                    f"{off.beside / on.beside:.1f}",
                ]
            )
    out.append(
        render(
            [
                "case",
                "engine",
                "alone, controlled",
                "alone, BLAS free",
                "controlled / free",
                "beside: free / controlled",
            ],
            qrows,
            md,
        )
    )
    out.append("")
    for B, h in GRAD_CASES:
        case = f"grad lambda_WS, {B} network{'s' if B > 1 else ''}, d_h {h}"
        old, new = by[(case, "numpy, BLAS free")], by[(case, "shipped")]
        out.append(
            f"The default call, {case[16:]}: before issue 19 (numpy, BLAS free) "
            f"{ms(old.alone)} ms alone, {ms(old.beside)} ms beside busy; now "
            f"{ms(new.alone)} ms and {ms(new.beside)} ms ({old.alone / new.alone:.1f}x and "
            f"{old.beside / new.beside:.1f}x faster)."
        )
    errs = [r.notes["rel_err"] for r in rows if "rel_err" in r.notes]
    out.append(
        f"Every configuration agrees with engine='numpy': max relative error {max(errs):.1e}."
    )
    if calibration is not None:
        out.append("")
        out.append(
            ("## " if md else "") + "Calibration: numpy closed form alone, 1 vs 2 BLAS threads (ms)"
        )
        out.append("")
        out.append(
            render(
                ["d_h", "N", "method", "work", "serial", "1 thread", "2 threads", "1 / 2"],
                calibration,
                md,
            )
        )
    out.append("")
    import numba
    import threadpoolctl

    libs = ", ".join(
        f"{i['internal_api']} {i['version']} ({i['num_threads']} threads)"
        for i in threadpoolctl.threadpool_info()
        if i["user_api"] == "blas"
    )
    out.append(
        f"Machine: {platform.machine()}, {cores} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}, numba {numba.__version__} ({numba.threading_layer()} layer, "
        f"{numba.config.NUMBA_NUM_THREADS} threads); BLAS: {libs}; "
        f"SERIAL_BLAS_BELOW = {blas.SERIAL_BLAS_BELOW:.3g}."
    )
    env = {
        k: os.environ[k]
        for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "NUMBA_NUM_THREADS")
        if k in os.environ
    }
    out.append(f"Thread variables set: {env or 'none'}.")
    out.append(
        f"Run: {wall:.0f} s wall; CPU: this process {own:.0f} s, the {cores - 1} busy "
        f"process{'es' if cores > 2 else ''} {busy_cpu:.0f} s, other processes {others:.0f} s "
        f"(load average at the end {os.getloadavg()[0]:.1f})."
    )
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
