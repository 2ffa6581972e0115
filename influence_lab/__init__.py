"""Influence Lab: check what influence scores measure, with data.

The package holds every computation; the notebooks in ``notebooks/`` tell the
story. Start with :func:`influence_lab.load_sample` (the synthetic world,
where the truth is known) or :func:`influence_lab.datasets.load_higgs`.
"""

__version__ = "0.1.0"

from influence_lab.contract import (
    EVENT_KINDS,
    ContractError,
    Dataset,
    validate_events,
    validate_outcomes,
    validate_users,
)

from influence_lab.sample import load_sample

__all__ = [
    "load_sample",
    "EVENT_KINDS",
    "ContractError",
    "Dataset",
    "validate_events",
    "validate_outcomes",
    "validate_users",
]
