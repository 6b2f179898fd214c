"""Argument checks shared by the whole package: one of each kind, each raising a ValueError
that names the argument and says what was expected, before any work starts.

Private to the package (the module name starts with an underscore), public inside it: every
floor imports these instead of writing its own. Tested in ``tests/core/test_checks.py``.

>>> positive("lr", 0.5), positive("n", 3, integer=True), fraction("frac", 0.1)
(0.5, 3, 0.1)
>>> positive("lr", 0)
Traceback (most recent call last):
...
ValueError: lr must be a positive number, got 0
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "INT64_MAX",
    "positive",
    "integer_at_least",
    "fraction",
    "real",
    "one_of",
    "real_array",
    "finite_vector",
    "same_length",
    "binary_labels",
    "positive_values",
    "network",
]

#: the largest integer numpy's 64-bit integers hold: counts, seeds and iterations above it
#: cannot become arrays (a numpy TypeError or OverflowError deep inside otherwise)
INT64_MAX = 2**63 - 1


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def positive(name: str, value, *, integer: bool = False, allow_zero: bool = False):
    """``value`` if it is a finite positive number (an integer when ``integer``, at most
    :data:`INT64_MAX`; zero allowed when ``allow_zero``), else a ValueError naming ``name``."""
    kind = "integer" if integer else "number"
    sign = "non-negative" if allow_zero else "positive"
    ok_type = isinstance(value, numbers.Integral) if integer else _is_real(value)
    if isinstance(value, bool) or not ok_type:
        raise ValueError(f"{name} must be a {sign} {kind}, got {value!r}")
    if integer and value > INT64_MAX:
        raise ValueError(f"{name} must be a {sign} integer at most 2**63 - 1, got {value!r}")
    if not np.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise ValueError(f"{name} must be a {sign} {kind}, got {value!r}")
    return value


def integer_at_least(name: str, value, minimum: int) -> int:
    """``value`` as an int if it is an integer (not a bool) at least ``minimum`` and at most
    :data:`INT64_MAX`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value > INT64_MAX:
        raise ValueError(f"{name} must be an integer at most 2**63 - 1, got {value!r}")
    return int(value)


def fraction(name: str, value, low: float = 0.0, high: float = 1.0):
    """``value`` if it is a number in the open interval (low, high)."""
    if not _is_real(value) or not low < value < high:
        raise ValueError(f"{name} must be a number in ({low:g}, {high:g}), got {value!r}")
    return value


def real(name: str, value) -> float:
    """``value`` as a float if it is a finite real number."""
    if not _is_real(value) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    return float(value)


def one_of(name: str, value, options):
    """``value`` if it is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} must be one of {list(options)}, got {value!r}")
    return value


def real_array(name: str, value) -> np.ndarray:
    """``value`` as a float array (any shape)."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of real numbers ({exc})") from None


def finite_vector(name: str, value, min_len: int = 0, length: int | None = None) -> np.ndarray:
    """``value`` as a finite 1-D float array with at least ``min_len`` entries (exactly
    ``length`` when given)."""
    a = real_array(name, value)
    if length is not None and a.shape != (length,):
        raise ValueError(f"{name} must be {length} finite numbers, got {value!r}")
    if a.ndim != 1 or a.size < min_len:
        raise ValueError(f"{name} must be 1-D with at least {min_len} entries, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (it contains NaN or inf)")
    return a


def same_length(**arrays) -> None:
    """The arrays given by keyword have the same number of entries."""
    sizes = {k: int(np.asarray(v).size) for k, v in arrays.items()}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"{' and '.join(sizes)} must have the same length, got {sizes}")


def binary_labels(name: str, value) -> np.ndarray:
    """``value`` as a float array holding only the labels 0 and 1."""
    a = real_array(name, value)
    if not np.all((a == 0) | (a == 1)):
        raise ValueError(f"{name} must hold only labels 0 and 1")
    return a


def positive_values(name: str, values, *, integer: bool = False, minimum: float = 0) -> list:
    """Each of ``values`` positive (integers >= ``minimum`` when ``integer``), as a list."""
    out = []
    for v in values:
        ok = _is_real(v) and np.isfinite(v) and v > 0
        if not ok or (integer and (not float(v).is_integer() or v < minimum)):
            what = f"integers >= {minimum:g}" if integer else "positive numbers"
            raise ValueError(f"{name} must hold {what}, got {v!r}")
        out.append(int(v) if integer else float(v))
    return out


def network(name: str, value):
    """``value`` if it is an :class:`hsr.Net` (the network a closed form is evaluated for),
    else a ValueError naming ``name`` (not an AttributeError from deep inside)."""
    from .model import Net  # the model imports nothing of this module: no cycle at run time

    if not isinstance(value, Net):
        raise ValueError(
            f"{name} must be an hsr.Net (e.g. hsr.Net(2, 3, 'sigmoid')), "
            f"got {type(value).__name__} {value!r}"[:200]
        )
    return value
