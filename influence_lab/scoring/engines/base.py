"""What every SQL engine shares: the window bounds, the feature and edge queries, the contract check.

A subclass sets ``name`` and ``dialect`` and implements ``_df(query) -> DataFrame`` and ``_stage(name, query)``; it creates a view ``events``
(see :mod:`~influence_lab.scoring.engines.sql`) and sets ``source`` (what it reads, for messages).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from influence_lab.contract import EVENT_KINDS, ID_DTYPE, ContractError
from influence_lab.scoring.engines.sql import (DAY_NS, ENGINE_FEATURES, daily_ledgers_sql, edges_sql, first_days_sql,
                                               every_user_sql, klout_features_sql)
from influence_lab.scoring.features import DEFAULT_PARAMS, FeatureParams

__all__ = ["SQLEngine", "CONTRACT_CHECKS"]

_KINDS = ", ".join(f"'{k}'" for k in EVENT_KINDS)
#: column -> (SQL condition of a bad row, what such rows have, how to fix them)
CONTRACT_CHECKS: dict[str, tuple[str, str, str]] = {
    "kind": (f"kind IS NULL OR kind NOT IN ({_KINDS})", f"have a kind outside {list(EVENT_KINDS)}",
             "map your platform's actions onto the contract's kinds before scoring."),
    "actor_id": ("actor_id IS NULL OR trim(actor_id) = ''", "have an empty or missing actor_id",
                 "give every row the id of who acted."),
    "target_id": ("kind <> 'post' AND target_id IS NULL", "are not posts but have no target_id",
                  "give every reaction and follow the id of who receives it."),
    "timestamp": ("ts_ns IS NULL", "have no timestamp", "give every row a time with its zone."),
}


def _end_of_day_ns(day: int) -> int:
    """The last nanosecond of UTC day ``day`` (days since 1970-01-01)."""
    return (int(day) + 1) * DAY_NS - 1


class SQLEngine:
    """Window features and edges from a view ``events``, through :mod:`~influence_lab.scoring.engines.sql`."""

    name = "sql"
    dialect = "duckdb"
    source = ""

    def _df(self, query: str) -> pd.DataFrame:
        raise NotImplementedError

    def _stage(self, name: str, query: str) -> None:
        """Make ``query``'s rows readable as ``name`` by the next query: a view (computed again where read);
        an engine that can afford it stores the rows instead, so one big query becomes two smaller ones."""
        raise NotImplementedError

    def check(self) -> None:
        """The contract in one pass: a :class:`ContractError` with the count and the first offending rows."""
        sums = ", ".join(f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END) AS {name}_bad"
                         for name, (c, _, _) in CONTRACT_CHECKS.items())
        counts = self._df(f"SELECT {sums} FROM events").iloc[0]
        for column, (condition, problem, fix) in CONTRACT_CHECKS.items():
            bad = counts[f"{column}_bad"]
            if bad and bad == bad:
                shown = self._df(f"SELECT actor_id, target_id, kind, ts_ns FROM events WHERE {condition} LIMIT 5")
                rows = "\n".join(f"  actor_id={r.actor_id!r} target_id={r.target_id!r} kind={r.kind!r} "
                                 f"ts_ns={r.ts_ns!r}" for r in shown.itertuples())
                raise ContractError(f"{self.source} (events, read by {self.name}): column '{column}': {int(bad):,} "
                                    f"rows {problem}. First offending rows:\n{rows}\nHow to fix: {fix}",
                                    table="events", column=column, source=self.source)

    def span(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        low, high = self._df("SELECT MIN(ts_ns) AS low, MAX(ts_ns) AS high FROM events").iloc[0]
        if pd.isna(high):
            raise ValueError(f"{type(self).__name__}: the events table has no rows.")
        return pd.Timestamp(int(low), tz="UTC"), pd.Timestamp(int(high), tz="UTC")

    def last_event(self) -> pd.Timestamp:
        return self.span()[1]

    def _bounds(self, as_of, window_days: float) -> tuple[int, int]:
        as_of = self.last_event() if as_of is None else pd.Timestamp(as_of)
        as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of.tz_convert("UTC")
        return int(as_of.value), int(as_of.value) - int(round(window_days * DAY_NS))

    def features_query(self, *, as_of=None, window_days: float = 90.0, params: FeatureParams = DEFAULT_PARAMS
                       ) -> tuple[str, int]:
        """The window-features query of the active users (:func:`~influence_lab.scoring.engines.sql.
        klout_features_sql`) in this engine's dialect, and ``as_of`` in nanoseconds."""
        as_of_ns, low_ns = self._bounds(as_of, window_days)
        return klout_features_sql(as_of_ns=as_of_ns, low_ns=low_ns, activity_exponent=params.activity_exponent,
                                  standing_window_days=params.standing_window_days, dialect=self.dialect), as_of_ns

    def features(self, *, as_of=None, window_days: float = 90.0, params: FeatureParams = DEFAULT_PARAMS
                 ) -> pd.DataFrame:
        """The :data:`~influence_lab.scoring.engines.sql.ENGINE_FEATURES` of every user seen up to ``as_of``."""
        query, as_of_ns = self.features_query(as_of=as_of, window_days=window_days, params=params)
        self._stage("window_features", query)
        found = self._df(every_user_sql("window_features", as_of_ns=as_of_ns))
        index = pd.Index(found["user_id"].astype(ID_DTYPE), name="user_id")
        return found[list(ENGINE_FEATURES)].astype(np.float64).set_axis(index)

    def edges(self, *, as_of=None, window_days: float = 90.0) -> pd.DataFrame:
        """The window's weighted engagement edges (source, target, weight), aggregated in the engine."""
        as_of_ns, low_ns = self._bounds(as_of, window_days)
        return self._df(edges_sql(as_of_ns=as_of_ns, low_ns=low_ns, dialect=self.dialect))

    def daily_ledgers(self, *, last_day: int, window_days: int, params: FeatureParams = DEFAULT_PARAMS
                      ) -> pd.DataFrame:
        """Per (feature, user, day) deltas of a rolling-window Klout-style timeline up to the end of UTC day
        ``last_day`` (days since 1970-01-01); see :func:`~influence_lab.scoring.engines.sql.daily_ledgers_sql`."""
        query = daily_ledgers_sql(last_ns=_end_of_day_ns(last_day), window_days=window_days,
                                  activity_exponent=params.activity_exponent,
                                  standing_window_days=params.standing_window_days, dialect=self.dialect)
        return self._df(query)

    def first_days(self, *, last_day: int) -> pd.Series:
        """The UTC day each user is first seen (as actor or target) up to the end of ``last_day``."""
        found = self._df(first_days_sql(last_ns=_end_of_day_ns(last_day), dialect=self.dialect))
        return found.set_index(found["user_id"].astype(ID_DTYPE))["first_day"].astype(np.int64)
