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

import numbers
import os
from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np

from ..core._checks import INT64_MAX, finite_vector, network, one_of, positive
from ..core.bounds import bounds_from_forward
from ..core.hessian import assemble_hessian
from ..core.model import Forward, Net
from .data import two_gaussians
from .groups import DEDUP_PROCEDURES, remove_duplicates
from .metrics import macro_f1, predict_labels
from .runtime.cache import ChunkStore, cache_key, cache_load, cache_lock, cache_save
from .runtime.parallel import chunk_spans, executor_scope, worker_count, worker_threads
from .seed_sets import SEED_SET_STRIDE, check_seed_set, fresh_seed
from .training import TrainConfig, train_chunks

__all__ = [
    "STAT_KEYS",
    "SweepConfig",
    "SweepResult",
    "run_sweep",
    "critical_point_stats",
    "initial_parameters",
    "configure",
    "coerce_floats",
    "from_parameters",
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


# ----- configuration -------------------------------------------------------------------------
def coerce_floats(cfg, names):
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
    duplicates: points closer than ``mean - dedup_k * std`` of all pairwise distances, merged
    by ``dedup_procedure`` (:data:`hsr.experiments.groups.DEDUP_PROCEDURES`); ``dedup_k`` = 2.92
    with greedy merging is fitted jointly to the papers' three unique counts (353, 420, 1,124;
    the calibration page).
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
    dedup_k: float = 2.92
    dedup_procedure: str = "greedy"
    n_train: int = 100
    n_test: int = 1000
    mean0: tuple[float, float] = (-1.0, -1.0)
    mean1: tuple[float, float] = (1.0, 1.0)
    var: float = 2.0
    data_seed: int = 0

    def __post_init__(self):
        coerce_floats(self, ("init_low", "init_high", "lr", "tol", "dedup_k", "var"))
        for name in ("n_seeds", "d_hidden", "max_iter", "n_train", "n_test"):
            positive(name, getattr(self, name), integer=True)
        if self.d_in != 2:
            raise ValueError(f"d_in must be 2 (the papers' 2-D task), got {self.d_in!r}")
        for name in ("lr", "tol", "var"):
            positive(name, getattr(self, name))
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
        if self.seed_start + self.n_seeds > INT64_MAX:  # the seeds are a 64-bit array
            raise ValueError(
                f"seed_start + n_seeds must be at most 2**63 - 1, got {self.seed_start!r} + "
                f"{self.n_seeds!r}"
            )
        for name in ("mean0", "mean1"):  # a point of the 2-D task
            v = tuple(float(x) for x in finite_vector(name, getattr(self, name), length=2))
            object.__setattr__(self, name, v)
        Net(self.d_in, self.d_hidden, self.activation)  # validates the activation
        one_of("dedup_procedure", self.dedup_procedure, DEDUP_PROCEDURES)

    @property
    def net(self) -> Net:
        return Net(self.d_in, self.d_hidden, self.activation)

    def dataset(self):
        return two_gaussians(
            self.n_train, self.n_test, self.mean0, self.mean1, self.var, self.data_seed
        )

    def to_dict(self) -> dict:
        return asdict(self)

    def for_seed_set(self, seed_set: int) -> SweepConfig:
        """This sweep on fresh seed set ``seed_set`` (:mod:`hsr.experiments.seed_sets`):
        ``seed_start`` and ``data_seed`` moved by ``seed_set * SEED_SET_STRIDE``, every other
        setting kept; set 0 is this config itself. A ValueError if the seed range is too
        long for the sets to stay disjoint."""
        k = check_seed_set(seed_set)
        if k == 0:
            return self
        if self.seed_start + self.n_seeds > SEED_SET_STRIDE:
            raise ValueError(
                f"seed_start + n_seeds must be at most {SEED_SET_STRIDE} for fresh seed sets "
                f"to stay disjoint, got {self.seed_start} + {self.n_seeds}"
            )
        return replace(
            self,
            seed_start=fresh_seed(self.seed_start, k),
            data_seed=fresh_seed(self.data_seed, k),
        )

    @classmethod
    def from_dict(cls, d: dict) -> SweepConfig:
        """The config back from :meth:`to_dict` (also after a JSON round trip)."""
        return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()})

    @classmethod
    def from_parameters(cls, params: dict) -> SweepConfig:
        """The config from a notebook's parameters (e.g. ``globals()``): every entry whose
        name is a field of this class, the rest ignored. One line in every notebook instead
        of a block of ``n_seeds=int(n_seeds), ...``. A ``seed_set`` entry (default 0, the
        book's seeds) moves the seeds to that fresh seed set (:meth:`for_seed_set`)."""
        seed_set = check_seed_set(params.get("seed_set", 0)) if isinstance(params, dict) else 0
        return from_parameters(cls, params).for_seed_set(seed_set)


def from_parameters(cls, params: dict, rename: dict | None = None):
    """``cls`` built from the entries of ``params`` named like its fields (after ``rename``,
    a map from parameter names to field names); lists become tuples. Unknown names are
    ignored, so a notebook can pass ``globals()``."""
    if not isinstance(params, dict):
        raise ValueError(f"params must be a dict of parameters, got {type(params).__name__}")
    rename = rename or {}
    names = {f.name for f in fields(cls)}
    chosen = {}
    for key, value in params.items():
        field_name = rename.get(key, key if key not in rename.values() else None)
        if field_name in names:
            chosen[field_name] = tuple(value) if isinstance(value, list) else value
    return cls(**chosen)


def configure(cls, config, overrides: dict, what: str):
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
    network("net", net)
    return np.stack([np.random.default_rng(int(s)).uniform(low, high, net.n_params) for s in seeds])


# ----- per-point statistics ----------------------------------------------------------------
def critical_point_stats(net: Net, theta: np.ndarray, dataset, chunk: int = 4096) -> dict:
    """Per-point statistics ``(M,)`` for parameters ``(M, n)`` (keys ``STAT_KEYS``).

    Spectrum (``eigvalsh`` of the closed-form Hessian): lambda_max, lambda_min, eig_mean,
    eig_std; WS: ws_upper, ws_lower, trace, trace_squared; norm_theta1, norm_theta2;
    gram_norm = |At At^T|_F with At the hidden outputs with the 1 prepended (N x (h+1));
    train_loss; test_f1 = macro-F1 on the test set.
    """
    network("net", net)
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


# ----- the sweep ---------------------------------------------------------------------------------
@dataclass
class SweepResult:
    """A sweep's outcome.

    ``seeds (S,)``, ``theta0 (S, n)``, ``theta (S, n)`` final, ``converged (S,)``,
    ``n_iter (S,)``, ``diverged (S,)``; ``unique (M,)`` indices into the seeds of the
    unique critical points;
    ``threshold`` the duplicate distance; ``stats``: a dict of ``(M,)`` arrays (STAT_KEYS)
    for the unique points; ``config`` the :class:`SweepConfig`.
    """

    config: SweepConfig
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
        config = SweepConfig.from_dict(meta["config"])
        return cls(config=config, threshold=meta["threshold"], stats=stats, **base)


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
    ``executor``: any ``concurrent.futures.Executor`` (default: the dask cluster named by
    ``$HSR_SCHEDULER`` if set, else a forkserver process pool over all cores, numba limited to
    one thread per worker; a dask ``client.get_executor()`` works as it is); ``chunk_size``:
    seeds per task; ``cache_dir``: folder of the cache (default: ``$HSR_CACHE_DIR``, else
    ``~/.cache/hsr``; ``False`` disables it); ``force``: recompute even if cached;
    ``quiet``: no progress bar. Finished chunks are cached as they arrive: an interrupted
    call, made again, resumes from them (:mod:`hsr.experiments.runtime.cache`).
    """
    cfg = configure(SweepConfig, config, overrides, "sweep")
    if chunk_size is not None:
        positive("chunk_size", chunk_size, integer=True)
    key = cache_key("sweep", cfg.to_dict())
    with cache_lock(cache_dir, key):  # a notebook running beside this one waits, then loads
        return _sweep(cfg, key, executor, chunk_size, cache_dir, force, quiet)


def _sweep(cfg, key, executor, chunk_size, cache_dir, force, quiet) -> SweepResult:
    """The body of :func:`run_sweep`, under the entry's lock."""
    if not force:
        hit = cache_load(cache_dir, key)
        if hit is not None:
            return SweepResult._from(*hit)

    net, data = cfg.net, cfg.dataset()
    seeds = np.arange(cfg.seed_start, cfg.seed_start + cfg.n_seeds)
    theta0 = initial_parameters(net, seeds, cfg.init_low, cfg.init_high)
    tcfg = TrainConfig(method="baseline", lr=cfg.lr, max_iter=cfg.max_iter, tol=cfg.tol).to_dict()
    store = ChunkStore(cache_dir, key)
    if force:
        store.clear()
    with executor_scope(executor) as ex:
        threads = worker_threads(ex)
        spans = chunk_spans(cfg.n_seeds, chunk_size, worker_count(ex))
        net_args = (net.d_in, net.d_hidden, net.activation)
        tasks = [
            (net_args, theta0[a:b], data.X_train, data.y_train, tcfg, threads) for a, b in spans
        ]
        sizes = [b - a for a, b in spans]
        names = [f"{a}-{b}" for a, b in spans]
        results = train_chunks(
            tasks, ex, f"sweep h={cfg.d_hidden}", quiet, sizes, store=store, names=names
        )
    theta = np.concatenate([r.theta for r in results])
    converged = np.concatenate([r.converged for r in results])
    n_iter = np.concatenate([r.n_iter for r in results])
    diverged = np.concatenate([r.diverged for r in results])

    conv_idx = np.flatnonzero(converged)
    keep, threshold = remove_duplicates(theta[conv_idx], cfg.dedup_k, cfg.dedup_procedure)
    unique = conv_idx[keep]
    stats = (
        critical_point_stats(net, theta[unique], data)
        if unique.size
        else {k: np.zeros(0) for k in STAT_KEYS}
    )
    result = SweepResult(
        cfg,
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
    cache_save(cache_dir, key, result._arrays(), {"config": cfg.to_dict(), "threshold": threshold})
    return result
