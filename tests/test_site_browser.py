"""The report as a site, opened in a real browser (headless Chromium through selenium).

Without ``$INFLUENCE_LAB_SITE`` the tests build a small site from two hand-made notebooks and check the
mechanism (pages load with their images, errors are caught, code is folded, the reader edition has no code and
no solutions). ``make test`` then builds the real site (``make report``'s builder, every notebook executed) and
runs this file again with ``INFLUENCE_LAB_SITE=reports``: every page of both editions is opened and checked, and
a screenshot of the index is saved to ``reports/screenshots/``.

Chromium is a system package (Debian: ``chromium`` and ``chromium-driver``), installed by ``.ci/run``; where no
browser can be found the tests skip and say how to install one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from influence_lab.course.notebooks import is_solution, notebooks_in, read

SITE = os.environ.get("INFLUENCE_LAB_SITE")
ERROR_MARKS = ("Traceback (most recent call last)", "CellExecutionError")


def _browser_paths() -> tuple[str, str] | None:
    binary = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
    driver = shutil.which("chromedriver") or next(
        (p for p in ("/usr/lib/chromium/chromedriver", "/usr/bin/chromedriver") if Path(p).exists()), None)
    return (binary, driver) if binary and driver else None


@pytest.fixture(scope="module")
def browser():
    paths = _browser_paths()
    if paths is None:
        pytest.skip("no headless Chromium found: install Debian's chromium and chromium-driver packages "
                    "(`apt-get install chromium chromium-driver`; .ci/run does it) to run the browser tests")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                 "--disable-gpu"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=paths[1]), options=options)
    driver.set_page_load_timeout(120)
    yield driver
    driver.quit()


def open_page(driver, path: Path) -> dict:
    """Load a page; return what the checks read: its title, text, images (and how many loaded), folded code
    cells, code editors and error marks."""
    driver.get(path.resolve().as_uri())
    return driver.execute_script("""
        const imgs = Array.from(document.images);
        return {
          title: document.title,
          ready: document.readyState,
          text: document.body.innerText,
          images: imgs.length,
          loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
          folded: document.querySelectorAll('details.code').length,
          open_folds: document.querySelectorAll('details.code[open]').length,
          editors: document.querySelectorAll('.jp-InputArea-editor').length,
          errors: document.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').length,
          cards: document.querySelectorAll('a.card').length,
        };""")


def page_problems(info: dict) -> list[str]:
    problems = []
    if info["ready"] != "complete":
        problems.append(f"not loaded ({info['ready']})")
    if info["loaded"] < info["images"]:
        problems.append(f"{info['images'] - info['loaded']} of {info['images']} images did not load")
    if info["errors"] or any(mark in info["text"] for mark in ERROR_MARKS):
        problems.append("an error output")
    return problems


def _solution_snippets(executed: Path) -> dict[str, list[str]]:
    """The first line of each written answer (Markdown solution cell) of each executed notebook."""
    out = {}
    for path in notebooks_in(executed):
        lines = [c.source.strip().splitlines()[0] for c in read(path).cells
                 if is_solution(c) and c.cell_type == "markdown" and c.source.strip()]
        out[path.stem] = [line.replace("*", "").strip() for line in lines if len(line) > 20]
    return out


def _hand_made_site(folder: Path) -> Path:
    from influence_lab.course.report import build_report

    src = folder / "nbs"
    src.mkdir()
    cells = [
        nbformat.v4.new_markdown_cell("# Tiny\n\nDoes a line go up?\n\n## Learning objectives\n- look"),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.title('Up'); plt.show()",
                                  metadata={"tags": ["key-figure"]}),
        nbformat.v4.new_code_cell("from influence_lab.course.narrative import interact\n"
                                  "import ipywidgets as widgets\n"
                                  "def show(n=3):\n    print('n is', n)\n"
                                  "interact(show, n=widgets.IntSlider(3, 1, 9))"),
        nbformat.v4.new_markdown_cell("## Exercises\n1. Why does it go up?"),
        nbformat.v4.new_markdown_cell("Because the second value is larger than the first one.",
                                      metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("print('a solution printed this')", metadata={"tags": ["solution"]}),
    ]
    for name, extra in (("00_tiny", []), ("01_broken", [nbformat.v4.new_code_cell("raise ValueError('boom')")])):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [*cells[:3], *extra, *cells[3:]]
        nbformat.write(nb, str(src / f"{name}.ipynb"))
    build_report(src, folder / "site", timeout=120)
    return folder / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    if SITE:
        root = Path(SITE)
        assert (root / "index.html").exists(), f"INFLUENCE_LAB_SITE={SITE} holds no index.html: run make report"
        return root
    return _hand_made_site(tmp_path_factory.mktemp("site"))


def test_every_page_of_both_editions_loads_with_its_images_and_no_error(browser, site):
    pages = [site / "index.html", site / "reader" / "index.html"]
    pages += [site / f"{p.stem}.html" for p in notebooks_in(site / "executed")]
    pages += [site / "reader" / f"{p.stem}.html" for p in notebooks_in(site / "executed")]
    problems = {}
    for page in pages:
        info = open_page(browser, page)
        found = page_problems(info)
        if found:
            problems[str(page.relative_to(site))] = found
    if SITE:
        assert not problems, problems
    else:  # the hand-made site: the broken notebook's pages must be caught, and only those
        assert set(problems) == {"01_broken.html", "reader/01_broken.html"}, problems
        assert all(p == ["an error output"] for p in problems.values())


def test_the_index_has_a_card_per_notebook_with_its_figure_and_a_screenshot(browser, site):
    executed = notebooks_in(site / "executed")
    info = open_page(browser, site / "index.html")
    assert info["cards"] == len(executed)
    assert info["loaded"] == info["images"] >= 1
    assert "Reader edition" in info["text"]
    if SITE:
        assert "The claims, one by one" in info["text"]  # notebook 06's table
    shots = site / "screenshots"
    shots.mkdir(exist_ok=True)
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1400, min(int(height) + 100, 8000))  # the whole index: claims table and cards
    browser.save_screenshot(str(shots / "index.png"))
    browser.set_window_size(1400, 1000)
    assert (shots / "index.png").stat().st_size > 10_000


def test_code_is_folded_and_the_reader_edition_has_no_code_and_no_solutions(browser, site):
    answers = _solution_snippets(site / "executed")
    for path in notebooks_in(site / "executed"):
        nb = read(path)
        code_cells = sum(c.cell_type == "code" for c in nb.cells)
        full = open_page(browser, site / f"{path.stem}.html")
        assert full["folded"] == code_cells and full["open_folds"] == 0, path.name
        reader = open_page(browser, site / "reader" / f"{path.stem}.html")
        assert reader["editors"] == 0 and reader["folded"] == 0, path.name
        for snippet in answers[path.stem]:
            assert snippet not in reader["text"], (path.name, snippet)
        if not SITE:
            assert "a solution printed this" not in reader["text"]
            assert "An interactive control stood here" in reader["text"]
            assert "Static view at the default setting" in reader["text"]


def test_every_figure_reads_at_slide_size(site):
    """No figure of the site has text under 10 pt or titles drawn over each other (the report builder checks each
    displayed figure in its kernel, see plotting.small_text and plotting.overlapping_titles; a notebook that never
    calls plotting.set_theme is not checked)."""
    audit = json.loads((site / "figure_text.json").read_text(encoding="utf-8"))
    assert set(audit) == {p.name for p in notebooks_in(site / "executed")}
    offenders = {name: [(e["figure"][:70], e["small_text"][:3], e.get("overlapping", [])[:3]) for e in entries]
                 for name, entries in audit.items() if entries}
    assert not offenders, offenders
    for path in notebooks_in(site / "executed"):
        if SITE:  # the suite's notebooks all switch the check on
            code = "".join(c.source for c in read(path).cells if c.cell_type == "code")
            assert re.search(r"\bset_theme\(\)", code), f"{path.name} never calls plotting.set_theme()"
