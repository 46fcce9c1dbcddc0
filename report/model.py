"""The report contract: pydantic models of the gap, compare and targets reports.

The JSON output of ``bcikg report … --format json`` is ``model.model_dump_json()``; both backends
(embedded networkx and Neo4j) fill the same models, and the JSON is identical from both.
``bcikg report gaps --schema`` prints ``GapReport.model_json_schema()``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bcikg.models import ClaimKind, OrgType, SegmentKey

Status = Literal["covered", "thin", "gap"]
Presence = Literal["home", "settled"]

CANDIDATE_RANKING = (
    "Candidates are organisations outside the region (neither based in it nor settled there) that the "
    "corpus places in the subsector, segment or pillar. Rank 1 is the strongest lead: companies first "
    "(they can be recruited), then those whose segment an article states explicitly (上游,A、B…), then "
    "those with a sentence naming the link's own words (电极, 康复机器人 …), then by the number of "
    "sentences in the corpus that mention them (evidence strength), then by name. Government bodies, "
    "funds and platforms named after their own region, and roles tied to a region (本地化转化) are "
    "not offered; organisations based abroad are listed apart (foreign_candidates). Each candidate "
    "says why it was ranked (reason)."
)


class ReportModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceRef(ReportModel):
    """One sentence of an input document, with the exact span the fact rests on."""

    doc_id: str
    sentence: str
    start: int = Field(description="offset of `text` in the document text (code points)")
    end: int
    text: str = Field(description="the span: a name, a clause or the sentence")
    title: str | None = Field(default=None, description="title of the document; null when it has none")
    source: str | None = Field(
        default=None, description="where the document was read from: a file path or a URL"
    )
    published: str | None = Field(default=None, description="publication date (ISO 8601), null when unknown")


class DocumentRef(ReportModel):
    """One input document cited by a report (listed once, at the end of the report)."""

    id: str = Field(description="document id, as in EvidenceRef.doc_id")
    title: str | None = Field(default=None, description="title of the document; null when it has none")
    source: str | None = Field(default=None, description="file path or URL it was read from")
    published: str | None = Field(default=None, description="publication date (ISO 8601), null when unknown")
    publisher: str | None = Field(default=None, description="the outlet or body that published it")


class RegionRef(ReportModel):
    id: str = Field(description="region id, e.g. 'region:中国/江西省/赣江新区'")
    name: str
    full_name: str = Field(description="display path without the country, e.g. '江西省赣江新区'")
    level: str


class OrgEntry(ReportModel):
    """An organisation present in the region."""

    id: str
    name: str
    type: OrgType
    region: str | None = Field(description="full name of its home region; null when the corpus does not say")
    presence: Presence = Field(
        description="settled: the texts report it signing, settling or running a project in the region "
        "(SIGNED_IN), wherever it is based; home: based in the region or a sub-region and not reported "
        "as settling there"
    )
    settled_in: list[str] = Field(
        default_factory=list, description="full names of the report's (sub-)regions it settled in"
    )
    evidence: EvidenceRef | None = Field(description="the sentence that best shows its place here")
    corrected: bool = Field(default=False, description="an analyst corrected it (bcikg fix)")


class Candidate(ReportModel):
    """An organisation elsewhere that is active where the region has a gap or a thin spot."""

    rank: int = Field(description="1 = strongest lead; see GapReport.candidate_ranking")
    id: str
    name: str
    type: OrgType
    region: str | None = Field(description="full name of its home region; null when unknown")
    settled_in: list[str] = Field(default_factory=list, description="full names of regions it settled in")
    company: bool
    explicit: bool = Field(description="an article states its segment explicitly")
    mentions: int = Field(description="number of sentences in the corpus that mention it")
    evidence: EvidenceRef | None = Field(description="the sentence that shows what it does")
    cue: bool = Field(default=False, description="a sentence about it names the link's own words")
    foreign: bool = Field(default=False, description="based abroad (listed in foreign_candidates)")
    reason: str = Field(default="", description="why it was ranked here, in words")
    corrected: bool = Field(default=False, description="an analyst corrected it (bcikg fix)")


class ClaimEntry(ReportModel):
    """The region's own statement about a strength or a gap."""

    id: str
    kind: ClaimKind
    region: str = Field(description="full name of the (sub-)region the statement is about")
    segments: list[SegmentKey] = Field(default_factory=list)
    subsectors: list[str] = Field(default_factory=list)
    pillars: list[str] = Field(default_factory=list)
    evidence: list[EvidenceRef]


class TargetEntry(ReportModel):
    """A numeric goal from a policy of the region."""

    id: str
    year: int | None
    quantity: float | None
    quantity_max: float | None = Field(description="upper end of a range (3-5家), else null")
    unit: str
    subject: str = Field(description="what is counted")
    region: str | None = Field(description="full name of the region the goal is for")
    policy: str | None = Field(description="name of the policy that sets it")
    agencies: list[str] = Field(default_factory=list, description="names of the responsible agencies")
    segments: list[SegmentKey] = Field(default_factory=list)
    subsectors: list[str] = Field(default_factory=list)
    pillars: list[str] = Field(default_factory=list)
    evidence: list[EvidenceRef]


class PolicyEntry(ReportModel):
    id: str
    name: str
    date: str | None
    region: str | None = Field(description="full name of the region it applies to")
    scope: Literal["region", "above", "national"] = Field(
        default="region",
        description="region: applies to the region or a sub-region; above: to a region above it "
        "(a province's policy for its cities); national: a national policy (listed apart, not counted)",
    )
    issued_by: list[str] = Field(default_factory=list, description="organisations that issued it")
    responsible: list[str] = Field(
        default_factory=list, description="agencies responsible for its tasks, most tasks first"
    )
    evidence: EvidenceRef | None = Field(default=None, description="a sentence that names it")


class SubsectorEntry(ReportModel):
    key: str
    name: str
    status: Status
    count: int = Field(description="organisations present (home and settled)")
    organizations: list[OrgEntry]
    candidates: list[Candidate] = Field(default_factory=list, description="only for gap and thin")
    targets: list[TargetEntry] = Field(default_factory=list, description="policy goals that bear on it")
    claims: list[ClaimEntry] = Field(default_factory=list, description="the region's statements about it")
    foreign_candidates: list[Candidate] = Field(default_factory=list, description="candidates based abroad")
    candidate_note: str | None = Field(
        default=None, description="why the link has no candidates, when not for want of any"
    )


class SegmentEntry(ReportModel):
    segment: SegmentKey
    name: str = Field(description="上游 / 中游 / 下游")
    title: str = Field(description="核心部件 / 技术研发 / 场景应用")
    status: Status
    count: int
    subsectors: list[SubsectorEntry]
    organizations: list[OrgEntry] = Field(description="every organisation present in the segment")
    candidates: list[Candidate] = Field(default_factory=list, description="only for gap and thin")
    targets: list[TargetEntry] = Field(default_factory=list)
    claims: list[ClaimEntry] = Field(default_factory=list)
    foreign_candidates: list[Candidate] = Field(default_factory=list, description="candidates based abroad")
    candidate_note: str | None = Field(
        default=None, description="why the link has no candidates, when not for want of any"
    )


class PillarEntry(ReportModel):
    key: str
    name: str
    status: Status
    count: int = Field(
        description="organisations present; for the policy pillar the policies that apply to the region "
        "or a region above it (national policies and agencies are not counted)"
    )
    organizations: list[OrgEntry]
    policies: list[PolicyEntry] = Field(
        default_factory=list, description="the policy pillar only: the policies counted"
    )
    candidates: list[Candidate] = Field(default_factory=list, description="only for gap and thin")
    targets: list[TargetEntry] = Field(default_factory=list)
    claims: list[ClaimEntry] = Field(default_factory=list)
    national_policies: list[PolicyEntry] = Field(
        default_factory=list, description="the policy pillar only: national policies, shown apart"
    )
    foreign_candidates: list[Candidate] = Field(default_factory=list, description="candidates based abroad")
    candidate_note: str | None = Field(
        default=None, description="why the link has no candidates, when not for want of any"
    )


class Thresholds(ReportModel):
    covered_min: int
    thin_min: int


class GapReport(ReportModel):
    """What a region has on the BCI industry chain, what it lacks, and who could fill the gaps."""

    region: RegionRef
    includes: list[RegionRef] = Field(description="the region and its sub-regions with data, rolled up")
    thresholds: Thresholds = Field(description="count >= covered_min: covered; >= thin_min: thin; else gap")
    candidate_ranking: str = Field(description="what a candidate's rank means")
    candidate_limit: int = Field(
        default=5, description="candidates asked for per link (0: none were asked for, -n 0)"
    )
    segments: list[SegmentEntry]
    pillars: list[PillarEntry]
    organizations: list[OrgEntry] = Field(description="every organisation present, in any role")
    claims: list[ClaimEntry]
    targets: list[TargetEntry]
    documents: list[DocumentRef] = Field(
        default_factory=list, description="every document the report cites, in order of first citation"
    )


class TargetsReport(ReportModel):
    """A region's policy goals, each with the status of the chain links it bears on."""

    region: RegionRef
    targets: list[TargetStatus]
    documents: list[DocumentRef] = Field(
        default_factory=list, description="every document the report cites, in order of first citation"
    )


class BearsOn(ReportModel):
    kind: Literal["segment", "subsector", "pillar"]
    key: str
    name: str
    status: Status


class TargetStatus(ReportModel):
    target: TargetEntry
    bears_on: list[BearsOn]


class CompareRow(ReportModel):
    kind: Literal["segment", "subsector", "pillar"]
    segment: SegmentKey | None = Field(description="the segment of a subsector (or the segment itself)")
    key: str
    name: str
    counts: list[int] = Field(description="one count per region, in the order of CompareReport.regions")
    statuses: list[Status]


class CompareReport(ReportModel):
    """Region × subsector matrix of organisations present (home and settled)."""

    regions: list[RegionRef]
    thresholds: Thresholds
    rows: list[CompareRow]
    documents: list[DocumentRef] = Field(
        default_factory=list, description="the documents the counted organisations were read from"
    )


TargetsReport.model_rebuild()
