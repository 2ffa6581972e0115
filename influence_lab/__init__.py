"""Influence Lab: check what influence scores measure, with data.

The package holds every computation; the notebooks in ``notebooks/`` tell the
story. Its subpackages follow the notebook arc, each importing only from
those listed before it (``docs/architecture.md`` has the map):

- :mod:`influence_lab.contract` - the one data contract (users, events,
  outcomes) every loader returns and every score reads; errors that name the
  file, rows and column and say how to fix them.
- :mod:`influence_lab.datasets` - where data comes from: the SNAP datasets
  (``snap``), the shipped synthetic sample (``sample``), the synthetic world
  that generates it (``world``), and importers of a user's own exports
  (``importers``: CSV/Parquet, X archive, Mastodon, per-post analytics).
- :mod:`influence_lab.scoring` - how a score is made: event primitives,
  per-user features, the engagement graph, calibration curves, the recipes
  and their day-by-day timelines.
- :mod:`influence_lab.studies` - one module per notebook question (``explore``
  for 00, ``compare`` for 01, ``decay`` for 03) and ``stats`` (intervals).
- :mod:`influence_lab.course` - what turns the notebooks into teaching and a
  report: narrative, plotting, the report, student copies.

Start with :func:`influence_lab.load_sample` (the synthetic world, where the
truth is known) or :func:`influence_lab.datasets.load_higgs`; for your own
export, :func:`influence_lab.score` (load, diagnose, score and rank in one call).
"""

from influence_lab._version import __version__
from influence_lab.contract import (
    EVENT_KINDS,
    ContractError,
    Dataset,
    validate_events,
    validate_outcomes,
    validate_users,
)
from influence_lab.datasets import load_collegemsg, load_higgs, load_sample
from influence_lab.scoring.recipes import RECIPES, make_recipe, score_dataset
from influence_lab.scoring.timeline import score_timeline
from influence_lab.scoring.workflow import score
from influence_lab.datasets.importers import load_export

__all__ = [
    "__version__",
    "load_sample",
    "load_higgs",
    "load_collegemsg",
    "score",
    "load_export",
    "score_dataset",
    "score_timeline",
    "make_recipe",
    "RECIPES",
    "EVENT_KINDS",
    "ContractError",
    "Dataset",
    "validate_events",
    "validate_outcomes",
    "validate_users",
]
