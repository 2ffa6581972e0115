"""Inactivity and score decay: what idle days cost a score, and how long recovery takes (notebook 03).

The question (after the 2012 blog post): does a score fall when someone is
busy, even if their influence holds? Three tools answer it:

- **Score paths** (:func:`score_paths`): daily Klout-style scores of chosen
  users with :func:`influence_lab.scoring.timeline.score_timeline` (incremental,
  never a daily re-run of the pipeline), for a rolling window or an
  exponential decay, with the calibration fitted once on a reference day.
- **The idle experiment** (:func:`idle_experiment`): a counterfactual event
  log in which chosen users take ``k`` idle days from a start date: every
  event they act in, and every engagement they receive, inside the break is
  removed (boolean masks, :func:`idle_events`). Each path is scored with the
  calibration fitted once on the unmodified world, so a score moves only when
  the user's own data move. Measured: points lost at the end of the break and
  days until the path is back within ``tolerance`` points of the unmodified
  one (:func:`recovery_days`).
- **Real quiet spells** (:func:`quiet_spells`, :func:`spell_score_changes`):
  users of a real log who were active and then sent nothing for ``k`` days,
  and how their score changed, next to users who stayed active over the same
  days (the community's own trend).

All users of one experiment take their break together, in one counterfactual
log per ``k``: a user's score can then also move a little because another
idle user was one of their engagers' engagers (reaction weights depend on
the engager's standing). :func:`idle_experiment` therefore takes the users
as given; run a user alone to measure that interaction.
"""

from __future__ import annotations

import warnings
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from influence_lab.contract import ENGAGEMENT_KINDS, Dataset
from influence_lab.scoring.events import DAY_NS, day_end, prepare_events, split_input
from influence_lab.scoring.recipes import ScoreRecipe, make_recipe, score_dataset
from influence_lab.scoring.timeline import score_timeline
from influence_lab.studies.stats import bootstrap_median

__all__ = [
    "engaged_means",
    "IDLE_DAYS",
    "utc_day",
    "VARIANTS",
    "active_users",
    "busiest_post",
    "community_scores",
    "engaged_peak_day",
    "excess_drops",
    "experiment_users",
    "gain_summary",
    "gradual_loss",
    "idle_events",
    "idle_experiment",
    "idle_pair",
    "is_active",
    "loss_summary",
    "dip_words",
    "path_dip",
    "quiet_spell_changes",
    "quiet_spells",
    "recovery_days",
    "refitted_scores",
    "score_paths",
    "send_days",
    "send_days_in",
    "short_break",
    "spell_score_changes",
]

#: Idle spells tested (days).
IDLE_DAYS: tuple[int, ...] = (0, 3, 7, 14, 30, 60, 90)
#: The two memories compared: Klout's rolling 90-day window (FACTS.md, [checked]) and a 30-day half-life.
VARIANTS: dict[str, dict[str, float]] = {
    "90-day window": {"window_days": 90},
    "30-day half-life": {"half_life_days": 30.0},
}

_DAY = pd.Timedelta(days=1)


def utc_day(value) -> pd.Timestamp:
    """UTC midnight starting the calendar day of ``value`` (the day :func:`~influence_lab.scoring.events.day_end` closes)."""
    return day_end(value).normalize()


def _day_number(value) -> int:
    """Days since 1970-01-01 of the UTC calendar day of ``value`` (the day numbers of :class:`EventArrays`)."""
    return int(day_end(value).value // DAY_NS)


def _ids(users: Iterable[str] | str) -> list[str]:
    return [users] if isinstance(users, str) else [str(u) for u in users]


# ----------------------------------------------------------------------- score paths


def score_paths(
    data: Dataset | pd.DataFrame,
    users: Iterable[str],
    *,
    start,
    end,
    recipe: str | ScoreRecipe = "klout",
    calibration_day=None,
    window_days: int | None = None,
    half_life_days: float | None = None,
    components: bool = False,
    **params,
) -> pd.DataFrame:
    """Daily scores of ``users`` from ``start`` to ``end`` (wide: user x day, or long with components).

    A thin wrapper of :func:`score_timeline` with the calibration fitted on
    ``calibration_day`` (or held fixed when ``recipe`` is a fitted
    instance). Pass a recipe instance to keep the fitted calibration: it is
    fitted in place and can score a counterfactual on the same scale.
    """
    return score_timeline(
        data,
        make_recipe(recipe, **params),
        start=start,
        end=end,
        users=_ids(users),
        calibration_day=calibration_day,
        window_days=window_days,
        half_life_days=half_life_days,
        format="long" if components else "wide",
        components=components,
    )


def path_dip(path: pd.Series, before, *, until=None, swing_days: int = 28) -> dict[str, object]:
    """Size of a score dip: the score on day ``before`` and the lowest score after it (up to ``until``).

    Returns ``before_score``, ``low_score``, ``low_day``, ``drop`` (points,
    before minus low; negative if the path never went below its start) and
    ``swing_before``, the range (max - min) of the path over the ``swing_days``
    days up to ``before``: how much the score moves anyway, to judge a drop by.
    """
    day = utc_day(before)
    after = path[path.index > day]
    if until is not None:
        after = after[after.index <= utc_day(until)]
    if after.empty or day not in path.index:
        raise ValueError(f"path_dip: the path must cover {day.date()} and at least one later day.")
    start = float(path.loc[day])
    recent = path[(path.index > day - swing_days * _DAY) & (path.index <= day)]
    return {
        "before_score": start,
        "low_score": float(after.min()),
        "low_day": after.idxmin(),
        "drop": start - float(after.min()),
        "swing_before": float(recent.max() - recent.min()),
    }


def dip_words(drop: float) -> str:
    """Plain words for the size of a score drop in points: what the prose says, chosen from the number."""
    if drop <= 0:
        return "no dip at all"
    if drop < 1:
        return "less than a point"
    if drop < 10:
        return "a few points"
    return "a collapse"


# --------------------------------------------------------------------- counterfactual


def idle_events(events: pd.DataFrame, users: Iterable[str], start, idle_days: int) -> pd.DataFrame:
    """The events table with ``users`` idle for ``idle_days`` whole UTC days from ``start``.

    Removed, for events timed inside the break: every event a listed user
    acts in (posts, reactions, follows) and every engagement (reshare, like,
    reply, mention) a listed user receives. Follows received stay (people can
    follow an idle account). ``idle_days = 0`` returns the table unchanged.
    """
    if int(idle_days) != idle_days or idle_days < 0:
        raise ValueError(f"idle_events: idle_days must be a whole number >= 0; got {idle_days!r}.")
    first = utc_day(start)
    inside = (events["timestamp"] >= first) & (events["timestamp"] < first + int(idle_days) * _DAY)
    chosen = pd.Index(_ids(users), dtype="str")
    acts = events["actor_id"].isin(chosen)
    receives = events["target_id"].isin(chosen) & events["kind"].isin(ENGAGEMENT_KINDS)
    return events[~(inside & (acts | receives)).to_numpy()]


def recovery_days(gap: np.ndarray, tolerance: float = 1.0) -> np.ndarray:
    """Days until a loss is back under ``tolerance`` points for good (rows: paths, columns: days).

    ``gap`` is the unaltered score minus the idle one (positive = points
    lost); column 0 is the last idle day. The answer for a row is the first
    column from which ``gap <= tolerance`` holds on every later column; NaN if
    that never happens before the last column (censored: not recovered within
    the horizon). Only a loss needs recovering: an idle path sitting *above*
    the unaltered one (idling can raise reactions per item) counts as
    recovered; :func:`idle_experiment` reports it as ``max_gain``.
    """
    within = np.atleast_2d(np.asarray(gap, dtype=np.float64)) <= tolerance
    for_good = np.logical_and.accumulate(within[:, ::-1], axis=1)[:, ::-1]
    first = np.argmax(for_good, axis=1).astype(np.float64)
    first[~for_good.any(axis=1)] = np.nan
    return first


def idle_experiment(
    data: Dataset,
    users: Iterable[str],
    *,
    start,
    end,
    idle_days: Iterable[int] = IDLE_DAYS,
    variants: Mapping[str, Mapping[str, float]] = VARIANTS,
    calibration_day=None,
    recipe: str = "klout",
    tolerance: float = 1.0,
    **params,
) -> pd.DataFrame:
    """Points lost after ``k`` idle days and days to recover, per user, ``k`` and memory variant.

    For each variant (timeline keywords, e.g. ``{"window_days": 90}``) the
    recipe is fitted once on the unmodified world on ``calibration_day``
    (default: the day before ``start``) and held fixed; for each ``k`` the
    users take their break together (:func:`idle_events`) and their paths
    from the day before ``start`` to ``end`` are scored incrementally.

    Columns: user_id, variant, idle_days, score_before (unmodified score on
    the day before the break), loss (unmodified minus counterfactual score on
    the last idle day; 0 for k = 0), idle_score (the counterfactual score on
    the last idle day), max_loss and max_loss_day (the largest
    gap from the first idle day to ``end`` and its day, 1 = first idle day:
    with a window the gap can outlast the break), max_gain and max_gain_day
    (the most the idle path rises ABOVE the unaltered one from the last idle
    day to ``end``, 0 if never, and its day counted like max_loss_day: with
    fewer items in the memory, reactions per item can go up), recovery_days
    (days after the last idle day until the loss is within ``tolerance``
    points for good; NaN if not by ``end``) and horizon_days (days available
    after the break).
    """
    ids = _ids(users)
    first = utc_day(start)
    last = utc_day(end)
    eve = first - _DAY
    calibration = eve if calibration_day is None else calibration_day
    events, users_table = split_input(data)
    rows = []
    for variant, memory in variants.items():
        model = make_recipe(recipe, **params) if isinstance(recipe, str) else recipe
        base = score_paths(data, ids, start=eve, end=last, recipe=model, calibration_day=calibration, **memory)
        base = base.loc[ids]
        for k in idle_days:
            k = int(k)
            if k == 0:
                path = base
            else:
                counterfactual = idle_events(events, ids, first, k)
                path = score_paths(counterfactual, ids, start=eve, end=last, recipe=model, **memory).loc[ids]
            gap = (base - path).to_numpy()
            last_idle = k  # column 0 is the eve; column k is the last idle day
            if last_idle >= gap.shape[1]:
                raise ValueError(f"idle_experiment: a break of {k} days from {first.date()} runs past end={last.date()}.")
            after_start = gap[:, 1:]
            rows.append(
                pd.DataFrame(
                    {
                        "user_id": ids,
                        "variant": variant,
                        "idle_days": k,
                        "score_before": base.iloc[:, 0].to_numpy(),
                        "loss": gap[:, last_idle],
                        "idle_score": path.to_numpy()[:, last_idle],
                        "max_loss": after_start.max(axis=1),
                        "max_loss_day": after_start.argmax(axis=1) + 1,
                        "max_gain": np.maximum(-gap[:, last_idle:].min(axis=1), 0.0),
                        "max_gain_day": (-gap[:, last_idle:]).argmax(axis=1) + last_idle,
                        "recovery_days": recovery_days(gap[:, last_idle:], tolerance),
                        "horizon_days": gap.shape[1] - 1 - last_idle,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


#: Key stride for (user code, day number) pairs: day numbers since 1970 stay far below it.
_KEY = np.int64(1) << 32


def send_days(events: pd.DataFrame) -> tuple[pd.Index, np.ndarray]:
    """Who published on which UTC day: (user ids, sorted unique keys ``code * 2**32 + day number``).

    "Published" is :attr:`influence_lab.scoring.features.EventArrays.publishes`, the
    items the scores count: posts, and reshares, replies and mentions of
    another user (a mention inside one's own post counts with the post). On
    CollegeMsg every message sent is one. One definition for the active and
    quiet rules of this module.
    """
    arrays = prepare_events(events)
    published = arrays.publishes
    return arrays.user_ids, np.unique(arrays.actor[published] * _KEY + arrays.day[published])


def send_days_in(sends: tuple[pd.Index, np.ndarray], users, last_day, span: int) -> np.ndarray:
    """Distinct send days of each user in the ``span`` days ``(last_day - span, last_day]``.

    ``users`` (ids) and ``last_day`` (day numbers since 1970) broadcast
    against each other, e.g. a column of users and a row of days give a user x
    day table. Users who never published count 0.
    """
    user_ids, keys = sends
    code = user_ids.get_indexer(np.asarray(users, dtype=object).ravel()).reshape(np.shape(users))
    base = np.maximum(code, 0).astype(np.int64) * _KEY
    last_day = np.asarray(last_day, dtype=np.int64)
    counts = np.searchsorted(keys, base + last_day, side="right") - np.searchsorted(keys, base + last_day - span, side="right")
    return np.where(code >= 0, counts, 0)


def is_active(sends: tuple[pd.Index, np.ndarray], users, last_day, *, lookback_days: int, min_active_days: int) -> np.ndarray:
    """The active-sender rule: published on at least ``min_active_days`` distinct days of the
    ``lookback_days`` days ending with day ``last_day`` (day numbers; broadcasts like :func:`send_days_in`)."""
    return send_days_in(sends, users, last_day, lookback_days) >= min_active_days


def active_users(
    events: pd.DataFrame, before, *, days: int = 28, min_active_days: int = 8, exclude: Iterable[str] = ()
) -> pd.Index:
    """Users who published something (:func:`send_days`) on at least ``min_active_days`` distinct UTC
    days of the ``days`` days before ``before``: the "active" users of an experiment."""
    sends = send_days(events)
    user_ids = sends[0]
    active = is_active(sends, user_ids, _day_number(before) - 1, lookback_days=days, min_active_days=min_active_days)
    return pd.Index(sorted(set(user_ids[active]) - set(_ids(exclude))), dtype="str", name="user_id")


# ------------------------------------------------------------------------ summaries


def loss_summary(results: pd.DataFrame, *, n_boot: int = 2000, seed: int = 3) -> pd.DataFrame:
    """Per variant and idle days: users, median loss with bootstrap interval, median recovery, share censored.

    The loop runs over (variant, k) groups, a handful; the bootstrap inside is vectorised.
    """
    out = []
    for (variant, k), group in results.groupby(["variant", "idle_days"], sort=True):
        median, low, high = bootstrap_median(group["loss"].to_numpy(), n_boot=n_boot, seed=seed)
        out.append(
            {
                "variant": variant,
                "idle_days": int(k),
                "users": len(group),
                "median_loss": median,
                "loss_low": low,
                "loss_high": high,
                "median_recovery_days": float(group["recovery_days"].median()),
                "not_recovered_share": float(group["recovery_days"].isna().mean()),
            }
        )
    return pd.DataFrame(out).set_index(["variant", "idle_days"])


def gain_summary(results: pd.DataFrame, *, threshold: float = 1.0) -> pd.DataFrame:
    """How often and how much idling RAISES a score: per variant and idle days, from :func:`idle_experiment`.

    Columns: users, share_above (share of users whose idle path rises more
    than ``threshold`` points above the unaltered one at some day after the
    break), median_gain_above (median of that largest rise among those users;
    NaN if none) and largest_gain (the largest rise of any user).
    """
    grouped = results.assign(above=results["max_gain"] > threshold).groupby(["variant", "idle_days"], sort=True)
    table = grouped.agg(users=("user_id", "size"), share_above=("above", "mean"), largest_gain=("max_gain", "max"))
    above = results[results["max_gain"] > threshold].groupby(["variant", "idle_days"])["max_gain"].median()
    table["median_gain_above"] = above.reindex(table.index)
    return table[["users", "share_above", "median_gain_above", "largest_gain"]]


def short_break(summary: pd.DataFrame, variant: str, *, threshold: float = 2.0) -> int:
    """The longest tested break whose median loss (and every shorter one's) stays under ``threshold`` points."""
    losses = summary.loc[variant, "median_loss"].sort_index()
    under = np.logical_and.accumulate(losses.to_numpy() < threshold)
    return int(losses.index[under][-1]) if under.any() else 0


def gradual_loss(summary: pd.DataFrame, variant: str, *, tolerance: float = 0.1) -> dict[str, object]:
    """Does the median loss grow gradually with the break? Marginal points per idle day between tested k.

    ``monotone``: the median loss never falls by more than ``tolerance`` points
    as k grows (a break of 0-3 days costs nothing either way); ``steepest_step``:
    the step (k_from, k_to) with the largest points lost per extra idle day and
    its rate; ``largest_jump_share``: the largest single step's share of the
    loss at the longest break (near 1 means a cliff, small means gradual).
    """
    losses = summary.loc[variant, "median_loss"].sort_index()
    k = losses.index.to_numpy(dtype=np.float64)
    steps = np.diff(losses.to_numpy())
    rate = steps / np.diff(k)
    steepest = int(np.argmax(rate))
    total = float(losses.iloc[-1])
    return {
        "monotone": bool((steps >= -tolerance).all()),
        "steepest_step": (int(k[steepest]), int(k[steepest + 1])),
        "steepest_rate": float(rate[steepest]),
        "largest_jump_share": float(steps.max() / total) if total > 0 else float("nan"),
        "rates": pd.Series(rate, index=[f"{int(a)}-{int(b)}" for a, b in zip(k[:-1], k[1:])]),
    }


# ------------------------------------------------------------------------ real quiet spells


def quiet_spells(
    events: pd.DataFrame, *, min_idle_days: int, lookback_days: int = 30, min_active_days: int = 5
) -> pd.DataFrame:
    """Each user's first quiet spell: active, then no message sent for at least ``min_idle_days`` days.

    A spell starts the day after a send day ``last_active`` and lasts until
    the next send day (or the end of the data, then ``censored``). The user
    counts as active if they sent on at least ``min_active_days`` distinct
    days of the ``lookback_days`` days ending on ``last_active``. Only
    spells with at least ``min_idle_days`` idle days observed qualify; one
    spell per user (the first), so users weigh equally.
    Columns: user_id, last_active, idle_days, active_days_before, censored.
    """
    sends = send_days(events)
    user_ids, keys = sends
    code, day = keys // _KEY, keys % _KEY
    last_day = _day_number(events["timestamp"].max())
    same_user_next = np.append(code[1:] == code[:-1], False)
    following = np.where(same_user_next, np.append(day[1:], 0), last_day + 1)
    users = user_ids[code]
    table = pd.DataFrame(
        {
            "user_id": pd.Series(users, dtype="str"),
            "last_active": pd.to_datetime(day * DAY_NS, utc=True),
            "idle_days": following - day - 1,
            "active_days_before": send_days_in(sends, users, day, lookback_days),
            "censored": ~same_user_next,
        }
    )
    qualifies = (table["idle_days"] >= min_idle_days) & (table["active_days_before"] >= min_active_days)
    spells = table[qualifies.to_numpy()].sort_values(["user_id", "last_active"], kind="stable")
    return spells.drop_duplicates("user_id").reset_index(drop=True)


def refitted_scores(data: Dataset, days: Iterable, recipe: str = "klout", **params) -> pd.DataFrame:
    """Scores of every user (rows) on each of ``days`` (columns), the calibration re-fitted on each day.

    The loop runs over the days asked for (each a direct :func:`score_dataset`
    at the end of the day): what a score that re-ranks the community every
    day reports, next to the timeline's fixed calibration.
    """
    columns = {}
    for day in sorted({utc_day(d) for d in days}):
        columns[day] = score_dataset(data, recipe, as_of=day_end(day), **params)["score"]
    return pd.DataFrame(columns)


def spell_score_changes(scores: pd.DataFrame, spells: pd.DataFrame, idle_days: int) -> pd.Series:
    """Score change (points; negative = drop) of each spell's user from its last active day to ``idle_days`` later.

    ``scores`` is user x day (wide). Spells whose later day is outside the
    table are left out.
    """
    later = spells["last_active"] + idle_days * _DAY
    inside = later.isin(scores.columns) & spells["last_active"].isin(scores.columns)
    spells, later = spells[inside.to_numpy()], later[inside.to_numpy()]
    rows = scores.index.get_indexer(spells["user_id"])
    before = scores.to_numpy()[rows, scores.columns.get_indexer(spells["last_active"])]
    after = scores.to_numpy()[rows, scores.columns.get_indexer(later)]
    return pd.Series(after - before, index=pd.Index(spells["user_id"], name="user_id"), name="change")


def excess_drops(
    scores: pd.DataFrame, events: pd.DataFrame, spells: pd.DataFrame, idle_days: int, *,
    lookback_days: int = 30, min_active_days: int = 5,
) -> pd.DataFrame:
    """Each quiet user's score change next to the community's over the same days.

    The comparison for a spell starting after day d: the median score change
    from d to d + ``idle_days`` of the users who were active on d (same rule
    as :func:`quiet_spells`) and sent at least one message in (d, d + k].
    Columns: user_id, last_active, change, community_change, excess
    (change minus community change; negative = fell more than the community).
    """
    sends = send_days(events)
    day = (pd.to_datetime(scores.columns, utc=True).as_unit("ns").asi8 // DAY_NS)[None, :]
    users = scores.index.to_numpy(dtype=object)[:, None]
    active = is_active(sends, users, day, lookback_days=lookback_days, min_active_days=min_active_days)
    kept_sending = send_days_in(sends, users, day + idle_days, idle_days) > 0
    n = scores.shape[1]
    values = scores.to_numpy()
    change = np.full(values.shape, np.nan)
    change[:, : n - idle_days] = values[:, idle_days:] - values[:, : n - idle_days]
    comparison = np.where(active & kept_sending, change, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # days with no comparison user give NaN
        community = pd.Series(np.nanmedian(comparison, axis=0), index=scores.columns)
    own = spell_score_changes(scores, spells, idle_days)
    starts = spells.set_index("user_id").loc[own.index, "last_active"]
    table = pd.DataFrame({"last_active": starts.to_numpy(), "change": own.to_numpy()}, index=own.index)
    table["community_change"] = community.reindex(table["last_active"]).to_numpy()
    table["excess"] = table["change"] - table["community_change"]
    return table.reset_index()


# ------------------------------------------------------------------ the notebook's set-ups


def experiment_users(
    world: Dataset,
    start,
    *,
    n: int = 60,
    seed: int = 3,
    min_score: float = 20.0,
    exclude: Iterable[str] = (),
    exclude_personas: Iterable[str] = ("bot", "fake_follower"),
    **memory,
) -> pd.Index:
    """A seeded sample of active users for the idle experiment.

    Active (:func:`active_users`) in the four weeks before ``start``, not an
    excluded id nor of an excluded persona (bots and fake followers by
    default; needs a ``persona`` column, pass ``exclude_personas=()`` without one), with a Klout-style score of at least ``min_score``
    on the day before ``start`` (calibration fitted that day), so there is a
    score to lose. ``memory``: timeline keywords (default the 90-day window).
    """
    eve = utc_day(start) - _DAY
    active = active_users(world.events, start, exclude=exclude)
    exclude_personas = list(exclude_personas)
    if exclude_personas:
        if "persona" not in world.users.columns:
            raise ValueError(
                f"experiment_users: the users table of {world.name!r} has no 'persona' column, which is needed to "
                f"leave out {exclude_personas} accounts. How to fix: pass exclude_personas=() to sample without "
                "that exclusion (e.g. on real data), or use a dataset with personas."
            )
        persona = world.users.set_index("user_id")["persona"].reindex(active).astype(str)
        active = active[~persona.isin(exclude_personas).to_numpy()]
    score = score_paths(world, active, start=eve, end=eve, calibration_day=eve, **memory).iloc[:, 0]
    eligible = np.sort(score.index[score.to_numpy() >= min_score].to_numpy(dtype=object))
    if len(eligible) < n:
        raise ValueError(f"experiment_users: only {len(eligible)} eligible users for a sample of {n}; lower n or min_score.")
    chosen = np.random.default_rng(seed).choice(eligible, n, replace=False)
    return pd.Index(sorted(chosen), dtype="str", name="user_id")


def engaged_peak_day(data: Dataset | pd.DataFrame, **memory) -> pd.Timestamp:
    """The day with the most users above the score floor (engagement in their window): a
    calibration day at which the community is at its fullest."""
    model = make_recipe("klout")
    wide = score_timeline(data, model, format="wide", **memory)
    return (wide > model.curve_.low).sum().idxmax()


def community_scores(data: Dataset, *, calibration_day=None) -> dict[str, pd.DataFrame]:
    """Every user's daily Klout-style score three ways (wide tables, user x day).

    ``"90-day window, fixed"`` and ``"30-day half-life, fixed"``: the
    timeline with the calibration fitted once on ``calibration_day``
    (default :func:`engaged_peak_day`); ``"90-day window, re-fitted"``: the
    calibration re-fitted on every day (:func:`refitted_scores`), i.e. the
    score ranks each user against the community of that day.
    """
    day = engaged_peak_day(data) if calibration_day is None else utc_day(calibration_day)
    window = score_timeline(data, "klout", format="wide", calibration_day=day, window_days=90)
    decayed = score_timeline(data, "klout", format="wide", calibration_day=day, half_life_days=30.0)
    refitted = refitted_scores(data, window.columns).reindex(index=window.index)
    refitted = refitted.where(window.notna())  # NaN before a user's first event, as in the timeline
    return {"90-day window, fixed": window, "30-day half-life, fixed": decayed, "90-day window, re-fitted": refitted}


def quiet_spell_changes(
    data: Dataset, scores: Mapping[str, pd.DataFrame], idle_days: Iterable[int] = (7, 14, 30), **spell_rules
) -> pd.DataFrame:
    """Score changes of real users after ``k`` quiet days, for each scoring in ``scores``.

    Long table: idle_days, scoring, user_id, last_active, change,
    community_change, excess (see :func:`excess_drops`). The spells are
    those of :func:`quiet_spells` with ``min_idle_days = k``.
    """
    parts = []
    for k in idle_days:
        spells = quiet_spells(data.events, min_idle_days=int(k), **spell_rules)
        for name, wide in scores.items():
            table = excess_drops(wide, data.events, spells, int(k), **spell_rules)
            parts.append(table.assign(idle_days=int(k), scoring=name))
    columns = ["idle_days", "scoring", "user_id", "last_active", "change", "community_change", "excess"]
    return pd.concat(parts, ignore_index=True)[columns]


def dip_components(path: pd.DataFrame, before, after, *, model: ScoreRecipe) -> pd.DataFrame:
    """What moved between two days of a one-user path scored with ``components=True`` (long format).

    Rows: the two days; columns: score, the calibration percentile of the
    score (the rank the fixed calibration gives it), and each Klout-style
    component back in its own units: distinct engagers (reach), weighted
    reactions per published item (amplification), standing-weighted
    reactions (network). ``model`` is the fitted Klout-style recipe that scored
    the path (pass the instance given to :func:`score_paths`).
    """
    if not getattr(model, "is_fitted", False) or not hasattr(model, "curve_"):
        raise ValueError(
            "dip_components: model must be the fitted Klout-style recipe that scored the path. How to fix: "
            "pass recipe=model to score_paths, then model=model here."
        )
    table = path.set_index("day").loc[[utc_day(before), utc_day(after)]]
    curve = model.curve_
    from scipy import stats

    level = (table["score"] - curve.low) / (curve.high - curve.low)
    return pd.DataFrame(
        {
            "score": table["score"],
            "percentile": 100 * stats.beta.cdf(level, curve.a_, curve.b_),
            "distinct_engagers": np.expm1(table["reach"]),
            "reactions_per_item": np.expm1(table["amplification"]),
            "standing_weighted_reactions": np.expm1(table["network"]),
        }
    )


def busiest_post(events: pd.DataFrame, user_id: str, start, end) -> dict[str, object]:
    """The post of ``user_id`` that drew the most engagements received from ``start`` to ``end`` (UTC days).

    Returns post_id, day (its first engagement's day), reactions and
    distinct_engagers (engagements with that post_id aimed at the user), and
    median_daily_reactions: the user's median number of engagements received
    per day over the same days, days without any counted as 0, to judge the
    post against.
    """
    first, last = utc_day(start), utc_day(end) + _DAY
    mine = events[(events["target_id"] == user_id).to_numpy() & events["kind"].isin(ENGAGEMENT_KINDS).to_numpy()]
    mine = mine[((mine["timestamp"] >= first) & (mine["timestamp"] < last)).to_numpy()]
    if mine.empty or "post_id" not in mine.columns:
        raise ValueError(f"busiest_post: {user_id} received no engagement with a post_id from {first.date()} to {end}.")
    per_post = mine.groupby("post_id")["actor_id"].agg(["size", "nunique"])
    top = per_post["size"].idxmax()
    daily = mine["timestamp"].dt.floor("D").value_counts().reindex(pd.date_range(first, last - _DAY, freq="D"), fill_value=0)
    return {
        "post_id": top,
        "day": mine.loc[(mine["post_id"] == top).to_numpy(), "timestamp"].min().floor("D"),
        "reactions": int(per_post.loc[top, "size"]),
        "distinct_engagers": int(per_post.loc[top, "nunique"]),
        "median_daily_reactions": float(daily.median()),
    }


def idle_pair(
    data: Dataset, user_id: str, *, start, idle_days: int, calibration_day, end,
    recipe: str | ScoreRecipe = "klout", **memory
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One user's unaltered path and the path with ``idle_days`` idle days from ``start`` (long, with components).

    Both from ``calibration_day`` to ``end``, with the calibration fitted
    once on the unaltered world that day (as :func:`idle_experiment`);
    ``memory``: timeline keywords. A recipe instance passed is fitted in
    place (keep it for :func:`dip_components`).
    """
    model = make_recipe(recipe)
    unaltered = score_paths(data, [user_id], start=calibration_day, end=end, calibration_day=calibration_day,
                            recipe=model, components=True, **memory)
    altered = idle_events(data.events, [user_id], start, idle_days)
    idle = score_paths(altered, [user_id], start=calibration_day, end=end, recipe=model,
                       components=True, **memory)
    return unaltered, idle


def monthly_outcomes(outcomes: pd.DataFrame, user_id: str, split, metrics=("referrals", "invitations", "clicks")) -> pd.DataFrame:
    """A user's mean monthly outcomes in the whole months before ``split`` and those from it on (rows: metric).

    The month that contains ``split`` (when it is not its first day) is in neither.
    """
    mine = outcomes[(outcomes["user_id"] == user_id) & outcomes["metric"].isin(list(metrics))]
    day = utc_day(split)
    month_end = mine["period"] + pd.offsets.MonthBegin(1)
    side = np.where(month_end <= day, "before", np.where(mine["period"] >= day, "after", "split"))
    mine = mine.assign(side=side)
    table = mine[mine["side"] != "split"].pivot_table(index="metric", columns="side", values="value", aggfunc="mean")
    return table.reindex(index=list(metrics), columns=["before", "after"])




def engaged_means(scores: Mapping[str, pd.DataFrame], *, floor: float = 1.0) -> pd.DataFrame:
    """Per day (rows) and scoring (columns): the mean score of the users above ``floor`` that day (those with
    engagement in their window: the population a calibration curve is fitted on) and, in ``<name> users``, how
    many there are. A re-fitted calibration pins this mean near the curve's target; a fixed one lets it move."""
    out = {}
    for name, wide in scores.items():
        above = wide.where(wide > floor)
        out[name] = above.mean()
        out[f"{name} users"] = above.count()
    return pd.DataFrame(out)
