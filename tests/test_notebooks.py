"""Every notebook of the suite follows the house rules (they are executed by nbmake in `make test`)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
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


# ------------------------------------------------------------------ the house rules, one function each
# Each returns what breaks its rule (empty: the notebook follows it), so the rules are tested on a hand-made
# notebook below as well as applied to every notebook of the suite.


def stored_outputs(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]


def opening_problems(nb) -> list[str]:
    problems = []
    if not title_of(nb):
        problems.append("no title heading")
    if not question_of(nb):
        problems.append("the opening cell must ask a question")
    first_md = "\n".join(c.source for c in nb.cells[:3] if c.cell_type == "markdown")
    if not re.search(r"learning objectives", first_md, re.IGNORECASE):
        problems.append("list learning objectives")
    return problems


def exercise_problems(nb) -> list[str]:
    headings = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and re.search(r"^#+\s*Exercises", c.source, re.M)]
    if not headings:
        return ["no '## Exercises' section"]
    if not any(is_solution(c) for c in nb.cells[headings[-1]:]):
        return ["exercises need solution cells tagged 'solution'"]
    return []


def long_code_cells(nb) -> list[tuple[int, int]]:
    return [
        (i, len(c.source.splitlines()))
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code" and len([line for line in c.source.splitlines() if line.strip()]) > MAX_CODE_LINES
    ]


def relative_data_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and RELATIVE_DATA.search(c.source)]


def uncited_numbers(nb, literature: str) -> list[tuple[int, str]]:
    """Numbers in Markdown cells that are neither from the literature (in a cell that cites it), nor design
    constants, years or single digits; computed numbers are stated with say() in code cells instead."""
    allowed = set(re.findall(r"\d[\d,.]*\d|\d", literature))
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
    return offending


def question_problems(nb) -> list[str]:
    """Two levels of exercises: at least two questions answerable without code (tags ``question`` and
    ``discussion``), at least two computing exercises (``question`` and ``computing``), and a written answer (a
    Markdown cell tagged ``solution``) after every question, before the next one."""
    tags = [set(c.metadata.get("tags", [])) for c in nb.cells]
    questions = [i for i, t in enumerate(tags) if "question" in t]
    problems = []
    for level in ("discussion", "computing"):
        found = sum(level in tags[i] for i in questions)
        if found < 2:
            problems.append(f"{found} {level} question(s); at least 2 are needed")
    for k, i in enumerate(questions):
        end = questions[k + 1] if k + 1 < len(questions) else len(nb.cells)
        if not any(nb.cells[j].cell_type == "markdown" and "solution" in tags[j] for j in range(i + 1, end)):
            problems.append(f"question in cell {i} has no written answer (a Markdown cell tagged 'solution')")
    return problems


READING_NOTE = re.compile(r"^\*How to read this\.\*\s")
MAX_NOTE_SENTENCES, MAX_NOTE_CHARS = 4, 520


def reading_note_problems(nb) -> list[str]:
    """A first reader gets a short note, *How to read this.*, under the figures that need one: at least one per
    notebook, each straight under the code cell that draws its figure, before the exercises, at most
    MAX_NOTE_SENTENCES sentences (a few lines in the reader edition)."""
    problems, notes = [], 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and re.search(r"^#+\s*Exercises", cell.source, re.M):
            break
        if cell.cell_type != "markdown" or not re.match(r"\W*How to read this", cell.source):
            continue
        notes += 1
        if not READING_NOTE.match(cell.source):
            problems.append(f"cell {i}: a reading note starts with '*How to read this.*' (italic, on its own)")
        previous = nb.cells[i - 1] if i else None
        if previous is None or previous.cell_type != "code" or not re.search(r"plotting\.plot_|plt\.show\(", previous.source):
            problems.append(f"cell {i}: a reading note goes straight under the code cell that draws its figure")
        body = re.sub(r"`[^`]*`", "x", READING_NOTE.sub("", cell.source))
        sentences = len(re.findall(r"[.!?](?=\s|$)", body))
        if sentences > MAX_NOTE_SENTENCES or len(cell.source) > MAX_NOTE_CHARS:
            problems.append(f"cell {i}: a reading note is {sentences} sentences, {len(cell.source)} characters; "
                            f"keep it to {MAX_NOTE_SENTENCES} sentences and {MAX_NOTE_CHARS} characters")
    if not notes:
        problems.append("no '*How to read this.*' note under any figure")
    return problems


# ------------------------------------------------------------------ the rules catch what they are for


def hand_made(*cells, kernel: str = "python3") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nb.cells = list(cells)
    return nb


def test_the_readers_find_title_question_solutions_and_notebooks_in_arc_order(tmp_path):
    nb = hand_made(
        nbformat.v4.new_markdown_cell("Some words first.\n\n# Does **reach** matter?"),
        nbformat.v4.new_markdown_cell("> *Is the score fair?*\n\n## Later question?"),
        nbformat.v4.new_code_cell("1 + 1", metadata={"tags": ["solution", "hide"]}),
    )
    assert title_of(nb) == "Does **reach** matter?"  # the first top-level heading, in whichever cell
    assert question_of(nb) == "Does **reach** matter?"  # the first Markdown line ending with '?'
    assert question_of(hand_made(nbformat.v4.new_markdown_cell("> *Is the score fair?*"))) == "Is the score fair?"
    assert title_of(hand_made(nbformat.v4.new_markdown_cell("## Only a section")), "fallback") == "fallback"
    assert [is_solution(c) for c in nb.cells] == [False, False, True]
    for name in ("10_later.ipynb", "02_b.ipynb", "00_a.ipynb", ".~00_a.ipynb", "notes.txt"):
        (tmp_path / name).write_text("{}")
    assert [p.name for p in notebooks_in(tmp_path)] == ["00_a.ipynb", "02_b.ipynb", "10_later.ipynb"]


def test_the_rules_flag_a_notebook_that_breaks_them():
    stored = nbformat.v4.new_code_cell("2 + 2")
    stored.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "4"}, execution_count=1)]
    bad = hand_made(
        nbformat.v4.new_markdown_cell("Scores, seen from a distance."),
        stored,
        nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(MAX_CODE_LINES + 1))),
        nbformat.v4.new_code_cell("pd.read_csv('../data/events.csv.gz')"),
        nbformat.v4.new_markdown_cell("About 37 users in 2012 scored 90; 4,512 did not."),
        nbformat.v4.new_markdown_cell("The literature: 3,600 features (checked), and 1,234 of ours."),
        nbformat.v4.new_markdown_cell("## Exercises\n1. Try 250 users."),
        nbformat.v4.new_code_cell("answer = 42"),
    )
    assert stored_outputs(bad) == [1]
    assert opening_problems(bad) == ["no title heading", "the opening cell must ask a question", "list learning objectives"]
    assert exercise_problems(bad) == ["exercises need solution cells tagged 'solution'"]
    assert exercise_problems(hand_made(nbformat.v4.new_markdown_cell("# T"))) == ["no '## Exercises' section"]
    assert long_code_cells(bad) == [(2, MAX_CODE_LINES + 1)]
    assert relative_data_cells(bad) == [3]
    literature = "over 3,600 features"
    # uncited 37 and 4,512; a year, a design constant and the cited 3,600 pass; 1,234 is not in the literature;
    # the exercises state no findings
    assert uncited_numbers(bad, literature) == [(4, "37"), (4, "4,512"), (5, "1,234")]
    good = hand_made(
        nbformat.v4.new_markdown_cell("# Title\n\nDoes it work?\n\n## Learning objectives\n- one"),
        nbformat.v4.new_code_cell("\n".join(f"x{i} = {i}" for i in range(MAX_CODE_LINES)) + "\n\n"),
        nbformat.v4.new_markdown_cell("## Exercises"),
        nbformat.v4.new_code_cell("answer = 42", metadata={"tags": ["solution"]}),
    )
    assert not (stored_outputs(good) or opening_problems(good) or exercise_problems(good) or long_code_cells(good)
                or relative_data_cells(good) or uncited_numbers(good, literature))


def test_the_question_rule_counts_levels_and_written_answers():
    def q(level, i):
        return nbformat.v4.new_markdown_cell(f"Question {i}", metadata={"tags": ["question", level]})

    def answer():
        return nbformat.v4.new_markdown_cell("Answer.", metadata={"tags": ["solution"]})

    code_only = nbformat.v4.new_code_cell("1", metadata={"tags": ["solution"]})
    nb = hand_made(q("discussion", 1), answer(), q("discussion", 2), answer(), q("computing", 3), code_only,
                   q("computing", 4), answer(), code_only)
    assert question_problems(nb) == ["question in cell 4 has no written answer (a Markdown cell tagged 'solution')"]
    assert question_problems(hand_made(q("discussion", 1), answer())) == [
        "1 discussion question(s); at least 2 are needed", "0 computing question(s); at least 2 are needed"]


def test_the_reading_note_rule_wants_a_short_note_under_a_figure():
    figure = nbformat.v4.new_code_cell("plotting.plot_scores(table, title='t')\nplt.show()")
    note = nbformat.v4.new_markdown_cell("*How to read this.* Each dot is one account. Higher is better.")
    assert reading_note_problems(hand_made(figure, note)) == []
    assert reading_note_problems(hand_made(figure)) == ["no '*How to read this.*' note under any figure"]
    loose = nbformat.v4.new_markdown_cell("**How to read this.** " + "A sentence. " * 5)
    assert reading_note_problems(hand_made(nbformat.v4.new_code_cell("x = 1"), loose)) == [
        "cell 1: a reading note starts with '*How to read this.*' (italic, on its own)",
        "cell 1: a reading note goes straight under the code cell that draws its figure",
        "cell 1: a reading note is 5 sentences, 82 characters; keep it to 4 sentences and 520 characters"]


# ------------------------------------------------------------------ every notebook of the suite follows them


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request):
    return request.param, read(request.param)


def test_kernelspec_and_no_outputs(notebook):
    path, nb = notebook
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", path.name
    stored = stored_outputs(nb)
    assert not stored, f"{path.name}: cells {stored} carry outputs; clear them before committing"


def test_opens_with_question_and_objectives(notebook):
    path, nb = notebook
    assert not opening_problems(nb), f"{path.name}: {opening_problems(nb)}"


def test_ends_with_exercises_and_tagged_solutions(notebook):
    path, nb = notebook
    assert not exercise_problems(nb), f"{path.name}: {exercise_problems(nb)}"


def test_code_cells_are_short(notebook):
    path, nb = notebook
    long = long_code_cells(nb)
    assert not long, f"{path.name}: cells longer than {MAX_CODE_LINES} lines belong in the package: {long}"


def test_no_relative_data_paths(notebook):
    path, nb = notebook
    bad = relative_data_cells(nb)
    assert not bad, f"{path.name}: cells {bad} read data by relative path; use influence_lab loaders"


def test_static_prose_states_no_uncited_numbers(notebook):
    """Numbers in Markdown cells are either from the literature (docs/literature.md), in a cell that cites it, or
    computed with say()."""
    path, nb = notebook
    offending = uncited_numbers(nb, LITERATURE.read_text())
    assert not offending, (
        f"{path.name}: numbers in static Markdown that are neither from docs/literature.md nor computed: "
        f"{offending}; state computed numbers with influence_lab.course.narrative.say()"
    )


def test_exercises_at_two_levels_with_written_answers(notebook):
    """Every notebook: at least two questions a class answers from the figures and prose (no code), at least two
    computing exercises, and a written answer to each."""
    path, nb = notebook
    problems = question_problems(nb)
    assert not problems, f"{path.name}: {problems}"


def test_hard_figures_carry_a_short_reading_note(notebook):
    path, nb = notebook
    problems = reading_note_problems(nb)
    assert not problems, f"{path.name}: {problems}"
