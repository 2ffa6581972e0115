"""Real datasets: fetching with hash checks, and the SNAP files loaded into the contract.

Real-data tests read the SNAP files through a local mirror: ``$INFLUENCE_LAB_MIRROR``
if set, else ``../shared/datasets`` beside the checkout. Without a mirror they are
skipped, unless ``INFLUENCE_LAB_REQUIRE_REAL_DATA=1`` (CI), where they fail.
"""

from __future__ import annotations

import gzip
import io
import re
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from influence_lab.datasets import snap

from influence_lab import paths
from influence_lab.contract import EVENT_KINDS, ID_DTYPE, TIMESTAMP_DTYPE, users_from_ids, validate_events, validate_users
from influence_lab.datasets.hashing import sha256_of_bytes

from conftest import find_mirror  # noqa: E402  (one mirror rule for every test module)


@pytest.fixture(scope="session")
def higgs_clean(real_data_env):
    return snap.load_higgs(clean=True)


@pytest.fixture
def mirror():
    return find_mirror()


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty cache of this test's own, and no mirror from the environment."""
    cache = tmp_path / "cache"
    monkeypatch.setenv(paths.CACHE_ENV, str(cache))
    monkeypatch.delenv(paths.MIRROR_ENV, raising=False)
    return cache


@pytest.fixture
def offline(monkeypatch):
    """No network: every download attempt fails as it does on an offline machine."""
    attempts = []

    def refuse(url, *args, **kwargs):
        attempts.append(url)
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    return attempts


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


# --------------------------------------------------------------------------- Higgs


@pytest.mark.realdata
def test_higgs_counts_match_snap(higgs):
    events = higgs.events
    assert len(events) == 563_069
    assert events["kind"].value_counts().to_dict() == {
        "reshare": 354_930,
        "mention": 171_237,
        "reply": 36_902,
        "post": 0,
        "like": 0,
        "follow": 0,
        "unfollow": 0,
    }
    pairs = events.drop_duplicates(["actor_id", "target_id", "kind"])["kind"].value_counts()
    assert (pairs["reshare"], pairs["mention"], pairs["reply"]) == (328_132, 150_818, 32_523)
    assert len(higgs.users) == 304_691
    assert int((events["actor_id"] == events["target_id"]).sum()) == 7_588
    assert higgs.removed == {}
    assert events["timestamp"].min() == pd.Timestamp("2012-07-01 00:02:52", tz="UTC")
    assert events["timestamp"].max() == pd.Timestamp("2012-07-07 23:59:53", tz="UTC")


@pytest.mark.realdata
def test_higgs_first_line_and_direction(higgs):
    # Line 1 of the file: "223789 213163 1341100972 MT" -> 223789 mentioned 213163.
    first = higgs.events.iloc[0]
    assert (first["actor_id"], first["target_id"], first["kind"]) == ("223789", "213163", "mention")
    assert first["timestamp"] == pd.Timestamp(1341100972, unit="s", tz="UTC")
    # userB receives: the most-retweeted accounts sit in target_id, far above any retweeter.
    reshares = higgs.events[higgs.events["kind"] == "reshare"]
    assert reshares["target_id"].value_counts().iloc[0] > 5 * reshares["actor_id"].value_counts().iloc[0]


@pytest.mark.realdata
def test_higgs_has_contract_dtypes_with_nothing_left_to_coerce(higgs):
    events = higgs.events
    assert list(events.columns) == ["timestamp", "actor_id", "target_id", "kind"]
    assert events["timestamp"].dtype == TIMESTAMP_DTYPE
    assert events["actor_id"].dtype == ID_DTYPE and events["target_id"].dtype == ID_DTYPE
    assert list(events["kind"].cat.categories) == list(EVENT_KINDS)
    revalidated = validate_events(events)
    assert revalidated.dtypes.equals(events.dtypes) and revalidated.equals(events)
    assert validate_users(higgs.users).equals(higgs.users)
    assert higgs.outcomes.empty
    assert "De Domenico" in higgs.description


@pytest.mark.realdata
def test_higgs_users_are_every_id_that_appears(higgs):
    users = higgs.users["user_id"].astype("int64")
    appearing = pd.concat([higgs.events["actor_id"], higgs.events["target_id"]]).astype("int64").unique()
    assert users.is_monotonic_increasing  # numeric order for numeric ids
    assert np.array_equal(users.to_numpy(), np.sort(appearing))  # each id once, all of them


@pytest.mark.realdata
def test_higgs_clean_removes_exactly_the_self_loops_and_says_so(higgs, higgs_clean):
    assert higgs_clean.removed == {"self-loops": 7_588, "exact duplicates": 0}
    events = higgs_clean.events
    assert len(events) == 563_069 - 7_588
    assert not (events["actor_id"] == events["target_id"]).any()
    kept = higgs.events[higgs.events["actor_id"] != higgs.events["target_id"]].reset_index(drop=True)
    assert events.dtypes.equals(kept.dtypes) and events.equals(kept)
    # Users stay every id of the file, also the 493 seen only in self-loops.
    assert len(higgs_clean.users) == 304_691
    assert higgs_clean.info()["removed"] == {"self-loops": 7_588, "exact duplicates": 0}


# --------------------------------------------------------------------------- CollegeMsg


@pytest.mark.realdata
def test_collegemsg_counts(collegemsg):
    events = collegemsg.events
    assert len(events) == 59_835
    assert len(collegemsg.users) == 1_899
    assert set(events["kind"].unique()) == {"mention"}
    assert events["timestamp"].min().date().isoformat() == "2004-04-15"
    assert events["timestamp"].max().date().isoformat() == "2004-10-26"
    assert validate_events(events).equals(events)
    assert collegemsg.removed == {}


@pytest.mark.realdata
def test_collegemsg_clean_reports_its_duplicates(real_data_env, collegemsg):
    cleaned = snap.load_collegemsg(clean=True)
    assert cleaned.removed == {"self-loops": 0, "exact duplicates": 37}
    assert len(cleaned.events) == 59_835 - 37
    assert not cleaned.events.duplicated().any()
    assert len(collegemsg.events.drop_duplicates()) == len(cleaned.events)


# --------------------------------------------------------------------------- fetching


@pytest.mark.realdata
def test_fetch_from_mirror_writes_only_inside_the_cache(tmp_path, monkeypatch, mirror, fresh_cache, offline):
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    mirror_before = {p.name: p.stat().st_mtime for p in mirror.iterdir()}

    result = snap.fetch_details("collegemsg", mirror=mirror)

    assert result.path == fresh_cache / "CollegeMsg.txt.gz" == snap.cached_path("collegemsg")
    assert result.origin == f"mirror {mirror}"
    assert files_under(tmp_path) == {"cache/CollegeMsg.txt.gz"}  # no temp files, nothing in cwd
    assert {p.name: p.stat().st_mtime for p in mirror.iterdir()} == mirror_before
    assert sha256_of_bytes(gzip.decompress(result.path.read_bytes())) == snap.REGISTRY["collegemsg"].sha256
    # Second time: from the cache, hash checked again, no network, no mirror needed.
    again = snap.fetch_details("collegemsg")
    assert again.origin == "cache" and again.path == result.path
    assert offline == []


@pytest.mark.realdata
def test_mirror_from_environment_is_used(monkeypatch, mirror, fresh_cache, offline):
    monkeypatch.setenv(paths.MIRROR_ENV, str(mirror))
    assert snap.fetch("collegemsg") == fresh_cache / "CollegeMsg.txt.gz"
    assert offline == []


def corrupt_cached_copy(mirror: Path, cache: Path, how: str) -> tuple[Path, str]:
    """Put a damaged copy of CollegeMsg in the cache; return its path and its content hash."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / "CollegeMsg.txt.gz"
    raw = (mirror / "CollegeMsg.txt.gz").read_bytes()
    if how == "truncated":
        target.write_bytes(raw[: len(raw) // 2])
        return target, "unreadable"
    content = bytearray(gzip.decompress(raw))
    content[1000:1004] = b"9999"  # flip a few bytes of one line
    target.write_bytes(gzip.compress(bytes(content)))
    return target, sha256_of_bytes(bytes(content))


@pytest.mark.realdata
@pytest.mark.parametrize("how", ["truncated", "flipped bytes"])
def test_corrupted_cache_is_reported_never_used(how, mirror, fresh_cache, offline):
    target, actual = corrupt_cached_copy(mirror, fresh_cache, how)
    damaged = target.read_bytes()
    expected = snap.REGISTRY["collegemsg"].sha256

    with pytest.raises(snap.DatasetCorrupt) as err:
        snap.fetch("collegemsg", mirror=mirror)
    message = str(err.value)
    assert expected in message and actual in message and str(target) in message
    assert "influence-lab data fetch --force" in message
    assert err.value.expected == expected and err.value.path == target

    with pytest.raises(snap.DatasetCorrupt):  # loading does not use it either
        snap.load_collegemsg(mirror=mirror)
    assert target.read_bytes() == damaged  # reported, not silently replaced

    repaired = snap.fetch("collegemsg", mirror=mirror, force=True)
    assert repaired == target
    assert snap.check_cached("collegemsg").ok is True
    assert offline == []


@pytest.mark.realdata
def test_check_cached_reports_missing_good_and_bad(mirror, fresh_cache):
    missing = snap.check_cached("collegemsg")
    assert (missing.ok, missing.actual) == (None, None)
    snap.fetch("collegemsg", mirror=mirror)
    assert snap.check_cached("collegemsg").ok is True
    corrupt_cached_copy(mirror, fresh_cache, "flipped bytes")
    bad = snap.check_cached("collegemsg")
    assert bad.ok is False and bad.actual != bad.expected


def test_no_mirror_and_no_network_says_what_to_run(fresh_cache, offline):
    with pytest.raises(snap.DatasetUnavailable) as err:
        snap.fetch("higgs")
    message = str(err.value)
    assert "influence-lab data fetch higgs --mirror DIR" in message
    assert "INFLUENCE_LAB_MIRROR" in message
    assert "https://snap.stanford.edu/data/higgs-activity_time.txt.gz" in message
    assert str(fresh_cache / "higgs-activity_time.txt.gz") in message
    assert "name resolution" in message  # the underlying reason
    assert offline == ["https://snap.stanford.edu/data/higgs-activity_time.txt.gz"]
    assert files_under(fresh_cache) == set()  # no partial download left behind


def test_mirror_without_the_file_falls_back_to_download_and_says_so(tmp_path, fresh_cache, offline):
    empty_mirror = tmp_path / "mirror"
    empty_mirror.mkdir()
    with pytest.raises(snap.DatasetUnavailable, match=f"the mirror {empty_mirror} has no file CollegeMsg"):
        snap.fetch("collegemsg", mirror=empty_mirror)
    assert len(offline) == 1


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@pytest.mark.realdata
def test_download_is_verified_then_renamed_into_place(monkeypatch, mirror, fresh_cache):
    served = (mirror / "CollegeMsg.txt.gz").read_bytes()
    calls = []

    def serve(url, timeout=None):
        calls.append((url, timeout))
        return FakeResponse(served)

    monkeypatch.setattr(urllib.request, "urlopen", serve)
    result = snap.fetch_details("collegemsg")
    assert calls == [("https://snap.stanford.edu/data/CollegeMsg.txt.gz", snap.DOWNLOAD_TIMEOUT)]
    assert result.origin.startswith("download ")
    assert files_under(fresh_cache) == {"CollegeMsg.txt.gz"}


def test_wrong_download_is_not_installed(monkeypatch, fresh_cache):
    wrong = gzip.compress(b"1 2 1082040961\n")
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout=None: FakeResponse(wrong))
    with pytest.raises(snap.DatasetCorrupt) as err:
        snap.fetch("collegemsg")
    assert sha256_of_bytes(b"1 2 1082040961\n") in str(err.value)
    assert files_under(fresh_cache) == set()  # neither the file nor a temporary copy


def test_corrupt_mirror_file_is_refused(tmp_path, fresh_cache, offline):
    bad_mirror = tmp_path / "mirror"
    bad_mirror.mkdir()
    (bad_mirror / "CollegeMsg.txt.gz").write_bytes(gzip.compress(b"1 2 3\n"))
    with pytest.raises(snap.DatasetCorrupt, match="from the mirror"):
        snap.fetch("collegemsg", mirror=bad_mirror)
    assert files_under(fresh_cache) == set()
    assert offline == []


def test_unknown_dataset_lists_the_names():
    with pytest.raises(snap.DatasetError, match="higgs, collegemsg"):
        snap.fetch("twitter")


def test_registry_entries_are_complete():
    for entry in snap.describe():
        assert entry.url == f"https://snap.stanford.edu/data/{entry.filename}"
        assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256), entry.sha256  # what sha256_of_bytes writes
        assert entry.citation and "licence" in entry.terms
    assert "CC BY-SA 2.0 DE" in snap.REGISTRY["collegemsg"].terms


@pytest.mark.realdata
def test_registry_rows_are_those_of_the_files(higgs, collegemsg):
    """The row count each registry entry states (for ``snap.describe()``) is the file's own line count."""
    for name, data in (("higgs", higgs), ("collegemsg", collegemsg)):
        assert snap.REGISTRY[name].rows == len(data.events), name  # loaded without clean=True: one event per line


# --------------------------------------------------------------------------- parsing local files


def write(tmp_path: Path, text: bytes, name: str = "activity.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    return path


def test_read_file_maps_kinds_and_keeps_ids_as_text(tmp_path):
    path = write(
        tmp_path,
        b"10 20 1341100972 RT\n30 20 1341100980 MT\n20 10 1341100990 RE\n20 20 1341100999 RT\n",
        "small.txt.gz",
    )
    data = snap.read_file(path, "higgs")
    events = data.events
    assert events["kind"].tolist() == ["reshare", "mention", "reply", "reshare"]
    assert events["actor_id"].tolist() == ["10", "30", "20", "20"]
    assert events["target_id"].tolist() == ["20", "20", "10", "20"]
    assert events["timestamp"].iloc[0] == pd.Timestamp("2012-07-01 00:02:52", tz="UTC")
    assert data.users["user_id"].tolist() == ["10", "20", "30"]
    cleaned = snap.read_file(path, "higgs", clean=True)
    assert cleaned.removed == {"self-loops": 1, "exact duplicates": 0} and len(cleaned.events) == 3


def test_collegemsg_layout_gives_mentions(tmp_path):
    path = write(tmp_path, b"1 2 1082040961\n3 4 1082155839\n1 2 1082040961\n")
    data = snap.read_file(path, "collegemsg", clean=True)
    assert data.events["kind"].tolist() == ["mention", "mention"]
    assert data.removed == {"self-loops": 0, "exact duplicates": 1}
    assert data.users["user_id"].tolist() == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        (b"1 2 1341100972 RT\n1 2 1341100972\n", 2, None, "has 3 space-separated fields, expected 4"),
        (b"1 2 1341100972 RT\n1 2 1341100972 RT extra\n", 2, None, "has 5"),
        (b"1 2 1341100972 RT\n\n1 2 1341100972 RT\n", 2, None, "has 1"),
        (b"1 2 1341100972 RT\n1 2 2012-07-01 RT\n", 2, "unix_ts", "not a whole number"),
        (b"1 2 1341100972 RT\n1 2 NA RT\n", 2, "unix_ts", "'NA'"),
        (b"1 2 1341100972 RT\n1 2 1341100972 RT\n3 4 1341100999 LIKE\n", 3, "kind", "other than RT, MT, RE"),
        (b"1 2 1341100972 RT\n1 \xff 1341100972 RT\n", 2, "userB", "not valid UTF-8"),
        (b"1 2 99999999999999 RT\n", 1, "unix_ts", "outside the years"),
    ],
)
def test_unparseable_lines_name_file_line_and_column(tmp_path, text, line, column, words):
    path = write(tmp_path, text)
    with pytest.raises(snap.RawFormatError) as err:
        snap.read_file(path, "higgs")
    message = str(err.value)
    assert str(path) in message and f"line {line}" in message and words in message
    assert (err.value.line, err.value.column) == (line, column)
    if column:
        assert f"({column})" in message


def test_empty_file_is_named(tmp_path):
    with pytest.raises(snap.RawFormatError, match="the file is empty"):
        snap.read_file(write(tmp_path, b""), "collegemsg")


def test_truncated_local_gz_is_named(tmp_path):
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(gzip.compress(b"1 2 1341100972 RT\n" * 100)[:30])
    with pytest.raises(snap.RawFormatError, match="not a complete gzip file"):
        snap.read_file(path, "higgs")


def test_users_from_ids_keeps_text_that_is_not_a_plain_integer():
    import pyarrow as pa

    users = users_from_ids(pa.chunked_array([["007", "7", "b"]]), pa.chunked_array([["7", "a"]]))
    assert users["user_id"].tolist() == ["007", "7", "a", "b"]
    numeric = users_from_ids(pa.chunked_array([["10", "9", "100"]]), pa.chunked_array([["9"]]))
    assert numeric["user_id"].tolist() == ["9", "10", "100"]
    sparse = users_from_ids(pa.chunked_array([["5", str(10**15)]]), pa.chunked_array([["-3"]]))
    assert sparse["user_id"].tolist() == ["-3", "5", str(10**15)]
    assert users["user_id"].dtype == ID_DTYPE


def test_clean_events_counts_each_reason_once():
    events = validate_events(
        pd.DataFrame(
            {
                "timestamp": ["2012-07-01T00:00:00Z"] * 4,
                "actor_id": ["a", "a", "b", "a"],
                "target_id": ["a", "a", "c", "b"],
                "kind": ["reshare", "reshare", "mention", "reshare"],
            }
        )
    )
    cleaned, removed = snap.clean_events(events.iloc[[0, 1, 2, 3, 2]].reset_index(drop=True))
    assert removed == {"self-loops": 2, "exact duplicates": 1}
    assert cleaned[["actor_id", "target_id"]].to_numpy().tolist() == [["b", "c"], ["a", "b"]]
    assert np.array_equal(cleaned.index, np.arange(2))
