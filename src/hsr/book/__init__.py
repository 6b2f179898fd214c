"""Book tooling: where files go (:mod:`~hsr.book.paths`), gluing numbers and writing claim rows
(:mod:`~hsr.book.report`), the plotting style (:mod:`~hsr.book.plotting`, imports
matplotlib), the generated pages (:mod:`~hsr.book.pages`) and the ``hsr`` command
(:mod:`~hsr.book.cli`). Never imported by ``import hsr``: import the module you need, e.g.
``from hsr.book import plotting, report``."""
