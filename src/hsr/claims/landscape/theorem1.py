"""Kiselev et al., Theorem 1: the test of ledger row ``landscape-theorem1`` from the exact
G-term norms of :mod:`hsr.core.landscape.gterm` (the paper's words, the reading, the rule).
"""

from __future__ import annotations

from ...core._checks import integer_at_least, positive, real
from ..ledger import (
    Claim,
    Outcome,
    Quote,
    fmt,
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
    "landscape-theorem1": "H_i is the G-term J^T A J, as the paper defines it in Section 4 (the "
    "H-term is dropped there), computed exactly; M_W and M_x are the smallest constants the "
    "hypotheses allow. A theorem claims the inequality for every network and object, so a single "
    "exact violation refutes it; random networks alone cannot confirm it.",
}


# ----- the row of the Theorem 1 page ----------------------------------------------------------
#: where the formulas of the quote come from (the extracted text lost them)
_FORMULAS = (
    "(the formulas, lost in the extracted text, are restored from the authors' paper/main.tex)"
)


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
) -> Outcome:
    """Row ``landscape-theorem1``, "the Theorem 1 bound holds as stated" (Landscape Section 4.1,
    Theorem 1), from counts of exact per-object G-term norms ||J^T A J||_2 above the paper's
    bound: ``violations_random`` of ``n_random`` (random network, object) pairs and
    ``violations_sharp`` of ``n_sharp`` sharp networks; ``violations_corrected`` counts the
    cases above the corrected bound (L/2) M_x^2 M_W^(2L-2). The counterexample the row cites:
    ``cex_L`` weight layers of spectral norm ``cex_a`` on an input of norm ``M_x``, exact G-term
    norm ``cex_gterm`` against the paper's bound ``cex_bound``.

    Test: a theorem is universal, so it holds if no tested pair exceeds the bound and does not
    hold if one does (one counterexample refutes it). The sensitivity shows the verdict on each
    family of networks alone. ``values``: ``n_violations``, ``corrected_note``."""
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
    verdict = "holds" if n_viol == 0 else "does not hold"

    def rule(n):
        return "holds" if n == 0 else "does not hold"

    knob = "networks tested"
    sens = (
        entry(knob, "random networks", f"{vr} violations", rule(vr), False),
        entry(knob, "sharp networks", f"{vs} violations", rule(vs), False),
        entry(knob, "both", f"{n_viol} violations", verdict, True),
    )
    claim = Claim(
        id="landscape-theorem1",
        paper="Landscape",
        figure="Thm. 1",
        claim="the Theorem 1 bound holds as stated",
        paper_reports="||H_i||_2 <= sqrt(2) L M_x^2 M_W^(2L) + sqrt(2) M_W^2 (M_W^(2L) - 1)"
        "/(M_W^2 - 1) for any object, for a bias-free ReLU network with ||W_p||_2 <= M_W, "
        "|x_i| <= M_x",
        measured=f"{vr} of {nr} (random network, object) pairs and {vs} of {ns} sharp networks "
        f"above the bound; counterexample L = {cex_L}, ||W_p|| = {fmt(float(cex_a), 3)}, |x| = "
        f"{fmt(float(M_x), 3)}: G-term {fmt(cex_gterm, 4)} > bound {fmt(cex_bound, 4)}; corrected "
        f"bound (L/2) M_x^2 M_W^(2L-2) never exceeded ({vc} violations) and attained",
        test="exact per-object G-term norm ||J^T A J||_2 against the bound with M_W = max "
        "||W_p||_2 and M_x = max |x_i|, on random networks (PyTorch init x scale) and the sharp "
        "networks: holds if no pair exceeds the bound, else does not hold (one counterexample "
        "refutes a theorem)",
        verdict=verdict,
        paper_says=f"{QUOTES['landscape-theorem1']} {_FORMULAS}",
        reading=READINGS["landscape-theorem1"],
        sensitivity=sens,
    )
    note = (
        "The corrected bound of the chapter holds on every case and is attained by the sharp "
        "networks."
        if vc == 0
        else f"The corrected bound FAILS on {vc} case(s): the proof is wrong."
    )
    return Outcome(claim, dict(n_violations=n_viol, corrected_note=note))
