"""The account-archive importers (``read_x_archive``, ``read_mastodon``): shipped fixtures, folders, hostile archives.

Expected numbers are recomputed here from the fixture's own files (read with zipfile, json and csv, and
the mapping rules written out below), not through the importers' code. Hostile archives are built in
``tmp_path`` with zipfile; each must end in an :class:`InputError` naming the archive (and the entry),
and nothing may be written beside it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import struct
import tempfile
import zipfile
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influence_lab.contract import ANONYMOUS_PREFIX, Dataset
from influence_lab.datasets.importers import detect_format, load_export
from influence_lab.datasets.importers.errors import InputError
from influence_lab.datasets.importers.examples import example_path
from influence_lab.datasets.importers.mastodon import read_mastodon, write_example_mastodon
from influence_lab.datasets.importers.x_archive import read_x_archive, write_example_x_archive

YTD = re.compile(r"^window\.YTD\.\w+\.part\d+ = ")


# --------------------------------------------------------------------------- reading the fixtures by hand


def ytd_entries(path: Path) -> dict[str, object]:
    """Every ``data/*.js`` entry of an X archive zip as its JSON value (the ``window.YTD`` prefix cut)."""
    out = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            text = archive.read(name).decode("utf-8")
            if name.startswith("data/") and YTD.match(text):
                out[name] = json.loads(YTD.sub("", text, count=1))
    return out


def x_expected(path: Path) -> dict:
    """Events by kind (and the facts the tests check) implied by an X archive's JSON, by the documented rules."""
    js = ytd_entries(path)
    account = js["data/account.js"][0]["account"]
    owner = account["accountId"]
    tweets = [item["tweet"] for name in ("data/tweets.js", "data/tweets-part1.js") for item in js[name]]
    kinds: Counter = Counter()
    likes, reshares, threads, replies = {}, {}, [], []
    for t in tweets:
        mentioned = [m["id_str"] for m in t["entities"]["user_mentions"]]
        if t["full_text"].startswith("RT @"):
            kinds["reshare"] += mentioned[0] != "-1"
            continue
        to_user = t.get("in_reply_to_user_id_str")
        if to_user and to_user != owner:
            kinds["reply"] += 1
            replies.append(t)
        else:
            kinds["post"] += 1
            if to_user == owner:
                threads.append(t["id_str"])
        kinds["mention"] += len(set(mentioned) - {owner, "-1", to_user})
        likes[t["id_str"]] = int(t["favorite_count"])
        reshares[t["id_str"]] = int(t["retweet_count"])
    kinds["like"] += sum(likes.values())
    kinds["reshare"] += sum(reshares.values())
    kinds["follow"] = len(js["data/follower.js"]) + len(js["data/following.js"])
    return {"kinds": dict(kinds), "owner": owner, "handle": account["username"], "created": account["createdAt"],
            "likes": likes, "reshares": reshares, "threads": threads, "replies": replies, "tweets": tweets,
            "followers": {f["follower"]["accountId"] for f in js["data/follower.js"]},
            "following": {f["following"]["accountId"] for f in js["data/following.js"]}}


def address(url: str) -> str:
    """https://host/users/NAME[/statuses/ID] -> name@host, as the importer's docstring says."""
    found = re.fullmatch(r"https://([^/]+)/users/([^/]+)(?:/statuses/[^/]+)?", url)
    return f"{found.group(2)}@{found.group(1)}".lower()


def mastodon_expected(path: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        actor = json.loads(archive.read("actor.json"))
        outbox = json.loads(archive.read("outbox.json"))
        likes = json.loads(archive.read("likes.json"))
        following = list(csv.DictReader(io.StringIO(archive.read("following_accounts.csv").decode())))
        followers = list(csv.DictReader(io.StringIO(archive.read("followers.csv").decode())))
    owner = address(actor["id"])
    kinds: Counter = Counter()
    threads = []
    for item in outbox["orderedItems"]:
        if item["type"] == "Announce":
            kinds["reshare"] += 1
            continue
        note = item["object"]
        to = address(note["inReplyTo"]) if note["inReplyTo"] else None
        if to and to != owner:
            kinds["reply"] += 1
        else:
            kinds["post"] += 1
            if to == owner:
                threads.append(note["id"])
        named = {address(tag["href"]) for tag in note["tag"] if tag["type"] == "Mention"}
        kinds["mention"] += len(named - {owner, to})
    kinds["follow"] = len(following) + len(followers)
    return {"kinds": dict(kinds), "owner": owner, "handle": actor["preferredUsername"],
            "created": actor["published"], "threads": threads, "likes": len(likes["orderedItems"]),
            "following": {r["Account address"] for r in following},
            "followers": {r["Account address"] for r in followers}, "outbox": outbox}


def kinds_of(dataset: Dataset) -> dict[str, int]:
    return {k: int(v) for k, v in dataset.events["kind"].astype(str).value_counts().items()}


@pytest.fixture(scope="module")
def x_data():
    path = example_path("x_archive.zip")
    return path, read_x_archive(path), x_expected(path)


@pytest.fixture(scope="module")
def toot_data():
    path = example_path("mastodon_export.zip")
    return path, read_mastodon(path), mastodon_expected(path)


# --------------------------------------------------------------------------- the shipped fixtures


@pytest.mark.parametrize("name, writer", [("x_archive.zip", write_example_x_archive),
                                          ("mastodon_export.zip", write_example_mastodon)])
def test_shipped_example_is_rebuilt_byte_for_byte(tmp_path, name, writer):
    rebuilt = writer(tmp_path / name)
    assert rebuilt.read_bytes() == example_path(name).read_bytes()
    with zipfile.ZipFile(rebuilt) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_x_fixture_is_realistic(x_data):
    _, _, exp = x_data
    times = [datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y") for t in exp["tweets"]]
    assert 150 <= len(exp["tweets"]) <= 300
    assert min(times) >= datetime(2012, 7, 1, tzinfo=timezone.utc)
    assert max(times) < datetime(2013, 1, 1, tzinfo=timezone.utc)
    assert exp["threads"] and exp["replies"] and exp["kinds"]["mention"] > 0
    assert sum(t["full_text"].startswith("RT @") for t in exp["tweets"]) > 10
    likes = sorted(exp["likes"].values())
    assert likes[0] == 0 and likes[-3] >= 100  # zeros and a few viral tweets
    assert 25 <= len(exp["followers"]) <= 35 and 35 <= len(exp["following"]) <= 45


def test_x_events_by_kind_are_what_the_json_implies(x_data):
    _, data, exp = x_data
    assert kinds_of(data) == exp["kinds"]
    assert data.removed == {"retweets of accounts the archive no longer names": 1}


def test_x_owner_and_users(x_data):
    _, data, exp = x_data
    owner_row = data.users[data.users["user_id"] == exp["owner"]].iloc[0]
    assert owner_row["handle"] == exp["handle"]
    assert owner_row["created_at"] == pd.Timestamp(exp["created"])
    ev = data.events
    own = ev["kind"].isin(["post", "reply", "mention"])
    assert (ev.loc[own, "actor_id"] == exp["owner"]).all()
    named = set(ev["actor_id"]) | set(ev["target_id"].dropna())
    assert named == set(data.users["user_id"])


def test_x_counted_reactions_are_distinct_stand_ins_on_each_tweet(x_data):
    _, data, exp = x_data
    ev = data.events
    times = {t["id_str"]: pd.Timestamp(datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y"))
             for t in exp["tweets"]}
    for kind, counts in (("like", exp["likes"]), ("reshare", exp["reshares"])):
        stand_ins = ev[(ev["kind"] == kind) & ev["actor_id"].str.startswith(ANONYMOUS_PREFIX)]
        assert len(stand_ins) == sum(counts.values())
        assert (stand_ins["target_id"] == exp["owner"]).all()
        for tweet_id, k in counts.items():
            rows = stand_ins[stand_ins["post_id"] == tweet_id]
            assert set(rows["actor_id"]) == {f"anon:{tweet_id}:{kind}:{i}" for i in range(1, k + 1)}
            assert (rows["timestamp"] == times[tweet_id]).all()
    assert ev.loc[ev["kind"] == "like", "actor_id"].str.startswith(ANONYMOUS_PREFIX).all()
    own_reshares = ev[(ev["kind"] == "reshare") & (ev["actor_id"] == exp["owner"])]
    assert own_reshares["post_id"].isna().all()  # retweets: the archive does not give the original's id


def test_x_threads_are_posts_and_replies_point_at_the_tweet_replied_to(x_data):
    _, data, exp = x_data
    ev = data.events
    posts = ev[ev["kind"] == "post"]
    assert set(exp["threads"]) <= set(posts["post_id"])
    replies = ev[ev["kind"] == "reply"]
    assert (replies["target_id"] != exp["owner"]).all()
    expected = Counter((t["in_reply_to_user_id_str"], t.get("in_reply_to_status_id_str")) for t in exp["replies"])
    found = Counter((a, None if pd.isna(b) else b) for a, b in zip(replies["target_id"], replies["post_id"]))
    assert found == expected
    # A mention carries the id of the owner's own tweet that makes it (a post's, or a reply's own id).
    own_ids = {t["id_str"] for t in exp["tweets"] if not t["full_text"].startswith("RT @")}
    mentions = ev[ev["kind"] == "mention"]
    assert mentions["post_id"].isin(own_ids).all() and (mentions["actor_id"] == exp["owner"]).all()


def test_x_follows_are_dated_at_account_creation(x_data):
    _, data, exp = x_data
    follows = data.events[data.events["kind"] == "follow"]
    assert (follows["timestamp"] == pd.Timestamp(exp["created"])).all()
    inward = follows[follows["target_id"] == exp["owner"]]
    assert set(inward["actor_id"]) == exp["followers"]
    assert set(follows.loc[follows["actor_id"] == exp["owner"], "target_id"]) == exp["following"]


def test_x_notes_say_what_was_assumed(x_data):
    _, data, exp = x_data
    notes = " ".join(data.notes)
    assert "follower counts are right at the end; when each follow happened is unknown" in notes
    n_anon = sum(exp["likes"].values()) + sum(exp["reshares"].values())
    likes, reshares = sum(exp["likes"].values()), sum(exp["reshares"].values())
    assert f"{likes:,} counted likes and {reshares:,} counted retweets" in notes
    assert "anon:<tweet id>:like:<i>" in notes and "upper bound on reach" in notes and n_anon > 0
    assert f"{len(exp['threads']):,} tweets reply to the owner's own tweets (threads)" in notes
    assert "does not give the original tweet's id" in notes
    assert "data/like.js lists 25 tweets" in notes


def test_mastodon_events_by_kind_are_what_the_json_implies(toot_data):
    _, data, exp = toot_data
    assert kinds_of(data) == exp["kinds"]
    owner_row = data.users[data.users["user_id"] == exp["owner"]].iloc[0]
    assert exp["owner"] == "wren@tidepool.example"
    assert owner_row["handle"] == exp["handle"] and owner_row["created_at"] == pd.Timestamp(exp["created"])
    ev = data.events
    assert set(exp["threads"]) <= set(ev.loc[ev["kind"] == "post", "post_id"])
    follows = ev[ev["kind"] == "follow"]
    assert (follows["timestamp"] == pd.Timestamp(exp["created"])).all()
    assert set(follows.loc[follows["target_id"] == exp["owner"], "actor_id"]) == exp["followers"]
    assert set(follows.loc[follows["actor_id"] == exp["owner"], "target_id"]) == exp["following"]
    boosts = ev[ev["kind"] == "reshare"]
    assert (boosts["target_id"] == boosts["post_id"].map(address)).all()
    # Local accounts are tagged "@user" (no host) in the fixture: their href gives the host.
    tags = [t for i in exp["outbox"]["orderedItems"] if i["type"] == "Create" for t in i["object"]["tag"]]
    assert any(t["type"] == "Mention" and t["name"].count("@") == 1 for t in tags)
    assert not ev["actor_id"].str.startswith(ANONYMOUS_PREFIX).any()


def test_mastodon_notes_say_what_was_assumed(toot_data):
    _, data, exp = toot_data
    notes = " ".join(data.notes)
    assert "follower counts are right at the end; when each follow happened is unknown" in notes
    assert f"likes.json lists {exp['likes']:,} statuses" in notes and "cannot be placed in time" in notes
    assert f"{len(exp['threads']):,} statuses reply to the owner's own statuses (threads)" in notes


@pytest.mark.parametrize("name, reader", [("x_archive.zip", read_x_archive), ("mastodon_export.zip", read_mastodon)])
def test_extracted_folder_gives_the_same_dataset(tmp_path, name, reader):
    folder = tmp_path / Path(name).stem
    with zipfile.ZipFile(example_path(name)) as archive:
        archive.extractall(folder)
    from_zip, from_folder = reader(example_path(name)), reader(folder)
    pd.testing.assert_frame_equal(from_zip.events, from_folder.events)
    pd.testing.assert_frame_equal(from_zip.users, from_folder.users)
    assert from_zip.notes == from_folder.notes and from_zip.removed == from_folder.removed
    assert from_zip.name == from_folder.name


@pytest.mark.parametrize("name, expected", [("x_archive.zip", "x-archive"), ("mastodon_export.zip", "mastodon")])
def test_load_export_detects_and_reads_the_archives(name, expected):
    assert detect_format(example_path(name)) == expected
    assert len(load_export(example_path(name)).events) > 0


# --------------------------------------------------------------------------- small archives written here

OWNER = "100"
ACCOUNT = [{"account": {"accountId": OWNER, "username": "owner_here", "createdAt": "2012-01-01T00:00:00.000Z",
                        "accountDisplayName": "Owner"}}]


def tweet(tweet_id: str, **fields) -> dict:
    body = {"id_str": tweet_id, "created_at": "Wed Jul 04 09:00:00 +0000 2012", "full_text": "hello",
            "favorite_count": "0", "retweet_count": "0", "entities": {"user_mentions": []}}
    body.update(fields)
    return {"tweet": {k: v for k, v in body.items() if v is not None}}


def js(name: str, value, part: int = 0) -> bytes:
    return f"window.YTD.{name}.part{part} = ".encode() + json.dumps(value, indent=2).encode()


def x_entries(tweets: list | None = None) -> dict[str, bytes]:
    return {"data/account.js": js("account", ACCOUNT),
            "data/tweets.js": js("tweets", tweets if tweets is not None else [tweet("1"), tweet("2")])}


def mastodon_entries() -> dict[str, bytes]:
    actor = {"id": "https://h.example/users/me", "type": "Person", "preferredUsername": "me",
             "published": "2012-01-01T00:00:00Z"}
    note = {"id": "https://h.example/users/me/statuses/1", "type": "Note", "published": "2012-07-04T09:00:00Z",
            "content": "<p>hi</p>", "inReplyTo": None, "tag": []}
    outbox = {"type": "OrderedCollection", "orderedItems": [{"type": "Create", "object": note}]}
    return {"actor.json": json.dumps(actor).encode(), "outbox.json": json.dumps(outbox).encode()}


def write_zip(path: Path, entries: dict[str, bytes], *, infos: list[tuple[zipfile.ZipInfo, bytes]] = (),
              compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for info, data in infos:
            archive.writestr(info, data)
    return path


def listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def test_x_small_archive_mapping(tmp_path):
    mentions = {"user_mentions": [{"id_str": "7", "screen_name": "seven"}, {"id_str": "7", "screen_name": "seven"},
                                  {"id_str": OWNER, "screen_name": "owner_here"}, {"id_str": "-1"}]}
    tweets = [
        tweet("1", full_text="a &amp; b @seven", favorite_count=2, retweet_count="1", entities=mentions),
        tweet("2", full_text="@eight thanks", in_reply_to_user_id_str="8", in_reply_to_status_id_str="80",
              entities={"user_mentions": [{"id_str": "8", "screen_name": "eight"}]}),
        tweet("3", full_text="more", in_reply_to_user_id_str=OWNER, in_reply_to_status_id_str="1"),
        tweet("4", full_text="RT @nine: theirs", favorite_count="0", retweet_count="55",
              entities={"user_mentions": [{"id_str": "9", "screen_name": "nine"}, {"id_str": "7"}]}),
    ]
    path = write_zip(tmp_path / "small.zip", {**x_entries(tweets),
                                             "data/follower.js": js("follower", [{"follower": {"accountId": "5"}}])})
    data = read_x_archive(path)
    rows = {(k, a, "" if pd.isna(t) else t, "" if pd.isna(p) else p)
            for k, a, t, p in data.events[["kind", "actor_id", "target_id", "post_id"]].astype(object)
            .itertuples(index=False)}
    assert rows == {
        ("post", OWNER, "", "1"), ("mention", OWNER, "7", "1"),
        ("like", "anon:1:like:1", OWNER, "1"), ("like", "anon:1:like:2", OWNER, "1"),
        ("reshare", "anon:1:reshare:1", OWNER, "1"),
        ("reply", OWNER, "8", "80"), ("post", OWNER, "", "3"), ("reshare", OWNER, "9", ""),
        ("follow", "5", OWNER, ""),
    }
    assert len(data.events) == len(rows)
    assert data.events.loc[data.events["post_id"] == "1", "text"].dropna().tolist() == ["a & b @seven"]
    assert "no data/following.js" in " ".join(data.notes)
    assert data.users.set_index("user_id").loc["7", "handle"] == "seven"


def test_x_older_layout_tweet_js_and_bare_items(tmp_path):
    bare = tweet("1")["tweet"]
    entries = {"data/account.js": js("account", ACCOUNT), "data/tweet.js": js("tweet", [bare]),
               "data/tweet-part1.js": js("tweet", [tweet("2")], part=1)}
    data = read_x_archive(write_zip(tmp_path / "old.zip", entries))
    assert sorted(data.events["post_id"]) == ["1", "2"]


def test_mastodon_unknown_types_and_unreadable_urls_are_counted(tmp_path):
    entries = mastodon_entries()
    outbox = json.loads(entries["outbox.json"])
    items = outbox["orderedItems"]
    items.append({"type": "Like", "object": "https://x.example/users/a/statuses/1"})
    items.append({"type": "Like", "object": "https://x.example/users/a/statuses/2"})
    items.append({"type": "Create", "object": {"type": "Article", "id": "z"}})
    items.append({"type": "Announce", "published": "2012-07-05T00:00:00Z", "object": "https://x.example/notes/9"})
    items.append({"type": "Create", "object": {"type": "Note", "id": "https://h.example/users/me/statuses/2",
                                               "published": "2012-07-06T00:00:00Z", "content": "x",
                                               "inReplyTo": "https://x.example/objects/abc"}})
    entries["outbox.json"] = json.dumps(outbox).encode()
    entries["followers.csv"] = b"Account address\n"
    data = read_mastodon(write_zip(tmp_path / "m.zip", entries))
    notes = " ".join(data.notes)
    assert "3 activities of outbox.json are of types not read, skipped: Create of a Article 1, Like 2." in notes
    assert "1 boosts are of statuses whose URL names no account" in notes
    assert "1 replies answer a status whose URL names no account" in notes
    assert kinds_of(data) == {"post": 2}


# --------------------------------------------------------------------------- hostile archives


def forged_sizes(path: Path, name: str, declared: int) -> None:
    """Rewrite ``name``'s uncompressed size, in its local header and the central directory, to ``declared``."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            if data[at + name_at: at + name_at + len(encoded)] == encoded:
                data[at + size_at: at + size_at + 4] = struct.pack("<I", declared)
            start = at + 4
    path.write_bytes(bytes(data))


def symlink_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def hostile(kind: str, path: Path, base: dict[str, bytes]) -> str | None:
    """Write the hostile archive ``kind`` at ``path``; return the entry its error must name (None: no entry)."""
    if kind == "dotdot":
        write_zip(path, {**base, "../evil.js": b"x"})
        return "../evil.js"
    if kind == "absolute":
        write_zip(path, base, infos=[(zipfile.ZipInfo("/etc/x"), b"x")])
        return "/etc/x"
    if kind == "symlink":
        write_zip(path, base, infos=[(symlink_info("data/link.js"), b"/etc/passwd")])
        return "data/link.js"
    target = next(iter(base))
    if kind == "bomb":
        write_zip(path, {**base, target: bytes(50 << 20)})
        return target
    if kind == "forged":
        write_zip(path, {**base, target: base[target] + b" " * (3 << 20)})
        forged_sizes(path, target, len(base[target]))
        return target
    if kind == "not-a-zip":
        path.write_bytes(b"This is a README, not an archive.\n" * 20)
        return None
    if kind == "empty":
        path.write_bytes(b"")
        return None
    raise ValueError(kind)


ARCHIVE_CASES = ["dotdot", "absolute", "symlink", "bomb", "forged", "not-a-zip", "empty"]


@pytest.mark.parametrize("case", ARCHIVE_CASES)
@pytest.mark.parametrize("reader, base", [(read_x_archive, x_entries), (read_mastodon, mastodon_entries)],
                         ids=["x", "mastodon"])
def test_hostile_archives_raise_input_error_naming_archive_and_entry(tmp_path, case, reader, base):
    path = tmp_path / "export.zip"
    entry = hostile(case, path, base())
    before = listing(tmp_path)
    with pytest.raises(InputError) as caught:
        reader(path)
    message = str(caught.value)
    assert str(path) in message and "How to fix:" in message
    if entry is not None:
        assert f"[{entry}]" in message and caught.value.entry == entry
    assert listing(tmp_path) == before


X_ENTRY_CASES = {
    "wrong prefix": ({"data/tweets.js": b"var tweets = " + json.dumps([tweet("1")]).encode()},
                     "data/tweets.js", "window.YTD.tweets.part0"),
    "another file's prefix": ({"data/tweets.js": js("follower", [])}, "data/tweets.js", "window.YTD.follower"),
    "JSON nested 10,000 deep": ({"data/tweets.js": b"window.YTD.tweets.part0 = " + b"[" * 10_000 + b"]" * 10_000},
                                "data/tweets.js", "nests JSON deeper"),
    "a tweet missing id_str": ({"data/tweets.js": js("tweets", [tweet("1"), tweet(None)])},
                               "data/tweets.js", "tweet 1, column 'id_str'"),
    "a negative favorite_count": ({"data/tweets.js": js("tweets", [tweet("1", favorite_count="-3")])},
                                  "data/tweets.js", "tweet 0, column 'favorite_count': '-3' is negative"),
    "a count that is not a number": ({"data/tweets.js": js("tweets", [tweet("1"), tweet("2", retweet_count="many")])},
                                     "data/tweets.js", "tweet 1, column 'retweet_count'"),
    "a count of a billion billion": ({"data/tweets.js": js("tweets", [tweet("1", favorite_count="1" + "0" * 18)])},
                                     "data/tweets.js", "MAX_COUNTED_REACTIONS"),
    "an integer of 5,000 digits": ({"data/tweets.js": js("tweets", [tweet("1")])[:-1] + b", " + b"7" * 5000 + b"]"},
                                   "data/tweets.js", "not valid JSON"),
    "an unreadable time": ({"data/tweets.js": js("tweets", [tweet("1", created_at="2012-07-04 09:00")])},
                           "data/tweets.js", "column 'created_at'"),
    "a lone surrogate in the text": ({"data/tweets.js": js("tweets", [tweet("1", full_text="a\ud800b")])},
                                     "data/tweets.js", "unpaired surrogate"),
    "a mention without an id": ({"data/tweets.js": js("tweets", [tweet("1", entities={"user_mentions": [{}]})])},
                                "data/tweets.js", "entities.user_mentions[0].id_str"),
    "binary data": ({"data/tweets.js": b"window.YTD.tweets.part0 = \x00\x01\x02"}, "data/tweets.js", "binary"),
    "two accounts": ({"data/account.js": js("account", ACCOUNT * 2)}, "data/account.js", "lists 2 accounts"),
    "an empty follower.js": ({"data/follower.js": b""}, "data/follower.js", "is empty"),
}


@pytest.mark.parametrize("case", list(X_ENTRY_CASES))
def test_x_broken_entries_raise_input_error_naming_entry_and_field(tmp_path, case):
    override, entry, expected = X_ENTRY_CASES[case]
    path = write_zip(tmp_path / "archive.zip", {**x_entries(), **override})
    before = listing(tmp_path)
    with pytest.raises(InputError) as caught:
        read_x_archive(path)
    message = str(caught.value)
    assert f"{path} [{entry}]" in message and expected in message
    assert listing(tmp_path) == before


def test_x_archive_without_account_or_tweets(tmp_path):
    with pytest.raises(InputError, match="no data/account.js"):
        read_x_archive(write_zip(tmp_path / "a.zip", {"data/tweets.js": js("tweets", [])}))
    with pytest.raises(InputError, match="no data/tweets.js"):
        read_x_archive(write_zip(tmp_path / "b.zip", {"data/account.js": js("account", ACCOUNT)}))


MASTODON_CASES = {
    "outbox nested 10,000 deep": ({"outbox.json": b"[" * 10_000 + b"]" * 10_000}, "outbox.json", "nests JSON"),
    "a note without an id": ({"outbox.json": json.dumps({"orderedItems": [{"type": "Create", "object": {
        "type": "Note", "published": "2012-07-04T09:00:00Z", "content": ""}}]}).encode()},
        "outbox.json", "item 0, column 'object.id'"),
    "a naive time": ({"outbox.json": json.dumps({"orderedItems": [{"type": "Announce", "published":
                      "2012-07-04T09:00:00", "object": "https://a.example/users/b/statuses/1"}]}).encode()},
                     "outbox.json", "has no time zone"),
    "no orderedItems": ({"outbox.json": b"{}"}, "outbox.json", "orderedItems"),
    "a bad address": ({"followers.csv": b"Account address\nbob@h.example\nnot an address\n"},
                      "followers.csv", "line 3, column 'Account address'"),
    "a ragged follows row": ({"following_accounts.csv": b"Account address,Show boosts,Notify on new posts,Languages\n"
                              b"bob@h.example,true,false,\ncarl@h.example,true\n"},
                             "following_accounts.csv", "line 3"),
    "an actor that is no URL": ({"actor.json": json.dumps({"id": "me", "preferredUsername": "me",
                                                           "published": "2012-01-01T00:00:00Z"}).encode()},
                                "actor.json", "column 'id'"),
}


@pytest.mark.parametrize("case", list(MASTODON_CASES))
def test_mastodon_broken_entries_raise_input_error_naming_entry(tmp_path, case):
    override, entry, expected = MASTODON_CASES[case]
    path = write_zip(tmp_path / "export.zip", {**mastodon_entries(), **override})
    before = listing(tmp_path)
    with pytest.raises(InputError) as caught:
        read_mastodon(path)
    message = str(caught.value)
    assert f"{path} [{entry}]" in message and expected in message
    assert listing(tmp_path) == before


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_extracted_folder_refuses_a_link_out_of_it(tmp_path):
    folder = tmp_path / "archive"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "account.js").write_bytes(js("account", ACCOUNT))
    outside = tmp_path / "secret.js"
    outside.write_bytes(js("tweets", [tweet("1")]))
    (folder / "data" / "tweets.js").symlink_to(outside)
    with pytest.raises(InputError) as caught:
        read_x_archive(folder)
    assert f"{folder} [data/tweets.js]" in str(caught.value)


# --------------------------------------------------------------------------- any bytes, any JSON: Dataset or InputError

_leaves = (st.none() | st.booleans() | st.integers(-1000, 1000) | st.just(10 ** 30) | st.floats()
           | st.text(max_size=12) | st.sampled_from(["\ud800", "-1", "", " ", "RT @x: y", "100"]))
JSON = st.recursive(_leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                                         max_size=4), max_leaves=12)
def _tweet_time(d: datetime) -> str:
    return d.strftime("%a %b %d %H:%M:%S +0000 ") + f"{d.year:04d}"


_plausible = st.datetimes(min_value=datetime(2006, 1, 1), max_value=datetime(2030, 1, 1)).map(_tweet_time)
_times = _plausible | _plausible | _plausible | st.datetimes(min_value=datetime(1, 1, 1)).map(_tweet_time)
_digits = st.from_regex(r"[0-9]{1,19}", fullmatch=True)
_counts = st.integers(0, 20) | st.integers(0, 20).map(str)
_mention = st.fixed_dictionaries({"id_str": st.sampled_from(["1", "2", OWNER, "-1"]) | _digits},
                                 optional={"screen_name": st.text(max_size=6)})
#: A well-formed tweet of every shape (post, reply, thread, retweet, with mentions and counts) ...
VALID_TWEET = st.fixed_dictionaries({
    "id_str": _digits, "created_at": _times,
    "full_text": st.text(max_size=20) | st.sampled_from(["RT @x: y", "@2 hi", "a &amp; b"]),
    "favorite_count": _counts, "retweet_count": _counts,
}, optional={
    "in_reply_to_user_id_str": st.sampled_from(["1", "2", OWNER]), "in_reply_to_status_id_str": _digits,
    "in_reply_to_screen_name": st.text(max_size=5),
    "entities": st.fixed_dictionaries({"user_mentions": st.lists(_mention, max_size=3)}),
})
_FIELDS = ["id_str", "created_at", "full_text", "favorite_count", "retweet_count", "in_reply_to_user_id_str",
           "in_reply_to_status_id_str", "in_reply_to_screen_name", "entities"]


def _mutate(args) -> dict:
    tweet, field, delete, value = args
    tweet = dict(tweet)
    if field is not None:
        if delete:
            tweet.pop(field, None)
        else:
            tweet[field] = value
    return tweet


#: ... with at most one field deleted or replaced by an arbitrary JSON value.
TWEET = st.tuples(VALID_TWEET, st.sampled_from([None] * 3 * len(_FIELDS) + _FIELDS), st.booleans(), JSON).map(_mutate)
_ITEM = TWEET.map(lambda t: {"tweet": t})
TWEETS = st.lists(_ITEM | _ITEM | _ITEM | TWEET | JSON, max_size=5) | JSON


def read_tweets_js(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_zip(Path(tmp) / "a.zip", {**x_entries(), "data/tweets.js": b"window.YTD.tweets.part0 = " + data})
        try:
            result = read_x_archive(path)
        except InputError:
            return
        assert isinstance(result, Dataset)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_in_tweets_js_give_a_dataset_or_input_error(data):
    read_tweets_js(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TWEETS)
def test_any_json_in_tweets_js_gives_a_dataset_or_input_error(value):
    read_tweets_js(json.dumps(value).encode())


_iso = st.datetimes(min_value=datetime(2006, 1, 1), max_value=datetime(2030, 1, 1)).map(
    lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")) | st.text(max_size=12) | JSON
_urls = st.sampled_from(["https://h.example/users/me/statuses/1", "https://o.example/users/bob/statuses/9",
                         "https://o.example/@bob/9", "https://o.example/objects/x", "not a url", ""]) | JSON
_tag = st.fixed_dictionaries({"type": st.sampled_from(["Mention", "Hashtag"]) | JSON}, optional={
    "href": st.sampled_from(["https://o.example/users/bob", "https://h.example/users/me", "x"]) | JSON,
    "name": st.sampled_from(["@bob@o.example", "@bob", "#tag", ""]) | JSON})
_NOTE = st.fixed_dictionaries({
    "type": st.sampled_from(["Note", "Question", "Article"]), "id": _urls, "published": _iso,
    "content": st.text(max_size=20) | st.just("<p>a &amp; <b>b</b><br>c</p>") | JSON,
}, optional={"inReplyTo": _urls | st.none(), "tag": st.lists(_tag, max_size=3) | JSON})
_ACTIVITY = (st.fixed_dictionaries({"type": st.just("Create"), "object": _NOTE | JSON})
             | st.fixed_dictionaries({"type": st.just("Announce"), "published": _iso, "object": _urls})
             | st.fixed_dictionaries({"type": st.text(max_size=6) | JSON}) | JSON)
OUTBOX = st.fixed_dictionaries({"orderedItems": st.lists(_ACTIVITY, max_size=5) | JSON}) | JSON


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OUTBOX)
def test_any_json_in_outbox_gives_a_dataset_or_input_error(value):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_zip(Path(tmp) / "m.zip", {**mastodon_entries(), "outbox.json": json.dumps(value).encode()})
        try:
            result = read_mastodon(path)
        except InputError:
            return
        assert isinstance(result, Dataset)
