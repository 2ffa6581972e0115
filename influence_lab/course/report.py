"""Execute every notebook and write a static site: ``reports/index.html`` and its reader edition.

``python -m influence_lab.course.report --notebooks notebooks --out reports`` (what
``make report`` runs). Each notebook is executed in a fresh ``python3`` kernel
and exported to one HTML page with its figures embedded and every code cell
folded under "code" (prose, figures and the sentences ``say`` computes come
first); ``reader/`` holds the same pages without code, solutions or exercise
stubs, for a class. The index shows the claims table of notebook 06 (its cell
tagged ``claims-summary``) and a card per notebook: title, question, key figure
(a cell tagged ``key-figure``, else the first), run time and status. Every
figure is also written as a PNG to ``figures/`` for slides, and the run times
to ``timings.json``. A live widget (a slider) has no view without a kernel: the
page says so where it stood. The committed notebooks are never modified:
executed copies go to ``<out>/executed/``.
"""

from __future__ import annotations

import argparse
import base64
import copy
import datetime as dt
import html
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from influence_lab._version import __version__
from influence_lab.course import plotting
from influence_lab.course.notebooks import is_solution, notebooks_in, question_of, read, tags_of, title_of


@dataclass
class PageResult:
    """What happened to one notebook."""

    source: Path
    page: Path
    title: str
    question: str
    seconds: float
    error: str | None
    figures: int
    key_figure: Path | None = None


def execute_notebook(path: Path, *, timeout: int = 1800,
                     audit: Path | None = None) -> tuple[nbformat.NotebookNode, float, str | None]:
    """Run a notebook top to bottom in a fresh kernel; return it, the seconds taken and any error. With
    ``audit``, every figure it displays is checked for text under 10 pt (:func:`plotting.small_text`) and titles
    drawn over each other (:func:`plotting.overlapping_titles`); each offender is appended to that file as a JSON
    line."""
    nb = read(path)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    error = None
    # The kernel gets the inline backend: a headless MPLBACKEND=Agg inherited from make would hide every figure.
    # Only the kernel's environment is set; this process's stays as it was.
    kernel_env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if audit is not None:
        audit.unlink(missing_ok=True)
        kernel_env[plotting.FIGURE_AUDIT_ENV] = str(audit.resolve())
    try:
        client.execute(env=kernel_env)
    except CellExecutionError as exc:
        error = str(exc).splitlines()[-1] if str(exc) else repr(exc)
    return nb, time.perf_counter() - start, error


#: A cell tag: its HTML output is the claims table on the site's index (notebook 06's summary).
CLAIMS_TAG = "claims-summary"
#: A cell tag: its figure is the notebook's thumbnail on the index (default: the notebook's first figure).
KEY_FIGURE_TAG = "key-figure"
#: What a reader of the report is told where a live control (a slider) stood.
WIDGET_NOTE = ("<p class=\"widget-note\">An interactive control stood here: open the notebook in JupyterLab to "
               "move it. The static view below shows its default setting.</p>")


def _figures(nb: nbformat.NotebookNode) -> list[tuple[int, bytes]]:
    """Every PNG figure of the executed notebook but the solutions': (cell number, bytes)."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or is_solution(cell):
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data:
                out.append((i, base64.b64decode(data["image/png"])))
    return out


def _heading_before(nb: nbformat.NotebookNode, index: int) -> str:
    for cell in reversed(nb.cells[: index + 1]):
        if cell.cell_type == "markdown":
            found = re.findall(r"^#+\s+(.+)$", cell.source, flags=re.MULTILINE)
            if found:
                return found[-1]
    return "figure"


def _slug(text: str, limit: int = 48) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "figure"


def save_figures(nb: nbformat.NotebookNode, stem: str, folder: Path) -> list[Path]:
    """Write each figure of an executed notebook as a PNG named after the notebook and its section
    (``06-02-the-scorecard.png``), ready for slides; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for k, (index, png) in enumerate(_figures(nb), start=1):
        path = folder / f"{stem[:2]}-{k:02d}-{_slug(_heading_before(nb, index))}.png"
        path.write_bytes(png)
        files.append(path)
    return files


def reader_edition(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook for readers who install nothing: solutions and exercise stubs dropped (their outputs too).
    The code itself is left out by the exporter (``exclude_input``)."""
    out = copy.deepcopy(nb)
    out.cells = [c for c in out.cells if not is_solution(c) and "exercise" not in tags_of(c)]
    return out


def _collapse_code(body: str) -> str:
    """Fold every code cell's input into a closed ``<details>``, so a reader sees prose, figures and sentences
    first (the ``say(...)`` templates stay behind "code")."""
    soup = BeautifulSoup(body, "html.parser")
    for cell in soup.select("div.jp-CodeCell"):
        wrapper = cell.find("div", class_="jp-Cell-inputWrapper")
        if wrapper is None:
            continue
        details = soup.new_tag("details", attrs={"class": "code"})
        summary = soup.new_tag("summary")
        summary.string = "code"
        wrapper.wrap(details)
        details.insert(0, summary)
    return str(soup)


def _without_widgets(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy whose live widget views (blank without a kernel, or their bare repr) say what stood there."""
    out = copy.deepcopy(nb)
    widget = "application/vnd.jupyter.widget-view+json"
    for cell in out.cells:
        for output in cell.get("outputs", []):
            if widget in output.get("data", {}):
                output["data"] = {"text/html": WIDGET_NOTE}
    return out


SITE_CSS = """
details.code > summary { cursor: pointer; color: #555; font-size: .85rem; margin: .2rem 0 .2rem 5.5rem; }
details.code[open] > summary { color: #1a4f8b; }
.widget-note { background: #fff8e1; border-left: 4px solid #f1a340; padding: .4rem .7rem; }
"""


def _page(exporter: HTMLExporter, nb: nbformat.NotebookNode, *, back: str) -> str:
    body, _ = exporter.from_notebook_node(_without_widgets(nb))
    if not exporter.exclude_input:
        body = _collapse_code(body)
    nav = f'<nav class="site"><a href="{back}">&larr; all notebooks</a></nav>'
    return body.replace("</head>", f"<style>{SITE_CSS}</style></head>", 1).replace("<main>", "<main>" + nav, 1)


def build_report(notebooks: Path, out: Path, *, timeout: int = 1800, reader: bool = True) -> list[PageResult]:
    """Execute each notebook of ``notebooks`` and write the site into ``out``.

    ``out/index.html`` and one page per notebook (code folded), ``out/reader/`` the reader edition (no code, no
    solutions), ``out/figures/`` every figure as a PNG, ``out/executed/`` the executed notebooks and
    ``out/timings.json`` each notebook's run time, ``out/figure_text.json`` per notebook the figures with
    text under 10 pt (none, when every figure reads at slide size)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "executed").mkdir(exist_ok=True)
    (out / "reader").mkdir(exist_ok=True)
    full = HTMLExporter(template_name="lab")
    plain = HTMLExporter(template_name="lab", exclude_input=True, exclude_input_prompt=True,
                         exclude_output_prompt=True)
    results, claims_table, audits = [], "", {}
    for path in notebooks_in(notebooks):
        print(f"executing {path.name} ...", flush=True)
        audit = out / "executed" / f"{path.stem}.figure-text.jsonl"
        nb, seconds, error = execute_notebook(path, timeout=timeout, audit=audit)
        flagged = read_audit(audit)
        if flagged:
            print(f"  warning: {len(flagged)} figure(s) with text under 10 pt or titles drawn over each other: "
                  + "; ".join(repr(f['figure'][:50]) for f in flagged), flush=True)
        audits[path.name] = flagged
        nbformat.write(nb, str(out / "executed" / path.name))
        page = out / (path.stem + ".html")
        page.write_text(_page(full, nb, back="index.html"), encoding="utf-8")
        if reader:
            (out / "reader" / page.name).write_text(_page(plain, reader_edition(nb), back="index.html"),
                                                    encoding="utf-8")
        figures = save_figures(nb, path.stem, out / "figures")
        claims_table = claims_table or _tagged_html(nb, CLAIMS_TAG)
        result = PageResult(path, page, title_of(nb, path.stem), question_of(nb), seconds, error, len(figures),
                            _key_figure(nb, figures))
        status = "FAILED: " + error if error else "ok"
        print(f"  {status} in {seconds:.1f} s, {result.figures} figures -> {page}", flush=True)
        results.append(result)
    (out / "index.html").write_text(_index_html(results, claims_table, prefix=""), encoding="utf-8")
    if reader:
        (out / "reader" / "index.html").write_text(_index_html(results, claims_table, prefix="../", reader=True),
                                                   encoding="utf-8")
    timings = {r.source.name: round(r.seconds, 1) for r in results}
    (out / "timings.json").write_text(json.dumps({"seconds": timings, "total": round(sum(timings.values()), 1)},
                                                 indent=2), encoding="utf-8")
    (out / "figure_text.json").write_text(json.dumps(audits, indent=2), encoding="utf-8")
    return results


def read_audit(path: Path) -> list[dict]:
    """The figures a notebook displayed with text under 10 pt or overlapping titles (see :func:`execute_notebook`),
    one dict each (``figure``, ``small_text``, ``overlapping``); [] if none."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _tagged_html(nb: nbformat.NotebookNode, tag: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "code" and tag in tags_of(cell):
            for output in cell.get("outputs", []):
                if "text/html" in output.get("data", {}):
                    return "".join(output["data"]["text/html"])
    return ""


def _key_figure(nb: nbformat.NotebookNode, figures: list[Path]) -> Path | None:
    if not figures:
        return None
    cells = [i for i, _ in _figures(nb)]
    for k, index in enumerate(cells):
        if KEY_FIGURE_TAG in tags_of(nb.cells[index]):
            return figures[k]
    return figures[0]


def _index_html(results: list[PageResult], claims_table: str, *, prefix: str, reader: bool = False) -> str:
    cards = []
    for r in results:
        status = (f'<span class="bad">failed: {html.escape(r.error)}</span>' if r.error
                  else f'<span class="ok">ran in {r.seconds:.0f} s</span>')
        thumb = (f'<img src="{prefix}figures/{html.escape(r.key_figure.name)}" alt="key figure of '
                 f'{html.escape(r.title)}">' if r.key_figure else '<div class="nofig">no figure</div>')
        cards.append(
            f'<a class="card" href="{html.escape(r.page.name)}">{thumb}<h2>{html.escape(r.title)}</h2>'
            f'<p class="q">{html.escape(r.question)}</p><p class="meta">{status} &middot; {r.figures} figures</p></a>')
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    edition = ("Reader edition: prose, figures and computed sentences; no code and no exercise answers."
               if reader else 'Full edition: each code cell is folded under "code". '
               '<a href="reader/index.html">Reader edition</a> (no code, no answers) for a class.')
    claims = (f'<section class="claims"><h2>The claims, one by one</h2>{claims_table}'
              '<p class="q">Computed in notebook 06 when this site was built.</p></section>' if claims_table else "")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Influence Lab{': reader edition' if reader else ''}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
.cards {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); gap: 1rem; }}
.card {{ border: 1px solid #ddd; border-radius: 8px; padding: .8rem; color: inherit; text-decoration: none; }}
.card:hover {{ border-color: #1a4f8b; }}
.card img {{ width: 100%; height: 11rem; object-fit: contain; background: #fafafa; }}
.card h2 {{ font-size: 1.05rem; margin: .5rem 0 .2rem; }}
.nofig {{ height: 11rem; background: #f3f3f3; color: #888; display: flex; align-items: center; justify-content: center; }}
.q {{ color: #555; font-size: .9rem; margin: .2rem 0; }} .meta {{ font-size: .85rem; color: #666; }}
.ok {{ color: #1a7f37; }} .bad {{ color: #b42318; font-weight: bold; }}
.claims table {{ border-collapse: collapse; font-size: .85rem; width: 100%; }}
.claims td, .claims th {{ border-bottom: 1px solid #ddd; padding: .3rem; text-align: left; vertical-align: top; }}
footer {{ color: #666; font-size: .85rem; margin-top: 2rem; }}
</style></head><body>
<h1>Influence Lab</h1>
<p>Do influence scores measure influence? Each notebook below checks claims of the 2012 post
"Why Your Klout Score Doesn't Matter (Much)" with data. Every number was computed when this site was built.</p>
<p class="q">{edition}</p>
{claims}
<h2>The notebooks</h2>
<div class="cards">
{''.join(cards)}
</div>
<footer>Built {stamp} with influence_lab {__version__}. Figures for slides: <code>figures/</code>; executed
notebooks: <code>executed/</code>.</footer>
</body></html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    parser.add_argument("--out", type=Path, default=Path("reports"))
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per cell")
    args = parser.parse_args(argv)
    if not notebooks_in(args.notebooks):
        print(f"no notebooks found in {args.notebooks}", file=sys.stderr)
        return 2
    results = build_report(args.notebooks, args.out, timeout=args.timeout)
    failed = [r for r in results if r.error]
    print(f"wrote {args.out / 'index.html'}: {len(results) - len(failed)} of {len(results)} notebooks ran")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
