"""The closed forms of the third paper: Kiselev et al., "Unraveling the Hessian" (arXiv
2409.11995), in numpy float64 (``book/landscape.md``).

* :mod:`~hsr.core.landscape.mlp` -- the bias-free ReLU MLP with softmax cross-entropy (the
  authors' network): forward pass, per-object losses, the loss and its gradient;
* :mod:`~hsr.core.landscape.gterm` -- the G-term of the per-object Hessian exactly, the bounds
  of Lemma 1 and Theorem 1 and our corrected bound, the counterexample to Theorem 1;
* :mod:`~hsr.core.landscape.theory` -- the Hessian term of Lemma 2, exactly, for the
  three-layer networks of the WS and HSR papers (:class:`hsr.Net`).

The experiment (real digits, the Adam protocol, the curves of Fig. 2) is
:mod:`hsr.experiments.landscape`; the claims are in :mod:`hsr.claims.landscape`.
"""

from . import gterm, mlp, theory

__all__ = ["gterm", "mlp", "theory"]
