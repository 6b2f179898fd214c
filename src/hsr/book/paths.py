"""Where the book's files live: the one place that knows the ``HSR_*`` folders.

``hsr run`` sets these variables for the notebooks it executes; a plain ``papermill`` run
gets the defaults below. The sweep cache is shared by both: :func:`cache_dir` is
:func:`hsr.experiments.runtime.cache.default_cache_dir` (``$HSR_CACHE_DIR``, else
``$XDG_CACHE_HOME/hsr``, else ``~/.cache/hsr``), so ``hsr run`` and ``papermill`` reuse the
same cached sweeps unless ``--cache-dir`` says otherwise.

=============== ===================== ================================================
variable        default (unset)       set by ``hsr run`` to
=============== ===================== ================================================
HSR_FIGURE_DIR  ``./figures``         ``<stage>/figures``, then ``book/generated/figures``
HSR_CLAIMS_DIR  ``./claims``          ``<stage>/claims``, then ``book/generated/claims``
HSR_DATA_DIR    ``./data``            ``<stage>/data``, then ``book/generated/data``
HSR_CACHE_DIR   ``~/.cache/hsr``      (unchanged unless ``--cache-dir``)
HSR_CONSOLE_LOG (warnings shown)      ``<stage>/console.log``, printed by the runner
=============== ===================== ================================================

A page's files change together or not at all: ``hsr run`` gives each notebook its own staging
folder ``<stage>`` = ``book/generated/.hsr-staging/<pid>-<name>/`` and, when the notebook
finished, moves its figures, claims and data files and then its executed copy into place under
a lock on the output folder (:func:`hsr.book.run.commit_outputs`). A notebook that fails or is
interrupted leaves the page as it was (a failed one keeps its partial copy as
``<name>.failed.ipynb``). The runtime's warnings (e.g. a corrupt cache file recomputed) go to
``$HSR_CONSOLE_LOG``, which the runner prints on its stderr: the console, not the page.

The runs of the fresh seed sets (``hsr run --seed-sets``, :mod:`hsr.book.seed_sets`) get
their own folders and ``HSR_SKIP_FIGURES=1``: :func:`hsr.book.plotting.save_figure` then
writes nothing (:func:`skip_figures`), since only their rows are kept.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..experiments.runtime.cache import default_cache_dir

__all__ = [
    "GENERATED",
    "figure_dir",
    "claims_dir",
    "data_dir",
    "cache_dir",
    "generated_dir",
    "notebook_environment",
    "SKIP_FIGURES_ENV",
    "skip_figures",
]

#: set to 1 by ``hsr run`` for the runs of the fresh seed sets: no figure file is written
SKIP_FIGURES_ENV = "HSR_SKIP_FIGURES"

#: where ``hsr run`` writes executed notebooks, figures, claims and data (relative to the root)
GENERATED = Path("book") / "generated"


def figure_dir() -> Path:
    """``$HSR_FIGURE_DIR``, else ``./figures``."""
    return Path(os.environ.get("HSR_FIGURE_DIR", "figures"))


def claims_dir() -> Path:
    """``$HSR_CLAIMS_DIR``, else ``./claims``."""
    return Path(os.environ.get("HSR_CLAIMS_DIR", "claims"))


def data_dir() -> Path:
    """``$HSR_DATA_DIR``, else ``./data``."""
    return Path(os.environ.get("HSR_DATA_DIR", "data"))


def skip_figures() -> bool:
    """Whether ``$HSR_SKIP_FIGURES`` asks :func:`hsr.book.plotting.save_figure` to write
    nothing (any value but empty or ``0``)."""
    return os.environ.get(SKIP_FIGURES_ENV, "") not in ("", "0")


def cache_dir() -> Path:
    """The sweep cache: the same default for ``hsr run`` and plain ``papermill``."""
    return default_cache_dir()


def generated_dir(root) -> Path:
    """``<root>/book/generated``."""
    return Path(root) / GENERATED


def notebook_environment(out: Path, cache: str | os.PathLike | None = None) -> dict[str, str]:
    """The ``HSR_*`` variables ``hsr run`` gives a notebook writing into ``out``; ``cache``:
    the sweep cache (default :func:`cache_dir`)."""
    out = Path(out)
    return {
        "HSR_FIGURE_DIR": str(out / "figures"),
        "HSR_CLAIMS_DIR": str(out / "claims"),
        "HSR_DATA_DIR": str(out / "data"),
        "HSR_CACHE_DIR": str(cache if cache is not None else cache_dir()),
    }
