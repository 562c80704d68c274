"""Network analysis of intelligence links, checked by hand on small graphs: components,
betweenness (Freeman 1977) worked out pair by pair, bridging nodes and links, shortest paths,
and the date and grading filters."""

from __future__ import annotations

import datetime

import networkx as nx
import pytest

from saferplaces.analysis.network import (
    Edge,
    LinkFilter,
    Node,
    UnknownNode,
    betweenness,
    bridging,
    build_graph,
    components,
    positions,
    shortest_path,
    summarise,
)

D = datetime.date


def nodes(*ids: str, kind: str = "nominal") -> list[Node]:
    return [Node(i, kind, label=i.upper()) for i in ids]


def chain(*ids: str) -> list[Edge]:
    return [Edge(a, b, "associate", id=f"{a}{b}") for a, b in zip(ids, ids[1:], strict=False)]


def test_a_path_of_four_gives_its_inner_nodes_two_thirds_betweenness():
    # a-b-c-d: b lies on the shortest paths a-c and a-d, c on a-d and b-d: 2 of the 3 pairs
    # that exclude each of them, so 2/3 after normalising by (n-1)(n-2)/2 = 3.
    g = build_graph(nodes("a", "b", "c", "d"), chain("a", "b", "c", "d"))
    ranked = betweenness(g)
    assert ranked == [("b", pytest.approx(2 / 3)), ("c", pytest.approx(2 / 3)),
                      ("a", 0.0), ("d", 0.0)]


def test_in_a_square_each_node_carries_half_of_the_pair_across_from_it():
    # a-b-c-d-a: the pair a,c has two shortest paths (via b, via d), so b gets 1/2; each node
    # gets 1/2 of one pair, normalised by 3 pairs: 1/6. No node or link splits it.
    g = build_graph(nodes("a", "b", "c", "d"), chain("a", "b", "c", "d", "a"))
    assert [score for _, score in betweenness(g)] == pytest.approx([1 / 6] * 4)
    assert bridging(g).articulation_points == () and bridging(g).bridges == ()


def test_the_controller_between_two_phones_ranks_first_and_bridges_them():
    # controller k controls phones p1 and p2; runner r1 uses p1, runner r2 uses p2.
    # k lies on every path between {p1, r1} and {p2, r2}: 4 pairs of the 10 excluding k.
    # p1 lies on r1-k, r1-p2, r1-r2: 3 pairs; same for p2.
    g = build_graph(
        [Node("k", "nominal"), Node("p1", "deal_line"), Node("p2", "deal_line"),
         Node("r1", "nominal"), Node("r2", "nominal")],
        [Edge("k", "p1", "controls"), Edge("k", "p2", "controls"),
         Edge("r1", "p1", "uses"), Edge("r2", "p2", "uses")])
    ranked = betweenness(g)
    assert ranked[0] == ("k", pytest.approx(4 / 6))
    assert dict(ranked)["p1"] == pytest.approx(3 / 6)
    assert bridging(g).articulation_points == ("k", "p1", "p2")
    assert bridging(g).bridges == (("k", "p1"), ("k", "p2"), ("p1", "r1"), ("p2", "r2"))


def test_betweenness_agrees_with_networkx_on_a_random_graph():
    random = nx.gnm_random_graph(30, 60, seed=4)
    g = build_graph([Node(i, "nominal") for i in random.nodes],
                    [Edge(a, b) for a, b in random.edges])
    expected = nx.betweenness_centrality(random)
    assert dict(betweenness(g)) == pytest.approx(expected)


def test_components_group_the_lines_and_people_of_one_network_largest_first():
    g = build_graph(nodes("a", "b", "c", "x", "y", "lone"),
                    chain("x", "y") + chain("a", "b", "c"))
    found = components(g)
    assert [c.nodes for c in found] == [("a", "b", "c"), ("x", "y"), ("lone",)]
    assert found[0].kinds == {"nominal": 3} and found[0].size == 3


def test_components_count_kinds_and_victims():
    g = build_graph([Node("line", "deal_line"), Node("home", "address"),
                     Node("resident", "nominal", victim=True)],
                    [Edge("line", "home"), Edge("resident", "home")])
    (only,) = components(g)
    assert only.kinds == {"deal_line": 1, "address": 1, "nominal": 1} and only.victims == 1


def test_the_shortest_path_from_runner_to_address_lists_the_links_on_each_step():
    g = build_graph(
        [Node("runner", "nominal"), Node("phone", "deal_line"), Node("boss", "nominal"),
         Node("flat", "address")],
        [Edge("runner", "phone", "uses", id=1), Edge("boss", "phone", "controls", id=2),
         Edge("phone", "flat", "handset located at", id=3),
         Edge("phone", "flat", "cell site", id=4), Edge("boss", "flat", "visits", id=5)])
    path = shortest_path(g, "runner", "flat")
    assert path is not None and path.nodes == ("runner", "phone", "flat") and path.length == 2
    assert [[link.id for link in step] for step in path.steps] == [[1], [3, 4]]


def test_no_path_between_separate_networks_and_unknown_nodes_are_refused():
    g = build_graph(nodes("a", "b", "c"), chain("a", "b"))
    assert shortest_path(g, "a", "c") is None
    assert shortest_path(g, "a", "a") is not None and shortest_path(g, "a", "a").length == 0
    with pytest.raises(UnknownNode):
        shortest_path(g, "a", "nobody")


def test_links_outside_the_dates_are_left_out_and_undated_links_too_when_dates_are_set():
    links = [Edge("a", "b", date=D(2025, 1, 10)), Edge("b", "c", date=D(2025, 3, 1)),
             Edge("c", "d")]
    everything = build_graph(nodes("a", "b", "c", "d"), links)
    assert everything.number_of_edges() == 3
    january = build_graph(nodes("a", "b", "c", "d"), links,
                          LinkFilter(start=D(2025, 1, 1), end=D(2025, 1, 31)))
    assert list(january.edges) == [("a", "b")] and january.number_of_nodes() == 4
    from_march = build_graph(nodes("a", "b", "c", "d"), links, LinkFilter(start=D(2025, 3, 1)))
    assert list(from_march.edges) == [("b", "c")]


def test_grading_keeps_links_graded_at_least_as_well_as_asked():
    links = [Edge("a", "b", source_grade="1", intelligence_grade="A"),
             Edge("b", "c", source_grade="2", intelligence_grade="C"),
             Edge("c", "d", source_grade="3", intelligence_grade="B"),
             Edge("d", "e", source_grade="1", intelligence_grade="E"),
             Edge("e", "a")]
    ids = nodes("a", "b", "c", "d", "e")
    assert build_graph(ids, links, LinkFilter(source_grade="2")).number_of_edges() == 3
    assert set(build_graph(ids, links, LinkFilter(intelligence_grade="B")).edges) == {
        ("a", "b"), ("c", "d")}
    both = build_graph(ids, links, LinkFilter(source_grade="2", intelligence_grade="C"))
    assert set(both.edges) == {("a", "b"), ("b", "c")}


def test_a_filter_refuses_grades_off_the_scale_and_backward_dates():
    with pytest.raises(ValueError):
        LinkFilter(source_grade="4")
    with pytest.raises(ValueError):
        LinkFilter(intelligence_grade="F")
    with pytest.raises(ValueError):
        LinkFilter(start=D(2025, 2, 1), end=D(2025, 1, 1))


def test_bad_graphs_are_refused():
    with pytest.raises(UnknownNode):
        build_graph(nodes("a"), [Edge("a", "ghost")])
    with pytest.raises(ValueError):
        build_graph(nodes("a"), [Edge("a", "a")])
    with pytest.raises(ValueError):
        build_graph(nodes("a", "a"), [])


def test_two_links_between_the_same_pair_make_one_edge_carrying_both():
    g = build_graph(nodes("a", "b"), [Edge("a", "b", "uses", id=1), Edge("b", "a", "calls", id=2)])
    assert g.number_of_edges() == 1
    assert [link.id for link in g.edges["a", "b"]["links"]] == [1, 2]


def test_the_summary_names_the_component_of_a_node():
    g = build_graph(nodes("a", "b", "c", "x", "y"), chain("a", "b", "c") + chain("x", "y"))
    summary = summarise(g)
    assert summary.component_of("y") == 1 and summary.component_of("b") == 0
    # b lies on a-c, one of the (5-1)(5-2)/2 = 6 pairs the whole graph normalises by
    assert summary.betweenness[0] == ("b", pytest.approx(1 / 6))
    assert summary.bridging.articulation_points == ("b",)


def test_positions_are_the_same_every_time_and_within_the_scale():
    g = build_graph(nodes("a", "b", "c", "x", "y"), chain("a", "b", "c") + chain("x", "y"))
    first, again = positions(g, scale=100), positions(g, scale=100)
    assert first == again and set(first) == {"a", "b", "c", "x", "y"}
    assert all(abs(x) <= 100.001 and abs(y) <= 100.001 for x, y in first.values())
    assert positions(build_graph([], [])) == {}
