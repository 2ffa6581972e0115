"""Tests for influence_lab.scoring.graph: engagement graphs, PageRank against networkx, the log scale."""

from __future__ import annotations


import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from influence_lab.contract import ContractError
from influence_lab.scoring.calibration import LogScale, log_scale_0_100
from influence_lab.scoring.graph import (
    EngagementGraph,
    PageRankConvergenceError,
    engagement_graph,
    pagerank,
    pagerank_series,
)

TIGHT = 1e-15  # per-node tolerance at which both implementations sit on the fixed point
#: For generated graphs: at alpha 0.95 a two-node cycle's last steps are round-off (about 1e-15 per node), so 1e-15
#: can fail to converge in either implementation; 1e-14 still puts both within 1e-12 of the fixed point.
PROPERTY_TOL = 1e-14


def events_table(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """A small contract-shaped events table from (actor, target, kind) triples."""
    actor, target, kind = zip(*rows) if rows else ((), (), ())
    return pd.DataFrame(
        {
            "timestamp": pd.date_range("2012-07-04", periods=len(rows), freq="min", tz="UTC"),
            "actor_id": pd.Series(actor, dtype="str"),
            "target_id": pd.Series(target, dtype="str"),
            "kind": pd.Categorical(kind),
        }
    )


def nx_ranks(graph: nx.DiGraph, nodes, **kwargs) -> np.ndarray:
    """networkx.pagerank as a vector in the order of ``nodes``."""
    ranks = nx.pagerank(graph, max_iter=1000, **kwargs)
    return np.array([ranks[node] for node in nodes])


def dense_pagerank(adjacency: np.ndarray, alpha: float, teleport: np.ndarray, dangling_to: np.ndarray) -> np.ndarray:
    """The PageRank fixed point by a direct linear solve: an oracle independent of any iteration."""
    n = adjacency.shape[0]
    out = adjacency.sum(axis=1)
    transition = np.divide(adjacency, out[:, None], out=np.zeros_like(adjacency), where=out[:, None] > 0)
    is_dangling = (out == 0).astype(float)
    google = alpha * (transition.T + np.outer(dangling_to, is_dangling))
    return np.linalg.solve(np.eye(n) - google, (1 - alpha) * teleport)


# ----------------------------------------------------------------- engagement graph


def test_engagement_graph_counts_weights_and_self_loops():
    events = events_table(
        [
            ("ann", "bob", "reshare"),
            ("ann", "bob", "reshare"),
            ("ann", "bob", "reply"),
            ("cat", "bob", "mention"),
            ("bob", "bob", "reshare"),  # self-loop
            ("bob", "", "post"),
            ("dan", "ann", "follow"),  # not an engagement kind
        ]
    )
    graph = engagement_graph(events)
    assert list(graph.users) == ["ann", "bob", "cat"]
    assert graph.users.dtype == "str"
    assert isinstance(graph.adjacency, sp.csr_array)
    dense = graph.adjacency.toarray()
    assert dense[0, 1] == 3 and dense[2, 1] == 1 and dense.sum() == 4
    assert graph.excluded == {"self_loops": 1, "outside_users": 0}
    assert graph.events_used == 4 and graph.n_edges == 2
    assert graph.unique_engagers().to_dict() == {"ann": 0, "bob": 2, "cat": 0}
    assert graph.engagements_received()["bob"] == 4
    assert graph.engagements_given()["ann"] == 3

    binary = engagement_graph(events, weight="binary")
    assert binary.adjacency.toarray()[0, 1] == 1

    by_kind = engagement_graph(events, weight={"reshare": 1.0, "reply": 3.0, "mention": 0.5, "like": 0.2})
    assert by_kind.adjacency.toarray()[0, 1] == 5.0 and by_kind.adjacency.toarray()[2, 1] == 0.5

    with_loops = engagement_graph(events, drop_self_loops=False)
    assert with_loops.adjacency.toarray()[1, 1] == 1 and with_loops.excluded["self_loops"] == 0

    follows = engagement_graph(events, kinds=["follow"])
    assert list(follows.users) == ["ann", "dan"] and follows.adjacency.toarray()[1, 0] == 1


def test_engagement_graph_weight_column_and_zero_weights():
    events = events_table([("a", "b", "like"), ("a", "b", "like"), ("c", "b", "like")])
    events["strength"] = [0.5, 1.5, 0.0]
    graph = engagement_graph(events, weight="strength")
    assert graph.adjacency.toarray()[0, 1] == 2.0
    # an edge whose weights sum to 0 is no edge; its users stay as nodes
    assert graph.n_edges == 1 and list(graph.users) == ["a", "b", "c"]
    events.loc[1, "strength"] = -1.0
    with pytest.raises(ContractError, match=r"'strength': 1 of 3 rows .*negative.*\n  row 1: strength=-1.0\nHow to fix"):
        engagement_graph(events, weight="strength")


def test_engagement_graph_fixed_users_isolated_and_outside():
    events = events_table([("a", "b", "reshare"), ("x", "b", "reshare"), ("b", "a", "reply")])
    graph = engagement_graph(events, users=["c", "b", "a"])
    assert list(graph.users) == ["c", "b", "a"]
    dense = graph.adjacency.toarray()
    assert dense[2, 1] == 1 and dense[1, 2] == 1 and dense.sum() == 2 and dense[0].sum() == dense[:, 0].sum() == 0
    assert graph.excluded["outside_users"] == 1 and graph.events_used == 2
    with pytest.raises(ValueError, match="unique"):
        engagement_graph(events, users=["a", "a"])


def test_engagement_graph_does_not_depend_on_event_order():
    rng = np.random.default_rng(7)
    ids = np.array([f"u{k}" for k in range(30)])
    rows = list(zip(rng.choice(ids, 200), rng.choice(ids, 200), rng.choice(["reshare", "reply", "like"], 200)))
    events = events_table(rows)
    shuffled = events.sample(frac=1.0, random_state=3).reset_index(drop=True)
    first, second = engagement_graph(events), engagement_graph(shuffled)
    assert first.users.equals(second.users)
    assert (first.adjacency != second.adjacency).nnz == 0


def test_engagement_graph_errors_name_column_and_rows():
    with pytest.raises(ContractError, match=r"missing column\(s\) \['kind'\]"):
        engagement_graph(pd.DataFrame({"actor_id": ["a"], "target_id": ["b"]}))
    bad = events_table([("a", "b", "reshare"), ("a", "", "reply"), ("c", "", "post")])
    with pytest.raises(ContractError, match=r"events table: column 'target_id': 1 of 3 rows .*\n  row 1: target_id=''") as info:
        engagement_graph(bad)
    assert info.value.column == "target_id" and info.value.rows == [1]
    with pytest.raises(ValueError, match="without 'post'"):
        engagement_graph(bad, kinds=["post"])
    with pytest.raises(ValueError, match="Unknown: \\['retweet'\\]"):
        engagement_graph(bad, kinds=["retweet"])
    with pytest.raises(ValueError, match=r"no entry for kind\(s\) \['reply'\]"):
        engagement_graph(events_table([("a", "b", "reply")]), weight={"reshare": 1.0})
    with pytest.raises(ValueError, match="neither 'count'"):
        engagement_graph(events_table([("a", "b", "reply")]), weight="nope")


def test_empty_graph():
    graph = engagement_graph(events_table([("a", "", "post")]))
    assert graph.n_users == 0 and graph.adjacency.shape == (0, 0)
    assert pagerank_series(graph).empty
    assert pagerank(sp.csr_array((0, 0))).shape == (0,)


def test_to_networkx_round_trip():
    events = events_table([("a", "b", "reshare"), ("a", "b", "reshare"), ("c", "a", "reply")])
    graph = engagement_graph(events, users=["a", "b", "c", "d"])
    g = graph.to_networkx()
    assert set(g.nodes) == {"a", "b", "c", "d"} and g["a"]["b"]["weight"] == 2.0 and g.number_of_edges() == 2


# ------------------------------------------------------------------------- pagerank


def test_two_nodes_closed_form():
    # a -> b, b dangling: x_a = 1 / (2 + alpha) by hand.
    ranks = pagerank(np.array([[0.0, 1.0], [0.0, 0.0]]))
    assert ranks == pytest.approx([1 / 2.85, 1.85 / 2.85], abs=1e-12)


def test_hand_built_graph_with_dangling_isolated_and_self_loop_matches_networkx():
    g = nx.DiGraph()
    g.add_nodes_from(range(6))  # 5 is isolated
    g.add_weighted_edges_from([(0, 1, 2.0), (0, 2, 1.0), (1, 2, 1.0), (2, 0, 1.0), (3, 2, 5.0), (3, 3, 1.0)])
    # 4 receives nothing and gives nothing but sits apart from 5 via personalization below
    adjacency = nx.to_scipy_sparse_array(g, nodelist=range(6), dtype=float)
    for kwargs in (
        {},
        {"alpha": 0.5},
        {"personalization": {0: 1.0, 4: 3.0}},
        {"dangling": {1: 1.0, 5: 1.0}},
        {"personalization": {2: 1.0, 5: 2.0}, "dangling": {4: 1.0}},
    ):
        expected = nx_ranks(g, range(6), tol=TIGHT, **kwargs)
        vectors = {
            key: np.array([value.get(node, 0.0) for node in range(6)])
            for key, value in kwargs.items()
            if key != "alpha"
        }
        ours = pagerank(adjacency, alpha=kwargs.get("alpha", 0.85), tol=TIGHT, **vectors)
        assert np.abs(ours - expected).max() < 1e-12, kwargs
        assert ours.sum() == pytest.approx(1.0, abs=1e-12)


def test_weighted_versus_unweighted():
    g = nx.DiGraph()
    g.add_weighted_edges_from([(0, 1, 9.0), (0, 2, 1.0), (2, 1, 1.0), (1, 0, 1.0)])
    adjacency = nx.to_scipy_sparse_array(g, nodelist=range(3), dtype=float)
    weighted = pagerank(adjacency, tol=TIGHT)
    unweighted = pagerank(adjacency, weight=False, tol=TIGHT)
    assert np.abs(weighted - nx_ranks(g, range(3), tol=TIGHT)).max() < 1e-12
    assert np.abs(unweighted - nx_ranks(g, range(3), weight=None, tol=TIGHT)).max() < 1e-12
    assert weighted[1] > unweighted[1]  # the heavy edge sends more credit to node 1


def test_isolated_users_get_teleport_and_dangling_share():
    events = events_table([("a", "b", "reshare")])
    ranks = pagerank_series(engagement_graph(events, users=["a", "b", "loner"]), tol=TIGHT)
    g = nx.DiGraph([("a", "b")])
    g.add_node("loner")
    expected = nx.pagerank(g, tol=TIGHT, max_iter=1000)
    assert ranks.name == "pagerank" and ranks.index.name == "user_id"
    assert ranks.to_dict() == pytest.approx(expected, abs=1e-12)
    assert ranks["loner"] == pytest.approx(ranks["a"])  # neither receives anything


def test_same_tolerance_same_stopping_step_as_networkx():
    """At networkx's loose default tol the result equals networkx's, not just the fixed point."""
    rng = np.random.default_rng(11)
    n = 400
    adjacency = sp.random_array((n, n), density=0.004, rng=rng, format="csr")
    adjacency.data = np.ceil(adjacency.data * 5)
    g = nx.from_scipy_sparse_array(adjacency, create_using=nx.DiGraph)
    loose = pagerank(adjacency, tol=1e-6)
    assert np.abs(loose - nx_ranks(g, range(n), tol=1e-6)).max() < 1e-14
    assert np.abs(loose - pagerank(adjacency, tol=TIGHT)).max() > 1e-9  # the loose one really stopped early


@pytest.mark.parametrize("tol", [1e-4, 1e-5, 1e-6, 1e-7, 1e-8])
def test_stopping_step_matches_networkx_when_most_users_only_engage(tol):
    """Retweet-like: 3,000 users who never receive engagement, 60 authors who do (the Higgs shape)."""
    rng = np.random.default_rng(int(-np.log10(tol)))
    engagers = rng.integers(0, 3060, 6000)
    authors = 3000 + rng.zipf(1.6, 6000) % 60
    adjacency = sp.coo_array((np.ones(6000), (engagers, authors)), shape=(3060, 3060)).tocsr()
    g = nx.from_scipy_sparse_array(adjacency, create_using=nx.DiGraph)
    personalization = rng.integers(0, 3, 3060).astype(float)
    for kwargs in ({}, {"personalization": dict(enumerate(personalization))}):
        theirs = nx_ranks(g, range(3060), tol=tol, **kwargs)
        ours = pagerank(adjacency, tol=tol, personalization=None if not kwargs else personalization)
        assert np.abs(ours - theirs).max() < 1e-13


def test_warm_start_converges_at_once_to_the_same_ranks():
    rng = np.random.default_rng(5)
    adjacency = sp.random_array((300, 300), density=0.01, rng=rng, format="csr")
    ranks = pagerank(adjacency, tol=1e-14)
    warm = pagerank(adjacency, tol=1e-14, start=ranks, max_iter=3)
    assert np.abs(warm - ranks).max() < 1e-12
    with pytest.raises(PageRankConvergenceError, match="did not converge in 3 iterations"):
        pagerank(adjacency, tol=1e-14, max_iter=3)


def test_pagerank_series_aligns_dicts_by_user_id():
    events = events_table([("a", "b", "reshare"), ("b", "c", "reply"), ("c", "a", "like"), ("d", "a", "like")])
    graph = engagement_graph(events)
    by_id = pagerank_series(graph, personalization={"c": 1.0, "a": 1.0}, dangling=pd.Series({"b": 2.0}))
    positional = pagerank(graph.adjacency, personalization=[1.0, 0, 1.0, 0], dangling=[0, 1.0, 0, 0])
    np.testing.assert_allclose(by_id.to_numpy(), positional, atol=1e-15)
    with pytest.raises(ValueError, match=r"1 user id\(s\) that are not nodes.*\['zed'\]"):
        pagerank_series(graph, personalization={"zed": 1.0, "a": 1.0})


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: pagerank(np.array([[0.0, -1.0], [1.0, 0.0]])), r"1 negative weight\(s\), e.g. \[0, 1\]=-1"),
        (lambda: pagerank(sp.csr_array((2, 3))), r"square.*\(2, 3\)"),
        (lambda: pagerank(np.ones(3)), "2-D square"),
        (lambda: pagerank(np.array([[0.0, np.nan], [1.0, 0.0]])), "NaN or infinite"),
        (lambda: pagerank(np.ones((3, 3)), personalization=[1.0, 1.0]), r"`personalization`.*length 3.*\(2,\)"),
        (lambda: pagerank(np.ones((3, 3)), personalization=[0.0, 0.0, 0.0]), "`personalization` is all zeros"),
        (lambda: pagerank(np.ones((3, 3)), personalization=[1.0, -1.0, 1.0]), "1 negative"),
        (lambda: pagerank(np.ones((3, 3)), dangling=[0.0, 0.0, 0.0]), "`dangling` is all zeros"),
        (lambda: pagerank(np.ones((3, 3)), alpha=1.5), r"alpha.*\[0, 1\]"),
        (lambda: pagerank(np.ones((3, 3)), tol=0), "tol must be > 0"),
        (lambda: pagerank(np.ones((3, 3)), max_iter=0), "max_iter"),
    ],
)
def test_errors_are_clear(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_input_matrix_is_not_modified():
    adjacency = sp.csr_array(np.array([[0.0, 2.0, 1.0], [0.0, 0.0, 3.0], [1.0, 0.0, 0.0]]))
    before = adjacency.toarray().copy()
    pagerank(adjacency)
    pagerank(adjacency, weight=False)
    np.testing.assert_array_equal(adjacency.toarray(), before)


# --------------------------------------------------------------- property tests


@st.composite
def weighted_digraphs(draw):
    """A small weighted digraph (self-loops, dangling and isolated nodes allowed) with optional vectors."""
    n = draw(st.integers(1, 9))
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.dictionaries(pairs, st.integers(1, 5), max_size=3 * n))
    positive_vector = st.lists(st.integers(0, 4), min_size=n, max_size=n).filter(lambda v: sum(v) > 0)
    personalization = draw(st.none() | positive_vector)
    dangling = draw(st.none() | positive_vector)
    alpha = draw(st.sampled_from([0.0, 0.3, 0.85, 0.95]))
    return n, edges, personalization, dangling, alpha


def as_inputs(n, edges):
    adjacency = np.zeros((n, n))
    for (source, target), w in edges.items():
        adjacency[source, target] = w
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from((s, t, float(w)) for (s, t), w in edges.items())
    return adjacency, g


@settings(max_examples=80, deadline=None)
@given(weighted_digraphs())
def test_matches_networkx_and_the_linear_solve_on_random_graphs(case):
    n, edges, personalization, dangling, alpha = case
    adjacency, g = as_inputs(n, edges)
    ours = pagerank(sp.csr_array(adjacency), alpha=alpha, personalization=personalization, dangling=dangling, tol=PROPERTY_TOL)
    as_dict = lambda v: None if v is None else dict(enumerate(map(float, v)))  # noqa: E731
    theirs = nx_ranks(
        g, range(n), alpha=alpha, personalization=as_dict(personalization), dangling=as_dict(dangling), tol=PROPERTY_TOL
    )
    assert np.abs(ours - theirs).max() < 1e-12
    assert ours.sum() == pytest.approx(1.0, abs=1e-12) and (ours >= 0).all()
    teleport = np.full(n, 1 / n) if personalization is None else np.array(personalization) / sum(personalization)
    dangling_to = teleport if dangling is None else np.array(dangling) / sum(dangling)
    assert np.abs(ours - dense_pagerank(adjacency, alpha, teleport, dangling_to)).max() < 1e-12
    unweighted = pagerank(adjacency, alpha=alpha, weight=False, tol=PROPERTY_TOL)
    expected = nx_ranks(g, range(n), alpha=alpha, weight=None, tol=PROPERTY_TOL)
    assert np.abs(unweighted - expected).max() < 1e-12


@settings(max_examples=60, deadline=None)
@given(weighted_digraphs(), st.randoms(use_true_random=False))
def test_relabelling_nodes_permutes_the_ranks(case, random):
    n, edges, personalization, _, alpha = case
    adjacency, _ = as_inputs(n, edges)
    order = list(range(n))
    random.shuffle(order)
    perm = np.array(order)
    teleport = None if personalization is None else np.array(personalization, dtype=float)
    ranks = pagerank(adjacency, alpha=alpha, personalization=teleport, tol=PROPERTY_TOL)
    relabelled = pagerank(
        adjacency[np.ix_(perm, perm)],
        alpha=alpha,
        personalization=None if teleport is None else teleport[perm],
        tol=PROPERTY_TOL,
    )
    assert np.abs(relabelled - ranks[perm]).max() < 1e-13


# ---------------------------------------------------------------------- log scale


def test_log_scale_maps_population_to_0_100_and_clips_unseen_values():
    population = pd.Series([1e-6, 1e-5, 1e-4, 1e-3], index=list("abcd"), name="pagerank")
    scale = LogScale().fit(population)
    assert (scale.floor_, scale.ceiling_) == (1e-6, 1e-3)
    scores = scale.transform(population)
    assert isinstance(scores, pd.Series) and list(scores.index) == list("abcd")
    np.testing.assert_allclose(scores.to_numpy(), [0, 100 / 3, 200 / 3, 100], atol=1e-9)
    unseen = scale.transform(np.array([1e-9, 1e-2, 0.0, np.nan, np.sqrt(1e-6 * 1e-3)]))
    np.testing.assert_allclose(unseen, [0, 100, 0, np.nan, 50], atol=1e-9)
    assert np.allclose(log_scale_0_100(population.to_numpy()), scores.to_numpy())


def test_log_scale_quantiles_fixed_bounds_and_degenerate_population():
    values = np.logspace(-8, -2, 101)
    robust = LogScale(lower_quantile=0.1, upper_quantile=0.9).fit(values)
    assert robust.transform(values)[:10].max() == 0 and robust.transform(values)[-10:].min() == 100
    fixed = log_scale_0_100(values, floor=1e-6, ceiling=1e-4)
    assert fixed[values <= 1e-6].max() == 0 and fixed[values >= 1e-4].min() == 100
    flat = LogScale().fit([0.25, 0.25])
    np.testing.assert_array_equal(flat.transform([0.1, 0.25, 0.5]), [0, 100, 100])
    with pytest.raises(ValueError, match="no positive"):
        LogScale().fit([0.0, np.nan])
    with pytest.raises(ValueError, match="floor <= ceiling"):
        log_scale_0_100(values, floor=1e-2, ceiling=1e-4)
    with pytest.raises(RuntimeError, match="fit"):
        LogScale().transform(values)


def test_log_scale_of_pagerank_is_linear_in_log_rank():
    rng = np.random.default_rng(2)
    adjacency = sp.random_array((500, 500), density=0.005, rng=rng, format="csr")
    ranks = pagerank(adjacency)
    assert len(np.unique(ranks)) > 50  # a spread of ranks, not a handful of ties
    scores = log_scale_0_100(ranks)
    # by hand: the smallest rank 0, the largest 100, linear in log in between (so monotone)
    expected = 100 * (np.log(ranks) - np.log(ranks.min())) / (np.log(ranks.max()) - np.log(ranks.min()))
    np.testing.assert_allclose(scores, expected, atol=1e-9)
    # a population fitted elsewhere: the same ranks halved sit log(2) lower on the scale, clipped at 0
    halved = LogScale().fit(ranks).transform(ranks / 2)
    shift = 100 * np.log(2) / (np.log(ranks.max()) - np.log(ranks.min()))
    np.testing.assert_allclose(halved, np.clip(expected - shift, 0, 100), atol=1e-9)


# ------------------------------------------------------------ real data: SNAP Higgs


@pytest.fixture(scope="session")
def higgs_reshare_graph(higgs) -> EngagementGraph:
    """The SNAP Higgs retweet graph (RT rows: retweeter -> retweeted, weight = count)."""
    return engagement_graph(higgs.events, kinds=["reshare"])


@pytest.fixture(scope="session")
def higgs_networkx(higgs_reshare_graph) -> nx.DiGraph:
    return higgs_reshare_graph.to_networkx()


@pytest.mark.slow
@pytest.mark.realdata
def test_higgs_reshare_graph_shape(higgs_reshare_graph):
    # SNAP: 354,930 RT rows over 328,132 distinct (retweeter, author) pairs, no RT self-loops.
    assert higgs_reshare_graph.events_used == 354_930
    assert higgs_reshare_graph.n_edges == 328_132
    assert higgs_reshare_graph.adjacency.sum() == 354_930
    assert higgs_reshare_graph.excluded == {"self_loops": 0, "outside_users": 0}


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.parametrize("tol", [1e-12, 1e-6])
def test_higgs_pagerank_equals_networkx(higgs_reshare_graph, higgs_networkx, tol):
    ours = pagerank_series(higgs_reshare_graph, tol=tol)
    theirs = pd.Series(nx.pagerank(higgs_networkx, alpha=0.85, tol=tol)).reindex(ours.index)
    assert theirs.notna().all()
    assert (ours - theirs).abs().max() < 1e-9
    assert ours.sum() == pytest.approx(1.0, abs=1e-12)


@pytest.mark.slow
@pytest.mark.realdata
def test_higgs_pagerank_equals_igraph(higgs_reshare_graph):
    igraph = pytest.importorskip("igraph")
    coo = higgs_reshare_graph.adjacency.tocoo()
    g = igraph.Graph(n=higgs_reshare_graph.n_users, edges=np.column_stack([coo.row, coo.col]), directed=True)
    g.es["weight"] = coo.data
    theirs = np.array(g.pagerank(weights="weight", damping=0.85, directed=True))
    ours = pagerank(higgs_reshare_graph.adjacency, tol=1e-16)
    assert np.abs(ours - theirs).max() < 1e-10
