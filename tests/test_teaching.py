"""docs/teaching.md: the course kit a lecturer reads (issue 14): plan, glossary, prompts, answer key, routes."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from influence_lab.course.notebooks import notebooks_in, read, tags_of

ROOT = Path(__file__).resolve().parents[1]
TEXT = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
SECTIONS = ("## Routes to run it", "## A six-session course plan", "## Glossary", "## Discussion prompts",
            "## Answer key and grading notes", "## What each exercise trains", "## Caveats to tell the class")


def section(heading: str) -> str:
    start = TEXT.index(heading)
    following = [TEXT.index(h) for h in SECTIONS if TEXT.index(h) > start]
    return TEXT[start:min(following) if following else len(TEXT)]


def test_every_section_is_there_in_order():
    positions = [TEXT.find(h) for h in SECTIONS]
    assert all(p >= 0 for p in positions), [h for h, p in zip(SECTIONS, positions) if p < 0]
    assert positions == sorted(positions)


@pytest.mark.parametrize("term", ["Spearman", "bootstrap", "PageRank", "complementary CDF", "calibration curve",
                                  "R²", "half-life", "precision", "recall", "assumption ledger", "baseline",
                                  "isotonic", "shuffle"])
def test_the_glossary_defines_the_terms_the_issue_names(term):
    assert term.lower() in section("## Glossary").lower()


def test_six_sessions_and_prompts_and_answers_for_every_notebook():
    plan = section("## A six-session course plan")
    assert len(re.findall(r"^\|\s*[1-6]\s*\|", plan, flags=re.M)) == 6
    for path in notebooks_in(ROOT / "notebooks"):
        number = path.name[:2]
        assert f"### {number}" in section("## Discussion prompts"), number
        assert f"### {number}" in section("## Answer key and grading notes"), number


def test_the_routes_name_commands_that_exist():
    routes = section("## Routes to run it")
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"`make ([a-z-]+)`", routes):
        assert re.search(rf"^{target}:", makefile, flags=re.M), target
    assert "student-copies" in routes and "environment.yml" in routes and "reports/reader" in routes


QUESTION = re.compile(r"\*\*(Question|Exercise) (\d+) \((discussion|computing)\)\.\*\*")


def notebook_questions(path: Path) -> list[tuple[str, int, str]]:
    """(word, number, kind) of each cell tagged "question", in order: ("Question", 1, "discussion"), ..."""
    found = []
    for cell in read(path).cells:
        if "question" in tags_of(cell):
            match = QUESTION.match(cell.source.lstrip())
            assert match, f"{path.name}: a question cell does not start with **Question N (discussion).** or " \
                          f"**Exercise N (computing).**: {cell.source[:80]!r}"
            found.append((match.group(1), int(match.group(2)), match.group(3)))
    return found


def key_subsection(number: str) -> str:
    """The "### NN · Title" subsection of the answer key, up to the next "### "."""
    key = section("## Answer key and grading notes")
    match = re.search(rf"^### {number}\b.*?(?=^### |\Z)", key, flags=re.M | re.S)
    assert match, f"docs/teaching.md: the answer key has no subsection '### {number}'"
    return match.group(0)


def table_rows() -> list[tuple[str, int, str, str]]:
    """(notebook, question, kind, needs code) of each row of the table under "What each exercise trains"."""
    rows = re.findall(r"^\|\s*(\d\d)\s*\|\s*(\d+)\s*\|\s*([a-z]+)\s*\|[^|\n]*\|\s*([a-z]+)\s*\|\s*$",
                      section("## What each exercise trains"), flags=re.M)
    return [(nb, int(n), kind, code) for nb, n, kind, code in rows]


def describe(expected: list, found: list, what: str) -> str:
    """Which items are missing from, or extra in, the doc (counting repeats), or that only the order differs."""
    missing, extra = Counter(expected) - Counter(found), Counter(found) - Counter(expected)
    lines = [f"docs/teaching.md's {what} does not match the notebook's questions:"]
    lines += [f"  missing: {item}" for item in missing.elements()]
    lines += [f"  extra (not in the notebook): {item}" for item in extra.elements()]
    if not missing and not extra:
        lines.append(f"  same entries, wrong order: the notebook has {expected}, the doc {found}")
    lines.append("When a notebook's questions change, update its entries in docs/teaching.md: the answer key's "
                 "subsection and the table under 'What each exercise trains'.")
    return "\n".join(lines)


def test_the_answer_key_and_the_table_list_every_notebook_question():
    """A question added, removed or renumbered in a notebook must be added, removed or renumbered in the doc."""
    header = re.compile(r"^\|\s*notebook\s*\|\s*question\s*\|\s*kind\s*\|\s*skill trained\s*\|\s*needs code\s*\|",
                        flags=re.M)
    assert header.search(section("## What each exercise trains")), \
        "the table's header should be | notebook | question | kind | skill trained | needs code |"
    all_rows = table_rows()
    paths = notebooks_in(ROOT / "notebooks")
    assert paths
    for path in paths:
        number = path.name[:2]
        questions = notebook_questions(path)
        assert questions, f"{path.name}: no cells tagged 'question'"

        expected = [f"**{word} {n} ({kind}).**" for word, n, kind in questions]
        listed = [f"**{word} {n} ({kind}).**" for word, n, kind in QUESTION.findall(key_subsection(number))]
        assert listed == expected, describe(expected, listed, f"answer key, subsection '### {number}' ({path.name})")

        expected_rows = [f"| {number} | {n} | {kind} | ... | {'yes' if kind == 'computing' else 'no'} |"
                         for _, n, kind in questions]
        rows = [f"| {nb} | {n} | {kind} | ... | {code} |" for nb, n, kind, code in all_rows if nb == number]
        assert rows == expected_rows, describe(expected_rows, rows,
                                               f"table under 'What each exercise trains', notebook {number} "
                                               f"({path.name})")
    stray = sorted({row[0] for row in all_rows} - {p.name[:2] for p in paths})
    assert not stray, f"docs/teaching.md's table has rows for notebooks that do not exist: {stray}"
