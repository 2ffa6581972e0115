"""The shipped sample: exact round trip, deterministic bytes, verification, clear errors, exact regeneration;
where it is found (checkout or cache) and its one-time generation into the cache without a checkout."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import pandas as pd
import pytest

from influence_lab import paths
from influence_lab.contract import ContractError
from influence_lab.datasets.hashing import sha256_of_content
from influence_lab.datasets import sample as sample_module
from influence_lab.datasets.sample import (
    MANIFEST_NAME,
    SAMPLE_FILES,
    FileCheck,
    ensure_sample,
    generate_sample,
    load_sample,
    read_manifest,
    sample_config,
    verify_sample,
    write_sample,
)
from influence_lab.datasets.world import WorldConfig, generate_world

SMALL = WorldConfig(n_users=120, n_fake_followers=150)


@pytest.fixture(scope="module")
def small_world():
    return generate_world(SMALL)


@pytest.fixture()
def small_dir(tmp_path, small_world):
    write_sample(small_world, tmp_path, config=SMALL)
    return tmp_path


def _rewrite(path: Path, edit) -> None:
    """Replace a gzipped CSV's text by ``edit(text)``."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    path.write_bytes(gzip.compress(edit(text).encode("utf-8"), mtime=0))


def test_round_trip_is_exact(small_dir, small_world):
    loaded = load_sample(small_dir)
    for table in ("users", "events", "outcomes"):
        pd.testing.assert_frame_equal(getattr(loaded, table), getattr(small_world, table))
    pd.testing.assert_frame_equal(loaded.truth["true_life_events"], small_world.truth["true_life_events"])
    assert loaded.name == "synthetic" and loaded.description == small_world.description


def test_writing_twice_gives_identical_bytes(tmp_path, small_world):
    first = write_sample(small_world, tmp_path / "a", config=SMALL)
    second = write_sample(small_world, tmp_path / "b", config=SMALL)
    assert first == second
    for name in SAMPLE_FILES.values():
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / MANIFEST_NAME).read_bytes() == (tmp_path / "b" / MANIFEST_NAME).read_bytes()


def test_file_format(small_dir):
    raw = (small_dir / "events.csv.gz").read_bytes()
    assert raw[4:8] == b"\x00\x00\x00\x00"  # gzip mtime 0
    text = gzip.decompress(raw).decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == "timestamp,actor_id,target_id,kind,post_id,text"
    assert "\r" not in text
    assert lines[1].split(",")[0].endswith("Z") and len(lines[1].split(",")[0]) == len("2012-01-01T00:00:00Z")
    users_header = gzip.decompress((small_dir / "users.csv.gz").read_bytes()).decode().split("\n")[0]
    assert users_header.startswith("user_id,handle,created_at,persona,true_")


def test_manifest_describes_the_files(small_dir):
    manifest = read_manifest(small_dir)
    assert manifest["name"] == "synthetic"
    assert set(manifest["files"]) == set(SAMPLE_FILES.values())
    for name, entry in manifest["files"].items():
        assert entry["sha256"] == sha256_of_content(small_dir / name)
        assert entry["rows"] > 0 and entry["columns"]
    assert sample_config(small_dir) == SMALL


def test_verify_passes_then_catches_an_edit(small_dir):
    checks = verify_sample(small_dir)
    assert all(isinstance(c, FileCheck) and c.ok for c in checks) and len(checks) == len(SAMPLE_FILES)
    _rewrite(small_dir / "outcomes.csv.gz", lambda t: t.replace(",clicks,", ",clicks,1", 1))
    bad = [c for c in verify_sample(small_dir) if not c.ok]
    assert [Path(c.path).name for c in bad] == ["outcomes.csv.gz"]
    assert bad[0].actual != bad[0].expected


def test_verify_reports_a_missing_file(small_dir):
    (small_dir / "users.csv.gz").unlink()
    missing = [c for c in verify_sample(small_dir) if Path(c.path).name == "users.csv.gz"][0]
    assert missing.actual is None and not missing.ok


def test_a_bad_kind_is_reported_with_file_and_line(small_dir):
    def edit(text: str) -> str:
        lines = text.split("\n")
        lines[5] = lines[5].replace(",follow,", ",retweet,", 1).replace(",post,", ",retweet,", 1)
        return "\n".join(lines)

    _rewrite(small_dir / "events.csv.gz", edit)
    with pytest.raises(ContractError) as info:
        load_sample(small_dir)
    message = str(info.value)
    assert "events.csv.gz" in message and "kind" in message and "line 6" in message
    assert info.value.source.endswith("events.csv.gz")


def test_a_bad_timestamp_is_reported_with_file_and_line(small_dir):
    def edit(text: str) -> str:
        lines = text.split("\n")
        fields = lines[3].split(",")
        fields[0] = "2012-13-45T99:00:00Z"
        lines[3] = ",".join(fields)
        return "\n".join(lines)

    _rewrite(small_dir / "events.csv.gz", edit)
    with pytest.raises(ContractError, match=r"events\.csv\.gz.*timestamp") as info:
        load_sample(small_dir)
    assert "line 4" in str(info.value)


def test_a_duplicated_user_is_reported(small_dir):
    def edit(text: str) -> str:
        lines = text.split("\n")
        lines.insert(3, lines[2])
        return "\n".join(lines)

    _rewrite(small_dir / "users.csv.gz", edit)
    with pytest.raises(ContractError, match="users.csv.gz"):
        load_sample(small_dir)


def test_a_truncated_file_is_reported_against_the_manifest(small_dir):
    _rewrite(small_dir / "outcomes.csv.gz", lambda t: "\n".join(t.split("\n")[:-50]) + "\n")
    with pytest.raises(ContractError, match=r"outcomes\.csv\.gz.*MANIFEST\.json records"):
        load_sample(small_dir)


def test_missing_files_name_the_file_and_the_fix(tmp_path, small_dir):
    with pytest.raises(FileNotFoundError, match="influence-lab data generate --out") as info:
        load_sample(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(info.value)
    assert not (tmp_path / "nowhere").exists()  # an explicit folder is only read, never generated
    (small_dir / "events.csv.gz").unlink()
    with pytest.raises(FileNotFoundError, match="events.csv.gz"):
        load_sample(small_dir)


def test_generate_sample_writes_the_world_of_the_config(tmp_path):
    manifest = generate_sample(tmp_path, config=SMALL)
    assert manifest["config"] == SMALL.to_dict()
    assert all(c.ok for c in verify_sample(tmp_path))


# ---------------------------------------------------------------- the committed sample


def test_committed_sample_verifies_and_loads_quickly():
    checks = verify_sample()
    assert checks and all(c.ok for c in checks), [c for c in checks if not c.ok]
    start = time.perf_counter()
    dataset = load_sample()
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0  # about a second on a laptop; generous for a shared CI machine
    info = dataset.info()
    assert 2_500 <= (dataset.users["persona"] != "fake_follower").sum() <= 3_500
    assert 500_000 <= info["events"] <= 1_000_000
    total_mb = sum((paths.sample_dir() / name).stat().st_size for name in SAMPLE_FILES.values()) / 1e6
    assert total_mb < 25


def test_committed_manifest_records_the_default_config():
    assert sample_config() == WorldConfig()


@pytest.mark.slow
def test_default_world_regenerates_the_committed_sample_exactly(tmp_path):
    committed = json.loads((paths.sample_dir() / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest = write_sample(generate_world(), tmp_path, config=WorldConfig())
    for name, entry in committed["files"].items():
        assert manifest["files"][name]["sha256"] == entry["sha256"], f"{name} differs from data/"
        assert manifest["files"][name]["rows"] == entry["rows"]


def test_data_readme_row_counts_match_the_manifest():
    """The row counts data/README.md states are those of the committed files."""
    import json
    import re

    from influence_lab import paths

    readme = (paths.sample_dir() / "README.md").read_text()
    manifest = json.loads((paths.sample_dir() / "MANIFEST.json").read_text())
    for name, entry in manifest["files"].items():
        match = re.search(rf"\| `{re.escape(name)}` \| ([\d,]+) \|", readme)
        assert match, f"data/README.md has no row count for {name}"
        assert int(match.group(1).replace(",", "")) == entry["rows"], name


def _copy_sample(tmp_path):
    import shutil

    from influence_lab import paths

    target = tmp_path / "sample"
    shutil.copytree(paths.sample_dir(), target)
    return target


def _rewrite_gz(path, transform):
    import gzip

    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    lines = transform(lines)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def test_extra_column_in_a_sample_file_is_refused_not_dropped(tmp_path):
    from influence_lab.contract import ContractError

    folder = _copy_sample(tmp_path)
    _rewrite_gz(folder / "outcomes.csv.gz", lambda lines: [lines[0] + ",note"] + [l + ",x" for l in lines[1:]])
    with pytest.raises(ContractError, match=r"\['note'\].*not listed in MANIFEST.json"):
        load_sample(folder)


def test_a_life_event_that_ends_before_it_starts_names_column_rows_and_line(tmp_path):
    from influence_lab.contract import ContractError

    folder = _copy_sample(tmp_path)

    def swap_first(lines):
        header = lines[0].split(",")
        first = lines[1].split(",")
        start, end = header.index("start"), header.index("end")
        first[start], first[end] = first[end], first[start]
        return [lines[0], ",".join(first)] + lines[2:]

    _rewrite_gz(folder / "true_life_events.csv.gz", swap_first)
    with pytest.raises(ContractError) as err:
        load_sample(folder)
    message = str(err.value)
    assert "true_life_events.csv.gz (true_life_events table): column 'end': 1 of " in message
    assert "rows end before they start" in message and "row 0 (line 2 of the file): end=" in message
    assert "How to fix:" in message and err.value.column == "end" and err.value.rows == [0]


def test_naive_life_event_time_is_refused(tmp_path):
    from influence_lab.contract import ContractError

    folder = _copy_sample(tmp_path)

    def strip_zone(lines):
        first = lines[1].split(",")
        header = lines[0].split(",")
        at = header.index("start")
        first[at] = first[at].rstrip("Z")
        return [lines[0], ",".join(first)] + lines[2:]

    _rewrite_gz(folder / "true_life_events.csv.gz", strip_zone)
    with pytest.raises(ContractError, match="naive") as err:
        load_sample(folder)
    assert err.value.column == "start" and err.value.rows == [0]
    assert "line 2 of the file" in str(err.value)


# ---------------------------------------------------------------- where the sample is found, without a checkout


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """Run as if installed from a wheel: the package's parent is a bare site-packages, the cache is empty."""
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(paths, "project_root", lambda: site)
    monkeypatch.setenv(paths.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache" / "sample"


@pytest.fixture
def small_default_world(monkeypatch):
    """Make the default world a small one, so first-use generation takes a second, not twenty."""
    from influence_lab.datasets import world

    def small() -> WorldConfig:
        return SMALL

    small.from_dict = WorldConfig.from_dict  # what sample_config() calls
    monkeypatch.setattr(world, "WorldConfig", small)


def test_from_the_checkout_the_sample_is_data():
    root = paths.project_root()
    assert paths.checkout_root() == root and (root / "pyproject.toml").is_file()
    assert paths.sample_dir() == root / "data" == paths.checkout_sample_dir() == paths.generate_dir()
    assert paths.regenerate_hint() == "regenerate it with `influence-lab data generate` (or `make data`)"
    assert ensure_sample() == root / "data"


def test_without_a_checkout_the_sample_is_in_the_cache(installed, tmp_path):
    assert paths.checkout_root() is None and paths.checkout_sample_dir() is None
    assert paths.sample_dir() == installed == paths.cache_sample_dir() == paths.generate_dir()
    assert paths.generate_command() == "influence-lab data generate"  # it writes to the cache by default
    assert paths.generate_command(tmp_path / "a b") == f"influence-lab data generate --out '{tmp_path / 'a b'}'"
    assert "make data" not in paths.regenerate_hint()


def test_a_pyproject_of_another_project_is_not_a_checkout(installed):
    root = paths.project_root()
    (root / "data").mkdir()
    (root / "data" / MANIFEST_NAME).write_text("{}")
    (root / "pyproject.toml").write_text('[project]\nname = "something-else"\n')
    assert paths.checkout_root() is None and paths.sample_dir() == installed
    (root / "pyproject.toml").write_text("not toml [")
    assert paths.checkout_root() is None


def test_a_checkout_without_data_reads_the_cache_and_generate_restores_data(installed):
    root = paths.project_root()
    (root / "pyproject.toml").write_text('[project]\nname = "influence-lab"\n')
    assert paths.checkout_root() == root and paths.checkout_sample_dir() is None
    assert paths.sample_dir() == installed
    assert paths.generate_dir() == root / "data"
    assert paths.generate_command() == f"influence-lab data generate --out {installed}"
    (root / "data").mkdir()
    (root / "data" / MANIFEST_NAME).write_text("{}")
    assert paths.sample_dir() == root / "data"


def test_load_sample_generates_into_the_cache_once(installed, small_default_world, capsys):
    dataset = load_sample()
    err = capsys.readouterr().err
    assert f"generating the synthetic sample (default world, seed {SMALL.seed}) once into {installed}" in err
    assert "3/3" in err  # the progress bar's last step
    assert sample_config(installed) == SMALL
    assert all(c.ok for c in verify_sample(installed))
    assert sorted(p.name for p in installed.parent.iterdir()) == ["sample"]  # no temporary folder left
    assert sorted(p.name for p in installed.iterdir()) == sorted([MANIFEST_NAME, *SAMPLE_FILES.values()])
    assert len(dataset.users) == SMALL.n_users + SMALL.n_fake_followers

    again = load_sample()
    assert capsys.readouterr().err == ""  # read, not generated again
    pd.testing.assert_frame_equal(again.events, dataset.events)


def test_the_cache_copy_is_byte_identical_to_generate_sample(installed, small_default_world, tmp_path):
    ensure_sample()
    generate_sample(tmp_path / "direct", config=SMALL)
    for name in [*SAMPLE_FILES.values(), MANIFEST_NAME]:
        assert (installed / name).read_bytes() == (tmp_path / "direct" / name).read_bytes(), name


def test_an_interrupted_generation_leaves_no_half_sample(installed, small_default_world, monkeypatch):
    real_write = sample_module.write_sample

    def write_then_crash(dataset, directory, *, config=None):
        (Path(directory) / "users.csv.gz").write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(sample_module, "write_sample", write_then_crash)
    with pytest.raises(KeyboardInterrupt):
        load_sample()
    assert list(installed.parent.iterdir()) == []  # neither the sample folder nor the temporary one
    monkeypatch.setattr(sample_module, "write_sample", real_write)
    assert len(load_sample().users) > 0


def test_an_explicit_folder_is_never_generated(installed, small_default_world):
    with pytest.raises(FileNotFoundError) as info:
        load_sample(installed)
    message = str(info.value)
    assert f"{installed / MANIFEST_NAME}: no sample manifest here" in message
    assert "`influence-lab data generate`" in message  # writes exactly there without a checkout
    assert not installed.exists()
    with pytest.raises(FileNotFoundError, match="no sample manifest"):
        verify_sample()  # verifying does not generate either


def test_a_finished_copy_of_another_process_wins_and_a_stray_folder_is_replaced(installed, small_world, tmp_path):
    write_sample(small_world, installed, config=SMALL)
    before = (installed / MANIFEST_NAME).stat().st_mtime_ns
    built = tmp_path / "built"
    write_sample(small_world, built, config=SMALL)
    sample_module._move_into_place(built, installed)
    assert not built.exists() and (installed / MANIFEST_NAME).stat().st_mtime_ns == before

    stray = tmp_path / "stray"
    stray.mkdir()
    (stray / "notes.txt").write_text("not a sample")
    write_sample(small_world, built, config=SMALL)
    sample_module._move_into_place(built, stray)
    assert not built.exists() and (stray / MANIFEST_NAME).is_file() and not (stray / "notes.txt").exists()
