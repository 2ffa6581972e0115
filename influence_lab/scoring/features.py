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

from dataclasses import dataclass, fields, replace
from typing import Iterable

import numpy as np
import pandas as pd

from influence_lab.contract import ID_DTYPE, Dataset, sorted_distinct
from influence_lab.scoring.events import (
    DAY_NS,
    FOLLOW,
    LIKE,
    MENTION,
    POST,
    REPLY,
    RESHARE,
    UNFOLLOW,
    WINDOW_DAYS,
    EventArrays,
    actor_followers_at_events,
    as_utc_timestamp,
    follow_state_deltas,
    group_sum,
    kind_in,
    prepare_events,
    reaction_weights,
    resolve_users,
)
from influence_lab.scoring.graph import PAGERANK_ALPHA, pagerank

__all__ = [
    "DEFAULT_PARAMS",
    "FEATURES",
    "FeatureParams",
    "ScoringInput",
    "features_of",
    "features_table",
    "prepare_input",
    "user_features",
]

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


# ----------------------------------------------------------------------- user_features


@dataclass(frozen=True)
class FeatureParams:
    """The parameters features depend on, with their defaults in one place.

    Recipes take theirs from here (``recipe.feature_params()``), and
    :func:`user_features` and the timeline read them from one object.
    """

    #: a reaction counts ``g ** -activity_exponent``, g = reactions its engager gave that day
    activity_exponent: float = 0.5
    #: days before an event over which the engager's standing (distinct engagers) is counted
    standing_window_days: int = WINDOW_DAYS
    #: an actor with more followers than this is a "big actor" (Kred's bonus)
    big_actor_followers: int = 10_000
    #: credibility of an engager with no independent engagers (robust score)
    passive_credibility: float = 0.25
    #: independent engagers at which an engager's standing reaches 1 - 1/e of the way to 1
    credibility_engagers: float = 3.0
    #: reactions per day an engager may give before each counts less
    reaction_budget_per_day: float = 20.0
    #: account age (days) below which an engager counts in proportion to its age
    min_account_age_days: float = 30.0
    #: damping factor of the PageRank feature (networkx's default)
    pagerank_alpha: float = PAGERANK_ALPHA

    def __post_init__(self) -> None:
        if int(self.standing_window_days) != self.standing_window_days or self.standing_window_days < 1:
            raise ValueError(
                f"FeatureParams: standing_window_days must be a whole number of days >= 1; "
                f"got {self.standing_window_days!r}."
            )
        object.__setattr__(self, "standing_window_days", int(self.standing_window_days))

    def updated(self, **changes) -> "FeatureParams":
        """A copy with some parameters changed; unknown names are refused, naming the known ones."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - known)
        if unknown:
            raise TypeError(f"FeatureParams: unknown parameter(s) {unknown}; known: {sorted(known)}.")
        return replace(self, **changes)


DEFAULT_PARAMS = FeatureParams()


@dataclass(frozen=True)
class ScoringInput:
    """A Dataset or events table resolved once: the encoded events, the users table and the ids asked for."""

    events: EventArrays
    users: pd.DataFrame | None
    ids: pd.Index | None

    def rows(self, *, use_ids: bool = True) -> tuple[str, np.ndarray | None]:
        """Which users are rows: the ids asked for, else the table's users (and anyone active), else anyone active."""
        ev = self.events
        if use_ids and self.ids is not None:
            return "ids", ev.user_ids.get_indexer(self.ids)
        if self.users is not None:
            return "table", ev.user_ids.get_indexer(self.users["user_id"].astype(ID_DTYPE))
        return "seen", None

    def last_event(self) -> pd.Timestamp:
        if len(self.events.ts) == 0:
            raise ValueError("no events, so as_of cannot default to the last event. How to fix: pass as_of.")
        return pd.Timestamp(int(self.events.ts.max()), tz="UTC")


def prepare_input(data: pd.DataFrame | Dataset, users: pd.DataFrame | Iterable[str] | None = None) -> ScoringInput:
    """Resolve the users and encode the events of a Dataset or events table, once per call of a score."""
    events, table, ids = resolve_users(data, users)
    return ScoringInput(prepare_events(events, table, ids=ids), table, ids)


def user_features(
    events: pd.DataFrame | Dataset,
    *,
    as_of=None,
    window_days: float = WINDOW_DAYS,
    users: pd.DataFrame | Iterable[str] | None = None,
    half_life_days: float | None = None,
    params: FeatureParams = DEFAULT_PARAMS,
    with_pagerank: bool = False,
    columns: Iterable[str] | None = None,
    **param_changes,
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
    ``columns`` or ``with_pagerank=True``. ``params`` (a :class:`FeatureParams`)
    holds the parameters of per-event weights and of engager credibility;
    ``param_changes`` change some of them by name (e.g. ``activity_exponent=0.3``).
    """
    return features_of(
        prepare_input(events, users),
        as_of=as_of,
        window_days=window_days,
        half_life_days=half_life_days,
        params=params.updated(**param_changes) if param_changes else params,
        with_pagerank=with_pagerank,
        columns=columns,
    )


def features_of(
    prepared: ScoringInput,
    *,
    as_of=None,
    window_days: float = WINDOW_DAYS,
    half_life_days: float | None = None,
    params: FeatureParams = DEFAULT_PARAMS,
    with_pagerank: bool = False,
    columns: Iterable[str] | None = None,
    use_ids: bool = True,
) -> pd.DataFrame:
    """:func:`user_features` of an input prepared once (:func:`prepare_input`); ``use_ids=False``
    gives the population rows (the table's users or everyone active) even when ids were asked for."""
    if columns is not None:
        columns = list(columns)
        unknown = sorted(set(columns) - set(FEATURES))
        if unknown:
            raise ValueError(
                f"user_features: unknown feature(s) {unknown}. How to fix: use names from "
                "influence_lab.scoring.features.FEATURES (features_table() lists them)."
            )
    if not isinstance(params, FeatureParams):
        raise TypeError(f"user_features: params must be a FeatureParams, got {type(params).__name__}.")
    as_of = as_utc_timestamp(prepared.last_event() if as_of is None else as_of, "as_of")
    if not window_days > 0:
        raise ValueError(f"user_features: window_days must be > 0; got {window_days!r}.")
    if half_life_days is not None and not half_life_days > 0:
        raise ValueError(f"user_features: half_life_days must be > 0 or None; got {half_life_days!r}.")
    return _features_from_arrays(
        prepared.events,
        as_of_ns=int(as_of.value),
        window_days=float(window_days),
        half_life_days=half_life_days,
        rows=prepared.rows(use_ids=use_ids),
        params=params,
        with_pagerank=with_pagerank,
        columns=columns,
    )


def _features_from_arrays(
    full: EventArrays,
    *,
    as_of_ns: int,
    window_days: float,
    half_life_days: float | None,
    rows: tuple[str, np.ndarray | None],
    params: FeatureParams,
    with_pagerank: bool,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    activity_exponent = params.activity_exponent
    standing_window_days = params.standing_window_days
    big_actor_followers = params.big_actor_followers
    passive_credibility = params.passive_credibility
    credibility_engagers = params.credibility_engagers
    reaction_budget_per_day = params.reaction_budget_per_day
    min_account_age_days = params.min_account_age_days
    pagerank_alpha = params.pagerank_alpha
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
        counted=None if decay else in_window,
    )
    eng = ev.engagement & in_window
    kind = ev.kind
    out: dict[str, np.ndarray] = {}

    def given(code: int) -> np.ndarray:
        m = eng & (kind == code)
        return group_sum(ev.actor[m], n, weight[m])

    def received(code: int) -> np.ndarray:
        m = eng & (kind == code)
        return group_sum(ev.target[m], n, weight[m])

    post_mask = (kind == POST) & in_window
    out["posts"] = group_sum(ev.actor[post_mask], n, weight[post_mask])
    for name, code in (("reshares", RESHARE), ("likes", LIKE), ("replies", REPLY), ("mentions", MENTION)):
        out[f"{name}_given"] = given(code)
        out[f"{name}_received"] = received(code)
    out["reactions_given"] = out["reshares_given"] + out["likes_given"] + out["replies_given"] + out["mentions_given"]
    out["reactions_received"] = (
        out["reshares_received"] + out["likes_received"] + out["replies_received"] + out["mentions_received"]
    )
    published = ev.publishes & in_window
    out["published_items"] = group_sum(ev.actor[published], n, weight[published])
    self_mask = ev.self_event & in_window
    out["self_engagements"] = group_sum(ev.actor[self_mask], n, weight[self_mask])
    outreach_mask = ev_all.engagement & kind_in(ev_all.kind, RESHARE, REPLY, MENTION)
    out["outreach_actions"] = group_sum(ev_all.actor[outreach_mask], n)

    other = (ev.target >= 0) & (ev.actor != ev.target) & in_window
    follow_in = (kind == FOLLOW) & other
    unfollow_in = (kind == UNFOLLOW) & other
    out["follows_received"] = group_sum(ev.target[follow_in], n, weight[follow_in])
    out["unfollows_received"] = group_sum(ev.target[unfollow_in], n, weight[unfollow_in])

    out["reactions_per_post"] = out["reactions_received"] / np.maximum(out["published_items"], 1.0)
    out["weighted_reactions"] = group_sum(ev.target[eng], n, (weight * activity)[eng])
    out["weighted_reactions_per_post"] = out["weighted_reactions"] / np.maximum(out["published_items"], 1.0)
    if need("standing_weighted_reactions"):
        out["standing_weighted_reactions"] = group_sum(
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
        out["audience_proxy"] = group_sum(ever_pairs % n, n)

    # followers: pair states replayed over all history up to as_of
    follower_columns = ("followers", "followers_gained", "follower_reciprocity", "big_actor_actions_received")
    if not full.has_follows:
        nan = np.full(n, np.nan)
        out["followers"], out["followers_gained"], out["follower_reciprocity"] = nan, nan.copy(), nan.copy()
        out["big_actor_actions_received"] = np.zeros(n)
    elif need(*follower_columns):
        change, follow_mask = follow_state_deltas(ev_all)
        out["followers"] = group_sum(ev_all.target[follow_mask], n, change[follow_mask].astype(np.float64))
        if decay:
            w_all = np.exp2(-(as_of_ns - ev_all.ts) / (half_life_days * DAY_NS))
            gained_w = (change * w_all)[follow_mask]
        else:
            gained_w = (change * (ev_all.ts > low_ns))[follow_mask].astype(np.float64)
        out["followers_gained"] = group_sum(ev_all.target[follow_mask], n, gained_w)
        if need("follower_reciprocity"):
            out["follower_reciprocity"] = _follower_reciprocity(ev_all, change, follow_mask, n, out["followers"])
        if need("big_actor_actions_received"):
            # actor followers before each event, replayed on all history up to as_of
            actor_followers = actor_followers_at_events(ev_all, change, follow_mask)[lead]
            big_kinds = kind_in(kind, RESHARE, REPLY, MENTION, FOLLOW) & other
            big = big_kinds & (actor_followers > big_actor_followers)
            out["big_actor_actions_received"] = group_sum(ev.target[big], n, weight[big])

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
        return group_sum(sorted_distinct(pair) % n, n)
    order = np.lexsort((ev.ts[rows], pair))
    pair_sorted = pair[order]
    last = np.ones(len(pair_sorted), dtype=bool)
    last[:-1] = pair_sorted[1:] != pair_sorted[:-1]
    last_ts = ev.ts[rows][order][last]
    return group_sum(pair_sorted[last] % n, n, np.exp2(-(as_of_ns - last_ts) / (half_life_days * DAY_NS)))


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
    mutual = group_sum(followee[back], n)
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
        out["posts_with_id"] = group_sum(ev.actor[with_id], n, weight[with_id])
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
            distinct = group_sum(latest.index.get_level_values(0).to_numpy(), n, latest.to_numpy())
        else:
            unique_keys = keys.drop_duplicates()
            distinct = group_sum(unique_keys.get_level_values(0).to_numpy(), n)
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
    return group_sum(ev.actor[hit], n, weight[hit])


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
    received_total = group_sum(pair_receiver, n, pair_count.astype(np.float64))

    # top five engagers' share (ties among equal counts do not change the sum)
    order = np.lexsort((-pair_count, pair_receiver))
    recv_sorted = pair_receiver[order]
    group_start = np.r_[0, np.flatnonzero(recv_sorted[1:] != recv_sorted[:-1]) + 1]
    rank = np.arange(len(order)) - np.repeat(group_start, np.diff(np.r_[group_start, len(order)]))
    top = order[rank < 5]
    top_sum = group_sum(pair_receiver[top], n, pair_count[top].astype(np.float64))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["top5_engager_share"] = np.where(received_total > 0, top_sum / received_total, np.nan)

    # reciprocity: reverse pair present in the same window, and how heavily
    reverse = pair_receiver * n + pair_sender
    where = np.searchsorted(pairs, reverse)
    where_clipped = np.minimum(where, len(pairs) - 1)
    has_reverse = pairs[where_clipped] == reverse
    reverse_count = np.where(has_reverse, pair_count[where_clipped], 0)
    unique_engagers = group_sum(pair_receiver, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["engager_reciprocity"] = np.where(
            unique_engagers > 0, group_sum(pair_receiver[has_reverse], n) / unique_engagers, np.nan
        )

    # engager credibility (0-1): independent standing x selectivity x account age
    independent = group_sum(pair_receiver[~has_reverse], n)  # engagers of u whom u does not engage back
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
    out["credible_engagers"] = group_sum(pair_receiver, n, pair_cred)
    out["credible_engagers_reciprocated"] = group_sum(pair_receiver, n, pair_cred * reciprocation)

    duplicate_factor = _duplicate_text_factor(ev, rows, in_window)
    row_cred = pair_cred[pair_index] * duplicate_factor
    out["credible_reactions"] = group_sum(receiver, n, row_cred)
    out["credible_reactions_reciprocated"] = group_sum(receiver, n, row_cred * reciprocation[pair_index])


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
