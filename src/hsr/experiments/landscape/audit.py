"""Theorem 1 of Kiselev et al. audited: the counterexample under every reading of the theorem,
the counterexample as a trained (global) minimum, and the corrected bound on random networks
(``book/landscape.md``; the Theorem 1 page runs these).

* :func:`theorem1_readings` -- the sharp networks of :func:`hsr.core.landscape.gterm
  .sharp_example` against the paper's bound under four readings: ``H_i`` the G-term or the
  full per-object Hessian (G-term + H-term), and ``L`` the number of weight matrices or the
  authors' ``num_layers`` (= weight matrices - 2);
* :func:`two_object_minimum` -- the counterexample network on the two-object data set
  {(x, 0), (x, 1)}: its loss is log 2, the least any network can reach there, and its
  gradient is exactly zero (closed form, backpropagation and central differences);
* :func:`corrected_bound_audit` -- the corrected bound (L/2) M_x^2 M_W^(2L-2) and its
  per-object form on random networks of random shapes, weight scales and input scales;
* :func:`a_norm_audit` -- ``||A||_2 = ||diag(p) - p p^T||_2``: 1/2 at p = (1/2, 1/2), below
  1/2 at random logits.

Numpy only; every network here is small (two units a hidden layer for the sharp networks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...core._checks import integer_at_least, positive
from ...core.landscape.gterm import (
    a_norm,
    corrected_bound,
    corrected_bound_layers,
    gterm,
    gterm_norm,
    h_term,
    layer_norms,
    paper_bound,
    sharp_example,
)
from ...core.landscape.mlp import flatten, loss_and_grad, per_sample_losses, unflatten

__all__ = [
    "READINGS",
    "theorem1_readings",
    "two_object_minimum",
    "corrected_bound_audit",
    "a_norm_audit",
]

#: the readings of Theorem 1 tried: (what H_i is, what L counts)
READINGS = (
    ("G-term", "weight matrices"),
    ("full Hessian", "weight matrices"),
    ("G-term", "num_layers"),
    ("full Hessian", "num_layers"),
)


def _full_norms(W, X) -> np.ndarray:
    """``||G-term + H-term||_2`` of the one object ``X (1, d)`` for each label 0 and 1: ``(2,)``."""
    G = gterm(W, X)[0]
    return np.array(
        [np.abs(np.linalg.eigvalsh(G + h_term(W, X, np.array([y]))[0])).max() for y in (0, 1)]
    )


def theorem1_readings(M_x: float, depths: Sequence[int], a_grid) -> list[dict]:
    """The sharp networks (:func:`~hsr.core.landscape.gterm.sharp_example`, every
    ``||W_p||_2 = a``, two classes) of every depth ``L`` in ``depths`` (weight matrices, >= 2)
    and layer norm ``a`` in ``a_grid``, on an input of norm ``M_x``, against Theorem 1's bound
    under each of :data:`READINGS`. The input is taken one-dimensional, ``x = (M_x,)``: for a
    ``d``-dimensional ``x`` of norm ``M_x`` the spectra of the G-term and of the full Hessian
    are the same plus zeros (rotate the rows of ``W_1`` so that ``x`` is the first axis).

    Under "full Hessian" an object violates the bound when the per-object Hessian of either
    label exceeds it (the theorem holds "for any object"); under "num_layers" the bound is
    taken with ``L - 2`` (networks with ``L >= 3`` only). Returns one dict per reading:
    ``hessian``, ``L_counts``, ``n_cases``, ``n_violations``, ``worst_ratio`` (norm / bound)
    and the case of the worst ratio, ``witness_L``, ``witness_a``, ``witness_norm``,
    ``witness_bound``."""
    M_x = positive("M_x", M_x)
    depths = [integer_at_least("depths[i]", int(L), 2) for L in depths]
    a = np.asarray(a_grid, dtype=float)
    if not depths or a.ndim != 1 or a.size < 1 or not np.all(np.isfinite(a) & (a > 0)):
        raise ValueError("depths must be a non-empty list and a_grid finite layer norms > 0")
    x = np.array([M_x])
    cases = []
    for L in depths:
        for ai in a:
            W, X = sharp_example(int(L), float(ai), x)
            g = float(gterm_norm(W, X)[0])
            full = float(_full_norms(W, X).max())
            cases.append((int(L), float(ai), g, full))
    out = []
    for hessian, counts in READINGS:
        n, viol, worst = 0, 0, (-np.inf, None)
        for L, ai, g, full in cases:
            Lb = L if counts == "weight matrices" else L - 2
            if Lb < 1:
                continue
            value = g if hessian == "G-term" else full
            bound = float(paper_bound(Lb, M_x, ai))
            n += 1
            viol += int(value > bound)
            if value / bound > worst[0]:
                worst = (value / bound, (L, ai, value, bound))
        L_w, a_w, v_w, b_w = worst[1]
        out.append(
            dict(
                hessian=hessian,
                L_counts=counts,
                n_cases=n,
                n_violations=viol,
                worst_ratio=float(worst[0]),
                witness_L=L_w,
                witness_a=a_w,
                witness_norm=v_w,
                witness_bound=b_w,
            )
        )
    return out


def two_object_minimum(L: int, a: float, x, fd_step: float = 1e-5) -> dict:
    """The counterexample network (:func:`~hsr.core.landscape.gterm.sharp_example` with ``L``
    weight matrices of norm ``a`` and the input ``x (d,)``) as a trained network: on the data
    set {(x, 0), (x, 1)} its two logits are equal, p = (1/2, 1/2), so the mean cross-entropy
    is log 2, the least any network can reach on these two objects (for equal inputs it is
    -(log p_0 + log p_1)/2 >= log 2 by the AM-GM inequality), and its gradient
    ``J^T mean_i (p - e_{y_i})`` is exactly zero: a global minimum.

    Returns ``loss``, ``loss_gap`` (loss - log 2), ``p`` (the probabilities), ``residual``
    (``max |mean_i (p - e_{y_i})|``, the closed form's factor), ``grad_backprop`` (max
    |gradient| by backpropagation, :func:`hsr.core.landscape.mlp.loss_and_grad`),
    ``grad_fd`` (max |central difference of the mean loss| with step ``fd_step``),
    ``n_params``, the G-term norm of each object ``gterm`` (the same for both), the norm of
    the full per-object Hessian of each object ``full`` ``(2,)``, the norm of the Hessian of
    the mean loss ``mean_hessian`` (the G-term: the H-terms cancel), the paper's bound with
    ``L`` and with ``L - 2`` (``paper_bound``, ``paper_bound_num_layers``; NaN for ``L < 3``)
    and the corrected bound ``corrected``, all with ``M_W = a``, ``M_x = |x|``."""
    positive("fd_step", fd_step)
    W, X1 = sharp_example(L, a, x)
    X = np.vstack([X1, X1])
    y = np.array([0, 1])
    loss, grads = loss_and_grad(W, X, y)
    z = X1 @ W[0].T
    for Wp in W[1:]:
        z = np.maximum(z, 0.0) @ Wp.T
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    residual = float(np.abs((p[0] - np.eye(2)[y]).mean(axis=0)).max())
    theta, shapes = flatten(W), [w.shape for w in W]

    def f(t):
        return float(per_sample_losses(unflatten(t, shapes), X, y).mean())

    fd = np.empty(theta.size)
    for i in range(theta.size):
        e = np.zeros(theta.size)
        e[i] = fd_step
        fd[i] = (f(theta + e) - f(theta - e)) / (2 * fd_step)
    g = gterm_norm(W, X)
    H = gterm(W, X) + h_term(W, X, y)
    full = np.array([np.abs(np.linalg.eigvalsh(Hi)).max() for Hi in H])
    mean_h = float(np.abs(np.linalg.eigvalsh(H.mean(axis=0))).max())
    M_x, M_W = float(np.linalg.norm(x)), float(layer_norms(W).max())
    return dict(
        loss=loss,
        loss_gap=loss - math.log(2.0),
        p=p.ravel(),
        residual=residual,
        grad_backprop=float(max(np.abs(gr).max() for gr in grads)),
        grad_fd=float(np.abs(fd).max()),
        n_params=int(theta.size),
        gterm=float(g.max()),
        full=full,
        mean_hessian=mean_h,
        paper_bound=float(paper_bound(L, M_x, M_W)),
        paper_bound_num_layers=float(paper_bound(L - 2, M_x, M_W)) if L >= 3 else math.nan,
        corrected=float(corrected_bound(L, M_x, M_W)),
    )


def _random_net(rng):
    """A random bias-free ReLU network: 2-6 weight matrices, widths 1-8, 2-5 classes, every
    layer of spectral norm drawn log-uniformly in [0.05, 3]; 4 inputs of norms drawn
    log-uniformly in [0.01, 100]."""
    L = int(rng.integers(2, 7))
    widths = [int(rng.integers(1, 9)) for _ in range(L)] + [int(rng.integers(2, 6))]
    W = []
    for p in range(L):
        M = rng.normal(size=(widths[p + 1], widths[p]))
        W.append(M * float(np.exp(rng.uniform(np.log(0.05), np.log(3.0)))) / np.linalg.norm(M, 2))
    X = rng.normal(size=(4, widths[0]))
    X *= np.exp(rng.uniform(np.log(0.01), np.log(100.0), (4, 1))) / np.linalg.norm(
        X, axis=1, keepdims=True
    )
    return W, X


def corrected_bound_audit(n_nets: int, seed: int = 0, rtol: float = 1e-12) -> dict:
    """The corrected bound on ``n_nets`` random networks (:func:`_random_net`: random depth,
    widths, classes, per-layer norms 0.05 to 3 and input norms 0.01 to 100), four objects
    each: the exact G-term norm against the per-object form (1/2)|x|^2 sum_p prod_{s != p}
    ||W_s||^2 and against (L/2) M_x^2 M_W^(2L-2) (M_x, M_W the network's largest), exceeded
    when above by more than ``rtol`` relative; the paper's bound is counted beside them.

    Returns ``n_nets``, ``n_pairs``, ``exceed_per_object``, ``exceed_bound``,
    ``max_ratio_per_object``, ``max_ratio_bound`` (the largest G-term / bound),
    ``paper_violations`` (pairs above the paper's bound)."""
    n_nets = integer_at_least("n_nets", n_nets, 1)
    seed = integer_at_least("seed", seed, 0)
    rng = np.random.default_rng(seed)
    n_pairs = ex_per = ex_b = paper_v = 0
    r_per = r_b = 0.0
    for _ in range(n_nets):
        W, X = _random_net(rng)
        g = gterm_norm(W, X)
        per = corrected_bound_layers(W, X)
        M_x, M_W = float(np.linalg.norm(X, axis=1).max()), float(layer_norms(W).max())
        b = float(corrected_bound(len(W), M_x, M_W))
        pb = float(paper_bound(len(W), M_x, M_W))
        n_pairs += g.size
        ex_per += int(np.sum(g > per * (1 + rtol)))
        ex_b += int(np.sum(g > b * (1 + rtol)))
        paper_v += int(np.sum(g > pb))
        r_per = max(r_per, float(np.max(g / per)))
        r_b = max(r_b, float(g.max() / b))
    return dict(
        n_nets=n_nets,
        n_pairs=n_pairs,
        exceed_per_object=ex_per,
        exceed_bound=ex_b,
        max_ratio_per_object=r_per,
        max_ratio_bound=r_b,
        paper_violations=paper_v,
    )


def a_norm_audit(n: int, seed: int = 0) -> dict:
    """``||A||_2`` of cross-entropy in the logits (book/landscape.md, the lemma on A): its value
    at p = (1/2, 1/2) (logits (0, 0)) and at p = (1/2, 1/2, 0, ...) as nearly as floats allow
    (logits (0, 0, -50)), and its largest value over ``n`` random logit vectors (2 to 10
    classes, entries normal with a scale drawn in [0, 10]). Returns ``at_half``,
    ``at_half_three``, ``max_random``."""
    n = integer_at_least("n", n, 1)
    rng = np.random.default_rng(integer_at_least("seed", seed, 0))
    best = 0.0
    for _ in range(n):
        K = int(rng.integers(2, 11))
        z = rng.normal(size=K) * rng.uniform(0.0, 10.0)
        best = max(best, float(a_norm(z)))
    return dict(
        at_half=float(a_norm(np.zeros(2))),
        at_half_three=float(a_norm(np.array([0.0, 0.0, -50.0]))),
        max_random=best,
    )
