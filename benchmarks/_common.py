"""Helpers shared by the ``bench_*.py`` scripts: timing, the real-data mirror, the machine block, results.

Each script puts this folder on ``sys.path`` before importing it, so it works
whether the script is run as ``python benchmarks/bench_x.py`` or through
``benchmarks/run.py``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import time
from importlib import metadata
from pathlib import Path

from influence_lab.paths import mirror_dir, project_root

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# distributions whose versions go into every machine block (absent ones are reported as such)
LIBRARIES = ("influence-lab", "numpy", "pandas", "pyarrow", "scipy", "networkx", "igraph", "duckdb", "pyspark")


def seconds(call) -> float:
    """Wall time of one ``call()``: the unit of the interleaved comparisons (a run of A, then of B, ...)."""
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def median_seconds(call, repeats: int) -> tuple[float, list[float], object]:
    """Median wall time of ``repeats`` calls, every run listed, and the last call's result.

    No warm-up: the first call counts too (scripts that want one make it before).
    The median, not the mean, because the machine is shared and single runs jump.
    """
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, result


def find_mirror() -> Path | None:
    """The folder holding the real SNAP files: ``$INFLUENCE_LAB_MIRROR``, else ``../shared/datasets`` beside the
    checkout if it exists, else None (the loaders then use the download cache only)."""
    sibling = project_root().parent / "shared" / "datasets"
    return mirror_dir() or (sibling if sibling.is_dir() else None)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (``ru_maxrss`` is in kilobytes on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def environment() -> dict:
    """Versions, CPUs, platform and the load average now: what a figure depends on, written beside it.

    The load average (1, 5, 15 minutes) is taken when this is called, at the end of a
    script: on a shared machine it says how busy the cores were while the figures were taken.
    """
    return {
        "python": platform.python_version(),
        **{name.replace("-", "_"): _version(name) for name in LIBRARIES},
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_1_5_15_min": [round(load, 2) for load in os.getloadavg()],
    }


def write_results(name: str, payload: dict) -> Path:
    """Write ``payload`` as ``benchmarks/results/<name>.json`` (a gitignored folder) and say where."""
    path = RESULTS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")
    try:
        shown = path.relative_to(project_root())
    except ValueError:  # benchmarks/ copied outside the checkout
        shown = path
    print(f"wrote {shown}")
    return path
