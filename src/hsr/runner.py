"""The ``hsr`` command: run the figure notebooks with papermill, build the book, list knobs.

::

    hsr run [NAMES...] [--profile P] [-p NAME VALUE ...] [--output DIR] [--cache-dir DIR]
            [--keep-going] [--dry-run] [--root DIR]
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
``_toc.yml`` and ``notebooks/`` (``--root`` overrides). Only ``hsr.report`` and the standard
library are imported at module level; papermill, PyYAML and Jupyter Book (the ``book``
extra) are imported when needed.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import datetime as _dt
import fnmatch
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import textwrap
import time
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

DEFAULT_PROFILE = "paper"
RUN_LOG = "run-log.json"
BUILD_LOG = "build-log.json"
#: the claims the ledger must cover: a copy of the project's FIGURES.md, plus book/spec/*.yml
CLAIMS_SPEC = "book/spec"
_GLOB_CHARS = set("*?[")


class UsageError(Exception):
    """Bad input from the user: printed as ``hsr <cmd>: <message>``, exit status 2."""


# --------------------------------------------------------------------------- project layout


def find_root(start: Path | str | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: cwd) that holds both
    ``_toc.yml`` and ``notebooks/``."""
    here = Path(start if start is not None else Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / "_toc.yml").is_file() and (d / "notebooks").is_dir():
            return d
    raise UsageError(
        f"no project root (a directory with _toc.yml and notebooks/) at or above {here}; "
        "run inside the repository or pass --root DIR"
    )


def _root_from(arg: str | None) -> Path:
    if arg is None:
        return find_root()
    root = Path(arg).expanduser().resolve()
    if not (root / "notebooks").is_dir():
        raise UsageError(f"--root {arg}: {root} has no notebooks/ directory")
    return root


def _natural_key(name: str) -> tuple:
    """calibration, then ws-fig*, then hsr-fig*, then anything else; numbers compared as
    numbers (ws-fig2 < ws-fig10)."""
    if name == "calibration":
        group = 0
    elif name.startswith("ws-"):
        group = 1
    elif name.startswith("hsr-"):
        group = 2
    else:
        group = 3
    parts = tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))
    return (group, tuple((0, p, "") if isinstance(p, int) else (1, 0, p) for p in parts))


def list_notebooks(root: Path) -> list[str]:
    """The names (stems) of ``<root>/notebooks/*.ipynb``, in natural order."""
    names = [p.stem for p in (Path(root) / "notebooks").glob("*.ipynb")]
    return sorted(names, key=_natural_key)


def _is_glob(pattern: str) -> bool:
    return bool(_GLOB_CHARS & set(pattern))


def select_notebooks(available: list[str], names: list[str] | None) -> list[str]:
    """The notebooks named by ``names`` (exact stems or glob patterns; none = all), in
    natural order."""
    if not available:
        raise UsageError("no notebooks (*.ipynb) in notebooks/")
    if not names:
        return list(available)
    chosen: set[str] = set()
    for n in names:
        n = n.removesuffix(".ipynb").removeprefix("notebooks/")
        if _is_glob(n):
            hits = fnmatch.filter(available, n)
            if not hits:
                raise UsageError(f"no notebook matches {n!r}; available: {', '.join(available)}")
            chosen.update(hits)
        elif n in available:
            chosen.add(n)
        else:
            raise UsageError(f"unknown notebook {n!r}; available: {', '.join(available)}")
    return [a for a in available if a in chosen]


# --------------------------------------------------------------------------- parameters


@dataclass
class Notebook:
    """One notebook: its name, path, title and parameters (defaults, in cell order)."""

    name: str
    path: Path
    params: dict[str, Any]
    comments: dict[str, str] = field(default_factory=dict)
    title: str = ""


def _cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def read_parameters(source: str, where: str = "parameters cell") -> tuple[dict, dict]:
    """Parameters of a ``parameters`` cell: every top-level ``NAME = <literal>`` (or
    ``NAME: type = <literal>``), with its default and its end-of-line comment.

    >>> read_parameters("n = 3  # seeds\\nx = -0.5\\nmean0 = [-1.0, 1]\\nimport os\\n")
    ({'n': 3, 'x': -0.5, 'mean0': [-1.0, 1]}, {'n': 'seeds'})
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as e:
        raise UsageError(f"{where}: cannot parse line {e.lineno}: {e.msg}") from None
    comments_by_line: dict[int, str] = {}
    with contextlib.suppress(tokenize.TokenError, SyntaxError):
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments_by_line[tok.start[0]] = tok.string.lstrip("#").strip()
    params: dict[str, Any] = {}
    comments: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        try:
            params[target.id] = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            continue
        if node.end_lineno in comments_by_line:
            comments[target.id] = comments_by_line[node.end_lineno]
    return params, comments


def load_notebook(path: Path) -> Notebook:
    """Read a notebook (plain JSON, no kernel) and parse its first code cell tagged
    ``parameters``."""
    path = Path(path)
    name = path.stem
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise UsageError(f"notebook {name}: cannot read {path}: {e}") from None
    title = ""
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            for line in _cell_source(cell).splitlines():
                if line.startswith("#"):
                    title = line.lstrip("#").strip()
                    break
            break
    for cell in cells:
        tags = (cell.get("metadata") or {}).get("tags") or []
        if cell.get("cell_type") == "code" and "parameters" in tags:
            params, comments = read_parameters(
                _cell_source(cell), where=f"notebook {name}, parameters cell"
            )
            return Notebook(name, path, params, comments, title)
    raise UsageError(f"notebook {name} has no code cell tagged 'parameters'")


def _is_number(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _expected(default) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, str):
        return "str"
    if isinstance(default, list | tuple):
        if default and all(_is_number(d) for d in default):
            return "a non-empty list of numbers"
        return "a list"
    return type(default).__name__


def check_value(default, value) -> tuple[bool, Any]:
    """Whether ``value`` may replace a parameter whose default is ``default``, and the value
    to inject (ints become floats where the default is a float).

    bool takes only bool; int takes int (not bool); float takes int or float; str takes str;
    a list or tuple of numbers takes a non-empty list or tuple of numbers (its length is the
    notebook's to check: a grid may be longer or shorter, a 2-D mean is checked by
    ``hsr.SweepConfig``), any other list any list; a ``None`` default takes anything;
    anything else the same type.

    >>> check_value(0.5, 2), check_value(3, 3.5), check_value(False, 0)
    ((True, 2.0), (False, 3.5), (False, 0))
    >>> check_value([-1.0, -1.0], [1, 2]), check_value([3, 10], [3, 10, 30])[0]
    ((True, [1.0, 2.0]), True)
    >>> check_value([0.5, 1.0], []), check_value([1, 2], ["a"])
    ((False, []), (False, ['a']))
    """
    if default is None:
        return True, value
    if isinstance(default, bool):
        return isinstance(value, bool), value
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool), value
    if isinstance(default, float):
        return (True, float(value)) if _is_number(value) else (False, value)
    if isinstance(default, str):
        return isinstance(value, str), value
    if isinstance(default, list | tuple):
        if not isinstance(value, list | tuple):
            return False, value
        if default and all(_is_number(d) for d in default):
            if not value or not all(_is_number(v) for v in value):
                return False, value
            floats = any(isinstance(d, float) for d in default)
            return True, [float(v) if floats else v for v in value]
        return True, list(value)
    if isinstance(default, dict):
        return isinstance(value, dict), value
    return type(value) is type(default), value


def _type_name(value) -> str:
    return "None" if value is None else type(value).__name__


def _show(value) -> str:
    return value if isinstance(value, str) else repr(value)


def _lenient_number(default, value, raw: str | None):
    """PyYAML reads ``1e-3`` as a string (YAML 1.1): for numeric defaults, a string that is a
    Python number (or list of numbers) is taken as one."""
    if isinstance(value, str) and not isinstance(default, str | bool) and default is not None:
        with contextlib.suppress(ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            parsed = ast.literal_eval(raw if raw is not None else value)
            if _is_number(parsed) or isinstance(parsed, list | tuple):
                return parsed
    return value


# --------------------------------------------------------------------------- profiles


@dataclass
class Profile:
    """A profile file: entries ``(pattern, {param: value})`` in file order."""

    name: str
    path: Path
    entries: list[tuple[str, dict[str, Any]]]


def _yaml():
    try:
        import yaml
    except ImportError:  # pragma: no cover - the book extra is missing
        raise UsageError("PyYAML is not installed: pip install -e '.[book]'") from None
    return yaml


def available_profiles(root: Path) -> list[str]:
    return sorted(p.stem for p in (Path(root) / "notebooks" / "profiles").glob("*.yml"))


def load_profile(root: Path, name: str) -> Profile:
    """Read ``<root>/notebooks/profiles/<name>.yml``: a mapping of notebook-name patterns to
    mappings of parameter values (an empty file is an empty profile)."""
    path = Path(root) / "notebooks" / "profiles" / f"{name}.yml"
    if "/" in name or "\\" in name or not path.is_file():
        avail = available_profiles(root)
        raise UsageError(
            f"unknown profile {name!r}; available: {', '.join(avail) if avail else '(none)'}"
            f" (files notebooks/profiles/<name>.yml)"
        )
    yaml = _yaml()

    class _Loader(yaml.SafeLoader):
        """Refuses a pattern listed twice (PyYAML would silently keep the last)."""

        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, str) and key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"{key!r} appears twice", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as e:
        raise UsageError(f"profile {name}: cannot read {path}: {e}") from None
    except yaml.YAMLError as e:
        mark, problem = getattr(e, "problem_mark", None), getattr(e, "problem", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise UsageError(
            f"profile {name}: cannot read {path}: {where}{problem or str(e).splitlines()[0]}"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise UsageError(
            f"profile {name}: {path} must map notebook-name patterns to parameter values, "
            f"got a {type(data).__name__}"
        )
    entries = []
    for pattern, values in data.items():
        if not isinstance(pattern, str):
            raise UsageError(f"profile {name}: entry {pattern!r} is not a notebook-name pattern")
        if values is None:
            values = {}
        if not isinstance(values, dict) or not all(isinstance(k, str) for k in values):
            raise UsageError(
                f"profile {name}: entry {pattern!r} must map parameter names to values"
            )
        entries.append((pattern, dict(values)))
    return Profile(name, path, entries)


def resolve_parameters(
    notebooks: list[Notebook],
    profile: Profile | None,
    overrides: list[tuple[str, str]] | None = None,
    available: list[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """The parameters to inject into each notebook: the profile's entries in file order
    (patterns apply to the parameters a notebook has; an exact name must have every listed
    parameter), then the ``-p NAME VALUE`` overrides (YAML values; each must be a parameter
    of at least one of ``notebooks``). Every value is type-checked against the default;
    all problems are raised together as one :class:`UsageError`."""
    errors: list[str] = []
    out: dict[str, dict[str, Any]] = {nb.name: {} for nb in notebooks}
    by_name = {nb.name: nb for nb in notebooks}

    def put(nb: Notebook, key: str, value, raw: str | None, source: str) -> None:
        default = nb.params[key]
        value = _lenient_number(default, value, raw)
        ok, value = check_value(default, value)
        if ok:
            out[nb.name][key] = value
        else:
            shown = raw if raw is not None else _show(value)
            errors.append(
                f"parameter {key!r} of notebook {nb.name} expects {_expected(default)}, "
                f"got {shown!r} ({_type_name(value)}){source}"
            )

    if profile is not None:
        known = set(available) if available is not None else set(by_name)
        for pattern, values in profile.entries:
            src = f", from profile {profile.name} entry {pattern!r}"
            if not _is_glob(pattern):
                if pattern not in known:
                    errors.append(
                        f"profile {profile.name}: entry {pattern!r} names no notebook "
                        "(use a glob pattern such as 'ws-*' to match several)"
                    )
                    continue
                nb = by_name.get(pattern)
                if nb is None:
                    continue
                for key, value in values.items():
                    if key not in nb.params:
                        errors.append(
                            f"profile {profile.name}: entry {pattern!r} sets {key!r}, which "
                            f"is not a parameter of notebook {nb.name} (its parameters: "
                            f"{', '.join(nb.params) or 'none'})"
                        )
                    else:
                        put(nb, key, value, None, src)
            else:
                for nb in notebooks:
                    if fnmatch.fnmatchcase(nb.name, pattern):
                        for key, value in values.items():
                            if key in nb.params:
                                put(nb, key, value, None, src)

    if overrides:
        final: dict[str, str] = {}
        for key, raw in overrides:
            final[key] = raw
        yaml = _yaml() if final else None
        for key, raw in final.items():
            having = [nb for nb in notebooks if key in nb.params]
            if not having:
                names = ", ".join(nb.name for nb in notebooks)
                errors.append(
                    f"-p {key}: no selected notebook has a parameter {key!r} (selected: {names})"
                )
                continue
            try:
                parsed = yaml.safe_load(raw)
            except yaml.YAMLError:
                parsed = raw
            for nb in having:
                value = parsed
                if isinstance(nb.params[key], str) and not isinstance(parsed, str):
                    value = raw  # a string parameter takes the text as given
                put(nb, key, value, raw, "")
    if errors:
        raise UsageError("\n".join(errors))
    return out


# --------------------------------------------------------------------------- run


@contextlib.contextmanager
def _environ(updates: dict[str, str]):
    old = {k: os.environ.get(k) for k in updates}
    os.environ.update(updates)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _git_commit(root: Path) -> tuple[str | None, bool | None]:
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if head.returncode != 0:
            return None, None
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
        return head.stdout.strip(), dirty
    except (OSError, subprocess.SubprocessError):
        return None, None


def _environment(root: Path) -> dict:
    import numpy

    try:
        from importlib.metadata import version

        hsr_version = version("hsr")
    except Exception:  # noqa: BLE001 - not installed as a distribution
        from . import __version__ as hsr_version
    commit, dirty = _git_commit(root)
    return {
        "python": platform.python_version(),
        "hsr": hsr_version,
        "numpy": numpy.__version__,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "git_commit": commit,
        "git_dirty": dirty,
    }


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).astimezone().isoformat(timespec="seconds")


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _update_run_log(out: Path, root: Path, entries: dict, last_run: dict) -> Path:
    path = out / RUN_LOG
    log: dict = {}
    if path.is_file():
        with contextlib.suppress(OSError, ValueError):
            log = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(log, dict):
            log = {}
    notebooks = log.get("notebooks") if isinstance(log.get("notebooks"), dict) else {}
    notebooks.update(entries)
    log = {
        "environment": _environment(root),
        "last_run": last_run,
        "notebooks": dict(sorted(notebooks.items(), key=lambda kv: _natural_key(kv[0]))),
    }
    _write_json(path, log)
    return path


def _first_line(text: str, limit: int = 200) -> str:
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _rel(path: Path) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _cmd_run(args) -> int:
    root = _root_from(args.root)
    available = list_notebooks(root)
    names = select_notebooks(available, args.names)
    notebooks = [load_notebook(root / "notebooks" / f"{n}.ipynb") for n in names]
    profile = load_profile(root, args.profile)
    params = resolve_parameters(notebooks, profile, args.param, available)
    out = Path(args.output).expanduser().resolve() if args.output else root / "book" / "generated"
    if args.cache_dir:
        cache = str(Path(args.cache_dir).expanduser().resolve())
    else:
        cache = os.environ.get("HSR_CACHE_DIR") or str(root / ".cache" / "hsr")

    if args.dry_run:
        for nb in notebooks:
            shown = ", ".join(f"{k}={v!r}" for k, v in params[nb.name].items()) or "(defaults)"
            print(f"{nb.name}: {shown}")
        return 0

    try:
        import papermill
    except ImportError:  # pragma: no cover - the book extra is missing
        raise UsageError("papermill is not installed: pip install -e '.[book]'") from None
    try:
        for d in (out, out / "figures", out / "claims", out / "data"):
            d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"cannot create the output directory {out}: {e}") from None
    env = {
        "HSR_FIGURE_DIR": str(out / "figures"),
        "HSR_CLAIMS_DIR": str(out / "claims"),
        "HSR_DATA_DIR": str(out / "data"),
        "HSR_CACHE_DIR": cache,
        # the kernel's inline backend: figures are saved by the notebooks and also shown in
        # the executed notebook, which is the book page
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    # the experiments batch many small matrices: a multithreaded BLAS only adds handoffs
    # (measured 25-35x slower on 2 cores for N=100, d_h=30); the user's setting wins
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if var not in os.environ:
            env[var] = "1"

    entries: dict[str, dict] = {}
    failures: list[tuple[str, str]] = []
    start = time.perf_counter()
    total = len(notebooks)
    interrupted = False
    try:
        for i, nb in enumerate(notebooks, 1):
            print(f"[{i}/{total}] {nb.name} ... ", end="", flush=True)
            final = out / f"{nb.name}.ipynb"
            failed = out / f"{nb.name}.failed.ipynb"
            tmp = out / f".{nb.name}.running.ipynb"
            t0 = time.perf_counter()
            problem = None
            try:
                with _environ(env):
                    papermill.execute_notebook(
                        str(nb.path),
                        str(tmp),
                        parameters=params[nb.name],
                        kernel_name="python3",
                        language="python",
                        # quiet the kernel's own start-up warnings (one per notebook)
                        extra_arguments=["--IPKernelApp.log_level=ERROR"],
                        cwd=str(root / "notebooks"),
                        progress_bar=False,
                        log_output=False,
                        request_save_on_cell_execute=False,
                    )
            except papermill.PapermillExecutionError as e:
                cell = e.exec_count if e.exec_count is not None else e.cell_index
                problem = f"cell {cell} ({e.ename}: {_first_line(e.evalue)})"
            except KeyboardInterrupt:
                print("interrupted", flush=True)
                tmp.unlink(missing_ok=True)
                interrupted = True
                break
            except Exception as e:  # noqa: BLE001 - kernel died, timeout, bad notebook...
                problem = f"({type(e).__name__}: {_first_line(e)})"
            seconds = time.perf_counter() - t0
            entries[nb.name] = {
                "profile": profile.name,
                "parameters": params[nb.name],
                "seconds": round(seconds, 2),
                "ok": problem is None,
                "finished": _now(),
            }
            if problem is None:
                os.replace(tmp, final)
                failed.unlink(missing_ok=True)
                print(f"ok ({seconds:.1f} s)", flush=True)
                continue
            print(f"FAILED ({seconds:.1f} s)", flush=True)
            where = "in " + problem if problem.startswith("cell") else problem
            print(f"hsr run: notebook {nb.name} failed {where}", file=sys.stderr)
            if tmp.exists():
                os.replace(tmp, failed)
                print(f"  the partial notebook is {_rel(failed)}", file=sys.stderr)
            sys.stderr.flush()
            failures.append((nb.name, problem))
            if not args.keep_going:
                break
    finally:
        elapsed = time.perf_counter() - start
        if entries:
            last_run = {
                "profile": profile.name,
                "names": [nb.name for nb in notebooks],
                "overrides": {k: v for k, v in (args.param or [])},
                "total_seconds": round(elapsed, 2),
                "failed": [n for n, _ in failures],
                "finished": _now(),
            }
            _update_run_log(out, root, entries, last_run)

    if interrupted:
        print("hsr run: interrupted", file=sys.stderr)
        return 130
    ok = sum(e["ok"] for e in entries.values())
    if failures:
        skipped = total - len(entries)
        extra = f", {skipped} not run (use --keep-going to run the rest)" if skipped else ""
        print(
            f"hsr run: {len(failures)} of {total} notebooks failed{extra}: "
            + "; ".join(f"{n} {p}" for n, p in failures),
            file=sys.stderr,
        )
        return 1
    print(f"hsr run: {ok} notebook{'s' * (ok != 1)} ok in {elapsed:.1f} s -> {_rel(out)}")
    return 0


# --------------------------------------------------------------------------- build


def prepare_book(root: Path, generated_dir: Path) -> list[Path]:
    """Everything the book needs before Jupyter Book runs: ``claims.json`` (every claim row
    the notebooks recorded, sorted as the ledger shows them), the ledger and provenance
    pages written from the data files, and the vendored MathJax. Returns the files written."""
    from .pages import ensure_mathjax, read_json, write_ledger, write_provenance
    from .report import expected_claims, gather_claims

    generated_dir = Path(generated_dir)
    generated_dir.mkdir(parents=True, exist_ok=True)
    rows = gather_claims(generated_dir / "claims")
    path = generated_dir / "claims.json"
    _write_json(path, rows)
    spec = Path(root) / CLAIMS_SPEC
    expected = expected_claims(spec) if (spec / "FIGURES.md").is_file() else None
    ledger = write_ledger(generated_dir, rows, expected)
    run_log = read_json(generated_dir / RUN_LOG, {})
    build_log = read_json(generated_dir / BUILD_LOG, None)
    provenance = write_provenance(generated_dir, run_log, build_log)
    ensure_mathjax(root)
    return [path, ledger, provenance]


def jupyter_book_command() -> list[str]:
    """How to start Jupyter Book 1.x: ``python -m jupyter_book`` does not work (the package
    has no ``__main__``), so the ``jupyter-book`` script beside this Python, else on PATH."""
    here = Path(sys.executable).with_name("jupyter-book")
    if here.is_file():
        return [str(here)]
    found = shutil.which("jupyter-book")
    if found:
        return [found]
    raise UsageError("jupyter-book is not installed: pip install -e '.[book]'")


def _check_execution_off(root: Path) -> None:
    config = root / "_config.yml"
    if not config.is_file():
        return
    with contextlib.suppress(Exception):
        data = _yaml().safe_load(config.read_text(encoding="utf-8")) or {}
        mode = (data.get("execute") or {}).get("execute_notebooks", "auto")
        if mode not in ("off", False):
            print(
                f"hsr build: warning: _config.yml sets execute.execute_notebooks to {mode!r}; "
                "papermill (hsr run) is the only executor, set it to 'off'",
                file=sys.stderr,
            )


def _cmd_build(args) -> int:
    root = _root_from(args.root)
    if not (root / "_toc.yml").is_file():
        raise UsageError(f"{root} has no _toc.yml: not a book root")
    out = Path(args.output).expanduser().resolve() if args.output else root / "book" / "generated"
    prepare_book(root, out)
    _check_execution_off(root)
    cmd = [*jupyter_book_command(), "build", str(root), "-n", "-W", "--keep-going"]
    if args.all:
        cmd.append("--all")
    print("hsr build: " + " ".join(cmd), flush=True)
    start = time.perf_counter()
    rc = subprocess.run(cmd, cwd=str(root)).returncode
    if rc == 0:
        _write_json(
            out / BUILD_LOG, {"seconds": round(time.perf_counter() - start, 1), "finished": _now()}
        )
    index = root / "_build" / "html" / "index.html"
    if rc == 0:
        print(f"hsr build: the book is at {index}")
    else:
        print(f"hsr build: jupyter-book build failed (exit status {rc})", file=sys.stderr)
    return rc


# --------------------------------------------------------------------------- list


def _cmd_list(args) -> int:
    root = _root_from(args.root)
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
            '\nValues are YAML: 3, 0.5, 1e-3, true, "text", [1.0, 2.0]. A notebook that fails '
            "keeps its partial copy as <name>.failed.ipynb; the previous good copy is left "
            "alone."
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
        help="HSR_CACHE_DIR for the sweeps (default: $HSR_CACHE_DIR, else <root>/.cache/hsr)",
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
    from . import __version__

    return __version__


_COMMANDS = {"run": _cmd_run, "build": _cmd_build, "list": _cmd_list}


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
