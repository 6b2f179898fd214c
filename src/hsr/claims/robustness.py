"""How the headline claims fare when the constants the papers leave blank change.

The extracted papers leave the class means, the training-set size, the initial interval and
the learning rate blank; :mod:`hsr.experiments.sweeps` fixes them once (calibration page).
Here each is moved away from its calibrated value, one at a time, and the headline claims are
re-tested with the same functions as their figure pages (:mod:`hsr.verdicts`):

- WS Fig. 2 (tightness), WS Fig. 7 (High group worse), WS Fig. 11 (width raises the bound)
  on two WS-style sweeps (``d_h`` 3 and 10);
- HSR Fig. 9 (tight; skewed; groups), Fig. 12 (ordering of the methods) and Fig. 14
  (macro-F1) on an HSR-style sweep and the comparison of the four methods on its Flat and
  Sharp seeds.

Every run is cached on disk by its full configuration (:func:`hsr.run_sweep`), so the
default setting at the notebooks' scale costs nothing twice.

>>> [s.name for s in one_at_a_time(separation=(0.5,), n_train=(), init_width=(), lr=(2.0,))]
['calibrated', 'separation 0.5', 'learning rate 2']
"""

from __future__ import annotations

import contextlib
import numbers
from dataclasses import dataclass, field

import numpy as np

from ..core._checks import fraction, positive_values
from ..core.activations import ACTIVATIONS
from ..experiments.comparison import CompareConfig, run_comparison
from ..experiments.groups import top_bottom_groups
from ..experiments.runtime.parallel import executor_scope
from ..experiments.runtime.progress import progress_bar
from ..experiments.stats import paired_wilcoxon
from ..experiments.stepsize import gradient_norm_summary, stopping_gradient_norms
from ..experiments.sweeps import SweepConfig, run_sweep
from .ledger import Claim
from .verdicts import (
    HEADLINE,
    Outcome,
    hsr_fig09,
    hsr_fig12,
    hsr_fig14,
    ws_fig02,
    ws_fig07,
    ws_fig11,
)

__all__ = [
    "Setting",
    "Scale",
    "CONSTANTS",
    "MIN_UNIQUE",
    "one_at_a_time",
    "run_setting",
    "run_robustness",
    "held_table",
    "ActivationResult",
    "GN_LEVELS",
    "activation_sweep_row",
    "run_activation",
    "run_activations",
    "run_activation_sweeps",
]

#: absolute levels of |grad L| at the stopping points reported per activation
GN_LEVELS = (1e-3, 1e-4, 1e-6)

#: fewer unique points than this in the HSR-style sweep: its claims are not tested
MIN_UNIQUE = 10

#: the blank constants varied, as (key, label of the axis)
CONSTANTS = (
    ("separation", "class-mean separation s: means -(s, s) and (s, s)"),
    ("n_train", "training samples"),
    ("init_width", "initial interval (-w, w)"),
    ("lr", "learning rate (sweep and comparison)"),
    ("beta", "HSR Reg.'s weight beta of grad lambda_WS"),
    ("hessian_weight", "Hessian Reg.'s weight of grad tr(H)"),
    ("dedup_k", "duplicate constant k (threshold mean - k std)"),
    ("max_iter", "iteration cap of the sweeps"),
)


@dataclass(frozen=True)
class Setting:
    """One point of the grid: ``name`` (e.g. "learning rate 2"), the ``constant`` moved
    (a key of :data:`CONSTANTS`, or "" for the calibrated setting), its ``value``, the
    :class:`hsr.SweepConfig` fields it sets (``sweep``; the comparison's learning rate
    follows the sweep's) and the :class:`hsr.CompareConfig` fields it sets (``compare``)."""

    name: str
    constant: str
    value: float
    sweep: dict = field(default_factory=dict)
    compare: dict = field(default_factory=dict)


def one_at_a_time(
    separation=(0.5, 1.5),
    n_train=(50, 200),
    init_width=(10.0, 40.0),
    lr=(2.0, 8.0),
    beta=(),
    hessian_weight=(),
    dedup_k=(),
    max_iter=(),
    base: SweepConfig | None = None,
) -> list[Setting]:
    """The calibrated setting (``base``, default :class:`hsr.SweepConfig`) and, for each
    blank constant, the listed values with every other constant at its calibrated value.

    ``separation`` s puts the class means at -(s, s) and (s, s) (calibrated: 1);
    ``n_train``: training samples (even; calibrated 100); ``init_width`` w: the initial
    interval (-w, w) (calibrated 20); ``lr``: the learning rate of the sweep and of the
    comparison (calibrated 4). Defaults: one value below and one above each calibrated
    value. Also (issue: the constants HSR Section VI-B and the duplicate rule leave blank),
    by default none: ``beta``, HSR Reg.'s weight of grad lambda_WS (calibrated 1);
    ``hessian_weight``, Hessian Reg.'s weight (the paper's 0.01); ``dedup_k``, the duplicate
    constant (calibrated 2.92); ``max_iter``, the sweeps' iteration cap (calibrated 20,000)."""
    base = base if base is not None else SweepConfig()
    sep = positive_values("separation", separation)
    ntr = positive_values("n_train", n_train, integer=True, minimum=2)
    if any(n % 2 for n in ntr):
        raise ValueError(f"n_train must hold even numbers (balanced classes), got {ntr}")
    widths = positive_values("init_width", init_width)
    lrs = positive_values("lr", lr)
    betas = positive_values("beta", beta)
    hws = positive_values("hessian_weight", hessian_weight)
    ks = positive_values("dedup_k", dedup_k)
    caps = positive_values("max_iter", max_iter, integer=True, minimum=1)
    out = [Setting("calibrated", "", float("nan"), {})]
    out += [
        Setting(f"separation {s:g}", "separation", s, {"mean0": (-s, -s), "mean1": (s, s)})
        for s in sep
    ]
    out += [Setting(f"{n} training samples", "n_train", n, {"n_train": n}) for n in ntr]
    out += [
        Setting(f"initial interval ±{w:g}", "init_width", w, {"init_low": -w, "init_high": w})
        for w in widths
    ]
    out += [Setting(f"learning rate {v:g}", "lr", v, {"lr": v}) for v in lrs]
    out += [Setting(f"beta {v:g}", "beta", v, {}, {"beta": v}) for v in betas]
    out += [
        Setting(f"Hessian weight {v:g}", "hessian_weight", v, {}, {"hessian_weight": v})
        for v in hws
    ]
    out += [Setting(f"duplicate k {v:g}", "dedup_k", v, {"dedup_k": v}) for v in ks]
    out += [Setting(f"iteration cap {v:,}", "max_iter", v, {"max_iter": v}) for v in caps]
    for s in out:  # every setting is a valid configuration before any work starts
        SweepConfig(**{**base.to_dict(), **s.sweep})
        CompareConfig(**{**CompareConfig().to_dict(), **s.compare})
    return out


def _check_group_frac(group_frac):
    """Flat and Sharp (bottom and top group_frac) must not overlap."""
    fraction("group_frac", group_frac, 0.0, 0.5)


@dataclass(frozen=True)
class Scale:
    """How large each setting's runs are (default: the ``quick`` profile's sizes).

    ``n_seeds_ws``: seeds of the two WS sweeps (``d_hidden``, ``d_hidden_wide``);
    ``n_seeds_hsr``: seeds of the HSR sweep; ``cmp_max_iter``, ``reg_iters``: the
    comparison's iteration cap and regularized phase; ``group_frac``: Flat / Sharp and the
    High group's fraction."""

    n_seeds_ws: int = 150
    n_seeds_hsr: int = 400
    d_hidden: int = 3
    d_hidden_wide: int = 10
    cmp_max_iter: int = 4000
    reg_iters: int = 2000
    group_frac: float = 0.1

    def __post_init__(self):
        for name in ("n_seeds_ws", "n_seeds_hsr", "d_hidden", "d_hidden_wide", "cmp_max_iter"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if not 0 <= self.reg_iters <= self.cmp_max_iter:
            raise ValueError(
                f"reg_iters must lie in [0, cmp_max_iter={self.cmp_max_iter}], got "
                f"{self.reg_iters!r}"
            )
        _check_group_frac(self.group_frac)


def _untestable(cid: str, why: str) -> Outcome:
    paper, fig = ("WS", cid[6:]) if cid.startswith("ws-") else ("HSR", cid[7:])
    claim = Claim(
        id=cid,
        paper=paper,
        figure=f"Fig. {int(fig)}",
        claim="(not testable)",
        paper_reports="",
        measured=why,
        test="(not run)",
        verdict="does not hold",
    )
    return Outcome(claim, {})


def run_setting(
    setting: Setting,
    scale: Scale | None = None,
    base: SweepConfig | None = None,
    compare: CompareConfig | None = None,
    quiet: bool = True,
    executor=None,
) -> tuple[dict[str, Outcome], dict]:
    """Run one setting's three sweeps and its comparison, and test the headline claims.

    Returns ``(outcomes, counts)``: the :class:`hsr.verdicts.Outcome` of each claim id of
    :data:`hsr.verdicts.HEADLINE`, and the setting's counts (converged and unique points of
    each sweep, Flat and Sharp seeds). A sweep with too few unique points to test a claim
    gives that claim ``does not hold`` with the reason as its measurement. ``executor``: as
    in :func:`hsr.run_sweep` (default: a new process pool per run)."""
    scale = scale if scale is not None else Scale()
    base = base if base is not None else SweepConfig()
    compare = compare if compare is not None else CompareConfig()
    cfg = {**base.to_dict(), **setting.sweep}
    kw = dict(quiet=quiet, executor=executor)

    def sweep(n_seeds, d_hidden):
        return run_sweep(SweepConfig(**{**cfg, "n_seeds": n_seeds, "d_hidden": d_hidden}), **kw)

    ws3 = sweep(scale.n_seeds_ws, scale.d_hidden)
    ws10 = sweep(scale.n_seeds_ws, scale.d_hidden_wide)
    hs = sweep(scale.n_seeds_hsr, scale.d_hidden)
    counts = {
        "ws_converged": ws3.n_converged,
        "ws_unique": ws3.n_unique,
        "ws_wide_unique": ws10.n_unique,
        "hsr_converged": hs.n_converged,
        "hsr_unique": hs.n_unique,
    }
    out: dict[str, Outcome] = {}
    s3 = ws3.stats
    out["ws-fig02"] = ws_fig02(s3["ws_upper"], s3["lambda_max"])
    out["ws-fig07"] = ws_fig07(s3["ws_upper"], s3["test_f1"], scale.group_frac)
    out["ws-fig11"] = ws_fig11(
        s3["ws_upper"], ws10.stats["ws_upper"], scale.d_hidden, scale.d_hidden_wide
    )
    if hs.n_unique < MIN_UNIQUE:
        why = f"only {hs.n_unique} unique critical points in the HSR-style sweep"
        for cid in ("hsr-fig09", "hsr-fig12", "hsr-fig14"):
            out[cid] = _untestable(cid, why)
        counts.update(flat=0, sharp=0)
        return out, counts
    st = hs.stats
    out["hsr-fig09"] = hsr_fig09(st["lambda_max"], st["ws_upper"], hs.seeds.size, scale.group_frac)
    flat, sharp = top_bottom_groups(st["ws_upper"], scale.group_frac)
    counts.update(flat=int(flat.size), sharp=int(sharp.size))
    ccfg = CompareConfig(
        **{
            **compare.to_dict(),
            **setting.compare,
            "lr": float(cfg["lr"]),
            "max_iter": scale.cmp_max_iter,
            "reg_iters": scale.reg_iters,
        }
    )
    cmp = run_comparison(hs, {"Flat": flat, "Sharp": sharp}, ccfg, **kw)
    S, F = cmp.group == "Sharp", cmp.group == "Flat"
    lam = {m: r["stats"]["lambda_max"][S] for m, r in cmp.methods.items()}
    out["hsr-fig12"] = hsr_fig12(lam)
    out["hsr-fig14"] = hsr_fig14({m: r["stats"]["test_f1"] for m, r in cmp.methods.items()}, S, F)
    return out, counts


def run_robustness(
    settings: list[Setting],
    scale: Scale | None = None,
    base: SweepConfig | None = None,
    compare: CompareConfig | None = None,
    quiet: bool = False,
) -> list[dict]:
    """Every setting of ``settings`` through :func:`run_setting`, with a progress bar over
    settings. One row per (setting, claim): ``setting``, ``constant``, ``value``, ``claim``
    (the ledger id), ``verdict``, ``measured``, and the setting's counts."""
    if not settings or not all(isinstance(s, Setting) for s in settings):
        raise ValueError("settings must be a non-empty list of hsr.robustness.Setting")
    scale = scale if scale is not None else Scale()
    rows = []
    bar = progress_bar(len(settings), "robustness", quiet=quiet, unit="setting")
    # one pool (or the $HSR_SCHEDULER cluster) for every run: saves ~4 pools per setting
    with executor_scope() as pool, contextlib.closing(bar):
        for s in settings:
            bar.set_postfix_str(s.name)
            outcomes, counts = run_setting(s, scale, base, compare, quiet=True, executor=pool)
            for cid in HEADLINE:
                o = outcomes[cid]
                rows.append(
                    {
                        "setting": s.name,
                        "constant": s.constant,
                        "value": s.value,
                        "claim": cid,
                        "verdict": o.verdict,
                        "measured": o.claim.measured,
                        **counts,
                    }
                )
            bar.update(1)
    return rows


def held_table(rows: list[dict]) -> dict[str, dict[str, int]]:
    """Per claim id, how many settings gave each verdict: ``{claim: {verdict: count}}``.

    >>> held_table([{"claim": "ws-fig02", "verdict": "holds"},
    ...             {"claim": "ws-fig02", "verdict": "partly"}])
    {'ws-fig02': {'holds': 1, 'partly': 1, 'does not hold': 0}}
    """
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        c = out.setdefault(r["claim"], {"holds": 0, "partly": 0, "does not hold": 0})
        c.setdefault(r["verdict"], 0)
        c[r["verdict"]] += 1
    return out


# ----- beyond the papers: the five activations -----------------------------------------------
@dataclass
class ActivationResult:
    """One activation's sweep and HSR's effect on its Sharp seeds.

    ``activation``; ``sweep``: its :meth:`hsr.SweepResult.summary`; ``tightness``: the
    :func:`hsr.verdicts.ws_fig02` outcome over the sweep's unique critical points; ``sharp``:
    the number of Sharp seeds (top ``group_frac`` of lambda_WS); ``lambda_max``, ``test_f1``:
    method -> ``(S,)`` at the final points of Baseline and HSR Reg. on those seeds;
    ``p_lambda``: one-sided paired Wilcoxon p of HSR's lambda_max < Baseline's; ``p_f1``: of
    HSR's test macro-F1 > Baseline's (``nan`` with fewer than 2 seeds or all ties);
    ``median_iterations``: of the sweep's converged runs; ``lr``: the learning rate of the
    sweep and of both methods; ``grad_norms``: ``(C,)`` the absolute |grad L| at the
    stopping points of the sweep's converged runs (:func:`hsr.stopping_gradient_norms`);
    ``gn0_median``: the median |grad L| at their initial points (the relative test's scale). A
    sweep with fewer than 2 unique critical points (e.g. every run diverged) has no Sharp
    seeds: empty arrays, ``nan``."""

    activation: str
    sweep: dict
    tightness: Outcome
    sharp: int
    lambda_max: dict
    test_f1: dict
    p_lambda: float
    p_f1: float

    median_iterations: float = float("nan")
    lr: float = float("nan")
    grad_norms: np.ndarray = field(default_factory=lambda: np.zeros(0))
    gn0_median: float = float("nan")

    def row(self) -> dict:
        """The numbers of the page's table, as plain data (``nan`` where there is nothing
        to measure, e.g. no Sharp seed)."""
        lam, f1 = self.lambda_max, self.test_f1
        t = self.tightness.values

        def med(a):
            return float(np.median(a)) if np.size(a) else float("nan")

        return {
            "activation": self.activation,
            "converged": self.sweep["converged"],
            "unique": self.sweep["unique"],
            "diverged": self.sweep["diverged"],
            "median_iterations": self.median_iterations,
            "lr": self.lr,
            "seeds": self.sweep["seeds"],
            "gn0_median": self.gn0_median,
            **gradient_norm_summary(self.grad_norms, GN_LEVELS),
            "frac_below_bound": t.get("frac_below", float("nan")),
            "median_ws_over_lambda_max": t.get("median_ratio", float("nan")),
            "tightness_verdict": self.tightness.verdict,
            "sharp_seeds": self.sharp,
            "lambda_max_baseline": med(lam["baseline"]),
            "lambda_max_hsr": med(lam["hsr"]),
            "p_lambda_max": self.p_lambda,
            "f1_baseline": med(f1["baseline"]),
            "f1_hsr": med(f1["hsr"]),
            "p_f1": self.p_f1,
        }


def _activation_sweep(activation, base, lr, quiet, executor):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {activation!r}")
    if lr is not None:
        positive_values("lr", [lr])
    base = base if base is not None else SweepConfig()
    over = {"activation": activation} if lr is None else {"activation": activation, "lr": lr}
    cfg = SweepConfig(**{**base.to_dict(), **over})
    return run_sweep(cfg, quiet=quiet, executor=executor)


def activation_sweep_row(sweep) -> dict:
    """The sweep-level numbers of one activation's sweep, as plain data: activation, lr,
    seeds, converged, diverged, unique, median_iterations (of the converged runs) and the
    :func:`hsr.gradient_norm_summary` of |grad L| at the converged runs' stopping points."""
    conv = sweep.n_iter[sweep.converged]
    gn = stopping_gradient_norms(sweep)[sweep.converged]
    return {
        "activation": sweep.config.activation,
        "lr": float(sweep.config.lr),
        **{k: sweep.summary()[k] for k in ("seeds", "converged", "diverged", "unique")},
        "median_iterations": float(np.median(conv)) if conv.size else float("nan"),
        "gn0_median": _median_start_gradient(sweep),
        **gradient_norm_summary(gn, GN_LEVELS),
    }


def _median_start_gradient(sweep) -> float:
    """Median |grad L| at the initial points of the converged runs (``nan`` if none): the
    scale the relative stopping test multiplies by ``tol``."""
    gn0 = stopping_gradient_norms(sweep, at="start")[sweep.converged]
    return float(np.median(gn0)) if gn0.size else float("nan")


def run_activation(
    activation: str,
    base: SweepConfig | None = None,
    compare: CompareConfig | None = None,
    group_frac: float = 0.1,
    quiet: bool = True,
    executor=None,
    lr: float | None = None,
) -> ActivationResult:
    """The HSR protocol with another hidden activation: the critical-point sweep of ``base``
    (default :class:`hsr.SweepConfig`) with ``activation`` (and learning rate ``lr``, default
    ``base.lr``; e.g. from :func:`hsr.activation_learning_rates`), the WS Fig. 2 test of the
    bound's tightness over its unique points, and its Sharp seeds retrained by Baseline and
    HSR Reg. (``compare``, default :class:`hsr.CompareConfig`; its methods are replaced by
    these two and its learning rate by the sweep's)."""
    _check_group_frac(group_frac)
    sweep = _activation_sweep(activation, base, lr, quiet, executor)
    cfg = sweep.config
    compare = compare if compare is not None else CompareConfig()
    st = sweep.stats
    tight = ws_fig02(st["ws_upper"], st["lambda_max"])
    conv = sweep.n_iter[sweep.converged]
    iters = float(np.median(conv)) if conv.size else float("nan")
    gn = stopping_gradient_norms(sweep)[sweep.converged]
    if sweep.n_unique < 2:  # nothing to retrain: say so in the result, do not fail the page
        empty = {"baseline": np.zeros(0), "hsr": np.zeros(0)}
        nan = float("nan")
        return ActivationResult(
            activation,
            sweep.summary(),
            tight,
            0,
            empty,
            empty,
            nan,
            nan,
            iters,
            cfg.lr,
            gn,
            _median_start_gradient(sweep),
        )
    _, sharp = top_bottom_groups(st["ws_upper"], float(group_frac))
    ccfg = CompareConfig(**{**compare.to_dict(), "methods": ("baseline", "hsr"), "lr": cfg.lr})
    cmp = run_comparison(sweep, {"Sharp": sharp}, ccfg, quiet=quiet, executor=executor)
    lam = {m: r["stats"]["lambda_max"] for m, r in cmp.methods.items()}
    f1 = {m: r["stats"]["test_f1"] for m, r in cmp.methods.items()}
    p_lam = paired_wilcoxon(lam["hsr"], lam["baseline"], "less")[0]
    p_f1 = paired_wilcoxon(f1["hsr"], f1["baseline"], "greater")[0]
    return ActivationResult(
        activation,
        sweep.summary(),
        tight,
        int(sharp.size),
        lam,
        f1,
        float(p_lam),
        float(p_f1),
        iters,
        cfg.lr,
        gn,
        _median_start_gradient(sweep),
    )


def _check_names_and_rates(activations, lrs):
    names = list(activations)
    bad = [a for a in names if a not in ACTIVATIONS]
    if not names or bad:
        raise ValueError(
            f"activations must be a non-empty list from {sorted(ACTIVATIONS)}, got {names}"
        )
    if lrs is not None:
        if not isinstance(lrs, dict) or set(names) - set(lrs):
            raise ValueError(f"lrs must be a dict with a learning rate for each of {names}")
        positive_values("lrs", [lrs[a] for a in names])
    return names


def run_activations(
    activations,
    base: SweepConfig | None = None,
    compare: CompareConfig | None = None,
    group_frac: float = 0.1,
    lrs: dict | None = None,
) -> dict[str, ActivationResult]:
    """:func:`run_activation` for each of ``activations`` (checked first), sharing one
    process pool: ``{activation: ActivationResult}`` in the given order. ``lrs``:
    ``{activation: learning rate}`` (e.g. :func:`hsr.activation_learning_rates`); default
    ``base.lr`` for all."""
    names = _check_names_and_rates(activations, lrs)
    with executor_scope() as pool:
        return {
            a: run_activation(
                a, base, compare, group_frac, executor=pool, lr=None if lrs is None else lrs[a]
            )
            for a in names
        }


def run_activation_sweeps(
    activations, base: SweepConfig | None = None, lrs: dict | None = None
) -> list[dict]:
    """The sweeps alone (no retraining) of each of ``activations`` with learning rates
    ``lrs`` (default ``base.lr`` for all): one :func:`activation_sweep_row` each, in order.
    The activations page shows its earlier reading (one rate for all) with it."""
    names = _check_names_and_rates(activations, lrs)
    with executor_scope() as pool:
        return [
            activation_sweep_row(
                _activation_sweep(a, base, None if lrs is None else lrs[a], True, pool)
            )
            for a in names
        ]
