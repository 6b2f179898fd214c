"""Fresh seed sets in ``hsr run --seed-sets N`` (issue 18): every notebook that writes ledger
rows runs again on seed sets 1 .. N-1, so each verdict is checked on independent draws.

**What a seed set is** is said in one place, :mod:`hsr.experiments.seed_sets` (every seed moves
by ``k * 10^6``; the constants stay). Here: which notebooks run, where their files go, and how
they run.

**Which notebooks.** The selected notebooks with a ``seed_set`` parameter: every notebook that
records rows and draws anything. The ones that record rows without one are listed in
:data:`NOT_SEEDED` with the reason (checked by the tests), and the run log says so.

**Where the files go** (the layout :func:`hsr.book.report.gather_seed_sets` reads), for
``k`` = 1 .. N-1 under the output folder ``<out>`` (``book/generated``)::

    <out>/claims/seed-sets/<k>/<name>.json   the rows ($HSR_CLAIMS_DIR of the run)
    <out>/seed-sets/<k>/<name>.ipynb         the executed notebook (text outputs only)
    <out>/seed-sets/<k>/figures, data        scratch ($HSR_FIGURE_DIR, $HSR_DATA_DIR): not
                                             published; figures are not even written

A run of notebook X removes X's rows of every seed set first, so the rows of the fresh sets
always come from the same run (and parameters) as X's main row, and a failure leaves none; a
run whose page X failed, was interrupted or did not start removes X's fresh-set rows at its
end too (the page stays as it was: its rows must not come from another run).

**How they run, and why not with papermill.** The verdict needs the notebook's computation,
not its page. Measured on the 2-core machine (benchmarks/RESULTS.md), a papermill run pays
about 1 CPU-s to start a kernel, 2.5 CPU-s of imports (hsr, matplotlib, pandas, myst-nb) and
1-3 CPU-s to render its figures (PNG inline, PNG and PDF saved), before any computing: 60
seed-set runs would cost more than the whole quick book. So each seed set runs as **one batch
in one Python process** (``python -m hsr.book.seed_sets SPEC``): the same notebooks, with the
parameters injected by papermill's own ``parameterize_notebook``, cell after cell in an
IPython shell (magics work, ``get_ipython()`` answers), each notebook in a fresh namespace; the
imports are paid once per batch, no figure is rendered (``$HSR_SKIP_FIGURES``: see
:func:`hsr.book.plotting.save_figure`; the shell displays text only). ``hsr run`` runs the
batches beside the notebooks (``--jobs``), slowest first.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from ..experiments.runtime.files import atomic_write_text
from .notebooks import Notebook
from .paths import SKIP_FIGURES_ENV, notebook_environment

__all__ = [
    "SEED_SETS",
    "NOT_SEEDED",
    "SeedSetBatch",
    "check_seed_sets",
    "seeded",
    "seed_set_batches",
    "seed_set_environment",
    "clear_rows",
    "run_batch",
    "run_log_section",
    "plan_seed_sets",
    "merge_order",
    "update_run_log",
    "seed_set_times",
]

#: the sub-folder (of the output folder and of the claims folder) holding the fresh seed sets
SEED_SETS = "seed-sets"

#: notebooks that record ledger rows but have no ``seed_set`` parameter, and why
NOT_SEEDED = {
    "ws-fig13": (
        "deterministic: the five activations and their derivatives on a fixed grid against "
        "central differences; nothing is drawn, so every seed set gives the same verdict"
    ),
    "hsr-fig08": "records no claim (the figure shows the training data)",
}


def check_seed_sets(value) -> int:
    """``value`` as an int if it is a whole number >= 1 (1: only the book's seed set 0), else
    a ValueError naming ``--seed-sets``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            "--seed-sets must be a whole number >= 1 (1: the book's seeds only; 3: two fresh "
            f"sets besides), got {value!r}"
        )
    return value


def seeded(nb: Notebook) -> bool:
    """Whether notebook ``nb`` runs on the fresh seed sets (it has a ``seed_set`` parameter)."""
    return "seed_set" in nb.params


@dataclass
class SeedSetBatch:
    """The notebooks of one fresh seed set ``seed_set``, run one after the other in one
    process: ``names`` in run order, ``paths`` and ``parameters`` (the main run's values
    plus ``seed_set``) by name; ``estimate``: seconds the last run log recorded for them
    (None when it lacks any)."""

    seed_set: int
    names: list[str]
    paths: dict[str, Path]
    parameters: dict[str, dict]
    estimate: float | None = None
    entries: dict[str, dict] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"seed set {self.seed_set}"


def _logged_seconds(run_log: Path) -> dict:
    """``{k: {notebook: seconds}}`` of the fresh seed sets in the run log, if any."""
    with contextlib.suppress(OSError, ValueError, AttributeError, TypeError, KeyError):
        runs = json.loads(Path(run_log).read_text(encoding="utf-8"))["seed_sets"]["runs"]
        return {k: {n: float(e["seconds"]) for n, e in r.items()} for k, r in runs.items()}
    return {}


def seed_set_batches(
    notebooks: list[Notebook], params: dict[str, dict], n_sets: int, run_log: Path | None = None
) -> list[SeedSetBatch]:
    """The batches of ``hsr run --seed-sets n_sets``: one per fresh set k = 1 .. n_sets - 1,
    each holding the :func:`seeded` notebooks of ``notebooks`` (in their order) with
    ``params[name]`` and ``seed_set = k``; its ``estimate`` is the sum of the seconds
    ``run_log`` recorded for them on set k (None unless it has every one). One batch per set:
    its notebooks share the set's sweeps, computed once by the first that needs them."""
    n_sets = check_seed_sets(n_sets)
    chosen = [nb for nb in notebooks if seeded(nb)]
    logged = _logged_seconds(run_log) if run_log is not None and n_sets > 1 else {}
    batches = []
    for k in range(1, n_sets):
        seconds = logged.get(str(k), {})
        names = [nb.name for nb in chosen]
        known = all(n in seconds for n in names)
        batches.append(
            SeedSetBatch(
                seed_set=k,
                names=names,
                paths={nb.name: nb.path for nb in chosen},
                parameters={nb.name: {**params[nb.name], "seed_set": k} for nb in chosen},
                estimate=sum(seconds[n] for n in names) if known and names else None,
            )
        )
    return [b for b in batches if b.names]


def plan_seed_sets(
    value, profile, overrides, notebooks: list[Notebook], params: dict, run_log: Path
) -> tuple[int, list[SeedSetBatch]]:
    """``(N, batches)`` of a run: N from ``--seed-sets`` (``value``; None: the profile's
    ``"hsr run": seed_sets``, else 1), checked before any kernel starts (a
    :class:`~hsr.book.notebooks.UsageError` naming the option). A ``-p seed_set K`` in
    ``overrides`` runs the notebooks on set K themselves: then no fresh set runs beside (N = 1)."""
    from .notebooks import UsageError

    source = "--seed-sets"
    if value is None:
        value, source = profile.run.get("seed_sets", 1), f"profile {profile.name}: seed_sets"
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = int(value.strip())
    try:
        n_sets = check_seed_sets(value)
    except ValueError as e:
        raise UsageError(str(e).replace("--seed-sets", source, 1)) from None
    if any(key == "seed_set" for key, _ in overrides or ()):
        if n_sets > 1:
            print(f"hsr run: -p seed_set given: no fresh seed sets beside ({source} {n_sets})")
        n_sets = 1
    return n_sets, seed_set_batches(notebooks, params, n_sets, run_log)


def merge_order(order: list[str], batches: list[SeedSetBatch], run_log: Path, items: dict):
    """The start order of the notebooks (``order``, the names in their order, mapped to
    ``items[name]``) and the ``batches`` together: slowest first by the seconds the run log
    recorded when it has them all; else each batch after the pages that are not figures (the
    long ones, first in ``order``) and before the figures."""
    seconds: dict = {}
    with contextlib.suppress(OSError, ValueError, AttributeError, TypeError, KeyError):
        nbs = json.loads(Path(run_log).read_text(encoding="utf-8")).get("notebooks", {})
        seconds = {n: float(e["seconds"]) for n, e in nbs.items() if n in items}
    if len(seconds) == len(order) and all(b.estimate is not None for b in batches):
        timed = [(seconds[n], items[n]) for n in order] + [(b.estimate, b) for b in batches]
        return [item for _, item in sorted(timed, key=lambda t: -t[0])]
    figures = [i for i, n in enumerate(order) if n.startswith(("ws-", "hsr-", "landscape-"))]
    cut = figures[0] if figures else len(order)
    return [items[n] for n in order[:cut]] + list(batches) + [items[n] for n in order[cut:]]


def seed_set_environment(out: Path, k: int, cache) -> dict[str, str]:
    """The ``HSR_*`` variables of seed set ``k``: rows into ``<out>/claims/seed-sets/<k>``,
    figures and data into the scratch folder ``<out>/seed-sets/<k>`` (figures skipped)."""
    out = Path(out)
    scratch = out / SEED_SETS / str(k)
    env = notebook_environment(scratch, cache)
    env["HSR_CLAIMS_DIR"] = str(out / "claims" / SEED_SETS / str(k))
    env[SKIP_FIGURES_ENV] = "1"
    env["MPLBACKEND"] = "Agg"
    return env


def clear_rows(out: Path, names) -> None:
    """Remove the rows of ``names`` from every fresh seed set under ``<out>/claims``: a run of a
    notebook re-makes them, so none is left from an earlier run or a failed one."""
    base = Path(out) / "claims" / SEED_SETS
    if base.is_dir():
        for d in base.iterdir():
            for n in names:
                (d / f"{n}.json").unlink(missing_ok=True)


def run_batch(
    batch: SeedSetBatch, root: Path, out: Path, env: dict[str, str], on_start=None
) -> float:
    """Run ``batch`` in a worker process (``python -m hsr.book.seed_sets``) with the
    environment ``env`` (the run's, plus :func:`seed_set_environment`); fills
    ``batch.entries`` (per notebook: seconds, cpu_seconds, ok, problem) and returns the
    batch's seconds. The worker runs in a session of its own (a terminal's Ctrl-C is the
    caller's to act on); ``on_start(proc)`` is called with its ``subprocess.Popen`` (``hsr
    run`` kills it, and the sweep pool it started, on Ctrl-C or SIGTERM)."""
    folder = Path(out) / SEED_SETS / str(batch.seed_set)
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / ".batch.json"
    result = folder / ".result.json"
    result.unlink(missing_ok=True)
    atomic_write_text(
        spec,
        json.dumps(
            {
                "folder": str(folder),
                "result": str(result),
                "notebooks": [
                    {"name": n, "path": str(batch.paths[n]), "parameters": batch.parameters[n]}
                    for n in batch.names
                ],
            },
            indent=1,
        ),
    )
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hsr.book.seed_sets", str(spec)],
        cwd=str(Path(root) / "notebooks"),
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    if on_start is not None:
        on_start(proc)
    _, stderr = proc.communicate()
    seconds = time.perf_counter() - t0
    done = {}
    with contextlib.suppress(OSError, ValueError):
        done = json.loads(result.read_text(encoding="utf-8"))
    why = (stderr or "").strip().splitlines()
    for n in batch.names:
        batch.entries[n] = done.get(n) or {
            "seconds": 0.0,
            "ok": False,
            "problem": f"(not run: the seed-set worker stopped with status {proc.returncode}"
            + (f": {why[-1][:200]}" if why else "")
            + ")",
        }
        batch.entries[n] |= {"parameters": batch.parameters[n]}
    spec.unlink(missing_ok=True)
    result.unlink(missing_ok=True)
    return seconds


def update_run_log(path: Path, n_sets: int, batches: list[SeedSetBatch], notebooks) -> None:
    """Write the ``seed_sets`` section (:func:`run_log_section`) into the run log at ``path``,
    and the number of sets into its ``last_run``."""
    log: dict = {}
    with contextlib.suppress(OSError, ValueError):
        log = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(log, dict):
        log = {}
    old = log.get("seed_sets") if isinstance(log.get("seed_sets"), dict) else None
    if not batches and old is None:
        return  # no fresh seed set, now or before: the log stays as it was
    log["seed_sets"] = run_log_section(n_sets, batches, notebooks, old)
    if isinstance(log.get("last_run"), dict):
        log["last_run"]["seed_sets"] = n_sets
        log["last_run"]["seed_set_seconds"] = log["seed_sets"]["seconds"]
    atomic_write_text(Path(path), json.dumps(log, indent=1, default=str) + "\n")


def run_log_section(n_sets: int, batches: list[SeedSetBatch], notebooks, old: dict | None):
    """The ``seed_sets`` section of the run log: ``sets`` (N of the last run), ``not_seeded``
    (the selected notebooks that record rows without a seed_set parameter, and why) and
    ``runs`` (``{k: {notebook: {seconds, ok, problem, parameters}}}``, merged into ``old``'s
    so that a run of some notebooks keeps the others' entries)."""
    ran = {nb.name for nb in notebooks}
    runs = {  # an entry of a notebook run now without that set is stale (its rows are gone)
        k: {n: e for n, e in v.items() if n not in ran}
        for k, v in ((old or {}).get("runs") or {}).items()
    }
    for b in batches:
        runs.setdefault(str(b.seed_set), {}).update(b.entries)
    runs = {k: v for k, v in runs.items() if v}
    return {
        "sets": n_sets,
        "not_seeded": {nb.name: NOT_SEEDED[nb.name] for nb in notebooks if nb.name in NOT_SEEDED},
        "runs": {k: runs[k] for k in sorted(runs, key=int)},
        "seconds": round(sum(e["seconds"] for b in batches for e in b.entries.values()), 2),
    }


def seed_set_times(run_log: dict) -> list[str]:
    """Markdown for the provenance page and ``scripts/page_times.py``: a sentence on the fresh
    seed sets of the run log (how many, which notebooks are not seeded and why) and one table
    row per seed-set run (set, notebook, seconds, CPU seconds, ok), slowest first, with a
    total per set; nothing when no fresh set ran."""
    sec = run_log.get("seed_sets") if isinstance(run_log.get("seed_sets"), dict) else {}
    runs = sec.get("runs") or {}
    if not runs:
        return []

    def cell(text) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    def num(v) -> str:
        return f"{v:.1f}" if isinstance(v, (int, float)) else "?"

    lines = [
        f"Fresh seed sets (`hsr run --seed-sets {sec.get('sets', '?')}`): every notebook that "
        "records a verdict ran again on each set with `seed_set` = k (every seed + k x 10^6, "
        "the same constants), all of a set in one process beside the other notebooks; their "
        "rows are in `claims/seed-sets/<k>/`. CPU seconds include a sweep's worker processes.",
        "",
    ]
    for name, why in (sec.get("not_seeded") or {}).items():
        lines.append(f"* not run on the fresh sets: {cell(name)} ({cell(why)})")
    if sec.get("not_seeded"):
        lines.append("")
    lines += [
        "| seed set | notebook | seconds | CPU seconds | ok | problem |",
        "|---|---|---|---|---|---|",
    ]
    for k in sorted(runs, key=lambda k: (not str(k).isdigit(), int(k) if str(k).isdigit() else 0)):
        items = sorted(runs[k].items(), key=lambda kv: -(kv[1].get("seconds") or 0.0))
        for name, e in items:
            lines.append(
                f"| {k} | {cell(name)} | {num(e.get('seconds'))} | {num(e.get('cpu_seconds'))} "
                f"| {'yes' if e.get('ok') else 'no'} | {cell(e.get('problem') or '')} |"
            )
        total = sum(e.get("seconds") or 0.0 for _, e in items)
        cpu = sum(e.get("cpu_seconds") or 0.0 for _, e in items)
        lines.append(f"| **{k}** | **all {len(items)}** | **{total:.1f}** | **{cpu:.1f}** | | |")
    return lines


# --------------------------------------------------------------------------- the worker


def _shell():
    """An IPython shell for running notebook cells in this process: no history file, text
    displays only (so no figure is rendered), no colours in tracebacks."""
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):
            """``%matplotlib inline`` asks for no GUI event loop: nothing to do."""

    c = Config()
    c.HistoryManager.enabled = False
    c.HistoryManager.hist_file = ":memory:"
    shell = Shell.instance(config=c)
    shell.display_formatter.active_types = ["text/plain"]
    with contextlib.suppress(Exception):
        shell.colors = "nocolor"
    return shell


def _first_line(text: str, limit: int = 200) -> str:
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def execute_notebook(shell, path: Path, parameters: dict, out_path: Path) -> dict:
    """Run the notebook at ``path`` with ``parameters`` injected (papermill's
    ``parameterize_notebook``) in ``shell``, in a fresh namespace; write the executed copy (text
    outputs) to ``out_path`` (``.failed.ipynb`` beside it on an error). Returns ``{"seconds",
    "cpu_seconds", "ok", "problem"}``; ``problem`` reads as papermill's (``cell N (Error:
    message)``)."""
    import nbformat
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    nb = load_notebook_node(str(path))  # as papermill reads it (every cell gets its tags)
    nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    shell.reset(new_session=False)
    count, problem = 0, None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            try:
                result = shell.run_cell(cell.source, store_history=False)
                error = result.error_before_exec or result.error_in_exec
            except BaseException as e:  # noqa: BLE001 - SystemExit in a cell, ...
                if isinstance(e, KeyboardInterrupt):
                    raise
                error = e
                traceback.print_exc()
        if isinstance(error, KeyboardInterrupt):
            raise error
        text = buf.getvalue()
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)] if text else []
        if error is not None:
            problem = f"cell {count} ({type(error).__name__}: {_first_line(error)})"
            cell.outputs.append(
                nbformat.v4.new_output(
                    "error", ename=type(error).__name__, evalue=str(error), traceback=[]
                )
            )
            break
    import matplotlib.pyplot as plt

    plt.close("all")
    shell.reset(new_session=False)
    failed = out_path.with_name(f"{out_path.stem}.failed.ipynb")
    final, stale = (out_path, failed) if problem is None else (failed, out_path)
    stale.unlink(missing_ok=True)
    atomic_write_text(final, nbformat.writes(nb))
    seconds = round(time.perf_counter() - t0, 2)
    cpu = round(_cpu_seconds() - cpu0, 2)
    return {"seconds": seconds, "cpu_seconds": cpu, "ok": problem is None, "problem": problem}


def _cpu_seconds() -> float:
    """CPU seconds of this process and of all its descendants, finished or running: what a
    notebook costs whatever else shares the machine. A sweep's pool workers are children of
    multiprocessing's forkserver, which lives as long as this process: their seconds are in
    its ``cutime``/``cstime`` (Linux ``/proc``; elsewhere only the finished children count)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime + _live_descendants_cpu()


def _live_descendants_cpu() -> float:
    """utime + stime + cutime + cstime of every running descendant of this process, from
    ``/proc`` (0 where there is none): a running process is in nobody's ``cutime``, so
    nothing is counted twice."""
    stats, children = {}, {}
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            with contextlib.suppress(OSError, ValueError, IndexError):
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                pid, ppid = int(entry), int(fields[1])
                stats[pid] = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
                children.setdefault(ppid, []).append(pid)
    ticks, todo, seen = 0, list(children.get(os.getpid(), ())), set()
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            ticks += stats.get(pid, 0)
            todo += children.get(pid, ())
    return ticks / os.sysconf("SC_CLK_TCK") if ticks else 0.0


def _end_with_parent(interval: float = 1.0) -> None:
    """End this worker when the ``hsr run`` that started it is gone, however it died
    (SIGKILL included): the worker runs in a session of its own, so nothing else would stop
    it; its sweep pool's workers end with it (:mod:`hsr.experiments.runtime.parallel`)."""
    import threading

    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="hsr-parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    """The worker: ``python -m hsr.book.seed_sets SPEC`` runs the notebooks a batch's SPEC (a
    JSON file written by :func:`run_batch`) lists, in this process, one after the other; after
    each it rewrites the SPEC's result file ``{name: {seconds, ok, problem}}``."""
    argv = sys.argv[1:] if argv is None else argv
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    folder = Path(spec["folder"])
    shell = _shell()
    results: dict[str, dict] = {}
    for item in spec["notebooks"]:
        name = item["name"]
        results[name] = execute_notebook(
            shell, Path(item["path"]), item["parameters"], folder / f"{name}.ipynb"
        )
        atomic_write_text(Path(spec["result"]), json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    _end_with_parent()
    raise SystemExit(main())
