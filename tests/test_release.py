"""What a research package carries beside its code, checked offline: the lock
(constraints.txt, which `make` installs and `make lock` refreshes), environment.yml, LICENSE,
CITATION.cff (against the CFF 1.2.0 schema) and the GitHub Pages workflow (against the GitHub
workflow schema). Both schemas are the ones check-jsonschema vendors; no test here may touch
the network, and the schema checks run with every socket refused to prove it."""

from __future__ import annotations

import re
import shutil
import socket
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "constraints.txt"
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
# the venv's installer tools: what `python -m venv` brings, constrained by the venv, not the lock
INSTALLER = {"pip", "setuptools", "wheel"}
# the first lines of the three papers' texts (shared/papers/*.txt), verbatim
PAPER_TITLES = (
    "Wolkowicz-Styan Upper Bound on the Hessian Eigenspectrum for Cross-Entropy Loss in "
    "Nonlinear Smooth Neural Networks",
    "Closed-Form Steepest Descent Direction toward Flat Minima: Reducing Upper Bounds on the "
    "Loss Hessian Eigenspectrum in Neural Networks",
    "Unraveling the Hessian: A Key to Smooth Convergence in Loss Function Landscapes",
)


# ----- the lock ---------------------------------------------------------------------------------
def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, version = line.partition("==")
        assert sep and version and not re.search(r"[;@ ]", line), f"not an exact pin: {line!r}"
        key = canonicalize_name(name)
        assert key not in pins, f"pinned twice: {name}"
        pins[key] = version
    return pins


def _declared() -> list[Requirement]:
    """Every requirement pyproject.toml declares: the core and every extra (hsr's own
    self-references such as ``hsr[fast]`` left out)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra]
    return [r for r in reqs if canonicalize_name(r.name) != "hsr"]


def _applies(req: Requirement, extras) -> bool:
    if req.marker is None:
        return True
    return any(req.marker.evaluate({"extra": e}) for e in {"", *extras})


def _closure() -> tuple[set[str], set[str]]:
    """Names of the distributions ``.[test]`` pulls in this environment (``test`` includes
    ``book``): pyproject.toml's requirements, then each installed distribution's own
    requirements whose markers hold here, transitively. Returns (installed, missing)."""
    seen, missing = set(), set()
    stack = [(r, ()) for r in _declared()]
    while stack:
        req, _ = stack.pop()
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            missing.add(key[0])
            continue
        for r in dist.requires or []:
            sub = Requirement(r)
            if _applies(sub, req.extras):
                stack.append((sub, ()))
    return {k[0] for k in seen} - missing, missing


def test_constraints_pin_every_dependency_pyproject_declares():
    """A package added to an extra (say mlxtend to ``book``) without `make lock` fails here;
    so does a pin outside the range pyproject.toml allows."""
    pins = _pins()
    for req in _declared():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not in constraints.txt: run `make lock KEEP=1`"
        assert req.specifier.contains(Version(pins[name]), prereleases=True), (str(req), pins[name])


def test_constraints_hold_no_installer_tools_and_not_hsr():
    pins = _pins()
    assert not (INSTALLER | {"hsr"}) & set(pins), "environment-specific lines in the lock"
    assert len(pins) >= 100


def test_environment_is_the_lock():
    """The suite runs on the locked versions: every distribution that ``.[test]`` pulls here is
    installed and pinned, at the pinned version. Fails in a venv installed before the lock
    changed (`make test` reinstalls when constraints.txt changes) or when a new dependency of
    a dependency was never locked."""
    pins = _pins()
    installed, missing = _closure()
    assert not missing, f"required but not installed: {sorted(missing)}; run `make test`"
    unpinned = installed - INSTALLER - set(pins)
    assert not unpinned, f"not in constraints.txt: {sorted(unpinned)}; run `make lock KEEP=1`"
    wrong = {
        n: (metadata.version(n), pins[n])
        for n in installed - INSTALLER
        if metadata.version(n) != pins[n]
    }
    assert not wrong, f"installed != pinned: {wrong}"


def test_pins_are_mutually_consistent():
    """Each installed pinned distribution's requirements (in this environment) accept the
    other pins, e.g. numba's numpy range contains the pinned numpy."""
    pins = _pins()
    installed, _ = _closure()
    checked = 0
    for name in sorted(installed & set(pins)):
        for r in metadata.distribution(name).requires or []:
            req = Requirement(r)
            dep = canonicalize_name(req.name)
            if dep in pins and _applies(req, ()):
                assert req.specifier.contains(Version(pins[dep]), prereleases=True), (
                    f"{name}=={pins[name]} requires {req}, the lock pins {dep}=={pins[dep]}"
                )
                checked += 1
    assert checked > 100
    numba_numpy = [
        Requirement(r) for r in metadata.distribution("numba").requires if r.startswith("numpy")
    ]
    assert numba_numpy and numba_numpy[0].specifier.contains(Version(pins["numpy"]))


def test_makefile_installs_with_the_constraints():
    makefile = (ROOT / "Makefile").read_text()
    installs = re.findall(r"^\t\$\(PY\) -m pip install .*-e .*$", makefile, flags=re.M)
    assert len(installs) >= 2
    for line in installs:
        assert "-c $(CONSTRAINTS)" in line, line
    assert re.search(r"^CONSTRAINTS\s*:?=\s*constraints\.txt$", makefile, flags=re.M)
    assert re.search(r"^lock:", makefile, flags=re.M)


def test_environment_yml_says_the_same():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    deps = env["dependencies"]
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    assert "-c constraints.txt" in pip and "-e .[test]" in pip
    conda = [d for d in deps if isinstance(d, str)]
    # nothing conda installs may shadow a pinned package: only the interpreter and tools
    assert {re.split(r"[=<> ]", d)[0] for d in conda} <= {"python", "pip", "nodejs"}
    locked_with = re.search(r"with Python (\d+\.\d+)\.", CONSTRAINTS.read_text()).group(1)
    assert f"python={locked_with}" in conda


# ----- LICENSE and CITATION.cff -----------------------------------------------------------------
def test_license_is_the_mit_license_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License") and "Permission is hereby granted, free of charge" in text


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to open a connection or resolve a name raises."""

    def refuse(*args, **kwargs):
        raise OSError("network access attempted in an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def _check_jsonschema(builtin: str, *files: Path) -> int:
    """check-jsonschema with one of its vendored schemas; its exit code (0: all valid)."""
    from check_jsonschema import main

    with pytest.raises(SystemExit) as exc:
        main(["--builtin-schema", builtin, *map(str, files)])
    return exc.value.code


def test_citation_cff_is_valid_cff_1_2_0(no_network, capsys):
    assert _check_jsonschema("vendor.citation-file-format", ROOT / "CITATION.cff") == 0, (
        capsys.readouterr().out
    )


def test_citation_cff_cites_the_three_papers():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["license"] == "MIT"
    # the one version source: src/hsr/_version.py (pyproject.toml reads it)
    from hsr._version import __version__

    assert cff["version"] == __version__
    cited = {i["value"] for ref in cff["references"] for i in ref.get("identifiers", [])}
    assert {"arXiv:2604.10202", "arXiv:2606.28662", "arXiv:2409.11995"} <= cited
    titles = {" ".join(ref["title"].split()) for ref in cff["references"]}
    assert titles >= set(PAPER_TITLES)


def test_invalid_citation_cff_fails(no_network, tmp_path, capsys):
    """The schema check can fail: a CFF file without its required authors."""
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    del cff["authors"]
    bad = tmp_path / "CITATION.cff"
    bad.write_text(yaml.safe_dump(cff))
    assert _check_jsonschema("vendor.citation-file-format", bad) == 1
    assert "authors" in capsys.readouterr().out


# ----- the publishing workflow ------------------------------------------------------------------
def test_workflows_validate_against_the_github_schema(no_network, capsys):
    assert WORKFLOWS, "no .github/workflows/*.yml"
    assert _check_jsonschema("vendor.github-workflows", *WORKFLOWS) == 0, capsys.readouterr().out


def test_broken_workflow_fails_the_schema(no_network, tmp_path, capsys):
    """The same check on a copy with a misspelled key (`runs_on` for `runs-on`): it must fail,
    so the check above can."""
    src = ROOT / ".github" / "workflows" / "book.yml"
    bad = tmp_path / "book.yml"
    shutil.copy(src, bad)
    text = bad.read_text().replace("runs-on:", "runs_on:", 1)
    assert text != src.read_text()
    bad.write_text(text)
    assert _check_jsonschema("vendor.github-workflows", bad) == 1
    assert "runs_on" in capsys.readouterr().out


def test_publishing_workflow_runs_the_readme_commands_and_deploys():
    """The workflow builds what the README says, on a clean runner, deploys _build/html to
    Pages, and caches the sweeps between runs."""
    wf = yaml.safe_load((ROOT / ".github" / "workflows" / "book.yml").read_text())
    on = wf.get("on", wf.get(True))  # YAML 1.1 reads the bare key `on` as True
    assert "push" in on and wf["permissions"]["pages"] == "write"
    build = wf["jobs"]["build"]
    runs = [s.get("run", "") for s in build["steps"]]
    readme = (ROOT / "README.md").read_text()
    for command in ("make test", "make book"):
        assert command in readme and command in runs
    uses = {s.get("uses", "").split("@")[0]: s for s in build["steps"]}
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "_build/html"
    caches = [s["with"]["path"] for s in build["steps"] if "actions/cache" in s.get("uses", "")]
    assert "~/.cache/hsr" in caches  # hsr.sweeps.default_cache_dir() without HSR_CACHE_DIR
    deploy = wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert any("actions/deploy-pages" in s.get("uses", "") for s in deploy["steps"])
