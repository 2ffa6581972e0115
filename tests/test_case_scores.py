"""The case users' Klout-style scores tell the stories the notebooks follow (shipped sample, pre-2012 curve)."""

from __future__ import annotations

import pandas as pd

from influence_lab.scoring import recipes
from influence_lab.datasets.world import CASE_USERS


def klout(world, day: str) -> pd.Series:
    return recipes.score_dataset(world, "klout", as_of=pd.Timestamp(f"{day}T23:59:59Z"), curve="pre2012")["score"]


def test_blogger_starts_in_the_low_60s_and_dips_while_busy(world):
    before = klout(world, "2012-04-15")[CASE_USERS["blogger"]]
    later = klout(world, "2012-09-30")[CASE_USERS["blogger"]]
    assert 59.5 <= before <= 64.5  # rounds to the low 60s
    assert later < before


def test_candidates_read_near_34_and_67_in_march_2012(world):
    march = klout(world, "2012-03-31")
    assert abs(march[CASE_USERS["candidate_34"]] - 34) <= 4
    assert abs(march[CASE_USERS["candidate_67"]] - 67) <= 4
