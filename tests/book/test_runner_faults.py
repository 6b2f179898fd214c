"""``hsr run`` under faults, with real kernels and real signals: Ctrl-C (one notebook at a time
or side by side, pressed once or twice), SIGTERM and SIGKILL of the runner, two runs of one
page at once, a corrupt cache file's warning, and settings that cannot work (checked before
any kernel starts). The notebooks are tiny; each test takes seconds when the fix holds and
fails after a bounded wait when it does not."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("papermill")
pytest.importorskip("yaml")
psutil = pytest.importorskip("psutil")

from processes import alive, family, kill_all, wait_for  # noqa: E402

from hsr.book.cli import main  # noqa: E402
from hsr.experiments.runtime import cache as cache_mod  # noqa: E402

# a notebook that writes its claims and a figure, says it started (outside the book, with its
# pid), then pauses: ``pause`` seconds, or until the file ``wait_for`` exists
BODY = """\
import json, os, pathlib, time
claims = pathlib.Path(os.environ["HSR_CLAIMS_DIR"])
figures = pathlib.Path(os.environ["HSR_FIGURE_DIR"])
claims.mkdir(parents=True, exist_ok=True)
figures.mkdir(parents=True, exist_ok=True)
(claims / "{nb}.json").write_text(json.dumps({{"run": run}}))
marks = pathlib.Path(marks)
marks.mkdir(parents=True, exist_ok=True)
(marks / ("{nb}-" + run)).write_text(str(os.getpid()))
if wait_for:
    for _ in range(1200):
        if pathlib.Path(wait_for).exists():
            break
        time.sleep(0.1)
time.sleep(pause)
(figures / "{nb}.txt").write_text(run)
if sweep:
    import hsr
    hsr.run_sweep(n_seeds=4, chunk_size=2, max_iter=10**9, tol=1e-300, n_train=20, n_test=20,
                  cache_dir=False, quiet=True)
print("page of run", run)
"""
PARAMS = 'run = "a"\npause = 0.0\nmarks = ""\nwait_for = ""\nsweep = False'


def make_root(tmp_path: Path, names=("ws-fig02", "ws-fig03")) -> Path:
    root = tmp_path / "proj"
    (root / "notebooks" / "profiles").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (root / "notebooks" / "profiles" / "paper.yml").write_text("")
    for name in names:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb.metadata["kernelspec"]["language"] = "python"
        nb.cells.append(nbformat.v4.new_code_cell(PARAMS, metadata={"tags": ["parameters"]}))
        nb.cells.append(nbformat.v4.new_code_cell(BODY.format(nb=name)))
        nbformat.write(nb, root / "notebooks" / f"{name}.ipynb")
    return root


def start_run(root: Path, *argv, cache: Path) -> subprocess.Popen:
    """``hsr run`` as a terminal starts it: its own process group, the package on the path."""
    env = {
        **os.environ,
        "PYTHONPATH": str(cache_mod.PACKAGE_DIR.parent),
        "HSR_CACHE_DIR": str(cache),
    }
    env.pop("HSR_SCHEDULER", None)
    return subprocess.Popen(
        [sys.executable, "-m", "hsr.book.cli", "run", "--root", str(root), *map(str, argv)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def communicate(proc: subprocess.Popen, timeout: float, what: str):
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hsr run did not stop within {timeout:g} s after {what}")


def old_page(gen: Path, name: str) -> None:
    """A page from an earlier, complete run: its notebook, claims and figure."""
    for d in ("claims", "figures"):
        (gen / d).mkdir(parents=True, exist_ok=True)
    (gen / f"{name}.ipynb").write_text("old page")
    (gen / "claims" / f"{name}.json").write_text('{"run": "old"}')
    (gen / "figures" / f"{name}.txt").write_text("old")


def assert_old_page(gen: Path, name: str) -> None:
    assert (gen / f"{name}.ipynb").read_text() == "old page"
    assert (gen / "claims" / f"{name}.json").read_text() == '{"run": "old"}'
    assert (gen / "figures" / f"{name}.txt").read_text() == "old"


def assert_no_litter(gen: Path) -> None:
    left = sorted(p.name for p in gen.rglob(".*"))
    assert left == [], f"files left behind: {left}"
    assert not list(gen.rglob("*.running.ipynb"))


# ----- Ctrl-C -------------------------------------------------------------------------------------
@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_with_two_jobs_stops_the_kernels_at_once(tmp_path, presses):
    """``hsr run a b --jobs 2`` (the ``make book`` default), Ctrl-C while both notebooks run
    (for ten minutes): the runner kills both kernels and exits within a minute (it waited for
    the notebooks), status 130, no traceback even when Ctrl-C is pressed twice; no
    ``.NAME.running.ipynb`` is left; the page that existed keeps its notebook, claims and
    figure, and the page that did not exist gets none of the claims its discarded run wrote."""
    root = make_root(tmp_path)
    gen = root / "book" / "generated"
    old_page(gen, "ws-fig02")
    marks = tmp_path / "marks"
    proc = start_run(
        root, "ws-fig02", "ws-fig03", "--jobs", 2, "-p", "pause", 600, "-p", "marks", marks,
        cache=tmp_path / "cache",
    )  # fmt: skip
    procs = []
    try:
        wait_for(lambda: len(list(marks.glob("*"))) == 2, 240, "two running kernels", proc)
        procs = family(proc.pid)
        kernels = [psutil.Process(int(p.read_text())) for p in marks.glob("*")]
        assert all(k in procs for k in kernels)
        for i in range(presses):
            if i:
                time.sleep(0.3)
            os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C: the foreground group
        out, err = communicate(proc, 60, "Ctrl-C")
        assert proc.returncode == 130, err
        assert "Traceback" not in err and "Task exception" not in err, err
        assert "interrupted" in err
        wait_for(lambda: not alive(kernels), 30, "end of the kernels")
        assert_old_page(gen, "ws-fig02")
        assert not (gen / "ws-fig03.ipynb").exists()
        assert not (gen / "claims" / "ws-fig03.json").exists()  # from a discarded run
        assert_no_litter(gen)
    finally:
        kill_all(proc, procs)


def test_ctrl_c_with_one_job_is_quiet_and_prompt(tmp_path):
    """``hsr run`` one notebook at a time, Ctrl-C while it runs: a line saying so, status 130,
    not a hundred lines of "Task exception was never retrieved"."""
    root = make_root(tmp_path, names=("ws-fig02",))
    gen = root / "book" / "generated"
    marks = tmp_path / "marks"
    proc = start_run(
        root, "ws-fig02", "-p", "pause", 600, "-p", "marks", marks, cache=tmp_path / "cache"
    )
    procs = []
    try:
        wait_for(lambda: list(marks.glob("*")), 240, "a running kernel", proc)
        procs = family(proc.pid)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = communicate(proc, 60, "Ctrl-C")
        assert proc.returncode == 130
        assert "Task exception was never retrieved" not in err
        assert "Traceback" not in err, err
        assert len(err.splitlines()) <= 3, err
        assert out.startswith("[1/1] ws-fig02 ... interrupted")
        assert not (gen / "claims" / "ws-fig02.json").exists()
        wait_for(lambda: not alive(procs[1:]), 30, "end of the kernel")
        assert_no_litter(gen)
    finally:
        kill_all(proc, procs)


# ----- SIGTERM and SIGKILL: nothing left running ------------------------------------------------
def _pool_below(pid: int) -> list:
    return [p for p in family(pid) if "forkserver" in " ".join(p.cmdline())]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_runner_leaves_no_kernel_or_pool(tmp_path, sig):
    """SIGTERM or SIGKILL of ``hsr run`` while a notebook's sweep runs on a process pool: the
    kernel, the forkserver, the resource tracker and the workers all end within a minute (they
    lived on for minutes). SIGTERM is handled as Ctrl-C (status 143, nothing half-written)."""
    root = make_root(tmp_path, names=("ws-fig02",))
    gen = root / "book" / "generated"
    proc = start_run(root, "ws-fig02", "-p", "sweep", "true", cache=tmp_path / "cache")
    procs = []
    try:
        wait_for(lambda: len(_pool_below(proc.pid)) >= 3, 300, "a sweep's pool", proc)
        procs = family(proc.pid)[1:]
        assert len(procs) >= 5  # the kernel, resource tracker, forkserver, two workers
        os.kill(proc.pid, sig)
        out, err = communicate(proc, 60, sig.name)
        wait_for(lambda: not alive(procs), 60, "end of every process the run started")
        if sig == signal.SIGTERM:
            assert proc.returncode == 143 and "Traceback" not in err, err
            assert not (gen / "claims" / "ws-fig02.json").exists()
            assert_no_litter(gen)
    finally:
        kill_all(proc, procs)


# ----- a fresh seed set's worker is stopped too -------------------------------------------------
def test_sigterm_stops_a_fresh_seed_sets_worker_and_its_rows_go(tmp_path):
    """``hsr run --seed-sets 2 --jobs 2``: the page's kernel and seed set 1's worker process
    (``python -m hsr.book.seed_sets``) both run; SIGTERM to the runner kills both at once
    (the worker ran on, and the runner waited out its 30 s grace for the thread driving it
    before giving up), and the fresh set's row the worker had written is removed, since
    the page it belongs to was not replaced (the ledger would attach a row of this run to the
    page of an earlier one)."""
    root = make_root(tmp_path, names=("ws-fig02",))
    path = root / "notebooks" / "ws-fig02.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[0].source = PARAMS + "\nseed_set = 0"
    nb.cells[1].source = nb.cells[1].source.replace(
        '(marks / ("ws-fig02-" + run))', '(marks / ("ws-fig02-" + str(seed_set)))'
    )
    assert "str(seed_set)" in nb.cells[1].source
    nbformat.write(nb, path)
    gen = root / "book" / "generated"
    old_page(gen, "ws-fig02")
    marks = tmp_path / "marks"
    proc = start_run(
        root, "ws-fig02", "--jobs", 2, "--seed-sets", 2, "-p", "pause", 600, "-p", "marks", marks,
        cache=tmp_path / "cache",
    )  # fmt: skip
    procs = []
    try:
        wait_for(lambda: len(list(marks.glob("*"))) == 2, 240, "the kernel and the worker", proc)
        procs = family(proc.pid)
        runners = [psutil.Process(int((marks / f"ws-fig02-{k}").read_text())) for k in (0, 1)]
        assert all(p in procs for p in runners)
        assert (gen / "claims" / "seed-sets" / "1" / "ws-fig02.json").is_file()
        os.kill(proc.pid, signal.SIGTERM)
        out, err = communicate(proc, 20, "SIGTERM")  # below the 30 s grace of hsr.book.run._stop
        assert proc.returncode == 143 and "Traceback" not in err, err
        wait_for(lambda: not alive(runners), 10, "end of the kernel and the seed set's worker")
        assert_old_page(gen, "ws-fig02")
        assert not (gen / "claims" / "seed-sets" / "1" / "ws-fig02.json").exists()
    finally:
        kill_all(proc, procs)


# ----- two runs of one page at once ---------------------------------------------------------------
def test_two_runs_of_one_page_leave_one_runs_page(tmp_path):
    """Run A writes its claims and waits; run B (same page, other parameters) writes its
    claims, its figure and finishes; then A writes its figure and finishes. The page's
    notebook, claims and figure must all be from one run (they were A's notebook and figure
    beside B's claims: the ledger contradicted the page)."""
    root = make_root(tmp_path, names=("ws-fig02",))
    gen = root / "book" / "generated"
    marks = tmp_path / "marks"
    cache = tmp_path / "cache"
    a = start_run(
        root, "ws-fig02", "-p", "run", "A", "-p", "marks", marks,
        "-p", "wait_for", marks / "ws-fig02-B", cache=cache,
    )  # fmt: skip
    b = None
    try:
        wait_for(lambda: (marks / "ws-fig02-A").exists(), 240, "run A's claims", a)
        b = start_run(root, "ws-fig02", "-p", "run", "B", "-p", "marks", marks, cache=cache)
        out_b, err_b = communicate(b, 240, "its notebook")
        out_a, err_a = communicate(a, 240, "its notebook")
        assert a.returncode == 0 and b.returncode == 0, err_a + err_b
        claims = json.loads((gen / "claims" / "ws-fig02.json").read_text())["run"]
        figure = (gen / "figures" / "ws-fig02.txt").read_text()
        page = nbformat.read(gen / "ws-fig02.ipynb", as_version=4)
        shown = "".join(o.get("text", "") for c in page.cells for o in c.get("outputs", []))
        assert claims == figure and f"page of run {claims}" in shown, (claims, figure, shown)
        log = json.loads((gen / "run-log.json").read_text())
        assert log["notebooks"]["ws-fig02"]["ok"] is True
        assert_no_litter(gen)
    finally:
        for p in (a, b):
            if p is not None:
                kill_all(p, [])


# ----- a corrupt cache file: its warning on the console, not on the page ------------------------
def test_a_cache_warning_goes_to_the_console_not_the_page(tmp_path):
    """A corrupt cache entry met by a notebook under ``hsr run``: the warning (with the cache
    path of the build machine) is printed by the runner on its stderr, naming the notebook;
    the executed notebook, which is the book page, does not show it."""
    import hsr
    from hsr.experiments.runtime.cache import cache_key

    root = make_root(tmp_path, names=("ws-fig02",))
    nb_path = root / "notebooks" / "ws-fig02.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import hsr\nr = hsr.run_sweep(n_seeds=4, max_iter=30, n_train=20, n_test=20, "
            "quiet=True)\nprint('unique', r.unique.size >= 0)"
        )
    )
    nbformat.write(nb, nb_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    cfg = hsr.SweepConfig(n_seeds=4, max_iter=30, n_train=20, n_test=20)
    bad = cache / f"{cache_key('sweep', cfg.to_dict())}.npz"
    bad.write_bytes(b"PK\x03\x04 this is not a cache file")
    proc = start_run(root, "ws-fig02", cache=cache)
    out, err = communicate(proc, 300, "its notebook")
    assert proc.returncode == 0, err
    assert f"hsr run: ws-fig02: CacheWarning: cache file {bad} is unreadable" in err, err
    page = (root / "book" / "generated" / "ws-fig02.ipynb").read_text()
    assert "CacheWarning" not in page and str(cache) not in page
    assert "unique True" in page
    assert bad.is_file()  # recomputed and saved whole


# ----- settings that cannot work, refused before any kernel -------------------------------------
@pytest.fixture
def no_kernel(monkeypatch):
    import papermill

    def boom(*args, **kwargs):
        pytest.fail("papermill.execute_notebook was called")

    monkeypatch.setattr(papermill, "execute_notebook", boom)


def test_an_unusable_cache_folder_is_refused_up_front(tmp_path, monkeypatch, capsys, no_kernel):
    """``$HSR_CACHE_DIR`` naming a file (or a folder that cannot be written): refused before
    any kernel starts, naming the variable (it failed inside a kernel, not naming it)."""
    root = make_root(tmp_path, names=("ws-fig02",))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HSR_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.delenv("HSR_SCHEDULER", raising=False)
    assert main(["run", "--root", str(root), "ws-fig02"]) == 2
    err = capsys.readouterr().err
    assert f"hsr run: $HSR_CACHE_DIR {blocker / 'cache'}: cannot hold the sweep cache" in err
    assert main(["run", "--root", str(root), "ws-fig02", "--cache-dir", str(blocker)]) == 2
    assert f"hsr run: --cache-dir {blocker}: cannot hold the sweep cache" in capsys.readouterr().err


def test_a_dead_hsr_scheduler_is_refused_up_front(tmp_path, monkeypatch, capsys, no_kernel):
    """``$HSR_SCHEDULER`` set in the shell to a scheduler that is gone: refused at once,
    naming the variable (a kernel failed on it after 30 s)."""
    pytest.importorskip("distributed")
    root = make_root(tmp_path, names=("ws-fig02",))
    monkeypatch.setenv("HSR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("HSR_SCHEDULER", "tcp://127.0.0.1:9")
    assert main(["run", "--root", str(root), "ws-fig02"]) == 2
    err = capsys.readouterr().err
    assert "hsr run: $HSR_SCHEDULER=tcp://127.0.0.1:9: no dask scheduler answers there" in err


def test_a_scheduler_address_that_is_none(tmp_path):
    """``--scheduler nonsense``: one line saying so, no ``Exception ignored in
    Client.__del__`` traceback (it took 21 s and printed one)."""
    pytest.importorskip("distributed")
    root = make_root(tmp_path, names=("ws-fig02",))
    env = {**os.environ, "PYTHONPATH": str(cache_mod.PACKAGE_DIR.parent)}
    env["HSR_CACHE_DIR"] = str(tmp_path / "cache")
    argv = ["run", "--root", str(root), "ws-fig02", "--scheduler", "nonsense", "--dry-run"]
    done = subprocess.run(
        [sys.executable, "-m", "hsr.book.cli", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("hsr run: --scheduler nonsense: not a scheduler address")
    assert "Exception ignored" not in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
