"""The numbers a matplotlib figure draws, as a table: written beside every figure's PNG and
PDF by :func:`hsr.book.plotting.save_figure`, so a reader can re-plot or compare a figure
without re-running its notebook.

One row per drawn point, in the data coordinates of its panel (long format):

========== ==========================================================================
column     what it holds
========== ==========================================================================
panel      the panel's number in the figure (0, 1, ...; colour bars are left out)
title      the panel's title
xlabel     the panel's x-axis label
ylabel     the panel's y-axis label
element    which drawn element of the panel (``line 0``, ``scatter 1``, ``patch 3``, ...)
kind       ``line``, ``scatter``, ``patch`` (bars, boxes: the outline's vertices),
           ``polygon`` (filled areas, contours: one path after another), ``segment``,
           ``image`` (one row per pixel, at its centre), ``mesh``, ``text``
label      the element's legend label, or the text drawn
part       within an element: the path or segment number (0 where there is one)
point      the point's number within its path
x, y       the point's coordinates
value      the colour value where the element maps one (scatter ``c=``, images, meshes,
           contour levels), else empty
========== ==========================================================================
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np

__all__ = ["COLUMNS", "figure_rows", "write_figure_data"]

COLUMNS = (
    "panel",
    "title",
    "xlabel",
    "ylabel",
    "element",
    "kind",
    "label",
    "part",
    "point",
    "x",
    "y",
    "value",
)


def _label(artist) -> str:
    text = artist.get_label() or ""
    return "" if text.startswith("_") else text


def _num(v):
    """A coordinate or value as written: plain floats (``repr``-exact), '' for missing."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    v = float(v)
    return "" if np.isnan(v) else v


def _data_coords(ax, artist, vertices: np.ndarray) -> np.ndarray:
    """``vertices`` of ``artist`` (in its own transform) in the data coordinates of ``ax``."""
    transform = artist.get_transform()
    if transform == ax.transData:
        return np.asarray(vertices, float)
    display = transform.transform(vertices)
    return ax.transData.inverted().transform(display)


def _path_rows(ax, artist, paths, kind: str, values=None):
    for j, path in enumerate(paths):
        xy = _data_coords(ax, artist, path.vertices) if len(path.vertices) else ()
        value = values[j] if values is not None and j < len(values) else None
        for i, (x, y) in enumerate(xy):
            yield kind, j, i, x, y, value


def _collection_rows(ax, coll):
    from matplotlib.collections import LineCollection, PathCollection, QuadMesh

    array = coll.get_array()
    if isinstance(coll, QuadMesh):
        coords = np.asarray(coll.get_coordinates())  # (ny + 1, nx + 1, 2) corners
        centres = 0.25 * (coords[:-1, :-1] + coords[1:, :-1] + coords[:-1, 1:] + coords[1:, 1:])
        vals = np.asarray(array).reshape(centres.shape[:2]) if array is not None else None
        for i, (x, y) in enumerate(centres.reshape(-1, 2)):
            v = vals.reshape(-1)[i] if vals is not None else None
            yield "mesh", 0, i, x, y, v
        return
    if isinstance(coll, PathCollection):  # scatter: the markers sit at the offsets
        offsets = np.asarray(coll.get_offsets(), float)
        tr = coll.get_offset_transform()
        if tr != ax.transData:
            offsets = ax.transData.inverted().transform(tr.transform(offsets))
        vals = np.asarray(array).reshape(-1) if array is not None else None
        for i, (x, y) in enumerate(offsets):
            v = vals[i] if vals is not None and i < vals.size else None
            yield "scatter", 0, i, x, y, v
        return
    kind = "segment" if isinstance(coll, LineCollection) else "polygon"
    paths = coll.get_paths()
    # a contour set maps one value to each path (its level, or its layer when filled)
    values = np.asarray(array).reshape(-1) if array is not None else None
    if values is None or values.size != len(paths):
        levels = getattr(coll, "levels", None)
        values = np.asarray(levels).reshape(-1) if levels is not None else None
    yield from _path_rows(ax, coll, paths, kind, values)


def _image_rows(image):
    data = np.asarray(image.get_array())
    if data.ndim < 2:
        return
    ny, nx = data.shape[:2]
    x0, x1, y0, y1 = image.get_extent()
    xs = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
    ys = y0 + (np.arange(ny) + 0.5) * (y1 - y0) / ny
    if image.origin == "upper":
        ys = ys[::-1]
    for r in range(ny):
        for c in range(nx):
            v = data[r, c]
            if data.ndim == 3:  # an RGB(A) picture: its colour as #rrggbb
                rgb = np.asarray(v[:3], float)
                rgb = rgb / 255.0 if data.dtype.kind in "ui" else rgb
                v = "#" + "".join(f"{int(round(255 * min(max(t, 0.0), 1.0))):02x}" for t in rgb)
            yield "image", 0, r * nx + c, xs[c], ys[r], v


def figure_rows(fig) -> list[dict]:
    """Every point ``fig`` draws, one dict per point with the keys :data:`COLUMNS`, panel by
    panel in the figure's order (colour bars and invisible artists left out)."""
    rows: list[dict] = []
    panels = [ax for ax in fig.axes if getattr(ax, "_colorbar", None) is None]
    for p, ax in enumerate(panels):
        head = {
            "panel": p,
            "title": ax.get_title() or ax.get_title("left") or ax.get_title("right"),
            "xlabel": ax.get_xlabel(),
            "ylabel": ax.get_ylabel(),
        }
        groups = [
            ("line", ax.lines),
            ("collection", ax.collections),
            ("patch", ax.patches),
            ("image", ax.images),
            ("text", ax.texts),
        ]
        for name, artists in groups:
            for e, artist in enumerate(artists):
                if not artist.get_visible():
                    continue
                label = _label(artist)
                if name == "line":
                    xy = np.asarray(artist.get_xydata(), float)
                    points = (("line", 0, i, x, y, None) for i, (x, y) in enumerate(xy))
                elif name == "collection":
                    points = _collection_rows(ax, artist)
                elif name == "patch":
                    points = _path_rows(ax, artist, [artist.get_path()], "patch")
                    # a patch's path is in its own unit coordinates: its transform maps it
                elif name == "image":
                    points = _image_rows(artist)
                else:
                    x, y = artist.get_position()
                    label = artist.get_text()
                    tr = artist.get_transform()
                    if tr != ax.transData:  # text placed in axes coordinates: no data point
                        x = y = None
                    points = [("text", 0, 0, x, y, None)]
                for kind, part, i, x, y, value in points:
                    if kind == "scatter":
                        element = f"scatter {e}"
                    else:
                        element = f"{name} {e}"
                    rows.append(
                        head
                        | {
                            "element": element,
                            "kind": kind,
                            "label": label,
                            "part": part,
                            "point": i,
                            "x": _num(x),
                            "y": _num(y),
                            "value": _num(value),
                        }
                    )
    return rows


def write_figure_data(fig, path: str | os.PathLike) -> Path:
    """Write :func:`figure_rows` of ``fig`` to ``path`` as CSV (columns :data:`COLUMNS`)."""
    from ..experiments.runtime.files import atomic_write_text

    buf = io.StringIO(newline="")
    w = csv.DictWriter(buf, fieldnames=COLUMNS)
    w.writeheader()
    w.writerows(figure_rows(fig))
    return atomic_write_text(Path(path), buf.getvalue())
