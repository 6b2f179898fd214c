"""hsr.claims.landscape: the row of Theorem 1 (landscape-theorem1), on counts built to hold and
not to hold, and on bad input. (The rows of Fig. 2 are tested with their experiment, in
tests/experiments/landscape/test_landscape.py.)"""

from __future__ import annotations

import pytest

from hsr.claims import landscape as lsc
from hsr.claims.ledger import VERDICTS

#: a counterexample as the page reports it: L = 3, ||W_p|| = 0.5, |x| = 27.9
CEX = dict(cex_L=3, cex_a=0.5, M_x=27.9, cex_gterm=24.3, cex_bound=4.52)


def _row(vr=0, nr=100, vs=0, ns=20, vc=0, **kw):
    return lsc.landscape_theorem1(vr, nr, vs, ns, vc, **{**CEX, **kw})


def test_quote_and_reading():
    assert set(lsc.READINGS) <= {k.split(" (")[0] for k in lsc.QUOTES}
    assert "landscape-theorem1" in lsc.QUOTES and lsc.READINGS["landscape-theorem1"].strip()


def _statement(t) -> dict:
    """The row's one statement; the row's verdict is its verdict."""
    (st,) = t.claim.statements
    assert st["id"] == "landscape-theorem1-bound" and t.claim.sensitivity == ()
    assert st["says"] == "for any object the following inequality holds"
    assert st["says"] in lsc.QUOTES["landscape-theorem1"].text
    assert st["verdict"] == t.verdict
    return st


def test_landscape_theorem1_holds_without_a_violation():
    t = _row()
    c = t.claim
    assert c.id == "landscape-theorem1" and c.paper == "Landscape" and c.verdict in VERDICTS
    assert t.verdict == "holds" and t.values["n_violations"] == 0
    assert c.paper_says.startswith(str(lsc.QUOTES["landscape-theorem1"]) + " (the formulas")
    assert c.reading == lsc.READINGS["landscape-theorem1"]
    st = _statement(t)
    assert [(d["value"], d["verdict"], d["chosen"]) for d in st["sensitivity"]] == [
        ("random networks", "holds", False),
        ("sharp networks", "holds", False),
        ("both", "holds", True),
    ]
    assert c.measured.startswith(
        "0 of 100 (random network, object) pairs and 0 of 20 sharp networks above the bound; "
        "counterexample L = 3, ||W_p|| = 0.5, |x| = 27.9: G-term 24.3 > bound 4.52; "
    )
    assert "holds on every case" in t.values["corrected_note"]
    assert t.values["readings_failing"] is None and t.values["minimum_exceeds"] is None


@pytest.mark.parametrize(("vr", "vs"), [(1, 0), (0, 1), (5, 7)])
def test_landscape_theorem1_one_counterexample_refutes_it(vr, vs):
    t = _row(vr=vr, vs=vs)
    assert t.verdict == "does not hold" and t.values["n_violations"] == vr + vs
    sens = {d["value"]: (d["statistic"], d["verdict"]) for d in _statement(t)["sensitivity"]}
    assert sens["random networks"] == (
        f"{vr} violations",
        "holds" if vr == 0 else "does not hold",
    )
    assert sens["sharp networks"][1] == ("holds" if vs == 0 else "does not hold")
    assert sens["both"] == (f"{vr + vs} violations", "does not hold")


def _readings(counts):
    """theorem1_readings-like rows with the given violation counts, in READINGS' order."""
    from hsr.experiments.landscape.audit import READINGS

    return [
        dict(
            hessian=h,
            L_counts=c,
            n_cases=10,
            n_violations=n,
            worst_ratio=2.0,
            witness_L=3,
            witness_a=0.5,
        )
        for (h, c), n in zip(READINGS, counts, strict=True)
    ]


MINIMUM = dict(loss_gap=0.0, grad_backprop=0.0, grad_fd=5e-12, gterm=24.3, paper_bound=4.52)
AUDIT = dict(n_nets=3000, n_pairs=12000, exceed_per_object=0, exceed_bound=0)


def test_landscape_theorem1_every_reading_and_the_trained_minimum():
    t = _row(vs=3, readings=_readings([3, 5, 1, 2]), minimum=MINIMUM, audit=AUDIT)
    st = _statement(t)
    assert t.verdict == "does not hold" and t.values["readings_failing"] == (4, 4)
    by = {(d["knob"], d["value"]): d for d in st["sensitivity"]}
    rk = "reading of Theorem 1 (H_i; what L counts)"
    paper = by[(rk, "G-term; L = weight matrices")]
    assert paper["chosen"] and paper["verdict"] == "does not hold"
    assert by[(rk, "full Hessian; L = num_layers")]["statistic"] == "2 of 10 sharp networks above"
    trained = by[
        (
            "restricted to trained minima",
            "the counterexample as a global minimum of {(x, 0), (x, 1)}",
        )
    ]
    assert trained["verdict"] == "does not hold" and not trained["chosen"]
    assert t.values["minimum_exceeds"] is True
    assert "4 of 4 fail" in st["measured"] and "global minimum" in st["measured"]
    assert "3,000 random networks" in st["measured"]
    # a reading under which no sharp network fails, and a minimum below the bound: each says so
    t = _row(vs=3, readings=_readings([3, 0, 1, 2]), minimum=dict(MINIMUM, gterm=1.0))
    by = {(d["knob"], d["value"]): d["verdict"] for d in _statement(t)["sensitivity"]}
    assert by[(rk, "full Hessian; L = weight matrices")] == "holds"
    assert t.values["readings_failing"] == (3, 4) and t.values["minimum_exceeds"] is False
    assert t.verdict == "does not hold"  # the statement: every network tested, any violation
    # the corrected bound failing on the random audit is reported
    bad = _row(audit=dict(AUDIT, exceed_bound=2))
    assert bad.values["corrected_note"].startswith("The corrected bound FAILS on 2")
    with pytest.raises(ValueError, match="readings must be"):
        _row(readings=[{"hessian": "G-term"}])
    with pytest.raises(ValueError, match="minimum must be"):
        _row(minimum={"gterm": 1.0})
    with pytest.raises(ValueError, match="audit must be"):
        _row(audit={"n_nets": 3})


def test_landscape_theorem1_reports_a_failing_corrected_bound():
    t = _row(vs=3, vc=2)
    assert (
        t.values["corrected_note"] == "The corrected bound FAILS on 2 case(s): the proof is wrong."
    )
    assert "never exceeded (2 violations)" in t.claim.measured


def test_landscape_theorem1_bad_input():
    with pytest.raises(ValueError, match="violations_random must be an integer >= 0"):
        _row(vr=-1)
    with pytest.raises(ValueError, match="n_random must be an integer >= 5"):
        _row(vr=5, nr=4)  # more violations than pairs
    with pytest.raises(ValueError, match="n_sharp must be an integer >= 3"):
        _row(vs=3, ns=2)
    with pytest.raises(ValueError, match="violations_corrected"):
        _row(vc=1.5)
    with pytest.raises(ValueError, match="cex_L must be an integer >= 1"):
        _row(cex_L=0)
    with pytest.raises(ValueError, match="cex_a must be a positive number"):
        _row(cex_a=0.0)
    with pytest.raises(ValueError, match="cex_gterm must be a finite real number"):
        _row(cex_gterm=float("nan"))
