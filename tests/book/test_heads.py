"""heads: the figure pages' head ("The paper says", "We find", the figure and its files), the
details under the recorded rows, and the code collapsed, written into executed notebooks."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from hsr.book import heads, plotting  # noqa: E402


def _notebook():
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell("# WS Fig. 2: the bound\n\n**What it shows.** A scatter."),
        v4.new_code_cell("n = 3", metadata={"tags": ["parameters", "hide-input"]}),
        v4.new_code_cell("import hsr", metadata={"tags": ["remove-input"]}),
        v4.new_code_cell("x = helper()"),
        v4.new_code_cell("fig = draw()\npng, pdf = plotting.save_figure(fig, NB)"),
        v4.new_markdown_cell("**Result.** It holds."),
        v4.new_code_cell("report.record_claims(NB, [row])"),
        v4.new_markdown_cell("The end."),
    ]
    return v4.new_notebook(cells=cells)


def _row(**kw):
    sets = {
        "0": {"verdict": "partly", "statements": {"a": "holds", "b": "does not hold"}},
        "1": {"verdict": "holds", "statements": {"a": "holds", "b": "holds"}},
    }
    return {
        "id": "ws-fig02",
        "paper": "WS",
        "figure": "Fig. 2",
        "claim": "the bound holds; it is tight",
        "paper_reports": "r",
        "measured": "(a) 7 of 7 [holds]; (b) ratio 1.5 [does not hold]",
        "test": "t",
        "verdict": "partly",
        "paper_says": 'WS, Section IV: "the bound holds and is tight"',
        "reading": "every point below the bound",
        "statements": [
            {
                "id": "a",
                "says": "the bound holds",
                "verdict": "holds",
                "measured": "7 of 7",
                "seed_verdicts": {"0": "holds", "1": "holds"},
                "seed_dependent": False,
            },
            {
                "id": "b",
                "says": "it is tight",
                "verdict": "does not hold",
                "measured": "median ratio 1.5",
                "sensitivity": [
                    {
                        "knob": "ratio",
                        "value": 1.2,
                        "statistic": 1.5,
                        "verdict": "does not hold",
                        "chosen": True,
                    }
                ],
                "seed_verdicts": {"0": "does not hold", "1": "holds"},
                "seed_dependent": True,
            },
        ],
        "seed_sets": sets,
        "seed_dependent": True,
        "notebook": "ws-fig02",
    } | kw


@pytest.fixture
def figures(tmp_path):
    d = tmp_path / "figures"
    plotting.use_style()  # saves at 150 dpi
    fig, ax = plt.subplots(figsize=(4.0, 3.0))
    ax.plot([0, 1], [1, 2])
    plotting.save_figure(fig, "ws-fig02", outdir=d)
    plt.close(fig)
    return d


def test_the_head_leads_with_the_papers_words_and_our_finding(figures):
    nb = heads.decorate_notebook(_notebook(), "ws-fig02", [_row()], figures)
    src = [c.source for c in nb.cells]
    # the title alone, then the head, then what followed the title
    assert src[0] == "# WS Fig. 2: the bound"
    head = src[1]
    assert nb.cells[1].metadata[heads.GENERATED] == "head"
    assert src[2] == "**What it shows.** A scatter."
    assert head.startswith("::::{admonition} The paper says\n:class: hsr-paper-says")
    assert 'WS, Section IV: "the bound holds and is tight"' in head
    assert "::::{admonition} We find: {bdg-warning}`partly` {bdg-info}`seed-dependent`" in head
    assert ":class: hsr-we-find warning" in head
    # each statement with its badge and numbers, and its verdict on each seed set
    assert "- {bdg-success}`holds` *the bound holds*: 7 of 7; on each seed set: set 0" in head
    assert "*it is tight*: median ratio 1.5; on each seed set: set 0 {bdg-danger}" in head
    assert head.count("{bdg-info}`seed-dependent`") == 2
    assert "{ref}`WS Fig. 2 <claim-ws-fig02>`" in head
    # then the figure, at its size (about 4 in at 96 px per inch: tight bbox), and its files
    assert "```{image} figures/ws-fig02.png" in head
    width = int(head.split(":width: ")[1].split("px")[0])
    assert abs(width - 4 * 96) < 30
    assert (
        "The figure's files: [PNG](figures/ws-fig02.png) · [PDF](figures/ws-fig02.pdf) · "
        "[the numbers drawn (CSV)](figures/ws-fig02.csv)." in head
    )
    assert head.index("The paper says") < head.index("We find") < head.index("{image}")


def test_code_collapsed_figure_moved_details_after_the_recorded_rows(figures):
    nb = heads.decorate_notebook(_notebook(), "ws-fig02", [_row()], figures)
    tags = [c.metadata.get("tags") for c in nb.cells if c.cell_type == "code"]
    assert tags == [
        ["parameters", "hide-input"],
        ["remove-input"],
        ["hide-input"],  # untagged: collapsed
        ["hide-input", "remove-output"],  # the figure is in the head
        ["hide-input"],
    ]
    i = next(i for i, c in enumerate(nb.cells) if "record_claims" in c.source)
    details = nb.cells[i + 1]
    assert details.metadata[heads.GENERATED] == "details"
    assert details.source.startswith("::::{dropdown} Behind the verdict of WS Fig. 2, ")
    assert "| **1.2** (the test's value) | 1.5 | {bdg-danger}`does not hold` |" in details.source
    assert nb.cells[-1].source == "The end."


def test_decorating_again_changes_nothing(tmp_path, figures):
    path = tmp_path / "ws-fig02.ipynb"
    nbformat.write(_notebook(), path)
    (tmp_path / ".hidden.running.ipynb").write_text("not a notebook")
    assert heads.decorate_notebooks(tmp_path, [_row()]) == [path]
    first = path.read_text()
    assert heads.decorate_notebooks(tmp_path, [_row()]) == []
    assert path.read_text() == first
    # new rows replace the generated cells, they do not add to them
    assert heads.decorate_notebooks(tmp_path, [_row(verdict="holds", statements=[])]) == [path]
    nb = nbformat.read(path, 4)
    assert sum(heads.GENERATED in c.metadata for c in nb.cells) == 2
    assert "We find: {bdg-success}`holds`" in nb.cells[1].source


def test_a_page_without_rows_or_figure_gets_no_head(tmp_path):
    nb = heads.decorate_notebook(_notebook(), "hsr-fig08", [], tmp_path)
    assert not any(heads.GENERATED in c.metadata for c in nb.cells)
    assert heads.head_markdown("hsr-fig08", [], tmp_path) == ""
