"""The experiments' runtime: infrastructure that knows no experiment.

* :mod:`~hsr.experiments.runtime.parallel` -- chunks of any job through any executor
  (process pool, dask), resumable through the chunk store;
* :mod:`~hsr.experiments.runtime.cache` -- the disk cache of results, keyed by parameters and
  the code that computed them, and its chunk store and locks;
* :mod:`~hsr.experiments.runtime.cluster` -- a dask cluster: reached within a bounded time,
  its workers' code checked against the caller's, watched while chunks run there;
* :mod:`~hsr.experiments.runtime.files` -- atomic writes (the one helper);
* :mod:`~hsr.experiments.runtime.console` -- warnings for the person running the book (the
  console under ``hsr run``), never for the page;
* :mod:`~hsr.experiments.runtime.progress` -- progress bars;
* :mod:`~hsr.experiments.runtime.timing` -- wall-clock medians and growth exponents.

Nothing here imports an experiment module (``tests/test_layers.py`` checks it); an experiment
hands the runtime its work (e.g. :func:`hsr.experiments.training.train_chunks`).
"""
