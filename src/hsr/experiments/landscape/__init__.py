"""The third paper's experiment: Kiselev et al., "Unraveling the Hessian" (arXiv 2409.11995),
Fig. 2 and the measurements of Lemmas 1-2 (``book/landscape.md``).

* :mod:`~hsr.experiments.landscape.digits` -- real handwritten digits that ship inside
  installed packages (nothing is downloaded);
* :mod:`~hsr.experiments.landscape.protocol` -- the authors' protocol: Adam training of the MLP
  of :mod:`hsr.core.landscape.mlp`, the loss-difference curves over orderings, their summaries,
  the cached grid of Fig. 2, and Lemma 1 on trained networks;
* :mod:`~hsr.experiments.landscape.audit` -- Theorem 1 audited: the counterexample under every
  reading, as a trained (global) minimum, and the corrected bound on random networks.

The protocol's names are re-exported here: ``from hsr.experiments import landscape as ls;
ls.run_landscape_grid(...)``. The closed forms are :mod:`hsr.core.landscape`.
"""

from . import audit, digits, protocol
from .digits import DIGIT_SETS, balanced_order, load_digits_data
from .protocol import *  # noqa: F403
from .protocol import __all__ as _protocol_all

__all__ = ["audit", "digits", "protocol", "DIGIT_SETS", "balanced_order", "load_digits_data"]
__all__ += list(_protocol_all)
