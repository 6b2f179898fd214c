"""Helpers shared by the HSR paper's claim modules: per-method arrays, the significance levels
every p-value rule is re-applied at, and the ledger row made of its statements (:func:`row`,
:func:`statement`, :func:`uncheckable`, :func:`said`, :func:`share_of_methods`).
"""

from __future__ import annotations

from ...core._checks import (
    finite_vector,
    real_array,
    same_length,
)
from ..ledger import (
    UNCHECKABLE,
    Claim,
    Statement,
    statement_row,
)
from ..ledger import verdict_from_fraction as _frac

__all__ = [
    "ALPHAS",
    "NAN",
    "method_values",
    "method_arrays",
    "REGULARIZERS",
    "statement",
    "uncheckable",
    "row_quotes",
    "said",
    "row",
    "share_of_methods",
]

NAN = float("nan")


#: the significance levels every p-value rule is re-applied at (the papers use 1%)
ALPHAS = (0.001, 0.005, 0.01, 0.02, 0.05)

#: the three methods that control the eigenvalues (HSR Section VI-B), in the papers' order
REGULARIZERS = ("hessian", "asam", "hsr")


def share_of_methods(n_ok: int, n: int = 3) -> str:
    """The verdict of a statement said of each of ``n`` methods ("the three methods ..."), from
    the number ``n_ok`` for which it holds: all holds, at least 60% (two of three) partly,
    fewer does not hold (the rule of HSR Fig. 10 as published).

    >>> share_of_methods(3), share_of_methods(2), share_of_methods(1)
    ('holds', 'partly', 'does not hold')
    """
    return _frac(n_ok / n, holds_at=1.0, partly_at=0.6)


# ----- a row made of its statements ----------------------------------------------------------
def statement(
    sid: str, says: str, verdict: str, measured: str, test: str, paper_reports="", sensitivity=()
) -> Statement:
    """A checked statement of a row's quote (``says``: its words, verbatim from the quote
    except for ``[...]``, symbols the extracted text lost, and ``...``, words left out)."""
    return Statement(
        sid,
        says,
        verdict,
        measured=measured,
        test=test,
        paper_reports=paper_reports,
        sensitivity=tuple(sensitivity),
    )


def uncheckable(sid: str, says: str, why: str, paper_reports="") -> Statement:
    """A statement of a row's quote that no run can check (a judgement, an explanation, a
    name), with the reason."""
    return Statement(sid, says, UNCHECKABLE, why=why, paper_reports=paper_reports)


def row_quotes(rid: str, quotes: dict) -> list:
    """The quotes of row ``rid`` in ``quotes``: ``quotes[rid]`` and every ``quotes[rid +
    " (...)"]`` (a further passage the row rests on), in the module's order."""
    return [q for k, q in quotes.items() if k == rid or k.startswith(rid + " (")]


def said(rid: str, quotes: dict) -> str:
    """``paper_says`` of row ``rid``: its quotes, joined."""
    return "; ".join(str(q) for q in row_quotes(rid, quotes))


def row(
    rid: str,
    figure: str,
    claim: str,
    paper_reports: str,
    statements,
    quotes: dict,
    readings: dict,
    earlier=(),
) -> Claim:
    """The ledger row ``rid`` of the HSR paper made of its ``statements``
    (:func:`hsr.claims.ledger.statement_row`), with its quotes and reading from the figure
    module's ``quotes`` and ``readings``; ``earlier``: the readings published before where a
    test was changed."""
    return statement_row(
        rid,
        "HSR",
        figure,
        claim,
        paper_reports,
        statements,
        said(rid, quotes),
        readings[rid],
        earlier,
    )


def method_values(name: str, by_method: dict, need) -> dict:
    if not isinstance(by_method, dict):
        raise ValueError(f"{name} must be a dict of method -> array")
    missing = [m for m in need if m not in by_method]
    if missing:
        raise ValueError(f"{name} must hold the methods {list(need)}, missing {missing}")
    out = {m: finite_vector(f"{name}[{m!r}]", v, 1) for m, v in by_method.items()}
    same_length(**{f"{name}[{m!r}]": v for m, v in out.items()})
    return out


# ----- argument checks of the comparison's arrays (Figs. 10-15) ----------------------------------
def method_arrays(name: str, by_method: dict, need, ndim: int = 1) -> dict:
    """``by_method`` (method -> array) as float arrays of ``ndim`` dimensions and one shape,
    holding at least the methods ``need``. Non-finite entries are allowed (a diverged run's
    statistics); the tests drop or propagate them as the notebooks always did."""
    if not isinstance(by_method, dict) or not by_method:
        raise ValueError(f"{name} must be a non-empty dict of method -> array")
    missing = [m for m in need if m not in by_method]
    if missing:
        raise ValueError(f"{name} must hold the methods {list(need)}, missing {missing}")
    out = {m: real_array(f"{name}[{m!r}]", v) for m, v in by_method.items()}
    for m, v in out.items():
        if v.ndim != ndim or v.shape[0] < 1:
            raise ValueError(
                f"{name}[{m!r}] must be {ndim}-D with at least one seed, got shape {v.shape}"
            )
    if len({v.shape for v in out.values()}) > 1:
        raise ValueError(
            f"{name} must hold arrays of one shape, got { ({m: v.shape for m, v in out.items()}) }"
        )
    return out
