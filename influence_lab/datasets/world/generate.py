"""The world's assembly: :func:`generate_world` runs the mechanisms on their random streams and builds
the tables; plus the diagnostics the notebooks and tests use (:func:`follower_edges`,
:func:`reciprocity`, :func:`engagement_received`, :func:`engagement_percentiles`, :func:`world_summary`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from influence_lab.contract import (
    ENGAGEMENT_KINDS,
    EVENT_KINDS,
    ID_DTYPE,
    KIND_DTYPE,
    KNOWN_METRICS,
    Dataset,
    validate_events,
    validate_outcomes,
    validate_users,
)
from influence_lab.datasets.world._common import _merge
from influence_lab.datasets.world.activity import _Posts, _availability, _draw_life_events, _draw_posts
from influence_lab.datasets.world.cases import (
    CASE_HANDLES,
    CASE_USERS,
    _engagement_received,
    _mid_percentile,
    _select_candidates,
)
from influence_lab.datasets.world.config import (
    ID_WIDTH,
    POST_ID_WIDTH,
    POST_TOPICS,
    SECONDS_PER_DAY,
    TOPICS,
    WORLD_END_SECONDS,
    _MONTH_STARTS,
    OutcomeConfig,
    WorldConfig,
    _seconds,
)
from influence_lab.datasets.world.engagement import _Activity, _simulate_engagement
from influence_lab.datasets.world.follows import (
    ORIGIN_NAMES,
    _Edges,
    _Packages,
    _bought_edges,
    _follow_backs,
    _organic_graph,
    _ring_edges,
    _schedule_unfollows,
)
from influence_lab.datasets.world.outcomes import _draw_outcomes, _expected_audience, _expected_influence, _outcome_draws
from influence_lab.datasets.world.population import _Population, _draw_audience, _draw_population
from influence_lab.datasets.world.texts import _handles, _join, _texts

# --------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------


#: Number of random streams spawned from the seed: 0 population, 1 life events, 2 graph, 3 rings and bought
#: followers, 4 posts, 5 engagement, 6 ids and handles, 7 texts, 8 outcomes, 9 audience attention and dormancy.
_N_STREAMS = 10
_OUTCOME_STREAM = 8


def _streams(seed: int) -> list[np.random.Generator]:
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(_N_STREAMS)]


@dataclass
class _Run:
    """Everything up to and including the events: what every outcome variant of one world shares."""

    cfg: WorldConfig
    pop: _Population
    avail: np.ndarray
    edges: _Edges
    dormant: np.ndarray
    posts: _Posts
    activity: _Activity
    packages: _Packages
    user_ids: pa.Array
    id_number: np.ndarray
    handles: pa.Array
    events: pd.DataFrame
    truth: dict[str, pd.DataFrame]


def _simulate(cfg: WorldConfig) -> _Run:
    """Run mechanisms 1-5 (accounts to engagement) and build the events and the event-level truth tables."""
    cfg.check()
    streams = _streams(cfg.seed)
    pop = _draw_population(cfg, streams[0])
    salt = int(streams[9].integers(0, 2**62))
    _draw_audience(cfg, pop, streams[9])
    life = _draw_life_events(cfg, pop, streams[1])
    avail = _availability(pop, life)

    edges = _organic_graph(cfg, pop, streams[2])
    keys = np.sort(edges.follower * pop.n + edges.followee)
    back = _follow_backs(cfg, pop, edges, keys, streams[2])
    edges.extend(back)
    organic = np.ones(len(edges.start), dtype=bool)
    keys = np.sort(edges.follower * pop.n + edges.followee)
    ring = _ring_edges(pop, keys, streams[3])
    edges.extend(ring)
    keys = _merge(keys, ring.follower * pop.n + ring.followee)
    bought, packages = _bought_edges(cfg, pop, keys, streams[3])
    edges.extend(bought)
    organic = np.concatenate((organic, np.zeros(len(ring.start) + len(bought.start), dtype=bool)))
    _schedule_unfollows(cfg, edges, organic, streams[2])

    posts = _draw_posts(cfg, pop, avail, streams[4])
    activity = _simulate_engagement(cfg, pop, avail, edges, posts, streams[5], salt)
    dormant = activity.dormant

    mention_posts = np.flatnonzero(posts.mention_target >= 0)
    w0, w1 = (_seconds(x) for x in cfg.cases.candidate_window)
    received = _engagement_received(
        pop, posts, activity, posts.time[mention_posts], posts.mention_target[mention_posts], w0, w1
    )
    cand_34, cand_67 = _select_candidates(cfg, pop, received)
    pop.role[cand_34], pop.role[cand_67] = "candidate_34", "candidate_67"

    # Ids: case users get their fixed ids, everyone else a shuffled number (ids reveal nothing).
    case_index = np.array([0, 1, 2, 3, 4, cand_34, cand_67])
    others = np.setdiff1d(np.arange(pop.n), case_index)
    id_number = np.zeros(pop.n, dtype=np.int64)
    id_number[case_index] = [int(CASE_USERS[r][1:]) for r in CASE_USERS]
    id_number[others] = len(case_index) + 1 + streams[6].permutation(len(others))
    user_ids = pc.utf8_lpad(pc.cast(pa.array(id_number), pa.string()), ID_WIDTH, "0")
    user_ids = _join(pa.scalar("u"), user_ids)
    handles = _handles(pop, streams[6])
    is_case = np.zeros(pop.n, dtype=bool)
    is_case[case_index] = True
    case_handles = pa.array([CASE_HANDLES[role] for role in CASE_USERS]).take(
        pa.array(np.argsort(case_index, kind="stable"))
    )
    handles = pc.replace_with_mask(handles, pa.array(is_case), case_handles)

    texts = _texts(cfg, pop, posts, handles, streams[7])
    events = validate_events(
        _events_table(pop, edges, posts, activity, texts, user_ids, id_number), source="generate_world"
    )
    truth = {
        "true_life_events": _life_table(life, user_ids, id_number),
        "true_post_topics": _post_topics_table(posts, id_number),
        "true_follows": _follows_table(edges, user_ids, id_number),
        "true_gaming": _gaming_table(cfg, pop, edges, packages, user_ids, id_number),
    }
    return _Run(cfg, pop, avail, edges, dormant, posts, activity, packages, user_ids, id_number, handles, events, truth)


def _dataset(run: _Run, cfg: WorldConfig, audience: tuple[np.ndarray, np.ndarray] | None = None) -> Dataset:
    """The world's tables with the outcomes and truth of ``cfg.outcomes`` (drawn on a fresh outcome stream).

    ``audience``: the run's :func:`~.outcomes._expected_audience`, when several variants share it."""
    rng = _streams(cfg.seed)[_OUTCOME_STREAM]
    draws = _outcome_draws(run.pop, rng)
    outcomes = _draw_outcomes(cfg, run.pop, run.avail, run.edges, run.dormant, run.posts, run.activity, draws, rng)
    influence = _expected_influence(cfg, run.pop, run.edges, run.dormant, draws.eta, audience)
    users = _users_table(cfg, run.pop, run.handles, run.user_ids, influence)
    outcome_table = _outcomes_table(outcomes, run.user_ids, run.id_number)
    description = (
        f"Synthetic Twitter-like world for 2012 (influence_lab.datasets.world, seed {cfg.seed}): "
        f"{cfg.n_users:,} real accounts and {cfg.n_fake_followers:,} fake followers."
    )
    return Dataset(
        name="synthetic",
        users=validate_users(users, source="generate_world"),
        events=run.events,
        outcomes=validate_outcomes(outcome_table, source="generate_world"),
        removed={},
        description=description,
        truth=dict(run.truth),
    )


def generate_world(config: WorldConfig | None = None) -> Dataset:
    """Generate the synthetic world described by ``config`` (default: the shipped sample's world).

    Returns a validated :class:`Dataset` named ``"synthetic"``. Its ``truth`` holds the ground-truth
    tables no score may read: ``true_life_events``, ``true_post_topics`` (the topic of every post),
    ``true_follows`` (the origin of every follow) and ``true_gaming`` (bought-follower packages, bot rings
    and engagement pods, with dates). Same config and seed give identical tables.
    """
    cfg = config or WorldConfig()
    return _dataset(_simulate(cfg), cfg)


#: OutcomeConfig fields, which :func:`generate_outcome_variants` may change (the events stay identical).
OUTCOME_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(OutcomeConfig))


def generate_outcome_variants(
    config: WorldConfig | None, variants: Sequence[Mapping[str, Any]]
) -> list[Dataset]:
    """One world's events simulated once, with its outcomes and truth redrawn for each variant.

    Each variant maps OutcomeConfig field names (``"click_attention_corr"`` or
    ``"outcomes__click_attention_corr"``) to values. Every field of
    :class:`~.config.OutcomeConfig` acts after the events on its own random
    stream, so each returned Dataset has the same ``events`` as
    ``generate_world(config)`` and exactly the users' ``true_*`` columns and
    outcomes that ``generate_world`` gives for the changed config (a test checks
    it), at the cost of one simulation instead of one per variant. A key that
    is not an OutcomeConfig field raises ValueError naming it.
    """
    cfg = config or WorldConfig()
    changes = []
    for i, variant in enumerate(variants):
        fields = {}
        for key, value in variant.items():
            name = key.split("__", 1)[1] if key.startswith("outcomes__") else key
            if name not in OUTCOME_FIELDS:
                raise ValueError(
                    f"generate_outcome_variants: variant {i} changes {key!r}, which is not an OutcomeConfig field "
                    f"({', '.join(OUTCOME_FIELDS)}); fields of other sections change the events, so generate those "
                    "worlds with generate_world(config.replace(...))."
                )
            fields[f"outcomes__{name}"] = value
        changes.append(cfg.replace(**fields))
    for changed in changes:
        changed.check()
    run = _simulate(cfg)
    audience = _expected_audience(cfg, run.pop, run.edges, run.dormant)
    return [_dataset(run, changed, audience) for changed in changes]


# --------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------


def _events_table(
    pop: _Population,
    edges: _Edges,
    posts: _Posts,
    activity: _Activity,
    texts: pa.Array,
    user_ids: pa.Array,
    id_number: np.ndarray,
) -> pd.DataFrame:
    """All events in a deterministic order: time, kind, actor id, target id, post."""
    code = {k: i for i, k in enumerate(EVENT_KINDS)}
    n_posts = len(posts.time)
    m = np.flatnonzero(posts.mention_target >= 0)
    e_ok = activity.eng_time < WORLD_END_SECONDS
    f_ok = edges.start < WORLD_END_SECONDS
    u_ok = edges.end < WORLD_END_SECONDS
    time = np.concatenate(
        (posts.time, posts.time[m], activity.eng_time[e_ok], edges.start[f_ok], edges.end[u_ok])
    )
    actor = np.concatenate(
        (posts.author, posts.author[m], activity.eng_actor[e_ok], edges.follower[f_ok], edges.follower[u_ok])
    )
    target = np.concatenate(
        (np.full(n_posts, -1), posts.mention_target[m], posts.author[activity.eng_post[e_ok]],
         edges.followee[f_ok], edges.followee[u_ok])
    )
    kind = np.concatenate(
        (np.full(n_posts, code["post"]), np.full(len(m), code["mention"]), activity.eng_kind[e_ok],
         np.full(f_ok.sum(), code["follow"]), np.full(u_ok.sum(), code["unfollow"]))
    ).astype(np.int8)
    post = np.concatenate(
        (np.arange(n_posts), m, activity.eng_post[e_ok], np.full(f_ok.sum() + u_ok.sum(), -1))
    )
    target_number = np.where(target >= 0, id_number[np.maximum(target, 0)], -1)
    order = np.lexsort((post, target_number, id_number[actor], kind, time))
    time, actor, target, kind, post = time[order], actor[order], target[order], kind[order], post[order]
    is_post = kind == code["post"]
    post_ids = _post_ids(np.arange(n_posts))
    post_idx = pa.array(np.maximum(post, 0), mask=post < 0)
    only_posts = pa.array(np.where(is_post, post, 0), mask=~is_post)
    return pd.DataFrame(
        {
            "timestamp": _timestamps(time),
            "actor_id": _str(user_ids.take(pa.array(actor))),
            "target_id": _str(user_ids.take(pa.array(np.maximum(target, 0), mask=target < 0))),
            "kind": pd.Categorical.from_codes(kind, dtype=KIND_DTYPE),
            "post_id": _str(post_ids.take(post_idx)),
            "text": _str(texts.take(only_posts)),
        }
    )


def _users_table(
    cfg: WorldConfig, pop: _Population, handles: pa.Array, user_ids: pa.Array, influence: dict[str, np.ndarray]
) -> pd.DataFrame:
    """One row per account, sorted by user_id, with the latent truth in ``true_*`` columns."""

    def joined(mask: np.ndarray) -> pa.Array:
        # ';'-joined topic names per row (empty -> missing), built column by column.
        running = np.cumsum(mask, axis=1)
        out = pa.array(np.full(pop.n, ""))
        for j, name in enumerate(TOPICS):  # a loop over the 18 topics, not over users
            piece = pc.if_else(pa.array(mask[:, j]), pa.scalar(name), pa.scalar(""))
            sep = pc.if_else(pa.array(mask[:, j] & (running[:, j] > 1)), pa.scalar(";"), pa.scalar(""))
            out = _join(out, sep, piece)
        return pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)

    gaming = np.full(pop.n, "none", dtype=object)
    gaming[pop.bought] = "bought_followers"
    gaming[pop.pod] = "pod"
    gaming[pop.is_bot] = "bot"
    gaming[pop.is_bot & pop.bought] = "bot;bought_followers"
    gaming[pop.is_fake] = "fake_follower"
    persona_dtype = pd.CategoricalDtype(list(pop.persona_names))
    table = pd.DataFrame(
        {
            "user_id": _str(user_ids),
            "handle": _str(handles),
            "created_at": _timestamps(pop.created),
            "persona": pd.Categorical.from_codes(pop.persona.astype(np.int64), dtype=persona_dtype),
            "true_appeal": _round6(pop.appeal),
            "true_posting_rate": _round6(pop.posting_rate),
            "true_reactivity": _round6(pop.reactivity),
            "true_popularity": _round6(pop.popularity),
            "true_attention": _round6(np.where(pop.is_fake, 0.0, pop.attention)),
            "true_click_attention": _round6(np.where(pop.is_fake, 0.0, influence["click_attention"])),
            "true_offline_reach": _round6(influence["offline_reach"]),
            "true_credibility": _round6(pop.credibility),
            "true_order_value": _round6(np.where(pop.is_fake, 0.0, influence["order_value"])),
            "true_topics": _str(joined(pop.expertise)),
            "true_interests": _str(joined(pop.interests)),
            "true_gaming": pd.Series(gaming, dtype=ID_DTYPE),
            "true_ring": pop.ring.astype(np.int64),
            "true_influence": _round6(influence["total"]),
            "true_online_influence": _round6(influence["online"]),
            "true_offline_influence": _round6(influence["offline"]),
            "true_case_role": pd.Series(np.where(pop.role == "", None, pop.role), dtype=ID_DTYPE),
        }
    )
    return table.sort_values("user_id", kind="stable").reset_index(drop=True)


def _outcomes_table(outcomes: dict[str, np.ndarray], user_ids: pa.Array, id_number: np.ndarray) -> pd.DataFrame:
    user = np.repeat(outcomes["user"], len(KNOWN_METRICS))
    month = np.repeat(outcomes["month"], len(KNOWN_METRICS))
    metric = np.tile(np.arange(len(KNOWN_METRICS)), len(outcomes["user"]))
    value = outcomes["values"].ravel()
    order = np.lexsort((metric, month, id_number[user]))
    user, month, metric, value = user[order], month[order], metric[order], value[order]
    return pd.DataFrame(
        {
            "user_id": _str(user_ids.take(pa.array(user))),
            "period": _timestamps(_MONTH_STARTS[month]),
            "metric": _str(pa.array(list(KNOWN_METRICS)).take(pa.array(metric))),
            "value": value,
        }
    )


def _life_table(life: dict[str, np.ndarray], user_ids: pa.Array, id_number: np.ndarray) -> pd.DataFrame:
    """The ground-truth life events: user_id, event, start, end (exclusive), availability."""
    start_day = np.floor_divide(life["start"], SECONDS_PER_DAY) * SECONDS_PER_DAY
    end_day = -np.floor_divide(-life["end"], SECONDS_PER_DAY) * SECONDS_PER_DAY
    event_names = np.array(life["event"], dtype=object)
    order = np.lexsort((event_names.astype(str), start_day, id_number[life["user"]]))
    return pd.DataFrame(
        {
            "user_id": _str(user_ids.take(pa.array(life["user"][order]))),
            "event": pd.Series(event_names[order], dtype=ID_DTYPE),
            "start": _timestamps(start_day[order]),
            "end": _timestamps(end_day[order]),
            "availability": np.round(life["availability"][order], 4),
        }
    )


def _post_ids(index: np.ndarray) -> pa.Array:
    numbers = pc.cast(pa.array(index + 1), pa.string())
    return _join(pa.scalar("p"), pc.utf8_lpad(numbers, POST_ID_WIDTH, "0"))


def _post_topics_table(posts: _Posts, id_number: np.ndarray) -> pd.DataFrame:
    """The true topic of every post (``post_id``, ``topic``: one of the 18 topics, ``chat`` or ``joke``).

    Post ids number the posts in time order, as in ``events``.
    """
    topic_names = pa.array(list(POST_TOPICS))
    return pd.DataFrame(
        {
            "post_id": _str(_post_ids(np.arange(len(posts.time)))),
            "topic": _str(topic_names.take(pa.array(posts.topic))),
        }
    )


def _follows_table(edges: _Edges, user_ids: pa.Array, id_number: np.ndarray) -> pd.DataFrame:
    """The origin of every follow in ``events``: follower, followee, start, end (unfollow, or missing), origin, group.

    ``origin``: organic (chosen by attachment and homophily), follow_back, ring (members of a bot ring or pod
    following each other), bought (a fake follower delivered in a package), exposure (followed after seeing a
    reshare). ``group``: the package id (bought) or ring id (ring), -1 otherwise.
    """
    ok = edges.start < WORLD_END_SECONDS
    f, v, start, end = edges.follower[ok], edges.followee[ok], edges.start[ok], edges.end[ok]
    origin, group = edges.origin[ok], edges.group[ok]
    order = np.lexsort((id_number[v], id_number[f], start))
    f, v, start, end, origin, group = f[order], v[order], start[order], end[order], origin[order], group[order]
    ended = end < WORLD_END_SECONDS
    return pd.DataFrame(
        {
            "follower_id": _str(user_ids.take(pa.array(f))),
            "followee_id": _str(user_ids.take(pa.array(v))),
            "start": _timestamps(start),
            "end": _timestamps(np.where(ended, end, 0)).where(ended),
            "origin": _str(pa.array(list(ORIGIN_NAMES)).take(pa.array(origin.astype(np.int64)))),
            "group": group.astype(np.int64),
        }
    )


def _gaming_table(
    cfg: WorldConfig, pop: _Population, edges: _Edges, packages: _Packages, user_ids: pa.Array, id_number: np.ndarray
) -> pd.DataFrame:
    """Who games, how and when: one row per bought-follower package and per ring or pod membership.

    Columns: user_id, strategy (``bought_followers``, ``bot_ring``, ``pod``), group (package id or ring id),
    start (purchase or formation), end (last delivery of a package; missing for rings and pods, which last),
    size (followers ordered, or members of the ring), follows (follow events it produced in the data).
    """
    delivered = (edges.start < WORLD_END_SECONDS) & (edges.origin == ORIGIN_NAMES.index("bought"))
    n_pack = len(packages.buyer)
    follows = np.bincount(edges.group[delivered], minlength=n_pack)
    last = np.full(n_pack, -1, dtype=np.int64)
    np.maximum.at(last, edges.group[delivered], edges.start[delivered])
    keep = follows > 0
    pack_rows = {
        "user": packages.buyer[keep],
        "strategy": np.full(keep.sum(), "bought_followers", dtype=object),
        "group": np.flatnonzero(keep),
        "start": packages.date[keep],
        "end": last[keep],
        "size": packages.size[keep],
        "follows": follows[keep],
    }
    members = np.flatnonzero(pop.ring >= 0)
    ring_of = pop.ring[members]
    ring_size = np.bincount(ring_of, minlength=len(pop.ring_formed))
    ring_edge = (edges.start < WORLD_END_SECONDS) & (edges.origin == ORIGIN_NAMES.index("ring"))
    ring_follows = np.bincount(edges.follower[ring_edge], minlength=pop.n)
    ring_rows = {
        "user": members,
        "strategy": np.where(pop.ring_is_bot[ring_of], "bot_ring", "pod").astype(object),
        "group": ring_of,
        "start": pop.ring_formed[ring_of],
        "end": np.full(len(members), -1, dtype=np.int64),
        "size": ring_size[ring_of],
        "follows": ring_follows[members],
    }
    rows = {k: np.concatenate((pack_rows[k], ring_rows[k])) for k in pack_rows}
    order = np.lexsort((rows["group"], rows["strategy"].astype(str), id_number[rows["user"]]))
    rows = {k: v[order] for k, v in rows.items()}
    has_end = rows["end"] >= 0
    return pd.DataFrame(
        {
            "user_id": _str(user_ids.take(pa.array(rows["user"]))),
            "strategy": pd.Series(rows["strategy"].astype(str), dtype=ID_DTYPE),
            "group": rows["group"].astype(np.int64),
            "start": _timestamps(rows["start"]),
            "end": _timestamps(np.where(has_end, rows["end"], 0)).where(has_end),
            "size": rows["size"].astype(np.int64),
            "follows": rows["follows"].astype(np.int64),
        }
    )


def _round6(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float), 6)


def _timestamps(seconds: np.ndarray) -> pd.Series:
    values = np.datetime64("2012-01-01T00:00:00", "s") + seconds.astype("timedelta64[s]")
    return pd.Series(pd.DatetimeIndex(values.astype("datetime64[ns]")).tz_localize("UTC"))


def _str(array: pa.Array | pa.ChunkedArray) -> pd.Series:
    return pd.Series(pd.array(array, dtype=ID_DTYPE))


# --------------------------------------------------------------------------------------
# Diagnostics the notebooks and tests use
# --------------------------------------------------------------------------------------


def _utc(when: str | pd.Timestamp) -> pd.Timestamp:
    ts = pd.Timestamp(when)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def follower_edges(events: pd.DataFrame, at: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """The follower graph at time ``at`` (default: after the last event), from follow/unfollow events.

    Returns columns ``follower_id``, ``followee_id`` (one row per follow standing at ``at``).
    A pair's latest follow or unfollow before ``at`` decides (events are put in time order first;
    ties keep table order, as in :func:`influence_lab.scoring.features.follow_state_deltas`).
    """
    ev = events[events["kind"].isin(["follow", "unfollow"])].sort_values("timestamp", kind="stable")
    if at is not None:
        ev = ev[ev["timestamp"] < _utc(at)]
    ev = ev[ev["actor_id"] != ev["target_id"]]  # self-follows change nothing (as in features)
    last = ev.drop_duplicates(["actor_id", "target_id"], keep="last")
    standing = last[last["kind"] == "follow"]
    return pd.DataFrame(
        {"follower_id": standing["actor_id"].to_numpy(), "followee_id": standing["target_id"].to_numpy()}
    ).astype(ID_DTYPE)


def reciprocity(edges: pd.DataFrame) -> dict[str, float]:
    """Reciprocity of a follower graph, in both common definitions.

    ``pairs``: share of linked pairs that link both ways (Kwak et al.'s 22.1%,
    FACTS.md [unchecked]); ``edges``: share of follows that are returned
    (networkx's overall_reciprocity), 2p / (1 + p) for pair share p.
    """
    a = edges["follower_id"].to_numpy(dtype=object)
    b = edges["followee_id"].to_numpy(dtype=object)
    codes, uniques = pd.factorize(np.concatenate((a, b)))
    n = len(uniques)
    f, v = codes[: len(a)].astype(np.int64), codes[len(a):].astype(np.int64)
    key = np.unique(f * n + v)
    rev = np.unique(v * n + f)
    mutual_edges = np.isin(key, rev, assume_unique=True).sum()
    total = len(key)
    mutual_pairs = mutual_edges / 2
    pairs = total - mutual_pairs
    return {
        "pairs": float(mutual_pairs / pairs) if pairs else float("nan"),
        "edges": float(mutual_edges / total) if total else float("nan"),
    }


def engagement_received(events: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.Series:
    """Engagement events (reshare, like, reply, mention) received from others per user in [start, end).

    Self-engagement (actor == target) is not counted, as everywhere in the package.
    """
    t0, t1 = _utc(start), _utc(end)
    ts = events["timestamp"]
    mask = (
        events["kind"].isin(ENGAGEMENT_KINDS)
        & (ts >= t0)
        & (ts < t1)
        & (events["actor_id"] != events["target_id"])
    )
    return events.loc[mask, "target_id"].value_counts().rename("engagement_received")


def engagement_percentiles(
    dataset: Dataset, start: str | pd.Timestamp, end: str | pd.Timestamp
) -> pd.DataFrame:
    """Engagement received in [start, end) and its mid-rank percentile among real (non-fake) accounts."""
    users = dataset.users
    real = users.loc[users["persona"] != "fake_follower", "user_id"]
    counts = engagement_received(dataset.events, start, end).reindex(real.to_numpy(), fill_value=0)
    values = counts.to_numpy()
    pct = _mid_percentile(values, values)
    return pd.DataFrame(
        {"user_id": real.to_numpy(), "engagement_received": values, "percentile": pct}
    ).astype({"user_id": ID_DTYPE})


def world_summary(dataset: Dataset) -> dict[str, Any]:
    """Headline numbers of a world: sizes, events by kind, reciprocity, degree tail, passivity."""
    users = dataset.users
    events = dataset.events
    edges = follower_edges(events)
    real_ids = users.loc[users["persona"] != "fake_follower", "user_id"]
    followers = edges["followee_id"].value_counts().reindex(real_ids.to_numpy(), fill_value=0)
    f = np.sort(followers.to_numpy())[::-1]
    top1 = max(1, len(f) // 100)
    posts = events.loc[events["kind"] == "post", "actor_id"].value_counts().reindex(real_ids.to_numpy(), fill_value=0)
    return {
        "users": int(len(users)),
        "real_accounts": int(len(real_ids)),
        "events": int(len(events)),
        "events_by_kind": {str(k): int(v) for k, v in events["kind"].value_counts(sort=False).items()},
        "reciprocity": reciprocity(edges),
        "followers_median": float(np.median(f)),
        "followers_max": int(f.max()) if len(f) else 0,
        "followers_top1pct_share": float(f[:top1].sum() / max(f.sum(), 1)),
        "share_posting_under_weekly": float((posts.to_numpy() < 52).mean()),
    }
