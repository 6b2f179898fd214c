"""Every quote a claim rests on occurs, verbatim up to whitespace, in the paper's text.

The claims modules expose their quotes as ``QUOTES`` (ledger id -> :class:`hsr.claims.Quote`);
the paper texts are the project's ``shared/papers/`` beside the repository (the test is
skipped with a reason where they are not, as in a detached clone)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import hsr.claims
from hsr.claims import Quote

PAPERS_DIR = Path(__file__).resolve().parents[3] / "shared" / "papers"
FILES = {
    "WS": "ws-upper-bound.txt",
    "HSR": "hsr-regularization.txt",
    "Landscape": "landscape-convergence.txt",
}


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[\u2010-\u2015]", "-", text).split())


def all_quotes() -> dict[str, Quote]:
    out = hsr.claims.quotes()  # every claims module's QUOTES, each row once
    for rid, q in out.items():
        assert isinstance(q, Quote), rid
    return out


QUOTES = all_quotes()


def found(q: Quote) -> bool:
    """Whether ``q.text`` occurs in its paper's text (whitespace and dashes normalised)."""
    return _norm(q.text) in _norm((PAPERS_DIR / FILES[q.paper]).read_text(encoding="utf-8"))


needs_papers = pytest.mark.skipif(
    not PAPERS_DIR.is_dir(), reason="the project's shared/papers/ is not beside the repository"
)


@needs_papers
@pytest.mark.parametrize("rid", sorted(QUOTES))
def test_quote_occurs_in_the_paper(rid):
    assert found(QUOTES[rid]), f"{rid}: not found in {FILES[QUOTES[rid].paper]}"


@needs_papers
def test_the_check_can_fail():
    text = (PAPERS_DIR / FILES["WS"]).read_text(encoding="utf-8")
    words = " ".join(text.split()[100:112])  # twelve words of the paper, re-wrapped
    assert found(Quote("WS", "anywhere", words.replace(" ", "\n  ", 3)))
    assert not found(Quote("WS", "anywhere", words + " and this sentence is not in it"))
