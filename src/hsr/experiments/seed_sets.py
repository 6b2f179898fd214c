"""Fresh seed sets: the one place that says what seed set k is.

The book's numbers come from **seed set 0**: every seed exactly as the notebooks' parameters
give it. **Seed set k** (k = 1, 2, ...; ``hsr run --seed-sets``) runs each figure's experiment
again with the same constants on new seeds, so that every verdict can be checked on
independent draws: every seed of the experiment moves by ``k * SEED_SET_STRIDE``:

* network seeds: the initial parameters of a sweep (``SweepConfig.seed_start``: seeds
  ``seed_start + k * STRIDE ...``), a notebook's own ``seed``, ``net_seed``, ``check_seed``,
  ``seed_start``, the landscape experiment's ``seed`` and ``extra_seeds`` (its init, shuffles
  and orderings);
* data seeds (``data_seed``): where the papers' protocol draws the data (the two Gaussians of
  the WS and HSR papers, the correlated inputs of HSR Fig. 5). The landscape paper's data are
  not drawn (the first images of a digit set), so they stay.

Nothing else changes: sizes, learning rates, thresholds and every other constant are the
profile's. Set 0 returns every seed unchanged (the same configs, the same numbers).

Why a stride of 10^6: a sweep uses the seeds ``seed_start .. seed_start + n_seeds - 1``
(3,000 in the papers), so the sets stay disjoint as long as a seed range is shorter than
10^6 (checked by :meth:`hsr.experiments.sweeps.SweepConfig.for_seed_set`). numpy's
``default_rng(seed)`` hashes the seed through ``SeedSequence``, so ``seed`` and
``seed + 10^6`` give independent streams.

>>> fresh_seed(0, 0), fresh_seed(0, 1), fresh_seed(7, 2)
(0, 1000000, 2000007)
>>> fresh_seed([1, 2], 1)
[1000001, 1000002]
"""

from __future__ import annotations

import numbers

__all__ = ["SEED_SET_STRIDE", "check_seed_set", "fresh_seed"]

#: seed set k adds k * SEED_SET_STRIDE to every seed (network and data seeds alike)
SEED_SET_STRIDE = 1_000_000


def check_seed_set(seed_set) -> int:
    """``seed_set`` as an int if it is a non-negative integer (0: the book's seeds), else a
    ValueError naming ``seed_set``."""
    if (
        isinstance(seed_set, bool)
        or not isinstance(seed_set, numbers.Integral)
        or int(seed_set) < 0
    ):
        raise ValueError(
            f"seed_set must be a non-negative integer (0: the book's seeds), got {seed_set!r}"
        )
    return int(seed_set)


def fresh_seed(seed, seed_set):
    """``seed`` (a non-negative integer, or a list or tuple of them) moved to seed set
    ``seed_set``: ``seed + seed_set * SEED_SET_STRIDE`` (a list stays a list). Seed set 0
    returns the seeds unchanged (as ints)."""
    k = check_seed_set(seed_set)
    if isinstance(seed, (list, tuple)):
        return type(seed)(fresh_seed(s, k) for s in seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or int(seed) < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed) + k * SEED_SET_STRIDE
