"""A Mastodon account export (the zip from Preferences > Import and export, or its folder) to the events contract.

The export is read straight from the zip through
:class:`~influence_lab.datasets.importers.safety.SafeArchive` (nothing is
extracted), or from the folder it was extracted to (each file through
:func:`~influence_lab.datasets.importers.safety.safe_folder_file`, which refuses
links); both through :class:`~influence_lab.datasets.importers.x_archive.ExportFiles`.
The entries may sit under one top-level folder; ``outbox.json`` fixes where.
Every error names the export, the entry and, inside ``orderedItems``, the
item's 0-based index and the field.

**Account ids** are addresses ``user@host`` everywhere, in lower case
(Mastodon compares them so): an actor URL ``https://host/users/NAME`` (or
``https://host/@NAME``) is ``name@host``; a mention name ``@bob@host`` is
``bob@host``; a status URL ``https://host/users/NAME/statuses/ID`` (or
``https://host/@NAME/ID``) belongs to ``name@host``.

Entries and fields read:

``actor.json``      (required) the owner, an ActivityStreams ``Person``:

    ``id``                 (required) the owner's actor URL -> the owner's address: ``actor_id`` of
                           everything the owner does, ``user_id`` in ``users``.
    ``preferredUsername``  (required) -> ``users.handle``.
    ``published``          (required) ISO 8601 with a zone -> ``users.created_at`` and the time of
                           every follow (see below).
    Every other field (``name``, ``summary``, ``icon``, keys, collections) is not used.

``outbox.json``     (required) an ``OrderedCollection`` whose ``orderedItems`` are activities:

    ``type``               (required) ``Create`` (a status) or ``Announce`` (a boost); any other
                           type is skipped and counted by type in the notes.
    ``object``             for ``Create``: the status, an object of type ``Note`` (or ``Question``, a
                           poll), read as below (another object type, or a bare URL, is skipped and
                           counted); for ``Announce``: the boosted status's URL (or an object with
                           that ``id``).
    ``published``          (``Announce``, required) -> ``timestamp`` of the reshare.
    ``id``, ``actor``, ``to``, ``cc``  not used (``to``/``cc`` address the audience: visibility is not
                           distinguished, a followers-only status counts like a public one).

    In a ``Create``'s ``Note``:

    ``id``                 (required) the status URL -> ``post_id`` of its post; its mentions carry it.
    ``published``          (required) ISO 8601 with a zone -> ``timestamp``.
    ``content``            (required, may be empty) HTML -> ``text``: tags stripped with
                           :mod:`html.parser` (``<br>`` and paragraph ends become line breaks),
                           entities unescaped.
    ``inReplyTo``          (optional, URL or null) the status replied to -> ``post_id`` of the reply;
                           its account (the URL rule above) is the reply's ``target_id``.
    ``tag``                (optional) ``[{"type": "Mention", "href", "name"}, ...]``: the accounts the
                           status names, by ``name`` when it is ``@user@host``, else by ``href`` (a
                           local account's name is just ``@user``); other tag types (``Hashtag``,
                           ``Emoji``) are not used.
    ``cc``, ``to``, ``summary``, ``attachment``, ``url`` and every other field: not used.

``likes.json``      (optional) an ``OrderedCollection`` of the status URLs the owner favourited,
                    with no times: they cannot be placed in time, so no event comes from them
                    (skipped, counted in the notes).
``following_accounts.csv`` (optional) header ``Account address,Show boosts,Notify on new posts,Languages``
                    -> a ``follow`` from the owner to each ``Account address`` (``bob@host``); the
                    other columns are not used.
``followers.csv``   (optional) header ``Account address`` -> a ``follow`` from each address to the owner.
Every other entry (media, avatar, bookmarks, lists) is not read (counted in the notes).

Events, all with the owner as ``actor_id`` except the followers':

- a status -> ``post`` (``post_id`` = the status URL, ``text``);
- a reply to another account's status -> ``reply`` (``target_id`` = that account, ``post_id`` = the
  ``inReplyTo`` URL, ``text``);
- a reply to the owner's own status (a thread) -> ``post`` (counted in the notes); a reply whose
  ``inReplyTo`` URL names no account by the rule above is kept as a ``post`` (counted);
- a boost -> ``reshare`` of the boosted status's account (``post_id`` = the status URL);
- each other account named in a status -> ``mention`` (``post_id`` = the status's own URL, part of that
  status); an account named twice counts once; in a reply, the account replied to is its address
  (Mastodon tags it), not counted again; a mention no rule can read is skipped (counted);
- each followed account and follower -> ``follow``, at the actor's ``published``: the export gives no
  follow dates, so follower counts are right at the end; when each follow happened is unknown.

The export holds the owner's own actions only: who favourited, boosted or replied to the owner's
statuses is not in it, so no reaction to the owner appears (the notes say so). ``users`` holds the
owner (``handle``, ``created_at``) and every account the events name.

:func:`write_example_mastodon` writes the shipped example (``examples/mastodon_export.zip``), a
fictitious account's export, byte for byte.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd

from influence_lab.contract import ID_DTYPE, TIMESTAMP_DTYPE, Dataset
from influence_lab.datasets.importers.common import finish_dataset
from influence_lab.datasets.importers.errors import InputError
from influence_lab.datasets.importers.tabular import read_csv_frame
from influence_lab.datasets.importers.x_archive import EXAMPLE_HANDLES, ExportFiles, JsonPlace, write_zip

__all__ = ["read_mastodon", "write_example_mastodon", "html_to_text", "account_of_url", "account_of_status",
           "STATUS_TYPES"]

#: The object types of a ``Create`` read as statuses.
STATUS_TYPES: tuple[str, ...] = ("Note", "Question")
_ACTOR = (re.compile(r"https?://([^/\s?#@]+)/users/([^/\s?#@]+)/?"),
          re.compile(r"https?://([^/\s?#@]+)/@([^/\s?#@]+)/?"))
_STATUS = (re.compile(r"https?://([^/\s?#@]+)/users/([^/\s?#@]+)/statuses/[^/\s?#]+/?"),
           re.compile(r"https?://([^/\s?#@]+)/@([^/\s?#@]+)/[^/\s?#]+/?"))
_ADDRESS = re.compile(r"@?([^@\s/,]+)@([^@\s/,]+)")
_FIX = "pass the export as Mastodon gave it (the .zip, or the folder it was extracted to), not an edited copy."
ADDRESS_COLUMN = "Account address"


def account_of_url(url: str) -> str | None:
    """``https://host/users/NAME`` (or ``https://host/@NAME``) -> ``name@host``; None for another URL."""
    for pattern in _ACTOR:
        found = pattern.fullmatch(url.strip())
        if found:
            return f"{found.group(2)}@{found.group(1)}".lower()
    return None


def account_of_status(url: str) -> str | None:
    """``https://host/users/NAME/statuses/ID`` (or ``https://host/@NAME/ID``) -> ``name@host``; else None."""
    for pattern in _STATUS:
        found = pattern.fullmatch(url.strip())
        if found:
            return f"{found.group(2)}@{found.group(1)}".lower()
    return None


class _Text(HTMLParser):
    """Plain text of a status's HTML: text nodes kept, line breaks at ``<br>`` and block ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "div", "li", "blockquote", "pre"):
            self.parts.append("\n\n")


def html_to_text(content: str) -> str:
    """A status's HTML as plain text: tags removed, entities unescaped, paragraphs separated by a blank line."""
    parser = _Text()
    parser.feed(content)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()


@dataclass
class _Counter:
    statuses: int = 0
    posts: int = 0
    threads: int = 0
    replies: int = 0
    replies_unknown: int = 0
    boosts: int = 0
    boosts_unknown: int = 0
    mentions: int = 0
    address_mentions: int = 0
    repeated_mentions: int = 0
    self_mentions: int = 0
    unread_mentions: int = 0


def read_mastodon(path) -> Dataset:
    """Read a Mastodon account export (the .zip, or its extracted folder) into a validated :class:`Dataset`.

    See the module docstring for every entry and field read and the events
    each becomes. Raises :class:`InputError` for anything it cannot read."""
    path = Path(path)
    with ExportFiles(path, what="Mastodon export") as files:
        outbox_name = files.find("outbox.json")
        if outbox_name is None:
            raise InputError(path, "holds no outbox.json (is this a Mastodon export?).",
                             fix="pass the archive Mastodon gave you (Preferences > Import and export > Request "
                                 "your archive): the .zip, or the folder it was extracted to.")
        root = outbox_name[: -len("outbox.json")]
        names = set(files.names())
        if root + "actor.json" not in names:
            raise InputError(path, f"holds no {root}actor.json, so the export's owner is unknown.",
                             fix="pass the complete export; actor.json sits beside outbox.json.")
        owner, handle, created = _actor(files, root + "actor.json")
        tally = _Counter()
        skipped: Counter = Counter()
        rows = _outbox(files, outbox_name, owner, tally, skipped)
        follows, follow_counts = [], {}
        for entry, inward in (("followers.csv", True), ("following_accounts.csv", False)):
            if root + entry in names:
                addresses = _addresses(files, root + entry)
                follows += [(created, a, owner, "follow", None, None) if inward else
                            (created, owner, a, "follow", None, None) for a in addresses]
                follow_counts[entry] = len(addresses)
            else:
                follow_counts[entry] = None
        n_likes = _likes(files, root + "likes.json") if root + "likes.json" in names else None
        read = {outbox_name, root + "actor.json", root + "likes.json", root + "followers.csv",
                root + "following_accounts.csv"}
        others = len(names - read)

    columns = ["timestamp", "actor_id", "target_id", "kind", "post_id", "text"]
    events = pd.DataFrame(rows + follows, columns=columns)
    events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
    events = events.astype({c: ID_DTYPE for c in columns[1:]})
    users = pd.DataFrame({"user_id": [owner], "handle": [handle],
                          "created_at": pd.Series([created], dtype="object")})
    users["created_at"] = pd.to_datetime(users["created_at"], utc=True).astype(TIMESTAMP_DTYPE)
    notes = _notes(tally, skipped, follow_counts, n_likes, others, owner)
    return finish_dataset(path.stem, events, source=path, users=users, notes=notes,
                          description=f"Mastodon export of {owner} imported from {path}")


def _actor(files: ExportFiles, name: str) -> tuple[str, str, datetime]:
    place = JsonPlace(files.path, name, "object")
    actor = place.mapping(files.read_json(name), None)
    url = place.text(actor, "id", None)
    owner = account_of_url(url)
    if owner is None:
        raise place.error(f"{url[:80]!r} is not an actor URL like https://host/users/NAME.", field="id", fix=_FIX)
    handle = place.text(actor, "preferredUsername", None)
    created = place.time(place.text(actor, "published", None), None, "published")
    return owner, handle, created


def _outbox(files: ExportFiles, name: str, owner: str, tally: _Counter, skipped: Counter) -> list[tuple]:
    place = JsonPlace(files.path, name, "item")
    outbox = place.mapping(files.read_json(name), None)
    if "orderedItems" not in outbox:
        raise place.error("has no 'orderedItems' (an outbox is an OrderedCollection of activities).",
                          field="orderedItems", fix=_FIX)
    items = place.array(outbox["orderedItems"], None, "orderedItems")
    rows: list[tuple] = []
    for index, item in enumerate(items):
        activity = place.mapping(item, index)
        kind = place.text(activity, "type", index)
        if kind == "Announce":
            _boost(place, activity, index, owner, rows, tally)
        elif kind == "Create":
            status = activity.get("object")
            if not isinstance(status, dict):
                skipped[f"Create of a {type(status).__name__} (no embedded status)"] += 1
                continue
            object_type = place.text(status, "type", index, required=False, label="object.type") or "(untyped)"
            if object_type not in STATUS_TYPES:
                skipped[f"Create of a {object_type}"] += 1
                continue
            _status(place, status, index, owner, rows, tally)
        else:
            skipped[kind] += 1
    return rows


def _boost(place: JsonPlace, activity: dict, index: int, owner: str, rows: list, tally: _Counter) -> None:
    when = place.time(place.text(activity, "published", index), index, "published")
    target = activity.get("object")
    field = "object"
    if isinstance(target, dict):
        target, field = target.get("id"), "object.id"
    if not isinstance(target, str) or not target.strip():
        raise place.error(f"is {_kind(target)}, not the boosted status's URL.", index=index, field=field, fix=_FIX)
    url = place.clean(target.strip(), index, field)
    tally.boosts += 1
    account = account_of_status(url)
    if account is None:
        tally.boosts_unknown += 1
        return
    rows.append((when, owner, account, "reshare", url, None))


def _status(place: JsonPlace, status: dict, index: int, owner: str, rows: list, tally: _Counter) -> None:
    status_id = place.text(status, "id", index, label="object.id")
    when = place.time(place.text(status, "published", index, label="object.published"), index,
                      "object.published")
    content = status.get("content")
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise place.error(f"is {_kind(content)}, not HTML text.", index=index, field="object.content", fix=_FIX)
    text = html_to_text(place.clean(content, index, "object.content"))
    reply_url = place.text(status, "inReplyTo", index, required=False, label="object.inReplyTo")
    replied = account_of_status(reply_url) if reply_url else None
    tally.statuses += 1
    if reply_url and replied is None:
        tally.replies_unknown += 1
    if replied and replied != owner:
        tally.replies += 1
        rows.append((when, owner, replied, "reply", reply_url, text))
    else:
        tally.posts += 1
        tally.threads += replied == owner
        rows.append((when, owner, None, "post", status_id, text))
    tags = status.get("tag")
    if tags is None:
        return
    if isinstance(tags, dict):  # a single tag may be given bare (JSON-LD compaction)
        tags = [tags]
    seen = set()
    for j, tag in enumerate(place.array(tags, index, "object.tag")):
        tag = place.mapping(tag, index, f"object.tag[{j}]")
        if tag.get("type") != "Mention":
            continue
        account = _mentioned(place, tag, index, j)
        if account is None:
            tally.unread_mentions += 1
        elif account == owner:
            tally.self_mentions += 1
        elif account in seen:
            tally.repeated_mentions += 1
        elif account == replied:
            tally.address_mentions += 1
            seen.add(account)
        else:
            seen.add(account)
            tally.mentions += 1
            rows.append((when, owner, account, "mention", status_id, None))


def _mentioned(place: JsonPlace, tag: dict, index: int, j: int) -> str | None:
    name = place.text(tag, "name", index, required=False, label=f"object.tag[{j}].name")
    href = place.text(tag, "href", index, required=False, label=f"object.tag[{j}].href")
    if name:
        found = _ADDRESS.fullmatch(name.strip())
        if found:
            return f"{found.group(1)}@{found.group(2)}".lower()
    return account_of_url(href) if href else None


def _kind(value) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def _addresses(files: ExportFiles, name: str) -> list[str]:
    """The ``Account address`` column of a follows CSV, each as ``user@host`` (lower case)."""
    text = files.read_text(name)
    lines = [line for line in text.splitlines() if line.strip()]
    header = next(csv.reader(lines[:1]), [])
    if ADDRESS_COLUMN not in [h.strip() for h in header]:
        raise InputError(files.path, f"has no '{ADDRESS_COLUMN}' column (the header is {lines[0][:80]!r}).",
                         fix=_FIX, entry=name, line=1)
    if len(lines) < 2:
        return []  # an account that follows no one, or has no followers
    if len(header) >= 2:
        frame = read_csv_frame(text, files.path, delimiter=",", entry=name)
        values = frame[ADDRESS_COLUMN].tolist()
        line_of = {i: i + 2 for i in range(len(values))}
    else:
        # One column: read_csv_frame wants two or more (see the report), so read it here, row by row.
        values, line_of = [], {}
        for number, row in enumerate(csv.reader(text.splitlines()), start=1):
            if number == 1 or not row or not "".join(row).strip():
                continue
            if len(row) != 1:
                raise InputError(files.path, f"has {len(row)} fields where the header has 1.",
                                 fix="a follows export has one address per line; " + _FIX, entry=name, line=number,
                                 column=ADDRESS_COLUMN)
            line_of[len(values)] = number
            values.append(row[0])
    out = []
    for i, value in enumerate(values):
        found = _ADDRESS.fullmatch(value.strip()) if isinstance(value, str) else None
        if found is None:
            raise InputError(files.path, f"{value!r} is not an account address like bob@host.example.",
                             fix=_FIX, entry=name, line=line_of[i], column=ADDRESS_COLUMN)
        out.append(JsonPlace(files.path, name).clean(f"{found.group(1)}@{found.group(2)}".lower(), line_of[i],
                                                     ADDRESS_COLUMN))
    return out


def _likes(files: ExportFiles, name: str) -> int:
    place = JsonPlace(files.path, name, "item")
    likes = place.mapping(files.read_json(name), None)
    return len(place.array(likes.get("orderedItems", []), None, "orderedItems"))


def _notes(t: _Counter, skipped: Counter, follows: dict, n_likes: int | None, others: int, owner: str) -> list[str]:
    notes = [f"read {t.statuses + t.boosts:,} activities of {owner} from outbox.json: {t.posts:,} posts, "
             f"{t.replies:,} replies to other accounts, {t.boosts:,} boosts."]
    if t.threads:
        notes.append(f"{t.threads:,} statuses reply to the owner's own statuses (threads): they are posts, not "
                     "replies (a reply to oneself is no engagement).")
    if t.replies_unknown:
        notes.append(f"{t.replies_unknown:,} replies answer a status whose URL names no account "
                     "(not https://host/users/NAME/statuses/ID): kept as posts, their target unknown.")
    if t.boosts:
        notes.append(f"{t.boosts - t.boosts_unknown:,} boosts became reshare events of the boosted status's account "
                     "(post_id the status URL).")
    if t.boosts_unknown:
        notes.append(f"{t.boosts_unknown:,} boosts are of statuses whose URL names no account: skipped.")
    notes.append(f"{t.mentions:,} mentions of other accounts became mention events carrying the status's own URL "
                 "(part of that status).")
    if t.address_mentions:
        notes.append(f"{t.address_mentions:,} replies also tag the account replied to (the @name a reply starts "
                     "with): that is the reply's address, not counted again as a mention.")
    for count, what in ((t.self_mentions, "name the owner's own account: not a mention"),
                        (t.repeated_mentions, "repeat an account already named in the same status: counted once"),
                        (t.unread_mentions, "name neither @user@host nor an actor URL: skipped")):
        if count:
            notes.append(f"{count:,} mentions {what}.")
    if skipped:
        listed = ", ".join(f"{k} {v:,}" for k, v in sorted(skipped.items()))
        notes.append(f"{sum(skipped.values()):,} activities of outbox.json are of types not read, skipped: {listed}.")
    notes.append("the export holds the owner's own actions only: favourites, boosts and replies the owner received "
                 "are not in it, so no reaction to the owner appears.")
    if n_likes is not None:
        notes.append(f"likes.json lists {n_likes:,} statuses the owner favourited, without times: they cannot be "
                     "placed in time and were skipped.")
    present = {k: v for k, v in follows.items() if v is not None}
    if present:
        what = " and ".join(f"{v:,} {'followers' if k == 'followers.csv' else 'followed accounts'}"
                            for k, v in present.items())
        notes.append(f"{what} became follow events dated at the account's creation (actor.json's published): the "
                     "export gives no follow dates, so follower counts are right at the end; when each follow "
                     "happened is unknown.")
    for entry, n in follows.items():
        if n is None:
            notes.append(f"the export has no {entry}: no follow events from it.")
    if others:
        notes.append(f"{others:,} other entries of the export (media, avatar, bookmarks...) were not read.")
    return notes


# ------------------------------------------------------------------ the shipped example

_HOSTS = ("tidepool.example", "fedi.example", "mast.example", "social.example")
_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_LINES = ("Morning survey of {place}: {ending}", "{place} at low water, {ending}", "Sketched {place} today & {ending}",
          "Counting waders on {place}. {ending}", "New page in the tide log for {place}: {ending}")
_PLACES = ("the north pier", "Gull Point", "the ferry slip", "Saltmarsh Creek", "the breakwater", "Heron Sands")
_ENDINGS = ("calm, grey, lovely.", "22 curlews!", "the gauge says 1.4 m.", "fog rolled in at ten.",
            "more <notes> tomorrow.", "café open early ☕")
_REPLY_LINES = ("Same here, thanks for the count.", "Which tide table do you use?", "Lovely & very useful.",
                "I saw them too, around noon.", "Can I share this with the club?")
_THREAD_LINES = ("Update: the tide turned early.", "Part two: the south side.", "And the final tally below.")


def _status_id(when: datetime, rng: np.random.Generator) -> str:
    ms = int((when - datetime(1970, 1, 1, tzinfo=timezone.utc)).total_seconds() * 1000)
    return str((ms << 16) + int(rng.integers(0, 1 << 16)))


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_example_mastodon(path) -> Path:
    """Write the shipped example Mastodon export, a fictitious account's (``wren@tidepool.example``); return its path.

    220 activities from July to December 2012 (numpy ``default_rng(20120705)``):
    about half posts (a third tagging one or two accounts, local ones by
    ``@user`` and remote ones by ``@user@host`` as Mastodon writes them), a
    fifth replies to other accounts, a tenth thread follow-ups, the rest
    boosts; 60 favourites in ``likes.json``; 40 followed accounts and 30
    followers from a pool of fictitious addresses on four ``.example`` hosts.
    Deterministic to the byte."""
    rng = np.random.default_rng(20120705)
    owner_name, host = "wren", _HOSTS[0]
    owner_url = f"https://{host}/users/{owner_name}"
    pool = [(h.split("_")[0] + h.split("_")[-1][:2], _HOSTS[i % len(_HOSTS)]) for i, h in
            enumerate(EXAMPLE_HANDLES[1:])]
    pool = list(dict.fromkeys(pool))
    following = [pool[i] for i in sorted(rng.choice(len(pool), size=40, replace=False))]
    followers = [pool[i] for i in sorted(rng.choice(len(pool), size=30, replace=False))]
    created = datetime(2012, 2, 20, 8, 15, 0, tzinfo=timezone.utc)

    def actor(user: tuple[str, str]) -> str:
        return f"https://{user[1]}/users/{user[0]}"

    def mention_html(user: tuple[str, str]) -> str:
        return (f"<span class=\"h-card\"><a href=\"https://{user[1]}/@{user[0]}\" class=\"u-url mention\">"
                f"@<span>{user[0]}</span></a></span>")

    def mention_tag(user: tuple[str, str]) -> dict:
        name = f"@{user[0]}" if user[1] == host else f"@{user[0]}@{user[1]}"
        return {"type": "Mention", "href": actor(user), "name": name}

    n = 220
    start = datetime(2012, 7, 1, tzinfo=timezone.utc)
    span = int((datetime(2013, 1, 1, tzinfo=timezone.utc) - start).total_seconds())
    times = [start + timedelta(seconds=int(s)) for s in np.sort(rng.choice(span, size=n, replace=False))]
    kinds = rng.choice(["post", "reply", "thread", "boost"], size=n, p=[0.52, 0.2, 0.1, 0.18])
    kinds[0] = "post"
    own: list[str] = []
    items = []
    for i, when in enumerate(times):
        kind = str(kinds[i])
        status_id = _status_id(when, rng)
        url = f"{owner_url}/statuses/{status_id}"
        if kind == "boost":
            author = following[int(rng.integers(len(following)))] if rng.random() < 0.8 else \
                pool[int(rng.integers(len(pool)))]
            boosted = f"{actor(author)}/statuses/{_status_id(when - timedelta(hours=int(rng.integers(1, 48))), rng)}"
            items.append({"id": f"{url}/activity", "type": "Announce", "actor": owner_url, "published": _iso(when),
                          "to": [_PUBLIC], "cc": [actor(author), f"{owner_url}/followers"], "object": boosted})
            continue
        tagged: list[tuple[str, str]] = []
        reply_to = None
        if kind == "reply":
            replied = following[int(rng.integers(len(following)))]
            earlier = when - timedelta(minutes=int(rng.integers(5, 900)))
            reply_to = f"{actor(replied)}/statuses/{_status_id(earlier, rng)}"
            tagged.append(replied)
            body = f"<p>{mention_html(replied)} {_REPLY_LINES[int(rng.integers(len(_REPLY_LINES)))]}</p>"
        elif kind == "thread":
            reply_to = own[int(rng.integers(max(0, len(own) - 4), len(own)))]
            body = f"<p>{_THREAD_LINES[int(rng.integers(len(_THREAD_LINES)))]}</p>"
        else:
            line = _LINES[int(rng.integers(len(_LINES)))].format(
                place=_PLACES[int(rng.integers(len(_PLACES)))], ending=_ENDINGS[int(rng.integers(len(_ENDINGS)))])
            body = f"<p>{line.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</p>"
        if rng.random() < 0.3:
            extra = [following[int(rng.integers(len(following)))] for _ in range(int(rng.integers(1, 3)))]
            tagged += extra
            body = body[:-4] + " " + " ".join(mention_html(u) for u in extra) + "</p>"
        if rng.random() < 0.15:
            body += "<p>Photos on the club page.<br>More soon.</p>"
        tags = [mention_tag(u) for u in tagged]
        if rng.random() < 0.25:
            tags.append({"type": "Hashtag", "href": f"https://{host}/tags/tides", "name": "#tides"})
        note = {
            "id": url, "type": "Note", "summary": None, "inReplyTo": reply_to, "published": _iso(when),
            "url": f"https://{host}/@{owner_name}/{status_id}", "attributedTo": owner_url,
            "to": [_PUBLIC], "cc": [f"{owner_url}/followers", *[actor(u) for u in tagged]],
            "sensitive": False, "content": body, "attachment": [], "tag": tags,
        }
        items.append({"id": f"{url}/activity", "type": "Create", "actor": owner_url, "published": _iso(when),
                      "to": note["to"], "cc": note["cc"], "object": note})
        own.append(url)
    context = "https://www.w3.org/ns/activitystreams"
    outbox = {"@context": context, "id": "outbox.json", "type": "OrderedCollection", "totalItems": len(items),
              "orderedItems": items}
    liked = [f"{actor(pool[int(rng.integers(len(pool)))])}/statuses/{_status_id(times[int(i)], rng)}"
             for i in sorted(rng.choice(n, size=60, replace=False))]
    likes = {"@context": context, "id": "likes.json", "type": "OrderedCollection", "orderedItems": liked}
    person = {"@context": [context, "https://w3id.org/security/v1"], "id": owner_url, "type": "Person",
              "following": f"{owner_url}/following", "followers": f"{owner_url}/followers",
              "inbox": f"{owner_url}/inbox", "outbox": "outbox.json", "preferredUsername": owner_name,
              "name": "Wren (tide logs)", "summary": "<p>Fictitious account of an example export.</p>",
              "url": f"https://{host}/@{owner_name}", "manuallyApprovesFollowers": False,
              "published": _iso(created)}

    def dump(value) -> bytes:
        return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")

    following_csv = "Account address,Show boosts,Notify on new posts,Languages\n" + "".join(
        f"{u}@{h},{'true' if rng.random() < 0.9 else 'false'},{'true' if rng.random() < 0.1 else 'false'},\n"
        for u, h in following)
    followers_csv = "Account address\n" + "".join(f"{u}@{h}\n" for u, h in followers)
    entries = {
        "actor.json": dump(person),
        "outbox.json": dump(outbox),
        "likes.json": dump(likes),
        "following_accounts.csv": following_csv.encode("utf-8"),
        "followers.csv": followers_csv.encode("utf-8"),
    }
    return write_zip(path, entries)
