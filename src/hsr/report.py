"""Numbers for the book and the claims ledger: gluing, and one row per claim.

Every notebook glues the numbers its text cites (plain floats or formatted strings, never
numpy scalars) and records each claim it tests as a row: claim, figure, what the paper
reports, what we measured, the test, the verdict. The verdict comes from a quantitative test
stated before the run (the helpers below); rows are written as JSON to :func:`claims_dir`
(``$HSR_CLAIMS_DIR``, set by the runner to ``book/generated/claims``) and gathered by the
build into the ledger.

>>> verdict_from_fraction(0.99), verdict_from_fraction(0.7), verdict_from_fraction(0.2)
('holds', 'partly', 'does not hold')
>>> verdict_from_pvalue(0.001, direction_ok=True), verdict_from_pvalue(0.001, direction_ok=False)
('holds', 'does not hold')
"""

from __future__ import annotations

import json
import math
import numbers
import os
from dataclasses import asdict, dataclass
from pathlib import Path

__all__ = [
    "VERDICTS",
    "AGREEMENT",
    "Claim",
    "claims_dir",
    "record_claims",
    "gather_claims",
    "glue",
    "fmt",
    "verdict_from_fraction",
    "verdict_from_pvalue",
    "verdict_from_count",
]

VERDICTS = ("holds", "partly", "does not hold")

#: how a figure page says what its verdict means, e.g. "In this run the claim {agreement}."
AGREEMENT = {
    "holds": "agrees with the paper",
    "partly": "agrees with the paper only in part",
    "does not hold": "does not agree with the paper",
}


@dataclass(frozen=True)
class Claim:
    """One row of the ledger. ``id``: stable key (e.g. ``ws-fig02-tight``); ``paper``: "WS" or
    "HSR"; ``figure``: e.g. "Fig. 2"; ``claim``: the paper's statement; ``paper_reports``:
    what the paper reports (text); ``measured``: what this run measured (text); ``test``:
    the quantitative test and its threshold; ``verdict``: one of ``VERDICTS``."""

    id: str
    paper: str
    figure: str
    claim: str
    paper_reports: str
    measured: str
    test: str
    verdict: str

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {list(VERDICTS)}, got {self.verdict!r}")
        if self.paper not in ("WS", "HSR"):
            raise ValueError(f"paper must be 'WS' or 'HSR', got {self.paper!r}")
        for name in ("id", "figure", "claim", "measured", "test"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise ValueError(f"{name} must be a non-empty string")


def claims_dir() -> Path:
    """``$HSR_CLAIMS_DIR``, else ``./claims``."""
    return Path(os.environ.get("HSR_CLAIMS_DIR", "claims"))


def record_claims(notebook: str, claims: list[Claim], outdir=None) -> Path:
    """Write the rows of one notebook to ``<claims_dir>/<notebook>.json`` (replacing it)."""
    d = Path(outdir) if outdir is not None else claims_dir()
    d.mkdir(parents=True, exist_ok=True)
    rows = [asdict(c) | {"notebook": notebook} for c in claims]
    path = d / f"{notebook}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(rows, indent=1))
    os.replace(tmp, path)
    return path


def gather_claims(directory) -> list[dict]:
    """All rows written under ``directory``, sorted by paper, figure number and id."""
    rows = []
    for p in sorted(Path(directory).glob("*.json")):
        rows += json.loads(p.read_text())

    def key(r):
        digits = "".join(ch for ch in r["figure"] if ch.isdigit())
        return (r["paper"] != "WS", int(digits) if digits else 0, r["id"])

    return sorted(rows, key=key)


def fmt(value, digits: int = 3) -> str:
    """A number as text with ``digits`` significant digits (ints as ints)."""
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    v = float(value)
    if v == 0 or not math.isfinite(v):
        return str(v)
    return f"{v:.{digits}g}"


def glue(name: str, value, digits: int | None = None):
    """Glue a number (as a plain float/int, or as text with ``digits`` significant digits)
    or a string for the book, without displaying it."""
    from myst_nb import glue as _glue

    if isinstance(value, str):
        out = value
    elif isinstance(value, numbers.Integral):
        out = int(value)
    elif digits is not None:
        out = fmt(value, digits)
    else:
        out = float(value)
    _glue(name, out, display=False)
    return out


def verdict_from_fraction(frac: float, holds_at: float = 0.95, partly_at: float = 0.5) -> str:
    """``holds`` when frac >= holds_at, ``partly`` when >= partly_at, else ``does not hold``."""
    return "holds" if frac >= holds_at else "partly" if frac >= partly_at else "does not hold"


def verdict_from_pvalue(
    p: float, alpha: float = 0.01, direction_ok: bool = True, partly_alpha: float = 0.05
) -> str:
    """A directional claim tested at level ``alpha`` (the papers use 1%): ``holds`` when
    p < alpha in the claimed direction, ``partly`` when p < partly_alpha in it."""
    if not direction_ok:
        return "does not hold"
    return "holds" if p < alpha else "partly" if p < partly_alpha else "does not hold"


def verdict_from_count(
    ours: float, paper: float, holds_within: float = 0.1, partly_within: float = 0.25
) -> str:
    """A reported count: ``holds`` within 10% of the paper's, ``partly`` within 25%."""
    rel = abs(ours - paper) / abs(paper)
    return (
        "holds" if rel <= holds_within else "partly" if rel <= partly_within else ("does not hold")
    )
