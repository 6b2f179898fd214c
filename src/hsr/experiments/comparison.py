"""The comparison of methods (HSR Section VI-B): the Flat and Sharp seeds of a sweep,
retrained by Baseline, Hessian Reg., A-SAM and HSR Reg. with the two-phase schedule."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field

import numpy as np

from .methods import METHODS
from .runtime.cache import ChunkStore, cache_key, cache_load, cache_lock, cache_save
from .runtime.parallel import chunk_spans, executor_scope, worker_count, worker_threads
from .sweeps import (
    SweepConfig,
    SweepResult,
    coerce_floats,
    configure,
    critical_point_stats,
    from_parameters,
)
from .training import TrainConfig, history_from_snapshots, train_chunks

__all__ = ["CompareConfig", "ComparisonResult", "run_comparison"]


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
        coerce_floats(self, ("lr", "tol", "alpha", "beta", "hessian_weight", "rho", "eta"))
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

    #: the notebooks' names of the settings that differ from the field names (the sweep's
    #: ``lr`` and ``max_iter`` are the sweep's own)
    NOTEBOOK_NAMES = {"cmp_lr": "lr", "cmp_max_iter": "max_iter", "cmp_methods": "methods"}

    @classmethod
    def from_parameters(cls, params: dict) -> CompareConfig:
        """The config from a notebook's parameters (e.g. ``globals()``): ``cmp_lr``,
        ``cmp_max_iter`` (and ``cmp_methods``) for ``lr``, ``max_iter`` (``methods``), every
        other field by its own name (``reg_iters``, ``tol``, ``alpha``, ``beta``, ...)."""
        return from_parameters(cls, params, cls.NOTEBOOK_NAMES)


@dataclass
class ComparisonResult:
    """Per method: ``theta (S, n)``, ``converged``, ``n_iter``, ``diverged``, ``stats``
    (STAT_KEYS, each ``(S,)``) and ``history`` (``iterations (T,)`` and ``(T, S)`` arrays);
    ``seeds (S,)``
    and ``group (S,)`` (the label of each seed's group, e.g. "Flat"/"Sharp")."""

    config: CompareConfig
    sweep_config: SweepConfig
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
    cfg = configure(CompareConfig, config, overrides, "comparison")
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
    scfg = sweep.config
    key = cache_key(
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
    result = ComparisonResult(cfg, scfg, sweep.seeds[seed_rows], np.asarray(names), theta0)
    with cache_lock(cache_dir, key):  # a notebook running beside this one waits, then loads
        return _compare(
            result, cfg, key, net, data, theta0, executor, chunk_size, cache_dir, force, quiet
        )


def _compare(
    result, cfg, key, net, data, theta0, executor, chunk_size, cache_dir, force, quiet
) -> ComparisonResult:
    """The body of :func:`run_comparison`, under the entry's lock."""
    if not force:
        hit = cache_load(cache_dir, key)
        if hit is not None:
            arrays, _ = hit
            for m in cfg.methods:
                pre = f"{m}__"
                sub = {k[len(pre) :]: v for k, v in arrays.items() if k.startswith(pre)}
                result.methods[m] = {
                    "theta": sub["theta"],
                    "converged": sub["converged"],
                    "n_iter": sub["n_iter"],
                    "diverged": sub["diverged"],
                    "stats": {k[5:]: v for k, v in sub.items() if k.startswith("stat_")},
                    "history": {k[5:]: v for k, v in sub.items() if k.startswith("hist_")},
                }
            return result

    S = theta0.shape[0]
    store = ChunkStore(cache_dir, key)
    if force:
        store.clear()
    with executor_scope(executor) as ex:
        spans = chunk_spans(S, chunk_size, worker_count(ex))
        threads = worker_threads(ex)
        net_args = (net.d_in, net.d_hidden, net.activation)
        tasks, sizes, owners, names = [], [], [], []
        for m in cfg.methods:
            # workers record parameter snapshots only; the quantities are evaluated after merging
            tc = {**cfg.train_config(m).to_dict(), "record": ()}
            for a, b in spans:
                tasks.append((net_args, theta0[a:b], data.X_train, data.y_train, tc, threads))
                sizes.append(b - a)
                owners.append(m)
                names.append(f"{m}-{a}-{b}")
        desc = f"compare x{len(cfg.methods)}"
        results = train_chunks(tasks, ex, desc, quiet, sizes, store=store, names=names)
    arrays = {}
    for m in cfg.methods:
        rs = [r for r, o in zip(results, owners, strict=True) if o == m]
        theta = np.concatenate([r.theta for r in rs])
        merged = _merge_histories([r.history for r in rs])
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
            "converged": np.concatenate([r.converged for r in rs]),
            "n_iter": np.concatenate([r.n_iter for r in rs]),
            "diverged": np.concatenate([r.diverged for r in rs]),
            "stats": critical_point_stats(net, theta, data),
            "history": hist,
        }
        result.methods[m] = entry
        arrays.update(
            {
                f"{m}__theta": theta,
                f"{m}__converged": entry["converged"],
                f"{m}__n_iter": entry["n_iter"],
                f"{m}__diverged": entry["diverged"],
            }
        )
        arrays.update({f"{m}__stat_{k}": v for k, v in entry["stats"].items()})
        arrays.update({f"{m}__hist_{k}": v for k, v in hist.items()})
    cache_save(cache_dir, key, arrays, {"config": cfg.to_dict()})
    return result
