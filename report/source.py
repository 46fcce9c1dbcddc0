"""What a report needs from a graph, read once for both backends through the graph-access layer
(bcikg.queries.access): the region slice (the region, its sub-regions, the regions above it and
what is in them), the members of chain links for candidates, and the documents cited.

:class:`ReportSource` is written once on :class:`~bcikg.queries.access.GraphAccess`;
bcikg.report.embedded and bcikg.report.neo4j only choose the access object. Statuses, ranking,
evidence choice and the JSON shape are computed from these records by bcikg.report.assemble.
Every read is batched (one call for all the ids of a step), so a report costs a fixed number of
round trips to Neo4j whatever the size of the region.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bcikg.errors import InputError, NotFound
from bcikg.graph.export import parse_evidence
from bcikg.queries import run
from bcikg.queries.access import GraphAccess, Row
from bcikg.report.model import EvidenceRef, RegionRef
from bcikg.report.pillars import link_request

RequestKind = Literal["segment", "subsector", "pillar"]
PolicyScope = Literal["region", "above", "national"]

_PRESENCE = ("LOCATED_IN", "SIGNED_IN")
_INTO_REGION = ("LOCATED_IN", "SIGNED_IN", "ABOUT", "APPLIES_TO")
_ORG_OUT = ("LOCATED_IN", "SIGNED_IN", "IN_SEGMENT", "IN_SUBSECTOR")
# at a claim, target or policy: its sentences (out) and who sets, owns, issues or carries it out (in)
_ABOUT_IT = ("MENTIONED_IN", "SETS_TARGET", "OWNS_TARGET", "ISSUED", "RESPONSIBLE_FOR")


@dataclass(frozen=True)
class OrgRecord:
    """An organisation present in the report's region (based there or settled there)."""

    id: str
    name: str
    type: str
    homes: tuple[RegionRef, ...]  # LOCATED_IN regions (usually one)
    settled: tuple[RegionRef, ...]  # SIGNED_IN regions, all of them
    segments: frozenset[str]
    subsectors: frozenset[str]
    mentions: tuple[EvidenceRef, ...]  # MENTIONED_IN
    signed: tuple[tuple[str, EvidenceRef], ...]  # (region id, evidence) of SIGNED_IN relationships
    corrected: bool = False  # an analyst corrected it (bcikg fix)


@dataclass(frozen=True)
class ClaimRecord:
    id: str
    kind: str
    region: RegionRef
    segments: tuple[str, ...]
    subsectors: tuple[str, ...]
    pillars: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]


@dataclass(frozen=True)
class TargetRecord:
    id: str
    year: int | None
    quantity: float | None
    quantity_max: float | None
    unit: str
    subject: str
    region: RegionRef
    policies: tuple[str, ...]  # names of policies that set it
    agencies: tuple[str, ...]  # names of organisations that own it, in the order the text gives
    segments: tuple[str, ...]
    subsectors: tuple[str, ...]
    pillars: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]


@dataclass(frozen=True)
class PolicyRecord:
    id: str
    name: str
    date: str | None
    region: RegionRef | None
    scope: PolicyScope  # applies to the region or below / to a region above it / national
    issued_by: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()  # most tasks first
    evidence: tuple[EvidenceRef, ...] = ()


@dataclass
class RegionSlice:
    """Everything in a region and its sub-regions, and the policies of the regions above it."""

    region: RegionRef
    subtree: list[RegionRef]
    above: list[RegionRef] = field(default_factory=list)  # nearest first
    orgs: list[OrgRecord] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)
    targets: list[TargetRecord] = field(default_factory=list)
    policies: list[PolicyRecord] = field(default_factory=list)

    def is_empty(self) -> bool:
        own = [p for p in self.policies if p.scope == "region"]
        return not (self.orgs or self.claims or self.targets or own)


@dataclass(frozen=True)
class CandidateRequest:
    """Find organisations elsewhere in a subsector, a segment or a pillar."""

    kind: RequestKind
    key: str

    def params(self) -> dict[str, Any]:
        """The request as the access layer's link_members takes it."""
        return link_request(self.kind, self.key)


@dataclass(frozen=True)
class MemberRecord:
    """An organisation of a chain link, with what ranking it needs (access: link_members)."""

    id: str
    name: str
    type: str
    mentions: int
    explicit: bool
    cue: bool
    homes: tuple[str, ...]
    subsectors: tuple[str, ...]
    corrected: bool = False  # an analyst corrected it (bcikg fix)


@dataclass(frozen=True)
class CandidateRecord:
    id: str
    name: str
    type: str
    homes: tuple[RegionRef, ...]
    settled: tuple[RegionRef, ...]
    explicit: bool
    cue: bool
    mentions: int
    foreign: bool
    evidence: tuple[EvidenceRef, ...]
    corrected: bool = False  # an analyst corrected it (bcikg fix)

    @property
    def company(self) -> bool:
        return self.type == "Company"


# ------------------------------------------------------------------ row helpers


def evidence_list(value: object) -> list[EvidenceRef]:
    """A relationship's ``evidence`` JSON string as EvidenceRefs."""
    fields = EvidenceRef.model_fields
    return [EvidenceRef(**{k: row[k] for k in fields if k in row}) for row in parse_evidence(value)]


def region_ref(props: Mapping[str, Any]) -> RegionRef:
    return RegionRef(
        id=props["id"],
        name=props["name"],
        full_name=props.get("full_name") or props["name"],
        level=props["level"],
    )


def _org_type(labels: Sequence[str], props: Mapping[str, Any]) -> str:
    return str(props.get("type") or next(lb for lb in labels if lb != "Organization"))


def _by_node(rows: Iterable[Row]) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        out[row["node"]].append(row)
    return out


class ReportSource:
    """A graph a report can be computed from: the reads of bcikg.report, on one GraphAccess.

    Candidate lists (the members of a chain link with their ranking fields) do not depend on the
    region, so they are kept while the access layer's fingerprint stays the same: the first report
    pays for them, later ones only pick from them."""

    def __init__(self, access: GraphAccess) -> None:
        self.access = access
        self._members: dict[CandidateRequest, list[MemberRecord]] = {}
        self._members_for: tuple[int, ...] | None = None
        # what does not depend on the region (rankings, candidates' regions and sentences,
        # documents), kept with the members and dropped with them
        self.derived: dict[object, Any] = {}
        self._trees: dict[str, list[Row]] = {}  # read while resolving a name, used by the slice

    # -------------------------------------------------------------- regions

    def regions_with_data(self) -> list[RegionRef]:
        return [region_ref(r["props"]) for r in self.access.regions_with_data()]

    def region_slice(self, region_id: str) -> RegionSlice:
        tree = self._trees.pop(region_id, None) or self.access.region_tree(region_id)
        if not tree:
            raise NotFound(f"region {region_id} is not in the graph; ingest (and `bcikg load`) first")
        below = sorted((r for r in tree if r["depth"] >= 0), key=lambda r: (r["depth"], r["id"]))
        above = sorted((r for r in tree if r["depth"] < 0), key=lambda r: -r["depth"])
        subtree = [region_ref(r["props"]) for r in below]
        refs = {r.id: r for r in subtree}
        out = RegionSlice(region=subtree[0], subtree=subtree, above=[region_ref(r["props"]) for r in above])
        refs.update({r.id: r for r in out.above})

        orgs: dict[str, tuple[list[str], dict[str, Any]]] = {}
        claims: list[tuple[Row, RegionRef]] = []
        targets: list[tuple[Row, RegionRef]] = []
        policies: dict[str, tuple[Row, RegionRef | None, PolicyScope]] = {}
        for e in self.access.edges([r.id for r in subtree], _INTO_REGION, "in"):
            labels, region = e["other_labels"], refs[e["node"]]
            if e["type"] in _PRESENCE and "Organization" in labels:
                orgs[e["other"]] = (labels, e["other_props"])
            elif e["type"] == "ABOUT" and "Claim" in labels:
                claims.append(({"id": e["other"], "props": e["other_props"]}, region))
            elif e["type"] == "ABOUT" and "Target" in labels:
                targets.append(({"id": e["other"], "props": e["other_props"]}, region))
            elif e["type"] == "APPLIES_TO" and "Policy" in labels:
                policies[e["other"]] = ({"id": e["other"], "props": e["other_props"]}, region, "region")
        self._policies_above(out.above, policies)

        org_ids, claim_ids = sorted(orgs), [c["id"] for c, _ in claims]
        target_ids, policy_ids = [t["id"] for t, _ in targets], sorted(policies)
        org_edges = _by_node(self.access.edges(org_ids, (*_ORG_OUT, "MENTIONED_IN"), "out"))
        other_edges = _by_node(
            e
            for e in self.access.edges([*claim_ids, *target_ids, *policy_ids], _ABOUT_IT, "both")
            if (e["type"] == "MENTIONED_IN") == (e["direction"] == "out")
        )
        mentions = {
            node: [self._mention_edge(e) for e in rows if e["type"] == "MENTIONED_IN"]
            for node, rows in (*org_edges.items(), *other_edges.items())
        }
        for oid in org_ids:
            labels, props = orgs[oid]
            out.orgs.append(
                self._org_record(oid, labels, props, org_edges.get(oid, []), mentions.get(oid, []))
            )
        for row, region in claims:
            p = row["props"]
            out.claims.append(
                ClaimRecord(
                    id=row["id"],
                    kind=p["kind"],
                    region=region,
                    segments=tuple(p.get("segments") or ()),
                    subsectors=tuple(p.get("subsectors") or ()),
                    pillars=tuple(p.get("pillars") or ()),
                    evidence=tuple(mentions.get(row["id"], [])),
                )
            )
        for row, region in targets:
            out.targets.append(self._target_record(row, region, other_edges.get(row["id"], []), mentions))
        for pid in policy_ids:
            row, region, scope = policies[pid]
            out.policies.append(self._policy_record(row, region, scope, other_edges.get(pid, []), mentions))
        return out

    def _mention_edge(self, e: Row) -> EvidenceRef:
        """A MENTIONED_IN edge row as evidence; the document's properties are kept for citing it."""
        self.derived[("doc", e["other"])] = e["other_props"]
        p = e["props"]
        return EvidenceRef(
            doc_id=e["other"], sentence=p["sentence"], start=p["start"], end=p["end"], text=p["text"]
        )

    def _policies_above(
        self, above: list[RegionRef], policies: dict[str, tuple[Row, RegionRef | None, PolicyScope]]
    ) -> None:
        """Policies of the regions above: those that apply to a region above (national when it is
        a country), and the national ones issued by an agency based in the country (the same for
        every region, so read once per source)."""
        refs = {r.id: r for r in above}
        for e in self.access.edges(list(refs), ("APPLIES_TO",), "in") if refs else ():
            if "Policy" in e["other_labels"] and e["other"] not in policies:
                region = refs[e["node"]]
                scope: PolicyScope = "national" if region.level == "country" else "above"
                policies[e["other"]] = ({"id": e["other"], "props": e["other_props"]}, region, scope)
        for country in (r.id for r in above if r.level == "country"):
            key = ("national", country)
            if key not in self.derived:
                agencies = sorted(
                    e["other"]
                    for e in self.access.edges([country], ("LOCATED_IN",), "in")
                    if "Agency" in e["other_labels"]
                )
                self.derived[key] = [
                    {"id": e["other"], "props": e["other_props"]}
                    for e in (self.access.edges(agencies, ("ISSUED",), "out") if agencies else ())
                    if "Policy" in e["other_labels"]
                ]
            for row in self.derived[key]:
                if row["id"] not in policies:
                    policies[row["id"]] = (row, None, "national")

    @staticmethod
    def _org_record(
        oid: str,
        labels: Sequence[str],
        props: Mapping[str, Any],
        edges: list[Row],
        mentions: list[EvidenceRef],
    ) -> OrgRecord:
        homes, settled, segments, subsectors = [], [], set(), set()
        signed: list[tuple[str, EvidenceRef]] = []
        for e in edges:
            kind, other = e["type"], e["other_props"]
            if kind in _PRESENCE:
                if "Region" not in e["other_labels"]:
                    continue  # a platform inside a park
                if kind == "LOCATED_IN":
                    homes.append(region_ref(other))
                else:
                    settled.append(region_ref(other))
                    signed.extend((e["other"], ev) for ev in evidence_list(e["props"].get("evidence")))
            elif kind == "IN_SEGMENT":
                segments.add(other["key"])
            elif kind == "IN_SUBSECTOR":
                subsectors.add(other["key"])
        return OrgRecord(
            id=oid,
            name=props["name"],
            type=_org_type(labels, props),
            homes=tuple(sorted(homes, key=lambda r: r.id)),
            settled=tuple(sorted(settled, key=lambda r: r.id)),
            segments=frozenset(segments),
            subsectors=frozenset(subsectors),
            mentions=tuple(mentions),
            signed=tuple(sorted(signed, key=lambda s: (s[0], s[1].doc_id, s[1].start, s[1].end))),
            corrected=bool(props.get("corrected")),  # node property set by bcikg fix
        )

    @staticmethod
    def _target_record(
        row: Row, region: RegionRef, edges: list[Row], mentions: dict[str, list[EvidenceRef]]
    ) -> TargetRecord:
        p = row["props"]
        owners = sorted(
            (e for e in edges if e["type"] == "OWNS_TARGET"),
            key=lambda e: (e["props"].get("order", 1 << 30), e["other_props"].get("name") or "", e["other"]),
        )
        return TargetRecord(
            id=row["id"],
            year=p.get("year"),
            quantity=p.get("quantity"),
            quantity_max=p.get("quantity_max"),
            unit=p.get("unit") or "",
            subject=p.get("subject") or "",
            region=region,
            policies=tuple(
                sorted({e["other_props"].get("name") or "" for e in edges if e["type"] == "SETS_TARGET"})
            ),
            agencies=tuple(dict.fromkeys(e["other_props"].get("name") or "" for e in owners)),
            segments=tuple(p.get("segments") or ()),
            subsectors=tuple(p.get("subsectors") or ()),
            pillars=tuple(p.get("pillars") or ()),
            evidence=tuple(mentions.get(row["id"], [])),
        )

    @staticmethod
    def _policy_record(
        row: Row,
        region: RegionRef | None,
        scope: PolicyScope,
        edges: list[Row],
        mentions: dict[str, list[EvidenceRef]],
    ) -> PolicyRecord:
        p = row["props"]
        issued = sorted({e["other_props"].get("name") or "" for e in edges if e["type"] == "ISSUED"})
        tasks: dict[str, int] = defaultdict(int)
        for e in edges:
            if e["type"] == "RESPONSIBLE_FOR":
                tasks[e["other_props"].get("name") or ""] += 1
        responsible = sorted(tasks, key=lambda name: (-tasks[name], name))
        return PolicyRecord(
            id=row["id"],
            name=p["name"],
            date=p.get("date"),
            region=region,
            scope=scope,
            issued_by=tuple(issued),
            responsible=tuple(responsible),
            evidence=tuple(mentions.get(row["id"], [])),
        )

    # -------------------------------------------------------------- candidates

    def refresh(self) -> None:
        """Drop what was kept from earlier reports when the graph changed (its fingerprint: counts
        of organisations, documents and chain placements). Each report calls it once, first."""
        fingerprint = self.access.fingerprint()
        if fingerprint != self._members_for:
            self._members.clear()
            self.derived.clear()
            self._members_for = fingerprint

    def members(self, requests: Sequence[CandidateRequest]) -> dict[CandidateRequest, list[MemberRecord]]:
        """Every organisation of each chain link, with its ranking fields (kept until refresh
        sees another graph)."""
        if self._members_for is None:
            self.refresh()
        todo = [r for r in dict.fromkeys(requests) if r not in self._members]
        if todo:
            found: dict[CandidateRequest, list[MemberRecord]] = {r: [] for r in todo}
            for row in self.access.link_members([r.params() for r in todo]):
                request = CandidateRequest(row["kind"], row["key"])
                found[request].append(
                    MemberRecord(
                        id=row["id"],
                        name=row["name"] or "",
                        type=row["type"] or "",
                        mentions=int(row["mentions"]),
                        explicit=bool(row["explicit"]),
                        cue=bool(row["cue"]),
                        homes=tuple(row["homes"]),
                        subsectors=tuple(row["subsectors"]),
                        corrected=bool(row.get("corrected")),
                    )
                )
            for request, rows in found.items():
                self._members[request] = sorted(rows, key=lambda m: m.id)
        return {r: self._members[r] for r in requests}

    def candidate_details(
        self, picked: Sequence[MemberRecord], foreign: set[str]
    ) -> dict[str, CandidateRecord]:
        """Home and settled regions and mentions of the picked members: two batched reads for
        those not read by an earlier report of this source."""
        todo = sorted({m.id for m in picked if ("detail", m.id) not in self.derived})
        if todo:
            edges = _by_node(self.access.edges(todo, (*_PRESENCE, "MENTIONED_IN"), "out"))
            for oid in todo:
                rows = edges.get(oid, [])
                regions = {
                    kind: tuple(
                        sorted(
                            (
                                region_ref(e["other_props"])
                                for e in rows
                                if e["type"] == kind and "Region" in e["other_labels"]
                            ),
                            key=lambda r: r.id,
                        )
                    )
                    for kind in _PRESENCE
                }
                evidence = tuple(self._mention_edge(e) for e in rows if e["type"] == "MENTIONED_IN")
                self.derived[("detail", oid)] = (regions["LOCATED_IN"], regions["SIGNED_IN"], evidence)
        out = {}
        for m in picked:
            homes, settled, evidence = self.derived[("detail", m.id)]
            out[m.id] = CandidateRecord(
                id=m.id,
                name=m.name,
                type=m.type,
                homes=homes,
                settled=settled,
                explicit=m.explicit,
                cue=m.cue,
                mentions=m.mentions,
                foreign=m.id in foreign,
                evidence=evidence,
                corrected=m.corrected,
            )
        return out

    # -------------------------------------------------------------- documents

    def documents(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Document properties by id (title, path or URL, date, publisher); one read for those
        not read before by this source."""
        wanted = set(ids)
        todo = sorted(i for i in wanted if ("doc", i) not in self.derived)
        for r in self.access.nodes(todo) if todo else ():
            if "Document" in r["labels"]:
                self.derived[("doc", r["id"])] = r["props"]
        return {i: self.derived[("doc", i)] for i in wanted if ("doc", i) in self.derived}


# ------------------------------------------------------------------ region resolution


def _with_data_hint(source: ReportSource) -> str:
    regions = sorted(source.regions_with_data(), key=lambda r: r.full_name)
    if not regions:
        return "the store holds no regional data yet; run `bcikg ingest` on some articles first"
    names = [r.full_name for r in regions]
    shown = ", ".join(names[:25]) + (f", … ({len(names)} in all)" if len(names) > 25 else "")
    return f"regions with data: {shown}"


class _Remembering:
    """The source's access object, keeping the region trees it reads for the slice that follows."""

    def __init__(self, source: ReportSource) -> None:
        self._source = source

    def __getattr__(self, name: str) -> Any:
        return getattr(self._source.access, name)

    def region_tree(self, region_id: str) -> list[Row]:
        rows = self._source.access.region_tree(region_id)
        self._source._trees[region_id] = rows
        return rows


def resolve_region(source: ReportSource, text: str) -> str:
    """The id of the region a user means by ``text`` ('江西', '赣江新区', '上海', '江西省/南昌市', an id),
    resolved as the query library does; NotFound lists the regions that have data."""
    try:
        return run.resolve_region(text, _Remembering(source))  # type: ignore[arg-type,unused-ignore]
    except (NotFound, InputError) as exc:
        raise NotFound(f"{exc}; {_with_data_hint(source)}") from None


def require_data(source: ReportSource, slice_: RegionSlice) -> None:
    if slice_.is_empty():
        raise NotFound(
            f"no organisation or document mentions {slice_.region.full_name} in this store "
            "(nothing is based, "
            f"settled, claimed or planned there); {_with_data_hint(source)}"
        )
