"""The real datasets: fetch the SNAP files, check their SHA-256, load them into the contract.

A small registry in the spirit of pooch. For each dataset it records the
official address, the file name, the SHA-256 of the DECOMPRESSED content
(gzip output differs between compressors, the content does not), the number
of rows, the paper to cite and the terms of use.

:func:`fetch` returns the verified file in the cache (:func:`paths.cache_dir`).
It takes, in this order, a valid cached copy; a copy from a local mirror (the
``mirror`` argument, else ``$INFLUENCE_LAB_MIRROR``); a download from the
official address. New files are written to a temporary file inside the cache
and renamed into place only after their hash matched, so a half-written or
wrong file is never used. A cached file whose hash does not match is reported,
never used, and never replaced silently: ``influence-lab data fetch --force``
replaces it. Nothing is written outside the cache folder.

:func:`load_higgs` and :func:`load_collegemsg` return a
:class:`~influence_lab.contract.Dataset`. By default every row of the file is
kept (so the counts match SNAP's); ``clean=True`` removes self-loops and
exact duplicate rows and records how many in ``Dataset.removed``.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from influence_lab import paths
from influence_lab.contract import (
    offending_rows,
    users_from_ids,
    EVENT_KINDS,
    ID_DTYPE,
    KIND_DTYPE,
    Dataset,
    empty_outcomes,
    validate_events,
)
from influence_lab.datasets.hashing import sha256_of_bytes

#: Seconds to wait for the server before a download gives up.
DOWNLOAD_TIMEOUT = 60.0

SNAP_CITATION = (
    'J. Leskovec, A. Krevl, "SNAP Datasets: Stanford Large Network Dataset Collection", '
    "http://snap.stanford.edu/data (2014)."
)


@dataclass(frozen=True)
class RemoteDataset:
    """One entry of the registry: where a real dataset lives and how to check it."""

    name: str
    title: str
    filename: str
    url: str
    page: str
    sha256: str  # of the decompressed content
    rows: int
    columns: tuple[str, ...]
    kinds: dict[str, str]  # raw label -> contract kind ({} when every row has one kind)
    citation: str
    terms: str
    description: str


REGISTRY: dict[str, RemoteDataset] = {
    "higgs": RemoteDataset(
        name="higgs",
        title="Higgs Twitter activity (SNAP higgs-twitter), 1-7 July 2012",
        filename="higgs-activity_time.txt.gz",
        url="https://snap.stanford.edu/data/higgs-activity_time.txt.gz",
        page="https://snap.stanford.edu/data/higgs-twitter.html",
        sha256="6487c03bb5f0f966447a7a7410c5ba124f7ddf1b3d7ff9c3a94d20891214225b",
        rows=563_069,
        columns=("userA", "userB", "unix_ts", "kind"),
        kinds={"RT": "reshare", "MT": "mention", "RE": "reply"},
        citation=(
            'M. De Domenico, A. Lima, P. Mougel, M. Musolesi, "The Anatomy of a Scientific Rumor", '
            "Scientific Reports 3:2980 (2013). " + SNAP_CITATION
        ),
        terms="SNAP asks users to cite the dataset and its paper; it states no licence.",
        description=(
            "Retweets, mentions and replies on Twitter around the announcement of the Higgs boson "
            "(4 July 2012). userA acts; userB receives (RT: A retweeted B -> reshare; MT: A "
            "mentioned B -> mention; RE: A replied to B -> reply). Anonymised ids, no texts, no "
            "follower counts."
        ),
    ),
    "collegemsg": RemoteDataset(
        name="collegemsg",
        title="CollegeMsg (SNAP): private messages in an online student community, 2004",
        filename="CollegeMsg.txt.gz",
        url="https://snap.stanford.edu/data/CollegeMsg.txt.gz",
        page="https://snap.stanford.edu/data/CollegeMsg.html",
        sha256="e00ba2415373dee52c00616065bcceaa4750e78de60d1855c76470600f10740f",
        rows=59_835,
        columns=("sender", "receiver", "unix_ts"),
        kinds={},
        citation=(
            'P. Panzarasa, T. Opsahl, K. M. Carley, "Patterns and dynamics of users\' behavior and '
            'interaction: Network analysis of an online community", JASIST 60(5):911-932 (2009). '
            + SNAP_CITATION
        ),
        terms=(
            "SNAP asks users to cite the dataset and its paper; it states no licence. The KONECT "
            "copy of the same data (opsahl-ucsocial) is published under Creative Commons "
            "Attribution-ShareAlike 2.0 Germany (CC BY-SA 2.0 DE)."
        ),
        description=(
            "Private messages among students of the University of California, Irvine, April-October "
            "2004 (about 194 days). Each message is an event of kind 'mention': the sender addresses "
            "the receiver, who receives it. Anonymised ids only."
        ),
    ),
}

#: The contract kind given to every CollegeMsg message (see docs/datasets.md).
COLLEGEMSG_KIND = "mention"


# --------------------------------------------------------------------------- errors


class DatasetError(RuntimeError):
    """A real dataset cannot be used as asked; the message says what to run."""


class DatasetUnavailable(DatasetError):
    """The file is neither cached, nor in a mirror, nor downloadable right now."""


class DatasetCorrupt(DatasetError):
    """A file's decompressed content does not have the SHA-256 the registry expects."""

    def __init__(self, message: str, *, path: Path, expected: str, actual: str) -> None:
        super().__init__(message)
        self.path = path
        self.expected = expected
        self.actual = actual


class RawFormatError(DatasetError, ValueError):
    """A line of a raw data file cannot be parsed; names the file, line (1-based) and column."""

    def __init__(self, message: str, *, path: str, line: int | None, column: str | None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column


# --------------------------------------------------------------------------- registry and cache


def dataset_names() -> list[str]:
    """Names of the registered real datasets."""
    return list(REGISTRY)


def spec(name: str) -> RemoteDataset:
    """The registry entry of ``name`` (case-insensitive), or a clear error listing the names."""
    key = str(name).strip().lower()
    if key not in REGISTRY:
        raise DatasetError(
            f"Unknown dataset {name!r}. The real datasets are: {', '.join(REGISTRY)} "
            "(the synthetic one is 'sample', made by `influence-lab data generate`)."
        )
    return REGISTRY[key]


def cached_path(name: str) -> Path:
    """Where the verified file of ``name`` lives in the cache (it may not exist yet)."""
    return paths.cache_dir() / spec(name).filename


def _mirror_folder(mirror: str | os.PathLike[str] | None) -> Path | None:
    return Path(mirror).expanduser() if mirror is not None else paths.mirror_dir()


def _decompressed(path: Path) -> tuple[bytes | None, str]:
    """The decompressed content of a ``.gz`` file and its SHA-256, or (None, why unreadable)."""
    try:
        content = gzip.decompress(path.read_bytes())
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        return None, f"unreadable, not a complete gzip file ({exc})"
    return content, sha256_of_bytes(content)


def _refetch_command(name: str) -> str:
    return f"influence-lab data fetch --force {name}"


def _corrupt_cache_error(entry: RemoteDataset, path: Path, actual: str) -> DatasetCorrupt:
    return DatasetCorrupt(
        f"The cached file {path} of dataset '{entry.name}' is corrupted or truncated: the SHA-256 of "
        f"its decompressed content should be {entry.sha256} but is {actual}. It was not used. "
        f"Re-fetch it with `{_refetch_command(entry.name)}` (add --mirror DIR to copy it from a "
        "local mirror instead of downloading it).",
        path=path,
        expected=entry.sha256,
        actual=actual,
    )


@dataclass(frozen=True)
class FetchResult:
    """What :func:`fetch_details` did: the verified path, its content hash and where it came from."""

    name: str
    path: Path
    sha256: str
    origin: str  # "cache", "mirror <dir>" or "download <url>"


@dataclass(frozen=True)
class CacheCheck:
    """The state of one cached real file, for ``influence-lab data verify``."""

    name: str
    path: Path
    expected: str
    actual: str | None  # None when the file is not in the cache
    ok: bool | None  # None when the file is not in the cache


def check_cached(name: str) -> CacheCheck:
    """Hash the cached file of ``name`` (without fetching anything)."""
    entry = spec(name)
    path = cached_path(name)
    if not path.is_file():
        return CacheCheck(entry.name, path, entry.sha256, None, None)
    _, actual = _decompressed(path)
    return CacheCheck(entry.name, path, entry.sha256, actual, actual == entry.sha256)


def available_locally(name: str, *, mirror: str | os.PathLike[str] | None = None) -> bool:
    """Whether ``name`` can be loaded without the network (cached, or present in the mirror)."""
    entry = spec(name)
    if cached_path(name).is_file():
        return True
    folder = _mirror_folder(mirror)
    return folder is not None and (folder / entry.filename).is_file()


def _install(entry: RemoteDataset, write: Callable[[io.BufferedWriter], None], origin: str) -> tuple[Path, bytes]:
    """Write a new copy to a temporary file in the cache, verify it, rename it into place."""
    cache = paths.cache_dir()
    target = cache / entry.filename
    handle, tmp_name = tempfile.mkstemp(dir=cache, prefix=f".{entry.filename}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            write(out)
        content, actual = _decompressed(tmp)
        if content is None or actual != entry.sha256:
            raise DatasetCorrupt(
                f"The copy of dataset '{entry.name}' from {origin} does not match the registry: the "
                f"SHA-256 of its decompressed content should be {entry.sha256} but is {actual}. It was "
                f"not installed in {cache}. Replace the source file with the original from {entry.url} "
                "(or fetch from another mirror), then run `influence-lab data fetch "
                f"{entry.name}` again.",
                path=target,
                expected=entry.sha256,
                actual=actual,
            )
        os.replace(tmp, target)
        return target, content
    finally:
        if tmp.exists():
            tmp.unlink()


def _download(url: str) -> Callable[[io.BufferedWriter], None]:
    def write(out: io.BufferedWriter) -> None:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
            shutil.copyfileobj(response, out, length=1 << 20)

    return write


def _copy_from(source: Path) -> Callable[[io.BufferedWriter], None]:
    def write(out: io.BufferedWriter) -> None:
        with open(source, "rb") as src:
            shutil.copyfileobj(src, out, length=1 << 20)

    return write


def _obtain(
    name: str, *, mirror: str | os.PathLike[str] | None = None, force: bool = False
) -> tuple[FetchResult, bytes]:
    """Fetch (cache, mirror, download) and return the result with the decompressed content."""
    entry = spec(name)
    target = paths.cache_dir() / entry.filename
    if target.exists() and not force:
        content, actual = _decompressed(target)
        if content is None or actual != entry.sha256:
            raise _corrupt_cache_error(entry, target, actual)
        return FetchResult(entry.name, target, actual, "cache"), content

    target.parent.mkdir(parents=True, exist_ok=True)
    folder = _mirror_folder(mirror)
    mirror_note = "no local mirror was given (--mirror DIR or $INFLUENCE_LAB_MIRROR)"
    if folder is not None:
        source = folder / entry.filename
        if source.is_file():
            path, content = _install(entry, _copy_from(source), f"the mirror {folder}")
            return FetchResult(entry.name, path, entry.sha256, f"mirror {folder}"), content
        mirror_note = f"the mirror {folder} has no file {entry.filename}"

    try:
        path, content = _install(entry, _download(entry.url), entry.url)
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise DatasetUnavailable(
            f"Could not get dataset '{entry.name}' ({entry.filename}): {mirror_note}, and downloading "
            f"{entry.url} failed ({reason}). Do one of: run `influence-lab data fetch {entry.name} "
            f"--mirror DIR` where DIR holds a copy of {entry.filename}; or set "
            f"INFLUENCE_LAB_MIRROR=DIR and run again; or download {entry.url} yourself and save it as "
            f"{target}."
        ) from exc
    return FetchResult(entry.name, path, entry.sha256, f"download {entry.url}"), content


def fetch_details(
    name: str, *, mirror: str | os.PathLike[str] | None = None, force: bool = False
) -> FetchResult:
    """Like :func:`fetch`, and also say where the file came from (for the command line)."""
    result, _ = _obtain(name, mirror=mirror, force=force)
    return result


def fetch(name: str, *, mirror: str | os.PathLike[str] | None = None, force: bool = False) -> Path:
    """The verified file of dataset ``name`` in the cache, fetching it if needed.

    Order: a valid cached copy; a copy from ``mirror`` (else ``$INFLUENCE_LAB_MIRROR``);
    a download from the official address. The SHA-256 of the decompressed content
    is checked every time. ``force=True`` ignores (and replaces) the cached copy.
    Raises :class:`DatasetCorrupt` or :class:`DatasetUnavailable` with what to run.
    """
    return fetch_details(name, mirror=mirror, force=force).path


# --------------------------------------------------------------------------- parsing


def _format_error(content: bytes, source: str, columns: tuple[str, ...], detail: str) -> RawFormatError:
    """Find the first line of ``content`` that cannot be parsed, and say where and why.

    Only called after the fast parser failed: it re-reads the lines, vectorised,
    to name the line and column the parser's message does not give.
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        line_start = content.rfind(b"\n", 0, exc.start) + 1
        field = content.count(b" ", line_start, exc.start)
        column = columns[min(field, len(columns) - 1)]
        return RawFormatError(
            f"{source}: line {line}, column {field + 1} ({column}): the bytes are not valid UTF-8 text. "
            "How to fix: re-download the original file (`influence-lab data fetch --force`) or "
            "re-save yours as UTF-8.",
            path=source,
            line=line,
            column=column,
        )
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line
    arr = pc.utf8_rtrim(pa.array(lines, type=pa.large_string()), characters="\r")
    fields = pc.split_pattern(arr, " ")
    counts = pc.list_value_length(fields).to_numpy(zero_copy_only=False)
    expected_layout = " ".join(columns)
    if not lines:
        return RawFormatError(
            f"{source}: the file is empty; expected lines reading '{expected_layout}'.",
            path=source,
            line=None,
            column=None,
        )
    wrong = np.flatnonzero(counts != len(columns))
    if wrong.size:
        pos = int(wrong[0])
        return RawFormatError(
            f"{source}: line {pos + 1} has {counts[pos]} space-separated fields, expected "
            f"{len(columns)} ({expected_layout}): {lines[pos]!r}"
            + (f" ({wrong.size - 1:,} more such lines)" if wrong.size > 1 else "")
            + f". How to fix: every line must read '{expected_layout}', one space between fields "
            "and no blank lines.",
            path=source,
            line=pos + 1,
            column=None,
        )
    for index, column in enumerate(columns):
        values = pc.list_element(fields, index)
        if column == "unix_ts":
            ok = pc.match_substring_regex(values, r"^-?[0-9]{1,18}$")
            what = "is not a whole number of seconds since 1970-01-01 UTC"
        else:
            ok = pc.greater(pc.utf8_length(values), 0)
            what = "is empty"
        bad = np.flatnonzero(~ok.to_numpy(zero_copy_only=False))
        if bad.size:
            pos = int(bad[0])
            return RawFormatError(
                f"{source}: line {pos + 1}, column {index + 1} ({column}): {values[pos].as_py()!r} {what}: "
                f"{lines[pos]!r}. How to fix: correct or remove that line (the file should read "
                f"'{expected_layout}').",
                path=source,
                line=pos + 1,
                column=column,
            )
    return RawFormatError(
        f"{source}: cannot be parsed as '{expected_layout}': {detail}", path=source, line=None, column=None
    )


def _parse(content: bytes, source: str, columns: tuple[str, ...]) -> pa.Table:
    """Parse space-separated lines into an Arrow table: ids as text, unix_ts as int64."""
    types = {column: pa.large_string() for column in columns}
    types["unix_ts"] = pa.int64()
    try:
        return pacsv.read_csv(
            io.BytesIO(content),
            read_options=pacsv.ReadOptions(column_names=list(columns)),
            parse_options=pacsv.ParseOptions(delimiter=" ", quote_char=False, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=types, null_values=[], strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )
    except pa.ArrowInvalid as exc:
        raise _format_error(content, source, columns, str(exc)) from None


def _first_rows_message(
    source: str, column: str, index: int, positions: np.ndarray, values: pa.ChunkedArray, problem: str, fix: str
) -> str:
    """Name the first offending lines (row i is line i + 1) of one column, and the fix (the contract's wording)."""
    shown = {int(p): values[int(p)].as_py() for p in positions[:5]}  # only the rows the message shows
    return offending_rows(
        table="raw file", column=f"{index + 1} ({column})", positions=positions, n_rows=len(values),
        problem=problem, fix=fix, source=source, values=shown, line_offset=1,
    )


def _kind_codes(table: pa.Table, entry: RemoteDataset, source: str) -> np.ndarray:
    """Contract category codes of each row's kind (raw labels mapped through the registry)."""
    if not entry.kinds:
        return np.full(table.num_rows, EVENT_KINDS.index(COLLEGEMSG_KIND), dtype=np.int8)
    labels = list(entry.kinds)
    code_of_label = np.array([EVENT_KINDS.index(entry.kinds[label]) for label in labels] + [-1], dtype=np.int8)
    position = pc.index_in(table["kind"], value_set=pa.array(labels, type=pa.large_string()))
    position = pc.fill_null(position, len(labels)).to_numpy(zero_copy_only=False)
    codes = code_of_label[position]
    unknown = np.flatnonzero(codes < 0)
    if unknown.size:
        index = entry.columns.index("kind")
        raise RawFormatError(
            _first_rows_message(
                source,
                "kind",
                index,
                unknown,
                table["kind"],
                f"have a kind other than {', '.join(labels)}",
                f"correct those lines: the kind column holds one of {', '.join(labels)} "
                f"({', '.join(f'{k} -> {v}' for k, v in entry.kinds.items())}).",
            ),
            path=source,
            line=int(unknown[0]) + 1,
            column="kind",
        )
    return codes


#: Unix seconds that fit in nanosecond timestamps (pandas' datetime64[ns] range).
_MIN_SECONDS, _MAX_SECONDS = -9_223_372_036, 9_223_372_036


def _timestamps(table: pa.Table, entry: RemoteDataset, source: str) -> pd.DatetimeIndex:
    seconds = table["unix_ts"].to_numpy()
    outside = np.flatnonzero((seconds < _MIN_SECONDS) | (seconds > _MAX_SECONDS))
    if outside.size:
        raise RawFormatError(
            _first_rows_message(
                source,
                "unix_ts",
                entry.columns.index("unix_ts"),
                outside,
                table["unix_ts"],
                "have a time outside the years 1677-2262",
                "unix_ts must be seconds since 1970-01-01 UTC.",
            ),
            path=source,
            line=int(outside[0]) + 1,
            column="unix_ts",
        )
    return pd.DatetimeIndex((seconds * 1_000_000_000).view("datetime64[ns]")).tz_localize("UTC")


def _ids(values: pa.ChunkedArray | pa.Array) -> pd.api.extensions.ExtensionArray:
    """Arrow text -> the contract's id dtype, without a copy."""
    return pd.array(values, dtype=ID_DTYPE)


def clean_events(events: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Remove self-loops, then exact duplicate rows (keeping the first); return the counts.

    A self-loop (actor == target) is a user retweeting, mentioning or messaging
    themselves: it says nothing about influence on others. An exact duplicate
    repeats every column of an earlier row.
    """
    self_loop = (events["actor_id"] == events["target_id"]).to_numpy(dtype=bool, na_value=False)
    kept = events.loc[~self_loop]
    duplicate = kept.duplicated(keep="first").to_numpy(dtype=bool)
    cleaned = kept.loc[~duplicate].reset_index(drop=True)
    return cleaned, {"self-loops": int(self_loop.sum()), "exact duplicates": int(duplicate.sum())}


def _build(entry: RemoteDataset, content: bytes, source: str, *, clean: bool) -> Dataset:
    """Parse the decompressed content of ``entry``'s file into a validated Dataset."""
    table = _parse(content, source, entry.columns)
    actor, target = entry.columns[0], entry.columns[1]
    events = pd.DataFrame(
        {
            "timestamp": _timestamps(table, entry, source),
            "actor_id": _ids(table[actor]),
            "target_id": _ids(table[target]),
            "kind": pd.Categorical.from_codes(_kind_codes(table, entry, source), dtype=KIND_DTYPE),
        },
        copy=False,
    )
    # Row i is line i + 1 of the file (no header, no blank lines: the parser refuses them).
    events = validate_events(events, source=source, line_offset=1)
    # Users: every id in the file, also those who appear only in rows that clean=True removes.
    users = users_from_ids(table[actor], table[target])
    removed: dict[str, int] = {}
    if clean:
        events, removed = clean_events(events)
    return Dataset(
        name=entry.name,
        users=users,
        events=events,
        outcomes=empty_outcomes(),
        removed=removed,
        description=f"{entry.title}. {entry.description} Source: {entry.page}. Cite: {entry.citation}",
    )


def _read_local(path: str | os.PathLike[str]) -> bytes:
    path = Path(path)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            return gzip.decompress(raw)
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise RawFormatError(
                f"{path}: not a complete gzip file ({exc}). How to fix: download it again.",
                path=str(path),
                line=None,
                column=None,
            ) from None
    return raw


# --------------------------------------------------------------------------- loaders


def load(name: str, *, clean: bool = False, mirror: str | os.PathLike[str] | None = None) -> Dataset:
    """Fetch (see :func:`fetch`) and load the registered dataset ``name`` into the contract."""
    entry = spec(name)
    result, content = _obtain(entry.name, mirror=mirror)
    return _build(entry, content, str(result.path), clean=clean)


def load_higgs(*, clean: bool = False, mirror: str | os.PathLike[str] | None = None) -> Dataset:
    """SNAP Higgs Twitter activity: 563,069 retweets, mentions and replies, 1-7 July 2012.

    ``userA`` is the actor and ``userB`` receives: RT -> reshare, MT -> mention,
    RE -> reply. ``clean=True`` removes the 7,588 self-loops (and any exact
    duplicate rows) and records the counts in ``Dataset.removed``.
    """
    return load("higgs", clean=clean, mirror=mirror)


def load_collegemsg(*, clean: bool = False, mirror: str | os.PathLike[str] | None = None) -> Dataset:
    """SNAP CollegeMsg: 59,835 private messages among 1,899 students, April-October 2004.

    Each message becomes an event of kind ``mention`` from sender to receiver
    (the receiver is addressed by name, as in a Twitter mention). ``clean=True``
    removes self-loops and exact duplicate rows and records the counts.
    """
    return load("collegemsg", clean=clean, mirror=mirror)


def read_file(path: str | os.PathLike[str], layout: str, *, clean: bool = False) -> Dataset:
    """Load a local file in the layout of a registered dataset (e.g. a subset you made).

    ``layout`` is a registry name (``"higgs"`` or ``"collegemsg"``). The file
    may be plain text or ``.gz``. Its hash is NOT checked: it is your file.
    Unparseable lines raise :class:`RawFormatError` naming the line and column.
    """
    entry = spec(layout)
    dataset = _build(entry, _read_local(path), str(path), clean=clean)
    dataset.name = Path(path).name
    return dataset


def describe(names: Iterable[str] | None = None) -> list[RemoteDataset]:
    """Registry entries (all of them by default), e.g. to print citations and terms."""
    return [spec(name) for name in (names if names is not None else REGISTRY)]
