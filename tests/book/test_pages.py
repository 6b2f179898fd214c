"""pages: the ledger and provenance pages written from data, and the vendored MathJax."""

from __future__ import annotations

import pytest

from hsr.book import pages


def _row(i, paper, verdict, figure="Fig. 2", nb="ws-fig02"):
    return {
        "id": f"c{i}",
        "paper": paper,
        "figure": figure,
        "claim": f"claim {i} | piped",
        "paper_reports": "r",
        "measured": "m",
        "test": "t",
        "verdict": verdict,
        "notebook": nb,
    }


def test_ledger(tmp_path):
    rows = [
        _row(1, "WS", "holds"),
        _row(2, "WS", "partly"),
        _row(3, "HSR", "does not hold", "Fig. 12", "hsr-fig12"),
        _row(4, "HSR", "not tested at this scale", "Sec. VI-A", "calibration"),
    ]
    text = pages.write_ledger(tmp_path, rows).read_text()
    assert "4 claims: {bdg-success}`holds` 1 · {bdg-warning}`partly` 1 · " in text
    assert "## WS paper" in text and "## HSR paper" in text
    # per paper a compact table: figure (linked), claim, verdict badge, this run
    assert "| figure | claim | verdict | this run |" in text
    assert (
        "| [Fig. 12](hsr-fig12.ipynb) | claim 3 \\| piped | {bdg-danger}`does not hold` | m |"
        in text
    )
    assert text.count("\n| [Fig.") == 3
    # the row only the papers' scale can test comes last, in its own table
    assert text.index("## Not tested at this scale") > text.index("## HSR paper")
    assert "| [Sec. VI-A](calibration.ipynb) | claim 4 \\| piped | {bdg-muted-line}" in text
    # under the tables, one collapsed detail per row, with a name the figure pages link to
    assert text.count("::::{dropdown}") == 4 and ":name: claim-c3" in text
    assert "WS Fig. 2: claim 1 \\| piped {bdg-success}`holds`" in text


def test_markdown_pieces():
    from hsr.book.pages import md

    assert md("a_b *c* [d](e) |x| $1 `f`") == ("a\\_b \\*c\\* \\[d\\](e) \\|x\\| \\$1 \\`f\\`")
    assert pages.badge("partly") == "{bdg-warning}`partly`"
    with pytest.raises(ValueError, match="verdict must be one of"):
        pages.badge("maybe")
    assert pages.short("a; b; c", 100) == "a; b; c"
    long = "first clause with numbers 1.5; " + "second " * 30
    assert pages.short(long, 60) == "first clause with numbers 1.5 ..."
    assert (
        pages.short("word " * 40, 30).endswith(" ...") and len(pages.short("word " * 40, 30)) <= 30
    )
    # a row of several statements shows each statement's verdict in one line
    row = _row(5, "HSR", "partly") | {
        "statements": [
            {"id": "a", "says": "tight", "verdict": "holds", "measured": "1"},
            {"id": "b", "says": "skewed", "verdict": "does not hold", "measured": "2"},
        ]
    }
    assert pages.this_run(row) == "tight {bdg-success}`holds` · skewed {bdg-danger}`does not hold`"
    assert pages.this_run(_row(6, "WS", "holds")) == "m"


def test_seed_sets_are_shown_only_when_there_are_several():
    one = _row(1, "WS", "holds")
    assert pages.verdict_cell(one) == "{bdg-success}`holds`"
    assert "seed" not in "\n".join(pages.detail_lines(one))
    assert pages.seed_sets_line({"0": "holds"}, False) == ""
    # a statement no run can check has nothing to compare between the sets
    assert pages.seed_sets_line({"0": "not checkable", "1": "not checkable"}, False) == ""
    assert "set 1" in pages.seed_sets_line({"0": "not checkable", "1": "holds"}, True)
    sets = {
        "0": {"verdict": "holds", "statements": {}},
        "1": {"verdict": "partly", "statements": {}},
    }
    dep = one | {"seed_sets": sets, "seed_dependent": True}
    assert pages.verdict_cell(dep) == "{bdg-success}`holds` {bdg-info}`seed-dependent`"
    detail = "\n".join(pages.detail_lines(dep))
    assert (
        "**Verdict on each seed set.** set 0 {bdg-success}`holds` · set 1 {bdg-warning}`partly` "
        "{bdg-info}`seed-dependent`" in detail
    )
    st = {"id": "a", "says": "s", "verdict": "holds", "measured": "1", "test": "t"}
    row = one | {
        "statements": [
            st | {"seed_verdicts": {"0": "holds", "1": "holds"}, "seed_dependent": False}
        ],
        "seed_sets": sets | {"1": {"verdict": "holds", "statements": {"a": "holds"}}},
        "seed_dependent": False,
    }
    detail = "\n".join(pages.detail_lines(row))
    assert "Seed sets: set 0 {bdg-success}`holds` · set 1 {bdg-success}`holds`" in detail
    assert "seed-dependent" not in detail


def test_sensitivity_tables_mark_the_tests_value_and_show_earlier_readings(tmp_path):
    row = _row(4, "HSR", "partly", "Fig. 13", "hsr-fig13") | {
        "sensitivity": [
            dict(knob="clear_frac", value=0.01, statistic="A 0.03", verdict="holds", chosen=False),
            dict(knob="clear_frac", value=0.05, statistic="A 0.03", verdict="partly", chosen=True),
            dict(knob="whis", value=float("inf"), statistic=2.0, verdict="holds", chosen=False),
        ],
        "earlier": [dict(test="count saddles.", measured="A-SAM 5", verdict="does not hold")],
    }
    text = "\n".join(pages.detail_lines(row))
    assert "*clear\\_frac*\n\n| value | statistic | verdict |\n|---|---|---|" in text
    assert "| **0.05** (the test's value) | A 0.03 | {bdg-warning}`partly` |" in text
    assert "| 0.01 | A 0.03 | {bdg-success}`holds` |" in text
    assert "*whis*" in text and "| inf | 2 | {bdg-success}`holds` |" in text
    assert "**Earlier reading** (published before, not part of the verdict): count saddles." in text
    assert "Verdict then: {bdg-danger}`does not hold`" in text
    assert "How the verdict moves" not in "\n".join(pages.detail_lines(_row(5, "WS", "holds")))
    # the ledger carries the same lines in the row's detail
    ledger = pages.write_ledger(tmp_path, [row | {"paper_says": "q"}]).read_text()
    assert "| **0.05** (the test's value) | A 0.03 | {bdg-warning}`partly` |" in ledger
    assert "**The paper says.** q" in ledger


def test_record_claims_shows_and_returns_nothing(tmp_path, capsys):
    """A cell ending with record_claims leaves no value on the page (the page's head and
    details come from the rows at build time)."""
    from hsr.book import report
    from hsr.claims import Claim

    c = Claim("c1", "WS", "Fig. 2", "x", "r", "m", "t", "holds")
    assert report.record_claims("ws-fig02", [c], outdir=tmp_path) is None
    assert (tmp_path / "ws-fig02.json").exists() and capsys.readouterr().out == ""


def test_provenance(tmp_path):
    empty = pages.write_provenance(tmp_path, {}).read_text()
    assert "No notebook has been run" in empty
    log = {
        "environment": {"python": "3.11.7", "cpu_count": 2},
        "last_run": {
            "profile": "quick",
            "names": ["a", "b"],
            "total_seconds": 125.0,
            "finished": "2026-11-22T00:00:00",
        },
        "notebooks": {
            "a": {"profile": "quick", "seconds": 100.0, "ok": True, "parameters": {"n_seeds": 300}},
            "b": {"profile": "quick", "seconds": 25.0, "ok": False, "parameters": {}},
        },
    }
    text = pages.write_provenance(tmp_path, log, {"seconds": 61.5, "finished": "x"}).read_text()
    assert "Profile **quick**, 2 notebooks, 125.0 s" in text and "(2.1 min)" in text
    assert "| a | quick | 100.0 | yes | n_seeds=300 |" in text
    assert "| b | quick | 25.0 | no | (defaults) |" in text
    assert "took 61.5 s" in text
    assert "| a | quick | 100.0 | yes | n_seeds=300 |\n" in text  # narrow: no command column
    assert "Re-make one page alone, with the same profile: `hsr run <notebook> --profile" in text
    assert pages.notebook_times(log)[2] == (
        "| a | quick | 100.0 | yes | n_seeds=300 | `hsr run a --profile quick` |"
    )
    assert "ran 2 at a time" not in text
    log["last_run"]["jobs"] = 2
    text = pages.write_provenance(tmp_path, log).read_text()
    assert "The notebooks ran 2 at a time (`hsr run --jobs`)" in text
    ranked = pages.notebook_times(
        log | {"notebooks": dict(reversed(log["notebooks"].items()))}, by_time=True
    )
    assert ranked[2].startswith("| a |") and ranked[3].startswith("| b |")
    assert ranked[-1] == "| **all 2** | | **125.0** | | | |"


def test_ensure_mathjax_uses_what_is_there(tmp_path):
    target = tmp_path / "book" / "_vendor" / "mathjax"
    target.mkdir(parents=True)
    (target / "tex-mml-chtml.js").write_text("// vendored")
    assert pages.ensure_mathjax(tmp_path) == target


def test_ensure_mathjax_without_npm_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(pages.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="mathjax@3.2.2"):
        pages.ensure_mathjax(tmp_path)
