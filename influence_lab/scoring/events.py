"""Events as arrays: the primitives every feature and every timeline is built from.

:func:`prepare_events` validates (when needed) and encodes a contract events
table as aligned numpy arrays over one integer user index
(:class:`EventArrays`); kind masks (:func:`kind_in`), per-event deltas whose
running sums are windowed or distinct counts (:func:`distinct_pair_deltas`,
:func:`follow_state_deltas`), and per-event weights that depend only on data
up to the event's own day (:func:`reaction_weights`,
:func:`actor_followers_at_events`) live here, so that
:mod:`~influence_lab.scoring.features` (one window) and
:mod:`~influence_lab.scoring.timeline` (every day) share one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

import numpy as np
import pandas as pd

from influence_lab.contract import (
    EVENT_KINDS,
    ID_DTYPE,
    KIND_DTYPE,
    TIMESTAMP_DTYPE,
    Dataset,
    validate_events,
    validate_users,
)

__all__ = [
    "DAY_NS",
    "WINDOW_DAYS",
    "EventArrays",
    "actor_followers_at_events",
    "as_utc_timestamp",
    "day_end",
    "day_number",
    "distinct_pair_deltas",
    "follow_state_deltas",
    "group_sum",
    "kind_in",
    "prepare_events",
    "reaction_weights",
    "resolve_users",
    "split_input",
]

#: Default window: Klout's rolling 90 days (FACTS.md, support page 2016).
WINDOW_DAYS = 90
DAY_NS = 86_400 * 10**9

POST, RESHARE, LIKE, REPLY, MENTION, FOLLOW, UNFOLLOW = range(len(EVENT_KINDS))


# --------------------------------------------------------------------------- preparation


@dataclass(frozen=True)
class EventArrays:
    """An events table as aligned numpy arrays over one integer user index.

    ``user_ids[code]`` is the id of user ``code``; ``target`` is -1 for posts;
    ``post`` and ``text`` are factorised codes (-1 where missing) or None when
    the column is absent. ``created_at`` is per user (ns, NaN if unknown).
    """

    user_ids: pd.Index
    ts: np.ndarray
    day: np.ndarray
    actor: np.ndarray
    target: np.ndarray
    kind: np.ndarray
    post: np.ndarray | None
    text: np.ndarray | None
    created_at: np.ndarray
    has_follows: bool
    #: per event: a mention inside the actor's own post (same post_id), not a separate item
    in_own_post: np.ndarray | None = None
    #: per user: created_at in exact int64 ns (float64 ns rounds to ~256 ns); INT64 min where unknown
    created_ns: np.ndarray | None = None

    def created_after(self, time_ns) -> np.ndarray:
        """Per user (rows) and time (columns, if ``time_ns`` is an array): the account was created
        strictly after ``time_ns``, i.e. did not exist yet; False where ``created_at`` is unknown."""
        created = self.created_ns if self.created_ns is not None else np.full(self.n_users, np.iinfo(np.int64).min)
        time = np.asarray(time_ns, dtype=np.int64)
        return created[:, None] > time[None, :] if time.ndim else created > time

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    def take(self, mask: np.ndarray) -> "EventArrays":
        """The events selected by a boolean mask (same user index)."""
        return replace(
            self,
            ts=self.ts[mask],
            day=self.day[mask],
            actor=self.actor[mask],
            target=self.target[mask],
            kind=self.kind[mask],
            post=None if self.post is None else self.post[mask],
            text=None if self.text is None else self.text[mask],
            in_own_post=None if self.in_own_post is None else self.in_own_post[mask],
        )

    @property
    def publishes(self) -> np.ndarray:
        """Mask: an item published to the actor's followers (post, reshare, reply, mention given),
        a mention inside the actor's own post counted once, with its post."""
        other = kind_in(self.kind, RESHARE, REPLY, MENTION) & self.engagement
        if self.in_own_post is not None:
            other &= ~self.in_own_post
        return (self.kind == POST) | other

    @property
    def engagement(self) -> np.ndarray:
        """Mask: a reshare/like/reply/mention of another user."""
        return kind_in(self.kind, RESHARE, LIKE, REPLY, MENTION) & (self.target >= 0) & (self.actor != self.target)

    @property
    def self_event(self) -> np.ndarray:
        """Mask: an event aimed at its own actor (self-engagement or self-follow)."""
        return (self.kind != POST) & (self.actor == self.target)


def _has_contract_dtypes(events: pd.DataFrame) -> bool:
    return (
        all(c in events.columns for c in ("timestamp", "actor_id", "target_id", "kind"))
        and events["timestamp"].dtype == TIMESTAMP_DTYPE
        and events["kind"].dtype == KIND_DTYPE
        and events["actor_id"].dtype == ID_DTYPE
        and events["target_id"].dtype == ID_DTYPE
    )


def _without_truth(users: pd.DataFrame) -> pd.DataFrame:
    """The users table minus every ``true_*`` column: scores never read ground truth."""
    return users.drop(columns=[c for c in users.columns if str(c).startswith("true_")])


def split_input(
    data: Dataset | pd.DataFrame, users: pd.DataFrame | Iterable[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | Iterable[str] | None]:
    """(events, users) from a Dataset or an events table; an explicit ``users`` wins."""
    if isinstance(data, Dataset):
        return data.events, (data.users if users is None else users)
    if isinstance(data, pd.DataFrame):
        return data, users
    raise TypeError(
        f"expected a Dataset or an events DataFrame, got {type(data).__name__}. "
        "How to fix: pass influence_lab.load_sample() or a table checked by validate_events."
    )


def resolve_users(
    data: Dataset | pd.DataFrame, users: pd.DataFrame | Iterable[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame | None, pd.Index | None]:
    """(events, users table or None, ids asked for or None) from a Dataset or events table and ``users``.

    A users table passed as ``users`` replaces the Dataset's; a list of ids
    keeps the Dataset's table (for ``created_at`` and user columns such as a
    community) and names the rows wanted.
    """
    events, table = split_input(data, users if isinstance(users, pd.DataFrame) else None)
    if users is None or isinstance(users, pd.DataFrame):
        return events, table, None
    if isinstance(users, (str, bytes)):
        raise TypeError(
            f"users={users!r} is a single string. How to fix: pass a list of ids, e.g. users=[{users!r}]."
        )
    return events, table, _checked_ids(users)


def _checked_ids(ids: Iterable[str]) -> pd.Index:
    """Ids as a string Index; ValueError naming missing or repeated ids."""
    values = pd.Series(list(ids), dtype=ID_DTYPE)
    missing = int(values.isna().sum())
    repeated = values[values.duplicated()].unique().tolist()
    if missing or repeated:
        raise ValueError(
            f"users: ids must be unique and non-missing; got {missing} missing id(s) and repeated "
            f"id(s) {repeated[:10]}{' ...' if len(repeated) > 10 else ''}. How to fix: pass each user once, "
            "e.g. list(dict.fromkeys(ids)) after dropping missing values."
        )
    return pd.Index(values, dtype=ID_DTYPE, name="user_id")


def prepare_events(
    events: pd.DataFrame, users: pd.DataFrame | Iterable[str] | None = None, *, ids: Iterable[str] | None = None
) -> EventArrays:
    """Validate (only if the dtypes are not already the contract's) and encode an events table.

    ``users`` (a users table or ids) and ``ids`` add users without events
    and, from a table, ``created_at``. ``true_*`` columns are dropped before
    anything else is read.
    """
    if not isinstance(events, pd.DataFrame):
        raise TypeError(
            f"prepare_events: events must be a DataFrame, got {type(events).__name__}. How to fix: pass a "
            "contract events table (dataset.events, or a table checked by influence_lab.validate_events)."
        )
    if not _has_contract_dtypes(events):
        events = validate_events(events)
    user_table = None
    if isinstance(users, pd.DataFrame):
        user_table = validate_users(_without_truth(users))
        extra_ids = user_table["user_id"]
    elif users is not None:
        extra_ids = _checked_ids(users).to_series(index=None)
    else:
        extra_ids = pd.Series([], dtype=ID_DTYPE)
    if ids is not None:
        extra_ids = pd.concat([extra_ids, _checked_ids(ids).to_series(index=None)], ignore_index=True)

    # factorise each column, then their (few) distinct ids together: faster than one big factorisation
    actor_codes, actor_ids = pd.factorize(events["actor_id"], use_na_sentinel=True)
    target_codes, target_ids = pd.factorize(events["target_id"], use_na_sentinel=True)
    merged, uniques = pd.factorize(
        pd.concat(
            [pd.Series(actor_ids, dtype=ID_DTYPE), pd.Series(target_ids, dtype=ID_DTYPE), extra_ids],
            ignore_index=True,
        )
    )
    actor = merged[: len(actor_ids)][actor_codes].astype(np.int64)
    target_map = merged[len(actor_ids) : len(actor_ids) + len(target_ids)].astype(np.int64)
    if len(target_map):
        target = np.where(target_codes >= 0, target_map[np.maximum(target_codes, 0)], -1).astype(np.int64)
    else:  # only posts
        target = np.full(len(target_codes), -1, dtype=np.int64)
    user_ids = pd.Index(uniques, dtype=ID_DTYPE, name="user_id")

    ts = events["timestamp"].dt.as_unit("ns").array.asi8.astype(np.int64, copy=False)
    kind = pd.Categorical(events["kind"], categories=EVENT_KINDS).codes.astype(np.int8)

    def optional_codes(column: str) -> np.ndarray | None:
        if column not in events.columns:
            return None
        return pd.factorize(events[column], use_na_sentinel=True)[0].astype(np.int64)

    created = np.full(len(user_ids), np.nan)
    created_ns = np.full(len(user_ids), np.iinfo(np.int64).min, dtype=np.int64)
    if user_table is not None and "created_at" in user_table.columns:
        known = user_table["created_at"].notna().to_numpy()
        rows = user_ids.get_indexer(user_table["user_id"][known])
        created_ns[rows] = user_table["created_at"][known].dt.as_unit("ns").array.asi8
        created[rows] = created_ns[rows].astype(np.float64)

    post = optional_codes("post_id")
    in_own_post = None
    if post is not None:
        is_post = (kind == POST) & (post >= 0)
        author = np.full(int(post.max()) + 1 if len(post) else 0, -1, dtype=np.int64)
        author[post[is_post]] = actor[is_post]
        in_own_post = (kind == MENTION) & (post >= 0)
        in_own_post[in_own_post] = author[post[in_own_post]] == actor[in_own_post]

    return EventArrays(
        user_ids=user_ids,
        ts=ts,
        day=np.floor_divide(ts, DAY_NS),
        actor=actor,
        target=target,
        kind=kind,
        post=post,
        text=optional_codes("text"),
        created_at=created,
        created_ns=created_ns,
        has_follows=bool(kind_in(kind, FOLLOW, UNFOLLOW).any()),
        in_own_post=in_own_post,
    )


def day_end(day) -> pd.Timestamp:
    """The last nanosecond of a UTC calendar day: the ``as_of`` of "day d" in timelines.

    With it, the window ``(as_of - W days, as_of]`` covers exactly the W
    whole days ending with day d.
    """
    start = pd.Timestamp(day)
    start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
    return start.normalize() + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")


def day_number(value) -> int:
    """The UTC calendar day of a time (naive: read as UTC), as days since 1970-01-01."""
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return int(stamp.normalize().value // DAY_NS)


def as_utc_timestamp(value, name: str) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        raise ValueError(
            f"{name}={value!r} has no time zone. How to fix: pass a UTC time, e.g. "
            f"pd.Timestamp('{stamp.isoformat()}', tz='UTC') or '...Z'."
        )
    return stamp.tz_convert("UTC").as_unit("ns")


# ------------------------------------------------------------------- shared helpers


def kind_in(kind: np.ndarray, *codes: int) -> np.ndarray:
    """Mask of events whose kind code is one of ``codes`` (a lookup table: faster than np.isin)."""
    table = np.zeros(len(EVENT_KINDS), dtype=bool)
    table[list(codes)] = True
    return table[kind]


def group_sum(codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Sum of ``weights`` (or counts) per code in [0, n), as float64."""
    return np.bincount(codes, weights=weights, minlength=n).astype(np.float64)[:n]


def distinct_pair_deltas(
    receiver: np.ndarray, sender: np.ndarray, day: np.ndarray, n_users: int, window_days: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Deltas whose running sum per receiver is the number of distinct senders in a sliding window.

    For each (sender, receiver) pair, each day with an event adds +1 and the
    pair drops out (-1) at ``min(next event day of the pair, day + W)``: the
    running sum over days ``<= d`` counts the pairs seen in days
    ``[d - W + 1, d]``. Returns (receiver, day, delta).
    """
    if len(receiver) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    pair = sender.astype(np.int64) * n_users + receiver
    order = np.lexsort((day, pair))
    pair, day_sorted, recv = pair[order], day[order], receiver[order]
    first_of_day = np.ones(len(pair), dtype=bool)
    first_of_day[1:] = (pair[1:] != pair[:-1]) | (day_sorted[1:] != day_sorted[:-1])
    pair, day_sorted, recv = pair[first_of_day], day_sorted[first_of_day], recv[first_of_day]
    next_day = np.full(len(pair), np.iinfo(np.int64).max)
    same = pair[1:] == pair[:-1]
    next_day[:-1][same] = day_sorted[1:][same]
    drop_day = np.minimum(next_day, day_sorted + window_days)
    receivers = np.concatenate([recv, recv])
    days = np.concatenate([day_sorted, drop_day])
    deltas = np.concatenate([np.ones(len(recv), np.int64), -np.ones(len(recv), np.int64)])
    return receivers, days, deltas


def _running_value_at(
    user: np.ndarray, day: np.ndarray, delta: np.ndarray, query_user: np.ndarray, query_day: np.ndarray
) -> np.ndarray:
    """For each query (u, d): the sum of ``delta`` over entries of user u with day <= d."""
    if len(query_user) == 0:
        return np.zeros(0, dtype=delta.dtype if len(delta) else np.int64)
    if len(user) == 0:
        return np.zeros(len(query_user), dtype=np.int64)
    low = min(int(day.min()), int(query_day.min())) - 1
    high = max(int(day.max()), int(query_day.max())) + 1
    span = high - low + 1
    keys = user.astype(np.int64) * span + (day - low)
    order = np.argsort(keys)
    keys = keys[order]
    running = np.concatenate([np.zeros(1, dtype=delta.dtype), np.cumsum(delta[order])])
    # sorted queries make both binary searches cache-friendly
    queries = query_user.astype(np.int64) * span + (query_day - low)
    query_order = np.argsort(queries)
    queries = queries[query_order]
    upto = np.searchsorted(keys, queries, side="right")
    user_start = np.searchsorted(keys, queries - (queries % span), side="left")
    result = np.empty(len(queries), dtype=running.dtype)
    result[query_order] = running[upto] - running[user_start]
    return result


def reaction_weights(
    ev: EventArrays,
    *,
    activity_exponent: float,
    standing_window_days: int,
    with_standing: bool = True,
    counted: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-event activity weight and engager standing (0 for non-engagement events).

    Activity weight ``g ** -activity_exponent``: ``g`` = reactions the engager
    gave on the event's UTC day (within the events passed, and among those
    where ``counted`` is true if it is given: a score's window passes its
    mask, so a reaction outside the window cannot dilute one inside it on the
    window's first, partial day; events not counted get activity 0). Standing = distinct
    users who engaged the engager in the ``standing_window_days`` days before
    the event's day. Both depend only on data up to the end of the event's day,
    so a direct score at the end of day d and the timeline agree.
    """
    n = len(ev.ts)
    activity = np.zeros(n)
    standing = np.zeros(n)
    eng = np.flatnonzero(ev.engagement)
    if len(eng) == 0:
        return activity, standing
    actor, day = ev.actor[eng], ev.day[eng]
    live = slice(None) if counted is None else np.asarray(counted, dtype=bool)[eng]
    first_day = int(day.min())
    span = int(day.max()) - first_day + 1
    key = (actor * span + (day - first_day))[live]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    activity[eng[live]] = counts[inverse].astype(np.float64) ** (-float(activity_exponent))
    if not with_standing:
        return activity, standing
    recv, days, deltas = distinct_pair_deltas(ev.target[eng], actor, day, ev.n_users, standing_window_days)
    standing[eng] = _running_value_at(recv, days, deltas, actor, day - 1)
    return activity, standing


def follow_state_deltas(ev: EventArrays) -> tuple[np.ndarray, np.ndarray]:
    """Per-event change (+1, -1 or 0) of "follower follows followee", and the mask of follow events.

    Pairs are replayed in time order (ties in table order): a follow of a
    pair not followed adds 1, an unfollow of a followed pair subtracts 1,
    repeats change nothing. Self-follows are ignored.
    """
    mask = kind_in(ev.kind, FOLLOW, UNFOLLOW) & (ev.target >= 0) & (ev.actor != ev.target)
    rows = np.flatnonzero(mask)
    change = np.zeros(len(ev.ts), dtype=np.int64)
    if len(rows) == 0:
        return change, mask
    pair = ev.actor[rows] * ev.n_users + ev.target[rows]
    order = np.lexsort((rows, ev.ts[rows], pair))
    pair_sorted = pair[order]
    state = (ev.kind[rows][order] == FOLLOW).astype(np.int64)
    previous = np.zeros(len(state), dtype=np.int64)
    same = pair_sorted[1:] == pair_sorted[:-1]
    previous[1:][same] = state[:-1][same]
    change[rows[order]] = state - previous
    return change, mask


def actor_followers_at_events(ev: EventArrays, change: np.ndarray, follow_mask: np.ndarray) -> np.ndarray:
    """Followers each event's actor had just before the event (0 when the data has no follows)."""
    out = np.zeros(len(ev.ts), dtype=np.int64)
    rows = np.flatnonzero(follow_mask & (change != 0))
    if len(rows) == 0 or len(ev.ts) == 0:
        return out
    # rank times so that (user, time) packs into one int64 key
    all_times = np.concatenate([ev.ts[rows], ev.ts])
    _, rank = np.unique(all_times, return_inverse=True)
    follow_rank, query_rank = rank[: len(rows)], rank[len(rows) :]
    # events at the same instant as a follow do not see it: query rank - 1
    return _running_value_at(ev.target[rows], follow_rank, change[rows], ev.actor, query_rank - 1)
