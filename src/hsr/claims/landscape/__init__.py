"""The tests of the landscape paper's claims (Kiselev et al., "Unraveling the Hessian"): one
module per figure or theorem (``fig02``: convergence, rate, depth and width; ``theorem1``), each
holding its quote, reading, rule and sensitivity; the row functions are re-exported here.
"""

from __future__ import annotations

from . import fig02, theorem1
from .fig02 import (
    FIG,
    RHO_MIN,
    RHO_MIN_EARLIER,
    authors_order_test,
    bound_test,
    convergence_test,
    landscape_convergence,
    landscape_depth_width,
    landscape_rate,
    order_rule,
    order_test,
    rate_test,
)
from .theorem1 import landscape_theorem1

#: the paper's words each row rests on, by row id (every figure module's QUOTES)
QUOTES = {**fig02.QUOTES, **theorem1.QUOTES}
#: how each row's test reads them, by row id
READINGS = {**fig02.READINGS, **theorem1.READINGS}

__all__ = [
    "QUOTES",
    "READINGS",
    "convergence_test",
    "rate_test",
    "bound_test",
    "order_rule",
    "order_test",
    "authors_order_test",
    "landscape_convergence",
    "landscape_rate",
    "landscape_depth_width",
    "landscape_theorem1",
    "FIG",
    "RHO_MIN",
    "RHO_MIN_EARLIER",
]
