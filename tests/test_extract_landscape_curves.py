"""scripts/extract_landscape_curves.py on PDFs of known curves: matplotlib draws them as the
landscape authors did (log y axis with 10^n labels, a legend 'h = .., L = ..'; mathtext glyphs
here, where the authors' PDFs have TeX's), and the extraction must give back the values at
every vertex, the legend's labels, and a re-plot whose raster matches the PDF's."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "extract_landscape_curves.py"


@pytest.fixture(scope="module")
def ex():
    spec = importlib.util.spec_from_file_location("extract_landscape_curves", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look the module up by name
    spec.loader.exec_module(mod)
    yield mod
    sys.modules.pop(spec.name, None)


@pytest.fixture(autouse=True)
def book_style():
    """Every test runs under the book's style (as it may in a shared xdist worker after a
    plotting test): the drawing and the extraction must not depend on the process's rcParams."""
    from hsr.book.plotting import use_style

    with plt.rc_context():
        use_style()
        yield


def _figure(curves: dict, log: bool = True, legend: bool = True) -> bytes:
    """A PDF drawn as the authors' plot_differences.py draws (rcParams included), from
    matplotlib's defaults: another test in the same worker may have applied the book's style
    (hsr.book.plotting sets rcParams, e.g. ticks drawn inside the axes)."""
    rc = {"font.size": 16, "axes.grid": True, "grid.alpha": 0.3, "lines.linewidth": 2}
    with plt.rc_context(matplotlib.rcParamsDefault), plt.rc_context(rc):
        fig = plt.figure()
        for (h, L), y in curves.items():
            plt.plot(y, label=f"$h$ = {h}, $L$ = {L}")
        if legend:
            plt.legend()
        plt.title("MNIST")
        plt.xlabel("Sample size, $k$")
        plt.ylabel(r"$|\mathcal{L}_{k+1} - \mathcal{L}_k|$")
        if log:
            plt.yscale("log")
        buf = io.BytesIO()
        fig.savefig(buf, format="pdf", bbox_inches="tight")
        plt.close(fig)
    return buf.getvalue()


def _known(n: int = 1500) -> dict:
    i = np.arange(n)
    return {
        (h, 5): c / (i + 2) * (1 + 0.3 * np.sin(i / (20 + h)))
        for h, c in ((4, 0.8), (8, 0.4), (16, 0.1), (64, 0.02))
    }


def test_log_panel_values_labels_and_calibration(ex):
    truth = _known()
    p = ex.extract_panel(_figure(truth), "t")
    assert not p.x.log and p.y.log
    assert [t for _, t, _ in p.y.ticks] == ["10^-1", "10^-2", "10^-3", "10^-4", "10^-5"][
        : len(p.y.ticks)
    ]
    assert p.x.residual < 1e-4 and p.y.residual < 1e-4 and p.y.minor_error < 1e-3
    assert [(s.hidden, s.depth) for s in p.series] == list(truth)
    assert [s.text for s in p.series] == [f"h={h},L={L}" for h, L in truth]
    for s in p.series:
        xi = np.round(s.x).astype(int)
        assert np.max(np.abs(s.x - xi)) < 1e-3
        assert xi[0] == 0 and xi[-1] == len(truth[(s.hidden, s.depth)]) - 1
        np.testing.assert_allclose(s.value, truth[(s.hidden, s.depth)][xi], rtol=1e-5)
        # matplotlib simplified the path: fewer vertices than points, all of them data points
        assert 10 < s.x.size < len(truth[(s.hidden, s.depth)])


def test_linear_axis_is_read_as_linear(ex):
    i = np.arange(300)
    truth = {(4, 1): 1.0 + i / 100.0, (8, 1): 5.0 - i / 150.0}
    p = ex.extract_panel(_figure(truth, log=False), "t")
    assert not p.y.log and p.y.minor_error is None
    for s in p.series:
        xi = np.round(s.x).astype(int)
        np.testing.assert_allclose(s.value, truth[(s.hidden, s.depth)][xi], rtol=1e-5)


def test_parse_label_reads_powers_and_plain_numbers(ex):
    def ch(text, x, base, size):
        return {"text": text, "x0": x, "size": size, "matrix": (1, 0, 0, 1, x, base)}

    # PDF text space: y grows upwards, so the raised exponent has the larger base line
    power = [ch("1", 0, 100, 16), ch("0", 8, 100, 16), ch("\u2212", 16, 106, 11)]
    power.append(ch("3", 24, 106, 11))
    assert ex.parse_label(power) == ("10^-3", 1e-3, True)
    assert ex.parse_label([ch("2", 0, 50, 16), ch("0", 8, 50, 16), ch("0", 16, 50, 16)]) == (
        "200",
        200.0,
        False,
    )
    with pytest.raises(ValueError, match="powers of 10"):
        ex.parse_label([ch("2", 0, 100, 16), ch("3", 8, 106, 11)])


def test_a_figure_without_legend_is_refused(ex):
    with pytest.raises(ValueError, match="legend"):
        ex.extract_panel(_figure(_known(200), legend=False), "t")


def test_replot_matches_the_pdf_raster(ex):
    data = _figure(_known())
    p = ex.extract_panel(data, "t")
    orig = ex.render_pdf(data, dpi=144)
    rep = ex._fig_array(ex.replot(p, orig.shape[:2], dpi=144), dpi=144)
    assert rep.shape == orig.shape
    for text, recall, precision, med, _ in ex.compare_rasters(p, orig, rep, dpi=144):
        assert recall > 0.95 and precision > 0.95, text
        assert med <= 0.5, text
    # and a wrong calibration is caught: the curves shifted by a factor 1.5
    for s in p.series:
        s.value = s.value * 1.5
    rep = ex._fig_array(ex.replot(p, orig.shape[:2], dpi=144), dpi=144)
    worst = min(r for _, r, *_ in ex.compare_rasters(p, orig, rep, dpi=144))
    assert worst < 0.5
