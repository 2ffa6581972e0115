"""Benchmark: influence_lab.scoring.graph.pagerank against networkx and igraph on the SNAP Higgs retweet graph.

All three rank the same weighted graph (retweeter -> retweeted, weight = number
of retweets; 256,491 users, 328,132 edges) with alpha = 0.85 in the same run.
Each library gets its own graph object built beforehand (build times are
reported apart): ``networkx.pagerank`` converts its DiGraph to a sparse matrix
inside the call, as every caller of it pays. ours and networkx use the same
stopping rule (L1 change < n * tol); igraph (PRPACK) solves to its own, tighter
precision, so ours is also timed at tol=1e-16, where it agrees with igraph to
about 1e-11. Goals: >= 20x faster than networkx, within 1.5x of igraph.

Run: ``python benchmarks/bench_pagerank.py`` (or ``make bench``); writes
``benchmarks/results/pagerank.json``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np

from influence_lab.datasets.snap import available_locally, load_higgs
from influence_lab.scoring.graph import engagement_graph, pagerank

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py, however this script is started
from _common import environment, find_mirror, median_seconds, write_results  # noqa: E402

ALPHA = 0.85
TOL = 1e-12  # the package default; networkx's own default (1e-6) is timed too
REPEATS = 9  # for ours and igraph; networkx is slow, so twice


def _higgs_events():
    mirror = find_mirror()
    if not available_locally("higgs", mirror=mirror):
        raise SystemExit("SNAP Higgs file not found: set INFLUENCE_LAB_MIRROR to the folder holding it.")
    return load_higgs(mirror=mirror).events


def main() -> dict:
    """Time and compare the three implementations; print a table and write the JSON results."""
    import igraph

    events = _higgs_events()
    build = {}
    start = time.perf_counter()
    graph = engagement_graph(events, kinds=["reshare"])
    build["ours_engagement_graph_s"] = time.perf_counter() - start
    start = time.perf_counter()
    nx_graph = graph.to_networkx()
    build["networkx_digraph_s"] = time.perf_counter() - start
    start = time.perf_counter()
    coo = graph.adjacency.tocoo()
    ig_graph = igraph.Graph(n=graph.n_users, edges=np.column_stack([coo.row, coo.col]), directed=True)
    ig_graph.es["weight"] = coo.data
    build["igraph_graph_s"] = time.perf_counter() - start
    print(f"Higgs retweet graph: {graph.n_users:,} users, {graph.n_edges:,} edges, {graph.events_used:,} retweets")

    adjacency = graph.adjacency
    ours_s, ours_runs, ours = median_seconds(lambda: pagerank(adjacency, alpha=ALPHA, tol=TOL), REPEATS)
    ours_tight_s, ours_tight_runs, ours_tight = median_seconds(
        lambda: pagerank(adjacency, alpha=ALPHA, tol=1e-16), REPEATS
    )
    ours_loose_s, _, ours_loose = median_seconds(lambda: pagerank(adjacency, alpha=ALPHA, tol=1e-6), REPEATS)
    ig_s, ig_runs, ig_ranks = median_seconds(
        lambda: np.array(ig_graph.pagerank(weights="weight", damping=ALPHA, directed=True)), REPEATS
    )
    ig_ppr_s, _, ig_ppr = median_seconds(
        lambda: np.array(ig_graph.personalized_pagerank(weights="weight", damping=ALPHA, directed=True)), 3
    )
    nodes = list(graph.users)
    nx_s, nx_runs, nx_dict = median_seconds(lambda: nx.pagerank(nx_graph, alpha=ALPHA, tol=TOL, max_iter=1000), 2)
    nx_ranks = np.array([nx_dict[u] for u in nodes])
    nx_loose_s, _, nx_loose_dict = median_seconds(lambda: nx.pagerank(nx_graph, alpha=ALPHA), 1)
    nx_loose = np.array([nx_loose_dict[u] for u in nodes])

    def gap(a, b) -> float:
        return float(np.abs(a - b).max())

    results = {
        "graph": {"users": graph.n_users, "edges": graph.n_edges, "retweets": graph.events_used},
        "alpha": ALPHA,
        "tol": TOL,
        "seconds": {
            "ours": ours_s,
            "ours_tol_1e-16": ours_tight_s,
            "ours_tol_1e-6": ours_loose_s,
            "networkx": nx_s,
            "networkx_tol_1e-6_default": nx_loose_s,
            "igraph_pagerank_prpack": ig_s,
            "igraph_personalized_pagerank": ig_ppr_s,
            "runs": {"ours": ours_runs, "ours_tol_1e-16": ours_tight_runs, "networkx": nx_runs, "igraph": ig_runs},
        },
        "build_seconds": build,
        "ratios": {
            "networkx_over_ours": nx_s / ours_s,
            "networkx_default_over_ours_default": nx_loose_s / ours_loose_s,
            "ours_over_igraph": ours_s / ig_s,
            "ours_tol_1e-16_over_igraph": ours_tight_s / ig_s,
        },
        "max_abs_difference": {
            "ours_vs_networkx_same_tol": gap(ours, nx_ranks),
            "ours_vs_networkx_tol_1e-6": gap(ours_loose, nx_loose),
            "ours_vs_igraph": gap(ours, ig_ranks),
            "ours_tol_1e-16_vs_igraph": gap(ours_tight, ig_ranks),
            "networkx_vs_igraph": gap(nx_ranks, ig_ranks),
            "igraph_pagerank_vs_personalized": gap(ig_ranks, ig_ppr),
        },
        "goals": {
            "at_least_20x_faster_than_networkx": nx_s / ours_s >= 20,
            "within_1.5x_of_igraph": ours_s / ig_s <= 1.5,
            "within_1.5x_of_igraph_at_igraph_precision": ours_tight_s / ig_s <= 1.5,
        },
    }

    s, r, d = results["seconds"], results["ratios"], results["max_abs_difference"]
    print(f"{'implementation':<38}{'median s':>10}")
    for label, key in [
        (f"ours (tol={TOL:g})", "ours"),
        ("ours (tol=1e-16, igraph's precision)", "ours_tol_1e-16"),
        ("ours (tol=1e-6)", "ours_tol_1e-6"),
        (f"networkx.pagerank (tol={TOL:g})", "networkx"),
        ("networkx.pagerank (default tol=1e-6)", "networkx_tol_1e-6_default"),
        ("igraph Graph.pagerank (PRPACK)", "igraph_pagerank_prpack"),
        ("igraph personalized_pagerank", "igraph_personalized_pagerank"),
    ]:
        print(f"{label:<38}{s[key]:>10.4f}")
    print(
        f"networkx / ours: {r['networkx_over_ours']:.1f}x (goal >= 20x); "
        f"at tol 1e-6: {r['networkx_default_over_ours_default']:.1f}x"
    )
    print(
        f"ours / igraph: {r['ours_over_igraph']:.2f} (goal <= 1.5); "
        f"at tol 1e-16: {r['ours_tol_1e-16_over_igraph']:.2f}"
    )
    print("max |difference|: " + ", ".join(f"{k} {v:.1e}" for k, v in d.items()))
    print("build (s): " + ", ".join(f"{k} {v:.2f}" for k, v in build.items()))
    results["environment"] = environment()  # last, so its load average covers the timed runs
    write_results("pagerank", results)
    return results


if __name__ == "__main__":
    main()
