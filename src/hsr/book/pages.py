"""Book pages written from the runs' data files (never by hand): the claims ledger and the
provenance page, the Markdown pieces every generated page shares (verdict badges, one-line
results, the detail behind a verdict), plus the vendored MathJax the site needs offline.

:func:`hsr.book.build.prepare_book` calls these before Jupyter Book runs; the figure pages'
heads (:mod:`hsr.book.heads`) and the landing page's summary (:mod:`hsr.book.summary`) use the
same pieces, so a verdict looks the same everywhere.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

from ..claims.ledger import UNCHECKABLE, UNTESTED, VERDICTS, fmt
from .seed_sets import seed_set_times

__all__ = [
    "write_ledger",
    "write_provenance",
    "ensure_mathjax",
    "MATHJAX_VERSION",
    "md",
    "badge",
    "short",
    "this_run",
    "detail_lines",
    "sensitivity_lines",
    "claim_table",
    "counts_line",
    "label",
]

MATHJAX_VERSION = "3.2.2"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


# ----- Markdown pieces every generated page shares ------------------------------------------------
#: the sphinx-design badge colour of each verdict (``{bdg-<colour>}`verdict```)
BADGE_COLOURS = {
    "holds": "success",
    "partly": "warning",
    "does not hold": "danger",
    UNTESTED: "muted-line",
    UNCHECKABLE: "light",
}
#: the admonition class (its colour in the theme) of a figure page's "We find" block
FINDING_CLASSES = {
    "holds": "tip",
    "partly": "warning",
    "does not hold": "danger",
    UNTESTED: "note",
}
#: the badge that marks a verdict differing between the seed sets
SEED_DEPENDENT = "{bdg-info}`seed-dependent`"
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|${}#])")


def md(text) -> str:
    """``text`` (a string of the ledger's data) as literal Markdown on one line: every character
    Markdown or MyST would read as markup escaped, so the page shows it as written."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def badge(verdict: str) -> str:
    """A verdict as a coloured sphinx-design badge (:data:`BADGE_COLOURS`)."""
    if verdict not in BADGE_COLOURS:
        raise ValueError(f"verdict must be one of {list(BADGE_COLOURS)}, got {verdict!r}")
    return f"{{bdg-{BADGE_COLOURS[verdict]}}}`{verdict}`"


def short(text, limit: int = 110) -> str:
    """``text`` in one line of at most ``limit`` characters: its clauses (split at "; ") while
    they fit, else its first words; "..." marks what is left out (the full text is one click
    away, in the ledger's detail)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    out = ""
    for clause in text.split("; "):
        cand = f"{out}; {clause}" if out else clause
        if len(cand) > limit - 4:
            break
        out = cand
    if not out:
        out = text[: limit - 4].rsplit(" ", 1)[0].rstrip(",;:")
    return out + " ..."


def seed_sets_line(verdicts: dict, dependent: bool) -> str:
    """The verdict on each seed set (``{set: verdict}``), and the seed-dependent mark; empty
    when there is one set only or the statement is not checkable on any (nothing to compare:
    no clutter)."""
    if not verdicts or len(verdicts) < 2:
        return ""
    if all(v == UNCHECKABLE for v in verdicts.values()):
        return ""  # a statement no run can check: nothing to compare
    sets = " · ".join(f"set {k} {badge(v)}" for k, v in verdicts.items())
    return sets + (f" {SEED_DEPENDENT}" if dependent else "")


def row_seed_verdicts(row: dict) -> dict:
    """``{set: verdict}`` of a row (its ``seed_sets``: :func:`hsr.book.report.attach_seed_sets`)."""
    return {k: s["verdict"] for k, s in (row.get("seed_sets") or {}).items()}


def statements(row: dict) -> list[dict]:
    """The statements of a row; a row without any is its own single statement."""
    sts = list(row.get("statements") or ())
    if sts:
        return sts
    return [
        {
            "id": row["id"],
            "says": row["claim"],
            "verdict": row["verdict"],
            "measured": row.get("measured", ""),
            "test": row.get("test", ""),
            "paper_reports": row.get("paper_reports", ""),
            "why": "",
            "sensitivity": [],
            "seed_verdicts": row_seed_verdicts(row),
            "seed_dependent": bool(row.get("seed_dependent")),
        }
    ]


def this_run(row: dict, limit: int = 110) -> str:
    """A row's result in one line: the statements' verdicts when it has several, else
    :func:`short` of what this run measured."""
    sts = row.get("statements") or ()
    if len(sts) > 1:
        return " · ".join(
            f"{md(short(st['says'], 40))} {badge(st['verdict'])}"
            + (f" {SEED_DEPENDENT}" if st.get("seed_dependent") else "")
            for st in sts
        )
    return md(short(row.get("measured", ""), limit))


def verdict_cell(row: dict) -> str:
    """The verdict badge of a row, with the seed-dependent mark when its verdict differs
    between the seed sets."""
    return badge(row["verdict"]) + (f" {SEED_DEPENDENT}" if row.get("seed_dependent") else "")


def where(row: dict) -> str:
    """ "WS Fig. 2", "HSR Sec. VI-A": the paper and the figure (or section) of a row."""
    return f"{row['paper']} {row['figure']}".strip()


def counts_line(verdicts, noun: str = "claims") -> str:
    """``"43 claims: {holds} 16 · {partly} 7 · ..."``: how many of each verdict, as badges."""
    counts = Counter(verdicts)
    parts = [f"{badge(v)} {counts[v]}" for v in (*VERDICTS, UNCHECKABLE) if counts.get(v)]
    return f"{sum(counts.values())} {noun}: " + " · ".join(parts)


def label(row: dict) -> str:
    """The reference name of a row's detail in the ledger (``claim-<id>``)."""
    return "claim-" + re.sub(r"[^a-z0-9-]+", "-", row["id"].lower())


def _value(e: dict) -> str:
    v = _num(e.get("value", ""))
    return f"**{v}** (the test's value)" if e.get("chosen") else v


def sensitivity_lines(series, title: str = "") -> list[str]:
    """How a verdict moves with each threshold of its test: per knob, a table of the values
    tried (the test's value marked), the statistic and the verdict."""
    series = list(series or ())
    if not series:
        return []
    out = []
    knobs: dict[str, list[dict]] = {}
    for e in series:
        knobs.setdefault(str(e.get("knob", "")), []).append(e)
    for knob, entries in knobs.items():
        out += [
            f"{title}*{md(knob)}*" if title else f"*{md(knob)}*",
            "",
            "| value | statistic | verdict |",
            "|---|---|---|",
        ]
        for e in entries:
            v = e.get("verdict", "")
            shown = badge(v) if v in BADGE_COLOURS else md(v)
            out.append(f"| {_value(e)} | {md(_num(e.get('statistic', '')))} | {shown} |")
        out.append("")
    return out


def earlier_lines(row: dict) -> list[str]:
    """A row's earlier readings (published before, not part of the verdict)."""
    out = []
    for e in row.get("earlier") or ():
        v = e.get("verdict", "")
        out += [
            f"**Earlier reading** (published before, not part of the verdict): "
            f"{md(e.get('test', ''))} Measured: {md(e.get('measured', ''))}. Verdict then: "
            + (badge(v) if v in BADGE_COLOURS else md(v)),
            "",
        ]
    return out


def _sentence(text) -> str:
    """``text`` as Markdown ending with a full stop."""
    text = md(text)
    return text if text.endswith((".", "!", "?")) else text + "."


def statement_lines(row: dict) -> list[str]:
    """A row's statements, one bullet each: badge, the words, this run, the test (or why no
    run can check it), the verdict on each seed set."""
    sts = row.get("statements") or ()
    if not sts:
        return []
    out = ["**Statement by statement.**", ""]
    for st in sts:
        if st.get("verdict") == UNCHECKABLE:
            parts = [f"not checkable: {_sentence(st.get('why', ''))}"]
        else:
            parts = [_sentence(st["measured"])] if st.get("measured") else []
            if st.get("test"):
                parts.append(f"Test: {_sentence(st['test'])}")
            if st.get("paper_reports"):
                parts.append(f"The paper reports: {_sentence(st['paper_reports'])}")
        seeds = seed_sets_line(st.get("seed_verdicts") or {}, bool(st.get("seed_dependent")))
        if seeds:
            parts.append(f"Seed sets: {seeds}")
        out.append(f"- {badge(st['verdict'])} *{md(st['says'])}*: " + " ".join(parts))
    return out + [""]


def detail_lines(row: dict) -> list[str]:
    """Everything behind a row's verdict, as Markdown: the quote, the reading, the test, what
    the paper reports and this run measured, the statements, the verdict on each seed set,
    the sensitivity tables (the row's and each statement's) and the earlier readings."""
    out = []
    if row.get("paper_says"):
        out += [f"**The paper says.** {md(row['paper_says'])}", ""]
    if row.get("reading"):
        out += [f"**Our reading.** {md(row['reading'])}", ""]
    out += [f"**The test.** {md(row.get('test', ''))}", ""]
    if row.get("paper_reports"):
        out += [f"**The paper reports.** {md(row['paper_reports'])}", ""]
    out += [f"**This run.** {md(row.get('measured', ''))}", ""]
    out += statement_lines(row)
    seeds = seed_sets_line(row_seed_verdicts(row), bool(row.get("seed_dependent")))
    if seeds:
        out += [f"**Verdict on each seed set.** {seeds}", ""]
    sens = sensitivity_lines(row.get("sensitivity"))
    for st in row.get("statements") or ():
        sens += sensitivity_lines(st.get("sensitivity"), f"{md(short(st['says'], 60))}: ")
    if sens:
        out += ["**How the verdict moves with the test's choices.**", "", *sens]
    return out + earlier_lines(row)


def dropdown(title: str, body: list[str], name: str | None = None, fence: int = 4) -> list[str]:
    """A collapsed sphinx-design dropdown around ``body`` (Markdown lines)."""
    colons = ":" * fence
    head = [f"{colons}{{dropdown}} {title}"]
    if name:
        head.append(f":name: {name}")
    return [*head, "", *body, colons, ""]


#: the parts of the ledger, with the titles of the book's parts
PAPER_TITLES = {
    "WS": "WS paper: the upper bound",
    "HSR": "HSR paper: descending the bound",
    "Landscape": "Landscape convergence (Kiselev et al.)",
}


def _doc(nb: str, prefix: str) -> str:
    return f"{prefix}{nb}.ipynb"


def claim_table(rows: list[dict], prefix: str = "", numbers: bool = True) -> list[str]:
    """The compact table of ``rows``: where (linked to the figure's page), the claim, the
    verdict badge and this run in one line; ``prefix``: the path from the page to
    ``book/generated/``."""
    lines = ["| figure | claim | verdict | this run |", "|---|---|---|---|"]
    if not numbers:
        lines = ["| figure | claim | verdict |", "|---|---|---|"]
    for r in rows:
        nb = r.get("notebook", "")
        fig = md(r["figure"]) or "count"
        fig = f"[{fig}]({_doc(nb, prefix)})" if nb else fig
        cells = [fig, md(r["claim"]), verdict_cell(r)] + ([this_run(r)] if numbers else [])
        lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def write_ledger(generated_dir: Path, rows: list[dict], expected=None) -> Path:
    """``ledger.md``: the counts, then per paper a compact table (figure, claim, verdict badge,
    this run in one line) that fits the text column, and under it one collapsed detail per
    row (:func:`detail_lines`); the rows only the papers' scale can test come last, in their
    own table.

    ``expected``: the claims the ledger must hold (:func:`hsr.claims.expected_claims`); when
    given, the page says whether every one has exactly one row and lists what is missing or
    extra (:func:`hsr.claims.check_ledger`)."""
    from ..claims.ledger import PAPERS, check_ledger

    generated_dir = Path(generated_dir)
    tested = [r for r in rows if r["verdict"] != UNTESTED]
    untested = [r for r in rows if r["verdict"] == UNTESTED]
    lines = [
        "# Claims ledger",
        "",
        "Every claim of the three papers that a figure or a theorem carries, and every count",
        "they report, re-tested in this build. Each verdict comes from the quantitative test",
        "stated in the figure's notebook before the run; the figure's page shows the data.",
        "Under each table, one line per claim opens on the paper's words, how the test reads",
        "them, this run's numbers, and how the verdict moves with every threshold of the test.",
        "",
        f"**Summary.** {counts_line([r['verdict'] for r in rows])}.",
        "",
    ]
    if any(r.get("statements") for r in rows):
        sts = counts_line([st["verdict"] for r in rows for st in statements(r)], "statements")
        lines += [
            f"**Statement by statement.** {sts} (a claim of one statement counts as one).",
            "",
        ]
    n_sets = max((len(r.get("seed_sets") or {}) for r in rows), default=0)
    if n_sets > 1:
        dep = [r for r in rows if r.get("seed_dependent")]
        dep_st = [st for r in rows for st in statements(r) if st.get("seed_dependent")]
        lines += [
            f"**Seed sets.** Every verdict re-tested on {n_sets} independent seed sets; "
            f"{len(dep)} claims and {len(dep_st)} statements have a verdict that differs "
            f"between them ({SEED_DEPENDENT}).",
            "",
        ]
    if expected is not None:
        problems = check_ledger(rows, expected)
        n_fig = sum(1 for e in expected if e.figure)
        lines += [
            f"**Completeness.** The spec (`book/spec/FIGURES.md` and `book/spec/*.yml`) lists "
            f"{len(expected)} claims ({n_fig} carried by figures or theorems, "
            f"{len(expected) - n_fig} reported counts); "
            + (
                "each has exactly one row here."
                if not problems
                else f"this build does not cover them all ({len(problems)} problems):"
            ),
            "",
        ]
        lines += [f"- {md(p)}" for p in problems] + ([""] if problems else [])
    lines += [
        "A claim of several statements (e.g. HSR Fig. 9: tight; skewed; defines Flat and Sharp",
        "seeds) is one row: each statement is tested on its own, with its own verdict, and the",
        "row holds if every statement holds, does not hold if none holds even partly, and",
        "partly holds otherwise.",
        "",
    ]
    for paper in PAPERS:
        sub = [r for r in tested if r["paper"] == paper]
        if not sub:
            continue
        lines += [f"## {PAPER_TITLES.get(paper, paper)}", "", *claim_table(sub)]
        for r in sub:
            lines += dropdown(
                f"{md(where(r))}: {md(r['claim'])} {verdict_cell(r)}", detail_lines(r), label(r)
            )
    if untested:
        lines += [
            "## Not tested at this scale",
            "",
            "Claims only the papers' scale can test (the counts they report, a significance at",
            "their sample size): this build ran fewer seeds (see the provenance page for the",
            "profile), so these rows say what was measured and leave the verdict open.",
            "",
            *claim_table(untested),
        ]
        for r in untested:
            lines += dropdown(
                f"{md(where(r))}: {md(r['claim'])} {verdict_cell(r)}", detail_lines(r), label(r)
            )
    path = generated_dir / "ledger.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _num(v) -> str:
    """A value of a sensitivity series as text: numbers with 3 significant digits."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return str(v)
    return fmt(v, 3)


def notebook_times(run_log: dict, by_time: bool = False, command: bool = True) -> list[str]:
    """The Markdown table of the notebooks in a run log (``run-log.json``): profile, seconds,
    whether it ran, the parameters set, and (``command``) the command that re-makes the page
    alone; ``by_time`` sorts the slowest first and adds a total."""
    nbs = run_log.get("notebooks", {}) or {}
    items = list(nbs.items())
    if by_time:
        items.sort(key=lambda kv: -(kv[1].get("seconds") or 0.0))
    lines = [
        "| notebook | profile | seconds | ok | parameters set |"
        + (" re-make it alone |" if command else ""),
        "|---|---|---|---|---|" + ("---|" if command else ""),
    ]
    for name, e in items:
        params = ", ".join(f"{k}={v}" for k, v in (e.get("parameters") or {}).items())
        secs = e.get("seconds")
        secs = f"{secs:.1f}" if isinstance(secs, (int, float)) else "?"
        prof = _cell(e.get("profile", "?"))
        lines.append(
            f"| {name} | {prof} | {secs} | {'yes' if e.get('ok') else 'no'} | "
            f"{_cell(params) or '(defaults)'} |"
            + (f" `hsr run {name} --profile {prof}` |" if command else "")
        )
    if by_time:
        total = sum(e.get("seconds") or 0.0 for _, e in items)
        lines.append(
            f"| **all {len(items)}** | | **{total:.1f}** | | |" + (" |" if command else "")
        )
    return lines


def write_provenance(generated_dir: Path, run_log: dict, build_log: dict | None = None) -> Path:
    """``provenance.md``: the environment, the profile and the time of every notebook."""
    generated_dir = Path(generated_dir)
    env = run_log.get("environment", {})
    last = run_log.get("last_run", {})
    nbs = run_log.get("notebooks", {})
    lines = ["# Provenance of this build", ""]
    if not nbs:
        lines += ["No notebook has been run into this folder yet (`hsr run`).", ""]
    else:
        lines += ["## Environment", "", "| | |", "|---|---|"]
        for key, value in env.items():
            lines.append(f"| {_cell(key)} | `{_cell(value)}` |")
        lines += ["", "## The last run", ""]
        if last:
            total = last.get("total_seconds")
            lines.append(
                f"Profile **{_cell(last.get('profile', '?'))}**, "
                f"{len(last.get('names', []))} notebooks, "
                f"{total:.1f} s of notebook execution"
                f" ({total / 60:.1f} min), finished {last.get('finished', '?')}."
                if isinstance(total, (int, float))
                else ""
            )
            lines.append("")
        if build_log and isinstance(build_log.get("seconds"), (int, float)):
            lines += [
                f"The previous `hsr build` took {build_log['seconds']:.1f} s "
                f"({build_log.get('finished', '?')}).",
                "",
            ]
        if isinstance(last.get("jobs"), int) and last["jobs"] > 1:
            lines += [
                f"The notebooks ran {last['jobs']} at a time (`hsr run --jobs`): their seconds "
                "overlap, and a notebook that waited for a sweep another one was computing "
                "counts the wait.",
                "",
            ]
        lines += [
            "Re-make one page alone, with the same profile: `hsr run <notebook> --profile "
            "<profile>` (then `hsr build`).",
            "",
            *notebook_times(run_log, command=False),
            "",
        ]
        fresh = seed_set_times(run_log)  # the runs of the fresh seed sets, if any
        if fresh:
            lines += ["## The fresh seed sets", "", *fresh, ""]
    path = generated_dir / "provenance.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ensure_mathjax(root: Path) -> Path:
    """``<root>/book/_vendor/mathjax``: MathJax's ``es5/`` folder from the npm package
    ``mathjax@3.2.2``, fetched with ``npm pack`` when missing; the site serves it from its
    root (``html_extra_path``), so the built book renders mathematics with no network."""
    target = Path(root) / "book" / "_vendor" / "mathjax"
    if (target / "tex-mml-chtml.js").is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(
            "MathJax is not vendored yet and npm is missing: install Node.js/npm "
            "(e.g. apt-get install npm), or unpack the es5/ folder of the npm package "
            f"mathjax@{MATHJAX_VERSION} into {target}"
        )
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [npm, "pack", f"mathjax@{MATHJAX_VERSION}", "--silent"],
            cwd=tmp,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with tarfile.open(Path(tmp) / f"mathjax-{MATHJAX_VERSION}.tgz") as tar:
            members = [m for m in tar.getmembers() if m.name.startswith("package/es5/")]
            tar.extractall(tmp, members=members, filter="data")
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(Path(tmp) / "package" / "es5"), target)
    return target


def read_json(path: Path, default):
    path = Path(path)
    return json.loads(path.read_text()) if path.is_file() else default
