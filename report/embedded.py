"""Report data from the embedded networkx graph (``EmbeddedStore(dir).load_graph()``).

Every lookup starts from a node (the region, a subsector, an organisation) and follows its
edges, so a report touches only the region's neighbourhood. Candidate lists (all organisations of
a subsector, segment or pillar in rank order) are computed on first use and kept by the source,
like an index: the first report on a large graph pays for them, later ones walk the ranked list
and skip the region's own organisations. The graph must not change while a source uses it (the
store's graph never does); make a new EmbeddedSource for a changed graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from bcikg.queries.run import GraphLookup
from bcikg.report.model import EvidenceRef, RegionRef
from bcikg.report.pillars import pillar_rules
from bcikg.report.source import (
    CandidateRecord,
    CandidateRequest,
    ClaimRecord,
    OrgRecord,
    PolicyRecord,
    RegionSlice,
    TargetRecord,
    evidence_list,
    region_ref,
)
from bcikg.schema import ORG_LABEL

_PRESENCE = ("LOCATED_IN", "SIGNED_IN")
_DATA_EDGES = frozenset({"LOCATED_IN", "SIGNED_IN", "ABOUT", "APPLIES_TO"})


@dataclass
class _Index:
    """Candidate lists of one source, built on first use."""

    ranked: dict[CandidateRequest, list[str]] = field(default_factory=dict)
    orgs: list[str] | None = None
    rank_fields: dict[str, tuple[int, frozenset[str]]] = field(
        default_factory=dict
    )  # mentions, explicit segments


def _labels(data: dict[str, Any]) -> tuple[str, ...]:
    return tuple(data.get("labels", ()))


def _org_type(data: dict[str, Any]) -> str:
    return str(data.get("type") or next(lb for lb in _labels(data) if lb != ORG_LABEL))


class EmbeddedSource:
    """A ReportSource over a networkx MultiDiGraph built by bcikg.graph.build."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph
        self.lookup = GraphLookup(graph)
        self._index = _Index()

    # -------------------------------------------------------------- edges

    # The adjacency dicts themselves (networkx's _succ/_pred: {neighbour: {key: data}}), not the
    # read-only views around them, which cost several times more per step on large graphs.

    def _out(self, node: str, *types: str) -> Iterable[tuple[str, dict[str, Any]]]:
        for target, edges in self.graph._succ[node].items():
            for data in edges.values():
                if data.get("type") in types:
                    yield target, data

    def _in(self, node: str, *types: str) -> Iterable[tuple[str, dict[str, Any]]]:
        for source, edges in self.graph._pred[node].items():
            for data in edges.values():
                if data.get("type") in types:
                    yield source, data

    def _has_label(self, node: str, label: str) -> bool:
        return label in _labels(self.graph.nodes[node])

    def _region(self, node: str) -> RegionRef:
        return region_ref(self.graph.nodes[node])

    def _mentions(self, node: str) -> tuple[EvidenceRef, ...]:
        return tuple(
            EvidenceRef(doc_id=doc, sentence=d["sentence"], start=d["start"], end=d["end"], text=d["text"])
            for doc, d in self._out(node, "MENTIONED_IN")
        )

    # -------------------------------------------------------------- regions

    def regions_with_data(self) -> list[RegionRef]:
        out = []
        for node, data in self.graph.nodes(data=True):
            if "Region" in _labels(data) and any(
                d.get("type") in _DATA_EDGES
                for edges in self.graph.pred[node].values()
                for d in edges.values()
            ):
                out.append(region_ref(data))
        return out

    def _subtree(self, region_id: str) -> list[str]:
        seen = [region_id]
        queue = [region_id]
        while queue:
            node = queue.pop()
            for child, _ in self._in(node, "PART_OF"):
                if child not in seen and self._has_label(child, "Region"):
                    seen.append(child)
                    queue.append(child)
        return seen

    # -------------------------------------------------------------- slice

    def _org_record(self, node: str) -> OrgRecord:
        data = self.graph.nodes[node]
        homes, settled, segments, subsectors = [], [], set(), set()
        signed: list[tuple[str, EvidenceRef]] = []
        for target, d in self._out(node, "LOCATED_IN", "SIGNED_IN", "IN_SEGMENT", "IN_SUBSECTOR"):
            kind = d["type"]
            tdata = self.graph.nodes[target]
            if kind in _PRESENCE:
                if "Region" not in _labels(tdata):
                    continue  # a platform inside a park
                if kind == "LOCATED_IN":
                    homes.append(region_ref(tdata))
                else:
                    settled.append(region_ref(tdata))
                    signed.extend((target, ev) for ev in evidence_list(d.get("evidence")))
            elif kind == "IN_SEGMENT":
                segments.add(tdata["key"])
            else:
                subsectors.add(tdata["key"])
        return OrgRecord(
            id=node,
            name=data["name"],
            type=_org_type(data),
            homes=tuple(homes),
            settled=tuple(settled),
            segments=frozenset(segments),
            subsectors=frozenset(subsectors),
            mentions=self._mentions(node),
            signed=tuple(signed),
            corrected=bool(data.get("corrected")),
        )

    def region_slice(self, region_id: str) -> RegionSlice:
        subtree = self._subtree(region_id)
        out = RegionSlice(region=self._region(region_id), subtree=[self._region(r) for r in subtree])
        orgs: set[str] = set()
        for rid in subtree:
            ref = self._region(rid)
            for source, d in self._in(rid, "LOCATED_IN", "SIGNED_IN", "ABOUT", "APPLIES_TO"):
                labels = _labels(self.graph.nodes[source])
                if d["type"] in _PRESENCE and ORG_LABEL in labels:
                    orgs.add(source)
                elif d["type"] == "ABOUT" and "Claim" in labels:
                    out.claims.append(self._claim(source, ref))
                elif d["type"] == "ABOUT" and "Target" in labels:
                    out.targets.append(self._target(source, ref))
                elif d["type"] == "APPLIES_TO" and "Policy" in labels:
                    p = self.graph.nodes[source]
                    out.policies.append(
                        PolicyRecord(id=source, name=p["name"], date=p.get("date"), region=ref)
                    )
        out.orgs = [self._org_record(o) for o in orgs]
        return out

    def _claim(self, node: str, region: RegionRef) -> ClaimRecord:
        d = self.graph.nodes[node]
        return ClaimRecord(
            id=node,
            kind=d["kind"],
            region=region,
            segments=tuple(d.get("segments", ())),
            subsectors=tuple(d.get("subsectors", ())),
            pillars=tuple(d.get("pillars", ())),
            evidence=self._mentions(node),
        )

    def _target(self, node: str, region: RegionRef) -> TargetRecord:
        d = self.graph.nodes[node]
        return TargetRecord(
            id=node,
            year=d.get("year"),
            quantity=d.get("quantity"),
            quantity_max=d.get("quantity_max"),
            unit=d.get("unit", ""),
            subject=d.get("subject", ""),
            region=region,
            policies=tuple(self.graph.nodes[p]["name"] for p, _ in self._in(node, "SETS_TARGET")),
            agencies=tuple(self.graph.nodes[a]["name"] for a, _ in self._in(node, "OWNS_TARGET")),
            segments=tuple(d.get("segments", ())),
            subsectors=tuple(d.get("subsectors", ())),
            pillars=tuple(d.get("pillars", ())),
            evidence=self._mentions(node),
        )

    # -------------------------------------------------------------- candidates

    def _all_orgs(self, index: _Index) -> list[str]:
        if index.orgs is None:
            index.orgs = [n for n, d in self.graph.nodes(data=True) if ORG_LABEL in _labels(d)]
        return index.orgs

    def _members(self, request: CandidateRequest, index: _Index) -> list[str]:
        if request.kind == "pillar":
            rule = pillar_rules()[request.key]
            nodes = self.graph._node
            return [o for o in self._all_orgs(index) if rule.supports(_org_type(nodes[o]), nodes[o]["name"])]
        node = ("subsector:" if request.kind == "subsector" else "segment:") + request.key
        if node not in self.graph:
            return []
        rel = "IN_SUBSECTOR" if request.kind == "subsector" else "IN_SEGMENT"
        return sorted({o for o, _ in self._in(node, rel)})

    def _rank_fields(self, node: str, segment: str | None) -> tuple[bool, int]:
        """(explicit statement of ``segment``, number of mentions) of an organisation."""
        cached = self._index.rank_fields.get(node)
        if cached is None:
            nodes = self.graph._node
            explicit = frozenset(
                nodes[t].get("key") for t, d in self._out(node, "IN_SEGMENT") if d.get("explicit")
            )
            cached = (sum(1 for _ in self._out(node, "MENTIONED_IN")), explicit)
            self._index.rank_fields[node] = cached
        mentions, explicit_segments = cached
        return segment is not None and segment in explicit_segments, mentions

    def _ranked(self, request: CandidateRequest, index: _Index) -> list[str]:
        if request not in index.ranked:
            keyed = []
            for o in self._members(request, index):
                data = self.graph._node[o]
                explicit, mentions = self._rank_fields(o, request.segment)
                company = _org_type(data) == "Company"
                keyed.append(((not company, not explicit, -mentions, data["name"], o), o))
            keyed.sort()
            index.ranked[request] = [o for _, o in keyed]
        return index.ranked[request]

    def candidates(
        self, requests: Sequence[CandidateRequest], present: Sequence[OrgRecord], limit: int
    ) -> dict[CandidateRequest, list[CandidateRecord]]:
        index = self._index
        exclude = {o.id for o in present}
        out: dict[CandidateRequest, list[CandidateRecord]] = {}
        for request in requests:
            picked: list[CandidateRecord] = []
            for o in self._ranked(request, index):
                if len(picked) >= limit:
                    break
                if o in exclude:
                    continue
                record = self._org_record(o)
                explicit, mentions = self._rank_fields(o, request.segment)
                picked.append(
                    CandidateRecord(
                        id=o,
                        name=record.name,
                        type=record.type,
                        homes=record.homes,
                        settled=record.settled,
                        explicit=explicit,
                        mentions=mentions,
                        evidence=record.mentions,
                        corrected=record.corrected,
                    )
                )
            out[request] = picked
        return out
