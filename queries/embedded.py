"""Embedded counterparts of the named queries: the same rows as the Cypher in ``queries/*.cypher``
(same columns, same order), computed on the networkx graph of the store.

Each function takes the graph and the resolved parameters (plus bcikg.queries.run's context
parameters) and returns a list of row dicts. Orderings mirror the Cypher ORDER BY clauses; Neo4j
and Python both compare strings by code point and lists element by element, and Cypher's
``coalesce(x, '')`` appears here as ``x or ''``. The parity tests run every query on both
backends and compare.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import networkx as nx

EmbeddedQuery = Callable[[nx.MultiDiGraph, dict[str, Any]], list[dict[str, Any]]]
EMBEDDED: dict[str, EmbeddedQuery] = {}

Row = dict[str, Any]
SEGMENT_RANK = {"upstream": 0, "midstream": 1, "downstream": 2}
PRESENCE = ("LOCATED_IN", "SIGNED_IN")
PARTNER_TYPES = ("PARTNERS_WITH", "CLINICAL_TRIAL_AT", "INCUBATED_BY", "OPERATES", "INVESTS_IN", "LOCATED_IN")
PATH_TYPES = frozenset(
    {
        "PARTNERS_WITH",
        "CLINICAL_TRIAL_AT",
        "INCUBATED_BY",
        "OPERATES",
        "INVESTS_IN",
        "SIGNED_IN",
        "LOCATED_IN",
        "ISSUED",
        "RESPONSIBLE_FOR",
    }
)
MAX_PATH_LENGTH = 8
MAX_PATHS = 50


def embedded(name: str) -> Callable[[EmbeddedQuery], EmbeddedQuery]:
    def register(func: EmbeddedQuery) -> EmbeddedQuery:
        EMBEDDED[name] = func
        return func

    return register


# ------------------------------------------------------------------ helpers


class View:
    """Small read helpers over the graph (labels, typed neighbours, the region tree)."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.g = graph
        self._parent: dict[str, str] = {}
        for region in self.nodes("Region"):
            for target, _, _ in self.out(region, "PART_OF", label="Region"):
                self._parent[region] = target

    def has(self, node: str, label: str) -> bool:
        return label in self.g.nodes[node]["labels"]

    def nodes(self, label: str) -> Iterator[str]:
        return (n for n, labels in self.g.nodes(data="labels") if label in labels)

    def prop(self, node: str | None, key: str) -> Any:
        return None if node is None else self.g.nodes[node].get(key)

    def out(
        self, node: str, *types: str, label: str | None = None
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(target, relationship id, attributes) of outgoing relationships of these types."""
        # the adjacency dicts directly: the edge views cost several times more per edge
        for target, keyed in self.g.succ[node].items():
            for key, data in keyed.items():
                if data["type"] in types and (label is None or self.has(target, label)):
                    yield target, key, data

    def into(
        self, node: str, *types: str, label: str | None = None
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(source, relationship id, attributes) of incoming relationships of these types."""
        for source, keyed in self.g.pred[node].items():
            for key, data in keyed.items():
                if data["type"] in types and (label is None or self.has(source, label)):
                    yield source, key, data

    def within(self, region: str) -> set[str]:
        """The region and all regions below it (PART_OF*0..)."""
        out = set()
        for node in self.nodes("Region"):
            current: str | None = node
            seen = set()
            while current is not None and current not in seen:
                if current == region:
                    out.add(node)
                    break
                seen.add(current)
                current = self._parent.get(current)
        return out

    def presence(self, org: str, regions: set[str]) -> set[str]:
        """Which of LOCATED_IN / SIGNED_IN link ``org`` to one of ``regions``."""
        return {
            data["type"] for target, _, data in self.out(org, *PRESENCE, label="Region") if target in regions
        }

    def home(self, org: str) -> str | None:
        """full_name of the most specific home region (Cypher: ORDER BY depth DESC, id)."""
        homes = sorted(
            (target for target, _, _ in self.out(org, "LOCATED_IN", label="Region")),
            key=lambda rid: (-len(rid.split("/")), rid),
        )
        return self.prop(homes[0], "full_name") if homes else None

    def orgs_in(self, regions: set[str], candidates: Iterable[str] | None = None) -> set[str]:
        pool = self.nodes("Organization") if candidates is None else candidates
        return {org for org in pool if self.presence(org, regions)}


# ------------------------------------------------------------------ region queries


@embedded("orgs_in_region")
def orgs_in_region(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    regions = v.within(params["region"])
    rows = []
    for org in v.nodes("Organization"):
        kinds = v.presence(org, regions)
        if not kinds:
            continue
        presence = "home+settled" if len(kinds) == 2 else ("home" if "LOCATED_IN" in kinds else "settled")
        home = v.home(org)
        keys = [v.prop(t, "key") for t, _, _ in v.out(org, "IN_SEGMENT", label="Segment")] or ["none"]
        for segment in keys:
            if params.get("segment") is not None and segment != params["segment"]:
                continue
            rows.append(
                {
                    "segment": segment,
                    "name": v.prop(org, "name"),
                    "type": v.prop(org, "type"),
                    "id": org,
                    "presence": presence,
                    "home": home,
                }
            )
    rows.sort(key=lambda r: (SEGMENT_RANK.get(r["segment"], 3), r["name"], r["id"]))
    return rows


def _subsectors(v: View) -> list[tuple[str, str]]:
    """(subsector, segment) pairs joined by PART_OF, in taxonomy order."""
    pairs = [
        (sub, seg) for sub in v.nodes("Subsector") for seg, _, _ in v.out(sub, "PART_OF", label="Segment")
    ]
    return sorted(pairs, key=lambda p: (v.prop(p[0], "rank"), v.prop(p[0], "key")))


@embedded("chain_coverage")
def chain_coverage(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    regions = v.within(params["region"])
    rows = []
    for sub, seg in _subsectors(v):
        members = {org for org, _, _ in v.into(sub, "IN_SUBSECTOR", label="Organization")}
        kinds = {org: v.presence(org, regions) for org in members}
        total = sum(1 for k in kinds.values() if k)
        if total >= params["covered_min"]:
            status = "covered"
        elif total >= params["thin_min"]:
            status = "thin"
        else:
            status = "gap"
        rows.append(
            {
                "segment": v.prop(seg, "key"),
                "subsector": v.prop(sub, "key"),
                "subsector_name": v.prop(sub, "name"),
                "home": sum(1 for k in kinds.values() if "LOCATED_IN" in k),
                "settled": sum(1 for k in kinds.values() if "SIGNED_IN" in k),
                "total": total,
                "status": status,
            }
        )
    return rows


@embedded("gaps")
def gaps(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    regions = v.within(params["region"])
    rows = []
    for sub, seg in _subsectors(v):
        members = {org for org, _, _ in v.into(sub, "IN_SUBSECTOR", label="Organization")}
        if v.orgs_in(regions, members):
            continue
        rows.append(
            {
                "segment": v.prop(seg, "key"),
                "subsector": v.prop(sub, "key"),
                "subsector_name": v.prop(sub, "name"),
                "elsewhere": len(members),
            }
        )
    return rows


def _mentions(v: View, node: str) -> list[tuple[str, dict[str, Any]]]:
    found = [(doc, data) for doc, _, data in v.out(node, "MENTIONED_IN", label="Document")]
    return sorted(found, key=lambda m: (m[0], m[1].get("start"), m[1].get("end")))


@embedded("candidates")
def candidates(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    regions = v.within(params["region"])
    subsector = params["subsector"]
    if subsector not in graph or not v.has(subsector, "Subsector"):
        return []
    rows = []
    for org in sorted({org for org, _, _ in v.into(subsector, "IN_SUBSECTOR", label="Organization")}):
        if v.presence(org, regions):
            continue
        mentions = _mentions(v, org)
        rows.append(
            {
                "name": v.prop(org, "name"),
                "type": v.prop(org, "type"),
                "id": org,
                "home": v.home(org),
                "mentions": len(mentions),
                "sentence": mentions[0][1].get("sentence") if mentions else None,
                "doc_id": mentions[0][0] if mentions else None,
            }
        )
    rows.sort(key=lambda r: (-r["mentions"], r["name"], r["id"]))
    return rows


def _optional_region_filter(v: View, params: dict[str, Any]) -> set[str] | None:
    return v.within(params["region"]) if params.get("region") is not None else None


@embedded("hospital_trials")
def hospital_trials(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    regions = _optional_region_filter(v, params)
    rows = []
    for hospital in v.nodes("Hospital"):
        if regions is not None and not any(
            t in regions for t, _, _ in v.out(hospital, "LOCATED_IN", label="Region")
        ):
            continue
        base = {
            "hospital": v.prop(hospital, "name"),
            "hospital_id": hospital,
            "hospital_region": v.home(hospital),
        }
        trials = list(v.into(hospital, "CLINICAL_TRIAL_AT", label="Organization"))
        if not trials:
            rows.append(
                {**base, "organization": None, "organization_id": None, "sentence": None, "relation_id": None}
            )
        for org, key, data in trials:
            rows.append(
                {
                    **base,
                    "organization": v.prop(org, "name"),
                    "organization_id": org,
                    "sentence": data.get("sentence"),
                    "relation_id": key,
                }
            )
    rows.sort(
        key=lambda r: (
            r["hospital"],
            r["hospital_id"],
            r["organization"] or "",
            r["organization_id"] or "",
            r["relation_id"] or "",
        )
    )
    return rows


@embedded("funds")
def funds(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    regions = _optional_region_filter(v, params)
    rank = {"INVESTS_IN": 0, "PARTNERS_WITH": 1}
    rows = []
    for fund in v.nodes("Fund"):
        if regions is not None and not v.presence(fund, regions):
            continue
        links = [
            (t, key, data)
            for t, key, data in v.out(fund, "INVESTS_IN", "PARTNERS_WITH", label="Organization")
            if t != fund
        ]
        links += [
            (s, key, data)
            for s, key, data in v.into(fund, "PARTNERS_WITH", label="Organization")
            if s != fund
        ]
        base = {"fund": v.prop(fund, "name"), "fund_id": fund}
        if not links:
            rows.append(
                {
                    **base,
                    "relation": None,
                    "target": None,
                    "target_id": None,
                    "target_type": None,
                    "sentence": None,
                    "relation_id": None,
                }
            )
        for other, key, data in links:
            rows.append(
                {
                    **base,
                    "relation": data["type"],
                    "target": v.prop(other, "name"),
                    "target_id": other,
                    "target_type": v.prop(other, "type"),
                    "sentence": data.get("sentence"),
                    "relation_id": key,
                }
            )
    rows.sort(
        key=lambda r: (
            r["fund"],
            r["fund_id"],
            rank.get(r["relation"], 2),
            r["target"] or "",
            r["target_id"] or "",
            r["relation_id"] or "",
        )
    )
    return rows


@embedded("agencies")
def agencies(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    regions = _optional_region_filter(v, params)
    rows = []
    for agency in v.nodes("Agency"):
        agency_in = regions is not None and any(
            t in regions for t, _, _ in v.out(agency, "LOCATED_IN", label="Region")
        )
        for policy, key, data in v.out(agency, "ISSUED", "RESPONSIBLE_FOR", label="Policy"):
            if (
                regions is not None
                and not agency_in
                and not any(t in regions for t, _, _ in v.out(policy, "APPLIES_TO", label="Region"))
            ):
                continue
            date = data.get("date")
            rows.append(
                {
                    "agency": v.prop(agency, "name"),
                    "agency_id": agency,
                    "relation": data["type"],
                    "policy": v.prop(policy, "name"),
                    "policy_id": policy,
                    "task": data.get("task"),
                    "date": date if date is not None else v.prop(policy, "date"),
                    "relation_id": key,
                }
            )
    rows.sort(
        key=lambda r: (
            r["agency"],
            r["agency_id"],
            r["policy"],
            r["policy_id"],
            r["relation"],
            r["relation_id"],
        )
    )
    return rows


@embedded("targets")
def targets(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    regions = _optional_region_filter(v, params)
    rows = []
    for target in v.nodes("Target"):
        about: list[str | None] = [r for r, _, _ in v.out(target, "ABOUT", label="Region")]
        if regions is not None and not any(r in regions for r in about):
            continue
        policies: list[str | None] = [p for p, _, _ in v.into(target, "SETS_TARGET", label="Policy")] or [
            None
        ]
        owners = sorted(
            (v.prop(a, "name"), a) for a, _, _ in v.into(target, "OWNS_TARGET", label="Organization")
        )
        for policy, region in itertools.product(policies, about or [None]):  # Cypher: one row per pair
            rows.append(
                {
                    "policy": v.prop(policy, "name"),
                    "subject": v.prop(target, "subject"),
                    "year": v.prop(target, "year"),
                    "quantity": v.prop(target, "quantity"),
                    "quantity_max": v.prop(target, "quantity_max"),
                    "unit": v.prop(target, "unit"),
                    "region": v.prop(region, "full_name"),
                    "agencies": [name for name, _ in owners],
                    "id": target,
                }
            )
    rows.sort(
        key=lambda r: (
            r["policy"] or "",
            r["year"] if r["year"] is not None else 0,
            r["subject"],
            r["id"],
            r["region"] or "",
        )
    )
    return rows


@embedded("claims")
def claims(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    regions = _optional_region_filter(v, params)
    rows = []
    for claim in v.nodes("Claim"):
        for region, _, _ in v.out(claim, "ABOUT", label="Region"):
            if regions is not None and region not in regions:
                continue
            rows.append(
                {
                    "region": v.prop(region, "full_name"),
                    "kind": v.prop(claim, "kind"),
                    "text": v.prop(claim, "text"),
                    "segments": list(v.prop(claim, "segments") or []),
                    "subsectors": list(v.prop(claim, "subsectors") or []),
                    "pillars": list(v.prop(claim, "pillars") or []),
                    "id": claim,
                }
            )
    rows.sort(key=lambda r: (r["region"], r["kind"], r["id"]))
    return rows


# ------------------------------------------------------------------ organisation queries


@embedded("partners")
def partners(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    org = params["org"]
    rows = []
    links = [(p, key, data, "out") for p, key, data in v.out(org, *PARTNER_TYPES, label="Organization")]
    links += [(p, key, data, "in") for p, key, data in v.into(org, *PARTNER_TYPES, label="Organization")]
    for other, key, data, direction in links:
        if other == org:
            continue
        rows.append(
            {
                "relation": data["type"],
                "direction": direction,
                "partner": v.prop(other, "name"),
                "partner_id": other,
                "partner_type": v.prop(other, "type"),
                "sentence": data.get("sentence"),
                "relation_id": key,
            }
        )
    rows.sort(key=lambda r: (r["relation"], r["direction"], r["partner"], r["partner_id"], r["relation_id"]))
    return rows


@embedded("org_evidence")
def org_evidence(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    return [
        {
            "doc_id": doc,
            "title": v.prop(doc, "title"),
            "date": v.prop(doc, "date"),
            "sentence": data.get("sentence"),
            "start": data.get("start"),
            "end": data.get("end"),
            "text": data.get("text"),
        }
        for doc, data in _mentions(v, params["org"])
    ]


@embedded("relation_evidence")
def relation_evidence(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    org = params["org"]
    found: dict[str, tuple[str, str, dict[str, Any]]] = {}
    for source, target, key, data in [
        *graph.out_edges(org, keys=True, data=True),
        *graph.in_edges(org, keys=True, data=True),
    ]:
        other = target if source == org else source
        if data.get("evidence") is None:
            continue
        if params.get("type") is not None and data["type"] != params["type"]:
            continue
        if params.get("other") is not None and other != params["other"]:
            continue
        found[key] = (source, target, data)
    rows = [
        {
            "type": data["type"],
            "source": v.prop(source, "name") or source,
            "source_id": source,
            "target": v.prop(target, "name") or target,
            "target_id": target,
            "relation_id": key,
            "evidence": data["evidence"],
        }
        for key, (source, target, data) in found.items()
    ]
    rows.sort(key=lambda r: (r["type"], r["source_id"], r["target_id"], r["relation_id"]))
    return rows


@embedded("shortest_path")
def shortest_path(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    source, target = params["source"], params["target"]
    if source not in graph or target not in graph or source == target:
        return []
    links: dict[frozenset[str], list[tuple[str, str, str]]] = {}
    undirected = nx.Graph()
    for u, w, key, rel_type in graph.edges(keys=True, data="type"):
        if rel_type in PATH_TYPES and u != w:
            undirected.add_edge(u, w)
            links.setdefault(frozenset((u, w)), []).append((u, key, rel_type))
    if source not in undirected or target not in undirected or not nx.has_path(undirected, source, target):
        return []
    if nx.shortest_path_length(undirected, source, target) > MAX_PATH_LENGTH:
        return []
    rows = []
    for path in nx.all_shortest_paths(undirected, source, target):
        steps = [links[frozenset(pair)] for pair in itertools.pairwise(path)]
        for choice in itertools.product(*steps):
            rows.append(
                {
                    "length": len(path) - 1,
                    "nodes": [v.prop(n, "name") or n for n in path],
                    "node_ids": list(path),
                    "relationships": [rel_type for _, _, rel_type in choice],
                    "relationship_ids": [key for _, key, _ in choice],
                }
            )
    rows.sort(key=lambda r: (r["node_ids"], r["relationship_ids"]))
    return rows[:MAX_PATHS]


@embedded("compare_regions")
def compare_regions(graph: nx.MultiDiGraph, params: dict[str, Any]) -> list[Row]:
    v = View(graph)
    in_a = v.orgs_in(v.within(params["a"]))
    in_b = v.orgs_in(v.within(params["b"]))
    region_a, region_b = v.within(params["a"]), v.within(params["b"])
    rows: list[tuple[tuple[Any, ...], Row]] = []

    def add(section: int, rank: Any, dimension: str, key: Any, name: Any, members: set[str]) -> None:
        rows.append(
            (
                (section, rank, key),
                {
                    "dimension": dimension,
                    "key": key,
                    "name": name,
                    "a": len(members & in_a),
                    "b": len(members & in_b),
                },
            )
        )

    add(0, 0, "total", "organizations", "机构总数", set(v.nodes("Organization")))
    for seg in v.nodes("Segment"):
        members = {o for o, _, _ in v.into(seg, "IN_SEGMENT", label="Organization")}
        add(1, v.prop(seg, "rank"), "segment", v.prop(seg, "key"), v.prop(seg, "name"), members)
    for sub in v.nodes("Subsector"):
        members = {o for o, _, _ in v.into(sub, "IN_SUBSECTOR", label="Organization")}
        add(2, v.prop(sub, "rank"), "subsector", v.prop(sub, "key"), v.prop(sub, "name"), members)
    organizations = list(v.nodes("Organization"))
    for i, org_type in enumerate(params["org_types"]):
        members = {o for o in organizations if v.prop(o, "type") == org_type}
        add(3, i, "type", org_type, org_type, members)
    policies = list(v.nodes("Policy"))

    def applies(regions: set[str]) -> int:
        return sum(
            1 for p in policies if any(r in regions for r, _, _ in v.out(p, "APPLIES_TO", label="Region"))
        )

    rows.append(
        (
            (4, 0, "policies"),
            {
                "dimension": "policy",
                "key": "policies",
                "name": "政策",
                "a": applies(region_a),
                "b": applies(region_b),
            },
        )
    )
    rows.sort(key=lambda item: item[0])
    return [row for _, row in rows]
