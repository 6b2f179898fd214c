"""Step sizes chosen by a stated rule, and how close a stopping point is to stationarity.

Gradient descent on a loss with curvature bounded by L (``|lambda| <= L`` for every
eigenvalue of the Hessian along the path) is stable for ``lr < 2 / L``; a rate that suits one
network can make another, with larger curvature, oscillate or diverge. The functions here
turn that principle into rules that are applied the same way to every case:

* :func:`activation_learning_rates`: one learning rate per hidden activation, from the
  calibrated sigmoid rate and a curvature bound at the initial parameters (the rule of the
  book's activations page);
* :func:`stopping_gradient_norms`: the absolute ``|grad L|`` at a sweep's stopping points, so
  that a reader can judge whether the relative test ``|grad L| < tol |grad L_0|`` stopped
  near a critical point.

>>> sorted(LR_RULES)
['curvature', 'fixed', 'sup_f1']
"""

from __future__ import annotations

import numbers

import numpy as np

from ..core._checks import one_of
from ..core.activations import ACTIVATIONS
from ..core.model import Net, grad_loss
from ..core.norm_bounds import CONSTANTS, norm_bounds
from .sweeps import SweepConfig, SweepResult, initial_parameters

__all__ = [
    "LR_RULES",
    "REFERENCE_ACTIVATION",
    "initial_curvature_bound",
    "activation_learning_rates",
    "stopping_gradient_norms",
    "gradient_norm_summary",
]

#: the activation whose learning rate was calibrated (the papers' sigmoid): its rate is the
#: sweep's ``lr`` under every rule
REFERENCE_ACTIVATION = "sigmoid"

#: the rules of :func:`activation_learning_rates`
LR_RULES = {
    "fixed": "the sigmoid's calibrated rate for every activation (the page's earlier reading)",
    "sup_f1": "lr_sigmoid (sup|f'_sigmoid| / sup|f'|)^2: the Gauss-Newton curvature in the "
    "hidden weights scales with sup|f'|^2",
    "curvature": "lr_sigmoid L0_sigmoid / L0: L0 the median over the sweep's seeds of a bound "
    "on |H|_F at the initial parameters that holds whatever the outputs (WS Prop. 6)",
}


def initial_curvature_bound(cfg: SweepConfig, chunk: int = 500) -> np.ndarray:
    """``(S,)``: for each seed of the sweep ``cfg`` (its activation, initial interval and
    training set), an upper bound L0 on the curvature ``max |lambda(H)| <= |H|_F`` at the
    initial parameters ``theta_0`` that holds for every value of the network's outputs.

    It is the WS Prop. 6 bound on ``|H|_F`` (:func:`hsr.norm_bounds`, field
    ``trace_squared_prop6``, square-rooted): ``s_i <= 1/4`` and ``|e_i| <= 1`` replace the
    outputs' values and ``|x_ij| <= kappa`` the inputs', so L0 depends only on the weights'
    norms, the activation's constants sup|f|, sup|f'|, sup|f''| and, for an unbounded
    activation, the hidden outputs' size ``|a|^2 <= sum_k (|f(0)| + sup|f'| |W1[k]| sqrt C)^2``
    (the term the sup|f'| rule leaves out). Training moves the outputs far more than the
    weights' norms at the start, which is why the bound that is uniform in the outputs is
    used, not the exact lambda_max at ``theta_0`` (tiny wherever the initial network is
    saturated). ``chunk``: networks per batch (memory O(chunk N^2))."""
    if not isinstance(cfg, SweepConfig):
        raise ValueError(f"cfg must be an hsr.SweepConfig, got {type(cfg).__name__}")
    if isinstance(chunk, bool) or not isinstance(chunk, numbers.Integral) or chunk < 1:
        raise ValueError(f"chunk must be a positive integer, got {chunk!r}")
    net, data = cfg.net, cfg.dataset()
    seeds = np.arange(cfg.seed_start, cfg.seed_start + cfg.n_seeds)
    theta0 = initial_parameters(net, seeds, cfg.init_low, cfg.init_high)
    out = []
    for lo in range(0, theta0.shape[0], chunk):
        nb = norm_bounds(net, theta0[lo : lo + chunk], data.X_train, data.y_train)
        out.append(np.sqrt(np.atleast_1d(nb.trace_squared_prop6)))
    return np.concatenate(out)


def activation_learning_rates(activations, base: SweepConfig, rule: str = "curvature") -> dict:
    """One learning rate per hidden activation, by one rule for all (the activations page).

    Principle: gradient descent is stable for ``lr < 2 / L``, L a bound on the curvature
    (``max |lambda(H)|``) met along the path. The sigmoid's rate ``base.lr`` was calibrated
    (the calibration page), so it sits at some ``c / L_sigmoid``; every activation gets the
    same ``c``: ``lr_act = base.lr * L_sigmoid / L_act``. The ``rule`` says what L is:

    * ``"curvature"`` (the book's rule): L = the median over the sweep's seeds of
      :func:`initial_curvature_bound` (WS Prop. 6's bound on |H|_F at ``theta_0``, uniform
      in the outputs). It covers unbounded activations (linear, softplus, GELU), whose hidden
      outputs ``|a| ~ |W1 x|`` enter the curvature in the output weights.
    * ``"sup_f1"``: L proportional to ``sup|f'|^2`` (:data:`hsr.core.norm_bounds.CONSTANTS`),
      the factor by which the Gauss-Newton part of H in the hidden weights scales:
      ``lr_act = base.lr (sup|f'_sigmoid| / sup|f'_act|)^2`` (sigmoid 1/4, tanh and softplus
      and linear 1, GELU ~1.129). It does not see ``|a|^2``, unbounded for linear, softplus
      and GELU.
    * ``"fixed"``: ``base.lr`` for every activation (no rule: the page's earlier reading).

    ``activations``: names from :data:`hsr.core.activations.ACTIVATIONS`; ``base``: the
    sweep (its ``activation`` field is ignored; the others fix seeds, initial interval and
    data). Returns ``{activation: lr}`` (floats, in the given order); the sigmoid's is
    ``base.lr`` under every rule. Bad input: ValueError naming the argument.

    >>> base = SweepConfig(n_seeds=20, n_train=20, n_test=20)
    >>> rates = activation_learning_rates(["sigmoid", "tanh"], base, "sup_f1")
    >>> rates["sigmoid"], rates["tanh"]
    (4.0, 0.25)
    """
    names = list(activations) if not isinstance(activations, str) else [activations]
    bad = [a for a in names if not isinstance(a, str) or a not in ACTIVATIONS]
    if not names or bad:
        raise ValueError(
            f"activations must be a non-empty list from {sorted(ACTIVATIONS)}, got {names!r}"
        )
    if not isinstance(base, SweepConfig):
        raise ValueError(f"base must be an hsr.SweepConfig, got {type(base).__name__}")
    one_of("rule", rule, tuple(LR_RULES))
    ref = REFERENCE_ACTIVATION
    if rule == "fixed":
        return {a: float(base.lr) for a in names}
    if rule == "sup_f1":
        f_ref = CONSTANTS[ref].sup_f1
        return {a: float(base.lr * (f_ref / CONSTANTS[a].sup_f1) ** 2) for a in names}

    def bound(a):
        return float(np.median(initial_curvature_bound(_with(base, a))))

    L_ref = bound(ref)
    return {a: (float(base.lr) if a == ref else float(base.lr * L_ref / bound(a))) for a in names}


def _with(base: SweepConfig, activation: str) -> SweepConfig:
    return SweepConfig(**{**base.to_dict(), "activation": activation})


def stopping_gradient_norms(sweep: SweepResult, at: str = "stop") -> np.ndarray:
    """``(S,)``: the absolute ``|grad L|`` (mean cross-entropy over the training set) at each
    seed's stopping point ``sweep.theta`` (``at="stop"``) or initial point ``sweep.theta0``
    (``at="start"``), closed-form gradient (:func:`hsr.grad_loss`); ``nan`` where that point
    or its gradient is not finite. The sweep's test is relative
    (``|grad L| < tol |grad L_0|``), so a large ``|grad L_0|`` lets it pass far from a
    critical point; the number at the stop shows how far."""
    if not isinstance(sweep, SweepResult):
        raise ValueError(f"sweep must be an hsr.SweepResult, got {type(sweep).__name__}")
    one_of("at", at, ("stop", "start"))
    cfg = sweep.config
    net, data = Net(cfg.d_in, cfg.d_hidden, cfg.activation), cfg.dataset()
    theta = np.asarray(sweep.theta if at == "stop" else sweep.theta0, dtype=float)
    out = np.full(theta.shape[0], np.nan)
    ok = np.all(np.isfinite(theta), axis=1)
    if np.any(ok):
        with np.errstate(over="ignore", invalid="ignore"):
            g = np.atleast_2d(grad_loss(net, theta[ok], data.X_train, data.y_train))
            out[ok] = np.linalg.norm(g, axis=1)
    out[~np.isfinite(out)] = np.nan
    return out


def gradient_norm_summary(gn, levels=(1e-4, 1e-6)) -> dict:
    """Median, 90th percentile and the fraction below each absolute ``level`` of the gradient
    norms ``gn (M,)`` (e.g. :func:`stopping_gradient_norms` of the converged runs):
    ``{"gn_median", "gn_p90", "frac_gn_below_<level>"...}``, ``nan`` for no runs.

    >>> s = gradient_norm_summary([1e-7, 1e-5, 1e-3], levels=(1e-4,))
    >>> float(s["gn_median"]), round(s["frac_gn_below_0.0001"], 3)
    (1e-05, 0.667)
    """
    gn = np.asarray(gn, dtype=float).ravel()
    if np.any(gn < 0):
        raise ValueError("gn must hold gradient norms (>= 0 or nan)")
    lv = [float(v) for v in levels]
    if not lv or any(not np.isfinite(v) or v <= 0 for v in lv):
        raise ValueError(f"levels must be positive finite numbers, got {list(levels)!r}")
    gn = gn[np.isfinite(gn)]
    nan = float("nan")
    out = {
        "gn_median": float(np.median(gn)) if gn.size else nan,
        "gn_p90": float(np.quantile(gn, 0.9)) if gn.size else nan,
    }
    for v in lv:
        out[f"frac_gn_below_{v:g}"] = float(np.mean(gn < v)) if gn.size else nan
    return out
