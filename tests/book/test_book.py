"""The book end to end: every notebook at the smoke profile into a temporary copy of the
project, the Jupyter Book build with warnings as errors, checks on the HTML, and a headless
Chromium that must render the mathematics with no other host reachable."""

from __future__ import annotations

import functools
import html as html_lib
import http.server
import json
import re
import shutil
import socketserver
import threading
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
FIGURES = (
    [f"ws-fig{i:02d}" for i in range(1, 14)]
    + [f"hsr-fig{i:02d}" for i in range(2, 16)]
    + ["ws-norm-bounds", "landscape-fig02", "landscape-theorem1", "landscape-hessian-term"]
)
#: figure pages that carry no claim of a paper: HSR Fig. 8 shows data only; the Hessian-term
#: page checks the landscape paper's proof steps (Lemmas 1-2), which the paper states as steps
NO_CLAIM = {"hsr-fig08", "landscape-hessian-term"}
ARTIFACTS = ROOT / "test-artifacts"


# ----- the notebooks as committed --------------------------------------------------------------
def test_every_figure_has_a_notebook_in_the_toc():
    names = {p.stem for p in NOTEBOOKS}
    assert set(FIGURES) <= names, sorted(set(FIGURES) - names)
    toc = (ROOT / "_toc.yml").read_text()
    for name in FIGURES:
        assert f"book/generated/{name}\n" in toc, name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_committed_clean_with_parameters_cell(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and "parameters" in code[0].metadata.get("tags", []), "first code cell tag"
    for c in code:
        assert not c.outputs and c.execution_count is None, "outputs must be stripped"
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


# ----- the pipeline at the smoke profile --------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Copy the book's sources, run every notebook (smoke), build with -n -W --keep-going."""
    from hsr.book.cli import main

    root = tmp_path_factory.mktemp("book")
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    ignore = shutil.ignore_patterns("generated", "_vendor")
    shutil.copytree(ROOT / "book", root / "book", ignore=ignore)
    if (ROOT / "book" / "_vendor").exists():  # saves fetching MathJax again
        shutil.copytree(ROOT / "book" / "_vendor", root / "book" / "_vendor")
    assert main(["run", "--root", str(root), "--profile", "smoke", "--jobs", "2"]) == 0
    assert main(["build", "--root", str(root)]) == 0
    return root


def _html(root: Path, page: str) -> str:
    return (root / "_build" / "html" / f"{page}.html").read_text()


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_page_has_its_image_and_verdict(built, name):
    html = _html(built, f"book/generated/{name}")
    assert re.search(r"<img[^>]+src=\"[^\"]+\.png\"", html), "no figure image"
    if name not in NO_CLAIM:
        assert re.search(r"holds|partly|does not hold|not tested at this scale", html), "no verdict"
    for ext in ("png", "pdf"):
        assert (built / "book" / "generated" / "figures" / f"{name}.{ext}").stat().st_size > 0


def _glued(nb_path: Path) -> dict:
    nb = nbformat.read(nb_path, as_version=4)
    out = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            key = o.get("metadata", {}).get("scrapbook", {}).get("name")
            plain = [v for k, v in o.get("data", {}).items() if k.endswith("text/plain")]
            if key and plain:
                out[key] = plain[0].strip("'\"")
    return out


def test_glued_numbers_are_in_the_pages(built):
    """Every value a page cites with {glue:text} is in its HTML, as the notebook glued it."""
    checked = 0
    for nb_path in sorted((built / "book" / "generated").glob("*.ipynb")):
        cited = set()
        for cell in nbformat.read(nb_path, as_version=4).cells:
            if cell.cell_type == "markdown":
                cited |= set(re.findall(r"\{glue:text\}`([^`]+)`", cell.source))
        glued = _glued(nb_path)
        html = _html(built, f"book/generated/{nb_path.stem}")
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", html))
        # Sphinx's smartquotes turns ' and " into typographic quotes when it renders text
        text = text.translate(
            str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
        )
        for key in cited:
            assert key in glued, f"{nb_path.stem}: {key} cited but never glued"
            assert glued[key].replace("&", "&amp;") in text or glued[key] in text, (
                nb_path.stem,
                key,
                glued[key],
            )
            checked += 1
    assert checked > 0


def test_claims_gathered(built):
    rows = json.loads((built / "book" / "generated" / "claims.json").read_text())
    from hsr.claims import VERDICTS

    assert rows and all(r["verdict"] in VERDICTS for r in rows)
    figures_with_claims = {r["notebook"] for r in rows}
    assert set(FIGURES) - NO_CLAIM <= figures_with_claims


@pytest.mark.parametrize("name", ["robustness", "activations"])
def test_reproduction_pages_have_figure_and_data_file(built, name):
    """The robustness and activation pages: built, with their figure, and the data file
    behind them (one CSV row per cell of the robustness grid / per activation)."""
    html = _html(built, f"book/generated/{name}")
    assert re.search(r"<img[^>]+src=\"[^\"]+\.png\"", html), "no figure image"
    lines = (built / "book" / "generated" / "data" / f"{name}.csv").read_text().splitlines()
    if name == "robustness":  # the calibrated setting and each smoke grid value, 6 claims each
        import yaml

        smoke = yaml.safe_load((ROOT / "notebooks" / "profiles" / "smoke.yml").read_text())
        n_settings = 1 + sum(len(v) for k, v in smoke["robustness"].items() if k.endswith("_grid"))
        assert n_settings == 9
        assert lines[0].startswith("setting,constant,value,claim,verdict")
        assert len(lines) == 1 + 6 * n_settings
    else:  # linear and GELU in the smoke profile
        assert lines[0].startswith("activation,") and len(lines) == 3
    toc = (ROOT / "_toc.yml").read_text()
    assert f"book/generated/{name}\n" in toc


def test_every_seeded_notebook_ran_on_the_fresh_seed_set(built):
    """The smoke profile runs one fresh seed set beside the book's (``hsr run: seed_sets: 2``):
    every notebook with a ``seed_set`` parameter wrote its rows for set 1 (the same rows and
    statements as set 0), its executed copy beside, and no figure file."""
    from hsr.book.notebooks import load_notebook

    gen = built / "book" / "generated"
    log = json.loads((gen / "run-log.json").read_text())
    assert log["last_run"]["seed_sets"] == log["seed_sets"]["sets"] == 2
    runs = log["seed_sets"]["runs"]["1"]
    seeded = [p.stem for p in NOTEBOOKS if "seed_set" in load_notebook(p).params]
    assert len(seeded) >= 29 and sorted(runs) == sorted(seeded)
    for name in seeded:
        assert runs[name]["ok"] and runs[name]["parameters"]["seed_set"] == 1, name
        main_rows = json.loads((gen / "claims" / f"{name}.json").read_text())
        fresh = json.loads((gen / "claims" / "seed-sets" / "1" / f"{name}.json").read_text())
        assert [r["id"] for r in fresh] == [r["id"] for r in main_rows], name
        for a, b in zip(fresh, main_rows, strict=True):
            ids = [[s["id"] for s in r.get("statements") or ()] for r in (a, b)]
            assert ids[0] == ids[1], name
        assert (gen / "seed-sets" / "1" / f"{name}.ipynb").is_file(), name
    assert not list((gen / "seed-sets").rglob("*.png"))
    assert not list((gen / "seed-sets").rglob("*.pdf"))


def test_the_fresh_set_executor_gives_the_rows_of_papermill(built, tmp_path):
    """The fresh seed sets run in one process per set (hsr.book.seed_sets), not in a kernel
    per notebook: on seed set 0 with the same parameters it writes exactly the rows the
    papermill run wrote (sweeps and comparisons from the same cache)."""
    from hsr.book.paths import cache_dir
    from hsr.book.seed_sets import SeedSetBatch, run_batch, seed_set_environment

    gen = built / "book" / "generated"
    log = json.loads((gen / "run-log.json").read_text())
    names = ["ws-fig01", "ws-fig06", "hsr-fig13", "landscape-theorem1"]
    batch = SeedSetBatch(
        0,
        names,
        {n: built / "notebooks" / f"{n}.ipynb" for n in names},
        {n: log["notebooks"][n]["parameters"] | {"seed_set": 0} for n in names},
    )
    out = tmp_path / "gen"
    # the cache of the run (hsr run's default, as here)
    env = seed_set_environment(out, 0, cache_dir()) | {"OPENBLAS_NUM_THREADS": "1"}
    run_batch(batch, built, out, env)
    assert all(e["ok"] for e in batch.entries.values()), batch.entries
    for n in names:
        ours = json.loads((out / "claims" / "seed-sets" / "0" / f"{n}.json").read_text())
        assert ours == json.loads((gen / "claims" / f"{n}.json").read_text()), n


def test_ledger_is_complete(built):
    """The ledger-completeness test: every claim of FIGURES.md (both tables' claim column)
    and every count the papers report has exactly one row with a verdict in the claims.json
    the build gathered from the notebooks' runs. Which verdict is not checked."""
    from hsr.claims import check_ledger, expected_claims

    expected = expected_claims(ROOT / "book" / "spec")
    rows = json.loads((built / "book" / "generated" / "claims.json").read_text())
    assert check_ledger(rows, expected) == []
    assert len(rows) == len(expected) >= 36
    ledger = (built / "book" / "generated" / "ledger.md").read_text()
    assert "each has exactly one row here" in ledger


def test_no_remote_scripts_styles_or_images(built):
    pattern = re.compile(
        r"<(script|img)[^>]+src=\"https?://|<link[^>]+href=\"https?://[^\"]+\"[^>]*"
        r"rel=\"stylesheet\"|<link[^>]+rel=\"stylesheet\"[^>]+href=\"https?://"
    )
    pages = list((built / "_build" / "html").rglob("*.html"))
    assert len(pages) > len(FIGURES)
    for page in pages:
        m = pattern.search(page.read_text())
        assert m is None, f"{page.name}: remote asset {m.group(0)[:120]}"
    assert (built / "_build" / "html" / "mathjax" / "tex-mml-chtml.js").exists()


# ----- a real browser, offline ------------------------------------------------------------
def _chromium() -> str:
    for name in ("chromium", "chromium-headless-shell", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(
        "Chromium is missing: `make test` installs it with "
        "`apt-get install -y chromium` (as root); install it and re-run."
    )


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# console messages Jupyter Book 1's theme produces on every page, whatever the content:
# sphinx-thebe declares THEBE_JS_URL in two injected scripts, and pydata-sphinx-theme logs
# that it resets an unset theme mode to "auto"; plus a blocked favicon
KNOWN_NOISE = (
    "Identifier 'THEBE_JS_URL' has already been declared",
    "Got invalid theme mode: . Resetting to auto.",
    "favicon",
)


# pages the browser opens, and whether their body has mathematics: the navigation must render
# the titles' mathematics on pages without any too (the ledger, the references)
RENDERED_PAGES = {
    "book/gradients": True,
    "book/generated/ws-fig02": True,
    "book/generated/ledger": False,
    "book/references": False,
}
NAV = "nav.bd-docs-nav"
N_NAV_MATH = 3  # at least WS Figs. 3, 4 and 7 have mathematics in their titles


def _check_notebook_download(page, page_name):
    """The page's download menu offers its executed notebook (the page's source, copied into
    ``_sources/``), served by the site itself."""
    link = page.locator("a.btn-download-source-button")
    assert link.count() == 1, page_name
    href = link.get_attribute("href")
    assert href.endswith(f"{page_name.rsplit('/', 1)[1]}.ipynb"), href
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
    assert response.ok, (href, response.status)
    nb = nbformat.reads(response.text(), as_version=4)
    assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), "not executed"


def test_pages_load_mathjax_and_offer_downloads(built):
    """Every page loads the vendored MathJax (a page without mathematics too: its navigation
    has some), and every notebook page's download menu links its executed notebook."""
    html_dir = built / "_build" / "html"
    pages = [p for p in html_dir.rglob("*.html") if "_static" not in p.parts]
    pages = [p for p in pages if 'http-equiv="Refresh"' not in p.read_text()[:500]]  # index.html
    assert len(pages) > len(FIGURES)
    for page in pages:
        assert re.search(
            r'<script[^>]+src="[^"]*mathjax/tex-mml-chtml\.js[?"]', page.read_text()
        ), page.relative_to(html_dir)
    for name in FIGURES:
        html = _html(built, f"book/generated/{name}")
        assert f'href="../../_sources/book/generated/{name}.ipynb"' in html, name
        nb = nbformat.read(html_dir / "_sources" / "book" / "generated" / f"{name}.ipynb", 4)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), name


def test_rendered_in_headless_chromium_offline(built):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    html_dir = built / "_build" / "html"
    handler = functools.partial(_Quiet, directory=str(html_dir))
    with socketserver.TCPServer(("127.0.0.1", 0), handler) as httpd:
        port = httpd.server_address[1]
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=_chromium(),
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            try:
                for page_name, body_has_math in RENDERED_PAGES.items():
                    page = browser.new_page()
                    errors, remote = [], []
                    page.on("console", lambda m, e=errors: m.type == "error" and e.append(m.text))
                    page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))

                    def route(r, remote=remote, port=port):
                        if r.request.url.startswith(f"http://127.0.0.1:{port}/"):
                            return r.continue_()
                        remote.append(r.request.url)
                        return r.abort()

                    page.route("**/*", route)
                    page.goto(f"http://127.0.0.1:{port}/{page_name}.html", wait_until="load")
                    try:
                        page.wait_for_selector("mjx-container", timeout=30_000)
                    except PlaywrightTimeout:
                        pytest.fail(f"{page_name}: no mathematics rendered (is MathJax loaded?)")
                    page.wait_for_timeout(500)
                    n_math = page.locator("mjx-container").count()
                    shot = ARTIFACTS / f"{page_name.replace('/', '_')}.png"
                    page.screenshot(path=str(shot), full_page=False)
                    real = [e for e in errors if not any(k in e for k in KNOWN_NOISE)]
                    assert n_math > 0, page_name
                    # the navigation renders its titles' mathematics on every page, with or
                    # without mathematics in the page's own body
                    nav = page.locator(NAV)
                    assert nav.count() == 1, page_name
                    assert nav.locator("mjx-container").count() >= N_NAV_MATH, page_name
                    nav_text = nav.inner_text()
                    first = nav.locator("mjx-container").first
                    first.scroll_into_view_if_needed()
                    first.locator("xpath=ancestor::li[1]/..").screenshot(
                        path=str(ARTIFACTS / f"{page_name.replace('/', '_')}_nav.png")
                    )
                    assert "\\(" not in nav_text and "\\)" not in nav_text, (page_name, nav_text)
                    in_body = page.locator("article.bd-article mjx-container").count()
                    assert (in_body > 0) == body_has_math, (page_name, in_body)
                    if page_name.startswith("book/generated/ws-"):
                        _check_notebook_download(page, page_name)
                    assert not real, (page_name, real)
                    assert not remote, (page_name, remote)
                    page.close()
            finally:
                browser.close()
        httpd.shutdown()


PAPERS_DIR = ROOT.parent / "shared" / "papers"


@pytest.mark.skipif(not PAPERS_DIR.is_dir(), reason="the project's shared/papers/ is not beside")
def test_every_rows_quotes_occur_in_the_paper(built):
    """Every quoted passage of every row's ``paper_says`` (the rows written by notebooks too,
    not only the claims modules' QUOTES) occurs in its paper's text, whitespace aside."""
    files = {"WS": "ws-upper-bound.txt", "HSR": "hsr-regularization.txt"}
    files["Landscape"] = "landscape-convergence.txt"

    def norm(t):
        return " ".join(re.sub(r"[\u2010-\u2015]", "-", t).split())

    texts = {k: norm((PAPERS_DIR / f).read_text(encoding="utf-8")) for k, f in files.items()}
    rows = json.loads((built / "book" / "generated" / "claims.json").read_text())
    quotes = [
        (r["id"], r["paper"], q) for r in rows for q in re.findall(r'"([^"]+)"', r["paper_says"])
    ]
    assert {rid for rid, _, _ in quotes} == {r["id"] for r in rows}  # every row quotes its paper
    missing = [(rid, q) for rid, paper, q in quotes if norm(q) not in texts[paper]]
    assert missing == []
