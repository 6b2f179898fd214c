"""How a claim's verdict depends on the free choices of its test: a row's ``sensitivity``.

For every threshold or free choice of a test (a fraction, a significance level, a
tolerance, a margin), :func:`series` re-applies the test's rule over a range of that knob,
the chosen value included and marked, to the same measured arrays.

>>> s = series("alpha", [0.001, 0.05], 0.01, lambda a: (0.004, "holds" if 0.004 < a else "no"))
>>> [(d["value"], d["verdict"], d["chosen"]) for d in s]
[(0.001, 'no', False), (0.01, 'holds', True), (0.05, 'holds', False)]
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["series", "entry"]


def _plain(v):
    """A JSON-ready scalar: booleans as bool, integers as int, reals as float, text and None
    unchanged, anything else as text."""
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real):
        return float(v)
    if v is None or isinstance(v, str):
        return v
    return str(v)


def series(knob: str, grid, chosen, rule) -> tuple[dict, ...]:
    """``({"knob", "value", "statistic", "verdict", "chosen"}, ...)`` over the values of
    ``grid`` and ``chosen`` (sorted, each once): ``rule(value)`` returns the statistic the
    test compares at that value of the knob and the verdict it gives; ``chosen`` marks the
    value the test uses."""
    if not isinstance(knob, str) or not knob:
        raise ValueError("knob must be a non-empty string naming the threshold")
    if not callable(rule):
        raise ValueError("rule must be a callable value -> (statistic, verdict)")
    out = []
    for v in sorted({*grid, chosen}):
        statistic, verdict = rule(v)
        out.append(
            dict(
                knob=knob,
                value=_plain(v),
                statistic=_plain(statistic),
                verdict=verdict,
                chosen=bool(v == chosen),
            )
        )
    return tuple(out)


def entry(knob, value, statistic, verdict, chosen) -> dict:
    """One point of a sensitivity series built by hand (values may be labels: a data set, a
    seed), in the form :func:`series` gives."""
    return {
        "knob": knob,
        "value": value,
        "statistic": statistic,
        "verdict": verdict,
        "chosen": bool(chosen),
    }
