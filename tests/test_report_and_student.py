"""The report builder and the student copies, on a tiny notebook."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from influence_lab.course.report import build_report
from influence_lab.course.student import EXERCISE_STUB, student_copy, write_student_copies


def tiny_notebook(fail: bool = False) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Tiny\n\nDoes two plus two make four?\n\n## Learning objectives\n- add"),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n"
            "plt.plot([1, 2]); plt.title('A line goes up'); plt.show()"
        ),
        nbformat.v4.new_code_cell("raise RuntimeError('boom')" if fail else "2 + 2"),
        nbformat.v4.new_markdown_cell("## Exercises\n1. Add three."),
        nbformat.v4.new_code_cell("3 + 3", metadata={"tags": ["solution"]}),
        nbformat.v4.new_markdown_cell("Because 3 + 3 = 6.", metadata={"tags": ["solution"]}),
    ]
    return nb


def test_student_copy_removes_solutions_and_outputs():
    nb = tiny_notebook()
    nb.cells[2].outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "4"}, execution_count=1)]
    copy, removed = student_copy(nb)
    assert removed == 2
    sources = [c.source for c in copy.cells]
    assert "3 + 3" not in sources and "Because 3 + 3 = 6." not in sources
    assert EXERCISE_STUB in sources
    assert all(not c.get("outputs") for c in copy.cells if c.cell_type == "code")
    assert nb.cells[4].source == "3 + 3"  # original untouched


def test_write_student_copies_only_into_out(tmp_path: Path):
    src = tmp_path / "nbs"
    src.mkdir()
    nbformat.write(tiny_notebook(), str(src / "00_tiny.ipynb"))
    out = tmp_path / "student"
    report = write_student_copies(src, out)
    assert report == {"00_tiny.ipynb": 2}
    assert sorted(p.name for p in out.iterdir()) == ["00_tiny.ipynb"]
    assert sorted(p.name for p in src.iterdir()) == ["00_tiny.ipynb"]


@pytest.mark.slow
def test_report_executes_and_links_pages(tmp_path: Path):
    src = tmp_path / "nbs"
    src.mkdir()
    nbformat.write(tiny_notebook(), str(src / "00_tiny.ipynb"))
    nbformat.write(tiny_notebook(fail=True), str(src / "01_broken.ipynb"))
    results = build_report(src, tmp_path / "site", timeout=120)
    index = (tmp_path / "site" / "index.html").read_text()
    assert 'href="00_tiny.html"' in index and 'href="01_broken.html"' in index
    assert "Does two plus two make four?" in index
    ok, broken = results
    assert ok.error is None and ok.figures == 1
    assert broken.error and "boom" in broken.error
    page = (tmp_path / "site" / "00_tiny.html").read_text()
    assert "data:image/png;base64" in page  # the figure is embedded, visible offline
    # the committed notebook was not modified
    assert not any(c.get("outputs") for c in nbformat.read(str(src / "00_tiny.ipynb"), 4).cells if c.cell_type == "code")


def _with_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": f"out {i}"},
                                                   execution_count=i)]
            cell.execution_count = i
    return nb


def test_student_copies_keep_outputs_only_when_asked_and_never_a_solutions():
    nb = _with_outputs(tiny_notebook())
    blank, _ = student_copy(nb)
    assert all(not c.outputs for c in blank.cells if c.cell_type == "code")
    kept, removed = student_copy(nb, keep_outputs=True)
    assert removed == 2
    assert not any("solution" in c.metadata.get("tags", []) for c in kept.cells)
    code = [c for c in kept.cells if c.cell_type == "code"]
    assert [bool(c.outputs) for c in code] == [True, True, False]  # the exercise stub has no output
    texts = [o["data"]["text/plain"] for c in code for o in c.outputs]
    assert "out 4" not in texts  # the solution's output went with it


def test_the_student_copies_command(tmp_path: Path, capsys):
    from influence_lab.cli import main

    src = tmp_path / "nbs"
    src.mkdir()
    nbformat.write(_with_outputs(tiny_notebook()), str(src / "00_tiny.ipynb"))
    assert main(["student-copies", str(tmp_path / "class"), "--notebooks", str(src)]) == 0
    copy = nbformat.read(str(tmp_path / "class" / "00_tiny.ipynb"), as_version=4)
    assert not any(c.get("outputs") for c in copy.cells) and "1 solution" not in capsys.readouterr().out
    assert main(["student-copies", str(tmp_path / "kept"), "--notebooks", str(src), "--keep-outputs"]) == 0
    kept = nbformat.read(str(tmp_path / "kept" / "00_tiny.ipynb"), as_version=4)
    assert sum(bool(c.get("outputs")) for c in kept.cells) == 2
    assert main(["student-copies", str(src), "--notebooks", str(src)]) == 2  # never over the originals
    assert "overwrite the originals" in capsys.readouterr().err
    assert main(["student-copies", str(tmp_path / "x"), "--notebooks", str(tmp_path / "empty")]) == 2


def test_student_copies_of_the_suite_hold_no_solutions(tmp_path: Path):
    root = Path(__file__).resolve().parents[1] / "notebooks"
    report = write_student_copies(root, tmp_path / "class")
    assert set(report) == {p.name for p in root.glob("*.ipynb")}
    for path in (tmp_path / "class").glob("*.ipynb"):
        nb = nbformat.read(str(path), as_version=4)
        assert not any("solution" in c.metadata.get("tags", []) for c in nb.cells), path.name
        assert report[path.name] > 0, f"{path.name} has no solution cells to remove"


@pytest.mark.slow
def test_report_flags_figures_with_text_under_10_points(tmp_path: Path):
    """Every figure a notebook displays is checked in its kernel: one shown by plt.show() inside the cell, one
    flushed at the end of the cell; only the one with 8-pt tick labels is reported, by its title."""
    nb = tiny_notebook()
    nb.cells[1:2] = [
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\nfrom influence_lab.course import plotting\n"
                                  "plotting.set_theme()"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots()\nax.plot([1, 2]); ax.set_title('Readable')\nplt.show()"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots()\nax.plot([1, 2]); fig.suptitle('Tiny ticks')\n"
                                  "ax.tick_params(labelsize=8)"),
    ]
    src = tmp_path / "nbs"
    src.mkdir()
    nbformat.write(nb, str(src / "00_tiny.ipynb"))
    (result,) = build_report(src, tmp_path / "site", timeout=120, reader=False)
    assert result.error is None and result.figures == 2
    audit = json.loads((tmp_path / "site" / "figure_text.json").read_text())
    assert [entry["figure"] for entry in audit["00_tiny.ipynb"]] == ["Tiny ticks"]
    assert {size for _, size in audit["00_tiny.ipynb"][0]["small_text"]} == {8.0}


def test_small_text_finds_what_is_under_the_floor():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from influence_lab.course import plotting

    fig, ax = plt.subplots()
    ax.plot([0, 1], label="a line")
    ax.set_title("big enough", fontsize=12)
    ax.tick_params(labelsize=10)
    ax.set_xlabel("x", fontsize=10)
    ax.set_ylabel("y", fontsize=10)
    ax.legend(fontsize=10)
    assert plotting.small_text(fig) == []
    ax.legend(fontsize=9)
    assert plotting.small_text(fig) == [("a line", 9.0)]
    assert plotting.small_text(fig, min_points=8) == []
    plt.close(fig)


def test_overlapping_titles_finds_panel_titles_drawn_over_each_other():
    """Notebook 03's memory grid once set long one-line panel titles that ran into their neighbours."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from influence_lab.course import plotting

    long = "14-day window: dip 12.1 (swing before 3.5), a long title"
    fig, axes = plt.subplots(1, 3, figsize=(9, 3))
    for ax in axes:
        ax.set_title(long, fontsize=10)
    clashes = plotting.overlapping_titles(fig)
    assert len(clashes) == 2 and all(pair == (long, long) for pair in clashes)  # neighbours, not the far pair
    for ax in axes:
        ax.set_title("14-day window\ndip 12.1", fontsize=10)
    fig.suptitle("the finding")
    fig.tight_layout()
    assert plotting.overlapping_titles(fig) == []
    plt.close(fig)


def test_small_text_reads_each_figure_as_it_shows_on_a_slide():
    """A figure wider than a 16:9 slide shrinks to fit it, and its 10-pt text with it; a small figure is not
    credited for being enlarged."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from influence_lab.course import plotting

    wide, ax = plt.subplots(figsize=(20, 3))
    ax.set_title("ten points", fontsize=10)
    ax.tick_params(labelsize=16)  # still 10 pt or more once shrunk
    wide.tight_layout()  # the axes fill the figure, so its drawn extent is about 20 inches wide
    scale = plotting.slide_scale(wide)
    assert 13.33 / 20.5 < scale < 13.33 / 19.5
    assert plotting.small_text(wide) == [("ten points", round(10 * scale, 1))]
    assert plotting.small_text(wide, slide=None) == []
    small, ax = plt.subplots(figsize=(4, 3))
    ax.set_title("nine points", fontsize=9)
    assert plotting.slide_scale(small) == 1.0 and plotting.small_text(small) == [("nine points", 9.0)]
    plt.close("all")
