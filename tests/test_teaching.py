"""docs/teaching.md: the course kit a lecturer reads (issue 14): plan, glossary, prompts, answer key, routes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from influence_lab.course.notebooks import notebooks_in

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
