"""Notebook 07 (your own data): every claim its prose, figure titles and written answers make, recomputed with the
same package calls and options."""

from __future__ import annotations

import pytest

import influence_lab as il
from influence_lab.contract import ContractError
from influence_lab.datasets.importers import load_export
from influence_lab.datasets.importers.examples import example_path
from influence_lab.studies import own_data

MAPPING = {"timestamp": "when", "actor_id": "who", "target_id": "whom", "kind": "what", "post_id": "post"}
KINDS = {"question": "post", "answer": "reply", "comment": "reply"}
FORUM_OPTIONS = {"columns": MAPPING, "kinds": KINDS, "timezone": "America/New_York", "ambiguous_times": "earlier"}


@pytest.fixture(scope="module")
def forum():
    return load_export(example_path("forum_export.csv"), **FORUM_OPTIONS)


@pytest.fixture(scope="module")
def agency():
    return il.score(load_export(example_path("analytics_export.csv")), "all", warn=False)


def test_the_importer_asks_for_the_zone_and_for_the_repeated_hour():
    """First try refused (naive times, no zone named); second refused (the hour repeated when clocks go back);
    with ambiguous_times='earlier' it loads and records the choice in its notes."""
    path = example_path("forum_export.csv")
    with pytest.raises(ContractError, match="naive times"):
        load_export(path, columns=MAPPING, kinds=KINDS)
    with pytest.raises(ContractError, match="occur twice in America/New_York"):
        load_export(path, columns=MAPPING, kinds=KINDS, timezone="America/New_York")
    notes = " ".join(load_export(path, **FORUM_OPTIONS).notes)
    assert "read as America/New_York local time" in notes and "earlier of their two instants" in notes


def test_the_forum_holds_only_posts_and_replies(forum):
    """"Nothing else: no likes, no reshares, no mentions, no follows"."""
    assert set(forum.info()["events_by_kind"]) == {"post", "reply"}


def test_with_ninety_days_most_accounts_sit_at_the_floor_and_the_diagnostics_name_why(forum):
    """"With 90 days, 83% of the accounts sit at the floor of the five recipes ... 25% of the replies are
    people answering in their own thread ... SNP's interactor ratio is the same for everyone ... The Kred-style
    score ranks accounts exactly as the count of replies received does"."""
    short = il.score(forum, "all", window="90D", warn=False)
    found = set(short.diagnostics.to_frame().set_index(["check", "recipe"]).index)
    assert ("constant-component", "snp") in found and ("same-as-count", "kred") in found
    assert short.scores["snp"]["interactor_ratio"].nunique() == 1
    at_floor = own_data.floor_by_window(forum, windows=(90,))["floor_share"]
    assert at_floor.min() > 0.5
    self_share = forum.events.eval("actor_id == target_id").sum() / (forum.events["kind"] == "reply").sum()
    assert 0.2 < self_share < 0.3


def test_a_longer_window_lifts_few_accounts_and_most_are_never_answered(forum):
    """Figure title "A longer window lifts few accounts off the floor: 83% at 90 days, 78% over the whole span";
    "Most of the forum's accounts ask and are never answered: no window can rank them"."""
    floors = own_data.floor_by_window(forum, recipes=("klout",), windows=(30, 90, "all")).set_index("window")
    share = floors["floor_share"]
    assert share["30 days"] > share["90 days"] > share["whole span"] > 0.5
    assert share["90 days"] - share["whole span"] < 0.15


def test_the_window_changes_the_order_less_than_the_floor(forum):
    """"the 90-day and whole-span Klout-style rankings correlate at Spearman 0.87, and 19 of the whole span's top 20
    are also in the 90-day top 20. 112 accounts ranked over the whole span fall to the floor"."""
    agree = own_data.window_agreement(forum, "klout", short=90)
    assert agree["spearman"] > 0.7 and agree["top_shared"] >= 15 and agree["lost_to_floor"] > 0


def test_the_ranking_shows_the_baselines_and_no_follower_counts(forum):
    """"The ranking, with the sceptic's plain counts beside every score (followers are unknown ...)"."""
    report = il.score(forum, "all", warn=False)
    assert {"posts", "reactions_received", "followers"} <= set(report.table.columns)
    assert report.table["followers"].isna().all()
    assert report.window_days is None  # the whole span: an export of a year or less


def test_against_link_clicks_no_score_is_clearly_better_than_counting_reactions(agency):
    """Figure title (the branch taken): "the best score ... is no better than counting reactions"; "Over the agency's
    60 accounts ... Followers are not in an analytics export"; stand-ins make distinct engagers equal reactions."""
    frame = own_data.outcome_frame(agency, "link_clicks")
    scores = ["klout_score", "kred_score", "snp_score", "network_score", "robust_score"]
    validity = own_data.validity_table(frame, "link_clicks", scores, ["posts", "reactions_received", "followers"])
    best = validity[validity["kind"] == "recipe"].sort_values("estimate").iloc[-1]
    count = validity.set_index("measure").loc["reactions_received"]
    assert best["low"] <= count["estimate"]
    assert int(best["n"]) == 60 and "followers" in validity.attrs["left_out"]
    assert (frame["unique_engagers"] == frame["reactions_received"]).all()


def test_the_hostile_gallery_refuses_every_file_and_says_how_to_fix_it():
    """Section 5: each broken input gets one error naming the file and a fix; nothing is loaded."""
    gallery = own_data.hostile_gallery()
    assert len(gallery) >= 10
    assert not (gallery["error"] == "(loaded: no error)").any()
    assert (gallery["how to fix"].str.len() > 10).all()


def test_answers_thirty_days_and_ignored_comments(forum):
    """Exercises 5 and 6: fewer accounts above the floor at 30 days; ignoring comments is counted and noted."""
    thirty = il.score(forum, "klout", window="30D", warn=False)
    whole = il.score(forum, "klout", warn=False)
    assert (thirty.table["klout_score"] > 1 + 1e-9).sum() < (whole.table["klout_score"] > 1 + 1e-9).sum()
    dropped = load_export(example_path("forum_export.csv"), **{**FORUM_OPTIONS, "kinds": {**KINDS, "comment": "ignore"}})
    assert dropped.removed["kinds ignored by the mapping"] > 0
    assert any("left out, as the kind mapping asked" in note for note in dropped.notes)


def test_an_archive_is_one_accounts_view_and_mastodon_holds_no_reactions_received():
    """Section 4: the diagnostics say "one account's view" (and, for X, stand-ins for its counts); "posted 148 times
    in 6 months and drew 1,722 counted reactions"; "The Mastodon export ... holds 0 reactions received"."""
    archive = load_export(example_path("x_archive.zip"))
    owner = own_data.owner_of(archive)
    checks = set(il.score(archive, "klout", warn=False).diagnostics.codes())
    assert {"one-account", "anonymous-reactors"} <= checks
    months = own_data.monthly_activity(archive, owner)
    assert len(months) == 6 and months["reactions received"].sum() > months["posts"].sum()
    toot = load_export(example_path("mastodon_export.zip"))
    toots = own_data.monthly_activity(toot, own_data.owner_of(toot))
    assert toots["posts"].sum() > 0 and toots["reactions received"].sum() == 0
    assert "one-account" in il.score(toot, "klout", warn=False).diagnostics.codes()


def test_floor_by_window_calibrates_each_window_afresh(forum):
    """Each window's floor share is that of a recipe fitted on that window alone (not the first window's fit)."""
    together = own_data.floor_by_window(forum, recipes=("network",), windows=(30, 90)).set_index("window")
    alone = own_data.floor_by_window(forum, recipes=("network",), windows=(90,)).set_index("window")
    assert together.loc["90 days", "floor_share"] == alone.loc["90 days", "floor_share"]
