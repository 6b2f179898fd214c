"""A Sphinx extension for the book: load MathJax on every page.

Sphinx's mathjax extension adds the MathJax script (and the ``mathjax3_config`` that defines the
book's macros) only to pages whose body has mathematics (``sphinx.ext.mathjax.install_mathjax``
checks ``MathDomain.has_equations(pagename)``), unless the HTML assets policy is ``"always"``.
Every page's navigation sidebar lists the figure pages, whose titles contain mathematics
(``\\(\\lambda_{\\mathrm{WS}}\\)``), so on a page without mathematics in its body (the front page,
the ledger, provenance, reproduce, references) the navigation showed raw LaTeX. Setting the
policy to ``"always"`` loads the vendored MathJax (``mathjax_path`` in ``_config.yml``) on every
page, so every page's navigation renders.

``_config.yml`` lists it under ``sphinx.extra_extensions``.
"""

from __future__ import annotations

__all__ = ["setup"]


def setup(app) -> dict:
    """Register with Sphinx: MathJax (and every other per-page asset) on every page."""
    app.set_html_assets_policy("always")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
