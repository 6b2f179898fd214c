"""Helpers shared by the WS paper's claim modules: argument coercion, percentiles, the rows of
WS Figs. 3 and 4 (:func:`extreme_points`), and the ledger row made of its statements
(:func:`row`, :func:`statement`, :func:`uncheckable`, :func:`said`).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ...core._checks import (
    finite_vector,
    positive,
    real_array,
    same_length,
)
from ...experiments.stats import rank_sum_pvalue, spearman_or_nan
from ..ledger import (
    UNCHECKABLE,
    UNTESTED,
    Claim,
    Outcome,
    Quote,
    Statement,
    combine_verdicts,
    fmt,
)
from ..ledger import verdict_from_fraction as _frac
from ..ledger import verdict_from_pvalue as _pval
from ..sensitivity import series

__all__ = [
    "extreme_points",
    "quoted",
    "row",
    "said",
    "statement",
    "uncheckable",
    "row_quotes",
    "ROW_RULE",
    "NAN",
    "NO_POINT",
    "vector",
]

NAN = float("nan")


#: the note of a row whose sweep found no critical point
NO_POINT = "No critical point was found in this run, so there is nothing to test."


# ----- the figures without a headline test ---------------------------------------------------
def vector(name, value) -> np.ndarray:
    """``value`` as a 1-D float array (NaN allowed: a measurement that failed)."""
    a = real_array(name, value)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {a.shape}")
    return a


def _pct(a: np.ndarray, v) -> float:
    """The percentile of v among the values a."""
    return 100 * float(np.mean(a <= v))


def _rise_by_step(loss_rise, step, earlier_step):
    """``({t: (M,) rise}, chosen t, earlier t or None)`` from an array or a mapping."""
    if isinstance(loss_rise, dict):
        if not loss_rise:
            raise ValueError("loss_rise must be an array or a non-empty dict step -> array")
        by = {float(t): finite_vector(f"loss_rise[{t!r}]", r) for t, r in loss_rise.items()}
        if step is None or float(step) not in by:
            raise ValueError(
                f"step must be one of the steps of loss_rise {sorted(by)}, got {step!r}"
            )
        if earlier_step is not None and float(earlier_step) not in by:
            raise ValueError(
                f"earlier_step must be one of the steps of loss_rise {sorted(by)}, "
                f"got {earlier_step!r}"
            )
        if len({r.size for r in by.values()}) != 1:
            raise ValueError("loss_rise: every step's array must have the same length")
        return by, float(step), None if earlier_step is None else float(earlier_step)
    if earlier_step is not None:
        raise ValueError("earlier_step needs loss_rise as a dict step -> array")
    t = NAN if step is None else float(step)
    return {t: finite_vector("loss_rise", loss_rise)}, t, None


# ----- a row made of its statements ----------------------------------------------------------
#: how a row's verdict follows from its statements' (:func:`~hsr.claims.ledger.combine_verdicts`)
ROW_RULE = (
    "the row: holds if every checkable statement holds, does not hold if none holds even "
    "partly, else partly"
)


def statement(
    sid: str, says: str, verdict: str, measured: str, test: str, paper_reports="", sensitivity=()
) -> Statement:
    """A checked statement of a row's quote (``says``: its words, verbatim from the quote
    except for ``[...]``, symbols the extracted text lost, and ``...``, words left out)."""
    return Statement(
        sid,
        says,
        verdict,
        measured=measured,
        test=test,
        paper_reports=paper_reports,
        sensitivity=tuple(sensitivity),
    )


def uncheckable(sid: str, says: str, why: str, paper_reports="") -> Statement:
    """A statement of a row's quote that no run can check, with the reason."""
    return Statement(sid, says, UNCHECKABLE, why=why, paper_reports=paper_reports)


def row_quotes(rid: str, quotes: dict) -> list[Quote]:
    """The quotes of row ``rid`` in ``quotes``: ``quotes[rid]`` and every ``quotes[rid +
    " (...)"]`` (a further sentence the row rests on), in the module's order."""
    return [q for k, q in quotes.items() if k == rid or k.startswith(rid + " (")]


def said(rid: str, quotes: dict) -> str:
    """``paper_says`` of row ``rid``: its quotes, joined."""
    return "; ".join(str(q) for q in row_quotes(rid, quotes))


def _label(sid: str, rid: str) -> str:
    return sid.removeprefix(rid + "-") or sid


def row(
    rid: str,
    figure: str,
    claim: str,
    paper_reports: str,
    statements,
    quotes: dict,
    readings: dict,
    earlier=(),
) -> Claim:
    """The ledger row ``rid`` of the WS paper made of its ``statements`` (each with its own
    verdict, test and sensitivity): its verdict is :func:`combine_verdicts` of the checkable
    ones (:data:`ROW_RULE`; none checkable: not tested), its ``measured`` and ``test`` those
    of the statements, labelled; its quote and reading from the module's ``quotes`` and
    ``readings``; ``earlier``: the readings published before where a test was changed."""
    sts = tuple(statements)
    if not sts:
        raise ValueError("statements must hold at least one Statement")
    checked = [st for st in sts if st.verdict != UNCHECKABLE]
    verdict = combine_verdicts([st.verdict for st in checked]) if checked else UNTESTED
    if len(sts) == 1 and checked:
        measured, test = sts[0].measured, sts[0].test
    else:
        measured = "; ".join(
            f"({_label(st.id, rid)}) "
            + (f"{st.measured} [{st.verdict}]" if st.verdict != UNCHECKABLE else "not checkable")
            for st in sts
        )
        test = "; ".join(f"({_label(st.id, rid)}) {st.test}" for st in checked) or (
            "no statement of the passage can be checked by a run"
        )
        if len(checked) > 1:
            test += "; " + ROW_RULE
    return Claim(
        id=rid,
        paper="WS",
        figure=figure,
        claim=claim,
        paper_reports=paper_reports,
        measured=measured,
        test=test,
        verdict=verdict,
        statements=sts,
        paper_says=said(rid, quotes),
        reading=readings[rid],
        earlier=tuple(earlier),
    )


# ----- WS Figs. 3 and 4: the points with the largest and smallest lambda_WS -------------------
def extreme_points(
    fig: int,
    largest: bool,
    ws_upper,
    loss_rise,
    boundary_length,
    disagreement,
    lambda_max,
    n_show,
    step,
    earlier_step,
    quotes: dict,
    readings: dict,
    alpha: float = 0.01,
):
    """WS Figs. 3 and 4: the ``n_show`` points of largest (smallest) lambda_WS against all, two
    statements: the loss along the top eigenvector is sharply peaked (flat), and the decision
    boundary is significantly distorted (its distortion minimal). The row quotes
    ``quotes[id]`` and reads it as ``readings[id]`` (the figure module's)."""
    ws = finite_vector("ws_upper", ws_upper)
    by_step, t0, t_old = _rise_by_step(loss_rise, step, earlier_step)
    rise = by_step[t0]
    length = finite_vector("boundary_length", boundary_length)
    dis = finite_vector("disagreement", disagreement)
    lmax = finite_vector("lambda_max", lambda_max)
    same_length(
        ws_upper=ws, loss_rise=rise, boundary_length=length, disagreement=dis, lambda_max=lmax
    )
    if np.any(length < 0):
        raise ValueError("boundary_length must hold lengths (>= 0)")
    positive("n_show", n_show, integer=True)
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise ValueError(f"alpha must be a significance level in (0, 1), got {alpha!r}")
    M, k = ws.size, int(n_show)
    idx = np.argsort(-ws if largest else ws, kind="stable")[:k]
    enough = M >= k
    rid = f"ws-fig{fig:02d}"
    side = "largest" if largest else "smallest"
    alt = "greater" if largest else "less"

    # ----- statement 1: sharply peaked (Fig. 3) / flat (Fig. 4) ---------------------------
    q_chosen = 0.9 if largest else 0.1

    def sharp_checks(q, r=rise):
        return r[idx] >= np.quantile(r, q) if largest else r[idx] <= np.quantile(r, q)

    def sharp_at(q, r=rise):
        if not enough:
            return NAN, "does not hold"
        f = float(sharp_checks(q, r).mean())
        return f, _frac(f, holds_at=1.0, partly_at=0.5)

    passed = sharp_checks(q_chosen) if enough else np.zeros(0, bool)
    v_sharp = sharp_at(q_chosen)[1]
    sens_sharp = series(
        "quantile of the loss rise the shown points must reach",
        (0.75, 0.8, 0.85, 0.95) if largest else (0.05, 0.15, 0.2, 0.25),
        q_chosen,
        sharp_at,
    )
    if len(by_step) > 1:
        sens_sharp += series(
            "step t of the loss rise", tuple(by_step), t0, lambda t: sharp_at(q_chosen, by_step[t])
        )
    # how nearly the local rise is lambda_max t^2 / 2 (the quadratic term; WS Sec. IV-A)
    pos = lmax > 0
    quad = (
        float(np.median(2 * rise[pos] / (lmax[pos] * t0**2)))
        if pos.any() and np.isfinite(t0) and t0 > 0
        else NAN
    )
    rho_rl = spearman_or_nan(rise, lmax)[0]
    at_t = "" if np.isnan(t0) else f" at t = {fmt(t0)}"
    q_rule = ">= the 90%" if largest else "<= the 10%"
    word = "sharp" if largest else "flat"
    ranks = (
        "; ".join(
            f"rank {j + 1}: lambda_WS {fmt(ws[i])}, loss rise{at_t} {fmt(rise[i])} (percentile "
            f"{fmt(_pct(rise, rise[i]))}), lambda_max percentile {fmt(_pct(lmax, lmax[i]))}"
            for j, i in enumerate(idx)
        )
        or "no critical point"
    )
    m_sharp = (
        f"{ranks}; {int(passed.sum())} of {passed.size} shown points {word}; over all {M} "
        f"points the rise is lambda_max t^2 / 2 times {fmt(quad)} (median) and Spearman "
        f"rho(rise, lambda_max) = {fmt(rho_rl, 3)}"
    )
    t_sharp = (
        f"each of the n_show = {k} {side}-lambda_WS points has a loss rise DeltaL"
        + ("(step_max)" if np.isnan(t0) else f"(t = {fmt(t0)})")
        + f" along its top eigenvector {q_rule} quantile of DeltaL over all unique critical "
        "points: holds; at least half of them: partly; else (or with fewer points than n_show) "
        "does not hold"
    )

    # ----- statement 2: significantly distorted (Fig. 3) / minimal distortion (Fig. 4) -----
    measures = {"boundary length": length, "Bayes disagreement": dis}

    def distort_at(a, measure="boundary length"):
        if not enough:
            return NAN, "does not hold"
        p_ = rank_sum_pvalue(measures[measure], idx, alt)
        return p_, _pval(p_, alpha=a, partly_alpha=max(a, 0.05))

    p_len, v_dist = distort_at(alpha)
    p_dis = distort_at(alpha, "Bayes disagreement")[0]
    sens_dist = series(
        "significance level alpha", (0.001, 0.005, 0.05, 0.1), alpha, distort_at
    ) + series(
        "measure of distortion",
        tuple(measures),
        "boundary length",
        lambda m: distort_at(alpha, m),
    )
    more = "longer" if largest else "shorter"
    lens = (
        "; ".join(
            f"rank {j + 1}: boundary length {fmt(length[i])} (percentile "
            f"{fmt(_pct(length, length[i]))}), Bayes disagreement {fmt(100 * dis[i])}% "
            f"(percentile {fmt(_pct(dis, dis[i]))})"
            for j, i in enumerate(idx)
        )
        or "no critical point"
    )
    m_dist = (
        f"{lens}; median length over all {M} points {fmt(float(np.median(length)) if M else NAN)};"
        f" exact one-sided p = {fmt(p_len, 2)} (with the Bayes disagreement instead: "
        f"p = {fmt(p_dis, 2)})"
    )
    t_dist = (
        f"length of the p = 0.5 decision boundary inside the plotted square (as HSR Fig. 15) "
        f"of the {k} shown points against all unique critical points: exact one-sided "
        f"permutation (rank-sum) test that {k} points drawn at random from the sweep are as "
        f"{'long' if largest else 'short'}; the shown ones {more} at p < {fmt(alpha)} "
        f"(the paper's level of significance): holds; p < {fmt(max(alpha, 0.05))}: partly; "
        "else (or with fewer points than n_show) does not hold"
    )
    if largest:
        says = (
            "when the upper bound on the maximum eigenvalue is large, the loss at the critical "
            "point is sharply peaked",
            "when the upper bound on the maximum eigenvalue is large, ... the decision "
            "boundaries are significantly distorted",
        )
        ids, claim_text = (
            ("sharp", "distorted"),
            "large lambda_WS = sharp loss and distorted boundary",
        )
        reports = (
            "the two critical points with the largest lambda_WS: loss sharply peaked along the "
            "top eigenvector (figure only)",
            "the two critical points with the largest lambda_WS: decision boundaries strongly "
            "distorted (figure only)",
        )
    else:
        says = (
            "when the upper bound on the maximum eigenvalue is small, the loss at the critical "
            "point is flat",
            "when the upper bound on the maximum eigenvalue is small, ... the distortion of the "
            "decision boundaries is minimal",
        )
        ids, claim_text = ("flat", "simple"), "small lambda_WS = flat loss, simple boundary"
        reports = (
            "the two critical points with the smallest lambda_WS: loss flat along the top "
            "eigenvector (figure only)",
            "the two critical points with the smallest lambda_WS: decision boundaries barely "
            "distorted (figure only)",
        )
    statements = (
        statement(f"{rid}-{ids[0]}", says[0], v_sharp, m_sharp, t_sharp, reports[0], sens_sharp),
        statement(f"{rid}-{ids[1]}", says[1], v_dist, m_dist, t_dist, reports[1], sens_dist),
    )

    # ----- the readings published before (not part of the verdict) -------------------------
    def old_checks(r):  # one rule for both statements: rise quantile and disagreement median
        if not enough:
            return np.zeros(0)
        shape = dis[idx] > np.median(dis) if largest else dis[idx] <= np.median(dis)
        return np.concatenate([sharp_checks(q_chosen, r), shape])

    def old_text(t_text):
        shape_rule = "> its median" if largest else "<= its median"
        return (
            f"holds if each of the n_show {side}-lambda_WS points has loss rise DeltaL{t_text} "
            f"along its top eigenvector {q_rule} quantile of DeltaL over all unique points and "
            f"a Bayes disagreement on the test inputs {shape_rule} over all unique points; "
            "partly if >= half of these checks pass (one rule for both statements)."
        )

    def old_reading(r, t_text):
        c = old_checks(r)
        f = float(c.mean()) if c.size else 0.0
        v = _frac(f, holds_at=1.0, partly_at=0.5) if enough else "does not hold"
        return dict(
            test=old_text(t_text),
            measured=f"{int(c.sum())} of {c.size} checks pass",
            verdict=v,
        )

    earlier = [old_reading(rise, "" if np.isnan(t0) else f"(t = {fmt(t0)})")]
    if t_old is not None:
        e = old_reading(by_step[t_old], f"(t = {fmt(t_old)}, the edge of the plotted slice)")
        earlier.insert(0, e)
    claim = row(
        rid,
        f"Fig. {fig}",
        claim_text,
        reports[0] + "; " + reports[1].split(": ", 1)[1],
        statements,
        quotes,
        readings,
        earlier,
    )
    note = (
        ""
        if enough
        else f"This run has {M} unique critical point(s), fewer than n_show = {n_show}: too "
        "few to test."
    )
    values = dict(
        idx=idx,
        passed=passed,
        note=note,
        p_length=p_len,
        p_bayes=p_dis,
        quadratic_ratio=quad,
        rho_rise_lambda_max=rho_rl,
        n_no_boundary=int(np.sum(length == 0)),
        verdict_sharp=v_sharp,
        verdict_distorted=v_dist,
    )
    for r in range(2):  # the two ranks the page cites (NaN where the run has fewer points)
        ok = r < len(idx)
        i = idx[r] if ok else 0
        values[f"ws_{r + 1}"] = float(ws[i]) if ok else NAN
        values[f"rise_{r + 1}"] = float(rise[i]) if ok else NAN
        values[f"rise_pct_{r + 1}"] = _pct(rise, rise[i]) if ok else NAN
        values[f"lmax_pct_{r + 1}"] = _pct(lmax, lmax[i]) if ok else NAN
        values[f"len_{r + 1}"] = float(length[i]) if ok else NAN
        values[f"len_pct_{r + 1}"] = _pct(length, length[i]) if ok else NAN
        values[f"dis_{r + 1}"] = 100 * float(dis[i]) if ok else NAN
        values[f"dis_pct_{r + 1}"] = _pct(dis, dis[i]) if ok else NAN
        if t_old is not None:
            r_old = by_step[t_old]
            values[f"rise_earlier_{r + 1}"] = float(r_old[i]) if ok else NAN
            values[f"rise_pct_earlier_{r + 1}"] = _pct(r_old, r_old[i]) if ok else NAN
    values["rise_median"] = float(np.median(rise)) if M else NAN
    values["len_median"] = float(np.median(length)) if M else NAN
    values["dis_median"] = 100 * float(np.median(dis)) if M else NAN
    values["verdict_earlier"] = earlier[0]["verdict"] if t_old is not None else ""
    values["verdict_published"] = earlier[-1]["verdict"]
    return Outcome(claim, values)


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
