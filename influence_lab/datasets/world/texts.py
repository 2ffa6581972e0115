"""Ids and texts: the vocabularies, account handles and post texts (topic keywords, chat, jokes, bot
spam, the scripted case posts, @mentions).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from influence_lab.datasets.world.activity import _Posts
from influence_lab.datasets.world.config import TOPICS, TOPIC_KEYWORDS, _T, WorldConfig
from influence_lab.datasets.world.population import _Population

# --------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------

#: Hashtag used for each topic.
TOPIC_HASHTAGS: dict[str, str] = {
    "pr": "PR", "marketing": "marketing", "social_media": "socialmedia", "journalism": "journalism",
    "politics": "politics", "technology": "tech", "sports": "sports", "food": "foodie", "travel": "travel",
    "music": "music", "film_tv": "tv", "books": "books", "parenting": "parenting", "health": "health",
    "finance": "finance", "dinosaurs": "dinosaurs", "education": "edchat", "deals": "deals",
}
_TOPIC_OPENERS = ("Great read on", "Thoughts on", "New post:", "5 tips on", "Why", "Interesting take on",
                  "Just published: notes on", "Must-read on", "Talking", "Quick thoughts:", "Loved this piece on",
                  "Big news in")
_CONNECTORS = ("and", "meets", "vs.", "for", "with", "beyond", "after", "without")
_CHAT_OPENERS = ("Need more", "Can't believe it's", "Loving this", "Ugh,", "Finally", "Who else loves",
                 "So much", "Off to", "Happy", "Another day, another")
_CHAT_WORDS = ("coffee", "Monday", "weekend", "traffic", "rain", "lunch", "nap", "pizza", "the gym", "my cat",
               "my dog", "Friday", "sunshine", "laundry", "snow day", "commute")
_JOKE_OPENERS = ("LOL at", "haha,", "I can't even with", "laughed so hard at", "best joke ever about",
                 "who knew about", "dying over", "ROFL")
_JOKE_TAILS = ("!", " :)", " lol", " haha", "")
_CHAT_TAILS = ("", "!", " :)", "...")
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


def _texts(cfg: WorldConfig, pop: _Population, posts: _Posts, handles: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Post texts from topic keywords, with noise; mentions prefix the text with @handle."""
    n = len(posts.time)
    kw = np.array([TOPIC_KEYWORDS[t] for t in TOPICS], dtype=object)  # (T, 12)
    n_kw = kw.shape[1]
    flat_kw = pa.array(kw.ravel().tolist())
    topic = np.minimum(posts.topic, _T - 1)
    kw1 = flat_kw.take(pa.array(topic * n_kw + rng.integers(0, n_kw, n)))
    noisy = rng.random(n) < cfg.activity.keyword_noise
    topic2 = np.where(noisy, rng.integers(0, _T - 1, n), topic)
    kw2 = flat_kw.take(pa.array(topic2 * n_kw + rng.integers(0, n_kw, n)))
    random_kw = flat_kw.take(pa.array(rng.integers(0, _T - 1, n) * n_kw + rng.integers(0, n_kw, n)))

    def choose(options: tuple[str, ...]) -> pa.Array:
        return pa.array(options).take(pa.array(rng.integers(0, len(options), n)))

    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
    codes = np.ascontiguousarray(alphabet[rng.integers(0, 36, (n, 8))]).view("<U8").ravel()
    link = _join(pa.scalar(_LINK_PREFIX), pa.array(codes))
    tags = pa.array([" #" + TOPIC_HASHTAGS[t] for t in TOPICS]).take(pa.array(topic))
    tail_kind = rng.integers(0, 6, n)
    tail = pc.if_else(
        pa.array(tail_kind == 0), tags,
        pc.if_else(pa.array(tail_kind == 1), link,
                   pc.if_else(pa.array(tail_kind == 2), pa.scalar(" - what do you think?"),
                              pc.if_else(pa.array(tail_kind == 3), pa.scalar("!"), pa.scalar("")))),
    )
    sp = pa.scalar(" ")
    topical = _join(choose(_TOPIC_OPENERS), sp, kw1, sp, choose(_CONNECTORS), sp, kw2, tail)
    chat = _join(choose(_CHAT_OPENERS), sp, choose(_CHAT_WORDS), choose(_CHAT_TAILS))
    joke = _join(choose(_JOKE_OPENERS), sp, random_kw, choose(_JOKE_TAILS))
    line = (posts.author * 7 + 3) % len(_BOT_LINES)
    bot_prefix = pa.array([b[0] for b in _BOT_LINES]).take(pa.array(line))
    bot_suffix = pa.array([b[1] for b in _BOT_LINES]).take(pa.array(line))
    bot = _join(bot_prefix, sp, choose(_BOT_AMOUNTS), sp, bot_suffix, link)
    n_dino = len(cfg.cases.dino_post_times)
    scripted_texts = pa.array([_ASTHMA_JOKE_TEXT] + [_DINO_TEXTS[i % len(_DINO_TEXTS)] for i in range(n_dino)])
    scripted = scripted_texts.take(pa.array(np.maximum(posts.script, 0)))
    style = posts.style
    text = pc.if_else(pa.array(style == 0), topical, chat)
    text = pc.if_else(pa.array(style == 2), joke, text)
    text = pc.if_else(pa.array(style == 3), bot, text)
    text = pc.if_else(pa.array(style == 4), scripted, text)
    has_mention = posts.mention_target >= 0
    at = _join(pa.scalar("@"), handles.take(pa.array(np.maximum(posts.mention_target, 0))), sp)
    return pc.if_else(pa.array(has_mention), _join(at, text), text)
