"""Benchmark: how long each notebook takes to run end to end, cold, and the whole suite (issue 14).

Each notebook runs in a fresh ``python3`` kernel (nbclient, as the site build of ``make test`` does), with an empty
cache folder (``$INFLUENCE_LAB_CACHE`` set to a new temporary directory), so the cold figure is what a student or
CI meets on a fresh machine. One notebook at a time (the machine has two cores). The kernel's resident memory is
sampled every 0.2 s (psutil) and its peak reported. Notebook 04 then runs a second time with the same cache: its
grid of worlds is read back from disk (``sweeps.tracking_sweep(..., cache=True)``), the figure a re-run meets.

Reference, measured in the same run: a two-cell notebook that only imports the package and loads the shipped
sample (kernel start, imports and one load), so each notebook is also reported as a multiple of that fixed cost.
Goals (issue 14): every notebook cold in **under 120 s** and the suite in **under 480 s** on this 2-core machine.

Run: ``python benchmarks/bench_notebooks.py [00 01 ...]`` (default: every notebook; about 7 minutes);
writes ``benchmarks/results/notebooks.json``. The real SNAP files are found as the tests find them
(``$INFLUENCE_LAB_MIRROR``, else ``../shared/datasets`` beside the checkout).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, find_mirror, write_results  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
#: Cold-run goals in seconds (issue 14: each notebook under 2 minutes, the suite under 8, on 2 cores).
NOTEBOOK_GOAL_S = 120.0
SUITE_GOAL_S = 480.0


class _PeakMemory:
    """Samples the resident memory of a process and its children until stopped; the peak in MB."""

    def __init__(self, pid: int, every: float = 0.2):
        self.process, self.every, self.peak = psutil.Process(pid), every, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.process, *self.process.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in procs if p.is_running())
                self.peak = max(self.peak, rss / 2**20)
            except psutil.Error:
                pass
            self._stop.wait(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def _run(nb: nbformat.NotebookNode, cache: Path) -> tuple[float, float]:
    """Seconds and the kernel's peak RSS (MB) of one execution, kernel start included."""
    os.environ["INFLUENCE_LAB_CACHE"] = str(cache)
    client = NotebookClient(nb, kernel_name="python3", timeout=1800, resources={"metadata": {"path": str(ROOT)}})
    start = time.perf_counter()
    with client.setup_kernel():
        pid = client.km.provisioner.process.pid
        with _PeakMemory(pid) as memory:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
    return time.perf_counter() - start, memory.peak


def _reference() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import influence_lab"),
                nbformat.v4.new_code_cell("from influence_lab import load_sample\nworld = load_sample()")]
    return nb


def main(prefixes: list[str] | None = None) -> dict:
    """Run the chosen notebooks cold (and notebook 04 warm); print and write the figures."""
    mirror = find_mirror()
    if mirror is not None:
        os.environ.setdefault("INFLUENCE_LAB_MIRROR", str(mirror))
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"  # figures drawn, as on the site
    every = sorted((ROOT / "notebooks").glob("*.ipynb"))
    paths = [p for p in every if prefixes is None or p.name[:2] in prefixes]
    if not paths:
        raise SystemExit(f"no notebook starts with {prefixes}; notebooks: {[p.name for p in every]}")
    with tempfile.TemporaryDirectory() as tmp:
        reference, _ = _run(_reference(), Path(tmp) / "reference")
        rows = []
        for path in paths:
            cache = Path(tmp) / path.stem
            print(f"running {path.name} ...", flush=True)
            cold, peak = _run(nbformat.read(path, as_version=4), cache)
            row = {"notebook": path.name, "cold_seconds": round(cold, 1), "cold_over_reference": round(cold / reference, 1),
                   "kernel_peak_rss_mb": round(peak), "goal_seconds": NOTEBOOK_GOAL_S, "goal_met": cold < NOTEBOOK_GOAL_S}
            if path.name.startswith("04"):
                row["warm_seconds"] = round(_run(nbformat.read(path, as_version=4), cache)[0], 1)
            rows.append(row)
            print(f"  cold {cold:.1f} s, kernel peak {peak:,.0f} MB", flush=True)
    total = sum(r["cold_seconds"] for r in rows)
    print(f"reference (kernel start, import, load_sample): {reference:.1f} s")
    for row in rows:
        warm = f", warm {row['warm_seconds']:.1f} s" if "warm_seconds" in row else ""
        print(f"{row['notebook']}: cold {row['cold_seconds']:.1f} s ({row['cold_over_reference']:.1f}x reference), "
              f"kernel peak {row['kernel_peak_rss_mb']:,} MB{warm}; goal < {NOTEBOOK_GOAL_S:.0f} s met: {row['goal_met']}")
    suite = {"notebooks": len(rows), "cold_seconds": round(total, 1), "goal_seconds": SUITE_GOAL_S,
             "goal_met": total < SUITE_GOAL_S and len(rows) == len(every)}
    print(f"suite ({len(rows)} of {len(every)} notebooks): {total:.1f} s cold; goal < {SUITE_GOAL_S:.0f} s "
          f"met: {suite['goal_met']}")
    payload = {"reference_seconds": round(reference, 1), "notebooks": rows, "suite": suite, "machine": environment()}
    write_results("notebooks", payload)
    return payload


if __name__ == "__main__":
    main(sys.argv[1:] or None)
