"""``hsr run``: execute notebooks with papermill into ``book/generated`` and keep a run log."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..experiments.runtime.files import atomic_write_text
from ..experiments.runtime.parallel import SCHEDULER_ENV
from .notebooks import (
    RUN_LOG,
    UsageError,
    list_notebooks,
    load_notebook,
    natural_key,
    root_from,
    select_notebooks,
)
from .paths import cache_dir, generated_dir, notebook_environment
from .profiles import load_profile, resolve_parameters
from .seed_sets import (
    SeedSetBatch,
    clear_rows,
    merge_order,
    plan_seed_sets,
    run_batch,
    seed_set_environment,
    update_run_log,
)

# --------------------------------------------------------------------------- run

#: the cell tags that say how a page shows a cell (Jupyter Book / MyST-NB)
DISPLAY_TAGS = (
    "hide-input",
    "hide-output",
    "hide-cell",
    "remove-input",
    "remove-output",
    "remove-cell",
    "full-width",
    "margin",
    "output_scroll",
)


def tag_injected_parameters(path: Path) -> list[str]:
    """Give the cell papermill injected (tag ``injected-parameters``) the display tags of the
    notebook's ``parameters`` cell (:data:`DISPLAY_TAGS`, e.g. ``hide-input``), so that the page
    shows a profile's values the way it shows the parameters (collapsed where they are).
    Rewrites ``path`` only when a tag is added; returns the tags added."""
    import nbformat

    nb = nbformat.read(path, as_version=4)

    def tags(cell) -> list:
        return list(cell.get("metadata", {}).get("tags", []))

    params = [c for c in nb.cells if "parameters" in tags(c)]
    injected = [c for c in nb.cells if "injected-parameters" in tags(c)]
    if not params or not injected:
        return []
    wanted = [t for t in tags(params[0]) if t in DISPLAY_TAGS]
    added = []
    for cell in injected:
        have = tags(cell)
        new = [t for t in wanted if t not in have]
        if new:
            cell.metadata["tags"] = have + new
            added += new
    if added:
        nbformat.write(nb, path)
    return added


def check_scheduler(address: str, timeout: float = 10.0) -> str:
    """``address`` if a dask scheduler answers there with at least one worker, else a
    :class:`UsageError` saying what is wrong (before any notebook starts)."""
    try:
        from distributed import Client
    except ImportError:
        raise UsageError("--scheduler needs dask.distributed: pip install -e '.[dask]'") from None
    try:
        with Client(address, timeout=timeout, set_as_default=False) as client:
            workers = len(client.scheduler_info().get("workers", {}))
    except Exception as exc:  # OSError, TimeoutError, ValueError from a bad address ...
        raise UsageError(
            f"--scheduler {address}: no dask scheduler answers there ({exc})"
        ) from None
    if workers == 0:
        raise UsageError(f"--scheduler {address}: the cluster has no workers")
    print(f"hsr run: sweeps and comparisons on the dask cluster at {address} ({workers} workers)")
    return address


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
        from .._version import __version__ as hsr_version
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


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).astimezone().isoformat(timespec="seconds")


def write_json(path: Path, data) -> None:
    """``data`` as indented JSON, written atomically."""
    atomic_write_text(path, json.dumps(data, indent=1, default=str) + "\n")


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
        "notebooks": dict(sorted(notebooks.items(), key=lambda kv: natural_key(kv[0]))),
    }
    write_json(path, log)
    return path


def _first_line(text: str, limit: int = 200) -> str:
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _rel(path: Path) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return str(path)


#: the figure pages' name prefixes; the other notebooks (calibration, activations, robustness,
#: closed-form-cost) run grids of experiments and start first when notebooks run side by side
FIGURE_PREFIXES = ("ws-", "hsr-", "landscape-")


def start_order(names: list[str], run_log: Path) -> list[str]:
    """The order in which ``hsr run --jobs`` starts ``names``: slowest first by the seconds
    the run log (``run_log``) recorded for them, so that the long notebooks do not end up
    running alone at the end; when the log lacks any of them, the pages that are not figures
    (they run grids of sweeps) first, then the figures, each in the given order."""
    seconds: dict = {}
    if run_log.is_file():
        with contextlib.suppress(OSError, ValueError, AttributeError):
            nbs = json.loads(run_log.read_text(encoding="utf-8")).get("notebooks", {})
            seconds = {n: float(e["seconds"]) for n, e in nbs.items() if n in names}
    if len(seconds) == len(names):
        return sorted(names, key=lambda n: -seconds[n])
    return sorted(names, key=lambda n: n.startswith(FIGURE_PREFIXES))


def cmd_run(args) -> int:
    root = root_from(args.root)
    available = list_notebooks(root)
    names = select_notebooks(available, args.names)
    notebooks = [load_notebook(root / "notebooks" / f"{n}.ipynb") for n in names]
    profile = load_profile(root, args.profile)
    params = resolve_parameters(notebooks, profile, args.param, available)
    out = Path(args.output).expanduser().resolve() if args.output else generated_dir(root)
    # the same sweep cache as a plain papermill run (hsr.book.paths), unless --cache-dir
    cache = Path(args.cache_dir).expanduser().resolve() if args.cache_dir else cache_dir()
    scheduler = check_scheduler(args.scheduler) if args.scheduler else None
    jobs_arg = getattr(args, "jobs", None)
    jobs_arg = 1 if jobs_arg is None else int(jobs_arg)
    if jobs_arg < 1:
        raise UsageError(f"--jobs must be a whole number >= 1, got {jobs_arg}")
    # the fresh seed sets (hsr.book.seed_sets): checked here, before any kernel
    n_sets, batches = plan_seed_sets(
        getattr(args, "seed_sets", None), profile, args.param, notebooks, params, out / RUN_LOG
    )

    if args.dry_run:
        for nb in notebooks:
            shown = ", ".join(f"{k}={v!r}" for k, v in params[nb.name].items()) or "(defaults)"
            print(f"{nb.name}: {shown}")
        for b in batches:
            print(f"{b.name}: {', '.join(b.names)} (each with seed_set={b.seed_set})")
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
        **notebook_environment(out, cache),
        # the kernel's inline backend: figures are saved by the notebooks and also shown in
        # the executed notebook, which is the book page
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    if scheduler:
        env[SCHEDULER_ENV] = scheduler
    # the experiments batch many small matrices: a multithreaded BLAS only adds handoffs
    # (measured 25-35x slower on 2 cores for N=100, d_h=30); the user's setting wins
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if var not in os.environ:
            env[var] = "1"

    entries: dict[str, dict] = {}
    failures: list[tuple[str, str]] = []
    start = time.perf_counter()
    total = len(notebooks) + len(batches)
    jobs = min(jobs_arg, total)
    interrupted = False
    clear_rows(out, [nb.name for nb in notebooks])  # the fresh sets' rows come from this run

    # set by a worker the moment a notebook fails without --keep-going: the pool's threads take
    # the next item as soon as theirs ends, before the main thread can cancel it
    stop = threading.Event()

    def run_seed_set(batch: SeedSetBatch) -> tuple[None, float] | None:
        if stop.is_set():
            return None  # not started
        seconds = run_batch(batch, root, out, seed_set_environment(out, batch.seed_set, cache))
        if not args.keep_going and any(not e["ok"] for e in batch.entries.values()):
            stop.set()
        return None, seconds

    def finish_seed_set(i, batch: SeedSetBatch, seconds: float) -> bool:
        """Record one finished seed set; False when the run should stop."""
        bad = {n: e["problem"] for n, e in batch.entries.items() if not e["ok"]}
        head = f"[{i}/{total}] {batch.name} ({len(batch.names)} notebooks) ... " if jobs > 1 else ""
        print(f"{head}{f'{len(bad)} FAILED' if bad else 'ok'} ({seconds:.1f} s)")
        for n, problem in bad.items():
            where = "in " + problem if problem.startswith("cell") else problem
            print(f"hsr run: notebook {n} failed on {batch.name} {where}", file=sys.stderr)
            failures.append((f"{n} ({batch.name})", problem))
        sys.stdout.flush()
        sys.stderr.flush()
        return not bad or bool(args.keep_going)

    def execute(nb) -> tuple[str | None, float] | None:
        """Run one notebook into ``<out>/.<name>.running.ipynb``: (problem or None, seconds);
        None when an earlier failure stopped the run before it started."""
        if stop.is_set():
            return None
        tmp = out / f".{nb.name}.running.ipynb"
        t0 = time.perf_counter()
        problem = None
        try:
            papermill.execute_notebook(
                str(nb.path),
                str(tmp),
                parameters=params[nb.name],
                kernel_name="python3",
                language="python",
                # quiet the kernel's own log (start-up warnings; an interrupt logged at shutdown)
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                cwd=str(root / "notebooks"),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
            )
        except papermill.PapermillExecutionError as e:
            cell = e.exec_count if e.exec_count is not None else e.cell_index
            problem = f"cell {cell} ({e.ename}: {_first_line(e.evalue)})"
        except Exception as e:  # noqa: BLE001 - kernel died, timeout, bad notebook...
            problem = f"({type(e).__name__}: {_first_line(e)})"
        if problem is not None and not args.keep_going:
            stop.set()
        return problem, time.perf_counter() - t0

    def finish(i, nb, problem, seconds) -> bool:
        """Record one finished notebook; False when the run should stop."""
        final = out / f"{nb.name}.ipynb"
        failed = out / f"{nb.name}.failed.ipynb"
        tmp = out / f".{nb.name}.running.ipynb"
        entries[nb.name] = {
            "profile": profile.name,
            "parameters": params[nb.name],
            "seconds": round(seconds, 2),
            "ok": problem is None,
            "finished": now_iso(),
        }
        head = f"[{i}/{total}] {nb.name} ... " if jobs > 1 else ""
        if problem is None:
            # the profile's values show on the page the way the parameters cell does
            tag_injected_parameters(tmp)
            os.replace(tmp, final)
            failed.unlink(missing_ok=True)
            print(f"{head}ok ({seconds:.1f} s)", flush=True)
            return True
        print(f"{head}FAILED ({seconds:.1f} s)", flush=True)
        where = "in " + problem if problem.startswith("cell") else problem
        print(f"hsr run: notebook {nb.name} failed {where}", file=sys.stderr)
        if tmp.exists():
            os.replace(tmp, failed)
            print(f"  the partial notebook is {_rel(failed)}", file=sys.stderr)
        sys.stderr.flush()
        failures.append((nb.name, problem))
        return bool(args.keep_going)

    try:
        with _environ(env):
            if jobs == 1:
                for i, nb in enumerate(notebooks, 1):
                    print(f"[{i}/{total}] {nb.name} ... ", end="", flush=True)
                    try:
                        problem, seconds = execute(nb)
                    except KeyboardInterrupt:
                        print("interrupted", flush=True)
                        (out / f".{nb.name}.running.ipynb").unlink(missing_ok=True)
                        interrupted = True
                        break
                    if not finish(i, nb, problem, seconds):
                        break
                else:
                    for i, batch in enumerate(batches, len(notebooks) + 1):
                        print(
                            f"[{i}/{total}] {batch.name} ({len(batch.names)} notebooks) ... ",
                            end="",
                            flush=True,
                        )
                        try:
                            seconds = run_seed_set(batch)[1]
                        except KeyboardInterrupt:
                            print("interrupted", flush=True)
                            interrupted = True
                            break
                        if not finish_seed_set(i, batch, seconds):
                            break
            else:
                # notebooks side by side: each kernel is its own process; two asking for the
                # same sweep compute it once (the cache entry's lock)
                sets = f" and {len(batches)} fresh seed set{'s' * (len(batches) > 1)}"
                sets = sets if batches else ""
                print(f"hsr run: {len(notebooks)} notebooks{sets}, {jobs} at a time", flush=True)
                pool = ThreadPoolExecutor(max_workers=jobs)
                order = start_order([nb.name for nb in notebooks], out / RUN_LOG)
                by_name = {nb.name: nb for nb in notebooks}
                futures = {}
                for item in merge_order(order, batches, out / RUN_LOG, by_name):
                    run = run_seed_set if isinstance(item, SeedSetBatch) else execute
                    futures[pool.submit(run, item)] = item
                done_count = 0
                try:
                    for fut in as_completed(futures):
                        nb = futures[fut]
                        if fut.result() is None:
                            continue  # not started: an earlier notebook failed
                        done_count += 1
                        if isinstance(nb, SeedSetBatch):
                            if not finish_seed_set(done_count, nb, fut.result()[1]):
                                for f in futures:
                                    f.cancel()
                                break
                        elif not finish(done_count, nb, *fut.result()):
                            for f in futures:
                                f.cancel()
                            break
                except KeyboardInterrupt:
                    print("interrupted: waiting for the running notebooks", flush=True)
                    interrupted = True
                    for f in futures:
                        f.cancel()
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)
                    for nb in notebooks:
                        if nb.name not in entries:
                            (out / f".{nb.name}.running.ipynb").unlink(missing_ok=True)
    finally:
        elapsed = time.perf_counter() - start
        if entries:
            last_run = {
                "profile": profile.name,
                "names": [nb.name for nb in notebooks],
                "overrides": {k: v for k, v in (args.param or [])},
                "jobs": jobs,
                "total_seconds": round(elapsed, 2),
                "failed": [n for n, _ in failures],
                "finished": now_iso(),
            }
            _update_run_log(out, root, entries, last_run)
        if entries or any(b.entries for b in batches):
            update_run_log(out / RUN_LOG, n_sets, batches, notebooks)

    if interrupted:
        print("hsr run: interrupted", file=sys.stderr)
        return 130
    ok = sum(e["ok"] for e in entries.values())
    runs = len(notebooks) + sum(len(b.names) for b in batches)
    if failures:
        skipped = runs - len(entries) - sum(len(b.entries) for b in batches)
        extra = f", {skipped} not run (use --keep-going to run the rest)" if skipped else ""
        which = " (the runs of the fresh seed sets included)" if batches else ""
        print(
            f"hsr run: {len(failures)} of {runs} notebooks{which} failed{extra}: "
            + "; ".join(f"{n} {p}" for n, p in failures),
            file=sys.stderr,
        )
        return 1
    fresh = sum(len(b.entries) for b in batches)
    sets = f" (and {fresh} runs on {len(batches)} fresh seed sets)" if batches else ""
    print(f"hsr run: {ok} notebook{'s' * (ok != 1)} ok{sets} in {elapsed:.1f} s -> {_rel(out)}")
    return 0
