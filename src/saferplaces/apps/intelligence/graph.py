"""The intelligence network as a user may see it: entities and links read through the access
helper (404 without ``intelligence.view``; the read audited), filtered by date and grading, and
measured by :mod:`saferplaces.analysis.network` (components, betweenness, bridging nodes,
shortest paths).

Every entity is a node, linked or not in the selection; a link is an edge when the filter keeps
it. A node is shown by the entity's ``display_label`` and tagged as every intelligence list
tags it (:func:`~saferplaces.apps.intelligence.presenters.tags`), so a victim of exploitation is
labelled a victim wherever a node is listed (the Information Commissioner's enforcement on the
Gangs Violence Matrix, 2018: victims were mixed with suspects) and a child as a child; an
address at risk of cuckooing says so. A link with handling code C carries its conditions
wherever it is shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from saferplaces.analysis.network import (
    Edge,
    LinkFilter,
    NetworkSummary,
    Node,
    build_graph,
    positions,
    shortest_path,
    summarise,
)
from saferplaces.apps.intelligence.access import (
    ENTITY,
    LINK,
    intelligence_for_user,
    links_for_user,
    record_list_read,
)
from saferplaces.apps.intelligence.models import CuckooingRisk, Entity, Kind, Link
from saferplaces.apps.intelligence.presenters import grading_text, tags
from saferplaces.apps.intelligence.services import is_child

__all__ = ["LinkRow", "Network", "NodeRow", "PathStep", "network_for_user", "network_json"]

#: What the audit log says was shown (ids only, never labels).
AUDIT_WHAT = "intelligence network graph"


@dataclass(frozen=True)
class LinkRow:
    """One link as seen from one of its entities (``other``: the entity at its other end)."""

    id: int
    kind: str
    date: datetime.date
    grading: str
    other_id: int
    other_label: str
    outgoing: bool
    source_grade: str
    intelligence_grade: str
    handling_code: str
    handling_conditions: str


@dataclass
class NodeRow:
    """One entity with its place in the network: ``label`` is the entity's display label (a
    victim's says so), ``marks`` the tags every intelligence list shows, and a cuckooing risk."""

    id: int
    kind: str
    kind_label: str
    label: str
    victim: bool
    child: bool
    cuckooing: str
    safeguarding_case_id: int | None
    marks: list[str] = field(default_factory=list)
    betweenness: float = 0.0
    rank: int = 0
    component: int = 0
    articulation: bool = False
    links: list[LinkRow] = field(default_factory=list)
    position: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class PathStep:
    """One step of a path: from ``node`` over ``links`` (None on the last node)."""

    node: NodeRow
    links: tuple[LinkRow, ...] | None


@dataclass
class Network:
    """The network a user sees under ``keep``."""

    keep: LinkFilter
    nodes: dict[int, NodeRow]
    summary: NetworkSummary
    links: list[Link]
    graph: Any
    today: datetime.date

    @property
    def ranked(self) -> list[NodeRow]:
        """Every node by betweenness, highest first."""
        return [self.nodes[_pk(pk)] for pk, _ in self.summary.betweenness]

    def top(self, n: int = 10) -> list[NodeRow]:
        """The ``n`` most central nodes that lie between others at all."""
        return [row for row in self.ranked if row.betweenness > 0][:n]

    @property
    def networks(self) -> list[list[NodeRow]]:
        """The components of two or more entities, largest first."""
        return [[self.nodes[_pk(pk)] for pk in c.nodes]
                for c in self.summary.components if c.size > 1]

    @property
    def unlinked(self) -> list[NodeRow]:
        """Entities with no link in the selection."""
        return [self.nodes[_pk(c.nodes[0])] for c in self.summary.components if c.size == 1]

    @property
    def bridges(self) -> list[tuple[NodeRow, NodeRow]]:
        return [(self.nodes[_pk(a)], self.nodes[_pk(b)])
                for a, b in self.summary.bridging.bridges]

    def path(self, a: int, b: int) -> list[PathStep] | None:
        """The fewest links from entity ``a`` to ``b`` in the selection, or ``None`` when no
        path joins them. ``KeyError`` when either is not an entity the user sees."""
        found = shortest_path(self.graph, a, b)
        if found is None:
            return None
        steps = []
        for i, pk in enumerate(found.nodes):
            row = self.nodes[_pk(pk)]
            if i == len(found.steps):
                steps.append(PathStep(row, None))
                continue
            ids = {edge.id for edge in found.steps[i]}
            steps.append(PathStep(row, tuple(link for link in row.links if link.id in ids)))
        return steps


def _pk(node_id: Hashable) -> int:
    """An entity's primary key from its graph node id (the graph is built from them)."""
    if not isinstance(node_id, int):
        raise TypeError(f"not an entity id: {node_id!r}")
    return node_id


def _node(entity: Entity, today: datetime.date) -> NodeRow:
    cuckooing = ""
    if entity.kind == Kind.ADDRESS and entity.cuckooing_risk not in ("", CuckooingRisk.NONE):
        cuckooing = CuckooingRisk(entity.cuckooing_risk).label
    marks = tags(entity, today) + ([f"Cuckooing risk: {cuckooing.lower()}"] if cuckooing else [])
    return NodeRow(id=entity.pk, kind=entity.kind, kind_label=Kind(entity.kind).label,
                   label=entity.display_label, victim=bool(entity.victim_of_exploitation),
                   child=is_child(entity, today), cuckooing=cuckooing,
                   safeguarding_case_id=entity.safeguarding_case_id, marks=marks)


def _link_row(link: Link, other: NodeRow, outgoing: bool) -> LinkRow:
    return LinkRow(id=link.pk, kind=link.kind, date=link.date, grading=grading_text(link),
                   other_id=other.id,
                   other_label=other.label, outgoing=outgoing, source_grade=link.source_grade,
                   intelligence_grade=link.intelligence_grade, handling_code=link.handling_code,
                   handling_conditions=link.handling_conditions)


def network_for_user(user: Any, keep: LinkFilter | None = None, *,
                     request: HttpRequest | None = None,
                     today: datetime.date | None = None) -> Network:
    """The network ``user`` may see (404 without ``intelligence.view``), its links filtered by
    ``keep``; the entities and links shown are audited (ids only)."""
    keep = keep or LinkFilter()
    today = today or timezone.localdate()
    entities = list(intelligence_for_user(user).select_related("person")
                    .order_by("kind", "label", "pk"))
    all_links = list(links_for_user(user).order_by("date", "pk"))
    links = [link for link in all_links if keep.keeps(_edge(link))]
    rows = {e.pk: _node(e, today) for e in entities}
    graph = build_graph((Node(e.pk, e.kind, e.display_label, bool(e.victim_of_exploitation))
                         for e in entities), (_edge(link) for link in links))
    summary = summarise(graph)
    for rank, (pk, score) in enumerate(summary.betweenness, start=1):
        rows[_pk(pk)].betweenness, rows[_pk(pk)].rank = score, rank
    for index, component in enumerate(summary.components):
        for pk in component.nodes:
            rows[_pk(pk)].component = index + 1
    for pk in summary.bridging.articulation_points:
        rows[_pk(pk)].articulation = True
    for pk, xy in positions(graph).items():
        rows[_pk(pk)].position = xy
    for link in links:
        rows[link.a_id].links.append(_link_row(link, rows[link.b_id], True))
        rows[link.b_id].links.append(_link_row(link, rows[link.a_id], False))
    record_list_read(user, ENTITY, rows, AUDIT_WHAT, request=request)
    record_list_read(user, LINK, [link.pk for link in links], AUDIT_WHAT, request=request)
    return Network(keep, rows, summary, links, graph, today)


def _edge(link: Link) -> Edge:
    return Edge(link.a_id, link.b_id, link.kind, link.date, link.source_grade,
                link.intelligence_grade, link.pk)


def _node_json(row: NodeRow) -> dict[str, Any]:
    x, y = row.position
    return {"position": {"x": x, "y": y}, "data": {"id": f"e{row.id}", "entity": row.id, "kind": row.kind,
                     "kind_label": row.kind_label, "label": row.label, "victim": row.victim,
                     "child": row.child, "cuckooing": row.cuckooing, "marks": row.marks,
                     "betweenness": round(row.betweenness, 6), "rank": row.rank,
                     "component": row.component, "articulation": row.articulation,
                     "safeguarding_case": row.safeguarding_case_id}}


def _edge_json(link: Link) -> dict[str, Any]:
    return {"data": {"id": f"l{link.pk}", "link": link.pk, "source": f"e{link.a_id}",
                     "target": f"e{link.b_id}", "kind": link.kind,
                     "date": link.date.isoformat(), "source_grade": link.source_grade,
                     "intelligence_grade": link.intelligence_grade,
                     "handling_code": link.handling_code,
                     "handling_conditions": link.handling_conditions}}


def _ids(pks: tuple[Hashable, ...]) -> list[int]:
    return [_pk(pk) for pk in pks]


def network_json(network: Network, path: list[PathStep] | None = None) -> dict[str, Any]:
    """The network as JSON: Cytoscape.js ``elements`` (nodes ``e<id>`` with the positions of
    :func:`~saferplaces.analysis.network.positions`, edges ``l<id>``), the
    filter, components, the betweenness ranking, bridging nodes and links, and ``path`` (entity
    ids along the path, and link ids per step) when one was asked for."""
    keep = network.keep
    return {
        "filter": {"start": keep.start.isoformat() if keep.start else None,
                   "end": keep.end.isoformat() if keep.end else None,
                   "source_grade": keep.source_grade,
                   "intelligence_grade": keep.intelligence_grade},
        "elements": {"nodes": [_node_json(row) for row in network.nodes.values()],
                     "edges": [_edge_json(link) for link in network.links]},
        "components": [_ids(c.nodes) for c in network.summary.components],
        "betweenness": [[_pk(pk), round(score, 6)] for pk, score in network.summary.betweenness],
        "articulation_points": _ids(network.summary.bridging.articulation_points),
        "bridges": [[_pk(a), _pk(b)] for a, b in network.summary.bridging.bridges],
        "path": None if path is None else {
            "entities": [step.node.id for step in path],
            "links": [[link.id for link in step.links] for step in path if step.links],
        },
    }
