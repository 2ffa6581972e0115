"""The X/Twitter account archive (the zip X gives its users) to the events contract.

The archive is read straight from the zip through
:class:`~influence_lab.datasets.importers.safety.SafeArchive` (nothing is
extracted), or from the folder it was extracted to (each file through
:func:`~influence_lab.datasets.importers.safety.safe_folder_file`, which refuses
links). The entries may sit under one top-level folder; ``data/account.js``
fixes where ``data/`` is. Each ``.js`` entry is a JSON array behind a
JavaScript assignment, ``window.YTD.<name>.partN = [...]``: the prefix is
stripped by a regular expression (a trailing ``;`` is tolerated), and anything
else (no prefix, the wrong ``<name>``, not a JSON array after it) is an
:class:`~influence_lab.datasets.importers.errors.InputError` naming the entry.
Every error names the archive, the entry and, inside an array, the item's
0-based index (``tweet 12``) and the field.

Entries and fields read:

``data/account.js``   (required) ``[{"account": {...}}]`` with exactly one account:

    ``accountId``           (required) the owner's numeric id -> ``actor_id`` of everything the owner
                            does, ``target_id`` of reactions to the owner, ``user_id`` in ``users``.
    ``username``            (required) the owner's handle -> ``users.handle``.
    ``createdAt``           (required) ISO 8601 with a zone (``2012-03-14T10:22:31.000Z``) ->
                            ``users.created_at``, and the time of every follow (see below).
    ``accountDisplayName``  not used (a display name is not an id).

``data/tweets.js``    (required) ``[{"tweet": {...}}]``; every part is read: ``data/tweets.js``,
                      ``data/tweets-part1.js``, ... and the older names ``data/tweet.js``,
                      ``data/tweet-part1.js`` (prefix ``window.YTD.tweets`` or ``window.YTD.tweet``).
                      An item may also be the tweet object itself (the oldest layout). Per tweet:

    ``id_str``              (required) the tweet's id -> ``post_id`` of its post and of the reactions
                            counted on it; the mentions it makes carry it too.
    ``created_at``          (required) ``Wed Jul 04 09:00:00 +0000 2012``, read with the explicit format
                            ``%a %b %d %H:%M:%S %z %Y`` (English day and month names) -> ``timestamp``
                            of the tweet's events, converted to UTC.
    ``full_text``           (required, may be empty; ``text`` in archives that lack it) -> ``text``; X escapes ``&``,
                            ``<`` and ``>`` as HTML entities, which are unescaped. A text starting
                            ``RT @`` is a retweet.
    ``favorite_count``      (required) a whole number >= 0, as text (``"12"``) or a number: how many
                            accounts liked the tweet -> that many ``like`` events (see below).
    ``retweet_count``       (required) the same for retweets -> that many ``reshare`` events.
    ``in_reply_to_user_id_str``    (optional) whom the tweet replies to: another account makes it a
                            ``reply``; the owner makes it a thread (a ``post``).
    ``in_reply_to_status_id_str``  (optional) the tweet replied to -> ``post_id`` of the reply (missing
                            for old tweets that merely start with ``@name``).
    ``in_reply_to_screen_name``    (optional) -> ``users.handle`` of the account replied to.
    ``entities.user_mentions``     (optional) ``[{"id_str", "screen_name"}, ...]``: the accounts the tweet
                            names (``id_str`` required in each; ``"-1"``, X's id for an account that no
                            longer exists, is skipped and counted); ``screen_name`` -> ``users.handle``.
    Every other field (``source``, ``lang``, ``entities.urls``, media, ``edit_info``...) is not used.

``data/follower.js``  (optional) ``[{"follower": {"accountId", "userLink"}}]`` -> a ``follow`` from
                      ``accountId`` to the owner (``userLink`` is not used).
``data/following.js`` (optional) ``[{"following": {"accountId", "userLink"}}]`` -> a ``follow`` from
                      the owner to ``accountId``.
``data/like.js``      not read: it lists tweets the owner liked by id and text, without their author
                      or a time, so no like event can be made (counted in the notes).
Every other entry (media, settings, ads, direct messages) is not read (counted in the notes).

Events, all with the owner as ``actor_id`` except the counted reactions and the followers:

- a tweet -> ``post`` (``post_id`` = ``id_str``, ``text``);
- a reply to another account -> ``reply`` (``target_id`` = ``in_reply_to_user_id_str``,
  ``post_id`` = ``in_reply_to_status_id_str``, the tweet replied to, ``text``);
- a reply to the owner's own tweet (a thread) -> ``post`` like any tweet (counted in the notes);
- a retweet (``RT @name: ...``) -> ``reshare`` of the first user mention (the retweeted account), with
  no ``post_id``: the archive does not give the original tweet's id (said in the notes). Its counts
  are the original's (X copies them onto the retweet), not reactions to the owner: not used. A
  retweet whose author is gone (no mention, or id ``-1``) is left out and counted in ``removed``;
- each other account named in a post or reply -> ``mention`` (``target_id`` the mentioned id,
  ``post_id`` = the tweet's own id, so it is part of that tweet); an account named twice in a tweet
  counts once; in a reply, the account replied to is its address, not a mention (X lists it among
  the mentions), and is not counted again;
- ``favorite_count`` / ``retweet_count`` -> one ``like`` / ``reshare`` per counted reaction on the
  tweet (``post_id`` = ``id_str``, ``target_id`` the owner, at the tweet's time: the archive says
  neither who nor when), each by a distinct stand-in account ``anon:<tweet id>:like:<i>`` /
  ``anon:<tweet id>:reshare:<i>`` (``i`` from 1): the upper bound on reach, as if every reaction came
  from a different person. At most :data:`MAX_COUNTED_REACTIONS` in all;
- each follower and followee -> ``follow``, at the account's ``createdAt``: the archive gives no follow
  dates, so follower counts are right at the end of the archive, and when each follow happened is
  unknown (said in the notes).

``users`` holds the owner (``handle``, ``created_at``), the handles the tweets give for other accounts,
and every other account the events name (added by
:func:`~influence_lab.datasets.importers.common.finish_dataset`).

:func:`write_example_x_archive` writes the shipped example (``examples/x_archive.zip``), a fictitious
account's archive, byte for byte.
"""

from __future__ import annotations

import html
import json
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from influence_lab.contract import ANONYMOUS_PREFIX, ID_DTYPE, TIMESTAMP_DTYPE, Dataset
from influence_lab.datasets.importers import errors
from influence_lab.datasets.importers.common import finish_dataset
from influence_lab.datasets.importers.errors import InputError
from influence_lab.datasets.importers.safety import SafeArchive, decode_text, parse_json, safe_folder_file

__all__ = ["read_x_archive", "write_example_x_archive", "ExportFiles", "JsonPlace", "parse_export_json",
           "write_zip", "MAX_COUNTED_REACTIONS", "TWEET_TIME_FORMAT", "EXAMPLE_HANDLES"]

#: The most counted reactions (likes + retweets over all tweets) turned into stand-in events (10 million: an
#: archive with several viral tweets holds a few million; more is a forged count that would exhaust memory).
MAX_COUNTED_REACTIONS = 10_000_000
#: The layout of a tweet's ``created_at``.
TWEET_TIME_FORMAT = "%a %b %d %H:%M:%S %z %Y"

_YTD = re.compile(r"\A\s*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)[ \t]*=[ \t]*")
_TWEET_PART = re.compile(r"data/(tweets?)(?:-part(\d+))?\.js")
_COUNT = re.compile(r"\s*[0-9]+\s*")
_RECONCILE = "pass the archive as X gave it (the .zip, or the folder it was extracted to), not an edited copy."
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_LAST = datetime(2262, 1, 1, tzinfo=timezone.utc)  # beyond this, nanosecond timestamps overflow


# ------------------------------------------------------------------ files of an export (zip or folder)


class ExportFiles:
    """An export's files, from its zip (through ``SafeArchive``) or the folder it was extracted to.

    ``names()`` lists the files as POSIX paths, ``find(suffix)`` the shortest
    one ending with ``suffix``, ``read_text(name)`` decodes one (an empty file
    is an error naming it) and ``read_json(name)`` parses it. Folders are
    walked without following links, and every file is opened through
    ``safe_folder_file``. Nothing is written. Shared with the Mastodon importer."""

    def __init__(self, path, *, what: str) -> None:
        self.path = Path(path)
        self.what = what
        self._archive: SafeArchive | None = None
        if self.path.is_dir():
            self._names = _folder_names(self.path)
        else:
            self._archive = SafeArchive(self.path)
            self._names = self._archive.names()

    def names(self) -> list[str]:
        return list(self._names)

    def find(self, suffix: str) -> str | None:
        hits = [n for n in self._names if n == suffix or n.endswith("/" + suffix)]
        return min(hits, key=lambda n: (len(n), n)) if hits else None

    def read_bytes(self, name: str) -> bytes:
        if self._archive is not None:
            data = self._archive.read(name)
        else:
            file = safe_folder_file(self.path, name)
            if file is None:
                raise InputError(self.path, "the file disappeared while it was being read.",
                                 fix="read the folder again once nothing else is changing it.", entry=name)
            try:
                size = file.stat().st_size
                if size > errors.MAX_ENTRY_BYTES:
                    raise InputError(self.path, f"has a file of {size:,} bytes (the limit is "
                                     f"{errors.MAX_ENTRY_BYTES:,}).",
                                     fix="raise influence_lab.datasets.importers.errors.MAX_ENTRY_BYTES if it "
                                         "is real.", entry=name)
                data = file.read_bytes()
            except OSError as exc:
                raise InputError(self.path, f"cannot be read ({exc.strerror or exc}).",
                                 fix="check the file's permissions.", entry=name) from None
        if not data.strip():
            raise InputError(self.path, "is empty (no bytes, or only white space).",
                             fix=f"export the {self.what} again; this file of it holds nothing.", entry=name)
        return data

    def read_text(self, name: str) -> str:
        return decode_text(self.read_bytes(name), self.path, entry=name)[0]

    def read_json(self, name: str):
        return parse_export_json(self.read_text(name), self.path, entry=name)

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()

    def __enter__(self) -> "ExportFiles":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def parse_export_json(text: str, source, *, entry: str):
    """``safety.parse_json``, with the one ValueError it lets through turned into an :class:`InputError`.

    ``json.loads`` raises a plain ValueError for an integer of more than 4,300
    digits (Python's limit on int conversion); ``parse_json`` passes it on."""
    try:
        return parse_json(text, source, entry=entry)
    except InputError:
        raise
    except ValueError as exc:
        raise InputError(source, f"is not valid JSON ({str(exc).split(';')[0]}).",
                         fix="export the file again; no export writes numbers this long.", entry=entry) from None


def _folder_names(folder: Path) -> list[str]:
    out = []
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            out.append(Path(top, name).relative_to(folder).as_posix())
            if len(out) > errors.MAX_ARCHIVE_ENTRIES:
                raise InputError(folder, f"holds more than {errors.MAX_ARCHIVE_ENTRIES:,} files.",
                                 fix="this is not an account export; check the folder.")
    return out


@dataclass(frozen=True)
class JsonPlace:
    """Where a value of an export's JSON is (the export, the entry, what an item is called), to word errors."""

    source: Path
    entry: str
    item: str = "item"

    def error(self, problem: str, *, index: int | None = None, field: str | None = None,
              fix: str = _RECONCILE) -> InputError:
        return InputError(self.source, problem, fix=fix, entry=self.entry, line=index,
                          where=self.item, column=field)

    def text(self, obj: dict, field: str, index: int | None, *, required: bool = True,
             allow_number: bool = False, allow_empty: bool = False, label: str | None = None) -> str | None:
        """A text field (numbers allowed for ids), or None when absent/null/empty and not required.

        ``allow_empty`` accepts ``""`` for a required field (a text, not an id);
        ``label`` names the field in errors when it is nested (``object.id``)."""
        value = obj.get(field)
        field = label or field
        if allow_empty and value == "":
            return value
        if allow_number and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.error("has no value (the field is missing, null or empty).", index=index, field=field)
            return None
        if not isinstance(value, str):
            raise self.error(f"is {type(value).__name__} {_short(value)}, not text.", index=index, field=field)
        return self.clean(value, index, field)

    def clean(self, value: str, index: int | None, field: str | None) -> str:
        """``value`` if it can be stored (UTF-8), else an error: a lone surrogate escape (``\\ud800``)."""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise self.error(f"holds an unpaired surrogate escape ({value[exc.start]!r}) that is not text.",
                             index=index, field=field) from None
        return value

    def time(self, text: str, index: int | None, field: str, *, format: str | None = None) -> datetime:
        """An aware time in UTC: ``format`` (strptime) or ISO 8601 with a zone."""
        example = "Wed Jul 04 09:00:00 +0000 2012" if format else "2012-07-04T09:00:00Z"
        try:
            value = datetime.strptime(text.strip(), format) if format else datetime.fromisoformat(text.strip())
        except ValueError:
            raise self.error(f"{text[:60]!r} is not a time like {example!r}.", index=index, field=field) from None
        if value.tzinfo is None or value.utcoffset() is None:
            raise self.error(f"{text[:60]!r} has no time zone.", index=index, field=field)
        try:
            value = value.astimezone(timezone.utc)
        except (OverflowError, ValueError):
            value = None
        if value is None or not _EPOCH <= value < _LAST:
            raise self.error(f"{text[:60]!r} is not a plausible time (before 1970 or after 2261).",
                             index=index, field=field)
        return value

    def count(self, obj: dict, field: str, index: int) -> int:
        value = obj.get(field)
        if value is None:
            raise self.error("has no value (the field is missing or null).", index=index, field=field)
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise self.error(f"is {type(value).__name__} {_short(value)}, not a whole number.", index=index,
                             field=field, fix="a count is a whole number >= 0; " + _RECONCILE)
        if isinstance(value, str):
            if _COUNT.fullmatch(value) and len(value.strip()) > 15:
                value = MAX_COUNTED_REACTIONS + 1  # more digits than any count (and than int() reads safely)
            elif not _COUNT.fullmatch(value):
                sign = value.strip().startswith("-") and value.strip()[1:].isdigit()
                raise self.error(f"{_short(value)} is {'negative' if sign else 'not a whole number'}.",
                                 index=index, field=field, fix="a count is a whole number >= 0; " + _RECONCILE)
            else:
                value = int(value)
        if value < 0:
            raise self.error(f"{value} is negative.", index=index, field=field,
                             fix="a count is a whole number >= 0; " + _RECONCILE)
        if value > MAX_COUNTED_REACTIONS:
            raise self.error(f"{_short(obj.get(field))} is more than the {MAX_COUNTED_REACTIONS:,} counted "
                             "reactions an archive may hold.", index=index, field=field,
                             fix="if the count is real, raise influence_lab.datasets.importers.x_archive."
                                 "MAX_COUNTED_REACTIONS.")
        return value

    def mapping(self, value, index: int | None, field: str | None = None) -> dict:
        if not isinstance(value, dict):
            raise self.error(f"is {type(value).__name__} {_short(value)}, not a JSON object.", index=index,
                             field=field)
        return value

    def array(self, value, index: int | None = None, field: str | None = None) -> list:
        if not isinstance(value, list):
            raise self.error(f"is {type(value).__name__} {_short(value)}, not a JSON array.", index=index,
                             field=field)
        return value


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ------------------------------------------------------------------ reading


def _ytd_array(files: ExportFiles, name: str, expected: tuple[str, ...]) -> list:
    """The JSON array of a ``window.YTD.<name>.partN = [...]`` entry."""
    text = files.read_text(name)
    found = _YTD.match(text)
    if found is None:
        raise InputError(files.path, f"does not start with 'window.YTD.{expected[0]}.part0 = ' "
                         f"(it starts {text.lstrip()[:40]!r}).", fix=_RECONCILE, entry=name, line=1)
    if found.group(1) not in expected:
        raise InputError(files.path, f"assigns window.YTD.{found.group(1)}, not window.YTD.{expected[0]}: "
                         "it is another file of the archive under this name.", fix=_RECONCILE, entry=name, line=1)
    # Blank the prefix (keeping its line breaks) so that JSON errors give the file's own lines and columns.
    body = re.sub(r"[^\n]", " ", text[:found.end()]) + text[found.end():]
    body = body.rstrip()
    if body.endswith(";"):
        body = body[:-1]
    return JsonPlace(files.path, name).array(parse_export_json(body, files.path, entry=name))


def _wrapped(place: JsonPlace, item, index: int, wrapper: str, *, bare_ok: bool = False) -> dict:
    item = place.mapping(item, index)
    inner = item.get(wrapper)
    if isinstance(inner, dict):
        return inner
    if bare_ok and wrapper not in item:
        return item
    raise place.error(f"has no object under '{wrapper}' (keys {sorted(map(str, item))[:5]}).", index=index,
                      field=wrapper)


def _tweet_parts(files: ExportFiles, root: str) -> list[str]:
    parts = []
    for name in files.names():
        if not name.startswith(root):
            continue
        found = _TWEET_PART.fullmatch(name[len(root):])
        if found:
            parts.append((int(found.group(2) or 0), found.group(1), name))
    return [name for _, _, name in sorted(parts)]


@dataclass
class _Counter:
    """Tallies for the notes."""

    tweets: int = 0
    posts: int = 0
    threads: int = 0
    replies: int = 0
    replies_without_status: int = 0
    retweets: int = 0
    retweets_gone: int = 0
    retweets_with_counts: int = 0
    mentions: int = 0
    address_mentions: int = 0
    repeated_mentions: int = 0
    self_mentions: int = 0
    gone_mentions: int = 0
    likes: int = 0
    reshares: int = 0


def read_x_archive(path) -> Dataset:
    """Read an X/Twitter account archive (the .zip, or its extracted folder) into a validated :class:`Dataset`.

    See the module docstring for every entry and field read and the events
    each becomes. Raises :class:`InputError` for anything it cannot read."""
    path = Path(path)
    with ExportFiles(path, what="X archive") as files:
        account_name = files.find("data/account.js")
        if account_name is None:
            raise InputError(path, "holds no data/account.js, so the archive's owner is unknown (is this an X "
                             "archive?).", fix="pass the archive X gave you: the .zip, or the folder holding "
                                               "data/ after extracting it.")
        root = account_name[: -len("data/account.js")]
        owner, handle, created = _account(files, account_name)
        parts = _tweet_parts(files, root)
        if not parts:
            raise InputError(path, "holds no data/tweets.js (nor data/tweet.js or tweets-partN.js).",
                             fix="pass the complete archive; the tweets are in data/tweets.js.")
        tally = _Counter()
        rows: list[tuple] = []
        counted: list[tuple[datetime, str, int, int]] = []
        handles: dict[str, str] = {}
        for name in parts:
            _read_tweets(files, name, owner, rows, counted, handles, tally)
        follows, follow_notes = _follows(files, root, owner, created)
        read = {account_name, *parts} | {root + f"data/{n}.js" for n in ("follower", "following")}
        like_name = root + "data/like.js"
        n_liked: int | str | None = None
        if like_name in files.names():
            try:
                n_liked = len(_ytd_array(files, like_name, ("like",)))
            except InputError as exc:  # a file that is not used must not stop the import; say why it was skipped
                n_liked = exc.problem
        others = len([n for n in files.names() if n not in read and n != like_name])

    columns = ["timestamp", "actor_id", "target_id", "kind", "post_id", "text"]
    events = pd.DataFrame(rows + follows, columns=columns)
    events["timestamp"] = pd.to_datetime(events["timestamp"], utc=True)
    anonymous = _counted_reactions(counted, owner)
    events = pd.concat([events.astype({c: ID_DTYPE for c in columns[1:]}), anonymous], ignore_index=True)
    named = {row[1] for row in rows + follows} | {row[2] for row in rows + follows}
    handles = {u: h for u, h in handles.items() if u != owner and u in named}  # accounts the events name only
    users = pd.DataFrame({"user_id": [owner, *handles], "handle": [handle, *handles.values()]})
    users["created_at"] = pd.Series([created] + [pd.NaT] * (len(users) - 1), dtype="object")
    users["created_at"] = pd.to_datetime(users["created_at"], utc=True).astype(TIMESTAMP_DTYPE)
    notes = _notes(tally, [name[len(root):] for name in parts], follow_notes, n_liked, others, handle)
    removed = {"retweets of accounts the archive no longer names": tally.retweets_gone} if tally.retweets_gone else {}
    return finish_dataset(path.stem, events, source=path, users=users, notes=notes, removed=removed,
                          description=f"X archive of @{handle} ({owner}) imported from {path}")


def _account(files: ExportFiles, name: str) -> tuple[str, str, datetime]:
    place = JsonPlace(files.path, name, "account")
    items = _ytd_array(files, name, ("account",))
    if len(items) != 1:
        raise place.error(f"lists {len(items)} accounts, not one.")
    account = _wrapped(place, items[0], 0, "account")
    owner = place.text(account, "accountId", 0, allow_number=True)
    handle = place.text(account, "username", 0)
    created = place.time(place.text(account, "createdAt", 0), 0, "createdAt")
    return owner, handle, created


def _read_tweets(files: ExportFiles, name: str, owner: str, rows: list, counted: list, handles: dict,
                 tally: _Counter) -> None:
    place = JsonPlace(files.path, name, "tweet")
    total = sum(n_like + n_rt for _, _, n_like, n_rt in counted)
    for index, item in enumerate(_ytd_array(files, name, ("tweets", "tweet"))):
        tweet = _wrapped(place, item, index, "tweet", bare_ok=True)
        tweet_id = place.text(tweet, "id_str", index, allow_number=True)
        when = place.time(place.text(tweet, "created_at", index), index, "created_at", format=TWEET_TIME_FORMAT)
        text_field = "full_text" if "full_text" in tweet or "text" not in tweet else "text"
        text = html.unescape(place.text(tweet, text_field, index, allow_empty=True))
        n_like = place.count(tweet, "favorite_count", index)
        n_rt = place.count(tweet, "retweet_count", index)
        reply_user = place.text(tweet, "in_reply_to_user_id_str", index, required=False, allow_number=True)
        reply_status = place.text(tweet, "in_reply_to_status_id_str", index, required=False, allow_number=True)
        reply_handle = place.text(tweet, "in_reply_to_screen_name", index, required=False)
        mentions = _mentions(place, tweet, index)
        for user, screen_name in mentions:
            if screen_name and user != "-1":
                handles.setdefault(user, screen_name)
        if reply_user and reply_handle:
            handles.setdefault(reply_user, reply_handle)
        tally.tweets += 1
        if text.startswith("RT @"):
            tally.retweets += 1
            tally.retweets_with_counts += bool(n_like or n_rt)
            author = mentions[0][0] if mentions else None
            if author is None or author == "-1":
                tally.retweets_gone += 1
                continue
            rows.append((when, owner, author, "reshare", None, None))
            continue
        if reply_user and reply_user != owner:
            tally.replies += 1
            tally.replies_without_status += reply_status is None
            rows.append((when, owner, reply_user, "reply", reply_status, text))
        else:
            tally.posts += 1
            tally.threads += reply_user == owner
            rows.append((when, owner, None, "post", tweet_id, text))
        seen = set()
        for user, _ in mentions:
            if user == "-1":
                tally.gone_mentions += 1
            elif user == owner:
                tally.self_mentions += 1
            elif user in seen:
                tally.repeated_mentions += 1
            elif reply_user and user == reply_user:
                tally.address_mentions += 1
                seen.add(user)
            else:
                seen.add(user)
                tally.mentions += 1
                rows.append((when, owner, user, "mention", tweet_id, None))
        total += n_like + n_rt
        if total > MAX_COUNTED_REACTIONS:
            raise place.error(f"brings the counted reactions past {MAX_COUNTED_REACTIONS:,}.", index=index,
                              field="favorite_count",
                              fix="if the counts are real, raise influence_lab.datasets.importers.x_archive."
                                  "MAX_COUNTED_REACTIONS.")
        if n_like or n_rt:
            counted.append((when, tweet_id, n_like, n_rt))
        tally.likes += n_like
        tally.reshares += n_rt


def _mentions(place: JsonPlace, tweet: dict, index: int) -> list[tuple[str, str | None]]:
    entities = tweet.get("entities")
    if entities is None:
        return []
    entities = place.mapping(entities, index, "entities")
    listed = entities.get("user_mentions")
    if listed is None:
        return []
    out = []
    for j, mention in enumerate(place.array(listed, index, "entities.user_mentions")):
        field = f"entities.user_mentions[{j}]"
        mention = place.mapping(mention, index, field)
        user = place.text(mention, "id_str", index, allow_number=True) if "id_str" in mention else None
        if user is None:
            raise place.error("has no value (the field is missing, null or empty).", index=index,
                              field=field + ".id_str")
        out.append((user, place.text(mention, "screen_name", index, required=False)))
    return out


def _follows(files: ExportFiles, root: str, owner: str, created: datetime) -> tuple[list[tuple], dict]:
    rows = []
    found = {}
    for wrapper, inward in (("follower", True), ("following", False)):
        name = root + f"data/{wrapper}.js"
        if name not in files.names():
            found[wrapper] = None
            continue
        place = JsonPlace(files.path, name, wrapper)
        items = _ytd_array(files, name, (wrapper,))
        for index, item in enumerate(items):
            other = place.text(_wrapped(place, item, index, wrapper), "accountId", index, allow_number=True)
            rows.append((created, other, owner, "follow", None, None) if inward
                        else (created, owner, other, "follow", None, None))
        found[wrapper] = len(items)
    return rows, found


def _counted_reactions(counted: list[tuple[datetime, str, int, int]], owner: str) -> pd.DataFrame:
    """One like/reshare event per counted reaction, each by its own stand-in account."""
    parts = []
    times = pd.to_datetime(pd.Series([c[0] for c in counted], dtype="object"), utc=True).to_numpy(
        dtype="datetime64[ns]")
    ids = np.array([c[1] for c in counted], dtype=object)
    for column, kind in ((2, "like"), (3, "reshare")):
        k = np.array([c[column] for c in counted], dtype=np.int64)
        rows = np.repeat(np.arange(len(counted)), k)
        nth = np.arange(len(rows)) - np.repeat(np.cumsum(k) - k, k) + 1
        actors = ANONYMOUS_PREFIX + ids[rows].astype(str) + f":{kind}:" + nth.astype(str)
        parts.append(pd.DataFrame({
            "timestamp": pd.to_datetime(times[rows], utc=True), "actor_id": pd.array(actors, dtype=ID_DTYPE),
            "target_id": pd.array([owner] * len(rows), dtype=ID_DTYPE), "kind": kind,
            "post_id": pd.array(ids[rows].astype(str), dtype=ID_DTYPE),
            "text": pd.array([None] * len(rows), dtype=ID_DTYPE),
        }))
    return pd.concat(parts, ignore_index=True)


def _notes(t: _Counter, parts: list[str], follows: dict, n_liked: int | str | None, others: int,
           handle: str) -> list[str]:
    notes = [f"read {t.tweets:,} tweets of @{handle} from {', '.join(parts)}: {t.posts:,} posts, {t.replies:,} "
             f"replies to other accounts, {t.retweets:,} retweets."]
    if t.threads:
        notes.append(f"{t.threads:,} tweets reply to the owner's own tweets (threads): they are posts, not "
                     "replies (a reply to oneself is no engagement).")
    if t.replies_without_status:
        notes.append(f"{t.replies_without_status:,} replies name the account but not the tweet replied to (old "
                     "tweets starting with @name): their post_id is empty.")
    if t.retweets:
        notes.append(f"{t.retweets - t.retweets_gone:,} retweets became reshare events of the retweeted account "
                     "(the tweet's first mention) without a post_id: the archive does not give the original "
                     "tweet's id.")
    if t.retweets_gone:
        notes.append(f"{t.retweets_gone:,} retweets are of accounts the archive no longer names (no mention, or "
                     "id -1): left out (counted in removed).")
    if t.retweets_with_counts:
        notes.append(f"the counts on {t.retweets_with_counts:,} retweets are the original tweets' (X copies them "
                     "onto the retweet), not reactions to the owner: not used.")
    notes.append(f"{t.mentions:,} mentions of other accounts in the owner's posts and replies became mention "
                 "events carrying the tweet's own id (part of that tweet).")
    if t.address_mentions:
        notes.append(f"{t.address_mentions:,} replies also list the account replied to among their mentions (the "
                     "@name a reply starts with): that is the reply's address, not counted again as a mention.")
    if t.gone_mentions:
        notes.append(f"{t.gone_mentions:,} mentions name accounts that no longer exist (id -1): skipped.")
    if t.self_mentions:
        notes.append(f"{t.self_mentions:,} times the owner names their own account in a tweet: not a mention "
                     "(no one else is reached).")
    if t.repeated_mentions:
        notes.append(f"{t.repeated_mentions:,} mentions repeat an account already named in the same tweet: "
                     "counted once.")
    notes.append(f"{t.likes:,} counted likes and {t.reshares:,} counted retweets of the owner's tweets became "
                 f"like and reshare events from as many stand-in accounts ('{ANONYMOUS_PREFIX}<tweet id>:like:<i>', "
                 f"'{ANONYMOUS_PREFIX}<tweet id>:reshare:<i>'): the archive counts them without saying who or when, "
                 "so each counts as a different person (the upper bound on reach), at the tweet's time.")
    present = {k: v for k, v in follows.items() if v is not None}
    if present:
        what = " and ".join(f"{v:,} {'followers' if k == 'follower' else 'followed accounts'}"
                            for k, v in present.items())
        notes.append(f"{what} became follow events dated at the account's creation: the archive gives no follow "
                     "dates, so follower counts are right at the end; when each follow happened is unknown.")
    for wrapper, n in follows.items():
        if n is None:
            notes.append(f"the archive has no data/{wrapper}.js: no {wrapper} follow events.")
    if isinstance(n_liked, str):
        notes.append(f"data/like.js was not read (it lists tweets the owner liked, without authors or times, so "
                     f"no event comes from it), and it is broken: {n_liked}")
    elif n_liked is not None:
        notes.append(f"data/like.js lists {n_liked:,} tweets the owner liked, without their authors or times: not "
                     "read (no like event can be made from it).")
    if others:
        notes.append(f"{others:,} other entries of the archive (media, settings, ads, messages...) were not read.")
    return notes


# ------------------------------------------------------------------ the shipped example

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SNOWFLAKE_EPOCH_MS = 1288834974657
#: Fictitious handles of the example archives (no real account is meant).
EXAMPLE_HANDLES = (
    "tidewatcher_ada", "brine_and_bytes", "kelpforest_kai", "gull_notes", "harbourlight_jo", "saltmarsh_sam",
    "ropework_rui", "lantern_quay", "driftwood_dee", "ferry_log_fin", "mudflat_mo", "breakwater_bea",
    "buoy_bulletin", "anchor_annie", "shoal_signals", "quayside_quin", "barnacle_bo", "estuary_eli",
    "cove_cartography", "pier_pressure", "tidal_tess", "seafret_sol", "marina_maps", "limpet_lab",
    "oar_and_ink", "spring_tide_sy", "rockpool_rae", "mooring_mei", "capstan_cal", "foghorn_fay",
    "wharf_wren", "neap_nico", "surge_sketch", "skerry_skye", "jetty_jules", "ballast_ben",
    "keel_kit", "longshore_lu", "pebble_press", "undertow_uma", "wavecut_wes", "heron_hours",
    "dune_diary", "swell_science", "sandbar_sid", "tiller_tam", "galley_gus", "creel_cora",
    "lugworm_lev", "slipway_sue", "inlet_ivo", "reef_report", "sounding_sal", "flotsam_fox",
    "bilge_bert", "mast_mira", "hull_and_hope", "leeward_lin", "tack_tanya", "ebb_and_eve",
    "pelican_pat", "current_carl", "fathom_flo", "spray_spencer", "rigging_ros", "bay_bulletin",
)
_OPENERS = ("Low tide at", "Notes from", "Sketching", "Counting birds at", "Mapping", "Fog again over",
            "Sunrise survey of", "Tide gauge readings from", "Field day on", "Storm watch at")
_PLACES = ("the north pier", "Gull Point", "the old ferry slip", "Saltmarsh Creek", "the breakwater",
           "Heron Sands", "the estuary mouth", "Kelp Reef", "Lantern Quay", "the mudflats")
_ENDINGS = ("lovely light & calm water.", "the data is in the spreadsheet.", "three new species logged!",
            "wind from the south-west, 4-5.", "more photos tomorrow.", "who else was out? 🌊",
            "the café was open, café au lait ☕.", "a question for the tide nerds: why <this> pattern?",
            "thread below.", "marked on the map.")
_REPLIES = ("agreed, the readings match mine.", "thank you! I'll try that route.", "what time were you there?",
            "lovely photo.", "the gauge was off by 5 cm, I think.", "same here, fog all morning.",
            "can I use this in the newsletter?", "ha, yes & the gulls too.")
_THREADS = ("Update: the tide turned at 14:10.", "Part 2: the south side.", "And the birds came back.",
            "Correction: it was 12, not 10.", "Final count below.")


def _example_times(rng: np.random.Generator, n: int) -> list[datetime]:
    start = datetime(2012, 7, 1, tzinfo=timezone.utc)
    span = int((datetime(2013, 1, 1, tzinfo=timezone.utc) - start).total_seconds())
    seconds = np.sort(rng.choice(span, size=n, replace=False))
    return [start + timedelta(seconds=int(s)) for s in seconds]


def _tweet_time(when: datetime) -> str:
    return (f"{_DAYS[when.weekday()]} {_MONTHS[when.month - 1]} {when.day:02d} {when:%H:%M:%S} +0000 "
            f"{when.year:04d}")


def _snowflake(when: datetime, rng: np.random.Generator) -> str:
    ms = int((when - _EPOCH).total_seconds() * 1000)
    return str(((ms - _SNOWFLAKE_EPOCH_MS) << 22) + int(rng.integers(0, 1 << 22)))


def _ytd(name: str, part: int, items: list) -> bytes:
    body = json.dumps(items, indent=2, ensure_ascii=False, separators=(",", " : "))
    return f"window.YTD.{name}.part{part} = {body}".encode("utf-8")


def write_zip(path, entries: dict[str, bytes]) -> Path:
    """Write ``entries`` (name -> bytes, in order) as a zip whose bytes depend on nothing else.

    Every entry has the date 1980-01-01 00:00, Unix permissions 0644 and is
    stored uncompressed (deflate's output differs between zlib builds; the
    shipped examples must match byte for byte wherever they are rebuilt)."""
    path = Path(path)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return path


def write_example_x_archive(path) -> Path:
    """Write the shipped example X archive, a fictitious account's (``@tidewatcher_ada``); return its path.

    240 tweets from July to December 2012 (numpy ``default_rng(20120704)``):
    about half posts (a third naming one or two accounts), a fifth replies
    to other accounts, a tenth thread follow-ups, the rest retweets (one of
    an account that no longer exists); likes and retweets counted per tweet
    (mostly 0-3, three viral tweets in the hundreds); 30 followers and 40
    followed accounts from a pool of fictitious handles; ``data/like.js``
    with 25 liked tweets. The tweets are split over ``tweets.js`` and
    ``tweets-part1.js`` as X does for large archives. Deterministic to the byte."""
    rng = np.random.default_rng(20120704)
    owner_handle, owner_id = EXAMPLE_HANDLES[0], "710348529"
    pool_handles = list(EXAMPLE_HANDLES[1:])
    pool_ids: list[str] = []
    while len(pool_ids) < len(pool_handles):
        candidate = str(int(rng.integers(10_000_000, 999_999_999)))
        if candidate not in pool_ids and candidate != owner_id:
            pool_ids.append(candidate)
    pool = list(zip(pool_ids, pool_handles))
    following = [pool[i] for i in sorted(rng.choice(len(pool), size=40, replace=False))]
    followers = [pool[i] for i in sorted(rng.choice(len(pool), size=30, replace=False))]
    created = datetime(2012, 3, 14, 10, 22, 31, tzinfo=timezone.utc)

    n = 240
    times = _example_times(rng, n)
    kinds = rng.choice(["post", "reply", "thread", "retweet"], size=n, p=[0.53, 0.2, 0.1, 0.17])
    kinds[0] = "post"  # a thread needs an earlier post
    viral = set(rng.choice(np.flatnonzero(kinds == "post"), size=3, replace=False).tolist())
    gone_retweet = int(np.flatnonzero(kinds == "retweet")[3])
    own_ids: list[str] = []
    tweets = []
    for i, when in enumerate(times):
        tweet_id = _snowflake(when, rng)
        kind = str(kinds[i])
        mentions: list[tuple[str, str]] = []
        reply_to: tuple[str, str] | None = None
        reply_status = None
        if kind == "retweet":
            author = following[int(rng.integers(len(following)))]
            if i == gone_retweet:
                author = ("-1", "")
            text = (f"RT @{author[1] or 'deleted_account'}: {_OPENERS[int(rng.integers(10))]} "
                    f"{_PLACES[int(rng.integers(10))]}, {_ENDINGS[int(rng.integers(10))]}")
            mentions.append(author)
            if rng.random() < 0.2:
                mentions.append(pool[int(rng.integers(len(pool)))])
            likes, retweets = 0, int(rng.integers(0, 40)) if rng.random() < 0.5 else 0
        else:
            if kind == "reply":
                reply_to = pool[int(rng.integers(len(pool)))] if rng.random() < 0.3 else \
                    following[int(rng.integers(len(following)))]
                mentions.append(reply_to)
                body = _REPLIES[int(rng.integers(len(_REPLIES)))]
                text = f"@{reply_to[1]} {body}"
                reply_status = None if rng.random() < 0.05 else _snowflake(when - timedelta(
                    minutes=int(rng.integers(5, 3000))), rng)
            elif kind == "thread":
                reply_to = (owner_id, owner_handle)
                reply_status = own_ids[int(rng.integers(max(0, len(own_ids) - 5), len(own_ids)))]
                text = _THREADS[int(rng.integers(len(_THREADS)))]
            else:
                text = (f"{_OPENERS[int(rng.integers(10))]} {_PLACES[int(rng.integers(10))]}: "
                        f"{_ENDINGS[int(rng.integers(10))]}")
            if rng.random() < 0.3:
                for _ in range(int(rng.integers(1, 3))):
                    other = following[int(rng.integers(len(following)))]
                    mentions.append(other)
                    text += f" @{other[1]}"
            if i in viral:
                likes, retweets = int(rng.integers(120, 420)), int(rng.integers(40, 160))
            else:
                likes = int(rng.negative_binomial(0.7, 0.3))
                retweets = int(rng.negative_binomial(0.4, 0.5))
            own_ids.append(tweet_id)
        escaped = html.escape(text, quote=False)
        entity_mentions = []
        for user_id, screen_name in mentions:
            start = text.find("@" + (screen_name or "deleted_account"))
            entity_mentions.append({"name": screen_name.replace("_", " ").title() if screen_name else "",
                                    "screen_name": screen_name, "indices": [str(start), str(start + 1 + len(
                                        screen_name or "deleted_account"))], "id_str": user_id, "id": user_id})
        tweet = {
            "retweeted": False,
            "source": "<a href=\"http://twitter.com\" rel=\"nofollow\">Twitter Web Client</a>",
            "entities": {"hashtags": [], "symbols": [], "user_mentions": entity_mentions, "urls": []},
            "display_text_range": ["0", str(len(text))],
            "favorite_count": str(likes),
            "id_str": tweet_id,
            "truncated": False,
            "retweet_count": str(retweets),
            "id": tweet_id,
            "created_at": _tweet_time(when),
            "favorited": False,
            "full_text": escaped,
            "lang": "en",
        }
        if reply_to is not None:
            tweet.update({"in_reply_to_user_id": reply_to[0], "in_reply_to_user_id_str": reply_to[0],
                          "in_reply_to_screen_name": reply_to[1]})
            if reply_status is not None:
                tweet.update({"in_reply_to_status_id": reply_status, "in_reply_to_status_id_str": reply_status})
        tweets.append({"tweet": tweet})
    tweets.reverse()  # X lists the newest first
    liked = [{"like": {"tweetId": _snowflake(times[int(i)], rng), "fullText": f"{_OPENERS[int(i) % 10]} "
                       f"{_PLACES[int(i) % 10]}", "expandedUrl": "https://twitter.com/i/web/status/"}}
             for i in sorted(rng.choice(n, size=25, replace=False))]
    for item in liked:
        item["like"]["expandedUrl"] += item["like"]["tweetId"]
    account = [{"account": {"email": "ada@example.org", "createdVia": "web", "username": owner_handle,
                            "accountId": owner_id, "createdAt": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                            "accountDisplayName": "Ada (tide watcher)"}}]

    def link(user_id: str) -> str:
        return f"https://twitter.com/intent/user?user_id={user_id}"

    entries = {
        "Your archive.html": b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Your archive</title>"
                             b"</head><body><p>A fictitious example archive.</p></body></html>\n",
        "data/account.js": _ytd("account", 0, account),
        "data/follower.js": _ytd("follower", 0, [{"follower": {"accountId": u, "userLink": link(u)}}
                                                 for u, _ in followers]),
        "data/following.js": _ytd("following", 0, [{"following": {"accountId": u, "userLink": link(u)}}
                                                   for u, _ in following]),
        "data/like.js": _ytd("like", 0, liked),
        "data/manifest.js": b"window.__THAR_CONFIG = {\n  \"userInfo\" : {\n    \"accountId\" : \"" +
                            owner_id.encode() + b"\",\n    \"userName\" : \"" + owner_handle.encode() + b"\"\n  }\n}",
        "data/tweets.js": _ytd("tweets", 0, tweets[:150]),
        "data/tweets-part1.js": _ytd("tweets", 1, tweets[150:]),
    }
    return write_zip(path, entries)
