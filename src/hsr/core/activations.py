"""Smooth hidden-layer activations and their first three derivatives (WS paper, Appendix A).

Every activation returns ``(f, f1, f2, f3)``: the value and the first, second and third
derivatives at ``u``, elementwise, each of the same shape as ``u``. All are written so that
every finite pre-activation, up to the largest float, gives finite derivatives and raises no
floating-point warning (sigmoid through :func:`scipy.special.expit`, softplus through
``logaddexp``, GELU through ``erf`` and a density that is exactly 0 beyond ``|u| = 40``, where
its polynomial factors are evaluated at the clipped ``u`` so that ``u^2`` and ``u^3`` cannot
overflow into ``inf * 0``).

>>> import numpy as np
>>> f, f1, f2, f3 = evaluate("sigmoid", np.array([0.0]))
>>> float(f[0]), float(f1[0]), float(f2[0]), float(f3[0])
(0.5, 0.25, 0.0, -0.125)
>>> sorted(ACTIVATIONS)
['gelu', 'linear', 'sigmoid', 'softplus', 'tanh']
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.special import erf, expit

__all__ = ["ACTIVATIONS", "evaluate", "check_activation"]

_INV_SQRT2 = 1.0 / np.sqrt(2.0)
_INV_SQRT2PI = 1.0 / np.sqrt(2.0 * np.pi)
#: beyond this |u| the normal density exp(-u^2/2) / sqrt(2 pi) is exactly 0 in float64
#: (exp(-800) underflows), so GELU's first three derivatives take their limits there
_GELU_CLIP = 40.0

Derivs = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _linear(u: np.ndarray) -> Derivs:
    one = np.ones_like(u)
    zero = np.zeros_like(u)
    return u.copy(), one, zero, zero.copy()


def _sigmoid(u: np.ndarray) -> Derivs:
    S = expit(u)
    f1 = S * (1.0 - S)
    return S, f1, f1 * (1.0 - 2.0 * S), f1 * (1.0 - 6.0 * S + 6.0 * S * S)


def _tanh(u: np.ndarray) -> Derivs:
    t = np.tanh(u)
    f1 = 1.0 - t * t
    return t, f1, -2.0 * t * f1, f1 * (6.0 * t * t - 2.0)


def _softplus(u: np.ndarray) -> Derivs:
    S = expit(u)
    f2 = S * (1.0 - S)
    return np.logaddexp(0.0, u), S, f2, f2 * (1.0 - 2.0 * S)


def _gelu(u: np.ndarray) -> Derivs:
    Phi = 0.5 * (1.0 + erf(u * _INV_SQRT2))
    # exp(-u^2/2) underflows to exactly 0 for |u| > ~38.6 without a warning. With u clipped at
    # 40 the polynomial factors stay finite: the derivatives are the same numbers for
    # |u| <= 40, and 0 beyond (not inf * 0 = NaN, which (2 - u^2) phi gave from |u| ~ 1.3e154
    # and (u^3 - 4u) phi from |u| ~ 5.6e102).
    uc = np.clip(u, -_GELU_CLIP, _GELU_CLIP)
    phi = _INV_SQRT2PI * np.exp(-0.5 * uc * uc)
    return u * Phi, Phi + uc * phi, (2.0 - uc * uc) * phi, (uc * uc * uc - 4.0 * uc) * phi


#: name -> function ``u -> (f, f', f'', f''')``
ACTIVATIONS: dict[str, Callable[[np.ndarray], Derivs]] = {
    "linear": _linear,
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "softplus": _softplus,
    "gelu": _gelu,
}


def check_activation(name: object) -> str:
    """Return ``name`` if it is a known activation; else a ValueError listing the valid names."""
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return name


def evaluate(name: str, u: np.ndarray) -> Derivs:
    """``(f, f', f'', f''')`` of activation ``name`` at ``u`` (any shape), elementwise."""
    return ACTIVATIONS[check_activation(name)](np.asarray(u, dtype=float))
