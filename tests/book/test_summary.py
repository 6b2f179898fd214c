"""summary: the landing page's results, the build's facts and the banner of a reduced build."""

from __future__ import annotations

import json
import re

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pytest  # noqa: E402

from hsr.book import sphinx_banner, summary  # noqa: E402


def _row(i, paper, verdict, figure="Fig. 2", nb="ws-fig02", **kw):
    return {
        "id": f"{nb}-{i}",
        "paper": paper,
        "figure": figure,
        "claim": f"claim {i}",
        "measured": f"measured {i}",
        "verdict": verdict,
        "notebook": nb,
    } | kw


ROWS = [
    _row(1, "WS", "holds"),
    _row(2, "WS", "not tested at this scale", "App. C", "calibration", id="count-ws-h3-unique"),
    _row(3, "HSR", "does not hold", "Fig. 9", "hsr-fig09"),
    _row(4, "Landscape", "partly", "Thm. 1", "landscape-theorem1"),
]
LOG = {
    "environment": {"git_commit": "0123456789abcdef", "git_dirty": False},
    "last_run": {"profile": "smoke", "finished": "2026-12-04T10:00:00+00:00"},
    "notebooks": {"ws-fig02": {"profile": "smoke"}, "hsr-fig09": {"profile": "smoke"}},
}


def _table_rows(text: str) -> list[tuple[str, str]]:
    """(page, verdict) of every row of the summary's claim tables, in order."""
    out = []
    for line in text.splitlines():
        m = re.match(
            r"\| \[[^\]]+\]\(generated/([\w-]+)\.ipynb\) \| .* \| \{bdg-[\w-]+\}`([^`]+)`", line
        )
        if m:
            out.append(m.groups())
    return out


def test_summary_lists_every_row_and_separates_what_the_profile_cannot_test(tmp_path):
    facts = summary.build_facts(LOG)
    text = summary.write_summary(tmp_path, ROWS, facts).read_text()
    assert text.startswith("## What this build found\n")
    assert "This build: profile **smoke**, run on 2026-12-04 from commit `0123456789`" in text
    assert "with uncommitted changes" not in text
    assert (
        "**4 claims: {bdg-success}`holds` 1 · {bdg-warning}`partly` 1 · {bdg-danger}`does not "
        "hold` 1 · {bdg-muted-line}`not tested at this scale` 1.**" in text
    )
    # tested rows per paper, then the rows the profile cannot test in their own table
    assert _table_rows(text) == [
        ("ws-fig02", "holds"),
        ("hsr-fig09", "does not hold"),
        ("landscape-theorem1", "partly"),
        ("calibration", "not tested at this scale"),
    ]
    assert text.index("### Not tested at the smoke profile") > text.index("### Landscape")
    assert "```{image} generated/verdicts.png" in text
    assert (tmp_path / "verdicts.png").stat().st_size > 0
    assert (tmp_path / "verdicts.csv").read_text().startswith("panel,")
    # no seed sets, no statements: no line about them
    assert "seed" not in text and "Statement by statement" not in text


def test_summary_counts_statements_and_seed_dependent_rows(tmp_path):
    sets = {
        "0": {"verdict": "holds", "statements": {}},
        "1": {"verdict": "partly", "statements": {}},
    }
    rows = [
        ROWS[0] | {"seed_sets": sets, "seed_dependent": True},
        ROWS[2]
        | {
            "statements": [
                {"id": "a", "says": "a", "verdict": "holds", "seed_dependent": True},
                {"id": "b", "says": "b", "verdict": "not checkable", "why": "a judgement"},
            ]
        },
    ]
    text = summary.write_summary(tmp_path, rows, summary.build_facts({})).read_text()
    assert "Statement by statement: 3 statements: {bdg-success}`holds` 2 · " in text
    assert "{bdg-light}`not checkable` 1" in text
    # the first row (one statement, itself) and statement a of the second are seed-dependent
    assert (
        "Re-tested on 2 independent seed sets: 1 claims and 2 statements "
        "{bdg-info}`seed-dependent`" in text
    )
    assert "No notebook has been run into this build yet" in text


def test_the_grid_has_a_tile_for_every_claim_statement_and_seed_set():
    sts = [
        {
            "id": "a",
            "says": "a",
            "verdict": "holds",
            "seed_verdicts": {"0": "holds", "1": "partly"},
        },
        {"id": "b", "says": "b", "verdict": "does not hold"},
    ]
    fig = summary.verdict_figure([ROWS[0], ROWS[1], ROWS[2] | {"statements": sts}])
    labels = [p.get_label() for p in fig.axes[0].patches]
    assert labels == [
        "ws-fig02-1: ws-fig02-1, seed set 0: holds",
        "hsr-fig09-3: a, seed set 0: holds",
        "hsr-fig09-3: a, seed set 1: partly",
        "hsr-fig09-3: b, seed set 0: does not hold",
        "count-ws-h3-unique: count-ws-h3-unique, seed set 0: not tested at this scale",
    ]
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "WS3\nuniq" in texts and "9" in texts


def _project(tmp_path):
    root = tmp_path / "proj"
    (root / "notebooks").mkdir(parents=True)
    for name, params in (
        ("ws-fig02", "n_seeds = 500\nmax_iter = 20000\nn_train = 100\nflag = True"),
        ("hsr-fig09", "n_seeds = 3000\nmax_iter = 20000\nlr = 4.0"),
    ):
        nb = nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_markdown_cell(f"# {name}"),
                nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
            ]
        )
        nbformat.write(nb, root / "notebooks" / f"{name}.ipynb")
    return root


#: a run at the smoke profile: what it set for each notebook (lr raised, a flag: not shrinks)
SMOKE_LOG = LOG | {
    "notebooks": {
        "ws-fig02": {
            "profile": "smoke",
            "parameters": {"n_seeds": 16, "max_iter": 1500, "n_train": 40, "flag": False},
        },
        "hsr-fig09": {"profile": "smoke", "parameters": {"n_seeds": 60, "lr": 8.0}},
    }
}


def test_a_reduced_build_carries_a_banner_a_full_one_none(tmp_path):
    root = _project(tmp_path)
    assert summary.shrinks(root, SMOKE_LOG, "smoke") == [
        "n_seeds 16 to 60 instead of 500 to 3,000",
        "max_iter 1,500 instead of 20,000",
        "n_train 40 instead of 100",
    ]
    assert summary.shrinks(root, SMOKE_LOG, "quick") == []
    gen = root / "book" / "generated"
    gen.mkdir(parents=True)
    info = summary.build_info(root, gen, SMOKE_LOG)
    banner = info["banner"]
    assert banner.startswith(
        "Reduced build, profile <b>smoke</b> (n_seeds 16 to 60 instead of 500 to 3,000 and 2 "
        "more settings): claims only the papers' scale can test read <i>not tested at this "
        "scale</i>."
    )
    assert "The published book is built at the papers' scale (profile paper)." in banner
    assert json.loads((gen / "build-info.json").read_text())["banner"] == banner
    # the Sphinx extension reads it and puts it in the theme's announcement bar
    assert sphinx_banner.banner(root) == banner

    class App:
        srcdir = root

    class Config:
        html_theme_options = {"use_download_button": True}

    sphinx_banner._set_banner(App, Config)
    assert Config.html_theme_options == {"use_download_button": True, "announcement": banner}
    # a full build: no banner, the theme's options untouched
    full = LOG | {"notebooks": {"ws-fig02": {"profile": "paper"}}}
    assert summary.build_info(root, gen, full)["banner"] == ""
    Config.html_theme_options = {}
    sphinx_banner._set_banner(App, Config)
    assert Config.html_theme_options == {}
    # pages run at two profiles: both named, with their counts
    mixed = LOG | {"notebooks": {"a": {"profile": "smoke"}, "b": {"profile": "paper"}}}
    assert "profile <b>smoke</b> (1 pages)" in summary.build_info(root, gen, mixed)["banner"]


@pytest.mark.parametrize("content", [None, "not json", "[1, 2]"])
def test_no_banner_without_build_info(tmp_path, content):
    if content is not None:
        path = tmp_path / sphinx_banner.INFO
        path.parent.mkdir(parents=True)
        path.write_text(content)
    assert sphinx_banner.banner(tmp_path) == ""
