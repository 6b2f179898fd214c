"""WS Fig. 1, "architecture": the test of ledger row ``ws-fig01``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    positive,
    same_length,
)
from ..ledger import Outcome, Quote, fmt
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, row, statement, vector

__all__ = ["QUOTES", "READINGS", "ws_fig01"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "ws-fig01": Quote(
        "WS",
        "Section III-A",
        "Figure 1 illustrates the three-layer feedforward neural network analyzed in this study.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "ws-fig01": "The figure defines the model, so the claim is that the code computes that "
    "model: hsr's output and loss must equal the network written out by hand from WS Eqs. "
    "(1)-(3) (prepend 1, W1, f, prepend 1, w2, sigmoid) to round-off (1e-10 relative), for "
    "every activation the paper treats.",
}


def _mask(name, value, size=None) -> np.ndarray:
    """``value`` as a 1-D boolean array (of length ``size`` when given)."""
    a = np.asarray(value)
    if a.ndim != 1 or (a.size and a.dtype != bool):
        raise ValueError(f"{name} must be a 1-D boolean array, got {a.dtype} of shape {a.shape}")
    if size is not None and a.size != size:
        raise ValueError(f"{name} must have {size} entries, got {a.size}")
    return a.astype(bool)


def ws_fig01(
    worst_output,
    worst_loss,
    layout_ok,
    n_params_ok,
    n_nets: int = 20,
    n_inputs: int = 200,
    rel_tol: float = 1e-10,
) -> Outcome:
    """WS Fig. 1, "architecture": ``hsr``'s forward pass against the model written out by
    hand from WS Eqs. (1)-(3), per activation checked (each ``(A,)``): the largest relative
    difference of the outputs (``worst_output``) and of the mean cross-entropy
    (``worst_loss``) over ``n_nets`` random networks x ``n_inputs`` inputs, whether
    ``Net.unpack`` gives the column-by-column layout (``layout_ok``) and whether the parameter
    count is h(d+1) + h + 1 (``n_params_ok``).

    Test: four checks per activation (count, outputs and loss below ``rel_tol``, layout);
    holds if every check passes, partly if >= 50% do; no activation: does not hold."""
    wp, wl = vector("worst_output", worst_output), vector("worst_loss", worst_loss)
    same_length(worst_output=wp, worst_loss=wl)
    lay = _mask("layout_ok", layout_ok, wp.size)
    cnt = _mask("n_params_ok", n_params_ok, wp.size)
    positive("rel_tol", rel_tol)
    A = wp.size
    checks = np.stack([cnt, wp < rel_tol, wl < rel_tol, lay], axis=1).ravel() if A else []
    n_checks, n_passed = len(checks), int(np.sum(checks))
    worst = float(np.max(np.maximum(wp, wl))) if A else NAN
    frac = n_passed / n_checks if n_checks else 0.0
    verdict = _frac(frac, holds_at=1.0, partly_at=0.5)

    def at_tol(tol):
        ok = [np.sum(cnt), np.sum(wp < tol), np.sum(wl < tol), np.sum(lay)]
        f = float(sum(ok)) / n_checks if n_checks else 0.0
        return f, _frac(f, holds_at=1.0, partly_at=0.5)

    sens = series(
        "rel_tol (relative difference allowed)", (1e-14, 1e-12, 1e-8, 1e-6), rel_tol, at_tol
    )
    st = statement(
        "ws-fig01",
        "Figure 1 illustrates the three-layer feedforward neural network analyzed in this study",
        verdict,
        f"{n_passed} of {n_checks} checks pass over {A} activations x {n_nets} "
        f"networks x {n_inputs} inputs; largest relative difference {fmt(worst, 2)}",
        "holds if, for every activation and random network, hsr.predict_proba and "
        "hsr.loss match the model computed by hand from the definitions to a relative "
        "difference below 1e-10, and the parameter count h(d+1)+h+1 and the column-by-column "
        "layout agree; partly if >= 50% of checks pass",
        sensitivity=sens,
    )
    claim = row(
        "ws-fig01",
        "Fig. 1",
        "architecture",
        "diagram of the 3-layer network x -> [1; x] -> W1 -> f -> [1; a] -> w2 "
        "-> sigmoid (WS Eqs. 1-3): the model every result is about",
        [st],
        QUOTES,
        READINGS,
    )
    note = "" if n_checks else "No activation was checked in this run."
    values = dict(worst=worst, n_checks=n_checks, n_passed=n_passed, frac=frac, note=note)
    return Outcome(claim, values)
