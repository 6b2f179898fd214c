"""``hsr run``: execute notebooks with papermill into ``book/generated`` and keep a run log.

Before any kernel starts: every parameter, the sweep cache folder (``--cache-dir`` or
``$HSR_CACHE_DIR``) and the dask scheduler (``--scheduler`` or ``$HSR_SCHEDULER``: answering,
with workers running this hsr code) are checked. Each notebook runs in its own kernel (one
thread of this process drives each; ``--jobs N`` side by side) and writes into its own staging
folder; when it finished, its figures, claims, data files and executed copy move into place
together (:func:`commit_outputs`), so a page and its ledger rows never come from two runs.
Ctrl-C or SIGTERM kills the kernels and the fresh seed sets' workers at once (each with its
process group: its sweep's pool too), keeps what had finished and leaves the other pages as
they were (and none of their fresh-set rows); a second Ctrl-C prints a line. The runtime's
warnings go to this process's stderr, not the page (``$HSR_CONSOLE_LOG``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import platform
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from ..experiments.runtime.cluster import SCHEDULER_ENV
from ..experiments.runtime.console import CONSOLE_ENV
from ..experiments.runtime.files import atomic_write_text
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


def check_scheduler(address: str, source: str = "--scheduler", timeout: float = 10.0) -> str:
    """``address`` if a dask scheduler answers there (within about ``timeout`` seconds) with at
    least one worker running this hsr code, else a :class:`UsageError` naming the address and
    where it came from (``source``: ``--scheduler`` or ``$HSR_SCHEDULER``), before any notebook
    starts."""
    from ..experiments.runtime import cluster

    try:
        ident = cluster.probe(address, source, timeout)
        if int(ident.get("n_workers", len(ident.get("workers", {})))) == 0:
            raise cluster.ClusterError(
                f"{cluster.describe(address, source)}: the cluster has no workers"
            )
        client = cluster.connect(address, source, timeout)
        try:
            cluster.check_code(client, cluster.describe(address, source))
            workers = len(client.scheduler_info(n_workers=-1).get("workers", {}))
        finally:
            cluster.close(client)
    except cluster.ClusterError as exc:
        raise UsageError(str(exc)) from None
    print(f"hsr run: sweeps and comparisons on the dask cluster at {address} ({workers} workers)")
    return address


def check_cache_dir(path: Path, source: str) -> Path:
    """``path`` if the sweep cache can live there (a folder, made if missing, that takes a
    file), else a :class:`UsageError` naming it and ``source`` (``--cache-dir``,
    ``$HSR_CACHE_DIR`` or the default), before any kernel starts."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".hsr-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise UsageError(f"{source} {path}: cannot hold the sweep cache ({why})") from None
    return path


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


def _update_run_log(out: Path, root: Path, entries: dict, last_run: dict | None) -> Path:
    """Merge ``entries`` (notebook -> its record) into ``<out>/run-log.json`` and set its
    ``last_run`` (None: keep the one there), under the output folder's lock (two runs at once
    lose neither's records)."""
    path = out / RUN_LOG
    environment = _environment(root)
    with _locked(out):
        log: dict = {}
        if path.is_file():
            with contextlib.suppress(OSError, ValueError):
                log = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(log, dict):
                log = {}
        notebooks = log.get("notebooks") if isinstance(log.get("notebooks"), dict) else {}
        notebooks.update(entries)
        log = {
            "environment": environment,
            "last_run": last_run if last_run is not None else log.get("last_run"),
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


#: a folder of the output directory where each notebook's outputs wait until they move into
#: place together (one sub-folder per notebook of a run: ``<pid>-<name>``)
STAGING = ".hsr-staging"


class _Stopped(Exception):
    """SIGTERM arrived: stop as for Ctrl-C, exit status 143."""


@contextlib.contextmanager
def _handlers(handlers: dict):
    """Install signal ``handlers`` for the block (main thread only; elsewhere nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {sig: signal.signal(sig, h) for sig, h in handlers.items()}
    try:
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


class _Signals:
    """Ctrl-C and SIGTERM during a run: raised in the main thread (KeyboardInterrupt,
    :class:`_Stopped`), except while a notebook's outputs move into place (:meth:`deferred`):
    then raised right after, so a page is never half moved. Once stopping (:meth:`quiet`), a
    further Ctrl-C prints one line, not a traceback."""

    def __init__(self):
        self.defer = 0
        self.pending: BaseException | None = None
        self.said = False

    def raise_(self, signum, frame):
        exc = _Stopped() if signum == signal.SIGTERM else KeyboardInterrupt()
        if self.defer:
            self.pending = self.pending or exc
            return
        raise exc

    def say(self, signum, frame):
        if not self.said:
            self.said = True
            print("hsr run: stopping the kernels, one moment", file=sys.stderr, flush=True)

    def raising(self):
        return _handlers({signal.SIGINT: self.raise_, signal.SIGTERM: self.raise_})

    def quiet(self):
        return _handlers({signal.SIGINT: self.say, signal.SIGTERM: self.say})

    @contextlib.contextmanager
    def deferred(self):
        self.defer += 1
        try:
            yield
        finally:
            self.defer -= 1
            if not self.defer and self.pending is not None:
                exc, self.pending = self.pending, None
                raise exc


class Kernels:
    """The kernels of one ``hsr run``, so that Ctrl-C or SIGTERM stops them at once: every
    notebook gets its own kernel manager class (:meth:`manager_class`), which gives its kernel
    the notebook's environment and records it here; :meth:`stop` kills every recorded kernel
    with its process group (the kernel's sweep pool with it) and refuses new ones."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running: dict[str, list] = {}
        self.killed: set[int] = set()
        self.stopping = False

    def manager_class(self, name: str, env: dict[str, str]):
        """A jupyter_client ``AsyncKernelManager`` subclass for notebook ``name``: its kernel
        runs with ``env`` added to this process's environment."""
        from jupyter_client.manager import AsyncKernelManager

        kernels = self

        class HsrKernelManager(AsyncKernelManager):
            hsr_name = name
            hsr_env = dict(env)

            async def start_kernel(self, **kw):
                with kernels.lock:
                    if kernels.stopping:
                        raise RuntimeError("hsr run is stopping: no new kernel")
                    kernels.running.setdefault(name, []).append(self)
                kw["env"] = {**os.environ, **(kw.get("env") or {}), **self.hsr_env}
                await super().start_kernel(**kw)
                if kernels.stopping:  # stopped while this one started
                    kernels.kill(self)

        return HsrKernelManager

    def process(self, name: str, proc) -> None:
        """Record ``proc`` (a ``subprocess.Popen`` started in a session of its own: a fresh
        seed set's worker) under ``name``, so that :meth:`stop` kills it and what it started;
        killed at once when the run is already stopping."""
        with self.lock:
            self.running.setdefault(name, []).append(proc)
            stopping = self.stopping
        if stopping:
            self.kill(proc)

    def done(self, name: str) -> None:
        with self.lock:
            self.running.pop(name, None)

    def stop(self) -> None:
        with self.lock:
            self.stopping = True
            managers = [km for kms in self.running.values() for km in kms]
        for km in managers:
            self.kill(km)

    def kill(self, km) -> None:
        """SIGKILL the kernel of ``km`` and its process group (the kernel runs in a session of
        its own, so the group is the kernel and what it started: a forkserver, sweep workers),
        once (a pid is not signalled again after its process may have been reaped)."""
        with self.lock:
            if id(km) in self.killed:
                return
            self.killed.add(id(km))
        if isinstance(km, subprocess.Popen):  # a seed set's worker, its own session
            pid = pgid = km.pid if km.poll() is None else None
        else:
            prov = getattr(km, "provisioner", None)
            pid, pgid = getattr(prov, "pid", None), getattr(prov, "pgid", None)
        with contextlib.suppress(OSError):
            if pgid and pgid != os.getpgrp():
                os.killpg(pgid, signal.SIGKILL)
            elif pid:
                os.kill(pid, signal.SIGKILL)


def _remove_stale_staging(out: Path) -> None:
    """Staging folders of runs whose process is gone (killed with SIGKILL) are removed."""
    base = out / STAGING
    if not base.is_dir():
        return
    for d in base.iterdir():
        pid = d.name.split("-", 1)[0]
        alive = True
        if pid.isdigit():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                alive = False
            except OSError:
                pass
        if not alive:
            shutil.rmtree(d, ignore_errors=True)
    with contextlib.suppress(OSError):
        base.rmdir()


@contextlib.contextmanager
def _locked(out: Path):
    """Hold an exclusive ``flock`` on the output folder: one run at a time moves a notebook's
    outputs into place (two runs of the same page at once leave one run's set, never a mix)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _staged_files(stage: Path) -> list[Path]:
    """The outputs a notebook wrote, relative to its staging folder (figures, claims, data)."""
    return sorted(
        p.relative_to(stage)
        for sub in ("figures", "claims", "data")
        for p in (stage / sub).rglob("*")
        if p.is_file() or p.is_symlink()
    )


def commit_outputs(stage: Path, out: Path, name: str) -> list[str]:
    """Move notebook ``name``'s executed copy and outputs from ``stage`` into ``out``
    together: under the output folder's lock, the figures, claims and data files first, then
    ``<name>.ipynb`` (the page); a stale ``<name>.failed.ipynb`` goes. Returns the moved
    files (relative paths)."""
    files = _staged_files(stage)
    with _locked(out):
        for rel in files:
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(stage / rel, out / rel)
        os.replace(stage / f"{name}.ipynb", out / f"{name}.ipynb")
        (out / f"{name}.failed.ipynb").unlink(missing_ok=True)
    return [str(rel) for rel in files]


def _print_console(stage: Path, name: str) -> None:
    """The runtime's warnings the notebook sent to the console (``$HSR_CONSOLE_LOG``), on
    this process's stderr, never on the page."""
    log = stage / "console.log"
    with contextlib.suppress(OSError):
        for line in log.read_text(encoding="utf-8").splitlines():
            if line.strip():
                print(f"hsr run: {name}: {line}", file=sys.stderr, flush=True)


def cmd_run(args) -> int:
    root = root_from(args.root)
    available = list_notebooks(root)
    names = select_notebooks(available, args.names)
    notebooks = [load_notebook(root / "notebooks" / f"{n}.ipynb") for n in names]
    profile = load_profile(root, args.profile)
    params = resolve_parameters(notebooks, profile, args.param, available)
    out = Path(args.output).expanduser().resolve() if args.output else generated_dir(root)
    # the same sweep cache as a plain papermill run (hsr.book.paths), unless --cache-dir;
    # checked here, not in a kernel minutes later
    if args.cache_dir:
        cache, cache_source = Path(args.cache_dir).expanduser().resolve(), "--cache-dir"
    else:
        cache = cache_dir()
        from_env = os.environ.get("HSR_CACHE_DIR")
        cache_source = "$HSR_CACHE_DIR" if from_env else "the default sweep cache"
    check_cache_dir(cache, cache_source)
    if args.scheduler:
        scheduler = check_scheduler(args.scheduler, "--scheduler")
    elif os.environ.get(SCHEDULER_ENV):  # every notebook would use it: checked here too
        scheduler = check_scheduler(os.environ[SCHEDULER_ENV], f"${SCHEDULER_ENV}")
    else:
        scheduler = None
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
    _remove_stale_staging(out)
    base_env = {
        # the kernel's inline backend: figures are saved by the notebooks and also shown in
        # the executed notebook, which is the book page
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    if scheduler:
        base_env[SCHEDULER_ENV] = scheduler
    # the experiments batch many small matrices: a multithreaded BLAS only adds handoffs
    # (measured 25-35x slower on 2 cores for N=100, d_h=30); the user's setting wins
    for var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if var not in os.environ:
            base_env[var] = "1"

    entries: dict[str, dict] = {}
    failures: list[tuple[str, str]] = []
    start = time.perf_counter()
    total = len(notebooks) + len(batches)
    jobs = min(jobs_arg, total)
    clear_rows(out, [nb.name for nb in notebooks])  # the fresh sets' rows come from this run
    kernels = Kernels()
    started = [0]
    print_lock = threading.Lock()

    def stage_of(nb) -> Path:
        return out / STAGING / f"{os.getpid()}-{nb.name}"

    def execute(nb) -> tuple[str | None, float]:
        """Run one notebook into its staging folder, every output there too (the kernel's
        ``HSR_*`` folders): (problem or None, seconds)."""
        stage = stage_of(nb)
        shutil.rmtree(stage, ignore_errors=True)
        for sub in ("figures", "claims", "data"):
            (stage / sub).mkdir(parents=True, exist_ok=True)
        env = {
            **notebook_environment(stage, cache),
            CONSOLE_ENV: str(stage / "console.log"),
            **base_env,
        }
        t0 = time.perf_counter()
        problem = None
        try:
            papermill.execute_notebook(
                str(nb.path),
                str(stage / f"{nb.name}.ipynb"),
                parameters=params[nb.name],
                kernel_name="python3",
                language="python",
                # quiet the kernel's own log (start-up warnings; an interrupt logged at shutdown)
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
                cwd=str(root / "notebooks"),
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                # the kernel gets this notebook's environment and can be stopped by this run
                kernel_manager_class=kernels.manager_class(nb.name, env),
            )
        except papermill.PapermillExecutionError as e:
            cell = e.exec_count if e.exec_count is not None else e.cell_index
            problem = f"cell {cell} ({e.ename}: {_first_line(e.evalue)})"
        except Exception as e:  # noqa: BLE001 - kernel died, timeout, bad notebook...
            problem = f"({type(e).__name__}: {_first_line(e)})"
        finally:
            kernels.done(nb.name)
        return problem, time.perf_counter() - t0

    def run_seed_set(batch: SeedSetBatch) -> tuple[None, float]:
        """Run one fresh seed set's batch in its worker process (killed with the kernels on
        Ctrl-C or SIGTERM): (None, seconds); its notebooks' outcomes in ``batch.entries``."""
        env = {**base_env, **seed_set_environment(out, batch.seed_set, cache)}
        t0 = time.perf_counter()
        try:
            seconds = run_batch(
                batch, root, out, env, on_start=lambda p: kernels.process(batch.name, p)
            )
        except Exception as e:  # noqa: BLE001 - the worker could not start, ...: its notebooks failed
            seconds = time.perf_counter() - t0
            for n in batch.names:
                if n not in batch.entries:
                    problem = f"({type(e).__name__}: {_first_line(e)})"
                    batch.entries[n] = {"seconds": 0.0, "ok": False, "problem": problem}
        finally:
            kernels.done(batch.name)
        return None, seconds

    def finish_seed_set(i, batch: SeedSetBatch, seconds: float) -> bool:
        """Record one finished seed set; False when the run should stop."""
        bad = {n: e["problem"] for n, e in batch.entries.items() if not e["ok"]}
        head = f"[{i}/{total}] {batch.name} ({len(batch.names)} notebooks) ... " if jobs > 1 else ""
        with print_lock:
            print(f"{head}{f'{len(bad)} FAILED' if bad else 'ok'} ({seconds:.1f} s)")
        for n, problem in bad.items():
            where = "in " + problem if problem.startswith("cell") else problem
            print(f"hsr run: notebook {n} failed on {batch.name} {where}", file=sys.stderr)
            failures.append((f"{n} ({batch.name})", problem))
        sys.stdout.flush()
        sys.stderr.flush()
        return not bad or bool(args.keep_going)

    def finish(i, nb, problem, seconds) -> bool:
        """Record one finished notebook: its outputs move into place together, or (failed)
        none of them do; False when the run should stop."""
        if isinstance(nb, SeedSetBatch):
            return finish_seed_set(i, nb, seconds)
        stage = stage_of(nb)
        failed = out / f"{nb.name}.failed.ipynb"
        head = f"[{i}/{total}] {nb.name} ... " if jobs > 1 else ""
        entry = {
            "profile": profile.name,
            "parameters": params[nb.name],
            "seconds": round(seconds, 2),
            "ok": problem is None,
            "finished": now_iso(),
        }
        try:
            if problem is None:
                # the profile's values show on the page the way the parameters cell does
                tag_injected_parameters(stage / f"{nb.name}.ipynb")
                commit_outputs(stage, out, nb.name)
                entries[nb.name] = entry
                with print_lock:
                    print(f"{head}ok ({seconds:.1f} s)", flush=True)
                _print_console(stage, nb.name)
                return True
            entries[nb.name] = entry
            with print_lock:
                print(f"{head}FAILED ({seconds:.1f} s)", flush=True)
            _print_console(stage, nb.name)
            where = "in " + problem if problem.startswith("cell") else problem
            print(f"hsr run: notebook {nb.name} failed {where}", file=sys.stderr)
            partial = stage / f"{nb.name}.ipynb"
            if partial.exists():  # the page and its outputs stay as they were
                with _locked(out):
                    os.replace(partial, failed)
                print(f"  the partial notebook is {_rel(failed)}", file=sys.stderr)
            sys.stderr.flush()
            failures.append((nb.name, problem))
            return bool(args.keep_going)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
            with contextlib.suppress(OSError):
                _update_run_log(out, root, {nb.name: entry}, None)

    by_name = {nb.name: nb for nb in notebooks}
    if jobs > 1:  # slowest first, the fresh seed sets among them
        order = start_order([nb.name for nb in notebooks], out / RUN_LOG)
        items = merge_order(order, batches, out / RUN_LOG, by_name)
    else:  # the notebooks in the order given, then the fresh seed sets
        items = [*notebooks, *batches]
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for item in items:
        todo.put(item)
    results: queue.SimpleQueue = queue.SimpleQueue()

    def worker() -> None:
        """Take notebooks (and seed sets) until none is left or the run stops; each result
        to ``results``. The next one is taken only once the main thread recorded this one, so
        a failure without --keep-going stops the run before another starts."""
        while not kernels.stopping:
            try:
                nb = todo.get_nowait()
            except queue.Empty:
                return
            is_batch = isinstance(nb, SeedSetBatch)
            if jobs == 1:
                what = f"{nb.name} ({len(nb.names)} notebooks)" if is_batch else nb.name
                with print_lock:
                    started[0] += 1
                    print(f"[{started[0]}/{total}] {what} ... ", end="", flush=True)
            decided = threading.Event()  # the next notebook starts once this one is recorded
            results.put((nb, *(run_seed_set(nb) if is_batch else execute(nb)), decided))
            while not decided.wait(0.2):
                if kernels.stopping:
                    return

    interrupted = 0
    signals = _Signals()
    threads = [
        threading.Thread(target=worker, name=f"hsr-run-{i}", daemon=True) for i in range(jobs)
    ]
    if jobs > 1:
        # notebooks side by side: each kernel is its own process; two asking for the same
        # sweep compute it once (the cache entry's lock)
        sets = f" and {len(batches)} fresh seed set{'s' * (len(batches) > 1)}"
        sets = sets if batches else ""
        print(f"hsr run: {len(notebooks)} notebooks{sets}, {jobs} at a time", flush=True)
    try:
        with signals.raising():
            for t in threads:
                t.start()
            done_count = 0
            while done_count < total:
                try:
                    nb, problem, seconds, decided = results.get(timeout=0.2)
                except queue.Empty:
                    if not any(t.is_alive() for t in threads) and results.empty():
                        break
                    continue
                done_count += 1
                with signals.deferred():  # a page moves into place whole
                    go_on = finish(done_count, nb, problem, seconds)
                stop_now = not go_on and not kernels.stopping
                if stop_now:  # before this worker may take the next one
                    kernels.stopping = True
                decided.set()
                if stop_now:
                    # no new notebook starts; the running ones finish and are kept
                    running = sum(t.is_alive() for t in threads) - 1
                    if running > 0:
                        print(
                            f"hsr run: waiting for the {running} running notebook(s) "
                            "(Ctrl-C stops them)",
                            file=sys.stderr,
                            flush=True,
                        )
    except (KeyboardInterrupt, _Stopped) as exc:
        interrupted = 143 if isinstance(exc, _Stopped) else 130
        with signals.quiet():
            _stop(kernels, threads, results, finish, jobs)
    finally:
        with signals.quiet():
            for nb in notebooks:
                shutil.rmtree(stage_of(nb), ignore_errors=True)
            with contextlib.suppress(OSError):
                (out / STAGING).rmdir()
            # a page's fresh-set rows come from the run of its page: none beside a page this
            # run did not replace (failed, interrupted, not started)
            with contextlib.suppress(OSError), _locked(out):
                clear_rows(out, [nb.name for nb in notebooks if nb.name not in entries
                                 or not entries[nb.name]["ok"]])  # fmt: skip
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
                _update_run_log(out, root, {}, last_run)
            if entries or any(b.entries for b in batches):
                with _locked(out):
                    update_run_log(out / RUN_LOG, n_sets, batches, notebooks)

    if interrupted:
        what = "stopped (SIGTERM)" if interrupted == 143 else "interrupted"
        print(f"hsr run: {what}; the pages not finished are as they were", file=sys.stderr)
        return interrupted
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


def _stop(kernels: Kernels, threads, results, finish, jobs: int, grace: float = 30.0) -> None:
    """After Ctrl-C or SIGTERM: kill every kernel of the run (and what each started), wait up
    to ``grace`` seconds for the threads, keep the notebooks that had finished, discard the
    rest (their staging folders; the pages stay as they were). Called with the signals
    quiet (a second Ctrl-C prints a line, not a traceback)."""
    print(
        ("interrupted" if jobs == 1 else "hsr run: interrupted") + ": stopping the kernels",
        flush=True,
    )
    end = time.monotonic() + grace
    while any(t.is_alive() for t in threads) and time.monotonic() < end:
        kernels.stop()  # again: a kernel may have been starting
        for t in threads:
            t.join(timeout=0.2)
    n = 0
    while True:
        try:
            nb, problem, seconds, _ = results.get_nowait()
        except queue.Empty:
            break
        n += 1
        if isinstance(nb, SeedSetBatch):  # kept only if it finished before the interrupt
            if nb.entries and all(e["ok"] for e in nb.entries.values()):
                finish(n, nb, problem, seconds)
        elif problem is None:  # finished before the interrupt: kept
            finish(n, nb, problem, seconds)
