"""What a report needs from a graph, as plain records, and the interface both backends implement.

A backend (bcikg.report.embedded for networkx, bcikg.report.neo4j for Neo4j) answers four
questions; everything else (status, ranking cut-offs, evidence choice, JSON shape) is computed
from these records by bcikg.report.assemble, once, for both. So the two backends give identical
reports as long as they return the same records (order does not matter: assembly sorts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from bcikg.errors import InputError, NotFound
from bcikg.graph.export import parse_evidence
from bcikg.domain.lexicon import taxonomy
from bcikg.queries import run
from bcikg.queries.run import Lookup
from bcikg.report.model import EvidenceRef, RegionRef
from bcikg.report.pillars import pillar_rules

RequestKind = Literal["segment", "subsector", "pillar"]


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
    agencies: tuple[str, ...]  # names of organisations that own it
    segments: tuple[str, ...]
    subsectors: tuple[str, ...]
    pillars: tuple[str, ...]
    evidence: tuple[EvidenceRef, ...]


@dataclass(frozen=True)
class PolicyRecord:
    id: str
    name: str
    date: str | None
    region: RegionRef


@dataclass
class RegionSlice:
    """Everything in a region and its sub-regions."""

    region: RegionRef
    subtree: list[RegionRef]
    orgs: list[OrgRecord] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)
    targets: list[TargetRecord] = field(default_factory=list)
    policies: list[PolicyRecord] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.orgs or self.claims or self.targets or self.policies)


@dataclass(frozen=True)
class CandidateRequest:
    """Find organisations elsewhere in a subsector, a segment or a pillar."""

    kind: RequestKind
    key: str

    @property
    def segment(self) -> str | None:
        """The segment whose explicit statement counts for ranking."""
        if self.kind == "segment":
            return self.key
        if self.kind == "subsector":
            return taxonomy().subsector(self.key).segment
        return None

    def counts(self, org: OrgRecord) -> bool:
        """Whether an organisation of the region is a member (it then cannot be a candidate)."""
        if self.kind == "segment":
            return self.key in org.segments
        if self.kind == "subsector":
            return self.key in org.subsectors
        return pillar_rules()[self.key].supports(org.type, org.name)

    def params(self) -> dict[str, Any]:
        """The request as a Cypher parameter map (pillar membership rules spelled out)."""
        row: dict[str, Any] = {"kind": self.kind, "key": self.key, "segment": self.segment}
        if self.kind == "pillar":
            rule = pillar_rules()[self.key]
            row.update(types=list(rule.types), cue_types=list(rule.name_cue_types), cues=list(rule.name_cues))
        return row


@dataclass(frozen=True)
class CandidateRecord:
    id: str
    name: str
    type: str
    homes: tuple[RegionRef, ...]
    settled: tuple[RegionRef, ...]
    explicit: bool
    mentions: int
    evidence: tuple[EvidenceRef, ...]
    corrected: bool = False  # an analyst corrected it (bcikg fix)

    @property
    def company(self) -> bool:
        return self.type == "Company"

    def rank_key(self) -> tuple[bool, bool, int, str, str]:  # same order as report_candidates_*.cypher
        """Companies first, then explicit segment statements, then more mentions, then name."""
        return (not self.company, not self.explicit, -self.mentions, self.name, self.id)


class ReportSource(Protocol):
    """A graph a report can be computed from."""

    @property
    def lookup(self) -> Lookup:
        """Name look-ups of the query library (bcikg.queries.run), for region resolution."""
        ...

    def regions_with_data(self) -> list[RegionRef]:
        """Regions that organisations, claims, targets or policies point to."""
        ...

    def region_slice(self, region_id: str) -> RegionSlice:
        """The region (which must exist), its sub-regions and what is in them."""
        ...

    def candidates(
        self, requests: Sequence[CandidateRequest], present: Sequence[OrgRecord], limit: int
    ) -> dict[CandidateRequest, list[CandidateRecord]]:
        """For each request, the ``limit`` best organisations (by CandidateRecord.rank_key) that
        are not among ``present`` (the report's own organisations: those with a LOCATED_IN or
        SIGNED_IN relationship to the region or a sub-region)."""
        ...


# ------------------------------------------------------------------ helpers shared by backends


def evidence_list(value: object) -> list[EvidenceRef]:
    """A relationship's ``evidence`` JSON string as EvidenceRefs."""
    return [EvidenceRef(**{k: row[k] for k in EvidenceRef.model_fields}) for row in parse_evidence(value)]


def region_ref(props: dict[str, Any]) -> RegionRef:
    return RegionRef(
        id=props["id"],
        name=props["name"],
        full_name=props.get("full_name") or props["name"],
        level=props["level"],
    )


def _with_data_hint(source: ReportSource) -> str:
    regions = sorted(source.regions_with_data(), key=lambda r: r.full_name)
    if not regions:
        return "the store holds no regional data yet; run `bcikg ingest` on some articles first"
    names = [r.full_name for r in regions]
    shown = ", ".join(names[:25]) + (f", … ({len(names)} in all)" if len(names) > 25 else "")
    return f"regions with data: {shown}"


def resolve_region(source: ReportSource, text: str) -> str:
    """The id of the region a user means by ``text`` ('江西', '赣江新区', '上海', '江西省/南昌市', an id),
    resolved as the query library does; NotFound lists the regions that have data."""
    try:
        return run.resolve_region(text, source.lookup)
    except (NotFound, InputError) as exc:
        raise NotFound(f"{exc}; {_with_data_hint(source)}") from None


def require_data(source: ReportSource, slice_: RegionSlice) -> None:
    if slice_.is_empty():
        raise NotFound(
            f"no organisation or document mentions {slice_.region.full_name} in this store "
            "(nothing is based, "
            f"settled, claimed or planned there); {_with_data_hint(source)}"
        )
