"""The three-layer network of both papers, its parameter layout, input checks and forward pass.

Notation follows the book's chapter ``book/model.md`` (WS paper, Section 3; HSR paper,
Section III):

* input ``x`` in R^d with a 1 prepended, ``xt = [1; x]`` in R^(d+1);
* first layer ``W1`` in R^(h x (d+1)), column 0 the hidden biases; ``u = W1 xt``;
  hidden output ``a = f(u)``, ``at = [1; a]``;
* second layer ``w2`` in R^(h+1), entry 0 the output bias, ``wb = w2[1:]``;
* logit ``z = w2 . at``, probability ``p = sigmoid(z)``;
* ``theta = [vec(W1) column by column (bias column first); w2]``, ``n = h(d+1) + h + 1``.

Every function of the package accepts ``theta`` of shape ``(n,)`` (one network) or
``(B, n)`` (a batch of networks sharing the data); batched results gain a leading ``B`` axis.

>>> import numpy as np
>>> net = Net(2, 3, "sigmoid")
>>> net.n_params
13
>>> W1 = np.arange(9.0).reshape(3, 3); w2 = np.array([-1.0, 1.0, 2.0, 3.0])
>>> theta = net.pack(W1, w2)
>>> theta[:6]  # bias column of W1 first, then the weights of x_1
array([0., 3., 6., 1., 4., 7.])
>>> W1b, w2b = net.unpack(theta)
>>> bool(np.array_equal(W1b, W1) and np.array_equal(w2b, w2))
True
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from ._checks import network
from .activations import check_activation, evaluate

__all__ = ["Net", "Forward", "loss", "grad_loss", "predict_proba"]


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _float_array(name: str, value: object) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of real numbers ({exc})") from None
    return arr


class Net:
    """A three-layer network ``x -> sigmoid(w2 . [1; f(W1 [1; x])])``.

    Parameters
    ----------
    d_in : int
        Input width d (>= 1).
    d_hidden : int
        Hidden width h (>= 1).
    activation : str
        One of ``linear``, ``sigmoid``, ``tanh``, ``softplus``, ``gelu``.
    """

    def __init__(self, d_in: int, d_hidden: int, activation: str = "sigmoid"):
        self.d_in = _positive_int("d_in", d_in)
        self.d_hidden = _positive_int("d_hidden", d_hidden)
        self.activation = check_activation(activation)

    # ----- sizes and layout -------------------------------------------------------------
    @property
    def n1(self) -> int:
        """Length of theta1 = vec(W1): h (d + 1)."""
        return self.d_hidden * (self.d_in + 1)

    @property
    def n2(self) -> int:
        """Length of theta2 = w2: h + 1."""
        return self.d_hidden + 1

    @property
    def n_params(self) -> int:
        """n = h (d + 1) + h + 1."""
        return self.n1 + self.n2

    def __repr__(self) -> str:
        return f"Net(d_in={self.d_in}, d_hidden={self.d_hidden}, activation={self.activation!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Net) and (
            (self.d_in, self.d_hidden, self.activation)
            == (other.d_in, other.d_hidden, other.activation)
        )

    def __hash__(self) -> int:
        return hash((self.d_in, self.d_hidden, self.activation))

    def unpack(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Split theta ``(..., n)`` into ``W1 (..., h, d+1)`` and ``w2 (..., h+1)``."""
        theta = self.check_theta(theta, allow_batch=True)
        h, d1 = self.d_hidden, self.d_in + 1
        lead = theta.shape[:-1]
        W1 = np.swapaxes(theta[..., : self.n1].reshape(*lead, d1, h), -1, -2)
        return W1, theta[..., self.n1 :].copy()

    def pack(self, W1: np.ndarray, w2: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`unpack`: ``W1 (..., h, d+1)`` and ``w2 (..., h+1)`` -> ``(..., n)``."""
        W1 = _float_array("W1", W1)
        w2 = _float_array("w2", w2)
        h, d1 = self.d_hidden, self.d_in + 1
        if W1.ndim < 2 or W1.shape[-2:] != (h, d1):
            raise ValueError(f"W1 must have shape (..., {h}, {d1}), got {W1.shape}")
        if w2.ndim < 1 or w2.shape[-1] != h + 1 or w2.shape[:-1] != W1.shape[:-2]:
            raise ValueError(
                f"w2 must have shape {W1.shape[:-2] + (h + 1,)} to match W1, got {w2.shape}"
            )
        theta1 = np.swapaxes(W1, -1, -2).reshape(*W1.shape[:-2], self.n1)
        return np.concatenate([theta1, w2], axis=-1)

    def split(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Split any vector over parameters ``(..., n)`` into its theta1 and theta2 blocks."""
        v = np.asarray(v)
        if v.shape[-1:] != (self.n_params,):
            raise ValueError(f"v must have last axis of length {self.n_params}, got {v.shape}")
        return v[..., : self.n1], v[..., self.n1 :]

    # ----- input checks -----------------------------------------------------------------
    def check_theta(self, theta: object, allow_batch: bool = True) -> np.ndarray:
        """Return theta as a float array of shape ``(n,)`` or ``(B, n)``; ValueError otherwise."""
        arr = _float_array("theta", theta)
        n = self.n_params
        ok = (arr.ndim == 1 and arr.shape[0] == n) or (
            allow_batch and arr.ndim == 2 and arr.shape[1] == n and arr.shape[0] >= 1
        )
        if not ok:
            want = f"({n},)" + (f" or (B, {n}) with B >= 1" if allow_batch else "")
            raise ValueError(f"theta must have shape {want} for {self!r}, got {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise ValueError("theta contains NaN or inf")
        return arr

    def check_data(self, X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
        """Return ``X (N, d_in)`` and ``y (N,)`` as float arrays; ValueError for bad data."""
        X = _float_array("X", X)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D of shape (N, {self.d_in}), got {X.ndim}-D {X.shape}")
        if X.shape[1] != self.d_in:
            raise ValueError(f"X must have {self.d_in} columns (d_in), got shape {X.shape}")
        if X.shape[0] == 0:
            raise ValueError("X is empty: the dataset needs at least one sample")
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains NaN or inf")
        y = _float_array("y", y)
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
        if not np.all((y == 0) | (y == 1)):
            bad = np.unique(y[(y != 0) & (y != 1)])[:5]
            raise ValueError(f"y must hold only labels 0 and 1, found {bad.tolist()}")
        return X, y

    # ----- forward pass -------------------------------------------------------------------
    def forward(self, theta: object, X: object, y: object) -> Forward:
        """Validate the inputs and compute every per-sample intermediate quantity."""
        theta = self.check_theta(theta)
        X, y = self.check_data(X, y)
        return Forward.compute(self, theta, X, y)


@dataclass
class Forward:
    """Per-sample intermediate quantities (``book/model.md``) for B networks on N samples.

    Shapes: ``Xt (N, d+1)``, ``c (N,)`` = |xt|^2, ``K (N, N)`` = Xt Xt^T (on demand);
    ``U, A, F1, F2, F3, V, W (B, N, h)`` with ``V = wb * f'(u)`` (dz/du) and
    ``W = wb * f''(u)``; ``W1 (B, h, d+1)``, ``w2 (B, h+1)``, ``wb (B, h)``;
    ``z, p, e, s (B, N)`` with ``e = p - y`` and ``s = p (1 - p)``.
    """

    net: Net
    batched: bool
    Xt: np.ndarray
    y: np.ndarray
    W1: np.ndarray
    w2: np.ndarray
    U: np.ndarray
    A: np.ndarray
    F1: np.ndarray
    F2: np.ndarray
    F3: np.ndarray
    z: np.ndarray
    p: np.ndarray
    e: np.ndarray
    s: np.ndarray

    @classmethod
    def compute(cls, net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> Forward:
        batched = theta.ndim == 2
        theta2d = theta if batched else theta[None, :]
        W1, w2 = net.unpack(theta2d)
        Xt = np.concatenate([np.ones((X.shape[0], 1)), X], axis=1)
        U = np.einsum("nj,bkj->bnk", Xt, W1)
        A, F1, F2, F3 = evaluate(net.activation, U)
        z = w2[:, None, 0] + np.einsum("bnk,bk->bn", A, w2[:, 1:])
        p = expit(z)
        # e = p - y and s = p (1 - p) without cancellation, also for |z| in the hundreds
        e = np.where(y == 1.0, -expit(-z), p)
        s = p * expit(-z)
        return cls(net, batched, Xt, y, W1, w2, U, A, F1, F2, F3, z, p, e, s)

    @property
    def N(self) -> int:
        return self.Xt.shape[0]

    @property
    def wb(self) -> np.ndarray:
        return self.w2[:, 1:]

    @property
    def V(self) -> np.ndarray:
        return self.wb[:, None, :] * self.F1

    @property
    def W(self) -> np.ndarray:
        return self.wb[:, None, :] * self.F2

    @property
    def c(self) -> np.ndarray:
        return np.einsum("nj,nj->n", self.Xt, self.Xt)

    @property
    def K(self) -> np.ndarray:
        return self.Xt @ self.Xt.T

    def out(self, arr: np.ndarray) -> np.ndarray:
        """Drop the batch axis again when a single network was given."""
        return arr if self.batched else arr[0]

    def per_sample_loss(self) -> np.ndarray:
        """``l_i = softplus(z_i) - y_i z_i`` computed as softplus(+-z_i): shape (B, N)."""
        return np.logaddexp(0.0, np.where(self.y == 1.0, -self.z, self.z))

    def g(self) -> np.ndarray:
        """``g_i = dz_i/dtheta = [kron(xt_i, v_i); at_i]``: shape (B, N, n)."""
        B, N, h = self.A.shape
        kron = (self.Xt[None, :, :, None] * self.V[:, :, None, :]).reshape(B, N, -1)
        at = np.concatenate([np.ones((B, N, 1)), self.A], axis=2)
        return np.concatenate([kron, at], axis=2)

    def backprop(
        self,
        adj_z: np.ndarray | None = None,
        adj_a: np.ndarray | None = None,
        adj_v: np.ndarray | None = None,
        adj_w: np.ndarray | None = None,
        adj_f1: np.ndarray | None = None,
        per_sample: bool = False,
    ) -> np.ndarray:
        """Chain rule from per-sample quantities to theta.

        Given the derivatives of a scalar F with respect to the per-sample quantities
        ``z (B, N)`` and ``a, v = wb f', w = wb f'', f' (B, N, h)`` (each treated as an
        independent variable), return dF/dtheta of shape ``(B, n)``, or ``(B, N, n)`` split
        into the contribution of each sample when ``per_sample`` is true. This is the one
        place where the layout of theta meets the closed forms.
        """
        B, N, h = self.A.shape
        zeros = np.zeros((B, N, h))
        adj_z = np.zeros((B, N)) if adj_z is None else adj_z
        adj_a = (zeros if adj_a is None else adj_a) + adj_z[:, :, None] * self.wb[:, None, :]
        adj_v = zeros if adj_v is None else adj_v
        adj_w = zeros if adj_w is None else adj_w
        adj_f1 = (zeros if adj_f1 is None else adj_f1) + adj_v * self.wb[:, None, :]
        adj_f2 = adj_w * self.wb[:, None, :]
        adj_u = adj_a * self.F1 + adj_f1 * self.F2 + adj_f2 * self.F3
        # d/d wb_k: z = b2 + wb.a, v = wb f', w = wb f''
        adj_wb = adj_z[:, :, None] * self.A + adj_v * self.F1 + adj_w * self.F2
        if per_sample:
            g1 = (self.Xt[None, :, :, None] * adj_u[:, :, None, :]).reshape(B, N, -1)
            return np.concatenate([g1, adj_z[:, :, None], adj_wb], axis=2)
        g1 = np.einsum("bnk,nj->bjk", adj_u, self.Xt).reshape(B, -1)
        return np.concatenate([g1, adj_z.sum(axis=1)[:, None], adj_wb.sum(axis=1)], axis=1)


def loss(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray | float:
    """Mean cross-entropy ``L = (1/N) sum_i softplus(z_i) - y_i z_i``: scalar or ``(B,)``.

    >>> import numpy as np
    >>> net = Net(1, 1, "linear")
    >>> float(loss(net, np.zeros(4), np.array([[1.0]]), np.array([1.0])))  # log 2
    0.6931471805599453
    """
    network("net", net)
    fw = net.forward(theta, X, y)
    return fw.out(fw.per_sample_loss().mean(axis=1))


def grad_loss(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``grad L = (1/N) sum_i e_i g_i``: shape ``(n,)`` or ``(B, n)``."""
    network("net", net)
    fw = net.forward(theta, X, y)
    return fw.out(fw.backprop(adj_z=fw.e / fw.N))


def predict_proba(net: Net, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """``p = sigmoid(z)`` for every input: ``(N,)`` or ``(B, N)``; class 1 where p >= 0.5.

    >>> import numpy as np
    >>> net = Net(1, 1, "linear")
    >>> predict_proba(net, np.array([0.0, 1.0, 0.0, 2.0]), np.array([[-1.0], [0.0], [1.0]]))
    array([0.11920292, 0.5       , 0.88079708])
    """
    network("net", net)
    theta = net.check_theta(theta)
    X, y = net.check_data(X, np.zeros(np.shape(X)[0] if np.ndim(X) else 0))
    fw = Forward.compute(net, theta, X, y)
    return fw.out(fw.p)
