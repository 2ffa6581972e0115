"""What every importer shares: turning rows it read into a validated :class:`~influence_lab.contract.Dataset`.

:func:`finish_dataset` validates the events (and users, outcomes) against the
contract, removes exact duplicate rows *and counts them* in
``Dataset.removed['duplicate rows']`` (an export that lists an event twice
would count it twice), builds the users table when none is given, and keeps
the importer's notes. :func:`parse_times` reads a text column of timestamps
with or without offsets: naive times only with an explicit time zone.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from influence_lab.contract import (
    ID_DTYPE,
    TIMESTAMP_DTYPE,
    Dataset,
    empty_outcomes,
    rows_error,
    users_from_events,
    validate_events,
    validate_outcomes,
    validate_users,
)
from influence_lab.datasets.importers.errors import InputError

__all__ = ["finish_dataset", "parse_times", "OFFSET_PATTERN"]

#: A timestamp that ends in a zone: ``Z``, ``+02:00``, ``-0500`` (optionally after a space).
OFFSET_PATTERN = r"(?:[Zz]|[+-]\d\d:?\d\d)\s*$"  # a string, so that pyarrow's RE2 runs it (not Python per row)
DUPLICATES = "duplicate rows"


def parse_times(
    text: pd.Series,
    *,
    source,
    column: str,
    timezone: str | None,
    line_offset: int | None,
    time_format: str | None = None,
    unit: str | None = None,
    table: str = "events",
    ambiguous: str = "raise",
    report: dict | None = None,
) -> tuple[pd.Series, int]:
    """Timestamps (tz-aware UTC) of a text column, and how many were naive (read in ``timezone``).

    Times with an offset are converted to UTC. Naive times are refused unless
    ``timezone`` is given (an IANA name such as ``Europe/Paris``), then
    localised: a local time that does not exist or happens twice (a daylight-
    saving change) is an error naming the row. ``unit`` (``s``/``ms``) reads
    Unix epoch numbers instead; ``time_format`` a strftime pattern. A local
    time repeated when clocks go back is an error unless ``ambiguous`` is
    ``"earlier"`` or ``"later"``; ``report`` (a dict), when given, receives
    ``report["ambiguous"]``, how many were resolved so."""
    n_ambiguous = 0
    if ambiguous not in ("raise", "earlier", "later"):
        raise ValueError(f"ambiguous must be 'raise', 'earlier' or 'later', not {ambiguous!r}.")
    text = text.astype(ID_DTYPE).str.strip()
    missing = text.isna() | (text == "")
    fix_missing = f"give every row a time in '{column}' (ISO 8601, e.g. 2012-07-04T09:00:00Z)."
    if missing.any():
        raise rows_error(table=table, column=column, positions=np.flatnonzero(missing.to_numpy(bool)),
                         n_rows=len(text), problem="have no timestamp", fix=fix_missing, source=str(source),
                         line_offset=line_offset)
    if unit is not None:
        numbers = pd.to_numeric(text, errors="coerce")
        stamps = pd.to_datetime(numbers.where(np.isfinite(numbers)), unit=unit, utc=True, errors="coerce")
        bad = stamps.isna().to_numpy(bool)  # not a number, inf, or beyond the years 1677-2262
        if bad.any():
            raise rows_error(table=table, column=column, positions=np.flatnonzero(bad), n_rows=len(text),
                             problem=f"are not Unix times in {unit} (numbers for the years 1677-2262)",
                             values=text.array,
                             fix="write every time as a number of seconds (or ms) since 1970-01-01 UTC.",
                             source=str(source), line_offset=line_offset)
        return stamps.astype(TIMESTAMP_DTYPE), 0
    if text.str.fullmatch(r"\d{9,13}(\.\d+)?").all():
        raise rows_error(table=table, column=column, positions=np.arange(min(len(text), 5)), n_rows=len(text),
                         problem="are numbers, not dates", values=text.array,
                         fix="these look like Unix times: pass timestamp_unit='s' (or 'ms'); on the command "
                             "line --timestamp-unit s.", source=str(source), line_offset=line_offset)
    if time_format is not None:
        zoned_format = "%z" in time_format or "%Z" in time_format
        # utc=True when the format reads an offset: times with different offsets are one column then
        parsed = pd.to_datetime(text, format=time_format, errors="coerce", utc=zoned_format)
        has_zone = np.full(len(text), zoned_format)
        zoned = parsed.dt.tz_convert("UTC") if has_zone.all() else None
        local = None if has_zone.all() else parsed
    else:
        has_zone = pc.match_substring_regex(pa.array(text.to_numpy(dtype=object, na_value=""), type=pa.string()),
                                            OFFSET_PATTERN).to_numpy(zero_copy_only=False)
        # "2019-01-31 18:03 +0000" (X analytics) -> "2019-01-31 18:03+0000": ISO 8601 wants no space.
        cleaned = text[has_zone].str.replace(r"\s+(?=[+-]\d\d:?\d\d\s*$)", "", regex=True)
        zoned = pd.to_datetime(cleaned, errors="coerce", utc=True, format="ISO8601")
        local = pd.to_datetime(text[~has_zone], errors="coerce", format="ISO8601")
    # Unreadable text (and times beyond the nanosecond range, 1677-2262) first: a naive-time error for
    # 'yesterday' would send the user to --timezone for nothing.
    unreadable = np.zeros(len(text), dtype=bool)
    low, high = pd.Timestamp.min.tz_localize("UTC"), pd.Timestamp.max.tz_localize("UTC")
    for mask, values in ((has_zone, zoned), (~has_zone, local)):
        if mask.any():
            values = values[mask] if len(values) == len(text) else values
            naive_values = values if getattr(values.dt, "tz", None) is not None else values.dt.tz_localize("UTC")
            unreadable[mask] = (values.isna() | (naive_values < low) | (naive_values > high)).to_numpy(bool)
    if unreadable.any():
        raise rows_error(table=table, column=column, positions=np.flatnonzero(unreadable), n_rows=len(text),
                         problem="have a timestamp that cannot be read (or lies outside the years 1677-2262)",
                         values=text.array,
                         fix="write times as ISO 8601 (2012-07-04T09:00:00Z or 2012-07-04 09:00:00+02:00), or "
                             "pass timestamp_format='%d/%m/%Y %H:%M' (--timestamp-format) for another layout.",
                         source=str(source), line_offset=line_offset)
    out = pd.Series(pd.NaT, index=text.index, dtype=TIMESTAMP_DTYPE)
    if has_zone.any():
        out[has_zone] = zoned[has_zone] if len(zoned) == len(out) else zoned
    n_naive = int((~has_zone).sum())
    if n_naive:
        if timezone is None:
            raise rows_error(
                table=table, column=column, positions=np.flatnonzero(~has_zone), n_rows=len(text),
                problem="are naive times (no zone or offset)", values=text.array,
                fix="name the zone they were written in: timezone='Europe/Paris' (command line --timezone "
                    "Europe/Paris; --timezone UTC if they are UTC). The lab will not guess it.",
                source=str(source), line_offset=line_offset)
        local = local[~has_zone] if len(local) == len(out) else local
        try:
            localised = local.dt.tz_localize(timezone, ambiguous="NaT", nonexistent="NaT")
        except Exception as exc:  # an unknown zone name (zoneinfo, pytz and dateutil raise different types)
            raise InputError(source, f"names an unknown time zone {timezone!r} ({type(exc).__name__}).",
                             fix="use an IANA zone name such as UTC, Europe/Paris or America/New_York.",
                             column=column) from None
        failed = (localised.isna() & local.notna()).to_numpy(bool)
        if failed.any():
            earlier = np.full(len(local), ambiguous != "later")
            resolved = local.dt.tz_localize(timezone, ambiguous=earlier, nonexistent="NaT")
            gap = (resolved.isna() & local.notna()).to_numpy(bool)
            twice = failed & ~gap
            naive_pos = np.flatnonzero(~has_zone)
            if gap.any():
                raise rows_error(table=table, column=column, positions=naive_pos[gap], n_rows=len(text),
                                 problem=f"are local times that do not exist in {timezone} (the hour skipped when "
                                         "clocks go forward)", values=text.array,
                                 fix="check the zone (are these times really local?), or export them in UTC.",
                                 source=str(source), line_offset=line_offset)
            if twice.any() and ambiguous == "raise":
                raise rows_error(table=table, column=column, positions=naive_pos[twice], n_rows=len(text),
                                 problem=f"are local times that occur twice in {timezone} (the hour repeated when "
                                         "clocks go back), so the instant is ambiguous", values=text.array,
                                 fix="export the times in UTC or with their offset; or choose: "
                                     "ambiguous_times='earlier' (or 'later'), --ambiguous-times earlier.",
                                 source=str(source), line_offset=line_offset)
            localised = resolved
            n_ambiguous = int(twice.sum())
        out[~has_zone] = localised.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE)
    bad = out.isna().to_numpy(bool)
    if bad.any():
        raise rows_error(table=table, column=column, positions=np.flatnonzero(bad), n_rows=len(text),
                         problem="have a timestamp that cannot be read", values=text.array,
                         fix="write times as ISO 8601 (2012-07-04T09:00:00Z or 2012-07-04 09:00:00+02:00), or "
                             "pass timestamp_format='%d/%m/%Y %H:%M' (--timestamp-format) for another layout.",
                         source=str(source), line_offset=line_offset)
    if report is not None:
        report["ambiguous"] = n_ambiguous
    return out.astype(TIMESTAMP_DTYPE), n_naive


def finish_dataset(
    name: str,
    events: pd.DataFrame,
    *,
    source,
    users: pd.DataFrame | None = None,
    outcomes: pd.DataFrame | None = None,
    notes: list[str] | None = None,
    removed: dict[str, int] | None = None,
    description: str = "",
    line_offset: int | None = None,
    keep_duplicates: bool = False,
) -> Dataset:
    """Validate, count and remove exact duplicate events, and wrap everything in a :class:`Dataset`."""
    notes = list(notes or [])
    removed = dict(removed or {})
    # Positions in the importer's frame (rows it dropped, such as ignored kinds, keep their numbers).
    original = np.arange(len(events)) if events.index.has_duplicates else events.index.to_numpy()
    events = validate_events(events.reset_index(drop=True), source=str(source), line_offset=line_offset)
    # validate_events lets a post's target be empty: '' (Parquet, JSON) and missing (CSV) are the same then
    events["target_id"] = events["target_id"].mask(events["target_id"].str.strip() == "")
    dup = events.duplicated(keep="first").to_numpy(bool)
    if dup.any():
        first = [int(original[p]) + (line_offset or 0) for p in np.flatnonzero(dup)[:5]]
        where = "lines" if line_offset is not None else "entries"
        if keep_duplicates:
            notes.append(f"{int(dup.sum()):,} rows repeat an earlier row exactly (first at {where} {first}); "
                         "kept as asked (keep_duplicates=True): they count twice.")
        else:
            removed[DUPLICATES] = int(dup.sum())
            notes.append(f"{int(dup.sum()):,} rows repeat an earlier row exactly (first at {where} {first}) and "
                         "were removed; keep_duplicates=True (--keep-duplicates) keeps them.")
            events = events[~dup].reset_index(drop=True)
    events = events.sort_values("timestamp", kind="stable").reset_index(drop=True)
    if users is None:
        users = users_from_events(events)
    else:
        users = validate_users(users, source=str(source))
        known = set(users["user_id"])
        extra = pd.Index(pd.concat([events["actor_id"], events["target_id"]]).dropna().unique())
        extra = extra[~extra.isin(known)]
        if len(extra):
            users = validate_users(pd.concat([users, pd.DataFrame({"user_id": extra.astype(ID_DTYPE)})],
                                             ignore_index=True), source=str(source))
    outcomes = empty_outcomes() if outcomes is None else validate_outcomes(outcomes, source=str(source))
    return Dataset(name, users, events, outcomes, removed, description, {}, notes)
