"""Every notebook of the suite follows the house rules (they are executed by nbmake in `make test`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from influence_lab.course.notebooks import is_solution, notebooks_in, question_of, read, title_of

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = notebooks_in(ROOT / "notebooks")
LITERATURE = ROOT / "docs" / "literature.md"
MAX_CODE_LINES = 15
# Numbers of the design itself, not results: the 90-day window, the 1-100 scale and top-100 lists, Kred's 1-1,000.
DESIGN_CONSTANTS = {"90", "100", "1,000"}

# Relative data paths a notebook must not use: the package resolves data.
RELATIVE_DATA = re.compile(r"""["'](\.\./|\./)?(data|datasets|shared)/""")


def test_the_suite_exists():
    names = [p.name for p in NOTEBOOKS]
    assert any(n.startswith("00_") for n in names), names


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return request.param, read(request.param)


def test_kernelspec_and_no_outputs(notebook):
    path, nb = notebook
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", path.name
    stored = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not stored, f"{path.name}: cells {stored} carry outputs; clear them before committing"


def test_opens_with_question_and_objectives(notebook):
    path, nb = notebook
    assert title_of(nb), f"{path.name} has no title heading"
    assert question_of(nb), f"{path.name}: the opening cell must ask a question"
    first_md = "\n".join(c.source for c in nb.cells[:3] if c.cell_type == "markdown")
    assert re.search(r"learning objectives", first_md, re.IGNORECASE), f"{path.name}: list learning objectives"


def test_ends_with_exercises_and_tagged_solutions(notebook):
    path, nb = notebook
    headings = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and re.search(r"^#+\s*Exercises", c.source, re.M)]
    assert headings, f"{path.name}: no '## Exercises' section"
    after = nb.cells[headings[-1]:]
    assert any(is_solution(c) for c in after), f"{path.name}: exercises need solution cells tagged 'solution'"


def test_code_cells_are_short(notebook):
    path, nb = notebook
    long = [
        (i, len(c.source.splitlines()))
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and len([l for l in c.source.splitlines() if l.strip()]) > MAX_CODE_LINES
    ]
    assert not long, f"{path.name}: cells longer than {MAX_CODE_LINES} lines belong in the package: {long}"


def test_no_relative_data_paths(notebook):
    path, nb = notebook
    bad = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and RELATIVE_DATA.search(c.source)]
    assert not bad, f"{path.name}: cells {bad} read data by relative path; use influence_lab loaders"


def test_static_prose_states_no_uncited_numbers(notebook):
    """Numbers in Markdown cells are either from the literature (docs/literature.md), in a cell that cites it, or
    computed with say()."""
    path, nb = notebook
    allowed = set(re.findall(r"\d[\d,.]*\d|\d", LITERATURE.read_text()))
    offending = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and re.search(r"^#+\s*Exercises", cell.source, re.M):
            break  # exercises set tasks (sizes, parameters); they state no findings
        if cell.cell_type != "markdown" or is_solution(cell):
            continue
        text = re.sub(r"`[^`]*`", "", cell.source)  # code spans name things (notebook 03, 90-day window)
        text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
        text = re.sub(r"SHA-256|\b0\d\b", "", text)  # the hash's name; notebook numbers (00-09)
        text = re.sub(r"^#+ .*$", "", text, flags=re.M) if i > 0 else text
        for number in re.findall(r"(?<![\w.])\d[\d,.]*\d(?![\w])|(?<![\w.])\d(?![\w.])", text):
            value = number.rstrip(".,")
            cites = re.search(r"literature|checked", cell.source, re.IGNORECASE) is not None
            if (
                re.fullmatch(r"(19|20)\d\d", value)
                or value in DESIGN_CONSTANTS
                or (cites and value in allowed)
                or len(value) == 1
            ):
                continue
            offending.append((i, value))
    assert not offending, (
        f"{path.name}: numbers in static Markdown that are neither from docs/literature.md nor computed: "
        f"{offending}; state computed numbers with influence_lab.course.narrative.say()"
    )
