"""The per-post analytics export (one row per post with its counts) to the events contract, plus outcomes.

This is the table platforms and social-media tools export for one account
(X's "Tweet activity" CSV) or for several (an agency's export, with an
account column). Fields, by the X export's header names (``columns`` maps
other names onto them):

``Tweet id``        (required) the post's id -> ``post_id``.
``time``            (required) when it was posted: ``2012-07-04 09:00 +0000`` or any ISO 8601
                    time with a zone; naive times only with ``timezone``.
``account``         (required unless ``account=`` is given or ``Tweet permalink`` names it) who
                    posted -> ``actor_id``. The permalink ``https://twitter.com/NAME/status/ID``
                    gives ``NAME``.
``Tweet text``      (optional) -> ``text``.
``retweets``, ``replies``, ``likes`` (required) counts of reactions -> ``reshare``, ``reply``,
                    ``like`` events. Who reacted is not in the export: each counted reaction
                    becomes an event from a distinct anonymous account ``anon:<post id>:<kind>:<i>``,
                    the upper bound on reach (as if every reaction came from someone else), at the
                    post's time (the export does not say when). Diagnostics say what this leaves
                    unmeasurable (distinct engagers, standing, PageRank, credibility).
``impressions``     (required) -> the outcome metric ``impressions`` (exposure, not a reaction).
``url clicks``      (required) -> the outcome metric ``link_clicks``: the business outcome the
                    notebook holds the scores against.
``engagements``, ``engagement rate`` and every other column: not used (named in the notes).

Outcomes are summed per account and calendar month (UTC), the contract's
long format. Counts must be whole numbers >= 0: a negative, fractional or
missing count is an error naming the line and the column.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from influence_lab.contract import ANONYMOUS_PREFIX, ID_DTYPE, Dataset, rows_error
from influence_lab.datasets.importers.common import finish_dataset, parse_times
from influence_lab.datasets.importers.errors import InputError
from influence_lab.datasets.importers.safety import decode_text, read_input_bytes
from influence_lab.datasets.importers.tabular import read_csv_frame
from influence_lab.datasets.importers.x_archive import MAX_COUNTED_REACTIONS

__all__ = ["read_analytics", "ANALYTICS_FIELDS", "REACTION_COUNTS", "OUTCOME_COUNTS", "looks_like_analytics",
           "ANONYMOUS_PREFIX"]

#: Field -> the X export's column name (the defaults of ``columns``).
ANALYTICS_FIELDS: dict[str, str] = {
    "post_id": "Tweet id",
    "time": "time",
    "account": "account",
    "permalink": "Tweet permalink",
    "text": "Tweet text",
    "retweets": "retweets",
    "replies": "replies",
    "likes": "likes",
    "impressions": "impressions",
    "url_clicks": "url clicks",
}
#: Count field -> the contract kind each counted reaction becomes.
REACTION_COUNTS: dict[str, str] = {"retweets": "reshare", "replies": "reply", "likes": "like"}
#: Count field -> the outcome metric it becomes.
OUTCOME_COUNTS: dict[str, str] = {"impressions": "impressions", "url_clicks": "link_clicks"}


def looks_like_analytics(header: list[str]) -> bool:
    """Whether a CSV header is a per-post analytics export (it has impressions and per-post counts)."""
    lower = {h.strip().lower() for h in header}
    return {"impressions", "likes", "retweets"} <= lower or {"impressions", "engagements"} <= lower


def read_analytics(
    path,
    *,
    account: str | None = None,
    columns: dict[str, str] | None = None,
    timezone: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Dataset:
    """Read a per-post analytics CSV (see the module docstring) into a validated :class:`Dataset`."""
    path = Path(path)
    text, _ = decode_text(read_input_bytes(path), path, encoding=encoding)
    frame = read_csv_frame(text, path, delimiter=delimiter)
    names = {c.lower(): c for c in frame.columns}
    unknown = sorted(set(columns or {}) - set(ANALYTICS_FIELDS))
    if unknown:
        raise InputError(path, f"the column mapping names {unknown}, which are not analytics fields.",
                         fix=f"map only {list(ANALYTICS_FIELDS)}.")
    wanted = {**ANALYTICS_FIELDS, **(columns or {})}
    col = {field: names.get(name.lower()) for field, name in wanted.items()}
    optional = {"account", "permalink", "text"}
    missing = [f for f in wanted if f not in optional and col[f] is None]
    if missing:
        raise InputError(path, f"missing column(s) {[wanted[f] for f in missing]} of a per-post analytics export; "
                         f"the file has {list(frame.columns)}.",
                         fix="map them: columns={'url_clicks': 'Link clicks', ...} in Python, or on the command "
                             "line --columns url_clicks='Link clicks'.", column=wanted[missing[0]])
    removed, notes = {}, []
    dup = frame.duplicated(keep="first").to_numpy(bool)
    if dup.any():
        lines = [int(p) + 2 for p in np.flatnonzero(dup)[:5]]
        removed["duplicate rows"] = int(dup.sum())
        notes.append(f"{int(dup.sum()):,} rows repeat an earlier row exactly (first at lines {lines}) and were removed: "
                     "a post is counted once.")
        frame = frame[~dup].reset_index(drop=True)
    repeated = frame[col["post_id"]].duplicated(keep=False).to_numpy(bool)
    if repeated.any():
        lines = [int(p) + 2 for p in np.flatnonzero(repeated)[:2]]
        raise InputError(path, f"lists post {frame[col['post_id']].iloc[int(np.flatnonzero(repeated)[0])]!r} twice "
                         f"with different values (lines {lines[0]} and {lines[1]} after removing exact repeats).",
                         fix="keep one row per post (an export merged from two downloads repeats posts whose counts "
                             "changed in between: keep the later one).", column=col["post_id"], line=lines[0])
    n = len(frame)
    accounts = _accounts(frame, col, account, path)
    times, n_naive = parse_times(frame[col["time"]], source=path, column=col["time"], timezone=timezone,
                                 line_offset=2)
    post_ids = frame[col["post_id"]].astype(ID_DTYPE)
    counts = {f: _counts(frame, col[f], path) for f in (*REACTION_COUNTS, *OUTCOME_COUNTS)}
    total_counted = sum(int(counts[f].sum()) for f in REACTION_COUNTS)
    if total_counted > MAX_COUNTED_REACTIONS:
        raise InputError(path, f"counts {total_counted:,} reactions in all, more than the {MAX_COUNTED_REACTIONS:,} "
                         "stand-in events the importer makes (each counted reaction becomes one).",
                         fix="check the counts (a column of ids mapped as counts?); if they are real, raise "
                             "influence_lab.datasets.importers.x_archive.MAX_COUNTED_REACTIONS.")
    posts = pd.DataFrame({"timestamp": times, "actor_id": accounts, "target_id": pd.NA, "kind": "post",
                          "post_id": post_ids})
    if col["text"] is not None:
        posts["text"] = frame[col["text"]].astype(ID_DTYPE)
    parts = [posts]
    total = 0
    for field, kind in REACTION_COUNTS.items():
        k = counts[field]
        rows = np.repeat(np.arange(n), k)
        if not len(rows):
            continue
        total += len(rows)
        nth = np.arange(len(rows)) - np.repeat(np.cumsum(k) - k, k) + 1
        actors = ANONYMOUS_PREFIX + post_ids.to_numpy(dtype=object)[rows].astype(str) + f":{kind}:" + nth.astype(str)
        parts.append(pd.DataFrame({"timestamp": times.to_numpy()[rows], "actor_id": actors,
                                   "target_id": accounts.to_numpy(dtype=object)[rows], "kind": kind,
                                   "post_id": post_ids.to_numpy(dtype=object)[rows]}))
    events = pd.concat(parts, ignore_index=True)
    events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
    month = times.dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M").dt.start_time.dt.tz_localize("UTC")
    outcome_parts = []
    for field, metric in OUTCOME_COUNTS.items():
        sums = pd.DataFrame({"user_id": accounts, "period": month, "value": counts[field].astype(float)})
        sums = sums.groupby(["user_id", "period"], as_index=False, observed=True)["value"].sum()
        outcome_parts.append(sums.assign(metric=metric))
    outcomes = pd.concat(outcome_parts, ignore_index=True)[["user_id", "period", "metric", "value"]]
    used = {c for c in col.values() if c is not None}
    notes += [
        f"{total:,} counted reactions (retweets, replies, likes) became events from as many anonymous accounts "
        f"('{ANONYMOUS_PREFIX}<post>:<kind>:<i>'): the export does not say who reacted, so each counts as a "
        "different person (the upper bound on reach), at the post's time (the export does not say when).",
        "impressions and url clicks became the outcome metrics 'impressions' and 'link_clicks', summed per "
        "account and calendar month (UTC).",
    ]
    ignored = [c for c in frame.columns if c not in used]
    if ignored:
        notes.append(f"columns not used: {ignored}.")
    if n_naive:
        notes.append(f"{n_naive:,} times had no zone and were read as {timezone} local time.")
    users = pd.DataFrame({"user_id": pd.unique(accounts.to_numpy(dtype=object))}).astype(ID_DTYPE)
    return finish_dataset(path.stem, events, source=path, users=users, outcomes=outcomes, notes=notes,
                          removed=removed, description=f"per-post analytics imported from {path}")


def _accounts(frame: pd.DataFrame, col: dict, account: str | None, path: Path) -> pd.Series:
    n = len(frame)
    if col["account"] is not None:
        if account is not None:
            raise InputError(path, f"has an account column '{col['account']}' and account={account!r} was also "
                             "given.", fix="drop account= (the column says whose each post is), or drop the column.")
        out = frame[col["account"]].astype(ID_DTYPE).str.strip()
    elif account is not None:
        out = pd.Series([account] * n, dtype=ID_DTYPE, index=frame.index)
    elif col["permalink"] is not None:
        out = frame[col["permalink"]].astype(ID_DTYPE).str.extract(r"https?://[^/]+/([^/]+)/status", expand=False)
    else:
        raise InputError(path, "does not say whose posts these are (no account or permalink column).",
                         fix="name the account: account='yourhandle' in Python, --account yourhandle on the "
                             "command line.")
    empty = (out.isna() | (out == "")).to_numpy(bool)
    if empty.any():
        column = col["account"] or col["permalink"]
        raise rows_error(table="events", column=column, positions=np.flatnonzero(empty), n_rows=n,
                         problem="do not name an account", values=frame[column].array,
                         fix="give every row its account (or a permalink https://twitter.com/NAME/status/ID).",
                         source=str(path), line_offset=2)
    return out.astype(ID_DTYPE)


def _counts(frame: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    text = frame[column].astype(ID_DTYPE).str.strip().str.replace(",", "", regex=False)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = (numbers.isna() | (numbers < 0) | (numbers != np.floor(numbers))).to_numpy(bool, na_value=True)
    if bad.any():
        raise rows_error(table="events", column=column, positions=np.flatnonzero(bad), n_rows=len(frame),
                         problem="are not whole numbers >= 0 (missing, negative, fractional or text)",
                         values=frame[column].array,
                         fix="write every count as a whole number; an empty cell is not 0 (write 0).",
                         source=str(path), line_offset=2)
    return numbers.to_numpy(dtype=np.int64)
