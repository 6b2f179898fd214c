"""report: claim rows, their files, gathering, verdict rules, gluing."""

from __future__ import annotations

import json

import pytest

from hsr import report


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
    return report.Claim(**{**base, **kw})


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
    assert report.verdict_from_fraction(0.95) == "holds"
    assert report.verdict_from_fraction(0.949) == "partly"
    assert report.verdict_from_fraction(0.49) == "does not hold"
    assert report.verdict_from_pvalue(0.009) == "holds"
    assert report.verdict_from_pvalue(0.03) == "partly"
    assert report.verdict_from_pvalue(0.2) == "does not hold"
    assert report.verdict_from_pvalue(1e-9, direction_ok=False) == "does not hold"
    assert report.verdict_from_count(105, 100) == "holds"
    assert report.verdict_from_count(120, 100) == "partly"
    assert report.verdict_from_count(60, 100) == "does not hold"


def test_fmt_and_glue(monkeypatch):
    assert report.fmt(1234567) == "1,234,567"
    assert report.fmt(0.000123456) == "0.000123"
    assert report.fmt(3.14159, 2) == "3.1"
    glued = {}
    import myst_nb

    monkeypatch.setattr(myst_nb, "glue", lambda name, v, display: glued.update({name: v}))
    import numpy as np

    assert report.glue("a", np.float64(0.5)) == 0.5 and type(glued["a"]) is float
    assert report.glue("b", np.int64(3)) == 3 and type(glued["b"]) is int
    assert report.glue("c", np.float64(0.123456), 2) == "0.12"
    assert report.glue("d", "holds") == "holds"
