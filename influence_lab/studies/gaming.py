"""The gaming lab: attacks on any events table, what each buys on each score, and at what cost.

"Too easy to game", says a commenter under the 2012 post. Each strategy here takes a contract dataset (the
synthetic world or a user's own export) and a target account, and returns an :class:`Attack`: the events it adds,
the accounts it creates and a ledger of what it spent (accounts, actions by kind, days, money at stated prices,
and hours of the gamer's own time). :func:`apply_attacks` adds attacks to a dataset, :func:`remove_attack` takes
one out again (the table comes back exactly), and :func:`lift_table` measures what each strategy buys on each
recipe with the calibration held fixed, beside its cost and its effect on true influence.

Strategies (each with size, duration and intensity parameters):

- :func:`buy_followers`: fresh accounts that follow and never engage; a share purged by the platform later;
- :func:`buy_engagement`: likes or reshares of the target's posts from bought accounts;
- :func:`follow_churn`: follow many real accounts, wait for follow-backs, unfollow them all;
- :func:`engagement_pod`: the target and k - 1 sock puppets engaging each other's posts, as a cycle
  (A -> B -> C -> A: each member engages only the next, a ring longer than two) or a clique;
- :func:`reshare_farm`: aged bots that reshare every post of the target and each other's;
- :func:`identical_posting`: the same text posted many times (the 2011 bot, docs/literature.md);
- :func:`mention_spam`: mention many popular accounts, some of which reply;
- :func:`keyword_stuffing`: posts stuffed with one topic's words (for topic labels, notebook 05).

Prices (:data:`PRICES`) cite their source or say "our assumption"; a gamer's own hour is priced at
:data:`HOURLY_RATE` (our assumption) so that free strategies (pods, churn) have a cost too. True influence
changes only when a strategy brings real attention from real users: in the synthetic world that is the
follow-backs of :func:`follow_churn` (estimated in the ledger); bought accounts, bots and sock puppets have no
attention by the world's definition, and pod duty engagement is left out of the truth (data/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from influence_lab.contract import Dataset, validate_events
from influence_lab.datasets.world.vocabulary import TOPIC_VOCABULARY
from influence_lab.scoring.events import day_end
from influence_lab.scoring.features import user_features
from influence_lab.scoring.recipes import make_recipe
from influence_lab.studies.stats import bootstrap_indices, percentile_interval, with_progress

__all__ = [
    "ATTACK_PERSONA",
    "Attack",
    "HOURLY_RATE",
    "PRICES",
    "Price",
    "STRATEGIES",
    "apply_attacks",
    "buy_engagement",
    "buy_followers",
    "collateral_damage",
    "engagement_pod",
    "follow_churn",
    "identical_posting",
    "keyword_stuffing",
    "lift_removed",
    "lift_summary",
    "lift_table",
    "mention_spam",
    "pick_targets",
    "remove_attack",
    "reshare_farm",
]

#: The persona of every account an attack creates (real analyses leave them out with the fake followers).
ATTACK_PERSONA = "attack_account"
DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Price:
    """What one unit costs, in US dollars, and where the figure comes from."""

    usd: float
    unit: str
    source: str


#: Prices of 2012 (per unit). Sources are docs/literature.md entries with their label, or "our assumption".
PRICES: dict[str, Price] = {
    "follower": Price(18.0 / 1000, "bought follower",
                      "Barracuda Labs 2012 [checked]: 1,000 fake followers cost $18 on average"),
    "reshare": Price(5.0 / 2000, "bought reshare", "Barracuda Labs 2012 [checked]: about $5 bought 2,000 retweets"),
    "like": Price(5.0 / 2000, "bought like", "our assumption: priced like a bought retweet"),
    "aged_bot_month": Price(1.0, "aged bot account, per month of use",
                            "our assumption (a dealer with 20,000 fake accounts earned up to $800 a day, Barracuda "
                            "Labs 2012 [checked]: about $1.2 per account-month)"),
}
#: A gamer's own time, dollars per hour (our assumption), and the seconds one manual action takes.
HOURLY_RATE = 20.0
SECONDS_PER_ACTION = 20.0


@dataclass(frozen=True)
class Attack:
    """What one strategy adds to a dataset, and what it spent.

    ``events``: contract events (validated); ``accounts``: the accounts it created (user_id, created_at,
    persona = :data:`ATTACK_PERSONA`, true_gaming = ``attack:<strategy>``, true_influence 0); ``ledger``: a
    Series (accounts_created, actions, actions by kind, days, money_usd, hours, cost_usd, real_follows_gained,
    truth_change, price notes).
    """

    strategy: str
    target: str
    events: pd.DataFrame
    accounts: pd.DataFrame
    ledger: pd.Series = field(default_factory=pd.Series)


# ------------------------------------------------------------------------------------------- helpers


def _utc(value) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _check_target(dataset: Dataset, target: str, where: str) -> None:
    if not ((dataset.users["user_id"] == target).any() or (dataset.events["actor_id"] == target).any()):
        raise KeyError(f"{where}: target {target!r} is not an account of {dataset.name!r} (neither in users nor in "
                       "events); pass one of its user ids.")


def _positive(where: str, **values) -> None:
    for name, value in values.items():
        if not value > 0:
            raise ValueError(f"{where}: {name} must be positive, got {value!r}.")


def _share(where: str, **values) -> None:
    for name, value in values.items():
        if not 0 <= value <= 1:
            raise ValueError(f"{where}: {name} must be in [0, 1], got {value!r}.")


def _prefix(strategy: str, target: str, seed: int) -> str:
    return f"x_{strategy}_{seed}_{target}_"


def _times(rng: np.random.Generator, start: pd.Timestamp, days: float, n: int) -> pd.Series:
    """``n`` uniform times in [start, start + days), whole seconds, sorted."""
    seconds = np.sort(rng.integers(0, max(1, int(days * 86_400)), size=n))
    return pd.Series(start + pd.to_timedelta(seconds, unit="s"))


def _at(times: pd.Series, positions) -> pd.Series:
    """``times`` at ``positions`` (aware timestamps), renumbered from 0 so a TimedeltaIndex adds element-wise."""
    return pd.Series(times).iloc[positions].reset_index(drop=True)


def _events(rows: dict[str, Sequence]) -> pd.DataFrame:
    frame = pd.DataFrame({
        "timestamp": rows["timestamp"], "actor_id": rows["actor_id"], "target_id": rows.get("target_id"),
        "kind": rows["kind"], "post_id": rows.get("post_id"), "text": rows.get("text"),
    })
    frame = frame.sort_values("timestamp", kind="stable").reset_index(drop=True)
    return validate_events(frame, source="gaming attack")


def _accounts(ids: Sequence[str], created: pd.Timestamp, strategy: str) -> pd.DataFrame:
    return pd.DataFrame({
        "user_id": pd.array(list(ids), dtype="str"),
        "created_at": pd.Series([created] * len(ids), dtype="datetime64[ns, UTC]"),
        "persona": ATTACK_PERSONA, "true_gaming": f"attack:{strategy}", "true_influence": 0.0,
    })


def _ledger(events: pd.DataFrame, accounts: pd.DataFrame, *, days: float, money: float, manual_actions: int,
            notes: str, real_follows_gained: int = 0, truth_change: float = 0.0) -> pd.Series:
    by_kind = events["kind"].astype(str).value_counts()
    hours = manual_actions * SECONDS_PER_ACTION / 3600
    out = {
        "accounts_created": len(accounts), "actions": len(events), "days": float(days), "money_usd": float(money),
        "manual_actions": int(manual_actions), "hours": float(hours), "cost_usd": float(money + hours * HOURLY_RATE),
        "real_follows_gained": int(real_follows_gained), "truth_change": float(truth_change), "prices": notes,
    }
    for kind in ("post", "reshare", "like", "reply", "mention", "follow", "unfollow"):
        out[f"{kind}s"] = int(by_kind.get(kind, 0))
    return pd.Series(out)


def _posts_of(dataset: Dataset, user: str, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    ev = dataset.events
    mask = (ev["actor_id"] == user) & (ev["kind"] == "post") & (ev["timestamp"] >= start) & (ev["timestamp"] < end)
    return ev.loc[mask, ["timestamp", "post_id"]]


def _new_posts(rng, author: str, prefix: str, start, days, per_day: float, text: str) -> dict[str, list]:
    n = max(1, int(round(per_day * days)))
    times = _times(rng, start, days, n)
    return {"timestamp": list(times), "actor_id": [author] * n, "target_id": [None] * n, "kind": ["post"] * n,
            "post_id": [f"{prefix}p{author[-6:]}{i}" for i in range(n)], "text": [text] * n}


def _concat(*parts: dict[str, list]) -> dict[str, list]:
    out: dict[str, list] = {k: [] for k in ("timestamp", "actor_id", "target_id", "kind", "post_id", "text")}
    for part in parts:
        for key in out:
            out[key].extend(part.get(key, [None] * len(part["timestamp"])))
    return out


# ------------------------------------------------------------------------------------------- strategies


def buy_followers(dataset: Dataset, target: str, *, n: int = 1000, start="2012-03-01", days: float = 3,
                  purge_share: float = 0.0, purge_after_days: float = 30, seed: int = 0) -> Attack:
    """``n`` fresh accounts (created the day before) follow the target over ``days``; they never engage. A
    ``purge_share`` of them is removed by the platform ``purge_after_days`` after the purchase (their follows
    undone: unfollow events). Price: :data:`PRICES` ["follower"] per follower bought."""
    _check_target(dataset, target, "buy_followers")
    _positive("buy_followers", n=n, days=days)
    _share("buy_followers", purge_share=purge_share)
    rng = np.random.default_rng(seed)
    t0 = _utc(start)
    prefix = _prefix("buy_followers", target, seed)
    ids = [f"{prefix}{i}" for i in range(n)]
    times = _times(rng, t0, days, n)
    purged = rng.random(n) < purge_share
    purge_time = t0 + pd.Timedelta(days=days + purge_after_days)
    rows = _concat(
        {"timestamp": list(times), "actor_id": ids, "target_id": [target] * n, "kind": ["follow"] * n},
        {"timestamp": [purge_time] * int(purged.sum()), "actor_id": [i for i, p in zip(ids, purged) if p],
         "target_id": [target] * int(purged.sum()), "kind": ["unfollow"] * int(purged.sum())},
    )
    events = _events(rows)
    accounts = _accounts(ids, t0 - DAY, "buy_followers")
    price = PRICES["follower"]
    return Attack("buy_followers", target, events, accounts,
                  _ledger(events, accounts, days=days, money=n * price.usd, manual_actions=0, notes=price.source))


def buy_engagement(dataset: Dataset, target: str, *, kind: str = "like", n: int = 500, n_accounts: int = 50,
                   start="2012-03-01", days: float = 60, seed: int = 0) -> Attack:
    """``n`` likes or reshares of the target's posts in [start, start + days) from ``n_accounts`` fresh bought
    accounts (created the day before). Needs posts of the target in that period. Price per reaction."""
    _check_target(dataset, target, "buy_engagement")
    if kind not in ("like", "reshare"):
        raise ValueError(f"buy_engagement: kind must be 'like' or 'reshare', got {kind!r}.")
    _positive("buy_engagement", n=n, n_accounts=n_accounts, days=days)
    t0 = _utc(start)
    posts = _posts_of(dataset, target, t0, t0 + pd.Timedelta(days=days))
    if posts.empty:
        raise ValueError(f"buy_engagement: {target!r} has no posts between {t0:%Y-%m-%d} and "
                         f"{t0 + pd.Timedelta(days=days):%Y-%m-%d}; bought engagement needs posts to land on. "
                         "Pick another period or add posts first.")
    rng = np.random.default_rng(seed)
    prefix = _prefix(f"buy_{kind}", target, seed)
    n_accounts = min(n_accounts, n)  # every account bought is used
    ids = np.array([f"{prefix}{i}" for i in range(n_accounts)], dtype=object)
    pick = rng.integers(0, len(posts), size=n)
    delay = pd.to_timedelta(rng.integers(60, 6 * 3600, size=n), unit="s")
    rows = {"timestamp": list(_at(posts["timestamp"], pick) + delay),
            "actor_id": list(ids[rng.permutation(np.arange(n) % n_accounts)]), "target_id": [target] * n,
            "kind": [kind] * n, "post_id": list(posts["post_id"].to_numpy()[pick])}
    events = _events(rows)
    accounts = _accounts(ids, t0 - DAY, f"buy_{kind}")
    price = PRICES[kind]
    return Attack(f"buy_{kind}s", target, events, accounts,
                  _ledger(events, accounts, days=days, money=n * price.usd, manual_actions=0, notes=price.source))


def follow_churn(dataset: Dataset, target: str, *, n: int = 500, follow_back_rate: float = 0.15,
                 wait_days: float = 3, start="2012-03-01", days: float = 30, seed: int = 0,
                 followers: pd.Series | None = None) -> Attack:
    """Follow-for-follow churn: the target follows ``n`` real accounts it does not follow (spread over ``days``);
    a ``follow_back_rate`` share follow back within ``wait_days`` (our assumption; Ghosh et al. 2012 [checked]
    found follow-back "social capitalists" behind most farmed links); ``wait_days`` after each follow the target
    unfollows. Follow-backs stay. Costs the target's time (two manual actions per account).

    The follow-backs are real accounts' attention: the ledger's ``truth_change`` estimates the change in the
    target's true influence as its online influence times the share its real followers grow (the world's truth
    is proportional to attentive followers at first order; an approximation), when the users table has it.
    ``followers``: everyone's follower count at ``start`` if already computed (else computed here).
    """
    _check_target(dataset, target, "follow_churn")
    _positive("follow_churn", n=n, days=days, wait_days=wait_days)
    _share("follow_churn", follow_back_rate=follow_back_rate)
    rng = np.random.default_rng(seed)
    t0 = _utc(start)
    users = dataset.users
    real = users.loc[users.get("persona", pd.Series("", index=users.index)).ne("fake_follower")
                     & users.get("persona", pd.Series("", index=users.index)).ne(ATTACK_PERSONA), "user_id"]
    ev = dataset.events
    followed = set(ev.loc[(ev["actor_id"] == target) & (ev["kind"] == "follow"), "target_id"])
    pool = np.array(sorted(set(real) - followed - {target}), dtype=object)
    if len(pool) < n:
        raise ValueError(f"follow_churn: only {len(pool):,} real accounts are left for {target!r} to follow; lower n "
                         f"(got {n:,}).")
    chosen = rng.choice(pool, size=n, replace=False)
    follow_times = _times(rng, t0, days, n)
    back = rng.random(n) < follow_back_rate
    back_delay = pd.to_timedelta(rng.integers(600, int(wait_days * 86_400), size=n), unit="s")
    rows = _concat(
        {"timestamp": list(follow_times), "actor_id": [target] * n, "target_id": list(chosen), "kind": ["follow"] * n},
        {"timestamp": list((follow_times + back_delay)[back]), "actor_id": list(chosen[back]),
         "target_id": [target] * int(back.sum()), "kind": ["follow"] * int(back.sum())},
        {"timestamp": list(follow_times + pd.Timedelta(days=wait_days)), "actor_id": [target] * n,
         "target_id": list(chosen), "kind": ["unfollow"] * n},
    )
    events = _events(rows)
    gained = int(back.sum())
    truth = 0.0
    if "true_online_influence" in users.columns:
        online = users.set_index("user_id")["true_online_influence"].get(target, np.nan)
        counts = followers if followers is not None else user_features(dataset, as_of=t0, columns=["followers"])[
            "followers"]
        before = counts.get(target, np.nan)
        truth = float(online * gained / max(before, 1.0)) if np.isfinite(online) else np.nan
    empty = _accounts([], t0, "follow_churn")
    return Attack("follow_churn", target, events, empty,
                  _ledger(events, empty, days=days + wait_days, money=0.0, manual_actions=2 * n,
                          notes="the gamer's time only", real_follows_gained=gained, truth_change=truth))


def engagement_pod(dataset: Dataset, target: str, *, k: int = 5, topology: str = "cycle", start="2012-03-01",
                   days: float = 60, posts_per_day: float = 1.0, kinds: Sequence[str] = ("reshare", "reply"),
                   seed: int = 0) -> Attack:
    """The target and ``k - 1`` sock puppets (created ``days`` before) engage each other's posts for ``days``.

    ``topology="cycle"``: each member engages only the next member's posts (A -> B -> C -> ... -> A; with k >= 3
    no pair is reciprocal); ``"clique"``: every member engages every other's. Each puppet posts
    ``posts_per_day``; each engagement is one of ``kinds`` per post. The puppets are run by hand: every puppet
    post and every engagement is a manual action (the target's own posts are not counted).
    """
    _check_target(dataset, target, "engagement_pod")
    if topology not in ("cycle", "clique"):
        raise ValueError(f"engagement_pod: topology must be 'cycle' or 'clique', got {topology!r}.")
    if k < 2:
        raise ValueError(f"engagement_pod: a pod needs k >= 2 members, got {k}.")
    _positive("engagement_pod", days=days, posts_per_day=posts_per_day)
    rng = np.random.default_rng(seed)
    t0 = _utc(start)
    end = t0 + pd.Timedelta(days=days)
    prefix = _prefix(f"pod_{topology}", target, seed)
    puppets = [f"{prefix}{i}" for i in range(k - 1)]
    members = [target, *puppets]
    posts = {target: _posts_of(dataset, target, t0, end)}
    parts = []
    for puppet in puppets:
        part = _new_posts(rng, puppet, prefix, t0, days, posts_per_day, "so true, my friends know")
        parts.append(part)
        posts[puppet] = pd.DataFrame({"timestamp": part["timestamp"], "post_id": part["post_id"]})
    manual = sum(len(p["timestamp"]) for p in parts)
    for i, author in enumerate(members):
        engagers = [members[(i - 1) % k]] if topology == "cycle" else [m for m in members if m != author]
        for engager in engagers:
            mine = posts[author]
            n = len(mine)
            if n == 0:
                continue
            delay = pd.to_timedelta(rng.integers(60, 3 * 3600, size=n), unit="s")
            parts.append({"timestamp": list(_at(mine["timestamp"], slice(None)) + delay), "actor_id": [engager] * n,
                          "target_id": [author] * n, "kind": list(rng.choice(list(kinds), size=n)),
                          "post_id": list(mine["post_id"])})
            manual += n
    events = _events(_concat(*parts))
    accounts = _accounts(puppets, t0 - pd.Timedelta(days=days), f"pod_{topology}")
    return Attack(f"pod_{topology}", target, events, accounts,
                  _ledger(events, accounts, days=days, money=0.0, manual_actions=manual,
                          notes="the gamer's time only (sock puppets run by hand)"))


def reshare_farm(dataset: Dataset, target: str, *, n_bots: int = 50, share: float = 0.8, start="2012-03-01",
                 days: float = 60, cross_reshares_per_day: float = 2.0, account_age_days: float = 365,
                 seed: int = 0) -> Attack:
    """``n_bots`` aged bots (created ``account_age_days`` before) reshare each post of the target in the period
    with chance ``share``, and reshare each other's posts (each bot posts daily; ``cross_reshares_per_day`` per
    bot) so that they look engaged. Price: bought reshares of the target, plus the bots' rent
    (:data:`PRICES` ["aged_bot_month"])."""
    _check_target(dataset, target, "reshare_farm")
    _positive("reshare_farm", n_bots=n_bots, days=days)
    _share("reshare_farm", share=share)
    rng = np.random.default_rng(seed)
    t0 = _utc(start)
    end = t0 + pd.Timedelta(days=days)
    prefix = _prefix("reshare_farm", target, seed)
    bots = np.array([f"{prefix}{i}" for i in range(n_bots)], dtype=object)
    mine = _posts_of(dataset, target, t0, end)
    parts = []
    if len(mine):
        hit = rng.random((len(mine), n_bots)) < share
        post_idx, bot_idx = np.nonzero(hit)
        delay = pd.to_timedelta(rng.integers(30, 3600, size=len(post_idx)), unit="s")
        parts.append({"timestamp": list(_at(mine["timestamp"], post_idx) + delay),
                      "actor_id": list(bots[bot_idx]), "target_id": [target] * len(post_idx),
                      "kind": ["reshare"] * len(post_idx), "post_id": list(mine["post_id"].to_numpy()[post_idx])})
    farm_posts = [_new_posts(rng, bot, prefix, t0, days, 1.0, "top deals today") for bot in bots]
    parts += farm_posts
    pool_t = pd.concat([pd.Series(p["timestamp"]) for p in farm_posts], ignore_index=True)
    pool_id = np.concatenate([np.array(p["post_id"], dtype=object) for p in farm_posts])
    pool_author = np.concatenate([np.array(p["actor_id"], dtype=object) for p in farm_posts])
    n_cross = int(round(cross_reshares_per_day * days * n_bots))
    if n_cross:
        pick = rng.integers(0, len(pool_id), size=n_cross)
        actor = bots[rng.integers(0, n_bots, size=n_cross)]
        keep = actor != pool_author[pick]
        delay = pd.to_timedelta(rng.integers(30, 3600, size=int(keep.sum())), unit="s")
        parts.append({"timestamp": list(_at(pool_t, pick[keep]) + delay),
                      "actor_id": list(actor[keep]), "target_id": list(pool_author[pick][keep]),
                      "kind": ["reshare"] * int(keep.sum()), "post_id": list(pool_id[pick][keep])})
    events = _events(_concat(*parts))
    accounts = _accounts(bots, t0 - pd.Timedelta(days=account_age_days), "reshare_farm")
    on_target = int(((events["kind"] == "reshare") & (events["target_id"] == target)).sum())
    money = on_target * PRICES["reshare"].usd + n_bots * days / 30.44 * PRICES["aged_bot_month"].usd
    return Attack("reshare_farm", target, events, accounts,
                  _ledger(events, accounts, days=days, money=money, manual_actions=0,
                          notes=f"{PRICES['reshare'].source}; {PRICES['aged_bot_month'].source}"))


def identical_posting(dataset: Dataset, target: str, *, n_posts: int = 2000, start="2012-03-01", days: float = 30,
                      text: str = "Win a free phone now!! click the link", seed: int = 0) -> Attack:
    """The target posts the same ``text`` ``n_posts`` times over ``days`` (the 2011 spam bot posted over 2,000
    identical tweets, docs/literature.md [checked]). Automated: no money, no manual actions."""
    _check_target(dataset, target, "identical_posting")
    _positive("identical_posting", n_posts=n_posts, days=days)
    rng = np.random.default_rng(seed)
    t0 = _utc(start)
    prefix = _prefix("identical_posting", target, seed)
    part = _new_posts(rng, target, prefix, t0, days, n_posts / days, text)
    part = {k: v[:n_posts] for k, v in part.items()}
    events = _events(part)
    empty = _accounts([], t0, "identical_posting")
    return Attack("identical_posting", target, events, empty,
                  _ledger(events, empty, days=days, money=0.0, manual_actions=0, notes="a script: free"))


def mention_spam(dataset: Dataset, target: str, *, n: int = 1000, reply_rate: float = 0.01, start="2012-03-01",
                 days: float = 30, seed: int = 0, followers: pd.Series | None = None) -> Attack:
    """The target mentions ``n`` accounts drawn from the most-followed real accounts (at ``start``), scripted; a
    ``reply_rate`` share reply with a mention back (our assumption). Replies are real engagement but bring no
    attention to the target's posts, so the truth does not move. ``followers``: as in :func:`follow_churn`."""
    _check_target(dataset, target, "mention_spam")
    _positive("mention_spam", n=n, days=days)
    _share("mention_spam", reply_rate=reply_rate)
    rng = np.random.default_rng(seed)
    t0 = _utc(start)
    if followers is None:
        followers = user_features(dataset, as_of=t0, columns=["followers"])["followers"]
    users = dataset.users.set_index("user_id")
    persona = users["persona"].reindex(followers.index) if "persona" in users.columns else None
    if persona is not None:
        followers = followers[~persona.isin(["fake_follower", ATTACK_PERSONA]).to_numpy()]
    popular = followers.drop(target, errors="ignore").sort_values(ascending=False).index[:200].to_numpy(dtype=object)
    if len(popular) == 0:
        raise ValueError("mention_spam: no account with followers to mention; the dataset needs follow events.")
    to = popular[rng.integers(0, len(popular), size=n)]
    times = _times(rng, t0, days, n)
    back = rng.random(n) < reply_rate
    delay = pd.to_timedelta(rng.integers(600, 86_400, size=int(back.sum())), unit="s")
    rows = _concat(
        {"timestamp": list(times), "actor_id": [target] * n, "target_id": list(to), "kind": ["mention"] * n},
        {"timestamp": list(times[back] + delay), "actor_id": list(to[back]), "target_id": [target] * int(back.sum()),
         "kind": ["reply"] * int(back.sum())},
    )
    events = _events(rows)
    empty = _accounts([], t0, "mention_spam")
    return Attack("mention_spam", target, events, empty,
                  _ledger(events, empty, days=days, money=0.0, manual_actions=0, notes="a script: free"))


def keyword_stuffing(dataset: Dataset, target: str, *, topic: str = "marketing", n_posts: int = 50,
                     words_per_post: int = 6, start="2012-03-01", days: float = 30, seed: int = 0) -> Attack:
    """The target posts ``n_posts`` texts stuffed with ``words_per_post`` words of one topic's vocabulary (the
    world's :data:`~influence_lab.datasets.world.vocabulary.TOPIC_VOCABULARY`), to buy a topic label (notebook
    05). Typed by hand: one manual action per post."""
    _check_target(dataset, target, "keyword_stuffing")
    if topic not in TOPIC_VOCABULARY:
        raise ValueError(f"keyword_stuffing: unknown topic {topic!r}; use one of {sorted(TOPIC_VOCABULARY)}.")
    _positive("keyword_stuffing", n_posts=n_posts, days=days, words_per_post=words_per_post)
    rng = np.random.default_rng(seed)
    t0 = _utc(start)
    words = np.array(TOPIC_VOCABULARY[topic], dtype=object)
    texts = [" ".join(rng.choice(words, size=words_per_post)) for _ in range(n_posts)]
    prefix = _prefix("keyword_stuffing", target, seed)
    times = _times(rng, t0, days, n_posts)
    events = _events({"timestamp": list(times), "actor_id": [target] * n_posts, "target_id": [None] * n_posts,
                      "kind": ["post"] * n_posts, "post_id": [f"{prefix}p{i}" for i in range(n_posts)],
                      "text": texts})
    empty = _accounts([], t0, "keyword_stuffing")
    return Attack("keyword_stuffing", target, events, empty,
                  _ledger(events, empty, days=days, money=0.0, manual_actions=n_posts, notes="the gamer's time only"))


#: Every strategy by name, with the defaults the lift table uses.
STRATEGIES: dict[str, Callable[..., Attack]] = {
    "buy_followers": buy_followers,
    "buy_likes": lambda d, t, **kw: buy_engagement(d, t, kind="like", **kw),
    "buy_reshares": lambda d, t, **kw: buy_engagement(d, t, kind="reshare", **kw),
    "follow_churn": follow_churn,
    "pod_cycle": lambda d, t, **kw: engagement_pod(d, t, topology="cycle", **kw),
    "pod_clique": lambda d, t, **kw: engagement_pod(d, t, topology="clique", **kw),
    "reshare_farm": reshare_farm,
    "identical_posting": identical_posting,
    "mention_spam": mention_spam,
    "keyword_stuffing": keyword_stuffing,
}


# ------------------------------------------------------------------------------------- apply and remove


def apply_attacks(dataset: Dataset, attacks: Sequence[Attack]) -> Dataset:
    """The dataset with every attack's events appended (after the original rows, which keep their order) and its
    accounts added to ``users``. Attacks that create the same account id raise."""
    if not attacks:
        return dataset
    accounts = pd.concat([a.accounts for a in attacks], ignore_index=True)
    clash = set(accounts["user_id"]) & set(dataset.users["user_id"])
    if accounts["user_id"].duplicated().any() or clash:
        raise ValueError("apply_attacks: two attacks (or an attack and the dataset) share account ids "
                         f"({sorted(clash)[:3] or sorted(accounts.loc[accounts['user_id'].duplicated(), 'user_id'])[:3]}"
                         "); give each attack another seed or target.")
    events = pd.concat([dataset.events, *[a.events for a in attacks]], ignore_index=True)
    added = _conformed(accounts, dataset.users)
    base = dataset.users.copy()
    for column in base.columns:  # a category column takes the added categories on both sides, so concat keeps it
        if isinstance(base[column].dtype, pd.CategoricalDtype):
            base[column] = base[column].astype(added[column].dtype)
    users = pd.concat([base, added], ignore_index=True)
    return Dataset(dataset.name, users, events, dataset.outcomes, dict(dataset.removed),
                   dataset.description + f" With {len(attacks)} gaming attack(s) applied.", dict(dataset.truth))


def _conformed(accounts: pd.DataFrame, users: pd.DataFrame) -> pd.DataFrame:
    """The attack's accounts with the users table's columns and dtypes: a category column gains the new values
    as categories, an integer column gets -1 ("not applicable", as ``true_ring`` uses it), others NaN."""
    out = {}
    for column in users.columns:
        dtype = users[column].dtype
        values = accounts[column] if column in accounts.columns else pd.Series([None] * len(accounts))
        values = values.reset_index(drop=True)
        if isinstance(dtype, pd.CategoricalDtype):
            new = [v for v in pd.unique(values.dropna()) if v not in dtype.categories]
            out[column] = values.astype(pd.CategoricalDtype([*dtype.categories, *new], ordered=dtype.ordered))
        elif pd.api.types.is_integer_dtype(dtype):
            out[column] = values.fillna(-1).astype(dtype)
        elif pd.api.types.is_bool_dtype(dtype):
            out[column] = values.fillna(False).astype(dtype)
        else:
            out[column] = values.astype(dtype)
    return pd.DataFrame(out, index=range(len(accounts)))


def _row_keys(events: pd.DataFrame) -> pd.Series:
    return pd.util.hash_pandas_object(events[["timestamp", "actor_id", "target_id", "kind", "post_id", "text"]]
                                      .astype({"kind": str}), index=False)


def remove_attack(dataset: Dataset, attack: Attack) -> Dataset:
    """The dataset without the attack's events and accounts: each of its event rows removed once (matched on
    every column), its accounts dropped from ``users``. Raises when an event of the attack is not in the data."""
    keys = _row_keys(dataset.events)
    wanted = _row_keys(attack.events).value_counts()
    occurrence = keys.groupby(keys).cumcount()
    limit = keys.map(wanted).fillna(0)
    drop = (occurrence < limit).to_numpy()
    if int(drop.sum()) != len(attack.events):
        raise ValueError(f"remove_attack: {len(attack.events) - int(drop.sum())} of the attack's {len(attack.events)} "
                         "events are not in the dataset; was it applied to this one?")
    users = dataset.users[~dataset.users["user_id"].isin(attack.accounts["user_id"])].reset_index(drop=True)
    for column in users.columns:  # the categories apply_attacks added, once no account has them
        if isinstance(users[column].dtype, pd.CategoricalDtype) and ATTACK_PERSONA in users[column].cat.categories \
                and not (users[column] == ATTACK_PERSONA).any():
            dtype = users[column].dtype
            kept = [c for c in dtype.categories if c != ATTACK_PERSONA]  # in their order (remove_categories sorts)
            users[column] = users[column].astype(pd.CategoricalDtype(kept, ordered=dtype.ordered))
    return Dataset(dataset.name, users, dataset.events[~drop].reset_index(drop=True), dataset.outcomes,
                   dict(dataset.removed), dataset.description, dict(dataset.truth))


# ------------------------------------------------------------------------------------------- the lift


def pick_targets(dataset: Dataset, as_of, *, start=None, n: int = 10, seed: int = 0,
                 personas: Sequence[str] = ("everyday",), min_posts: int = 3, exclude: Sequence[str] = ()) -> list[str]:
    """``n`` honest accounts to attack: of the given personas, not gaming in the truth, not a case user, with at
    least ``min_posts`` posts between ``start`` (default: 90 days before) and the end of the ``as_of`` day
    (attacks that react to posts need them in the attack's period)."""
    users = dataset.users.set_index("user_id")
    ok = users["persona"].isin(list(personas)) if "persona" in users.columns else pd.Series(True, index=users.index)
    if "true_gaming" in users.columns:
        ok &= users["true_gaming"] == "none"
    if "true_case_role" in users.columns:
        ok &= users["true_case_role"].isna() | (users["true_case_role"] == "")
    end = day_end(as_of)
    begin = end - pd.Timedelta(days=90) if start is None else _utc(start)
    ev = dataset.events
    window = ev[(ev["kind"] == "post") & (ev["timestamp"] >= begin) & (ev["timestamp"] <= end)]
    posts = window["actor_id"].value_counts().reindex(users.index, fill_value=0)
    pool = sorted(set(users.index[ok & (posts >= min_posts)]) - set(exclude))
    if len(pool) < n:
        raise ValueError(f"pick_targets: only {len(pool)} accounts qualify; lower n or min_posts.")
    # a permutation's first n: asking for more targets with the same seed keeps the first ones
    return list(np.random.default_rng(seed).permutation(np.array(pool, dtype=object))[:n])


def _percentile(clean: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Mid-rank percentile (0-100) of each value within the clean population's scores."""
    ordered = np.sort(clean)
    below = np.searchsorted(ordered, values, side="left")
    upto = np.searchsorted(ordered, values, side="right")
    return (below + upto) / 2 / len(ordered) * 100


def lift_table(
    dataset: Dataset,
    strategies: Mapping[str, Mapping[str, object]],
    recipes: Sequence[str] | Mapping[str, object] = ("klout", "kred", "robust"),
    *,
    as_of="2012-04-30",
    start="2012-03-01",
    n_targets: int = 8,
    seeds: Sequence[int] = (1, 2, 3),
    together: bool = False,
    progress: bool = False,
) -> pd.DataFrame:
    """What each strategy buys on each recipe: one row per seed, strategy, recipe and target.

    ``strategies`` maps a name of :data:`STRATEGIES` to its keyword arguments; ``recipes`` are names, or a
    mapping of labels to recipe names or instances (e.g. ``{"robust, strict": RobustScore(passive_credibility=0.05)}``;
    each is refitted on the clean data). Per seed, ``n_targets`` honest
    accounts per strategy (:func:`pick_targets`, a new draw per seed, no account attacked twice) are attacked
    from ``start``; each recipe is fitted on the clean dataset at ``as_of`` (end of day) and applied, calibration
    held fixed, to the attacked one. By default each strategy's attacks are applied and scored on their own (the
    attacks of one strategy touch different accounts). ``together=True`` applies every strategy at once and scores
    once per recipe, about 2.5 times faster, but the attacks then interact: on the shipped sample Klout-style and
    robust gains moved by up to about 8 points and Kred-style ones by up to 100 of its 1,000 (bought followers make
    "big actors", and Kred's communities move), so use it for a quick look only. Columns: seed,
    strategy, recipe, target, before, after, gain_points, before_pct, after_pct, gain_pct (percentiles among the
    clean real accounts), money_usd, hours, cost_usd, cost_per_point (NaN where the gain is not positive),
    actions, accounts_created, truth_change.
    """
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown:
        raise ValueError(f"lift_table: unknown strategies {unknown}; use names of STRATEGIES: {sorted(STRATEGIES)}.")
    when = day_end(as_of)
    users = dataset.users
    real = users.loc[~users["persona"].isin(["fake_follower", ATTACK_PERSONA]), "user_id"] if "persona" in users \
        else users["user_id"]
    models, clean = _fitted(dataset, recipes, when)
    recipes = list(models)
    populations = {recipe: clean[recipe].reindex(real).dropna().to_numpy() for recipe in recipes}
    followers = user_features(dataset, as_of=_utc(start), columns=["followers"])["followers"]
    names = list(strategies)
    jobs = with_progress(seeds, progress, desc="seeds", unit="seed")
    rows = []
    for seed in jobs:
        # each strategy's block of targets sits at its place in STRATEGIES, so a strategy meets the same targets
        # for a seed whichever others run beside it
        slot = {name: list(STRATEGIES).index(name) for name in names}
        drawn = pick_targets(dataset, when, start=start, n=n_targets * (max(slot.values()) + 1), seed=seed)
        blocks = {name: drawn[slot[name] * n_targets:(slot[name] + 1) * n_targets] for name in names}
        attacks = {}
        for name in names:
            options = dict(strategies[name])
            if name in ("follow_churn", "mention_spam"):
                options.setdefault("followers", followers)
            attacks[name] = [STRATEGIES[name](dataset, t, start=start, seed=seed, **options) for t in blocks[name]]
        groups = [names] if together else [[name] for name in names]
        for group in groups:
            attacked = apply_attacks(dataset, [a for name in group for a in attacks[name]])
            for recipe in recipes:
                after = models[recipe].score(attacked, as_of=when, refit=False)["score"]
                for name in group:
                    rows += _lift_rows(seed, name, recipe, blocks[name], attacks[name], clean[recipe], after,
                                       populations[recipe])
    return pd.DataFrame(rows).astype({"strategy": "string", "recipe": "string", "target": "string"})


def _fitted(dataset: Dataset, recipes, when) -> tuple[dict, dict]:
    """Each recipe (name, or label -> name/instance) fitted on the clean dataset at ``when``, and its clean scores."""
    import copy

    pairs = recipes.items() if isinstance(recipes, Mapping) else ((r, r) for r in recipes)
    models, clean = {}, {}
    for label, recipe in pairs:
        model = make_recipe(recipe) if isinstance(recipe, str) else copy.deepcopy(recipe)
        models[label] = model
        clean[label] = model.score(dataset, as_of=when, refit=True)["score"]
    return models, clean


def collateral_damage(dataset: Dataset, recipes, *, as_of="2012-04-30", reference: str = "klout",
                      drop: float = 20.0, min_reactions: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What a defence costs honest users, against the truth.

    Honest accounts: real (not fake, not attack accounts), not gaming in the truth (``true_gaming`` "none", not a
    bot), with at least ``min_reactions`` reactions received in the window ending ``as_of``. For each recipe (as
    in :func:`lift_table`; ``reference`` must be one of them) returns (per_user, summary):

    - per_user: each honest account's percentile (0-100, among the honest accounts) under every recipe and under
      true_influence, and its ``reciprocity`` (share of its distinct engagers it engages back);
    - summary, one row per recipe: Spearman with true_influence, ``penalised`` (accounts more than ``drop``
      percentile points below the reference), ``wrongly_penalised`` (of those, the ones whose true percentile is
      above their new one: the score moved them away from the truth), and the penalised accounts' median
      reciprocity against everyone's (tight friend groups that engage each other).
    """
    from scipy import stats

    when = day_end(as_of)
    models, scores = _fitted(dataset, recipes, when)
    if reference not in models:
        raise ValueError(f"collateral_damage: reference {reference!r} is not among the recipes {list(models)}.")
    users = dataset.users.set_index("user_id")
    for column in ("persona", "true_gaming", "true_influence"):
        if column not in users.columns:
            raise ValueError(f"collateral_damage: the users table has no {column!r} column; it needs the synthetic "
                             "world's ground truth.")
    feats = user_features(dataset, as_of=when, columns=["reactions_received"])
    honest = users.index[(users["true_gaming"] == "none") & ~users["persona"].isin(["bot", "fake_follower",
                                                                                      ATTACK_PERSONA])]
    honest = honest.intersection(feats.index[feats["reactions_received"] >= min_reactions])
    table = pd.DataFrame({label: s.reindex(honest) for label, s in scores.items()})
    table["true_influence"] = users.loc[honest, "true_influence"]
    per_user = table.rank(pct=True) * 100
    per_user["reciprocity"] = _reciprocity(dataset, when).reindex(honest).fillna(0.0)
    rows = []
    for label in models:
        fall = per_user[reference] - per_user[label]
        penalised = fall > drop
        wrong = penalised & (per_user["true_influence"] > per_user[label])
        rows.append({
            "recipe": label, "honest_users": len(honest),
            "spearman_truth": float(stats.spearmanr(table[label], table["true_influence"]).statistic),
            "penalised": int(penalised.sum()), "wrongly_penalised": int(wrong.sum()),
            "penalised_reciprocity": float(per_user.loc[penalised, "reciprocity"].median()) if penalised.any()
            else np.nan,
            "all_reciprocity": float(per_user["reciprocity"].median()),
        })
    return per_user, pd.DataFrame(rows)


def _reciprocity(dataset: Dataset, when: pd.Timestamp, window_days: float = 90) -> pd.Series:
    """Share of each account's distinct engagers (in the window) that it engages back in the same window."""
    ev = dataset.events
    mask = (ev["kind"].isin(["reshare", "like", "reply", "mention"]) & (ev["timestamp"] <= when)
            & (ev["timestamp"] > when - pd.Timedelta(days=window_days)) & (ev["actor_id"] != ev["target_id"])
            & ev["target_id"].notna())
    pairs = ev.loc[mask, ["actor_id", "target_id"]].drop_duplicates()
    back = pairs.merge(pairs.rename(columns={"actor_id": "target_id", "target_id": "actor_id"}), how="left",
                       on=["actor_id", "target_id"], indicator=True)
    back["mutual"] = back["_merge"] == "both"
    return back.groupby("target_id")["mutual"].mean().rename("reciprocity")


def _lift_rows(seed, name, recipe, targets, attacks, clean: pd.Series, after: pd.Series, population) -> list[dict]:
    before_t = clean.reindex(targets).fillna(float(population.min())).to_numpy()
    after_t = after.reindex(targets).to_numpy()
    pct_b, pct_a = _percentile(population, before_t), _percentile(population, after_t)
    rows = []
    for i, (target, attack) in enumerate(zip(targets, attacks)):
        gain = float(after_t[i] - before_t[i])
        led = attack.ledger
        rows.append({
            "seed": seed, "strategy": name, "recipe": recipe, "target": target, "before": before_t[i],
            "after": after_t[i], "gain_points": gain, "before_pct": pct_b[i], "after_pct": pct_a[i],
            "gain_pct": float(pct_a[i] - pct_b[i]), "money_usd": led["money_usd"], "hours": led["hours"],
            "cost_usd": led["cost_usd"], "cost_per_point": led["cost_usd"] / gain if gain > 0 else np.nan,
            "actions": int(led["actions"]), "accounts_created": int(led["accounts_created"]),
            "truth_change": led["truth_change"],
        })
    return rows


def lift_summary(table: pd.DataFrame, *, value: str = "gain_points", n_boot: int = 1000, seed: int = 0,
                 level: float = 0.95) -> pd.DataFrame:
    """Mean of ``value`` per strategy and recipe over targets and seeds, with a bootstrap interval that resamples
    (seed, target) attacks; plus the median cost per point and the mean truth change. One row per pair."""
    rows = []
    for (strategy, recipe), part in table.groupby(["strategy", "recipe"], sort=False):
        values = part[value].to_numpy(dtype=float)
        idx = bootstrap_indices(len(values), n_boot, seed)
        low, high = percentile_interval(values[idx].mean(axis=1), level)
        rows.append({"strategy": strategy, "recipe": recipe, "mean": float(values.mean()), "low": low, "high": high,
                     "n": len(values), "median_cost_per_point": float(part["cost_per_point"].median()),
                     "cost_usd": float(part["cost_usd"].mean()), "truth_change": float(part["truth_change"].mean())})
    return pd.DataFrame(rows)


def lift_removed(table: pd.DataFrame, defence: str, reference: str = "klout", *, value: str = "gain_pct",
                 min_gain: float = 1.0) -> pd.DataFrame:
    """How much of each strategy's lift a defence removes, against a reference recipe (both in ``table``, a
    :func:`lift_table`): per strategy whose mean reference gain is at least ``min_gain``, the two mean gains and
    ``removed`` = 1 - defence / reference (1: all of it; 0: none; below 0: the defence gives the gamer more)."""
    means = table.groupby(["strategy", "recipe"])[value].mean().unstack()
    for name in (defence, reference):
        if name not in means.columns:
            raise ValueError(f"lift_removed: recipe {name!r} is not in the lift table ({list(means.columns)}).")
    kept = means[means[reference] >= min_gain]
    out = pd.DataFrame({"reference_gain": kept[reference], "defence_gain": kept[defence]})
    out["removed"] = 1.0 - out["defence_gain"] / out["reference_gain"]
    return out.sort_values("removed").reset_index()
