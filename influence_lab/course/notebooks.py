"""Reading notebooks: their title, opening question, tags. Shared by the report and student copies."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

SOLUTION_TAG = "solution"


def read(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook (format 4)."""
    return nbformat.read(str(path), as_version=4)


def notebooks_in(folder: str | Path) -> list[Path]:
    """The suite's notebooks in arc order (file names start with their number)."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))


def title_of(nb: nbformat.NotebookNode, default: str = "") -> str:
    """The first Markdown heading of a notebook."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#\s+(.+)$", cell.source, flags=re.MULTILINE)
            if match:
                return match.group(1).strip()
    return default


def question_of(nb: nbformat.NotebookNode) -> str:
    """The notebook's opening question: the first Markdown line that ends with '?'."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for paragraph in re.split(r"\n\s*\n|\n(?=#)", cell.source):  # a question may wrap over lines
            text = " ".join(line.strip() for line in paragraph.splitlines()).lstrip("#>*_ ").rstrip("*_ ")
            if text.endswith("?"):
                return text
    return ""


def tags_of(cell: nbformat.NotebookNode) -> list[str]:
    """A cell's tags (empty list if none)."""
    return list(cell.get("metadata", {}).get("tags", []))


def is_solution(cell: nbformat.NotebookNode) -> bool:
    """True for cells tagged as exercise solutions."""
    return SOLUTION_TAG in tags_of(cell)
