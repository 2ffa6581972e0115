"""Small realistic exports shipped with the package, to learn the importers on (no real person's data).

- ``forum_export.csv``: a discussion forum's export with its own column names
  (``when, who, whom, what, post, client``), naive local times (America/New_York),
  only questions (posts), answers (replies to others) and comments (a quarter
  of them the author's own follow-ups in their thread, i.e. self-replies),
  July to December 2012. Built from the synthetic sample: its posts and replies of
  the period by accounts that are not fake followers, with every replied post
  kept and one in eight of the others; replies to posts from before July point at post ids the file
  does not hold, as in a real export cut at a date.
- ``analytics_export.csv``: an agency's per-post analytics export (X's "Tweet
  activity" columns plus ``account``) for 60 accounts of the sample (clients: accounts posting ten times or more, not bots, lurkers or fakes), July to
  December 2012: each post's reshares, replies and likes as the sample counts
  them; ``impressions`` drawn as Poisson(30 + 25 x reactions) (an assumption of
  this fixture, not of the world); ``url clicks``: each account-month's clicks in
  the sample's outcomes, spread over that month's posts in proportion to 1 +
  reactions (a multinomial draw). What they show about clicks is therefore the
  synthetic world's assumption (see the assumption ledger), not evidence.
- ``x_archive.zip`` and ``mastodon_export.zip``: one fictitious account's
  archives (see :mod:`~influence_lab.datasets.importers.x_archive` and
  :mod:`~influence_lab.datasets.importers.mastodon`).

:func:`example_path` finds a shipped file; :func:`write_examples` rebuilds them
byte for byte (a test checks the shipped files against it).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from influence_lab.contract import Dataset

__all__ = ["EXAMPLES", "example_path", "write_examples", "write_forum_example", "write_analytics_example"]

EXAMPLES_DIR = Path(__file__).with_name("examples")
EXAMPLES: tuple[str, ...] = ("forum_export.csv", "analytics_export.csv", "x_archive.zip", "mastodon_export.zip")
PERIOD = (pd.Timestamp("2012-07-01", tz="UTC"), pd.Timestamp("2013-01-01", tz="UTC"))
FORUM_ZONE = "America/New_York"


def example_path(name: str) -> Path:
    """The shipped example export ``name`` (one of :data:`EXAMPLES`)."""
    if name not in EXAMPLES:
        raise ValueError(f"unknown example {name!r}; the examples are {list(EXAMPLES)}.")
    return EXAMPLES_DIR / name


def _sample() -> Dataset:
    from influence_lab.datasets.sample import load_sample

    return load_sample()


def write_forum_example(path, sample: Dataset | None = None) -> Path:
    """Write ``forum_export.csv`` (see the module docstring) from the sample; return its path."""
    sample = sample or _sample()
    rng = np.random.default_rng(2012)
    ev = sample.events
    real = sample.users.loc[sample.users["persona"] != "fake_follower", "user_id"]
    period = ev[(ev["timestamp"] >= PERIOD[0]) & (ev["timestamp"] < PERIOD[1]) & ev["actor_id"].isin(real)]
    replies = period[(period["kind"] == "reply") & (period["actor_id"] != period["target_id"])]
    posts = period[period["kind"] == "post"]
    replied = posts["post_id"].isin(replies["post_id"])
    posts = posts[replied | (rng.random(len(posts)) < 0.125)]
    # The authors' own follow-ups in their threads: a quarter of the comments (self-replies).
    threads = posts[posts["post_id"].isin(replies["post_id"])]
    n_self = len(replies) // 3
    chosen = threads.iloc[rng.integers(0, len(threads), n_self)]
    delay = pd.Series(pd.to_timedelta(np.round(rng.exponential(6.0 * 3600, n_self)), unit="s"))
    own = pd.DataFrame({"timestamp": chosen["timestamp"].reset_index(drop=True) + delay, "actor_id": chosen["actor_id"].to_numpy(),
                        "target_id": chosen["actor_id"].to_numpy(), "kind": "comment",
                        "post_id": chosen["post_id"].to_numpy()})
    answers = replies.assign(kind=np.where(rng.random(len(replies)) < 0.7, "answer", "comment"))
    table = pd.concat([posts.assign(kind="question", target_id=""), answers, own], ignore_index=True)
    table = table[table["timestamp"] < PERIOD[1]].sort_values(["timestamp", "actor_id"], kind="stable")
    local = table["timestamp"].dt.tz_convert(FORUM_ZONE).dt.tz_localize(None)
    out = pd.DataFrame({
        "when": local.dt.strftime("%Y-%m-%d %H:%M:%S"),
        "who": table["actor_id"].to_numpy(), "whom": table["target_id"].fillna("").to_numpy(),
        "what": table["kind"].to_numpy(), "post": table["post_id"].to_numpy(),
        "client": np.where(rng.random(len(table)) < 0.4, "mobile", "web"),
    })
    path = Path(path)
    out.to_csv(path, index=False, lineterminator="\n")
    return path


def write_analytics_example(path, sample: Dataset | None = None, n_accounts: int = 60) -> Path:
    """Write ``analytics_export.csv`` (see the module docstring) from the sample; return its path."""
    sample = sample or _sample()
    rng = np.random.default_rng(2013)
    ev = sample.events
    period = ev[(ev["timestamp"] >= PERIOD[0]) & (ev["timestamp"] < PERIOD[1])]
    posts = period[period["kind"] == "post"]
    active = posts["actor_id"].value_counts()
    # An agency's clients: accounts that post at least ten times in the half year and are not bots or fakes.
    clients = sample.users.loc[~sample.users["persona"].isin(["bot", "fake_follower", "lurker"]), "user_id"]
    candidates = np.sort(active[(active >= 10) & active.index.isin(clients)].index.to_numpy())
    accounts = np.sort(rng.choice(candidates, size=min(n_accounts, len(candidates)), replace=False))
    posts = posts[posts["actor_id"].isin(accounts)].sort_values(["actor_id", "timestamp"], kind="stable")
    reactions = period[period["kind"].isin(["reshare", "reply", "like"]) & period["post_id"].isin(posts["post_id"])]
    reactions = reactions[reactions["actor_id"] != reactions["target_id"]]
    counts = pd.crosstab(reactions["post_id"], reactions["kind"].astype(str)).reindex(
        posts["post_id"], fill_value=0).reindex(columns=["reshare", "reply", "like"], fill_value=0)
    total = counts.sum(axis=1).to_numpy()
    month = posts["timestamp"].dt.tz_localize(None).dt.to_period("M").dt.start_time.dt.tz_localize("UTC")
    clicks = sample.outcomes[sample.outcomes["metric"] == "clicks"].set_index(["user_id", "period"])["value"]
    url_clicks = np.zeros(len(posts), dtype=np.int64)
    keys = pd.MultiIndex.from_arrays([posts["actor_id"].to_numpy(), month.to_numpy()])
    for key, where in pd.Series(np.arange(len(posts))).groupby(keys.to_flat_index()).groups.items():
        n_clicks = int(clicks.get(key, 0))
        weight = 1.0 + total[np.asarray(where)]
        url_clicks[np.asarray(where)] = rng.multinomial(n_clicks, weight / weight.sum())
    impressions = rng.poisson(30 + 25 * total)
    engagements = total + url_clicks
    out = pd.DataFrame({
        "account": posts["actor_id"].to_numpy(),
        "Tweet id": posts["post_id"].to_numpy(),
        "Tweet permalink": "https://twitter.com/" + posts["actor_id"].to_numpy().astype(str) + "/status/"
        + posts["post_id"].to_numpy().astype(str),
        "Tweet text": posts["text"].fillna("").to_numpy(),
        "time": posts["timestamp"].dt.strftime("%Y-%m-%d %H:%M +0000").to_numpy(),
        "impressions": impressions, "engagements": engagements,
        "engagement rate": np.round(engagements / np.maximum(impressions, 1), 6),
        "retweets": counts["reshare"].to_numpy(), "replies": counts["reply"].to_numpy(),
        "likes": counts["like"].to_numpy(), "url clicks": url_clicks,
    })
    path = Path(path)
    out.to_csv(path, index=False, lineterminator="\n")
    return path


def write_examples(directory=None) -> list[Path]:
    """Rebuild every example into ``directory`` (default: the package's examples folder)."""
    from influence_lab.datasets.importers.mastodon import write_example_mastodon
    from influence_lab.datasets.importers.x_archive import write_example_x_archive

    directory = Path(directory) if directory is not None else EXAMPLES_DIR
    directory.mkdir(parents=True, exist_ok=True)
    sample = _sample()
    return [
        write_forum_example(directory / "forum_export.csv", sample),
        write_analytics_example(directory / "analytics_export.csv", sample),
        write_example_x_archive(directory / "x_archive.zip"),
        write_example_mastodon(directory / "mastodon_export.zip"),
    ]
