"""Classification scores of trained networks: predicted labels and the macro-F1 the papers
report (WS Figs. 7-8, HSR Figs. 14-15).

>>> macro_f1([0, 0, 1, 1], [0, 1, 1, 1])  # F1 of class 0: 2/3, of class 1: 4/5
0.7333333333333334
"""

from __future__ import annotations

import numpy as np

from ..core._checks import binary_labels
from ..core.model import Net, predict_proba
from .data import bayes_labels
from .probes import check_data_named, check_net

__all__ = ["predict_labels", "macro_f1", "macro_f1_on", "bayes_disagreement"]


def predict_labels(net: Net, theta: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Predicted classes ``(predict_proba >= 0.5)`` as floats 0.0 / 1.0: ``(N,)`` or ``(B, N)``.

    >>> import numpy as np
    >>> from hsr import Net
    >>> predict_labels(Net(1, 1, "linear"), np.array([0.0, 1.0, 0.0, 2.0]), [[-1.0], [0.0]])
    array([0., 1.])
    """
    net = check_net(net)
    return (predict_proba(net, theta, X) >= 0.5).astype(float)


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float | np.ndarray:
    """Macro-averaged F1: the mean of the F1 scores of class 0 and class 1.

    For class c, ``F1_c = 2 TP / (2 TP + FP + FN)``. A class with true samples but no
    correct prediction scores 0 (in particular one that is never predicted), as does a class
    predicted but absent from ``y_true``. A class with neither true nor predicted samples
    (0/0) scores 1 by definition here: nothing was missed and nothing was misassigned. Both
    classes always enter the average, whether or not they occur.

    Parameters
    ----------
    y_true : array, shape (N,)
        Labels 0 / 1, N >= 1.
    y_pred : array, shape (N,) or (B, N)
        Predicted labels 0 / 1, one row per network.

    Returns
    -------
    float, or ndarray of shape (B,) for a 2-D ``y_pred``.

    >>> macro_f1([1, 1, 1], [1, 1, 1])  # class 0 absent and never predicted: F1_0 = 1
    1.0
    >>> macro_f1([0, 1], [[0, 1], [1, 0], [1, 1]])
    array([1.        , 0.        , 0.33333333])
    """
    t = binary_labels("y_true", y_true)
    if t.ndim != 1 or t.shape[0] == 0:
        raise ValueError(f"y_true must be 1-D and non-empty, got shape {t.shape}")
    p = binary_labels("y_pred", y_pred)
    if p.ndim not in (1, 2) or p.shape[-1] != t.shape[0] or (p.ndim == 2 and p.shape[0] == 0):
        raise ValueError(
            f"y_pred must have shape ({t.shape[0]},) or (B, {t.shape[0]}), got {p.shape}"
        )
    t1, p1 = t == 1, p == 1
    f1 = []
    for tc, pc in ((~t1, ~p1), (t1, p1)):
        tp = np.sum(tc & pc, axis=-1)
        fp = np.sum(~tc & pc, axis=-1)
        fn = np.sum(tc & ~pc, axis=-1)
        den = 2 * tp + fp + fn
        f1.append(np.where(den == 0, 1.0, 2 * tp / np.maximum(den, 1)))
    out = 0.5 * (f1[0] + f1[1])
    return float(out) if p.ndim == 1 else out


def macro_f1_on(
    net: Net, theta: np.ndarray, X_test: np.ndarray, y_test: np.ndarray
) -> float | np.ndarray:
    """Macro-F1 (:func:`macro_f1`) of the networks' predictions on a test set.

    Parameters
    ----------
    net : Net
    theta : ndarray, shape (n,) or (B, n)
    X_test : ndarray, shape (N, d_in)
    y_test : ndarray, shape (N,)
        Labels 0 / 1.

    Returns
    -------
    float, or ndarray of shape (B,) for a batch of networks.
    """
    net = check_net(net)
    theta = net.check_theta(theta)
    X_test, y_test = check_data_named(net, X_test, y_test, "X_test", "y_test")
    return macro_f1(y_test, predict_labels(net, theta, X_test))


def bayes_disagreement(net: Net, points: np.ndarray, X: np.ndarray, mean0, mean1) -> np.ndarray:
    """For each network of ``points (M, n)``, the fraction of the inputs ``X (N, d_in)`` on
    which its class differs from that of the Bayes-optimal rule of the two Gaussians with
    means ``mean0``, ``mean1`` (:func:`hsr.experiments.data.bayes_labels`): ``(M,)``, empty
    for M = 0. WS Figs. 3-4 read a large value as a distorted decision boundary."""
    net = check_net(net)
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != net.n_params:
        raise ValueError(f"points must have shape (M, {net.n_params}), got {pts.shape}")
    if pts.shape[0] == 0:
        return np.zeros(0)
    return (predict_labels(net, pts, X) != bayes_labels(X, mean0, mean1)).mean(axis=1)
