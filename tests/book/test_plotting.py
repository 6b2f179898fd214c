"""plotting: the shared style, saving figures, and the shared plots draw without error."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hsr  # noqa: E402
from hsr.book import plotting  # noqa: E402


def test_save_figure_writes_png_and_pdf(tmp_path, monkeypatch):
    plotting.use_style()
    fig, ax = plt.subplots()
    plotting.scatter_with_identity(ax, [1, 2, 3], [1.1, 2.2, 2.9], "x", "y")
    monkeypatch.setenv("HSR_FIGURE_DIR", str(tmp_path / "figs"))
    png, pdf = plotting.save_figure(fig, "demo")
    assert png == tmp_path / "figs" / "demo.png" and png.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")
    with pytest.raises(ValueError, match="name must be a plain file stem"):
        plotting.save_figure(fig, "../escape")
    plt.close(fig)


def test_shared_plots_draw(tmp_path):
    net = hsr.Net(2, 3, "sigmoid")
    rng = np.random.default_rng(0)
    theta = rng.normal(size=net.n_params)
    X, y = rng.normal(size=(30, 2)), rng.integers(0, 2, 30)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3))
    plotting.plot_decision_boundary(axes[0], net, theta, X, y, resolution=40, title="t")
    steps = np.linspace(-1, 1, 11)
    plotting.plot_loss_along(axes[1], steps, steps**2, label="a")
    plotting.box_by_group(
        axes[2],
        {("Flat", "hsr"): rng.normal(size=10), ("Sharp", "hsr"): rng.normal(size=10)},
        "value",
    )
    assert len(axes[0].collections) > 0 and axes[1].get_xlabel()
    plotting.save_figure(fig, "shared", outdir=tmp_path)
    plt.close(fig)


def test_verdict_grid_draws_and_checks():
    fig, ax = plt.subplots()
    plotting.verdict_grid(
        ax, [["holds", "partly"], ["does not hold", "holds"]], ["a", "b"], ["x", "y"]
    )
    assert [t.get_text() for t in ax.texts][:2] == ["holds", "partly"]
    with pytest.raises(ValueError, match="2 rows of 2"):
        plotting.verdict_grid(ax, [["holds"]], ["a", "b"], ["x", "y"])
    with pytest.raises(ValueError, match="verdicts must be from"):
        plotting.verdict_grid(ax, [["maybe"]], ["a"], ["x"])
    plt.close(fig)


def test_label_swept_sizes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([3, 10, 30], [1, 2, 3])
    ax.set_xscale("log")
    plotting.label_swept_sizes(ax.xaxis, [3, 10, 30, 10])
    fig.canvas.draw()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["3", "10", "30"]
    assert ax.xaxis.get_minorticklocs().size == 0
    with pytest.raises(ValueError, match="sizes must hold"):
        plotting.label_swept_sizes(ax.xaxis, [])
    plt.close(fig)


def test_method_palette():
    assert plotting.method_palette(["baseline", "hsr"]) == {
        "Baseline": plotting.METHOD_COLORS["baseline"],
        "HSR Reg.": plotting.METHOD_COLORS["hsr"],
    }
    every = plotting.method_palette(list(plotting.METHOD_LABELS))
    assert list(every) == ["Baseline", "Hessian Reg.", "A-SAM", "HSR Reg."]  # the papers' order
    assert plotting.method_palette([]) == {}
    with pytest.raises(ValueError, match="methods must be from"):
        plotting.method_palette(["sgd"])
