"""Kiselev et al., Theorem 1: the test of ledger row ``landscape-theorem1`` from the exact
G-term norms of :mod:`hsr.core.landscape.gterm` (the paper's words, the reading, the rule).
"""

from __future__ import annotations

from ...core._checks import integer_at_least, positive, real
from ..ledger import (
    Outcome,
    Quote,
    Statement,
    fmt,
    statement_row,
)
from ..sensitivity import entry

__all__ = ["QUOTES", "READINGS", "landscape_theorem1"]

#: the paper's words each row rests on (verbatim)
QUOTES: dict[str, Quote] = {
    "landscape-theorem1": Quote(
        "Landscape",
        "Section 4.1, Theorem 1",
        "Consider a -layer fully connected neural network with ReLU activation function and "
        "without bias terms, applied to solve a -label classification problem. Suppose the "
        "following is satisfied: and for all layers in network and for all objects in the "
        "dataset. Then, for any object the following inequality holds:",
    ),
}

#: how each row's test reads them
READINGS: dict[str, str] = {
    "landscape-theorem1": "The passage states one inequality 'for any object'. H_i is the "
    "G-term J^T A J, as the paper defines it in Section 4 (the H-term is dropped there), "
    "computed exactly; M_W and M_x are the smallest constants the hypotheses allow; L counts "
    "weight matrices, as the proof does. A theorem claims the inequality for every network and "
    "object, so a single exact violation refutes it; random networks alone cannot confirm it. "
    "The other readings are tried too, each on the same sharp networks: H_i the full "
    "per-object Hessian (G-term + H-term), and L the authors' num_layers (weight matrices - "
    "2); and since the paper's Assumption 1 puts the theorem to work at trained minima, the "
    "counterexample is also checked as a trained network: it is a global minimum (gradient "
    "exactly zero) of the two-object data set {(x, 0), (x, 1)}.",
}


# ----- the row of the Theorem 1 page ----------------------------------------------------------
#: where the formulas of the quote come from (the extracted text lost them)
_FORMULAS = (
    "(the formulas, lost in the extracted text, are restored from the authors' paper/main.tex)"
)


def _rule(n: int) -> str:
    return "holds" if n == 0 else "does not hold"


def landscape_theorem1(
    violations_random: int,
    n_random: int,
    violations_sharp: int,
    n_sharp: int,
    violations_corrected: int,
    cex_L: int,
    cex_a: float,
    M_x: float,
    cex_gterm: float,
    cex_bound: float,
    readings: list | None = None,
    minimum: dict | None = None,
    audit: dict | None = None,
) -> Outcome:
    """Row ``landscape-theorem1``, "the Theorem 1 bound holds as stated" (Landscape Section 4.1,
    Theorem 1), from counts of exact per-object G-term norms ||J^T A J||_2 above the paper's
    bound: ``violations_random`` of ``n_random`` (random network, object) pairs and
    ``violations_sharp`` of ``n_sharp`` sharp networks; ``violations_corrected`` counts the
    cases above the corrected bound (L/2) M_x^2 M_W^(2L-2). The counterexample the row cites:
    ``cex_L`` weight layers of spectral norm ``cex_a`` on an input of norm ``M_x``, exact G-term
    norm ``cex_gterm`` against the paper's bound ``cex_bound``.

    Optional, from :mod:`hsr.experiments.landscape.audit`: ``readings`` (the list of
    :func:`~hsr.experiments.landscape.audit.theorem1_readings`: violations of the sharp
    networks under each reading of H_i and L), ``minimum`` (the dict of
    :func:`~hsr.experiments.landscape.audit.two_object_minimum` for the counterexample: its
    loss and gradient on {(x, 0), (x, 1)}), ``audit`` (the dict of
    :func:`~hsr.experiments.landscape.audit.corrected_bound_audit`).

    One statement, ``landscape-theorem1-bound`` ("for any object the following inequality
    holds"): a theorem is universal, so it holds if no tested pair exceeds the bound and does
    not hold if one does (one counterexample refutes it). Its sensitivity gives the verdict on
    each family of networks alone, under each reading (other than the paper's, on the sharp
    networks), and at the counterexample as a trained minimum. ``values``: ``n_violations``,
    ``corrected_note``, ``readings_failing`` (how many readings fail, of how many),
    ``minimum_exceeds`` (the trained minimum above the bound, or None)."""
    vr = integer_at_least("violations_random", violations_random, 0)
    nr = integer_at_least("n_random", n_random, vr)
    vs = integer_at_least("violations_sharp", violations_sharp, 0)
    ns = integer_at_least("n_sharp", n_sharp, vs)
    vc = integer_at_least("violations_corrected", violations_corrected, 0)
    cex_L = integer_at_least("cex_L", cex_L, 1)
    cex_a = positive("cex_a", cex_a)
    M_x = positive("M_x", M_x)
    cex_gterm, cex_bound = real("cex_gterm", cex_gterm), real("cex_bound", cex_bound)
    n_viol = vr + vs
    verdict = _rule(n_viol)

    knob = "networks tested"
    sens = [
        entry(knob, "random networks", f"{vr} violations", _rule(vr), False),
        entry(knob, "sharp networks", f"{vs} violations", _rule(vs), False),
        entry(knob, "both", f"{n_viol} violations", verdict, True),
    ]
    extra, failing = [], None
    if readings is not None:
        if (
            not isinstance(readings, (list, tuple))
            or not readings
            or any(
                not isinstance(r, dict)
                or not {"hessian", "L_counts", "n_cases", "n_violations"} <= set(r)
                for r in readings
            )
        ):
            raise ValueError(
                "readings must be a non-empty list of dicts of theorem1_readings "
                "(hessian, L_counts, n_cases, n_violations, ...)"
            )
        rk = "reading of Theorem 1 (H_i; what L counts)"
        n_fail = 0
        texts = []
        for r in readings:
            label = f"{r['hessian']}; L = {r['L_counts']}"
            paper = (r["hessian"], r["L_counts"]) == ("G-term", "weight matrices")
            v = _rule(int(r["n_violations"]))
            n_fail += v == "does not hold"
            if paper:  # the paper's reading: every network tested, the statement's verdict
                stat = f"{n_viol} violations (random and sharp networks)"
                sens.append(entry(rk, label, stat, verdict, True))
            else:
                stat = f"{int(r['n_violations'])} of {int(r['n_cases'])} sharp networks above"
                sens.append(entry(rk, label, stat, v, False))
            worst = (
                f", at worst {fmt(float(r['worst_ratio']), 3)} x the bound (L = "
                f"{r['witness_L']}, ||W_p|| = {fmt(float(r['witness_a']), 3)})"
                if "worst_ratio" in r
                else ""
            )
            texts.append(f"{label}: {int(r['n_violations'])} of {int(r['n_cases'])} above{worst}")
        failing = (n_fail, len(readings))
        extra.append(
            f"sharp networks under each reading tried ({n_fail} of {len(readings)} fail): "
            + "; ".join(texts)
        )
    minimum_exceeds = None
    if minimum is not None:
        need = {"loss_gap", "grad_backprop", "grad_fd", "gterm", "paper_bound"}
        if not isinstance(minimum, dict) or not need <= set(minimum):
            raise ValueError(f"minimum must be the dict of two_object_minimum, with {sorted(need)}")
        minimum_exceeds = bool(minimum["gterm"] > minimum["paper_bound"])
        mtext = (
            f"gradient max |.| {fmt(float(minimum['grad_backprop']), 2)} (backpropagation), "
            f"{fmt(float(minimum['grad_fd']), 2)} (central differences), loss - log 2 = "
            f"{fmt(float(minimum['loss_gap']), 2)}; G-term {fmt(float(minimum['gterm']), 4)} vs "
            f"bound {fmt(float(minimum['paper_bound']), 4)}"
        )
        sens.append(
            entry(
                "restricted to trained minima",
                "the counterexample as a global minimum of {(x, 0), (x, 1)}",
                mtext,
                "does not hold" if minimum_exceeds else "holds",
                False,
            )
        )
        extra.append(
            "the counterexample is a global minimum of the two-object data set {(x, 0), (x, 1)} "
            f"({mtext})"
        )
    if audit is not None:
        need = {"n_nets", "n_pairs", "exceed_per_object", "exceed_bound"}
        if not isinstance(audit, dict) or not need <= set(audit):
            raise ValueError(
                f"audit must be the dict of corrected_bound_audit, with {sorted(need)}"
            )
        extra.append(
            f"corrected bound on {int(audit['n_nets']):,} random networks of random shapes "
            f"({int(audit['n_pairs']):,} pairs): exceeded {int(audit['exceed_bound'])} times "
            f"(per-object form: {int(audit['exceed_per_object'])})"
        )
    measured = (
        f"{vr} of {nr} (random network, object) pairs and {vs} of {ns} sharp networks above the "
        f"bound; counterexample L = {cex_L}, ||W_p|| = {fmt(float(cex_a), 3)}, |x| = "
        f"{fmt(float(M_x), 3)}: G-term {fmt(cex_gterm, 4)} > bound {fmt(cex_bound, 4)}; corrected "
        f"bound (L/2) M_x^2 M_W^(2L-2) never exceeded ({vc} violations) and attained"
        + "".join(f"; {t}" for t in extra)
    )
    test = (
        "exact per-object G-term norm ||J^T A J||_2 against the bound with M_W = max "
        "||W_p||_2 and M_x = max |x_i|, L the number of weight matrices, on random networks "
        "(PyTorch init x scale) and the sharp networks: holds if no pair exceeds the bound, else "
        "does not hold (one counterexample refutes a theorem); the sensitivity shows each other "
        "reading (the full Hessian; L = num_layers) and the counterexample as a trained minimum"
    )
    st = Statement(
        "landscape-theorem1-bound",
        "for any object the following inequality holds",
        verdict,
        measured=measured,
        test=test,
        paper_reports="||H_i||_2 <= sqrt(2) L M_x^2 M_W^(2L) + sqrt(2) M_W^2 (M_W^(2L) - 1)"
        "/(M_W^2 - 1) for any object, for a bias-free ReLU network with ||W_p||_2 <= M_W, "
        "|x_i| <= M_x",
        sensitivity=tuple(sens),
    )
    claim = statement_row(
        "landscape-theorem1",
        "Landscape",
        "Thm. 1",
        "the Theorem 1 bound holds as stated",
        st.paper_reports,
        [st],
        f"{QUOTES['landscape-theorem1']} {_FORMULAS}",
        READINGS["landscape-theorem1"],
    )
    corrected_ok = vc == 0 and (audit is None or int(audit["exceed_bound"]) == 0)
    note = (
        "The corrected bound of the chapter holds on every case and is attained by the sharp "
        "networks."
        if corrected_ok
        else f"The corrected bound FAILS on {vc + int((audit or {}).get('exceed_bound', 0))} "
        "case(s): the proof is wrong."
    )
    return Outcome(
        claim,
        dict(
            n_violations=n_viol,
            corrected_note=note,
            readings_failing=failing,
            minimum_exceeds=minimum_exceeds,
        ),
    )
