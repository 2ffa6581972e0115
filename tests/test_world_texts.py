"""Post texts of the synthetic world: vocabularies a topic model must actually read.

These tests call :func:`~influence_lab.datasets.world.texts.compose_texts` on
arrays (no world is generated): noise reaches every other topic ("deals"
included), jokes borrow every topic's words, word frequencies fall with rank,
a TF-IDF classifier finds the topic well but not perfectly and files jokes
under the topic whose word they borrow, and the bot spam and scripted case
posts keep their fixed shape.
"""

from __future__ import annotations

import ast
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from influence_lab.datasets.world import vocabulary as voc
from influence_lab.datasets.world.config import TOPICS, TextConfig
from influence_lab.datasets.world.texts import _ASTHMA_JOKE_TEXT, _DINO_TEXTS, compose_texts

T = len(TOPICS)
TOKEN = re.compile(r"(?u)\b\w\w+\b")  # scikit-learn's default token pattern
#: Nothing but topic words: no noise, no related topics, no filler, no hashtags, links or emoticons.
CLEAN = TextConfig(
    keyword_noise=0.0, related_word_share=0.0, filler_word_share=0.0, hashtag_share=0.0, link_share=0.0,
    closer_share=0.0,
)


def tokens(text: str) -> set[str]:
    return set(TOKEN.findall(text.lower()))


def generic_tokens() -> set[str]:
    """Tokens of everything that is not topic vocabulary (frames, filler, chat, joke wrapping, generic tags)."""
    generic = (
        voc.POST_TEMPLATES + voc.POST_CLOSERS + voc.FILLER_WORDS + voc.CHAT_TEMPLATES + voc.CHATTER
        + voc.CASUAL_TEMPLATES + voc.CHAT_TAILS + voc.JOKE_OPENERS + voc.JOKE_TAILS + voc.GENERIC_HASHTAGS
    )
    return set().union(*map(tokens, generic)) | {"http", "co"}


def exclusive_tokens() -> dict[str, str]:
    """Token -> topic, for tokens of exactly one topic's vocabulary and of no generic text."""
    owners: dict[str, set[str]] = defaultdict(set)
    for topic in TOPICS:
        for word in voc.RANKED_VOCABULARY[topic]:
            for tok in tokens(word):
                owners[tok].add(topic)
    generic = generic_tokens()
    return {tok: next(iter(ts)) for tok, ts in owners.items() if len(ts) == 1 and tok not in generic}


def topics_seen(texts: list[str]) -> Counter:
    """How many texts contain at least one exclusive token of each topic."""
    owner = exclusive_tokens()
    seen: Counter = Counter()
    for text in texts:
        seen.update({owner[tok] for tok in tokens(text) if tok in owner})
    return seen


def topic_posts(topic, cfg: TextConfig = TextConfig(), seed: int = 0) -> list[str]:
    topic = np.asarray(topic)
    zero = np.zeros(len(topic), dtype=np.int64)
    return compose_texts(topic, zero, zero - 1, zero, None, cfg, np.random.default_rng(seed)).to_pylist()


def jokes(joke_topic, cfg: TextConfig = TextConfig(), seed: int = 0) -> list[str]:
    n = len(joke_topic)
    zero = np.zeros(n, dtype=np.int64)
    return compose_texts(
        zero, np.full(n, 2), zero - 1, zero, None, cfg, np.random.default_rng(seed), joke_topic=joke_topic
    ).to_pylist()


# --------------------------------------------------------------------------------------
# The vocabulary as data
# --------------------------------------------------------------------------------------


def test_every_topic_has_a_vocabulary_of_dozens_of_words_and_several_hashtags_and_idioms():
    assert set(voc.TOPIC_VOCABULARY) == set(TOPICS) == set(voc.RANKED_VOCABULARY)
    assert set(voc.TOPIC_HASHTAGS) == set(TOPICS) == set(voc.IDIOMS) == set(voc.RELATED_TOPICS)
    for topic in TOPICS:
        assert len(voc.TOPIC_VOCABULARY[topic]) >= 30, topic
        ranked = voc.RANKED_VOCABULARY[topic]
        assert len(ranked) >= 30 and len(set(ranked)) == len(ranked), topic
        assert len(voc.TOPIC_HASHTAGS[topic]) >= 4 and all(h.startswith("#") for h in voc.TOPIC_HASHTAGS[topic])
        assert len(voc.IDIOMS[topic]) >= 8, topic
        related = voc.RELATED_TOPICS[topic]
        assert related and topic not in related and set(related) <= set(TOPICS)
    assert len(voc.GENERIC_HASHTAGS) >= 10 and {"#FF", "#tgif"} <= set(voc.GENERIC_HASHTAGS)


def test_shared_words_are_listed_once_and_appear_under_every_topic_that_uses_them():
    own = Counter(w for t in TOPICS for w in voc.TOPIC_VOCABULARY[t])
    assert [w for w, c in own.items() if c > 1] == []  # a word of two topics belongs in SHARED_WORDS
    assert set(voc.SHARED_WORDS).isdisjoint(own)
    for word, users in voc.SHARED_WORDS.items():
        assert len(users) >= 2 and set(users) <= set(TOPICS), word
        for topic in TOPICS:
            assert (word in voc.RANKED_VOCABULARY[topic]) == (topic in users), (word, topic)
    per_topic = Counter(t for users in voc.SHARED_WORDS.values() for t in users)
    assert all(per_topic[t] >= 4 for t in TOPICS), per_topic
    # the related groups the design names really share words
    for group in (("pr", "marketing", "social_media", "journalism"), ("politics", "journalism", "finance"),
                  ("health", "food", "parenting"), ("books", "film_tv", "education"),
                  ("technology", "social_media")):
        assert any(set(group) <= set(users) or len(set(group) & set(users)) >= 2
                   for users in voc.SHARED_WORDS.values()), group
    # shared words are frequent: some sit in each user's top ten
    assert all(any(w in voc.SHARED_WORDS for w in voc.RANKED_VOCABULARY[t][:10]) for t in TOPICS)


def test_every_idiom_borrows_a_word_of_its_topic_and_the_asthma_joke_is_one_of_many():
    for topic in TOPICS:
        vocabulary = set().union(*map(tokens, voc.RANKED_VOCABULARY[topic]))
        for idiom in voc.IDIOMS[topic]:
            assert tokens(idiom) & vocabulary, (topic, idiom)
    all_idioms = [i for t in TOPICS for i in voc.IDIOMS[t]]
    assert len(all_idioms) == len(set(all_idioms)) >= 150
    assert any("asthma attack" in i for i in voc.IDIOMS["health"]) and len(voc.IDIOMS["health"]) >= 10
    assert "free hugs" in voc.IDIOMS["deals"] and "office politics again" in voc.IDIOMS["politics"]
    assert "the ball is in your court" in voc.IDIOMS["sports"] and "my laptop is a fossil" in voc.IDIOMS["dinosaurs"]


def test_the_vocabulary_module_is_plain_data_that_imports_only_the_topics():
    tree = ast.parse(Path(voc.__file__).read_text(encoding="utf-8"))
    imported = {(n.module, a.name) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    assert {m for m, _ in imported if m and m.startswith("influence_lab")} <= {"influence_lab.datasets.world.config"}
    assert {a for m, a in imported if m == "influence_lab.datasets.world.config"} <= {"TOPICS"}
    assert not any(isinstance(n, ast.Import) for n in ast.walk(tree))


# --------------------------------------------------------------------------------------
# The draws
# --------------------------------------------------------------------------------------


def test_keyword_noise_reaches_every_other_topic_deals_included():
    cfg = TextConfig(keyword_noise=1.0, related_word_share=0.0, filler_word_share=0.0, hashtag_share=0.0,
                     link_share=0.0)
    for home in ("pr", "education"):  # "education" is the topic just before "deals" (the old off-by-one)
        seen = topics_seen(topic_posts(np.full(6000, TOPICS.index(home)), cfg))
        assert seen[home] == 0  # noise is always ANOTHER topic
        assert set(seen) == set(TOPICS) - {home}, set(TOPICS) - {home} - set(seen)
        counts = np.array([seen[t] for t in TOPICS if t != home])
        assert counts.min() > 0.4 * counts.mean()  # roughly uniform over the 17 others
    seen = topics_seen(topic_posts(np.full(6000, TOPICS.index("deals")), cfg))
    assert seen["deals"] == 0 and set(seen) == set(TOPICS) - {"deals"}


def test_without_noise_a_topic_post_speaks_only_its_topic_and_noise_moves_it_away():
    texts = topic_posts(np.full(3000, TOPICS.index("food")), CLEAN)
    assert set(topics_seen(texts)) == {"food"}
    noisy = topics_seen(topic_posts(np.full(3000, TOPICS.index("food")), TextConfig(related_word_share=0.0)))
    assert 0 < sum(c for t, c in noisy.items() if t != "food") < noisy["food"]


def test_related_topics_lend_words_to_a_topic_post():
    cfg = TextConfig(keyword_noise=0.0, related_word_share=0.5, filler_word_share=0.0)
    seen = topics_seen(topic_posts(np.full(4000, TOPICS.index("pr")), cfg))
    related = set(voc.RELATED_TOPICS["pr"])
    assert related <= set(seen) <= related | {"pr"}


def test_every_topic_is_joke_material_deals_included():
    n = 9000
    zero = np.zeros(n, dtype=np.int64)
    texts = compose_texts(zero, np.full(n, 2), zero - 1, zero, None, TextConfig(), np.random.default_rng(3))
    owner = {i.lower(): t for t in TOPICS for i in voc.IDIOMS[t]}
    found: Counter = Counter()
    for text in texts.to_pylist():
        matches = [i for i in owner if i in text.lower()]
        assert matches, text
        found[owner[max(matches, key=len)]] += 1
    assert set(found) == set(TOPICS)
    shares = np.array([found[t] for t in TOPICS]) / n
    assert shares.min() > 0.5 / T and shares.max() < 1.5 / T  # uniform over the 18 topics


def phrase(word: str) -> re.Pattern:
    return re.compile(r"(?<![\w#])" + re.escape(word) + r"(?!\w)", re.IGNORECASE)


def standalone_rank(topic: str, rank: int) -> int:
    """The first rank >= ``rank`` whose word is not part of a longer word of the same list ("data" in
    "big data"), so that counting it in texts counts only its own draws."""
    ranked = voc.RANKED_VOCABULARY[topic]
    for r in range(rank, len(ranked)):
        if not any(phrase(ranked[r]).search(w) for w in ranked if w != ranked[r]):
            return r
    raise AssertionError(topic)


def test_word_frequencies_fall_with_rank_like_zipf():
    def count(texts: list[str], word: str) -> int:
        pattern = phrase(word)
        return sum(bool(pattern.search(t)) for t in texts)

    ratios = {}
    for topic in ("technology", "sports", "finance", "dinosaurs", "music"):
        texts = topic_posts(np.full(8000, TOPICS.index(topic)), CLEAN, seed=5)
        ranked = voc.RANKED_VOCABULARY[topic]
        ranks = [standalone_rank(topic, r) for r in (0, 4, 19)]
        assert ranks[0] == 0 and ranks[2] < 25
        c = [count(texts, ranked[r]) for r in ranks]
        assert c[0] > c[1] > c[2] > 0, (topic, c)
        ratios[topic] = c[0] / c[2]
    assert min(ratios.values()) > 4, ratios  # the top word several times more frequent than the 20th
    flat = topic_posts(np.full(8000, TOPICS.index("technology")), TextConfig(**{**CLEAN.__dict__,
                                                                              "zipf_exponent": 0.0}))
    ranked = voc.RANKED_VOCABULARY["technology"]
    r20 = standalone_rank("technology", 19)
    assert 0.6 < count(flat, ranked[0]) / count(flat, ranked[r20]) < 1.6  # exponent 0: no rank effect


def test_topic_posts_hold_min_to_max_words_and_never_repeat_one():
    assert {len(re.findall(r"\{\}", t)) for t in voc.POST_TEMPLATES} == {2, 3, 4}
    topic = np.random.default_rng(1).integers(0, T, 3000)

    def mean_tokens(k: int) -> float:
        cfg = TextConfig(**{**CLEAN.__dict__, "min_words": k, "max_words": k})
        return float(np.mean([len(TOKEN.findall(t)) for t in topic_posts(topic, cfg)]))

    assert mean_tokens(2) + 0.5 < mean_tokens(3) < mean_tokens(4) - 0.5
    # a steep Zipf law would draw the top word again and again; a post never says it twice
    steep = TextConfig(**{**CLEAN.__dict__, "zipf_exponent": 3.0, "min_words": 4})
    top = voc.RANKED_VOCABULARY["sports"][0]
    pattern = re.compile(r"(?<![\w#])" + re.escape(top) + r"(?!\w)", re.IGNORECASE)
    counts = [len(pattern.findall(t)) for t in topic_posts(np.full(3000, TOPICS.index("sports")), steep)]
    assert max(counts) == 1 and np.mean(counts) > 0.9


def test_hashtags_links_and_emoticons_follow_their_shares():
    topic = np.random.default_rng(4).integers(0, T, 6000)
    always = TextConfig(hashtag_share=1.0, topic_hashtag_share=1.0, link_share=0.0, closer_share=0.0)
    for text, t in zip(topic_posts(topic, always), topic):
        assert text.split()[-1] in voc.TOPIC_HASHTAGS[TOPICS[t]], text
    generic = TextConfig(hashtag_share=1.0, topic_hashtag_share=0.0, link_share=0.0)
    assert all(t.split()[-1] in voc.GENERIC_HASHTAGS for t in topic_posts(topic, generic))
    default = topic_posts(topic)
    link = np.mean([bool(re.search(r" http://t\.co/[a-z0-9]{8}$", t)) for t in default])
    tag = np.mean(["#" in t for t in default])
    assert abs(link - TextConfig().link_share) < 0.03 and abs(tag - TextConfig().hashtag_share) < 0.03
    assert not any("http" in t or "#" in t for t in topic_posts(topic, CLEAN))


def test_chat_drops_a_topic_word_only_at_its_share():
    n = 4000
    zero = np.zeros(n, dtype=np.int64)

    def chat(cfg: TextConfig) -> list[str]:
        return compose_texts(zero, np.ones(n), zero - 1, zero, None, cfg, np.random.default_rng(6)).to_pylist()

    owner = exclusive_tokens()
    quiet = chat(TextConfig(chat_topic_word_share=0.0, chat_hashtag_share=0.0, chat_link_share=0.0))
    assert not any(tokens(t) & set(owner) for t in quiet)
    assert len(set(quiet)) > 300  # chatter varies
    share = np.mean([bool(tokens(t) & set(owner)) for t in chat(TextConfig(chat_topic_word_share=0.5))])
    assert 0.3 < share <= 0.5


# --------------------------------------------------------------------------------------
# What a topic method sees
# --------------------------------------------------------------------------------------


def test_tfidf_finds_the_topic_well_but_not_perfectly_and_files_jokes_under_the_borrowed_topic():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.naive_bayes import MultinomialNB

    rng = np.random.default_rng(11)
    topic = rng.integers(0, T, 20_000)
    texts = topic_posts(topic, seed=12)
    half = len(texts) // 2
    vectorizer = TfidfVectorizer()
    model = MultinomialNB(alpha=0.1).fit(vectorizer.fit_transform(texts[:half]), topic[:half])
    accuracy = (model.predict(vectorizer.transform(texts[half:])) == topic[half:]).mean()
    assert 0.5 < accuracy < 0.95, accuracy

    borrowed = rng.integers(0, T, 3000)
    filed = model.predict(vectorizer.transform(jokes(borrowed, seed=13)))
    misattributed = (filed == borrowed).mean()
    assert misattributed > 0.5, misattributed  # the "expert on asthma" mistake, most of the time
    asthma = np.flatnonzero(borrowed == TOPICS.index("health"))
    assert (filed[asthma] == TOPICS.index("health")).mean() > 0.5

    # the mechanism matters: more noise, harder; no noise, related words or filler, nearly perfect
    noisy = topic_posts(topic, TextConfig(keyword_noise=0.4), seed=12)
    clean = topic_posts(topic, CLEAN, seed=12)
    scores = []
    for version in (noisy, clean):
        m = MultinomialNB(alpha=0.1).fit(vectorizer.fit_transform(version[:half]), topic[:half])
        scores.append((m.predict(vectorizer.transform(version[half:])) == topic[half:]).mean())
    assert scores[0] < accuracy - 0.05 and scores[1] > accuracy + 0.05, (scores, accuracy)


# --------------------------------------------------------------------------------------
# Fixed texts, mentions, determinism, shape
# --------------------------------------------------------------------------------------


def mixed(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    style = rng.choice(5, n, p=[0.6, 0.17, 0.08, 0.14, 0.01])
    return {
        "topic": rng.integers(0, T, n),
        "style": style,
        "script": np.where(style == 4, rng.integers(0, 1 + len(_DINO_TEXTS), n), -1),
        "author": rng.integers(0, 500, n),
    }


def test_same_seed_same_texts_and_no_text_is_empty():
    arrays = mixed(20_000, 7)
    handles = pa.array([f"user{i}" if i % 5 == 0 else None for i in range(20_000)])
    a = compose_texts(**arrays, mention=handles, cfg=TextConfig(), rng=np.random.default_rng(1))
    b = compose_texts(**arrays, mention=handles, cfg=TextConfig(), rng=np.random.default_rng(1))
    c = compose_texts(**arrays, mention=handles, cfg=TextConfig(), rng=np.random.default_rng(2))
    assert a.type == pa.string() and len(a) == 20_000 and a.null_count == 0
    assert a.equals(b) and not a.equals(c)
    texts = a.to_pylist()
    assert min(len(t.strip()) for t in texts) > 5
    assert not any("{}" in t or "  " in t for t in texts)
    for i, text in enumerate(texts):
        if i % 5 == 0:
            assert text.startswith(f"@user{i} ")
        else:
            assert not text.startswith("@")
    empty = compose_texts(*(np.zeros(0, dtype=np.int64),) * 4, None, TextConfig(), np.random.default_rng(0))
    assert len(empty) == 0 and empty.type == pa.string()


def test_bot_spam_stays_near_identical_per_bot():
    n = 3000
    zero = np.zeros(n, dtype=np.int64)
    spam = compose_texts(zero, np.full(n, 3), zero - 1, np.full(n, 42), None, TextConfig(),
                         np.random.default_rng(8)).to_pylist()
    skeleton = {re.sub(r"@\w+ |\d+|http://t\.co/\w+", "", t) for t in spam}
    assert len(skeleton) == 1 and len(set(spam)) > 100  # one line; only amounts and links vary
    assert all("followers" in t and re.search(r"http://t\.co/[a-z0-9]{8}$", t) for t in spam)
    many = compose_texts(zero, np.full(n, 3), zero - 1, np.arange(n), None, TextConfig(),
                         np.random.default_rng(8)).to_pylist()
    assert len({re.sub(r"@\w+ |\d+|http://t\.co/\w+", "", t) for t in many}) <= 5


def test_scripted_case_posts_keep_their_exact_texts():
    assert _ASTHMA_JOKE_TEXT == "OMG laughed so hard I had an asthma attack"
    scripted = (_ASTHMA_JOKE_TEXT,) + _DINO_TEXTS
    n = len(scripted)
    index = np.arange(n)
    out = compose_texts(np.zeros(n), np.full(n, 4), index, np.zeros(n), None, TextConfig(),
                        np.random.default_rng(0)).to_pylist()
    assert out == list(scripted)
    mention = pa.array(["dino_fan"] + [None] * (n - 1))
    out = compose_texts(np.zeros(n), np.full(n, 4), index, np.zeros(n), mention, TextConfig(),
                        np.random.default_rng(0), scripted=scripted).to_pylist()
    assert out[0] == "@dino_fan " + _ASTHMA_JOKE_TEXT and out[1:] == list(_DINO_TEXTS)


def test_bad_inputs_and_settings_name_the_problem():
    one = np.zeros(1, dtype=np.int64)
    with pytest.raises(ValueError, match="style"):
        compose_texts(one, one + 5, one - 1, one, None, TextConfig(), np.random.default_rng(0))
    with pytest.raises(ValueError, match="topic codes"):
        compose_texts(one + T, one, one - 1, one, None, TextConfig(), np.random.default_rng(0))
    for bad in ({"keyword_noise": 1.5}, {"min_words": 1}, {"max_words": 5}, {"min_words": 4, "max_words": 3},
                {"zipf_exponent": -1.0}):
        with pytest.raises(ValueError, match="TextConfig"):
            TextConfig(**bad).check()


def test_texts_for_a_world_sized_year_are_fast():
    arrays = mixed(270_000, 9)
    start = time.perf_counter()
    out = compose_texts(**arrays, mention=None, cfg=TextConfig(), rng=np.random.default_rng(0))
    elapsed = time.perf_counter() - start
    assert len(out) == 270_000
    assert elapsed < 3.0, f"{elapsed:.2f} s for 270,000 posts (budget ~1.5 s on an idle machine)"
