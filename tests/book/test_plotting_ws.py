"""The plots of WS Figs. 1, 3 and 4 draw what they promise."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from hsr import Net, loss  # noqa: E402
from hsr.book import plotting  # noqa: E402


def test_boundaries_and_slices():
    rng = np.random.default_rng(0)
    net = Net(2, 3, "sigmoid")
    X, y = rng.normal(size=(40, 2)), rng.integers(0, 2, 40).astype(float)
    pts = rng.uniform(-2, 2, (5, net.n_params))
    steps = np.linspace(-1, 1, 11)
    fig, curves = plotting.boundaries_and_slices(
        net, pts, [4, 1], np.arange(5.0), X, y, (-1, -1), (1, 1), steps, resolution=20
    )
    assert len(fig.axes) == 4 and len(curves) == 2
    assert curves[0][5] == loss(net, pts[4], X, y)  # t = 0 is the point itself
    assert fig.axes[0].get_title().startswith(r"rank 1: $\lambda_{\mathrm{WS}} = 4$")
    plt.close(fig)
    fig, curves = plotting.boundaries_and_slices(
        net, pts, [], np.arange(5.0), X, y, (-1, -1), (1, 1), steps
    )
    assert curves == [] and "no critical point" in fig.axes[0].texts[0].get_text()
    plt.close(fig)


def test_network_diagram():
    fig = plotting.network_diagram(2, 3, "tanh")
    ax = fig.axes[0]
    # 3 input units (1, x1, x2), 4 hidden (1, a1..a3), the output: 2 dashed bias squares
    assert len(ax.patches) == 3 + 4 + 1
    assert any("f$ = tanh" in t.get_text() for t in ax.texts)
    plt.close(fig)


def test_box_with_points_draws_every_point_and_hides_fliers():
    fig, ax = plt.subplots()
    groups = {"Low": np.r_[np.ones(20), 9.0], "High": np.arange(5.0)}  # 9.0: a box outlier
    plotting.box_with_points(ax, groups, "F1", palette={"Low": "b", "High": "r"})
    offsets = [c.get_offsets() for c in ax.collections if len(c.get_offsets())]
    assert [len(o) for o in offsets] == [21, 5]
    assert abs(offsets[0][:, 0]).max() <= 0.12 and abs(offsets[1][:, 0] - 1).max() <= 0.12
    assert ax.get_legend() is None and ax.get_ylabel() == "F1"
    markers = [ln for ln in ax.lines if ln.get_marker() not in ("", "None", None)]
    assert all(not ln.get_visible() for ln in markers)
    plt.close(fig)


def test_plain_log_labels():
    fig, ax = plt.subplots()
    ax.set_yscale("log")
    plotting.plain_log_labels(ax.yaxis)
    fmt = ax.yaxis.get_major_formatter()
    assert [fmt(v, 0) for v in (0.01, 0.02, 0.03, 0.04, 0.05, 1.0, 300.0, 700.0)] == [
        "0.01",
        "0.02",
        "0.03",
        "",
        "0.05",
        "1",
        "300",
        "",
    ]
    assert ax.yaxis.get_minor_formatter()(2.0, 0) == "2"
    plt.close(fig)
