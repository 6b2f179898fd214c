"""hsr.claims.counts: the count rows, the paper's numbers and the 10% / 25% test."""

from __future__ import annotations

from pathlib import Path

import pytest

from hsr.claims import counts
from hsr.claims.ledger import ExpectedClaim, paper_claims

SPEC = Path(__file__).resolve().parents[2] / "book" / "spec" / "FIGURES.md"

FUNCTIONS = {
    "count-hsr-converged": counts.count_hsr_converged,
    "count-hsr-unique": counts.count_hsr_unique,
    "count-hsr-sharp": counts.count_hsr_sharp,
    "count-hsr-flat": counts.count_hsr_flat,
    "count-ws-h3-converged": counts.count_ws_h3_converged,
    "count-ws-h3-unique": counts.count_ws_h3_unique,
    "count-ws-h3-low": counts.count_ws_h3_low,
    "count-ws-h3-high": counts.count_ws_h3_high,
    "count-ws-h10-converged": counts.count_ws_h10_converged,
    "count-ws-h10-unique": counts.count_ws_h10_unique,
}


def test_one_function_quote_and_reading_per_count():
    assert set(FUNCTIONS) == set(counts.PAPER_COUNTS) == set(counts.QUOTES)
    assert set(counts.READINGS) == set(counts.PAPER_COUNTS)


def test_paper_counts_match_the_spec():
    text = SPEC.read_text(encoding="utf-8")
    expected = {e.id: e for e in paper_claims(text) if e.count is not None}
    assert set(expected) == set(counts.PAPER_COUNTS)
    for cid, (paper, _, ref, _) in counts.PAPER_COUNTS.items():
        e: ExpectedClaim = expected[cid]
        assert (e.paper, e.count) == (paper, ref)


@pytest.mark.parametrize("cid", sorted(FUNCTIONS))
def test_at_the_papers_scale(cid):
    paper, _, ref, seeds = counts.PAPER_COUNTS[cid]
    fn = FUNCTIONS[cid]
    t = fn(ref, seeds)
    c = t.claim
    assert (c.id, c.paper, c.verdict) == (cid, paper, "holds")
    assert c.paper_reports == f"{ref} of {seeds} seeds" and c.measured == f"{ref} of {seeds} seeds"
    assert c.figure == ("Sec. VI-A" if paper == "HSR" else "App. C")
    assert c.paper_says == str(counts.QUOTES[cid]) and c.reading == counts.READINGS[cid]
    assert fn(round(ref * 1.09), seeds).verdict == "holds"
    assert fn(round(ref * 0.8), seeds).verdict == "partly"
    assert fn(round(ref * 1.3), seeds).verdict == "does not hold"
    assert fn(0, seeds).verdict == "does not hold"


@pytest.mark.parametrize("cid", sorted(FUNCTIONS))
def test_each_count_row_is_one_statement_in_the_papers_words(cid):
    _, _, ref, seeds = counts.PAPER_COUNTS[cid]
    for ours, n in ((ref, seeds), (round(ref * 1.3), seeds), (3, seeds // 10)):
        c = FUNCTIONS[cid](ours, n).claim
        (st,) = c.statements
        assert (st["id"], st["verdict"], st["measured"]) == (cid, c.verdict, c.measured)
        assert st["says"] in " ".join(counts.QUOTES[cid].text.split())
        assert f"{ref:,}" in st["says"] or str(ref) in st["says"]


def test_not_tested_with_fewer_seeds_the_scaled_reading_kept_as_earlier():
    """Issue 10: a count is tested only at the paper's number of seeds (a unique fraction does
    not scale with the seeds); the earlier reading, the count scaled, is kept beside it."""
    t = counts.count_ws_h3_unique(36, n_seeds=50)  # the paper's 353 of 500 scaled: 35.3
    assert t.verdict == "not tested at this scale" and t.values["expected"] == pytest.approx(35.3)
    assert t.claim.measured == "36 of 50 seeds; only the paper's 500 seeds can test this count"
    assert t.claim.sensitivity == ()
    (earlier,) = t.claim.earlier
    assert earlier["verdict"] == "holds" and "scaled" in earlier["test"]
    assert counts.count_ws_h3_unique(28, n_seeds=50).claim.earlier[0]["verdict"] == "partly"
    low = counts.count_ws_h3_unique(20, n_seeds=50)
    assert low.verdict == "not tested at this scale"
    assert low.claim.earlier[0]["verdict"] == "does not hold"
    assert t.values["rel_gap"] == pytest.approx(36 / 35.3 - 1)


def test_bad_input():
    with pytest.raises(ValueError, match="cid must be one of"):
        counts.count_claim("count-ws-h3-lost", 3, 500)
    with pytest.raises(ValueError, match="ours must be a non-negative integer"):
        counts.count_ws_h3_unique(-1, 500)
    with pytest.raises(ValueError, match="ours must be a non-negative integer"):
        counts.count_ws_h3_unique(3.5, 500)
    with pytest.raises(ValueError, match="n_seeds must be a positive integer"):
        counts.count_hsr_flat(3, 0)


def test_count_sensitivity():
    t = counts.count_ws_h3_high(40, 500)  # 11% above the paper's 36: partly at 10%
    (st,) = t.claim.statements
    assert t.claim.sensitivity == ()  # the statement carries it
    s = st["sensitivity"]
    chosen = [d for d in s if d["chosen"]]
    assert len(chosen) == 2 and all(d["verdict"] == t.verdict == "partly" for d in chosen)
    hold = {d["value"]: d["verdict"] for d in s if d["knob"].startswith("holds_within")}
    assert hold == {0.05: "partly", 0.1: "partly", 0.15: "holds", 0.2: "holds"}
    assert all(d["statistic"] == pytest.approx(4 / 36) for d in s)
