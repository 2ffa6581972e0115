"""The README's own-data walk-through runs as written, and the warnings it quotes are what the command prints."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from influence_lab import cli

ROOT = Path(__file__).resolve().parents[1]
SECTION = ROOT.joinpath("README.md").read_text().split("## For analysts bringing their own data", 1)[1]


def _command() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", SECTION, re.S).group(1)
    folder = re.search(r"^F=(\S+)$", block, re.M).group(1)
    command = block.split("influence-lab score", 1)[1].replace("\\\n", " ")
    return ["score", *[str(ROOT / folder) if part == "$F" else part for part in shlex.split(command)]]


def _quoted_warnings() -> list[str]:
    block = re.search(r"```\n(warning:.*?)```", SECTION, re.S).group(1)
    starts = [line for line in block.splitlines() if line.startswith("warning:")]
    # Each quoted line is the start of a printed warning, cut at " ..." or at the README's line break.
    return [re.split(r" \.\.\.|\s*$", line, maxsplit=1)[0] for line in starts]


def test_the_readme_command_runs_and_prints_the_warnings_it_quotes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = _command()
    assert "--out" in args and "--plot" in args
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    printed = [line.strip() for line in out.splitlines()]
    quoted = _quoted_warnings()
    assert len(quoted) >= 4
    for start in quoted:
        assert any(line.startswith(start) for line in printed), f"README quotes {start!r}; the command printed:\n{out}"
    assert (tmp_path / "scores.csv").exists() and (tmp_path / "timeline.png").read_bytes()[:4] == b"\x89PNG"
