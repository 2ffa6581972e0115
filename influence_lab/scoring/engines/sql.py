"""The window features of the Klout-style and network recipes, written once as SQL.

Why plain SQL (and not Ibis): the features are a handful of GROUP BYs and two window functions; both
DuckDB and Spark SQL run the same text with two dialect switches (:data:`DIALECTS`: how a timestamp becomes
nanoseconds, how integers divide), which keeps one reviewable definition, no extra dependency, and queries an
analyst can read and run in their own engine. Every definition mirrors ``scoring.features`` (a test holds the two
equal to 1e-9 on the synthetic sample):

- an *engagement* is a reshare, like, reply or mention whose target is another user;
- the window is ``(as_of - window_days, as_of]``; the *day* is the UTC day (``ts // 86400e9``);
- *activity weight* of an in-window engagement: ``g ** -activity_exponent``, ``g`` = in-window engagements its
  actor gave that day;
- *standing* of an engager on day d: distinct users who engaged them on days ``[d - W, d - 1]``
  (``W = standing_window_days``), over all history. It is computed without a range join (which Spark runs as a
  join on the user followed by a filter, quadratic in a busy user's days): each (sender, receiver) pair active
  on day p adds ``+1`` to the receiver on day ``p + 1`` and ``-1`` on ``min(next active day of the pair, p + W)
  + 1``; the standing on day d is the running sum of these marks up to d, read by probe rows in the same
  ordered window (sorted after the marks of their day);
- *published items*: posts plus reshares, replies and mentions given, less mentions carrying the post id of the
  actor's own post.

The query reads a table or view named ``events`` with columns ``ts_ns`` (BIGINT, UTC nanoseconds), ``actor_id``,
``target_id``, ``kind``, ``post_id`` (text; NULL when absent).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIALECTS", "Dialect", "klout_features_sql", "edges_sql", "users_sql", "ENGINE_FEATURES", "DAY_NS"]

DAY_NS = 86_400 * 10**9
#: The features the engines compute (the others stay pandas-only for now; see docs/architecture.md).
ENGINE_FEATURES: tuple[str, ...] = (
    "posts", "reactions_received", "unique_engagers", "published_items", "weighted_reactions",
    "standing_weighted_reactions",
)


@dataclass(frozen=True)
class Dialect:
    """How an engine spells integer floor division."""

    name: str
    floor_div: str  # a format with {a} and {b}


DIALECTS = {
    "duckdb": Dialect("duckdb", "floor({a} / {b}::DOUBLE)::BIGINT"),
    "spark": Dialect("spark", "CAST(floor({a} / CAST({b} AS DOUBLE)) AS BIGINT)"),
}


def _day(dialect: Dialect, column: str) -> str:
    # ts // DAY exactly: the quotient of two doubles is off by at most one ulp, so correct it with integers
    approx = dialect.floor_div.format(a=column, b=DAY_NS)
    return (f"(CASE WHEN {approx} * {DAY_NS} > {column} THEN {approx} - 1 "
            f"WHEN ({approx} + 1) * {DAY_NS} <= {column} THEN {approx} + 1 ELSE {approx} END)")


def _common(dialect: Dialect, *, as_of_ns: int, low_ns: int) -> str:
    day = _day(dialect, "ts_ns")
    return f"""
upto AS (
  SELECT ts_ns, {day} AS day, actor_id, target_id, kind, post_id FROM events WHERE ts_ns <= {as_of_ns}
),
eng AS (
  SELECT * FROM upto
  WHERE kind IN ('reshare', 'like', 'reply', 'mention') AND target_id IS NOT NULL AND actor_id <> target_id
),
win AS (SELECT * FROM eng WHERE ts_ns > {low_ns})"""


def klout_features_sql(*, as_of_ns: int, low_ns: int, activity_exponent: float, standing_window_days: int,
                       dialect: str = "duckdb") -> str:
    """One row per user with an in-window post or engagement received or given: the :data:`ENGINE_FEATURES`."""
    d = DIALECTS[dialect]
    w = int(standing_window_days)
    first_day = low_ns // DAY_NS - w - 1  # the standing of the window's first day looks back w days, no further
    return f"""
WITH {_common(d, as_of_ns=as_of_ns, low_ns=low_ns)},
activity AS (SELECT actor_id, day, COUNT(*) AS g FROM win GROUP BY actor_id, day),
engager_days AS (SELECT DISTINCT actor_id, day FROM win),
pairs AS (SELECT DISTINCT actor_id AS sender, target_id AS receiver, day FROM eng WHERE day >= {first_day}),
marks AS (
  SELECT receiver AS user_id, day + 1 AS day, 1 AS delta, 0 AS probe FROM pairs
  UNION ALL
  SELECT receiver AS user_id,
         LEAST(COALESCE(LEAD(day) OVER (PARTITION BY sender, receiver ORDER BY day), day + {w}), day + {w}) + 1
           AS day, -1 AS delta, 0 AS probe
  FROM pairs
  UNION ALL
  SELECT actor_id AS user_id, day, 0 AS delta, 1 AS probe FROM engager_days
),
running AS (
  SELECT user_id, day, probe,
         SUM(delta) OVER (PARTITION BY user_id ORDER BY day, probe ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
           AS standing
  FROM marks
),
standing AS (SELECT user_id AS actor_id, day, standing FROM running WHERE probe = 1),
weighted AS (
  SELECT w.target_id AS user_id,
         COUNT(*) AS reactions_received,
         COUNT(DISTINCT w.actor_id) AS unique_engagers,
         SUM(POWER(CAST(a.g AS DOUBLE), -{float(activity_exponent)!r})) AS weighted_reactions,
         SUM(POWER(CAST(a.g AS DOUBLE), -{float(activity_exponent)!r}) * LN(1 + COALESCE(s.standing, 0)))
           AS standing_weighted_reactions
  FROM win w
  JOIN activity a ON a.actor_id = w.actor_id AND a.day = w.day
  LEFT JOIN standing s ON s.actor_id = w.actor_id AND s.day = w.day
  GROUP BY w.target_id
),
authors AS (SELECT post_id, MAX(actor_id) AS author FROM events WHERE kind = 'post' AND post_id IS NOT NULL
            GROUP BY post_id),
published AS (
  SELECT u.actor_id AS user_id,
         SUM(CASE WHEN u.kind = 'post' THEN 1 ELSE 0 END) AS posts,
         COUNT(*) AS published_items
  FROM upto u LEFT JOIN authors au ON u.post_id = au.post_id
  WHERE u.ts_ns > {low_ns} AND (
    u.kind = 'post' OR (
      u.kind IN ('reshare', 'reply', 'mention') AND u.target_id IS NOT NULL AND u.actor_id <> u.target_id
      AND NOT (u.kind = 'mention' AND au.author IS NOT NULL AND au.author = u.actor_id)))
  GROUP BY u.actor_id
)
SELECT COALESCE(p.user_id, r.user_id) AS user_id,
       COALESCE(p.posts, 0) AS posts,
       COALESCE(r.reactions_received, 0) AS reactions_received,
       COALESCE(r.unique_engagers, 0) AS unique_engagers,
       COALESCE(p.published_items, 0) AS published_items,
       COALESCE(r.weighted_reactions, 0.0) AS weighted_reactions,
       COALESCE(r.standing_weighted_reactions, 0.0) AS standing_weighted_reactions
FROM published p FULL OUTER JOIN weighted r ON p.user_id = r.user_id
"""


def edges_sql(*, as_of_ns: int, low_ns: int, dialect: str = "duckdb") -> str:
    """The window's engagement graph, aggregated: engager -> author with the number of engagements."""
    d = DIALECTS[dialect]
    return f"""
WITH {_common(d, as_of_ns=as_of_ns, low_ns=low_ns)}
SELECT actor_id AS source, target_id AS target, COUNT(*) AS weight FROM win GROUP BY actor_id, target_id
"""


def users_sql(*, as_of_ns: int) -> str:
    """Every user who acts or receives up to ``as_of`` (the rows a score reports)."""
    return f"""
SELECT actor_id AS user_id FROM events WHERE ts_ns <= {as_of_ns}
UNION SELECT target_id FROM events WHERE ts_ns <= {as_of_ns} AND target_id IS NOT NULL
"""
