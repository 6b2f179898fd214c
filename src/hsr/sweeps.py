"""Critical-point sweeps and method comparisons (WS Appendix C, HSR Sections VI-A and VI-B).

A sweep: seeds -> uniform initial parameters on a wide interval -> plain GD -> converged
flags -> duplicates removed -> per unique critical point, the spectrum statistics, the WS
quantities, parameter norms, the hidden Gram norm and the test macro-F1. A comparison: the
Flat and Sharp seeds of a sweep, retrained by several methods (Baseline, Hessian Reg., A-SAM,
HSR Reg.) with the two-phase schedule.

Both run as chunks of seeds through a :class:`concurrent.futures.Executor` (default: a
process pool over the machine's cores; a dask ``client.get_executor()`` works unchanged), and
each network's arithmetic is independent of the others, so the results are bit-identical
whatever the executor and chunking. Results are cached on disk under a key made of every
parameter and the package version.
"""

from __future__ import annotations

import hashlib
import json
import math
import multiprocessing
import numbers
import os
import warnings
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

import numpy as np
from scipy.spatial.distance import pdist, squareform

from .bounds import bounds_from_forward
from .data import two_gaussians
from .hessian import assemble_hessian
from .model import Forward, Net
from .probes import macro_f1, predict_labels
from .progress import progress_bar
from .training import METHODS, TrainConfig, history_from_snapshots, train

__all__ = [
    "SweepConfig",
    "SweepResult",
    "run_sweep",
    "CompareConfig",
    "ComparisonResult",
    "run_comparison",
    "critical_point_stats",
    "remove_duplicates",
    "initial_parameters",
    "top_bottom_groups",
    "low_high_groups",
    "default_cache_dir",
    "default_executor",
]

STAT_KEYS = (
    "lambda_max",
    "lambda_min",
    "eig_mean",
    "eig_std",
    "ws_upper",
    "ws_lower",
    "trace",
    "trace_squared",
    "norm_theta1",
    "norm_theta2",
    "gram_norm",
    "train_loss",
    "test_f1",
)


def _version() -> str:
    from . import __version__

    return __version__


# ----- configuration -------------------------------------------------------------------------
def _check_pos(name, value, integer=False):
    t = numbers.Integral if integer else numbers.Real
    if (
        isinstance(value, bool)
        or not isinstance(value, t)
        or not value > 0
        or not np.isfinite(value)
    ):
        raise ValueError(
            f"{name} must be a positive {'integer' if integer else 'number'}, got {value!r}"
        )


def _coerce_floats(cfg, names):
    """Store real-valued settings as floats, so that -20 and -20.0 give one cache key."""
    for name in names:
        v = getattr(cfg, name)
        if isinstance(v, numbers.Real) and not isinstance(v, bool):
            object.__setattr__(cfg, name, float(v))


@dataclass(frozen=True)
class SweepConfig:
    """Every setting of a critical-point sweep. The papers leave most of them blank: the
    defaults are this project's calibrated choices (see the book's calibration page).

    seeds: ``range(seed_start, seed_start + n_seeds)``, one network per seed, initial
    parameters ``uniform(init_low, init_high)`` from ``default_rng(seed)``; data: the two
    Gaussians (``n_train``, ``n_test``, ``mean0``, ``mean1``, ``var``, ``data_seed``); plain GD
    with ``lr`` up to ``max_iter`` iterations, critical point when |grad L| < tol |grad L_0|;
    duplicates: points closer than ``mean - dedup_k * std`` of all pairwise distances.
    """

    n_seeds: int = 3000
    seed_start: int = 0
    d_in: int = 2
    d_hidden: int = 3
    activation: str = "sigmoid"
    init_low: float = -20.0
    init_high: float = 20.0
    lr: float = 4.0
    max_iter: int = 20_000
    tol: float = 1e-3
    dedup_k: float = 3.0
    n_train: int = 100
    n_test: int = 1000
    mean0: tuple[float, float] = (-1.0, -1.0)
    mean1: tuple[float, float] = (1.0, 1.0)
    var: float = 2.0
    data_seed: int = 0

    def __post_init__(self):
        _coerce_floats(self, ("init_low", "init_high", "lr", "tol", "dedup_k", "var"))
        for name in ("n_seeds", "d_hidden", "max_iter", "n_train", "n_test"):
            _check_pos(name, getattr(self, name), integer=True)
        if self.d_in != 2:
            raise ValueError(f"d_in must be 2 (the papers' 2-D task), got {self.d_in!r}")
        for name in ("lr", "tol", "var"):
            _check_pos(name, getattr(self, name))
        for name in ("seed_start", "data_seed"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
                raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
        if not (
            np.isfinite(self.init_low)
            and np.isfinite(self.init_high)
            and self.init_low < self.init_high
        ):
            raise ValueError(
                f"init_low < init_high must hold (finite), got {self.init_low!r}, "
                f"{self.init_high!r}"
            )
        if not isinstance(self.dedup_k, numbers.Real) or not np.isfinite(self.dedup_k):
            raise ValueError(f"dedup_k must be a finite number, got {self.dedup_k!r}")
        object.__setattr__(self, "mean0", tuple(float(v) for v in self.mean0))
        object.__setattr__(self, "mean1", tuple(float(v) for v in self.mean1))
        Net(self.d_in, self.d_hidden, self.activation)  # validates the activation

    @property
    def net(self) -> Net:
        return Net(self.d_in, self.d_hidden, self.activation)

    def dataset(self):
        return two_gaussians(
            self.n_train, self.n_test, self.mean0, self.mean1, self.var, self.data_seed
        )

    def to_dict(self) -> dict:
        return asdict(self)


def _configure(cls, config, overrides: dict, what: str):
    """``config`` (default ``cls()``) with keyword ``overrides`` applied, all validated."""
    cfg = config if config is not None else cls()
    if not isinstance(cfg, cls):
        raise ValueError(f"config must be a {cls.__name__}, got {type(cfg).__name__}")
    if overrides:
        unknown = set(overrides) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown {what} setting(s) {sorted(unknown)}")
        cfg = replace(cfg, **overrides)
    return cfg


def initial_parameters(net: Net, seeds, low: float, high: float) -> np.ndarray:
    """``(len(seeds), n)``: row i drawn from ``uniform(low, high)`` by ``default_rng(seeds[i])``."""
    return np.stack([np.random.default_rng(int(s)).uniform(low, high, net.n_params) for s in seeds])


# ----- executor plumbing -----------------------------------------------------------------------
def _train_chunk(args):
    """Worker: train one chunk of networks (top-level so that it pickles)."""
    net_args, theta0, X, y, cfg_dict, threads = args
    if threads is not None:
        try:
            import numba

            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        except ImportError:
            pass
    res = train(Net(*net_args), theta0, X, y, TrainConfig(**cfg_dict))
    return (
        res.theta,
        res.converged,
        res.n_iter,
        res.grad_norm0,
        res.grad_norm,
        res.history,
        res.diverged,
    )


def _chunks(n: int, chunk_size: int | None, workers: int):
    if chunk_size is None:
        chunk_size = max(1, math.ceil(n / (4 * workers)))
    _check_pos("chunk_size", chunk_size, integer=True)
    return [(i, min(i + chunk_size, n)) for i in range(0, n, chunk_size)]


def _map(tasks, executor: Executor | None, desc: str, quiet: bool, sizes):
    """Run ``_train_chunk`` over tasks, in order, with a progress bar over networks."""
    own = executor is None
    if own:
        executor = default_executor()
    if not isinstance(executor, Executor):
        raise ValueError(f"executor must be a concurrent.futures.Executor, got {executor!r}")
    bar = progress_bar(sum(sizes), desc, quiet=quiet, unit="net")
    try:
        futures = [executor.submit(_train_chunk, t) for t in tasks]
        results = []
        for fut, size in zip(futures, sizes, strict=True):
            results.append(fut.result())
            bar.update(size)
        return results
    finally:
        bar.close()
        if own:
            executor.shutdown()


def default_executor(max_workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool over the machine's cores, started with ``forkserver``.

    In a script (not a notebook), call sweeps under ``if __name__ == "__main__":``, as with
    any spawn or forkserver pool: the workers import the main module.

    Not ``fork``: numba's OpenMP threading layer aborts in a child forked from a process
    that has run a parallel kernel. Pass your own pools made the same way
    (``mp_context=multiprocessing.get_context("forkserver")`` or ``"spawn"``).
    """
    pool = ProcessPoolExecutor(
        max_workers=max_workers or os.cpu_count() or 1,
        mp_context=multiprocessing.get_context("forkserver"),
    )
    pool._hsr_default = True  # its workers, like those of the pool a sweep makes, get 1 thread
    return pool


def _worker_threads(executor) -> int | None:
    """numba threads per worker: 1 in the pools hsr makes (one per core already), else
    numba's own default in a pool of the caller's."""
    return 1 if executor is None or getattr(executor, "_hsr_default", False) else None


def _worker_count(executor) -> int:
    if executor is None:
        return os.cpu_count() or 1
    return getattr(executor, "_max_workers", None) or os.cpu_count() or 1


# ----- caching ---------------------------------------------------------------------------------
def default_cache_dir() -> Path:
    """``$HSR_CACHE_DIR``, else ``$XDG_CACHE_HOME/hsr``, else ``~/.cache/hsr``."""
    if os.environ.get("HSR_CACHE_DIR"):
        return Path(os.environ["HSR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hsr"


#: bumped whenever the layout of cached results changes
CACHE_FORMAT = 2


def _cache_key(kind: str, params: dict) -> str:
    blob = json.dumps(
        {"kind": kind, "version": _version(), "format": CACHE_FORMAT, **params},
        sort_keys=True,
        default=str,
    )
    return f"{kind}-{hashlib.sha256(blob.encode()).hexdigest()[:20]}"


def _cache_load(cache_dir, key):
    if cache_dir is False:
        return None
    path = Path(cache_dir or default_cache_dir()) / f"{key}.npz"
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError) as exc:  # unreadable: recompute
        warnings.warn(f"ignoring unreadable cache file {path}: {exc}", stacklevel=3)
        return None
    meta = json.loads(str(arrays.pop("__meta__")))
    return arrays, meta


def _cache_save(cache_dir, key, arrays: dict, meta: dict):
    if cache_dir is False:
        return
    d = Path(cache_dir or default_cache_dir())
    d.mkdir(parents=True, exist_ok=True)
    tmp = d / f".{key}.{os.getpid()}.tmp.npz"
    np.savez_compressed(tmp, __meta__=np.array(json.dumps(meta)), **arrays)
    os.replace(tmp, d / f"{key}.npz")


# ----- duplicates, statistics, groups ------------------------------------------------------------
def remove_duplicates(points: np.ndarray, k: float) -> tuple[np.ndarray, float]:
    """Indices of the points kept once, and the threshold used.

    The threshold is ``mean - k * std`` of all pairwise Euclidean distances (the papers'
    form, its constant blank in the text); points are visited in order and a point is kept
    when it is at least the threshold away from every point kept before it.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2:
        raise ValueError(f"points must be 2-D (M, n), got shape {points.shape}")
    M = points.shape[0]
    if M <= 1:
        return np.arange(M), float("nan")
    dist = pdist(points)
    threshold = float(dist.mean() - k * dist.std())
    D = squareform(dist)
    keep = []
    for i in range(M):
        if all(D[i, j] >= threshold for j in keep):
            keep.append(i)
    return np.asarray(keep, dtype=int), threshold


def critical_point_stats(net: Net, theta: np.ndarray, dataset, chunk: int = 4096) -> dict:
    """Per-point statistics ``(M,)`` for parameters ``(M, n)`` (keys ``STAT_KEYS``).

    Spectrum (``eigvalsh`` of the closed-form Hessian): lambda_max, lambda_min, eig_mean,
    eig_std; WS: ws_upper, ws_lower, trace, trace_squared; norm_theta1, norm_theta2;
    gram_norm = |At At^T|_F with At the hidden outputs with the 1 prepended (N x (h+1));
    train_loss; test_f1 = macro-F1 on the test set.
    """
    theta = net.check_theta(theta)
    theta = theta[None] if theta.ndim == 1 else theta
    out = {k: [] for k in STAT_KEYS}
    X, y = net.check_data(dataset.X_train, dataset.y_train)
    for lo in range(0, theta.shape[0], chunk):
        th = theta[lo : lo + chunk]
        fw = Forward.compute(net, th, X, y)
        spec = np.linalg.eigvalsh(assemble_hessian(fw))
        b = bounds_from_forward(fw)
        t1, t2 = net.split(th)
        At = np.concatenate([np.ones(fw.A.shape[:2] + (1,)), fw.A], axis=2)
        gram = np.linalg.norm(At @ At.transpose(0, 2, 1), axis=(1, 2))
        pred = predict_labels(net, th, dataset.X_test)
        vals = dict(
            lambda_max=spec[:, -1],
            lambda_min=spec[:, 0],
            eig_mean=spec.mean(axis=1),
            eig_std=spec.std(axis=1),
            ws_upper=b.upper,
            ws_lower=b.lower,
            trace=b.trace,
            trace_squared=b.trace_squared,
            norm_theta1=np.linalg.norm(t1, axis=1),
            norm_theta2=np.linalg.norm(t2, axis=1),
            gram_norm=gram,
            train_loss=fw.per_sample_loss().mean(axis=1),
            test_f1=np.atleast_1d(macro_f1(dataset.y_test, np.atleast_2d(pred))),
        )
        for k in STAT_KEYS:
            out[k].append(vals[k])
    return {k: np.concatenate(v) for k, v in out.items()}


def _check_frac(frac, name: str = "frac"):
    if isinstance(frac, bool) or not isinstance(frac, numbers.Real) or not 0 < frac < 1:
        raise ValueError(f"{name} must be a number in (0, 1), got {frac!r}")


def top_bottom_groups(values: np.ndarray, frac: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the bottom and top ``frac`` of ``values`` (HSR: Flat and Sharp seeds).

    Bottom: ``values <= quantile(frac)``; top: ``values >= quantile(1 - frac)`` (linear
    interpolation, so 1,124 points give 113 and 113). Each sorted by value.
    """
    _check_frac(frac)
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array, got shape {v.shape}")
    lo, hi = np.quantile(v, frac), np.quantile(v, 1 - frac)
    bottom = np.flatnonzero(v <= lo)
    top = np.flatnonzero(v >= hi)
    return bottom[np.argsort(v[bottom], kind="stable")], top[np.argsort(v[top], kind="stable")]


def low_high_groups(values: np.ndarray, frac_high: float = 0.1):
    """Indices of the Low (below ``quantile(1 - frac_high)``) and High groups (WS Fig. 7)."""
    _check_frac(frac_high)
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array, got shape {v.shape}")
    hi = np.quantile(v, 1 - frac_high)
    return np.flatnonzero(v < hi), np.flatnonzero(v >= hi)


# ----- the sweep ---------------------------------------------------------------------------------
@dataclass
class SweepResult:
    """A sweep's outcome.

    ``seeds (S,)``, ``theta0 (S, n)``, ``theta (S, n)`` final, ``converged (S,)``,
    ``n_iter (S,)``, ``diverged (S,)``; ``unique (M,)`` indices into the seeds of the
    unique critical points;
    ``threshold`` the duplicate distance; ``stats``: a dict of ``(M,)`` arrays (STAT_KEYS)
    for the unique points; ``config`` the SweepConfig as a dict.
    """

    config: dict
    seeds: np.ndarray
    theta0: np.ndarray
    theta: np.ndarray
    converged: np.ndarray
    n_iter: np.ndarray
    unique: np.ndarray
    threshold: float
    diverged: np.ndarray
    stats: dict = field(default_factory=dict)

    @property
    def n_converged(self) -> int:
        return int(self.converged.sum())

    @property
    def n_unique(self) -> int:
        return int(self.unique.size)

    @property
    def points(self) -> np.ndarray:
        """Parameters of the unique critical points ``(M, n)``."""
        return self.theta[self.unique]

    def summary(self) -> dict:
        return {
            "seeds": int(self.seeds.size),
            "converged": self.n_converged,
            "unique": self.n_unique,
            "diverged": int(self.diverged.sum()),
            "threshold": self.threshold,
        }

    def _arrays(self):
        arr = {
            k: getattr(self, k)
            for k in ("seeds", "theta0", "theta", "converged", "n_iter", "unique", "diverged")
        }
        arr.update({f"stat_{k}": v for k, v in self.stats.items()})
        return arr

    @classmethod
    def _from(cls, arrays, meta):
        stats = {k[5:]: v for k, v in arrays.items() if k.startswith("stat_")}
        base = {k: v for k, v in arrays.items() if not k.startswith("stat_")}
        return cls(config=meta["config"], threshold=meta["threshold"], stats=stats, **base)


def run_sweep(
    config: SweepConfig | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    cache_dir: str | os.PathLike | None | bool = None,
    force: bool = False,
    quiet: bool = False,
    **overrides,
) -> SweepResult:
    """Run (or load from the cache) a critical-point sweep.

    ``config`` fields may be overridden by keyword (``run_sweep(n_seeds=500, d_hidden=10)``).
    ``executor``: any ``concurrent.futures.Executor`` (default: :func:`default_executor`, a
    forkserver process pool over all cores, numba limited to one thread per worker; a dask
    ``client.get_executor()`` works as it is); ``chunk_size``: seeds per task;
    ``cache_dir``: folder of the cache (default :func:`default_cache_dir`; ``False``
    disables it); ``force``: recompute even if cached; ``quiet``: no progress bar.
    """
    cfg = _configure(SweepConfig, config, overrides, "sweep")
    if chunk_size is not None:
        _check_pos("chunk_size", chunk_size, integer=True)
    key = _cache_key("sweep", cfg.to_dict())
    if not force:
        hit = _cache_load(cache_dir, key)
        if hit is not None:
            return SweepResult._from(*hit)

    net, data = cfg.net, cfg.dataset()
    seeds = np.arange(cfg.seed_start, cfg.seed_start + cfg.n_seeds)
    theta0 = initial_parameters(net, seeds, cfg.init_low, cfg.init_high)
    tcfg = TrainConfig(method="baseline", lr=cfg.lr, max_iter=cfg.max_iter, tol=cfg.tol).to_dict()
    threads = _worker_threads(executor)
    spans = _chunks(cfg.n_seeds, chunk_size, _worker_count(executor))
    net_args = (net.d_in, net.d_hidden, net.activation)
    tasks = [(net_args, theta0[a:b], data.X_train, data.y_train, tcfg, threads) for a, b in spans]
    results = _map(tasks, executor, f"sweep h={cfg.d_hidden}", quiet, [b - a for a, b in spans])
    theta = np.concatenate([r[0] for r in results])
    converged = np.concatenate([r[1] for r in results])
    n_iter = np.concatenate([r[2] for r in results])
    diverged = np.concatenate([r[6] for r in results])

    conv_idx = np.flatnonzero(converged)
    keep, threshold = remove_duplicates(theta[conv_idx], cfg.dedup_k)
    unique = conv_idx[keep]
    stats = (
        critical_point_stats(net, theta[unique], data)
        if unique.size
        else {k: np.zeros(0) for k in STAT_KEYS}
    )
    result = SweepResult(
        cfg.to_dict(),
        seeds,
        theta0,
        theta,
        converged,
        n_iter,
        unique,
        threshold,
        diverged,
        stats,
    )
    _cache_save(cache_dir, key, result._arrays(), {"config": cfg.to_dict(), "threshold": threshold})
    return result


# ----- the comparison of methods ------------------------------------------------------------
@dataclass(frozen=True)
class CompareConfig:
    """Settings of the method comparison (HSR Section VI-B).

    methods: which of ``METHODS``; max_iter 10,000 and reg_iters 5,000 (the sharpness term
    acts in the first reg_iters iterations; HSR Section VI-B); lr: the sweep's learning rate
    (4, blank in the paper); alpha = beta = 1 (blank in the paper: HSR Reg. then descends the
    unweighted sum L + lambda_WS); hessian_weight 0.01 and rho 0.1 (the paper's values);
    eta 0.01 (A-SAM's default in Kwon et al.); record_every: history stride; record: the
    quantities recorded.
    """

    methods: tuple[str, ...] = METHODS
    lr: float = 4.0
    max_iter: int = 10_000
    reg_iters: int = 5_000
    tol: float = 1e-3
    alpha: float = 1.0
    beta: float = 1.0
    hessian_weight: float = 0.01
    rho: float = 0.1
    eta: float = 0.01
    record_every: int = 100
    record: tuple[str, ...] = ("loss", "lambda_max")

    def __post_init__(self):
        _coerce_floats(self, ("lr", "tol", "alpha", "beta", "hessian_weight", "rho", "eta"))
        object.__setattr__(self, "methods", tuple(self.methods))
        object.__setattr__(self, "record", tuple(self.record))
        if not self.methods:
            raise ValueError("methods must name at least one method")
        bad = [m for m in self.methods if m not in METHODS]
        if bad:
            raise ValueError(f"methods must be from {list(METHODS)}, got {bad}")
        for m in self.methods:
            self.train_config(m)  # validates every setting

    def train_config(self, method: str) -> TrainConfig:
        return TrainConfig(
            method=method,
            lr=self.lr,
            max_iter=self.max_iter,
            tol=self.tol,
            reg_iters=self.reg_iters,
            alpha=self.alpha,
            beta=self.beta,
            hessian_weight=self.hessian_weight,
            rho=self.rho,
            eta=self.eta,
            record_every=self.record_every,
            record=self.record,
        )

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class ComparisonResult:
    """Per method: ``theta (S, n)``, ``converged``, ``n_iter``, ``diverged``, ``stats``
    (STAT_KEYS, each ``(S,)``) and ``history`` (``iterations (T,)`` and ``(T, S)`` arrays);
    ``seeds (S,)``
    and ``group (S,)`` (the label of each seed's group, e.g. "Flat"/"Sharp")."""

    config: dict
    sweep_config: dict
    seeds: np.ndarray
    group: np.ndarray
    theta0: np.ndarray
    methods: dict = field(default_factory=dict)


def _merge_histories(parts: list[dict]) -> dict:
    """Join the parameter snapshots of chunks trained separately: ``iterations (T,)`` and
    ``theta (T, S, n)``, exactly those a single call over all networks records.

    A chunk's history stops at its last network's stop (its last row is its final point), so
    shorter chunks are padded with their last row: a stopped network keeps its final
    parameters, as within one call. The longest chunk's iterations are the joint ones.
    """
    if not parts or "theta" not in parts[0]:
        return {}
    longest = max(parts, key=lambda h: h["iterations"].size)
    T = longest["iterations"].size
    padded = []
    for h in parts:
        a = h["theta"]
        if a.shape[0] < T:
            a = np.concatenate([a, np.repeat(a[-1:], T - a.shape[0], axis=0)])
        padded.append(a)
    return {"iterations": longest["iterations"], "theta": np.concatenate(padded, axis=1)}


def run_comparison(
    sweep: SweepResult,
    groups: dict[str, np.ndarray],
    config: CompareConfig | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    cache_dir=None,
    force: bool = False,
    quiet: bool = False,
    **overrides,
) -> ComparisonResult:
    """Retrain the seeds of ``groups`` (name -> indices into ``sweep.unique``) by each method.

    Every method starts from the seeds' initial parameters ``sweep.theta0``; the data are the
    sweep's. Same executor, chunking and cache options as :func:`run_sweep`.
    """
    cfg = _configure(CompareConfig, config, overrides, "comparison")
    if not groups:
        raise ValueError("groups must name at least one group of seeds")
    names, idx = [], []
    for name, ix in groups.items():
        ix = np.asarray(ix, dtype=int)
        if ix.ndim != 1 or ix.size == 0 or ix.min() < 0 or ix.max() >= sweep.n_unique:
            raise ValueError(
                f"group {name!r} must be a non-empty list of indices into the "
                f"{sweep.n_unique} unique points"
            )
        names += [name] * ix.size
        idx.append(ix)
    idx = np.concatenate(idx)
    seed_rows = sweep.unique[idx]
    scfg = SweepConfig(
        **{k: (tuple(v) if isinstance(v, list) else v) for k, v in sweep.config.items()}
    )
    key = _cache_key(
        "compare",
        {
            "sweep": scfg.to_dict(),
            "compare": cfg.to_dict(),
            "rows": seed_rows.tolist(),
            "groups": names,
        },
    )
    net, data = scfg.net, scfg.dataset()
    theta0 = sweep.theta0[seed_rows]
    result = ComparisonResult(
        cfg.to_dict(), scfg.to_dict(), sweep.seeds[seed_rows], np.asarray(names), theta0
    )
    if not force:
        hit = _cache_load(cache_dir, key)
        if hit is not None:
            arrays, _ = hit
            for m in cfg.methods:
                pre = f"{m}__"
                sub = {k[len(pre) :]: v for k, v in arrays.items() if k.startswith(pre)}
                result.methods[m] = {
                    "theta": sub["theta"],
                    "converged": sub["converged"],
                    "n_iter": sub["n_iter"],
                    "stats": {k[5:]: v for k, v in sub.items() if k.startswith("stat_")},
                    "history": {k[5:]: v for k, v in sub.items() if k.startswith("hist_")},
                }
            return result

    S = theta0.shape[0]
    spans = _chunks(S, chunk_size, _worker_count(executor))
    threads = _worker_threads(executor)
    net_args = (net.d_in, net.d_hidden, net.activation)
    tasks, sizes, owners = [], [], []
    for m in cfg.methods:
        # workers record parameter snapshots only; the quantities are evaluated after merging
        tc = {**cfg.train_config(m).to_dict(), "record": ()}
        for a, b in spans:
            tasks.append((net_args, theta0[a:b], data.X_train, data.y_train, tc, threads))
            sizes.append(b - a)
            owners.append(m)
    results = _map(tasks, executor, f"compare x{len(cfg.methods)}", quiet, sizes)
    arrays = {}
    for m in cfg.methods:
        rs = [r for r, o in zip(results, owners, strict=True) if o == m]
        theta = np.concatenate([r[0] for r in rs])
        merged = _merge_histories([r[5] for r in rs])
        hist = {}
        if merged:
            # evaluated here on all networks at once, so that the values do not depend on how
            # the networks were split into chunks (batched numpy differs in the last bits)
            hist = history_from_snapshots(
                net, data.X_train, data.y_train, merged["theta"], cfg.record
            )
            hist["iterations"] = merged["iterations"]
        entry = {
            "theta": theta,
            "converged": np.concatenate([r[1] for r in rs]),
            "n_iter": np.concatenate([r[2] for r in rs]),
            "diverged": np.concatenate([r[6] for r in rs]),
            "stats": critical_point_stats(net, theta, data),
            "history": hist,
        }
        result.methods[m] = entry
        arrays.update(
            {
                f"{m}__theta": theta,
                f"{m}__converged": entry["converged"],
                f"{m}__n_iter": entry["n_iter"],
            }
        )
        arrays.update({f"{m}__stat_{k}": v for k, v in entry["stats"].items()})
        arrays.update({f"{m}__hist_{k}": v for k, v in hist.items()})
    _cache_save(cache_dir, key, arrays, {"config": cfg.to_dict()})
    return result
