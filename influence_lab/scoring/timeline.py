"""A score per user per day, computed incrementally (never the whole pipeline once per day).

:func:`score_timeline` gives, for every day from ``start`` to ``end``, the
score each user would get from a direct :func:`influence_lab.scoring.recipes.score_dataset`
at the end of that day (``as_of = day_end(day)``, the last nanosecond of the
UTC day) with the same fitted calibration, either for a rolling window of
``window_days`` whole days or for an exponential decay with
``half_life_days``.

How: every feature a recipe reads is a running sum of per-event deltas,
built once for all events:

- a windowed count or weighted sum adds ``+v`` on the event's day and
  ``-v`` on the day it leaves the window (day + W);
- a distinct count over a sliding window (unique engagers) uses pair
  "last seen" deltas: ``+1`` on a day the pair (engager, user) is active and
  ``-1`` at ``min(next active day of the pair, day + W)``;
- with a half-life the state decays by ``0.5 ** (1 / half_life)`` per day and
  an event adds ``0.5 ** ((end of its day - time) / half_life)``; a distinct
  count replaces the pair's decayed contribution by the new one;
- cumulative features (outreach, followers, the observed audience) only add.

A loop over days then updates one state vector per feature and applies the
recipe's vectorised scoring; per-event weights (activity, standing, the
actor's followers) depend only on data up to the event's own day, so they
are computed once. The calibration is fitted once, on the reference day
``calibration_day`` (default: ``end``) with a direct :func:`user_features`
call, unless the recipe passed is already fitted; it is then applied to
every day, so a day's score moves only when the user's own data moves.

Supported: :class:`~influence_lab.scoring.recipes.KloutStyle` and
:class:`~influence_lab.scoring.recipes.KredStyle` (window and half-life),
:class:`~influence_lab.scoring.recipes.SocialNetworkingPotential` (window only).
Not supported: :class:`~influence_lab.scoring.recipes.NetworkScore` (PageRank is a
property of the whole graph) and :class:`~influence_lab.scoring.recipes.RobustScore`
(engager credibility is a window-level property); score those with
:func:`score_dataset` on the days you need.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from influence_lab.contract import Dataset
from influence_lab.scoring.events import (
    DAY_NS,
    FOLLOW,
    LIKE,
    MENTION,
    POST,
    REPLY,
    RESHARE,
    EventArrays,
    actor_followers_at_events,
    day_end,
    day_number,
    distinct_pair_deltas,
    follow_state_deltas,
    kind_in,
    reaction_weights,
)
from influence_lab.scoring.features import DEFAULT_PARAMS, FeatureParams, features_of, prepare_input
from influence_lab.scoring.recipes import ScoreRecipe, make_recipe

__all__ = ["score_timeline", "timeline_features", "Ledger", "ledger_state", "run_days", "shape_timeline",
           "fitted_day"]


@dataclass
class Ledger:
    """Deltas of one feature: positions of users, days, values, and whether the state decays."""

    user: np.ndarray
    day: np.ndarray
    value: np.ndarray
    decays: bool
    constant: float | None = None  # a feature with one value for everyone (e.g. NaN followers)


class _Builder:
    """Turns per-event contributions into ledgers for a window or a half-life."""

    def __init__(
        self, ev: EventArrays, selected: np.ndarray, window_days: int | None, half_life_days: float | None
    ) -> None:
        self.ev = ev
        self.window = window_days
        self.half_life = half_life_days
        # position of each user code among the selected users (-1: not tracked)
        self.position = np.full(ev.n_users, -1, dtype=np.int64)
        self.position[selected] = np.arange(len(selected))
        self.decay = half_life_days is not None

    def _day_end_age(self, rows: np.ndarray) -> np.ndarray:
        """Age of each event at the end of its own day, in days."""
        ev = self.ev
        return ((ev.day[rows] + 1) * DAY_NS - 1 - ev.ts[rows]) / DAY_NS

    def _keep(self, user: np.ndarray, *arrays):
        pos = self.position[user]
        keep = pos >= 0
        return (pos[keep],) + tuple(a[keep] for a in arrays)

    def windowed_sum(self, mask: np.ndarray, who: np.ndarray, value: np.ndarray | float = 1.0) -> Ledger:
        """A windowed sum of ``value`` per event over users ``who`` (actor or target array)."""
        rows = np.flatnonzero(mask)
        values = np.broadcast_to(np.asarray(value, dtype=np.float64), self.ev.ts.shape)[rows]
        day = self.ev.day[rows]
        if self.decay:
            values = values * np.exp2(-self._day_end_age(rows) / self.half_life)
            pos, day, values = self._keep(who[rows], day, values)
            return Ledger(pos, day, values, decays=True)
        pos, day, values = self._keep(who[rows], day, values)
        return Ledger(
            np.concatenate([pos, pos]),
            np.concatenate([day, day + self.window]),
            np.concatenate([values, -values]),
            decays=False,
        )

    def cumulative_sum(self, mask: np.ndarray, who: np.ndarray, value: np.ndarray | float = 1.0) -> Ledger:
        """A sum from the start of the data that never expires nor decays."""
        rows = np.flatnonzero(mask)
        values = np.broadcast_to(np.asarray(value, dtype=np.float64), self.ev.ts.shape)[rows]
        pos, day, values = self._keep(who[rows], self.ev.day[rows], values)
        return Ledger(pos, day, values, decays=False)

    def distinct_senders(self, mask: np.ndarray) -> Ledger:
        """Distinct actors per target: sliding window (last-seen deltas) or decayed by last contact."""
        ev = self.ev
        rows = np.flatnonzero(mask)
        sender, receiver = ev.actor[rows], ev.target[rows]
        if not self.decay:
            recv, day, delta = distinct_pair_deltas(receiver, sender, ev.day[rows], ev.n_users, self.window)
            pos, day, delta = self._keep(recv, day, delta.astype(np.float64))
            return Ledger(pos, day, delta, decays=False)
        # decay: per pair and day keep the last event; its day-end weight replaces the previous one decayed
        ts = ev.ts[rows]
        pair = sender * ev.n_users + receiver
        order = np.lexsort((ts, pair))
        pair, ts, recv = pair[order], ts[order], receiver[order]
        day = np.floor_divide(ts, DAY_NS)
        last_of_day = np.ones(len(pair), dtype=bool)
        last_of_day[:-1] = (pair[1:] != pair[:-1]) | (day[1:] != day[:-1])
        pair, ts, recv, day = pair[last_of_day], ts[last_of_day], recv[last_of_day], day[last_of_day]
        end = (day + 1) * DAY_NS - 1
        now = np.exp2(-((end - ts) / DAY_NS) / self.half_life)
        previous = np.zeros(len(pair))
        same = np.zeros(len(pair), dtype=bool)
        same[1:] = pair[1:] == pair[:-1]
        previous[1:][same[1:]] = np.exp2(-((end[1:] - ts[:-1]) / DAY_NS) / self.half_life)[same[1:]]
        pos, day, value = self._keep(recv, day, now - previous)
        return Ledger(pos, day, value, decays=True)

    def first_contact(self, mask: np.ndarray) -> Ledger:
        """Distinct actors per target since the start of the data (cumulative)."""
        ev = self.ev
        rows = np.flatnonzero(mask)
        pair = ev.actor[rows] * ev.n_users + ev.target[rows]
        order = np.lexsort((ev.day[rows], pair))
        pair_sorted = pair[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = pair_sorted[1:] != pair_sorted[:-1]
        chosen = rows[order][first]
        pos, day = self._keep(ev.target[chosen], ev.day[chosen])
        return Ledger(pos, day, np.ones(len(pos)), decays=False)

    def posts_engaged(self, engaged_mask: np.ndarray) -> Ledger:
        """Posts of the window engaged after publication: +1 at the first engagement, -1 when the post leaves."""
        ev = self.ev
        if self.decay:
            raise ValueError("posts_reshared/posts_replied have no half-life form; use a window.")
        empty = Ledger(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), decays=False)
        if ev.post is None:
            return empty
        post_rows = np.flatnonzero((ev.kind == POST) & (ev.post >= 0))
        rows = np.flatnonzero(engaged_mask & (ev.post >= 0))
        if len(post_rows) == 0 or len(rows) == 0:
            return empty
        order = np.lexsort((post_rows, ev.ts[post_rows], ev.post[post_rows]))
        first = np.ones(len(order), dtype=bool)
        first[1:] = ev.post[post_rows][order][1:] != ev.post[post_rows][order][:-1]
        chosen = post_rows[order][first]
        # first engagement at or after publication, per post
        frame = pd.DataFrame({"post": ev.post[rows], "ts": ev.ts[rows]})
        published = pd.Series(ev.ts[chosen], index=ev.post[chosen])
        published_ts = published.reindex(frame["post"]).to_numpy(dtype=np.float64, na_value=np.inf)
        frame = frame[frame["ts"].to_numpy() >= published_ts]
        first_hit = frame.groupby("post")["ts"].min()
        hit_ts = first_hit.reindex(ev.post[chosen]).to_numpy(dtype=np.float64, na_value=np.nan)
        has_hit = ~np.isnan(hit_ts)
        chosen, hit_day = chosen[has_hit], np.floor_divide(hit_ts[has_hit].astype(np.int64), DAY_NS)
        leave_day = ev.day[chosen] + self.window
        counted = hit_day < leave_day
        chosen, hit_day, leave_day = chosen[counted], hit_day[counted], leave_day[counted]
        pos, hit_day, leave_day = self._keep(ev.actor[chosen], hit_day, leave_day)
        return Ledger(
            np.concatenate([pos, pos]),
            np.concatenate([hit_day, leave_day]),
            np.concatenate([np.ones(len(pos)), -np.ones(len(pos))]),
            decays=False,
        )


def timeline_features(
    ev: EventArrays,
    names: Iterable[str],
    selected: np.ndarray,
    *,
    window_days: int | None,
    half_life_days: float | None,
    params: FeatureParams = DEFAULT_PARAMS,
) -> dict[str, Ledger]:
    """Ledgers (per-day deltas) of the named features for the selected user codes."""
    b = _Builder(ev, selected, window_days, half_life_days)
    eng = ev.engagement
    kind = ev.kind
    names = list(names)
    ledgers: dict[str, Ledger] = {}
    weights = None
    if {"weighted_reactions", "standing_weighted_reactions"} & set(names):
        weights = reaction_weights(
            ev, activity_exponent=params.activity_exponent, standing_window_days=params.standing_window_days
        )
    received_by_kind = {
        "reshares_received": RESHARE,
        "likes_received": LIKE,
        "replies_received": REPLY,
        "mentions_received": MENTION,
    }
    other = (ev.target >= 0) & (ev.actor != ev.target)
    for name in names:
        if name in received_by_kind:
            ledgers[name] = b.windowed_sum(eng & (kind == received_by_kind[name]), ev.target)
        elif name == "reactions_received":
            ledgers[name] = b.windowed_sum(eng, ev.target)
        elif name == "unique_engagers":
            ledgers[name] = b.distinct_senders(eng)
        elif name == "unique_resharers_mentioners":
            ledgers[name] = b.distinct_senders(eng & kind_in(kind, RESHARE, MENTION))
        elif name == "weighted_reactions":
            ledgers[name] = b.windowed_sum(eng, ev.target, weights[0])
        elif name == "standing_weighted_reactions":
            ledgers[name] = b.windowed_sum(eng, ev.target, weights[0] * np.log1p(weights[1]))
        elif name == "posts":
            ledgers[name] = b.windowed_sum(kind == POST, ev.actor)
        elif name == "posts_with_id":
            has_id = np.zeros(len(kind), dtype=bool) if ev.post is None else ev.post >= 0
            ledgers[name] = b.windowed_sum((kind == POST) & has_id, ev.actor)
        elif name == "published_items":
            ledgers[name] = b.windowed_sum(ev.publishes, ev.actor)
        elif name == "follows_received":
            ledgers[name] = b.windowed_sum((kind == FOLLOW) & other, ev.target)
        elif name == "big_actor_actions_received":
            if ev.has_follows:
                change, follow_mask = follow_state_deltas(ev)
                actor_followers = actor_followers_at_events(ev, change, follow_mask)
                mask = kind_in(kind, RESHARE, REPLY, MENTION, FOLLOW) & other & (actor_followers > params.big_actor_followers)
                ledgers[name] = b.windowed_sum(mask, ev.target)
            else:
                ledgers[name] = Ledger(*_empty(), decays=False)
        elif name == "outreach_actions":
            ledgers[name] = b.cumulative_sum(eng & kind_in(kind, RESHARE, REPLY, MENTION), ev.actor)
        elif name == "followers":
            if ev.has_follows:
                change, follow_mask = follow_state_deltas(ev)
                ledgers[name] = b.cumulative_sum(follow_mask, ev.target, change.astype(np.float64))
            else:
                ledgers[name] = Ledger(*_empty(), decays=False, constant=np.nan)
        elif name == "audience_proxy":
            ledgers[name] = b.first_contact(eng)
        elif name == "posts_reshared":
            ledgers[name] = b.posts_engaged(eng & (kind == RESHARE))
        elif name == "posts_replied":
            ledgers[name] = b.posts_engaged(eng & (kind == REPLY))
        else:
            raise ValueError(f"score_timeline: feature {name!r} has no incremental form.")
    return ledgers


def _empty():
    return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)


def fitted_day(model: ScoreRecipe) -> pd.Timestamp | None:
    """The UTC day (midnight) whose end the recipe was fitted at, or None if unknown."""
    fitted = getattr(model, "fitted_as_of_", None)
    return None if fitted is None else fitted.tz_convert("UTC").normalize()


def score_timeline(
    events: Dataset | pd.DataFrame,
    recipe: str | ScoreRecipe = "klout",
    *,
    start=None,
    end=None,
    window_days: int | None = None,
    half_life_days: float | None = None,
    users=None,
    calibration_day=None,
    format: str = "long",
    components: bool = False,
    **params,
) -> pd.DataFrame:
    """Score per user per day from ``start`` to ``end`` (UTC days, inclusive), incrementally.

    ``recipe`` is a name or instance (see module docstring for the supported
    ones); ``params`` are its hyperparameters when it is a name. Day d is
    scored as of the end of day d with a rolling window of ``window_days``
    whole days (default: the recipe's, 90) or, with ``half_life_days``, an
    exponential decay over all earlier data. The calibration is fitted once
    on ``calibration_day`` (default ``end``) unless the recipe is already
    fitted. The fitted calibration stays on the recipe instance passed
    (scikit-learn style; ``attrs["calibration_day"]`` names the day it was
    fitted at), so ``score_dataset(..., as_of=day_end(d), recipe=model)``
    reproduces day d.

    ``users``: ids to report (every day); a users table (or a Dataset's
    table) reports its users from the day their account exists
    (``created_at``, unknown: every day) or their first event, plus anyone in
    the events it lacks; neither: every user seen up to ``end``, each from
    the day of their first event. Day d thus holds the rows of a direct
    ``score_dataset(..., as_of=day_end(d))``. ``format="long"`` gives
    columns day, user_id, score (plus the recipe's other outputs with
    ``components=True``); ``"wide"`` a user x day table of scores (NaN on
    days a user is not reported).
    """
    model = make_recipe(recipe, **params)
    if model.timeline_features is None:
        raise NotImplementedError(
            f"score_timeline: {type(model).__name__} has no incremental form (see influence_lab.scoring.timeline). "
            "How to fix: call score_dataset(..., as_of=day_end(day)) for the days you need."
        )
    if half_life_days is not None and not model.timeline_decay:
        raise NotImplementedError(f"score_timeline: {type(model).__name__} supports a window only, not half_life_days.")
    if format not in ("long", "wide"):
        raise ValueError(f"score_timeline: format must be 'long' or 'wide'; got {format!r}.")
    prepared = prepare_input(events, users)  # users resolved and events encoded once
    ev, users_table, wanted = prepared.events, prepared.users, prepared.ids
    if len(ev.ts) == 0:
        raise ValueError(
            "score_timeline: the events table has no rows, so there is no day to score. How to fix: pass "
            "a Dataset or events table with events (check any filter applied before the call)."
        )
    first_day = day_number(start) if start is not None else int(ev.day.min())
    last_day = day_number(end) if end is not None else int(ev.day.max())
    if last_day < first_day:
        raise ValueError(f"score_timeline: end ({end}) is before start ({start}).")
    window = None
    if half_life_days is None:
        window = model.window_days if window_days is None else window_days
        if int(window) != window or window < 1:
            raise ValueError(f"score_timeline: window_days must be a whole number of days >= 1; got {window!r}.")
        window = int(window)
    elif not half_life_days > 0:
        raise ValueError(f"score_timeline: half_life_days must be > 0; got {half_life_days!r}.")

    # calibration: once, on the reference day, with a direct computation on the population
    # (the users table's accounts or everyone active, as a direct score_dataset would fit on)
    calibration_day_number = (
        day_number(calibration_day) if calibration_day is not None else last_day
    )
    # with the defaults (calibrated on the last day, on everyone the events show), the ledgers already hold that
    # day's features: the running sums at its end are them (the invariant the tests hold), so the calibration
    # is fitted on those sums below instead of on a second computation of the same features
    from_ledgers = not model.is_fitted and calibration_day_number == last_day and wanted is None
    if not model.is_fitted and not from_ledgers:
        reference = day_end(pd.Timestamp(calibration_day_number * DAY_NS, tz="UTC"))
        features = features_of(
            prepared,
            as_of=reference,
            window_days=float(window if window is not None else model.window_days),
            half_life_days=half_life_days,
            params=model.feature_params(),
            columns=model.required_features,
            use_ids=False,
        )
        model.fit(model.with_user_columns(features, users_table), as_of=reference)

    # events after the last day never matter
    ev = ev.take(ev.day <= last_day)
    seen_day = np.full(ev.n_users, np.iinfo(np.int64).max)
    np.minimum.at(seen_day, ev.actor, ev.day)
    has_target = ev.target >= 0
    np.minimum.at(seen_day, ev.target[has_target], ev.day[has_target])
    in_table = np.zeros(ev.n_users, dtype=bool)
    if wanted is not None:
        selected = ev.user_ids.get_indexer(wanted)
    elif users_table is not None:
        # the table's users (in its order), then anyone in the events the table lacks
        table_codes = ev.user_ids.get_indexer(users_table["user_id"].astype(str))
        in_table[table_codes] = True
        selected = np.r_[table_codes, np.flatnonzero(~in_table & (seen_day <= last_day))]
    else:
        selected = np.flatnonzero(seen_day <= last_day)
    selected_ids = ev.user_ids[selected]

    ledgers = timeline_features(
        ev,
        model.timeline_features,
        selected,
        window_days=window,
        half_life_days=half_life_days,
        params=model.feature_params(),
    )
    decay_factor = 1.0 if half_life_days is None else float(np.exp2(-1.0 / half_life_days))
    n_days = last_day - first_day + 1
    day_numbers = first_day + np.arange(n_days)
    # a user is reported on day d as a direct score at day_end(d) reports them (see user_features' rows)
    active = seen_day[selected][:, None] <= day_numbers[None, :]
    if wanted is not None:
        active[:] = True
    elif users_table is not None:
        exists = ~ev.created_after((day_numbers + 1) * DAY_NS - 1)[selected]  # unknown created_at: exists
        active |= in_table[selected][:, None] & exists
    if from_ledgers:  # fitted on the rows a direct score at the end of the last day reports
        reference = day_end(pd.Timestamp(last_day * DAY_NS, tz="UTC"))
        features = ledger_state(ledgers, n_users=len(selected), day=last_day, decay_factor=decay_factor)
        table = pd.DataFrame(features, index=pd.Index(selected_ids, name="user_id"))[list(model.required_features)]
        model.fit(model.with_user_columns(table[active[:, -1]], users_table), as_of=reference)
    static = model.with_user_columns(pd.DataFrame(index=pd.Index(selected_ids, name="user_id")), users_table)
    prepared_run = model.prepare(static)
    outputs = run_days(model, ledgers, prepared_run, n_users=len(selected), first_day=first_day, last_day=last_day,
                       decay_factor=decay_factor, components=components)
    return shape_timeline(outputs, pd.Index(selected_ids, name="user_id"), active, first_day=first_day,
                          format=format, attrs=dict(recipe=model.name, window_days=window,
                                                    half_life_days=half_life_days, calibration_day=fitted_day(model)))


def ledger_state(ledgers: dict[str, Ledger], *, n_users: int, day: int, decay_factor: float = 1.0
                 ) -> dict[str, np.ndarray]:
    """Each ledger's running sum at the end of ``day`` (decayed to that day where it decays)."""
    state = {}
    for name, ledger in ledgers.items():
        if ledger.constant is not None:
            state[name] = np.full(n_users, ledger.constant)
            continue
        upto = ledger.day <= day
        weight = ledger.value[upto] * (decay_factor ** (day - ledger.day[upto]) if ledger.decays else 1.0)
        state[name] = np.bincount(ledger.user[upto], weights=weight, minlength=n_users).astype(np.float64)
    return state


def run_days(model: ScoreRecipe, ledgers: dict[str, Ledger], prepared_run, *, n_users: int, first_day: int,
             last_day: int, decay_factor: float = 1.0, components: bool = False) -> dict[str, np.ndarray]:
    """Add up the ledgers day by day from ``first_day`` to ``last_day`` and score each day with ``model``
    (fitted): one (users x days) array per output (``score``, and the components with ``components``)."""
    n_days = last_day - first_day + 1
    n_sel = n_users
    states, slices = {}, {}
    for name, ledger in ledgers.items():
        order = np.argsort(ledger.day, kind="stable")
        user, day, value = ledger.user[order], ledger.day[order], ledger.value[order]
        before = day < first_day
        state = np.zeros(n_sel)
        if before.any():
            factor = decay_factor ** (first_day - 1 - day[before]) if ledger.decays else 1.0
            np.add.at(state, user[before], value[before] * factor)
        bounds = np.searchsorted(day, np.arange(first_day, last_day + 2))
        states[name] = state
        slices[name] = (user, value, bounds, ledger.decays, ledger.constant)

    outputs: dict[str, np.ndarray] = {}
    # an elementwise recipe scores a block of days in one call (its arrays laid end to end); others day by day
    block = max(1, min(n_days, 2_000_000 // max(n_sel, 1))) if model.elementwise else 1
    for first in range(0, n_days, block):
        days = range(first, min(first + block, n_days))
        arrays = {name: np.empty((len(days), n_sel)) for name in states}
        for k, d in enumerate(days):
            for name, state in states.items():
                user, value, bounds, decays, constant = slices[name]
                if decays:
                    state *= decay_factor
                a, b = bounds[d], bounds[d + 1]
                if b > a:
                    np.add.at(state, user[a:b], value[a:b])
                arrays[name][k] = constant if constant is not None else state
        scored = model.score_arrays({name: v.reshape(-1) for name, v in arrays.items()}, prepared_run)
        if not outputs:
            keep = scored.keys() if components else ["score"]
            outputs = {k: np.empty((n_sel, n_days)) for k in keep}
        for k in outputs:
            outputs[k][:, days.start:days.stop] = np.asarray(scored[k]).reshape(len(days), n_sel).T
    return outputs


def shape_timeline(outputs: dict[str, np.ndarray], index: pd.Index, active: np.ndarray, *, first_day: int,
                   format: str, attrs: dict) -> pd.DataFrame:
    """The long (day, user_id, outputs) or wide (user x day scores) table of :func:`run_days`' arrays, with the
    users reported on each day given by ``active`` (users x days)."""
    n_days = active.shape[1]
    days = pd.DatetimeIndex(pd.to_datetime((first_day + np.arange(n_days)) * DAY_NS, utc=True), name="day")
    if format == "wide":
        wide = pd.DataFrame(np.where(active, outputs["score"], np.nan), index=index, columns=days)
        wide.attrs.update(attrs)
        return wide
    rows_day, rows_user = np.nonzero(active.T)  # day by day, users in order within a day
    long = pd.DataFrame({"day": days[rows_day], "user_id": pd.Series(index.take(rows_user), dtype="str")})
    for k, values in outputs.items():
        long[k] = values[rows_user, rows_day]
    long.attrs.update(attrs)
    return long
