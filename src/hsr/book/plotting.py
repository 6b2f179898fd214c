"""One plotting style for every figure, figure saving, and the plots several figures share.

Imports matplotlib (and seaborn where used): part of the ``book`` extra, never imported by
``import hsr``. Figures are written as PNG and PDF to :func:`figure_dir`
(``$HSR_FIGURE_DIR``, set by the runner to ``book/generated/figures``).
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from ..experiments.methods import METHOD_LABELS
from .figure_data import write_figure_data
from .paths import figure_dir, skip_figures

__all__ = [
    "label_swept_sizes",
    "METHOD_LABELS",
    "METHOD_COLORS",
    "method_palette",
    "GROUP_COLORS",
    "use_style",
    "figure_dir",
    "save_figure",
    "scatter_with_identity",
    "plot_decision_boundary",
    "plot_loss_along",
    "box_by_group",
    "draw_bayes_boundary",
    "plot_band",
    "VERDICT_COLORS",
    "verdict_grid",
    "boundaries_and_slices",
    "network_diagram",
    "box_with_points",
    "plain_log_labels",
]

METHOD_COLORS = {"baseline": "#7f7f7f", "hessian": "#1f77b4", "asam": "#ff7f0e", "hsr": "#d62728"}
GROUP_COLORS = {"Flat": "#1f77b4", "Sharp": "#d62728", "Low": "#1f77b4", "High": "#d62728"}
CLASS_COLORS = ("#1f77b4", "#d62728")


def method_palette(methods) -> dict[str, str]:
    """``{label: colour}`` of ``methods`` (names of :data:`METHOD_LABELS`), in their order: the
    palette of seaborn plots whose hue is the papers' method label (HSR Figs. 10-15)."""
    bad = [m for m in methods if m not in METHOD_LABELS]
    if bad:
        raise ValueError(f"methods must be from {list(METHOD_LABELS)}, got {bad}")
    return {METHOD_LABELS[m]: METHOD_COLORS[m] for m in methods}


def use_style() -> None:
    """The shared look: seaborn's whitegrid, a readable size, 150 dpi on screen."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
    plt.rcParams.update(
        {
            "figure.dpi": 110,
            "savefig.dpi": 150,
            "savefig.bbox": "tight",
            "axes.titlesize": "medium",
            "legend.frameon": False,
            "figure.constrained_layout.use": True,
        }
    )


def save_figure(fig, name: str, outdir: str | os.PathLike | None = None) -> tuple[Path, Path]:
    """Write ``fig`` as ``<name>.png`` and ``<name>.pdf``, and the numbers it draws as
    ``<name>.csv`` (:func:`hsr.book.figure_data.write_figure_data`: every line, marker, bar,
    filled area and pixel in its panel's data coordinates); return the PNG and PDF paths.
    The figure's page links all three (:mod:`hsr.book.heads`). With ``$HSR_SKIP_FIGURES`` set
    (the runs of the fresh seed sets, :func:`hsr.book.paths.skip_figures`) nothing is written
    and the paths are returned as they would be."""
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"name must be a plain file stem like 'ws-fig02', got {name!r}")
    d = Path(outdir) if outdir is not None else figure_dir()
    if skip_figures():
        return d / f"{name}.png", d / f"{name}.pdf"
    d.mkdir(parents=True, exist_ok=True)
    png, pdf = d / f"{name}.png", d / f"{name}.pdf"
    fig.savefig(png)
    fig.savefig(pdf)
    write_figure_data(fig, d / f"{name}.csv")
    return png, pdf


def scatter_with_identity(
    ax, x, y, xlabel, ylabel, color="#1f77b4", s=12, alpha=0.7, label=None, log=False
):
    """Scatter y against x with the line y = x (numerical vs closed form, bound vs value)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ax.scatter(x, y, s=s, alpha=alpha, color=color, label=label, edgecolor="none")
    lo = min(x.min(), y.min())
    hi = max(x.max(), y.max())
    ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="y = x")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_xscale("log")
        ax.set_yscale("log")
    return ax


def plot_decision_boundary(ax, net, theta, X, y, lim=(-6.0, 6.0), resolution=200, title=None):
    """Class-1 probability over the data's square, the p = 0.5 contour, and the data."""
    from ..experiments.probes import decision_grid

    xx, yy, prob = decision_grid(net, theta, lim=lim, resolution=resolution)
    ax.contourf(xx, yy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    ax.contour(xx, yy, prob, levels=[0.5], colors="k", linewidths=1.2)
    y = np.asarray(y)
    for c in (0, 1):
        m = y == c
        ax.scatter(
            X[m, 0],
            X[m, 1],
            s=6,
            color=CLASS_COLORS[c],
            alpha=0.6,
            label=f"class {c}",
            edgecolor="none",
        )
    ax.set_xlim(*lim)
    ax.set_ylim(*lim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_loss_along(ax, steps, losses, label=None, color=None, **kw):
    """Loss against the step along a direction (one curve per call)."""
    ax.plot(steps, losses, label=label, color=color, **kw)
    ax.set_xlabel("step along the eigenvector")
    ax.set_ylabel("loss $L$")
    return ax


def box_by_group(ax, values: dict, ylabel: str, order=None, palette=None, hue_order=None):
    """Box plots from ``{(group, method_or_label): array}`` or ``{label: array}``.

    Keys that are pairs give boxes grouped by the first element and coloured by the second.
    """
    import pandas as pd
    import seaborn as sns

    rows = []
    for key, arr in values.items():
        g, h = key if isinstance(key, tuple) else (key, key)
        rows += [{"group": g, "hue": h, "value": float(v)} for v in np.asarray(arr).ravel()]
    df = pd.DataFrame(rows)
    sns.boxplot(
        data=df,
        x="group",
        y="value",
        hue="hue",
        order=order,
        hue_order=hue_order,
        palette=palette,
        ax=ax,
        fliersize=2,
        linewidth=0.8,
    )
    ax.set_xlabel("")
    ax.set_ylabel(ylabel)
    return ax


def draw_bayes_boundary(ax, mean0, mean1, lim=(-6.0, 6.0), **kw):
    """The Bayes boundary of the two-Gaussian task, ``(m1 - m0) . x = (|m1|^2 - |m0|^2)/2``,
    dashed, clipped to the square (see :func:`hsr.experiments.data.bayes_labels`)."""
    m0, m1 = np.asarray(mean0, dtype=float), np.asarray(mean1, dtype=float)
    w, c = m1 - m0, 0.5 * (m1 @ m1 - m0 @ m0)
    t = np.linspace(*lim, 200)
    style = {"ls": "--", "color": "0.35", "lw": 1, "label": "Bayes boundary", **kw}
    if abs(w[1]) >= abs(w[0]):
        ax.plot(t, (c - w[0] * t) / w[1], **style)
    else:
        ax.plot((c - w[1] * t) / w[0], t, **style)
    ax.set_xlim(*lim)
    ax.set_ylim(*lim)
    return ax


def plot_band(ax, x, values, color=None, label=None, q=(25, 75), alpha=0.2):
    """Median over the columns of ``values (T, S)`` against ``x (T,)``, with a quantile band."""
    values = np.asarray(values, dtype=float)
    med = np.nanmedian(values, axis=1)
    lo, hi = np.nanpercentile(values, q, axis=1)
    (line,) = ax.plot(x, med, color=color, label=label)
    ax.fill_between(x, lo, hi, color=line.get_color(), alpha=alpha, lw=0)
    return ax


#: one color per verdict (green, amber, red)
VERDICT_COLORS = {
    "holds": "#4c9a2a",
    "partly": "#e3a21a",
    "does not hold": "#c0392b",
    "not tested at this scale": "#b0b0b0",
}


def verdict_grid(ax, verdicts, row_labels, col_labels, notes=None):
    """A table of verdicts as colored cells: ``verdicts[i][j]`` (one of ``VERDICTS``) for row
    ``i`` and column ``j``, written in the cell (with ``notes[i][j]`` below it when given),
    and a legend of the three colors."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from ..claims.ledger import VERDICTS

    rows, cols = len(row_labels), len(col_labels)
    if len(verdicts) != rows or any(len(r) != cols for r in verdicts):
        raise ValueError(f"verdicts must be {rows} rows of {cols} verdicts")
    bad = {v for r in verdicts for v in r} - set(VERDICTS)
    if bad:
        raise ValueError(f"verdicts must be from {list(VERDICTS)}, got {sorted(bad)}")
    code = np.array([[VERDICTS.index(v) for v in r] for r in verdicts])
    cmap = ListedColormap([VERDICT_COLORS[v] for v in VERDICTS])
    ax.imshow(code, cmap=cmap, vmin=-0.5, vmax=len(VERDICTS) - 0.5, aspect="auto")
    for i in range(rows):
        for j in range(cols):
            text = verdicts[i][j] + (f"\n{notes[i][j]}" if notes is not None else "")
            ax.text(j, i, text, ha="center", va="center", color="white", fontsize=8)
    ax.set_xticks(range(cols), col_labels)
    ax.set_yticks(range(rows), row_labels)
    ax.tick_params(length=0)
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    ax.set_xticks(np.arange(cols + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(rows + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    handles = [Patch(color=VERDICT_COLORS[v], label=v) for v in VERDICTS]
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, frameon=False
    )


# ----- WS Figs. 3 and 4: decision boundaries and loss slices at chosen critical points --------
def boundaries_and_slices(
    net,
    points,
    idx,
    ws_upper,
    X,
    y,
    mean0,
    mean1,
    steps,
    lim=(-6.0, 6.0),
    resolution=200,
    color="#1f77b4",
):
    """The figure of WS Figs. 3-4: one column per point ``points[i]`` for ``i`` in ``idx``
    (rank order). Top: the decision boundary and class-1 probability over the input square
    ``lim`` with the data ``X (N, 2)``, ``y (N,)`` and, dashed, the Bayes boundary of the
    means ``mean0``, ``mean1``; titled with lambda_WS (``ws_upper[i]``) and lambda_max.
    Bottom: the loss along the unit top Hessian eigenvector, ``L(theta + t v)`` for ``t`` in
    ``steps (T,)``, on a common y-range. With no point, every panel says so.

    Returns ``(fig, curves)``: the figure and the ``(T,)`` loss curve of each point."""
    from ..experiments.probes import hessian_eigenvector, loss_along_direction

    idx = [int(i) for i in np.asarray(idx).ravel()]
    ncol = max(len(idx), 1)
    fig, axes = plt.subplots(
        2, ncol, figsize=(3.6 * ncol, 6.6), squeeze=False, height_ratios=[1.15, 1.0]
    )
    curves = []
    for col, i in enumerate(idx):
        th = points[i]
        lam, v = hessian_eigenvector(net, th, X, y)
        curve = loss_along_direction(net, th, X, y, v, steps)
        curves.append(curve)
        ax = axes[0, col]
        plot_decision_boundary(ax, net, th, X, y, lim=tuple(lim), resolution=int(resolution))
        draw_bayes_boundary(ax, mean0, mean1, lim=tuple(lim))
        ax.set_xlim(*lim)
        ax.set_ylim(*lim)
        ax.set_title(
            rf"rank {col + 1}: $\lambda_{{\mathrm{{WS}}}} = {ws_upper[i]:.3g}$, "
            rf"$\lambda_{{\max}} = {lam:.3g}$",
            fontsize=10,
        )
        ax = axes[1, col]
        plot_loss_along(ax, steps, curve, color=color)
        ax.plot([0], [curve[len(curve) // 2]], "ko", ms=4)
        ax.set_xlabel(r"step $t$ along $v_{\max}$")
        ax.set_ylabel(r"$L(\theta^* + t\,v_{\max})$")
    if idx:
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncol=3, markerscale=2)
        top = max(c.max() for c in curves)
        bottom = min(c.min() for c in curves)
        for ax in axes[1]:
            ax.set_ylim(bottom - 0.05 * (top - bottom), top + 0.05 * (top - bottom))
    else:
        for ax in axes.ravel():
            ax.text(
                0.5,
                0.5,
                "no critical point in this run",
                ha="center",
                va="center",
                transform=ax.transAxes,
            )
    return fig, curves


# ----- WS Fig. 1: the network -----------------------------------------------------------
def _neuron(ax, xy, text, bias=False, r=0.32):
    """One unit of the diagram: a circle (a dashed square for a prepended 1)."""
    import matplotlib.patches as mp

    if bias:
        patch = mp.FancyBboxPatch(
            (xy[0] - 0.8 * r, xy[1] - 0.8 * r),
            1.6 * r,
            1.6 * r,
            boxstyle="round,pad=0.02",
            fc="#eeeeee",
            ec="0.4",
            ls="--",
            zorder=3,
        )
    else:
        patch = mp.Circle(xy, r, fc="white", ec="#1f77b4", lw=1.6, zorder=3)
    ax.add_patch(patch)
    ax.text(*xy, text, ha="center", va="center", zorder=4, fontsize=11)


def _arrow(ax, p, q, r=0.34, **kw):
    """An arrow from unit p to unit q, stopping at the units' edges."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    u = (q - p) / np.linalg.norm(q - p)
    style = dict(arrowstyle="-|>", color="0.45", lw=0.8, mutation_scale=9) | kw
    ax.annotate("", xy=q - r * u, xytext=p + r * u, arrowprops=style, zorder=2)


def network_diagram(d_in: int = 2, d_hidden: int = 3, activation: str = "sigmoid"):
    """The diagram of WS Fig. 1: the three-layer network of WS Eqs. (1)-(3) with
    ``d_in`` inputs and ``d_hidden`` hidden units (top: the units, a prepended 1 as a dashed
    square; bottom: the same map as a chain of operations). Returns the figure."""
    h, d = int(d_hidden), int(d_in)
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(8.0, 5.6), height_ratios=[3.4, 0.8])
    ax.set_axis_off()
    ax2.set_axis_off()
    ax.set_aspect("equal")

    # top: the units. Input column (1, x_1..x_d), hidden column (1, a_1..a_h), output unit
    gap = 1.05
    xs_in = [(0.0, (d / 2 - k) * gap) for k in range(d + 1)]
    xs_hid = [(3.6, (h / 2 - k) * gap) for k in range(h + 1)]
    x_out = (7.0, 0.0)
    for k, p in enumerate(xs_in):
        _neuron(ax, p, "$1$" if k == 0 else f"$x_{k}$", bias=k == 0)
    for k, p in enumerate(xs_hid):
        _neuron(ax, p, "$1$" if k == 0 else f"$a_{k}$", bias=k == 0)
    _neuron(ax, x_out, r"$\sigma$")
    for p in xs_in:
        for q in xs_hid[1:]:
            _arrow(ax, p, q)
    for p in xs_hid:
        _arrow(ax, p, x_out, color="#d62728")
    _arrow(ax, x_out, (8.4, 0.0), r=0.0, lw=1.2, color="k")
    ax.text(8.55, 0.0, r"$\hat y = \sigma(z)$", va="center", fontsize=12)
    top = max(xs_in[0][1], xs_hid[0][1]) + 0.75
    ax.text(0.0, top, r"$\tilde{x} = [1;\, x]$", ha="center", fontsize=12)
    ax.text(3.6, top, r"$\tilde{a} = [1;\, f(u)]$", ha="center", fontsize=12)
    ax.text(7.0, 0.75, r"$z = w_2^\top \tilde{a}$", ha="center", fontsize=12)
    ax.text(
        1.8,
        top - 0.15,
        r"$W_1 \in \mathbb{R}^{h \times (d+1)}$" + "\n" + r"$u = W_1 \tilde{x}$",
        ha="center",
        fontsize=11,
        color="0.3",
    )
    ax.text(
        5.4,
        xs_hid[0][1] - 0.05,
        r"$w_2 \in \mathbb{R}^{h+1}$",
        ha="center",
        fontsize=11,
        color="#d62728",
    )
    ax.text(
        3.6,
        xs_hid[-1][1] - 0.85,
        rf"$a_k = f(u_k)$, $f$ = {activation}, $h = {h}$",
        ha="center",
        fontsize=10,
        color="0.3",
    )
    ax.set_xlim(-0.8, 10.2)
    ax.set_ylim(min(xs_in[-1][1], xs_hid[-1][1]) - 1.2, top + 0.6)

    # bottom: the same map as a chain of operations
    steps = [
        r"$x$",
        "prepend 1",
        r"$W_1\,\cdot$",
        r"$f$",
        "prepend 1",
        r"$w_2^\top\cdot$",
        r"$\sigma$",
        r"$\hat y$",
    ]
    xpos = np.linspace(0.04, 0.96, len(steps))
    texts = []
    for k, (xp, s) in enumerate(zip(xpos, steps, strict=True)):
        plain = k in (0, len(steps) - 1)
        texts.append(
            ax2.text(
                xp,
                0.62,
                s,
                ha="center",
                va="center",
                fontsize=11,
                transform=ax2.transAxes,
                bbox=dict(
                    boxstyle="round,pad=0.35",
                    fc="white" if plain else "#f3f6fb",
                    ec="none" if plain else "#1f77b4",
                ),
            )
        )
    for t0, t1 in zip(texts[:-1], texts[1:], strict=True):
        ax2.annotate(
            "",
            xy=(0.0, 0.5),
            xycoords=t1,
            xytext=(1.0, 0.5),
            textcoords=t0,
            arrowprops=dict(arrowstyle="-|>", color="0.3", shrinkA=4, shrinkB=4),
        )
    ax2.text(
        0.5,
        0.0,
        r"$\hat y = \sigma\!\left(w_2^\top [1;\, f(W_1 [1;\, x])]\right)$,  "
        r"$\theta = [\mathrm{vec}(W_1);\, w_2] \in \mathbb{R}^{n}$,  $n = h(d+1) + h + 1$",
        ha="center",
        va="center",
        fontsize=11,
        transform=ax2.transAxes,
    )
    return fig


# ----- WS Figs. 5, 7 and 11: boxes with every point, plain labels on a log axis -------------
def box_with_points(ax, groups: dict, ylabel: str, palette: dict, seed: int = 0):
    """Box plots of ``groups`` (label -> values ``(n_k,)``, drawn in this order, coloured by
    ``palette``: label -> colour) with every point drawn over its box, jittered sideways by
    ``default_rng(seed)``; the boxes' own outlier markers are hidden (the points show them)
    and there is no legend. Returns ``ax``."""
    order = list(groups)
    box_by_group(ax, groups, ylabel, order=order, palette=palette, hue_order=order)
    if ax.get_legend():
        ax.get_legend().remove()
    for line in ax.lines:  # every point is drawn below: hide the outlier markers
        if line.get_marker() not in ("", "None", None):
            line.set_visible(False)
    rng = np.random.default_rng(seed)
    for k, vals in enumerate(groups.values()):
        vals = np.asarray(vals)
        ax.scatter(
            k + rng.uniform(-0.12, 0.12, vals.size),
            vals,
            s=5,
            color="k",
            alpha=0.35,
            zorder=3,
            edgecolor="none",
        )
    return ax


def _plain_log_label(v, _pos=None) -> str:
    """A log-axis tick label at 1, 2, 3, 5 x 10^k only, as a plain number."""
    lead = round(v / 10 ** np.floor(np.log10(v)), 6) if v > 0 else 0
    return f"{v:g}" if lead in (1, 2, 3, 5) else ""


def plain_log_labels(axis):
    """Label a log ``axis`` (e.g. ``ax.yaxis``) at 1, 2, 3, 5 x 10^k only, as plain numbers
    (major and minor ticks). Returns ``axis``."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(_plain_log_label))
    axis.set_minor_formatter(FuncFormatter(_plain_log_label))
    return axis


def label_swept_sizes(axis, sizes):
    """Put the ticks of a log ``axis`` (e.g. ``ax.xaxis``) at the swept ``sizes`` only, labelled
    as plain integers, and drop the minor labels (which overlap on a short log range: "3x10^0
    4x10^0 6x10^0"). Returns ``axis``."""
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

    values = sorted({float(v) for v in sizes})
    if not values:
        raise ValueError("sizes must hold at least one value")
    axis.set_major_locator(FixedLocator(values))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    axis.set_minor_locator(NullLocator())
    axis.set_minor_formatter(NullFormatter())
    return axis
