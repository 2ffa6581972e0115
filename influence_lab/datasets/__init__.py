"""Where data comes from: every loader here returns a :class:`~influence_lab.contract.Dataset`.

- :mod:`~influence_lab.datasets.snap` - the two real SNAP datasets (Higgs
  Twitter activity, CollegeMsg): registry, SHA-256 checks, cache and mirror.
- :mod:`~influence_lab.datasets.sample` - the synthetic sample shipped in
  ``data/`` (or generated once into the user cache when the package is
  installed without a checkout).
- :mod:`~influence_lab.datasets.world` - the seeded synthetic world that
  generates the sample, split along its mechanisms.
- :mod:`~influence_lab.datasets.hashing` - content hashes as the project checks them.

Imports only from :mod:`influence_lab.contract` and :mod:`influence_lab.paths`.
"""

from influence_lab.datasets.sample import load_sample
from influence_lab.datasets.snap import load_collegemsg, load_higgs

__all__ = ["load_sample", "load_higgs", "load_collegemsg"]
