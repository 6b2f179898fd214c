"""HSR Fig. 7, "HSR narrows the spectrum (Proposition 2)": the test of ledger row ``hsr-fig07``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

from ...core._checks import (
    positive,
    real_array,
)
from ..ledger import (
    Outcome,
    Quote,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import NAN, row, statement

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
    "hsr-fig07 (Section V-D)": Quote(
        "HSR",
        "Section V-D",
        "As can be seen from the figure, both the WS upper bound and the eigenvalues decrease "
        "as the training progresses.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig07": "Each observation of the paper's two runs is a statement, checked on the last "
    "iterate against the first: top (alpha = beta = 1, Section V-D) 'both the WS upper bound "
    "and the eigenvalues decrease' (lambda_WS and lambda_max fall: both holds, one partly); "
    "middle (alpha = 0, Section V-E) 'the WS upper bound decreases', 'the WS lower bound "
    "increases', 'the maximum eigenvalue approaches 0 from the positive direction' (ends "
    "positive, within 10% of the initial spectral range of 0), 'the minimum eigenvalue "
    "approaches 0 from the negative direction' (ends non-positive, within the same distance) "
    "and 'the range of the eigenvalues narrows' (lambda_max - lambda_min shrinks). Proposition 2 "
    "proves only that the WS interval [m - s sqrt(n-1), m + s sqrt(n-1)] narrows when m stays "
    "and s falls, not that the spectrum's range does; so the range is read on the eigenvalues "
    "themselves, not inferred from the bounds. The book "
    "first counted the seven checks under one rule (all: holds; at least half: partly); that "
    "reading is kept beside the statements.",
}


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

    Six statements, last iterate against the first (:func:`hsr.claims.combine_verdicts`
    makes the row): top: lambda_WS and lambda_max fall (both holds, one partly); middle:
    lambda_WS falls; the WS lower bound rises; lambda_max -> 0+ (ends in (0, near_zero *
    initial range]); lambda_min -> 0- (ends in [-near_zero * initial range, 0]); the spectral
    range shrinks (each holds or does not hold).

    ``middle_step``: how the middle run chose its step (text, shown in ``measured``).
    ``earlier``: the seven checks under one rule (all holds, at least half partly; the reading
    published first), and with ``earlier_middle`` (the middle run's histories with the step
    used before, ``earlier_step``, text) the same statements on that run; shown beside and
    not combined into the verdict."""
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
    earlier = []
    if earlier_middle is not None:
        old = hsr_fig07(top, earlier_middle, origin, n_iter, near_zero, earlier_step).claim
        earlier.append(
            {
                "test": "the same statements with the alpha = 0 run at "
                f"{earlier_step or 'the earlier step'} (the run published before)",
                "measured": old.measured,
                "verdict": old.verdict,
            }
        )
    ub_t, lmax_t = first_last[("top", "ws_upper")], first_last[("top", "lambda_max")]
    ub_m, lb_m = first_last[("middle", "ws_upper")], first_last[("middle", "ws_lower")]
    lmax_m, lmin_m = first_last[("middle", "lambda_max")], first_last[("middle", "lambda_min")]
    range0, range1 = lmax_m[0] - lmin_m[0], lmax_m[1] - lmin_m[1]

    def to_zero(z):
        return (
            0 < lmax_m[1] <= z * range0,
            -z * range0 <= lmin_m[1] <= 0,
        )

    checks = {
        "top: lambda_WS falls": ub_t[1] < ub_t[0],
        "top: lambda_max falls": lmax_t[1] < lmax_t[0],
        "middle: lambda_WS falls": ub_m[1] < ub_m[0],
        "middle: WS lower bound rises": lb_m[1] > lb_m[0],
        "middle: lambda_max -> 0+": to_zero(near_zero)[0],
        "middle: lambda_min -> 0-": to_zero(near_zero)[1],
        "middle: spectral range shrinks": range1 < range0,
    }
    n_ok = sum(map(bool, checks.values()))
    failed = [k for k, v in checks.items() if not v]

    def yes(ok):
        return "holds" if ok else "does not hold"

    n_top = int(checks["top: lambda_WS falls"]) + int(checks["top: lambda_max falls"])
    zs = (0.01, 0.05, 0.1, 0.2, 0.5)
    step_note = f" (middle run's step: {middle_step})" if middle_step else ""
    mid = f"middle run (alpha = 0), {n_iter} iterations from the {origin}{step_note}"
    sts = [
        statement(
            "hsr-fig07-top-decrease",
            "both the WS upper bound and the eigenvalues decrease as the training progresses",
            _frac(n_top / 2, holds_at=1.0, partly_at=0.5),
            f"top run (alpha = beta = 1), {n_iter} iterations from the {origin}: lambda_WS "
            f"{ub_t[0]:.3g} -> {ub_t[1]:.3g}, lambda_max {lmax_t[0]:.3g} -> {lmax_t[1]:.3g}",
            "last iterate against the first: lambda_WS and lambda_max both fall: holds; one of "
            "them: partly; neither: does not hold",
            "alpha = beta = 1: lambda_WS and the eigenvalues decrease",
        ),
        statement(
            "hsr-fig07-upper-decreases",
            "the WS upper bound decreases",
            yes(checks["middle: lambda_WS falls"]),
            f"{mid}: lambda_WS {ub_m[0]:.3g} -> {ub_m[1]:.3g}",
            "last iterate below the first: holds, else does not hold",
            "alpha = 0: lambda_WS decreases",
        ),
        statement(
            "hsr-fig07-lower-increases",
            "the WS lower bound increases",
            yes(checks["middle: WS lower bound rises"]),
            f"{mid}: WS lower bound {lb_m[0]:.3g} -> {lb_m[1]:.3g}",
            "last iterate above the first: holds, else does not hold",
            "alpha = 0: the WS lower bound increases",
        ),
        statement(
            "hsr-fig07-max-to-zero",
            "the maximum eigenvalue approaches 0 from the positive direction",
            yes(checks["middle: lambda_max -> 0+"]),
            f"{mid}: lambda_max {lmax_m[0]:.3g} -> {lmax_m[1]:.3g} (initial spectral range "
            f"{range0:.3g})",
            f"the last lambda_max in (0, {near_zero:g} x the initial spectral range]: holds, "
            "else does not hold",
            "alpha = 0: lambda_max -> 0+",
            series(
                "near_zero",
                zs,
                near_zero,
                lambda z: (lmax_m[1] / range0 if range0 else NAN, yes(to_zero(z)[0])),
            ),
        ),
        statement(
            "hsr-fig07-min-to-zero",
            "the minimum eigenvalue approaches 0 from the negative direction",
            yes(checks["middle: lambda_min -> 0-"]),
            f"{mid}: lambda_min {lmin_m[0]:.3g} -> {lmin_m[1]:.3g} (initial spectral range "
            f"{range0:.3g})",
            f"the last lambda_min in [-{near_zero:g} x the initial spectral range, 0]: holds, "
            "else does not hold",
            "alpha = 0: lambda_min -> 0-",
            series(
                "near_zero",
                zs,
                near_zero,
                lambda z: (lmin_m[1] / range0 if range0 else NAN, yes(to_zero(z)[1])),
            ),
        ),
        statement(
            "hsr-fig07-range-narrows",
            "the range of the eigenvalues narrows as the training progresses",
            yes(checks["middle: spectral range shrinks"]),
            f"{mid}: lambda_max - lambda_min {range0:.3g} -> {range1:.3g}",
            "last spectral range below the first: holds, else does not hold",
            "the range of the spectrum narrows",
        ),
    ]
    old_verdict = _frac(n_ok / len(checks), holds_at=1.0, partly_at=0.5)
    earlier.insert(
        0,
        {
            "test": "seven checks on first vs last iterate under one rule (top: lambda_WS "
            "falls, lambda_max falls; middle: lambda_WS falls, lower bound rises, lambda_max -> "
            "0+, lambda_min -> 0-, range shrinks): all holds, >= half partly (the reading "
            "published first)",
            "measured": f"{n_ok} of {len(checks)} checks pass"
            + ((" (failed: " + "; ".join(failed) + ")") if failed else ""),
            "verdict": old_verdict,
        },
    )
    claim = row(
        "hsr-fig07",
        "Fig. 7",
        "HSR narrows the spectrum (Proposition 2)",
        "alpha = beta = 1: lambda_WS and the eigenvalues decrease; alpha = 0: lambda_WS "
        "decreases, the WS lower bound increases, lambda_max -> 0+, lambda_min -> 0-, the "
        "range of the spectrum narrows",
        sts,
        QUOTES,
        READINGS,
        earlier,
    )
    values = dict(
        checks=checks,
        n_ok=n_ok,
        failed=failed,
        verdict_earlier=old_verdict,
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
    return Outcome(claim, values)
