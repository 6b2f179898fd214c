"""The papers' synthetic data: two Gaussian classes in 2-D, and correlated Gaussian inputs.

* :func:`two_gaussians` is the binary task of both papers: class 0 ~ N(mean0, var I) and
  class 1 ~ N(mean1, var I) in R^2 (variance 2 on both axes, zero covariance), with balanced,
  separate train and test sets. The papers' means and sample sizes were lost in extraction;
  the defaults below are placeholders kept in one place (``DEFAULT_*``) for calibration.
* :func:`correlated_gaussians` draws zero-mean inputs with covariance
  ``[[var, cov], [cov, var]]`` (HSR paper, Fig. 5: how the gradient of tr(H^2) grows as the
  two inputs become aligned), labelled by a fixed rule (see ``RULES``).

Everything is seeded through ``numpy.random.default_rng``: the same arguments give
bit-identical arrays.

>>> ds = two_gaussians(n_train=4, n_test=2, seed=0)
>>> ds.X_train.shape, ds.y_train.tolist(), ds.y_test.tolist()
((4, 2), [0.0, 0.0, 1.0, 1.0], [0.0, 1.0])
>>> ds.params["mean1"], ds.params["var"]
((1.0, 1.0), 2.0)
>>> X, y = correlated_gaussians(6, cov=0.5, seed=1)
>>> X.shape, bool(np.array_equal(y, (X[:, 0] + X[:, 1] >= 0).astype(float)))
((6, 2), True)
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "Dataset",
    "two_gaussians",
    "correlated_gaussians",
    "bayes_labels",
    "DEFAULT_MEAN0",
    "DEFAULT_MEAN1",
    "DEFAULT_VAR",
    "DEFAULT_N_TRAIN",
    "DEFAULT_N_TEST",
    "RULES",
]

#: mean of class 0 in :func:`two_gaussians` (placeholder: the papers' value was lost)
DEFAULT_MEAN0: tuple[float, float] = (-1.0, -1.0)
#: mean of class 1 in :func:`two_gaussians` (placeholder: the papers' value was lost)
DEFAULT_MEAN1: tuple[float, float] = (1.0, 1.0)
#: per-axis variance of both classes (the papers: 2 on both axes, zero covariance)
DEFAULT_VAR: float = 2.0
#: training-set size, half per class (placeholder)
DEFAULT_N_TRAIN: int = 100
#: test-set size, half per class (placeholder)
DEFAULT_N_TEST: int = 1000
#: labelling rules of :func:`correlated_gaussians`: class 1 iff ``x1 + x2 >= 0`` ("sum")
#: or iff ``x1 >= 0`` ("first")
RULES: tuple[str, ...] = ("sum", "first")


# ----- argument checks ---------------------------------------------------------------------
def _check_seed(seed: object) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def _check_size(name: str, value: object, even: bool) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    lo = 2 if even else 1
    if value < lo or (even and value % 2):
        want = "an even integer >= 2 (half per class)" if even else "a positive integer"
        raise ValueError(f"{name} must be {want}, got {value!r}")
    return int(value)


def _check_real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite real number, got {value!r}")
    return float(value)


def _check_var(var: object) -> float:
    v = _check_real("var", var)
    if v <= 0:
        raise ValueError(f"var must be positive, got {var!r}")
    return v


def _check_mean(name: str, value: object) -> tuple[float, float]:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair of finite reals, got {value!r}") from None
    if arr.shape != (2,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be a pair of finite reals, got {value!r}")
    return float(arr[0]), float(arr[1])


def _check_xy(xname: str, yname: str, X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    try:
        X = np.array(X, dtype=float)
        y = np.array(y, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{xname} and {yname} must be arrays of real numbers ({exc})") from None
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] == 0:
        raise ValueError(f"{xname} must have shape (N, 2) with N >= 1, got {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{xname} contains NaN or inf")
    if y.shape != (X.shape[0],):
        raise ValueError(f"{yname} must have shape ({X.shape[0]},) to match {xname}, got {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{yname} must hold only labels 0 and 1")
    X.flags.writeable = False
    y.flags.writeable = False
    return X, y


# ----- datasets ------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class Dataset:
    """A binary classification task in 2-D with separate train and test sets.

    Attributes
    ----------
    X_train : ndarray, shape (N_train, 2)
    y_train : ndarray, shape (N_train,)
        Float labels 0.0 / 1.0.
    X_test : ndarray, shape (N_test, 2)
    y_test : ndarray, shape (N_test,)
    params : dict
        How the data were made (generator name and all its arguments), for provenance.

    The arrays are copied on construction and made read-only, so a ``Dataset`` cannot change
    after it is made. Two datasets compare equal when all arrays and ``params`` are equal.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        X_train, y_train = _check_xy("X_train", "y_train", self.X_train, self.y_train)
        X_test, y_test = _check_xy("X_test", "y_test", self.X_test, self.y_test)
        if not isinstance(self.params, dict):
            raise ValueError(f"params must be a dict, got {type(self.params).__name__}")
        object.__setattr__(self, "X_train", X_train)
        object.__setattr__(self, "y_train", y_train)
        object.__setattr__(self, "X_test", X_test)
        object.__setattr__(self, "y_test", y_test)
        object.__setattr__(self, "params", dict(self.params))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dataset):
            return NotImplemented
        names = ("X_train", "y_train", "X_test", "y_test")
        return self.params == other.params and all(
            np.array_equal(getattr(self, a), getattr(other, a)) for a in names
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def n_train(self) -> int:
        """Number of training samples N_train."""
        return self.X_train.shape[0]

    @property
    def n_test(self) -> int:
        """Number of test samples N_test."""
        return self.X_test.shape[0]


def _two_classes(
    rng: np.random.Generator, n: int, mean0: tuple, mean1: tuple, var: float
) -> tuple[np.ndarray, np.ndarray]:
    """``n/2`` samples of class 0 then ``n/2`` of class 1: ``X (n, 2)``, ``y (n,)``."""
    half = n // 2
    Z = rng.standard_normal(size=(n, 2))
    means = np.repeat(np.array([mean0, mean1]), half, axis=0)
    X = means + np.sqrt(var) * Z
    y = np.repeat([0.0, 1.0], half)
    return X, y


def two_gaussians(
    n_train: int = DEFAULT_N_TRAIN,
    n_test: int = DEFAULT_N_TEST,
    mean0: tuple[float, float] = DEFAULT_MEAN0,
    mean1: tuple[float, float] = DEFAULT_MEAN1,
    var: float = DEFAULT_VAR,
    seed: int = 0,
) -> Dataset:
    """The papers' task: class 0 ~ N(mean0, var I_2), class 1 ~ N(mean1, var I_2).

    Parameters
    ----------
    n_train, n_test : int
        Sizes of the training and test sets; each even and >= 2, split half per class.
    mean0, mean1 : pair of float
        Class means in R^2.
    var : float
        Variance of each coordinate (> 0); the two coordinates are uncorrelated.
    seed : int
        Non-negative seed. ``numpy.random.SeedSequence(seed)`` is spawned into two child
        seeds, one per set, each driving its own ``default_rng``: the training set does not
        depend on ``n_test`` (nor the test set on ``n_train``).

    Returns
    -------
    Dataset
        ``X_train (n_train, 2)``, ``y_train (n_train,)``, ``X_test (n_test, 2)``,
        ``y_test (n_test,)``. Within each set the samples are ordered deterministically:
        the ``n/2`` samples of class 0 first, then the ``n/2`` of class 1 (not shuffled).
        ``params`` records every argument (means as tuples of floats).

    Raises
    ------
    ValueError
        naming the argument, for odd, non-positive or non-integer sizes, means that are not
        two finite reals, ``var <= 0`` or not finite, or a seed that is not a non-negative int.
    """
    n_train = _check_size("n_train", n_train, even=True)
    n_test = _check_size("n_test", n_test, even=True)
    mean0 = _check_mean("mean0", mean0)
    mean1 = _check_mean("mean1", mean1)
    var = _check_var(var)
    seed = _check_seed(seed)
    train_seq, test_seq = np.random.SeedSequence(seed).spawn(2)
    X_train, y_train = _two_classes(np.random.default_rng(train_seq), n_train, mean0, mean1, var)
    X_test, y_test = _two_classes(np.random.default_rng(test_seq), n_test, mean0, mean1, var)
    params = {
        "generator": "two_gaussians",
        "n_train": n_train,
        "n_test": n_test,
        "mean0": mean0,
        "mean1": mean1,
        "var": var,
        "seed": seed,
    }
    return Dataset(X_train, y_train, X_test, y_test, params)


def correlated_gaussians(
    n: int, cov: float, seed: int = 0, var: float = 1.0, rule: str = "sum"
) -> tuple[np.ndarray, np.ndarray]:
    """Zero-mean 2-D Gaussian inputs with covariance ``[[var, cov], [cov, var]]``, labelled.

    The HSR paper (Fig. 5) varies the alignment of the two inputs; the correlation
    coefficient is ``cov / var``. Its labelling rule is not recoverable from the text, so it
    is a choice here:

    * ``rule="sum"`` (default): class 1 iff ``x1 + x2 >= 0``, the direction along which
      aligned inputs spread, so the classes stay balanced for every ``cov``;
    * ``rule="first"``: class 1 iff ``x1 >= 0``.

    Parameters
    ----------
    n : int
        Number of samples (>= 1).
    cov : float
        Covariance of x1 and x2; ``|cov| < var`` (positive definite).
    seed : int
        Non-negative seed of ``numpy.random.default_rng``.
    var : float
        Variance of each coordinate (> 0).
    rule : str
        One of ``RULES``.

    Returns
    -------
    X : ndarray, shape (n, 2)
        ``X = Z L^T`` with ``Z`` standard normal ``(n, 2)`` and ``L`` the Cholesky factor
        of the covariance matrix.
    y : ndarray, shape (n,)
        Float labels 0.0 / 1.0.

    Raises
    ------
    ValueError
        naming the argument: ``n`` not a positive int, ``var <= 0``, ``cov`` not finite or
        ``|cov| >= var``, unknown ``rule``, bad ``seed``.
    """
    n = _check_size("n", n, even=False)
    cov = _check_real("cov", cov)
    var = _check_var(var)
    if abs(cov) >= var:
        raise ValueError(f"cov must satisfy |cov| < var = {var} (positive definite), got {cov}")
    if not isinstance(rule, str) or rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    seed = _check_seed(seed)
    L = np.linalg.cholesky(np.array([[var, cov], [cov, var]]))
    X = np.random.default_rng(seed).standard_normal(size=(n, 2)) @ L.T
    score = X[:, 0] + X[:, 1] if rule == "sum" else X[:, 0]
    return X, (score >= 0).astype(float)


def bayes_labels(X: np.ndarray, mean0, mean1) -> np.ndarray:
    """The Bayes-optimal labels ``(N,)`` for two isotropic Gaussians of equal variance and
    equal priors: class 1 where ``(mean1 - mean0) . x >= (|mean1|^2 - |mean0|^2) / 2``.

    >>> bayes_labels(np.array([[-2.0, 0.0], [0.5, 0.1]]), (-1.0, -1.0), (1.0, 1.0))
    array([0., 1.])
    """
    m0, m1 = np.asarray(_check_mean("mean0", mean0)), np.asarray(_check_mean("mean1", mean1))
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), got {X.shape}")
    return (X @ (m1 - m0) >= 0.5 * (m1 @ m1 - m0 @ m0)).astype(float)
