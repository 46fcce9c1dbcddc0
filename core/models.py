"""The contract between stages and the JSON export.

Every stage is a plain function from one of these models to another:

    read    paths                 -> ReadResult (Document, SkippedFile)
    split   Document              -> SplitDocument (Sentence)
    extract SplitDocument         -> DocumentExtraction (OrgMention, RegionMention, RelationMention,
                                                         PolicyMention, Claim, PolicyTarget)
    resolve [DocumentExtraction]  -> KnowledgeGraph (Organization, Region, Policy, Relation, ...)
    build   KnowledgeGraph        -> networkx.MultiDiGraph (see bcikg.schema for labels and types)

Offsets are Python string indices (code points) into ``Document.text``; for every Evidence,
``document.text[start:end] == text``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

OrgType = Literal["Company", "Hospital", "Fund", "Agency", "Institute", "Platform"]
ORG_TYPES: tuple[OrgType, ...] = ("Company", "Hospital", "Fund", "Agency", "Institute", "Platform")

SegmentKey = Literal["upstream", "midstream", "downstream"]
SEGMENTS: tuple[SegmentKey, ...] = ("upstream", "midstream", "downstream")

# Relations between organisations (and from organisations to regions and policies) that the
# extractor produces. Graph-structural relationships (PART_OF, IN_SEGMENT, MENTIONED_IN ...) are
# listed in bcikg.schema.
RelationKind = Literal[
    "SIGNED_IN",
    "PARTNERS_WITH",
    "CLINICAL_TRIAL_AT",
    "INCUBATED_BY",
    "OPERATES",
    "INVESTS_IN",
    "ISSUED",
    "RESPONSIBLE_FOR",
    "LOCATED_IN",
]
RELATION_KINDS: tuple[RelationKind, ...] = (
    "SIGNED_IN",
    "PARTNERS_WITH",
    "CLINICAL_TRIAL_AT",
    "INCUBATED_BY",
    "OPERATES",
    "INVESTS_IN",
    "ISSUED",
    "RESPONSIBLE_FOR",
    "LOCATED_IN",
)

RegionLevel = Literal["country", "province", "city", "district", "zone"]
DocFormat = Literal["txt", "md", "html", "pdf", "docx"]
ClaimKind = Literal["gap", "strength", "recommendation"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- read


class Document(Model):
    """One input file, decoded, with its main text."""

    id: str = Field(description="stable id from content, title, date and path: 'doc:' + 16 hex")
    path: str = Field(
        description="where the document came from: an absolute file path, or the http(s) URL fetched"
    )
    format: DocFormat
    encoding: str = Field(
        description="encoding the bytes were decoded with, e.g. 'utf-8', 'gb18030' ('binary': pdf, docx)"
    )
    title: str | None = Field(
        default=None, description="the document's own title (front matter, <title>, headline line)"
    )
    date: str | None = Field(
        default=None, description="ISO published date (YYYY-MM-DD) when the document gives it"
    )
    publisher: str | None = Field(
        default=None, description="who published it (site name, author, issuing body) when the document says"
    )
    url: str | None = Field(
        default=None,
        description="web address of the original when known: the URL fetched (after redirects), or the one "
        "front matter or the page's canonical link gives; None for plain local files",
    )
    text: str


class SkippedFile(Model):
    path: str
    reason: str = Field(description="one line a user can act on")


class ReadResult(Model):
    documents: list[Document] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(default_factory=list)


# ---------------------------------------------------------------- split


class Sentence(Model):
    index: int
    paragraph: int
    start: int
    end: int
    text: str


class SplitDocument(Model):
    document: Document
    sentences: list[Sentence]


# ---------------------------------------------------------------- extract


class Evidence(Model):
    """Where a fact comes from: the sentence and the exact span of the mention in the document."""

    doc_id: str
    sentence: str
    start: int
    end: int
    text: str


class RegionMention(Model):
    region_id: str
    evidence: Evidence


class OrgMention(Model):
    """One mention of an organisation in one document, before cross-document resolution."""

    surface: str = Field(description="the text as written (== evidence.text)")
    name: str = Field(description="cleaned and, for generic agency names, region-qualified name")
    type: OrgType
    evidence: Evidence
    home_region: str | None = Field(default=None, description="region id the text gives as its home")
    settled_regions: list[str] = Field(default_factory=list, description="region ids it signed/settled in")
    doc_region: str | None = Field(
        default=None, description="region the document is about, for generic names"
    )
    generic: bool = Field(default=False, description="name has no distinctive part; identity needs a region")
    segments: list[SegmentKey] = Field(default_factory=list)
    segment_explicit: bool = Field(default=False, description="segment stated by the text, not keyword cues")
    subsectors: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(
        default_factory=list, description="other forms written here, e.g. with a department"
    )
    home_cue: str = Field(
        default="",
        description="how home_region was found: name, short_name (a county-level short form at its "
        "front), qualified, national, local, cue or document",
    )


class RelationMention(Model):
    kind: RelationKind
    source: str = Field(description="OrgMention.name of the source within the same document")
    target: str = Field(description="OrgMention.name, a region id or a policy key, per target_kind")
    target_kind: Literal["org", "region", "policy"]
    date: str | None = None
    properties: dict[str, str | int | float | None] = Field(default_factory=dict)
    evidence: Evidence


class PolicyMention(Model):
    key: str = Field(description="normalised title, used to merge mentions of one policy")
    title: str
    is_document: bool = Field(default=False, description="the document is this policy")
    region_id: str | None = None
    date: str | None = None
    tasks: list[str] = Field(
        default_factory=list, description="numbered tasks, e.g. '第1条 开展有组织的科研攻关'"
    )
    evidence: Evidence


class Claim(Model):
    """A region's own statement about its strengths or gaps on the chain."""

    region_id: str
    kind: ClaimKind
    segments: list[SegmentKey] = Field(default_factory=list)
    subsectors: list[str] = Field(default_factory=list)
    pillars: list[str] = Field(default_factory=list)
    evidence: Evidence


class PolicyTarget(Model):
    """A numeric goal in a policy text, e.g. 到2030年…不少于20款产品通过医疗器械注册."""

    year: int | None = None
    quantity: float | None = None
    quantity_max: float | None = None
    unit: str = ""
    subject: str = Field(description="what is counted, e.g. '脑机接口产品通过医疗器械注册'")
    region_id: str | None = None
    policy_key: str | None = None
    agencies: list[str] = Field(default_factory=list, description="names of agencies responsible")
    segments: list[SegmentKey] = Field(default_factory=list)
    subsectors: list[str] = Field(default_factory=list)
    pillars: list[str] = Field(default_factory=list)
    evidence: Evidence


class DocumentInfo(Model):
    """Document metadata without the text (kept in the graph)."""

    id: str
    path: str
    format: DocFormat
    encoding: str
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    url: str | None = None
    region_id: str | None = Field(default=None, description="region the document is mainly about")
    chars: int = 0

    @model_validator(mode="before")
    @classmethod
    def _publisher_was_source(cls, data: Any) -> Any:
        # Stores written before the field was renamed keep the publisher under "source".
        if isinstance(data, dict) and "source" in data and "publisher" not in data:
            data = {**data, "publisher": data["source"]}
            del data["source"]
        return data


class DocumentExtraction(Model):
    document: DocumentInfo
    orgs: list[OrgMention] = Field(default_factory=list)
    regions: list[RegionMention] = Field(default_factory=list)
    relations: list[RelationMention] = Field(default_factory=list)
    policies: list[PolicyMention] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    targets: list[PolicyTarget] = Field(default_factory=list)


# ---------------------------------------------------------------- resolve


class Region(Model):
    id: str = Field(description="'region:' + path joined by '/', e.g. 'region:中国/江西省/赣江新区'")
    name: str
    level: RegionLevel
    parent: str | None = None
    full_name: str = Field(
        description="display path without the country, e.g. '江西省赣江新区'; '美国' abroad"
    )
    aliases: list[str] = Field(default_factory=list)


class Organization(Model):
    id: str = Field(description="'org:' + 16 hex, derived from the resolution key (stable across runs)")
    type: OrgType
    name: str
    aliases: list[str] = Field(default_factory=list)
    region: str | None = Field(default=None, description="home region id")
    settled_in: list[str] = Field(default_factory=list, description="region ids it signed/settled in")
    segment: list[SegmentKey] = Field(default_factory=list)
    segment_explicit: bool = Field(
        default=False, description="the segment is stated by the text (上游,A…), not inferred from cue words"
    )
    subsectors: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    # analyst corrections (bcikg.ingest.corrections): what an analyst decided, and why
    analyst_fields: list[str] = Field(
        default_factory=list,
        description="fields set by an analyst (type, region, settled_in, segment, subsector) or how the "
        "node came to be (added, merged, split)",
    )
    analyst_note: str | None = Field(default=None, description="the analyst's notes, joined by ' / '")
    analyst_aliases: list[str] = Field(
        default_factory=list, description="names of organisations an analyst merged into this one"
    )


class Policy(Model):
    id: str
    name: str
    region: str | None = None
    date: str | None = None
    doc_id: str | None = Field(default=None, description="the document that is this policy, if any")
    tasks: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class Relation(Model):
    id: str
    type: RelationKind
    source: str = Field(description="node id")
    target: str = Field(description="node id")
    properties: dict[str, str | int | float | None] = Field(default_factory=dict)
    evidence: list[Evidence] = Field(default_factory=list)


class ResolvedClaim(Model):
    id: str
    region: str
    kind: ClaimKind
    text: str
    segments: list[SegmentKey] = Field(default_factory=list)
    subsectors: list[str] = Field(default_factory=list)
    pillars: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class ResolvedTarget(Model):
    id: str
    region: str | None
    policy: str | None = Field(default=None, description="policy node id")
    year: int | None
    quantity: float | None
    quantity_max: float | None
    unit: str
    subject: str
    agencies: list[str] = Field(default_factory=list, description="organisation ids")
    segments: list[SegmentKey] = Field(default_factory=list)
    subsectors: list[str] = Field(default_factory=list)
    pillars: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class KnowledgeGraph(Model):
    documents: list[DocumentInfo] = Field(default_factory=list)
    regions: list[Region] = Field(default_factory=list)
    organizations: list[Organization] = Field(default_factory=list)
    policies: list[Policy] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    claims: list[ResolvedClaim] = Field(default_factory=list)
    targets: list[ResolvedTarget] = Field(default_factory=list)


# ---------------------------------------------------------------- pipeline summary


class IngestSummary(Model):
    documents_read: int = 0
    documents_new: int = 0
    documents_unchanged: int = 0
    skipped: list[SkippedFile] = Field(default_factory=list)
    organizations: int = 0
    relations: int = 0
    regions: int = 0
    store: str = ""
    corrections_applied: int = 0
    correction_issues: list[str] = Field(
        default_factory=list, description="one line per stale or overridden analyst correction"
    )
