"""Progress bars: tqdm when installed, a silent stand-in otherwise (core: numpy and scipy)."""

from __future__ import annotations

import sys


class _Silent:
    def __init__(self, *args, total=None, **kwargs):
        self.total = total

    def update(self, n=1):
        pass

    def set_postfix_str(self, s, refresh=True):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def progress_bar(total: int, desc: str, quiet: bool = False, unit: str = "it"):
    """A tqdm bar on stderr (auto notebook/terminal), or a silent object when quiet."""
    if quiet:
        return _Silent(total=total)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover - tqdm ships with the test and book extras
        return _Silent(total=total)
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, smoothing=0.1)
