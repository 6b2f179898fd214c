"""Messages meant for the person running the book, not for the page.

A notebook's output is a book page: a warning about the cache (a corrupt file deleted and
recomputed, with its path on the build machine) belongs in the console of whoever runs the
notebooks. ``hsr run`` sets ``$HSR_CONSOLE_LOG`` for every notebook to a file it prints to its
own stderr when the notebook ends; :func:`warn` appends there when it is set, else it issues an
ordinary Python warning (a script, a test, an interactive session see it as usual).
"""

from __future__ import annotations

import os
import warnings

__all__ = ["CONSOLE_ENV", "warn"]

#: the environment variable naming the file that takes the runtime's warnings (set by hsr run)
CONSOLE_ENV = "HSR_CONSOLE_LOG"


def warn(message: str, category: type[Warning] = UserWarning, stacklevel: int = 2) -> None:
    """``message`` as a ``category`` warning, or, when ``$HSR_CONSOLE_LOG`` names a file, one
    line appended to that file (``<category>: <message>``) and nothing shown where the code
    runs. If the file cannot be written, the warning is issued as usual."""
    path = os.environ.get(CONSOLE_ENV)
    if path:
        try:
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"{category.__name__}: {' '.join(str(message).split())}\n")
            return
        except OSError:
            pass
    warnings.warn(message, category, stacklevel=stacklevel + 1)
