"""First looks at a dataset in the contract: what a row is, who is active, when.

Used by ``notebooks/00_the_data.ipynb``; every function takes contract tables
and returns tidy DataFrames for plotting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from influence_lab.contract import ENGAGEMENT_KINDS, EVENT_KINDS, Dataset


def table_overview(dataset: Dataset) -> pd.DataFrame:
    """One row per table: rows, columns, and the columns that hold ground truth."""
    rows = []
    for name in ("users", "events", "outcomes"):
        table = getattr(dataset, name)
        truth = [c for c in table.columns if str(c).startswith("true_")]
        rows.append(
            {
                "table": name,
                "rows": len(table),
                "columns": ", ".join(c for c in map(str, table.columns) if c not in truth),
                "ground truth columns": ", ".join(truth) or "-",
            }
        )
    return pd.DataFrame(rows).set_index("table")


def events_by_kind(events: pd.DataFrame) -> pd.Series:
    """Events per kind in the contract's order (kinds a dataset lacks are shown as 0)."""
    return events["kind"].value_counts(sort=False).reindex(list(EVENT_KINDS), fill_value=0).rename("events")


def activity_over_time(events: pd.DataFrame, *, freq: str = "D", kinds=None) -> pd.DataFrame:
    """Events per period and kind (wide: one column per kind present), with empty periods as 0.

    ``freq`` is a pandas period alias ("h", "D", "W", "M"); the index holds
    each period's start in UTC.
    """
    kinds = list(kinds) if kinds is not None else [k for k in EVENT_KINDS if (events["kind"] == k).any()]
    subset = events[events["kind"].isin(kinds)]
    periods = subset["timestamp"].dt.tz_convert(None).dt.to_period(freq)
    counts = (
        pd.crosstab(periods, subset["kind"].astype(str)).reindex(columns=kinds, fill_value=0)
        if len(subset)
        else pd.DataFrame(columns=kinds)
    )
    if len(counts):
        full = pd.period_range(counts.index.min(), counts.index.max(), freq=counts.index.freq)
        counts = counts.reindex(full, fill_value=0)
        counts.index = counts.index.start_time.tz_localize("UTC")
    counts.index.name = "period"
    counts.columns.name = "kind"
    return counts


def busiest_period(events: pd.DataFrame, *, freq: str = "D") -> tuple[pd.Timestamp, int, float]:
    """The period with the most events, its count, and its ratio to the median period."""
    counts = activity_over_time(events, freq=freq).sum(axis=1)
    top = counts.idxmax()
    return top, int(counts.max()), float(counts.max() / counts.median())


def per_user_activity(events: pd.DataFrame, users: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per user: actions performed, engagement received from others, and followers after the last event.

    Self-engagement (actor == target) is not counted as received. ``followers``
    replays follow/unfollow state as :func:`influence_lab.scoring.features.user_features`
    does (repeats and self-follows change nothing); it is NaN when the data hold
    no follow events at all (e.g. Higgs).
    """
    engaged = events[events["kind"].isin(ENGAGEMENT_KINDS)]
    engaged = engaged[engaged["actor_id"] != engaged["target_id"]]
    actions = events.groupby("actor_id", observed=True).size().rename("actions")
    received = engaged.groupby("target_id", observed=True).size().rename("engagement_received")
    engagers = engaged.groupby("target_id", observed=True)["actor_id"].nunique().rename("unique_engagers")
    posts = events[events["kind"] == "post"].groupby("actor_id", observed=True).size().rename("posts")
    forwarded = engaged[engaged["kind"] == "reshare"].groupby("actor_id", observed=True).size().rename("reshares_given")
    out = pd.concat([actions, posts, forwarded, received, engagers], axis=1)
    has_follows = bool((events["kind"] == "follow").any())
    if has_follows:
        # One definition of a follower count for the whole package: the features' replay of follow state.
        from influence_lab.scoring.features import user_features

        followers = user_features(events, columns=["followers"])["followers"]
        out = out.join(followers[followers > 0], how="outer")
    ids = users["user_id"] if users is not None else None
    if ids is not None:
        out = out.reindex(pd.Index(ids, name="user_id"))
    out.index.name = "user_id"
    counts = ["actions", "posts", "reshares_given", "engagement_received", "unique_engagers"]
    out = out.fillna(dict.fromkeys(counts, 0))
    if has_follows:
        out["followers"] = out["followers"].fillna(0)
    else:
        out["followers"] = np.nan
    return out.astype(dict.fromkeys(counts, "int64"))


def concentration(values: pd.Series, top_share: float = 0.01) -> float:
    """Share of the total held by the top ``top_share`` of users (heavy tails show as large values)."""
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    if v.sum() == 0:
        return float("nan")
    k = max(1, int(round(top_share * len(v))))
    return float(v[:k].sum() / v.sum())


def unnoticed_share(activity: pd.DataFrame) -> float:
    """Share of users who received no engagement from anyone."""
    return float((activity["engagement_received"] == 0).mean())


def passivity(activity: pd.DataFrame, *, days: float) -> dict[str, float]:
    """How passive users are over a span of ``days``: shares posting under once a week and
    forwarding (resharing) under once a month (Romero et al. 2011: most users are passive)."""
    weeks, months = days / 7, days / 30.4
    return {
        "post_less_than_weekly": float((activity["posts"] < weeks).mean()),
        "reshare_less_than_monthly": float((activity["reshares_given"] < months).mean()),
    }


def percentile_rank(values: pd.Series, population: pd.Series) -> pd.Series:
    """Percent of the population with a value at or below each value (0-100)."""
    pop = np.sort(np.asarray(population, dtype=float))
    ranks = np.searchsorted(pop, np.asarray(values, dtype=float), side="right") / max(len(pop), 1) * 100
    return pd.Series(ranks, index=values.index, name="percentile")


def case_user_summary(activity: pd.DataFrame, cases: pd.DataFrame, *, population: pd.Series | None = None) -> pd.DataFrame:
    """The case users' activity, with their percentile of engagement received within ``population`` (user ids)."""
    pop = activity if population is None else activity.reindex(pd.Index(population))
    out = cases.merge(activity, left_on="user_id", right_index=True, how="left")
    out["engagement_percentile"] = percentile_rank(out["engagement_received"], pop["engagement_received"]).round(1)
    return out


def tail_summary(activities: dict[str, pd.DataFrame], *, top_share: float = 0.01) -> pd.DataFrame:
    """Per dataset: users, the share who received no reaction, and the share of reactions the top users received."""
    rows = {
        name: {
            "users": len(act),
            "received_nothing": unnoticed_share(act),
            "top_1pct_share" if top_share == 0.01 else f"top_{top_share:g}_share": concentration(
                act["engagement_received"], top_share
            ),
            "max_received": int(act["engagement_received"].max()),
        }
        for name, act in activities.items()
    }
    return pd.DataFrame(rows).T.astype({"users": "int64", "max_received": "int64"})


def weekly_posts(events: pd.DataFrame, user_id: str) -> pd.Series:
    """One user's posts per calendar week (Monday to Sunday) over the full weeks the dataset's posts span."""
    posts = events[events["kind"] == "post"]
    stamps = posts["timestamp"].dt.tz_convert(None)
    weeks = stamps.dt.to_period("W")
    first = (stamps.min() - pd.Timedelta(microseconds=1)).to_period("W") + 1
    last = (stamps.max() + pd.Timedelta(days=1)).normalize().to_period("W") - 1
    span = pd.period_range(first, last, freq="W")
    mine = weeks[posts["actor_id"] == user_id].value_counts().reindex(span, fill_value=0).sort_index()
    mine.index = mine.index.start_time.tz_localize("UTC")
    mine.index.name = "week"
    return mine.rename("posts")


def before_after(series: pd.Series, when: str | pd.Timestamp) -> dict[str, float]:
    """Mean of a time-indexed series before and from a date."""
    when = pd.Timestamp(when, tz="UTC") if pd.Timestamp(when).tzinfo is None else pd.Timestamp(when)
    return {"before": float(series[series.index < when].mean()), "after": float(series[series.index >= when].mean())}
