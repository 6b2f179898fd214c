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
  near a critical point;
* :func:`objective_curvature` and :func:`train_step_rule`: the top Hessian eigenvalue L_t of
  a training run's objective ``alpha L + beta lambda_WS`` along its path, and the run with
  the step ``lr_t = min(lr, c / L_t)`` (HSR Fig. 7's alpha = 0 run).

>>> sorted(LR_RULES), sorted(STEP_RULES)
(['curvature', 'fixed', 'sup_f1'], ['curvature', 'fixed'])
"""

from __future__ import annotations

import numbers

import numpy as np

from ..core._checks import network, one_of
from ..core.activations import ACTIVATIONS
from ..core.gradients import grad_ws_upper_bound
from ..core.model import Net, grad_loss
from ..core.norm_bounds import CONSTANTS, norm_bounds
from .sweeps import SweepConfig, SweepResult, initial_parameters
from .training import TrainConfig, TrainResult, history_from_snapshots, train

__all__ = [
    "LR_RULES",
    "REFERENCE_ACTIVATION",
    "initial_curvature_bound",
    "activation_learning_rates",
    "stopping_gradient_norms",
    "gradient_norm_summary",
    "STEP_RULES",
    "objective_curvature",
    "train_step_rule",
    "step_diagnostics",
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


# ----- the step of a training run: lr_t = min(lr, c / L_t) ---------------------------------------
#: the step rules of :func:`train_step_rule`
STEP_RULES = {
    "fixed": "lr at every iteration (plain gradient descent, hsr.train)",
    "curvature": "lr_t = min(lr, c / L_t), L_t the top eigenvalue of the Hessian of the "
    "objective alpha L + beta lambda_WS at theta_t (central differences of its closed-form "
    "gradient)",
}


def _direction(net, theta, X, y, alpha, beta, method):
    """``alpha grad L + beta grad lambda_WS`` for parameters ``(B, n)``: ``(B, n)``."""
    d = np.zeros_like(theta)
    if alpha:
        d += alpha * grad_loss(net, theta, X, y)
    if beta:
        # the numpy reference loop keeps the numpy engine: the default ("auto") would run the
        # numba engine here, equal to round-off only, and move the curvature runs' numbers
        d += beta * grad_ws_upper_bound(net, theta, X, y, method, engine="numpy")
    return d


def _curvature(net, theta, X, y, alpha, beta, eps, method):
    """(top eigenvalue of the central-difference Hessian, direction at theta) for one theta."""
    n = theta.size
    E = np.eye(n) * eps
    with np.errstate(over="ignore", invalid="ignore"):
        D = _direction(
            net, np.r_[theta[None], theta[None] + E, theta[None] - E], X, y, alpha, beta, method
        )
    if not np.all(np.isfinite(D)):
        return np.nan, D[0]
    J = (D[1 : n + 1] - D[n + 1 :]) / (2.0 * eps)
    return float(np.linalg.eigvalsh(0.5 * (J + J.T))[-1]), D[0]


def _check_run_args(alpha, beta, eps):
    for name, v in (("alpha", alpha), ("beta", beta)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
    if alpha == 0 and beta == 0:
        raise ValueError("alpha and beta are both 0: the objective alpha L + beta lambda_WS is 0")
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not (0 < eps < 1e-2):
        raise ValueError(f"eps must be a number in (0, 0.01), got {eps!r}")


def objective_curvature(
    net: Net, theta, X, y, alpha: float = 0.0, beta: float = 1.0, eps: float = 1e-5
) -> np.ndarray:
    """The top eigenvalue L of the Hessian of the objective ``alpha L + beta lambda_WS`` (the
    HSR update's, HSR Section V-D) at ``theta`` ``(n,)`` -> float, or ``(B, n)`` -> ``(B,)``.

    The Hessian is the Jacobian of the closed-form gradient ``alpha grad L + beta grad
    lambda_WS`` (:func:`hsr.grad_loss`, :func:`hsr.grad_ws_upper_bound`, HSR Theorem 1) by
    central differences with step ``eps`` (symmetrised): ``2n`` gradient evaluations. Plain
    gradient descent with step ``lr`` on this objective is stable near theta only if
    ``lr L < 2``: above it, the iterate oscillates with period 2 along the top eigenvector
    (edge of stability). ``nan`` where a gradient is not finite."""
    network("net", net)
    _check_run_args(alpha, beta, eps)
    th = net.check_theta(theta)
    X, y = net.check_data(X, y)
    rows = np.atleast_2d(th)
    out = np.array([_curvature(net, t, X, y, alpha, beta, eps, "auto")[0] for t in rows])
    return float(out[0]) if th.ndim == 1 else out


def train_step_rule(
    net: Net,
    theta0,
    X,
    y,
    config: TrainConfig,
    step_rule: str = "curvature",
    c: float = 1.0,
    eps: float = 1e-5,
) -> TrainResult:
    """One network trained by HSR's update ``theta <- theta - lr_t (alpha grad L + beta grad
    lambda_WS)`` (``config.method`` ``"hsr"``; ``"baseline"`` is alpha = 1, beta = 0) with
    the step chosen by ``step_rule``:

    * ``"curvature"``: ``lr_t = min(config.lr, c / L_t)``, ``L_t`` the top eigenvalue of the
      objective's Hessian at ``theta_t`` (:func:`objective_curvature`; ``lr_t = config.lr``
      where ``L_t <= 0``). Gradient descent is stable on a quadratic with curvature L for
      ``lr < 2 / L``, and ``1 / L`` is the step that minimises the quadratic upper model of the
      descent lemma; ``c`` = 1 takes it, ``c`` must be in (0, 2).
    * ``"fixed"``: ``lr_t = config.lr``: exactly :func:`hsr.train` (the numba kernel), with
      the curvature measured afterwards at the recorded iterations.

    ``theta0 (n,)``; ``config``: a :class:`hsr.TrainConfig` (its ``lr``, ``max_iter``, ``tol``,
    ``reg_iters``, ``alpha``, ``beta``, ``trace_method``, ``record_every``, ``record``; a
    ``"curvature"`` run is the numpy loop of :func:`hsr.train`'s reference engine with the
    step replaced). Returns a :class:`hsr.TrainResult` of one network whose ``history`` also
    holds ``step`` (``lr_t``) and ``curvature`` (``L_t``) at the recorded iterations. Bad
    input: ValueError naming the argument."""
    network("net", net)
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be an hsr.TrainConfig, got {type(config).__name__}")
    one_of("step_rule", step_rule, tuple(STEP_RULES))
    if config.method not in ("hsr", "baseline"):
        raise ValueError(f"config.method must be 'hsr' or 'baseline', got {config.method!r}")
    if isinstance(c, bool) or not isinstance(c, numbers.Real) or not (0 < c < 2):
        raise ValueError(f"c must be a number in (0, 2), got {c!r}")
    alpha, beta = (config.alpha, config.beta) if config.method == "hsr" else (1.0, 0.0)
    _check_run_args(alpha, beta, eps)
    theta0 = net.check_theta(theta0, allow_batch=False)
    X, y = net.check_data(X, y)
    method = config.trace_method
    K = config.max_iter if config.reg_iters is None else min(config.reg_iters, config.max_iter)

    def weights(t):  # the objective's weights at iteration t (the sharpness term acts while t < K)
        return (alpha, beta) if (t < K or K == config.max_iter) else (1.0, 0.0)

    if step_rule == "fixed":
        res = train(net, theta0, X, y, config)
        if config.record_every:
            snaps = res.history["theta"]
            res.history["curvature"] = np.array(
                [
                    _curvature(net, t, X, y, *weights(i), eps, method)[0]
                    for i, t in zip(res.history["iterations"], snaps, strict=True)
                ]
            )
            res.history["step"] = np.full(len(snaps), float(config.lr))
        return res
    theta = np.array(theta0, dtype=float)
    every = config.record_every
    snaps, iters, steps, curv = [], [], [], []
    converged = diverged = False
    n_iter = config.max_iter
    gn0 = gn = float("nan")
    for t in range(config.max_iter):
        with np.errstate(over="ignore", invalid="ignore"):
            g = grad_loss(net, theta, X, y)
        gn = float(np.linalg.norm(g))
        if t == 0:
            gn0 = gn
        if gn < config.tol * gn0:
            converged, n_iter = True, t
            break
        L, d = _curvature(net, theta, X, y, *weights(t), eps, method)
        lr_t = float(config.lr) if not (L > 0) else min(float(config.lr), c / L)
        if every and t % every == 0:
            snaps.append(theta.copy())
            iters.append(t)
            steps.append(lr_t)
            curv.append(L)
        new = theta - lr_t * d
        if not np.all(np.isfinite(new)):
            diverged, n_iter = True, t
            break
        theta = new
    else:
        gn = float(np.linalg.norm(grad_loss(net, theta, X, y)))
        converged = gn < config.tol * gn0
    history = {}
    if every:
        last = n_iter
        if not iters or iters[-1] != last:  # the final point, as hsr.train records it
            L, _ = _curvature(net, theta, X, y, *weights(last), eps, method)
            snaps.append(theta.copy())
            iters.append(last)
            steps.append(float("nan"))
            curv.append(L)
        S = np.asarray(snaps)
        history = {
            k: v[:, 0]
            for k, v in history_from_snapshots(
                net, X, y, S[:, None, :], config.record, method
            ).items()
        }
        history.update(
            iterations=np.asarray(iters),
            theta=S,
            step=np.asarray(steps),
            curvature=np.asarray(curv),
        )
    return TrainResult(
        theta=theta,
        converged=bool(converged),
        n_iter=int(n_iter),
        grad_norm0=gn0,
        grad_norm=gn,
        diverged=bool(diverged),
        history=history,
        config={**config.to_dict(), "engine": "numpy", "step_rule": step_rule, "c": float(c)},
    )


def step_diagnostics(history: dict, burn_in: float = 0.1) -> dict:
    """How a run's step compares with its objective's curvature, and whether lambda_WS rose:
    from a :func:`train_step_rule` history (``iterations``, ``ws_upper``, ``step``,
    ``curvature``, each ``(T,)``; the last entry is the final point, where no step is taken).

    ``frac_unstable``: the share of the recorded steps with ``lr_t L_t > 2`` (gradient descent
    unstable along the top eigenvector), ``first_unstable``: the first such iteration (-1 if
    none); ``step_median``, ``step_min``, ``curvature_median``, ``curvature_max``; after the
    first ``burn_in`` share of the iterations: ``rises``, the number of recorded rises of
    lambda_WS, and ``max_rise``, the largest relative one (0 if none), out of ``n_compared``.

    >>> h = {"iterations": np.array([0, 1, 2, 3]), "ws_upper": np.array([4.0, 3.0, 3.3, 2.0]),
    ...      "step": np.array([1.0, 1.0, 0.5, np.nan]), "curvature": np.array([3.0, 1.0, 1.0, 1.0])}
    >>> d = step_diagnostics(h, burn_in=0.0)
    >>> d["frac_unstable"], d["first_unstable"], d["rises"], round(d["max_rise"], 3)
    (0.3333333333333333, 0, 1, 0.1)
    """
    if not isinstance(history, dict):
        raise ValueError(f"history must be a dict of recorded arrays, got {type(history).__name__}")
    need = ("iterations", "ws_upper", "step", "curvature")
    missing = [k for k in need if k not in history]
    if missing:
        raise ValueError(f"history must hold {list(need)}; missing {missing}")
    arrs = {k: np.asarray(history[k], dtype=float).ravel() for k in need}
    T = arrs["iterations"].size
    if T < 2 or any(a.size != T for a in arrs.values()):
        raise ValueError(
            f"history arrays must be 1-D of one length >= 2, got {[a.size for a in arrs.values()]}"
        )
    if isinstance(burn_in, bool) or not isinstance(burn_in, numbers.Real) or not (0 <= burn_in < 1):
        raise ValueError(f"burn_in must be a number in [0, 1), got {burn_in!r}")
    it, ws = arrs["iterations"], arrs["ws_upper"]
    step, L = arrs["step"][:-1], arrs["curvature"][:-1]
    prod = step * L
    over = prod > 2.0
    keep = it >= burn_in * it[-1]
    w = ws[keep]
    d = np.diff(w)
    rel = d / np.abs(w[:-1]) if d.size else d
    return {
        "frac_unstable": float(np.mean(over)),
        "first_unstable": int(it[:-1][over][0]) if over.any() else -1,
        "step_median": float(np.median(step)),
        "step_min": float(np.min(step)),
        "curvature_median": float(np.nanmedian(L)),
        "curvature_max": float(np.nanmax(L)),
        "rises": int(np.sum(d > 0)),
        "max_rise": float(max(0.0, rel.max())) if rel.size else 0.0,
        "n_compared": int(d.size),
    }
