"""HSR Fig. 7, "HSR narrows the spectrum (Proposition 2)": the test of ledger row ``hsr-fig07``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

from dataclasses import replace

from ...core._checks import (
    positive,
    real_array,
)
from ..ledger import (
    Claim,
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import quoted

__all__ = ["QUOTES", "READINGS", "hsr_fig07"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig07": Quote(
        "HSR",
        "Section V-E",
        "As can be seen from the figure, as the training progresses, the WS upper bound "
        "decreases while the WS lower bound increases. Concurrently, it can be observed "
        "that the maximum eigenvalue approaches 0 from the positive direction, and the "
        "minimum eigenvalue approaches 0 from the negative direction. The lower panel of "
        "Fig. 7 illustrates the details of the eigenspectrum, confirming that the range of "
        "the eigenvalues narrows as the training progresses.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig07": "Each observation of the paper's two runs becomes a check of the last iterate "
    "against the first: top (alpha = beta = 1, Section V-D) lambda_WS and lambda_max fall; "
    "middle (alpha = 0, quoted) lambda_WS falls, the WS lower bound rises, lambda_max "
    "'approaches 0 from the positive direction' (ends positive, within 10% of the initial "
    "spectral range of 0), lambda_min 'approaches 0 from the negative direction' (ends "
    "non-positive, within the same distance) and 'the range of the eigenvalues narrows' "
    "(lambda_max - lambda_min shrinks). Proposition 2 proves only that the WS interval "
    "[m - s sqrt(n-1), m + s sqrt(n-1)] narrows when m stays and s falls, not that the "
    "spectrum's range does; so the range is read on the eigenvalues themselves, not inferred "
    "from the bounds.",
}


def _quoted(claim: Claim, sensitivity=()) -> Claim:
    """``claim`` with this module's quote and reading for it, and its sensitivity."""
    return quoted(claim, QUOTES, READINGS, sensitivity)


# ----- HSR Fig. 7: HSR narrows the spectrum -----------------------------------------------------
_FIG07_TOP = ("ws_upper", "lambda_max")


_FIG07_MID = ("ws_upper", "ws_lower", "lambda_max", "lambda_min")


def hsr_fig07(
    top: dict,
    middle: dict,
    origin: str,
    n_iter: int,
    near_zero: float = 0.1,
    middle_step: str = "",
    earlier_middle: dict | None = None,
    earlier_step: str = "",
) -> Outcome:
    """HSR Fig. 7, "HSR narrows the spectrum (Proposition 2)", from the recorded histories
    (name -> ``(T,)``, first and last entries used) of two runs of ``n_iter`` iterations from
    the ``origin`` (text): ``top`` (alpha = beta = 1; ``ws_upper``, ``lambda_max``) and
    ``middle`` (alpha = 0; ``ws_upper``, ``ws_lower``, ``lambda_max``, ``lambda_min``).

    Seven checks, last iterate against the first: top lambda_WS falls, top lambda_max falls,
    middle lambda_WS falls, middle WS lower bound rises, middle lambda_max -> 0+ (ends in
    (0, near_zero * initial range]), middle lambda_min -> 0- (ends in
    [-near_zero * initial range, 0]), middle spectral range shrinks. All seven holds, at
    least half partly.

    ``middle_step``: how the middle run chose its step (text, shown in ``measured``).
    ``earlier_middle``: the middle run's histories with the step used before (``earlier_step``,
    text): the same seven checks on it become the row's ``earlier`` reading, shown beside
    and not combined into the verdict."""
    earlier = ()
    if earlier_middle is not None:
        old = hsr_fig07(top, earlier_middle, origin, n_iter, near_zero, earlier_step).claim
        earlier = (
            {
                "test": "the same seven checks with the alpha = 0 run at "
                f"{earlier_step or 'the earlier step'} (the reading published before)",
                "measured": old.measured,
                "verdict": old.verdict,
            },
        )
    first_last = {}
    for run, hist, need in (("top", top, _FIG07_TOP), ("middle", middle, _FIG07_MID)):
        if not isinstance(hist, dict) or any(q not in hist for q in need):
            raise ValueError(f"{run} must be a dict of histories holding {list(need)}")
        for q in need:
            h = real_array(f"{run}[{q!r}]", hist[q])
            if h.ndim != 1 or h.size < 1:
                raise ValueError(f"{run}[{q!r}] must be a 1-D history, got shape {h.shape}")
            first_last[(run, q)] = (float(h[0]), float(h[-1]))
    positive("near_zero", near_zero)
    ub_t, lmax_t = first_last[("top", "ws_upper")], first_last[("top", "lambda_max")]
    ub_m, lb_m = first_last[("middle", "ws_upper")], first_last[("middle", "ws_lower")]
    lmax_m, lmin_m = first_last[("middle", "lambda_max")], first_last[("middle", "lambda_min")]
    range0, range1 = lmax_m[0] - lmin_m[0], lmax_m[1] - lmin_m[1]
    checks = {
        "top: lambda_WS falls": ub_t[1] < ub_t[0],
        "top: lambda_max falls": lmax_t[1] < lmax_t[0],
        "middle: lambda_WS falls": ub_m[1] < ub_m[0],
        "middle: WS lower bound rises": lb_m[1] > lb_m[0],
        "middle: lambda_max -> 0+": 0 < lmax_m[1] <= near_zero * range0,
        "middle: lambda_min -> 0-": -near_zero * range0 <= lmin_m[1] <= 0,
        "middle: spectral range shrinks": range1 < range0,
    }
    n_ok = sum(map(bool, checks.values()))
    verdict = _frac(n_ok / len(checks), holds_at=1.0, partly_at=0.5)
    failed = [k for k, v in checks.items() if not v]
    claim = Claim(
        id="hsr-fig07",
        paper="HSR",
        figure="Fig. 7",
        claim="HSR narrows the spectrum (Proposition 2)",
        paper_reports=(
            "alpha = beta = 1: lambda_WS and the eigenvalues decrease; alpha = 0: "
            "lambda_WS decreases, the WS lower bound increases, lambda_max -> 0+, "
            "lambda_min -> 0-, the range of the spectrum narrows"
        ),
        measured=(
            f"from the {origin}, {n_iter} iterations: top lambda_WS {ub_t[0]:.3g} -> "
            f"{ub_t[1]:.3g}, lambda_max {lmax_t[0]:.3g} -> {lmax_t[1]:.3g}; middle lambda_WS "
            f"{ub_m[0]:.3g} -> {ub_m[1]:.3g}, lower bound {lb_m[0]:.3g} -> {lb_m[1]:.3g}, "
            f"lambda_max {lmax_m[0]:.3g} -> {lmax_m[1]:.3g}, lambda_min {lmin_m[0]:.3g} -> "
            f"{lmin_m[1]:.3g}"
            + (f" (middle run's step: {middle_step})" if middle_step else "")
            + f"; {n_ok} of {len(checks)} checks pass"
            + ((" (failed: " + "; ".join(failed) + ")") if failed else "")
        ),
        test=(
            "seven checks on first vs last iterate (see the notebook): all holds, >= half partly"
        ),
        verdict=verdict,
    )
    values = dict(
        checks=checks,
        n_ok=n_ok,
        failed=failed,
        first_last=dict(
            ub_top=ub_t,
            lmax_top=lmax_t,
            ub_mid=ub_m,
            lb_mid=lb_m,
            lmax_mid=lmax_m,
            lmin_mid=lmin_m,
            range_mid=(range0, range1),
        ),
    )

    def near_zero_at(z):
        ok = dict(checks)
        ok["middle: lambda_max -> 0+"] = 0 < lmax_m[1] <= z * range0
        ok["middle: lambda_min -> 0-"] = -z * range0 <= lmin_m[1] <= 0
        n = sum(map(bool, ok.values()))
        return n, _frac(n / len(ok), holds_at=1.0, partly_at=0.5)

    sensitivity = series("near_zero", (0.01, 0.05, 0.1, 0.2, 0.5), near_zero, near_zero_at)
    return Outcome(replace(_quoted(claim, sensitivity), earlier=earlier), values)
