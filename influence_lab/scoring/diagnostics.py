"""What a dataset can support, said before and after scoring: the warnings of ``influence-lab score``.

:func:`diagnose_data` reads only the events (and the loader's notes):

- which event kinds are present and which are absent, and what each absence
  switches off;
- self-engagements (``actor == target``), which every score excludes;
- reactions whose ``post_id`` names no post in the data (an export cut at a
  date, or a broken reference): they still count for their target, but
  post-level features miss them;
- stand-in accounts for counted reactions (ids starting ``anon:``, from the
  analytics and archive importers): distinct engagers are an upper bound,
  and engager standing, PageRank and credibility cannot be measured;
- one account's view (an X or Mastodon archive): nearly every post is by one
  account, so a ranking of everyone is not meaningful.

:func:`diagnose_scores` reads one recipe's scores (with their features):

- the share of users at the recipe's floor (a warning above half);
- components that are constant over the scored users, named with the reason;
- a score that ranks users exactly as one plain count does (Spearman >= 0.999
  over the users above the floor): on this data it adds nothing to the count.

:func:`choose_window` picks the window when the user does not: the data's
whole span when it is a year or less, else the recipe's own 90 days; the
reason is returned with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from influence_lab.contract import ANONYMOUS_PREFIX, ENGAGEMENT_KINDS, EVENT_KINDS, Dataset

__all__ = [
    "Finding",
    "Diagnostics",
    "diagnose_data",
    "diagnose_scores",
    "choose_window",
    "window_for_span",
    "ANONYMOUS_PREFIX",
    "FLOOR_WARNING_SHARE",
    "PLAIN_COUNTS",
    "COMPONENT_INPUTS",
]

#: Above this share of users at a recipe's floor, the score cannot rank most of them: a warning.
FLOOR_WARNING_SHARE = 0.5
#: A score whose Spearman correlation with a plain count reaches this is "the count, rescaled".
SAME_AS_COUNT = 0.999
#: The longest span scored whole by default (days); longer data uses the recipe's window.
WHOLE_SPAN_DAYS = 365.0
#: Plain counts a score is compared with (the sceptic's baselines).
PLAIN_COUNTS: tuple[str, ...] = (
    "reactions_received", "reshares_received", "likes_received", "replies_received", "mentions_received",
    "unique_engagers", "posts", "published_items", "followers",
)
#: Recipe component -> (the event kinds it is built from, what it measures), for the reasons of a warning.
COMPONENT_INPUTS: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("klout", "reach"): (ENGAGEMENT_KINDS, "distinct engagers"),
    ("klout", "amplification"): (ENGAGEMENT_KINDS, "reactions per item published"),
    ("klout", "network"): (ENGAGEMENT_KINDS, "reactions weighted by the engagers' own standing"),
    ("kred", "points"): (("reshare", "reply", "mention", "follow"), "reshares, replies, mentions and follows received"),
    ("kred", "outreach_level"): (("reshare", "reply", "mention"), "reshares, replies and mentions given"),
    ("snp", "interactor_ratio"): (("reshare", "mention", "follow"), "distinct resharers and mentioners per follower"),
    ("snp", "reshare_reply_ratio"): (("reshare", "reply"), "share of posts reshared or replied to"),
    ("robust", "reach"): (ENGAGEMENT_KINDS, "credible distinct engagers"),
    ("robust", "amplification"): (ENGAGEMENT_KINDS, "credible reactions per distinct item"),
}


@dataclass(frozen=True)
class Finding:
    """One statement about the data: ``level`` is ``"warning"`` or ``"info"``; ``code`` names the check."""

    level: str
    code: str
    message: str
    recipe: str | None = None

    def __str__(self) -> str:
        who = f"[{self.recipe}] " if self.recipe else ""
        return f"{self.level}: {who}{self.message}"


@dataclass
class Diagnostics:
    """The findings of one scoring run, with the window used and why."""

    findings: list[Finding] = field(default_factory=list)
    window_days: float | None = None
    window_reason: str = ""

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"level": f.level, "check": f.code, "recipe": f.recipe or "", "message": f.message}
                             for f in self.findings], columns=["level", "check", "recipe", "message"])

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.findings)


def _share(value: float) -> str:
    """A share as a percentage that never reads 0% or 100% when it is not."""
    if 0 < value < 0.001:
        return "under 0.1%"
    if 0 < value < 0.01 or 0.99 < value < 1:
        return f"{value:.1%}"
    return f"{value:.0%}"


def _span_days(events: pd.DataFrame) -> float:
    if not len(events):
        return 0.0
    ts = events["timestamp"]
    return float((ts.max() - ts.min()) / pd.Timedelta(days=1))


def choose_window(events: pd.DataFrame, recipe_window: float = 90.0) -> tuple[float | None, str]:
    """(window in days, or None for the whole span; the reason) for data whose user named no window."""
    return window_for_span(_span_days(events), recipe_window)


def window_for_span(span: float, recipe_window: float = 90.0) -> tuple[float | None, str]:
    """:func:`choose_window` for data spanning ``span`` days (what an engine reports without loading the events)."""
    if span <= WHOLE_SPAN_DAYS:
        return None, (f"the whole span of the data ({span:,.0f} days): it covers a year or less, and a "
                      f"{recipe_window:g}-day window would discard {max(0.0, 1 - recipe_window / max(span, 1e-9)):.0%} "
                      "of it (pass --window 90D for Klout's own window)")
    return recipe_window, (f"the recipe's own {recipe_window:g} days: the data spans {span:,.0f} days, more than "
                           f"a year (pass --window all to score the whole span)")


def diagnose_data(dataset: Dataset) -> list[Finding]:
    """Data-level findings (see the module docstring), loader notes first."""
    out = [Finding("info", "loader", note) for note in dataset.notes]
    for reason, n in dataset.removed.items():
        out.append(Finding("info", "removed", f"the loader removed {n:,} rows: {reason}."))
    ev = dataset.events
    kind = ev["kind"].astype(str)
    counts = kind.value_counts()
    present = [k for k in EVENT_KINDS if counts.get(k, 0)]
    absent = [k for k in EVENT_KINDS if not counts.get(k, 0)]
    listed = ", ".join(f"{k} {int(counts[k]):,}" for k in present)
    out.append(Finding("info", "kinds", f"event kinds present: {listed}."))
    missing_engagement = [k for k in ENGAGEMENT_KINDS if k in absent]
    if missing_engagement or "follow" in absent:
        what = []
        if missing_engagement:
            what.append(f"no {', '.join(missing_engagement)} events: the components built on them are constant")
        if "follow" in absent:
            what.append("no follow events: follower counts are unknown (NaN), SNP uses an observed audience "
                        "instead, Kred gets no follow points")
        out.append(Finding("warning", "absent-kinds", "; ".join(what) + "."))
    engagement = kind.isin(ENGAGEMENT_KINDS).to_numpy()
    self_mask = engagement & (ev["actor_id"] == ev["target_id"]).to_numpy(dtype=bool, na_value=False)
    if self_mask.any():
        share = self_mask.sum() / max(engagement.sum(), 1)
        out.append(Finding("warning", "self-engagement",
                           f"{int(self_mask.sum()):,} reactions ({_share(share)} of all reactions) are users reacting to "
                           "themselves (e.g. replies in their own thread); every score excludes them "
                           "(features.self_engagements counts them per user)."))
    if "post_id" in ev.columns:
        post_ids = ev.loc[kind == "post", "post_id"].dropna()
        refs = engagement & ev["post_id"].notna().to_numpy()
        if len(post_ids) and refs.any():
            dangling = refs & ~ev["post_id"].isin(post_ids).to_numpy(dtype=bool)
            if dangling.any():
                share = dangling.sum() / refs.sum()
                out.append(Finding("warning", "unknown-posts",
                                   f"{int(dangling.sum()):,} reactions ({_share(share)} of those with a post id) point at "
                                   "post ids that no post in the data has (an export cut at a date, or broken "
                                   "references); they count as engagement of their target, but post-level features "
                                   "(SNP's posts reshared or replied to) miss them."))
    actors = ev["actor_id"].astype(str)
    anonymous = actors.str.startswith(ANONYMOUS_PREFIX).to_numpy(dtype=bool)
    if anonymous.any():
        out.append(Finding("warning", "anonymous-reactors",
                           f"{int(anonymous.sum()):,} reactions come from stand-in accounts ('{ANONYMOUS_PREFIX}...'): "
                           "the export counts them without saying who reacted. Distinct engagers are an upper bound "
                           "(each counted as a different person); engager standing (Klout's network), PageRank and "
                           "the robust score's credibility cannot be measured. Stand-ins are left out of the ranking."))
    posters = actors[kind == "post"]
    if len(posters) >= 10:
        top = posters.value_counts()
        if top.iloc[0] / len(posters) >= 0.9:
            out.append(Finding("warning", "one-account",
                               f"{top.iloc[0] / len(posters):.0%} of the posts are by one account ({top.index[0]}): "
                               "this is one account's view (an archive). Other accounts appear only through it, so "
                               "a ranking of everyone is not meaningful; read that account's own scores and "
                               "timeline."))
    return out


def diagnose_scores(scores: pd.DataFrame, recipe_name: str, *, floor: float, window_label: str) -> list[Finding]:
    """Findings about one recipe's scores (a :func:`score_dataset` table with ``with_features=True``)."""
    out = []
    n = len(scores)
    if not n:
        return [Finding("warning", "no-users", "no user to score in the window.", recipe_name)]
    at_floor = (scores["score"] <= floor + 1e-9).to_numpy(bool)
    share = float(at_floor.mean())
    level = "warning" if share > FLOOR_WARNING_SHARE else "info"
    out.append(Finding(level, "floor", f"{_share(share)} of {n:,} users are at the floor ({floor:g}) {window_label}: "
                       "they received no engagement the score counts, and it cannot rank them"
                       + (" (most users)." if level == "warning" else "."), recipe_name))
    for (name, component), (kinds, meaning) in COMPONENT_INPUTS.items():
        if name != recipe_name or component not in scores.columns:
            continue
        values = scores[component].to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        if len(finite) and np.ptp(finite) == 0:
            out.append(Finding("warning", "constant-component",
                               f"component '{component}' ({meaning}) is {finite[0]:g} for every user: it is built "
                               f"from {', '.join(kinds)} events, which this data lacks or never links, so it "
                               "cannot tell users apart.", recipe_name))
    above = ~at_floor
    if above.sum() >= 10:
        ranked = scores.loc[above, "score"].to_numpy(dtype=float)
        for count in PLAIN_COUNTS:
            if count not in scores.columns:
                continue
            other = scores.loc[above, count].to_numpy(dtype=float)
            if not np.isfinite(other).all() or np.ptp(other) == 0 or np.ptp(ranked) == 0:
                continue
            rho = stats.spearmanr(ranked, other).statistic
            if rho >= SAME_AS_COUNT:
                out.append(Finding("warning", "same-as-count",
                                   f"the score ranks the {int(above.sum()):,} users above the floor exactly as "
                                   f"'{count}' does (Spearman {rho:.3f}): on this data it adds nothing to that "
                                   "plain count.", recipe_name))
                break
    return out
