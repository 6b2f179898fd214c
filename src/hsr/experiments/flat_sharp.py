"""The setup HSR Figs. 10-15 share: a sweep, its Flat and Sharp seeds, and the comparison of the
methods retrained from them (HSR Sections VI-A and VI-B), from a notebook's parameters.

A module of its own, apart from :mod:`hsr.experiments.comparison`: the cache keys of sweeps and
comparisons hash the source of the modules that compute them
(:func:`hsr.experiments.runtime.cache.code_fingerprint`), and this one computes nothing new, so
adding or changing it keeps every cached entry valid."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from ..core._checks import fraction
from ..core.model import Net
from .comparison import CompareConfig, ComparisonResult, run_comparison
from .data import Dataset
from .groups import top_bottom_groups
from .methods import METHOD_LABELS
from .sweeps import SweepConfig, SweepResult, run_sweep

__all__ = ["FlatSharpComparison", "flat_sharp_comparison"]


@dataclass
class FlatSharpComparison:
    """What every notebook of HSR Figs. 10-15 starts from (:func:`flat_sharp_comparison`):
    the ``sweep``, its network ``net`` and data ``data`` (training inputs ``X (N, 2)`` and
    labels ``y (N,)``), the Flat and Sharp seeds (``flat``, ``sharp``: indices into the
    sweep's unique points, bottom and top ``group_frac`` of lambda_WS, each sorted by it), the
    comparison ``cmp`` of the methods retrained from them, ``methods`` (the compared methods
    in the papers' order, :data:`~hsr.experiments.methods.METHOD_LABELS`) and ``in_group``
    (``"Flat"``, ``"Sharp"`` -> a boolean mask ``(S,)`` over the comparison's seeds)."""

    sweep: SweepResult
    net: Net
    data: Dataset
    X: np.ndarray
    y: np.ndarray
    flat: np.ndarray
    sharp: np.ndarray
    cmp: ComparisonResult
    methods: list[str]
    in_group: dict[str, np.ndarray]


def flat_sharp_comparison(
    parameters: dict,
    executor: Executor | None = None,
    cache_dir=None,
    quiet: bool = True,
) -> FlatSharpComparison:
    """The setup of HSR Figs. 10-15 from a notebook's ``parameters`` (e.g. ``globals()``):
    the sweep of :meth:`SweepConfig.from_parameters <hsr.experiments.sweeps.SweepConfig>`
    (:func:`~hsr.experiments.sweeps.run_sweep`), its Flat and Sharp seeds
    (:func:`~hsr.experiments.groups.top_bottom_groups` of lambda_WS at
    ``parameters["group_frac"]``, default 0.1: HSR Section VI-A) and the comparison of
    :meth:`CompareConfig.from_parameters <hsr.experiments.comparison.CompareConfig>` on them
    (:func:`~hsr.experiments.comparison.run_comparison`, groups "Flat" and "Sharp"). The
    configs are those a notebook builds itself, so the cache entries are the same.
    ``executor``, ``cache_dir``, ``quiet``: as for :func:`run_sweep` (quiet by default).

    Raises a ValueError on a bad parameter before any run, and a RuntimeError when the sweep
    finds no critical point (there is nothing to compare)."""
    sweep_cfg = SweepConfig.from_parameters(parameters)
    cmp_cfg = CompareConfig.from_parameters(parameters)
    group_frac = float(fraction("group_frac", parameters.get("group_frac", 0.1)))
    sweep = run_sweep(sweep_cfg, executor=executor, cache_dir=cache_dir, quiet=quiet)
    if sweep.n_unique == 0:
        raise RuntimeError(
            f"the sweep found no critical point among {sweep_cfg.n_seeds} seeds: raise n_seeds "
            "or max_iter"
        )
    data = sweep_cfg.dataset()
    flat, sharp = top_bottom_groups(sweep.stats["ws_upper"], group_frac)
    groups = {"Flat": flat, "Sharp": sharp}
    cmp = run_comparison(
        sweep, groups, cmp_cfg, executor=executor, cache_dir=cache_dir, quiet=quiet
    )
    return FlatSharpComparison(
        sweep=sweep,
        net=sweep_cfg.net,
        data=data,
        X=data.X_train,
        y=data.y_train,
        flat=flat,
        sharp=sharp,
        cmp=cmp,
        methods=[m for m in METHOD_LABELS if m in cmp.methods],  # the papers' order
        in_group={g: cmp.group == g for g in groups},
    )
