"""A random events table in the contract's columns, for scale: millions of rows in seconds, no world behind it.

:func:`random_events` draws kinds with fixed shares, actors uniformly and targets from a Zipf-like popularity
(some users draw crowds), over one year of timestamps; it has no post ids, texts, follows graph or outcomes. It
is what the benchmarks and notebook 08 time the engines on: a table whose size can be chosen, not a world whose
findings mean anything (the synthetic world of :mod:`~influence_lab.datasets.world` is for those).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from influence_lab.contract import EVENT_KINDS, ID_DTYPE, KIND_DTYPE

__all__ = ["random_events", "KIND_SHARES"]

#: shares of post, reshare, like, reply, mention, follow, unfollow (in the order of EVENT_KINDS)
KIND_SHARES: tuple[float, ...] = (0.30, 0.15, 0.30, 0.07, 0.08, 0.09, 0.01)


def random_events(n_events: int = 10_000_000, n_users: int = 1_000_000, seed: int = 0) -> pd.DataFrame:
    """A random contract events table of ``n_events`` rows among ``n_users`` users, sorted by time.

    Built with numpy and pyarrow (no Python loop over rows). User ``i`` is named ``u`` + ``i`` on seven digits,
    whatever the seed, so tables drawn with different seeds and the same ``n_users`` are chunks of one
    platform."""
    import pyarrow as pa

    if n_events < 1 or n_users < 2:
        raise ValueError(f"random_events: need n_events >= 1 and n_users >= 2, got {n_events} and {n_users}.")
    rng = np.random.default_rng(seed)
    shares = np.asarray(KIND_SHARES)
    kind = rng.choice(len(EVENT_KINDS), size=n_events, p=shares / shares.sum()).astype(np.int8)
    actor = rng.integers(0, n_users, size=n_events)
    # popularity: rank r drawn with probability ~ 1 / (r + 10) (a Zipf-like tail); popular users are not low ids
    popularity = 1.0 / (np.arange(n_users) + 10.0)
    target = rng.choice(n_users, size=n_events, p=popularity / popularity.sum())
    target = np.random.default_rng(10**6 + n_users).permutation(n_users)[target]
    start = pd.Timestamp("2012-01-01", tz="UTC").value
    ts = np.sort(start + rng.integers(0, 365 * 86_400, size=n_events) * 1_000_000_000)

    names = pa.array([f"u{i:07d}" for i in range(n_users)], type=pa.large_string())
    actor_ids = names.take(pa.array(actor))
    target_ids = names.take(pa.array(target, mask=kind == 0))  # posts have no target

    def as_str(values):
        return pd.Series(ID_DTYPE.__from_arrow__(pa.chunked_array([values.cast(pa.large_string())])))

    return pd.DataFrame(
        {
            "timestamp": pd.Series(pd.to_datetime(ts, utc=True)).astype("datetime64[ns, UTC]"),
            "actor_id": as_str(actor_ids),
            "target_id": as_str(target_ids),
            "kind": pd.Categorical.from_codes(kind, dtype=KIND_DTYPE),
        }
    )
