"""Full-batch gradient descent on a batch of networks, with the regularizers the HSR paper compares.

Each row of ``theta (B, n)`` is one network (one seed); all share the data. Each network
stops on its own as soon as ``|grad L| < tol |grad L at its start|`` (the papers' test for a
critical point, tol = 1e-3), or at ``max_iter``. Update rules, with learning rate ``lr`` and
``g = grad L``:

* ``baseline``: ``theta <- theta - lr g`` (plain GD).
* ``hsr`` (HSR regularization, HSR Section V-D):
  ``theta <- theta - lr (alpha g + beta grad lambda_WS)``, grad lambda_WS in closed form.
* ``hessian`` (Hessian regularization, Liu et al. 2023): ``theta <- theta - lr (g + w grad tr H)``
  with w = ``hessian_weight`` (0.01); grad tr H exact in closed form, or (``trace_estimator=
  "hutchinson"``) the closed-form gradient of Hutchinson's estimate ``mean_v v^T H v`` over
  fresh Rademacher vectors v each step, as Liu et al. do.
* ``asam`` (adaptive SAM, Kwon et al. 2021): ``T = |theta| + eta`` on weights and 1 on
  biases, ``eps = rho T^2 g / |T g|``, then ``theta <- theta - lr grad L(theta + eps)``.

Two-phase schedule (HSR Section VI-B): the sharpness term acts during the first
``reg_iters`` iterations, plain GD (``theta <- theta - lr g``) after.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict, dataclass, field

import numpy as np

from ..core._checks import network, positive
from ..core.blas import product_work, serial_blas
from ..core.gradients import adjoints_trace, hutchinson_adjoints, ws_gradient
from ..core.hessian import assemble_hessian
from ..core.model import Forward, Net
from ..core.traces import TRACE_SQUARED_METHODS
from .methods import METHOD_CODES, METHOD_LABELS, METHODS
from .runtime.parallel import map_chunks, set_worker_threads
from .runtime.progress import progress_bar

__all__ = [
    "METHODS",
    "METHOD_LABELS",
    "RECORDABLE",
    "TrainConfig",
    "TrainResult",
    "train",
    "bias_mask",
    "train_chunk",
    "train_chunks",
    "result_to_arrays",
    "result_from_arrays",
]

ENGINES = ("auto", "numba", "numpy")
RECORDABLE = ("loss", "grad_norm", "ws_upper", "ws_lower", "lambda_max", "lambda_min", "spectrum")


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a training run (all validated on construction).

    method: one of ``METHODS``; lr: learning rate; max_iter: iteration cap;
    tol: relative gradient-norm test for a critical point; reg_iters: iterations during which
    the sharpness term acts (None = all; ignored by ``baseline``); alpha, beta: HSR weights;
    hessian_weight: weight of grad tr H; trace_estimator: ``"exact"`` or ``"hutchinson"``;
    hutchinson_probes: Rademacher vectors per step; rho, eta: A-SAM radius and offset;
    trace_method: tr(H^2) method for grad lambda_WS; record_every: history stride
    (0 = no history); record: which quantities to record (from ``RECORDABLE``);
    seed: for Hutchinson's probe vectors; engine: ``"numba"`` (compiled kernels, needs
    the ``fast`` extra), ``"numpy"`` (the reference loop) or ``"auto"`` (numba when
    installed and the configuration allows it).
    """

    method: str = "baseline"
    lr: float = 0.1
    max_iter: int = 10_000
    tol: float = 1e-3
    reg_iters: int | None = None
    alpha: float = 1.0
    beta: float = 0.1
    hessian_weight: float = 0.01
    trace_estimator: str = "exact"
    hutchinson_probes: int = 1
    rho: float = 0.1
    eta: float = 0.01
    trace_method: str = "auto"
    record_every: int = 0
    record: tuple[str, ...] = ("loss", "ws_upper", "lambda_max")
    seed: int = 0
    engine: str = "auto"

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {list(METHODS)}, got {self.method!r}")
        positive("lr", self.lr)
        positive("max_iter", self.max_iter, integer=True)
        positive("tol", self.tol)
        if self.reg_iters is not None:
            positive("reg_iters", self.reg_iters, integer=True, allow_zero=True)
        for name in ("alpha", "beta", "hessian_weight", "rho", "eta"):
            positive(name, getattr(self, name), allow_zero=True)
        if self.method == "hsr" and self.alpha == 0 and self.beta == 0:
            raise ValueError("alpha and beta are both 0: HSR needs at least one non-zero weight")
        if self.method == "asam" and self.rho == 0:
            raise ValueError("rho must be > 0 for asam")
        if self.trace_estimator not in ("exact", "hutchinson"):
            raise ValueError(
                f"trace_estimator must be 'exact' or 'hutchinson', got {self.trace_estimator!r}"
            )
        positive("hutchinson_probes", self.hutchinson_probes, integer=True)
        if self.trace_method not in TRACE_SQUARED_METHODS:
            raise ValueError(
                f"trace_method must be one of {list(TRACE_SQUARED_METHODS)}, "
                f"got {self.trace_method!r}"
            )
        positive("record_every", self.record_every, integer=True, allow_zero=True)
        object.__setattr__(self, "record", tuple(self.record))
        bad = [r for r in self.record if r not in RECORDABLE]
        if bad:
            raise ValueError(f"record must name quantities from {list(RECORDABLE)}, got {bad}")
        if not isinstance(self.seed, numbers.Integral) or isinstance(self.seed, bool):
            raise ValueError(f"seed must be an integer, got {self.seed!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {list(ENGINES)}, got {self.engine!r}")
        if self.engine == "numba" and self.trace_estimator == "hutchinson":
            raise ValueError("engine 'numba' has no Hutchinson estimator: use engine='numpy'")

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class TrainResult:
    """Outcome of :func:`train` for B networks.

    ``theta (B, n)`` final parameters; ``converged (B,)``; ``n_iter (B,)`` iterations taken
    (the iteration at which the test passed, or max_iter); ``diverged (B,)``: the update
    became non-finite at ``n_iter`` and the network stopped at its last finite point
    (never counted as converged); ``grad_norm0 (B,)`` and
    ``grad_norm (B,)`` initial and final |grad L|; ``history``: ``iterations (T,)`` and one
    ``(T, B)`` array per recorded quantity (``spectrum``: ``(T, B, n)``); a stopped network
    keeps its final values.
    """

    theta: np.ndarray
    converged: np.ndarray
    n_iter: np.ndarray
    grad_norm0: np.ndarray
    grad_norm: np.ndarray
    diverged: np.ndarray
    history: dict = field(default_factory=dict)
    config: dict = field(default_factory=dict)


def bias_mask(net: Net) -> np.ndarray:
    """Boolean ``(n,)``: True at the hidden biases (W1 column 0) and the output bias (w2[0])."""
    network("net", net)
    mask = np.zeros(net.n_params, dtype=bool)
    mask[: net.d_hidden] = True
    mask[net.n1] = True
    return mask


# ----- one step's directions (rows = the active networks) ---------------------------------------
def _grad_loss(fw: Forward) -> np.ndarray:
    return fw.backprop(adj_z=fw.e / fw.N)


def _grad_ws(fw: Forward, method: str) -> np.ndarray:
    return ws_gradient(fw, method, per_sample=False).total


class _Stepper:
    """Computes the update direction of one method for the active rows."""

    def __init__(self, net, X, y, cfg: TrainConfig, seeds_rng):
        self.net, self.X, self.y, self.cfg = net, X, y, cfg
        self.rng = seeds_rng
        self.bias = bias_mask(net)

    def forward(self, theta):
        return Forward.compute(self.net, theta, self.X, self.y)

    def direction(self, theta, fw, g, regularize: bool):
        cfg = self.cfg
        if not regularize or cfg.method == "baseline":
            return g
        if cfg.method == "hsr":
            return cfg.alpha * g + cfg.beta * _grad_ws(fw, cfg.trace_method)
        if cfg.method == "hessian":
            if cfg.trace_estimator == "exact":
                gt = fw.backprop(**adjoints_trace(fw))
            else:
                gt = np.zeros_like(theta)
                for _ in range(cfg.hutchinson_probes):
                    v = self.rng.choice([-1.0, 1.0], size=theta.shape)
                    adj, _ = hutchinson_adjoints(fw, v)
                    gt += fw.backprop(**adj)
                gt /= cfg.hutchinson_probes
            return g + cfg.hessian_weight * gt
        # asam
        T = np.where(self.bias, 1.0, np.abs(theta) + cfg.eta)
        Tg = T * g
        norm = np.linalg.norm(Tg, axis=1, keepdims=True)
        eps = np.where(norm > 0, cfg.rho * T * Tg / np.where(norm > 0, norm, 1.0), 0.0)
        pert = theta + eps
        ok = np.all(np.isfinite(pert), axis=1)
        out = np.full_like(theta, np.nan)  # a non-finite perturbation: the network diverged
        if np.any(ok):
            out[ok] = _grad_loss(self.forward(pert[ok]))
        return out


def _quantity(q, fw, spec, b):
    if q == "loss":
        return fw.per_sample_loss().mean(axis=1)
    if q == "grad_norm":
        return np.linalg.norm(_grad_loss(fw), axis=1)
    if q in ("ws_upper", "ws_lower"):
        return b.upper if q == "ws_upper" else b.lower
    if q == "spectrum":
        return spec
    return spec[:, -1] if q == "lambda_max" else spec[:, 0]


def history_from_snapshots(
    net: Net, X: np.ndarray, y: np.ndarray, snapshots: np.ndarray, quantities, trace_method="auto"
) -> dict:
    """Evaluate recorded quantities on parameter snapshots ``(T, B, n)``: arrays ``(T, B)``
    (``spectrum``: ``(T, B, n)``), computed with the numpy closed forms."""
    from ..core.bounds import bounds_from_forward

    T, B, n = snapshots.shape
    out = {q: [] for q in quantities}
    need_spec = any(q in quantities for q in ("lambda_max", "lambda_min", "spectrum"))
    need_ws = "ws_upper" in quantities or "ws_lower" in quantities
    forms = ["samples"] + ["assembled"] * need_spec + [trace_method] * need_ws
    with serial_blas(max(product_work(net, snapshots[0], X, f) for f in forms)):
        for t in range(T):
            fw = Forward.compute(net, snapshots[t], X, y)
            spec = np.linalg.eigvalsh(assemble_hessian(fw)) if need_spec else None
            b = bounds_from_forward(fw, trace_method) if need_ws else None
            for q in quantities:
                out[q].append(_quantity(q, fw, spec, b))
    return {q: np.asarray(v) for q, v in out.items()}


def _resolve_engine(cfg: TrainConfig) -> str:
    from .kernels import HAVE_NUMBA

    if cfg.engine == "numba" and not HAVE_NUMBA:
        raise ValueError("engine='numba' needs numba: pip install 'hsr[fast]'")
    if cfg.engine == "auto":
        return "numba" if HAVE_NUMBA and cfg.trace_estimator == "exact" else "numpy"
    return cfg.engine


def _train_numba(net, theta, X, y, cfg, K, n_snap):
    from . import kernels

    B, n = theta.shape
    Xt = np.ascontiguousarray(np.concatenate([np.ones((X.shape[0], 1)), X], axis=1))
    snaps = np.zeros((n_snap, B, n))
    converged = np.zeros(B, dtype=np.bool_)
    n_iter = np.zeros(B, dtype=np.int64)
    gn0, gn = np.zeros(B), np.zeros(B)
    diverged = np.zeros(B, dtype=np.bool_)
    kernels.train_kernel(
        theta,
        Xt,
        np.ascontiguousarray(y),
        net.d_hidden,
        kernels.ACT_CODES[net.activation],
        METHOD_CODES[cfg.method],
        float(cfg.lr),
        int(cfg.max_iter),
        float(cfg.tol),
        int(K),
        float(cfg.alpha),
        float(cfg.beta),
        float(cfg.hessian_weight),
        float(cfg.rho),
        float(cfg.eta),
        bias_mask(net),
        int(cfg.record_every),
        snaps,
        converged,
        n_iter,
        gn0,
        gn,
        diverged,
    )
    return converged, n_iter, gn0, gn, snaps, diverged


def _train_numpy(net, theta, X, y, cfg, K, n_snap, quiet):
    B, n = theta.shape
    stepper = _Stepper(net, X, y, cfg, np.random.default_rng(cfg.seed))
    converged = np.zeros(B, dtype=bool)
    n_iter = np.full(B, cfg.max_iter)
    grad_norm = np.zeros(B)
    grad_norm0 = np.zeros(B)
    snaps = np.zeros((n_snap, B, n))
    diverged = np.zeros(B, dtype=bool)
    active = np.arange(B)
    bar = progress_bar(cfg.max_iter, f"{cfg.method} x{B}", quiet=quiet)
    try:
        for t in range(cfg.max_iter):
            if cfg.record_every and t % cfg.record_every == 0:
                snaps[t // cfg.record_every, active] = theta[active]
            th = theta[active]
            with np.errstate(over="ignore", invalid="ignore"):
                fw = stepper.forward(th)
                g = _grad_loss(fw)
            gn = np.linalg.norm(g, axis=1)
            if t == 0:
                grad_norm0[:] = gn
            grad_norm[active] = gn
            done = gn < cfg.tol * grad_norm0[active]
            if np.any(done):
                converged[active[done]] = True
                n_iter[active[done]] = t
                keep = ~done
                active, th, g = active[keep], th[keep], g[keep]
                if active.size == 0:
                    break
                fw = stepper.forward(th) if cfg.method != "baseline" else None
            with np.errstate(over="ignore", invalid="ignore"):
                # far-out parameters may overflow: such a network is flagged diverged below
                d = stepper.direction(th, fw, g, regularize=t < K)
                new = th - cfg.lr * d
            bad = ~np.all(np.isfinite(new), axis=1)
            if np.any(bad):
                diverged[active[bad]] = True
                n_iter[active[bad]] = t
                active, new = active[~bad], new[~bad]
            theta[active] = new
            if active.size == 0:
                break
            bar.update(1)
            if t % 200 == 0:
                bar.set_postfix_str(f"active {active.size}/{B}")
        else:
            if active.size:
                g = _grad_loss(stepper.forward(theta[active]))
                grad_norm[active] = np.linalg.norm(g, axis=1)
                done = grad_norm[active] < cfg.tol * grad_norm0[active]
                converged[active[done]] = True
    finally:
        bar.close()
    if cfg.record_every:
        for b in range(B):
            first = -(-int(n_iter[b]) // cfg.record_every)
            snaps[first:, b] = theta[b]
    return converged, n_iter, grad_norm0, grad_norm, snaps, diverged


def train(
    net: Net,
    theta0: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    config: TrainConfig | None = None,
    quiet: bool = True,
    **overrides,
) -> TrainResult:
    """Train a batch of networks by full-batch gradient descent (see the module docstring).

    ``theta0``: ``(n,)`` or ``(B, n)``; ``config``: a :class:`TrainConfig` (keyword
    ``overrides`` replace its fields, e.g. ``train(net, th, X, y, method="hsr", beta=0.1)``);
    ``quiet=False`` shows a progress bar (numpy engine; the numba engine runs in one call).
    History (``record_every > 0``): parameters are snapshotted every ``record_every``
    iterations and at the end, then the recorded quantities are evaluated on them.

    >>> import numpy as np
    >>> net = Net(2, 3, "sigmoid")
    >>> rng = np.random.default_rng(0)
    >>> X = np.r_[rng.normal(-1, 1, (20, 2)), rng.normal(1, 1, (20, 2))]
    >>> y = np.r_[np.zeros(20), np.ones(20)]
    >>> res = train(net, rng.uniform(-1, 1, (3, net.n_params)), X, y, lr=2.0, max_iter=300)
    >>> res.theta.shape, bool(np.all(res.grad_norm < res.grad_norm0))
    ((3, 13), True)
    """
    network("net", net)
    cfg = config if config is not None else TrainConfig()
    if not isinstance(cfg, TrainConfig):
        raise ValueError(f"config must be a TrainConfig, got {type(cfg).__name__}")
    if overrides:
        cfg = TrainConfig(**{**cfg.to_dict(), **overrides})
    theta0 = net.check_theta(theta0)
    X, y = net.check_data(X, y)
    engine = _resolve_engine(cfg)
    single = theta0.ndim == 1
    theta = np.array(theta0[None, :] if single else theta0, dtype=float, order="C")
    K = cfg.max_iter if cfg.reg_iters is None else min(cfg.reg_iters, cfg.max_iter)
    n_snap = (cfg.max_iter - 1) // cfg.record_every + 2 if cfg.record_every else 0
    if engine == "numba":
        converged, n_iter, gn0, gn, snaps, diverged = _train_numba(net, theta, X, y, cfg, K, n_snap)
    else:
        # the numpy loop's mid-sized matrix products on one BLAS thread (hsr.core.blas); the
        # numba kernel makes none
        form = cfg.trace_method if cfg.method == "hsr" else "samples"
        with serial_blas(product_work(net, theta, X, form)):
            converged, n_iter, gn0, gn, snaps, diverged = _train_numpy(
                net, theta, X, y, cfg, K, n_snap, quiet
            )
    history = {}
    if cfg.record_every:
        # rows at 0, stride, 2 stride, ... before the last network stopped, then the final point
        last = int(n_iter.max())
        keep = -(-last // cfg.record_every)  # snapshots taken at iterations < last
        snaps[keep] = theta
        snaps = snaps[: keep + 1]
        iters = np.append(np.arange(keep) * cfg.record_every, last)
        history = history_from_snapshots(net, X, y, snaps, cfg.record, cfg.trace_method)
        history["iterations"] = iters
        history["theta"] = snaps
        if single:
            history = {k: (v if k == "iterations" else v[:, 0]) for k, v in history.items()}
    out = (lambda a: a[0]) if single else (lambda a: a)
    return TrainResult(
        theta=out(theta),
        converged=out(converged.astype(bool)),
        n_iter=out(n_iter.astype(int)),
        grad_norm0=out(gn0),
        grad_norm=out(gn),
        diverged=out(diverged.astype(bool)),
        history=history,
        config={**cfg.to_dict(), "engine": engine},
    )


# ----- one chunk of a sweep or comparison, for the runtime's workers -------------------------
_RESULT_ARRAYS = ("theta", "converged", "n_iter", "grad_norm0", "grad_norm", "diverged")


def train_chunk(args) -> TrainResult:
    """Worker of :func:`hsr.experiments.runtime.parallel.map_chunks`: train one chunk of
    networks (top-level so that it pickles). ``args``: ``(net_args, theta0 (b, n), X, y,
    cfg_dict, threads)``; returns the chunk's :class:`TrainResult`."""
    net_args, theta0, X, y, cfg_dict, threads = args
    if threads is None:
        return train(Net(*net_args), theta0, X, y, TrainConfig(**cfg_dict))
    set_worker_threads(threads)
    # a worker of hsr's own pool (one per core): one BLAS thread too, whatever the size
    with serial_blas():
        return train(Net(*net_args), theta0, X, y, TrainConfig(**cfg_dict))


def result_to_arrays(res: TrainResult) -> tuple[dict, dict]:
    """A :class:`TrainResult` as ``(arrays, meta)`` for the chunk store."""
    arrays = {k: getattr(res, k) for k in _RESULT_ARRAYS}
    arrays.update({f"hist_{k}": v for k, v in res.history.items()})
    return arrays, {"config": res.config}


def result_from_arrays(arrays: dict, meta: dict) -> TrainResult:
    """The :class:`TrainResult` back from :func:`result_to_arrays`."""
    history = {k[5:]: v for k, v in arrays.items() if k.startswith("hist_")}
    return TrainResult(
        **{k: arrays[k] for k in _RESULT_ARRAYS}, history=history, config=meta.get("config", {})
    )


def train_chunks(tasks, executor, desc: str, quiet: bool, sizes, store=None, names=None):
    """:func:`train_chunk` over ``tasks`` on ``executor`` through the runtime
    (:func:`~hsr.experiments.runtime.parallel.map_chunks`), each finished chunk saved in
    ``store`` as it arrives; the chunks' :class:`TrainResult` in order."""
    return map_chunks(
        train_chunk,
        tasks,
        executor,
        desc,
        quiet,
        sizes,
        store=store,
        names=names,
        encode=result_to_arrays,
        decode=result_from_arrays,
    )
