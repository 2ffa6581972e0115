"""Gaming the score: signals of bought followers, engagement pods and bot rings, and a detector built on them.

Notebook 02 ("gaming the score") reads its numbers from here. The blog says an influence score is easy to game;
the synthetic world games it three ways (``truth["true_gaming"]``: bought followers, pods of accounts that engage
each other, rings of bots) and the question is how far the *events alone* give the gamers away:

- :func:`gaming_signals`: eight per-account signals of one window, computed from the events only (never from the
  ``true_*`` columns or ``dataset.truth``; a test drops both and gets the same table). :data:`SIGNALS` says what
  each measures and why a gamer should stand out on it;
- :func:`gaming_labels`: who games by a date according to the truth: the one function here that reads it;
- :func:`train_detector` / :func:`detector_scores`: a scikit-learn pipeline (logistic regression or a random
  forest, balanced class weights) from signals to a probability of gaming;
- :func:`evaluate_detector`, :func:`precision_recall_table`: average precision (the summary that fits a rare
  positive class: a random ranking scores the prevalence), precision and recall at a threshold;
- :func:`detector_errors`, :func:`errors_by_persona`: the accounts it gets wrong, named with their persona, so a
  reader sees who an automated "gaming" flag would hit among honest users (tight friend groups, brands that
  react a lot).

The intended protocol trains on one window and tests on the next (April, then August 2012 on the sample), each
against the labels at its own date, so that a detector is never scored on the window it was fitted on. With a few
dozen gamers among a few thousand accounts every number has a wide margin: :func:`train_detector` and
:func:`evaluate_detector` warn below :data:`MIN_POSITIVES` positives, and a signal that is constant over the
accounts (e.g. ``duplicate_text_share`` in data without texts) warns, naming the column.
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from influence_lab.contract import ID_DTYPE, Dataset
from influence_lab.scoring.events import (
    DAY_NS,
    FOLLOW,
    POST,
    UNFOLLOW,
    WINDOW_DAYS,
    as_utc_timestamp,
    group_sum,
    kind_in,
)
from influence_lab.scoring.features import features_of, prepare_input

__all__ = [
    "MIN_POSITIVES",
    "SIGNALS",
    "detector_errors",
    "detector_scores",
    "errors_by_persona",
    "evaluate_detector",
    "gaming_labels",
    "gaming_signals",
    "precision_recall_table",
    "signals_table",
    "train_detector",
]

#: Every column of :func:`gaming_signals`: name -> (meaning, what a gamer looks like on it).
SIGNALS: dict[str, tuple[str, str]] = {
    "reciprocity": (
        "share of the account's distinct engagers (others who reshared, liked, replied to or mentioned it in the "
        "window) whom the account also engaged in the window (NaN: no engagers)",
        "a pod trades engagement: high; a ring longer than two members need not be reciprocal",
    ),
    "ring_density": (
        "among the account's distinct engagers (at least 2), the share of ordered pairs (a, b) of them where a "
        "engaged b in the window (NaN: fewer than 2 engagers, there is no pair to look at)",
        "a pod or bot ring, whose members all engage each other: near 1; a real audience of strangers: near 0",
    ),
    "engager_overlap": (
        "Jaccard overlap of the accounts that engage it and the accounts it engages in the window "
        "(NaN: it neither engaged nor was engaged)",
        "a closed circle engaging itself: high",
    ),
    "burstiness": (
        "(sigma - mu) / (sigma + mu) of the gaps between the account's own actions in the window, events at the "
        "same instant counted as one action (Goh & Barabasi 2008: -1 regular, 0 Poisson, towards 1 bursty; "
        "NaN: fewer than 3 actions)",
        "a scheduler posting like clockwork: near -1",
    ),
    "duplicate_text_share": (
        "share of its posts in the window whose identical text it had already posted in the window "
        "(a post without text counts as its own text; NaN: no posts, or the data has no text column)",
        "a bot recycling a few texts: high",
    ),
    "follower_engagement_ratio": (
        "log1p(followers at as_of) - log1p(reactions received in the window) (NaN: the data has no follow events)",
        "bought followers, who never react: high",
    ),
    "follow_churn": (
        "unfollows given / max(follows given, 1) in the window (NaN: the data has no follow events)",
        "follow-for-follow, unfollowing those who do not follow back: high",
    ),
    "reactions_given_per_day": (
        "reshares + likes + replies + mentions given to others in the window, per day of the window",
        "a bot or pod member reacting to everything: high",
    ),
}

#: Fewer positives than this (in training or evaluation) make the numbers say little: a warning says so.
MIN_POSITIVES = 10
#: The detectors :func:`train_detector` builds.
MODELS: tuple[str, ...] = ("logistic", "forest")


def signals_table() -> pd.DataFrame:
    """:data:`SIGNALS` as a table (signal, meaning, gamer) for the notebook."""
    return pd.DataFrame(
        [(name, meaning, gamer) for name, (meaning, gamer) in SIGNALS.items()],
        columns=["signal", "meaning", "gamer"],
    ).set_index("signal")


def _warn_constant(frame: pd.DataFrame, columns: Sequence[str], where: str, what: str) -> None:
    for column in columns:
        if frame[column].nunique(dropna=True) <= 1:
            value = frame[column].dropna()
            shown = "missing everywhere" if value.empty else f"{value.iloc[0]:.3g} for every one of them"
            warnings.warn(
                f"{where}: signal {column!r} is {shown} over the {len(frame):,} {what}, so it cannot tell gamers "
                "from anyone else; the data may lack what it needs (texts, follow events) or the window is too "
                "short. Leave it out or use data where it varies.",
                stacklevel=3,
            )


# ------------------------------------------------------------------------------------------- signals


def gaming_signals(
    dataset: Dataset | pd.DataFrame, as_of, *, window_days: float = WINDOW_DAYS
) -> pd.DataFrame:
    """One row per account active in the window ``(as_of - window_days, as_of]`` (index ``user_id``, sorted), one
    column per signal of :data:`SIGNALS`.

    Active: the actor of any event in the window, or the target of a reaction or follow in it. Only
    ``dataset.events`` is read (a bare events table works too): neither the users table, whose ``true_*`` columns
    carry the truth, nor ``dataset.truth``. ``as_of`` is a UTC time, e.g. ``day_end("2012-04-15")``; followers
    are counted from follow/unfollow events over all history up to it, as in
    :func:`~influence_lab.scoring.features.user_features`. Reactions are reshares, likes, replies and mentions
    of another account (self-engagement never counts).

    Vectorised (one encoding of the events, sorting, ``np.bincount`` and one sparse product for ring density), no
    Python loop over accounts or events. Measured (one shared core): 0.22-0.36 s per 90-day window of the shipped
    sample's 764,548 events, 0.64 s for a 365-day window, 0.8 s on SNAP Higgs (563,069 events, 304,691 active
    accounts; its three text and follow signals are NaN there, with a warning each).
    """
    from scipy import sparse

    events = dataset.events if isinstance(dataset, Dataset) else dataset
    if not isinstance(events, pd.DataFrame):
        raise TypeError(
            f"gaming_signals: expected a Dataset or an events DataFrame, got {type(dataset).__name__}. "
            "How to fix: pass influence_lab.load_sample() or a table checked by validate_events."
        )
    if not window_days > 0:
        raise ValueError(f"gaming_signals: window_days must be > 0; got {window_days!r}.")
    when = as_utc_timestamp(as_of, "as_of")
    prepared = prepare_input(events)  # events only: no users table, so no true_* column is ever in reach
    full = prepared.events
    n = full.n_users
    high = int(when.value)
    low = high - int(round(float(window_days) * DAY_NS))
    ev = full.take((full.ts > low) & (full.ts <= high))

    follow_kind = kind_in(ev.kind, FOLLOW, UNFOLLOW) & (ev.target >= 0) & (ev.actor != ev.target)
    eng = ev.engagement
    present = np.zeros(n, dtype=bool)
    present[ev.actor] = True
    present[ev.target[eng | follow_kind]] = True
    active = np.flatnonzero(present)

    # distinct engagement pairs a -> b (a engaged b), as sorted codes a * n + b
    pairs = np.unique(ev.actor[eng] * n + ev.target[eng])
    a, b = pairs // n, pairs % n
    reverse = b * n + a
    found = np.searchsorted(pairs, reverse)
    mutual = (found < len(pairs)) & (pairs[np.minimum(found, max(len(pairs) - 1, 0))] == reverse)
    engagers = group_sum(b, n)  # distinct accounts that engaged it
    engaged = group_sum(a, n)  # distinct accounts it engaged
    both = group_sum(b, n, mutual.astype(np.float64))  # engagers it engaged back
    with np.errstate(invalid="ignore", divide="ignore"):
        reciprocity = np.where(engagers > 0, both / engagers, np.nan)
        union = engagers + engaged - both
        overlap = np.where(union > 0, both / union, np.nan)

    # ring density: edges among b's engagers = sum over engagers a of |engaged(a) & engagers(b)| = diag(A' A A)
    adjacency = sparse.csr_matrix((np.ones(len(pairs)), (a, b)), shape=(n, n))
    two_step = adjacency @ adjacency  # [a, b]: accounts c with a -> c -> b
    inner = np.asarray(adjacency.multiply(two_step).sum(axis=0)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        ring_density = np.where(engagers >= 2, inner / (engagers * (engagers - 1)), np.nan)

    burstiness = _burstiness(ev.actor, ev.ts, n)

    is_post = ev.kind == POST
    posts = group_sum(ev.actor[is_post], n)
    if ev.text is None:
        duplicate = np.full(n, np.nan)
    else:
        with_text = is_post & (ev.text >= 0)
        distinct = np.unique(ev.actor[with_text] * (int(ev.text.max()) + 1) + ev.text[with_text])
        distinct_texts = group_sum(distinct // (int(ev.text.max()) + 1), n) if len(distinct) else np.zeros(n)
        repeats = group_sum(ev.actor[with_text], n) - distinct_texts
        with np.errstate(invalid="ignore", divide="ignore"):
            duplicate = np.where(posts > 0, repeats / posts, np.nan)

    if full.has_follows:
        follows = group_sum(ev.actor[follow_kind & (ev.kind == FOLLOW)], n)
        unfollows = group_sum(ev.actor[follow_kind & (ev.kind == UNFOLLOW)], n)
        churn = unfollows / np.maximum(follows, 1.0)
    else:
        churn = np.full(n, np.nan)

    ids = full.user_ids[active]
    base = features_of(prepared, as_of=when, window_days=window_days, columns=["followers", "reactions_received"])
    base = base.reindex(ids)
    ratio = np.log1p(base["followers"].to_numpy(dtype=np.float64)) - np.log1p(
        base["reactions_received"].to_numpy(dtype=np.float64)
    )
    given = group_sum(ev.actor[eng], n) / float(window_days)

    columns = {
        "reciprocity": reciprocity[active],
        "ring_density": ring_density[active],
        "engager_overlap": overlap[active],
        "burstiness": burstiness[active],
        "duplicate_text_share": duplicate[active],
        "follower_engagement_ratio": ratio,
        "follow_churn": churn[active],
        "reactions_given_per_day": given[active],
    }
    out = pd.DataFrame(columns, index=pd.Index(ids, dtype=ID_DTYPE, name="user_id"))
    out = out.sort_index()
    if len(out) >= 2:
        _warn_constant(out, list(SIGNALS), "gaming_signals", "active accounts")
    return out


def _burstiness(actor: np.ndarray, ts: np.ndarray, n: int) -> np.ndarray:
    """Goh & Barabasi's B = (sigma - mu) / (sigma + mu) of each actor's inter-action gaps (two-pass moments).

    Events of one actor at the same instant (a post and the mentions inside it) are one action. NaN for fewer
    than 3 actions, or when sigma + mu is 0.
    """
    out = np.full(n, np.nan)
    if len(ts) == 0:
        return out
    order = np.lexsort((ts, actor))
    who, when = actor[order], ts[order]
    keep = np.ones(len(who), dtype=bool)
    keep[1:] = (who[1:] != who[:-1]) | (when[1:] != when[:-1])
    who, when = who[keep], when[keep]
    same = who[1:] == who[:-1]
    gap_of = who[1:][same]
    gap = (when[1:] - when[:-1])[same].astype(np.float64) / 1e9  # seconds
    count = group_sum(gap_of, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mu = group_sum(gap_of, n, gap) / count
        sigma = np.sqrt(group_sum(gap_of, n, (gap - mu[gap_of]) ** 2) / count)
        b = (sigma - mu) / (sigma + mu)
    ok = (count >= 2) & ((sigma + mu) > 0)
    out[ok] = b[ok]
    return out


# -------------------------------------------------------------------------------------------- labels


def gaming_labels(dataset: Dataset, as_of) -> pd.Series:
    """Ground truth: True for each real account (persona other than "fake_follower") that games by ``as_of``.

    An account games by ``as_of`` if its persona is "bot" or it has a row of ``dataset.truth["true_gaming"]``
    (bought followers, a pod, a bot ring) whose ``start`` is at or before ``as_of``; a row without a start
    counts from the beginning. This is the only function of the module that reads the truth: use it to train and
    to grade a detector, never as one of its inputs. Returns a bool Series indexed by user_id, named "gaming".
    """
    if not isinstance(dataset, Dataset):
        raise TypeError(f"gaming_labels: expected a Dataset, got {type(dataset).__name__}.")
    when = as_utc_timestamp(as_of, "as_of")
    users = dataset.users
    if "persona" not in users.columns:
        raise KeyError(
            f"gaming_labels: the users table of {dataset.name!r} has no 'persona' column, so real accounts and "
            "bots cannot be told apart. How to fix: use a synthetic world (influence_lab.load_sample()), or add a "
            "persona column."
        )
    truth = dataset.truth.get("true_gaming")
    if truth is None:
        raise KeyError(
            f"gaming_labels: {dataset.name!r} has no truth table 'true_gaming' (it has {sorted(dataset.truth)}); "
            "gaming labels exist only for a synthetic world. How to fix: use influence_lab.load_sample() or a "
            "world from influence_lab.datasets.world."
        )
    missing = [c for c in ("user_id", "start") if c not in truth.columns]
    if missing:
        raise KeyError(f"gaming_labels: truth['true_gaming'] lacks column(s) {missing} (it has {list(truth.columns)}).")
    persona = users["persona"].astype(str)
    real = users.loc[persona.ne("fake_follower").to_numpy(), "user_id"].astype(ID_DTYPE)
    started = truth["start"].isna() | (truth["start"] <= when)
    gamers = set(truth.loc[started, "user_id"].astype(str)) | set(users.loc[persona.eq("bot").to_numpy(), "user_id"])
    labels = pd.Series(real.isin(gamers).to_numpy(), index=pd.Index(real, name="user_id"), name="gaming")
    return labels.astype(bool)


# ------------------------------------------------------------------------------------------ detector


def _aligned(scores_or_signals, labels: pd.Series, where: str):
    if not isinstance(labels, pd.Series):
        raise TypeError(f"{where}: labels must be a Series indexed by user_id (gaming_labels gives one).")
    common = scores_or_signals.index.intersection(labels.dropna().index)
    if len(common) == 0:
        raise ValueError(
            f"{where}: no user_id is both in the {len(scores_or_signals):,} rows given and among the "
            f"{len(labels):,} labels. How to fix: take both from the same dataset (gaming_signals and "
            "gaming_labels of one world)."
        )
    return common, labels.loc[common].astype(bool)


def train_detector(signals: pd.DataFrame, labels: pd.Series, *, model: str = "logistic", seed: int = 0):
    """A fitted scikit-learn Pipeline that turns signals into a probability of gaming.

    Fitted on the accounts present in both ``signals`` (rows of :func:`gaming_signals`; every column is used)
    and ``labels`` (:func:`gaming_labels`). ``model="logistic"``: median imputation of missing signals (with an
    indicator of missingness: fewer than 2 engagers is itself informative), standard scaling, logistic
    regression; ``model="forest"``: median imputation and a random forest (300 trees, leaves of at least 3
    accounts). Both weight the classes to balance, since gamers are a few percent of accounts; ``seed`` fixes
    every random choice, so the same inputs give the same model. Warns with fewer than :data:`MIN_POSITIVES`
    positives, or a signal constant over the training accounts.
    """
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    if model not in MODELS:
        raise ValueError(f"train_detector: model must be one of {MODELS}, got {model!r}.")
    if not isinstance(signals, pd.DataFrame) or signals.shape[1] == 0:
        raise TypeError("train_detector: signals must be a DataFrame of numeric columns (gaming_signals gives one).")
    common, y = _aligned(signals, labels, "train_detector")
    x = _numeric(signals.loc[common], "train_detector")
    positives = int(y.sum())
    if positives == 0 or positives == len(y):
        raise ValueError(
            f"train_detector: the {len(y):,} training accounts are all {'gaming' if positives else 'honest'}, so "
            "there is nothing to tell apart. How to fix: use a window and date where both kinds are present."
        )
    if positives < MIN_POSITIVES:
        warnings.warn(
            f"train_detector: only {positives} gaming account(s) among the {len(y):,} training accounts (fewer "
            f"than {MIN_POSITIVES}); the fitted model rests on a handful of cases and may not generalise. Use a "
            "later date, a longer window or a larger world.",
            stacklevel=2,
        )
    _warn_constant(x, list(x.columns), "train_detector", "training accounts")
    if model == "logistic":
        steps = [
            ("impute", SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("classify", LogisticRegression(class_weight="balanced", max_iter=5000, random_state=seed)),
        ]
    else:
        steps = [
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("classify", RandomForestClassifier(n_estimators=300, min_samples_leaf=3, class_weight="balanced",
                                                random_state=seed, n_jobs=1)),
        ]
    return Pipeline(steps).fit(x, y.to_numpy())


def _numeric(frame: pd.DataFrame, where: str) -> pd.DataFrame:
    bad = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise TypeError(f"{where}: signal column(s) {bad} are not numeric; pass the columns of gaming_signals.")
    return frame.astype(np.float64).replace([np.inf, -np.inf], np.nan)


def detector_scores(model, signals: pd.DataFrame) -> pd.Series:
    """The fitted detector's probability of gaming for every row of ``signals`` (Series indexed like it,
    named "gaming_score"). ``signals`` must hold the columns the model was trained on."""
    names = list(getattr(model, "feature_names_in_", []))
    if not names:
        raise TypeError("detector_scores: model must be a fitted pipeline from train_detector.")
    missing = [c for c in names if c not in signals.columns]
    if missing:
        raise KeyError(
            f"detector_scores: signal column(s) {missing} the model was trained on are not in the table (it has "
            f"{list(signals.columns)}). How to fix: compute the signals with gaming_signals, as for training."
        )
    x = _numeric(signals[names], "detector_scores")
    probability = model.predict_proba(x)[:, list(model.classes_).index(True)]
    return pd.Series(probability, index=signals.index, name="gaming_score")


def _scored(scores: pd.Series, labels: pd.Series, where: str) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    scores = scores.dropna()
    common, y = _aligned(scores, labels, where)
    return scores.loc[common].to_numpy(dtype=np.float64), y.to_numpy(), common


def evaluate_detector(scores: pd.Series, labels: pd.Series, *, threshold: float = 0.5) -> pd.Series:
    """How well scores rank and flag the gamers, on the accounts with both a score and a label.

    Returns n, positives, prevalence (the average precision of a random ranking), average_precision
    (scikit-learn's, over the whole ranking), flagged (accounts with score >= threshold), precision and recall
    of that flag (precision 0 when nothing is flagged), and the threshold. Warns with fewer than
    :data:`MIN_POSITIVES` positives: the numbers then rest on a handful of accounts.
    """
    from sklearn.metrics import average_precision_score, precision_score, recall_score

    s, y, _ = _scored(scores, labels, "evaluate_detector")
    positives = int(y.sum())
    if positives < MIN_POSITIVES:
        warnings.warn(
            f"evaluate_detector: only {positives} gaming account(s) among {len(y):,}; precision, recall and "
            "average precision rest on a handful of cases (each one moves them by several points).",
            stacklevel=2,
        )
    flagged = s >= threshold
    return pd.Series({
        "n": len(y),
        "positives": positives,
        "prevalence": positives / len(y),
        "average_precision": float(average_precision_score(y, s)) if positives else np.nan,
        "flagged": int(flagged.sum()),
        "precision": float(precision_score(y, flagged, zero_division=0)),
        "recall": float(recall_score(y, flagged, zero_division=0)) if positives else np.nan,
        "threshold": float(threshold),
    }, name="detector")


def precision_recall_table(scores: pd.Series, labels: pd.Series) -> pd.DataFrame:
    """scikit-learn's precision-recall curve as a table: precision, recall, threshold (one row per distinct
    threshold, by increasing threshold; the last row, precision 1 and recall 0 with nothing flagged, has no
    threshold: NaN)."""
    from sklearn.metrics import precision_recall_curve

    s, y, _ = _scored(scores, labels, "precision_recall_table")
    if not y.any():
        raise ValueError("precision_recall_table: no gaming account among the labelled ones, so recall is undefined.")
    precision, recall, thresholds = precision_recall_curve(y, s)
    return pd.DataFrame({"precision": precision, "recall": recall,
                         "threshold": np.append(thresholds, np.nan)})


def detector_errors(
    scores: pd.Series,
    labels: pd.Series,
    users: pd.DataFrame,
    *,
    threshold: float = 0.5,
    signals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The detector's mistakes at ``threshold``: one row per false positive (an honest account flagged) and
    false negative (a gamer missed), indexed by user_id.

    Columns: error ("false_positive" or "false_negative"), score, gaming (the label), the user's ``persona`` and
    ``true_gaming`` from ``users`` (whichever the table has), then the signal values when ``signals`` is given.
    False positives first, each kind by how sure the detector was (most confident mistakes first). An account
    flagged before its gaming starts is a false positive by the labels of that date; its ``true_gaming`` (from the
    users table, which ignores dates) then shows what it goes on to do.
    """
    if "user_id" not in users.columns:
        raise KeyError(f"detector_errors: the users table has no 'user_id' column (it has {list(users.columns)}).")
    s, y, common = _scored(scores, labels, "detector_errors")
    flagged = s >= threshold
    wrong = flagged != y
    frame = pd.DataFrame({
        "error": np.where(flagged, "false_positive", "false_negative")[wrong],
        "score": s[wrong],
        "gaming": y[wrong],
    }, index=pd.Index(common[wrong], name="user_id"))
    frame["error"] = frame["error"].astype(ID_DTYPE)
    about = [c for c in ("persona", "true_gaming") if c in users.columns]
    if about:
        info = users.set_index("user_id")[about]
        frame = frame.join(info.reindex(frame.index).astype(str).astype(ID_DTYPE))
    if signals is not None:
        frame = frame.join(signals.reindex(frame.index))
    confidence = np.where(frame["error"] == "false_positive", -frame["score"], frame["score"])
    order = np.lexsort((frame.index.to_numpy(dtype=str), confidence, frame["error"] != "false_positive"))
    return frame.iloc[order]


def errors_by_persona(errors: pd.DataFrame) -> pd.DataFrame:
    """Counts of :func:`detector_errors` rows by error and persona (columns error, persona, accounts, share of
    that error), largest first: who the flag hits among honest accounts, and which gamers slip through."""
    if "persona" not in errors.columns:
        raise KeyError("errors_by_persona: the errors table has no 'persona' column; pass users with a persona "
                       "column to detector_errors.")
    counts = errors.groupby(["error", "persona"], observed=True).size().rename("accounts").reset_index()
    counts["share"] = counts["accounts"] / counts.groupby("error")["accounts"].transform("sum")
    return counts.sort_values(["error", "accounts", "persona"], ascending=[False, False, True], ignore_index=True)
