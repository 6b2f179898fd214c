"""The figure pages' generated parts: ``hsr build`` writes them into each executed notebook
of ``book/generated/`` from the ledger's rows, so no notebook carries them in its source.

For a notebook ``<name>.ipynb`` with rows in ``claims.json`` (``notebook == name``):

- **the head**, right under the title (the first line of the first cell): "The paper says"
  (the quoted passage, with its section) and "We find" (the verdict badge and this run's
  numbers, statement by statement where the passage makes several, and the verdict on each
  seed set), then links to the figure's PNG, PDF and the numbers it draws (``figures/<name>
  .png/.pdf/.csv``, written by :func:`hsr.book.plotting.save_figure`);
- **the details**, after the cell that records the rows (``report.record_claims``): one
  collapsed block per row with everything behind its verdict (:func:`hsr.book.pages
  .detail_lines`: the reading, the test, the sensitivity tables, earlier readings);
- **code collapsed**: every code cell without a display tag gets ``hide-input``.

The generated cells carry ``metadata.hsr_generated``; decorating again replaces them, so
``hsr build`` can run any number of times, and a notebook is rewritten only when it changes.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from .pages import (
    FINDING_CLASSES,
    badge,
    detail_lines,
    dropdown,
    label,
    md,
    row_seed_verdicts,
    seed_sets_line,
    short,
    statements,
    verdict_cell,
    where,
)
from .run import DISPLAY_TAGS

__all__ = ["head_markdown", "details_markdown", "decorate_notebook", "decorate_notebooks"]

#: ``metadata.hsr_generated`` of the cells this module writes
GENERATED = "hsr_generated"
#: the call that saves a page's main figure (``plotting.save_figure(fig, NB)``)
_SAVES_MAIN = re.compile(r"save_figure\(\s*\w+\s*,\s*NB\s*[,)]")


def _quotes(rows: list[dict]) -> list[str]:
    out: list[str] = []
    for r in rows:
        q = r.get("paper_says") or f"{where(r)}: {r['claim']}"
        if q not in out:
            out.append(q)
    return out


def _finding(row: dict) -> list[str]:
    """What this run found for one row: its numbers, or one bullet per statement."""
    sts = row.get("statements") or ()
    if not sts:
        out = [md(row.get("measured", ""))]
        seeds = seed_sets_line(row_seed_verdicts(row), bool(row.get("seed_dependent")))
        return out + (["", f"On each seed set: {seeds}."] if seeds else [])
    out = []
    for st in statements(row):
        text = md(st.get("measured") or st.get("why") or "")
        item = f"- {badge(st['verdict'])} *{md(st['says'])}*" + (f": {text}" if text else "")
        seeds = seed_sets_line(st.get("seed_verdicts") or {}, bool(st.get("seed_dependent")))
        out.append(item + (f"; on each seed set: {seeds}" if seeds else ""))
    return out


def png_width(path: Path) -> int:
    """The width in pixels of a PNG file (read from its header)."""
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"path must be a PNG file, got {path}")
    return int.from_bytes(head[16:20], "big")


#: the resolution :func:`hsr.book.plotting.use_style` saves figures at (``savefig.dpi``); a
#: page shows a figure at its size in inches at 96 pixels per inch (at most the column's
#: width), so that a font of the same size in points looks the same on every page
SAVE_DPI = 150


def figure_stems(name: str, figures: Path) -> list[str]:
    """The figures page ``name`` saved: ``<name>.png`` first, then ``<name>-*.png``."""
    figures = Path(figures)
    main = [name] if (figures / f"{name}.png").is_file() else []
    return main + sorted(p.stem for p in figures.glob(f"{name}-*.png"))


def _files_line(name: str, figures: Path) -> list[str]:
    text = {"png": "PNG", "pdf": "PDF", "csv": "the numbers drawn (CSV)"}
    out = []
    for stem in figure_stems(name, figures):
        have = [e for e in ("png", "pdf", "csv") if (figures / f"{stem}.{e}").is_file()]
        links = " · ".join(f"[{text[e]}](figures/{stem}.{e})" for e in have)
        which = "The figure's files" if stem == name else f"Figure `{stem}`"
        out.append(f"{which}: {links}.")
    return [" ".join(out), ""] if out else []


def _image(name: str, figures: Path) -> list[str]:
    path = Path(figures) / f"{name}.png"
    if not path.is_file():
        return []
    width = round(png_width(path) * 96 / SAVE_DPI)
    return [
        f"```{{image}} figures/{name}.png",
        f":alt: {name}, as this build regenerated it",
        f":width: {width}px",
        ":class: hsr-figure",
        "```",
        "",
    ]


def head_markdown(name: str, rows: list[dict], figures: Path | None = None) -> str:
    """The head of page ``name``: "The paper says", "We find" (for its ``rows``), the figure
    ``<figures>/<name>.png`` and the links to its files (PNG, PDF, the numbers drawn); empty
    when there is nothing to show."""
    lines: list[str] = []
    if rows:
        quotes = _quotes(rows)
        lines += ["::::{admonition} The paper says", ":class: hsr-paper-says", ""]
        lines += [md(quotes[0])] if len(quotes) == 1 else [f"- {md(q)}" for q in quotes]
        lines += ["::::", ""]
        if len(rows) == 1:
            r = rows[0]
            cls = FINDING_CLASSES.get(r["verdict"], "note")
            lines += [
                f"::::{{admonition}} We find: {verdict_cell(r)}",
                f":class: hsr-we-find {cls}",
                "",
            ]
            lines += _finding(r)
        else:
            lines += ["::::{admonition} We find", ":class: hsr-we-find", ""]
            for r in rows:
                lines.append(
                    f"- {verdict_cell(r)} **{md(where(r))}**, {md(r['claim'])}: "
                    f"{md(short(r.get('measured', ''), 160))}"
                )
        refs = ", ".join(f"{{ref}}`{where(r)} <{label(r)}>`" for r in rows)
        lines += [
            "",
            "The test, how it reads the paper and how the verdict moves with each of its "
            f"thresholds: below, and in the ledger ({refs}).",
            "::::",
            "",
        ]
    if figures is not None:
        lines += _image(name, Path(figures)) + _files_line(name, Path(figures))
    return "\n".join(lines).strip()


def details_markdown(rows: list[dict]) -> str:
    """The details of a page's rows: one collapsed block per row (:func:`detail_lines`)."""
    lines: list[str] = []
    for r in rows:
        title = f"Behind the verdict of {md(where(r))}, {md(short(r['claim'], 70))}: "
        lines += dropdown(title + verdict_cell(r), detail_lines(r))
    return "\n".join(lines).strip()


def _tags(cell) -> list:
    return list(cell.get("metadata", {}).get("tags", []))


def _markdown_cell(nb, source: str, cell_id: str, kind: str | None = None):
    """A Markdown cell with a fixed id (the same notebook decorated twice is the same), marked
    as generated when ``kind`` is given."""
    import nbformat

    cell = nbformat.v4.new_markdown_cell(source)
    if kind:
        cell.metadata[GENERATED] = kind
    if nb.get("nbformat_minor", 0) >= 5:
        cell.id = cell_id
    else:
        cell.pop("id", None)
    return cell


def decorate_notebook(nb, name: str, rows: list[dict], figures: Path | None = None):
    """``nb`` (an nbformat notebook, changed in place and returned) with the generated head
    and details of page ``name`` and its code cells collapsed; cells generated before are
    replaced."""
    nb.cells = [c for c in nb.cells if GENERATED not in c.get("metadata", {})]
    for cell in nb.cells:
        if cell.cell_type == "code" and not set(_tags(cell)) & set(DISPLAY_TAGS):
            cell.metadata["tags"] = [*_tags(cell), "hide-input"]
    first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), None)
    if first is None:
        return nb
    # the title alone in the first cell; what followed it goes after the head
    title, _, rest = nb.cells[first].source.lstrip().partition("\n")
    if title.startswith("# ") and rest.strip():
        nb.cells[first].source = title
        # the notebook's own words: not generated, kept as they are from now on
        nb.cells.insert(first + 1, _markdown_cell(nb, rest.strip(), f"{name}-intro"))
    head = head_markdown(name, rows, figures)
    if figures is not None and (Path(figures) / f"{name}.png").is_file():
        # the head shows the figure: the cell that drew and saved it shows nothing more
        for cell in nb.cells:
            if cell.cell_type == "code" and _SAVES_MAIN.search(cell.source):
                tags = _tags(cell)
                if "remove-output" not in tags:
                    cell.metadata["tags"] = [*tags, "remove-output"]
    if head:
        nb.cells.insert(first + 1, _markdown_cell(nb, head, f"{name}-hsr-head", "head"))
    details = details_markdown(rows)
    if details:
        at = next(
            (
                i + 1
                for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and "record_claims(" in c.source
            ),
            len(nb.cells),
        )
        nb.cells.insert(at, _markdown_cell(nb, details, f"{name}-hsr-details", "details"))
    return nb


def decorate_notebooks(generated_dir: Path, rows: list[dict]) -> list[Path]:
    """Decorate every executed notebook ``<generated_dir>/*.ipynb`` (:func:`decorate_notebook`)
    with its rows of ``rows``; returns the notebooks rewritten (only those that changed)."""
    import nbformat

    generated_dir = Path(generated_dir)
    changed = []
    for path in sorted(generated_dir.glob("*.ipynb")):
        if path.name.startswith(".") or path.name.endswith(".failed.ipynb"):
            continue
        nb = nbformat.read(path, as_version=4)
        before = copy.deepcopy(nb)
        mine = [r for r in rows if r.get("notebook") == path.stem]
        decorate_notebook(nb, path.stem, mine, generated_dir / "figures")
        if nb != before:
            nbformat.write(nb, path)
            changed.append(path)
    return changed
