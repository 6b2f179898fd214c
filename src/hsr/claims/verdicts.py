"""The headline claims: the six claims the robustness page re-tests over the blank constants.

The tests themselves live with the other claims of their paper (:mod:`hsr.claims.ws`,
:mod:`hsr.claims.hsr`); the figure notebooks and the robustness grid call the same
functions, so a verdict means the same thing on every page.

>>> import numpy as np
>>> t = ws_fig02(ws_upper=np.array([1.0, 2.0, 3.0]), lambda_max=np.array([0.9, 1.5, 2.9]))
>>> t.claim.verdict, round(t.values["median_ratio"], 3)
('holds', 1.111)
"""

from __future__ import annotations

from .hsr import hsr_fig09, hsr_fig12, hsr_fig14
from .ledger import Outcome, weaker
from .ws import ws_fig02, ws_fig07, ws_fig11

__all__ = [
    "Outcome",
    "HEADLINE",
    "ws_fig02",
    "ws_fig07",
    "ws_fig11",
    "hsr_fig09",
    "hsr_fig12",
    "hsr_fig14",
    "weaker",
]

#: the headline claims of the robustness page, by ledger id
HEADLINE = ("ws-fig02", "ws-fig07", "ws-fig11", "hsr-fig09", "hsr-fig12", "hsr-fig14")
