"""One module per notebook question; each returns tidy tables the notebook shows.

- :mod:`~influence_lab.studies.explore` - notebook 00, what is in the data;
- :mod:`~influence_lab.studies.compare` - notebook 01, recipes side by side and against the truth;
- :mod:`~influence_lab.studies.gaming` and :mod:`~influence_lab.studies.detection` - notebook 02, attacks, their
  lift and cost, defences and a detector;
- :mod:`~influence_lab.studies.decay` - notebook 03, inactivity and decay;
- :mod:`~influence_lab.studies.validity`, :mod:`~influence_lab.studies.hiring` and
  :mod:`~influence_lab.studies.sweeps` - notebook 04 (sweeps also 01), scores against outcomes;
- :mod:`~influence_lab.studies.topics` - notebook 05, topic labels against the truth;
- :mod:`~influence_lab.studies.claims` and :mod:`~influence_lab.studies.formula` - notebook 06, the post's claims
  with verdicts computed live, and the secret formula recovered;
- :mod:`~influence_lab.studies.own_data` - notebook 07, what an export can support and its scores against its
  outcome;
- :mod:`~influence_lab.studies.stats` - the one bootstrap and interval implementation they share.

Imports from :mod:`influence_lab.scoring`, :mod:`influence_lab.datasets` and
:mod:`influence_lab.contract`; never from :mod:`influence_lab.course`.
"""
