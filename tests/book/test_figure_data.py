"""figure_data: the numbers a figure draws, written beside its PNG and PDF."""

from __future__ import annotations

import csv

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from hsr.book import figure_data, plotting  # noqa: E402


def _read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _xy(rows, element):
    sel = [r for r in rows if r["element"] == element]
    return np.array([[float(r["x"]), float(r["y"])] for r in sel])


def test_the_csv_holds_exactly_what_is_drawn(tmp_path):
    """Lines, scatter points (with their colour values), bars, filled areas, images and
    text come back in the panels' data coordinates; colour bars are left out."""
    rng = np.random.default_rng(0)
    x = np.linspace(0.0, 1.0, 7)
    pts = rng.normal(size=(5, 2))
    fig, (a, b, c) = plt.subplots(1, 3)
    a.plot(x, x**2, label="square")
    a.set(title="left", xlabel="t", ylabel="t^2", yscale="log")
    sc = a.scatter(pts[:, 0], pts[:, 1], c=np.arange(5.0))
    fig.colorbar(sc, ax=a)
    b.bar([1, 2], [3.0, 4.5], width=0.5)
    b.fill_between(x, 0, x, alpha=0.3)
    b.text(1.5, 2.0, "n = 12")
    img = c.imshow(np.arange(6.0).reshape(2, 3), extent=(0, 3, 0, 2))
    assert img is not None
    plotting.save_figure(fig, "demo", outdir=tmp_path)
    plt.close(fig)
    rows = _read(tmp_path / "demo.csv")
    assert list(rows[0]) == list(figure_data.COLUMNS)
    assert {r["panel"] for r in rows} == {"0", "1", "2"}  # the colour bar is not a panel
    np.testing.assert_array_equal(_xy(rows, "line 0"), np.c_[x, x**2])
    line = [r for r in rows if r["element"] == "line 0"]
    assert {(r["title"], r["xlabel"], r["ylabel"], r["label"]) for r in line} == {
        ("left", "t", "t^2", "square")
    }
    scatter = [r for r in rows if r["kind"] == "scatter"]
    np.testing.assert_array_equal(_xy(rows, "scatter 0"), pts)
    assert [float(r["value"]) for r in scatter] == [0.0, 1.0, 2.0, 3.0, 4.0]
    bars = [r for r in rows if r["panel"] == "1" and r["kind"] == "patch"]
    tops = sorted({(float(r["x"]), float(r["y"])) for r in bars if float(r["y"]) > 0})
    np.testing.assert_allclose(tops, [(0.75, 3.0), (1.25, 3.0), (1.75, 4.5), (2.25, 4.5)])
    area = [r for r in rows if r["kind"] == "polygon"]
    assert area and max(float(r["y"]) for r in area) == 1.0
    assert [(r["label"], float(r["x"])) for r in rows if r["kind"] == "text"] == [("n = 12", 1.5)]
    pixels = [r for r in rows if r["kind"] == "image"]
    assert len(pixels) == 6
    # imshow's default origin is "upper": row 0 is drawn at the top (y = 1.5)
    assert (float(pixels[0]["x"]), float(pixels[0]["y"]), float(pixels[0]["value"])) == (
        0.5,
        1.5,
        0.0,
    )
    assert (float(pixels[5]["x"]), float(pixels[5]["y"]), float(pixels[5]["value"])) == (
        2.5,
        0.5,
        5.0,
    )
