"""How a score is made, from a contract events table to one number per user (and per day).

In the order a score is built (each module imports only those before it):

- :mod:`~influence_lab.scoring.events` - events as aligned arrays over one
  user index, kind masks, per-event deltas and weights;
- :mod:`~influence_lab.scoring.graph` - the engagement graph and a sparse PageRank;
- :mod:`~influence_lab.scoring.features` - per-user features of a window
  (:func:`~influence_lab.scoring.features.user_features`) and their
  parameters (:class:`~influence_lab.scoring.features.FeatureParams`);
- :mod:`~influence_lab.scoring.calibration` - maps from raw values to points:
  :class:`~influence_lab.scoring.calibration.CalibrationCurve` and
  :class:`~influence_lab.scoring.calibration.LogScale`;
- :mod:`~influence_lab.scoring.recipes` - the five recipes and :func:`~influence_lab.scoring.recipes.score_dataset`;
- :mod:`~influence_lab.scoring.timeline` - a score per user per day, incrementally.

Imports only from :mod:`influence_lab.contract` (never from datasets, studies or course).
"""
