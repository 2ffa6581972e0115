"""Execute every notebook and write a small static site: ``reports/index.html``.

``python -m influence_lab.course.report --notebooks notebooks --out reports`` (what
``make report`` runs). Each notebook is executed in a fresh ``python3`` kernel
and exported to one HTML page with its figures embedded; the index links them
with their opening question, run time and status. The committed notebooks are
never modified: executed copies go to ``<out>/executed/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

from influence_lab._version import __version__
from influence_lab.course.notebooks import notebooks_in, question_of, read, title_of


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


def _count_figures(nb: nbformat.NotebookNode) -> int:
    return sum(
        1
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {}) or "image/svg+xml" in out.get("data", {})
    )


def execute_notebook(path: Path, *, timeout: int = 1800) -> tuple[nbformat.NotebookNode, float, str | None]:
    """Run a notebook top to bottom in a fresh kernel; return it, the seconds taken and any error."""
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
    try:
        client.execute(env=kernel_env)
    except CellExecutionError as exc:
        error = str(exc).splitlines()[-1] if str(exc) else repr(exc)
    return nb, time.perf_counter() - start, error


def build_report(notebooks: Path, out: Path, *, timeout: int = 1800) -> list[PageResult]:
    """Execute each notebook of ``notebooks`` and write the site into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "executed").mkdir(exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    results = []
    for path in notebooks_in(notebooks):
        print(f"executing {path.name} ...", flush=True)
        nb, seconds, error = execute_notebook(path, timeout=timeout)
        nbformat.write(nb, str(out / "executed" / path.name))
        body, _ = exporter.from_notebook_node(nb)
        page = out / (path.stem + ".html")
        page.write_text(body, encoding="utf-8")
        result = PageResult(path, page, title_of(nb, path.stem), question_of(nb), seconds, error, _count_figures(nb))
        status = "FAILED: " + error if error else "ok"
        print(f"  {status} in {seconds:.1f} s, {result.figures} figures -> {page}", flush=True)
        results.append(result)
    (out / "index.html").write_text(_index_html(results), encoding="utf-8")
    return results


def _index_html(results: list[PageResult]) -> str:
    rows = []
    for r in results:
        status = (
            f'<span class="bad">failed: {html.escape(r.error)}</span>' if r.error else '<span class="ok">ran</span>'
        )
        rows.append(
            "<tr>"
            f'<td><a href="{html.escape(r.page.name)}">{html.escape(r.title)}</a>'
            f'<div class="q">{html.escape(r.question)}</div></td>'
            f"<td>{status}</td><td>{r.seconds:.0f} s</td><td>{r.figures}</td>"
            "</tr>"
        )
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Influence Lab: report</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .5rem; text-align: left; vertical-align: top; }}
.q {{ color: #555; font-size: .9rem; margin-top: .2rem; }}
.ok {{ color: #1a7f37; }} .bad {{ color: #b42318; font-weight: bold; }}
footer {{ color: #666; font-size: .85rem; margin-top: 2rem; }}
</style></head><body>
<h1>Influence Lab</h1>
<p>Do influence scores measure influence? Each notebook below checks one claim of the 2012 post
"Why Your Klout Score Doesn't Matter (Much)" with data. Every number was computed when this report was built.</p>
<table><thead><tr><th>Notebook</th><th>Status</th><th>Run time</th><th>Figures</th></tr></thead>
<tbody>
{''.join(rows)}
</tbody></table>
<footer>Built {stamp} with influence_lab {__version__}. Executed notebooks: <code>executed/</code>.</footer>
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
