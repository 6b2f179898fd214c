"""The layer contract: book -> claims -> experiments -> core, never upward; the core uses only
the standard library, numpy, scipy and threadpoolctl (exactly pyproject's core dependencies);
``import hsr`` loads no plotting or notebook machinery."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from hsr._layers import ALLOWED_THIRD_PARTY, violations

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = ("matplotlib", "seaborn", "jax", "papermill", "nbformat", "myst_nb", "IPython", "numba")


def test_no_floor_imports_a_floor_above_it():
    assert violations(SRC) == []


def test_an_upward_import_is_caught(tmp_path):
    """The check is not vacuous: plant upward imports in a copy of the package."""
    shutil.copytree(SRC / "hsr", tmp_path / "hsr")
    core = tmp_path / "hsr" / "core" / "bounds.py"
    core.write_text(core.read_text() + "\nfrom ..experiments import sweeps  # planted\n")
    exp = tmp_path / "hsr" / "experiments" / "groups.py"
    exp.write_text(exp.read_text() + "\ndef f():\n    from hsr.book import plotting\n")
    claims = tmp_path / "hsr" / "claims" / "ledger.py"
    claims.write_text(claims.read_text() + "\nimport matplotlib\n")
    core2 = tmp_path / "hsr" / "core" / "model.py"
    core2.write_text(core2.read_text() + "\nimport numba\n")
    runtime = tmp_path / "hsr" / "experiments" / "runtime" / "parallel.py"
    runtime.write_text(runtime.read_text() + "\nfrom ..training import train  # planted\n")
    found = violations(tmp_path)
    assert len(found) == 5, found
    assert any("runtime/parallel.py" in p and "hsr.experiments.training" in p for p in found)
    assert any("core/bounds.py" in p and "hsr.experiments" in p for p in found)
    assert any("experiments/groups.py" in p and "hsr.book" in p for p in found)
    assert any("claims/ledger.py" in p and "matplotlib" in p for p in found)
    assert any("core/model.py" in p and "numba" in p for p in found)


def test_the_core_may_import_exactly_the_core_dependencies():
    """The core floor's third-party packages are pyproject's ``dependencies`` (what a plain
    ``pip install hsr`` brings): one that is allowed but not installed would break the core,
    one installed but not allowed is a dependency nothing may use."""
    pyproject = tomllib.loads((SRC.parent / "pyproject.toml").read_text())
    deps = pyproject["project"]["dependencies"]
    names = {re.split(r"[<>=!~ \[;]", d, maxsplit=1)[0] for d in deps}
    assert names == ALLOWED_THIRD_PARTY["core"] == {"numpy", "scipy", "threadpoolctl"}


def test_import_hsr_loads_no_heavy_machinery():
    code = (
        "import sys, json, hsr; "
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_import_hsr_leaves_scipy_stats_and_signal_for_their_first_use():
    """Every notebook kernel imports hsr: scipy.stats and scipy.signal took 0.6 of its 1.4
    CPU seconds, and most pages never call them (they load inside the functions that do)."""
    code = (
        "import sys, json, hsr; "
        "print(json.dumps([m for m in ('scipy.stats', 'scipy.signal') if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


#: the optional packages hsr uses somewhere (pyproject's extras), none loaded by ``import hsr``
OPTIONAL = {
    "numba",
    "tqdm",
    "pyyaml",
    "contourpy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbformat",
    "myst-nb",
    "jupyter-book",
    "ipykernel",
    "jax",
    "jaxlib",
    "dask",
    "distributed",
    "playwright",
    "scikit-learn",
    "mlxtend",
    "pandas",
}


def test_import_hsr_loads_no_optional_package():
    """Stronger than the list above: no distribution of an optional dependency is loaded by
    ``import hsr`` (numba, tqdm, PyYAML, ... load on first use)."""
    code = (
        "import sys, json, importlib.metadata as md, hsr; "
        "dists = md.packages_distributions(); "
        "print(json.dumps(sorted({d.lower() for m in list(sys.modules) "
        "for d in dists.get(m.split('.')[0], [])})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout))
    assert {"numpy", "scipy", "hsr"} <= loaded
    assert loaded & OPTIONAL == set()


def test_every_public_name_of_the_floors_is_flat():
    """``hsr/__init__.py`` re-exports every public name of the first three floors' packages."""
    import hsr

    floors = set(hsr.core.__all__) | set(hsr.experiments.__all__) | set(hsr.claims.__all__)
    assert floors - set(hsr.__all__) == set()
    assert all(getattr(hsr, n) is not None for n in hsr.__all__)
