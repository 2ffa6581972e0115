"""Per-user features of a time window: what every score in ``influence_lab.scoring.recipes`` reads.

One call, :func:`user_features`, turns a contract events table into one row
per user (index ``user_id``) for the window ``(as_of - window_days, as_of]``,
or, with ``half_life_days``, for all history up to ``as_of`` with each event
weighted ``0.5 ** (age / half_life)``. :data:`FEATURES` documents every column
(meaning and unit).

Conventions
-----------
- The *receiver* of an event is ``target_id``; a reshare, like, reply or
  mention of user X by someone else is engagement *received* by X.
- Self-engagement (``actor_id == target_id``) never counts; it is counted in
  ``self_engagements`` so that nothing is hidden.
- Most features are windowed sums of per-event contributions, so that
  :mod:`influence_lab.scoring.timeline` can update them day by day. Two per-event
  weights are fixed by data up to the event's own day and never by ``as_of``:
  the *activity weight* of a reaction, ``g ** -activity_exponent`` where ``g``
  is how many reactions its engager gave that calendar day (UTC), so that
  people who react to everything count less; and the engager's *standing*,
  the number of distinct users who engaged the engager during the
  ``standing_window_days`` days before the event's day.
- Followers come from follow/unfollow events over all history up to
  ``as_of`` (the state of each follower/followee pair after its last event).
  When the events table holds no follow or unfollow event at all (SNAP Higgs)
  the follower columns are NaN: the number is unknown, not zero.
- Window-level features that are not sums of per-event contributions
  (``top5_engager_share``, reciprocities, the credibility features of the
  robust score, ``pagerank``) are computed here only, not in the timeline.
- Ground truth (``true_*`` columns of a users table) is dropped on entry and
  never read.

Everything is vectorised (numpy, ``pd.factorize``, ``np.bincount``, sorting);
there is no Python loop over users or events.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable

import numpy as np
import pandas as pd

from influence_lab.contract import (
    sorted_distinct,
    EVENT_KINDS,
    ID_DTYPE,
    KIND_DTYPE,
    TIMESTAMP_DTYPE,
    Dataset,
    validate_events,
    validate_users,
)

__all__ = [
    "FEATURES",
    "WINDOW_DAYS",
    "EventArrays",
    "features_table",
    "prepare_events",
    "resolve_users",
    "split_input",
    "user_features",
    "day_end",
]

#: Default window: Klout's rolling 90 days (FACTS.md, support page 2016).
WINDOW_DAYS = 90
DAY_NS = 86_400 * 10**9

POST, RESHARE, LIKE, REPLY, MENTION, FOLLOW, UNFOLLOW = range(len(EVENT_KINDS))

#: Every column of :func:`user_features`: name -> (meaning, unit).
FEATURES: dict[str, tuple[str, str]] = {
    # what the user does
    "posts": ("original posts by the user in the window", "posts"),
    "reshares_given": ("reshares the user made of other users' posts", "events"),
    "likes_given": ("likes the user gave to other users", "events"),
    "replies_given": ("replies the user sent to other users", "events"),
    "mentions_given": ("mentions of other users by the user", "events"),
    "reactions_given": ("reshares + likes + replies + mentions given to others", "events"),
    "published_items": (
        "items the user published to their followers: posts + reshares + replies + mentions given "
        "(on Twitter each of these is a tweet; a like is not); a mention that carries the post_id of the "
        "actor's own post is part of that post and is not counted twice",
        "items",
    ),
    "self_engagements": (
        "events where the user engaged or followed themself (actor == target); never counted anywhere else",
        "events",
    ),
    "outreach_actions": (
        "reshares + replies + mentions given to others since the start of the data up to as_of "
        "(cumulative, never windowed: Kred's outreach)",
        "events",
    ),
    # what the user receives
    "reshares_received": ("reshares of the user's posts by others", "events"),
    "likes_received": ("likes from others", "events"),
    "replies_received": ("replies from others", "events"),
    "mentions_received": ("mentions by others", "events"),
    "reactions_received": ("reshares + likes + replies + mentions received from others", "events"),
    "follows_received": ("follow events received in the window (not de-duplicated)", "events"),
    "unfollows_received": ("unfollow events received in the window", "events"),
    "unique_engagers": ("distinct other users who reshared, liked, replied to or mentioned the user", "users"),
    "unique_resharers_mentioners": (
        "distinct other users who reshared or mentioned the user (SNP's numerator)",
        "users",
    ),
    "reactions_per_post": ("reactions_received / max(published_items, 1)", "reactions per item"),
    "weighted_reactions": (
        "reactions received, each weighted by its engager's activity weight g**-activity_exponent "
        "(g = reactions that engager gave that UTC day): people who react to everything count less",
        "weighted reactions",
    ),
    "weighted_reactions_per_post": ("weighted_reactions / max(published_items, 1)", "weighted reactions per item"),
    "standing_weighted_reactions": (
        "reactions received, each weighted by activity weight * log(1 + engager standing), where standing = "
        "distinct users who engaged the engager in the standing_window_days days before the reaction's day",
        "weighted reactions",
    ),
    "big_actor_actions_received": (
        "reshares, replies, mentions and follows received from actors who had more than big_actor_followers "
        "followers at the time (Kred's bonus; 0 without follow data)",
        "events",
    ),
    "top5_engager_share": (
        "share of reactions received that came from the user's five most frequent engagers (NaN: none received)",
        "fraction 0-1",
    ),
    "engager_reciprocity": (
        "share of the user's engagers whom the user engaged back in the same window (NaN: no engagers)",
        "fraction 0-1",
    ),
    # audience
    "followers": (
        "followers at as_of from follow/unfollow events over all history (NaN: the data has no follow events)",
        "users",
    ),
    "followers_gained": (
        "net change of followers over the window (NaN: the data has no follow events)",
        "users",
    ),
    "follower_reciprocity": (
        "share of the user's followers whom the user follows back at as_of "
        "(NaN: no follow data, or no followers)",
        "fraction 0-1",
    ),
    "audience_proxy": (
        "distinct other users who engaged the user at any time up to as_of: an observed audience, "
        "used in place of followers when the data has no follow events",
        "users",
    ),
    # posts
    "posts_with_id": ("posts in the window that carry a post_id", "posts"),
    "posts_reshared": (
        "the user's posts published in the window that were reshared by someone else after publication, "
        "up to as_of (needs post_id on posts and reshares)",
        "posts",
    ),
    "posts_replied": ("as posts_reshared, for replies", "posts"),
    "distinct_post_texts": (
        "distinct texts among the user's posts in the window (a post without text counts as its own text; "
        "NaN: the data has no text column)",
        "posts",
    ),
    "duplicate_posts": ("posts - distinct_post_texts (NaN: no text column)", "posts"),
    "distinct_published_items": (
        "published_items counting posts with identical text once (equals published_items without texts)",
        "items",
    ),
    # account
    "account_age_days": ("days from created_at (users table) to as_of (NaN: unknown)", "days"),
    # robust score ingredients (window mode only; NaN with half_life_days)
    "credible_engagers": (
        "sum over distinct engagers of their credibility (0-1; see engager_credibility)",
        "credible users",
    ),
    "credible_engagers_reciprocated": (
        "sum over distinct engagers of credibility * reciprocation, where reciprocation = "
        "min(1, reactions the user gave that engager / reactions received from them)",
        "credible users",
    ),
    "credible_reactions": (
        "reactions received, each weighted by its engager's credibility and, on a post whose text the user "
        "posted k times in the window, by 1/k (duplicate texts count once)",
        "credible reactions",
    ),
    "credible_reactions_reciprocated": (
        "credible_reactions, each also times its pair's reciprocation",
        "credible reactions",
    ),
    "pagerank": (
        "PageRank of the window's engagement graph (engager -> author, weighted by counts; only with "
        "with_pagerank=True; NaN for users outside the graph)",
        "probability",
    ),
}


def features_table() -> pd.DataFrame:
    """:data:`FEATURES` as a table (feature, meaning, unit) for notebooks and docs."""
    return pd.DataFrame(
        [(name, meaning, unit) for name, (meaning, unit) in FEATURES.items()],
        columns=["feature", "meaning", "unit"],
    ).set_index("feature")


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
        raise TypeError(f"events must be a DataFrame, got {type(events).__name__}")
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


def _as_timestamp(value, name: str) -> pd.Timestamp:
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


def _group_sum(codes: np.ndarray, n: int, weights: np.ndarray | None = None) -> np.ndarray:
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
    ev: EventArrays, *, activity_exponent: float, standing_window_days: int, with_standing: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Per-event activity weight and engager standing (0 for non-engagement events).

    Activity weight ``g ** -activity_exponent``: ``g`` = reactions the engager
    gave on the event's UTC day (within the events passed). Standing = distinct
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
    first_day = int(day.min())
    span = int(day.max()) - first_day + 1
    key = actor * span + (day - first_day)
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    activity[eng] = counts[inverse].astype(np.float64) ** (-float(activity_exponent))
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


# ----------------------------------------------------------------------- user_features


def user_features(
    events: pd.DataFrame | Dataset,
    *,
    as_of=None,
    window_days: float = WINDOW_DAYS,
    users: pd.DataFrame | Iterable[str] | None = None,
    half_life_days: float | None = None,
    activity_exponent: float = 0.5,
    standing_window_days: int = WINDOW_DAYS,
    big_actor_followers: int = 10_000,
    passive_credibility: float = 0.25,
    credibility_engagers: float = 3.0,
    reaction_budget_per_day: float = 20.0,
    min_account_age_days: float = 30.0,
    with_pagerank: bool = False,
    pagerank_alpha: float = 0.85,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per user (index ``user_id``) of the features in :data:`FEATURES`.

    Window: events with ``as_of - window_days < timestamp <= as_of``
    (``as_of`` defaults to the last event). With ``half_life_days`` every
    windowed count becomes a decayed sum over all history up to ``as_of``,
    each event weighted ``0.5 ** ((as_of - timestamp) / half_life)``, and a
    distinct count weighs each pair by the age of its last event; the
    robust-score columns and ``top5_engager_share``/``engager_reciprocity``
    then stay NaN.

    Rows:

    - ``users`` a list of ids: exactly those ids, in that order (an id with
      no events gets the features of no activity);
    - a users table (``users``, or the users of a :class:`Dataset`): every
      user who appears in the events up to ``as_of`` and every other user of
      the table, except accounts whose ``created_at`` is after ``as_of``
      (they did not exist yet: scoring them would put non-existent accounts
      at the floor); a missing ``created_at`` counts as existing;
    - neither: every user who appears in the events up to ``as_of``.

    Follower columns are NaN when the table has no follow/unfollow events at
    all (the count is unknown, not zero). ``events`` may be a
    :class:`Dataset`: its users table then gives ``created_at`` (also when
    ``users`` is a list of ids); ``true_*`` columns are never read.

    ``columns`` limits the output to some features (in :data:`FEATURES`
    order) and skips the work the others need (the scores ask only for
    what they read). ``pagerank`` is computed only when asked for, by
    ``columns`` or ``with_pagerank=True``. The remaining keywords are the
    parameters of per-event weights and of engager credibility (robust
    score); see :data:`FEATURES` and :class:`influence_lab.scoring.recipes.RobustScore`.
    """
    if columns is not None:
        columns = list(columns)
        unknown = sorted(set(columns) - set(FEATURES))
        if unknown:
            raise ValueError(f"user_features: unknown feature(s) {unknown}; see influence_lab.scoring.features.FEATURES.")
    events, user_table, ids = resolve_users(events, users)
    ev = prepare_events(events, user_table, ids=ids)
    if as_of is None:
        if len(ev.ts) == 0:
            raise ValueError("user_features: no events, so as_of cannot default to the last event; pass as_of.")
        as_of = pd.Timestamp(int(ev.ts.max()), tz="UTC")
    as_of = _as_timestamp(as_of, "as_of")
    if not window_days > 0:
        raise ValueError(f"user_features: window_days must be > 0; got {window_days!r}.")
    if half_life_days is not None and not half_life_days > 0:
        raise ValueError(f"user_features: half_life_days must be > 0 or None; got {half_life_days!r}.")
    return _features_from_arrays(
        ev,
        as_of_ns=int(as_of.value),
        window_days=float(window_days),
        half_life_days=half_life_days,
        rows=("ids", ev.user_ids.get_indexer(ids)) if ids is not None else (
            ("table", ev.user_ids.get_indexer(user_table["user_id"].astype(ID_DTYPE)))
            if user_table is not None else ("seen", None)
        ),
        activity_exponent=activity_exponent,
        standing_window_days=int(standing_window_days),
        big_actor_followers=big_actor_followers,
        passive_credibility=passive_credibility,
        credibility_engagers=credibility_engagers,
        reaction_budget_per_day=reaction_budget_per_day,
        min_account_age_days=min_account_age_days,
        with_pagerank=with_pagerank,
        pagerank_alpha=pagerank_alpha,
        columns=columns,
    )


def _features_from_arrays(
    full: EventArrays,
    *,
    as_of_ns: int,
    window_days: float,
    half_life_days: float | None,
    rows: tuple[str, np.ndarray | None],
    activity_exponent: float,
    standing_window_days: int,
    big_actor_followers: int,
    passive_credibility: float,
    credibility_engagers: float,
    reaction_budget_per_day: float,
    min_account_age_days: float,
    with_pagerank: bool,
    pagerank_alpha: float = 0.85,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    n = full.n_users
    upto_mask = full.ts <= as_of_ns
    ev_all = full.take(upto_mask)  # everything up to as_of: follows, outreach, audience
    decay = half_life_days is not None
    low_ns = as_of_ns - int(round(window_days * DAY_NS))

    # Events that per-event weights need: the window's days plus the standing window before them.
    if decay:
        lead = np.ones(len(ev_all.ts), dtype=bool)
        ev = ev_all
        in_window = np.ones(len(ev.ts), dtype=bool)
        weight = np.exp2(-(as_of_ns - ev.ts) / (half_life_days * DAY_NS))
    else:
        first_needed_day = (low_ns // DAY_NS) - standing_window_days - 1
        lead = ev_all.day >= first_needed_day
        ev = ev_all.take(lead)
        in_window = ev.ts > low_ns
        weight = in_window.astype(np.float64)

    wanted = set(FEATURES) - {"pagerank"} if columns is None else set(columns)
    if with_pagerank:
        wanted.add("pagerank")

    def need(*names: str) -> bool:
        return any(name in wanted for name in names)

    activity, standing = reaction_weights(
        ev,
        activity_exponent=activity_exponent,
        standing_window_days=standing_window_days,
        with_standing=need("standing_weighted_reactions"),
    )
    eng = ev.engagement & in_window
    kind = ev.kind
    out: dict[str, np.ndarray] = {}

    def given(code: int) -> np.ndarray:
        m = eng & (kind == code)
        return _group_sum(ev.actor[m], n, weight[m])

    def received(code: int) -> np.ndarray:
        m = eng & (kind == code)
        return _group_sum(ev.target[m], n, weight[m])

    post_mask = (kind == POST) & in_window
    out["posts"] = _group_sum(ev.actor[post_mask], n, weight[post_mask])
    for name, code in (("reshares", RESHARE), ("likes", LIKE), ("replies", REPLY), ("mentions", MENTION)):
        out[f"{name}_given"] = given(code)
        out[f"{name}_received"] = received(code)
    out["reactions_given"] = out["reshares_given"] + out["likes_given"] + out["replies_given"] + out["mentions_given"]
    out["reactions_received"] = (
        out["reshares_received"] + out["likes_received"] + out["replies_received"] + out["mentions_received"]
    )
    published = ev.publishes & in_window
    out["published_items"] = _group_sum(ev.actor[published], n, weight[published])
    self_mask = ev.self_event & in_window
    out["self_engagements"] = _group_sum(ev.actor[self_mask], n, weight[self_mask])
    outreach_mask = ev_all.engagement & kind_in(ev_all.kind, RESHARE, REPLY, MENTION)
    out["outreach_actions"] = _group_sum(ev_all.actor[outreach_mask], n)

    other = (ev.target >= 0) & (ev.actor != ev.target) & in_window
    follow_in = (kind == FOLLOW) & other
    unfollow_in = (kind == UNFOLLOW) & other
    out["follows_received"] = _group_sum(ev.target[follow_in], n, weight[follow_in])
    out["unfollows_received"] = _group_sum(ev.target[unfollow_in], n, weight[unfollow_in])

    out["reactions_per_post"] = out["reactions_received"] / np.maximum(out["published_items"], 1.0)
    out["weighted_reactions"] = _group_sum(ev.target[eng], n, (weight * activity)[eng])
    out["weighted_reactions_per_post"] = out["weighted_reactions"] / np.maximum(out["published_items"], 1.0)
    if need("standing_weighted_reactions"):
        out["standing_weighted_reactions"] = _group_sum(
            ev.target[eng], n, (weight * activity * np.log1p(standing))[eng]
        )

    # distinct engagers: in a window each pair counts once; with decay, by the age of its last event
    if need("unique_engagers"):
        out["unique_engagers"] = _distinct_senders(ev, eng, n, decay, as_of_ns, half_life_days)
    if need("unique_resharers_mentioners"):
        reshare_mention = eng & kind_in(kind, RESHARE, MENTION)
        out["unique_resharers_mentioners"] = _distinct_senders(
            ev, reshare_mention, n, decay, as_of_ns, half_life_days
        )
    if need("audience_proxy"):
        ever = ev_all.engagement
        ever_pairs = sorted_distinct(ev_all.actor[ever] * n + ev_all.target[ever])
        out["audience_proxy"] = _group_sum(ever_pairs % n, n)

    # followers: pair states replayed over all history up to as_of
    follower_columns = ("followers", "followers_gained", "follower_reciprocity", "big_actor_actions_received")
    if not full.has_follows:
        nan = np.full(n, np.nan)
        out["followers"], out["followers_gained"], out["follower_reciprocity"] = nan, nan.copy(), nan.copy()
        out["big_actor_actions_received"] = np.zeros(n)
    elif need(*follower_columns):
        change, follow_mask = follow_state_deltas(ev_all)
        out["followers"] = _group_sum(ev_all.target[follow_mask], n, change[follow_mask].astype(np.float64))
        if decay:
            w_all = np.exp2(-(as_of_ns - ev_all.ts) / (half_life_days * DAY_NS))
            gained_w = (change * w_all)[follow_mask]
        else:
            gained_w = (change * (ev_all.ts > low_ns))[follow_mask].astype(np.float64)
        out["followers_gained"] = _group_sum(ev_all.target[follow_mask], n, gained_w)
        if need("follower_reciprocity"):
            out["follower_reciprocity"] = _follower_reciprocity(ev_all, change, follow_mask, n, out["followers"])
        if need("big_actor_actions_received"):
            # actor followers before each event, replayed on all history up to as_of
            actor_followers = actor_followers_at_events(ev_all, change, follow_mask)[lead]
            big_kinds = kind_in(kind, RESHARE, REPLY, MENTION, FOLLOW) & other
            big = big_kinds & (actor_followers > big_actor_followers)
            out["big_actor_actions_received"] = _group_sum(ev.target[big], n, weight[big])

    if need(
        "posts_with_id", "posts_reshared", "posts_replied", "distinct_post_texts", "duplicate_posts",
        "distinct_published_items",
    ):
        _post_features(ev, in_window, weight, eng, n, decay, out)
    out["account_age_days"] = (as_of_ns - full.created_at) / DAY_NS

    pair_columns = ("top5_engager_share", "engager_reciprocity") + _ROBUST_COLUMNS
    if decay:
        for name in pair_columns:
            out[name] = np.full(n, np.nan)
    elif need(*pair_columns):
        _pair_features(
            ev,
            eng,
            in_window,
            n,
            out,
            window_days=window_days,
            passive_credibility=passive_credibility,
            credibility_engagers=credibility_engagers,
            reaction_budget_per_day=reaction_budget_per_day,
            min_account_age_days=min_account_age_days,
        )

    if need("pagerank"):
        out["pagerank"] = _pagerank_feature(ev, eng, n, pagerank_alpha)

    frame = pd.DataFrame({name: out[name] for name in FEATURES if name in wanted}, index=full.user_ids)
    # rows: the ids asked for; or everyone seen up to as_of, plus the table's accounts that existed by then
    mode, codes = rows
    if mode == "ids":
        return frame.iloc[codes]
    keep = np.zeros(n, dtype=bool)
    keep[ev_all.actor] = True
    keep[ev_all.target[ev_all.target >= 0]] = True
    if mode == "table":
        in_table = np.zeros(n, dtype=bool)
        in_table[codes] = True
        keep |= in_table & ~full.created_after(as_of_ns)  # unknown creation: kept
    return frame[keep]


_ROBUST_COLUMNS = (
    "credible_engagers",
    "credible_engagers_reciprocated",
    "credible_reactions",
    "credible_reactions_reciprocated",
)


def _distinct_senders(
    ev: EventArrays, mask: np.ndarray, n: int, decay: bool, as_of_ns: int, half_life_days: float | None
) -> np.ndarray:
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return np.zeros(n)
    pair = ev.actor[rows] * n + ev.target[rows]
    if not decay:
        return _group_sum(sorted_distinct(pair) % n, n)
    order = np.lexsort((ev.ts[rows], pair))
    pair_sorted = pair[order]
    last = np.ones(len(pair_sorted), dtype=bool)
    last[:-1] = pair_sorted[1:] != pair_sorted[:-1]
    last_ts = ev.ts[rows][order][last]
    return _group_sum(pair_sorted[last] % n, n, np.exp2(-(as_of_ns - last_ts) / (half_life_days * DAY_NS)))


def _follower_reciprocity(
    ev: EventArrays, change: np.ndarray, follow_mask: np.ndarray, n: int, followers: np.ndarray
) -> np.ndarray:
    rows = np.flatnonzero(follow_mask & (change != 0))
    pair = ev.actor[rows] * n + ev.target[rows]
    order = np.argsort(pair)
    pair_sorted = pair[order]
    starts = np.flatnonzero(np.r_[True, pair_sorted[1:] != pair_sorted[:-1]]) if len(rows) else np.zeros(0, np.int64)
    state = np.add.reduceat(change[rows][order], starts) if len(rows) else np.zeros(0, np.int64)
    following = pair_sorted[starts][state > 0]  # sorted
    follower, followee = following // n, following % n
    reverse = followee * n + follower
    where = np.minimum(np.searchsorted(following, reverse), max(len(following) - 1, 0))
    back = following[where] == reverse if len(following) else np.zeros(0, dtype=bool)
    mutual = _group_sum(followee[back], n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(followers > 0, mutual / followers, np.nan)


def _post_features(
    ev: EventArrays,
    in_window: np.ndarray,
    weight: np.ndarray,
    eng: np.ndarray,
    n: int,
    decay: bool,
    out: dict[str, np.ndarray],
) -> None:
    """posts_with_id, posts_reshared/replied, distinct texts and duplicate posts."""
    post_rows = np.flatnonzero((ev.kind == POST) & in_window)
    if ev.post is not None:
        with_id = post_rows[ev.post[post_rows] >= 0]
        out["posts_with_id"] = _group_sum(ev.actor[with_id], n, weight[with_id])
        for name, code in (("posts_reshared", RESHARE), ("posts_replied", REPLY)):
            out[name] = _posts_engaged(ev, with_id, eng & (ev.kind == code), weight, n)
    else:
        out["posts_with_id"] = np.zeros(n)
        out["posts_reshared"] = np.zeros(n)
        out["posts_replied"] = np.zeros(n)

    if ev.text is not None:
        text = ev.text[post_rows]
        # a post without text is its own text: give it a unique negative code
        own = np.where(text >= 0, text, -1 - post_rows)
        keys = pd.MultiIndex.from_arrays([ev.actor[post_rows], own])
        if decay:
            # a distinct text weighs as its most recent copy
            frame = pd.DataFrame({"a": ev.actor[post_rows], "t": own, "w": weight[post_rows]})
            latest = frame.groupby(["a", "t"], sort=False)["w"].max()
            distinct = _group_sum(latest.index.get_level_values(0).to_numpy(), n, latest.to_numpy())
        else:
            unique_keys = keys.drop_duplicates()
            distinct = _group_sum(unique_keys.get_level_values(0).to_numpy(), n)
        out["distinct_post_texts"] = distinct
        out["duplicate_posts"] = out["posts"] - distinct
        out["distinct_published_items"] = out["published_items"] - out["posts"] + distinct
    else:
        out["distinct_post_texts"] = np.full(n, np.nan)
        out["duplicate_posts"] = np.full(n, np.nan)
        out["distinct_published_items"] = out["published_items"].copy()


def _posts_engaged(
    ev: EventArrays, post_rows: np.ndarray, engaged_mask: np.ndarray, weight: np.ndarray, n: int
) -> np.ndarray:
    """Per author: posts (rows given, first copy of each post_id) engaged after publication, up to as_of."""
    if len(post_rows) == 0:
        return np.zeros(n)
    post_code = ev.post[post_rows]
    post_ts = ev.ts[post_rows]
    # first publication of each post id (by time, then table order)
    order = np.lexsort((post_rows, post_ts, post_code))
    first = np.ones(len(order), dtype=bool)
    first[1:] = post_code[order][1:] != post_code[order][:-1]
    chosen = post_rows[order][first]
    rows = np.flatnonzero(engaged_mask & (ev.post >= 0))
    if len(rows) == 0:
        return np.zeros(n)
    # for each post: is there an engagement at or after its publication?
    latest = pd.Series(ev.ts[rows]).groupby(ev.post[rows]).max()
    latest_ts = latest.reindex(ev.post[chosen]).to_numpy(dtype=np.float64, na_value=np.nan)
    hit = chosen[np.nan_to_num(latest_ts, nan=-np.inf) >= ev.ts[chosen].astype(np.float64)]
    return _group_sum(ev.actor[hit], n, weight[hit])


def _pair_features(
    ev: EventArrays,
    eng: np.ndarray,
    in_window: np.ndarray,
    n: int,
    out: dict[str, np.ndarray],
    *,
    window_days: float,
    passive_credibility: float,
    credibility_engagers: float,
    reaction_budget_per_day: float,
    min_account_age_days: float,
) -> None:
    """Window-level features from (engager, receiver) pair counts: top-5 share, reciprocity, credibility."""
    rows = np.flatnonzero(eng)
    names = ("top5_engager_share", "engager_reciprocity") + _ROBUST_COLUMNS
    if len(rows) == 0:
        for name in names:
            out[name] = np.full(n, np.nan) if name in names[:2] else np.zeros(n)
        return
    sender, receiver = ev.actor[rows], ev.target[rows]
    pair_of_row = sender * n + receiver
    pairs, pair_index, pair_count = np.unique(pair_of_row, return_inverse=True, return_counts=True)
    pair_sender, pair_receiver = pairs // n, pairs % n
    received_total = _group_sum(pair_receiver, n, pair_count.astype(np.float64))

    # top five engagers' share (ties among equal counts do not change the sum)
    order = np.lexsort((-pair_count, pair_receiver))
    recv_sorted = pair_receiver[order]
    group_start = np.r_[0, np.flatnonzero(recv_sorted[1:] != recv_sorted[:-1]) + 1]
    rank = np.arange(len(order)) - np.repeat(group_start, np.diff(np.r_[group_start, len(order)]))
    top = order[rank < 5]
    top_sum = _group_sum(pair_receiver[top], n, pair_count[top].astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["top5_engager_share"] = np.where(received_total > 0, top_sum / received_total, np.nan)

    # reciprocity: reverse pair present in the same window, and how heavily
    reverse = pair_receiver * n + pair_sender
    where = np.searchsorted(pairs, reverse)
    where_clipped = np.minimum(where, len(pairs) - 1)
    has_reverse = pairs[where_clipped] == reverse
    reverse_count = np.where(has_reverse, pair_count[where_clipped], 0)
    unique_engagers = _group_sum(pair_receiver, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["engager_reciprocity"] = np.where(
            unique_engagers > 0, _group_sum(pair_receiver[has_reverse], n) / unique_engagers, np.nan
        )

    # engager credibility (0-1): independent standing x selectivity x account age
    independent = _group_sum(pair_receiver[~has_reverse], n)  # engagers of u whom u does not engage back
    standing_part = passive_credibility + (1 - passive_credibility) * (1 - np.exp(-independent / credibility_engagers))
    per_day = out["reactions_given"] / window_days
    with np.errstate(divide="ignore"):
        selectivity = np.where(per_day > reaction_budget_per_day, reaction_budget_per_day / per_day, 1.0)
    age_days = out["account_age_days"]
    if min_account_age_days > 0:
        age_part = np.where(np.isnan(age_days), 1.0, np.clip(age_days / min_account_age_days, 0.0, 1.0))
    else:
        age_part = np.ones(n)
    credibility = standing_part * selectivity * age_part

    reciprocation = np.minimum(1.0, reverse_count / pair_count)
    pair_cred = credibility[pair_sender]
    out["credible_engagers"] = _group_sum(pair_receiver, n, pair_cred)
    out["credible_engagers_reciprocated"] = _group_sum(pair_receiver, n, pair_cred * reciprocation)

    duplicate_factor = _duplicate_text_factor(ev, rows, in_window)
    row_cred = pair_cred[pair_index] * duplicate_factor
    out["credible_reactions"] = _group_sum(receiver, n, row_cred)
    out["credible_reactions_reciprocated"] = _group_sum(receiver, n, row_cred * reciprocation[pair_index])


def _duplicate_text_factor(ev: EventArrays, rows: np.ndarray, in_window: np.ndarray) -> np.ndarray:
    """1/k for a reaction on a post whose author posted its text k times in the window; else 1."""
    factor = np.ones(len(rows))
    if ev.post is None or ev.text is None:
        return factor
    post_rows = np.flatnonzero(ev.kind == POST)
    with_id = post_rows[ev.post[post_rows] >= 0]
    if len(with_id) == 0:
        return factor
    # copies per (author, text) among the window's posts
    window_posts = post_rows[in_window[post_rows] & (ev.text[post_rows] >= 0)]
    copies = pd.Series(1, index=pd.MultiIndex.from_arrays([ev.actor[window_posts], ev.text[window_posts]])).groupby(
        level=[0, 1]
    ).sum()
    # post id -> (author, text) from its first publication
    post_frame = pd.DataFrame({"post": ev.post[with_id], "author": ev.actor[with_id], "text": ev.text[with_id]})
    post_frame = post_frame.drop_duplicates("post")
    reacted = pd.DataFrame({"post": ev.post[rows]})
    joined = reacted.merge(post_frame, on="post", how="left")
    known = joined["text"].notna().to_numpy() & (joined["text"].to_numpy(dtype=np.float64, na_value=-1) >= 0)
    if not known.any():
        return factor
    keys = pd.MultiIndex.from_arrays(
        [joined["author"].to_numpy()[known].astype(np.int64), joined["text"].to_numpy()[known].astype(np.int64)]
    )
    k = copies.reindex(keys).to_numpy(dtype=np.float64, na_value=np.nan)
    k = np.where(np.isnan(k) | (k < 1), 1.0, k)
    factor[known] = 1.0 / k
    return factor


def _pagerank_feature(ev: EventArrays, eng: np.ndarray, n: int, alpha: float) -> np.ndarray:
    """PageRank over the window's engagement graph (counts as weights), NaN outside the graph."""
    import scipy.sparse as sp

    from influence_lab.scoring.graph import pagerank

    rows = np.flatnonzero(eng)
    result = np.full(n, np.nan)
    if len(rows) == 0:
        return result
    nodes, local = np.unique(np.concatenate([ev.actor[rows], ev.target[rows]]), return_inverse=True)
    sender, receiver = np.split(local, 2)
    m = len(nodes)
    adjacency = sp.coo_array((np.ones(len(rows)), (sender, receiver)), shape=(m, m)).tocsr()
    adjacency.sum_duplicates()
    result[nodes] = pagerank(adjacency, alpha=alpha)
    return result
