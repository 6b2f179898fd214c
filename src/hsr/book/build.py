"""``hsr build``: gather the claims, write the generated pages, run Jupyter Book."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .notebooks import BUILD_LOG, CLAIMS_SPEC, RUN_LOG, UsageError, root_from
from .profiles import yaml_module
from .run import now_iso, write_json

# --------------------------------------------------------------------------- build


def prepare_book(root: Path, generated_dir: Path) -> list[Path]:
    """Everything the book needs before Jupyter Book runs: ``claims.json`` (every claim row
    the notebooks recorded, with their verdicts on the fresh seed sets, sorted as the ledger
    shows them), the ledger and provenance pages, the landing page's summary and the build's
    facts and banner (:mod:`hsr.book.summary`), the figure pages' heads and details with their
    code collapsed (:mod:`hsr.book.heads`), and the vendored MathJax. Returns the files
    written (the notebooks decorated not included)."""
    from ..claims.ledger import expected_claims
    from .heads import decorate_notebooks
    from .pages import ensure_mathjax, read_json, write_ledger, write_provenance
    from .report import gather_claims
    from .summary import BUILD_INFO, build_info, write_summary

    generated_dir = Path(generated_dir)
    generated_dir.mkdir(parents=True, exist_ok=True)
    rows = gather_claims(generated_dir / "claims")
    path = generated_dir / "claims.json"
    write_json(path, rows)
    spec = Path(root) / CLAIMS_SPEC
    expected = expected_claims(spec) if (spec / "FIGURES.md").is_file() else None
    ledger = write_ledger(generated_dir, rows, expected)
    run_log = read_json(generated_dir / RUN_LOG, {})
    build_log = read_json(generated_dir / BUILD_LOG, None)
    provenance = write_provenance(generated_dir, run_log, build_log)
    facts = build_info(root, generated_dir, run_log)
    summary = write_summary(generated_dir, rows, facts)
    decorate_notebooks(generated_dir, rows)
    ensure_mathjax(root)
    return [path, ledger, provenance, generated_dir / BUILD_INFO, summary]


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
        data = yaml_module().safe_load(config.read_text(encoding="utf-8")) or {}
        mode = (data.get("execute") or {}).get("execute_notebooks", "auto")
        if mode not in ("off", False):
            print(
                f"hsr build: warning: _config.yml sets execute.execute_notebooks to {mode!r}; "
                "papermill (hsr run) is the only executor, set it to 'off'",
                file=sys.stderr,
            )


def cmd_build(args) -> int:
    root = root_from(args.root)
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
        write_json(
            out / BUILD_LOG,
            {"seconds": round(time.perf_counter() - start, 1), "finished": now_iso()},
        )
    index = root / "_build" / "html" / "index.html"
    if rc == 0:
        print(f"hsr build: the book is at {index}")
    else:
        print(f"hsr build: jupyter-book build failed (exit status {rc})", file=sys.stderr)
    return rc
