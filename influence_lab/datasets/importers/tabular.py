"""A generic CSV or Parquet export to the events contract, through a column mapping and a kind mapping.

Fields (the contract's name on the left; ``columns`` maps it to the file's):

``timestamp``  (required) when the action happened. ISO 8601 with a zone or offset
               (``2012-07-04T09:00:00Z``, ``2012-07-04 11:00:00+02:00``); naive times
               (``2012-07-04 09:00``) only with ``timezone`` named; Unix times with
               ``timestamp_unit='s'``; another layout with ``timestamp_format``.
``actor_id``   (required) who acted (any text id; numbers are kept as written).
``target_id``  (required unless every row is a post) who received it; empty for posts.
``kind``       (required) the action; mapped by ``kinds`` onto post, reshare, like,
               reply, mention, follow, unfollow (``"ignore"`` drops a kind, and says so).
``post_id``    (optional) the post an event belongs to: a post's own id; for a reply,
               reshare or like, the id of the post reacted to.
``text``       (optional) the post's text.

Every other column of the file is ignored and named in ``Dataset.notes``.

CSV reading: the delimiter is detected among ``,`` ``;`` tab and ``|`` (or
named); the encoding is UTF-8 unless a byte-order mark says UTF-16, or
``encoding`` is named; CRLF line ends are fine. Rows with more or fewer
fields than the header are an error naming their lines. Parsing is
pyarrow's CSV reader (multithreaded) on text columns; validation is
:func:`influence_lab.contract.validate_events`.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from influence_lab.contract import EVENT_KINDS, ID_DTYPE, ContractError, Dataset, rows_error, validate_events
from influence_lab.datasets.importers.common import finish_dataset, parse_times
from influence_lab.datasets.importers.errors import InputError
from influence_lab.datasets.importers.safety import decode_text, read_input_bytes

__all__ = ["read_table", "read_csv_text", "FIELDS", "IGNORE", "parse_mapping"]

#: The contract fields a mapping may name, and whether each is required.
FIELDS: dict[str, bool] = {
    "timestamp": True, "actor_id": True, "target_id": True, "kind": True, "post_id": False, "text": False,
}
#: The kind-mapping value that drops a kind (counted in ``Dataset.removed``).
IGNORE = "ignore"
DELIMITERS = (",", ";", "\t", "|")
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def parse_mapping(text: str | None, *, what: str) -> dict[str, str]:
    """``"a=b,c=d"`` (the command line's form) as ``{"a": "b", "c": "d"}``; a clear ValueError otherwise."""
    if not text:
        return {}
    out = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValueError(f"--{what}: {part!r} is not NAME=VALUE (write e.g. --{what} "
                             + ("timestamp=when,actor_id=who" if what == "columns" else "answer=reply,question=post")
                             + ").")
        out[key.strip()] = value.strip()
    return out


def _sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter that splits the header into most fields, consistently over the first lines."""
    best, best_fields = None, 1
    for candidate in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=candidate)]
        if not counts or counts[0] < 2:
            continue
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        if consistent >= 0.9 and counts[0] > best_fields:
            best, best_fields = candidate, counts[0]
    return best


def read_table(
    path,
    *,
    columns: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    timezone: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    format: str = "auto",
    timestamp_unit: str | None = None,
    timestamp_format: str | None = None,
    keep_duplicates: bool = False,
    ambiguous_times: str = "raise",
) -> Dataset:
    """Read a CSV or Parquet events export into a validated :class:`Dataset` (see the module docstring).

    ``columns`` maps contract fields to the file's column names (unmapped
    fields keep their own name); ``kinds`` maps the file's kind values to the
    contract's kinds or ``"ignore"``. ``ambiguous_times`` (``"earlier"`` or
    ``"later"``) resolves naive local times repeated when clocks go back
    (an error by default). Raises :class:`InputError` (or
    :class:`~influence_lab.contract.ContractError`) for anything it cannot read.
    """
    path = Path(path)
    columns = dict(columns or {})
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise InputError(path, f"the column mapping names {unknown}, which are not contract fields.",
                         fix=f"map only {list(FIELDS)} (e.g. columns={{'timestamp': 'when', 'actor_id': 'who'}}).")
    data = read_input_bytes(path)
    if format == "auto":
        format = "parquet" if data[:4] == b"PAR1" or path.suffix.lower() in (".parquet", ".pq") else "csv"
    if format == "parquet":
        frame, line_offset = _read_parquet(path, data), None
    elif format == "csv":
        text, _ = decode_text(data, path, encoding=encoding)
        return read_csv_text(text, path, columns=columns, kinds=kinds, timezone=timezone, delimiter=delimiter,
                             timestamp_unit=timestamp_unit, timestamp_format=timestamp_format,
                             keep_duplicates=keep_duplicates, ambiguous_times=ambiguous_times)
    else:
        raise InputError(path, f"unknown format {format!r} for a table.", fix="use format='csv' or 'parquet'.")
    return _to_dataset(frame, path, columns=columns, kinds=kinds, timezone=timezone, line_offset=line_offset,
                       timestamp_unit=timestamp_unit, timestamp_format=timestamp_format,
                       keep_duplicates=keep_duplicates, ambiguous_times=ambiguous_times)


def read_csv_frame(text: str, source, *, delimiter: str | None = None, entry: str | None = None) -> pd.DataFrame:
    """A decoded CSV as a table of text columns (empty cells missing), refusing ragged rows by line."""
    # Split at CSV line ends only (str.splitlines also splits at U+2028, \x0c, \x85...), and leave out the
    # line the 64 KiB window cuts: a partial line looks ragged.
    lines = re.split(r"\r\n|\n|\r", text[:65536])
    if len(text) > 65536 and len(lines) > 1:
        lines = lines[:-1]
    head = lines[:1] + [line for line in lines[1:] if line][:49]  # blank lines skipped, as pyarrow does
    header_line = head[0] if head else ""
    if delimiter is None:
        delimiter = _sniff_delimiter(head) or ","
    elif len(delimiter) != 1:
        raise InputError(source, f"the delimiter {delimiter!r} is not one character.",
                         fix="name one character, e.g. ';' or a tab ('\\t').", entry=entry)
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    if len(header) < 2:
        found = [d for d in DELIMITERS if d != delimiter and d in header_line]
        hint = (f" The header holds {', '.join(_NAMES[d] for d in found)} characters: the file is probably "
                f"{_NAMES[found[0]]}-delimited (delimiter={found[0]!r}, --delimiter '{found[0]}').") if found else ""
        raise InputError(source, f"the header splits into one column with the {_NAMES.get(delimiter, repr(delimiter))} "
                         f"delimiter: {header_line[:80]!r}.{hint}",
                         fix="name the delimiter (delimiter=';' / --delimiter ';') or check the first line is "
                             "a header of column names.", entry=entry, line=1)
    names = [h.strip() for h in header]
    repeated = [n for n, c in Counter(names).items() if c > 1]
    if repeated or "" in names:
        raise InputError(source, f"the header has {'repeated' if repeated else 'empty'} column names "
                         f"{repeated or [i for i, n in enumerate(names) if not n]}.",
                         fix="give every column a distinct, non-empty name in the first line.", entry=entry, line=1)
    ragged: list[tuple[int, int]] = []

    def on_bad_row(row) -> str:
        ragged.append((row.number, row.actual_columns))
        return "skip"

    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                             invalid_row_handler=on_bad_row),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}, null_values=[""],
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise InputError(source, f"cannot be parsed as CSV ({str(exc).splitlines()[0]}).",
                         fix="check the quoting: a field with the delimiter or a line break must be in double "
                             "quotes, and quotes inside it doubled.", entry=entry) from None
    if ragged:
        bad = _ragged_lines(text, delimiter, len(names))
        shown = ", ".join(f"line {line} has {fields}" for line, fields in bad[:5])
        more = f" (and {len(ragged) - 5:,} more)" if len(ragged) > 5 else ""
        raise InputError(source, f"{len(ragged):,} rows do not have the header's {len(names)} fields: {shown}{more}.",
                         fix="a field holding the delimiter must be quoted; a missing or extra field must be "
                             "fixed in the export (or the header), not guessed.", entry=entry,
                         line=bad[0][0] if bad else None)
    if table.num_rows == 0:
        raise InputError(source, "has a header but no rows.", fix="export the data again with its rows.",
                         entry=entry)
    frame = table.to_pandas(types_mapper={pa.string(): ID_DTYPE, pa.large_string(): ID_DTYPE}.get)
    frame.attrs["delimiter"] = delimiter
    return frame


def _ragged_lines(text: str, delimiter: str, expected: int, limit: int = 5) -> list[tuple[int, int]]:
    """(line, fields) of the first records whose field count differs from the header's (the error path only)."""
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    field_limit = csv.field_size_limit()
    csv.field_size_limit(max(field_limit, len(text) + 1))  # a quoted field may hold most of the file
    try:
        for record in reader:
            if reader.line_num > 1 and record and len(record) != expected:
                out.append((start, len(record)))
                if len(out) >= limit:
                    break
            start = reader.line_num + 1
    except csv.Error:
        pass  # the lines found so far; the message still counts every ragged row
    finally:
        csv.field_size_limit(field_limit)
    return out


def read_csv_text(text: str, source, *, columns=None, kinds=None, timezone=None, delimiter=None,
                  timestamp_unit=None, timestamp_format=None, keep_duplicates=False,
                  ambiguous_times="raise") -> Dataset:
    """:func:`read_table` for CSV text already decoded (what the archive importers hand over)."""
    frame = read_csv_frame(text, source, delimiter=delimiter)
    # Row i is line i + 2 only when every record is one line: a quoted line break, a blank line (skipped)
    # or old Mac line ends break that, and errors then name rows, not wrong lines.
    lines = text.count("\n") + (not text.endswith("\n")) - 1
    line_offset = 2 if lines == len(frame) else None
    try:
        ds = _to_dataset(frame, source, columns=dict(columns or {}), kinds=kinds, timezone=timezone,
                         line_offset=line_offset, timestamp_unit=timestamp_unit,
                         timestamp_format=timestamp_format, keep_duplicates=keep_duplicates,
                         ambiguous_times=ambiguous_times)
    except ContractError as exc:
        if line_offset is not None or type(exc) is not ContractError or not exc.rows:
            raise
        starts = _record_lines(text, frame.attrs["delimiter"])
        text_ = re.sub(r"^  row (\d+)", lambda m: f"  row {m[1]}{_line_of(starts, int(m[1]))}", str(exc),
                       flags=re.M)
        raise ContractError(text_, table=exc.table, column=exc.column, rows=exc.rows, source=exc.source) from None
    if line_offset is None:
        starts = None
        for i, note in enumerate(ds.notes):
            if "(first at entries [" in note:
                starts = starts or _record_lines(text, frame.attrs["delimiter"])
                ds.notes[i] = re.sub(r"first at entries \[([\d, ]+)\]", lambda m: "first at lines " + str(
                    [starts[int(p)] for p in m[1].split(", ") if int(p) < len(starts)]), note)
    return ds


def _line_of(starts: list[int], position: int) -> str:
    return f" (line {starts[position]} of the file)" if position < len(starts) else ""


def _record_lines(text: str, delimiter: str) -> list[int]:
    """The line each data record starts on, blank lines skipped as pyarrow skips them (the error path only)."""
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start, header = 1, True
    field_limit = csv.field_size_limit()
    csv.field_size_limit(max(field_limit, len(text) + 1))
    try:
        for record in reader:
            if record:
                if not header:
                    out.append(start)
                header = False
            start = reader.line_num + 1
    except csv.Error:
        pass
    finally:
        csv.field_size_limit(field_limit)
    return out


def _read_parquet(path: Path, data: bytes) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowInvalid, pa.ArrowException, OSError) as exc:
        raise InputError(path, f"is not a readable Parquet file ({str(exc).splitlines()[0]}).",
                         fix="write it again with pandas.DataFrame.to_parquet, or pass format='csv' if it is CSV.") from None
    if table.num_rows == 0:
        raise InputError(path, "holds no rows.", fix="export the data again with its rows.")
    return table.to_pandas()


def _to_dataset(frame: pd.DataFrame, source, *, columns: dict, kinds, timezone, line_offset, timestamp_unit,
                timestamp_format, keep_duplicates, ambiguous_times="raise") -> Dataset:
    found = [str(c) for c in frame.columns]
    mapping = {field: columns.get(field, field) for field in FIELDS}
    missing = [f for f, required in FIELDS.items() if required and mapping[f] not in found]
    if missing == ["target_id"]:
        missing = []  # posts-only data may omit targets; checked below once kinds are known
    if missing:
        named = ", ".join(f"{f} (looked for '{mapping[f]}')" for f in missing)
        guess = ",".join(f"{f}=<column>" for f in missing)
        raise InputError(source, f"missing column(s) for {named}; the file has {found}.",
                         fix=f"map the contract's fields to your columns: columns={{...}} in Python, or on the "
                             f"command line --columns {guess}.", column=mapping[missing[0]])
    used = {mapping[f]: f for f in FIELDS if mapping[f] in found}
    notes = []
    ignored = [c for c in found if c not in used]
    if ignored:
        notes.append(f"columns not used (not mapped to a contract field): {ignored}.")
    events = pd.DataFrame({field: frame[column] for column, field in used.items()})
    times = events["timestamp"]
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        missing = times.isna().to_numpy(bool)
        if missing.any():
            raise rows_error(table="events", column=mapping["timestamp"], positions=np.flatnonzero(missing),
                             n_rows=len(times), problem="have no timestamp", source=str(source),
                             fix=f"give every row a time in '{mapping['timestamp']}'.", line_offset=line_offset)
        events["timestamp"] = times.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(times):
        if timezone is None:
            raise InputError(source, "holds naive timestamps (no zone).", column=mapping["timestamp"],
                             fix="name their zone: timezone='UTC' (--timezone UTC) or the zone they were written in.")
        # As text through parse_times: unknown zones, DST gaps and repeats, missing times are errors there.
        resolved: dict = {}
        events["timestamp"], _ = parse_times(
            times.dt.strftime("%Y-%m-%dT%H:%M:%S.%f"), source=source, column=mapping["timestamp"],
            timezone=timezone, line_offset=line_offset, ambiguous=ambiguous_times, report=resolved)
        notes.append(f"{len(times):,} naive times read as {timezone} local time.")
        if resolved.get("ambiguous"):
            notes.append(f"{resolved['ambiguous']:,} local times repeated when clocks went back were read as the "
                         f"{ambiguous_times} of their two instants (ambiguous_times='{ambiguous_times}').")
    else:
        report: dict = {}
        events["timestamp"], n_naive = parse_times(
            times, source=source, column=mapping["timestamp"], timezone=timezone, line_offset=line_offset,
            time_format=timestamp_format, unit=timestamp_unit, ambiguous=ambiguous_times, report=report)
        if n_naive:
            notes.append(f"{n_naive:,} times had no zone and were read as {timezone} local time.")
        if report.get("ambiguous"):
            notes.append(f"{report['ambiguous']:,} local times repeated when clocks went back were read as the "
                         f"{ambiguous_times} of their two instants (ambiguous_times='{ambiguous_times}').")
    try:
        events, dropped = _map_kinds(events, kinds or {}, source, mapping["kind"], line_offset)
    except ContractError as exc:
        raise _in_file_terms(exc, used) from None
    if "target_id" not in events.columns:
        if (events["kind"] != "post").any():
            raise InputError(source, f"has no '{mapping['target_id']}' column but holds kinds other than post.",
                             fix="map the column that says who receives each action: --columns target_id=<column>.",
                             column=mapping["target_id"])
        events["target_id"] = pd.Series(pd.NA, index=events.index, dtype=ID_DTYPE)
    removed = {}
    if dropped:
        removed["kinds ignored by the mapping"] = dropped
        ignored_kinds = sorted(k for k, v in (kinds or {}).items() if v == IGNORE)
        notes.append(f"{dropped:,} rows of kinds {ignored_kinds} were left out, as the kind mapping asked.")
    name = Path(str(source)).stem
    try:
        return finish_dataset(name, events, source=source, notes=notes, removed=removed, line_offset=line_offset,
                              keep_duplicates=keep_duplicates, description=f"imported from {source}")
    except ContractError as exc:
        raise _in_file_terms(exc, used) from None


def _in_file_terms(exc: ContractError, used: dict[str, str]) -> ContractError:
    """A contract error about field F restated with the file's column name (``'actor_id' (the file's 'who')``)."""
    by_field = {field: column for column, field in used.items()}
    column = by_field.get(exc.column or "")
    if column is None or column == exc.column or isinstance(exc, InputError):
        return exc
    text = str(exc).replace(f"column '{exc.column}'", f"column '{exc.column}' (the file's '{column}')", 1)
    return ContractError(text, table=exc.table, column=exc.column, rows=exc.rows, source=exc.source)


def _map_kinds(events: pd.DataFrame, kinds: Mapping[str, str], source, column: str, line_offset):
    bad_targets = sorted({v for v in kinds.values() if v not in EVENT_KINDS and v != IGNORE})
    if bad_targets:
        raise InputError(source, f"the kind mapping maps onto {bad_targets}, which are not contract kinds.",
                         fix=f"map each value onto one of {list(EVENT_KINDS)} or '{IGNORE}'.")
    raw = events["kind"].astype(ID_DTYPE).str.strip()
    lookup = {k: v for k, v in kinds.items()}
    for known in EVENT_KINDS:
        lookup.setdefault(known, known)
    codes, uniques = pd.factorize(raw)  # map each distinct value once, not each row
    targets = np.array([lookup.get(v, lookup.get(v.lower())) for v in uniques] + [None], dtype=object)
    mapped = pd.Series(targets[codes], index=raw.index, dtype=ID_DTYPE)
    unknown = mapped.isna().to_numpy(bool)
    if unknown.any():
        values = Counter(raw[unknown].fillna("<empty>"))
        listed = ", ".join(f"{v!r} ({n:,} rows)" for v, n in values.most_common(8))
        example = ",".join(f"{v}=reply" for v in list(values)[:2] if v != "<empty>") or "answer=reply"
        err = rows_error(table="events", column=column, positions=np.flatnonzero(unknown), n_rows=len(raw),
                         problem=f"have a kind the mapping does not know ({listed})", values=raw.array,
                         fix=f"map each onto {list(EVENT_KINDS)} or '{IGNORE}': kinds={{...}} in Python, "
                             f"--kinds {example} on the command line.", source=str(source), line_offset=line_offset)
        raise err
    drop = (mapped == IGNORE).to_numpy(bool)
    events = events.assign(kind=mapped.astype(ID_DTYPE))
    if drop.any():
        # Check the rows in file order first, so that an error names the file's lines, then drop.
        check = events.assign(kind=events["kind"].where(~drop, "post"))
        if "target_id" in check.columns:
            validate_events(check, source=str(source), line_offset=line_offset)
    return events[~drop], int(drop.sum())
