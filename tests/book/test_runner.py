"""The ``hsr`` command: parameter parsing and type rules, profiles, refusals before any kernel
starts, runs (mostly with papermill patched, two with real tiny kernels), the run log,
``hsr list`` and ``hsr build``."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
papermill = pytest.importorskip("papermill")
pytest.importorskip("yaml")

from hsr import claims  # noqa: E402
from hsr.book import cli, report  # noqa: E402
from hsr.book import run as run_mod  # noqa: E402
from hsr.book.cli import UsageError, check_value, main, read_parameters  # noqa: E402

PARAMS = 'n = 3  # seeds\nx = 0.5\nname = "a"\nflag = False\nmean0 = [-1.0, -1.0]'
# the second cell raises on demand, else writes what the kernel sees into $HSR_FIGURE_DIR
BODY = """\
import json, os, pathlib
if flag:
    raise ValueError("boom requested")
out = pathlib.Path(os.environ["HSR_FIGURE_DIR"])
out.mkdir(parents=True, exist_ok=True)
seen = {{k: os.environ.get(k) for k in
        ("HSR_FIGURE_DIR", "HSR_CLAIMS_DIR", "HSR_DATA_DIR", "HSR_CACHE_DIR", "MPLBACKEND")}}
seen |= {{"cwd": os.getcwd(), "n": n, "x": x, "name": name, "flag": flag, "mean0": mean0}}
(out / "{nb}.json").write_text(json.dumps(seen))
"""
NAMES = ("hsr-fig10", "ws-fig02", "hsr-fig09", "ws-fig10", "calibration")


def write_notebook(
    path: Path,
    params: str | None = PARAMS,
    body: str | None = None,
    param_tags: tuple[str, ...] = ("parameters",),
) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {path.stem}: a test figure\n\nText."))
    if params is not None:
        nb.cells.append(nbformat.v4.new_code_cell(params, metadata={"tags": list(param_tags)}))
    nb.cells.append(nbformat.v4.new_code_cell(body or BODY.format(nb=path.stem)))
    nbformat.write(nb, path)


def make_root(tmp_path: Path, names=NAMES, profiles=None) -> Path:
    """A project root: _toc.yml, notebooks/<names>.ipynb, notebooks/profiles/*.yml."""
    root = tmp_path / "proj"
    (root / "notebooks" / "profiles").mkdir(parents=True)
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    for n in names:
        write_notebook(root / "notebooks" / f"{n}.ipynb")
    profiles = {"paper": "", "smoke": '"*":\n  n: 1\n'} if profiles is None else profiles
    for p, text in profiles.items():
        (root / "notebooks" / "profiles" / f"{p}.yml").write_text(text)
    return root


@pytest.fixture
def root(tmp_path):
    return make_root(tmp_path)


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if papermill is asked to execute anything."""

    def boom(*args, **kwargs):
        pytest.fail("papermill.execute_notebook was called")

    monkeypatch.setattr(papermill, "execute_notebook", boom)


class FakePapermill:
    """Stands in for papermill.execute_notebook: records each call and the environment, copies
    the input to the output, raises a PapermillExecutionError for the notebooks in ``fail``."""

    def __init__(self, fail=()):
        self.calls = []
        self.fail = set(fail)

    def __call__(self, input_path, output_path, parameters=None, **kwargs):
        name = Path(input_path).stem
        # what the kernel would get: the run's environment for this notebook
        kernel_env = {**os.environ, **kwargs["kernel_manager_class"].hsr_env}
        env = {
            k: kernel_env.get(k)
            for k in ("HSR_FIGURE_DIR", "HSR_CLAIMS_DIR", "HSR_DATA_DIR", "HSR_CACHE_DIR")
        }
        env["MPLBACKEND"] = kernel_env.get("MPLBACKEND")
        if kernel_env.get("HSR_SCHEDULER"):
            env["HSR_SCHEDULER"] = kernel_env["HSR_SCHEDULER"]
        self.calls.append({"name": name, "parameters": parameters, "env": env, **kwargs})
        Path(output_path).write_bytes(Path(input_path).read_bytes())
        if name in self.fail:
            raise papermill.PapermillExecutionError(
                cell_index=4,
                exec_count=3,
                source="x",
                ename="ValueError",
                evalue="bad",
                traceback=[],
            )


@pytest.fixture
def fake(monkeypatch):
    f = FakePapermill()
    monkeypatch.setattr(papermill, "execute_notebook", f)
    return f


def run(capsys, *argv):
    rc = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return rc, out, err


# ------------------------------------------------------------------ parameters and type rules


def test_read_parameters():
    src = (
        PARAMS + "\nlr: float = 4.0  # step\nimport numpy as np\nbad = np.zeros(3)\n"
        "t = (1, 2)\nnothing = None\nd = {'a': 1}\na, b = 1, 2\nneg = -2e-3\n"
    )
    params, comments = read_parameters(src)
    assert params == {
        "n": 3,
        "x": 0.5,
        "name": "a",
        "flag": False,
        "mean0": [-1.0, -1.0],
        "lr": 4.0,
        "t": (1, 2),
        "nothing": None,
        "d": {"a": 1},
        "neg": -2e-3,
    }
    assert comments == {"n": "seeds", "lr": "step"}
    with pytest.raises(UsageError, match="cannot parse line 1"):
        read_parameters("n = = 3")


def test_notebook_without_parameters_cell(root, no_kernel, capsys):
    write_notebook(root / "notebooks" / "ws-fig03.ipynb", params=None, body="n = 3")
    with pytest.raises(UsageError, match="ws-fig03 has no code cell tagged 'parameters'"):
        cli.load_notebook(root / "notebooks" / "ws-fig03.ipynb")
    rc, _, err = run(capsys, "run", "--root", str(root))
    assert rc == 2
    assert err == "hsr run: notebook ws-fig03 has no code cell tagged 'parameters'\n"


@pytest.mark.parametrize(
    "default, value, ok, injected",
    [
        (False, True, True, True),
        (False, 0, False, None),
        (False, "true", False, None),
        (3, 5, True, 5),
        (3, True, False, None),
        (3, 3.5, False, None),
        (3, 3.0, False, None),
        (0.5, 2, True, 2.0),
        (0.5, 0.25, True, 0.25),
        (0.5, True, False, None),
        (0.5, "0.1", False, None),
        ("a", "b", True, "b"),
        ("a", 1, False, None),
        ([-1.0, -1.0], [1, 2.5], True, [1.0, 2.5]),
        ([-1.0, -1.0], (1, 2), True, [1.0, 2.0]),
        ([-1.0, -1.0], [1, 2, 3], True, [1.0, 2.0, 3.0]),  # a grid may change length
        ([-1.0, -1.0], [], False, None),
        ([-1.0, -1.0], [1, "a"], False, None),
        ([-1.0, -1.0], [1, True], False, None),
        ([-1.0, -1.0], 1.0, False, None),
        ((1, 2), [3, 4], True, [3, 4]),
        (["a", "b"], ["c"], True, ["c"]),
        (None, "anything", True, "anything"),
        (None, [1], True, [1]),
        ({"a": 1}, {"b": 2}, True, {"b": 2}),
        ({"a": 1}, [1], False, None),
    ],
)
def test_type_rules(default, value, ok, injected):
    got_ok, got = check_value(default, value)
    assert got_ok is ok
    if ok:
        assert got == injected and type(got) is type(injected)
        if isinstance(got, list):
            assert [type(v) for v in got] == [type(v) for v in injected]


# ------------------------------------------------------------------ names, order, root


def test_natural_order_and_selection(tmp_path):
    names = ["hsr-fig15", "ws-fig13", "hsr-fig02", "ws-fig01", "extra", "ws-fig02", "calibration"]
    root = make_root(tmp_path, names=names)
    order = ["calibration", "ws-fig01", "ws-fig02", "ws-fig13", "hsr-fig02", "hsr-fig15", "extra"]
    assert cli.list_notebooks(root) == order
    assert cli.select_notebooks(order, None) == order
    assert cli.select_notebooks(order, ["hsr-fig1*", "ws-fig02.ipynb", "calibration"]) == [
        "calibration",
        "ws-fig02",
        "hsr-fig15",
    ]
    with pytest.raises(UsageError, match="unknown notebook 'ws-fig99'; available: calibration,"):
        cli.select_notebooks(order, ["ws-fig99"])
    with pytest.raises(UsageError, match="no notebook matches 'zz\\*'"):
        cli.select_notebooks(order, ["zz*"])


def test_find_root(root, monkeypatch, tmp_path):
    sub = root / "book" / "deep"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert cli.find_root() == root
    assert cli.find_root(root / "notebooks") == root
    with pytest.raises(UsageError, match="no project root"):
        cli.find_root(tmp_path)


def test_no_root_and_bad_root(tmp_path, monkeypatch, capsys, no_kernel):
    monkeypatch.chdir(tmp_path)
    rc, _, err = run(capsys, "list")
    assert rc == 2 and err.startswith("hsr list: no project root")
    rc, _, err = run(capsys, "run", "--root", str(tmp_path))
    assert rc == 2 and "has no notebooks/ directory" in err


# ------------------------------------------------------------------ refusals before any kernel


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--profile", "nope"],
            "hsr run: unknown profile 'nope'; available: paper, smoke",
        ),
        (["ws-fig99"], "hsr run: unknown notebook 'ws-fig99'; available: calibration, ws-fig02,"),
        (
            ["-p", "n_seeds", "3"],
            "hsr run: -p n_seeds: no selected notebook has a parameter 'n_seeds'",
        ),
        (
            ["hsr-fig09", "-p", "n", "3.5"],
            "hsr run: parameter 'n' of notebook hsr-fig09 expects int, got '3.5' (float)",
        ),
        (
            ["ws-fig02", "-p", "flag", "1"],
            "hsr run: parameter 'flag' of notebook ws-fig02 expects bool, got '1' (int)",
        ),
        (
            ["ws-fig02", "-p", "x", "abc"],
            "hsr run: parameter 'x' of notebook ws-fig02 expects float, got 'abc' (str)",
        ),
        (
            ["ws-fig02", "-p", "mean0", "[1, 'a']"],
            "hsr run: parameter 'mean0' of notebook ws-fig02 expects a non-empty list of "
            "numbers, got \"[1, 'a']\" (list)",
        ),
    ],
)
def test_refused_before_any_kernel(root, no_kernel, capsys, argv, message):
    rc, out, err = run(capsys, "run", "--root", str(root), *argv)
    assert rc == 2
    assert err.startswith(message), err
    assert out == ""
    assert not (root / "book" / "generated").exists()


def test_every_problem_reported_at_once(root, no_kernel, capsys):
    rc, _, err = run(capsys, "run", "--root", str(root), "ws-*", "-p", "n", "x", "-p", "flag", "2")
    assert rc == 2
    lines = err.splitlines()
    assert len(lines) == 4 and all(line.startswith("hsr run: parameter '") for line in lines)


@pytest.mark.parametrize(
    "profile, message",
    [
        (
            '"*":\n  n: 1\nws-fig02:\n  n_seeds: 5\n',
            "profile bad: entry 'ws-fig02' sets 'n_seeds', which is not a parameter of "
            "notebook ws-fig02",
        ),
        ("ws-fig2:\n  n: 5\n", "profile bad: entry 'ws-fig2' names no notebook"),
        ('"hsr-*":\n  n: 2.5\n', "parameter 'n' of notebook hsr-fig09 expects int, got '2.5'"),
        ("- n: 1\n", "profile bad: "),
        ("ws-fig02: 3\n", "profile bad: entry 'ws-fig02' must map parameter names to values"),
        ("ws-fig02: [\n", "profile bad: cannot read"),
        ('"*":\n  n: 1\n"*":\n  x: 1.0\n', "'*' appears twice"),
    ],
)
def test_bad_profiles_refused(root, no_kernel, capsys, profile, message):
    (root / "notebooks" / "profiles" / "bad.yml").write_text(profile)
    rc, _, err = run(capsys, "run", "--root", str(root), "--profile", "bad")
    assert rc == 2
    assert message in err and err.startswith("hsr run: ")


def test_exact_entry_checked_only_for_selected_notebooks(root, no_kernel, capsys):
    (root / "notebooks" / "profiles" / "p.yml").write_text("ws-fig02:\n  n_seeds: 5\n")
    rc, out, _ = run(capsys, "run", "--root", str(root), "--profile", "p", "hsr-*", "--dry-run")
    assert rc == 0 and out.startswith("hsr-fig09: (defaults)")


# ------------------------------------------------------------------ profiles and -p


def _resolve(root, profile_text, overrides=None, names=None):
    (root / "notebooks" / "profiles" / "t.yml").write_text(profile_text)
    available = cli.list_notebooks(root)
    nbs = [
        cli.load_notebook(root / "notebooks" / f"{n}.ipynb")
        for n in cli.select_notebooks(available, names)
    ]
    prof = cli.load_profile(root, "t")
    return cli.resolve_parameters(nbs, prof, overrides, available)


def test_profile_patterns_and_order(root):
    # a notebook with other parameters: "*" must skip what it lacks
    write_notebook(root / "notebooks" / "ws-fig05.ipynb", params="n_seeds = 10\nx = 1.0")
    text = (
        '"*":\n  n: 1\n  x: 0.1\n  not_anywhere: 3\n'
        '"ws-*":\n  x: 0.2\n  name: ws\n'
        "ws-fig02:\n  x: 0.3\n"
        '"?*":\n  mean0: [0, 1]\n'
        "hsr-fig09:\n  n: 9\n"
        '"hsr-*":\n  n: 8\n'
    )
    got = _resolve(root, text)
    assert got["ws-fig02"] == {"n": 1, "x": 0.3, "name": "ws", "mean0": [0.0, 1.0]}
    assert got["ws-fig10"] == {"n": 1, "x": 0.2, "name": "ws", "mean0": [0.0, 1.0]}
    assert got["ws-fig05"] == {"x": 0.2}
    assert got["hsr-fig09"] == {"n": 8, "x": 0.1, "mean0": [0.0, 1.0]}  # later entry wins
    assert got["calibration"] == {"n": 1, "x": 0.1, "mean0": [0.0, 1.0]}
    assert type(got["ws-fig02"]["mean0"][0]) is float


def test_empty_profile_and_lenient_numbers(root):
    assert _resolve(root, "") == {n: {} for n in cli.list_notebooks(root)}
    # PyYAML reads 1e-3 as a string; a float parameter takes it as the number
    got = _resolve(root, '"*":\n  x: 1e-3\n', overrides=[("x", "2E-2")])
    assert all(v == {"x": 0.02} for v in got.values())


def test_cli_overrides(root, tmp_path):
    write_notebook(root / "notebooks" / "ws-fig05.ipynb", params="n_seeds = 10\nx = 1.0")
    got = _resolve(
        root,
        '"*":\n  n: 1\nws-fig02:\n  n: 2\n',
        overrides=[("n", "5"), ("n", "6"), ("name", "7"), ("n_seeds", "20"), ("mean0", "[1, 2]")],
    )
    assert got["ws-fig02"] == {"n": 6, "name": "7", "mean0": [1.0, 2.0]}  # last -p wins
    assert got["ws-fig05"] == {"n_seeds": 20}
    # n_seeds exists in one of the selected notebooks only: fine for it, an error for others
    with pytest.raises(UsageError, match="-p n_seeds: no selected notebook has"):
        _resolve(root, "", overrides=[("n_seeds", "20")], names=["ws-fig02"])


def test_dry_run_shows_parameters(root, no_kernel, capsys):
    rc, out, _ = run(
        capsys,
        "run",
        "--root",
        str(root),
        "--profile",
        "smoke",
        "ws-fig02",
        "-p",
        "name",
        "b c",
        "--dry-run",
    )
    assert rc == 0
    assert out == "ws-fig02: n=1, name='b c'\n"


# ------------------------------------------------------------------ runs (papermill patched)


def test_run_with_fake_papermill(root, fake, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("HSR_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "xdg"))
    rc, out, err = run(capsys, "run", "--root", str(root), "--profile", "smoke", "ws-*")
    assert rc == 0, err
    gen = root / "book" / "generated"
    lines = out.splitlines()
    assert lines[0].startswith("[1/2] ws-fig02 ... ok (") and lines[0].endswith(" s)")
    assert lines[1].startswith("[2/2] ws-fig10 ... ok (")
    assert [c["name"] for c in fake.calls] == ["ws-fig02", "ws-fig10"]
    call = fake.calls[0]
    assert call["parameters"] == {"n": 1}
    assert call["kernel_name"] == "python3"
    assert call["cwd"] == str(root / "notebooks")
    assert call["progress_bar"] is False and call["log_output"] is False
    assert call["request_save_on_cell_execute"] is False
    # the notebook writes into its own staging folder; its outputs move into place together
    stage = gen / ".hsr-staging" / f"{os.getpid()}-ws-fig02"
    assert call["env"] == {
        "HSR_FIGURE_DIR": str(stage / "figures"),
        "HSR_CLAIMS_DIR": str(stage / "claims"),
        "HSR_DATA_DIR": str(stage / "data"),
        # the default of a plain papermill run too (one paths contract)
        "HSR_CACHE_DIR": str(root / "xdg" / "hsr"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    assert "HSR_FIGURE_DIR" not in os.environ  # restored after the run
    assert sorted(p.name for p in gen.iterdir()) == [
        "claims",
        "data",
        "figures",
        "run-log.json",
        "ws-fig02.ipynb",
        "ws-fig10.ipynb",
    ]

    # the cache directory: an existing $HSR_CACHE_DIR is kept, --cache-dir beats it
    monkeypatch.setenv("HSR_CACHE_DIR", str(tmp_path / "envcache"))
    assert main(["run", "--root", str(root), "ws-fig02", "--output", str(tmp_path / "o")]) == 0
    assert fake.calls[-1]["env"]["HSR_CACHE_DIR"] == str(tmp_path / "envcache")
    assert fake.calls[-1]["env"]["HSR_FIGURE_DIR"] == str(
        tmp_path / "o" / ".hsr-staging" / f"{os.getpid()}-ws-fig02" / "figures"
    )
    assert (tmp_path / "o" / "ws-fig02.ipynb").is_file()
    argv = ["run", "--root", str(root), "ws-fig02", "--cache-dir", str(tmp_path / "c")]
    assert main(argv) == 0
    assert fake.calls[-1]["env"]["HSR_CACHE_DIR"] == str(tmp_path / "c")


def _with_injected_cell(path: Path, tags=("injected-parameters",)) -> None:
    """Add a cell after the parameters cell as papermill does."""
    nb = nbformat.read(path, as_version=4)
    i = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(i + 1, nbformat.v4.new_code_cell("n = 1\n", metadata={"tags": list(tags)}))
    nbformat.write(nb, path)


@pytest.mark.parametrize(
    ("param_tags", "injected_tags", "expected"),
    [
        # collapsed parameters: papermill's cell collapsed too
        (("parameters", "hide-input"), ("injected-parameters",), ["hide-input"]),
        # several display tags, other tags left alone, none added twice
        (
            ("parameters", "remove-output", "foo", "hide-input"),
            ("injected-parameters", "hide-input"),
            ["remove-output"],
        ),
        # a parameters cell shown in full: papermill's cell too
        (("parameters",), ("injected-parameters",), []),
    ],
)
def test_tag_injected_parameters(tmp_path, param_tags, injected_tags, expected):
    path = tmp_path / "nb.ipynb"
    write_notebook(path, param_tags=param_tags)
    _with_injected_cell(path, injected_tags)
    before = path.read_bytes()
    assert run_mod.tag_injected_parameters(path) == expected
    nb = nbformat.read(path, as_version=4)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[1] == list(param_tags)  # the parameters cell is unchanged
    assert tags[2] == list(injected_tags) + expected
    assert (path.read_bytes() == before) == (not expected)  # rewritten only when tagged
    assert run_mod.tag_injected_parameters(path) == []  # a second pass adds nothing


def test_tag_injected_parameters_without_either_cell(tmp_path):
    path = tmp_path / "nb.ipynb"
    write_notebook(path, param_tags=("parameters", "hide-input"))  # nothing injected
    before = path.read_bytes()
    assert run_mod.tag_injected_parameters(path) == [] and path.read_bytes() == before
    write_notebook(path, params=None)
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(
        1, nbformat.v4.new_code_cell("n = 1", metadata={"tags": ["injected-parameters"]})
    )
    nbformat.write(nb, path)
    assert run_mod.tag_injected_parameters(path) == []  # no parameters cell to copy from


def test_run_tags_the_injected_cell_of_finished_notebooks_only(root, monkeypatch, capsys):
    """With a fake papermill that injects a cell as papermill does: the finished notebook's
    injected cell carries the parameters cell's display tags; a failed one is left as run."""
    for name in ("ws-fig02", "ws-fig10"):
        write_notebook(
            root / "notebooks" / f"{name}.ipynb", param_tags=("parameters", "hide-input")
        )

    class Injecting(FakePapermill):
        def __call__(self, input_path, output_path, parameters=None, **kwargs):
            try:
                super().__call__(input_path, output_path, parameters, **kwargs)
            finally:
                _with_injected_cell(Path(output_path))

    monkeypatch.setattr(papermill, "execute_notebook", Injecting(fail={"ws-fig10"}))
    rc, out, err = run(capsys, "run", "--root", str(root), "--keep-going", "ws-*")
    assert rc == 1
    gen = root / "book" / "generated"

    def injected_tags(path):
        nb = nbformat.read(path, as_version=4)
        return [
            c.metadata["tags"]
            for c in nb.cells
            if "injected-parameters" in c.metadata.get("tags", [])
        ]

    assert injected_tags(gen / "ws-fig02.ipynb") == [["injected-parameters", "hide-input"]]
    assert injected_tags(gen / "ws-fig10.failed.ipynb") == [["injected-parameters"]]


def test_run_log_is_merged(root, fake, capsys):
    assert main(["run", "--root", str(root), "--profile", "smoke", "ws-fig02"]) == 0
    assert main(["run", "--root", str(root), "hsr-fig09", "-p", "x", "2"]) == 0
    capsys.readouterr()
    log = json.loads((root / "book" / "generated" / "run-log.json").read_text())
    assert set(log) == {"environment", "last_run", "notebooks"}
    assert list(log["notebooks"]) == ["ws-fig02", "hsr-fig09"]
    ws, hsr_ = log["notebooks"]["ws-fig02"], log["notebooks"]["hsr-fig09"]
    assert ws["profile"] == "smoke" and ws["parameters"] == {"n": 1} and ws["ok"] is True
    assert hsr_["profile"] == "paper" and hsr_["parameters"] == {"x": 2.0}
    for entry in (ws, hsr_):
        assert set(entry) == {"profile", "parameters", "seconds", "ok", "finished"}
        assert entry["seconds"] >= 0 and "T" in entry["finished"]
    assert log["last_run"]["profile"] == "paper"
    assert log["last_run"]["names"] == ["hsr-fig09"]
    assert log["last_run"]["total_seconds"] >= 0
    env = log["environment"]
    assert set(env) >= {"python", "hsr", "numpy", "cpu_count", "platform", "git_commit"}
    assert env["git_commit"] is None  # tmp_path is not a git repository


def test_failure_stops_or_keeps_going(root, monkeypatch, capsys):
    fake = FakePapermill(fail={"ws-fig02", "hsr-fig09"})
    monkeypatch.setattr(papermill, "execute_notebook", fake)
    gen = root / "book" / "generated"
    rc, out, err = run(capsys, "run", "--root", str(root))
    assert rc == 1
    assert [c["name"] for c in fake.calls] == ["calibration", "ws-fig02"]  # stopped
    assert "[2/5] ws-fig02 ... FAILED" in out
    assert "hsr run: notebook ws-fig02 failed in cell 3 (ValueError: bad)" in err
    assert "3 not run (use --keep-going" in err
    assert (gen / "ws-fig02.failed.ipynb").is_file() and not (gen / "ws-fig02.ipynb").exists()
    assert not list(gen.glob(".*"))  # no temporary files left

    fake.calls.clear()
    rc, out, err = run(capsys, "run", "--root", str(root), "--keep-going")
    assert rc == 1
    assert len(fake.calls) == 5
    assert err.splitlines()[-1] == (
        "hsr run: 2 of 5 notebooks failed: ws-fig02 cell 3 (ValueError: bad); "
        "hsr-fig09 cell 3 (ValueError: bad)"
    )
    log = json.loads((gen / "run-log.json").read_text())
    assert {n: e["ok"] for n, e in log["notebooks"].items()} == {
        "calibration": True,
        "ws-fig02": False,
        "ws-fig10": True,
        "hsr-fig09": False,
        "hsr-fig10": True,
    }

    # a later success replaces the final notebook and removes the stale .failed copy
    fake.fail.clear()
    assert main(["run", "--root", str(root), "ws-fig02"]) == 0
    assert (gen / "ws-fig02.ipynb").is_file() and not (gen / "ws-fig02.failed.ipynb").exists()


def test_jobs_run_notebooks_side_by_side(root, monkeypatch, capsys):
    """--jobs N: every notebook runs once, with the same environment, results in place, the
    run log complete; a failure stops what has not started unless --keep-going."""
    import threading

    lock, running, most = threading.Lock(), [0], [0]
    inner = FakePapermill(fail={"hsr-fig09"})

    def slow(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            threading.Event().wait(0.3)  # long enough for a second notebook to start
            return inner(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(papermill, "execute_notebook", slow)
    gen = root / "book" / "generated"
    rc, out, err = run(capsys, "run", "--root", str(root), "--jobs", "2", "--keep-going")
    assert rc == 1 and most[0] == 2
    assert sorted(c["name"] for c in inner.calls) == sorted(
        ["calibration", "ws-fig02", "ws-fig10", "hsr-fig09", "hsr-fig10"]
    )
    assert out.splitlines()[0] == "hsr run: 5 notebooks, 2 at a time"
    assert "hsr-fig09 ... FAILED" in out and out.count(" ... ok (") == 4
    assert all(
        c["env"]["HSR_FIGURE_DIR"]
        == str(gen / ".hsr-staging" / f"{os.getpid()}-{c['name']}" / "figures")
        for c in inner.calls
    )
    log = json.loads((gen / "run-log.json").read_text())
    assert len(log["notebooks"]) == 5 and log["last_run"]["jobs"] == 2
    assert (gen / "hsr-fig09.failed.ipynb").is_file() and not list(gen.glob(".*"))
    assert "HSR_FIGURE_DIR" not in os.environ
    # without --keep-going, notebooks not yet started are not run after a failure
    # (every notebook fails, so whichever two the schedule starts first fail: the run order
    # follows the last run log's seconds, nearly equal here)
    inner.calls.clear()
    inner.fail = {"calibration", "ws-fig02", "ws-fig10", "hsr-fig09", "hsr-fig10"}
    rc, out, err = run(capsys, "run", "--root", str(root), "--jobs", "2")
    assert rc == 1 and len(inner.calls) == 2 and "not run (use --keep-going" in err
    rc, out, err = run(capsys, "run", "--root", str(root), "--jobs", "0")
    assert rc == 2 and "--jobs must be a whole number >= 1" in err


def test_other_execution_errors(root, monkeypatch, capsys):
    def dead(*args, **kwargs):
        raise RuntimeError("Kernel died\nmore")

    monkeypatch.setattr(papermill, "execute_notebook", dead)
    rc, _, err = run(capsys, "run", "--root", str(root), "ws-fig02")
    assert rc == 1
    assert "hsr run: notebook ws-fig02 failed (RuntimeError: Kernel died)" in err


# ------------------------------------------------------------------ real kernels


def test_real_execution(root, capsys, monkeypatch):
    # the parameters cell collapsed on the page, as in the book's notebooks
    write_notebook(root / "notebooks" / "ws-fig02.ipynb", param_tags=("parameters", "hide-input"))
    monkeypatch.delenv("HSR_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "xdg"))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    rc, out, err = run(
        capsys, "run", "--root", str(root), "ws-fig02", "--profile", "smoke", "-p", "x", "2"
    )
    assert rc == 0, err
    assert out.startswith("[1/1] ws-fig02 ... ok (")
    gen = root / "book" / "generated"
    # written into the notebook's staging folder, moved into place when it finished
    seen = json.loads((gen / "figures" / "ws-fig02.json").read_text())
    stage = gen / ".hsr-staging" / f"{os.getpid()}-ws-fig02"
    assert seen == {
        "HSR_FIGURE_DIR": str(stage / "figures"),
        "HSR_CLAIMS_DIR": str(stage / "claims"),
        "HSR_DATA_DIR": str(stage / "data"),
        # the default of a plain papermill run too (one paths contract)
        "HSR_CACHE_DIR": str(root / "xdg" / "hsr"),
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "cwd": str(root / "notebooks"),
        "n": 1,
        "x": 2.0,
        "name": "a",
        "flag": False,
        "mean0": [-1.0, -1.0],
    }
    nb = nbformat.read(gen / "ws-fig02.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert "n = 1" in injected[0].source and "x = 2.0" in injected[0].source
    # papermill's cell shows the profile's values the way the parameters cell is shown
    assert injected[0].metadata["tags"] == ["injected-parameters", "hide-input"]
    assert nb.cells[nb.cells.index(injected[0]) - 1].metadata["tags"] == [
        "parameters",
        "hide-input",
    ]
    assert not (gen / "ws-fig02.failed.ipynb").exists()


def test_real_failure(root, capsys):
    rc, out, err = run(capsys, "run", "--root", str(root), "ws-*", "-p", "flag", "true")
    assert rc == 1
    gen = root / "book" / "generated"
    # parameters cell [1], injected parameters [2], the failing cell [3]
    assert "hsr run: notebook ws-fig02 failed in cell 3 (ValueError: boom requested)" in err
    assert "ws-fig10" not in out  # stopped before the next notebook
    assert (gen / "ws-fig02.failed.ipynb").is_file()
    assert not (gen / "ws-fig02.ipynb").exists()
    assert not list(gen.glob(".*"))
    nb = nbformat.read(gen / "ws-fig02.failed.ipynb", as_version=4)
    assert any(o.get("ename") == "ValueError" for c in nb.cells for o in c.get("outputs", []))
    log = json.loads((gen / "run-log.json").read_text())
    assert log["notebooks"]["ws-fig02"]["ok"] is False
    assert log["notebooks"]["ws-fig02"]["parameters"] == {"flag": True}


# ------------------------------------------------------------------ list, build, help


def test_list(root, capsys, no_kernel):
    write_notebook(root / "notebooks" / "ws-fig05.ipynb", params="n_seeds = 10  # how many")
    rc, out, _ = run(capsys, "list", "--root", str(root), "ws-fig0*")
    assert rc == 0
    assert out == (
        "ws-fig02: ws-fig02: a test figure\n"
        "  n = 3                 # seeds\n"
        "  x = 0.5\n"
        "  name = 'a'\n"
        "  flag = False\n"
        "  mean0 = [-1.0, -1.0]\n"
        "ws-fig05: ws-fig05: a test figure\n"
        "  n_seeds = 10  # how many\n"
    )
    rc, out, _ = run(capsys, "list", "--root", str(root), "--profile", "smoke", "ws-fig02")
    assert rc == 0
    assert out.splitlines()[1:3] == ["  n = 3                 smoke: 1  # seeds", "  x = 0.5"]
    rc, out, _ = run(capsys, "list", "--root", str(root))
    assert [line for line in out.splitlines() if not line.startswith(" ")][0].startswith(
        "calibration"
    )
    rc, _, err = run(capsys, "list", "--root", str(root), "--profile", "nope")
    assert rc == 2 and err.startswith("hsr list: unknown profile 'nope'")


def test_list_reports_broken_notebooks(root, capsys):
    write_notebook(root / "notebooks" / "ws-fig03.ipynb", params=None, body="n = 3")
    rc, out, err = run(capsys, "list", "--root", str(root), "ws-*")
    assert rc == 2
    assert "ws-fig03\n  error: notebook ws-fig03 has no code cell tagged 'parameters'" in out
    assert "ws-fig10: " in out  # the others are still listed
    assert err == "hsr list: notebook ws-fig03 has no code cell tagged 'parameters'\n"


def _claim(i, paper="WS", figure="Fig. 2"):
    return claims.Claim(
        id=f"c{i}",
        paper=paper,
        figure=figure,
        claim="a claim",
        paper_reports="-",
        measured="x",
        test="t",
        verdict="holds",
    )


@pytest.fixture(autouse=True)
def _no_mathjax_fetch(monkeypatch):
    """prepare_book vendors MathJax with npm; these tests stub it (tests/book/test_book.py and
    tests/book/test_pages.py exercise it)."""
    import hsr.book.pages

    monkeypatch.setattr(hsr.book.pages, "ensure_mathjax", lambda root: Path(root))


def test_prepare_book(root):
    gen = root / "book" / "generated"
    report.record_claims("hsr-fig09", [_claim(1, "HSR", "Fig. 9")], outdir=gen / "claims")
    report.record_claims("ws-fig02", [_claim(2), _claim(3)], outdir=gen / "claims")
    written = cli.prepare_book(root, gen)
    assert written == [
        gen / "claims.json",
        gen / "ledger.md",
        gen / "provenance.md",
        gen / "build-info.json",
        gen / "summary.md",
    ]
    assert "1 claims" not in (gen / "ledger.md").read_text()
    assert "3 claims: {bdg-success}`holds` 3." in (gen / "ledger.md").read_text()
    assert (gen / "verdicts.png").stat().st_size > 0  # the landing page's verdict grid
    rows = json.loads((gen / "claims.json").read_text())
    assert [r["id"] for r in rows] == ["c2", "c3", "c1"]
    assert rows[0]["notebook"] == "ws-fig02"
    # no claims yet: an empty ledger
    empty = root / "empty"
    cli.prepare_book(root, empty)
    assert json.loads((empty / "claims.json").read_text()) == []


def test_build(root, monkeypatch, capsys, tmp_path):
    calls = []

    class Done:
        def __init__(self, rc):
            self.returncode = rc

    rcs = iter([0, 1])

    def fake_run(cmd, **kwargs):
        calls.append((cmd, kwargs))
        return Done(next(rcs))

    monkeypatch.setattr(subprocess, "run", fake_run)
    gen = root / "book" / "generated"
    report.record_claims("ws-fig02", [_claim(1)], outdir=gen / "claims")
    (root / "_config.yml").write_text("title: t\nexecute:\n  execute_notebooks: 'off'\n")
    rc, out, err = run(capsys, "build", "--root", str(root))
    assert rc == 0 and err == ""
    cmd, kwargs = calls[-1]
    assert Path(cmd[0]).name == "jupyter-book"
    assert cmd[1:] == ["build", str(root), "-n", "-W", "--keep-going"]
    assert kwargs["cwd"] == str(root)
    assert json.loads((gen / "claims.json").read_text())[0]["id"] == "c1"
    assert str(root / "_build" / "html" / "index.html") in out
    # the exit status is jupyter-book's; a config that executes notebooks is flagged
    (root / "_config.yml").write_text("title: t\n")
    rc, _, err = run(capsys, "build", "--root", str(root), "--output", str(tmp_path / "g"))
    assert rc == 1
    assert "execute_notebooks" in err and "jupyter-book build failed (exit status 1)" in err
    assert (tmp_path / "g" / "claims.json").is_file()


def test_jupyter_book_command():
    cmd = cli.jupyter_book_command()
    assert len(cmd) == 1 and os.access(cmd[0], os.X_OK)


@pytest.mark.parametrize("sub", ["run", "build", "list"])
def test_help(sub, capsys):
    assert main([sub, "--help"]) == 0
    out = capsys.readouterr().out
    assert f"usage: hsr {sub}" in out and "examples:" in out and "--root" in out


def test_usage_errors(capsys):
    assert main([]) == 2
    assert "usage: hsr" in capsys.readouterr().err
    assert main(["frobnicate"]) == 2
    assert main(["run", "-p", "n"]) == 2
    assert "expected 2 arguments" in capsys.readouterr().err


def test_scheduler_is_checked_and_passed_to_every_notebook(root, fake, capsys, monkeypatch):
    """``hsr run --scheduler ADDRESS``: checked against a live dask cluster before any notebook
    starts, then given to every notebook as $HSR_SCHEDULER; a dead address is refused."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        argv = ["run", "--root", str(root), "ws-fig02", "--scheduler", address]
        assert main(argv) == 0
        out = capsys.readouterr().out
    assert f"on the dask cluster at {address} (1 workers)" in out
    assert fake.calls[-1]["env"]["HSR_SCHEDULER"] == address
    n_calls = len(fake.calls)
    rc = main(["run", "--root", str(root), "ws-fig02", "--scheduler", "tcp://127.0.0.1:9"])
    assert rc == 2 and len(fake.calls) == n_calls  # refused before any notebook ran
    assert "no dask scheduler answers there" in capsys.readouterr().err


def test_start_order_puts_the_long_notebooks_first(tmp_path):
    from hsr.book.run import start_order

    names = ["calibration", "ws-fig02", "hsr-fig09", "activations", "robustness"]
    log = tmp_path / "run-log.json"
    # no log: the pages that are not figures first, each group in the given order
    assert start_order(names, log) == [
        "calibration", "activations", "robustness", "ws-fig02", "hsr-fig09",
    ]  # fmt: skip
    seconds = dict(zip(names, [20.0, 3.0, 5.0, 380.0, 160.0], strict=True))
    log.write_text(json.dumps({"notebooks": {n: {"seconds": s} for n, s in seconds.items()}}))
    assert start_order(names, log) == [
        "activations", "robustness", "calibration", "hsr-fig09", "ws-fig02",
    ]  # fmt: skip
    assert start_order(names + ["ws-fig10"], log)[:3] == [
        "calibration",
        "activations",
        "robustness",
    ]
    log.write_text("not json")
    assert start_order(names, log)[0] == "calibration"
