"""The exact Hessian of the cross-entropy loss in closed form, and its spectrum.

``H = (1/N) sum_i [ s_i g_i g_i^T + e_i M_i ]`` (WS paper, Propositions 3-4; Bishop's exact
Hessian for this network), with ``g_i = dz_i/dtheta`` and ``M_i`` the Hessian of ``z_i``:

* theta1-theta1 block ``kron(xt xt^T, diag(wb * f''))``,
* theta1-theta2 block ``kron(xt, [0 | diag(f')])``,
* theta2-theta2 block ``0``.

Assembling H costs O(N n^2); nothing here differentiates numerically.

>>> import numpy as np
>>> net = Net(2, 3, "tanh")
>>> rng = np.random.default_rng(0)
>>> X, y = rng.normal(size=(5, 2)), np.array([0, 1, 1, 0, 1])
>>> H = hessian(net, rng.normal(size=net.n_params), X, y)
>>> H.shape, bool(np.allclose(H, H.T))
((13, 13), True)
"""

from __future__ import annotations

import numpy as np

from .model import Forward, Net

__all__ = ["hessian", "hessian_spectrum", "assemble_hessian"]


def assemble_hessian(fw: Forward) -> np.ndarray:
    """Closed-form Hessian from a forward pass: shape ``(B, n, n)`` (batch axis always kept)."""
    net = fw.net
    B, N, h = fw.A.shape
    d1, n1 = net.d_in + 1, net.n1
    g = fw.g()
    H = np.einsum("bn,bna,bnc->bac", fw.s, g, g, optimize=True)
    # e_i M_i, theta1-theta1: entry [(j,k),(l,k)] = sum_i e_i xt_ij xt_il w_ik
    T = np.einsum("bn,nj,nl,bnk->bkjl", fw.e, fw.Xt, fw.Xt, fw.W, optimize=True)
    k = np.arange(h)
    rows = (np.arange(d1)[:, None] * h + k[None, :]).T  # (h, d+1): index of W1[k, j]
    H[:, rows[:, :, None], rows[:, None, :]] += T
    # theta1-theta2: entry [(j,k), 1+k] = sum_i e_i xt_ij f'_ik
    R = np.einsum("bn,nj,bnk->bkj", fw.e, fw.Xt, fw.F1)  # (B, h, d+1)
    cols = n1 + 1 + k
    H[:, rows, cols[:, None]] += R
    H[:, cols[:, None], rows] += R
    # the s g g^T product is symmetric only up to summation order: make it exact
    return (H + H.transpose(0, 2, 1)) / (2.0 * N)


def hessian(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Exact Hessian of L in theta: shape ``(n, n)`` or ``(B, n, n)``."""
    fw = net.forward(theta, X, y)
    return fw.out(assemble_hessian(fw))


def hessian_spectrum(net: Net, theta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """All n eigenvalues of the closed-form Hessian, ascending (``np.linalg.eigvalsh``).

    Shape ``(n,)`` or ``(B, n)``; ``[..., -1]`` is lambda_max and ``[..., 0]`` lambda_min.
    """
    fw = net.forward(theta, X, y)
    return fw.out(np.linalg.eigvalsh(assemble_hessian(fw)))
