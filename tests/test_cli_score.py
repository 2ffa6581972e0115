"""``influence-lab score``: what it prints, what it writes, and how it fails.

Every test runs in its own empty working folder (``tmp_path``). Failures must exit 1 (the input
cannot be read) or 2 (a usage error) with one ``influence-lab: error:`` paragraph and no traceback,
and leave nothing behind but the inputs. One test runs the installed command on the forum example.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import influence_lab
from influence_lab import cli, paths
from influence_lab.datasets.importers.examples import example_path

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
#: The small export's own column names and kind values, and the options that read it.
OPTIONS = {
    "columns": {"timestamp": "when", "actor_id": "who", "target_id": "whom", "kind": "what", "post_id": "post"},
    "kinds": {"POST": "post", "RT": "reshare", "RE": "reply", "FAV": "like"},
    "timezone": "UTC",
}
ARGS = ["--columns", "timestamp=when,actor_id=who,target_id=whom,kind=what,post_id=post",
        "--kinds", "POST=post,RT=reshare,RE=reply,FAV=like", "--timezone", "UTC"]
FORUM_ARGS = ["--columns", "timestamp=when,actor_id=who,target_id=whom,kind=what,post_id=post",
              "--kinds", "question=post,answer=reply,comment=reply", "--timezone", "America/New_York",
              "--ambiguous-times", "earlier"]


def small_export() -> str:
    """Six accounts over 120 days: a, b and c post; everyone reacts to their posts (naive UTC times)."""
    rng = np.random.default_rng(7)
    start = pd.Timestamp("2012-07-01 08:00")
    rows = []
    for n, day in enumerate(range(0, 120, 6)):
        author = "abc"[n % 3]
        post = f"p{n}"
        rows.append((start + pd.Timedelta(days=day), author, "", "POST", post))
        for reactor in "abcdef":
            if reactor != author and rng.random() < 0.25 + 0.15 * "abc".index(author):
                kind = rng.choice(["RT", "RE", "FAV"])
                rows.append((start + pd.Timedelta(days=day, hours=1 + int(rng.integers(0, 20))), reactor, author,
                             kind, post))
    frame = pd.DataFrame(rows, columns=["when", "who", "whom", "what", "post"]).sort_values("when", kind="stable")
    frame["when"] = frame["when"].dt.strftime("%Y-%m-%d %H:%M:%S")
    frame["client"] = "web"
    return frame.to_csv(index=False, lineterminator="\n")


@pytest.fixture(autouse=True)
def workdir(tmp_path, monkeypatch, tmp_path_factory):
    """An empty working folder per test, and a cache outside it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path_factory.mktemp("cache")))
    return tmp_path


@pytest.fixture
def export(workdir) -> Path:
    path = workdir / "export.csv"
    path.write_text(small_export(), encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def printed_ids(out: str) -> list[str]:
    """The user ids of the printed ranked table, in order."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["user_id"])
    ids = []
    for line in lines[start + 1:]:
        if not line.strip() or line.startswith(("...", "Wrote")):
            break
        ids.append(line.split()[0])
    return ids


def read_table(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, index_col="user_id", dtype={"user_id": str})


def assert_same_table(written: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(written, expected, check_dtype=False, check_index_type=False, check_exact=True)


# --------------------------------------------------------------------------- what it prints and writes


def test_score_prints_findings_then_the_ranked_table(capsys, export):
    code, out, err = run(capsys, "score", export, *ARGS)
    assert code == 0, err
    report = influence_lab.score(export, "klout", warn=False, **OPTIONS)
    assert out.startswith("export: 6 accounts, ")
    section = out.split("What this data can support:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section == [f"  {f}" for f in report.diagnostics.findings]
    assert section[0].startswith("  info: window: the whole span of the data")
    assert "  info: columns not used (not mapped to a contract field): ['client']." in section
    assert printed_ids(out) == list(report.table.index)
    header = out.split("\n\n", 1)[1].splitlines()[0].split()
    assert header == ["rank", "klout_score", "followers", "posts", "reactions_received", "unique_engagers"]
    # Warnings are also said on stderr, once each, as "influence-lab: warning: ...".
    warned = [line for line in err.splitlines() if line.startswith("influence-lab: ")]
    assert warned == [f"influence-lab: {f}" for f in report.warnings] and warned
    assert all(line.startswith("influence-lab: warning:") for line in warned)


def test_out_writes_the_ranked_table_of_score(capsys, export, workdir):
    code, out, err = run(capsys, "score", export, *ARGS, "--out", "ranked.csv")
    assert code == 0, err
    report = influence_lab.score(export, "klout", warn=False, **OPTIONS)
    assert f"Wrote {len(report.table)} ranked users to ranked.csv" in out
    assert_same_table(read_table(workdir / "ranked.csv"), report.table)


def test_top_limits_the_printed_rows(capsys, export):
    code, out, _ = run(capsys, "score", export, *ARGS, "--top", "2")
    assert code == 0 and len(printed_ids(out)) == 2
    assert "... 4 more users (--top N shows more; --out FILE writes all)" in out


def test_plot_writes_a_png_of_the_users_timeline(capsys, export, workdir):
    code, out, err = run(capsys, "score", export, *ARGS, "--plot", "x.png", "--user", "a", "--user", "b")
    assert code == 0, err
    assert (workdir / "x.png").read_bytes()[:8] == PNG_MAGIC
    assert "Wrote the timeline of a, b to x.png" in out


def test_recipe_all_ranks_by_klout_beside_every_recipe(capsys, export, workdir):
    code, out, err = run(capsys, "score", export, *ARGS, "--recipe", "all", "--out", "all.csv")
    assert code == 0, err
    header = out.split("\n\n", 1)[1].splitlines()[0].split()
    assert header[:6] == ["rank", "klout_score", "kred_score", "snp_score", "network_score", "robust_score"]
    report = influence_lab.score(export, "all", warn=False, **OPTIONS)
    assert_same_table(read_table(workdir / "all.csv"), report.table)
    for name in ("kred", "snp", "network", "robust"):
        assert f"  info: [{name}] " in out or f"  warning: [{name}] " in out  # each recipe's findings


def test_window_90d_scores_the_last_90_days(capsys, export, workdir):
    code, out, err = run(capsys, "score", export, *ARGS, "--window", "90D", "--out", "w.csv")
    assert code == 0, err
    assert "  info: window: 90 days (as asked)." in out
    short = influence_lab.score(export, "klout", window="90D", warn=False, **OPTIONS)
    whole = influence_lab.score(export, "klout", window="all", warn=False, **OPTIONS)
    written = read_table(workdir / "w.csv")
    assert_same_table(written, short.table)
    assert written["reactions_received"].sum() < whole.table["reactions_received"].sum()  # the export spans 120 days


# --------------------------------------------------------------------------- how it fails


def _write(name: str, content: bytes | str):
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return make


def _zip_without_export(folder: Path) -> Path:
    path = folder / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "these are my holiday photos")
        archive.writestr("photos/1.jpg", b"\xff\xd8\xff" + bytes(100))
    return path


_GARBAGE = np.random.default_rng(0).bytes(4096)

FAILURES = {
    # id: (make the input in the folder -> its path, extra arguments, a phrase the error must contain)
    "missing file": (lambda folder: folder / "nowhere.csv", [], "no such file"),
    "empty file": (_write("empty.csv", ""), [], "is empty"),
    "blank file": (_write("blank.csv", "\n  \n"), [], "is empty"),
    "binary garbage": (_write("garbage.csv", _GARBAGE), [], "binary data"),
    "garbage without NUL": (_write("garbage2.csv", _GARBAGE.replace(b"\x00", b"")), [], "does not look like text"),
    "gzip": (_write("export.csv.gz", gzip.compress(b"timestamp,actor_id\n")), [], "binary data"),
    "fake parquet": (_write("export.parquet", b"PAR1" + _GARBAGE), [], "not a readable Parquet"),
    "unmapped columns": (_write("unmapped.csv", "when,who,whom,what\n2012-07-01T09:00:00Z,a,,post\n"), [],
                         "--columns timestamp=<column>"),
    "naive times": (_write("naive.csv", "timestamp,actor_id,target_id,kind\n2012-07-01 09:00:00,a,,post\n"), [],
                    "--timezone"),
    "unknown kind": (_write("kinds.csv", "timestamp,actor_id,target_id,kind\n2012-07-01T09:00:00Z,a,,post\n"
                            "2012-07-01T10:00:00Z,b,a,upvote\n"), [], "--kinds upvote=reply"),
    "zip not an export": (_zip_without_export, [], "neither an X archive"),
    "fake zip": (_write("export.zip", b"PK\x03\x04" + _GARBAGE), [], "not a readable zip"),
    "unknown timezone": (_write("naive2.csv", "timestamp,actor_id,target_id,kind\n2012-07-01 09:00:00,a,,post\n"),
                         ["--timezone", "Mars/Olympus"], "unknown time zone"),
    "option of another format": (_write("posts.csv", "timestamp,actor_id,target_id,kind\n"
                                        "2012-07-01T09:00:00Z,a,,post\n"), ["--account", "me"], "account"),
}


def assert_one_error_paragraph(out: str, err: str) -> None:
    assert err.startswith("influence-lab: error: ") and err.count("influence-lab: error:") == 1
    assert "\n\n" not in err.strip() and "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize("case", list(FAILURES))
def test_an_unreadable_input_exits_1_with_one_paragraph_and_writes_nothing(capsys, workdir, case):
    make, extra, phrase = FAILURES[case]
    path = make(workdir)
    before = listing(workdir)
    code, out, err = run(capsys, "score", path.name, *extra, "--out", "ranked.csv")
    assert code == 1, (out, err)
    assert_one_error_paragraph(out, err)
    assert phrase in err
    assert listing(workdir) == before


@pytest.mark.parametrize("argv, phrase", [
    (["--columns", "timestamp"], "'timestamp' is not NAME=VALUE"),
    (["--kinds", "answer=,question=post"], "--kinds"),
    (["--plot", "x.png"], "--user ID"),
    (["--user", "a"], "--plot FILE.png"),
    (["--window", "ninety"], "90D"),
], ids=["columns", "kinds", "plot without user", "user without plot", "window"])
def test_a_malformed_option_exits_2_and_writes_nothing(capsys, export, workdir, argv, phrase):
    before = listing(workdir)
    code, out, err = run(capsys, "score", export.name, *argv, "--out", "ranked.csv")
    assert code == 2, (out, err)
    assert_one_error_paragraph(out, err)
    assert phrase in err
    assert listing(workdir) == before


def test_an_unknown_plot_user_exits_1_and_writes_nothing(capsys, export, workdir):
    before = listing(workdir)
    code, out, err = run(capsys, "score", export.name, *ARGS, "--out", "ranked.csv", "--plot", "x.png",
                         "--user", "nobody")
    assert code == 1 and "--user nobody: no such account" in err
    assert listing(workdir) == before


def test_plot_with_a_recipe_without_timeline_names_recipes_that_have_one(capsys, export):
    code, out, err = run(capsys, "score", export.name, *ARGS, "--recipe", "network", "--plot", "x.png",
                         "--user", "a")
    assert code == 1 and "the network recipe has no day-by-day timeline" in err
    suggested = err.split("put one of", 1)[1].split("first in --recipe", 1)[0]
    assert "network" not in suggested and "klout" in suggested


# --------------------------------------------------------------------------- the installed command


def test_installed_command_scores_the_forum_example(workdir):
    command = Path(sys.executable).with_name("influence-lab")
    assert command.is_file(), command
    env = {**os.environ, "MPLBACKEND": "Agg"}
    result = subprocess.run([str(command), "score", str(example_path("forum_export.csv")), *FORUM_ARGS,
                             "--recipe", "kred", "--out", "forum.csv"],
                            cwd=workdir, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    warned = [line for line in result.stderr.splitlines() if line.startswith("influence-lab: warning:")]
    assert warned and any("self-engagement" in line or "themselves" in line for line in warned)
    assert any("exactly as 'reactions_received'" in line for line in warned)
    assert "What this data can support:" in result.stdout
    table = read_table(workdir / "forum.csv")
    assert list(table["rank"]) == list(range(1, len(table) + 1)) and len(table) > 1000
