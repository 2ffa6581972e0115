"""Run every benchmark script in this folder (``make bench``).

Each ``bench_*.py`` has a ``main()`` that prints its figures beside a
reference measured in the same run and writes ``benchmarks/results/<name>.json``.
The load average is printed before and after each script: the machine is
shared, and a busy one slows everything (see README.md).
Run: ``python benchmarks/run.py [name ...]`` (names like ``pagerank`` or
``bench_pagerank`` pick scripts; none runs them all).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the scripts import benchmarks/_common.py


def _load_average() -> str:
    return "load average " + ", ".join(f"{load:.2f}" for load in os.getloadavg()) + f" on {os.cpu_count()} cpus"


def main(argv: list[str]) -> int:
    wanted = set(argv)
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        if wanted and script.stem not in wanted and script.stem.removeprefix("bench_") not in wanted:
            continue
        print(f"\n=== {script.name} === ({_load_average()})", flush=True)
        spec = importlib.util.spec_from_file_location(script.stem, script)
        module = importlib.util.module_from_spec(spec)
        start = time.perf_counter()
        try:
            spec.loader.exec_module(module)
            module.main()
        except Exception as exc:  # report and go on with the others
            failures += 1
            print(f"FAILED: {type(exc).__name__}: {exc}", flush=True)
        print(f"({script.name} took {time.perf_counter() - start:.1f} s; {_load_average()})", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
