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
    ]
    text = pages.write_ledger(tmp_path, rows).read_text()
    assert "3 claims; 1 hold, 1 partly hold, 1 do not hold" in text
    assert "## WS paper" in text and "## HSR paper" in text
    assert "[Fig. 12](hsr-fig12.ipynb)" in text
    assert "claim 1 \\| piped" in text  # a pipe cannot break the table
    assert text.count("\n| [Fig.") == 3


def test_sensitivity_markdown_marks_the_tests_value_and_shows_earlier_readings(tmp_path):
    row = _row(4, "HSR", "partly", "Fig. 13", "hsr-fig13") | {
        "sensitivity": [
            dict(knob="clear_frac", value=0.01, statistic="A 0.03", verdict="holds", chosen=False),
            dict(knob="clear_frac", value=0.05, statistic="A 0.03", verdict="partly", chosen=True),
            dict(knob="whis", value=float("inf"), statistic=2.0, verdict="holds", chosen=False),
        ],
        "earlier": [dict(test="count saddles.", measured="A-SAM 5", verdict="does not hold")],
    }
    text = pages.sensitivity_markdown(row)
    assert text.startswith("**How the verdict of `c4` moves with the test's choices**")
    assert "| clear_frac | 0.05 (the test's value) | A 0.03 | partly |" in text
    assert "| clear_frac | 0.01 | A 0.03 | holds |" in text
    assert "| whis | inf | 2 | holds |" in text
    assert "**Earlier reading** (published before, not part of the verdict): count saddles." in text
    assert "Verdict then: **does not hold**" in text
    assert pages.sensitivity_markdown(_row(5, "WS", "holds")) == ""
    # the ledger page carries the same lines under the row's quote and reading
    ledger = pages.write_ledger(tmp_path, [row | {"paper_says": "q"}]).read_text()
    assert "| clear_frac | 0.05 (the test's value) | A 0.03 | partly |" in ledger


def test_record_claims_shows_nothing_outside_a_kernel(tmp_path, capsys):
    from hsr.book import report
    from hsr.claims import Claim

    c = Claim("c1", "WS", "Fig. 2", "x", "r", "m", "t", "holds")
    report.record_claims("ws-fig02", [c], outdir=tmp_path)
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
    assert "| a | quick | 100.0 | yes | n_seeds=300 | `hsr run a --profile quick` |" in text
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
