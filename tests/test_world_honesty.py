"""The world's honesty test: it does not decide the main comparisons before a notebook measures them.

DESIGN.md: for each main comparison there are settings inside the documented ranges (the assumption ledger)
where either side wins. Each comparison is made in three seeds of the default-size world; a side "wins" when
it is ahead in every seed and the mean gap is more than three standard errors of the seed-to-seed spread.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from influence_lab.datasets.world import ASSUMPTIONS, WorldConfig, assumption_ledger, generate_world
from influence_lab.datasets.world.ledger import ledger_fields
from influence_lab.studies.sweeps import tracking_sweep

SEEDS = (1, 2, 3)
#: Both settings sit at documented range ends (ASSUMPTIONS): attention spread 1.5, all persuasion online, and the
#: attention that clicks either opposite to (-1) or the same as (+1) the attention that reacts.
SETTINGS = {
    "clicks oppose reactions": {
        "audience__attention_sigma": 1.5, "outcomes__online_share": 1.0, "outcomes__click_attention_corr": -1.0,
    },
    "clicks follow reactions": {
        "audience__attention_sigma": 1.5, "outcomes__online_share": 1.0, "outcomes__click_attention_corr": 1.0,
    },
    "offline invisible online": {"outcomes__offline_online_corr": -0.5},
    "offline follows popularity": {"outcomes__offline_online_corr": 1.0},
}


@pytest.fixture(scope="module")
def sweep() -> pd.DataFrame:
    return tracking_sweep(SETTINGS, seeds=SEEDS, measures=("klout", "followers"))


def _gap(sweep: pd.DataFrame, setting: str, population: str, column: str) -> np.ndarray:
    rows = sweep[(sweep["setting"] == setting) & (sweep["population"] == population)]
    wide = rows.pivot(index="seed", columns="measure", values=column)
    return (wide["klout"] - wide["followers"]).to_numpy()


def _decisive(gaps: np.ndarray) -> bool:
    """Same sign in every seed, and the mean more than three standard errors from zero."""
    se = gaps.std(ddof=1) / math.sqrt(len(gaps))
    return bool((np.sign(gaps) == np.sign(gaps.mean())).all() and abs(gaps.mean()) > 3 * se)


def test_settings_are_inside_the_documented_ranges():
    ranges = {a.parameter: (a.low, a.high) for a in ASSUMPTIONS}
    for change in SETTINGS.values():
        for key, value in change.items():
            low, high = ranges[key]
            assert low <= value <= high, key


def test_followers_or_the_score_can_track_the_truth_better_among_active_accounts(sweep):
    """Among accounts a score can tell apart (>= 10 reactions in the window), the verdict of notebook 01 moves."""
    followers_win = _gap(sweep, "clicks oppose reactions", "active", "spearman")
    score_wins = _gap(sweep, "clicks follow reactions", "active", "spearman")
    assert (followers_win < 0).all() and _decisive(followers_win), followers_win
    assert (score_wins > 0).all() and _decisive(score_wins), score_wins
    assert followers_win.mean() < -0.1 and score_wins.mean() > 0.1


def test_the_score_can_miss_most_or_much_less_of_offline_influence(sweep):
    """The Klout-style top decile holds under 40% of the offline influence the true top decile holds when offline
    reach is invisible online, and over 55% when it goes with online popularity."""
    rows = sweep[(sweep["population"] == "all") & (sweep["measure"] == "klout")]
    captured = rows.pivot(index="seed", columns="setting", values="offline_captured")
    hidden, visible = captured["offline invisible online"], captured["offline follows popularity"]
    assert (hidden < 0.4).all(), hidden
    assert (visible > 0.55).all(), visible
    assert _decisive((visible - hidden).to_numpy())


# ---------------------------------------------------------------- the assumption ledger


def test_every_ledger_row_is_a_configuration_field_with_its_default_in_range():
    fields = ledger_fields()
    table = assumption_ledger()
    assert list(table["parameter"]) == [a.parameter for a in ASSUMPTIONS]
    for a in ASSUMPTIONS:
        assert a.parameter in fields, a.parameter
        assert a.moves in {"events", "outcomes"}
        assert a.claims and a.source
        default = WorldConfig()
        section, _, name = a.parameter.partition("__")
        value = getattr(getattr(default, section), name)
        if not math.isnan(a.low):
            assert a.low <= value <= a.high, a.parameter
        assert (a.moves == "outcomes") == a.parameter.startswith("outcomes__"), a.parameter


def test_every_audience_and_main_outcome_parameter_is_in_the_ledger():
    listed = {a.parameter for a in ASSUMPTIONS}
    for name in ("attention_sigma", "attention_popularity_corr", "dormant_follower_share"):
        assert f"audience__{name}" in listed
    for name in ("online_share", "click_attention_corr", "offline_online_corr", "visibility_referral_rate",
                 "offline_strength", "offline_availability_coupling"):
        assert f"outcomes__{name}" in listed


@pytest.fixture(scope="module")
def small_base():
    return generate_world(SMALL)


SMALL = WorldConfig(n_users=200, n_fake_followers=200)


@pytest.mark.parametrize("assumption", [a for a in ASSUMPTIONS if not math.isnan(a.low)], ids=lambda a: a.parameter)
def test_every_swept_range_end_generates_and_moves_what_the_ledger_says(assumption, small_base):
    """At both ends of every swept range the world generates; an "outcomes" row leaves the events exactly as they
    are, an "events" row changes them at one end at least."""
    changed_events = []
    for value in (assumption.low, assumption.high):
        world = generate_world(SMALL.replace(**{assumption.parameter: value}))
        assert world.users["true_influence"].notna().all()
        changed_events.append(not world.events.equals(small_base.events))
    if assumption.moves == "outcomes":
        assert not any(changed_events), assumption.parameter
    else:
        assert any(changed_events), assumption.parameter


def test_a_grid_cell_of_the_verdict_map_is_the_direct_computation():
    from scipy import stats

    from influence_lab import make_recipe
    from influence_lab.datasets.world import generate_outcome_variants
    from influence_lab.scoring.events import day_end
    from influence_lab.scoring.features import user_features
    from influence_lab.studies.sweeps import grid_settings, verdict_map

    base = WorldConfig(n_users=800, n_fake_followers=300)
    axes = {"outcomes__click_attention_corr": [-1.0, 1.0]}
    assert list(grid_settings(axes)) == ["click_attention_corr=-1", "click_attention_corr=1"]
    table = verdict_map(axes, seeds=(1, 2), base=base, min_reactions=5).set_index("outcomes__click_attention_corr")
    gaps = []
    for seed in (1, 2):
        world = generate_outcome_variants(base.replace(seed=seed), [{"click_attention_corr": 1.0}])[0]
        when = day_end("2012-04-15")
        feats = user_features(world, as_of=when)
        users = world.users.set_index("user_id")
        real = feats.index.intersection(users.index[users["persona"] != "fake_follower"])
        active = real[feats.loc[real, "reactions_received"] >= 5]
        klout = make_recipe("klout").score(world, as_of=when)["score"].loc[active]
        truth = users.loc[active, "true_influence"]
        gaps.append(stats.spearmanr(klout, truth).statistic - stats.spearmanr(feats.loc[active, "followers"], truth).statistic)
    assert table.loc[1.0, "mean_gap"] == pytest.approx(np.mean(gaps), abs=1e-12)
    assert table.loc[1.0, "low"] == pytest.approx(min(gaps)) and table.loc[1.0, "high"] == pytest.approx(max(gaps))
