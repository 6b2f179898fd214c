"""``hsr run --seed-sets N`` (hsr.book.seed_sets): bad values refused before any kernel, the
fresh seed sets run into their own folders with their own environment (papermill and the
batch worker patched), the run log records them, stale rows go, and the real worker runs
notebooks in one process (two tests with real worker processes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

papermill = pytest.importorskip("papermill")
pytest.importorskip("yaml")

from test_runner import FakePapermill, make_root, run, write_notebook  # noqa: E402

from hsr.book import run as run_mod  # noqa: E402
from hsr.book import seed_sets  # noqa: E402
from hsr.book.notebooks import load_notebook  # noqa: E402

PROJECT = Path(__file__).resolve().parents[2]
SEEDED = "n = 3  # seeds\nflag = False\nseed_set = 0  # the seed set"
# the second cell of a seeded notebook: a figure (not written on a fresh set), then what it saw
# as its "row" in $HSR_CLAIMS_DIR; raises on demand
BODY = """\
%matplotlib inline
import json, os, pathlib
import matplotlib.pyplot as plt
from hsr.book import plotting
if flag:
    raise ValueError("boom requested")
fig, ax = plt.subplots()
ax.plot([0, 1], [0, seed_set])
png, pdf = plotting.save_figure(fig, "{nb}")
seen = {{k: os.environ.get(k) for k in ("HSR_FIGURE_DIR", "HSR_CLAIMS_DIR", "HSR_DATA_DIR",
        "HSR_CACHE_DIR", "HSR_SKIP_FIGURES", "MPLBACKEND", "OPENBLAS_NUM_THREADS")}}
seen |= {{"cwd": os.getcwd(), "n": n, "seed_set": seed_set, "png": str(png),
          "png_written": png.exists()}}
out = pathlib.Path(os.environ["HSR_CLAIMS_DIR"])
out.mkdir(parents=True, exist_ok=True)
(out / "{nb}.json").write_text(json.dumps([seen]))
print("done", seed_set)
"""


@pytest.fixture
def root(tmp_path):
    """The test project of test_runner; ws-fig02 and hsr-fig09 have a seed_set parameter."""
    root = make_root(tmp_path)
    for name in ("ws-fig02", "hsr-fig09"):
        path = root / "notebooks" / f"{name}.ipynb"
        write_notebook(path, params=SEEDED, body=BODY.format(nb=name))
    return root


@pytest.fixture
def fake(monkeypatch):
    f = FakePapermill()
    monkeypatch.setattr(papermill, "execute_notebook", f)
    return f


class FakeBatches:
    """Stands in for seed_sets.run_batch: records each batch and its environment, marks
    every notebook ok (or failed for the names in ``fail``)."""

    def __init__(self, fail=()):
        self.calls = []
        self.fail = set(fail)

    def __call__(self, batch, root, out, env, on_start=None):
        self.calls.append(
            {
                "set": batch.seed_set,
                "names": list(batch.names),
                "parameters": dict(batch.parameters),
                "env": dict(env),
            }
        )
        for n in batch.names:
            bad = n in self.fail
            batch.entries[n] = {
                "seconds": 0.5,
                "ok": not bad,
                "problem": "cell 3 (ValueError: bad)" if bad else None,
            }
            batch.entries[n] |= {"parameters": batch.parameters[n]}
        return 1.0


@pytest.fixture
def batches(monkeypatch):
    f = FakeBatches()
    monkeypatch.setattr(run_mod, "run_batch", f)
    return f


# ------------------------------------------------------------------ refusals


@pytest.mark.parametrize("value", ["0", "-1", "x", "1.5", "", "2x"])
def test_bad_seed_sets_refused_before_any_kernel(root, capsys, monkeypatch, value):
    monkeypatch.setattr(papermill, "execute_notebook", lambda *a, **k: pytest.fail("kernel"))
    monkeypatch.setattr(run_mod, "run_batch", lambda *a, **k: pytest.fail("batch"))
    rc, out, err = run(capsys, "run", "--root", str(root), "--seed-sets", value)
    assert rc == 2 and out == ""
    assert err.startswith("hsr run: --seed-sets must be a whole number >= 1"), err
    assert not (root / "book" / "generated").exists()


@pytest.mark.parametrize("value", [0, -2, 1.5, True, "three", None])
def test_check_seed_sets_is_a_value_error_naming_the_option(value):
    with pytest.raises(ValueError, match="--seed-sets must be a whole number >= 1"):
        seed_sets.check_seed_sets(value)
    assert seed_sets.check_seed_sets(1) == 1 and seed_sets.check_seed_sets(3) == 3


@pytest.mark.parametrize(
    "profile, message",
    [
        ('"hsr run":\n  seed_sets: 0\n', "profile bad: seed_sets must be a whole number >= 1"),
        ('"hsr run":\n  seed_sets: two\n', "profile bad: seed_sets must be a whole number >= 1"),
        ('"hsr run":\n  jobs: 2\n', "profile bad: entry 'hsr run' sets jobs; it holds settings"),
    ],
)
def test_bad_profile_settings_refused(root, capsys, monkeypatch, profile, message):
    monkeypatch.setattr(run_mod, "run_batch", lambda *a, **k: pytest.fail("batch"))
    (root / "notebooks" / "profiles" / "bad.yml").write_text(profile)
    rc, _, err = run(capsys, "run", "--root", str(root), "--profile", "bad", "--dry-run")
    assert rc == 2 and err.startswith("hsr run: ") and message in err, err


# ------------------------------------------------------------------ the runner (patched)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_seed_sets_run_into_their_folders(root, fake, batches, capsys, tmp_path, jobs):
    cache = tmp_path / "cache"
    argv = ["run", "--root", str(root), "--profile", "smoke", "--seed-sets", "3"]
    rc, out, err = run(capsys, *argv, "--jobs", jobs, "--cache-dir", str(cache))
    assert rc == 0, err
    gen = root / "book" / "generated"
    # the main runs are unchanged: every notebook once, on the book's seeds
    assert sorted(c["name"] for c in fake.calls) == sorted(
        ["calibration", "hsr-fig09", "hsr-fig10", "ws-fig02", "ws-fig10"]
    )
    assert all("seed_set" not in (c["parameters"] or {}) for c in fake.calls)
    # one batch per fresh set, holding the notebooks with a seed_set parameter
    assert [c["set"] for c in sorted(batches.calls, key=lambda c: c["set"])] == [1, 2]
    for call in batches.calls:
        k = call["set"]
        assert sorted(call["names"]) == ["hsr-fig09", "ws-fig02"]
        assert call["parameters"] == {n: {"n": 1, "seed_set": k} for n in call["names"]}
        env = call["env"]
        assert env["HSR_CLAIMS_DIR"] == str(gen / "claims" / "seed-sets" / str(k))
        assert env["HSR_FIGURE_DIR"] == str(gen / "seed-sets" / str(k) / "figures")
        assert env["HSR_DATA_DIR"] == str(gen / "seed-sets" / str(k) / "data")
        assert env["HSR_CACHE_DIR"] == str(cache)  # the run's cache: new seeds, new entries
        assert env["HSR_SKIP_FIGURES"] == "1" and env["MPLBACKEND"] == "Agg"
    lines = out.splitlines()
    assert sum("seed set" in line and "(2 notebooks) ... ok (" in line for line in lines) == 2
    assert lines[-1].startswith("hsr run: 5 notebooks ok (and 4 runs on 2 fresh seed sets)")
    log = json.loads((gen / "run-log.json").read_text())
    assert log["last_run"]["seed_sets"] == 3
    assert log["seed_sets"]["sets"] == 3
    assert sorted(log["seed_sets"]["runs"]) == ["1", "2"]
    assert log["seed_sets"]["runs"]["2"]["ws-fig02"] == {
        "seconds": 0.5,
        "ok": True,
        "problem": None,
        "parameters": {"n": 1, "seed_set": 2},
    }
    # the notebooks that record rows without a seed_set parameter are named, with the reason
    assert log["seed_sets"]["not_seeded"] == {}
    # the main notebooks' entries stay as they were
    assert sorted(log["notebooks"]) == sorted(c["name"] for c in fake.calls)


def test_the_profile_sets_the_default_and_the_option_beats_it(root, fake, batches, capsys):
    (root / "notebooks" / "profiles" / "p.yml").write_text('"hsr run":\n  seed_sets: 2\n')
    rc, out, err = run(capsys, "run", "--root", str(root), "--profile", "p", "ws-*")
    assert rc == 0, err
    assert [(c["set"], c["names"]) for c in batches.calls] == [(1, ["ws-fig02"])]
    batches.calls.clear()
    rc, *_ = run(capsys, "run", "--root", str(root), "--profile", "p", "--seed-sets", "1")
    assert rc == 0 and batches.calls == []
    # the dry run lists the sets
    rc, out, _ = run(capsys, "run", "--root", str(root), "--profile", "p", "--dry-run")
    assert rc == 0 and "seed set 1: ws-fig02, hsr-fig09 (each with seed_set=1)" in out
    # -p seed_set: the notebooks themselves run on that set, no fresh set beside
    rc, out, _ = run(capsys, "run", "--root", str(root), "--profile", "p", "-p", "seed_set", "2")
    assert rc == 0 and batches.calls == []
    assert "-p seed_set given: no fresh seed sets beside" in out
    last = {c["name"]: c["parameters"] for c in fake.calls[-5:]}
    assert last["ws-fig02"] == last["hsr-fig09"] == {"seed_set": 2} and last["ws-fig10"] == {}
    # without the profile's setting: one set, the book's
    rc, *_ = run(capsys, "run", "--root", str(root), "--profile", "smoke")
    assert rc == 0 and batches.calls == []


def test_a_run_removes_the_notebooks_stale_rows_of_every_set(root, fake, batches, capsys):
    base = root / "book" / "generated" / "claims" / "seed-sets"
    for k in ("1", "5"):
        (base / k).mkdir(parents=True)
        for n in ("ws-fig02", "hsr-fig09"):
            (base / k / f"{n}.json").write_text("[]")
    rc, *_ = run(capsys, "run", "--root", str(root), "ws-*", "--seed-sets", "1")
    assert rc == 0
    assert sorted(p.relative_to(base).as_posix() for p in base.rglob("*.json")) == [
        "1/hsr-fig09.json",
        "5/hsr-fig09.json",
    ]


def test_a_failure_on_a_fresh_set_stops_or_keeps_going(root, fake, monkeypatch, capsys):
    monkeypatch.setattr(run_mod, "run_batch", FakeBatches(fail={"hsr-fig09"}))
    rc, out, err = run(capsys, "run", "--root", str(root), "--seed-sets", "2", "--keep-going")
    assert rc == 1
    assert "hsr run: notebook hsr-fig09 failed on seed set 1 in cell 3 (ValueError: bad)" in err
    assert "1 of 7 notebooks (the runs of the fresh seed sets included) failed" in err
    log = json.loads((root / "book" / "generated" / "run-log.json").read_text())
    assert log["seed_sets"]["runs"]["1"]["hsr-fig09"]["ok"] is False
    assert log["last_run"]["failed"] == ["hsr-fig09 (seed set 1)"]


def test_merge_order_puts_the_batches_among_the_notebooks(tmp_path):
    b1 = seed_sets.SeedSetBatch(1, ["ws-fig02"], {}, {}, estimate=None)
    b2 = seed_sets.SeedSetBatch(2, ["ws-fig02"], {}, {}, estimate=None)
    order = ["robustness", "calibration", "ws-fig02", "hsr-fig09"]
    items = {n: n for n in order}
    log = tmp_path / "run-log.json"
    # no log: after the pages that are not figures, before the figures
    assert seed_sets.merge_order(order, [b1, b2], log, items) == [
        "robustness",
        "calibration",
        b1,
        b2,
        "ws-fig02",
        "hsr-fig09",
    ]
    # a log with every time: slowest first
    log.write_text(
        json.dumps(
            {
                "notebooks": {
                    "robustness": {"seconds": 70},
                    "calibration": {"seconds": 10},
                    "ws-fig02": {"seconds": 3},
                    "hsr-fig09": {"seconds": 4},
                }
            }
        )
    )
    b1.estimate, b2.estimate = 30.0, 80.0
    assert seed_sets.merge_order(order, [b1, b2], log, items) == [
        b2,
        "robustness",
        b1,
        "calibration",
        "hsr-fig09",
        "ws-fig02",
    ]


def test_batches_hold_the_seeded_notebooks_and_their_logged_seconds(root, tmp_path):
    nbs = [
        load_notebook(root / "notebooks" / f"{n}.ipynb")
        for n in ("ws-fig02", "hsr-fig09", "ws-fig10")
    ]
    params = {nb.name: {"n": 2} for nb in nbs}
    log = tmp_path / "log.json"
    log.write_text(
        json.dumps(
            {
                "seed_sets": {
                    "runs": {"1": {"ws-fig02": {"seconds": 1.0}, "hsr-fig09": {"seconds": 9.0}}}
                }
            }
        )
    )
    b = seed_sets.seed_set_batches(nbs, params, 3, log)
    assert [x.seed_set for x in b] == [1, 2]
    assert b[0].names == ["ws-fig02", "hsr-fig09"] and b[0].estimate == 10.0
    assert b[1].names == ["ws-fig02", "hsr-fig09"] and b[1].estimate is None  # not logged
    assert b[1].parameters["hsr-fig09"] == {"n": 2, "seed_set": 2}
    assert seed_sets.seed_set_batches(nbs, params, 1, log) == []


# ------------------------------------------------------------------ the real worker


def test_the_worker_runs_each_set_in_one_process(root, fake, capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)
    cache = tmp_path / "cache"
    argv = ["run", "--root", str(root), "ws-fig02", "hsr-fig09", "--seed-sets", "3"]
    rc, out, err = run(capsys, *argv, "--jobs", "2", "--cache-dir", str(cache))
    assert rc == 0, err
    gen = root / "book" / "generated"
    for k in (1, 2):
        folder = gen / "seed-sets" / str(k)
        for name in ("ws-fig02", "hsr-fig09"):
            (seen,) = json.loads(
                (gen / "claims" / "seed-sets" / str(k) / f"{name}.json").read_text()
            )
            assert seen == {
                "HSR_FIGURE_DIR": str(folder / "figures"),
                "HSR_CLAIMS_DIR": str(gen / "claims" / "seed-sets" / str(k)),
                "HSR_DATA_DIR": str(folder / "data"),
                "HSR_CACHE_DIR": str(cache),
                "HSR_SKIP_FIGURES": "1",
                "MPLBACKEND": "Agg",
                "OPENBLAS_NUM_THREADS": "1",
                "cwd": str(root / "notebooks"),
                "n": 3,
                "seed_set": k,
                "png": str(folder / "figures" / f"{name}.png"),
                "png_written": False,
            }
            text = (folder / f"{name}.ipynb").read_text()
            assert f"done {k}" in text and "seed_set = " + str(k) in text
        assert not list(folder.rglob("*.png")) and not list(folder.rglob("*.pdf"))
        assert not list(folder.glob(".*"))  # the batch's spec and result files are gone
    log = json.loads((gen / "run-log.json").read_text())
    assert all(e["ok"] for r in log["seed_sets"]["runs"].values() for e in r.values())


def test_the_worker_reports_a_failing_cell(root, fake, capsys, tmp_path):
    argv = ["run", "--root", str(root), "ws-fig02", "--seed-sets", "2", "-p", "flag", "true"]
    rc, out, err = run(capsys, *argv, "--cache-dir", str(tmp_path / "c"))
    assert rc == 1
    # parameters cell [1], injected parameters [2], the failing cell [3]: as papermill counts
    assert "hsr run: notebook ws-fig02 failed on seed set 1 in cell 3 (ValueError: boom" in err
    folder = root / "book" / "generated" / "seed-sets" / "1"
    assert (folder / "ws-fig02.failed.ipynb").is_file()
    assert not (folder / "ws-fig02.ipynb").exists()
    assert not (
        root / "book" / "generated" / "claims" / "seed-sets" / "1" / "ws-fig02.json"
    ).exists()


# ------------------------------------------------------------------ the project's notebooks


def test_every_notebook_that_records_rows_runs_on_the_fresh_sets_or_says_why():
    recording = set()
    for path in sorted((PROJECT / "notebooks").glob("*.ipynb")):
        if "record_claims" in path.read_text():
            recording.add(path.stem)
    for name in sorted(recording):
        nb = load_notebook(PROJECT / "notebooks" / f"{name}.ipynb")
        if name in seed_sets.NOT_SEEDED:
            assert not seed_sets.seeded(nb), f"{name} has seed_set but is listed as not seeded"
        else:
            assert seed_sets.seeded(nb), f"{name} records rows: give it a seed_set parameter"
            assert nb.params["seed_set"] == 0
    assert set(seed_sets.NOT_SEEDED) <= recording


def test_save_figure_writes_nothing_on_a_fresh_set(tmp_path, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from hsr.book import plotting

    fig, ax = plt.subplots()
    ax.plot([0, 1])
    monkeypatch.setenv("HSR_SKIP_FIGURES", "1")
    png, pdf = plotting.save_figure(fig, "x", tmp_path)
    assert (png, pdf) == (tmp_path / "x.png", tmp_path / "x.pdf")
    assert not png.exists() and not pdf.exists()
    monkeypatch.setenv("HSR_SKIP_FIGURES", "0")
    png, pdf = plotting.save_figure(fig, "x", tmp_path)
    assert png.stat().st_size > 0 and pdf.stat().st_size > 0
    plt.close(fig)


def test_the_provenance_page_lists_the_seed_set_runs(root, fake, batches, capsys):
    from hsr.book import pages

    gen = root / "book" / "generated"
    rc, *_ = run(capsys, "run", "--root", str(root), "--seed-sets", "2")
    assert rc == 0
    log = json.loads((gen / "run-log.json").read_text())
    log["seed_sets"]["not_seeded"] = {"ws-fig13": "deterministic"}
    text = pages.write_provenance(gen, log).read_text()
    assert "## The fresh seed sets" in text and "`hsr run --seed-sets 2`" in text
    assert "* not run on the fresh sets: ws-fig13 (deterministic)" in text
    assert "| 1 | ws-fig02 | 0.5 | ? | yes |  |" in text
    assert "| **1** | **all 2** | **1.0** | **0.0** | | |" in text
    # no fresh set: no section
    del log["seed_sets"]
    assert "fresh seed sets" not in pages.write_provenance(gen, log).read_text()
    assert seed_sets.seed_set_times({}) == []
