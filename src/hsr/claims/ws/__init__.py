"""The tests of the WS paper's claims, one module per figure (``fig02`` ... ``fig13``; the
norm bounds' rows in ``norm_bounds``), each holding its quote, reading, rule and sensitivity; the
row functions are re-exported here (``hsr.claims.ws.ws_fig07``).

Each function takes the measured arrays, applies the test stated in its docstring (chosen
before the runs, never tuned to the outcome) and returns an :class:`~hsr.claims.ledger.Outcome`:
the ledger row and the numbers behind it for the figure's page.

>>> import numpy as np
>>> t = ws_fig02(ws_upper=np.array([1.0, 2.0, 3.0]), lambda_max=np.array([0.9, 1.5, 2.9]))
>>> t.claim.verdict, round(t.values["median_ratio"], 3)
('holds', 1.111)
"""

from __future__ import annotations

from . import (
    fig01,
    fig02,
    fig03,
    fig04,
    fig05,
    fig06,
    fig07,
    fig08,
    fig09,
    fig10,
    fig11,
    fig12,
    fig13,
    norm_bounds,
)
from .fig01 import ws_fig01
from .fig02 import ws_fig02
from .fig03 import ws_fig03
from .fig04 import ws_fig04
from .fig05 import ws_fig05
from .fig06 import ws_fig06
from .fig07 import ws_fig07, ws_fig07_power
from .fig08 import ws_fig08
from .fig09 import ws_fig09
from .fig10 import ws_fig10
from .fig11 import ws_fig11
from .fig12 import ws_fig12
from .fig13 import ws_fig13
from .norm_bounds import ws_norm_bounds_hold, ws_prop8_psd, ws_thm7_limit

#: the paper's words each row rests on, by row id (every figure module's QUOTES)
QUOTES = {
    **fig01.QUOTES,
    **fig02.QUOTES,
    **fig03.QUOTES,
    **fig04.QUOTES,
    **fig05.QUOTES,
    **fig06.QUOTES,
    **fig07.QUOTES,
    **fig08.QUOTES,
    **fig09.QUOTES,
    **fig10.QUOTES,
    **fig11.QUOTES,
    **fig12.QUOTES,
    **fig13.QUOTES,
    **norm_bounds.QUOTES,
}
#: how each row's test reads them, by row id
READINGS = {
    **fig01.READINGS,
    **fig02.READINGS,
    **fig03.READINGS,
    **fig04.READINGS,
    **fig05.READINGS,
    **fig06.READINGS,
    **fig07.READINGS,
    **fig08.READINGS,
    **fig09.READINGS,
    **fig10.READINGS,
    **fig11.READINGS,
    **fig12.READINGS,
    **fig13.READINGS,
    **norm_bounds.READINGS,
}

__all__ = [
    "QUOTES",
    "READINGS",
    "ws_fig01",
    "ws_fig02",
    "ws_fig03",
    "ws_fig04",
    "ws_fig05",
    "ws_fig06",
    "ws_fig07",
    "ws_fig08",
    "ws_fig09",
    "ws_fig10",
    "ws_fig11",
    "ws_fig12",
    "ws_fig13",
    "ws_fig07_power",
    "ws_norm_bounds_hold",
    "ws_thm7_limit",
    "ws_prop8_psd",
]
