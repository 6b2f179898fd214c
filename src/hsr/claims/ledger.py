"""The claims ledger: one row per claim of the papers, its verdict rules, and what the ledger
must hold.

A row (:class:`Claim`) says what the paper claims, what it reports, what this run measured,
the quantitative test (stated before the run) and the verdict. The verdict rules below turn a
fraction, a p-value or a count into one of :data:`VERDICTS`; :func:`merge_claims` makes one
row of a compound claim. :func:`expected_claims` reads what the ledger must hold from the
spec (``book/spec/FIGURES.md`` and ``book/spec/*.yml``), :func:`check_ledger` lists what is
wrong with a ledger. Writing rows to disk and gluing numbers is book tooling
(:mod:`hsr.book.report`).

>>> verdict_from_fraction(0.99), verdict_from_fraction(0.7), verdict_from_fraction(0.2)
('holds', 'partly', 'does not hold')
>>> verdict_from_pvalue(0.001, direction_ok=True), verdict_from_pvalue(0.001, direction_ok=False)
('holds', 'does not hold')
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "VERDICTS",
    "UNTESTED",
    "AGREEMENT",
    "Claim",
    "Outcome",
    "Quote",
    "Statement",
    "UNCHECKABLE",
    "STATEMENT_VERDICTS",
    "weaker",
    "fmt",
    "verdict_from_fraction",
    "verdict_from_pvalue",
    "verdict_from_count",
    "combine_verdicts",
    "merge_claims",
    "statement_row",
    "ROW_RULE",
    "PAPERS",
    "ExpectedClaim",
    "paper_claims",
    "extra_claims",
    "expected_claims",
    "check_ledger",
]

VERDICTS = ("holds", "partly", "does not hold", "not tested at this scale")

#: the verdict of a claim only the paper's scale can test (a reported count, a significance at
#: the paper's sample size) in a smaller run: counted apart in the ledger's summary
UNTESTED = "not tested at this scale"

#: the verdict of a statement of a quoted passage that no run can check (a judgement, no data):
#: listed with the reason, never silently left out, and never counted as held or failed
UNCHECKABLE = "not checkable"

#: what a statement's verdict may be
STATEMENT_VERDICTS = VERDICTS + (UNCHECKABLE,)

#: the papers the ledger covers: the WS bound, HSR regularization, and Kiselev et al.'s
#: loss-landscape convergence ("Unraveling the Hessian")
PAPERS = ("WS", "HSR", "Landscape")

#: how a figure page says what its verdict means, e.g. "In this run the claim {agreement}."
AGREEMENT = {
    "holds": "agrees with the paper",
    "partly": "agrees with the paper only in part",
    "does not hold": "does not agree with the paper",
    UNTESTED: "was not tested: only the paper's scale can test it",
}


@dataclass(frozen=True)
class Claim:
    """One row of the ledger. ``id``: stable key (e.g. ``ws-fig02-tight``); ``paper``: "WS" or
    "HSR"; ``figure``: e.g. "Fig. 2"; ``claim``: the paper's statement; ``paper_reports``:
    what the paper reports (text); ``measured``: what this run measured (text); ``test``:
    the quantitative test and its threshold; ``verdict``: one of ``VERDICTS``, for a row with
    statements :func:`combine_verdicts` of its checkable statements' verdicts (checked);
    ``statements``: the statements the quoted passage makes, each with its own verdict
    (:class:`Statement`, stored as dicts), in the order the passage makes them; empty for a row
    that makes one statement only (the row is then its own statement).

    Optional, for a row that shows how it reads the paper: ``paper_says``: the sentence(s) of
    the paper the claim rests on, quoted verbatim, with paper and section; ``reading``: how
    the test turns those words into a measurable statement, and why; ``sensitivity``: for
    every threshold or free choice of the test, dicts ``{"knob", "value", "statistic",
    "verdict", "chosen"}`` over a range of the knob; ``earlier``: the earlier reading and its
    result (dicts ``{"test", "measured", "verdict"}``) where a published test was changed,
    shown beside the new one and not combined into the verdict."""

    id: str
    paper: str
    figure: str
    claim: str
    paper_reports: str
    measured: str
    test: str
    verdict: str
    statements: tuple = ()
    paper_says: str = ""
    reading: str = ""
    sensitivity: tuple = ()
    earlier: tuple = ()

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {list(VERDICTS)}, got {self.verdict!r}")
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {list(PAPERS)}, got {self.paper!r}")
        for name in ("id", "figure", "claim", "measured", "test"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise ValueError(f"{name} must be a non-empty string")
        if self.statements:
            sts = [Statement(**st) if isinstance(st, dict) else st for st in self.statements]
            if any(not isinstance(st, Statement) for st in sts):
                raise ValueError("statements must be Statement objects or their dicts")
            ids = [st.id for st in sts]
            if len(set(ids)) != len(ids):
                raise ValueError(f"statements must have distinct ids, got {ids}")
            checked = [st.verdict for st in sts if st.verdict != UNCHECKABLE]
            combined = combine_verdicts(checked) if checked else UNTESTED
            if self.verdict != combined:
                raise ValueError(
                    f"verdict {self.verdict!r} of {self.id} must combine its statements' "
                    f"verdicts {checked} (combine_verdicts gives {combined!r})"
                )
            object.__setattr__(self, "statements", tuple(st.as_dict() for st in sts))


@dataclass(frozen=True)
class Statement:
    """One statement of a row's quoted passage, with its own verdict.

    ``id``: a short key, unique within the row (``"asam-saddle"``); ``says``: the statement, in
    the paper's words (a verbatim fragment of the row's quote where it has one); ``verdict``:
    one of :data:`STATEMENT_VERDICTS`; ``measured``: this run's numbers, one line; ``test``: the
    rule that decides it (how it reads the words, its thresholds); ``paper_reports``: what the
    paper reports for it, if anything; ``why``: for a statement no run can check
    (:data:`UNCHECKABLE`), why; ``sensitivity``: like :attr:`Claim.sensitivity`, for this
    statement's thresholds.

    >>> st = Statement("tight", "the bound is tight", "holds", measured="1.1", test="<= 1.5")
    >>> st.verdict
    'holds'
    """

    id: str
    says: str
    verdict: str
    measured: str = ""
    test: str = ""
    paper_reports: str = ""
    why: str = ""
    sensitivity: tuple = ()

    def __post_init__(self):
        if self.verdict not in STATEMENT_VERDICTS:
            raise ValueError(
                f"verdict must be one of {list(STATEMENT_VERDICTS)}, got {self.verdict!r}"
            )
        for name in ("id", "says"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                raise ValueError(f"{name} must be a non-empty string")
        if self.verdict == UNCHECKABLE:
            if not self.why.strip():
                raise ValueError(f"statement {self.id}: a statement not checkable needs why")
        elif not (self.test.strip() and self.measured.strip()):
            raise ValueError(f"statement {self.id}: a checked statement needs test and measured")
        object.__setattr__(self, "sensitivity", tuple(dict(r) for r in self.sensitivity))

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "says": self.says,
            "verdict": self.verdict,
            "measured": self.measured,
            "test": self.test,
            "paper_reports": self.paper_reports,
            "why": self.why,
            "sensitivity": list(self.sensitivity),
        }


@dataclass(frozen=True)
class Quote:
    """The words of a paper a claim rests on: ``paper`` (one of :data:`PAPERS`), ``where``
    (the section, e.g. "Section V-B"), ``text`` (verbatim from the paper's text; whitespace may
    differ). ``str(quote)`` is what a row's ``paper_says`` holds. The suite checks that every
    quote of the claims modules occurs in the paper's text.

    >>> str(Quote("WS", "Section I", "the bound holds"))
    'WS, Section I: "the bound holds"'
    """

    paper: str
    where: str
    text: str

    def __post_init__(self):
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {list(PAPERS)}, got {self.paper!r}")
        if not self.text.strip():
            raise ValueError("text must be a non-empty quote")

    def __str__(self) -> str:
        return f'{self.paper}, {self.where}: "{" ".join(self.text.split())}"'


@dataclass(frozen=True)
class Outcome:
    """A claim's ledger row and the numbers behind it (``values``, by name)."""

    claim: Claim
    values: dict = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return self.claim.verdict


def weaker(*verdicts: str) -> str:
    """The weaker of several verdicts (``does not hold`` < ``partly`` < ``holds``).

    >>> weaker("holds", "partly"), weaker("holds", "not tested at this scale")
    ('partly', 'holds')
    """
    tested = [v for v in verdicts if v != UNTESTED]
    return max(tested, key=VERDICTS.index) if tested else UNTESTED


def fmt(value, digits: int = 3) -> str:
    """A number as text with ``digits`` significant digits (ints as ints)."""
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    v = float(value)
    if v == 0 or not math.isfinite(v):
        return str(v)
    return f"{v:.{digits}g}"


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


def combine_verdicts(verdicts) -> str:
    """The verdict of a compound claim from those of its parts: ``holds`` if every part
    holds, ``does not hold`` if no part holds even partly, else ``partly``.

    >>> combine_verdicts(["holds", "holds"]), combine_verdicts(["holds", "does not hold"])
    ('holds', 'partly')
    >>> combine_verdicts(["does not hold", "does not hold"])
    'does not hold'

    Parts not tested at this scale do not count; a row none of whose parts was tested is not
    tested either.
    """
    vs = list(verdicts)
    if not vs:
        raise ValueError("verdicts must hold at least one verdict")
    bad = [v for v in vs if v not in VERDICTS]
    if bad:
        raise ValueError(f"verdicts must be from {list(VERDICTS)}, got {bad}")
    vs = [v for v in vs if v != UNTESTED]
    if not vs:
        return UNTESTED
    if all(v == "holds" for v in vs):
        return "holds"
    if all(v == "does not hold" for v in vs):
        return "does not hold"
    return "partly"


def merge_claims(parts: list[Claim], id: str, claim: str) -> Claim:
    """One ledger row for a compound claim of FIGURES.md from the rows of its parts (same
    paper and figure): the measurements and tests are joined part by part, the verdict is
    :func:`combine_verdicts` of theirs, and each part becomes a :class:`Statement` (its id the
    part's id, ``says`` its claim) in ``statements``."""
    parts = list(parts)
    if not parts:
        raise ValueError("parts must hold at least one Claim")
    if len({(c.paper, c.figure) for c in parts}) != 1:
        raise ValueError("parts must all be of one paper and figure")
    return Claim(
        id=id,
        paper=parts[0].paper,
        figure=parts[0].figure,
        claim=claim,
        paper_reports="; ".join(f"({c.claim}) {c.paper_reports}" for c in parts),
        measured="; ".join(f"({c.claim}) {c.measured} [{c.verdict}]" for c in parts),
        test="; ".join(f"({c.claim}) {c.test}" for c in parts)
        + "; the row: holds if every part holds, does not hold if none holds even partly, "
        "else partly",
        verdict=combine_verdicts(c.verdict for c in parts),
        statements=tuple(
            Statement(
                id=c.id,
                says=c.claim,
                verdict=c.verdict,
                measured=c.measured,
                test=c.test,
                paper_reports=c.paper_reports,
                sensitivity=c.sensitivity,
            )
            for c in parts
        ),
    )


#: how a row's verdict follows from its statements' (:func:`combine_verdicts`)
ROW_RULE = (
    "the row: holds if every checkable statement holds, does not hold if none holds even "
    "partly, else partly"
)


def statement_row(
    rid: str,
    paper: str,
    figure: str,
    claim: str,
    paper_reports: str,
    statements,
    paper_says: str = "",
    reading: str = "",
    earlier=(),
) -> Claim:
    """The ledger row ``rid`` made of the ``statements`` of its quoted passage
    (:class:`Statement`, each with its own verdict, test and sensitivity): its verdict is
    :func:`combine_verdicts` of the checkable ones (:data:`ROW_RULE`; none checkable: not
    tested), its ``measured`` and ``test`` those of the statements, each labelled by its id
    (the row id's prefix dropped); ``earlier``: the readings published before where a test
    was changed (dicts ``{"test", "measured", "verdict"}``). The row's own sensitivity is
    empty: every threshold belongs to a statement.

    >>> st = Statement("r-a", "a", "holds", measured="1", test="> 0")
    >>> bad = Statement("r-b", "b", "does not hold", measured="-1", test="> 0")
    >>> c = statement_row("r", "HSR", "Fig. 2", "a; b", "", [st, bad])
    >>> c.verdict, c.measured
    ('partly', '(a) 1 [holds]; (b) -1 [does not hold]')
    """
    sts = tuple(statements)
    if not sts or not all(isinstance(st, Statement) for st in sts):
        raise ValueError("statements must be a non-empty sequence of Statement")
    checked = [st for st in sts if st.verdict != UNCHECKABLE]
    verdict = combine_verdicts([st.verdict for st in checked]) if checked else UNTESTED

    def label(sid):
        return sid.removeprefix(rid + "-") or sid

    if len(sts) == 1 and checked:
        measured, test = sts[0].measured, sts[0].test
    else:
        measured = "; ".join(
            f"({label(st.id)}) "
            + (f"{st.measured} [{st.verdict}]" if st.verdict != UNCHECKABLE else "not checkable")
            for st in sts
        )
        test = "; ".join(f"({label(st.id)}) {st.test}" for st in checked) or (
            "no statement of the passage can be checked by a run"
        )
        if len(checked) > 1:
            test += "; " + ROW_RULE
    return Claim(
        id=rid,
        paper=paper,
        figure=figure,
        claim=claim,
        paper_reports=paper_reports,
        measured=measured,
        test=test,
        verdict=verdict,
        statements=sts,
        paper_says=paper_says,
        reading=reading,
        earlier=tuple(earlier),
    )


# ----- what the ledger must hold: the claims of FIGURES.md ---------------------------------------
@dataclass(frozen=True)
class ExpectedClaim:
    """A claim the ledger must have exactly one row for. ``id``: the row id (``ws-fig02``,
    ``count-ws-h3-converged``, ...); ``figure``: "Fig. 2", or "" for a count; ``claim``: the
    text of FIGURES.md; ``count``: for a reported count, the number the paper reports."""

    id: str
    paper: str
    figure: str
    claim: str
    count: int | None = None


_COUNT_PATTERNS = (
    ("converged", r"([\d,]+) converged"),
    ("unique", r"([\d,]+) unique"),
    ("low", r"Low group \([^)]*\) ([\d,]+)"),
    ("high", r"High group \([^)]*\) ([\d,]+)"),
    ("sharp", r'"Sharp"[^(]*\(([\d,]+) points\)'),
    ("flat", r'"Flat"[^(]*\(([\d,]+) points\)'),
)


def paper_claims(text: str) -> list[ExpectedClaim]:
    """Every claim the ledger must hold, read from the text of FIGURES.md: one per non-empty
    cell of the "claim it carries" column of the two figure tables, and one per count under
    "Counts the papers report" (converged, unique and group sizes; the seed counts are the
    denominators of the converged rows, not claims of their own).

    >>> spec = '''Counts the papers report:
    ... - WS, d_h = 3: 500 seeds, 460 converged, 353 unique.
    ...
    ... ## WS paper figures
    ... | fig | what it shows | claim it carries |
    ... |---|---|---|
    ... | 1 | the network | |
    ... | 2 | scatter | the bound holds |
    ... '''
    >>> [(c.id, c.count) for c in paper_claims(spec)]
    [('ws-fig02', None), ('count-ws-h3-converged', 460), ('count-ws-h3-unique', 353)]
    """
    out: list[ExpectedClaim] = []
    paper = None
    for line in text.splitlines():
        head = re.match(r"##\s+(WS|HSR) paper figures", line)
        if head:
            paper = head.group(1)
            continue
        if line.startswith("#"):
            paper = None
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if paper else []
        if len(cells) >= 3 and cells[0].isdigit() and cells[-1]:
            fig = int(cells[0])
            out.append(
                ExpectedClaim(f"{paper.lower()}-fig{fig:02d}", paper, f"Fig. {fig}", cells[-1])
            )
    # the bullets under "Counts the papers report", continuation lines joined
    block = re.search(r"Counts the papers report[^:]*:\n((?:[ -].*\n?)+)", text)
    bullets = re.split(r"\n- ", "\n" + block.group(1)) if block else []
    for bullet in bullets:
        b = " ".join(bullet.split())
        m = re.match(r"(WS|HSR)(?:, d_h = (\d+))?: (.*)", b)
        if not m:
            continue
        paper, width, body = m.groups()
        scope = f"-h{width}" if width else ""
        for what, pattern in _COUNT_PATTERNS:
            hit = re.search(pattern, body)
            if hit:
                n = int(hit.group(1).replace(",", ""))
                where = f", d_h = {width}" if width else ""
                out.append(
                    ExpectedClaim(
                        f"count-{paper.lower()}{scope}-{what}",
                        paper,
                        "",
                        f"{paper}{where}: {what} {n:,}",
                        n,
                    )
                )
    return out


def extra_claims(text: str) -> list[ExpectedClaim]:
    """The claims a spec file ``book/spec/<part>.yml`` adds to the ledger beyond FIGURES.md
    (the statements of the WS paper's norm bounds, the landscape-convergence paper): a YAML
    list of mappings with keys ``id``, ``paper`` (one of :data:`PAPERS`), ``figure`` (e.g.
    "Fig. 2" or "Thm. 7") and ``claim``.

    >>> [c.id for c in extra_claims("- {id: x-1, paper: WS, figure: Thm. 7, claim: it holds}")]
    ['x-1']
    """
    import yaml

    data = yaml.safe_load(text) or []
    if not isinstance(data, list):
        raise ValueError("a claims spec must be a YAML list of {id, paper, figure, claim}")
    out = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or set(item) != {"id", "paper", "figure", "claim"}:
            raise ValueError(
                f"claims spec entry {i} must have exactly the keys id, paper, figure, claim"
            )
        if item["paper"] not in PAPERS:
            raise ValueError(f"claims spec entry {i}: paper must be one of {list(PAPERS)}")
        out.append(
            ExpectedClaim(str(item["id"]), item["paper"], str(item["figure"]), str(item["claim"]))
        )
    return out


def expected_claims(spec_dir) -> list[ExpectedClaim]:
    """Every claim the ledger must hold: :func:`paper_claims` of ``<spec_dir>/FIGURES.md``
    and :func:`extra_claims` of every ``<spec_dir>/*.yml`` (in name order)."""
    spec_dir = Path(spec_dir)
    out = paper_claims((spec_dir / "FIGURES.md").read_text(encoding="utf-8"))
    for path in sorted(spec_dir.glob("*.yml")):
        out += extra_claims(path.read_text(encoding="utf-8"))
    return out


def _first_int(text: str) -> int | None:
    hit = re.search(r"\d[\d,]*", text)
    return int(hit.group(0).replace(",", "")) if hit else None


def check_ledger(rows: list[dict], expected: list[ExpectedClaim]) -> list[str]:
    """What is wrong with a ledger (the rows of ``claims.json``) against the claims it must
    hold: a claim without a row, a claim with several, a row without a valid verdict, a row on
    the wrong paper or figure, a count row whose ``paper_reports`` does not start with the
    paper's number, a row for no claim. An empty list: exactly one row per claim. Which
    verdict a row has is not checked."""
    problems = []
    by_id: dict[str, list[dict]] = {}
    for r in rows:
        by_id.setdefault(r.get("id"), []).append(r)
    for e in expected:
        got = by_id.get(e.id, [])
        if not got:
            problems.append(f"{e.id}: no row for {e.paper} {e.figure or 'count'}: {e.claim!r}")
            continue
        if len(got) > 1:
            problems.append(f"{e.id}: {len(got)} rows, expected exactly one")
        r = got[0]
        if r.get("verdict") not in VERDICTS:
            problems.append(f"{e.id}: verdict {r.get('verdict')!r} is not one of {VERDICTS}")
        if r.get("paper") != e.paper or (e.figure and r.get("figure") != e.figure):
            problems.append(
                f"{e.id}: row is {r.get('paper')} {r.get('figure')}, expected "
                f"{e.paper} {e.figure or '(a count)'}"
            )
        if e.count is not None and _first_int(str(r.get("paper_reports", ""))) != e.count:
            problems.append(
                f"{e.id}: paper_reports {r.get('paper_reports')!r} does not start with the "
                f"paper's count {e.count}"
            )
    known = {e.id for e in expected}
    for rid in by_id:
        if rid not in known:
            problems.append(f"{rid}: a row for no claim of the spec (FIGURES.md, *.yml)")
    return problems
