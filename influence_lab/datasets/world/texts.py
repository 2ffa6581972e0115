"""Ids and texts: account handles and post texts.

Post texts are drawn from :mod:`~influence_lab.datasets.world.vocabulary` by
:func:`compose_texts`, a pure, vectorised function of arrays (topic codes,
styles, script indices, authors, mention handles), so it can be tested without
a world:

- topic posts (style 0): a generic frame with 2-4 content words drawn Zipf-like
  by rank from the topic's ranked vocabulary (shared words included); each word
  comes from a random OTHER topic with probability ``TextConfig.keyword_noise``;
  sometimes a hashtag (the topic's own or a generic one), a link, an emoticon;
- chat (style 1): everyday chatter, now and then a topic word used casually;
- jokes (style 2): an idiom that borrows a topic's word out of context, the
  topic drawn uniformly from all 18;
- bot spam (style 3): near-identical follower-spam lines (one line per bot,
  only the amount and the link vary);
- scripted case posts (style 4): fixed texts (the asthma joke, the dinosaur posts).

An @mention prefixes the text with ``@handle``. The true topic is not in the
text; a topic method has to read words that several topics share.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from influence_lab.datasets.world.activity import _Posts
from influence_lab.datasets.world.config import _T, TOPICS, TextConfig, WorldConfig
from influence_lab.datasets.world.population import _Population
from influence_lab.datasets.world.vocabulary import (
    CASUAL_TEMPLATES,
    CHAT_TAILS,
    CHAT_TEMPLATES,
    CHATTER,
    GENERIC_HASHTAGS,
    IDIOMS,
    JOKE_OPENERS,
    JOKE_TAILS,
    POST_CLOSERS,
    POST_TEMPLATES,
    FILLER_WORDS,
    RANKED_VOCABULARY,
    RELATED_TOPICS,
    TOPIC_HASHTAGS,
)

__all__ = ["TOPIC_HASHTAGS", "compose_texts"]

# --------------------------------------------------------------------------------------
# Fixed texts: bot spam and the scripted case posts
# --------------------------------------------------------------------------------------

_BOT_LINES = (
    ("Get", "new followers fast! Limited offer #followback"),
    ("Win", "free followers today only! #teamfollowback"),
    ("Grab", "followers for $5, no password needed #follow"),
    ("Claim your", "bonus followers now! #autofollow"),
    ("Instant", "real followers guaranteed #followback"),
)
_BOT_AMOUNTS = ("100", "500", "1000", "2000", "5000")
_LINK_PREFIX = " http://t.co/"
_ASTHMA_JOKE_TEXT = "OMG laughed so hard I had an asthma attack"
_DINO_TEXTS = (
    "Saw a T. rex skeleton at the museum today and nearly cried. Dinosaurs are the best",
    "Velociraptors were the size of turkeys. Jurassic Park lied to me #dinosaurs",
    "New fossil find: a triceratops in Montana! #dinosaurs",
    "Stegosaurus brain the size of a walnut, still cooler than my Monday",
    "Took the kids to the dinosaur bones exhibit, I had more fun than they did",
    "Cretaceous mood today. Somebody send fossils #dinosaurs",
    "Rewatching Jurassic Park for the 40th time, the T. rex scene still holds up",
    "Paleontology fact of the day: birds are dinosaurs. Every pigeon is a velociraptor",
)

# --------------------------------------------------------------------------------------
# Lookup tables (built once): ragged lists as one flat Arrow array, index 0 = ""
# --------------------------------------------------------------------------------------

_MAX_WORDS = 4  # slots of the largest post frame


def _capitalise(text: str) -> str:
    """First letter upper-cased, unless the word is cased on purpose ("iPhone", "eBay")."""
    if text[:1].islower() and not text[1:2].isupper():
        return text[0].upper() + text[1:]
    return text


class _Table:
    """Groups of strings (one group per topic, say) in one flat array; index 0 is the empty string.

    With ``capitalised``, a second copy of every string (first letter upper-cased) sits ``n_items``
    further on, for strings that open a post.
    """

    def __init__(self, groups: Sequence[Sequence[str]], prefix: str = "", capitalised: bool = False):
        items = [prefix + w for g in groups for w in g]
        self.n_items = len(items)
        self.size = np.array([len(g) for g in groups], dtype=np.int64)
        self.offset = 1 + np.concatenate(([0], np.cumsum(self.size)[:-1])).astype(np.int64)
        extra = [_capitalise(w) for w in items] if capitalised else []
        self.values = pa.array([""] + items + extra, type=pa.string())
        self._cdf: dict[float, np.ndarray] = {}

    def zipf(self, group: np.ndarray, exponent: float, rng: np.random.Generator) -> np.ndarray:
        """One index per entry of ``group``, drawn within that group with P(rank r) ~ r**-exponent."""
        cdf = self._cdf.get(exponent)
        if cdf is None:
            blocks = []
            for g, size in enumerate(self.size):
                w = np.arange(1, size + 1, dtype=float) ** -exponent
                c = g + np.cumsum(w) / w.sum()
                c[-1] = g + 1.0
                blocks.append(c)
            cdf = self._cdf[exponent] = np.concatenate(blocks)
        pos = np.searchsorted(cdf, group + rng.random(len(group)), side="right")
        return 1 + np.minimum(pos, self.offset[group] + self.size[group] - 2)

    def uniform(self, group: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """One index per entry of ``group``, uniform within that group."""
        local = np.minimum((rng.random(len(group)) * self.size[group]).astype(np.int64), self.size[group] - 1)
        return self.offset[group] + local

    def take(self, index: np.ndarray) -> pa.Array:
        return self.values.take(pa.array(index, type=pa.int64()))


def _frames(templates: Sequence[str], slots: int) -> tuple[np.ndarray, list[list[str]]]:
    """Slot counts of the templates and their literal segments, padded with "" to ``slots + 1``."""
    parts = [t.split("{}") for t in templates]
    return np.array([len(p) - 1 for p in parts]), [p + [""] * (slots + 1 - len(p)) for p in parts]


_WORDS = _Table([RANKED_VOCABULARY[t] for t in TOPICS] + [FILLER_WORDS], capitalised=True)
_FILLER_GROUP = _T
_RELATED = [np.array([TOPICS.index(r) for r in RELATED_TOPICS[t]], dtype=np.int64) for t in TOPICS]
_RELATED_SIZE = np.array([len(r) for r in _RELATED])
_RELATED_START = np.concatenate(([0], np.cumsum(_RELATED_SIZE)[:-1]))
_RELATED_FLAT = np.concatenate(_RELATED)
_TAGS = _Table([TOPIC_HASHTAGS[t] for t in TOPICS] + [GENERIC_HASHTAGS], prefix=" ")
_GENERIC_TAG_GROUP = _T
_CLOSERS = _Table([POST_CLOSERS])
_IDIOMS = _Table([IDIOMS[t] for t in TOPICS], capitalised=True)
_JOKE_OPENERS = _Table([JOKE_OPENERS])
_JOKE_OPENER_CAPITALISES = np.array([False] + [o == "" or o.rstrip()[-1] == "!" for o in JOKE_OPENERS])
_JOKE_TAILS = _Table([JOKE_TAILS])
_CHATTER = _Table([CHATTER], capitalised=True)
_CHAT_TAILS = _Table([CHAT_TAILS])

_POST_SLOTS, _post_segments = _frames(POST_TEMPLATES, _MAX_WORDS)
_POST_SEGMENTS = pa.array([s for row in _post_segments for s in row], type=pa.string())
_POST_BY_SLOTS = np.argsort(_POST_SLOTS, kind="stable")  # frame ids grouped by their number of slots
_POST_SLOT_START = np.searchsorted(_POST_SLOTS[_POST_BY_SLOTS], np.arange(_MAX_WORDS + 1))
_POST_SLOT_COUNT = np.bincount(_POST_SLOTS, minlength=_MAX_WORDS + 1)
_POST_OPENS_WITH_WORD = np.array([row[0] == "" for row in _post_segments])

_chat_slots, _chat_segments = _frames(CHAT_TEMPLATES, 1)
_casual_slots, _casual_segments = _frames(CASUAL_TEMPLATES, 1)
if not ((_chat_slots == 1).all() and (_casual_slots == 1).all()):
    raise RuntimeError("vocabulary: every chat and casual template needs exactly one {} slot")
_CHAT_PRE = _Table([[s[0] for s in _chat_segments]])
_CHAT_POST = _Table([[s[1] for s in _chat_segments]])
_CHAT_OPENS_WITH_CHATTER = np.array([False] + [s[0] == "" for s in _chat_segments])
_CASUAL_PRE = _Table([[s[0] for s in _casual_segments]])
_CASUAL_POST = _Table([[s[1] for s in _casual_segments]])
if set(range(2, _MAX_WORDS + 1)) - set(_POST_SLOTS.tolist()):
    raise RuntimeError(f"vocabulary: POST_TEMPLATES needs frames with each of 2..{_MAX_WORDS} slots")


# --------------------------------------------------------------------------------------
# Handles and texts
# --------------------------------------------------------------------------------------


def _join(*parts: Any) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _handles(pop: _Population, rng: np.random.Generator) -> pa.Array:
    first = pa.array(
        ["amy", "ben", "cara", "dave", "erin", "finn", "gina", "hank", "ivy", "jake", "kate", "liam", "maya",
         "nate", "olga", "paul", "quinn", "rosa", "sam", "tess", "uma", "vic", "wes", "xena", "yuri", "zoe",
         "jen", "matt", "lisa", "tom", "nina", "omar", "priya", "raj", "sofia", "tyler", "abby", "chris"]
    )
    word = pa.array(
        ["_writes", "_pr", "_media", "_news", "_eats", "_runs", "_reads", "_codes", "_travels", "_says", "_daily",
         "_online", "_talks", "_life", "_mktg", "_live", "_notes", "_hq", "_thinks", "_plays"]
    )
    n = pop.n
    name_i = rng.integers(0, len(first), n)
    word_i = rng.integers(0, len(word), n)
    number = pc.cast(pa.array(rng.integers(1, 1000, n)), pa.string())
    fake_number = pc.cast(pa.array(rng.integers(10000, 99999, n)), pa.string())
    persona = np.array(pop.persona_names)[pop.persona]
    handle = _join(first.take(pa.array(name_i)), word.take(pa.array(word_i)), number)
    brand_words = pa.array(["Acme", "Bright", "Nova", "Peak", "Urban", "Green", "Blue", "Metro", "Prime", "Sunny"])
    brand = _join(brand_words.take(pa.array(rng.integers(0, 10, n))), pa.scalar("Official"), number)
    bot = _join(pa.scalar("free_followers_"), fake_number)
    fake = _join(first.take(pa.array(name_i)), fake_number)
    celeb = _join(pa.scalar("Real"), first.take(pa.array(name_i)), pa.scalar("Star"), number)
    out = pc.if_else(pa.array(persona == "brand"), brand, handle)
    out = pc.if_else(pa.array(persona == "bot"), bot, out)
    out = pc.if_else(pa.array(persona == "fake_follower"), fake, out)
    out = pc.if_else(pa.array(persona == "celebrity"), celeb, out)
    return out


def _links(mask: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """" http://t.co/xxxxxxxx" where ``mask``, else ""."""
    n_links = int(mask.sum())
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
    codes = np.ascontiguousarray(alphabet[rng.integers(0, 36, (n_links, 8))]).view("<U8").ravel()
    values = pa.concat_arrays([pa.array([""]), _join(pa.scalar(_LINK_PREFIX), pa.array(codes, type=pa.string()))])
    return values.take(pa.array(np.where(mask, np.cumsum(mask), 0)))


def _topic_posts(topic: np.ndarray, cfg: TextConfig, rng: np.random.Generator) -> pa.Array:
    """Frame + 2-4 Zipf-drawn topic words (with noise) + optional emoticon, hashtag and link."""
    m = len(topic)
    k = rng.integers(cfg.min_words, cfg.max_words + 1, m)
    shape = (m, _MAX_WORDS)
    word_topic = np.repeat(topic[:, None], _MAX_WORDS, axis=1)
    n_related = _RELATED_SIZE[word_topic]
    pick = np.minimum((rng.random(shape) * n_related).astype(np.int64), n_related - 1)
    related = _RELATED_FLAT[_RELATED_START[word_topic] + pick]  # one of the topic's related topics
    word_topic = np.where(rng.random(shape) < cfg.related_word_share, related, word_topic)
    other = (topic[:, None] + rng.integers(1, _T, shape)) % _T  # any of the 17 other topics
    word_topic = np.where(rng.random(shape) < cfg.keyword_noise, other, word_topic)
    filler = rng.random(shape) < cfg.filler_word_share
    filler[:, 0] = False
    word_topic = np.where(filler, _FILLER_GROUP, word_topic)
    word = _WORDS.zipf(word_topic.ravel(), cfg.zipf_exponent, rng).reshape(m, _MAX_WORDS)
    # No word twice in one post: a repeat moves to the next rank of its list.
    start, size = _WORDS.offset[word_topic], _WORDS.size[word_topic]
    for _ in range(2):
        for j in range(1, _MAX_WORDS):
            for i in range(j):
                clash = word[:, j] == word[:, i]
                word[clash, j] = start[clash, j] + (word[clash, j] - start[clash, j] + 1) % size[clash, j]
    word = np.where(np.arange(_MAX_WORDS)[None, :] < k[:, None], word, 0)
    pick = np.minimum((rng.random(m) * _POST_SLOT_COUNT[k]).astype(np.int64), _POST_SLOT_COUNT[k] - 1)
    frame = _POST_BY_SLOTS[_POST_SLOT_START[k] + pick]
    word[:, 0] += np.where(_POST_OPENS_WITH_WORD[frame], _WORDS.n_items, 0)  # capitalise an opening word
    parts: list[Any] = []
    for j in range(_MAX_WORDS + 1):
        parts.append(_POST_SEGMENTS.take(pa.array(frame * (_MAX_WORDS + 1) + j)))
        if j < _MAX_WORDS:
            parts.append(_WORDS.take(word[:, j]))
    closer = np.where(rng.random(m) < cfg.closer_share, _CLOSERS.uniform(np.zeros(m, dtype=np.int64), rng), 0)
    has_tag = rng.random(m) < cfg.hashtag_share
    own_tag = rng.random(m) < cfg.topic_hashtag_share
    tag = np.where(
        own_tag,
        _TAGS.zipf(topic, cfg.zipf_exponent, rng),
        _TAGS.uniform(np.full(m, _GENERIC_TAG_GROUP), rng),
    )
    tag = np.where(has_tag, tag, 0)
    link = _links(rng.random(m) < cfg.link_share, rng)
    return _join(*parts, _CLOSERS.take(closer), _TAGS.take(tag), link)


def _chat_posts(m: int, cfg: TextConfig, rng: np.random.Generator) -> pa.Array:
    """Everyday chatter; sometimes a word of a random topic, casually; sometimes a generic hashtag or a link."""
    zero = np.zeros(m, dtype=np.int64)
    frame = _CHAT_PRE.uniform(zero, rng)
    chatter = _CHATTER.uniform(zero, rng)
    chatter += np.where(_CHAT_OPENS_WITH_CHATTER[frame], _CHATTER.n_items, 0)
    casual = rng.random(m) < cfg.chat_topic_word_share
    casual_frame = np.where(casual, _CASUAL_PRE.uniform(zero, rng), 0)
    casual_word = np.where(casual, _WORDS.zipf(rng.integers(0, _T, m), cfg.zipf_exponent, rng), 0)
    tail = _CHAT_TAILS.uniform(zero, rng)
    tag = np.where(rng.random(m) < cfg.chat_hashtag_share,
                   _TAGS.uniform(np.full(m, _GENERIC_TAG_GROUP), rng), 0)
    link = _links(rng.random(m) < cfg.chat_link_share, rng)
    return _join(
        _CHAT_PRE.take(frame), _CHATTER.take(chatter), _CHAT_POST.take(frame), _CHAT_TAILS.take(tail),
        _CASUAL_PRE.take(casual_frame), _WORDS.take(casual_word), _CASUAL_POST.take(casual_frame),
        _TAGS.take(tag), link,
    )


def _joke_posts(joke_topic: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """An idiom that borrows a word of ``joke_topic`` out of context, with an optional opener and tail."""
    m = len(joke_topic)
    zero = np.zeros(m, dtype=np.int64)
    opener = _JOKE_OPENERS.uniform(zero, rng)
    idiom = _IDIOMS.uniform(joke_topic, rng) + np.where(_JOKE_OPENER_CAPITALISES[opener], _IDIOMS.n_items, 0)
    tail = _JOKE_TAILS.uniform(zero, rng)
    return _join(_JOKE_OPENERS.take(opener), _IDIOMS.take(idiom), _JOKE_TAILS.take(tail))


def _bot_posts(author: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """Follower spam: one line per bot (by author index); only the amount and the link vary."""
    m = len(author)
    line = pa.array((author * 7 + 3) % len(_BOT_LINES))
    prefix = pa.array([b[0] for b in _BOT_LINES]).take(line)
    suffix = pa.array([b[1] for b in _BOT_LINES]).take(line)
    amount = pa.array(_BOT_AMOUNTS).take(pa.array(rng.integers(0, len(_BOT_AMOUNTS), m)))
    sp = pa.scalar(" ")
    return _join(prefix, sp, amount, sp, suffix, _links(np.ones(m, dtype=bool), rng))


def compose_texts(
    topic: np.ndarray,
    style: np.ndarray,
    script: np.ndarray,
    author: np.ndarray,
    mention: pa.Array | None,
    cfg: TextConfig,
    rng: np.random.Generator,
    *,
    scripted: Sequence[str] | None = None,
    joke_topic: np.ndarray | None = None,
) -> pa.Array:
    """Post texts from arrays, one per post (vectorised; no loop over posts).

    ``topic``: topic codes (0..17 = :data:`~influence_lab.datasets.world.config.TOPICS`; read for topic
    posts only). ``style``: 0 topic post, 1 chat, 2 joke, 3 bot spam, 4 scripted. ``script``: index into
    ``scripted`` for style 4 (default: the asthma joke, then the dinosaur posts). ``author``: account
    index (picks a bot's spam line). ``mention``: handles to mention (an Arrow string array, null = no
    mention) or None. ``joke_topic``: the topic whose word each joke borrows (read for style 2; default
    drawn uniformly from all 18 topics). Returns an Arrow string array.
    """
    cfg.check()
    topic, style = np.asarray(topic, dtype=np.int64), np.asarray(style, dtype=np.int64)
    script, author = np.asarray(script, dtype=np.int64), np.asarray(author, dtype=np.int64)
    n = len(style)
    if not len(topic) == len(script) == len(author) == n or (mention is not None and len(mention) != n):
        raise ValueError("compose_texts: topic, style, script, author and mention need one entry per post.")
    if not np.isin(style, (0, 1, 2, 3, 4)).all():
        raise ValueError("compose_texts: style must be 0 (topic), 1 (chat), 2 (joke), 3 (bot) or 4 (scripted).")
    groups = [np.flatnonzero(style == s) for s in range(5)]
    if len(groups[0]) and not ((topic[groups[0]] >= 0) & (topic[groups[0]] < _T)).all():
        raise ValueError(f"compose_texts: topic posts (style 0) need topic codes 0..{_T - 1}.")
    if joke_topic is None:
        jokes = rng.integers(0, _T, len(groups[2]))
    else:
        jokes = np.asarray(joke_topic, dtype=np.int64)[groups[2]]
        if not ((jokes >= 0) & (jokes < _T)).all():
            raise ValueError(f"compose_texts: joke_topic needs topic codes 0..{_T - 1}.")
    if scripted is None:
        scripted = (_ASTHMA_JOKE_TEXT,) + _DINO_TEXTS
    texts = [
        _topic_posts(topic[groups[0]], cfg, rng),
        _chat_posts(len(groups[1]), cfg, rng),
        _joke_posts(jokes, rng),
        _bot_posts(author[groups[3]], rng),
        pa.array(list(scripted), type=pa.string()).take(pa.array(script[groups[4]])),
    ]
    order = np.concatenate(groups)
    inverse = np.empty(n, dtype=np.int64)
    inverse[order] = np.arange(n)
    text = pa.concat_arrays([t.cast(pa.string()) for t in texts]).take(pa.array(inverse))
    if mention is not None:
        text = pc.coalesce(_join(pa.scalar("@"), mention, pa.scalar(" "), text), text)
    return text


def _texts(cfg: WorldConfig, pop: _Population, posts: _Posts, handles: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Post texts of the world (see :func:`compose_texts`); mentions prefix the text with @handle."""
    n_dino = len(cfg.cases.dino_post_times)
    scripted = [_ASTHMA_JOKE_TEXT] + [_DINO_TEXTS[i % len(_DINO_TEXTS)] for i in range(n_dino)]
    target = posts.mention_target
    mention = pc.if_else(
        pa.array(target >= 0), handles.take(pa.array(np.maximum(target, 0))), pa.scalar(None, pa.string())
    )
    return compose_texts(
        posts.topic, posts.style, posts.script, posts.author, mention, cfg.texts, rng, scripted=scripted
    )
