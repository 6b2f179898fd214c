"""A Sphinx extension for the book: the banner of a reduced build on every page.

``hsr build`` writes ``book/generated/build-info.json`` (:func:`hsr.book.summary.build_info`)
before Jupyter Book runs: the profiles the pages were run at and, for a build at a smaller
profile than the papers' (``smoke``, ``quick``), the banner's text (what the profile shrinks,
and that the published book is built at the papers' scale). This extension puts the banner in
the theme's announcement bar (pydata-sphinx-theme's ``announcement`` option) of every page; a
full build (profile ``paper``) has none.

``_config.yml`` lists it under ``sphinx.extra_extensions``.
"""

from __future__ import annotations

import json
from pathlib import Path

__all__ = ["setup", "banner"]

#: where ``hsr build`` writes the build's facts, relative to the book's root
INFO = Path("book") / "generated" / "build-info.json"


def banner(srcdir) -> str:
    """The banner's HTML from ``<srcdir>/book/generated/build-info.json``; empty when the file
    is absent or says the build is a full one."""
    path = Path(srcdir) / INFO
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("banner") or "")
    except (OSError, ValueError, AttributeError):
        return ""


def _set_banner(app, config) -> None:
    text = banner(app.srcdir)
    if text:
        config.html_theme_options = {**(config.html_theme_options or {}), "announcement": text}


def setup(app) -> dict:
    """Register with Sphinx: the banner is set once the configuration is read."""
    app.connect("config-inited", _set_banner)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
