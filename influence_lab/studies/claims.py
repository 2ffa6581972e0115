"""Notebook 06: the claims of the blog post and its comments as data, each with a verdict computed live.

A :class:`Claim` is a constant: the quote, who made it, what it says in one checkable line, its
:class:`Check` list (the quantity, the side of the threshold that supports the claim, and the threshold,
all declared here before any number is computed), the world's assumptions it rests on (rows of the
assumption ledger, :data:`~influence_lab.datasets.world.ledger.ASSUMPTIONS`), the notebook whose package
calls produce its evidence, and a measure function that computes the checks on one world (and, where real
data can speak, on the SNAP datasets). :data:`CLAIMS` lists them in the order of the post.

A check is judged on its estimate and its 95% interval: it **clears** when the whole interval lies on the
claim's side of the threshold, it **fails** when the whole interval lies on the other side, and it is
**undecided** otherwise. A claim is *supported* when every check clears, *not supported* when every check
fails, and *partly supported* otherwise (one part holds and another does not, or the data cannot decide);
a claim with no measure is *not testable with this data*, with the reason.

:func:`scorecard` computes every verdict three ways:

- at the defaults, on the shipped sample (the world notebooks 01-05 use);
- across the ledger's swept ranges: each assumption a claim rests on is moved, one at a time, to each end of
  its documented range, in half-size worlds (:data:`SWEEP_BASE`, as notebooks 04 and 05 sweep); a setting
  that moves only outcomes shares one simulation per seed. The claim *holds everywhere*, *somewhere* (in k of
  n settings) or *nowhere*;
- on real data (SNAP Higgs and CollegeMsg) where the quantity exists there; else the reason it cannot.

The measures call the same package functions notebooks 01-05 use (``make_recipe(...).score``,
:func:`~influence_lab.studies.gaming.lift_table`, :func:`~influence_lab.studies.decay.score_paths`,
:func:`~influence_lab.studies.hiring.pair_concordance` and ``retest_agreement``,
:class:`~influence_lab.scoring.topics.TopicAttributor` (its top-tenth share is
:func:`~influence_lab.studies.sweeps.captured_share`, a test checks),
:func:`~influence_lab.studies.validity.predictive_frame`).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from multiprocessing import get_context
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from influence_lab.contract import Dataset
from influence_lab.datasets.world import WorldConfig, generate_outcome_variants
from influence_lab.datasets.world.ledger import ASSUMPTIONS
from influence_lab.scoring.events import day_end
from influence_lab.scoring.features import user_features
from influence_lab.scoring.recipes import make_recipe
from influence_lab.scoring.topics import TopicAttributor
from influence_lab.studies import decay, gaming, hiring, topics, validity
from influence_lab.studies.stats import bootstrap_indices, percentile_interval
from influence_lab.studies.sweeps import split_setting

__all__ = [
    "AS_OF",
    "CLAIMS",
    "Check",
    "Claim",
    "Scorecard",
    "SWEEP_BASE",
    "VERDICTS",
    "WorldView",
    "RealView",
    "claim",
    "judge",
    "real_views",
    "scorecard",
    "swept_settings",
]

#: The day every world measure is taken (end of day, UTC), as notebooks 01 and 04 do.
AS_OF = "2012-04-15"
#: Reactions received in the window that make an account "active" (the accounts a score can tell apart; as the
#: sweeps of notebooks 01 and 04).
ACTIVE_MIN_REACTIONS = 10
#: Bootstrap resamples behind every interval, and their seed.
N_BOOT = 400
SEED = 0
#: The worlds of the swept ranges: half size, as notebooks 04 and 05 sweep (notebook 04 checks a half-size cell
#: against a full-size one).
SWEEP_BASE = WorldConfig(n_users=1500, n_fake_followers=500)
VERDICTS = ("supported", "partly supported", "not supported", "not testable with this data")


# ------------------------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Check:
    """One checkable part of a claim: ``quantity`` read ``op`` (``">="`` or ``"<="``) ``threshold`` supports it."""

    quantity: str
    op: str
    threshold: float

    def side(self, value: float) -> bool:
        """Is ``value`` on the claim's side of the threshold?"""
        return bool(value >= self.threshold) if self.op == ">=" else bool(value <= self.threshold)

    def reads(self) -> str:
        return f"{self.quantity} {'≥' if self.op == '>=' else '≤'} {self.threshold:.3g}"


@dataclass(frozen=True)
class Claim:
    """A claim of the post or its comments, with its checks and thresholds declared before any number."""

    key: str
    quote: str
    who: str
    #: The claim as a checkable statement, in one line.
    says: str
    #: The notebook whose package calls give the evidence.
    notebook: str
    checks: tuple[Check, ...] = ()
    #: Ledger parameters (``section__field``) the world verdict rests on: the swept ranges move these.
    assumptions: tuple[str, ...] = ()
    #: ``measure(view: WorldView) -> list of (estimate, low, high)``, one per check; None: not testable.
    measure: Callable | None = None
    #: Why the world cannot test it (only when ``measure`` is None).
    untestable: str = ""
    real_checks: tuple[Check, ...] = ()
    #: ``real_measure(view: RealView) -> list of (estimate, low, high)`` or None (then ``real_untestable``).
    real_measure: Callable | None = None
    real_untestable: str = ""
    #: What would change the verdict, in a sentence (the notebook shows it beside the evidence).
    would_change: str = ""
    #: The sceptic's baselines the same measure is also computed for at the defaults (``measure(view, of=...)``).
    baselines: tuple[str, ...] = ()


def judge(checks: Sequence[Check], values: Sequence[tuple[float, float, float]]) -> tuple[str, str]:
    """The verdict on ``values`` (estimate, low, high per check) and its reason (see the module docstring)."""
    if not checks:
        return VERDICTS[3], "no measure"
    states, parts = [], []
    for check, (estimate, low, high) in zip(checks, values):
        if not np.isfinite(estimate):
            state = "undecided"
        elif check.side(low) and check.side(high) and check.side(estimate):
            state = "clears"
        elif not check.side(low) and not check.side(high) and not check.side(estimate):
            state = "fails"
        else:
            state = "undecided"
        states.append(state)
        parts.append(f"{check.quantity} = {estimate:.2f} [{low:.2f}, {high:.2f}] {state} "
                     f"{'≥' if check.op == '>=' else '≤'} {check.threshold:.3g}")
    if all(s == "clears" for s in states):
        verdict = VERDICTS[0]
    elif all(s == "fails" for s in states):
        verdict = VERDICTS[2]
    else:
        verdict = VERDICTS[1]
    return verdict, "; ".join(parts)


# ------------------------------------------------------------------------------------------- one world


class WorldView:
    """What the measures read from one synthetic world, computed once and shared by every claim.

    ``events_of``: a view of a world with the same events (an outcome variant), whose event-derived results
    (features, scores, attacks, topics, paths) are reused; only outcomes and truth are read anew.
    """

    def __init__(self, data: Dataset, *, as_of=AS_OF, events_of: "WorldView | None" = None) -> None:
        self.data = data
        self.when = day_end(as_of)
        self.shared: dict = events_of.shared if events_of is not None else {}

    def _once(self, key: str, make: Callable):
        if key not in self.shared:
            self.shared[key] = make()
        return self.shared[key]

    @property
    def features(self) -> pd.DataFrame:
        return self._once("features", lambda: user_features(self.data, as_of=self.when))

    @property
    def score(self) -> pd.Series:
        return self._once("score", lambda: make_recipe("klout").score(self.data, as_of=self.when)["score"])

    def values(self, of: str = "klout") -> pd.Series:
        """The Klout-style score (``of="klout"``) or a baseline feature of the same window (``"followers"``,
        ``"reactions_received"``: the sceptic's plain counts)."""
        return self.score if of == "klout" else self.features[of]

    @cached_property
    def truth(self) -> pd.DataFrame:
        return self.data.users.set_index("user_id")

    @property
    def real(self) -> pd.Index:
        """Every real account (not a fake follower) with features at ``when``."""
        def make():
            users = self.data.users.set_index("user_id")
            return self.features.index.intersection(users.index[users["persona"] != "fake_follower"])
        return self._once("real", make)

    @property
    def active(self) -> pd.Index:
        return self.real[self.features.loc[self.real, "reactions_received"].to_numpy() >= ACTIVE_MIN_REACTIONS]

    def later(self, metric: str) -> pd.Series:
        """``metric`` summed over the months after ``when``, per user (0 where none)."""
        outcomes = self.data.outcomes
        months = outcomes[(outcomes["metric"] == metric) & (outcomes["period"] >= self.when)]
        return months.groupby("user_id")["value"].sum()


def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman correlation of each row pair of (n_boot, n) arrays."""
    rx, ry = sps.rankdata(x, axis=1), sps.rankdata(y, axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (rx * ry).sum(axis=1) / np.sqrt((rx * rx).sum(axis=1) * (ry * ry).sum(axis=1))


def _with_interval(statistic: Callable[[np.ndarray], np.ndarray], n: int) -> tuple[float, float, float]:
    """``statistic(rows)`` on all users (one row 0..n-1) and its bootstrap percentile interval over users.

    ``statistic`` takes an (k, n) array of row indices and returns k values."""
    if n < 3:
        return float("nan"), float("nan"), float("nan")
    estimate = float(statistic(np.arange(n)[None, :])[0])
    low, high = percentile_interval(statistic(bootstrap_indices(n, N_BOOT, SEED)))
    return estimate, low, high


def _spearman(x, y) -> tuple[float, float, float]:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return _with_interval(lambda rows: _spearman_rows(x[rows], y[rows]), len(x))


def _share(hits) -> tuple[float, float, float]:
    hits = np.asarray(hits, dtype=float)
    return _with_interval(lambda rows: hits[rows].mean(axis=1), len(hits))


def _median(values) -> tuple[float, float, float]:
    values = np.asarray(values, dtype=float)
    return _with_interval(lambda rows: np.median(values[rows], axis=1), len(values))


# -------------------------------------------------------------------------------------- the measures


def outputs_not_influence(view: WorldView) -> list:
    """How much closer the score stands to its outputs than to influence: Spearman with reactions received
    minus Spearman with true influence, among active accounts (paired bootstrap)."""
    ids = view.active
    score = view.score.reindex(ids).to_numpy(dtype=float)
    outputs = view.features.loc[ids, "reactions_received"].to_numpy(dtype=float)
    truth = view.truth.loc[ids, "true_influence"].to_numpy(dtype=float)
    return [_with_interval(lambda rows: _spearman_rows(score[rows], outputs[rows])
                           - _spearman_rows(score[rows], truth[rows]), len(ids))]


def one_stop_indicator(view: WorldView, of: str = "klout") -> list:
    """Spearman of the score (or baseline ``of``) with the conversions of the months after ``AS_OF``, among
    active accounts."""
    ids = view.active
    return [_spearman(view.values(of).reindex(ids), view.later("conversions").reindex(ids, fill_value=0.0))]


#: The attack of the gaming claim: 300 bought reshares over two months (2012 price: FACTS.md [checked]).
GAMING_ATTACK = {"buy_reshares": {"n": 300}}
GAMING_AS_OF, GAMING_START, GAMING_TARGETS = "2012-04-30", "2012-03-01", 8


def gaming_lift_table(view: WorldView) -> pd.DataFrame:
    """:func:`~influence_lab.studies.gaming.lift_table` of :data:`GAMING_ATTACK` on the Klout-style and the robust
    score, as notebook 02 runs it (one seed, :data:`GAMING_TARGETS` honest targets)."""
    return view._once("gaming", lambda: gaming.lift_table(
        view.data, GAMING_ATTACK, ("klout", "robust"), as_of=GAMING_AS_OF, start=GAMING_START,
        n_targets=GAMING_TARGETS, seeds=(1,)))


def too_easy_to_game(view: WorldView) -> list:
    """Median Klout-style points a target gains from :data:`GAMING_ATTACK` (bootstrap over targets)."""
    table = gaming_lift_table(view)
    return [_median(table.loc[table["recipe"] == "klout", "gain_points"])]


#: Life events of the busy-spell claim: start between these days, at most this availability, at least 93 days
#: long (so the two months after the start month are busy throughout).
BUSY_FROM, BUSY_TO, BUSY_AVAILABILITY, BUSY_MIN_DAYS, BUSY_SCORE_DAYS = "2012-03-01", "2012-07-31", 0.6, 93, 60


def busy_spells(view: WorldView) -> pd.DataFrame:
    """Each real account's first qualifying life event (see ``BUSY_*``) with its score the day before and
    ``BUSY_SCORE_DAYS`` days in (calibration fixed on the day before ``BUSY_FROM``) and its offline outcomes
    (referrals + invitations) in the two months before the start month and the two months after it."""
    def make():
        life = view.data.truth["true_life_events"]
        long = (life["end"] - life["start"]).dt.days >= BUSY_MIN_DAYS
        chosen = life[(life["start"] >= pd.Timestamp(BUSY_FROM, tz="UTC")) & (life["start"] <= day_end(BUSY_TO))
                      & (life["availability"] <= BUSY_AVAILABILITY) & long]
        real = view.truth.index[view.truth["persona"] != "fake_follower"]
        chosen = chosen[chosen["user_id"].isin(real)].sort_values(["user_id", "start"]).drop_duplicates("user_id")
        eve = pd.Timestamp(BUSY_FROM, tz="UTC") - pd.Timedelta(days=1)
        end = day_end(BUSY_TO) + pd.Timedelta(days=BUSY_SCORE_DAYS)
        paths = decay.score_paths(view.data, chosen["user_id"], start=eve, end=end, calibration_day=eve)
        days = pd.to_datetime(paths.columns, utc=True)
        start_day = chosen["start"].dt.floor("D")
        rows = paths.index.get_indexer(chosen["user_id"])
        before = paths.to_numpy()[rows, days.get_indexer(start_day - pd.Timedelta(days=1))]
        after = paths.to_numpy()[rows, days.get_indexer(start_day + pd.Timedelta(days=BUSY_SCORE_DAYS))]
        return chosen.assign(score_before=before, score_after=after)[["user_id", "start", "score_before",
                                                                       "score_after"]].reset_index(drop=True)
    spells = view._once("busy", make)
    offline = view.data.outcomes[view.data.outcomes["metric"].isin(["referrals", "invitations"])]
    monthly = offline.groupby(["user_id", "period"])["value"].sum()
    month = spells["start"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period("M")

    def total(offsets):
        out = np.zeros(len(spells))
        for k in offsets:
            periods = pd.to_datetime((month + k).dt.to_timestamp()).dt.tz_localize("UTC")
            keys = pd.MultiIndex.from_arrays([spells["user_id"], periods])
            out += monthly.reindex(keys, fill_value=0.0).to_numpy()
        return out

    return spells.assign(offline_before=total((-2, -1)), offline_during=total((1, 2)))


def busy_dip(view: WorldView) -> list:
    """Among active real accounts on the eve of a long life event: the median score drop (points) after
    ``BUSY_SCORE_DAYS`` days, and the pooled change of their offline outcomes (busy months against the months
    before; -0.1 is a tenth fewer referrals and invitations)."""
    spells = busy_spells(view)
    spells = spells[spells["score_before"] >= 10].reset_index(drop=True)  # a score to lose
    drop = (spells["score_before"] - spells["score_after"]).to_numpy()
    before, during = spells["offline_before"].to_numpy(), spells["offline_during"].to_numpy()
    change = _with_interval(lambda rows: during[rows].sum(axis=1) / np.maximum(before[rows].sum(axis=1), 1e-9) - 1,
                            len(spells))
    return [_median(drop), change]


def _top_tenth(score: np.ndarray, value: Callable) -> tuple[float, float, float]:
    """``value(rows, top, k)`` of the measure's top tenth ``top`` (row numbers, ties in row order) among ``rows``,
    on every account and over a bootstrap of accounts (a quarter of :data:`N_BOOT` resamples: each sorts)."""
    k = max(1, round(len(score) * 0.1))

    def per(resamples):
        return np.array([value(rows, rows[np.argsort(-score[rows], kind="stable")[:k]], k) for rows in resamples])

    low, high = percentile_interval(per(bootstrap_indices(len(score), N_BOOT // 4, SEED)))
    return float(per(np.arange(len(score))[None, :])[0]), low, high


def offline_invisible(view: WorldView, of: str = "klout") -> list:
    """Share of true offline influence the score's top tenth holds, over what the true top tenth holds, among
    every real account (1: as good as knowing the truth; about 0.1: chance)."""
    ids = view.real
    score = view.values(of).reindex(ids).to_numpy(dtype=float)
    offline = view.truth.loc[ids, "true_offline_influence"].to_numpy(dtype=float)
    return [_top_tenth(score, lambda rows, top, k: offline[top].sum() / np.sort(offline[rows])[::-1][:k].sum())]


TOPICS_AS_OF = "2012-06-30"


def absurd_topics(view: WorldView) -> list:
    """Share of the naive topic rule's labels resting on one topical post that are wrong (notebook 05's rule)."""
    def make():
        model = TopicAttributor().fit(view.data.events, day_end(TOPICS_AS_OF))
        return topics.judged_labels(model, view.data.users)
    judged = view._once("topics", make)
    return [_share(~judged.loc[judged["posts"] == 1, "correct"].to_numpy(dtype=bool))]


def right_direction(view: WorldView, of: str = "klout") -> list:
    """Spearman of the score (or baseline ``of``) with true influence among active accounts."""
    ids = view.active
    return [_spearman(view.values(of).reindex(ids), view.truth.loc[ids, "true_influence"])]


def starting_point(view: WorldView, of: str = "klout") -> list:
    """Share of the truly most influential tenth of real accounts that the score's top tenth finds (0.1: chance)."""
    ids = view.real
    score = view.values(of).reindex(ids).to_numpy(dtype=float)
    truth = view.truth.loc[ids, "true_influence"].to_numpy(dtype=float)
    return [_top_tenth(score, lambda rows, top, k: np.isin(rows[np.argsort(-truth[rows], kind="stable")[:k]],
                                                         top).mean())]


#: The gap of the Wired story (34 against 67), as a bin of score gaps.
HIRING_GAP = (30.0, 40.0)


def hiring_filter(view: WorldView) -> list:
    """Share of pairs of active accounts whose scores differ by 30-40 points (34 against 67) in which the
    higher score belongs to the more influential person."""
    ids = view.active
    table = hiring.pair_concordance(view.score.reindex(ids), view.truth.loc[ids, "true_influence"],
                                    bins=(0.0, *HIRING_GAP, 100.0), n_boot=N_BOOT, seed=SEED)
    row = table[table["gap_low"] == HIRING_GAP[0]].iloc[0]
    return [(row["concordance"], row["low"], row["high"])]


#: Days between the two looks of the "no need to obsess" claim.
LOOK_APART_DAYS = 30


def no_need_to_obsess(view: WorldView) -> list:
    """Spearman of every engaged account's score with its score 30 days later
    (:func:`~influence_lab.studies.hiring.retest_agreement`)."""
    second = view.when + pd.Timedelta(days=LOOK_APART_DAYS)
    result = view._once("retest", lambda: hiring.retest_agreement(view.data, "klout", view.when, second,
                                                                  n_boot=N_BOOT, seed=SEED))
    return [(result["spearman"], result["spearman_low"], result["spearman_high"])]


def low_score_not_failing(view: WorldView, of: str = "klout") -> list:
    """Among engaged real accounts (a score above the floor) scored below their median (or below the median of
    baseline ``of``), the share whose later conversions are above the engaged accounts' median conversions."""
    ids = view.real[view.score.reindex(view.real).to_numpy() > 1.0]
    score = view.values(of).reindex(ids)
    conversions = view.later("conversions").reindex(ids, fill_value=0.0)
    low = (score < score.median()).to_numpy()
    return [_share((conversions > conversions.median()).to_numpy()[low])]


# -------------------------------------------------------------------------------------------- real data


@dataclass
class RealView:
    """A real dataset and the days its measures use: ``split`` ends the first window of the later-engagement
    test, ``later_start``/``kinds`` narrow what counts later (Higgs: reshares after the announcement), and
    ``looks`` are two days 30 days apart (None when the data span too few days)."""

    name: str
    data: Dataset
    split: str
    later_start: str | None = None
    kinds: tuple[str, ...] | None = None
    looks: tuple[str, str] | None = None
    shared: dict = field(default_factory=dict)

    @property
    def score(self) -> pd.Series:
        if "score" not in self.shared:
            self.shared["score"] = make_recipe("klout").score(self.data)["score"]
        return self.shared["score"]


def real_views(higgs: Dataset, college: Dataset) -> list[RealView]:
    """The two SNAP datasets with the days notebook 04 uses for them."""
    return [RealView("Higgs", higgs, "2012-07-03", "2012-07-05", ("reshare",)),
            RealView("CollegeMsg", college, "2004-06-30", looks=("2004-07-01", "2004-07-31"))]


def real_outputs(view: RealView) -> list:
    """Spearman of the score with the plain count of reactions received, over accounts that received any."""
    feats = user_features(view.data, columns=["reactions_received"])
    ids = feats.index[feats["reactions_received"].to_numpy() >= 1]
    return [_spearman(view.score.reindex(ids), feats.loc[ids, "reactions_received"])]


def real_right_direction(view: RealView) -> list:
    """Spearman of the score in the first window with the engagement received afterwards (notebook 04's split)."""
    frame = validity.predictive_frame(view.data, view.split, start=view.later_start, kinds=view.kinds,
                                      recipes=("klout",), baselines=())
    return [_spearman(frame["klout"], frame["reactions_later"])]


def real_busy_dip(view: RealView) -> list:
    """Median score drop (points) of users 30 days into their first quiet spell (notebook 03's rule), among those
    above the floor on their last active day; NaN where the data span too few days (Higgs: four)."""
    if view.looks is None:
        return [(float("nan"),) * 3]
    day = decay.engaged_peak_day(view.data)
    wide = decay.score_paths(view.data, view.data.users["user_id"], start=view.data.events["timestamp"].min(),
                             end=view.data.events["timestamp"].max(), calibration_day=day)
    quiet = decay.quiet_spell_changes(view.data, {"fixed": wide}, idle_days=(30,)).dropna(subset=["change"])
    rows = wide.index.get_indexer(quiet["user_id"])
    cols = pd.to_datetime(wide.columns, utc=True).get_indexer(pd.to_datetime(quiet["last_active"], utc=True))
    before = wide.to_numpy()[rows, cols]
    return [_median(-quiet["change"].to_numpy()[before > 1.0])]  # users with a score to lose (above the floor)


def real_obsess(view: RealView) -> list:
    if view.looks is None:
        return [(float("nan"),) * 3]
    result = hiring.retest_agreement(view.data, "klout", *view.looks, n_boot=N_BOOT, seed=SEED)
    return [(result["spearman"], result["spearman_low"], result["spearman_high"])]


# --------------------------------------------------------------------------------------------- the list

_ATTENTION = ("audience__attention_sigma", "audience__attention_popularity_corr", "audience__dormant_follower_share",
              "outcomes__click_attention_corr", "outcomes__online_share")
_NO_TRUTH = "real data carry no truth of influence"
#: The sceptic's baselines: the follower count and a plain count of outputs.
_BASELINES = ("followers", "reactions_received")

CLAIMS: tuple[Claim, ...] = (
    Claim(
        "outputs", "The problem is, Klout doesn't measure influence, it measures outputs.", "commenter (Matthew)",
        "the score stands nearer the outputs it counts than the influence it names", "01, 04",
        (Check("ρ(score, reactions) − ρ(score, influence)", ">=", 0.2),),
        ("audience__attention_sigma", "audience__attention_popularity_corr", "outcomes__click_attention_corr",
         "outcomes__online_share"),
        outputs_not_influence,
        real_checks=(Check("ρ(score, reactions received)", ">=", 0.8),), real_measure=real_outputs,
        real_untestable="real data test only the half on outputs: " + _NO_TRUTH,
        would_change="influence that is mostly the online attention the score counts: the settings of attention and "
                     "of where persuasion flows move the gap"),
    Claim(
        "one_stop", "I don't ever see Klout serving as a one-stop indicator of online marketing success.",
        "the author (reply)", "the score orders accounts by later conversions no better than ρ = 0.7 (ρ² under "
        "half)", "04",
        (Check("ρ(score, later conversions)", "<=", 0.7),),
        ("outcomes__online_share", "outcomes__click_attention_corr", "outcomes__click_through",
         "outcomes__conversion_rate", "outcomes__offline_strength"),
        one_stop_indicator, baselines=_BASELINES, real_untestable="real data hold no conversions or sales",
        would_change="conversions driven only by the attention that also reacts"),
    Claim(
        "gaming", "Klout is too easy to \u201cgame\u201d right now.", "the author (reply)",
        "300 bought reshares ($0.75 at 2012 prices) lift a median account by 10 points or more", "02",
        (Check("median points gained", ">=", 10.0),),
        ("engagement__view_rate", "audience__dormant_follower_share"),
        too_easy_to_game, real_untestable="real data do not say who gamed",
        would_change="a defence that recognises bought engagement; notebook 02's robust score is one attempt, and its "
                     "gain is shown below"),
    Claim(
        "busy_dip", "It was at a 62 a few weeks ago, but has dipped as my job and personal life have demanded more "
        "attention... I have a hard time believing that I'm not influencing the world around me.", "the author",
        "a long busy spell lowers the score by 3 points or more while offline outcomes fall by a tenth at most",
        "03",
        (Check("median drop after 60 busy days (points)", ">=", 3.0),
         Check("change of offline outcomes while busy", ">=", -0.1)),
        ("outcomes__offline_availability_coupling", "life_events__rate_per_year"),
        busy_dip,
        real_checks=(Check("median drop after 30 quiet days (points)", ">=", 3.0),), real_measure=real_busy_dip,
        real_untestable="real data test only the drop: they hold no outcomes; Higgs spans four days",
        would_change="more accounts with long busy spells, to decide the drop; and how far a busy spell also takes "
                     "the person out of offline life (availability coupling), which moves the second check"),
    Claim(
        "offline", "Speaking at conferences, writing a book, teaching a college class, client referrals, none of "
        "these are measured on Klout.", "the author",
        "the score's top tenth holds at most a third of the offline influence the true top tenth holds", "04",
        (Check("offline influence captured by the top tenth", "<=", 1 / 3),),
        ("outcomes__offline_online_corr", "outcomes__offline_strength"),
        offline_invisible, baselines=_BASELINES, real_untestable="real data record nothing offline",
        would_change="offline reach that no online signal follows: the persona links it to online activity here, "
                     "and offline_online_corr moves it only in part"),
    Claim(
        "topics", "When I became influential in dinosaurs I became somewhat skeptical... Klout showed me as an "
        "Expert. On Asthma.", "commenters (Rob, Kevin)",
        "a fifth or more of the topic labels resting on one post are wrong", "05",
        (Check("wrong share of one-post labels", ">=", 0.2),),
        ("texts__keyword_noise", "texts__related_word_share", "texts__filler_word_share"),
        absurd_topics, real_untestable="the SNAP data carry no post text",
        would_change="posts whose words name their topic without noise, or a rule that needs three posts"),
    Claim(
        "right_direction", "Klout is heading in the right direction.", "the author",
        "the score's rank correlation with true influence among active accounts is at least 0.3", "01, 04",
        (Check("ρ(score, true influence)", ">=", 0.3),), _ATTENTION, right_direction, baselines=_BASELINES,
        real_checks=(Check("ρ(score, later engagement)", ">=", 0.3),), real_measure=real_right_direction,
        real_untestable="real data test a weaker sense: later engagement is an output; " + _NO_TRUTH,
        would_change="the assumptions on attention and on where persuasion flows: the swept settings show where "
                     "the interval clears"),
    Claim(
        "starting_point", "I think Klout is a good starting point for a lot of things, but in the end doesn't mean "
        "anything.", "the author",
        "the score's top tenth finds at least 30% of the truly most influential tenth (three times chance)", "01",
        (Check("share of the true top tenth found", ">=", 0.3),), _ATTENTION, starting_point, baselines=_BASELINES,
        real_untestable=_NO_TRUTH, would_change="dormant audiences and attention unrelated to reactions"),
    Claim(
        "hiring", "An executive's job interview essentially ended after his Klout score was deemed too low.",
        "the author (on Wired, Apr 2012)",
        "a 30-40 point gap (34 against 67) orders a pair by influence right less than 90% of the time: no filter",
        "04",
        (Check("pairs 30-40 points apart ordered right", "<=", 0.9),),
        ("audience__attention_sigma", "audience__attention_popularity_corr", "outcomes__online_share"),
        hiring_filter, real_untestable=_NO_TRUTH,
        would_change="a world where the score and influence rank nearly alike"),
    Claim(
        "no_obsess", "You can look at your Klout score every once in awhile, but there's no need to obsess over "
        "it.", "commenter (Nick)",
        "scores 30 days apart rank engaged accounts alike (ρ ≥ 0.8): a monthly look misses little", "03",
        (Check("ρ(score, score 30 days later)", ">=", 0.8),),
        ("life_events__rate_per_year", "engagement__view_rate"),
        no_need_to_obsess,
        real_checks=(Check("ρ(score, score 30 days later)", ">=", 0.8),), real_measure=real_obsess,
        real_untestable="Higgs spans four days",
        would_change="steadier engagement from month to month, as the messages of CollegeMsg show"),
    Claim(
        "low_not_failing", "If the score is low, it doesn't mean that the social strategy isn't working.",
        "commenter (Nick)",
        "at least a fifth of accounts scored below the median have above-median later conversions", "04",
        (Check("share of low scorers with above-median conversions", ">=", 0.2),),
        ("outcomes__online_share", "outcomes__offline_strength", "outcomes__click_attention_corr"),
        low_score_not_failing, baselines=_BASELINES, real_untestable="real data hold no conversions",
        would_change="conversions that follow the score closely"),
    Claim(
        "perks", "Klout is a tool - and increasingly, it's become an ad platform to reach targeted audiences via "
        "Perks. This is a good thing.", "commenter (Mike)", "Perks reach a brand's targeted audience", "-",
        untestable="no data here hold brands, Perks or their audiences",
        real_untestable="no data here hold brands, Perks or their audiences"),
    Claim(
        "knows_influencers", "Based on my experience it has a pretty good idea of who I'm influenced by and what "
        "sort of things I'm interested in.", "commenter (Rob)",
        "the score's list of whom you influence matches who is influenced", "-",
        untestable="the world's truth has no per-pair influence, only per-person outcomes",
        real_untestable="no record of who was influenced by whom"),
    Claim(
        "case_study", "Sooner or later there's going to be a big case study validating or disproving what Klout "
        "does.", "commenter", "a forecast about studies", "-",
        untestable="a forecast about the literature, not about data",
        real_untestable="a forecast about the literature, not about data"),
)


def claim(key: str) -> Claim:
    """The claim with this key."""
    for item in CLAIMS:
        if item.key == key:
            return item
    raise KeyError(f"claim {key!r}: no such claim; keys: {[c.key for c in CLAIMS]}")


# ------------------------------------------------------------------------------------------- evaluation


def _rows(view, claims: Sequence[Claim], *, real: bool = False, baselines: bool = False, **labels) -> list[dict]:
    """Long rows of each claim's checks on one view; ``baselines`` adds the claims' baselines (column ``of``)."""
    rows = []
    for item in claims:
        checks = item.real_checks if real else item.checks
        measure = item.real_measure if real else item.measure
        if measure is None:
            continue
        for of in ("klout", *(item.baselines if baselines and not real else ())):
            values = [tuple(float(v) for v in value) for value in (measure(view) if of == "klout" else
                                                                   measure(view, of=of))]
            verdict, reason = judge(checks, values)
            if all(not np.isfinite(v[0]) for v in values):
                verdict = VERDICTS[3]
                reason = item.real_untestable if real else "no account of this world qualifies"
            for i, (check, (estimate, low, high)) in enumerate(zip(checks, values)):
                rows.append({**labels, "claim": item.key, "of": of, "check": i, "quantity": check.quantity,
                             "op": check.op, "threshold": check.threshold, "estimate": estimate, "low": low,
                             "high": high, "on_side": check.side(estimate) if np.isfinite(estimate) else False,
                             "verdict": verdict, "reason": reason})
    return rows


def swept_settings(claims: Sequence[Claim] = CLAIMS) -> dict[str, dict]:
    """Each ledger assumption a claim rests on at each end of its swept range, one at a time, and the defaults.

    Returns ``label -> replace() keys``; the label reads ``parameter=value``.
    """
    ledger = {a.parameter: a for a in ASSUMPTIONS}
    out: dict[str, dict] = {"defaults": {}}
    for item in claims:
        for name in item.assumptions:
            row = ledger[name]
            for value in (row.low, row.high):
                out.setdefault(f"{name}={value:g}", {name: value})
    return out


def _claims_of(setting: Mapping, claims: Sequence[Claim]) -> list[Claim]:
    """The testable claims a setting bears on: all at the defaults, else those resting on the moved parameter."""
    return [c for c in claims if c.measure is not None and (not setting or any(k in c.assumptions for k in setting))]


def _sweep_job(job: tuple) -> list[dict]:
    """One simulation of the sweep: ``(seed, event_change, [(label, outcome_change), ...], claim keys, base)``."""
    seed, events, members, keys, base = job
    claims = [claim(k) for k in keys]
    config = base.replace(seed=seed, **events)
    worlds = generate_outcome_variants(config, [outcomes for _, outcomes in members])
    first = WorldView(worlds[0])
    views = [first] + [WorldView(world, events_of=first) for world in worlds[1:]]
    rows = []
    for (label, outcomes), view in zip(members, views):
        change = {**events, **outcomes}
        parameter, value = next(iter(change.items())) if change else ("defaults", float("nan"))
        rows += _rows(view, _claims_of(change, claims), setting=label, parameter=parameter, value=value, seed=seed)
    return rows


def _sweep_jobs(settings: Mapping[str, Mapping], seeds: Sequence[int], claims: Sequence[Claim], base) -> list:
    groups: dict[tuple, list] = {}
    for label, change in settings.items():
        events, outcomes = split_setting(change)
        groups.setdefault(tuple(sorted(events.items())), []).append((label, outcomes))
    keys = [c.key for c in claims if c.measure is not None]
    return [(seed, dict(events), members, keys, base) for seed in seeds for events, members in groups.items()]


def sweep_claims(claims: Sequence[Claim] = CLAIMS, *, seeds: Sequence[int] = (1,), base: WorldConfig = SWEEP_BASE,
                 workers: int | None = None) -> pd.DataFrame:
    """Every testable claim in every :func:`swept_settings` cell it rests on, over ``seeds``, in half-size worlds.

    ``workers`` processes share the simulations (default: up to two, one per core); 1 runs them here.
    Long table: setting, parameter, value, seed, claim, check, quantity, op, threshold, estimate, low, high,
    on_side, verdict, reason.
    """
    jobs = _sweep_jobs(swept_settings(claims), seeds, claims, base)
    workers = min(2, os.cpu_count() or 1) if workers is None else workers
    if workers > 1:
        with ProcessPoolExecutor(workers, mp_context=get_context("forkserver")) as pool:
            parts = list(pool.map(_sweep_job, jobs))
    else:
        parts = [_sweep_job(job) for job in jobs]
    return pd.DataFrame([row for part in parts for row in part])


def _where(sweep: pd.DataFrame, key: str) -> dict:
    """Where a claim holds over the swept settings: settings where it can be tested, how many support it, and the
    settings where it does not (a setting where no account qualifies is left out and named)."""
    rows = sweep[(sweep["claim"] == key) & (sweep["check"] == 0) & (sweep["of"] == "klout")]
    per = rows.groupby("setting", sort=False)["verdict"].agg(lambda v: v.iloc[0] if v.nunique() == 1 else "mixed")
    untested = per.index[per == VERDICTS[3]]
    per = per[per != VERDICTS[3]]
    held = per == VERDICTS[0]
    reach = "everywhere" if held.all() else ("nowhere" if not held.any() else "somewhere")
    return {"settings": len(per), "holds_in": int(held.sum()), "holds_share": float(held.mean()) if len(per) else
            math.nan, "holds": reach if len(per) else "-", "fails_where": ", ".join(per.index[~held.to_numpy()]),
            "untested_where": ", ".join(untested)}


@dataclass
class Scorecard:
    """The verdicts: ``defaults`` (the shipped sample), ``sweep`` (:func:`sweep_claims`), ``real`` (SNAP) as long
    tables of checks, and ``summary``, one row per claim."""

    defaults: pd.DataFrame
    sweep: pd.DataFrame
    real: pd.DataFrame

    def verdict(self, key: str, table: str = "defaults", **where) -> str:
        rows = getattr(self, table)
        rows = rows[(rows["claim"] == key) & (rows["of"] == "klout")] if "of" in rows else rows[rows["claim"] == key]
        for column, value in where.items():
            rows = rows[rows[column] == value]
        return str(rows["verdict"].iloc[0]) if len(rows) else VERDICTS[3]

    @property
    def summary(self) -> pd.DataFrame:
        rows = []
        for item in CLAIMS:
            where = _where(self.sweep, item.key) if item.measure is not None else {
                "settings": 0, "holds_in": 0, "holds_share": math.nan, "holds": "-", "fails_where": "",
                "untested_where": ""}
            real = self.real[self.real["claim"] == item.key].drop_duplicates("dataset")
            real_text = "; ".join(f"{r.dataset}: {r.verdict}" for r in real.itertuples()) or (
                f"{VERDICTS[3]} ({item.real_untestable})")
            rows.append({"claim": item.key, "quote": item.quote, "who": item.who, "says": item.says,
                         "verdict": self.verdict(item.key) if item.measure is not None else VERDICTS[3],
                         "holds_share": where["holds_share"], "holds": where["holds"], "holds_in": where["holds_in"],
                         "settings": where["settings"], "fails_where": where["fails_where"], "real": real_text,
                         "notebook": item.notebook})
        return pd.DataFrame(rows).set_index("claim")


def scorecard(world: Dataset, real: Sequence[RealView] = (), *, seeds: Sequence[int] = (1,),
              workers: int | None = None, sweep: bool = True) -> Scorecard:
    """Every claim's checks at the defaults on ``world`` (the shipped sample), across the swept ranges
    (:func:`sweep_claims`; ``sweep=False`` skips it) and on the ``real`` views (:func:`real_views`)."""
    defaults = pd.DataFrame(_rows(WorldView(world), CLAIMS, baselines=True))
    swept = sweep_claims(seeds=seeds, workers=workers) if sweep else pd.DataFrame(columns=defaults.columns)
    real_rows = []
    for view in real:
        real_rows += _rows(view, CLAIMS, real=True, dataset=view.name)
    return Scorecard(defaults, swept, pd.DataFrame(real_rows))


# ------------------------------------------------------------------------------- what the notebook shows


def claims_table() -> pd.DataFrame:
    """The claims as declared: key, who, quote, what is checked (each check with its threshold), the assumptions
    the world verdict rests on, and whether the world and real data can test it."""
    rows = []
    for item in CLAIMS:
        rows.append({"claim": item.key, "who": item.who, "quote": item.quote, "says": item.says,
                     "checks": "; ".join(c.reads() for c in item.checks) or "-",
                     "real checks": "; ".join(c.reads() for c in item.real_checks) or "-",
                     "assumptions": ", ".join(a.split("__")[-1] for a in item.assumptions) or "-",
                     "world": "testable" if item.measure is not None else f"not testable: {item.untestable}",
                     "real data": "testable" if item.real_measure is not None else
                     f"not testable: {item.real_untestable}"})
    return pd.DataFrame(rows).set_index("claim")


def assumptions_table(keys: Sequence[str] | None = None) -> pd.DataFrame:
    """The ledger rows the claims rest on: one row per (claim, assumption) with the default's source and the
    swept range."""
    from influence_lab.datasets.world.ledger import assumption_ledger

    ledger = assumption_ledger().set_index("parameter")
    rows = []
    for item in CLAIMS:
        if keys is not None and item.key not in keys:
            continue
        for name in item.assumptions:
            rows.append({"claim": item.key, "parameter": name, "default": ledger.loc[name, "default"],
                         "sweep": ledger.loc[name, "sweep"], "source": ledger.loc[name, "source"]})
    return pd.DataFrame(rows)


def facts(card: Scorecard, key: str) -> dict:
    """What notebook 06 says of one claim, as values: the verdict at the defaults and its reason, where it holds
    over the swept settings (and which settings break it), the baselines' verdicts and the real-data verdicts."""
    item = claim(key)
    if item.measure is None:
        return {"verdict": VERDICTS[3], "reason": item.untestable, "settings": 0, "holds_in": 0, "holds": "-",
                "fails": "", "baselines": "", "real": item.real_untestable}
    where = _where(card.sweep, key)
    rows = card.defaults[(card.defaults["claim"] == key) & (card.defaults["check"] == 0)].set_index("of")
    base = "; ".join(f"{of.replace('_', ' ')}: {row['verdict']} ({row['estimate']:.2f})"
                     for of, row in rows.iterrows() if of != "klout")
    real = card.real[card.real["claim"] == key].drop_duplicates("dataset") if len(card.real) else card.real
    real_text = "; ".join(f"{r.dataset}: {r.verdict} ({r.reason})" for r in real.itertuples()) or (
        f"not testable ({item.real_untestable})")
    fails = ", ".join(part.split("__")[-1] for part in where["fails_where"].split(", ")) if where["fails_where"] else ""
    return {"verdict": card.verdict(key), "reason": rows.loc["klout", "reason"], "settings": where["settings"],
            "holds_in": where["holds_in"], "holds": where["holds"],
            "fails": f"; not in {fails}" if fails else "", "baselines": base, "real": real_text}


def detail(card: Scorecard, key: str) -> pd.DataFrame:
    """Every estimate behind one claim: at the defaults (the score and its baselines), in each swept setting and
    on each real dataset, one row per check with its interval, threshold and the verdict there."""
    columns = ["where", "of", "quantity", "estimate", "low", "high", "threshold", "op", "verdict"]
    parts = []
    at = card.defaults[card.defaults["claim"] == key]
    parts.append(at.assign(where="defaults (shipped sample)"))
    swept = card.sweep[card.sweep["claim"] == key] if len(card.sweep) else card.sweep
    if len(swept):
        parts.append(swept.assign(where="half-size world, " + swept["setting"].str.replace("__", ": ")))
    real = card.real[card.real["claim"] == key] if len(card.real) else card.real
    if len(real):
        parts.append(real.assign(where=real["dataset"], of="klout"))
    table = pd.concat(parts, ignore_index=True)
    return table[columns]
