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
  + 1``; the marks are summed per user and day (a day an engager acted carries a probe flag), and the standing
  on day d is the running sum of these daily sums up to d, read on the probe days;
- *published items*: posts plus reshares, replies and mentions given, less mentions carrying the post id of the
  actor's own post.

The query reads a table or view named ``events`` with columns ``ts_ns`` (BIGINT, UTC nanoseconds), ``actor_id``,
``target_id``, ``kind``, ``post_id`` (text; NULL when absent).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DIALECTS", "Dialect", "klout_features_sql", "daily_ledgers_sql", "first_days_sql", "edges_sql",
           "every_user_sql",
           "ENGINE_FEATURES", "TIMELINE_FEATURES", "DAY_NS"]

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


def _standing(w: int, first_day: int) -> str:
    """CTEs ``pairs`` (distinct sender, receiver, day from ``first_day``) and ``standing`` (actor_id, day,
    standing) for every row of a CTE ``engager_days`` (actor_id, day)."""
    return f"""
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
daily_marks AS (SELECT user_id, day, SUM(delta) AS delta, MAX(probe) AS probe FROM marks GROUP BY user_id, day),
running AS (
  SELECT user_id, day, probe,
         SUM(delta) OVER (PARTITION BY user_id ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
           AS standing
  FROM daily_marks
),
standing AS (SELECT user_id AS actor_id, day, standing FROM running WHERE probe = 1)"""


def _authors() -> str:
    return """
authors AS (SELECT post_id, MAX(actor_id) AS author FROM events WHERE kind = 'post' AND post_id IS NOT NULL
            GROUP BY post_id)"""


#: the rows of ``upto u`` (joined to ``authors au``) that count as published items
_PUBLISHED = """(
    u.kind = 'post' OR (
      u.kind IN ('reshare', 'reply', 'mention') AND u.target_id IS NOT NULL AND u.actor_id <> u.target_id
      AND NOT (u.kind = 'mention' AND au.author IS NOT NULL AND au.author = u.actor_id)))"""


def klout_features_sql(*, as_of_ns: int, low_ns: int, activity_exponent: float, standing_window_days: int,
                       dialect: str = "duckdb") -> str:
    """One row per user with an in-window post or engagement received or given: the :data:`ENGINE_FEATURES`
    (:func:`every_user_sql` adds the users with nothing in the window)."""
    d = DIALECTS[dialect]
    w = int(standing_window_days)
    first_day = low_ns // DAY_NS - w - 1  # the standing of the window's first day looks back w days, no further
    return f"""
WITH {_common(d, as_of_ns=as_of_ns, low_ns=low_ns)},
activity AS (SELECT actor_id, day, COUNT(*) AS g FROM win GROUP BY actor_id, day),
engager_days AS (SELECT DISTINCT actor_id, day FROM win),{_standing(w, first_day)},
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
{_authors()},
published AS (
  SELECT u.actor_id AS user_id,
         SUM(CASE WHEN u.kind = 'post' THEN 1 ELSE 0 END) AS posts,
         COUNT(*) AS published_items
  FROM upto u LEFT JOIN authors au ON u.post_id = au.post_id
  WHERE u.ts_ns > {low_ns} AND {_PUBLISHED}
  GROUP BY u.actor_id
)
SELECT COALESCE(p.user_id, r.user_id) AS user_id,
       CAST(COALESCE(p.posts, 0) AS BIGINT) AS posts,
       COALESCE(r.reactions_received, 0) AS reactions_received,
       COALESCE(r.unique_engagers, 0) AS unique_engagers,
       COALESCE(p.published_items, 0) AS published_items,
       COALESCE(r.weighted_reactions, 0.0) AS weighted_reactions,
       COALESCE(r.standing_weighted_reactions, 0.0) AS standing_weighted_reactions
FROM published p FULL OUTER JOIN weighted r ON p.user_id = r.user_id
"""


def every_user_sql(features: str, *, as_of_ns: int) -> str:
    """Every user who acts or receives up to ``as_of`` (the rows a score reports) with the window features of the
    table or view ``features`` (:func:`klout_features_sql`'s rows), zero for a user with nothing in the window."""
    columns = ",\n       ".join(f"COALESCE(f.{c}, 0) AS {c}" for c in ENGINE_FEATURES)
    return f"""
WITH seen AS (
  SELECT actor_id AS user_id FROM events WHERE ts_ns <= {as_of_ns}
  UNION SELECT target_id FROM events WHERE ts_ns <= {as_of_ns} AND target_id IS NOT NULL
)
SELECT s.user_id,
       {columns}
FROM seen s LEFT JOIN {features} f ON f.user_id = s.user_id
"""


#: the Klout-style timeline's features, with how each is kept day by day on an engine
TIMELINE_FEATURES: dict[str, str] = {
    "reactions_received": "window sum", "weighted_reactions": "window sum",
    "standing_weighted_reactions": "window sum", "published_items": "window sum", "unique_engagers": "marks",
}


def daily_ledgers_sql(*, last_ns: int, window_days: int, activity_exponent: float, standing_window_days: int,
                      dialect: str = "duckdb") -> str:
    """The per-day deltas a rolling-window timeline adds up, for every user and day up to ``last_ns``.

    Rows (feature, user_id, day, value): for a *window sum* the day's total (the timeline adds it on the day and
    takes it away ``window_days`` later); for ``unique_engagers`` the day's net marks of the pairs (``+1`` on a day
    the pair is active, ``-1`` on ``min(next active day, day + window_days)``), whose running sum is the distinct
    engagers of the last ``window_days`` days. The activity weight and the standing of an engagement are those of
    a score at the end of its own day (:func:`klout_features_sql`), so the running sums at the end of day d equal
    that day's features."""
    d = DIALECTS[dialect]
    a = float(activity_exponent)
    w, sw = int(window_days), int(standing_window_days)
    return f"""
WITH {_common(d, as_of_ns=last_ns, low_ns=-(2**62))},
activity AS (SELECT actor_id, day, COUNT(*) AS g FROM eng GROUP BY actor_id, day),
engager_days AS (SELECT actor_id, day FROM activity),{_standing(sw, -(2**40))},
received AS (
  SELECT e.target_id AS user_id, e.day,
         COUNT(*) AS reactions_received,
         SUM(POWER(CAST(a.g AS DOUBLE), -{a!r})) AS weighted_reactions,
         SUM(POWER(CAST(a.g AS DOUBLE), -{a!r}) * LN(1 + COALESCE(s.standing, 0))) AS standing_weighted_reactions
  FROM eng e
  JOIN activity a ON a.actor_id = e.actor_id AND a.day = e.day
  LEFT JOIN standing s ON s.actor_id = e.actor_id AND s.day = e.day
  GROUP BY e.target_id, e.day
),
{_authors()},
published AS (
  SELECT u.actor_id AS user_id, u.day, COUNT(*) AS published_items
  FROM upto u LEFT JOIN authors au ON u.post_id = au.post_id
  WHERE {_PUBLISHED}
  GROUP BY u.actor_id, u.day
),
engager_marks AS (
  SELECT receiver AS user_id, day, 1 AS delta FROM pairs
  UNION ALL
  SELECT receiver AS user_id,
         LEAST(COALESCE(LEAD(day) OVER (PARTITION BY sender, receiver ORDER BY day), day + {w}), day + {w}) AS day,
         -1 AS delta
  FROM pairs
)
SELECT 'reactions_received' AS feature, user_id, day, CAST(reactions_received AS DOUBLE) AS value FROM received
UNION ALL SELECT 'weighted_reactions', user_id, day, weighted_reactions FROM received
UNION ALL SELECT 'standing_weighted_reactions', user_id, day, standing_weighted_reactions FROM received
UNION ALL SELECT 'published_items', user_id, day, CAST(published_items AS DOUBLE) FROM published
UNION ALL SELECT 'unique_engagers', user_id, day, CAST(SUM(delta) AS DOUBLE) FROM engager_marks
          GROUP BY user_id, day
"""


def first_days_sql(*, last_ns: int, dialect: str = "duckdb") -> str:
    """Every user who acts or receives up to ``last_ns``, with the UTC day they are first seen."""
    day = _day(DIALECTS[dialect], "ts_ns")
    return f"""
SELECT user_id, MIN(day) AS first_day FROM (
  SELECT actor_id AS user_id, {day} AS day FROM events WHERE ts_ns <= {last_ns}
  UNION ALL SELECT target_id, {day} FROM events WHERE ts_ns <= {last_ns} AND target_id IS NOT NULL
) seen GROUP BY user_id
"""


def edges_sql(*, as_of_ns: int, low_ns: int, dialect: str = "duckdb") -> str:
    """The window's engagement graph, aggregated: engager -> author with the number of engagements."""
    d = DIALECTS[dialect]
    return f"""
WITH {_common(d, as_of_ns=as_of_ns, low_ns=low_ns)}
SELECT actor_id AS source, target_id AS target, COUNT(*) AS weight FROM win GROUP BY actor_id, target_id
"""
