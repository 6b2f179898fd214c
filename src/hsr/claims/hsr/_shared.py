"""Helpers shared by the HSR paper's claim modules (per-method arrays, the significance levels
every p-value rule is re-applied at, :func:`quoted`).
"""

from __future__ import annotations

from dataclasses import replace

from ...core._checks import (
    finite_vector,
    real_array,
    same_length,
)
from ..ledger import (
    Claim,
)

__all__ = ["ALPHAS", "quoted", "NAN", "method_values", "method_arrays"]

NAN = float("nan")


#: the significance levels every p-value rule is re-applied at (the papers use 1%)
ALPHAS = (0.001, 0.005, 0.01, 0.02, 0.05)


def method_values(name: str, by_method: dict, need) -> dict:
    if not isinstance(by_method, dict):
        raise ValueError(f"{name} must be a dict of method -> array")
    missing = [m for m in need if m not in by_method]
    if missing:
        raise ValueError(f"{name} must hold the methods {list(need)}, missing {missing}")
    out = {m: finite_vector(f"{name}[{m!r}]", v, 1) for m, v in by_method.items()}
    same_length(**{f"{name}[{m!r}]": v for m, v in out.items()})
    return out


# ----- argument checks of the comparison's arrays (Figs. 10-15) ----------------------------------
def method_arrays(name: str, by_method: dict, need, ndim: int = 1) -> dict:
    """``by_method`` (method -> array) as float arrays of ``ndim`` dimensions and one shape,
    holding at least the methods ``need``. Non-finite entries are allowed (a diverged run's
    statistics); the tests drop or propagate them as the notebooks always did."""
    if not isinstance(by_method, dict) or not by_method:
        raise ValueError(f"{name} must be a non-empty dict of method -> array")
    missing = [m for m in need if m not in by_method]
    if missing:
        raise ValueError(f"{name} must hold the methods {list(need)}, missing {missing}")
    out = {m: real_array(f"{name}[{m!r}]", v) for m, v in by_method.items()}
    for m, v in out.items():
        if v.ndim != ndim or v.shape[0] < 1:
            raise ValueError(
                f"{name}[{m!r}] must be {ndim}-D with at least one seed, got shape {v.shape}"
            )
    if len({v.shape for v in out.values()}) > 1:
        raise ValueError(
            f"{name} must hold arrays of one shape, got { ({m: v.shape for m, v in out.items()}) }"
        )
    return out


def quoted(claim: Claim, quotes: dict, readings: dict, sensitivity=()) -> Claim:
    """``claim`` with its quote and reading filled in from ``quotes``/``readings`` (a
    figure module's :data:`QUOTES`, :data:`READINGS`), and its ``sensitivity``
    series."""
    return replace(
        claim,
        paper_says=str(quotes[claim.id]),
        reading=readings[claim.id],
        sensitivity=tuple(sensitivity),
    )
