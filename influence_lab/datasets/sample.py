"""The synthetic sample: write it, regenerate it, load it, verify it.

Where it lives (:func:`influence_lab.paths.sample_dir`): the checkout's
``data/``, committed; or, for a package installed without a checkout (a
wheel), ``sample/`` in the user cache, which :func:`load_sample` generates
once on first use (the same seeded :func:`generate_sample`, so the content is
byte-identical to ``data/``).

The sample is the default synthetic world (:func:`influence_lab.datasets.world.generate_world`)
stored as four gzipped CSV files and a ``MANIFEST.json``:

``users.csv.gz``, ``events.csv.gz``, ``outcomes.csv.gz``, and the ground truth ``true_life_events.csv.gz``,
``true_post_topics.csv.gz``, ``true_follows.csv.gz``, ``true_gaming.csv.gz``
    UTF-8 CSV with a header, ``\\n`` line ends, a fixed column order,
    timestamps as ISO 8601 in UTC with a ``Z`` (``2012-04-16T09:30:00Z``),
    floats with ``%.15g`` (the generator rounds them first, so they
    round-trip exactly), empty cells for missing values. Gzip with mtime 0
    and no file name, so the bytes are reproducible too.
``MANIFEST.json``
    Rows, columns, dtypes and the SHA-256 of the DECOMPRESSED content of
    each file (:func:`influence_lab.datasets.hashing.sha256_of_content`), plus the
    generating configuration and the package version.

Why gzipped CSV: any tool can read it (a spreadsheet, R, ``zcat | head``),
diffs of the manifest show when content changed, and gzip keeps the whole
sample a few MB. :func:`load_sample` reads it with pyarrow's multithreaded
CSV reader and explicit types, then validates every table against the
contract (always: a file edited by hand must fail loudly, naming the file,
the column and the line).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from influence_lab import paths
from influence_lab._version import __version__
from influence_lab.contract import (
    rows_error,
    EVENT_COLUMNS,
    EVENT_OPTIONAL,
    ID_DTYPE,
    ContractError,
    Dataset,
    validate_events,
    validate_outcomes,
    to_utc_column,
    validate_users,
)
from influence_lab.datasets.hashing import sha256_of_content

#: Table name -> file name, in the order they are written.
SAMPLE_FILES: dict[str, str] = {
    "users": "users.csv.gz",
    "events": "events.csv.gz",
    "outcomes": "outcomes.csv.gz",
    "true_life_events": "true_life_events.csv.gz",
    "true_post_topics": "true_post_topics.csv.gz",
    "true_follows": "true_follows.csv.gz",
    "true_gaming": "true_gaming.csv.gz",
}
#: The ground-truth tables among them (``Dataset.truth``); no score reads them.
TRUTH_TABLES: tuple[str, ...] = tuple(name for name in SAMPLE_FILES if name.startswith("true_"))
MANIFEST_NAME = "MANIFEST.json"
FORMAT = "influence-lab sample, gzipped CSV, version 1"
FLOAT_FORMAT = "%.15g"
_LINE_OFFSET = 2  # row 0 of a table is line 2 of its file (line 1 is the header)


@dataclass(frozen=True)
class FileCheck:
    """The result of checking one sample file against MANIFEST.json."""

    #: The file checked.
    path: str
    #: SHA-256 of the decompressed content that MANIFEST.json records (None if not listed).
    expected: str | None
    #: SHA-256 of the file's decompressed content now (None if the file is missing).
    actual: str | None
    #: True when both are present and equal.
    ok: bool


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def _timestamp_strings(series: pd.Series) -> np.ndarray:
    """ISO 8601 UTC strings with a Z; whole seconds unless a value needs more."""
    values = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(values)
    ns = values.view(np.int64)
    unit = "s" if not (ns[~missing] % 1_000_000_000).any() else "ns"
    text = np.datetime_as_string(values.astype(f"datetime64[{unit}]"), unit=unit).astype(object) + "Z"
    text[missing] = ""
    return text


def _ordered_columns(table: str, df: pd.DataFrame) -> list[str]:
    """The file's column order: the contract's columns first, then the rest as they come."""
    if table == "events":
        first = [c for c in EVENT_COLUMNS + EVENT_OPTIONAL if c in df.columns]
    elif table == "users":
        first = [c for c in ("user_id", "handle", "created_at", "persona") if c in df.columns]
    elif table == "outcomes":
        first = ["user_id", "period", "metric", "value"]
    else:
        first = []
    return first + [c for c in df.columns if c not in first]


def _csv_text(table: str, df: pd.DataFrame) -> tuple[str, dict[str, Any]]:
    """The CSV text of one table and its column description for the manifest."""
    columns = _ordered_columns(table, df)
    out = {}
    described = []
    for name in columns:
        col = df[name]
        entry: dict[str, Any] = {"name": name}
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            out[name] = _timestamp_strings(col)
            entry["dtype"] = "timestamp"
        elif isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = col.astype(ID_DTYPE)
            entry["dtype"] = "category"
            entry["categories"] = [str(c) for c in col.cat.categories]
        elif pd.api.types.is_float_dtype(col.dtype):
            out[name] = col.astype("float64")
            entry["dtype"] = "float64"
        elif pd.api.types.is_integer_dtype(col.dtype) and not col.isna().any():
            out[name] = col.astype("int64")
            entry["dtype"] = "int64"
        elif pd.api.types.is_bool_dtype(col.dtype):
            out[name] = col.astype("int64")
            entry["dtype"] = "bool"
        else:
            out[name] = col.astype(ID_DTYPE)
            entry["dtype"] = "str"
        described.append(entry)
    text = pd.DataFrame(out).to_csv(index=False, lineterminator="\n", float_format=FLOAT_FORMAT, na_rep="")
    return text, {"columns": described}


def _write_gzip_atomic(path: Path, data: bytes) -> None:
    """Write gzip bytes with mtime 0 and no name, via a temporary file renamed into place."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
                gz.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_sample(dataset: Dataset, directory: str | Path, *, config: Any = None) -> dict[str, Any]:
    """Write ``dataset`` as the sample format into ``directory``; return the manifest.

    ``config`` (a :class:`~influence_lab.datasets.world.WorldConfig`) is recorded in
    the manifest when given. The content is deterministic: the same dataset
    gives byte-identical files.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tables = {"users": dataset.users, "events": dataset.events, "outcomes": dataset.outcomes}
    tables |= {name: dataset.truth.get(name) for name in TRUTH_TABLES}
    files: dict[str, Any] = {}
    for table, file_name in SAMPLE_FILES.items():
        df = tables[table]
        if df is None:
            continue
        text, description = _csv_text(table, df)
        path = directory / file_name
        _write_gzip_atomic(path, text.encode("utf-8"))
        files[file_name] = {
            "table": table,
            "rows": int(len(df)),
            **description,
            "sha256": sha256_of_content(path),
        }
    manifest = {
        "format": FORMAT,
        "name": dataset.name,
        "description": dataset.description,
        "package_version": __version__,
        "generator": "influence_lab.datasets.world.generate_world" if config is not None else None,
        "config": config.to_dict() if config is not None else None,
        "removed": dict(dataset.removed),
        "files": files,
    }
    fd, tmp = tempfile.mkstemp(prefix=MANIFEST_NAME + ".", suffix=".tmp", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, directory / MANIFEST_NAME)
    return manifest


def generate_sample(directory: str | Path | None = None, config: Any = None) -> dict[str, Any]:
    """Generate the synthetic world and write it as the sample; return the manifest.

    ``directory`` defaults to :func:`influence_lab.paths.generate_dir` (the
    checkout's ``data/``, else the cache's sample folder). This is what
    ``influence-lab data generate`` and ``make data`` run; with the default
    config the content hashes equal the committed MANIFEST.json.
    """
    from influence_lab.datasets.world import WorldConfig, generate_world

    config = config or WorldConfig()
    dataset = generate_world(config)
    return write_sample(dataset, Path(directory) if directory is not None else paths.generate_dir(), config=config)


def _move_into_place(built: Path, target: Path) -> None:
    """Rename the finished folder ``built`` to ``target``; a complete sample already there wins."""
    for _ in range(3):
        try:
            os.rename(built, target)  # atomic; fails if target exists and is not empty
            return
        except OSError:
            if (target / MANIFEST_NAME).is_file():  # another process finished first: keep its copy
                shutil.rmtree(built, ignore_errors=True)
                return
            if not target.exists():
                continue
            # A folder without MANIFEST.json (not a sample, or left by hand): set it aside, then retry.
            aside = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            os.replace(target, aside / target.name)
            shutil.rmtree(aside, ignore_errors=True)
    os.rename(built, target)  # raises with the reason if it still cannot be done


def ensure_sample() -> Path:
    """The default sample folder (:func:`influence_lab.paths.sample_dir`), generated first if it is missing.

    From a checkout this is ``data/``, never generated here. Without one it is
    the cache's sample folder: when it holds no ``MANIFEST.json`` the default
    world is generated once (a one-line message on stderr says so and where,
    with a progress bar), into a temporary folder beside it that is renamed into
    place when complete, so an interrupted run leaves no half sample.
    """
    directory = paths.sample_dir()
    if (directory / MANIFEST_NAME).is_file():  # the checkout's data/, or the cache's copy made earlier
        return directory
    from tqdm import tqdm

    from influence_lab.datasets.world import WorldConfig, generate_world

    config = WorldConfig()
    print(
        f"influence-lab: no checkout with data/, so generating the synthetic sample (default world, seed "
        f"{config.seed}) once into {directory}; later loads read it from there.",
        file=sys.stderr,
        flush=True,
    )
    directory.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=f".{directory.name}-", suffix=".tmp", dir=directory.parent))
    try:
        with tqdm(total=3, desc="sample", unit="step", file=sys.stderr, leave=True) as bar:
            bar.set_postfix_str("simulating the world")
            dataset = generate_world(config)
            bar.update()
            bar.set_postfix_str("writing the files")
            write_sample(dataset, built, config=config)
            bar.update()
            bar.set_postfix_str(f"moving into {directory}")
            os.chmod(built, 0o755)
            _move_into_place(built, directory)
            bar.update()
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    return directory


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def read_manifest(directory: str | Path | None = None) -> dict[str, Any]:
    """The sample's MANIFEST.json as a dict; a clear error if it is missing or unreadable."""
    directory = Path(directory) if directory is not None else paths.sample_dir()
    path = directory / MANIFEST_NAME
    if not path.exists():
        raise FileNotFoundError(f"{path}: no sample manifest here; {paths.regenerate_hint(directory)}.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ValueError(f"{path}: not valid JSON ({error}); {paths.regenerate_hint(directory)}.") from error


_ARROW_TYPES = {
    "timestamp": pa.timestamp("s", tz="UTC"),
    "float64": pa.float64(),
    "int64": pa.int64(),
    "bool": pa.int64(),
    "str": pa.string(),
    "category": pa.string(),  # cast to the manifest's categories after reading (faster than dictionaries)
}


def _string_mapper(arrow_type: pa.DataType) -> Any:
    return ID_DTYPE if arrow_type in (pa.string(), pa.large_string()) else None


def _read_table(path: Path, entry: dict[str, Any]) -> pd.DataFrame:
    """Read one sample CSV with explicit types; on a conversion error, read it as text.

    The text fallback lets the contract's validators report the file, column
    and line of a bad value instead of a bare parser error.
    """
    if not path.exists():
        raise FileNotFoundError(f"{path}: sample file is missing; {paths.regenerate_hint(path.parent)}.")
    columns = entry["columns"]
    names = [c["name"] for c in columns]
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
    extra = [c for c in header if c not in names]
    if extra:
        raise ContractError(
            f"{path}: column(s) {extra} are not listed in MANIFEST.json, and would be ignored. How to fix: keep your "
            f"own columns in a file of your own, or {paths.regenerate_hint(path.parent)}.",
            table=entry.get("table", "?"),
            column=extra[0],
            source=str(path),
        )
    timestamp_cols = [c["name"] for c in columns if c["dtype"] == "timestamp"]
    read = pacsv.ReadOptions(use_threads=True, block_size=1 << 23)
    try:
        # pyarrow parses the ISO 8601 "Z" timestamps itself; a value with fractional seconds
        # (never written by the generator) falls back to the text path below.
        types = {c["name"]: _ARROW_TYPES[c["dtype"]] for c in columns}
        convert = pacsv.ConvertOptions(
            column_types=types, null_values=[""], strings_can_be_null=True, include_columns=names
        )
        table = pacsv.read_csv(path, read_options=read, convert_options=convert)
        df = table.to_pandas(types_mapper=_string_mapper, ignore_metadata=True)
        for name in timestamp_cols:
            df[name] = df[name].astype("datetime64[ns, UTC]")
    except (pa.ArrowInvalid, pa.ArrowTypeError, KeyError):
        convert = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names}, null_values=[""], strings_can_be_null=True
        )
        table = pacsv.read_csv(path, read_options=read, convert_options=convert)
        df = table.to_pandas(types_mapper=_string_mapper, ignore_metadata=True)
        missing = [n for n in names if n not in df.columns]
        if missing:
            raise ContractError(
                f"{path}: missing column(s) {missing} that MANIFEST.json lists; "
                f"{paths.regenerate_hint(path.parent)}.",
                table=entry.get("table", "?"),
                column=missing[0],
                source=str(path),
            )
        for c in columns:
            name, dtype = c["name"], c["dtype"]
            if dtype in ("float64", "int64", "bool") and name not in ("value",):
                numeric = pd.to_numeric(df[name], errors="coerce")
                bad = (numeric.isna() & df[name].notna()).to_numpy(dtype=bool)
                if bad.any():
                    raise rows_error(
                        table=entry.get("table", "?"), column=name, positions=np.flatnonzero(bad), n_rows=len(df),
                        problem="hold text, not a number", fix=f"{paths.regenerate_hint(path.parent)}.",
                        source=str(path), values=df[name].array, line_offset=_LINE_OFFSET,
                    )
                df[name] = numeric.astype("int64" if dtype != "float64" and not numeric.isna().any() else "float64")
    for c in columns:
        if c["dtype"] == "category" and not (entry.get("table") == "events" and c["name"] == "kind"):
            # (events.kind is left as text: validate_events checks it and casts to the contract's kinds.)
            df[c["name"]] = _categorical(df[c["name"]], c["categories"])
        elif c["dtype"] == "bool":
            df[c["name"]] = df[c["name"]].astype(bool)
    return df[names]


def _categorical(column: pd.Series, categories: list[str]) -> pd.Series:
    """A categorical column with the manifest's categories (values outside them stay visible as text)."""
    text = column.astype(ID_DTYPE)
    if not text.dropna().isin(categories).all():
        return text  # the validators (or the caller) report the unknown values
    return text.astype(pd.CategoricalDtype(categories))


def _check_rows(path: Path, df: pd.DataFrame, entry: dict[str, Any]) -> None:
    if len(df) != entry["rows"]:
        raise ContractError(
            f"{path}: {len(df):,} rows, but MANIFEST.json records {entry['rows']:,}: the file was cut short or "
            f"edited. Run `influence-lab data verify`, then {paths.regenerate_hint(path.parent)}.",
            table=entry.get("table", "?"),
            source=str(path),
        )


#: Per truth table: the columns it must have and how each is checked. "user": a user_id of users.csv.gz;
#: "post": a post_id of events.csv.gz; "time" / "time?": a UTC timestamp (? = may be empty); "int"; a tuple:
#: one of those values; "unit": a number in [0, 1].
_TRUTH_COLUMNS: dict[str, dict[str, Any]] = {
    "true_life_events": {"user_id": "user", "event": "text", "start": "time", "end": "time", "availability": "unit"},
    "true_post_topics": {"post_id": "post", "topic": "topics"},
    "true_follows": {
        "follower_id": "user", "followee_id": "user", "start": "time", "end": "time?", "origin": "origins",
        "group": "int",
    },
    "true_gaming": {
        "user_id": "user", "strategy": ("bought_followers", "bot_ring", "pod"), "group": "int", "start": "time",
        "end": "time?", "size": "int", "follows": "int",
    },
}


def _validate_truth(
    name: str, df: pd.DataFrame, path: Path, user_ids: pd.Series, events: pd.DataFrame
) -> pd.DataFrame:
    """Check one ground-truth table: its columns, ids that exist, UTC times, ends after starts, known values.

    Every problem raises with the file, column, the number of rows concerned and the first lines (the
    contract's one bad-rows format), and says how to fix it. ``true_post_topics`` must also name every post
    in events exactly once.
    """
    from influence_lab.datasets.world import ORIGIN_NAMES, POST_TOPICS

    spec = _TRUTH_COLUMNS[name]
    missing = [c for c in spec if c not in df.columns]
    if missing:
        raise ContractError(
            f"{path}: missing column(s) {missing}; {paths.regenerate_hint(path.parent)}.",
            table=name, column=missing[0], source=str(path),
        )
    out = df.copy()
    fix = f"{paths.regenerate_hint(path.parent)}."
    post_ids = events.loc[events["kind"] == "post", "post_id"]

    def fail(column: str, bad: np.ndarray, problem: str) -> None:
        if bad.any():
            raise rows_error(
                table=name, column=column, positions=np.flatnonzero(bad), n_rows=len(out), problem=problem,
                fix=fix, source=str(path), values=out[column].array, line_offset=_LINE_OFFSET,
            )

    allowed = {"topics": POST_TOPICS, "origins": ORIGIN_NAMES}
    known_users = pa.array(user_ids.astype(ID_DTYPE).array).unique()
    known_posts = pa.array(post_ids.astype(ID_DTYPE).array).unique()

    def known(column: str, value_set: pa.Array) -> np.ndarray:  # pyarrow's hash lookup (pandas' isin loops here)
        found = pc.is_in(pa.array(out[column].astype(ID_DTYPE).array), value_set=value_set)
        return found.fill_null(False).to_numpy(zero_copy_only=False)
    for column, kind in spec.items():
        if kind in ("time", "time?"):
            out[column] = to_utc_column(out, column, table=name, source=str(path), line_offset=_LINE_OFFSET)
            if kind == "time":
                fail(column, out[column].isna().to_numpy(dtype=bool), "are empty")
        elif kind == "user":
            fail(column, ~known(column, known_users), "name a user not in users.csv.gz")
            out[column] = out[column].astype(ID_DTYPE)
        elif kind == "post":
            fail(column, ~known(column, known_posts), "name a post not in events.csv.gz")
            fail(column, out[column].duplicated().to_numpy(dtype=bool), "repeat a post_id")
            out[column] = out[column].astype(ID_DTYPE)
        elif kind == "unit":
            values = pd.to_numeric(out[column], errors="coerce")
            fail(column, ~values.between(0, 1).to_numpy(dtype=bool), "are not a number in [0, 1]")
            out[column] = values.astype("float64")
        elif kind == "int":
            values = pd.to_numeric(out[column], errors="coerce")
            fail(column, values.isna().to_numpy(dtype=bool), "are not whole numbers")
            out[column] = values.astype("int64")
        elif kind == "text":
            out[column] = out[column].astype(ID_DTYPE)
        else:
            values = allowed.get(kind, kind)
            fail(column, ~out[column].isin(values).to_numpy(dtype=bool), f"are not one of {list(values)}")
            out[column] = out[column].astype(ID_DTYPE)
    if "end" in spec:  # a life event lasts at least a day; a follow or package may end the instant it starts
        early = out["end"] <= out["start"] if name == "true_life_events" else out["end"] < out["start"]
        fail("end", early.to_numpy(dtype=bool), "end before they start")
    if name == "true_post_topics" and len(out) != len(post_ids):
        raise ContractError(
            f"{path}: {len(out):,} rows, but events.csv.gz holds {len(post_ids):,} posts: every post needs its "
            f"true topic; {fix}",
            table=name, column="post_id", source=str(path),
        )
    return out


def load_sample(directory: str | Path | None = None) -> Dataset:
    """Load the sample as a validated :class:`Dataset`.

    Without ``directory``: the checkout's ``data/``, or else the cache's copy,
    generated there on first use (see :func:`ensure_sample`). An explicit
    ``directory`` is only read: a missing sample there raises
    ``FileNotFoundError`` saying which command writes it.

    Every table goes through the contract's validators, with errors naming the
    file and line; row counts are checked against MANIFEST.json. Content hashes
    are not recomputed here (see :func:`verify_sample`).
    """
    directory = Path(directory) if directory is not None else ensure_sample()
    manifest = read_manifest(directory)
    files = manifest.get("files", {})
    tables: dict[str, pd.DataFrame] = {}
    for table, file_name in SAMPLE_FILES.items():
        entry = files.get(file_name)
        if entry is None:
            if table in TRUTH_TABLES:
                continue
            raise FileNotFoundError(
                f"{directory / MANIFEST_NAME}: lists no {file_name}; {paths.regenerate_hint(directory)}."
            )
        path = directory / file_name
        df = _read_table(path, {**entry, "table": table})
        _check_rows(path, df, entry)
        source = str(path)
        if table == "users":
            df = validate_users(df, source=source, line_offset=_LINE_OFFSET)
        elif table == "events":
            df = validate_events(df, source=source, line_offset=_LINE_OFFSET)
        elif table == "outcomes":
            df = validate_outcomes(df, source=source, line_offset=_LINE_OFFSET)
        else:
            df = _validate_truth(table, df, path, tables["users"]["user_id"], tables["events"])
        tables[table] = df
    truth = {name: tables[name] for name in TRUTH_TABLES if name in tables}
    return Dataset(
        name=manifest.get("name", "synthetic"),
        users=tables["users"],
        events=tables["events"],
        outcomes=tables["outcomes"],
        removed=dict(manifest.get("removed", {})),
        description=manifest.get("description", ""),
        truth=truth,
    )


def verify_sample(directory: str | Path | None = None) -> list[FileCheck]:
    """Compare each file's decompressed SHA-256 with MANIFEST.json (one :class:`FileCheck` per file)."""
    directory = Path(directory) if directory is not None else paths.sample_dir()
    manifest = read_manifest(directory)
    checks = []
    for file_name, entry in manifest.get("files", {}).items():
        path = directory / file_name
        expected = entry.get("sha256")
        actual = sha256_of_content(path) if path.exists() else None
        checks.append(FileCheck(str(path), expected, actual, expected is not None and actual == expected))
    return checks


def sample_config(directory: str | Path | None = None) -> Any:
    """The :class:`~influence_lab.datasets.world.WorldConfig` recorded in the sample's manifest (None if absent).

    Without ``directory`` it reads the sample :func:`load_sample` reads (generating it first if needed).
    """
    from influence_lab.datasets.world import WorldConfig

    config = read_manifest(directory if directory is not None else ensure_sample()).get("config")
    return WorldConfig.from_dict(config) if config else None
