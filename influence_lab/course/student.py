"""Make student copies of the notebooks: outputs cleared, solutions taken out.

``python -m influence_lab.course.student --notebooks notebooks --out student`` (what
``make student`` runs). A code cell tagged ``solution`` becomes an empty
exercise cell; a Markdown cell tagged ``solution`` is removed. The originals
are not touched; the copies are written only into ``--out``.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import nbformat

from influence_lab.course.notebooks import SOLUTION_TAG, is_solution, notebooks_in, read

EXERCISE_STUB = "# Your answer here\n"


def student_copy(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """Return a copy of ``nb`` without outputs or solutions, and how many solution cells were removed."""
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
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cells.append(cell)
    out.cells = cells
    return out, removed


def write_student_copies(notebooks: Path, out: Path) -> dict[str, int]:
    """Write a student copy of each notebook into ``out``; return solutions removed per notebook."""
    out.mkdir(parents=True, exist_ok=True)
    report = {}
    for path in notebooks_in(notebooks):
        copy_nb, removed = student_copy(read(path))
        nbformat.write(copy_nb, str(out / path.name))
        report[path.name] = removed
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    parser.add_argument("--out", type=Path, default=Path("student"))
    args = parser.parse_args(argv)
    report = write_student_copies(args.notebooks, args.out)
    for name, removed in report.items():
        print(f"{name}: {removed} solution cell(s) removed")
    print(f"wrote {len(report)} student notebooks to {args.out}")
    return 0 if report else 2


if __name__ == "__main__":
    sys.exit(main())
