"""The ``hsr`` command: run the figure notebooks with papermill, build the book, list knobs.

::

    hsr run [NAMES...] [--profile P] [-p NAME VALUE ...] [--output DIR] [--cache-dir DIR]
            [--scheduler ADDRESS] [--jobs N] [--seed-sets N] [--keep-going] [--dry-run]
            [--root DIR]
    hsr build [--output DIR] [--all] [--root DIR]
    hsr list [NAMES...] [--profile P] [--root DIR]

``hsr run`` executes ``<root>/notebooks/<name>.ipynb`` with papermill (the only executor:
the book renders the executed copies) into ``<root>/book/generated/<name>.ipynb``, with the
figures in ``generated/figures``, the claim rows in ``generated/claims``, the data tables of
the reproduction pages in ``generated/data`` and a record of
every run in ``generated/run-log.json``. Every parameter value (from the profile
``<root>/notebooks/profiles/<P>.yml`` and from ``-p``) is checked against the notebook's
``parameters`` cell before any kernel starts. ``hsr build`` gathers the claims and runs
``jupyter-book build -n -W --keep-going``. User errors print ``hsr <cmd>: <message>`` and
exit with status 2; a failing notebook exits with status 1.

The project root is the nearest directory at or above the working directory holding both
``_toc.yml`` and ``notebooks/`` (``--root`` overrides). The jobs live in their own modules:
:mod:`~hsr.book.notebooks` (the root, the notebooks and their parameters),
:mod:`~hsr.book.profiles`, :mod:`~hsr.book.run` and :mod:`~hsr.book.build`; this module
holds ``hsr list``, the argument parser and :func:`main`. Only the standard library is
imported at module level; papermill, PyYAML and Jupyter Book (the ``book`` extra) are
imported when needed.
"""

from __future__ import annotations

import argparse
import sys
import textwrap

from .build import cmd_build, jupyter_book_command, prepare_book
from .notebooks import (
    DEFAULT_PROFILE,
    Notebook,
    UsageError,
    check_value,
    find_root,
    list_notebooks,
    load_notebook,
    read_parameters,
    root_from,
    select_notebooks,
)
from .profiles import Profile, available_profiles, load_profile, resolve_parameters
from .run import cmd_run

__all__ = [
    "Notebook",
    "Profile",
    "UsageError",
    "find_root",
    "list_notebooks",
    "select_notebooks",
    "read_parameters",
    "load_notebook",
    "check_value",
    "load_profile",
    "available_profiles",
    "resolve_parameters",
    "prepare_book",
    "jupyter_book_command",
    "main",
]


# --------------------------------------------------------------------------- list


def cmd_list(args) -> int:
    root = root_from(args.root)
    available = list_notebooks(root)
    names = select_notebooks(available, args.names)
    notebooks, broken = [], []
    for n in names:
        try:
            notebooks.append(load_notebook(root / "notebooks" / f"{n}.ipynb"))
        except UsageError as e:
            broken.append((n, str(e)))
    values: dict[str, dict] = {}
    if args.profile:
        profile = load_profile(root, args.profile)
        values = resolve_parameters(notebooks, profile, None, available)
    by_name = {nb.name: nb for nb in notebooks}
    errors = dict(broken)
    for n in names:
        nb = by_name.get(n)
        if nb is None:
            print(f"{n}\n  error: {errors[n]}")
            continue
        print(f"{n}: {nb.title}" if nb.title else n)
        rows = []
        for key, default in nb.params.items():
            left = f"{key} = {default!r}"
            mid = ""
            if key in values.get(n, {}):
                mid = f"{args.profile}: {values[n][key]!r}"
            rows.append((left, mid, nb.comments.get(key, "")))
        if not rows:
            print("  (no parameters)")
        w1 = min(max((len(r[0]) for r in rows), default=0), 32)  # long defaults overflow
        w2 = max((len(r[1]) for r in rows), default=0)
        for left, mid, comment in rows:
            line = f"  {left:<{w1}}"
            if w2:
                line += f"  {mid:<{w2}}"
            if comment:
                line += f"  # {comment}"
            print(line.rstrip())
    if broken:
        for _, msg in broken:
            print(f"hsr list: {msg}", file=sys.stderr)
        return 2
    return 0


# --------------------------------------------------------------------------- CLI


def _fill(text: str) -> str:
    return "\n".join(textwrap.fill(p, 88) for p in text.split("\n"))


def _parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root",
        metavar="DIR",
        help="the project root (default: the nearest directory at or above the working "
        "directory with _toc.yml and notebooks/)",
    )
    parser = argparse.ArgumentParser(
        prog="hsr",
        formatter_class=fmt,
        description=_fill("Run the figure notebooks of the WS and HSR papers and build the book."),
        epilog="examples:\n"
        "  hsr list                          # every notebook and its parameters\n"
        "  hsr run --profile quick           # every notebook at the quick profile\n"
        "  hsr run hsr-fig09 -p n_seeds 300  # one notebook, one parameter changed\n"
        "  hsr build                         # the book, from book/generated/\n"
        "\nsee 'hsr <command> --help'",
    )
    parser.add_argument("--version", action="version", version=f"hsr {_version()}")
    sub = parser.add_subparsers(dest="cmd", metavar="{run,build,list}")

    run = sub.add_parser(
        "run",
        parents=[common],
        formatter_class=fmt,
        help="execute notebooks with papermill into book/generated/",
        description=_fill(
            "Execute notebooks with papermill into book/generated/<name>.ipynb "
            "(figures in generated/figures, claim rows in generated/claims, a record in "
            "generated/run-log.json). Every value is checked against the notebook's "
            "'parameters' cell before any kernel starts."
        ),
        epilog="examples:\n"
        "  hsr run                                  # every notebook, paper profile\n"
        "  hsr run --profile quick                  # every notebook, quick profile\n"
        "  hsr run ws-fig02 'hsr-fig1*' --profile smoke\n"
        "  hsr run hsr-fig09 -p n_seeds 300 -p mean0 '[-2, -2]'\n"
        + _fill(
            '\nValues are YAML: 3, 0.5, 1e-3, true, "text", [1.0, 2.0]. A notebook\'s executed '
            "copy, figures, claims and data move into place together when it finished. A "
            "notebook that fails keeps its partial copy as <name>.failed.ipynb; the previous "
            "good copy and its files are left alone. Ctrl-C (or SIGTERM) stops the kernels and "
            "the fresh seed sets' workers at once and leaves the unfinished pages as they were."
        ),
    )
    run.add_argument(
        "names",
        nargs="*",
        metavar="NAMES",
        help="notebook names or glob patterns (default: all, calibration, ws-*, hsr-*)",
    )
    run.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="P",
        help=f"notebooks/profiles/<P>.yml (default: {DEFAULT_PROFILE})",
    )
    run.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a parameter in every selected notebook that has it (overrides the profile)",
    )
    run.add_argument(
        "--output", metavar="DIR", help="where executed notebooks go (default: book/generated)"
    )
    run.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="HSR_CACHE_DIR for the sweeps (default: $HSR_CACHE_DIR, else ~/.cache/hsr, "
        "the default of a plain papermill run too)",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run every sweep and comparison of every notebook on the dask cluster whose "
        "scheduler is at ADDRESS (e.g. tcp://10.0.0.5:8786); results are bit-identical to a "
        "local run. Checked before any notebook starts. Sets $HSR_SCHEDULER for the notebooks",
    )
    run.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="run N notebooks side by side (default 1). Each has its own kernel; two that need "
        "the same sweep compute it once. Results are the same whatever N",
    )
    run.add_argument(
        "--seed-sets",
        metavar="N",
        help="also run every notebook that records ledger rows on N-1 fresh seed sets "
        "(seed_set = 1 .. N-1: new seeds, the same constants) into generated/seed-sets/, so that "
        "each verdict is checked on independent draws (default: the profile's 'hsr run: "
        "seed_sets', else 1: the book's seeds only). Checked before any notebook starts",
    )
    run.add_argument(
        "--keep-going",
        action="store_true",
        help="run the remaining notebooks after a failure (the exit status is still 1)",
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="check everything and print the parameters to inject, execute nothing",
    )

    build = sub.add_parser(
        "build",
        parents=[common],
        formatter_class=fmt,
        help="build the book (jupyter-book build -n -W --keep-going)",
        description=_fill(
            "Gather the generated claims into book/generated/claims.json, then build "
            "the book with 'jupyter-book build <root> -n -W --keep-going'. Nothing is executed: "
            "run 'hsr run' first. The exit status is Jupyter Book's."
        ),
        epilog="examples:\n  hsr run --profile quick && hsr build\n  hsr build --all",
    )
    build.add_argument(
        "--output", metavar="DIR", help="the generated directory (default: book/generated)"
    )
    build.add_argument("--all", action="store_true", help="rebuild every page")

    lst = sub.add_parser(
        "list",
        parents=[common],
        formatter_class=fmt,
        help="show the notebooks and their parameters",
        description=_fill(
            "Show each notebook's parameters as 'name = default' and, with "
            "--profile, the profile's value beside it."
        ),
        epilog="examples:\n  hsr list\n  hsr list 'hsr-*' --profile quick",
    )
    lst.add_argument("names", nargs="*", metavar="NAMES", help="names or glob patterns")
    lst.add_argument("--profile", metavar="P", help="show this profile's values")
    return parser


def _version() -> str:
    from .._version import __version__

    return __version__


_COMMANDS = {"run": cmd_run, "build": cmd_build, "list": cmd_list}


def main(argv: list[str] | None = None) -> int:
    """The ``hsr`` console command; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # --help, --version, or a usage error (already printed)
        return e.code if isinstance(e.code, int) else 2
    if args.cmd is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return _COMMANDS[args.cmd](args)
    except UsageError as e:
        for line in str(e).splitlines():
            print(f"hsr {args.cmd}: {line}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
