"""Make student copies of the notebooks: solutions taken out, outputs cleared unless asked to keep them.

``influence-lab student-copies OUTDIR`` (what ``make student`` runs; also
``python -m influence_lab.course.student --notebooks notebooks --out student``). A code cell tagged
``solution`` becomes an empty exercise cell; a Markdown cell tagged ``solution`` (a written answer) is
removed. Every other output is cleared by default; ``--keep-outputs`` keeps them, so that students who do not
code get the figures and tables: run it on executed notebooks (``make report`` writes them to
``reports/executed/``; ``make student-outputs`` does both). The originals are not touched; the copies are
written only into the output folder.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from influence_lab.course.notebooks import SOLUTION_TAG, is_solution, notebooks_in, read

EXERCISE_STUB = "# Your answer here\n"


def student_copy(nb: nbformat.NotebookNode, *, keep_outputs: bool = False) -> tuple[nbformat.NotebookNode, int]:
    """Return a copy of ``nb`` without solutions (nor their outputs), and how many solution cells were removed.

    Every other code cell loses its outputs too unless ``keep_outputs``."""
    out = copy.deepcopy(nb)
    cells = []
    removed = 0
    for cell in out.cells:
        if is_solution(cell):
            removed += 1
            if cell.cell_type != "code":
                continue
            tags = [t for t in cell.metadata.get("tags", []) if t != SOLUTION_TAG] + ["exercise"]
            cell = nbformat.v4.new_code_cell(EXERCISE_STUB, metadata={"tags": tags})
        if cell.cell_type == "code" and (not keep_outputs or is_solution(cell) or "exercise" in cell.metadata.get(
                "tags", [])):
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    out.cells = cells
    return out, removed


def write_student_copies(notebooks: Path, out: Path, *, keep_outputs: bool = False) -> dict[str, int]:
    """Write a student copy of each notebook into ``out``; return solutions removed per notebook."""
    if Path(out).resolve() == Path(notebooks).resolve():
        raise ValueError(f"student copies: the output folder {out} is the notebooks folder; the copies would "
                         "overwrite the originals. How to fix: choose another folder, e.g. student/.")
    out.mkdir(parents=True, exist_ok=True)
    report = {}
    for path in notebooks_in(notebooks):
        copy_nb, removed = student_copy(read(path), keep_outputs=keep_outputs)
        nbformat.write(copy_nb, str(out / path.name))
        report[path.name] = removed
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    parser.add_argument("--out", type=Path, default=Path("student"))
    parser.add_argument("--keep-outputs", action="store_true",
                        help="keep the outputs of every cell but the solutions (use on executed notebooks)")
    args = parser.parse_args(argv)
    return run(args.notebooks, args.out, keep_outputs=args.keep_outputs)


def run(notebooks: Path, out: Path, *, keep_outputs: bool = False) -> int:
    """Write the copies and print what was done (the command line's ``student-copies``); the exit code."""
    if not notebooks_in(notebooks):
        print(f"student copies: no notebooks in {notebooks}. How to fix: pass --notebooks DIR with .ipynb files "
              "(run `make report` first for executed ones).", file=sys.stderr)
        return 2
    try:
        report = write_student_copies(notebooks, out, keep_outputs=keep_outputs)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if keep_outputs and not any(c.get("outputs") for p in notebooks_in(out) for c in read(p).cells
                                if c.cell_type == "code"):
        print(f"note: --keep-outputs, but the notebooks in {notebooks} hold no outputs (they were never run). "
              "Run `make report` and pass --notebooks reports/executed.", file=sys.stderr)
    for name, removed in report.items():
        print(f"{name}: {removed} solution cell(s) removed")
    print(f"wrote {len(report)} student notebooks to {out}")
    return 0 if report else 2


if __name__ == "__main__":
    sys.exit(main())
