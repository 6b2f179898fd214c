"""HSR Fig. 2, "closed form is faster; grows ~linearly in d_h, ~quadratically in N": the test of
ledger row ``hsr-fig02``.

The paper's words the row rests on (:data:`QUOTES`), how the test reads them (:data:`READINGS`),
the rule and the sensitivity of its verdict to each threshold, together.
"""

from __future__ import annotations

import numpy as np

from ...core._checks import (
    finite_vector,
    positive_values,
)
from ...experiments.runtime.timing import growth_exponent
from ..ledger import (
    Outcome,
    Quote,
    combine_verdicts,
)
from ..ledger import verdict_from_fraction as _frac
from ..sensitivity import series
from ._shared import row, statement, uncheckable

__all__ = ["QUOTES", "READINGS", "hsr_fig02"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "hsr-fig02": Quote(
        "HSR",
        "Section IV-A",
        "It can be observed that the computation time increases linearly with respect to . "
        "The WS upper bound is a function based on the traces of the Hessian and the "
        "squared Hessian, and the computation time of the trace is affected by the number "
        "of diagonal components . Therefore, it is considered that the computation time "
        "increases linearly with . Fig. 2 (right) illustrates the case where the training "
        "data size is increased. Although the details are described later, includes a "
        "double sum with respect to . Thus, the computation time is expected to be "
        "proportional to . Although an increasing trend in computation time is observed "
        "with respect to both and , the analytical solution completes the computation in "
        "less time than the numerical solution in either case.",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "hsr-fig02": "Four observations and two explanations (the symbols are blank in the "
    "extracted text; the paper's argument: the trace grows with the number of diagonal "
    "components, tr(H^2) is a double sum over the samples). 'The computation time increases "
    "linearly with respect to [d_h]' and 'proportional to [N^2]' are read as the slope of a "
    "log-log fit of time on size of the paper's double-sum closed form, within 0.5 of 1 and of "
    "2: a slope is the measurable form of 'grows linearly (quadratically)', and the window "
    "allows for the fixed overheads that flatten every curve at small sizes. 'An increasing "
    "trend in computation time is observed with respect to both' is read as a positive "
    "log-log slope of both timed methods in both panels. 'Less time than the numerical "
    "solution in either case' is read as: the closed form as shipped is faster than central "
    "differences at every size timed, in both panels (at least half: partly). Why the time "
    "grows so (the number of diagonal components; the double sum) is the paper's reasoning, "
    "not an observation.",
}


# ----- HSR Fig. 2: computation time --------------------------------------------------------------
def hsr_fig02(
    d_hidden,
    n_samples,
    seconds_h: dict,
    seconds_n: dict,
    closed: str | None = None,
    growth: str | None = None,
) -> Outcome:
    """HSR Fig. 2, "closed form is faster; grows ~linearly in d_h, ~quadratically in N", from
    the measured seconds per gradient of grad lambda_WS.

    ``d_hidden (H,)`` and ``n_samples (K,)``: the sizes of the two panels; ``seconds_h``:
    curve -> ``(H,)`` seconds against d_h, ``seconds_n``: curve -> ``(K,)`` seconds against N,
    with the same curves: ``"numerical"`` (central differences) and the closed forms (e.g.
    ``"closed form (auto)"``, ``"closed form (pairwise)"``). ``closed``: the closed form as
    shipped (default: the first curve other than "numerical"); ``growth``: the curve whose
    growth is tested (default: "closed form (pairwise)" when timed, else ``closed``).

    Statements (the row their combination; the paper's two reasons are not checkable):

    - ``linear-dh``: the log-log slope (:func:`hsr.experiments.runtime.timing
      .growth_exponent`) of ``growth`` against d_h in [0.5, 1.5]: holds, else does not hold;
    - ``quadratic-n``: its slope against N in [1.5, 2.5]: holds, else does not hold;
    - ``increasing``: the slopes of ``closed`` and "numerical" positive in both panels: all
      holds, some partly, none does not hold;
    - ``faster``: ``closed`` takes less time than "numerical" at every size of both panels:
      holds; at >= half of them: partly.

    The reading published before (two parts: faster; growth in both windows) is kept as
    ``earlier``.
    """
    sizes_h = positive_values("d_hidden", d_hidden, integer=True, minimum=1)
    sizes_n = positive_values("n_samples", n_samples, integer=True, minimum=1)
    for name, by_curve, sizes in (
        ("seconds_h", seconds_h, sizes_h),
        ("seconds_n", seconds_n, sizes_n),
    ):
        if not isinstance(by_curve, dict) or "numerical" not in by_curve or len(by_curve) < 2:
            raise ValueError(
                f"{name} must be a dict of curve -> seconds holding 'numerical' and a closed form"
            )
        for m, v in by_curve.items():
            a = finite_vector(f"{name}[{m!r}]", v)
            if a.size != len(sizes) or np.any(a <= 0):
                raise ValueError(
                    f"{name}[{m!r}] must hold {len(sizes)} positive times, one per size"
                )
    if set(seconds_h) != set(seconds_n):
        raise ValueError("seconds_h and seconds_n must hold the same curves")
    curves = ["numerical"] + [m for m in seconds_h if m != "numerical"]
    closed = curves[1] if closed is None else closed
    if growth is None:
        growth = "closed form (pairwise)" if "closed form (pairwise)" in curves else closed
    for name, value in (("closed", closed), ("growth", growth)):
        if value not in curves[1:]:
            raise ValueError(
                f"{name} must be one of the closed-form curves {curves[1:]}, got {value!r}"
            )
    sh = {m: np.asarray(seconds_h[m], float) for m in curves}
    sn = {m: np.asarray(seconds_n[m], float) for m in curves}
    slopes = {}
    for m in curves:
        slopes[("d_hidden", m)] = growth_exponent(sizes_h, sh[m])
        slopes[("N", m)] = growth_exponent(sizes_n, sn[m])
    t_num = np.concatenate([sh["numerical"], sn["numerical"]])
    t_closed = np.concatenate([sh[closed], sn[closed]])
    faster = t_closed < t_num
    frac = float(faster.mean())
    v_fast = _frac(frac, holds_at=1.0, partly_at=0.5)
    e_h, e_n = slopes[("d_hidden", growth)], slopes[("N", growth)]
    n_ok = int(0.5 <= e_h <= 1.5) + int(1.5 <= e_n <= 2.5)
    v_grow = _frac(n_ok / 2, holds_at=1.0, partly_at=0.5)
    speedup = t_num / t_closed
    others = "; ".join(
        f"{m}: {slopes[('d_hidden', m)]:.2f} in d_h, {slopes[('N', m)]:.2f} in N"
        for m in curves
        if m != growth
    )

    def window_at(w, target, e):
        return e, "holds" if target - w <= e <= target + w else "does not hold"

    def faster_at(share):
        return frac, _frac(frac, holds_at=1.0, partly_at=share)

    growth_all = {
        (panel, m): slopes[(panel, m)] for panel in ("d_hidden", "N") for m in (closed, "numerical")
    }
    n_up = sum(bool(v > 0) for v in growth_all.values())
    widths = (0.25, 0.5, 0.75, 1.0)
    sts = [
        statement(
            "hsr-fig02-linear-dh",
            "the computation time increases linearly with respect to [d_h]",
            window_at(0.5, 1.0, e_h)[1],
            f"fitted log-log exponent of the {growth} against d_h: {e_h:.2f} ({others})",
            "exponent of the double-sum closed form against d_h in [0.5, 1.5]: holds, else does "
            "not hold",
            "computation time increases linearly with d_h",
            series("exponent window half-width", widths, 0.5, lambda w: window_at(w, 1.0, e_h)),
        ),
        uncheckable(
            "hsr-fig02-why-linear",
            "The WS upper bound is a function based on the traces of the Hessian and the squared "
            "Hessian, and the computation time of the trace is affected by the number of "
            "diagonal components",
            "the paper's reason for the linear growth (a property of the formulas, Theorems "
            "1-5), not an observation; the growth it predicts is tested",
        ),
        statement(
            "hsr-fig02-quadratic-n",
            "the computation time is expected to be proportional to [N^2]",
            window_at(0.5, 2.0, e_n)[1],
            f"fitted log-log exponent of the {growth} against N: {e_n:.2f}",
            "exponent of the double-sum closed form against N in [1.5, 2.5]: holds, else does "
            "not hold",
            "computation time expected to grow with N^2 (double sum over samples)",
            series("exponent window half-width", widths, 0.5, lambda w: window_at(w, 2.0, e_n)),
        ),
        uncheckable(
            "hsr-fig02-why-quadratic",
            "Although the details are described later, [tr(H^2)] includes a double sum with "
            "respect to [N]",
            "a property of the formula (Theorems 4-5), the paper's reason for the quadratic "
            "growth, not an observation; the growth it predicts is tested",
        ),
        statement(
            "hsr-fig02-increasing",
            "an increasing trend in computation time is observed with respect to both [d_h] and "
            "[N]",
            _frac(n_up / len(growth_all), holds_at=1.0, partly_at=0.25),
            "fitted log-log exponents: "
            + "; ".join(f"{m} {e:.2f} against {panel}" for (panel, m), e in growth_all.items()),
            f"the log-log exponent of the {closed} and of the central differences positive in "
            "both panels: holds; some: partly; none: does not hold",
            "an increasing trend with both d_h and N",
        ),
        statement(
            "hsr-fig02-faster",
            "the analytical solution completes the computation in less time than the numerical "
            "solution in either case",
            v_fast,
            f"{closed} faster than central differences at {int(faster.sum())} of "
            f"{faster.size} sizes (d_h in {sizes_h}, N in {sizes_n}); "
            f"speed-up {speedup.min():.2g}x to {speedup.max():.2g}x",
            "closed form as shipped faster at every size of both panels: holds; at >= half: "
            "partly; else does not hold",
            "the analytical solution takes less time than the numerical one at every d_h and N "
            "tried",
            series("faster: share of sizes for partly", (0.25, 0.5, 0.75), 0.5, faster_at),
        ),
    ]
    # the reading published before: two parts (faster; growth in both windows)
    old = combine_verdicts([v_fast, v_grow])
    earlier = (
        dict(
            test="two parts: the closed form faster at every size (holds; >= half partly); "
            "the double-sum exponent in [0.5, 1.5] for d_h and in [1.5, 2.5] for N (both holds, "
            "one partly); the row their combination",
            measured=f"faster: {v_fast}; growth: {v_grow}",
            verdict=old,
        ),
    )
    claim = row(
        "hsr-fig02",
        "Fig. 2",
        "closed form is faster; grows ~linearly in d_h, ~quadratically in N",
        "the analytical solution takes less time than the numerical one at every d_h and N "
        "tried; computation time increases linearly with d_h and is expected to grow with N^2",
        sts,
        QUOTES,
        READINGS,
        earlier,
    )
    values = dict(
        slopes=slopes,
        closed=closed,
        growth=growth,
        n_faster=int(faster.sum()),
        n_sizes=int(faster.size),
        frac_faster=frac,
        speedup_min=float(speedup.min()),
        speedup_max=float(speedup.max()),
        e_h=e_h,
        e_n=e_n,
        faster=v_fast,
        growth_verdict=v_grow,
        linear_dh=sts[0].verdict,
        quadratic_n=sts[2].verdict,
        increasing=sts[4].verdict,
    )
    return Outcome(claim, values)
