"""Kiselev et al. (2409.11995), Fig. 2: |L_{k+1}(theta_hat) - L_k(theta_hat)| against k.

The authors' protocol (``book/landscape.md``; their repository
``kisnikser/landscape-hessian/code/get_loss_values.py`` and ``plot_differences``), in
numpy float64:

1. train the bias-free ReLU MLP of :mod:`hsr.core.landscape.mlp` with Adam (lr 1e-3, batch 64
   reshuffled every epoch, last batch kept, 10 epochs) on the mean cross-entropy, from PyTorch's
   default init;
2. at the trained theta_hat, the per-object losses ``l_i`` of the same m objects;
3. for a random ordering of the objects, the running mean ``L_k = (1/k) sum_{i<=k} l_i`` and
   ``|L_{k+1} - L_k|`` for k = 1 .. m-1; averaged over many orderings (100 in the paper) of one
   trained net;
4. smoothed for the plot by ``e_t = 0.99 e_{t-1} + 0.01 x_t``, ``e_0 = x_0``.

Eq. (1) of the paper is an identity: ``L_{k+1} - L_k = (l_{k+1} - L_k) / (k+1)``, so at
theta_hat the averaged curve is ``E|l_{k+1} - L_k| / (k+1)``, which tends to
``MAD / (k+1)`` (MAD the mean absolute deviation of the l_i) as k grows: see
:func:`curve_and_mad`. Everything here is seeded and deterministic; the orderings are drawn one
generator per ordering (``default_rng([seed, j])``), so a result does not depend on how the
orderings are chunked.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from ...core._checks import positive
from ...core.landscape.gterm import corrected_bound, gterm_norm, layer_norms, lemma1_bound
from ...core.landscape.mlp import (
    check_data,
    forward_layers,
    init_mlp,
    loss_and_grad_unchecked,
    per_sample_losses_unchecked,
)
from ..runtime.progress import progress_bar
from ..runtime.timing import growth_exponent
from .digits import DIGIT_SETS, load_digits_data

__all__ = [
    "AdamState",
    "adam_init",
    "adam_step",
    "train_mlp",
    "orderings",
    "loss_differences",
    "identity_terms",
    "mean_difference_curve",
    "mad_prediction",
    "curve_and_mad",
    "ema",
    "loglog_slope",
    "LandscapeConfig",
    "NetCurves",
    "run_landscape_grid",
    "FIG2_LEFT",
    "FIG2_RIGHT",
    "lemma1_table",
    "window_mean",
    "binned_curve",
    "binned_ratio",
    "ema_excess",
    "fall_ratio",
    "rate_slope",
    "rank_correlation",
]

#: the paper's Fig. 2 grid (h, L): left panel L = 5 and h varied, right panel h = 16 and L varied
FIG2_LEFT = tuple((h, 5) for h in (4, 8, 16, 32, 64))
FIG2_RIGHT = tuple((16, L) for L in (1, 3, 5, 7, 10))


# ----- Adam (PyTorch's torch.optim.Adam, no weight decay, no amsgrad) ---------------------------
@dataclass
class AdamState:
    """Adam's moments ``m``, ``v`` (shaped as the weights) and step count ``t``."""

    m: list
    v: list
    t: int = 0


def adam_init(weights: Sequence[np.ndarray]) -> AdamState:
    """Zero moments for ``weights``."""
    return AdamState([np.zeros_like(W) for W in weights], [np.zeros_like(W) for W in weights])


def adam_step(
    weights: list[np.ndarray],
    grads: Sequence[np.ndarray],
    state: AdamState,
    lr: float = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
) -> None:
    """One Adam step, in place (``weights`` and ``state``), as ``torch.optim.Adam``:

    ``m <- b1 m + (1-b1) g``, ``v <- b2 v + (1-b2) g^2``, ``t <- t+1``,
    ``W <- W - lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)``.
    """
    b1, b2 = betas
    state.t += 1
    c1 = 1.0 - b1**state.t
    c2 = math.sqrt(1.0 - b2**state.t)
    for W, g, m, v in zip(weights, grads, state.m, state.v, strict=True):
        m *= b1
        m += (1.0 - b1) * g
        v *= b2
        v += (1.0 - b2) * (g * g)
        W -= (lr / c1) * m / (np.sqrt(v) / c2 + eps)


def train_mlp(
    X: np.ndarray,
    y: np.ndarray,
    hidden: int,
    depth: int,
    *,
    lr: float = 1e-3,
    batch_size: int = 64,
    epochs: int = 10,
    seed: int = 0,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Train the bias-free ReLU MLP as the authors do (Adam, shuffled mini-batches).

    ``X (m, d)``, ``y (m,)`` int labels (K = 10 classes, as the digit sets); ``depth`` is the
    paper's L (extra hidden layers). The init and the shuffles come from one generator
    ``default_rng([seed, hidden, depth])``. Every epoch visits a fresh permutation in batches
    of ``batch_size`` (the last one smaller, as PyTorch's DataLoader without drop_last).

    Returns the trained weights and the mean mini-batch loss of every epoch ``(epochs,)``.
    """
    positive("hidden", hidden, integer=True)
    if isinstance(depth, bool) or not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError(f"depth must be an integer >= 0, got {depth!r}")
    positive("lr", lr)
    positive("batch_size", batch_size, integer=True)
    positive("epochs", epochs, integer=True)
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (m, d), got shape {X.shape}")
    rng = np.random.default_rng([int(seed), int(hidden), int(depth)])
    weights = init_mlp(X.shape[1], hidden, depth, 10, rng)
    X, y = check_data(weights, X, y)
    m = X.shape[0]
    state = adam_init(weights)
    history = np.empty(epochs)
    for e in range(epochs):
        perm = rng.permutation(m)
        total = 0.0
        for start in range(0, m, batch_size):
            idx = perm[start : start + batch_size]
            loss, grads = loss_and_grad_unchecked(weights, X[idx], y[idx])
            adam_step(weights, grads, state, lr)
            total += loss * idx.size
        history[e] = total / m
    return weights, history


# ----- the curve ---------------------------------------------------------------------------------
def orderings(m: int, n_orderings: int, seed: int = 0, start: int = 0) -> np.ndarray:
    """Orderings ``start .. start+n_orderings-1`` of m objects, ``(n_orderings, m)`` int.

    Ordering j is ``default_rng([seed, j]).permutation(m)``, whatever the chunk it is drawn in.
    """
    positive("m", m, integer=True)
    if isinstance(n_orderings, bool) or not isinstance(n_orderings, (int, np.integer)):
        raise ValueError(f"n_orderings must be an integer >= 0, got {n_orderings!r}")
    if n_orderings < 0 or start < 0:
        raise ValueError(f"n_orderings and start must be >= 0, got {n_orderings}, {start}")
    out = np.empty((n_orderings, m), dtype=np.int64)
    for i in range(n_orderings):
        out[i] = np.random.default_rng([int(seed), int(start) + i]).permutation(m)
    return out


def _check_losses(losses) -> np.ndarray:
    losses = np.asarray(losses, dtype=np.float64)
    if losses.ndim != 1 or losses.size < 2:
        raise ValueError(f"losses must be 1-D with at least 2 objects, got shape {losses.shape}")
    if not np.all(np.isfinite(losses)):
        raise ValueError("losses contains NaN or inf")
    return losses


def _check_orders(orders, m) -> np.ndarray:
    orders = np.asarray(orders)
    if orders.ndim == 1:
        orders = orders[None, :]
    if orders.ndim != 2 or orders.shape[1] != m or orders.dtype.kind not in "iu":
        raise ValueError(
            f"orders must be integer permutations of shape (B, {m}), got {orders.shape}"
        )
    if np.any(np.sort(orders, axis=1) != np.arange(m)):
        raise ValueError(f"orders must hold permutations of 0..{m - 1}")
    return orders


def loss_differences(losses: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """``|L_{k+1} - L_k|`` for k = 1 .. m-1 under each ordering: ``(B, m-1)``.

    ``losses (m,)`` the per-object losses at theta_hat; ``orders (B, m)`` permutations. The
    running means are cumulative sums divided by k, the authors' computation.
    """
    losses = _check_losses(losses)
    orders = _check_orders(orders, losses.size)
    running = np.cumsum(losses[orders], axis=1) / np.arange(1, losses.size + 1)
    return np.abs(np.diff(running, axis=1))


def identity_terms(losses: np.ndarray, orders: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both sides of eq. (1) under each ordering, ``(B, m-1)`` each, k = 1 .. m-1:
    ``|L_{k+1} - L_k|`` (from the running means) and ``|l_{k+1} - L_k| / (k+1)``."""
    lhs = loss_differences(losses, orders)
    losses = np.asarray(losses, dtype=np.float64)
    orders = _check_orders(orders, losses.size)
    seq = losses[orders]
    k = np.arange(1, losses.size)
    L_k = np.cumsum(seq, axis=1)[:, :-1] / k
    rhs = np.abs(seq[:, 1:] - L_k) / (k + 1)
    return lhs, rhs


def mean_difference_curve(
    losses: np.ndarray, n_orderings: int = 100, seed: int = 0, chunk: int = 25
) -> np.ndarray:
    """``|L_{k+1} - L_k|`` averaged over ``n_orderings`` orderings, k = 1 .. m-1: ``(m-1,)``.

    The orderings are processed ``chunk`` at a time (memory ``chunk * m`` floats); the result
    does not depend on ``chunk`` beyond float summation order.
    """
    losses = _check_losses(losses)
    positive("n_orderings", n_orderings, integer=True)
    positive("chunk", chunk, integer=True)
    total = np.zeros(losses.size - 1)
    for start in range(0, n_orderings, chunk):
        B = min(chunk, n_orderings - start)
        total += loss_differences(losses, orderings(losses.size, B, seed, start)).sum(axis=0)
    return total / n_orderings


def mad_prediction(losses: np.ndarray) -> np.ndarray:
    """``MAD / (k+1)`` for k = 1 .. m-1, ``(m-1,)``: MAD = mean_i |l_i - mean(l)|.

    The large-k limit of the averaged curve at theta_hat, by eq. (1): ``L_k`` tends to the
    mean loss, and ``l_{k+1}`` is a uniformly random object."""
    losses = _check_losses(losses)
    mad = np.mean(np.abs(losses - losses.mean()))
    return mad / np.arange(2, losses.size + 1)


def curve_and_mad(
    losses: np.ndarray, n_orderings: int = 100, seed: int = 0, chunk: int = 25
) -> tuple[np.ndarray, np.ndarray]:
    """The averaged curve (:func:`mean_difference_curve`) and its prediction
    (:func:`mad_prediction`), both ``(m-1,)`` for k = 1 .. m-1, to compare."""
    return mean_difference_curve(losses, n_orderings, seed, chunk), mad_prediction(losses)


def ema(x: np.ndarray, factor: float = 0.99) -> np.ndarray:
    """The authors' smoothing: ``e_0 = x_0``, ``e_t = factor e_{t-1} + (1 - factor) x_t``.

    ``x (..., T)``: smoothed along the last axis."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim < 1 or x.shape[-1] == 0:
        raise ValueError(f"x must have a non-empty last axis, got shape {x.shape}")
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"factor must be in [0, 1), got {factor!r}")
    from scipy.signal import lfilter  # on first use: import hsr stays light

    zi = factor * x[..., :1]
    return lfilter([1.0 - factor], [1.0, -factor], x, axis=-1, zi=zi)[0]


def loglog_slope(k: np.ndarray, curve: np.ndarray, k_min: float, k_max: float | None = None):
    """Least-squares slope of ``log curve`` on ``log k`` over ``k_min <= k <= k_max``."""
    k = np.asarray(k, dtype=np.float64)
    curve = np.asarray(curve, dtype=np.float64)
    sel = (k >= k_min) & (k <= (np.inf if k_max is None else k_max)) & (curve > 0)
    if sel.sum() < 2:
        raise ValueError(f"fewer than 2 points with k in [{k_min}, {k_max}] and curve > 0")
    return growth_exponent(k[sel], curve[sel])


# ----- the grid ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class LandscapeConfig:
    """Every setting of one run of the experiment (the cache key is made of all of them).

    dataset: ``"mnist5k"`` or ``"sklearn8x8"``; n: images (None: all); lr, batch_size, epochs:
    Adam's; n_orderings: orderings averaged per net; seed: the init/shuffle seed and the seed
    of the orderings (the same orderings for every net)."""

    dataset: str = "mnist5k"
    n: int | None = None
    lr: float = 1e-3
    batch_size: int = 64
    epochs: int = 10
    n_orderings: int = 100
    seed: int = 0

    def __post_init__(self):
        if self.dataset not in DIGIT_SETS:
            raise ValueError(f"dataset must be one of {sorted(DIGIT_SETS)}, got {self.dataset!r}")
        total = DIGIT_SETS[self.dataset][2]
        if self.n is not None and not (
            isinstance(self.n, (int, np.integer)) and not isinstance(self.n, bool)
        ):
            raise ValueError(f"n must be an integer or None, got {self.n!r}")
        if self.n is not None and not 2 <= self.n <= total:
            raise ValueError(f"n must be in [2, {total}] for {self.dataset}, got {self.n}")
        positive("lr", self.lr)
        positive("batch_size", self.batch_size, integer=True)
        positive("epochs", self.epochs, integer=True)
        positive("n_orderings", self.n_orderings, integer=True)
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)):
            raise ValueError(f"seed must be an integer, got {self.seed!r}")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["lr"] = float(d["lr"])
        return d


@dataclass
class NetCurves:
    """One trained net of the grid: ``losses (m,)`` per-object losses at theta_hat, ``curve``
    and ``mad`` ``(m-1,)`` (:func:`curve_and_mad`), ``smoothed = ema(curve)``, the last
    epoch's mean training loss, the training accuracy, and the seconds it took."""

    hidden: int
    depth: int
    losses: np.ndarray
    curve: np.ndarray
    mad: np.ndarray
    train_loss: float
    train_acc: float
    seconds: float
    cached: bool = False
    smoothed: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        self.smoothed = ema(self.curve)

    @property
    def k(self) -> np.ndarray:
        """k = 1 .. m-1, the x axis of the curves."""
        return np.arange(1, self.losses.size)

    @property
    def label(self) -> str:
        return f"h = {self.hidden}, L = {self.depth}"


def _one_net(cfg: LandscapeConfig, X, y, hidden, depth, chunk) -> dict:
    t0 = time.perf_counter()
    weights, history = train_mlp(
        X, y, hidden, depth, lr=cfg.lr, batch_size=cfg.batch_size, epochs=cfg.epochs, seed=cfg.seed
    )
    losses = per_sample_losses_unchecked(weights, X, y)
    acc = float(np.mean(np.argmax(forward_layers(weights, X)[0], axis=1) == y))
    curve, mad = curve_and_mad(losses, cfg.n_orderings, cfg.seed, chunk)
    return dict(
        losses=losses,
        curve=curve,
        mad=mad,
        train_loss=float(history[-1]),
        train_acc=acc,
        seconds=time.perf_counter() - t0,
    )


def run_landscape_grid(
    cfg: LandscapeConfig,
    points: Sequence[tuple[int, int]] = FIG2_LEFT + FIG2_RIGHT,
    *,
    chunk: int = 25,
    cache_dir=None,
    force: bool = False,
    quiet: bool = False,
) -> dict[tuple[int, int], NetCurves]:
    """Train one net per grid point ``(h, L)`` and compute its curves; ``{(h, L): NetCurves}``.

    Repeated points are computed once (the paper's h = 16, L = 5 is in both panels). Each net
    is cached on disk (``$HSR_CACHE_DIR``, as :func:`hsr.run_sweep`) under a key of every
    setting of ``cfg`` and its ``(h, L)``; ``cache_dir=False`` disables the cache, ``force``
    recomputes. ``chunk`` (orderings per vectorised block) does not enter the key: it changes
    only the summation order.
    """
    from ..runtime.cache import cache_key, cache_load, cache_lock, cache_save

    if not isinstance(cfg, LandscapeConfig):
        raise ValueError(f"cfg must be a LandscapeConfig, got {type(cfg).__name__}")
    try:
        pts = list(dict.fromkeys((int(h), int(L)) for h, L in points))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"points must be (hidden, depth) pairs ({exc})") from None
    if not pts or any(h < 1 or L < 0 for h, L in pts):
        raise ValueError(f"points must be non-empty (hidden >= 1, depth >= 0) pairs, got {pts}")
    positive("chunk", chunk, integer=True)
    X, y = load_digits_data(cfg.dataset, cfg.n)
    out = {}
    bar = progress_bar(len(pts), f"landscape {cfg.dataset}", quiet=quiet, unit="net")
    with bar:
        for h, L in pts:
            key = cache_key("landscape", cfg.to_dict() | {"hidden": h, "depth": L})
            with cache_lock(cache_dir, key):  # a notebook beside this one waits, then loads
                hit = None if force else cache_load(cache_dir, key)
                if hit is not None:
                    arrays, meta = hit
                    keys = ("train_loss", "train_acc", "seconds")
                    res = {**arrays, **{k: meta[k] for k in keys}}
                    cached = True
                else:
                    res = _one_net(cfg, X, y, h, L, chunk)
                    arrays = {k: res[k] for k in ("losses", "curve", "mad")}
                    meta = {k: res[k] for k in ("train_loss", "train_acc", "seconds")}
                    cache_save(cache_dir, key, arrays, meta | {"config": cfg.to_dict()})
                    cached = False
            out[(h, L)] = NetCurves(h, L, **res, cached=cached)
            bar.update(1)
    return out


# ----- what the ledger rows measure (the tests: hsr.claims.landscape) ----------------------------
def window_mean(net: NetCurves, lo: float, hi: float, geometric: bool = False) -> float:
    """Mean of ``net.curve`` (unsmoothed) over ``lo * m <= k < hi * m`` (fractions of m);
    the geometric mean (the height on a log axis) when ``geometric``."""
    m = net.losses.size
    k = net.k
    sel = (k >= lo * m) & (k < hi * m)
    if not sel.any():
        raise ValueError(f"no k in [{lo} m, {hi} m) for m = {m}")
    c = net.curve[sel]
    if not geometric:
        return float(np.mean(c))
    # a zero in the window makes the geometric mean 0 (np.log(0) would warn on the page)
    return 0.0 if (c <= 0).any() else float(np.exp(np.mean(np.log(c))))


def _binned(k: np.ndarray, values: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
    positive("n_bins", n_bins, integer=True)
    edges = np.unique(np.round(np.geomspace(1, k[-1] + 1, n_bins + 1)).astype(np.int64))
    idx = np.searchsorted(edges, k, side="right") - 1
    sums = np.bincount(idx, weights=values, minlength=edges.size)
    counts = np.bincount(idx, minlength=edges.size)
    ks = np.bincount(idx, weights=np.log(k), minlength=edges.size)
    keep = counts > 0
    return np.exp(ks[keep] / counts[keep]), sums[keep] / counts[keep]


def binned_curve(net: NetCurves, n_bins: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """The unsmoothed averaged curve in ``n_bins`` log-spaced bins of k: the bins'
    geometric-centre k and mean value, both ``(B,)`` (empty bins dropped). Unlike the
    authors' EMA it carries no memory of the first values."""
    return _binned(net.k, net.curve, n_bins)


def binned_ratio(net: NetCurves, n_bins: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """The unsmoothed ``curve / (MAD/(k+1))`` averaged in ``n_bins`` log-spaced bins of k.

    Returns the bins' geometric-centre k and mean ratio, both ``(B,)`` (empty bins dropped).
    Eq. (1) makes the ratio tend to 1; binning in log k (not the EMA, whose memory of the large
    values at small k lasts hundreds of steps) shows how fast."""
    return _binned(net.k, net.curve / net.mad, n_bins)


def ema_excess(net: NetCurves, k: int, half_width: int | None = None) -> float:
    """The smoothed curve at ``k`` over the unsmoothed curve's mean on
    ``[k - half_width, k + half_width]`` (default ``k // 10``): how much of the plotted value
    is the EMA's memory of its start (``0.99^k`` times the first value) rather than data."""
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k < net.losses.size:
        raise ValueError(f"k must be an integer in [1, {net.losses.size - 1}], got {k!r}")
    w = max(1, k // 10) if half_width is None else int(half_width)
    lo, hi = max(1, k - w), min(net.losses.size - 1, k + w)
    return float(net.smoothed[k - 1] / net.curve[lo - 1 : hi].mean())


def fall_ratio(net: NetCurves) -> float:
    """Mean of the curve over the last half of k, ``[m/2, m)``, over its mean one decade
    earlier, ``[m/20, m/10)``: about 0.1 for a 1/k fall, 1 for a curve stuck at a floor."""
    return window_mean(net, 0.5, 1.0) / window_mean(net, 0.05, 0.1)


def rate_slope(net: NetCurves, k_frac: float = 0.1) -> float:
    """Log-log slope of the unsmoothed averaged curve over ``k_frac * m <= k < m`` (the EMA
    is for the plot only: its lag of ~100 steps would bend the slope)."""
    return loglog_slope(net.k, net.curve, k_frac * net.losses.size)


def rank_correlation(param: Sequence[float], level: Sequence[float]) -> float:
    """Spearman's rho between a grid parameter (h or L) and the curves' levels (no ties in
    the parameter); 1: the level rises with the parameter in the same order."""
    from scipy.stats import spearmanr

    param, level = np.asarray(param, float), np.asarray(level, float)
    if param.shape != level.shape or param.size < 3:
        raise ValueError("param and level must be 1-D of one length >= 3")
    # rounded: a perfect order gives 0.9999999999999999, which a threshold of 1 must accept
    return round(float(spearmanr(param, level).statistic), 12)


def lemma1_table(
    X: object,
    y: object,
    hidden_grid: Sequence[int],
    depth_grid: Sequence[int],
    *,
    epochs: int = 10,
    lr: float = 1e-3,
    batch_size: int = 64,
    seed: int = 0,
) -> list[dict]:
    """Lemma 1 against trained networks: one row per (h, num_layers) of the grid.

    Each network is trained as the authors do (:func:`train_mlp`: Adam, PyTorch
    init) on ``X (m, d)``, ``y (m,)``; then, on the same objects, the exact G-term norms
    (``g_median``, ``g_mean``, ``g_max``), ``M = max |w_ij|``, ``M_W = max ||W_p||_2``,
    Lemma 1's rate ``L (h M)^(2L)`` and bound, and our corrected bound with the measured
    ``M_W`` and ``M_x = max |x_i|``. ``L = num_layers + 2`` weight layers.
    """
    X = np.asarray(X, dtype=float)
    hs = [int(h) for h in hidden_grid]
    ds = [int(d) for d in depth_grid]
    if not hs or not ds:
        raise ValueError("hidden_grid and depth_grid must be non-empty")
    Mx = float(np.linalg.norm(X, axis=1).max()) if X.ndim == 2 else float("nan")
    rows = []
    for h in hs:
        for depth in ds:
            W, history = train_mlp(
                X, y, h, depth, lr=lr, batch_size=batch_size, epochs=epochs, seed=seed
            )
            g = gterm_norm(W, X)
            L = len(W)
            M = float(max(np.abs(w).max() for w in W))
            MW = float(layer_norms(W).max())
            rows.append(
                dict(
                    h=h,
                    num_layers=depth,
                    L=L,
                    final_loss=float(history[-1]),
                    g_median=float(np.median(g)),
                    g_mean=float(g.mean()),
                    g_max=float(g.max()),
                    M=M,
                    M_W=MW,
                    lemma1_rate=float(L * (h * M) ** (2 * L)),
                    lemma1_bound=float(lemma1_bound(L, h, M, Mx)),
                    corrected_bound=float(corrected_bound(L, Mx, MW)),
                )
            )
    return rows
