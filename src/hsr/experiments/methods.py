"""The training methods the HSR paper compares: names, the papers' labels, kernel codes.

One place for them: training, the kernels, the claims and the plots read them from here.

>>> METHODS
('baseline', 'hsr', 'hessian', 'asam')
>>> [METHOD_LABELS[m] for m in METHODS]
['Baseline', 'HSR Reg.', 'Hessian Reg.', 'A-SAM']
"""

from __future__ import annotations

__all__ = ["METHODS", "METHOD_LABELS", "METHOD_CODES"]

#: the methods, by the names the code uses
METHODS = ("baseline", "hsr", "hessian", "asam")

#: the papers' names of the methods, in the papers' order (HSR Figs. 10-14)
METHOD_LABELS = {
    "baseline": "Baseline",
    "hessian": "Hessian Reg.",
    "asam": "A-SAM",
    "hsr": "HSR Reg.",
}

#: the integer code of each method inside the numba kernels (tests check they match)
METHOD_CODES = {m: i for i, m in enumerate(METHODS)}
