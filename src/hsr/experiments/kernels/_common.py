"""What every file of :mod:`hsr.experiments.kernels` shares: whether numba is installed, the
activation codes the kernels branch on, the three ways a kernel is compiled, and the rule that
keeps numba's on-disk cache honest across the package's files.

numba caches each compiled function beside its source file (``cache=True``) and throws the
entry away when *that file* changes, but not when a function it calls from another file
changes: the callee's machine code is linked into the caller's entry. So after the split of
the kernels into several files an edit of the vector maths (``vecmath.py``) would leave the
lane kernels (``lanes.py``) running the old exponential from the cache. :func:`package_stamp`
closes that hole: every function of this package is cached under one stamp, a hash of every
``.py`` file of the package, so an edit of any of them recompiles all of them (as it did when
they were one file). ``tests/experiments/test_kernels.py`` checks that every cached kernel uses
it and that editing any file changes it.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

try:  # pragma: no cover - exercised when numba is installed
    from numba import njit

    HAVE_NUMBA = True
except ImportError:  # pragma: no cover
    HAVE_NUMBA = False

__all__ = ["HAVE_NUMBA", "ACT_CODES", "PACKAGE_DIR", "package_stamp"]

#: the integer code of each activation inside the kernels (``_act`` branches on it)
ACT_CODES = {"linear": 0, "sigmoid": 1, "tanh": 2, "softplus": 3, "gelu": 4}

#: the folder of the kernels package: the files :func:`package_stamp` hashes
PACKAGE_DIR = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=8)
def _stamp(directory: str, files: tuple) -> str:
    h = hashlib.sha256()
    for name, _, _ in files:
        h.update(name.encode() + b"\0" + (Path(directory) / name).read_bytes() + b"\0")
    return h.hexdigest()


def package_stamp(directory: Path | None = None) -> str:
    """A hash of the source of every ``.py`` file in ``directory`` (default: this package):
    the freshness stamp of numba's cache entries for every kernel defined here."""
    d = Path(directory or PACKAGE_DIR)
    files = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(d.glob("*.py")))
    return _stamp(str(d), files)


def _install_package_locators() -> list:
    """Put, in front of numba's cache locators, one variant of each file-backed locator
    (``NUMBA_CACHE_DIR``, the ``__pycache__`` beside the file, the user-wide folder, in numba's
    order) that serves only this package's files and stamps their entries with
    :func:`package_stamp`; every other file keeps numba's own rule. Returns the new classes."""
    from numba.core import caching

    classes = []
    for name in ("UserProvidedCacheLocator", "InTreeCacheLocator", "UserWideCacheLocator"):
        base = getattr(caching, name)

        class Locator(base):
            def get_source_stamp(self):
                return package_stamp()

            @classmethod
            def from_function(cls, py_func, py_file):
                if Path(py_file).resolve().parent != PACKAGE_DIR:
                    return None
                return super().from_function(py_func, py_file)

        Locator.__name__ = Locator.__qualname__ = "Kernels" + name
        classes.append(Locator)
    impl = caching.CacheImpl
    impl._locator_classes = classes + [
        c for c in impl._locator_classes if not c.__name__.startswith("Kernels")
    ]
    return classes


if HAVE_NUMBA:
    #: numba's cache locators for this package's files (see the module docstring)
    PACKAGE_LOCATORS = tuple(_install_package_locators())
    #: scalar code: one network at a time
    jit_scalar = njit(cache=True, fastmath=False, nogil=True)
    #: small functions inlined into the lane loops (numba's IR inliner, so they vectorise there)
    jit_inline = njit(cache=True, fastmath=False, nogil=True, inline="always", error_model="numpy")
    #: lane loops. error_model="numpy": a float division is a plain IEEE division (no
    #: zero-division branch), which the loop vectoriser needs
    jit_lanes = njit(cache=True, fastmath=False, nogil=True, error_model="numpy")
