"""The named case users (:data:`CASE_USERS`, their handles and descriptions) and the selection of the
two job candidates by engagement received.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from influence_lab.contract import ID_DTYPE
from influence_lab.datasets.world.activity import _Posts
from influence_lab.datasets.world.config import WorldConfig, _seconds
from influence_lab.datasets.world.engagement import _Activity
from influence_lab.datasets.world.population import _Population

# --------------------------------------------------------------------------------------
# The named case users
# --------------------------------------------------------------------------------------

#: Role -> user_id of the named case users the notebooks follow (fixed across seeds and sizes).
CASE_USERS: dict[str, str] = {
    "blogger": "u00001",
    "bot": "u00002",
    "speaker": "u00003",
    "asthma_joker": "u00004",
    "dino_fan": "u00005",
    "candidate_34": "u00006",
    "candidate_67": "u00007",
}
#: Fictional handles of the case users.
CASE_HANDLES: dict[str, str] = {
    "blogger": "dan_prdispatch",
    "bot": "FollowersFast4U",
    "speaker": "prof_keynote_kim",
    "asthma_joker": "punchline_pete",
    "dino_fan": "rexy_rita",
    "candidate_34": "alex_morgan_comms",
    "candidate_67": "sam_rivera_comms",
}
#: What each case user is, for the notebooks.
CASE_USER_DESCRIPTIONS: dict[str, str] = {
    "blogger": (
        "A PR blogger: very active and well engaged (in the top 1% by engagement received, Jan to mid-April). "
        "From mid-April a busy job, a house hunt and a long book series, in August a new baby: his availability "
        "and posting fall while his appeal, offline reach and credibility (his true influence) do not change."
    ),
    "bot": (
        "A high-volume bot posting about 50 near-identical tweets a day, with thousands of bought followers in "
        "bursts, engaged by a ring of other bots. It also has real human followers (accounts that follow back), "
        "but nobody buys from it: its credibility is near zero, and so is its true influence."
    ),
    "speaker": (
        "A speaker, author and teacher: large offline reach and high credibility (referrals, invitations), "
        "little online activity."
    ),
    "asthma_joker": (
        "An everyday user whose one joke ('laughed so hard I had an asthma attack') went viral in May. "
        "Asthma is not among their topics of expertise."
    ),
    "dino_fan": (
        "An everyday user with occasional dinosaur posts that get reshared. Dinosaurs are an interest, not one "
        "of their topics of expertise."
    ),
    "candidate_34": (
        "A job candidate drawn by the same mechanisms as everyone: the account (PR/marketing or journalist, not "
        "gaming) nearest the 93rd percentile of engagement received in Jan-Mar 2012 (a Klout-style 34 there)."
    ),
    "candidate_67": (
        "The other job candidate: the account nearest the 99.7th percentile of engagement received in Jan-Mar "
        "2012 (a Klout-style 67). Their outcomes come from the same mechanisms, not set by hand."
    ),
}


def case_users_table() -> pd.DataFrame:
    """The case users as a small table: role, user_id, handle, description."""
    return pd.DataFrame(
        {
            "role": list(CASE_USERS),
            "user_id": [CASE_USERS[r] for r in CASE_USERS],
            "handle": [CASE_HANDLES[r] for r in CASE_USERS],
            "description": [CASE_USER_DESCRIPTIONS[r] for r in CASE_USERS],
        }
    ).astype({"role": ID_DTYPE, "user_id": ID_DTYPE, "handle": ID_DTYPE, "description": ID_DTYPE})


# --------------------------------------------------------------------------------------
# The two job candidates
# --------------------------------------------------------------------------------------


def _engagement_received(
    pop: _Population, posts: _Posts, activity: _Activity, mention_time: np.ndarray, mention_target: np.ndarray,
    start: int, end: int,
) -> np.ndarray:
    """Engagement received per account (likes, reshares, replies on its posts, and mentions) in [start, end)."""
    in_win = (activity.eng_time >= start) & (activity.eng_time < end)
    counts = np.bincount(posts.author[activity.eng_post[in_win]], minlength=pop.n)
    m = (mention_time >= start) & (mention_time < end)
    counts += np.bincount(mention_target[m], minlength=pop.n)
    return counts


def _mid_percentile(values: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Percentile (0-100, mid-rank for ties) of each value within ``population``."""
    sorted_pop = np.sort(population)
    below = np.searchsorted(sorted_pop, values, side="left")
    upto = np.searchsorted(sorted_pop, values, side="right")
    return 100.0 * (below + upto) / 2.0 / len(sorted_pop)


def _select_candidates(cfg: WorldConfig, pop: _Population, received: np.ndarray) -> tuple[int, int]:
    """The two job candidates: pool accounts nearest the target percentiles of engagement received."""
    real = ~pop.is_fake
    pct = _mid_percentile(received, received[real])
    names = np.array(pop.persona_names)[pop.persona]
    w0 = _seconds(cfg.cases.candidate_window[0])
    pool = (
        np.isin(names, cfg.cases.candidate_personas)
        & ~pop.bought
        & ~pop.pod
        & (pop.role == "")
        & (pop.created < w0)
    )
    pool_idx = np.flatnonzero(pool)
    if len(pool_idx) < 2:
        raise ValueError("WorldConfig: too few accounts to choose the two job candidates; raise n_users.")
    chosen = []
    for target in cfg.cases.candidate_percentiles:
        gap = np.abs(pct[pool_idx] - target)
        gap[np.isin(pool_idx, chosen)] = np.inf
        chosen.append(int(pool_idx[np.argmin(gap)]))
    return chosen[0], chosen[1]
