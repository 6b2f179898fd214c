"""The G-term (Gauss-Newton part) of the per-object Hessian of a bias-free ReLU MLP, exactly.

Kiselev et al., "Unraveling the Hessian" (arXiv 2409.11995), Section 4 and Appendix A.1, in
the notation of ``book/landscape.md``. The network has ``L`` weight matrices
``W_1 (h_1, d), ..., W_L (K, h_{L-1})`` (``hsr.experiments.mlp``: ``L = depth + 2``); for one
input x,

    x^(1) = x,  z^(p) = W_p x^(p),  x^(p+1) = relu(z^(p)),  z = z^(L)  (logits, K),
    D^(p) = diag[z^(p) > 0],  G^(L) = I_K,  G^(p) = dz/dz^(p) = G^(p+1) W_{p+1} D^(p),

so ``G^(p)`` holds the weights of layers ``p+1 .. L`` only. The Jacobian of the logits in
``W_p`` is ``J_p = G^(p) kron x^(p)^T`` (K x h_p d_p), ``J = [J_1 ... J_L]`` (K x P) in the
parameter order of ``mlp.flatten`` (each ``W_p`` row-major). With ``p = softmax(z)`` and
``A = diag(p) - p p^T`` (the Hessian of cross-entropy in the logits), the G-term is
``J^T A J`` (P x P) and, never forming it,

    ||J^T A J||_2 = lambda_max(A^(1/2) J J^T A^(1/2)),   J J^T = sum_p |x^(p)|^2 G^(p) G^(p)^T,

a K x K eigenproblem per object.

Bounds (``M_W >= ||W_p||_2`` for every layer, ``M_x >= |x|``):

* the paper's Theorem 1: ``sqrt(2) L M_x^2 M_W^(2L) + sqrt(2) M_W^2 (M_W^(2L) - 1)/(M_W^2 - 1)``
  (:func:`paper_bound`);
* ours (book/landscape.md, corrected Theorem 1): ``||J^T A J|| <= (1/2) |x|^2 sum_p prod_{s!=p}
  ||W_s||^2 <= (L/2) M_x^2 M_W^(2L-2)`` (:func:`corrected_bound_layers`, :func:`corrected_bound`).

The H-term ``sum_k (p - y)_k d^2 z_k / dtheta^2`` is zero inside each layer's block (z is
linear in each W_p with the activation pattern fixed) but not across layers (z is multilinear
in (W_1, ..., W_L)); :func:`h_term` assembles it for small nets.

Core floor: numpy only.

>>> import numpy as np
>>> from hsr.experiments.mlp import init_mlp
>>> rng = np.random.default_rng(0)
>>> W = init_mlp(5, 4, 1, 3, rng); X = rng.normal(size=(6, 5))
>>> g = gterm_norm(W, X); g.shape
(6,)
>>> bool(np.all(g <= corrected_bound_layers(W, X) * (1 + 1e-12)))
True
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from .mlp import check_data, check_weights, forward_layers

__all__ = [
    "layer_inputs",
    "backward_maps",
    "jacobian",
    "softmax_hessian",
    "a_norm",
    "jjt",
    "gterm",
    "gterm_norm",
    "h_term",
    "layer_norms",
    "paper_bound",
    "paper_bound_layers",
    "corrected_bound",
    "corrected_bound_layers",
    "lemma1_bound",
    "sharp_example",
    "paper_bound_fails",
    "lemma1_table",
    "SQRT2",
]

#: the paper's bound on ||A||_2 (Appendix A.1, via the Frobenius norm); the exact sup is 1/2
SQRT2 = float(np.sqrt(2.0))


def _checked(weights, X):
    weights = check_weights(weights)
    X, _ = check_data(weights, X)
    return weights, X


def layer_inputs(weights: Sequence[np.ndarray], X: object) -> tuple[list, list, np.ndarray]:
    """Forward quantities of every layer, from ``hsr.experiments.mlp``'s forward pass.

    Returns ``(xs, masks, z)``: ``xs[p]`` the input ``x^(p+1)`` of weight layer ``p+1``,
    shape ``(N, d_p)`` (``xs[0] = X``); ``masks[p] = [z^(p+1) > 0]`` of hidden layer ``p+1``,
    shape ``(N, h_p)`` (L - 1 of them); ``z (N, K)`` the logits.
    """
    weights, X = _checked(weights, X)
    z, pre = forward_layers(weights, X)
    xs = [X] + [np.maximum(u, 0.0) for u in pre]
    masks = [u > 0.0 for u in pre]
    return xs, masks, z


def _backward_maps(weights, masks, N):
    K = weights[-1].shape[0]
    G = np.broadcast_to(np.eye(K), (N, K, K))
    maps = [G]
    for p in range(len(weights) - 2, -1, -1):
        # G^(p) = G^(p+1) W_{p+1} D^(p)
        G = (G @ weights[p + 1]) * masks[p][:, None, :]
        maps.append(G)
    return maps[::-1]


def backward_maps(weights: Sequence[np.ndarray], X: object) -> list[np.ndarray]:
    """``G^(p) = dz/dz^(p)`` for p = 1..L: shapes ``(N, K, h_p)``, ``G^(L) = I_K``."""
    xs, masks, _ = layer_inputs(weights, X)
    return _backward_maps(check_weights(weights), masks, xs[0].shape[0])


def jacobian(weights: Sequence[np.ndarray], X: object) -> np.ndarray:
    """Per-object Jacobian of the logits in all parameters: ``(N, K, P)``, ``J_p = G^(p) kron
    x^(p)^T``, columns in ``hsr.experiments.mlp.flatten`` order (paper, Section 4: ``F = J``)."""
    weights, X = _checked(weights, X)
    xs, masks, _ = layer_inputs(weights, X)
    maps = _backward_maps(weights, masks, X.shape[0])
    N, K = X.shape[0], weights[-1].shape[0]
    blocks = [
        (G[:, :, :, None] * x[:, None, None, :]).reshape(N, K, -1)
        for G, x in zip(maps, xs, strict=True)
    ]
    return np.concatenate(blocks, axis=2)


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _logits(name, z):
    z = np.asarray(z, dtype=float)
    if z.ndim not in (1, 2) or z.shape[-1] < 2 or not np.all(np.isfinite(z)):
        raise ValueError(f"{name} must be finite logits of shape (K,) or (N, K) with K >= 2")
    return z


def softmax_hessian(z: object) -> np.ndarray:
    """``A = diag(p) - p p^T`` with ``p = softmax(z)``: ``(K, K)`` or ``(N, K, K)``."""
    z = _logits("z", z)
    p = _softmax(z)
    return np.einsum("...k,kl->...kl", p, np.eye(z.shape[-1])) - p[..., :, None] * p[..., None, :]


def a_norm(z: object) -> np.ndarray:
    """``||A||_2 = lambda_max(diag(p) - p p^T)`` exactly: ``()`` or ``(N,)``. At most 1/2
    (equality iff two classes share all the probability equally); the paper uses sqrt(2)."""
    return np.linalg.eigvalsh(softmax_hessian(z))[..., -1]


def _jjt(xs, maps):
    return sum(
        np.einsum("n,nkh,nlh->nkl", (x * x).sum(axis=1), G, G)
        for x, G in zip(xs, maps, strict=True)
    )


def jjt(weights: Sequence[np.ndarray], X: object) -> np.ndarray:
    """``J J^T = sum_p |x^(p)|^2 G^(p) G^(p)^T``: ``(N, K, K)``, without forming J."""
    weights, X = _checked(weights, X)
    xs, masks, _ = layer_inputs(weights, X)
    return _jjt(xs, _backward_maps(weights, masks, X.shape[0]))


def gterm(weights: Sequence[np.ndarray], X: object) -> np.ndarray:
    """The assembled G-term ``J^T A J`` per object: ``(N, P, P)`` (small nets only)."""
    weights, X = _checked(weights, X)
    J = jacobian(weights, X)
    A = softmax_hessian(forward_layers(weights, X)[0])
    return np.einsum("nka,nkl,nlb->nab", J, A, J, optimize=True)


def _psd_sqrt(A):
    lam, U = np.linalg.eigh(A)
    return (U * np.sqrt(np.clip(lam, 0.0, None))[..., None, :]) @ np.swapaxes(U, -1, -2)


def gterm_norm(weights: Sequence[np.ndarray], X: object) -> np.ndarray:
    """Exact ``||J^T A J||_2`` per object, ``(N,)``: ``lambda_max(A^(1/2) J J^T A^(1/2))``
    (the nonzero spectra of ``J^T A J`` and ``A^(1/2) J J^T A^(1/2)`` agree). K x K work only."""
    weights, X = _checked(weights, X)
    xs, masks, z = layer_inputs(weights, X)
    S = _psd_sqrt(softmax_hessian(z))
    M = S @ _jjt(xs, _backward_maps(weights, masks, X.shape[0])) @ S
    return np.linalg.eigvalsh((M + np.swapaxes(M, -1, -2)) / 2)[:, -1]


def h_term(weights: Sequence[np.ndarray], X: object, y: object) -> np.ndarray:
    """The H-term ``sum_k (p - y)_k d^2 z_k/dtheta^2`` per object, ``(N, P, P)`` (small nets).

    With the activation pattern fixed (a.e. for ReLU) ``z`` is linear in each ``W_p``, so the
    diagonal blocks vanish; the block of ``(W_q[a, b], W_p[c, e])``, ``p < q``, is
    ``(G^(q)^T g)_a T_{qp}[b, c] x^(p)_e`` with ``g = p - onehot(y)`` and ``T_{qp} =
    dx^(q)/dz^(p) = D^(q-1) W_{q-1} ... W_{p+1} D^(p)``.
    """
    weights = check_weights(weights)
    X, y = check_data(weights, X, y)
    xs, masks, z = layer_inputs(weights, X)
    N, L = X.shape[0], len(weights)
    maps = _backward_maps(weights, masks, N)
    g = _softmax(z)
    g[np.arange(N), y] -= 1.0
    sizes = [W.size for W in weights]
    offs = np.concatenate([[0], np.cumsum(sizes)])
    H = np.zeros((N, offs[-1], offs[-1]))
    for q in range(1, L):
        v = np.einsum("nk,nka->na", g, maps[q])  # G^(q)^T g, (N, rows of W_q)
        # 0-based layers: T = d xs[q] / d z^(p) of shape (N, d_q, h_p), from p = q - 1 down
        T = masks[q - 1][:, :, None] * np.eye(masks[q - 1].shape[1])
        for p in range(q - 1, -1, -1):
            blk = np.einsum("na,nbc,ne->nabce", v, T, xs[p]).reshape(N, sizes[q], sizes[p])
            H[:, offs[q] : offs[q + 1], offs[p] : offs[p + 1]] = blk
            H[:, offs[p] : offs[p + 1], offs[q] : offs[q + 1]] = np.swapaxes(blk, 1, 2)
            if p > 0:
                T = (T @ weights[p]) * masks[p - 1][:, None, :]
    return H


def layer_norms(weights: Sequence[np.ndarray]) -> np.ndarray:
    """Spectral norms ``||W_p||_2`` of every layer: ``(L,)``."""
    return np.array([np.linalg.norm(W, 2) for W in check_weights(weights)])


def _bound_args(L, M_x, M_W):
    if isinstance(L, bool) or not isinstance(L, numbers.Integral) or L < 1:
        raise ValueError(f"L (the number of weight layers) must be an integer >= 1, got {L!r}")
    M_x, M_W = np.asarray(M_x, dtype=float), np.asarray(M_W, dtype=float)
    for name, v in (("M_x", M_x), ("M_W", M_W)):
        if not np.all(np.isfinite(v)) or np.any(v < 0):
            raise ValueError(f"{name} must be finite and >= 0, got {v}")
    return int(L), M_x, M_W


def paper_bound(L: int, M_x: object, M_W: object) -> np.ndarray:
    """Theorem 1 of the paper as stated: ``sqrt(2) L M_x^2 M_W^(2L) + sqrt(2) M_W^2 (M_W^(2L)
    - 1)/(M_W^2 - 1)``; the geometric sum ``M_W^2 + ... + M_W^(2L)`` is summed directly (so
    ``M_W = 1`` gives ``L``). ``L`` the number of weight layers; broadcast over M_x, M_W."""
    L, M_x, M_W = _bound_args(L, M_x, M_W)
    geo = sum(M_W ** (2 * j) for j in range(1, L + 1))
    return SQRT2 * (L * M_x**2 * M_W ** (2 * L) + geo)


def paper_bound_layers(weights: Sequence[np.ndarray], X: object) -> np.ndarray:
    """The paper's per-object bound before ``M_W`` is substituted (Appendix A.1, bias-free):
    ``sqrt(2) sum_p (|x|^2 prod_{s<p} ||W_s||^2 + 1) prod_{s>=p} ||W_s||^2``: ``(N,)``."""
    weights, X = _checked(weights, X)
    n2 = layer_norms(weights) ** 2
    c = (X * X).sum(axis=1)
    L = len(weights)
    return SQRT2 * sum((c * np.prod(n2[:p]) + 1.0) * np.prod(n2[p:]) for p in range(L))


def corrected_bound(L: int, M_x: object, M_W: object, a_bound: float = 0.5) -> np.ndarray:
    """Our corrected Theorem 1 (book/landscape.md): ``a_bound * L M_x^2 M_W^(2L-2)`` with
    ``a_bound = 1/2`` the exact sup of ||A||_2 (pass ``SQRT2`` for the paper's constant)."""
    L, M_x, M_W = _bound_args(L, M_x, M_W)
    return a_bound * L * M_x**2 * M_W ** (2 * L - 2)


def corrected_bound_layers(weights: Sequence[np.ndarray], X: object) -> np.ndarray:
    """Per-object form of the corrected bound: ``(1/2) |x|^2 sum_p prod_{s != p} ||W_s||^2``,
    ``(N,)``; at most :func:`corrected_bound` with ``M_W = max ||W_p||``, ``M_x = |x|``."""
    weights, X = _checked(weights, X)
    n2 = layer_norms(weights) ** 2
    c = (X * X).sum(axis=1)
    return 0.5 * c * sum(np.prod(np.delete(n2, p)) for p in range(len(weights)))


def lemma1_bound(L: int, h: int, M: object, M_x: object) -> np.ndarray:
    """Lemma 1 of the paper as stated: Theorem 1 with ``M_W = h M`` (``|w_ij| <= M``)."""
    if isinstance(h, bool) or not isinstance(h, numbers.Integral) or h < 1:
        raise ValueError(f"h must be a positive integer, got {h!r}")
    return paper_bound(L, M_x, h * np.asarray(M, dtype=float))


def sharp_example(L: int, a: float, x: object) -> tuple[list[np.ndarray], np.ndarray]:
    """A two-class network on which the corrected bound is attained: ``(weights, X (1, d))``.

    ``W_1 = a (1, 1)^T x^T / (sqrt(2) |x|)`` (2 x d), ``L - 2`` hidden layers ``a I_2``, and
    ``W_L = (a / 2) [[1, -1], [-1, 1]]``: every ``||W_p||_2 = a``, the hidden units stay
    positive (no kink), the two logits are equal (``||A|| = 1/2`` along ``e_1 - e_2``), and
    ``||J^T A J||_2 = (L / 2) |x|^2 a^(2L - 2)`` exactly (book/landscape.md). ``L >= 2``.
    """
    if isinstance(L, bool) or not isinstance(L, numbers.Integral) or L < 2:
        raise ValueError(f"L (the number of weight layers) must be an integer >= 2, got {L!r}")
    if not (isinstance(a, numbers.Real) and np.isfinite(a) and a > 0):
        raise ValueError(f"a (every layer's spectral norm) must be a finite number > 0, got {a!r}")
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)) or not np.any(x):
        raise ValueError("x must be a finite nonzero vector of shape (d,)")
    W1 = a * np.ones((2, 1)) @ x[None, :] / (np.sqrt(2.0) * np.linalg.norm(x))
    hidden = [a * np.eye(2) for _ in range(L - 2)]
    WL = 0.5 * a * np.array([[1.0, -1.0], [-1.0, 1.0]])
    return [W1, *hidden, WL], x[None, :].copy()


def paper_bound_fails(L: int, M_x: object, M_W: object) -> np.ndarray:
    """Whether :func:`sharp_example` (G-term ``(L/2) M_x^2 M_W^(2L-2)``) exceeds Theorem 1's
    bound ``paper_bound(L, M_x, M_W)``: a boolean, broadcast over ``M_x``, ``M_W``."""
    return corrected_bound(L, M_x, M_W) > paper_bound(L, M_x, M_W)


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

    Each network is trained as the authors do (``landscape.train_mlp``: Adam, PyTorch
    init) on ``X (m, d)``, ``y (m,)``; then, on the same objects, the exact G-term norms
    (``g_median``, ``g_mean``, ``g_max``), ``M = max |w_ij|``, ``M_W = max ||W_p||_2``,
    Lemma 1's rate ``L (h M)^(2L)`` and bound, and our corrected bound with the measured
    ``M_W`` and ``M_x = max |x_i|``. ``L = num_layers + 2`` weight layers.
    """
    from .landscape import train_mlp  # experiments floor: training

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
