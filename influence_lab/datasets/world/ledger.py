"""The assumption ledger: every parameter of the synthetic world that a notebook's conclusion rests on.

One row per parameter: its name (the key :meth:`WorldConfig.replace` takes), what it means, its default
(read from the configuration, so it cannot drift), where the value comes from (a FACTS.md line with its
[checked]/[unchecked] label, or "our assumption"), the range the notebooks sweep, whether moving it changes
the events (and so every score) or only the outcomes and the truth, and the claims that depend on it.

Notebook 00 shows the ledger, data/README.md lists it, and later notebooks cite it when a verdict depends
on a row. A test checks that every name is a configuration field, that the world can be generated at both
ends of every range, and that every field of :class:`~.config.AudienceConfig` is listed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import pandas as pd

from influence_lab.datasets.world.config import WorldConfig

OURS = "our assumption"


@dataclass(frozen=True)
class Assumption:
    """One row of the ledger."""

    #: The :meth:`WorldConfig.replace` key, ``section__field`` (or a top-level field).
    parameter: str
    #: What it sets, in a line.
    meaning: str
    #: Where the default comes from: a FACTS.md entry with its label, or "our assumption".
    source: str
    #: The range the notebooks and tests sweep (inclusive).
    low: float
    high: float
    #: "events" when moving it changes the events (and every score); "outcomes" when only outcomes and truth move.
    moves: str
    #: The claims (notebook: claim) whose verdict depends on it.
    claims: tuple[str, ...]


ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption(
        "audience__attention_sigma",
        "spread of how closely an author's followers attend (lognormal sigma of attention, mean 1)",
        OURS, 0.0, 1.5, "events",
        ("01: followers vs scores against the truth", "04: where the score predicts outcomes"),
    ),
    Assumption(
        "audience__attention_popularity_corr",
        "correlation of attention with popularity (negative: the more popular, the less attended)",
        "direction from Romero et al. 2011 [checked]: high popularity does not necessarily imply high "
        "influence; the value is our assumption",
        -0.8, 0.4, "events",
        ("01: followers vs scores against the truth", "04: where the score predicts outcomes"),
    ),
    Assumption(
        "audience__dormant_follower_share",
        "share of follows whose follower never looks at the followee's posts",
        "Romero et al. 2011 [checked]: most users are passive; the value is our assumption",
        0.0, 0.8, "events",
        ("00: most users are passive", "01: followers vs scores against the truth"),
    ),
    Assumption(
        "engagement__view_rate",
        "chance that a non-dormant follower sees a post of an author of attention 1",
        "order of magnitude from Klout's 2010 primer [checked]: True Reach about 10% of followers",
        0.05, 0.3, "events",
        ("00: attention is concentrated", "01: the scores' scale"),
    ),
    Assumption(
        "outcomes__click_attention_corr",
        "how closely the attention that produces clicks follows the attention that produces reactions",
        "Klout said click-through was 'highly correlated' with its score [checked, no number]; Romero et al. "
        "2011 [checked]: attention predicts clicks better than followers; the value is our assumption",
        -1.0, 1.0, "outcomes",
        ("01: followers vs scores against the truth", "04: where the score predicts outcomes"),
    ),
    Assumption(
        "outcomes__online_share",
        "share of a person's persuasion that flows online (clicks) rather than offline (referrals)",
        OURS, 0.0, 1.0, "outcomes",
        ("01: every score tracks better when influence flows online", "04: validity", "06: offline influence"),
    ),
    Assumption(
        "outcomes__offline_online_corr",
        "correlation of offline reach with online popularity (0: offline reach follows the persona only)",
        OURS, -0.5, 1.0, "outcomes",
        ("04: offline influence as the omitted variable", "06: scores miss offline influence"),
    ),
    Assumption(
        "outcomes__offline_strength",
        "multiplier of the offline channel (referrals and invitations from offline reach)",
        OURS, 0.0, 2.0, "outcomes",
        ("04: offline influence as the omitted variable", "06: scores miss offline influence"),
    ),
    Assumption(
        "outcomes__visibility_referral_rate",
        "word-of-mouth referrals from being seen online (x credibility x log attentive followers)",
        OURS, 0.0, 0.1, "outcomes",
        ("01: followers vs scores against the truth",),
    ),
    Assumption(
        "outcomes__offline_availability_coupling",
        "how much a busy spell also lowers offline reach (0: influence is a capacity that holds)",
        OURS, 0.0, 1.0, "outcomes",
        ("03: the score falls while influence holds",),
    ),
    Assumption(
        "outcomes__click_through",
        "clicks per impression of a post of appeal 1 (with conversion_rate, the online truth's scale against the "
        "offline one: at the defaults the two channels bring about the same conversions)",
        OURS, 0.01, 0.1, "outcomes",
        ("01: followers vs scores against the truth", "04: validity"),
    ),
    Assumption(
        "outcomes__conversion_rate",
        "conversions per click at credibility 1 (sets the online truth's scale against the offline one)",
        OURS, 0.02, 0.1, "outcomes",
        ("04: validity",),
    ),
    Assumption(
        "graph__follow_back_scale",
        "multiplier of every persona's follow-back probability, calibrating reciprocity",
        "calibrated to 22% reciprocity, Kwak et al. 2010 [unchecked]",
        0.5, 1.5, "events",
        ("00: reciprocity of the follower graph", "02: follow-for-follow gaming"),
    ),
    Assumption(
        "life_events__rate_per_year",
        "life events (busy job, baby, house hunt, book series, holidays) per person per year",
        OURS, 0.0, 2.0, "events",
        ("03: what idle days cost",),
    ),
    Assumption(
        "gaming__purge_share",
        "share of bought follows the platform removes later in 2012",
        OURS, 0.0, 0.5, "events",
        ("02: what bought followers buy",),
    ),
    Assumption(
        "texts__keyword_noise",
        "chance that a word of a topic post comes from another topic",
        OURS, 0.0, 0.3, "events",
        ("05: topic attribution",),
    ),
    Assumption(
        "texts__related_word_share",
        "chance that a word of a topic post comes from a related topic (PR borrows marketing words)",
        OURS, 0.0, 0.4, "events",
        ("05: topic attribution",),
    ),
    Assumption(
        "texts__filler_word_share",
        "chance that a content slot after the first holds generic filler instead of a topic word",
        OURS, 0.0, 0.5, "events",
        ("05: topic attribution",),
    ),
    Assumption(
        "cases__blogger_appeal",
        "the blogger's content appeal: CALIBRATION TARGET, set so he scores in the low 60s on 15 April",
        "calibration to the blog post's 'low 60s', not a finding",
        1.5, 3.0, "events",
        ("01: the blogger's score", "03: the blogger's spring dip"),
    ),
    Assumption(
        "cases__candidate_percentiles",
        "percentiles of engagement received at which the two job candidates are PICKED (not set by hand)",
        "calibration to Wired, Apr 2012 [checked]: scores 34 and 67; not a finding",
        float("nan"), float("nan"), "events",
        ("01: the two candidates", "04: the hiring decision"),
    ),
    Assumption(
        "cases__bot_posting_rate",
        "the case bot's posts per day",
        "Messias et al. 2013 [checked]: a bot tweeting about 50 times a day",
        10.0, 100.0, "events",
        ("02: the high-volume bot",),
    ),
)


def _value(config: WorldConfig, parameter: str) -> Any:
    section, _, name = parameter.partition("__")
    target = getattr(config, section) if name else config
    return getattr(target, name or section)


def assumption_ledger(config: WorldConfig | None = None) -> pd.DataFrame:
    """The ledger as a table, one row per :data:`ASSUMPTIONS` entry, with the default read from ``config``.

    Columns: parameter, meaning, default, source, sweep (the swept range as text), moves, claims.
    """
    config = config or WorldConfig()
    rows = []
    for a in ASSUMPTIONS:
        default = _value(config, a.parameter)
        sweep = "—" if a.low != a.low else f"{a.low:g} to {a.high:g}"
        rows.append(
            {
                "parameter": a.parameter,
                "meaning": a.meaning,
                "default": default if not isinstance(default, tuple) else ", ".join(f"{x:g}" for x in default),
                "source": a.source,
                "sweep": sweep,
                "moves": a.moves,
                "claims": "; ".join(a.claims),
            }
        )
    return pd.DataFrame(rows).astype({"default": str})


def ledger_fields() -> set[str]:
    """Every ``section__field`` name the configuration has (for checking the ledger against it)."""
    names = set()
    for f in dataclasses.fields(WorldConfig):
        value = getattr(WorldConfig(), f.name)
        if dataclasses.is_dataclass(value):
            names.update(f"{f.name}__{g.name}" for g in dataclasses.fields(value))
        else:
            names.add(f.name)
    return names


def ledger_markdown(config: WorldConfig | None = None) -> str:
    """The ledger as a Markdown table (data/README.md carries exactly this; a test compares them)."""
    table = assumption_ledger(config)
    lines = ["| parameter | default | sweep | moves | source | claims that depend on it |", "|---|---|---|---|---|---|"]
    for row in table.itertuples(index=False):
        lines.append(
            f"| `{row.parameter}` | {row.default} | {row.sweep} | {row.moves} | {row.source} | {row.claims} |"
        )
    return "\n".join(lines) + "\n"
