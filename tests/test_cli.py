"""The ``influence-lab`` command: exit codes and what it prints.

Real-data commands read the SNAP files through a local mirror (``$INFLUENCE_LAB_MIRROR``,
else ``../shared/datasets``); without one they are skipped, unless
``INFLUENCE_LAB_REQUIRE_REAL_DATA=1`` (CI), where they fail. Every test has its own cache.
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import subprocess
import sys
import tomllib
import types
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from influence_lab import cli, paths

from influence_lab.datasets import snap
from influence_lab.contract import ContractError

from conftest import find_mirror

@pytest.fixture
def mirror() -> Path:
    """The folder holding both SNAP files, or skip (fail in CI) saying how to provide it."""
    return find_mirror()


@pytest.fixture(autouse=True)
def own_cache_no_network(tmp_path, monkeypatch):
    """Each test: an empty cache of its own, no mirror from the environment, no network."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(paths.CACHE_ENV, str(cache))
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)

    def refuse(url, *args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return cache


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@dataclass
class FakeCheck:
    path: str
    expected: str
    actual: str
    ok: bool


def fake_sample(monkeypatch, *, checks=None, load_error=None):
    """Stand in for influence_lab.datasets.sample so the CLI's own handling is tested on its own."""
    module = types.SimpleNamespace()
    module.verify_sample = lambda directory=None: list(checks or [])

    def load_sample(directory=None):
        raise load_error

    module.load_sample = load_sample
    monkeypatch.setattr(cli, "_sample_module", lambda: module)


@pytest.fixture
def small_world(monkeypatch):
    """Make ``data generate`` build a 300-account world (2 s) instead of the shipped 7,000 (20 s)."""
    from influence_lab.datasets import world as simulate

    small = functools.partial(simulate.WorldConfig, n_users=200, n_fake_followers=100)
    monkeypatch.setattr(simulate, "WorldConfig", small)


def rewrite_gz(path: Path, change) -> None:
    path.write_bytes(gzip.compress(change(gzip.decompress(path.read_bytes()))))


# --------------------------------------------------------------------------- parser


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, err = run(capsys)
    assert code == 2 and "data" in err
    code, _, err = run(capsys, "data")
    assert code == 2 and "fetch" in err and "verify" in err


def test_unknown_dataset_name_is_a_usage_error(capsys):
    code, _, err = run(capsys, "data", "fetch", "twitter")
    assert code == 2 and "unknown dataset 'twitter'" in err and "higgs, collegemsg" in err


def test_version_is_the_one_in_pyproject(capsys):
    # the installed metadata's version, which comes from pyproject.toml (not the "0+unknown" fallback)
    declared = tomllib.loads((paths.project_root() / "pyproject.toml").read_text())["project"]["version"]
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out == f"influence-lab {declared}\n"


# --------------------------------------------------------------------------- data fetch


@pytest.mark.realdata
def test_fetch_from_mirror_then_from_cache(capsys, mirror, own_cache_no_network):
    code, out, err = run(capsys, "data", "fetch", "--mirror", str(mirror))
    assert code == 0, err
    for entry in snap.REGISTRY.values():
        assert f"{entry.name}: ok  {own_cache_no_network / entry.filename}" in out
        assert f"sha256 {entry.sha256} (decompressed content) matches the registry" in out
    assert f"copied from the mirror {mirror}" in out
    code, out, _ = run(capsys, "data", "fetch", "COLLEGEMSG")
    assert code == 0 and "already in the cache" in out and "higgs" not in out


def test_fetch_offline_without_mirror_says_what_to_run(capsys, own_cache_no_network):
    code, out, err = run(capsys, "data", "fetch", "higgs")
    assert code == 1 and out == ""
    assert err.startswith("influence-lab: error: Could not get dataset 'higgs'")
    assert "influence-lab data fetch higgs --mirror DIR" in err and "INFLUENCE_LAB_MIRROR" in err
    assert not own_cache_no_network.exists() or not any(own_cache_no_network.iterdir())


@pytest.mark.realdata
def test_fetch_reports_a_corrupted_cache_and_force_repairs_it(capsys, mirror, own_cache_no_network):
    own_cache_no_network.mkdir()
    target = own_cache_no_network / "CollegeMsg.txt.gz"
    target.write_bytes((mirror / "CollegeMsg.txt.gz").read_bytes()[:1000])
    code, out, err = run(capsys, "data", "fetch", "collegemsg", "--mirror", str(mirror))
    assert code == 1 and "corrupted or truncated" in err and "influence-lab data fetch --force collegemsg" in err
    assert snap.REGISTRY["collegemsg"].sha256 in err and str(target) in err
    code, out, err = run(capsys, "data", "fetch", "collegemsg", "--mirror", str(mirror), "--force")
    assert code == 0 and "collegemsg: ok" in out


# --------------------------------------------------------------------------- data verify


@pytest.mark.realdata
def test_verify_cache_ok_missing_and_mismatch(capsys, monkeypatch, mirror, own_cache_no_network):
    fake_sample(monkeypatch, checks=[FakeCheck("data/events.csv.gz", "ab" * 32, "ab" * 32, True)])
    code, out, _ = run(capsys, "data", "verify")
    assert code == 0  # nothing fetched yet: reported as missing, not as a mismatch
    assert "missing   higgs" in out and "influence-lab data fetch higgs" in out
    assert "ok        data/events.csv.gz" in out

    snap.fetch("collegemsg", mirror=mirror)
    code, out, _ = run(capsys, "data", "verify")
    assert code == 0 and f"ok        collegemsg  {own_cache_no_network / 'CollegeMsg.txt.gz'}" in out

    target = own_cache_no_network / "CollegeMsg.txt.gz"
    content = bytearray(gzip.decompress(target.read_bytes()))
    content[0:1] = b"7"
    target.write_bytes(gzip.compress(bytes(content)))
    code, out, _ = run(capsys, "data", "verify")
    assert code == 1
    assert "MISMATCH  collegemsg" in out and "influence-lab data fetch --force collegemsg" in out
    assert "1 file(s) do not match." in out


def test_generate_then_verify_and_describe_the_sample(capsys, tmp_path, small_world, own_cache_no_network):
    shipped = paths.generate_dir() / "MANIFEST.json"
    before = shipped.stat().st_mtime_ns
    out_dir = tmp_path / "sample"
    code, out, err = run(capsys, "data", "generate", "--out", str(out_dir), "--seed", "7")
    assert code == 0, err
    assert shipped.stat().st_mtime_ns == before and not own_cache_no_network.exists()  # only where asked
    assert f"Wrote the sample to {out_dir}" in out
    manifest = json.loads((out_dir / "MANIFEST.json").read_text())
    assert manifest["config"]["seed"] == 7 and manifest["config"]["n_users"] == 200
    assert f"(seed 7) into {out_dir}" in out
    for file_name, entry in manifest["files"].items():
        assert f"  {file_name}: {entry['rows']:,} rows, sha256 {entry['sha256']}" in out
    events = manifest["files"]["events.csv.gz"]

    code, out, _ = run(capsys, "data", "verify", "--sample-dir", str(out_dir))
    assert code == 0  # the real files are not cached here: reported missing, not a mismatch
    assert out.count("  ok        ") == len(manifest["files"])
    assert "All checked files match." in out

    code, out, err = run(capsys, "data", "info", "sample", "--sample-dir", str(out_dir))
    assert code == 0, err
    assert f"users      {manifest['files']['users.csv.gz']['rows']:,}" in out
    assert f"events     {events['rows']:,} (post " in out
    assert "the loader removed nothing" in out
    assert f"true_life_events  {manifest['files']['true_life_events.csv.gz']['rows']:,} (ground truth" in out

    rewrite_gz(out_dir / "events.csv.gz", lambda content: content.replace(b"reshare", b"like", 1))
    (out_dir / "users.csv.gz").unlink()
    code, out, _ = run(capsys, "data", "verify", "--sample-dir", str(out_dir))
    assert code == 1
    assert f"MISMATCH  {out_dir / 'events.csv.gz'}  expected sha256 {events['sha256']}, found " in out
    assert f"MISSING   {out_dir / 'users.csv.gz'}" in out
    assert f"rebuild them with `influence-lab data generate --out {out_dir}`" in out
    assert "2 file(s) do not match." in out


def test_generate_into_the_default_folder_with_another_seed_says_so(capsys, tmp_path, monkeypatch, small_world):
    monkeypatch.setattr(paths, "generate_dir", lambda: tmp_path / "data")
    code, out, err = run(capsys, "data", "generate", "--seed", "3")
    assert code == 0, err
    assert (tmp_path / "data" / "MANIFEST.json").is_file()
    assert "now holds seed 3, not the shipped sample" in out


@pytest.fixture
def installed(tmp_path, monkeypatch, own_cache_no_network):
    """Run as if installed from a wheel: no checkout beside the package; return the cache's sample folder."""
    site = tmp_path / "site-packages"
    site.mkdir()
    monkeypatch.setattr(paths, "project_root", lambda: site)
    return own_cache_no_network / "sample"


def test_without_a_checkout_generate_writes_to_the_cache_and_says_so(capsys, installed, small_world):
    code, out, err = run(capsys, "data", "generate")
    assert code == 0, err
    assert f"into {installed} ..." in out and f"Wrote the sample to {installed}" in out
    assert (installed / "MANIFEST.json").is_file() and not (paths.project_root() / "data").exists()
    code, out, _ = run(capsys, "data", "verify")
    assert code == 0 and f"Synthetic sample ({installed})" in out and "MISMATCH" not in out


def test_without_a_checkout_a_missing_sample_names_the_command_that_writes_it(capsys, installed):
    code, out, err = run(capsys, "data", "info", "sample")
    assert code == 0 and "sample: not available locally" in out and str(installed) in out
    assert "`influence-lab data generate`" in out  # no --out needed: that is where it writes
    assert not installed.exists()  # describing the sample does not generate it
    code, out, err = run(capsys, "data", "verify")
    assert code == 1 and "cannot verify the synthetic sample" in err and "`influence-lab data generate`" in err
    assert not installed.exists()


def test_verify_the_shipped_sample(capsys):
    if not (paths.sample_dir() / "MANIFEST.json").is_file():
        pytest.fail("data/MANIFEST.json is missing: the shipped sample must be committed")
    code, out, _ = run(capsys, "data", "verify")
    assert code == 0, out
    assert f"Synthetic sample ({paths.sample_dir()})" in out and "MISMATCH" not in out
    assert "  ok        " in out and "events.csv.gz" in out


def test_a_missing_or_broken_sample_is_reported_without_traceback(capsys, tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    code, out, err = run(capsys, "data", "info", "sample", "--sample-dir", str(empty))
    assert code == 0 and "sample: not available locally" in out
    assert f"influence-lab data generate --out {empty}" in out
    code, out, err = run(capsys, "data", "verify", "--sample-dir", str(empty))
    assert code == 1 and "cannot verify the synthetic sample" in err and "MANIFEST.json" in err

    (empty / "MANIFEST.json").write_text("{not json")
    code, out, err = run(capsys, "data", "info", "sample", "--sample-dir", str(empty))
    assert code == 1 and err.startswith("influence-lab: error: sample: ") and "not valid JSON" in err


# --------------------------------------------------------------------------- data info


@pytest.mark.realdata
def test_info_collegemsg(capsys, mirror):
    code, out, err = run(capsys, "data", "info", "collegemsg", "--mirror", str(mirror))
    assert code == 0, err
    assert "users      1,899" in out
    assert "events     59,835 (mention 59,835)" in out
    assert "time span  2004-04-15" in out and "to 2004-10-26" in out
    assert "clean=True would remove self-loops 0; exact duplicates 37" in out


def test_info_reports_unavailable_datasets_with_how_to_fetch(capsys, monkeypatch):
    fake_sample(monkeypatch, load_error=FileNotFoundError("data/events.csv.gz does not exist"))
    code, out, err = run(capsys, "data", "info")
    assert code == 0, err
    assert "sample: not available locally" in out and "influence-lab data generate" in out
    assert "higgs: not available locally" in out and "`influence-lab data fetch higgs`" in out
    assert "collegemsg: not available locally" in out and "--mirror DIR" in out


@pytest.mark.realdata
def test_info_reports_a_corrupted_cache_without_traceback(capsys, mirror, own_cache_no_network):
    own_cache_no_network.mkdir()
    (own_cache_no_network / "CollegeMsg.txt.gz").write_bytes(b"not gzip at all")
    code, out, err = run(capsys, "data", "info", "collegemsg")
    assert code == 1
    assert err.startswith("influence-lab: error: collegemsg: The cached file")
    assert "influence-lab data fetch --force collegemsg" in err


def test_contract_error_is_one_paragraph_and_exit_1(capsys, monkeypatch):
    error = ContractError("data/events.csv (events table): column 'kind': 1 of 9 rows ...", table="events")
    fake_sample(monkeypatch, load_error=error)
    code, out, err = run(capsys, "data", "info", "sample")
    assert code == 1 and out == ""
    assert err == "influence-lab: error: sample: data/events.csv (events table): column 'kind': 1 of 9 rows ...\n"


# --------------------------------------------------------------------------- the installed command


@pytest.mark.realdata
def test_console_entry_point_runs_in_a_subprocess(tmp_path, mirror):
    env = {**os.environ, paths.CACHE_ENV: str(tmp_path / "c"), paths.MIRROR_ENV: str(mirror)}
    done = subprocess.run(
        [sys.executable, "-m", "influence_lab.cli", "data", "fetch", "collegemsg"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "collegemsg: ok" in done.stdout and (tmp_path / "c" / "CollegeMsg.txt.gz").is_file()
