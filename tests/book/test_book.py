"""The book end to end: every notebook at the smoke profile into a temporary copy of the
project, the Jupyter Book build with warnings as errors, checks on the HTML, and a headless
Chromium that must render the mathematics with no other host reachable."""

from __future__ import annotations

import contextlib
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
    _plant_seed_set(root / "book" / "generated" / "claims")
    assert main(["build", "--root", str(root)]) == 0
    return root


#: a fresh seed set the test plants, in which WS Fig. 2's verdict differs from the run's
PLANTED_SET, PLANTED_ROW = "test", "ws-fig02"


def _plant_seed_set(claims_dir: Path) -> None:
    """``claims/seed-sets/test/ws-fig02.json``: the run's rows of WS Fig. 2 with every verdict
    changed, so the pages must show the verdict on each set and mark the row seed-dependent."""

    def other(v):
        return "does not hold" if v != "does not hold" else "holds"

    rows = json.loads((claims_dir / f"{PLANTED_ROW}.json").read_text())
    for r in rows:
        r["verdict"] = other(r["verdict"])
        for st in r.get("statements") or ():
            st["verdict"] = other(st["verdict"])
    target = claims_dir / "seed-sets" / PLANTED_SET
    target.mkdir(parents=True, exist_ok=True)
    (target / f"{PLANTED_ROW}.json").write_text(json.dumps(rows))


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


@contextlib.contextmanager
def _chromium_on(html_dir: Path):
    """A headless Chromium and a local server of ``html_dir``: yields (browser, base URL)."""
    from playwright.sync_api import sync_playwright

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
                yield browser, f"http://127.0.0.1:{port}"
            finally:
                browser.close()
        httpd.shutdown()


def test_rendered_in_headless_chromium_offline(built):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with _chromium_on(built / "_build" / "html") as (browser, base):
        port = int(base.rsplit(":", 1)[1])
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


# ----- what a reader sees: rendered Markdown, no code open, no plumbing --------------------------
def _soup(html: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def _article(html: str) -> str:
    """The page's ``<article>`` (its text column), without the navigation around it: the
    checks read only what the page itself says, and parse a tenth of the HTML."""
    start, end = html.find("<article"), html.rfind("</article>")
    return html[start : end + len("</article>")] if start >= 0 and end > start else html


def _pages(root: Path) -> list[Path]:
    """Every page of the built book (not the search page, the index or the theme's files)."""
    html_dir = root / "_build" / "html"
    skip = {"search.html", "genindex.html", "index.html"}
    return sorted(
        p for p in html_dir.rglob("*.html") if "_static" not in p.parts and p.name not in skip
    )


def _executed_pages(root: Path) -> list[str]:
    """The pages that are executed notebooks (``book/generated/<name>``)."""
    gen = root / "book" / "generated"
    return [f"book/generated/{p.stem}" for p in sorted(gen.glob("*.ipynb"))]


#: a pipe table's rule row, in any dash form Sphinx may have turned "---" into
RULE_ROW = re.compile(r"\|\s*:?[-\u2010-\u2015\u2212]+:?\s*\|")
#: MyST syntax left as text: a role, a directive fence
MYST_LEFT = re.compile(r"\{[a-z][\w:-]*\}`|^\s*:{3,}\s*\{?\w|^\s*```\{", re.M)


def unrendered_markdown(html: str) -> list[str]:
    """Markdown or MyST syntax in the text of a page outside code and mathematics: a pipe
    table's rule row, a role, a directive fence."""
    body = _soup(_article(html))
    for tag in body.select("pre, code, script, style, textarea, .math, mjx-container"):
        tag.decompose()
    text = body.get_text("\n")
    return [m.group(0) for m in RULE_ROW.finditer(text)] + [
        m.group(0) for m in MYST_LEFT.finditer(text)
    ]


def open_code_inputs(html: str) -> list[str]:
    """The code cells of an executed page whose input shows (not inside a closed toggle)."""
    out = []
    for cell in _soup(_article(html)).select("div.cell_input"):
        toggle = cell.find_parent("details")
        if toggle is None or toggle.has_attr("open"):
            out.append(cell.get_text().strip().splitlines()[0][:80] if cell.get_text() else "?")
    return out


#: what must not be under a cell: a Python repr (a dict, list or tuple, a named tuple, a path,
#: an object), a float printed with all its digits, a warning or traceback
PLUMBING = re.compile(
    r"^\s*[\[{(]['\"({\d-]"
    r"|\b[A-Z]\w*\(\w+="
    r"|\b(?:Posix|Windows)?Path\("
    r"|<[\w.]+ object at 0x"
    r"|\barray\("
    r"|\d\.\d{10,}"
    r"|\b\w*Warning\b"
    r"|Traceback \(most recent call last\)"
    r"|site-packages",
    re.M,
)


def stray_outputs(html: str, paths=()) -> list[str]:
    """What the cells of a page leave that a reader should not see: a bare value (an output
    that is only a text repr), text from stderr, a Python repr, a warning, or one of
    ``paths`` (the folders of the machine that built the book)."""
    out = []
    for output in _soup(_article(html)).select("div.cell_output"):
        for bare in output.select("div.output.text_plain, div.output.stderr"):
            out.append("bare: " + bare.get_text().strip()[:80])
        text = output.get_text("\n")
        out += ["repr: " + m.group(0) for m in PLUMBING.finditer(text)]
        out += [f"path: {p}" for p in paths if p in text]
    return out


def _build_paths(root: Path) -> list[str]:
    return [str(root), str(ROOT), str(Path.home())]


def test_no_page_shows_markdown_code_or_plumbing(built):
    """Every page renders its Markdown; every executed page has its code inputs in closed
    toggles (or removed) and no bare value, warning, repr or build path under its cells."""
    problems = {}
    for page in _pages(built):
        name = page.relative_to(built / "_build" / "html").with_suffix("").as_posix()
        found = unrendered_markdown(page.read_text())
        if found:
            problems[name] = found
    executed = _executed_pages(built)
    assert len(executed) == len(NOTEBOOKS)
    for name in executed:
        html = _html(built, name)
        found = [f"open code: {c}" for c in open_code_inputs(html)]
        found += stray_outputs(html, _build_paths(built))
        if found:
            problems[name] = problems.get(name, []) + found
    assert problems == {}


def test_the_checks_catch_a_page_built_to_break_them(built):
    """The three checks above on a real page, then on the same page broken: a sensitivity
    table left as Markdown, a code cell without its toggle, a bare dict, a path and a library's
    warning under a cell."""
    html = _html(built, "book/generated/hsr-fig13")
    assert unrendered_markdown(html) == [] and open_code_inputs(html) == []
    assert stray_outputs(html, _build_paths(built)) == []
    raw = (
        "<p>| knob | value | statistic | verdict | |\u2014|\u2014|\u2014|\u2014| | clear_frac |</p>"
    )
    assert unrendered_markdown(html.replace("</article>", raw + "</article>"))
    role = "<p>We find: {bdg-success}`holds`</p>"
    assert unrendered_markdown(html.replace("</article>", role + "</article>"))
    soup = _soup(html)
    toggle = soup.select_one("div.cell_input").find_parent("details")
    toggle.unwrap()  # the cell shown open, as an untagged cell would be
    assert open_code_inputs(str(soup))
    for leftover in (
        "{'seeds': 500, 'converged': 457}",
        "'does not hold'",
        f"PosixPath('{built}/book/generated/claims/hsr-fig03.json')",
        f"{ROOT}/book/generated/claims/hsr-fig03.json",
        "/x/site-packages/tqdm/auto.py:21: TqdmWarning: IProgress not found",
        "MannWhitney(statistic=5.0, pvalue=0.449)",
        "input norms from 26.558921894156978",
    ):
        kind = "text_plain" if leftover.startswith("'") else "stream"
        cell = (
            '<div class="cell_output docutils container"><div class="output '
            f'{kind} highlight-myst-ansi notranslate"><pre>{html_lib.escape(leftover)}</pre>'
            "</div></div>"
        )
        assert stray_outputs(html.replace("</article>", cell + "</article>"), _build_paths(built))


@pytest.mark.parametrize("name", sorted(set(FIGURES) - NO_CLAIM))
def test_figure_pages_lead_with_the_claim(built, name):
    """Under the title, before any code: "The paper says", "We find" with the verdict badge,
    the figure, and links to its PNG, PDF and the numbers it draws (files the site serves)."""
    html_dir = built / "_build" / "html"
    article = _soup(_article(_html(built, f"book/generated/{name}"))).select_one("article")
    order = [
        article.select_one(sel)
        for sel in ("h1", ".hsr-paper-says", ".hsr-we-find", "img.hsr-figure", "div.cell")
    ]
    assert all(e is not None for e in order[:4]), name
    positions = [article.decode().index(str(e)) for e in order if e is not None]
    assert positions == sorted(positions), name
    assert order[2].select_one(".sd-badge"), "no verdict badge"
    links = [(a.get_text().strip(), a["href"]) for a in article.select('a[href*="_downloads/"]')]
    for text, ext in (("PNG", "png"), ("PDF", "pdf"), ("the numbers drawn (CSV)", "csv")):
        href = next((h for t, h in links if t == text and h.endswith(f"/{name}.{ext}")), None)
        assert href, (name, text, links)
        target = (html_dir / "book" / "generated" / href).resolve()
        assert target.is_file() and target.stat().st_size > 0, (name, href)


def _landing_rows(html: str) -> list[tuple[str, str, str]]:
    """(page, figure, verdict) of every row of the landing page's verdict tables, in order."""
    section = _soup(_article(html)).select_one("section#what-this-build-found")
    rows = []
    for tr in section.select("table tbody tr"):
        cells = tr.select("td")
        link = cells[0].select_one("a")
        page = Path(link["href"]).stem if link else ""
        rows.append((page, cells[0].get_text().strip(), cells[2].select_one(".sd-badge").text))
    return rows


def _expected_landing(rows: list[dict]) -> list[tuple[str, str, str]]:
    from hsr.claims.ledger import PAPERS, UNTESTED

    tested = [r for p in PAPERS for r in rows if r["paper"] == p and r["verdict"] != UNTESTED]
    order = tested + [r for r in rows if r["verdict"] == UNTESTED]
    return [(r["notebook"], r["figure"] or "count", r["verdict"]) for r in order]


def test_landing_page_agrees_with_the_ledger_row_for_row(built):
    rows = json.loads((built / "book" / "generated" / "claims.json").read_text())
    html = (built / "_build" / "html" / "book" / "intro.html").read_text()
    shown = _landing_rows(html)
    assert shown == _expected_landing(rows)
    assert len(shown) == len(rows)
    # a verdict changed in the data, or a row left out, is caught
    flipped = [dict(r) for r in rows]
    flipped[0]["verdict"] = "does not hold" if rows[0]["verdict"] != "does not hold" else "holds"
    assert shown != _expected_landing(flipped)
    assert shown != _expected_landing(rows[1:])
    # and the landing page says which build it is
    info = json.loads((built / "book" / "generated" / "build-info.json").read_text())
    assert info["profiles"] == {"smoke": len(NOTEBOOKS)}
    assert "This build: profile smoke, run on" in " ".join(_soup(_article(html)).get_text().split())


def test_a_reduced_build_says_so_on_every_page(built):
    # the banner names first the setting the most notebooks ran shrunk: count them in the run
    # log (every notebook of the smoke build sets the values of the profile's '*' entry)
    log = json.loads((built / "book" / "generated" / "run-log.json").read_text())
    shared = {"n_seeds": 16, "n_seeds_ws": 16, "n_train": 40, "max_iter": 1500}
    count = {
        k: sum(e.get("parameters", {}).get(k) == v for e in log["notebooks"].values())
        for k, v in shared.items()
    }
    first = max(count, key=count.get)
    assert count[first] > 0
    for page in _pages(built):
        html = page.read_text()
        at = html.find('class="bd-header-announcement')
        assert at >= 0, page.name
        block = html[html.rfind("<", 0, at) : html.find("</div>", at)]
        text = " ".join(_soup(block).get_text().split())
        m = re.match(r"Reduced build, profile smoke \((\w+) [\d,]+\b.* instead of ", text)
        assert m and count[m.group(1)] == count[first], (
            page.name,
            text,
        )
        assert "built at the papers' scale" in text


# ----- the layout at 1,280 px, in Chromium ---------------------------------------------------
#: the width of the window the layout checks use (a laptop's browser)
WINDOW = {"width": 1280, "height": 900}

#: in the page: every <details> opened (dropdowns, code toggles: what a reader can open must
#: fit too), then every table wider than the text column (the article), and every verdict
#: cell (the column headed "verdict") outside the window
_LAYOUT_JS = """() => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  const art = document.querySelector('article.bd-article');
  const col = art.getBoundingClientRect();
  const wide = [], off = [];
  for (const t of art.querySelectorAll('table')) {
    const r = t.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.left < col.left - 1 || r.right > col.right + 1 || t.scrollWidth > r.width + 1)
      wide.push(`${Math.round(r.left)}-${Math.round(r.right)} (column ${Math.round(col.left)}-`
                + `${Math.round(col.right)}): ` + t.innerText.slice(0, 60).replace(/\\s+/g, ' '));
    const heads = [...t.querySelectorAll('thead th')].map(th => th.innerText.trim());
    const i = heads.indexOf('verdict');
    if (i < 0) continue;
    for (const tr of t.querySelectorAll('tbody tr')) {
      const c = tr.children[i].getBoundingClientRect();
      if (c.left < 0 || c.right > window.innerWidth)
        off.push(`${Math.round(c.left)}-${Math.round(c.right)}: ` + tr.innerText.slice(0, 40));
    }
  }
  return {wide, off, n_tables: art.querySelectorAll('table').length};
}"""


def _layout(page, url: str) -> dict:
    page.goto(url, wait_until="load")
    return page.evaluate(_LAYOUT_JS)


def test_tables_fit_the_text_column_at_1280_px(built):
    """At a 1,280 px window: no table on the ledger, the landing page, any figure page or page
    of the reproduction part extends past the text column (dropdowns opened), and every verdict
    cell of the ledger is in the window. A page built to break it (a wide table in the ledger)
    is caught."""
    html_dir = built / "_build" / "html"
    names = ["book/generated/ledger", "book/intro"] + [
        f"book/generated/{n}"
        for n in [*FIGURES, "calibration", "robustness", "activations", "closed-form-cost"]
    ]
    names.append("book/generated/provenance")
    broken = html_dir / "book" / "generated" / "ledger-broken.html"
    wide = "<table><thead><tr><th>figure</th><th>test</th><th>verdict</th></tr></thead><tbody>"
    wide += "<tr><td>Fig. 2</td><td>" + "x" * 400 + "</td><td>holds</td></tr></tbody></table>"
    html = (html_dir / "book" / "generated" / "ledger.html").read_text()
    broken.write_text(html.replace("</article>", wide + "</article>"))
    problems = {}
    with _chromium_on(html_dir) as (browser, base):
        page = browser.new_page(viewport=WINDOW)
        for name in names:
            got = _layout(page, f"{base}/{name}.html")
            if got["wide"] or got["off"]:
                problems[name] = got["wide"] + got["off"]
            if name == "book/generated/ledger":
                assert got["n_tables"] >= 4, got  # one per paper at least, and the details'
                page.screenshot(path=str(ARTIFACTS / "ledger_1280.png"))
        caught = _layout(page, f"{base}/book/generated/ledger-broken.html")
        page.close()
    broken.unlink()
    assert problems == {}
    assert caught["wide"] and caught["off"], caught


def test_the_verdict_on_each_seed_set_is_shown_where_it_differs(built):
    """The planted seed set (WS Fig. 2's verdict changed): claims.json attaches it to the row
    (no row added), and the ledger, the landing page and the figure's head mark the row
    seed-dependent and show its verdict on each set; rows no fresh set has show no mark."""
    rows = json.loads((built / "book" / "generated" / "claims.json").read_text())
    row = next(r for r in rows if r["id"] == PLANTED_ROW)
    assert row["seed_dependent"] is True and list(row["seed_sets"])[-1] == PLANTED_SET
    assert sum(r["id"] == PLANTED_ROW for r in rows) == 1
    text = {
        name: " ".join(_soup(_article(_html(built, name))).get_text().split())
        for name in ("book/generated/ledger", "book/intro", f"book/generated/{PLANTED_ROW}")
    }
    for name, t in text.items():
        assert "seed-dependent" in t, name
    page = _article(_html(built, f"book/generated/{PLANTED_ROW}"))
    head = _soup(page).select_one(".hsr-we-find")
    assert f"set {PLANTED_SET}" in head.get_text() and "seed-dependent" in head.get_text()
    # every set in order: 0 (the book's), the smoke run's fresh sets, then the planted one
    each = " · ".join(f"set {k} {s['verdict']}" for k, s in row["seed_sets"].items())
    assert list(row["seed_sets"])[0] == "0"
    assert f"Verdict on each seed set. {each}" in text["book/generated/ledger"]
    ledger = _soup(_article(_html(built, "book/generated/ledger")))
    marked = [tr for tr in ledger.select("table tbody tr") if "seed-dependent" in tr.get_text()]
    # a row is marked where its verdict or one of its statements' differs between the sets
    fresh = {
        r["notebook"]
        for r in rows
        if r.get("seed_dependent")
        or any(st.get("seed_dependent") for st in r.get("statements") or ())
    }
    assert {Path(tr.select_one("a")["href"]).stem for tr in marked} == fresh
