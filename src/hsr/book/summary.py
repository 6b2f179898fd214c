"""What the build found, for the landing page, and what the build is: written by ``hsr build``
from ``claims.json`` and the run log, never by hand.

- :func:`write_summary`: ``book/generated/summary.md``, which ``book/intro.md`` includes under
  the introduction: the build (profile, date, commit), the counts per verdict, the verdict
  grid (:func:`verdict_figure`, one tile per claim, split by statement and seed set), and per
  paper a table of the claims (linked to their pages) with a verdict badge and one line of
  numbers; the rows the profile cannot test in a table of their own.
- :func:`build_info`: ``book/generated/build-info.json``: the same facts, and the banner of a
  reduced build (:func:`banner_html`), which the Sphinx extension
  :mod:`hsr.book.sphinx_banner` puts on every page.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

from ..claims.ledger import PAPERS, UNCHECKABLE, UNTESTED, fmt
from .pages import (
    PAPER_TITLES,
    SEED_DEPENDENT,
    claim_table,
    counts_line,
    statements,
)

__all__ = [
    "BUILD_INFO",
    "FULL_PROFILE",
    "build_facts",
    "banner_html",
    "build_info",
    "verdict_figure",
    "write_summary",
]

#: the file ``hsr build`` writes for the Sphinx extension (banner) and the landing page
BUILD_INFO = "build-info.json"
#: the profile the published book is built at (the papers' scale)
FULL_PROFILE = "paper"
#: the verdict grid's image (and its data, CSV) under ``book/generated/``
GRID = "verdicts"


def build_facts(run_log: dict) -> dict:
    """The build in a few facts, from the run log: the profiles the pages were run at
    (``{profile: number of notebooks}``), when the last run finished, the commit (and
    whether the tree had uncommitted changes)."""
    nbs = run_log.get("notebooks") or {}
    env = run_log.get("environment") or {}
    last = run_log.get("last_run") or {}
    return {
        "profiles": dict(Counter(e.get("profile", "?") for e in nbs.values()).most_common()),
        "finished": last.get("finished", ""),
        "commit": env.get("git_commit") or "",
        "dirty": bool(env.get("git_dirty")),
    }


def _reduced(facts: dict) -> list[str]:
    return [p for p in facts["profiles"] if p != FULL_PROFILE]


def _range(values) -> str:
    nums = sorted(v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool))
    if not nums:
        return ""
    lo, hi = fmt(nums[0]), fmt(nums[-1])
    return lo if lo == hi else f"{lo} to {hi}"


def shrinks(root: Path, run_log: dict, profile: str) -> list[str]:
    """What ``profile`` shrinks, from the run log: each parameter the run set below the
    notebook's default (the papers' scale), over the notebooks run at ``profile``, e.g.
    ``"n_seeds 150 to 400 instead of 500 to 3,000"``; the settings most notebooks share first."""
    from .notebooks import UsageError, load_notebook

    used: dict[str, list] = {}
    defaults: dict[str, list] = {}
    for name, entry in (run_log.get("notebooks") or {}).items():
        if entry.get("profile") != profile:
            continue
        try:
            nb = load_notebook(Path(root) / "notebooks" / f"{name}.ipynb")
        except UsageError:
            continue
        for k, v in (entry.get("parameters") or {}).items():
            d = nb.params.get(k)
            numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (v, d))
            if numbers and v < d:
                used.setdefault(k, []).append(v)
                defaults.setdefault(k, []).append(d)
    order = sorted(used, key=lambda k: -len(used[k]))
    return [f"{k} {_range(used[k])} instead of {_range(defaults[k])}" for k in order]


def banner_html(facts: dict, shrunk: dict[str, list[str]]) -> str:
    """The banner of a reduced build (every page): the profile(s), what each shrinks, and
    that the published book is built at the papers' scale; empty for a full build."""
    reduced = _reduced(facts)
    if not reduced:
        return ""
    n = facts["profiles"]
    names = ", ".join(
        f"<b>{html.escape(p)}</b>" + (f" ({n[p]} pages)" if len(n) > 1 else "") for p in reduced
    )
    items = [s for p in reduced for s in shrunk.get(p, [])]
    what = html.escape(items[0]) if items else ""
    if len(items) > 1:
        what += f" and {len(items) - 1} more settings"
    return (
        f"Reduced build, profile {names}"
        + (f" ({what})" if what else "")
        + ": claims only the papers' scale can test read <i>not tested at this scale</i>. The "
        f"published book is built at the papers' scale (profile {FULL_PROFILE})."
    )


def build_info(root: Path, generated_dir: Path, run_log: dict) -> dict:
    """Write ``<generated_dir>/build-info.json``: :func:`build_facts` and the banner."""
    facts = build_facts(run_log)
    shrunk = {p: shrinks(root, run_log, p) for p in _reduced(facts)}
    info = facts | {"shrinks": shrunk, "banner": banner_html(facts, shrunk)}
    path = Path(generated_dir) / BUILD_INFO
    path.write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")
    return info


# ----- the verdict grid ---------------------------------------------------------------------------
def _tile_label(row: dict) -> str:
    """A tile's label: the figure's number, "Thm 7", "Sec V"; for a count, its sweep and what
    it counts ("WS3 conv": the WS sweep of width 3, converged)."""
    fig = row.get("figure", "")
    if row["id"].startswith("count-"):
        # count-ws-h3-converged -> "WS3", "conv"; count-hsr-sharp -> "HSR", "shar"
        parts = row["id"].split("-")[1:]
        sweep = parts[0].upper() + "".join(p[1:] for p in parts[1:-1])
        return f"{sweep}\n{parts[-1][:4]}"
    if fig.startswith("Fig. "):
        return fig[5:]
    return fig.replace(". ", "\n")


#: the colour of a tile's label, readable on the tile's colour (the claim's verdict)
_INK = {"holds": "white", "does not hold": "white", "partly": "black", UNTESTED: "black"}

#: the strips of the verdict grid: the papers' claims, then the counts they report
_STRIPS = {"WS": "WS paper", "HSR": "HSR paper", "Landscape": "Landscape", "count": "counts"}


def verdict_figure(rows: list[dict]):
    """One strip of tiles per paper (and one for the counts the papers report), one tile per
    claim in the ledger's order, coloured by verdict and labelled with its figure: a claim of
    several statements is split into bands (one per statement, top to bottom), and where the
    claims were re-tested on fresh seed sets each band into stripes (set 0, 1, ... left to
    right)."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    from .plotting import VERDICT_COLORS

    colours = VERDICT_COLORS | {UNCHECKABLE: "#ffffff"}
    strips = [
        (_STRIPS[p], [r for r in rows if r["paper"] == p and not r["id"].startswith("count-")])
        for p in PAPERS
    ]
    strips.append((_STRIPS["count"], [r for r in rows if r["id"].startswith("count-")]))
    strips = [(t, rs) for t, rs in strips if rs]
    width = max((len(rs) for _, rs in strips), default=1)
    n_sets = max((len(r.get("seed_sets") or {}) for r in rows), default=0)
    fig, ax = plt.subplots(figsize=(max(5.5, 1.2 + 0.42 * width), 0.5 * len(strips) + 0.6))
    for s, (title, rs) in enumerate(strips):
        y0 = -s * 1.15
        ax.text(-0.15, y0 + 0.45, title, ha="right", va="center", fontsize=9.5)
        for i, r in enumerate(rs):
            sts = statements(r)
            h = 0.9 / len(sts)
            for j, st in enumerate(sts):
                sets = st.get("seed_verdicts") or {"0": st["verdict"]}
                w = 0.9 / len(sets)
                for k, (name, v) in enumerate(sets.items()):
                    ax.add_patch(
                        Rectangle(
                            (i + k * w, y0 + 0.9 - (j + 1) * h),
                            w,
                            h,
                            facecolor=colours.get(v, "#ffffff"),
                            edgecolor="white",
                            linewidth=0.8,
                            label=f"{r['id']}: {st['id']}, seed set {name}: {v}",
                        )
                    )
            ax.text(
                i + 0.45,
                y0 + 0.45,
                _tile_label(r),
                ha="center",
                va="center",
                fontsize=7 if "\n" in _tile_label(r) else 8.5,
                color=_INK.get(r["verdict"], "black"),
                fontweight="bold",
            )
    ax.set_xlim(-0.1, width)
    ax.set_ylim(-1.15 * (len(strips) - 1) - 0.1, 1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    handles = [Patch(color=VERDICT_COLORS[v], label=v) for v in VERDICT_COLORS]
    if any(len(statements(r)) > 1 for r in rows):
        handles.append(Patch(facecolor="white", edgecolor="#555555", label="bands: statements"))
    if n_sets > 1:
        handles.append(
            Patch(facecolor="white", edgecolor="#555555", label=f"stripes: {n_sets} seed sets")
        )
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=3,
        fontsize=8.5,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.0,
    )
    return fig


# ----- the landing page's summary -----------------------------------------------------------------
def _build_line(facts: dict) -> str:
    profiles = facts["profiles"]
    if not profiles:
        return "No notebook has been run into this build yet (`hsr run`)."
    prof = ", ".join(
        f"**{p}**" + (f" ({k} pages)" if len(profiles) > 1 else "") for p, k in profiles.items()
    )
    when = facts["finished"][:10] or "an unknown date"
    commit = facts["commit"][:10]
    at = f"commit `{commit}`" + (" with uncommitted changes" if facts["dirty"] else "")
    return (
        f"This build: profile {prof}, run on {when}"
        + (f" from {at}" if commit else "")
        + " ({doc}`provenance <generated/provenance>`)."
    )


def write_summary(generated_dir: Path, rows: list[dict], facts: dict) -> Path:
    """``<generated_dir>/summary.md`` (included by ``book/intro.md``; paths are relative to
    ``book/``) and the verdict grid ``<generated_dir>/verdicts.png`` (with its numbers,
    ``verdicts.csv``)."""
    from .figure_data import write_figure_data
    from .plotting import use_style

    generated_dir = Path(generated_dir)
    lines = ["## What this build found", ""]
    if not rows:
        lines += [_build_line(facts), "", "No claim has been tested yet.", ""]
    else:
        import matplotlib.pyplot as plt

        use_style()
        fig = verdict_figure(rows)
        fig.savefig(generated_dir / f"{GRID}.png")  # no PDF: it would double the build's cost
        write_figure_data(fig, generated_dir / f"{GRID}.csv")
        plt.close(fig)
        tested = [r for r in rows if r["verdict"] != UNTESTED]
        untested = [r for r in rows if r["verdict"] == UNTESTED]
        lines += [f"**{counts_line([r['verdict'] for r in rows])}.**", ""]
        if any(r.get("statements") for r in rows):
            sts = counts_line([st["verdict"] for r in rows for st in statements(r)], "statements")
            lines += [
                f"Statement by statement: {sts}.",
                "",
            ]
        dep = [r for r in rows if r.get("seed_dependent")]
        n_sets = max((len(r.get("seed_sets") or {}) for r in rows), default=0)
        if n_sets > 1:
            dep_st = [st for r in rows for st in statements(r) if st.get("seed_dependent")]
            lines += [
                f"Re-tested on {n_sets} independent seed sets: {len(dep)} claims and "
                f"{len(dep_st)} statements {SEED_DEPENDENT} (their verdict differs between "
                "the sets).",
                "",
            ]
        lines += [
            f"```{{image}} generated/{GRID}.png",
            ":alt: the verdict of every claim, one coloured tile each",
            ":width: 100%",
            "```",
            "",
            "*Every claim of the three papers, one tile each, coloured by its verdict in this "
            "build (the tile's label is the figure or section); a claim of several statements "
            "is split into one band per statement"
            + ("; each band is split into one stripe per seed set." if n_sets > 1 else ".")
            + " The numbers behind each tile are in the tables below and in the "
            "{doc}`ledger <generated/ledger>`.*",
            "",
            _build_line(facts),
            "",
        ]
        for paper in PAPERS:
            sub = [r for r in tested if r["paper"] == paper]
            if sub:
                lines += [
                    f"### {PAPER_TITLES.get(paper, paper)}",
                    "",
                    *claim_table(sub, prefix="generated/"),
                ]
        if untested:
            profiles = ", ".join(_reduced(facts)) or "this"
            lines += [
                f"### Not tested at the {profiles} profile",
                "",
                "Claims only the papers' scale can test (the counts they report, a "
                "significance at their sample size); the published book, built at the papers' "
                "scale, tests them.",
                "",
                *claim_table(untested, prefix="generated/"),
            ]
    path = generated_dir / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
