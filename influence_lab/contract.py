"""The one data contract every dataset in Influence Lab follows.

Three tidy tables (see ``data/README.md`` for the column reference):

``users``
    One row per account. ``user_id`` (str, unique, non-empty); optional
    ``handle`` (str), ``created_at`` (UTC timestamp), ``persona`` (category);
    in synthetic data the latent ground truth in columns named ``true_*``.
``events``
    One row per action. ``timestamp`` (tz-aware UTC), ``actor_id`` (str, who
    acts), ``target_id`` (str, who receives it; empty only for ``post``),
    ``kind`` (category, one of :data:`EVENT_KINDS`); optional ``post_id``
    (str), ``topic`` (str) and ``text`` (str).
``outcomes``
    Long format. ``user_id`` (str), ``period`` (UTC timestamp of the start of
    the period), ``metric`` (str: ``clicks``, ``conversions``, ...),
    ``value`` (float).

Every loader calls the ``validate_*`` functions below. They coerce columns to
the contract's dtypes when that is lossless and raise :class:`ContractError`
otherwise, naming the source, the column and the first offending rows and
saying how to fix them. They never drop a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: The kinds of event the contract knows, in a fixed order.
EVENT_KINDS: tuple[str, ...] = (
    "post",
    "reshare",
    "like",
    "reply",
    "mention",
    "follow",
    "unfollow",
)
#: Kinds in which one user reacts to another (engagement received by the target).
ENGAGEMENT_KINDS: tuple[str, ...] = ("reshare", "like", "reply", "mention")

KIND_DTYPE = pd.CategoricalDtype(list(EVENT_KINDS), ordered=False)
TIMESTAMP_DTYPE = pd.DatetimeTZDtype(unit="ns", tz="UTC")
ID_DTYPE = pd.StringDtype(na_value=np.nan)  # pandas 3's default ``str`` dtype

EVENT_COLUMNS: tuple[str, ...] = ("timestamp", "actor_id", "target_id", "kind")
EVENT_OPTIONAL: tuple[str, ...] = ("post_id", "topic", "text")
USER_COLUMNS: tuple[str, ...] = ("user_id",)
USER_OPTIONAL: tuple[str, ...] = ("handle", "created_at", "persona")
OUTCOME_COLUMNS: tuple[str, ...] = ("user_id", "period", "metric", "value")

#: Outcome metrics produced by the synthetic world; user data may add others.
KNOWN_METRICS: tuple[str, ...] = (
    "clicks",
    "conversions",
    "revenue",
    "referrals",
    "invitations",
)

#: Ids of stand-in accounts for reactions an export only counts (analytics exports, archives):
#: ``anon:<post id>:<kind>:<i>``. Scores read them like any account; rankings leave them out.
ANONYMOUS_PREFIX = "anon:"

_MAX_SHOWN = 5


class ContractError(ValueError):
    """A table breaks the data contract.

    Attributes name what is wrong so that callers (and tests) can act on it:
    ``table``, ``column``, ``rows`` (positions, 0-based) and ``source``.
    """

    def __init__(
        self,
        message: str,
        *,
        table: str,
        column: str | None = None,
        rows: Iterable[int] = (),
        source: str | None = None,
    ) -> None:
        super().__init__(message)
        self.table = table
        self.column = column
        self.rows = list(rows)
        self.source = source


def _where(source: str | None, table: str) -> str:
    return f"{source} ({table} table)" if source else f"{table} table"


def _row_label(position: int, line_offset: int | None) -> str:
    if line_offset is None:
        return f"row {position}"
    return f"row {position} (line {position + line_offset} of the file)"


def _plain(value):
    """A numpy scalar as the Python value it holds (``-1.0``, not ``np.float64(-1.0)``), for messages."""
    return value.item() if isinstance(value, np.generic) else value


def offending_rows(
    *,
    table: str,
    column: str,
    positions,
    n_rows: int | None,
    problem: str,
    fix: str,
    source: str | None = None,
    values=None,
    line_offset: int | None = None,
) -> str:
    """The one format of a bad-rows message: source and table, column, n of N rows, the first rows, how to fix.

    ``positions`` are 0-based row positions; ``values`` (indexable by position)
    adds each shown row's value; ``line_offset`` turns a position into a line
    of the source file. Every loader and check of the package words its
    errors through this function."""
    positions = np.asarray(positions, dtype=np.int64)
    shown = []
    for pos in positions[:_MAX_SHOWN]:
        value = "" if values is None else f": {column}={_plain(values[int(pos)])!r}"
        shown.append(f"  {_row_label(int(pos), line_offset)}{value}")
    more = "" if len(positions) <= _MAX_SHOWN else f"\n  ... and {len(positions) - _MAX_SHOWN:,} more"
    of = f" of {n_rows:,}" if n_rows is not None else ""
    return (
        f"{_where(source, table)}: column '{column}': {len(positions):,}{of} rows {problem}. "
        f"First offending rows:\n" + "\n".join(shown) + more + f"\nHow to fix: {fix}"
    )


def rows_error(*, table: str, column: str, positions, source: str | None = None, **message) -> ContractError:
    """A :class:`ContractError` worded by :func:`offending_rows`, carrying the table, column, rows and source."""
    positions = np.asarray(positions, dtype=np.int64)
    text = offending_rows(table=table, column=column, positions=positions, source=source, **message)
    return ContractError(text, table=table, column=column, rows=positions[:100], source=source)


def _fail(
    df: pd.DataFrame,
    mask: np.ndarray,
    *,
    table: str,
    column: str,
    problem: str,
    fix: str,
    source: str | None,
    line_offset: int | None,
) -> None:
    raise rows_error(
        table=table, column=column, positions=np.flatnonzero(mask), n_rows=len(df), problem=problem, fix=fix,
        source=source, values=df[column].array, line_offset=line_offset,
    )


def _require_columns(
    df: pd.DataFrame, required: Iterable[str], *, table: str, source: str | None, hint: str
) -> None:
    if not isinstance(df, pd.DataFrame):
        raise ContractError(
            f"{_where(source, table)}: expected a pandas DataFrame, got {type(df).__name__}.",
            table=table,
            source=source,
        )
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ContractError(
            f"{_where(source, table)}: missing required column(s) {missing}; "
            f"found {list(map(str, df.columns))}.\nHow to fix: {hint}",
            table=table,
            column=missing[0],
            source=source,
        )


def _to_id(
    df: pd.DataFrame,
    column: str,
    *,
    table: str,
    source: str | None,
    line_offset: int | None,
    allow_empty: np.ndarray | None = None,
) -> pd.Series:
    """Coerce an id column to ``str``; empty ids are an error (unless allowed)."""
    col = df[column]
    if pd.api.types.is_float_dtype(col) and col.notna().any():
        # ids read as floats (e.g. "12.0") would silently change: refuse.
        whole = col.dropna()
        if (whole == np.floor(whole)).all():
            col = col.astype("Int64")
    if not isinstance(col.dtype, pd.StringDtype) or col.dtype != ID_DTYPE:
        col = col.astype(ID_DTYPE)
    empty = (col.isna() | (col.str.strip() == "")).to_numpy(dtype=bool, na_value=True)
    if allow_empty is not None:
        empty = empty & ~allow_empty
    if empty.any():
        tmp = df.assign(**{column: col})
        _fail(
            tmp,
            empty,
            table=table,
            column=column,
            problem="have an empty or missing id",
            fix=f"give every row a non-empty '{column}' (ids are text, e.g. the account's numeric id or handle).",
            source=source,
            line_offset=line_offset,
        )
    return col


def _to_utc(
    df: pd.DataFrame, column: str, *, table: str, source: str | None, line_offset: int | None
) -> pd.Series:
    """Coerce a column to tz-aware UTC nanosecond timestamps, or fail clearly."""
    col = df[column]
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        return col.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE)
    if len(col) == 0:
        return pd.Series([], dtype=TIMESTAMP_DTYPE, index=col.index, name=column)
    if pd.api.types.is_datetime64_dtype(col):
        _fail(
            df,
            np.ones(len(df), dtype=bool),
            table=table,
            column=column,
            problem="are naive timestamps (no time zone)",
            fix=(
                f"make '{column}' time-zone aware, e.g. df['{column}'] = df['{column}'].dt.tz_localize('UTC') "
                "if the times are UTC (or tz_localize('<your zone>').dt.tz_convert('UTC'))."
            ),
            source=source,
            line_offset=line_offset,
        )
    if pd.api.types.is_numeric_dtype(col):
        _fail(
            df,
            np.ones(len(df), dtype=bool),
            table=table,
            column=column,
            problem="are numbers, not timestamps",
            fix=(
                f"convert Unix seconds with pd.to_datetime(df['{column}'], unit='s', utc=True), "
                "or write ISO 8601 times with an offset such as 2012-07-04T09:00:00Z."
            ),
            source=source,
            line_offset=line_offset,
        )
    text = col.astype(ID_DTYPE)
    parsed = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
    bad = (parsed.isna() & text.notna()).to_numpy(dtype=bool) | text.isna().to_numpy(dtype=bool)
    if bad.any():
        _fail(
            df,
            bad,
            table=table,
            column=column,
            problem="have a missing or unparseable timestamp",
            fix=f"write '{column}' as ISO 8601 with a UTC offset, e.g. 2012-07-04T09:00:00Z.",
            source=source,
            line_offset=line_offset,
        )
    # Strings without an offset parse as UTC under utc=True: that would guess.
    naive = ~text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)\s*$", regex=True).to_numpy(dtype=bool, na_value=False)
    if naive.any():
        _fail(
            df,
            naive,
            table=table,
            column=column,
            problem="are naive timestamps (no time zone offset)",
            fix=f"add the offset to '{column}' (e.g. 2012-07-04T09:00:00Z or +00:00); times are stored in UTC.",
            source=source,
            line_offset=line_offset,
        )
    return parsed.astype(TIMESTAMP_DTYPE)


def to_utc_column(
    df: pd.DataFrame, column: str, *, table: str, source: str | None = None, line_offset: int | None = None
) -> pd.Series:
    """One column as tz-aware UTC timestamps, or :class:`ContractError` naming the rows (naive times refused)."""
    return _to_utc(df, column, table=table, source=source, line_offset=line_offset)


def validate_events(
    events: pd.DataFrame, *, source: str | None = None, line_offset: int | None = None
) -> pd.DataFrame:
    """Check an events table against the contract and return it with contract dtypes.

    ``source`` names where the table came from (a file path) so that errors
    can point at it; ``line_offset`` maps a row position to a line of that
    file (2 for a CSV with a header). Raises :class:`ContractError`.
    """
    table = "events"
    _require_columns(
        events,
        EVENT_COLUMNS,
        table=table,
        source=source,
        hint=(
            "an events table needs timestamp, actor_id, target_id and kind "
            "(rename your columns, e.g. df.rename(columns={'from': 'actor_id', 'to': 'target_id'}))."
        ),
    )
    out = events.copy()
    out["timestamp"] = _to_utc(out, "timestamp", table=table, source=source, line_offset=line_offset)

    kind = out["kind"]
    if isinstance(kind.dtype, pd.CategoricalDtype):
        # Check the categories, not every row: a categorical column is already cheap to test.
        known = np.append(kind.cat.categories.astype(str).isin(EVENT_KINDS), False)  # code -1 (missing) is unknown
        unknown = ~known[kind.cat.codes.to_numpy()]
        if not unknown.any() and kind.dtype != KIND_DTYPE:
            kind = kind.cat.rename_categories(kind.cat.categories.astype(str)).astype(KIND_DTYPE)
    else:
        kind_text = kind.astype(ID_DTYPE)
        unknown = (~kind_text.isin(EVENT_KINDS)).to_numpy(dtype=bool)
        if not unknown.any():
            kind = kind_text.astype(KIND_DTYPE)
    if unknown.any():
        _fail(
            out,
            unknown,
            table=table,
            column="kind",
            problem=f"have a kind outside {list(EVENT_KINDS)}",
            fix=(
                "map your platform's actions onto the contract's kinds, e.g. "
                "df['kind'] = df['kind'].map({'RT': 'reshare', 'MT': 'mention', 'RE': 'reply'})."
            ),
            source=source,
            line_offset=line_offset,
        )
    out["kind"] = kind

    out["actor_id"] = _to_id(out, "actor_id", table=table, source=source, line_offset=line_offset)
    is_post = (out["kind"] == "post").to_numpy(dtype=bool)
    out["target_id"] = _to_id(
        out, "target_id", table=table, source=source, line_offset=line_offset, allow_empty=is_post
    )
    for column in EVENT_OPTIONAL:
        if column in out.columns and out[column].dtype != ID_DTYPE:
            out[column] = out[column].astype(ID_DTYPE)
    return out


def validate_users(
    users: pd.DataFrame, *, source: str | None = None, line_offset: int | None = None
) -> pd.DataFrame:
    """Check a users table against the contract and return it with contract dtypes."""
    table = "users"
    _require_columns(
        users,
        USER_COLUMNS,
        table=table,
        source=source,
        hint="a users table needs a 'user_id' column with one row per account.",
    )
    out = users.copy()
    out["user_id"] = _to_id(out, "user_id", table=table, source=source, line_offset=line_offset)
    dup = out["user_id"].duplicated(keep="first").to_numpy(dtype=bool)
    if dup.any():
        _fail(
            out,
            dup,
            table=table,
            column="user_id",
            problem="repeat a user_id seen earlier in the table",
            fix="keep one row per account, e.g. users.drop_duplicates('user_id') after checking which row is right.",
            source=source,
            line_offset=line_offset,
        )
    if "handle" in out.columns and out["handle"].dtype != ID_DTYPE:
        out["handle"] = out["handle"].astype(ID_DTYPE)
    if "created_at" in out.columns:
        out["created_at"] = _to_utc(out, "created_at", table=table, source=source, line_offset=line_offset)
    if "persona" in out.columns and not isinstance(out["persona"].dtype, pd.CategoricalDtype):
        out["persona"] = out["persona"].astype("category")
    return out


def validate_outcomes(
    outcomes: pd.DataFrame, *, source: str | None = None, line_offset: int | None = None
) -> pd.DataFrame:
    """Check an outcomes table against the contract and return it with contract dtypes."""
    table = "outcomes"
    _require_columns(
        outcomes,
        OUTCOME_COLUMNS,
        table=table,
        source=source,
        hint="an outcomes table is long: user_id, period (start date), metric, value.",
    )
    out = outcomes.copy()
    out["user_id"] = _to_id(out, "user_id", table=table, source=source, line_offset=line_offset)
    out["period"] = _to_utc(out, "period", table=table, source=source, line_offset=line_offset)
    out["metric"] = _to_id(out, "metric", table=table, source=source, line_offset=line_offset)
    value = pd.to_numeric(out["value"], errors="coerce")
    bad = value.isna().to_numpy(dtype=bool)
    if bad.any():
        _fail(
            out,
            bad,
            table=table,
            column="value",
            problem="have a missing or non-numeric value",
            fix="write numbers only in 'value' (use 0 for a period with no outcome, not an empty cell).",
            source=source,
            line_offset=line_offset,
        )
    out["value"] = value.astype("float64")
    return out


@dataclass
class Dataset:
    """A dataset in the contract's three tables, with an account of any cleaning.

    ``removed`` maps a reason (e.g. ``"self-loops"``) to the number of rows a
    loader removed for it, so that nothing is dropped silently. ``truth``
    holds extra ground-truth tables of a synthetic world.
    """

    name: str
    users: pd.DataFrame
    events: pd.DataFrame
    outcomes: pd.DataFrame = field(default_factory=lambda: empty_outcomes())
    removed: dict[str, int] = field(default_factory=dict)
    description: str = ""
    #: Extra ground-truth tables of synthetic data (e.g. ``true_life_events``);
    #: like the ``true_*`` columns, scores never read them.
    truth: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: What the loader assumed or could not read, in plain words (an importer's account of the
    #: file: the time zone naive times were read in, columns it ignored, entries it skipped).
    notes: list[str] = field(default_factory=list)

    def info(self) -> dict[str, object]:
        """Rows per table, the time span and the number of users, for ``data info``."""
        ts = self.events["timestamp"]
        return {
            "dataset": self.name,
            "users": int(len(self.users)),
            "events": int(len(self.events)),
            "outcomes": int(len(self.outcomes)),
            "first_event": ts.min() if len(ts) else None,
            "last_event": ts.max() if len(ts) else None,
            "events_by_kind": {
                str(k): int(v) for k, v in self.events["kind"].value_counts(sort=False).items() if v
            },
            "removed": dict(self.removed),
        }

    def without_truth(self) -> "Dataset":
        """The same dataset with every ``true_*`` column removed from ``users``."""
        truth = [c for c in self.users.columns if str(c).startswith("true_")]
        return Dataset(
            self.name,
            self.users.drop(columns=truth),
            self.events,
            self.outcomes,
            dict(self.removed),
            self.description,
            {},
            list(self.notes),
        )


def empty_outcomes() -> pd.DataFrame:
    """An outcomes table with no rows and the contract's dtypes (for data without outcomes)."""
    return pd.DataFrame(
        {
            "user_id": pd.Series([], dtype=ID_DTYPE),
            "period": pd.Series([], dtype=TIMESTAMP_DTYPE),
            "metric": pd.Series([], dtype=ID_DTYPE),
            "value": pd.Series([], dtype="float64"),
        }
    )


# ------------------------------------------------------------------ users from ids


def _canonical_integers(ids: pa.ChunkedArray) -> np.ndarray | None:
    """The ids as int64 when each is written as a plain integer (no leading zeros), else None."""
    try:
        numbers = pc.cast(ids, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    # "007" and "-0" parse too, but would not round-trip to the same text.
    padded = pc.or_(
        pc.and_(pc.starts_with(ids, "0"), pc.greater(pc.utf8_length(ids), 1)), pc.starts_with(ids, "-0")
    )
    if pc.any(padded).as_py():
        return None
    return numbers.to_numpy()


def sorted_distinct(values: np.ndarray) -> np.ndarray:
    """Distinct values in ascending order.

    Integers that are small and dense (SNAP's ids, pair codes of a few users)
    use a presence table; anything else is sorted once and deduplicated
    (sorting is much faster than hashing for int64 keys)."""
    values = np.asarray(values)
    if values.size == 0:
        return values
    if np.issubdtype(values.dtype, np.integer):
        low, high = int(values.min()), int(values.max())
        if low >= 0 and high < 8 * values.size + 1_000_000:
            present = np.zeros(high + 1, dtype=bool)
            present[values] = True
            return np.flatnonzero(present).astype(values.dtype, copy=False)
    ordered = np.sort(values)
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def users_from_ids(*id_columns: pa.ChunkedArray) -> pd.DataFrame:
    """The users table of every distinct id in the given Arrow text columns.

    Sorted as numbers when every id is a plain integer (SNAP's anonymised ids),
    else as text; unique by construction. On Higgs this takes about 0.05 s,
    against 0.6 s for a pandas unique on strings; ``contract.users_from_events`` calls it.
    """
    chunks = [chunk.cast(pa.large_string()) for column in id_columns for chunk in column.chunks]
    ids = pa.chunked_array(chunks, type=pa.large_string())
    numbers = _canonical_integers(ids)
    if numbers is not None:
        user_ids = pc.cast(pa.array(sorted_distinct(numbers)), pa.large_string())
    else:
        distinct = pc.unique(ids)
        user_ids = distinct.take(pc.sort_indices(distinct))
    return pd.DataFrame({"user_id": pd.array(user_ids, dtype=ID_DTYPE)})


def users_from_events(events: pd.DataFrame) -> pd.DataFrame:
    """A minimal users table: every id that acts or receives in ``events``.

    Sorted as numbers when every id is a plain integer, else as text (see
    :func:`users_from_ids`, which does the work in Arrow).
    """
    columns = [pa.chunked_array([pa.array(events[c].dropna().astype(ID_DTYPE), type=pa.string())]) for c in
               ("actor_id", "target_id")]
    return validate_users(users_from_ids(*columns))
