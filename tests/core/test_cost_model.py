"""The rule behind ``method="auto"`` of tr(H^2) and its gradient: the form with the lower
predicted time, from a cost model with every term of each form.

Issue 21: the rule weighed the pairwise form as N^2 h only, but it also computes the inputs'
Gram matrix (N^2 (d + 1), once per call) and does O(N^2) elementwise work per network, neither
of which shrinks with h; at d = 100, h = 1, N = 1000 "auto" took the pairwise form, measured
at 32.5 ms against 1.9 ms assembled (gradient: 51 ms against 3.2 ms). Nothing is timed here:
the constants are measured by ``benchmarks/bench_gradients.py``; these tests check the rule
against the model's own terms, written out again below, on a grid that includes large d and
small h.
"""

from __future__ import annotations

import itertools

import pytest

import hsr
from hsr.core import traces
from hsr.core.traces import (
    COST_SECONDS,
    choose_trace_squared_method,
    cost_terms,
    trace_squared_costs,
)

GRID = list(
    itertools.product(
        (1, 64),  # B
        (1, 10, 30, 100, 300, 1000, 3000),  # N
        (1, 2, 30, 100),  # d_in
        (1, 3, 10, 30, 100),  # d_hidden
    )
)
TERMS = {
    "pairwise_call",
    "pairwise_gram",
    "pairwise_pairs",
    "pairwise_hidden",
    "pairwise_samples",
    "assembled_call",
    "assembled_hessian",
    "assembled_blocks",
    "assembled_square",
    "assembled_samples",
}


def predicted(B, N, d, h):
    """Each form's predicted seconds, written out from the documented terms."""
    c = COST_SECONDS
    n = h * (d + 2) + 1
    pairwise = c["pairwise_call"] + c["pairwise_gram"] * N * N * (d + 1)
    pairwise += B * (
        c["pairwise_pairs"] * N * N
        + c["pairwise_hidden"] * N * N * h
        + c["pairwise_samples"] * N * n
    )
    assembled = c["assembled_call"] + B * (
        c["assembled_hessian"] * N * n * n
        + c["assembled_blocks"] * N * h * (d + 1) ** 2
        + c["assembled_square"] * n * n
        + c["assembled_samples"] * N * n
    )
    return pairwise, assembled


def test_every_term_is_in_the_model_with_a_positive_constant():
    assert set(COST_SECONDS) == TERMS
    assert set(cost_terms(10, hsr.Net(2, 3), 4)) == TERMS
    assert all(v > 0 for v in COST_SECONDS.values()), COST_SECONDS


@pytest.mark.parametrize("B, N, d, h", GRID)
def test_auto_picks_the_form_the_model_predicts_faster(B, N, d, h):
    net = hsr.Net(d, h)
    pairwise, assembled = predicted(B, N, d, h)
    cost = trace_squared_costs(N, net, B)
    assert cost["pairwise"] == pytest.approx(pairwise, rel=1e-12)
    assert cost["assembled"] == pytest.approx(assembled, rel=1e-12)
    want = "pairwise" if pairwise <= assembled else "assembled"
    assert choose_trace_squared_method(N, net, B) == want


def test_the_pairwise_terms_that_do_not_shrink_with_h():
    """The pairwise form pays N^2 (d + 1) for the Gram matrix and N^2 per network whatever h
    is: at d = 100, h = 1, N = 1000 these two terms alone cost more than the whole assembled
    form."""
    small, wide = cost_terms(1000, hsr.Net(2, 1)), cost_terms(1000, hsr.Net(100, 1))
    assert wide["pairwise_gram"] - small["pairwise_gram"] == 1000**2 * 98
    assert wide["pairwise_pairs"] == small["pairwise_pairs"] == 1000**2
    n2_terms = sum(COST_SECONDS[k] * wide[k] for k in ("pairwise_gram", "pairwise_pairs"))
    assert n2_terms > trace_squared_costs(1000, hsr.Net(100, 1))["assembled"]


# the benchmark's measured winners, each by at least 1.5x in every run (benchmarks/RESULTS.md,
# sections 1 and 1c): (N, d_in, d_hidden, B) -> the faster form
MEASURED = {
    (1000, 100, 1, 1): "assembled",  # issue 21's case: pairwise about 12-17x slower
    (1000, 2, 3, 1): "assembled",
    (3000, 2, 3, 1): "assembled",
    (300, 2, 3, 1): "assembled",
    (100, 2, 3, 256): "assembled",
    (300, 2, 3, 64): "assembled",
    (10, 2, 3, 1): "pairwise",
    (10, 2, 30, 1): "pairwise",
    (30, 2, 30, 1): "pairwise",
    (10, 2, 30, 64): "pairwise",
    (100, 100, 3, 1): "pairwise",  # n = 307: the assembled form's n^2 terms
    (300, 100, 3, 1): "pairwise",
}


@pytest.mark.parametrize("cell", sorted(MEASURED))
def test_auto_agrees_with_the_measured_winner(cell):
    N, d, h, B = cell
    assert choose_trace_squared_method(N, hsr.Net(d, h), B) == MEASURED[cell]


def test_auto_is_what_the_public_functions_use(monkeypatch):
    """``method="auto"`` resolves through choose_trace_squared_method (so the rule tested above
    is the one that runs)."""
    seen = []
    real = traces.choose_trace_squared_method

    def spy(N, net, B=1):
        seen.append((N, net.d_in, net.d_hidden, B))
        return real(N, net, B)

    monkeypatch.setattr(traces, "choose_trace_squared_method", spy)
    net = hsr.Net(3, 1)
    X, y = [[0.0, 1.0, 2.0], [1.0, 0.0, -1.0]], [0, 1]
    hsr.trace_hessian_squared(net, [0.1] * net.n_params, X, y)
    assert seen == [(2, 3, 1, 1)]
