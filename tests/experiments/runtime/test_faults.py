"""Faults a new user meets, on real files: a cache file with a flipped bit (every bit of a
small file in turn, and the reported zip-header flip of a sweep file), a cache folder that
cannot be one."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

import numpy as np
import pytest

from hsr.experiments.runtime import cache
from hsr.experiments.runtime.cache import CacheWarning


# ----- a cache file with one bit flipped --------------------------------------------------------
def test_every_single_bit_flip_is_caught_or_harmless(tmp_path):
    """Flip one bit of each byte of a cache file in turn (headers, central directory, data):
    every load either returns the exact arrays or warns naming the file, deletes it and returns
    None. Never an exception (a flip in a zip header raised NotImplementedError or RuntimeError
    on every later run, and the file stayed)."""
    path = tmp_path / "entry.npz"
    arrays = {"a": np.arange(20.0), "b": np.ones((3, 4), dtype=bool)}
    cache.save_arrays(path, arrays, {"k": 1})
    raw = path.read_bytes()
    with zipfile.ZipFile(path) as z:  # the flips reach every kind of zip structure
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
    outcomes = {"deleted": 0, "same": 0}
    for i in range(len(raw)):
        damaged = bytearray(raw)
        damaged[i] ^= 1 << (i % 8)
        path.write_bytes(bytes(damaged))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = cache.load_arrays(path)  # never raises
        if got is None:
            outcomes["deleted"] += 1
            assert not path.exists(), f"byte {i}: a corrupt file was left in place"
            assert len(caught) == 1 and caught[0].category is CacheWarning
            assert str(path) in str(caught[0].message), caught[0].message
        else:
            outcomes["same"] += 1  # a flip in a field nothing reads (a time stamp)
            got_arrays, meta = got
            assert meta == {"k": 1} and set(got_arrays) == set(arrays)
            for k in arrays:
                np.testing.assert_array_equal(got_arrays[k], arrays[k], err_msg=f"byte {i}")
            assert not caught
    assert outcomes["deleted"] > len(raw) // 2, outcomes


def _central_entry(data: bytes, name: str) -> int:
    """Where the central directory entry of member ``name`` starts in the zip ``data``."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        at = z.start_dir
    while data[at : at + 4] == b"PK\x01\x02":
        n_name, n_extra, n_comment = struct.unpack("<HHH", data[at + 28 : at + 34])
        if data[at + 46 : at + 46 + n_name].decode() == name:
            return at
        at += 46 + n_name + n_extra + n_comment
    raise LookupError(name)


def test_a_flip_in_a_sweep_files_zip_header_is_recomputed(tmp_path):
    """The reported case: a flipped bit in the header of a cached sweep's member (its
    compression method). The next run warns naming the file, recomputes, and saves a good
    file; the run after that loads it quietly."""
    from hsr import run_sweep

    small = dict(n_seeds=4, max_iter=60, n_train=20, n_test=20, quiet=True, cache_dir=tmp_path)
    first = run_sweep(**small)
    (path,) = tmp_path.glob("sweep-*.npz")
    data = bytearray(path.read_bytes())
    at = _central_entry(data, "theta.npy")
    data[at + 10] ^= 0x01  # its compression method: 8 (deflate) -> 9 (deflate64, unreadable)
    path.write_bytes(bytes(data))
    with pytest.warns(CacheWarning, match=str(path).replace(".", r"\.")):
        again = run_sweep(**small)
    np.testing.assert_array_equal(again.theta, first.theta)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(run_sweep(**small).theta, first.theta)


# ----- a cache folder that cannot be one ---------------------------------------------------------
def test_an_unusable_hsr_cache_dir_is_named(tmp_path, monkeypatch):
    """``$HSR_CACHE_DIR`` below a file: the sweep's OSError says the sweep cache comes from
    ``$HSR_CACHE_DIR`` and names the folder (a bare ``NotADirectoryError`` named neither)."""
    from hsr import run_sweep

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HSR_CACHE_DIR", str(blocker / "cache"))
    with pytest.raises(OSError) as info:
        run_sweep(n_seeds=4, max_iter=30, n_train=20, n_test=20, quiet=True)
    notes = " ".join(getattr(info.value, "__notes__", []))
    assert f"the sweep cache {blocker / 'cache'} (from $HSR_CACHE_DIR)" in notes, notes
    with pytest.raises(OSError) as info:
        run_sweep(n_seeds=4, max_iter=30, n_train=20, n_test=20, quiet=True, cache_dir=blocker)
    assert "(from the cache_dir argument)" in " ".join(getattr(info.value, "__notes__", []))
