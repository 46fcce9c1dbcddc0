"""build: KnowledgeGraph -> networkx.MultiDiGraph, following the graph model in bcikg.schema.

Nodes are keyed by their ``id``; their attributes are ``labels`` (a tuple) plus flat,
Neo4j-compatible properties (str/int/float/bool, or lists of one primitive type; ``None`` values
are left out). Edges are keyed by a deterministic relationship id and carry ``type`` plus flat
properties; relationships with evidence carry it as one JSON string (``evidence``).

The graph is built in a canonical order (nodes by id, edges by source, type, target, id), so the
same KnowledgeGraph always gives the same graph, whatever the order of its lists.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from bcikg.domain.lexicon import taxonomy
from bcikg.domain.regions import gazetteer
from bcikg.models import SEGMENTS, Evidence, KnowledgeGraph, Organization, Region
from bcikg.schema import ORG_LABEL, check_labels, check_relationship_type

Props = dict[str, Any]

SEGMENT_PREFIX = "segment:"
_RESERVED_EDGE_KEYS = frozenset({"id", "type", "evidence", "sentence"})
SUBSECTOR_PREFIX = "subsector:"


def segment_id(key: str) -> str:
    return SEGMENT_PREFIX + key


def subsector_id(key: str) -> str:
    return SUBSECTOR_PREFIX + key


# one encoder each instead of json.dumps(..., ensure_ascii=False), which builds one per call
_to_json = json.JSONEncoder(ensure_ascii=False).encode
_to_sorted_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def structural_id(rel_type: str, source: str, target: str, *distinguishing: object) -> str:
    """A stable id for a relationship the builder derives (not one from KnowledgeGraph.relations)."""
    text = _to_json([rel_type, source, target, *distinguishing])
    return "rel:" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def evidence_key(ev: Evidence) -> tuple[str, int, int, str, str]:
    return (ev.doc_id, ev.start, ev.end, ev.text, ev.sentence)


def evidence_json(evidence: Iterable[Evidence]) -> str:
    """Evidence as the JSON string both backends store: deduplicated, ordered by document and offset."""
    unique = {evidence_key(ev): ev for ev in evidence}
    rows = [unique[key].model_dump() for key in sorted(unique)]
    return _to_sorted_json(rows)


def clean_props(props: Mapping[str, Any]) -> Props:
    """Drop ``None`` values and ``None`` list items; lists become lists of primitives."""
    out: Props = {}
    for key, value in props.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            out[key] = [item for item in value if item is not None]
        else:
            out[key] = value
    return out


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, tuple[tuple[str, ...], Props]] = {}
        self.edges: dict[str, tuple[str, str, str, Props]] = {}

    def node(self, node_id: str, labels: tuple[str, ...], props: Mapping[str, Any]) -> None:
        self.nodes[node_id] = (check_labels(labels), clean_props({"id": node_id, **props}))

    def edge(
        self,
        rel_type: str,
        source: str,
        target: str,
        props: Mapping[str, Any] | None = None,
        *,
        rel_id: str | None = None,
        distinguishing: tuple[object, ...] = (),
        props_extra: Mapping[str, Any] | None = None,
    ) -> None:
        check_relationship_type(rel_type)
        rid = rel_id or structural_id(rel_type, source, target, *distinguishing)
        self.edges[rid] = (
            rel_type,
            source,
            target,
            clean_props({"id": rid, **(props or {}), **(props_extra or {})}),
        )

    def mentioned_in(self, source: str, evidence: Iterable[Evidence]) -> None:
        for ev in evidence:
            self.edge(
                "MENTIONED_IN",
                source,
                ev.doc_id,
                {"sentence": ev.sentence, "start": ev.start, "end": ev.end, "text": ev.text},
                distinguishing=(ev.start, ev.end),
            )

    def graph(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph()
        for node_id in sorted(self.nodes):
            labels, props = self.nodes[node_id]
            graph.add_node(node_id, labels=labels, **props)
        dangling = []
        order = sorted(self.edges.items(), key=lambda item: (item[1][1], item[1][0], item[1][2], item[0]))
        for rid, (rel_type, source, target, props) in order:
            if source not in self.nodes or target not in self.nodes:
                dangling.append(rid)
                continue
            graph.add_edge(source, target, key=rid, type=rel_type, **props)
        # Ids of relationships dropped because an end is not in the graph (an extractor bug, or a
        # region unknown to the gazetteer); kept for diagnostics, never raised.
        graph.graph["dangling"] = dangling
        return graph


def _add_static(b: _Builder) -> None:
    """Segments and subsectors of the taxonomy; ``rank`` keeps the taxonomy's order for sorting."""
    tax = taxonomy()
    rank = 0
    for seg_rank, seg in enumerate(tax.segments):
        b.node(
            segment_id(seg.key),
            ("Segment",),
            {"key": seg.key, "name": seg.name, "title": seg.title, "rank": seg_rank},
        )
        for sub in seg.subsectors:
            b.node(
                subsector_id(sub.key),
                ("Subsector",),
                {"key": sub.key, "name": sub.name, "segment": sub.segment, "rank": rank},
            )
            rank += 1
            b.edge("PART_OF", subsector_id(sub.key), segment_id(seg.key))
    for upper, lower in itertools.pairwise(SEGMENTS):
        b.edge("UPSTREAM_OF", segment_id(upper), segment_id(lower))


def region_models(kg: KnowledgeGraph) -> dict[str, Region]:
    """kg.regions plus every region referenced anywhere and all ancestors (from the gazetteer)."""
    regions = {r.id: r for r in kg.regions}
    wanted: set[str] = set()
    for org in kg.organizations:
        if org.region:
            wanted.add(org.region)
        wanted.update(org.settled_in)
    for rel in kg.relations:
        for end in (rel.source, rel.target):
            if end.startswith("region:"):
                wanted.add(end)
    wanted.update(p.region for p in kg.policies if p.region)
    wanted.update(c.region for c in kg.claims)
    wanted.update(t.region for t in kg.targets if t.region)
    wanted.update(d.region_id for d in kg.documents if d.region_id)
    wanted.update(r.parent for r in kg.regions if r.parent)
    gaz = gazetteer()
    for rid in sorted(wanted):
        if rid in regions or rid not in gaz.by_id:
            # an unknown id the resolver made up: its relationships are reported as dangling
            continue
        for aid in gaz.ancestors(rid):
            if aid not in regions:
                regions[aid] = gaz.get(aid).to_model()
    return regions


# ---- analyst corrections (bcikg.ingest.corrections): provenance of values an analyst set
def analyst_node_props(org: Organization) -> Props:
    """What an analyst corrected, on the corrected organisations only (the Neo4j loader clears
    these properties on the others, see ANALYST_NODE_PROPS)."""
    if not org.analyst_fields:
        return {}
    return {"corrected": True, "analyst_fields": list(org.analyst_fields), "analyst_note": org.analyst_note}


ANALYST_NODE_PROPS = ("corrected", "analyst_fields", "analyst_note")


def by_analyst(org: Organization, field: str) -> dict[str, Any]:
    """Edge options for a value an analyst set: a property with the note, and an id of its own
    (so that `bcikg load --prune` replaces the extracted edge, and a dropped correction's edge)."""
    if field not in org.analyst_fields:
        return {}
    return {
        "props_extra": {"provenance": "analyst", "analyst_note": org.analyst_note},
        "distinguishing": ("analyst",),
    }


def build_graph(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """The property graph of a KnowledgeGraph (see bcikg.schema for labels and types)."""
    b = _Builder()
    b.nodes, b.edges = graph_elements(kg)
    return b.graph()


def graph_elements(
    kg: KnowledgeGraph,
) -> tuple[dict[str, tuple[tuple[str, ...], Props]], dict[str, tuple[str, str, str, Props]]]:
    """The nodes (id -> labels, properties) and relationships (id -> type, source, target,
    properties) that ``build_graph`` assembles, before relationships with a missing end are set
    aside. The embedded store builds them for the changed parts of a KnowledgeGraph only."""
    b = _Builder()
    _add_static(b)

    for region in region_models(kg).values():
        b.node(
            region.id,
            ("Region",),
            {
                "name": region.name,
                "level": region.level,
                "full_name": region.full_name,
                "aliases": region.aliases,
            },
        )
        if region.parent:
            b.edge("PART_OF", region.id, region.parent)

    for doc in kg.documents:
        b.node(
            doc.id,
            ("Document",),
            {
                "path": doc.path,
                "format": doc.format,
                "encoding": doc.encoding,
                "title": doc.title,
                "date": doc.date,
                "publisher": doc.publisher,
                "url": doc.url,
                "region": doc.region_id,
                "chars": doc.chars,
            },
        )

    for org in kg.organizations:
        b.node(
            org.id,
            (ORG_LABEL, org.type),
            {"name": org.name, "type": org.type, "aliases": org.aliases, **analyst_node_props(org)},
        )
        for seg in org.segment:
            # explicit: the text states the segment (上游…), rather than keyword cues placing it
            b.edge(
                "IN_SEGMENT",
                org.id,
                segment_id(seg),
                {"explicit": org.segment_explicit},
                **by_analyst(org, "segment"),
            )
        for sub in org.subsectors:
            b.edge("IN_SUBSECTOR", org.id, subsector_id(sub), **by_analyst(org, "subsector"))
        b.mentioned_in(org.id, org.evidence)

    for policy in kg.policies:
        b.node(
            policy.id,
            ("Policy",),
            {"name": policy.name, "date": policy.date, "region": policy.region, "tasks": policy.tasks},
        )
        if policy.region:
            b.edge("APPLIES_TO", policy.id, policy.region, {"evidence": evidence_json(policy.evidence)})
        if policy.doc_id:
            b.edge("PUBLISHED_AS", policy.id, policy.doc_id)
        b.mentioned_in(policy.id, policy.evidence)

    for claim in kg.claims:
        b.node(
            claim.id,
            ("Claim",),
            {
                "kind": claim.kind,
                "text": claim.text,
                "region": claim.region,
                "segments": claim.segments,
                "subsectors": claim.subsectors,
                "pillars": claim.pillars,
            },
        )
        b.edge("ABOUT", claim.id, claim.region)
        b.mentioned_in(claim.id, claim.evidence)

    for target in kg.targets:
        b.node(
            target.id,
            ("Target",),
            {
                "year": target.year,
                "quantity": target.quantity,
                "quantity_max": target.quantity_max,
                "unit": target.unit,
                "subject": target.subject,
                "region": target.region,
                "segments": target.segments,
                "subsectors": target.subsectors,
                "pillars": target.pillars,
            },
        )
        if target.region:
            b.edge("ABOUT", target.id, target.region)
        if target.policy:
            b.edge("SETS_TARGET", target.policy, target.id)
        for order, agency in enumerate(target.agencies):  # order: as the text gives them, lead first
            b.edge("OWNS_TARGET", agency, target.id, {"order": order})
        b.mentioned_in(target.id, target.evidence)

    for rel in kg.relations:
        props: Props = {}
        for key in sorted(rel.properties):
            # names the graph itself uses keep the extractor's value under another name
            name = f"property_{key}" if key in _RESERVED_EDGE_KEYS else key
            props[name] = rel.properties[key]
        props["evidence"] = evidence_json(rel.evidence)
        if rel.evidence:
            # the first sentence in document order, so that queries can show one without JSON
            props["sentence"] = min(rel.evidence, key=evidence_key).sentence
        b.edge(rel.type, rel.source, rel.target, props, rel_id=rel.id)

    return b.nodes, b.edges


def graph_signature(graph: nx.MultiDiGraph) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]]]:
    """A canonical, comparable form of a graph (sorted JSON of nodes and edges), for tests and checks."""

    def dump(data: Mapping[str, Any]) -> str:
        return json.dumps(
            {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()},
            sort_keys=True,
            ensure_ascii=False,
        )

    nodes = sorted((str(n), dump(d)) for n, d in graph.nodes(data=True))
    edges = sorted((str(u), str(v), str(k), dump(d)) for u, v, k, d in graph.edges(keys=True, data=True))
    return nodes, edges
