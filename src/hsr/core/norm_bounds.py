"""Upper bounds on tr(H), tr(H^2) and lambda_max from norms (WS paper, Section V, Thms 3-7).

The WS paper bounds its two traces by interpretable quantities (Theorems 3, 4 and 6,
Propositions 5-7), shows that the bound vanishes when every sample is fitted with full
confidence (Theorem 7), and relates the two traces for a positive semi-definite Hessian
(Proposition 8). The extracted text lost every formula; the bounds below are re-derived in
the notation of ``book/model.md`` and proved in the book chapter ``book/norm-bounds.md``. With
``c_i = |xt_i|^2``, ``K = Xt Xt^T`` (the inputs' Gram matrix), ``Ga = At At^T`` (the hidden
outputs' Gram matrix, ``at_i = [1; a_i]``), ``wb = w2[1:]``, ``theta2 = w2`` and the
activation constants ``F0 = sup|f|``, ``F1 = sup|f'|``, ``F2 = sup|f''|`` (:data:`CONSTANTS`):

* hidden envelope ``alpha_i >= |a_i|^2``: ``min(h F0^2, sum_k (|f(0)| + F1 |W1[k]| |xt_i|)^2)``;
* Thm 3 (WS Eq. (22))
  ``tr H <= (1/N) sum_i [s_i (1 + alpha_i + c_i F1^2 |wb|^2) + |e_i| c_i F2 |wb|_1]``;
* Thm 4 (Eq. (23)) the same with ``|wb| -> |theta2|`` and ``|wb|_1 -> sqrt(h) |theta2|``;
* Prop 5 (Eq. (24)) with ``|x_ij| <= kappa`` (``kappa = max(1, max |x_ij|)``, so 1 for
  normalised inputs) and ``C = 1 + d kappa^2``:
  ``tr H <= (1 + alpha^)/4 + C (F1^2 |theta2|^2 / 4 + sqrt(h) F2 |theta2|)``;
* weighted form (ours) ``tr H^2 <= (S1 + S3)^2`` with
  ``N S1 = |Ga|_s + F1^2 |wb|^2 |K|_s`` (``|X|_s^2 = sum_ij s_i s_j X_ij^2``) and
  ``N^2 S3^2 = sum_ij |e_i| |e_j| (F2^2 |wb|^2 K_ij^2 + 2 h F1^2 |K_ij|)``;
* Thm 6 (Eqs. (29)-(30); Frobenius form) ``tr H^2 <= N^-2 [ (|Ga|_F + F1^2 |theta2|^2
  |K|_F)/4 + sqrt(F2^2 |theta2|^2 |K|_F^2 + 2 h F1^2 N |K|_F) ]^2``;
* Prop 6 (Eq. (31)): Thm 6 with ``|K|_F <= N C`` and ``|Ga|_F <= N (1 + alpha^)``;
  Prop 7 (Eq. (32); bounded f only): Prop 6 with ``alpha^ = h F0^2``;
* Thm 7 (Eq. (33)) ``lambda_WS <= sqrt(2) (S1 + S3) <= sqrt(2) e_max R``
  (``R`` is ``rate_constant`` of :class:`NormBounds`);
* the lambda_max bound the traces imply: the WS bound maximised over every ``tr H`` allowed
  (:func:`ws_from_trace_bounds`).

Prop 8 (Eq. (34); ``tr(H)^2/n <= tr(H^2) <= tr(H)^2`` for a positive semi-definite H) needs
the spectrum to know where it applies; the tests and ``notebooks/ws-norm-bounds.ipynb`` check
it there.

Everything is closed form: O(N^2 d) for the inputs' Gram matrix (once per call) and O(N^2 h)
per network, batched over a leading axis of theta. Where the parameters are so large that a
product overflows the float range (e.g. a W1 row norm times ``|xt_i|`` beyond about 1e154 with
an unbounded activation), a bound that cannot be computed is ``inf`` (an overflow gives inf or,
as ``inf * 0``, NaN; both become inf), never a finite number that might lie below the exact
value.

Where the bounds are reached: :func:`aligned_network` builds networks whose hidden units all
point one way and whose output weights are 0; :func:`bound_ratios` gives exact / bound for
every bound (1 where it is reached; ``book/norm-bounds.md``, "How sharp the bounds are").

>>> import numpy as np
>>> from hsr import ws_bounds
>>> net = Net(2, 3, "sigmoid"); rng = np.random.default_rng(0)
>>> X, y, th = rng.normal(size=(8, 2)), rng.integers(0, 2, 8), rng.normal(size=(4, 13))
>>> nb, ws = norm_bounds(net, th, X, y), ws_bounds(net, th, X, y)
>>> bool(np.all(ws.trace <= nb.trace_upper) and np.all(ws.trace_squared <= nb.trace_squared_upper))
True
>>> bool(np.all(ws.upper <= nb.lambda_upper))
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import erf

from ._checks import network
from .bounds import moments
from .model import Forward, Net

__all__ = [
    "BOUND_FIELDS",
    "ActivationConstants",
    "CONSTANTS",
    "NormBounds",
    "norm_bounds",
    "norm_bounds_from_forward",
    "ws_from_trace_bounds",
    "aligned_network",
    "bound_ratios",
]


@dataclass(frozen=True)
class ActivationConstants:
    """Suprema over the real line of one activation: ``sup_f = sup|f|`` (inf when f is
    unbounded), ``f_at_0 = |f(0)|``, ``sup_f1 = sup|f'|`` (also f's Lipschitz constant),
    ``sup_f2 = sup|f''|``, and where each supremum is reached (``argmax_*``, None when it is
    only approached as |u| -> inf)."""

    sup_f: float
    f_at_0: float
    sup_f1: float
    sup_f2: float
    argmax_f1: float | None
    argmax_f2: float | None

    @property
    def bounded(self) -> bool:
        """Whether f itself is bounded (the saturating activations)."""
        return bool(np.isfinite(self.sup_f))


_SQRT3 = np.sqrt(3.0)
#: per activation: sup|f|, |f(0)|, sup|f'|, sup|f''| (book/norm-bounds.md, the constants table)
CONSTANTS: dict[str, ActivationConstants] = {
    # f = u: f' = 1, f'' = 0
    "linear": ActivationConstants(np.inf, 0.0, 1.0, 0.0, 0.0, 0.0),
    # f' = S(1-S) <= 1/4 at u = 0; |f''| = S(1-S)|1-2S| is largest where S = 1/2 -+ 1/(2 sqrt 3)
    "sigmoid": ActivationConstants(
        1.0, 0.5, 0.25, 1.0 / (6.0 * _SQRT3), 0.0, float(np.log((_SQRT3 + 1) / (_SQRT3 - 1)))
    ),
    # f' = 1 - t^2 <= 1 at 0; |f''| = 2|t|(1-t^2) is largest at t^2 = 1/3
    "tanh": ActivationConstants(
        1.0, 0.0, 1.0, 4.0 / (3.0 * _SQRT3), 0.0, float(np.arctanh(1 / _SQRT3))
    ),
    # f' = S in (0, 1), approached as u -> inf; f'' = S(1-S) <= 1/4 at 0
    "softplus": ActivationConstants(np.inf, float(np.log(2.0)), 1.0, 0.25, None, 0.0),
    # f' = Phi + u phi is largest where f'' = (2 - u^2) phi = 0, at u = sqrt 2:
    # Phi(sqrt 2) + sqrt 2 phi(sqrt 2) = (1 + erf 1)/2 + 1/(e sqrt pi); |f''| <= 2 phi(0)
    "gelu": ActivationConstants(
        np.inf,
        0.0,
        float(0.5 * (1.0 + erf(1.0)) + np.exp(-1.0) / np.sqrt(np.pi)),
        float(np.sqrt(2.0 / np.pi)),
        float(np.sqrt(2.0)),
        0.0,
    ),
}


@dataclass
class NormBounds:
    """Norm bounds of WS Section V for one network (floats) or a batch (``(B,)`` arrays).

    Upper bounds on tr(H): ``trace_thm3``, ``trace_thm4``, ``trace_prop5``, and
    ``trace_upper``, the smallest of them. On tr(H^2): ``trace_squared_weighted`` (our
    sample-weighted form), ``trace_squared_thm6`` (Frobenius norms of the Gram matrices),
    ``trace_squared_prop6`` (normalised inputs), ``trace_squared_prop7`` (saturating f; inf
    for an unbounded activation, where no such bound exists), and ``trace_squared_upper``,
    the smallest. On lambda_max, and on lambda_WS itself: ``lambda_upper``, the WS bound with
    both traces replaced by their upper bounds (:func:`ws_from_trace_bounds`), and
    ``lambda_thm7 = sqrt(2) (S1 + S3)``, which vanishes when every e_i does (Theorem 7).

    Ingredients, so that a reader can see what moves the bounds: ``gauss_newton_norm`` S1 and
    ``curvature_norm`` S3 (bounds on the Frobenius norms of the two parts of H),
    ``e_max = max_i |e_i|``, ``rate_constant`` R with ``lambda_thm7 <= sqrt(2) e_max R``,
    ``input_gram_norm`` |K|_F, ``hidden_gram_norm`` |Ga|_F, ``theta2_norm`` |theta2|,
    ``kappa = max(1, max_ij |x_ij|)`` (1 for normalised inputs).
    """

    n: int
    trace_thm3: np.ndarray
    trace_thm4: np.ndarray
    trace_prop5: np.ndarray
    trace_upper: np.ndarray
    trace_squared_weighted: np.ndarray
    trace_squared_thm6: np.ndarray
    trace_squared_prop6: np.ndarray
    trace_squared_prop7: np.ndarray
    trace_squared_upper: np.ndarray
    lambda_upper: np.ndarray
    lambda_thm7: np.ndarray
    gauss_newton_norm: np.ndarray
    curvature_norm: np.ndarray
    e_max: np.ndarray
    rate_constant: np.ndarray
    input_gram_norm: np.ndarray
    hidden_gram_norm: np.ndarray
    theta2_norm: np.ndarray
    kappa: float


def ws_from_trace_bounds(n: int, trace_upper: np.ndarray, frobenius_upper: np.ndarray):
    """Largest lambda_WS = m + s sqrt(n-1) over all ``tr H <= trace_upper`` and
    ``sqrt(tr H^2) = |H|_F <= frobenius_upper``: hence an upper bound on lambda_WS and on
    lambda_max (our Proposition in ``book/norm-bounds.md``).

    lambda_WS grows with tr(H^2) and, as a function of tr H = t, rises up to
    ``t = sqrt(tr H^2)`` (where it equals |H|_F) and falls after; so the maximum is the WS
    formula at ``t = min(trace_upper, frobenius_upper)``. (Plugging both bounds straight into
    the WS formula would not be a bound: lambda_WS is not monotone in tr H.) The formula is
    homogeneous of degree 1 in (t, |H|_F), so it is evaluated on ``(t / r, 1)`` and scaled by
    ``r = frobenius_upper``: no square under- or overflows. Shapes broadcast; ``moments`` of
    :mod:`hsr.core.bounds` does the WS arithmetic. An infinite or NaN bound (an overflow
    upstream) gives ``inf``: an unknown bound is no bound, and never 0.

    >>> [round(float(ws_from_trace_bounds(4, t, 1.0)), 12) for t in (0.0, 1.0, 5.0)]
    [0.866025403784, 1.0, 1.0]
    >>> [float(ws_from_trace_bounds(4, t, r)) for t, r in ((1.0, np.inf), (1.0, np.nan))]
    [inf, inf]
    """
    r = _no_nan(np.asarray(frobenius_upper, dtype=float))
    trace_upper = _no_nan(np.asarray(trace_upper, dtype=float))
    finite = np.isfinite(r) & (r > 0)
    safe = np.where(finite, r, 1.0)
    t = np.minimum(np.where(finite, trace_upper, 0.0) / safe, 1.0)
    m, s = moments(n, t, np.ones_like(t))
    return np.where(finite, r * (m + s * np.sqrt(n - 1.0)), np.where(r > 0, np.inf, 0.0))


def _no_nan(x: np.ndarray) -> np.ndarray:
    """An upper bound computed as NaN (``inf * 0`` or ``inf - inf`` after an overflow) is no
    bound at all: inf."""
    return np.where(np.isnan(x), np.inf, x)


def _weighted_frobenius(w: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``sqrt(sum_ij w_i w_j X_ij^2)`` for weights ``w (B, N)`` and ``X (B, N, N)`` or (N, N)."""
    X2 = X * X if X.ndim == 3 else np.broadcast_to(X * X, (w.shape[0],) + X.shape)
    # scaled by the largest weight, so that w_i w_j cannot underflow when every w_i is tiny
    top = w.max(axis=1)
    u = w / np.where(top > 0, top, 1.0)[:, None]
    return top * np.sqrt(np.maximum(np.einsum("bi,bij,bj->b", u, X2, u), 0.0))


def norm_bounds_from_forward(fw: Forward) -> NormBounds:
    """All bounds for every network of a forward pass (batch axis kept): see :func:`norm_bounds`.

    Overflow is expected for huge parameters and is not warned about: every bound (and every
    norm of an overflowing quantity) that comes out NaN is returned as inf.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        b = _norm_bounds(fw)
    exact = ("n", "e_max", "input_gram_norm", "theta2_norm", "kappa")
    return NormBounds(**{k: (v if k in exact else _no_nan(v)) for k, v in vars(b).items()})


def _norm_bounds(fw: Forward) -> NormBounds:
    net = fw.net
    const = CONSTANTS[net.activation]
    F0, f0, F1, F2 = const.sup_f, const.f_at_0, const.sup_f1, const.sup_f2
    B, N, h = fw.A.shape
    d = net.d_in
    n = net.n_params
    s, ae = fw.s, np.abs(fw.e)
    c = fw.c  # (N,) |xt_i|^2
    K = fw.K  # (N, N)
    wb = fw.wb  # (B, h)
    wb2 = np.einsum("bk,bk->b", wb, wb)  # |wb|^2
    wb_l1 = np.abs(wb).sum(axis=1)
    th2 = np.linalg.norm(fw.w2, axis=1)  # |theta2|
    rho = np.linalg.norm(fw.W1, axis=2)  # (B, h): row norms of W1, |u_ik| <= rho_k |xt_i|
    kappa = float(max(1.0, np.abs(fw.Xt[:, 1:]).max()))
    C = 1.0 + d * kappa * kappa  # >= c_i and >= |K_ij|

    # hidden envelope alpha_i >= |a_i|^2: saturation (h F0^2) or Lipschitz growth from f(0)
    lip = ((f0 + F1 * rho[:, None, :] * np.sqrt(c)[None, :, None]) ** 2).sum(axis=2)  # (B, N)
    alpha = np.minimum(h * F0 * F0, lip) if const.bounded else lip
    lip_hat = ((f0 + F1 * rho * np.sqrt(C)) ** 2).sum(axis=1)  # (B,): any |xt| <= sqrt(C)
    alpha_hat = np.minimum(h * F0 * F0, lip_hat) if const.bounded else lip_hat

    # ----- tr H -----------------------------------------------------------------------
    gn = s * (1.0 + alpha + c * (F1 * F1) * wb2[:, None])  # >= s_i |g_i|^2
    thm3 = (gn + ae * c * (F2 * wb_l1)[:, None]).mean(axis=1)
    thm4 = (
        s * (1.0 + alpha + c * (F1 * F1) * (th2 * th2)[:, None])
        + ae * c * (np.sqrt(h) * F2 * th2)[:, None]
    ).mean(axis=1)
    prop5 = 0.25 * (1.0 + alpha_hat) + C * (0.25 * F1 * F1 * th2 * th2 + np.sqrt(h) * F2 * th2)
    trace_upper = np.minimum(np.minimum(thm3, thm4), prop5)

    # ----- tr H^2 ---------------------------------------------------------------------
    Ga = 1.0 + fw.A @ fw.A.transpose(0, 2, 1)  # (B, N, N) at_i . at_j
    absK = np.abs(K)
    S1 = (_weighted_frobenius(s, Ga) + F1 * F1 * wb2 * _weighted_frobenius(s, K)) / N
    # S3 = e_max sqrt(sum_ij (|e_i|/e_max)(|e_j|/e_max)(...)): no product of two tiny |e|
    e_max = ae.max(axis=1)
    ue = ae / np.where(e_max > 0, e_max, 1.0)[:, None]
    S3sq = (F2 * F2) * wb2 * np.einsum("bi,ij,bj->b", ue, K * K, ue) + 2.0 * h * F1 * F1 * (
        np.einsum("bi,ij,bj->b", ue, absK, ue)
    )
    S3 = e_max * np.sqrt(np.maximum(S3sq, 0.0)) / N
    K_F = float(np.linalg.norm(K))
    Ga_F = np.sqrt(np.einsum("bij,bij->b", Ga, Ga))
    # each tr(H^2) bound as the bound on |H|_F it squares
    root_weighted = S1 + S3
    curv_F = np.sqrt((F2 * th2 * K_F) ** 2 + 2.0 * h * F1 * F1 * N * K_F)
    root_thm6 = (0.25 * (Ga_F + F1 * F1 * th2 * th2 * K_F) + curv_F) / N

    def _normalised(a_hat):
        return 0.25 * (1.0 + a_hat + F1 * F1 * th2 * th2 * C) + np.sqrt(
            (F2 * th2 * C) ** 2 + 2.0 * h * F1 * F1 * C
        )

    root_prop6 = _normalised(alpha_hat)
    root_prop7 = _normalised(np.full(B, h * F0 * F0)) if const.bounded else np.full(B, np.inf)
    root_upper = np.minimum.reduce([root_weighted, root_thm6, root_prop6, root_prop7])

    # ----- lambda_max ---------------------------------------------------------------------
    lam_upper = ws_from_trace_bounds(n, trace_upper, root_upper)
    lam7 = np.sqrt(2.0) * root_weighted
    rate = (
        Ga_F + F1 * F1 * wb2 * K_F + np.sqrt((F2 * F2) * wb2 * K_F**2 + 2.0 * h * F1 * F1 * N * K_F)
    ) / N

    return NormBounds(
        n=n,
        trace_thm3=thm3,
        trace_thm4=thm4,
        trace_prop5=prop5,
        trace_upper=trace_upper,
        trace_squared_weighted=root_weighted**2,
        trace_squared_thm6=root_thm6**2,
        trace_squared_prop6=root_prop6**2,
        trace_squared_prop7=root_prop7**2,
        trace_squared_upper=root_upper**2,
        lambda_upper=lam_upper,
        lambda_thm7=lam7,
        gauss_newton_norm=S1,
        curvature_norm=S3,
        e_max=e_max,
        rate_constant=rate,
        input_gram_norm=np.full(B, K_F),
        hidden_gram_norm=Ga_F,
        theta2_norm=th2,
        kappa=kappa,
    )


def norm_bounds(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> NormBounds:
    """Upper bounds on tr(H), tr(H^2) and lambda_max from norms (WS paper, Theorems 3, 4, 6,
    7 and Propositions 5-7; the forms are ours where the paper's were lost, see the module
    docstring and ``book/norm-bounds.md``).

    ``theta`` of shape ``(n,)`` gives float fields; ``(B, n)`` gives ``(B,)`` arrays (``n``
    and ``kappa`` stay scalars). ``X (N, d_in)``, ``y (N,)`` in {0, 1}. Bad input raises a
    ValueError naming the argument before any work starts.

    >>> import numpy as np
    >>> net = Net(1, 1, "tanh")
    >>> b = norm_bounds(net, np.array([0.0, 1.0, 0.0, 2.0]), np.array([[1.0]]), np.array([1.0]))
    >>> round(float(b.trace_thm3), 6), bool(b.trace_squared_prop7 >= b.trace_squared_upper)
    (2.020696, True)
    """
    network("net", net)
    fw = net.forward(theta, X, y)
    b = norm_bounds_from_forward(fw)
    fields = {k: (v if k in ("n", "kappa") else fw.out(v)) for k, v in vars(b).items()}
    return NormBounds(**fields)


# ----- where the bounds are reached ---------------------------------------------------------
def aligned_network(net: Net, scale, direction) -> np.ndarray:
    """Networks whose hidden units all have the weights ``scale * u`` (``u = direction /
    |direction|``, a vector of length d+1 over [bias, inputs]) and whose output weights
    ``w2`` are 0: the family on which the bounds of this module are reached
    (``book/norm-bounds.md``, "How sharp the bounds are").

    With ``w2 = 0`` the output is 1/2 at every input, so ``s_i = 1/4``, ``|e_i| = 1/2``, the
    curvature terms through ``wb`` vanish and ``H = G + E`` with ``G = (1/N) sum_i s_i at_i
    at_i^T`` on the output block. With ``u = e_0`` (biases only) every sample gets the same
    hidden output ``f(scale)``: for a saturating f, ``|a_i|^2 -> h F0^2`` and the trace bounds
    of Theorems 3, 4 and Proposition 5 tend to tr(H). With every sample at one input
    ``x0`` and ``u = [1; x0] / |[1; x0]|``, labels half 0 and half 1, the gradient is 0 (a
    critical point), ``E = 0`` and H has rank one; for the linear activation the trace bounds
    are equalities and the bounds on tr(H^2) (weighted, Theorem 6, and Proposition 6 where
    ``|x0_j| = 1``) and on lambda_max tend to the exact values like ``1 - O(1/scale^2)``.

    Parameters
    ----------
    net : Net
    scale : float or array, shape (S,)
        Finite.
    direction : array, shape (d_in + 1,)
        Non-zero.

    Returns
    -------
    ndarray, shape (n,) for a float scale, (S, n) for an array
    """
    network("net", net)
    sc = np.asarray(scale, dtype=float)
    if sc.ndim > 1 or not np.all(np.isfinite(sc)):
        raise ValueError(f"scale must be a finite number or 1-D array, got {scale!r}")
    u = np.asarray(direction, dtype=float)
    if u.shape != (net.d_in + 1,) or not np.all(np.isfinite(u)) or not np.any(u):
        raise ValueError(
            f"direction must be a finite non-zero vector of length {net.d_in + 1}, "
            f"got {direction!r}"
        )
    u = u / np.linalg.norm(u)
    S = np.atleast_1d(sc)
    W1 = S[:, None, None] * np.broadcast_to(u, (net.d_hidden, u.size))[None]
    theta = net.pack(W1, np.zeros((S.size, net.d_hidden + 1)))
    return theta[0] if sc.ndim == 0 else theta


#: the bounds :func:`bound_ratios` reports: name -> (field of :class:`NormBounds`, the exact
#: quantity it bounds: "trace", "trace_squared", "ws" (lambda_WS) or "lambda_max")
BOUND_FIELDS: dict[str, tuple[str, str]] = {
    "thm3": ("trace_thm3", "trace"),
    "thm4": ("trace_thm4", "trace"),
    "prop5": ("trace_prop5", "trace"),
    "weighted": ("trace_squared_weighted", "trace_squared"),
    "thm6": ("trace_squared_thm6", "trace_squared"),
    "prop6": ("trace_squared_prop6", "trace_squared"),
    "prop7": ("trace_squared_prop7", "trace_squared"),
    "lambda-ws": ("lambda_upper", "ws"),
    "thm7-ws": ("lambda_thm7", "ws"),
    "lambda-max": ("lambda_upper", "lambda_max"),
}


def bound_ratios(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> dict:
    """Exact value / bound for every bound of :data:`BOUND_FIELDS` (at most 1, since each is
    an upper bound; 1 where the bound is reached; 0 where the bound does not exist, inf): the
    exact tr(H), tr(H^2) and lambda_WS in closed form, lambda_max from ``eigvalsh`` of the
    closed-form Hessian. Floats for ``theta (n,)``, ``(B,)`` arrays for ``(B, n)``."""
    from .bounds import ws_bounds
    from .hessian import hessian_spectrum

    nb = norm_bounds(net, theta, X, y)
    w = ws_bounds(net, theta, X, y)
    exact = {
        "trace": np.asarray(w.trace),
        "trace_squared": np.asarray(w.trace_squared),
        "ws": np.asarray(w.upper),
        "lambda_max": np.asarray(hessian_spectrum(net, theta, X, y))[..., -1],
    }
    out = {}
    for name, (field, key) in BOUND_FIELDS.items():
        b = np.asarray(getattr(nb, field), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(np.isinf(b), 0.0, exact[key] / b)
        out[name] = float(r) if r.ndim == 0 else r
    return out
