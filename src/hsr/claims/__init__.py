"""The claims ledger: rows (:class:`Claim`), verdict rules, the spec of what the ledger must
hold, the tests of the papers' claims (:mod:`hsr.claims.verdicts`), and the robustness grid and
activation study. Imports the experiments and the core, never the book."""

from . import verdicts
from .ledger import (
    AGREEMENT,
    PAPERS,
    VERDICTS,
    Claim,
    ExpectedClaim,
    Outcome,
    Quote,
    check_ledger,
    combine_verdicts,
    expected_claims,
    extra_claims,
    fmt,
    merge_claims,
    paper_claims,
    verdict_from_count,
    verdict_from_fraction,
    verdict_from_pvalue,
)
from .robustness import one_at_a_time, run_activation, run_activations, run_robustness

__all__ = [
    "VERDICTS",
    "PAPERS",
    "AGREEMENT",
    "Claim",
    "Outcome",
    "Quote",
    "fmt",
    "verdict_from_fraction",
    "verdict_from_pvalue",
    "verdict_from_count",
    "combine_verdicts",
    "merge_claims",
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
