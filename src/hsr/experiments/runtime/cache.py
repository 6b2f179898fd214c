"""The disk cache of sweeps and comparisons, and of their finished chunks.

An entry is one ``.npz`` file named by a key made of

* every parameter of the call,
* the package version and the cache format, and
* what computed it: a hash of the source of the module that computes the entry and of every
  module of the package it imports, transitively (:func:`code_fingerprint`), so that an edit to
  the training loop, the duplicate removal or a closed form never serves a stale result, and an
  edit to a plot or a page does not throw a sweep away.

Each file carries a checksum of its arrays: an unreadable, truncated or corrupt entry is
reported (:class:`CacheWarning`), deleted and recomputed, never used. Files are written
atomically. While a sweep runs, each finished chunk is stored under ``<key>.chunks/``
(:class:`ChunkStore`), so that an interrupted run (Ctrl-C, a killed worker, a lost dask worker)
resumes from them when the same call is made again, with the same result as an uninterrupted run.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from ..._version import __version__
from .console import warn
from .files import atomic_path

__all__ = [
    "CacheWarning",
    "default_cache_dir",
    "CACHE_FORMAT",
    "PACKAGE_DIR",
    "code_fingerprint",
    "code_fingerprints",
    "cache_key",
    "cache_load",
    "cache_save",
    "save_arrays",
    "load_arrays",
    "ChunkStore",
    "cache_lock",
    "cache_folder",
]

#: bumped whenever the layout of cached results changes (3: comparisons store ``diverged``;
#: 4: the key holds the code fingerprint, the files a checksum)
CACHE_FORMAT = 4

#: the package's source folder, whose modules :func:`code_fingerprint` hashes
PACKAGE_DIR = Path(__file__).resolve().parents[2]

#: the module that computes each kind of entry
COMPUTED_BY = {
    "sweep": "hsr.experiments.sweeps",
    "compare": "hsr.experiments.comparison",
    "landscape": "hsr.experiments.landscape.protocol",
}


class CacheWarning(UserWarning):
    """A cache entry could not be used (unreadable, truncated, corrupt) and is recomputed."""


def default_cache_dir() -> Path:
    """``$HSR_CACHE_DIR``, else ``$XDG_CACHE_HOME/hsr``, else ``~/.cache/hsr``."""
    if os.environ.get("HSR_CACHE_DIR"):
        return Path(os.environ["HSR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hsr"


# ----- what computed an entry -----------------------------------------------------------------
def _module_file(package_dir: Path, module: str) -> Path | None:
    """The source file of ``hsr.<...>`` under ``package_dir``: ``<name>.py`` for a module,
    ``<name>/__init__.py`` for a package (whose own imports then bring in its submodules), or
    None for a name that is no module of hsr (``from ..m import some_function``)."""
    parts = module.split(".")[1:]
    if not parts:
        return None
    path = package_dir.joinpath(*parts)
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return None


def _closure(package_dir: Path, module: str) -> dict[str, bytes]:
    """module -> source, for ``module`` and every hsr module or package it imports,
    transitively (a package by its ``__init__``, and through it every submodule it imports;
    the parent packages Python runs on the way, which only re-export, are not followed)."""
    from ..._layers import imports_of

    seen: dict[str, bytes] = {}
    todo = [module]
    while todo:
        mod = todo.pop()
        path = _module_file(package_dir, mod)
        if mod in seen or path is None:
            continue
        seen[mod] = path.read_bytes()
        for target, _ in imports_of(path, mod):
            if mod.startswith(target + "."):
                continue  # its own parent package ("from . import x" names it too)
            if target.startswith("hsr.") and target not in seen:
                todo.append(target)
    return seen


@functools.lru_cache(maxsize=64)
def _fingerprint(package_dir: str, module: str, stamp: tuple) -> str:
    h = hashlib.sha256()
    for mod, src in sorted(_closure(Path(package_dir), module).items()):
        h.update(mod.encode() + b"\0" + src + b"\0")
    return h.hexdigest()[:16]


def code_fingerprint(kind: str, package_dir: Path | None = None) -> str:
    """A hash of the source of the module that computes ``kind`` entries (``COMPUTED_BY``) and
    of every hsr module it imports, transitively (function-local imports included)."""
    if kind not in COMPUTED_BY:
        raise ValueError(f"kind must be one of {sorted(COMPUTED_BY)}, got {kind!r}")
    d = Path(package_dir or PACKAGE_DIR)
    # recomputed whenever a source file of the package changes (size or modification time)
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(d.rglob("*.py")))
    return _fingerprint(str(d), COMPUTED_BY[kind], stamp)


def code_fingerprints(package_dir: Path | None = None) -> dict[str, str]:
    """What makes this process's entries: the package version, the cache format and the
    :func:`code_fingerprint` of every kind of entry. Two processes whose values are equal
    compute the same numbers for the same parameters (a dask worker is checked against its
    client with it, :func:`hsr.experiments.runtime.cluster.check_code`)."""
    out = {"version": __version__, "format": str(CACHE_FORMAT)}
    out.update({kind: code_fingerprint(kind, package_dir) for kind in sorted(COMPUTED_BY)})
    return out


def cache_key(kind: str, params: dict, package_dir: Path | None = None) -> str:
    """The entry's name: ``<kind>-<hash of the parameters, version, format and code>``."""
    blob = json.dumps(
        {
            "kind": kind,
            "version": __version__,
            "format": CACHE_FORMAT,
            "code": code_fingerprint(kind, package_dir),
            **params,
        },
        sort_keys=True,
        default=str,
    )
    return f"{kind}-{hashlib.sha256(blob.encode()).hexdigest()[:20]}"


# ----- files with a checksum ---------------------------------------------------------------
def _checksum(arrays: dict) -> str:
    h = hashlib.sha256()
    for k in sorted(arrays):
        a = np.ascontiguousarray(arrays[k])
        h.update(f"{k}|{a.dtype.str}|{a.shape}|".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save_arrays(path: Path, arrays: dict, meta: dict) -> Path:
    """``arrays`` and ``meta`` (JSON) as one compressed ``.npz`` with a checksum, atomically."""
    meta = {**meta, "checksum": _checksum(arrays)}
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez_compressed(tmp, __meta__=np.array(json.dumps(meta)), **arrays)
    return path


def load_arrays(path: Path):
    """``(arrays, meta)`` from :func:`save_arrays`, or None when the file is missing. A file
    that cannot be read for any reason (a bad zip header, an unknown compression method, a
    truncated member, arrays that do not match its checksum, ...) is reported with a
    :class:`CacheWarning` naming it (through :func:`~hsr.experiments.runtime.console.warn`:
    the console under ``hsr run``, never the page), deleted, and None is returned: the caller
    recomputes."""
    path = Path(path)
    if not path.exists():
        return None
    try:
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(str(arrays.pop("__meta__")))
        if not isinstance(meta, dict) or meta.get("checksum") != _checksum(arrays):
            raise ValueError("its arrays do not match its checksum")
    except Exception as exc:  # noqa: BLE001 - any failure to read an entry means it is corrupt
        warn(
            f"cache file {path} is unreadable or corrupt ({type(exc).__name__}: {exc}): "
            "deleted, recomputing it",
            CacheWarning,
            stacklevel=3,
        )
        path.unlink(missing_ok=True)
        return None
    meta.pop("checksum", None)
    return arrays, meta


def cache_load(cache_dir, key):
    """The entry ``key`` from ``cache_dir`` (default :func:`default_cache_dir`; ``False``: no
    cache): ``(arrays, meta)``, or None."""
    if cache_dir is False:
        return None
    return load_arrays(Path(cache_dir or default_cache_dir()) / f"{key}.npz")


def cache_save(cache_dir, key, arrays: dict, meta: dict):
    """Store the entry ``key`` and drop its finished chunks (the entry replaces them)."""
    if cache_dir is False:
        return
    d = Path(cache_dir or default_cache_dir())
    save_arrays(d / f"{key}.npz", arrays, meta)
    ChunkStore(d, key).clear()


def cache_folder(cache_dir=None) -> Path:
    """The cache folder (``cache_dir``, default :func:`default_cache_dir`), created if missing;
    an OSError that says where the folder came from (``$HSR_CACHE_DIR``, the default, the
    argument) when it cannot be made or written to."""
    d = Path(cache_dir or default_cache_dir())
    try:
        d.mkdir(parents=True, exist_ok=True)
        if not os.access(d, os.W_OK | os.X_OK):
            raise PermissionError(13, "cannot write there", str(d))
    except OSError as exc:
        if cache_dir:
            where = "the cache_dir argument"
        elif os.environ.get("HSR_CACHE_DIR"):
            where = "$HSR_CACHE_DIR"
        else:
            where = "the default cache folder ($XDG_CACHE_HOME/hsr or ~/.cache/hsr)"
        exc.add_note(f"hsr: the sweep cache {d} (from {where}) cannot be used as a folder")
        raise
    return d


@contextlib.contextmanager
def cache_lock(cache_dir, key: str):
    """Hold ``<cache_dir>/<key>.lock`` while an entry is looked up and, on a miss, computed:
    two processes asking for the same entry at once (notebooks run side by side by
    ``hsr run --jobs``) compute it once, the second waiting and then loading it. An advisory
    ``flock``; where the platform has none, or ``cache_dir=False``, no lock is taken."""
    if cache_dir is False:
        yield
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    d = cache_folder(cache_dir)
    with open(d / f"{key}.lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# ----- finished chunks of a running entry -----------------------------------------------------
class ChunkStore:
    """The finished chunks of the entry ``key``: ``<cache_dir>/<key>.chunks/<name>.npz``.

    A chunk is saved as soon as its worker returns it; a later run of the same call loads the
    saved ones and computes only the others. ``cache_dir=False`` disables it (every method is
    then a no-op)."""

    def __init__(self, cache_dir, key: str):
        self.enabled = cache_dir is not False
        self.dir = Path(cache_dir or default_cache_dir()) / f"{key}.chunks"

    def path(self, name: str) -> Path:
        return self.dir / f"{name}.npz"

    def save(self, name: str, arrays: dict, meta: dict) -> None:
        if self.enabled:
            save_arrays(self.path(name), arrays, meta)

    def load(self, name: str):
        return load_arrays(self.path(name)) if self.enabled else None

    def names(self) -> list[str]:
        if not self.enabled or not self.dir.is_dir():
            return []
        return sorted(p.stem for p in self.dir.glob("*.npz"))

    def clear(self) -> None:
        if self.enabled:
            shutil.rmtree(self.dir, ignore_errors=True)
