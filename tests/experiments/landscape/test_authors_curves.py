"""The landscape authors' Fig. 2 curves shipped as package data
(hsr.experiments.landscape.authors):
the provenance header, the series against the legend and the authors' config, the k range,
the fall with k, the agreement of the one net drawn in both panels, and the loader's checks."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from hsr.experiments.landscape import FIG2_LEFT, FIG2_RIGHT
from hsr.experiments.landscape.authors import (
    AUTHORS_FIG2_FILE,
    AUTHORS_FIG2_IMAGES,
    AUTHORS_FIG2_PANELS,
    AuthorsCurve,
    authors_fig2,
    authors_fig2_provenance,
    level_ratio,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def curves():
    return authors_fig2()


def test_provenance_header_names_repository_commit_files_and_method():
    prov = authors_fig2_provenance()
    assert "Unraveling the Hessian" in prov["title"]
    assert prov["repository"].startswith("kisnikser/landscape-hessian")
    assert re.fullmatch(r"[0-9a-f]{40}", prov["commit"]), prov["commit"]
    for panel in AUTHORS_FIG2_PANELS:
        f = prov[f"file {panel}"]
        assert f.startswith(f"paper/figs/mnist_{panel}.pdf (git blob ")
        assert re.search(r"sha256 [0-9a-f]{64}", f)
        assert f"code/figs/mnist_{panel}.pdf: identical blob" in f
        axes = prov[f"axes {panel}"]
        assert "x linear" in axes and "y log" in axes
    assert "scripts/extract_landscape_curves.py" in prov["method"]
    assert (ROOT / "scripts" / "extract_landscape_curves.py").is_file()
    for word in ("100 random orderings", "EMA", "10,000", "log y axis"):
        assert word in prov["quantity"], word


def test_series_match_the_legend_and_the_authors_grid(curves):
    """Each panel holds as many series as its legend has entries, with the legend's (h, L),
    and those are the paper's grid: L = 5 with h = 4..64, h = 16 with L = 1..10."""
    prov = authors_fig2_provenance()
    assert set(curves) == set(AUTHORS_FIG2_PANELS)
    for panel, grid in (("hidden_size", FIG2_LEFT), ("num_layers", FIG2_RIGHT)):
        m = re.fullmatch(r"(\d+) entries: (.*)", prov[f"legend {panel}"])
        n, labels = int(m[1]), m[2].split(", ")
        legend = [tuple(map(int, re.fullmatch(r"h=(\d+),L=(\d+)", t).groups())) for t in labels]
        assert len(legend) == n == len(curves[panel])
        assert list(curves[panel]) == legend == list(grid)
        for (h, L), c in curves[panel].items():
            assert (c.panel, c.hidden, c.depth) == (panel, h, L)
            assert c.label == f"h = {h}, L = {L}"


def test_k_runs_from_1_to_m_minus_1_on_the_authors_10000_images(curves):
    """The authors' config trains on train_size = 10,000 images, so |L_{k+1} - L_k| runs over
    k = 1 .. 9,999 (drawn at x = 0 .. 9,998)."""
    assert AUTHORS_FIG2_IMAGES == 10_000
    for series in curves.values():
        for c in series.values():
            assert c.vertex_k[0] == 1 and c.vertex_k[-1] == AUTHORS_FIG2_IMAGES - 1
            assert np.all(np.diff(c.vertex_k) > 0)
            np.testing.assert_array_equal(c.k, np.arange(1, AUTHORS_FIG2_IMAGES))
            # a simplified path: hundreds to a few thousand vertices, not every k
            assert 500 <= c.vertex_k.size < AUTHORS_FIG2_IMAGES - 1


def test_every_curve_falls_with_k_on_log_spaced_windows(curves):
    """The EMA of an ordering-averaged |L_{k+1} - L_k| wiggles from vertex to vertex (100
    orderings leave noise) but falls window to window: the geometric mean over each of
    [1, 10), [10, 100), [100, 1000), [1000, 2000), [2000, 4000), [4000, 8000), [8000, 10^4)
    is below the previous one."""
    edges = [1, 10, 100, 1000, 2000, 4000, 8000, AUTHORS_FIG2_IMAGES]
    for series in curves.values():
        for c in series.values():
            k, s = c.k, c.smoothed
            gm = [np.exp(np.mean(np.log(s[(k >= a) & (k < b)]))) for a, b in pairwise(edges)]
            assert np.all(np.diff(gm) < 0), (c.label, gm)
            assert np.all(s > 0) and s[0] < 1.0


def test_the_net_drawn_in_both_panels_agrees_between_the_two_files(curves):
    """h = 16, L = 5 is in both panels: one trained net, its own 100 random orderings in each
    plot. Where the orderings have averaged out (k >= 1000) the two curves, read from two
    files with their own calibrations, agree: geometric-mean ratio within 1%, every k within
    10% (the ordering noise)."""
    a, b = curves["hidden_size"][(16, 5)], curves["num_layers"][(16, 5)]
    k = np.arange(1000, AUTHORS_FIG2_IMAGES)
    r = b.at(k) / a.at(k)
    assert abs(np.exp(np.mean(np.log(r))) - 1) < 0.01
    assert np.all(np.abs(r - 1) < 0.1)


def test_the_csv_is_package_data():
    """pyproject.toml ships the CSV with the package (a wheel, not only the editable tree)."""
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = cfg["tool"]["setuptools"]["package-data"]["hsr.experiments.landscape"]
    assert any(fnmatch.fnmatch(AUTHORS_FIG2_FILE, p) for p in patterns)
    assert (ROOT / "src" / "hsr" / "experiments" / "landscape" / AUTHORS_FIG2_FILE).is_file()


# ----- the loader ---------------------------------------------------------------------------------
def test_at_is_exact_on_vertices_and_straight_in_log_value_between():
    c = AuthorsCurve("p", 4, 5, np.array([1, 3, 11]), np.array([1.0, 1e-2, 1e-4]), m=12)
    np.testing.assert_allclose(c.at([1, 3, 11]), [1.0, 1e-2, 1e-4], rtol=1e-12)
    np.testing.assert_allclose(c.at([2, 7]), [1e-1, 1e-3], rtol=1e-12)
    np.testing.assert_array_equal(c.k, np.arange(1, 12))
    assert c.smoothed.shape == (11,)
    with pytest.raises(ValueError, match="drawn range"):
        c.at([0])
    with pytest.raises(ValueError, match="drawn range"):
        c.at([12])


@pytest.mark.parametrize(
    "k, v, match",
    [
        ([1, 1, 2], [1.0, 1.0, 1.0], "increase strictly"),
        ([2, 1], [1.0, 1.0], "increase strictly"),
        ([0, 1], [1.0, 1.0], "increase strictly"),
        ([1, 12], [1.0, 1.0], "increase strictly"),
        ([1, 2], [1.0, 0.0], "> 0"),
        ([1, 2], [1.0, np.nan], "> 0"),
        ([1.0, 2.0], [1.0, 1.0], "integer k"),
        ([1], [1.0], "length >= 2"),
        ([1, 2, 3], [1.0, 1.0], "one length"),
    ],
)
def test_curve_rejects_bad_vertices(k, v, match):
    with pytest.raises(ValueError, match=match):
        AuthorsCurve("p", 4, 5, np.array(k), np.array(v), m=12)


def test_curves_are_read_only(curves):
    c = curves["hidden_size"][(4, 5)]
    with pytest.raises(ValueError):
        c.vertex_value[0] = 1.0


def test_the_authors_figure_under_our_depth_width_rule(curves):
    """What the Fig. 2 page reports: on the authors' own curves the levels rise with L except
    L = 7 above L = 10 (rho_L = 0.9) and fall with h except h = 4 below h = 8 and h = 16
    (rho_h = -0.7), in every window of k the sensitivity series uses: partly under the
    threshold published first (0.9), holds under the reading's (0.5)."""
    from hsr.claims.landscape import authors_order_test

    for k_frac in (0.0, 0.01, 0.1, 0.5):
        out = authors_order_test(curves, k_frac, 0.9)
        assert out["rho_L"] == pytest.approx(0.9) and out["rho_h"] == pytest.approx(-0.7)
        assert (out["verdict_L"], out["verdict_h"], out["verdict"]) == ("holds", "partly", "partly")
        # the reading's threshold, rho_min = 0.5 (an evident trend): their figure passes it
        now = authors_order_test(curves, k_frac)
        assert (now["verdict_L"], now["verdict_h"], now["verdict"]) == ("holds",) * 3
        lh, lL = out["levels_h"], out["levels_L"]
        assert lh[4] < lh[16] < lh[8] and lh[64] < lh[32] < lh[4]
        assert lL[1] < lL[3] < lL[5] < lL[10] < lL[7]


def test_level_ratio_is_the_geometric_mean_ratio_over_the_window():
    c = AuthorsCurve("p", 4, 5, np.array([1, 99]), np.array([1.0, 1.0]), m=100)
    k = np.arange(1, 100)
    ours = np.where(k < 50, 0.5, 2.0)
    assert level_ratio(c, k, ours, 10, 49) == pytest.approx(2.0)
    assert level_ratio(c, k, ours, 50, 99) == pytest.approx(0.5)
    assert level_ratio(c, k, ours, 40, 59) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="no k"):
        level_ratio(c, k, ours, 200, 300)
    with pytest.raises(ValueError, match="> 0"):
        level_ratio(c, k, np.zeros(99), 1, 99)
    with pytest.raises(ValueError, match="one shape"):
        level_ratio(c, k, ours[:-1], 1, 99)
