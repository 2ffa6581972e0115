"""studies.hiring against brute-force counts on small hand-made populations."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from influence_lab import make_recipe
from influence_lab.datasets.world import WorldConfig, generate_world
from influence_lab.scoring.events import day_end
from influence_lab.studies import hiring


def test_concordance_is_the_share_of_pairs_ordered_alike_per_gap_bin():
    rng = np.random.default_rng(3)
    score = pd.Series(rng.integers(1, 100, 60).astype(float))
    truth = pd.Series(score + rng.normal(0, 25, 60))
    table = hiring.pair_concordance(score, truth, bins=(0, 10, 30, 100), n_boot=100)
    for row in table.itertuples():
        hits = [np.sign(score[i] - score[j]) == np.sign(truth[i] - truth[j])
                for i, j in itertools.combinations(range(60), 2)
                if row.gap_low <= abs(score[i] - score[j]) < row.gap_high and score[i] != score[j]]
        assert row.pairs == len(hits) and row.concordance == pytest.approx(np.mean(hits))
        assert row.low <= row.concordance <= row.high
    assert table["concordance"].is_monotonic_increasing  # a bigger gap misleads less when the score tracks truth
    perfect = hiring.pair_concordance(score, score * 2, bins=(0, 100), n_boot=10)
    reversed_ = hiring.pair_concordance(score, -score, bins=(0, 100), n_boot=10)
    assert perfect["concordance"].iloc[0] == 1.0 and reversed_["concordance"].iloc[0] == 0.0


def test_cutoff_errors_on_a_hand_built_pool():
    score = pd.Series([20, 30, 40, 50, 60], index=list("abcde"), dtype=float)
    truth = pd.Series([5, 1, 2, 3, 4], index=list("abcde"), dtype=float)
    result = hiring.cutoff_errors(score, truth, cutoff=35)
    # accepted c, d, e (2, 3, 4); rejected a, b (5, 1): a beats all three, b none -> 3 of 6 pairs in the wrong order
    assert result["rejected_share"] == pytest.approx(0.4)
    assert result["wrong_order"] == pytest.approx(3 / 6)
    assert result["missed_top_decile"] == 1.0  # the single most influential, a, is screened out


def test_test_retest_is_the_correlation_of_two_windows():
    world = generate_world(WorldConfig(n_users=400, n_fake_followers=200))
    result = hiring.retest_agreement(world, "klout", "2012-03-31", "2012-06-30", n_boot=100)
    a = make_recipe("klout").score(world, as_of=day_end("2012-03-31"))["score"]
    b = make_recipe("klout").score(world, as_of=day_end("2012-06-30"))["score"]
    both = pd.DataFrame({"a": a, "b": b}).dropna()
    both = both[(both["a"] > both["a"].min()) | (both["b"] > both["b"].min())]
    assert result["n"] == len(both)
    assert result["spearman"] == pytest.approx(stats.spearmanr(both["a"], both["b"]).statistic)
    assert result["pearson_low"] <= result["pearson"] <= result["pearson_high"]
    assert 0 < result["spearman"] < 1
