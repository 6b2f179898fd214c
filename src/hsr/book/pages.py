"""Book pages written from the runs' data files (never by hand): the claims ledger and the
provenance page, plus the vendored MathJax the site needs offline.

:func:`hsr.runner.prepare_book` calls these before Jupyter Book runs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

from ..claims.ledger import fmt
from .seed_sets import seed_set_times

__all__ = ["write_ledger", "write_provenance", "ensure_mathjax", "MATHJAX_VERSION"]

MATHJAX_VERSION = "3.2.2"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def write_ledger(generated_dir: Path, rows: list[dict], expected=None) -> Path:
    """``ledger.md``: a summary line and one table row per claim, grouped by paper.

    ``expected``: the claims the ledger must hold (:func:`hsr.report.paper_claims` of
    FIGURES.md); when given, the page says whether every one has exactly one row and lists
    what is missing or extra (:func:`hsr.report.check_ledger`)."""
    from ..claims.ledger import UNTESTED, check_ledger

    generated_dir = Path(generated_dir)
    counts = Counter(r["verdict"] for r in rows)
    lines = [
        "# Claims ledger",
        "",
        "Every claim of the three papers that a figure or a theorem carries, and every count",
        "they report, re-tested in this build. Each verdict comes from the quantitative test in",
        "the row, stated in the figure's notebook before the run; the figure's page shows the",
        "data.",
        "",
        f"**Summary:** {len(rows)} claims; {counts.get('holds', 0)} hold, "
        f"{counts.get('partly', 0)} partly hold, {counts.get('does not hold', 0)} do not hold"
        + (
            f"; {counts[UNTESTED]} not tested at this scale (claims only the papers' scale can "
            "test, such as the counts they report: see the provenance page for the profile)."
            if counts.get(UNTESTED)
            else "."
        ),
        "",
    ]
    if expected is not None:
        problems = check_ledger(rows, expected)
        n_fig = sum(1 for e in expected if e.figure)
        lines += [
            f"**Completeness:** the spec (`book/spec/FIGURES.md` and `book/spec/*.yml`) lists "
            f"{len(expected)} claims ({n_fig} carried by figures or theorems, "
            f"{len(expected) - n_fig} reported counts); "
            + (
                "each has exactly one row here."
                if not problems
                else f"this build does not cover them all ({len(problems)} problems):"
            ),
            "",
        ]
        lines += [f"- {_cell(p)}" for p in problems] + ([""] if problems else [])
    lines += [
        "A claim of several parts (e.g. HSR Fig. 9: tight; skewed; defines Flat and Sharp",
        "seeds) is one row: each part is tested on its own and shown with its verdict in",
        "brackets, and the row holds if every part holds, does not hold if no part holds even",
        "partly, and partly holds otherwise.",
        "",
    ]
    from ..claims.ledger import PAPERS

    titles = {
        "WS": "WS paper: the upper bound",
        "HSR": "HSR paper: descending the bound",
        "Landscape": "Landscape convergence (Kiselev et al.)",
    }
    for paper in PAPERS:
        sub = [r for r in rows if r["paper"] == paper]
        if not sub:
            continue
        lines += [
            f"## {titles.get(paper, paper)}",
            "",
            "| figure | claim | paper reports | this run | test | verdict |",
            "|---|---|---|---|---|---|",
        ]
        for r in sub:
            nb = r.get("notebook", "")
            fig = f"[{_cell(r['figure'])}]({nb}.ipynb)" if nb else _cell(r["figure"])
            lines.append(
                f"| {fig} | {_cell(r['claim'])} | {_cell(r['paper_reports'])} | "
                f"{_cell(r['measured'])} | {_cell(r['test'])} | **{r['verdict']}** |"
            )
        lines.append("")
    read = [r for r in rows if r.get("paper_says") or r.get("reading") or r.get("sensitivity")]
    if read:
        lines += [
            "## How each test reads the paper",
            "",
            "For each row: the paper's words the claim rests on (quoted from its text), how the",
            "test turns them into a measurable statement, and how the verdict moves with every",
            "threshold of the test (the value the test uses is marked). Where a test the book",
            "published earlier was changed, the earlier reading and its result are shown too;",
            "they do not enter the verdict.",
            "",
        ]
        for r in read:
            lines += _reading_section(r)
    path = generated_dir / "ledger.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _num(v) -> str:
    """A value of a sensitivity series as text: numbers with 3 significant digits."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return _cell(v)
    return fmt(v, 3)


def _reading_section(r: dict) -> list[str]:
    """One row's quote, reading, sensitivity series and earlier readings, as Markdown."""
    head = f"{r['paper']} {r['figure']}".strip() if r.get("figure") else r["id"]
    out = [f"### {head}: {r['claim']}", "", f"Verdict: **{r['verdict']}** (row `{r['id']}`).", ""]
    if r.get("paper_says"):
        out += [f"**The paper says.** {r['paper_says']}", ""]
    if r.get("reading"):
        out += [f"**Our reading.** {r['reading']}", ""]
    return out + _sensitivity_lines(r)


def _sensitivity_lines(r: dict) -> list[str]:
    """A row's sensitivity table (the test's value marked) and earlier readings."""
    out = []
    series = list(r.get("sensitivity") or [])
    if series:
        out += [
            "**Sensitivity.**",
            "",
            "| knob | value | statistic | verdict |",
            "|---|---|---|---|",
        ]
        for e in series:
            mark = " (the test's value)" if e.get("chosen") else ""
            out.append(
                f"| {_cell(e.get('knob', ''))} | {_num(e.get('value', ''))}{mark} | "
                f"{_num(e.get('statistic', ''))} | {_cell(e.get('verdict', ''))} |"
            )
        out.append("")
    for e in r.get("earlier") or []:
        out += [
            f"**Earlier reading** (published before, not part of the verdict): {e.get('test', '')}"
            f" Measured: {e.get('measured', '')}. Verdict then: **{e.get('verdict', '')}**.",
            "",
        ]
    return out


def sensitivity_markdown(row: dict) -> str:
    """Markdown for a figure's page: how the verdict of one ledger row (a dict, as recorded)
    moves with every threshold of its test, the test's value marked, and the earlier
    readings; empty when the row has neither."""
    lines = _sensitivity_lines(row)
    if not lines:
        return ""
    head = f"**How the verdict of `{row['id']}` moves with the test's choices** (verdict: "
    return "\n".join([head + f"**{row['verdict']}**).", "", *lines])


def notebook_times(run_log: dict, by_time: bool = False) -> list[str]:
    """The Markdown table of the notebooks in a run log (``run-log.json``): profile, seconds,
    whether it ran, the parameters set, and the command that re-makes the page alone;
    ``by_time`` sorts the slowest first and adds a total."""
    nbs = run_log.get("notebooks", {}) or {}
    items = list(nbs.items())
    if by_time:
        items.sort(key=lambda kv: -(kv[1].get("seconds") or 0.0))
    lines = [
        "| notebook | profile | seconds | ok | parameters set | re-make it alone |",
        "|---|---|---|---|---|---|",
    ]
    for name, e in items:
        params = ", ".join(f"{k}={v}" for k, v in (e.get("parameters") or {}).items())
        secs = e.get("seconds")
        secs = f"{secs:.1f}" if isinstance(secs, (int, float)) else "?"
        prof = _cell(e.get("profile", "?"))
        lines.append(
            f"| {name} | {prof} | {secs} | {'yes' if e.get('ok') else 'no'} | "
            f"{_cell(params) or '(defaults)'} | `hsr run {name} --profile {prof}` |"
        )
    if by_time:
        total = sum(e.get("seconds") or 0.0 for _, e in items)
        lines.append(f"| **all {len(items)}** | | **{total:.1f}** | | | |")
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
        lines += notebook_times(run_log)
        lines.append("")
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
