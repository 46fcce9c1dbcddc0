"""The named queries of ``bcikg query``, each written once on the graph-access layer
(bcikg.queries.access), so the embedded store and Neo4j return the same rows by construction.

A query is a function ``(access, params) -> rows`` registered with :func:`named` and its
description: purpose, parameters (with the kind that tells bcikg.queries.run how to resolve what a
user typed), columns, an example, and the access reads it uses (``bcikg query NAME --cypher``
prints their Cypher). The coverage queries (chain_coverage, gaps, compare_regions) and
``candidates`` call the report's own code (bcikg.report.assemble), so they count and rank exactly
as ``bcikg report`` does. Every result is sorted by a total order.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bcikg.errors import InputError
from bcikg.models import ORG_TYPES, RELATION_KINDS
from bcikg.queries.access import GraphAccess, Row

Rows = list[dict[str, Any]]
QueryFunc = Callable[[GraphAccess, dict[str, Any]], Rows]

SEGMENT_RANK = {"upstream": 0, "midstream": 1, "downstream": 2}
PARTNER_TYPES = ("PARTNERS_WITH", "CLINICAL_TRIAL_AT", "INCUBATED_BY", "OPERATES", "INVESTS_IN", "LOCATED_IN")
PATH_TYPES = (
    "PARTNERS_WITH",
    "CLINICAL_TRIAL_AT",
    "INCUBATED_BY",
    "OPERATES",
    "INVESTS_IN",
    "SIGNED_IN",
    "LOCATED_IN",
    "ISSUED",
    "RESPONSIBLE_FOR",
)
MAX_PATH_LENGTH = 8
MAX_PATHS = 50
DEFAULT_CANDIDATES = 10

# access method -> the file of its Neo4j read
READ_FILES = {
    "region_tree": "_read_region_tree",
    "regions_named": "_read_regions_named",
    "regions_with_data": "_read_regions_with_data",
    "nodes": "_read_nodes",
    "nodes_labelled": "_read_nodes_labelled",
    "find_orgs": "_read_find_orgs",
    "org_names": "_read_org_names",
    "edges": "_read_edges",
    "mentions": "_read_mentions",
    "link_members": "_read_link_members",
    "shortest_paths": "_read_shortest_paths",
    "fingerprint": "_read_fingerprint",
}


@dataclass(frozen=True)
class QueryParameter:
    name: str
    kind: str  # region, org, node, link, segment, relation_type, int, text
    optional: bool
    description: str
    default: Any = None


@dataclass(frozen=True)
class QueryInfo:
    name: str
    purpose: str
    parameters: tuple[QueryParameter, ...]
    columns: tuple[str, ...]
    example: str
    reads: tuple[str, ...]
    func: QueryFunc

    def parameter(self, name: str) -> QueryParameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def run(self, access: GraphAccess, params: dict[str, Any]) -> Rows:
        rows = self.func(access, params)
        return [{c: row.get(c) for c in self.columns} for row in rows]

    @property
    def cypher(self) -> str:
        """The Cypher of the Neo4j reads this query is made of, one file after another."""
        from bcikg.queries import cypher_files

        files = cypher_files()
        parts = []
        for read in self.reads:
            f = files[READ_FILES[read]]
            parts.append(f"// {f.name}: {f.purpose}\n{f.cypher}")
        return "\n".join(parts)


QUERIES: dict[str, QueryInfo] = {}


def named(
    name: str,
    purpose: str,
    parameters: Sequence[QueryParameter],
    columns: str,
    example: str,
    reads: str,
) -> Callable[[QueryFunc], QueryFunc]:
    def register(func: QueryFunc) -> QueryFunc:
        QUERIES[name] = QueryInfo(
            name=name,
            purpose=purpose,
            parameters=tuple(parameters),
            columns=tuple(c.strip() for c in columns.split(",")),
            example=example,
            reads=tuple(r.strip() for r in reads.split(",")),
            func=func,
        )
        return func

    return register


def get_query(name: str) -> QueryInfo:
    if name not in QUERIES:
        raise InputError(f"no query named {name!r}; available: {', '.join(QUERIES)}")
    return QUERIES[name]


def P(
    name: str, kind: str, description: str, *, optional: bool = False, default: Any = None
) -> QueryParameter:
    return QueryParameter(name, kind, optional, description, default)


REGION = P("region", "region", "region name or id, e.g. 江西省, 赣江新区, 大连")
OPTIONAL_REGION = P("region", "region", "only this region (with its sub-regions), e.g. 江西省", optional=True)
REGION_READS = "region_tree, regions_named, regions_with_data"


# ------------------------------------------------------------------ helpers


def _name(props: dict[str, Any], fallback: str) -> str:
    return str(props.get("name") or fallback)


def _subtree(access: GraphAccess, region: str) -> list[str]:
    return sorted(r["id"] for r in access.region_tree(region) if r["depth"] >= 0)


def _labelled_in(access: GraphAccess, label: str, region: str | None, types: Sequence[str]) -> dict[str, Row]:
    """Nodes with ``label`` (all, or those tied to the region's subtree by ``types``): id -> props."""
    if region is None:
        return {r["id"]: r["props"] for r in access.nodes_labelled(label)}
    return {
        e["other"]: e["other_props"]
        for e in access.edges(_subtree(access, region), types, "in")
        if label in e["other_labels"]
    }


def _most_specific_home(edges: Iterable[Row]) -> str | None:
    homes = sorted(
        (e for e in edges if e["type"] == "LOCATED_IN" and "Region" in e["other_labels"]),
        key=lambda e: (-e["other"].count("/"), e["other"]),
    )
    return homes[0]["other_props"].get("full_name") if homes else None


def _by_node(rows: Iterable[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        out[row["node"]].append(row)
    return out


def _edges_of(
    access: GraphAccess, ids: list[str], out_types: Sequence[str], in_types: Sequence[str]
) -> dict[str, list[Row]]:
    """The nodes' outgoing edges of ``out_types`` and incoming ones of ``in_types``, by node."""
    return _by_node(access.edges(ids, out_types, "out") + access.edges(ids, in_types, "in"))


def _report_source(access: GraphAccess) -> Any:
    from bcikg.report.source import ReportSource

    return ReportSource(access)


def _coverage(access: GraphAccess, region: str) -> tuple[Any, list[Any]]:
    from bcikg.report.assemble import coverage

    slice_ = _report_source(access).region_slice(region)
    return slice_, coverage(slice_)


def _documents(access: GraphAccess, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r["props"] for r in access.nodes(sorted(set(ids))) if "Document" in r["labels"]}


# ------------------------------------------------------------------ region queries


@named(
    "orgs_in_region",
    "Organisations present in a region (with its sub-regions): based there (home) or reported "
    "signing or settling there (settled), by segment, as the gap report counts them.",
    [REGION, P("segment", "segment", "upstream, midstream, downstream (上游 …) or none", optional=True)],
    "segment, name, type, id, presence, home",
    "bcikg query orgs_in_region --param region=江西省",
    f"{REGION_READS}, edges, mentions",
)
def orgs_in_region(access: GraphAccess, params: dict[str, Any]) -> Rows:
    from bcikg.report.assemble import _Assembler, _most_specific

    slice_ = _report_source(access).region_slice(params["region"])
    a = _Assembler(slice_)
    rows = []
    for org in a.orgs:
        home = _most_specific(org.homes)
        for segment in sorted(a.segments_of(org)) or ["none"]:
            if params.get("segment") is not None and segment != params["segment"]:
                continue
            rows.append(
                {
                    "segment": segment,
                    "name": org.name,
                    "type": org.type,
                    "id": org.id,
                    "presence": a.presence(org),
                    "home": home.full_name if home else None,
                }
            )
    rows.sort(key=lambda r: (SEGMENT_RANK.get(r["segment"], 3), r["name"], r["id"]))
    return rows


@named(
    "chain_coverage",
    "The coverage of a region exactly as `bcikg report gaps` counts it: every segment, subsector "
    "and support pillar with the organisations present (home, settled), the count its status comes "
    "from (for 政策: the policies that apply to the region or a region above it) and the status.",
    [REGION],
    "kind, segment, key, name, status, count, home, settled, policies",
    "bcikg query chain_coverage --param region=江西省",
    f"{REGION_READS}, edges, mentions",
)
def chain_coverage(access: GraphAccess, params: dict[str, Any]) -> Rows:
    _, cov = _coverage(access, params["region"])
    return [
        {
            "kind": c.kind,
            "segment": c.segment,
            "key": c.key,
            "name": c.name,
            "status": c.status,
            "count": c.count,
            "home": c.home,
            "settled": c.settled,
            "policies": len(c.policies),
        }
        for c in cov
    ]


@named(
    "gaps",
    "The gaps of a region as `bcikg report gaps` finds them (segments, subsectors and pillars with "
    "nothing present), with how many organisations elsewhere could be offered for each (see "
    "`candidates`) and why none can when that is so.",
    [REGION],
    "kind, segment, key, name, elsewhere, note",
    "bcikg query gaps --param region=赣江新区",
    f"{REGION_READS}, edges, mentions, link_members, fingerprint",
)
def gaps(access: GraphAccess, params: dict[str, Any]) -> Rows:
    from bcikg.report.assemble import pick_candidates
    from bcikg.report.pillars import pillar_rules
    from bcikg.report.source import CandidateRequest

    source = _report_source(access)
    slice_ = source.region_slice(params["region"])
    from bcikg.report.assemble import coverage

    empty = [c for c in coverage(slice_) if c.status == "gap"]
    rules = pillar_rules()
    requests = [
        CandidateRequest(c.kind, c.key)  # type: ignore[arg-type,unused-ignore]
        for c in empty
        if c.kind != "pillar" or rules[c.key].candidates
    ]
    picked = pick_candidates(source, requests, (o.id for o in slice_.orgs), None)
    rows = []
    for c in empty:
        p = picked.get(CandidateRequest(c.kind, c.key))  # type: ignore[arg-type,unused-ignore]
        rows.append(
            {
                "kind": c.kind,
                "segment": c.segment,
                "key": c.key,
                "name": c.name,
                "elsewhere": len(p.domestic) + len(p.foreign) if p else None,
                "note": p.note if p else "政策不靠从外地招引机构补齐",
            }
        )
    return rows


@named(
    "candidates",
    "Candidates elsewhere for a chain link (a subsector, segment or support pillar), ranked as in "
    "`bcikg report gaps`: companies first, then an explicit segment statement, a sentence naming the "
    "link's words, more mentions; public bodies, region-named funds and platforms and region-bound "
    "roles left out; organisations based abroad after the others (foreign = true). Each with the "
    "reason for its rank and the sentence that shows what it does.",
    [
        P("link", "link", "subsector, segment or pillar by key or name, e.g. 电极, 上游, 资本"),
        P("region", "region", "the region looking for partners, e.g. 大连"),
        P(
            "limit",
            "int",
            f"candidates listed (and as many abroad), default {DEFAULT_CANDIDATES}",
            optional=True,
            default=DEFAULT_CANDIDATES,
        ),
    ],
    "rank, name, type, id, home, foreign, reason, mentions, sentence, doc_id",
    "bcikg query candidates --param link=芯片 --param region=大连",
    f"{REGION_READS}, edges, mentions, link_members, fingerprint",
)
def candidates(access: GraphAccess, params: dict[str, Any]) -> Rows:
    from bcikg.report.assemble import _Assembler, _link_names, pick_candidates, rank_cues
    from bcikg.report.rank import reason
    from bcikg.report.source import CandidateRequest

    kind, key = params["link"]
    request = CandidateRequest(kind, key)
    source = _report_source(access)
    slice_ = source.region_slice(params["region"])
    picked = pick_candidates(source, [request], (o.id for o in slice_.orgs), params["limit"])[request]
    members = [*picked.domestic, *picked.foreign]
    details = source.candidate_details(members, {m.id for m in picked.foreign})
    a = _Assembler(slice_)
    cues = rank_cues(a, request)
    link_name, segment_name = _link_names(request)
    rows = []
    for group in (picked.domestic, picked.foreign):
        for i, m in enumerate(group, 1):
            c = a.candidate(i, details[m.id], m, cues, reason(m, link_name, segment_name))
            rows.append(
                {
                    "rank": c.rank,
                    "name": c.name,
                    "type": c.type,
                    "id": c.id,
                    "home": c.region,
                    "foreign": c.foreign,
                    "reason": c.reason,
                    "mentions": c.mentions,
                    "sentence": c.evidence.sentence if c.evidence else None,
                    "doc_id": c.evidence.doc_id if c.evidence else None,
                }
            )
    return rows


@named(
    "compare_regions",
    "Two regions side by side, counted as `bcikg report compare` counts them: organisations present "
    "in total and by type, and every segment, subsector and support pillar (政策: policies).",
    [P("a", "region", "first region, e.g. 江西省"), P("b", "region", "second region, e.g. 上海")],
    "dimension, key, name, a, b",
    "bcikg query compare_regions --param a=江西省 --param b=上海市",
    f"{REGION_READS}, edges, mentions",
)
def compare_regions(access: GraphAccess, params: dict[str, Any]) -> Rows:
    slice_a, cov_a = _coverage(access, params["a"])
    slice_b, cov_b = _coverage(access, params["b"])
    rows: Rows = [
        {
            "dimension": "total",
            "key": "organizations",
            "name": "机构总数",
            "a": len(slice_a.orgs),
            "b": len(slice_b.orgs),
        }
    ]
    for ca, cb in zip(cov_a, cov_b, strict=True):
        rows.append({"dimension": ca.kind, "key": ca.key, "name": ca.name, "a": ca.count, "b": cb.count})
    for org_type in ORG_TYPES:
        rows.append(
            {
                "dimension": "type",
                "key": org_type,
                "name": org_type,
                "a": sum(1 for o in slice_a.orgs if o.type == org_type),
                "b": sum(1 for o in slice_b.orgs if o.type == org_type),
            }
        )
    return rows


# ------------------------------------------------------------------ organisations by kind


@named(
    "hospital_trials",
    "Hospitals and the organisations running clinical trials there (CLINICAL_TRIAL_AT), optionally "
    "only hospitals based in a region. Hospitals without a known trial are listed with an empty "
    "organisation.",
    [OPTIONAL_REGION],
    "hospital, hospital_id, hospital_region, organization, organization_id, sentence, relation_id",
    "bcikg query hospital_trials --param region=江西省",
    f"{REGION_READS}, nodes_labelled, edges",
)
def hospital_trials(access: GraphAccess, params: dict[str, Any]) -> Rows:
    hospitals = _labelled_in(access, "Hospital", params.get("region"), ("LOCATED_IN",))
    ids = sorted(hospitals)
    edges = _edges_of(access, ids, ("LOCATED_IN",), ("CLINICAL_TRIAL_AT",))
    rows = []
    for h in ids:
        base = {
            "hospital": _name(hospitals[h], h),
            "hospital_id": h,
            "hospital_region": _most_specific_home(edges.get(h, [])),
        }
        trials = [
            e
            for e in edges.get(h, [])
            if e["type"] == "CLINICAL_TRIAL_AT" and "Organization" in e["other_labels"]
        ]
        if not trials:
            rows.append(
                {**base, "organization": None, "organization_id": None, "sentence": None, "relation_id": None}
            )
        for e in trials:
            rows.append(
                {
                    **base,
                    "organization": _name(e["other_props"], e["other"]),
                    "organization_id": e["other"],
                    "sentence": e["props"].get("sentence"),
                    "relation_id": e["id"],
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


@named(
    "funds",
    "Funds and what they back: the organisations they invest in (INVESTS_IN) and, as context, their "
    "partners (PARTNERS_WITH, either direction); optionally only funds based or settled in a region. "
    "A fund with neither is listed once with empty columns.",
    [OPTIONAL_REGION],
    "fund, fund_id, relation, target, target_id, target_type, sentence, relation_id",
    "bcikg query funds --param region=江西省",
    f"{REGION_READS}, nodes_labelled, edges",
)
def funds(access: GraphAccess, params: dict[str, Any]) -> Rows:
    found = _labelled_in(access, "Fund", params.get("region"), ("LOCATED_IN", "SIGNED_IN"))
    ids = sorted(found)
    links = _edges_of(access, ids, ("INVESTS_IN", "PARTNERS_WITH"), ("PARTNERS_WITH",))
    order = {"INVESTS_IN": 0, "PARTNERS_WITH": 1}
    rows = []
    for f in ids:
        base = {"fund": _name(found[f], f), "fund_id": f}
        mine = {
            e["id"]: e for e in links.get(f, []) if e["other"] != f and "Organization" in e["other_labels"]
        }
        if not mine:
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
        for e in mine.values():
            rows.append(
                {
                    **base,
                    "relation": e["type"],
                    "target": _name(e["other_props"], e["other"]),
                    "target_id": e["other"],
                    "target_type": e["other_props"].get("type"),
                    "sentence": e["props"].get("sentence"),
                    "relation_id": e["id"],
                }
            )
    rows.sort(
        key=lambda r: (
            r["fund"],
            r["fund_id"],
            order.get(r["relation"] or "", 2),
            r["target"] or "",
            r["target_id"] or "",
            r["relation_id"] or "",
        )
    )
    return rows


@named(
    "agencies",
    "Government agencies and the policies they issued (ISSUED) or are responsible for "
    "(RESPONSIBLE_FOR, with the task); optionally only agencies based in a region or policies that "
    "apply to it.",
    [OPTIONAL_REGION],
    "agency, agency_id, relation, policy, policy_id, task, date, relation_id",
    "bcikg query agencies --param region=江西省",
    f"{REGION_READS}, nodes_labelled, edges",
)
def agencies(access: GraphAccess, params: dict[str, Any]) -> Rows:
    kinds = ("ISSUED", "RESPONSIBLE_FOR")
    links: list[tuple[str, Row, str, Row, Row]] = []  # agency, agency props, policy, policy props, edge
    region = params.get("region")
    agency_props = _labelled_in(access, "Agency", region, ("LOCATED_IN",))
    for e in access.edges(sorted(agency_props), kinds, "out"):
        if "Policy" in e["other_labels"]:
            links.append((e["node"], agency_props[e["node"]], e["other"], e["other_props"], e))
    if region is not None:
        policies = _labelled_in(access, "Policy", region, ("APPLIES_TO",))
        for e in access.edges(sorted(policies), kinds, "in"):
            if "Agency" in e["other_labels"]:
                links.append((e["other"], e["other_props"], e["node"], policies[e["node"]], e))
    rows = {}
    for agency, aprops, policy, pprops, e in links:
        rows[e["id"]] = {
            "agency": _name(aprops, agency),
            "agency_id": agency,
            "relation": e["type"],
            "policy": _name(pprops, policy),
            "policy_id": policy,
            "task": e["props"].get("task"),
            "date": e["props"].get("date") or pprops.get("date"),
            "relation_id": e["id"],
        }
    return sorted(
        rows.values(),
        key=lambda r: (
            r["agency"],
            r["agency_id"],
            r["policy"],
            r["policy_id"],
            r["relation"],
            r["relation_id"],
        ),
    )


@named(
    "targets",
    "Numeric policy targets (e.g. 到2027年引进10家企业), optionally only those about a region "
    "(sub-regions included), with the policy that sets them and the agencies that own them, in the "
    "order the text gives.",
    [OPTIONAL_REGION],
    "policy, subject, year, quantity, quantity_max, unit, region, agencies, id",
    "bcikg query targets --param region=江苏省",
    f"{REGION_READS}, nodes_labelled, edges",
)
def targets(access: GraphAccess, params: dict[str, Any]) -> Rows:
    found = _labelled_in(access, "Target", params.get("region"), ("ABOUT",))
    ids = sorted(found)
    edges = _edges_of(access, ids, ("ABOUT",), ("SETS_TARGET", "OWNS_TARGET"))
    rows = []
    for t in ids:
        p, mine = found[t], edges.get(t, [])
        about = [
            e["other_props"].get("full_name")
            for e in mine
            if e["type"] == "ABOUT" and "Region" in e["other_labels"]
        ]
        policies: list[str | None] = [
            _name(e["other_props"], e["other"]) for e in mine if e["type"] == "SETS_TARGET"
        ]
        owners = sorted(
            (e for e in mine if e["type"] == "OWNS_TARGET"),
            key=lambda e: (e["props"].get("order", 1 << 30), e["other_props"].get("name") or "", e["other"]),
        )
        for policy in policies or [None]:
            for region in about or [None]:
                rows.append(
                    {
                        "policy": policy,
                        "subject": p.get("subject"),
                        "year": p.get("year"),
                        "quantity": p.get("quantity"),
                        "quantity_max": p.get("quantity_max"),
                        "unit": p.get("unit"),
                        "region": region,
                        "agencies": [_name(e["other_props"], e["other"]) for e in owners],
                        "id": t,
                    }
                )
    rows.sort(
        key=lambda r: (r["policy"] or "", r["year"] or 0, r["subject"] or "", r["id"], r["region"] or "")
    )
    return rows


@named(
    "claims",
    "What regions say about their own chain: stated strengths and gaps (Claim nodes), optionally only "
    "claims about a region (sub-regions included).",
    [OPTIONAL_REGION],
    "region, kind, text, segments, subsectors, pillars, id",
    "bcikg query claims --param region=江西省",
    f"{REGION_READS}, nodes_labelled, nodes, edges",
)
def claims(access: GraphAccess, params: dict[str, Any]) -> Rows:
    region = params.get("region")
    if region is None:
        found = {r["id"]: r["props"] for r in access.nodes_labelled("Claim")}
        pairs = [
            (e["node"], e["other_props"])
            for e in access.edges(sorted(found), ("ABOUT",), "out")
            if "Region" in e["other_labels"]
        ]
    else:
        subtree = _subtree(access, region)
        edges = access.edges(subtree, ("ABOUT",), "in")
        found = {e["other"]: e["other_props"] for e in edges if "Claim" in e["other_labels"]}
        regions = {r["id"]: r["props"] for r in access.nodes(subtree)}
        pairs = [(e["other"], regions[e["node"]]) for e in edges if "Claim" in e["other_labels"]]
    rows = [
        {
            "region": rprops.get("full_name"),
            "kind": found[c].get("kind"),
            "text": found[c].get("text"),
            "segments": list(found[c].get("segments") or []),
            "subsectors": list(found[c].get("subsectors") or []),
            "pillars": list(found[c].get("pillars") or []),
            "id": c,
        }
        for c, rprops in pairs
    ]
    rows.sort(key=lambda r: (r["region"] or "", r["kind"] or "", r["id"]))
    return rows


# ------------------------------------------------------------------ one organisation


ORG = P("org", "org", "organisation name or alias, e.g. 博睿康医疗")


@named(
    "partners",
    "Every relation of an organisation with other organisations (partners, trials, incubation, "
    "operation, investment, a platform in a park), either direction.",
    [ORG],
    "relation, direction, partner, partner_id, partner_type, sentence, relation_id",
    "bcikg query partners --param org=博睿康医疗",
    "find_orgs, org_names, edges",
)
def partners(access: GraphAccess, params: dict[str, Any]) -> Rows:
    org = params["org"]
    rows = {}
    for e in access.edges([org], PARTNER_TYPES, "both"):
        if e["other"] == org or "Organization" not in e["other_labels"]:
            continue
        rows[(e["id"], e["direction"])] = {
            "relation": e["type"],
            "direction": e["direction"],
            "partner": _name(e["other_props"], e["other"]),
            "partner_id": e["other"],
            "partner_type": e["other_props"].get("type"),
            "sentence": e["props"].get("sentence"),
            "relation_id": e["id"],
        }
    return sorted(
        rows.values(),
        key=lambda r: (r["relation"], r["direction"], r["partner"], r["partner_id"], r["relation_id"]),
    )


@named(
    "org_evidence",
    "Every sentence that mentions an organisation, with the document's title and where it was read from.",
    [ORG],
    "doc_id, title, source, date, sentence, start, end, text",
    "bcikg query org_evidence --param org=博睿康医疗",
    "find_orgs, org_names, mentions, nodes",
)
def org_evidence(access: GraphAccess, params: dict[str, Any]) -> Rows:
    mentions = access.mentions([params["org"]])
    docs = _documents(access, (m["doc_id"] for m in mentions))
    rows = [
        {
            "doc_id": m["doc_id"],
            "title": docs.get(m["doc_id"], {}).get("title"),
            "source": docs.get(m["doc_id"], {}).get("url") or docs.get(m["doc_id"], {}).get("path"),
            "date": docs.get(m["doc_id"], {}).get("date"),
            "sentence": m["sentence"],
            "start": m["start"],
            "end": m["end"],
            "text": m["text"],
        }
        for m in mentions
    ]
    rows.sort(key=lambda r: (r["doc_id"], r["start"], r["end"], r["text"] or ""))
    return rows


@named(
    "relation_evidence",
    "The evidence behind the relations of an organisation (all of them, those with one other "
    "organisation or region, or of one type): each relation with every sentence that supports it, "
    "and each sentence's document title and source.",
    [
        ORG,
        P("other", "node", "the other end: an organisation or a region, e.g. 赣江新区", optional=True),
        P("type", "relation_type", "e.g. SIGNED_IN, PARTNERS_WITH, CLINICAL_TRIAL_AT", optional=True),
    ],
    "type, source, source_id, target, target_id, relation_id, evidence",
    "bcikg query relation_evidence --param org=博睿康医疗 --param other=赣江新区",
    "find_orgs, org_names, region_tree, regions_named, regions_with_data, nodes, edges",
)
def relation_evidence(access: GraphAccess, params: dict[str, Any]) -> Rows:
    org = params["org"]
    types = [params["type"]] if params.get("type") else list(RELATION_KINDS)
    me = {r["id"]: r["props"] for r in access.nodes([org])}.get(org, {})
    found = {}
    for e in access.edges([org], types, "both"):
        if e["props"].get("evidence") is None:
            continue
        if params.get("other") is not None and e["other"] != params["other"]:
            continue
        ends = [(org, me), (e["other"], e["other_props"])]
        (source, sprops), (target, tprops) = ends if e["direction"] == "out" else ends[::-1]
        found[e["id"]] = {
            "type": e["type"],
            "source": _name(sprops, source),
            "source_id": source,
            "target": _name(tprops, target),
            "target_id": target,
            "relation_id": e["id"],
            "evidence": json.loads(e["props"]["evidence"])
            if isinstance(e["props"]["evidence"], str)
            else e["props"]["evidence"],
        }
    docs = _documents(access, (ev["doc_id"] for r in found.values() for ev in r["evidence"]))
    for r in found.values():
        for ev in r["evidence"]:
            doc = docs.get(ev["doc_id"], {})
            ev["title"] = doc.get("title")
            ev["source"] = doc.get("url") or doc.get("path")
    return sorted(found.values(), key=lambda r: (r["type"], r["source_id"], r["target_id"], r["relation_id"]))


@named(
    "shortest_path",
    f"How two organisations are connected: all shortest paths (up to {MAX_PATH_LENGTH} steps, at most "
    f"{MAX_PATHS} paths) over the extracted relations, through other organisations, regions they are "
    "based or settled in, and policies. Segments, documents and the region hierarchy are not used "
    "(they would connect everything).",
    [P("source", "org", "organisation name or alias"), P("target", "org", "organisation name or alias")],
    "length, nodes, node_ids, relationships, relationship_ids",
    "bcikg query shortest_path --param source=脑虎科技 --param target=博睿康",
    "find_orgs, org_names, shortest_paths, nodes",
)
def shortest_path(access: GraphAccess, params: dict[str, Any]) -> Rows:
    if params["source"] == params["target"]:
        raise InputError("source and target are the same organisation; name two different ones")
    paths = access.shortest_paths(params["source"], params["target"], PATH_TYPES, MAX_PATH_LENGTH, MAX_PATHS)
    names = {
        r["id"]: _name(r["props"], r["id"]) for r in access.nodes({n for p in paths for n in p["node_ids"]})
    }
    rows = [
        {
            "length": len(p["node_ids"]) - 1,
            "nodes": [names.get(n, n) for n in p["node_ids"]],
            "node_ids": list(p["node_ids"]),
            "relationships": list(p["relationships"]),
            "relationship_ids": list(p["relationship_ids"]),
        }
        for p in paths
    ]
    rows.sort(key=lambda r: (r["node_ids"], r["relationship_ids"]))
    return rows
