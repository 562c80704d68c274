"""Network analysis of intelligence links: who and what forms one network, who holds it
together, and how one entity connects to another.

The graph is undirected and simple: a node per entity (deal line, nominal, address, vehicle,
organised crime group), an edge between two entities when at least one link joins them (every
link between the pair is kept on the edge, so a table can list them all). Links can first be
filtered by date and by grading (:class:`LinkFilter`).

Measures, each the standard one for an undirected graph:

- **components** — the connected components: the lines, people, addresses and vehicles that
  form one network (a path of links joins any two of them, none joins them to anything else);
- **betweenness centrality** (Freeman 1977) — for a node ``v``, the sum over pairs ``s, t`` of
  the share of shortest ``s``–``t`` paths that pass through ``v``, normalised by
  ``(n − 1)(n − 2) / 2`` pairs so values lie in [0, 1]; computed with Brandes' algorithm
  (Brandes 2001, as networkx implements it) in O(nm) time. The controller of a county line
  sits between the phones, the runners and the addresses, so ranks first;
- **bridging nodes and links** — articulation points (a node whose removal splits its
  component) and bridges (a link whose removal does): the single points a disruption can aim
  at (Hopcroft & Tarjan 1973, networkx's depth-first search);
- **shortest path** — the fewest links between two entities ("how does this runner connect to
  that address"), found by breadth-first search; with several of equal length the first found
  is returned, and which one that is depends only on the order nodes and links were given.

For drawing, :func:`positions` places the nodes by the Fruchterman–Reingold force-directed
algorithm (Fruchterman & Reingold 1991, networkx's ``spring_layout``) from a fixed seed, so
the same network is drawn the same way every time.

Gradings follow the 3x5x2 intelligence report (College of Policing, Authorised Professional
Practice, Intelligence management): source evaluation ``1`` (reliable) to ``3`` (not reliable),
intelligence assessment ``A`` (known directly) to ``E`` (suspected to be false). A lower digit
and an earlier letter are better; a filter keeps links graded at least as well as it asks.

References
----------
Brandes, U. (2001). A faster algorithm for betweenness centrality. *Journal of Mathematical
Sociology* 25(2), 163–177.
Fruchterman, T. M. J. & Reingold, E. M. (1991). Graph drawing by force-directed placement.
*Software: Practice and Experience* 21(11), 1129–1164.
Freeman, L. C. (1977). A set of measures of centrality based on betweenness. *Sociometry* 40(1),
35–41.
Hopcroft, J. & Tarjan, R. (1973). Algorithm 447: efficient algorithms for graph manipulation.
*Communications of the ACM* 16(6), 372–378.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

__all__ = [
    "SOURCE_GRADES", "INTELLIGENCE_GRADES", "Node", "Edge", "LinkFilter", "Component",
    "Bridging", "Path", "NetworkSummary", "UnknownNode",
    "build_graph", "components", "betweenness", "bridging", "shortest_path", "summarise",
    "nodes_of", "positions",
]

#: Source evaluation, best first (3x5x2: 1 reliable, 2 untested, 3 not reliable).
SOURCE_GRADES: tuple[str, ...] = ("1", "2", "3")
#: Intelligence assessment, best first (3x5x2: A known directly ... E suspected to be false).
INTELLIGENCE_GRADES: tuple[str, ...] = ("A", "B", "C", "D", "E")


class UnknownNode(KeyError):
    """A node asked about is not in the graph."""


@dataclass(frozen=True)
class Node:
    """One entity: ``id`` unique in the graph, ``kind`` (deal_line, nominal, address, vehicle,
    ocg), the ``label`` shown, and whether it is a ``victim`` (of exploitation)."""

    id: Hashable
    kind: str
    label: str = ""
    victim: bool = False


@dataclass(frozen=True)
class Edge:
    """One link between nodes ``a`` and ``b``: its ``kind`` ("uses", "runs for" ...), ``date``,
    ``source_grade`` (1–3), ``intelligence_grade`` (A–E) and ``id`` (the link's record)."""

    a: Hashable
    b: Hashable
    kind: str = ""
    date: datetime.date | None = None
    source_grade: str | None = None
    intelligence_grade: str | None = None
    id: Hashable = None


@dataclass(frozen=True)
class LinkFilter:
    """Which links to keep: dated within ``start``..``end`` (inclusive; either may be open),
    graded at least ``source_grade`` and ``intelligence_grade`` (``"2"`` keeps 1 and 2,
    ``"C"`` keeps A, B and C).

    A link without a date is dropped when a date bound is set (it cannot be shown to fall in
    the window); an ungraded link is dropped when that grading is asked for (it cannot be
    shown to meet it).
    """

    start: datetime.date | None = None
    end: datetime.date | None = None
    source_grade: str | None = None
    intelligence_grade: str | None = None

    def __post_init__(self) -> None:
        if self.source_grade is not None and self.source_grade not in SOURCE_GRADES:
            raise ValueError(f"source grade must be one of {', '.join(SOURCE_GRADES)}")
        if (self.intelligence_grade is not None
                and self.intelligence_grade not in INTELLIGENCE_GRADES):
            raise ValueError(f"intelligence grade must be one of {', '.join(INTELLIGENCE_GRADES)}")
        if self.start is not None and self.end is not None and self.start > self.end:
            raise ValueError("the start date is after the end date")

    def keeps(self, edge: Edge) -> bool:
        if self.start is not None or self.end is not None:
            if edge.date is None:
                return False
            if self.start is not None and edge.date < self.start:
                return False
            if self.end is not None and edge.date > self.end:
                return False
        if not _graded(edge.source_grade, self.source_grade, SOURCE_GRADES):
            return False
        return _graded(edge.intelligence_grade, self.intelligence_grade, INTELLIGENCE_GRADES)


def _graded(grade: str | None, worst: str | None, scale: tuple[str, ...]) -> bool:
    if worst is None:
        return True
    return grade in scale and scale.index(grade) <= scale.index(worst)


def build_graph(nodes: Iterable[Node], edges: Iterable[Edge],
                keep: LinkFilter | None = None) -> nx.Graph:
    """The undirected graph of ``nodes`` joined by the ``edges`` that ``keep`` keeps.

    Every node is in the graph, linked or not (node attribute ``node``: the :class:`Node`);
    each edge carries ``links``, the list of :class:`Edge` joining the pair, in the order
    given. Raises :class:`UnknownNode` for an edge whose end is not a node, ``ValueError``
    for a link from a node to itself or a node id given twice.
    """
    g = nx.Graph()
    for node in nodes:
        if node.id in g:
            raise ValueError(f"node {node.id!r} given twice")
        g.add_node(node.id, node=node)
    for edge in edges:
        for end in (edge.a, edge.b):
            if end not in g:
                raise UnknownNode(end)
        if edge.a == edge.b:
            raise ValueError(f"link {edge.id!r} joins node {edge.a!r} to itself")
        if keep is not None and not keep.keeps(edge):
            continue
        if g.has_edge(edge.a, edge.b):
            g.edges[edge.a, edge.b]["links"].append(edge)
        else:
            g.add_edge(edge.a, edge.b, links=[edge])
    return g


def _node(g: nx.Graph, node_id: Hashable) -> Node:
    node: Node = g.nodes[node_id]["node"]
    return node


def _order(g: nx.Graph) -> dict[Hashable, int]:
    return {n: i for i, n in enumerate(g.nodes)}


@dataclass(frozen=True)
class Component:
    """One connected component: its node ids (in the graph's order) and how many of each
    kind (``kinds``: kind → count); ``victims`` counts the nodes marked as victims."""

    nodes: tuple[Hashable, ...]
    kinds: dict[str, int]
    victims: int

    @property
    def size(self) -> int:
        return len(self.nodes)


def components(g: nx.Graph) -> list[Component]:
    """The connected components, largest first (ties: the one holding the earlier node).
    An entity with no link is a component of its own."""
    order = _order(g)
    out = []
    for members in nx.connected_components(g):
        ids = tuple(sorted(members, key=order.__getitem__))
        nodes = [_node(g, n) for n in ids]
        out.append(Component(ids, dict(Counter(n.kind for n in nodes)),
                             sum(n.victim for n in nodes)))
    out.sort(key=lambda c: (-c.size, order[c.nodes[0]]))
    return out


def betweenness(g: nx.Graph) -> list[tuple[Hashable, float]]:
    """Normalised betweenness centrality (Freeman 1977; Brandes 2001) of every node, highest
    first (ties in the graph's node order). Values lie in [0, 1]; a graph of fewer than three
    nodes gives 0 everywhere."""
    order = _order(g)
    scores: dict[Hashable, float] = nx.betweenness_centrality(g, normalized=True)
    return sorted(((n, float(s)) for n, s in scores.items()),
                  key=lambda item: (-item[1], order[item[0]]))


@dataclass(frozen=True)
class Bridging:
    """The articulation points (node ids, graph order) and bridges (pairs of node ids, each
    pair in graph order, the pairs sorted) of a graph."""

    articulation_points: tuple[Hashable, ...]
    bridges: tuple[tuple[Hashable, Hashable], ...]


def bridging(g: nx.Graph) -> Bridging:
    """The nodes and links whose removal splits a component (Hopcroft & Tarjan 1973)."""
    order = _order(g)
    points = tuple(sorted(nx.articulation_points(g), key=order.__getitem__))
    pairs = []
    for a, b in nx.bridges(g):
        pair = (a, b) if order[a] <= order[b] else (b, a)
        pairs.append(pair)
    pairs.sort(key=lambda p: (order[p[0]], order[p[1]]))
    return Bridging(points, tuple(pairs))


@dataclass(frozen=True)
class Path:
    """A shortest path: the node ids from start to end, and for each step the links that
    join the two nodes (``steps[i]`` joins ``nodes[i]`` and ``nodes[i + 1]``)."""

    nodes: tuple[Hashable, ...]
    steps: tuple[tuple[Edge, ...], ...] = field(default=())

    @property
    def length(self) -> int:
        """The number of links crossed."""
        return len(self.steps)


def shortest_path(g: nx.Graph, a: Hashable, b: Hashable) -> Path | None:
    """The fewest links from ``a`` to ``b`` (breadth-first search), or ``None`` when no path
    joins them. Raises :class:`UnknownNode` when either is not in the graph."""
    for end in (a, b):
        if end not in g:
            raise UnknownNode(end)
    try:
        ids: list[Hashable] = nx.shortest_path(g, a, b)
    except nx.NetworkXNoPath:
        return None
    steps = tuple(tuple(g.edges[x, y]["links"]) for x, y in zip(ids, ids[1:], strict=False))
    return Path(tuple(ids), steps)


@dataclass(frozen=True)
class NetworkSummary:
    """Everything the graph view shows about one graph: its components, every node's
    betweenness (highest first) and its bridging nodes and links."""

    components: tuple[Component, ...]
    betweenness: tuple[tuple[Hashable, float], ...]
    bridging: Bridging

    def component_of(self, node_id: Hashable) -> int | None:
        """The index (into ``components``) of the component holding ``node_id``."""
        for i, component in enumerate(self.components):
            if node_id in component.nodes:
                return i
        return None


def summarise(g: nx.Graph) -> NetworkSummary:
    """Components, betweenness and bridging of ``g`` in one result."""
    return NetworkSummary(tuple(components(g)), tuple(betweenness(g)), bridging(g))


def nodes_of(g: nx.Graph, ids: Sequence[Hashable]) -> list[Node]:
    """The :class:`Node` records of ``ids``, in that order."""
    return [_node(g, n) for n in ids]


def positions(g: nx.Graph, *, seed: int = 1, scale: float = 400.0
              ) -> dict[Hashable, tuple[float, float]]:
    """Where to draw each node: Fruchterman–Reingold (networkx ``spring_layout``) from ``seed``,
    centred on the origin within ``scale`` (drawing units) either way. Same graph and seed,
    same positions."""
    if g.number_of_nodes() == 0:
        return {}
    placed = nx.spring_layout(g, seed=seed, scale=scale)
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in placed.items()}
