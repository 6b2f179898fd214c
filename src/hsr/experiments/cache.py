"""The disk cache of sweeps and comparisons.

An entry is one ``.npz`` file named by a key made of every parameter, the package version and
the cache format; it is written atomically, and an unreadable entry is reported and
recomputed, never used.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np

from .._version import __version__
from .files import atomic_path

__all__ = ["default_cache_dir", "CACHE_FORMAT", "cache_key", "cache_load", "cache_save"]


def default_cache_dir() -> Path:
    """``$HSR_CACHE_DIR``, else ``$XDG_CACHE_HOME/hsr``, else ``~/.cache/hsr``."""
    if os.environ.get("HSR_CACHE_DIR"):
        return Path(os.environ["HSR_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hsr"


#: bumped whenever the layout of cached results changes (3: comparisons store ``diverged``)
CACHE_FORMAT = 3


def cache_key(kind: str, params: dict) -> str:
    blob = json.dumps(
        {"kind": kind, "version": __version__, "format": CACHE_FORMAT, **params},
        sort_keys=True,
        default=str,
    )
    return f"{kind}-{hashlib.sha256(blob.encode()).hexdigest()[:20]}"


def cache_load(cache_dir, key):
    if cache_dir is False:
        return None
    path = Path(cache_dir or default_cache_dir()) / f"{key}.npz"
    if not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, EOFError) as exc:  # unreadable: recompute
        warnings.warn(f"ignoring unreadable cache file {path}: {exc}", stacklevel=3)
        return None
    meta = json.loads(str(arrays.pop("__meta__")))
    return arrays, meta


def cache_save(cache_dir, key, arrays: dict, meta: dict):
    if cache_dir is False:
        return
    path = Path(cache_dir or default_cache_dir()) / f"{key}.npz"
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez_compressed(tmp, __meta__=np.array(json.dumps(meta)), **arrays)
