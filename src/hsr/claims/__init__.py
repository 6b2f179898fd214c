"""The claims ledger: rows (:class:`Claim`), verdict rules, the spec of what the ledger must
hold, the tests of the papers' claims (:mod:`hsr.claims.verdicts`), and the robustness grid and
activation study. Imports the experiments and the core, never the book."""

from . import counts, hsr, landscape, verdicts, ws
from .ledger import (
    AGREEMENT,
    PAPERS,
    ROW_RULE,
    STATEMENT_VERDICTS,
    UNCHECKABLE,
    UNTESTED,
    VERDICTS,
    Claim,
    ExpectedClaim,
    Outcome,
    Quote,
    Statement,
    check_ledger,
    combine_verdicts,
    expected_claims,
    extra_claims,
    fmt,
    merge_claims,
    paper_claims,
    statement_row,
    verdict_from_count,
    verdict_from_fraction,
    verdict_from_pvalue,
)
from .robustness import one_at_a_time, run_activation, run_activations, run_robustness


def quotes() -> dict:
    """Every row's quote (row id -> :class:`Quote`): the ``QUOTES`` of the claims of the WS and
    HSR papers, the landscape paper and the counts."""
    out = {}
    for mod in (ws, hsr, landscape, counts):
        for rid, q in mod.QUOTES.items():
            if rid in out:
                raise ValueError(f"{rid} is quoted twice")
            out[rid] = q
    return out


__all__ = [
    "quotes",
    "VERDICTS",
    "PAPERS",
    "AGREEMENT",
    "Claim",
    "Outcome",
    "Quote",
    "Statement",
    "STATEMENT_VERDICTS",
    "UNCHECKABLE",
    "UNTESTED",
    "fmt",
    "verdict_from_fraction",
    "verdict_from_pvalue",
    "verdict_from_count",
    "combine_verdicts",
    "merge_claims",
    "statement_row",
    "ROW_RULE",
    "ExpectedClaim",
    "paper_claims",
    "extra_claims",
    "expected_claims",
    "check_ledger",
    "verdicts",
    "one_at_a_time",
    "run_robustness",
    "run_activation",
    "run_activations",
]
