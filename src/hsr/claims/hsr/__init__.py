"""The tests of the HSR paper's claims, one module per figure (``fig02`` ... ``fig15``), each
holding its quote, reading, rule and sensitivity; the row functions are re-exported here
(``hsr.claims.hsr.hsr_fig13``).

Each function takes the measured arrays, applies the tests stated in its docstring (chosen
before the runs, never tuned to the outcome) and returns an :class:`~hsr.claims.ledger.Outcome`:
the ledger row and the numbers behind it for the figure's page. Every row carries the
sentences of the paper it rests on (:data:`QUOTES`, verbatim, with the section), how its tests
read them (:data:`READINGS`), and the statements of the passage
(:class:`~hsr.claims.ledger.Statement`), each with its own verdict, test and sensitivity: its
verdict re-computed from the same arrays over a range of each threshold or free choice of its
test (:func:`hsr.claims.sensitivity.series`); a judgement, explanation or conclusion no run
can check is listed as such, with why. The row's verdict combines the checkable statements'
(:func:`hsr.claims.statement_row`).
"""

from __future__ import annotations

from . import (
    fig02,
    fig03,
    fig04,
    fig05,
    fig06,
    fig07,
    fig09,
    fig10,
    fig11,
    fig12,
    fig13,
    fig14,
    fig15,
)
from ._shared import ALPHAS
from .fig02 import hsr_fig02
from .fig03 import hsr_fig03
from .fig04 import hsr_fig04, sample_steering
from .fig05 import hsr_fig05
from .fig06 import hsr_fig06
from .fig07 import hsr_fig07
from .fig09 import hsr_fig09
from .fig10 import hsr_fig10
from .fig11 import hsr_fig11
from .fig12 import hsr_fig12
from .fig13 import hsr_fig13, saddle_depth
from .fig14 import hsr_fig14
from .fig15 import hsr_fig15

#: the paper's words each row rests on, by row id (every figure module's QUOTES)
QUOTES = {
    **fig02.QUOTES,
    **fig03.QUOTES,
    **fig04.QUOTES,
    **fig05.QUOTES,
    **fig06.QUOTES,
    **fig07.QUOTES,
    **fig09.QUOTES,
    **fig10.QUOTES,
    **fig11.QUOTES,
    **fig12.QUOTES,
    **fig13.QUOTES,
    **fig14.QUOTES,
    **fig15.QUOTES,
}
#: how each row's test reads them, by row id
READINGS = {
    **fig02.READINGS,
    **fig03.READINGS,
    **fig04.READINGS,
    **fig05.READINGS,
    **fig06.READINGS,
    **fig07.READINGS,
    **fig09.READINGS,
    **fig10.READINGS,
    **fig11.READINGS,
    **fig12.READINGS,
    **fig13.READINGS,
    **fig14.READINGS,
    **fig15.READINGS,
}

__all__ = [
    "QUOTES",
    "READINGS",
    "hsr_fig02",
    "hsr_fig03",
    "hsr_fig04",
    "hsr_fig05",
    "hsr_fig06",
    "hsr_fig07",
    "hsr_fig09",
    "hsr_fig10",
    "hsr_fig11",
    "hsr_fig12",
    "hsr_fig13",
    "hsr_fig14",
    "hsr_fig15",
    "sample_steering",
    "saddle_depth",
    "ALPHAS",
]
