"""report: claim rows, their files, gathering, verdict rules, gluing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hsr import claims
from hsr.book import report


def _claim(**kw):
    base = dict(
        id="ws-fig02-tight",
        paper="WS",
        figure="Fig. 2",
        claim="the bound is tight",
        paper_reports="tight",
        measured="median ratio 1.02",
        test="ratio < 2",
        verdict="holds",
    )
    return claims.Claim(**{**base, **kw})


def test_record_and_gather(tmp_path):
    report.record_claims("ws-fig02", [_claim()], outdir=tmp_path)
    report.record_claims(
        "hsr-fig12",
        [_claim(id="hsr-fig12-a", paper="HSR", figure="Fig. 12", verdict="partly")],
        outdir=tmp_path,
    )
    report.record_claims("ws-fig10", [_claim(id="ws-fig10-b", figure="Fig. 10")], outdir=tmp_path)
    rows = report.gather_claims(tmp_path)
    assert [r["id"] for r in rows] == ["ws-fig02-tight", "ws-fig10-b", "hsr-fig12-a"]
    assert rows[0]["notebook"] == "ws-fig02"
    # recording again replaces the notebook's rows
    report.record_claims("ws-fig02", [_claim(verdict="does not hold")], outdir=tmp_path)
    rows = json.loads((tmp_path / "ws-fig02.json").read_text())
    assert len(rows) == 1 and rows[0]["verdict"] == "does not hold"


def _compound(verdicts, id="hsr-fig13"):
    parts = [
        _claim(id=f"s{i}", paper="HSR", figure="Fig. 13", claim=f"part {i}", verdict=v)
        for i, v in enumerate(verdicts, 1)
    ]
    return claims.merge_claims(parts, id, "two parts")


def test_gather_attaches_the_fresh_seed_sets(tmp_path):
    """Rows of seed-sets/<k>/ are not rows of their own: each main row gets its verdict on
    every set, per statement too, and is marked seed-dependent where a verdict differs."""
    report.record_claims("ws-fig02", [_claim()], outdir=tmp_path)
    report.record_claims("hsr-fig13", [_compound(["holds", "does not hold"])], outdir=tmp_path)
    # no seed-sets folder: today's single set, rows unchanged
    rows = report.gather_claims(tmp_path)
    assert [r["id"] for r in rows] == ["ws-fig02-tight", "hsr-fig13"]
    assert all("seed_sets" not in r and "seed_dependent" not in r for r in rows)
    assert all("seed_verdicts" not in st for st in rows[1]["statements"])
    sets = tmp_path / report.SEED_SETS
    report.record_claims("ws-fig02", [_claim()], outdir=sets / "1")
    report.record_claims("hsr-fig13", [_compound(["holds", "holds"])], outdir=sets / "1")
    report.record_claims("ws-fig02", [_claim()], outdir=sets / "2")
    report.record_claims("hsr-fig13", [_compound(["holds", "does not hold"])], outdir=sets / "2")
    rows = report.gather_claims(tmp_path)
    assert [r["id"] for r in rows] == ["ws-fig02-tight", "hsr-fig13"]  # no row added
    ws, h = rows
    assert ws["seed_sets"] == {k: {"verdict": "holds", "statements": {}} for k in "012"}
    assert ws["seed_dependent"] is False
    assert [h["seed_sets"][k]["verdict"] for k in "012"] == ["partly", "holds", "partly"]
    assert h["seed_sets"]["1"]["statements"] == {"s1": "holds", "s2": "holds"}
    assert h["seed_dependent"] is True
    s1, s2 = h["statements"]
    assert s1["seed_verdicts"] == {"0": "holds", "1": "holds", "2": "holds"}
    assert s1["seed_dependent"] is False
    assert s2["seed_verdicts"] == {"0": "does not hold", "1": "holds", "2": "does not hold"}
    assert s2["seed_dependent"] is True
    # a set without the row: the row shows the sets that have it
    (sets / "2" / "hsr-fig13.json").unlink()
    h = report.gather_claims(tmp_path)[1]
    assert list(h["seed_sets"]) == ["0", "1"] and h["statements"][1]["seed_verdicts"] == {
        "0": "does not hold",
        "1": "holds",
    }
    with pytest.raises(ValueError, match="fresh seed sets only"):
        report.attach_seed_sets(rows, {"0": rows})


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"verdict": "yes"}, "verdict must be one of"),
        ({"paper": "XX"}, "paper must be"),
        ({"claim": ""}, "claim must be a non-empty string"),
    ],
)
def test_bad_claims(kw, match):
    with pytest.raises(ValueError, match=match):
        _claim(**kw)


def test_verdict_rules():
    assert claims.verdict_from_fraction(0.95) == "holds"
    assert claims.verdict_from_fraction(0.949) == "partly"
    assert claims.verdict_from_fraction(0.49) == "does not hold"
    assert claims.verdict_from_pvalue(0.009) == "holds"
    assert claims.verdict_from_pvalue(0.03) == "partly"
    assert claims.verdict_from_pvalue(0.2) == "does not hold"
    assert claims.verdict_from_pvalue(1e-9, direction_ok=False) == "does not hold"
    assert claims.verdict_from_count(105, 100) == "holds"
    assert claims.verdict_from_count(120, 100) == "partly"
    assert claims.verdict_from_count(60, 100) == "does not hold"


def test_fmt_and_glue(monkeypatch):
    assert claims.fmt(1234567) == "1,234,567"
    assert claims.fmt(0.000123456) == "0.000123"
    assert claims.fmt(3.14159, 2) == "3.1"
    glued = {}
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, v, display: glued.update({name: v}))
    import numpy as np

    # glue returns nothing: a cell ending with it leaves no value on the page
    assert report.glue("a", np.float64(0.5)) is None
    assert glued["a"] == 0.5 and type(glued["a"]) is float
    report.glue("b", np.int64(3))
    assert glued["b"] == 3 and type(glued["b"]) is int
    report.glue("c", np.float64(0.123456), 2)
    report.glue("d", "holds")
    assert (glued["c"], glued["d"]) == ("0.12", "holds")
    assert report.glued_value(np.float64(0.123456), 2) == "0.12"


# ----- compound claims and the completeness of the ledger ---------------------------------------
SPEC = Path(__file__).resolve().parents[2] / "book" / "spec" / "FIGURES.md"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "FIGURES.md"


def _part(i, verdict, figure="Fig. 9"):
    return claims.Claim(
        id=f"p{i}",
        paper="HSR",
        figure=figure,
        claim=f"part {i}",
        paper_reports=f"r{i}",
        measured=f"m{i}",
        test=f"t{i}",
        verdict=verdict,
    )


@pytest.mark.parametrize(
    "verdicts, expected",
    [
        (["holds"], "holds"),
        (["holds", "holds", "holds"], "holds"),
        (["holds", "partly"], "partly"),
        (["holds", "does not hold"], "partly"),
        (["partly", "partly"], "partly"),
        (["partly", "does not hold"], "partly"),
        (["does not hold", "does not hold"], "does not hold"),
    ],
)
def test_combine_verdicts(verdicts, expected):
    assert claims.combine_verdicts(verdicts) == expected


@pytest.mark.parametrize("bad, match", [([], "at least one"), (["maybe"], "verdicts must be")])
def test_combine_verdicts_rejects(bad, match):
    with pytest.raises(ValueError, match=match):
        claims.combine_verdicts(bad)


def test_merge_claims_keeps_the_parts(tmp_path):
    row = claims.merge_claims([_part(1, "holds"), _part(2, "does not hold")], "x", "a; b")
    assert (row.id, row.paper, row.figure, row.claim) == ("x", "HSR", "Fig. 9", "a; b")
    assert row.verdict == "partly"
    assert [p["verdict"] for p in row.statements] == ["holds", "does not hold"]
    assert "(part 1) m1 [holds]" in row.measured and "(part 2) m2 [does not hold]" in row.measured
    assert "t1" in row.test and "t2" in row.test
    assert report.record_claims("nb", [row], outdir=tmp_path) is None  # no value on the page
    back = json.loads((tmp_path / "nb.json").read_text())[0]
    assert back["statements"][1]["measured"] == "m2"
    with pytest.raises(ValueError, match="one paper and figure"):
        claims.merge_claims([_part(1, "holds"), _part(2, "holds", "Fig. 2")], "x", "y")
    with pytest.raises(ValueError, match="at least one"):
        claims.merge_claims([], "x", "y")


def test_paper_claims_reads_every_claim_of_the_spec():
    expected = claims.paper_claims(SPEC.read_text())
    ids = [e.id for e in expected]
    assert len(ids) == len(set(ids)) == 36
    # WS: all 13 figures carry a claim; HSR: every figure but 1 and 8 (empty claim cells)
    assert [i for i in ids if i.startswith("ws-fig")] == [f"ws-fig{k:02d}" for k in range(1, 14)]
    hsr_ids = [f"hsr-fig{k:02d}" for k in range(2, 16) if k != 8]
    assert [i for i in ids if i.startswith("hsr-fig")] == hsr_ids
    counts = {e.id: e.count for e in expected if e.count is not None}
    assert counts == {
        "count-ws-h3-converged": 460,
        "count-ws-h3-unique": 353,
        "count-ws-h3-low": 317,
        "count-ws-h3-high": 36,
        "count-ws-h10-converged": 453,
        "count-ws-h10-unique": 420,
        "count-hsr-converged": 2799,
        "count-hsr-unique": 1124,
        "count-hsr-sharp": 113,
        "count-hsr-flat": 113,
    }
    fig9 = next(e for e in expected if e.id == "hsr-fig09")
    assert (fig9.paper, fig9.figure) == ("HSR", "Fig. 9")
    assert fig9.claim == "tight bound; skewed; defines Flat and Sharp seeds"


@pytest.mark.skipif(not SHARED.is_file(), reason="the project's shared/FIGURES.md is not beside")
def test_spec_is_the_projects_figures_md():
    assert SPEC.read_text() == SHARED.read_text()


def _rows_for(expected):
    rows = []
    for e in expected:
        rows.append(
            {
                "id": e.id,
                "paper": e.paper,
                "figure": e.figure or "App. C",
                "claim": e.claim,
                "paper_reports": f"{e.count:,} of 500 seeds" if e.count is not None else "r",
                "measured": "m",
                "test": "t",
                "verdict": "holds",
            }
        )
    return rows


def test_check_ledger_finds_every_kind_of_gap():
    expected = claims.paper_claims(SPEC.read_text())
    rows = _rows_for(expected)
    assert claims.check_ledger(rows, expected) == []
    missing = [r for r in rows if r["id"] != "ws-fig05"]
    assert any("ws-fig05: no row" in p for p in claims.check_ledger(missing, expected))
    doubled = rows + [dict(rows[3])]
    assert any("2 rows" in p for p in claims.check_ledger(doubled, expected))
    extra = rows + [dict(rows[0], id="ws-fig05-tracks")]
    assert any("for no claim" in p for p in claims.check_ledger(extra, expected))
    bad = [dict(r, verdict="maybe") if r["id"] == "hsr-fig13" else r for r in rows]
    assert any("hsr-fig13: verdict" in p for p in claims.check_ledger(bad, expected))
    moved = [dict(r, figure="Fig. 3") if r["id"] == "ws-fig02" else r for r in rows]
    assert any("ws-fig02: row is WS Fig. 3" in p for p in claims.check_ledger(moved, expected))
    wrong = [
        dict(r, paper_reports="461 of 500") if r["id"] == "count-ws-h3-converged" else r
        for r in rows
    ]
    assert any("paper's count 460" in p for p in claims.check_ledger(wrong, expected))


def test_write_table(tmp_path, monkeypatch):
    monkeypatch.setenv("HSR_DATA_DIR", str(tmp_path / "d"))
    path = report.write_table("t", [{"a": 1, "b": "x"}, {"a": 2.5, "b": "y, z"}])
    assert path == tmp_path / "d" / "t.csv"
    assert path.read_text().splitlines() == ["a,b", "1,x", '2.5,"y, z"']
    with pytest.raises(ValueError, match="at least one row"):
        report.write_table("t", [])
    with pytest.raises(ValueError, match="same keys"):
        report.write_table("t", [{"a": 1}, {"b": 2}])
