"""Assemble reports from backend records (bcikg.report.source): statuses by the taxonomy's
thresholds, roll-up of sub-regions, candidates for gaps and thin spots, targets and claims
attached to the chain links they name, one evidence sentence per organisation.

Pure functions of the records, so both backends give the same report. :func:`coverage` is the one
place that counts a region's chain links; the named queries chain_coverage, gaps and
compare_regions (bcikg.queries.library) call it too.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from bcikg.domain.lexicon import taxonomy
from bcikg.errors import InputError
from bcikg.report import rank
from bcikg.report.model import (
    CANDIDATE_RANKING,
    BearsOn,
    Candidate,
    ClaimEntry,
    CompareReport,
    CompareRow,
    DocumentRef,
    EvidenceRef,
    GapReport,
    OrgEntry,
    PillarEntry,
    PolicyEntry,
    RegionRef,
    ReportModel,
    SegmentEntry,
    Status,
    SubsectorEntry,
    TargetEntry,
    TargetsReport,
    TargetStatus,
    Thresholds,
)
from bcikg.report.pillars import candidate_rules, pillar_rules
from bcikg.report.source import (
    CandidateRecord,
    CandidateRequest,
    ClaimRecord,
    MemberRecord,
    OrgRecord,
    PolicyRecord,
    RegionSlice,
    ReportSource,
    TargetRecord,
    require_data,
    resolve_region,
)

DEFAULT_CANDIDATES = 5


def _ev_key(ev: EvidenceRef) -> tuple[str, int, int, str]:
    return (ev.doc_id, ev.start, ev.end, ev.text)


def pick_evidence(
    mentions: Iterable[EvidenceRef], cues: Sequence[str] = (), fallback: Iterable[EvidenceRef] = ()
) -> EvidenceRef | None:
    """The first mention (by document and offset) whose sentence holds one of the cues; else the
    first fallback (e.g. the signing sentence); else the first mention."""
    ordered = sorted(mentions, key=_ev_key)
    for ev in ordered:
        if any(cue in ev.sentence for cue in cues):
            return ev
    backup = sorted(fallback, key=_ev_key)
    if backup:
        return backup[0]
    return ordered[0] if ordered else None


def _most_specific(regions: Iterable[RegionRef]) -> RegionRef | None:
    ranked = sorted(regions, key=lambda r: (-r.id.count("/"), r.id))
    return ranked[0] if ranked else None


@dataclass(frozen=True)
class _Cues:
    segment: dict[str, tuple[str, ...]]
    subsector: dict[str, tuple[str, ...]]
    pillar: dict[str, tuple[str, ...]]


def _cues() -> _Cues:
    tax = taxonomy()
    return _Cues(
        segment={
            seg.key: (*seg.markers, *(cue for sub in seg.subsectors for cue in sub.cues))
            for seg in tax.segments
        },
        subsector={sub.key: sub.cues for sub in tax.subsectors},
        pillar={key: (*rule.name_cues, *rule.text_cues) for key, rule in pillar_rules().items()},
    )


@dataclass
class Coverage:
    """What a region has in each chain link: the organisations present (and, for the policy
    pillar, the policies that count), the count the status is computed from, and the status."""

    kind: str  # segment | subsector | pillar
    key: str
    name: str
    segment: str | None
    orgs: list[OrgRecord]
    count: int
    status: Status
    home: int = 0  # organisations present as home (see _Assembler.presence)
    settled: int = 0
    policies: list[PolicyRecord] = field(default_factory=list)


def coverage(slice_: RegionSlice) -> list[Coverage]:
    """Every segment (each followed by its subsectors) and every pillar, in taxonomy order, with
    what the region has there. The one count of the reports and of the coverage queries."""
    a = _Assembler(slice_)
    tax = a.tax
    rules = pillar_rules()
    counted = counted_policies(slice_)
    out: list[Coverage] = []

    def add(
        kind: str,
        key: str,
        name: str,
        segment: str | None,
        orgs: list[OrgRecord],
        policies: list[PolicyRecord],
    ) -> None:
        count = len(policies) if policies or (kind == "pillar" and rules[key].count_policies) else len(orgs)
        home = sum(1 for o in orgs if a.presence(o) == "home")
        out.append(
            Coverage(kind, key, name, segment, orgs, count, _status(count), home, len(orgs) - home, policies)
        )

    for seg in tax.segments:
        add("segment", seg.key, seg.name, seg.key, [o for o in a.orgs if seg.key in a.segments_of(o)], [])
        for sub in seg.subsectors:
            add("subsector", sub.key, sub.name, seg.key, [o for o in a.orgs if sub.key in o.subsectors], [])
    for p in tax.pillars:
        rule = rules[p.key]
        if rule.count_policies:  # agencies are who is responsible, not coverage
            add("pillar", p.key, p.name, None, [], counted)
        else:
            add("pillar", p.key, p.name, None, [o for o in a.orgs if rule.supports(o.type, o.name)], [])
    return out


def counted_policies(slice_: RegionSlice) -> list[PolicyRecord]:
    """Policies that apply to the region, a sub-region or a region above it (not national ones)."""
    return sorted(
        (p for p in slice_.policies if p.scope != "national"), key=lambda p: (p.date or "", p.name, p.id)
    )


def national_policies(slice_: RegionSlice) -> list[PolicyRecord]:
    return sorted(
        (p for p in slice_.policies if p.scope == "national"), key=lambda p: (p.date or "", p.name, p.id)
    )


class _Assembler:
    def __init__(self, slice_: RegionSlice) -> None:
        self.slice = slice_
        self.tax = taxonomy()
        self.cues = _cues()
        self.subtree_ids = {r.id for r in slice_.subtree}
        self.orgs = sorted(slice_.orgs, key=lambda o: o.id)
        self._subsector_keys = {s.key for s in self.tax.subsectors}

    # -------------------------------------------------------------- organisations

    def presence(self, org: OrgRecord) -> str:
        """settled when the texts report it signing or settling in the region (SIGNED_IN), even
        for a local firm that signs at home; home when it is only based there."""
        if any(r.id in self.subtree_ids for r in org.settled):
            return "settled"
        return "home" if any(h.id in self.subtree_ids for h in org.homes) else "settled"

    def segments_of(self, org: OrgRecord) -> set[str]:
        return set(org.segments) | {
            self.tax.subsector(s).segment for s in org.subsectors if s in self._subsector_keys
        }

    def org_entry(self, org: OrgRecord, cues: Sequence[str] = ()) -> OrgEntry:
        home = _most_specific(org.homes)
        signed_here = [ev for rid, ev in org.signed if rid in self.subtree_ids]
        return OrgEntry(
            id=org.id,
            name=org.name,
            type=org.type,
            region=home.full_name if home else None,
            presence=self.presence(org),
            settled_in=sorted({r.full_name for r in org.settled if r.id in self.subtree_ids}),
            evidence=pick_evidence(org.mentions, cues, signed_here),
            corrected=org.corrected,
        )

    def org_entries(self, orgs: Iterable[OrgRecord], cues: Sequence[str] = ()) -> list[OrgEntry]:
        entries = [self.org_entry(o, cues) for o in orgs]
        return sorted(entries, key=lambda e: (e.presence != "home", e.name, e.id))

    # -------------------------------------------------------------- claims, targets, policies

    def claim_entries(self) -> list[ClaimEntry]:
        entries = [self.claim_entry(c) for c in self.slice.claims]
        return sorted(entries, key=lambda c: (_ev_key(c.evidence[0]) if c.evidence else ("", 0, 0, ""), c.id))

    @staticmethod
    def claim_entry(c: ClaimRecord) -> ClaimEntry:
        return ClaimEntry(
            id=c.id,
            kind=c.kind,
            region=c.region.full_name,
            segments=list(c.segments),
            subsectors=list(c.subsectors),
            pillars=list(c.pillars),
            evidence=sorted(c.evidence, key=_ev_key),
        )

    def target_entries(self) -> list[TargetEntry]:
        entries = [self.target_entry(t) for t in self.slice.targets]
        return sorted(
            entries,
            key=lambda t: (t.year or 9999, _ev_key(t.evidence[0]) if t.evidence else ("", 0, 0, ""), t.id),
        )

    @staticmethod
    def target_entry(t: TargetRecord) -> TargetEntry:
        policies = sorted(set(t.policies))
        return TargetEntry(
            id=t.id,
            year=t.year,
            quantity=t.quantity,
            quantity_max=t.quantity_max,
            unit=t.unit,
            subject=t.subject,
            region=t.region.full_name,
            policy=policies[0] if policies else None,
            agencies=list(dict.fromkeys(t.agencies)),  # in the order the text gives
            segments=list(t.segments),
            subsectors=list(t.subsectors),
            pillars=list(t.pillars),
            evidence=sorted(t.evidence, key=_ev_key),
        )

    @staticmethod
    def policy_entry(p: PolicyRecord) -> PolicyEntry:
        return PolicyEntry(
            id=p.id,
            name=p.name,
            date=p.date,
            region=p.region.full_name if p.region else None,
            scope=p.scope,
            issued_by=list(p.issued_by),
            responsible=list(p.responsible),
            evidence=pick_evidence(p.evidence, (p.name,)),
        )

    # -------------------------------------------------------------- candidates

    @staticmethod
    def candidate(
        rank_: int, c: CandidateRecord, m: MemberRecord, cues: Sequence[str], why: str
    ) -> Candidate:
        home = _most_specific(c.homes)
        return Candidate(
            rank=rank_,
            id=c.id,
            name=c.name,
            type=c.type,
            region=home.full_name if home else None,
            settled_in=sorted({r.full_name for r in c.settled}),
            company=c.company,
            explicit=c.explicit,
            mentions=c.mentions,
            evidence=pick_evidence(c.evidence, cues),
            cue=c.cue,
            foreign=c.foreign,
            reason=why,
            corrected=c.corrected,
        )


def _status(count: int) -> Status:
    return taxonomy().status(count)  # type: ignore[return-value,unused-ignore]


def _includes(slice_: RegionSlice) -> list[RegionRef]:
    """The region and the sub-regions that hold any of its data."""
    ids = {slice_.region.id}
    subtree = {r.id: r for r in slice_.subtree}
    for org in slice_.orgs:
        ids.update(r.id for r in (*org.homes, *org.settled) if r.id in subtree)
    ids.update(c.region.id for c in slice_.claims)
    ids.update(t.region.id for t in slice_.targets)
    ids.update(p.region.id for p in slice_.policies if p.region is not None)
    ordered = sorted((subtree[i] for i in ids if i in subtree), key=lambda r: (r.id.count("/"), r.full_name))
    return ordered


# ------------------------------------------------------------------ candidates


@dataclass
class Picked:
    """The candidates of one chain link: domestic and foreign, and why there are none."""

    domestic: list[MemberRecord] = field(default_factory=list)
    foreign: list[MemberRecord] = field(default_factory=list)
    note: str | None = None


def pick_candidates(
    source: ReportSource, requests: Sequence[CandidateRequest], present: Iterable[str], limit: int | None
) -> dict[CandidateRequest, Picked]:
    """For each link, the first ``limit`` (None: all) organisations elsewhere in rank order, the
    ones based abroad apart; organisations that may not be offered are left out. The ranking does
    not depend on the region, so it is kept by the source with the members it comes from."""
    exclude = set(present)
    out: dict[CandidateRequest, Picked] = {}
    rules = candidate_rules()
    for request, members in source.members(requests).items():
        key = ("ranked", request)
        if key not in source.derived:
            offered = sorted((m for m in members if rank.excluded(m, request) is None), key=rank.rank_key)
            foreign = [rank.is_foreign(m.homes) for m in offered]
            source.derived[key] = (
                [m for m, f in zip(offered, foreign, strict=True) if not f],
                [m for m, f in zip(offered, foreign, strict=True) if f],
                frozenset(m.id for m in members),
            )
        domestic, abroad, member_ids = source.derived[key]
        picked = Picked()
        any_offered = False
        for ranked, bucket in ((domestic, picked.domestic), (abroad, picked.foreign)):
            for m in ranked:
                if limit is not None and len(bucket) >= limit:
                    break
                if m.id not in exclude:
                    bucket.append(m)
            any_offered = any_offered or bool(bucket) or any(m.id not in exclude for m in ranked)
        outside = len(member_ids) > len(member_ids & exclude)
        if request.kind == "subsector" and request.key in rules.region_bound_subsectors:
            name = taxonomy().subsector(request.key).name
            picked.note = f"{name}是机构在本地区承担的角色，外地机构的这一角色不能迁来，不列候选。"
        elif outside and not any_offered:
            picked.note = (
                "外地的相关机构都是政府部门、属地基金或平台，或只在本地区承担这一角色，不作为招引对象。"
            )
        out[request] = picked
    return out


def _link_names(request: CandidateRequest) -> tuple[str, str | None]:
    tax = taxonomy()
    if request.kind == "subsector":
        sub = tax.subsector(request.key)
        return sub.name, tax.segment(sub.segment).name
    if request.kind == "segment":
        seg = tax.segment(request.key)
        return f"{seg.name}（{seg.title}）", seg.name
    return pillar_rules()[request.key].name, None


def _candidate_lists(
    a: _Assembler,
    source: ReportSource | None,
    requests: list[CandidateRequest],
    limit: int,
) -> dict[CandidateRequest, tuple[list[Candidate], list[Candidate], str | None]]:
    if not requests or source is None or limit <= 0:
        return {}
    picked = pick_candidates(source, requests, (o.id for o in a.orgs), limit)
    members = [m for p in picked.values() for m in (*p.domestic, *p.foreign)]
    foreign = {m.id for p in picked.values() for m in p.foreign}
    details = source.candidate_details(members, foreign) if members else {}
    out = {}
    for request, p in picked.items():
        cues = rank_cues(a, request)
        link_name, segment_name = _link_names(request)

        lists = tuple(
            [
                a.candidate(i, details[m.id], m, cues, rank.reason(m, link_name, segment_name))
                for i, m in enumerate(ms, 1)
            ]
            for ms in (p.domestic, p.foreign)
        )
        out[request] = (lists[0], lists[1], p.note)
    return out


def rank_cues(a: _Assembler, request: CandidateRequest) -> tuple[str, ...]:
    if request.kind == "subsector":
        return a.cues.subsector[request.key]
    if request.kind == "segment":
        return a.cues.segment[request.key]
    return a.cues.pillar[request.key]


# ------------------------------------------------------------------ the gap report


def assemble_gap_report(slice_: RegionSlice, source: ReportSource | None, limit: int) -> GapReport:
    """The gap report of a region slice; candidates (up to ``limit`` per gap or thin spot) come from
    ``source`` (none when ``limit`` is 0 or ``source`` is None)."""
    a = _Assembler(slice_)
    tax = a.tax
    rules = pillar_rules()
    claims = a.claim_entries()
    targets = a.target_entries()
    cov = {(c.kind, c.key): c for c in coverage(slice_)}

    requests: list[CandidateRequest] = []
    for seg in tax.segments:
        if cov[("segment", seg.key)].status != "covered":
            requests.append(CandidateRequest("segment", seg.key))
        requests.extend(
            CandidateRequest("subsector", sub.key)
            for sub in seg.subsectors
            if cov[("subsector", sub.key)].status != "covered"
        )
    requests.extend(
        CandidateRequest("pillar", key)
        for key, rule in rules.items()
        if rule.candidates and cov[("pillar", key)].status != "covered"
    )
    found = _candidate_lists(a, source, requests, limit)
    none: tuple[list[Candidate], list[Candidate], str | None] = ([], [], None)

    def about(items: Sequence[ClaimEntry] | Sequence[TargetEntry], field_: str, key: str) -> list:
        return [item for item in items if key in getattr(item, field_)]

    segments: list[SegmentEntry] = []
    for seg in tax.segments:
        subs = []
        for sub in seg.subsectors:
            c = cov[("subsector", sub.key)]
            cands, foreign, note = found.get(CandidateRequest("subsector", sub.key), none)
            subs.append(
                SubsectorEntry(
                    key=sub.key,
                    name=sub.name,
                    status=c.status,
                    count=c.count,
                    organizations=a.org_entries(c.orgs, a.cues.subsector[sub.key]),
                    candidates=cands,
                    targets=about(targets, "subsectors", sub.key),
                    claims=about(claims, "subsectors", sub.key),
                    foreign_candidates=foreign,
                    candidate_note=note,
                )
            )
        c = cov[("segment", seg.key)]
        cands, foreign, note = found.get(CandidateRequest("segment", seg.key), none)
        segments.append(
            SegmentEntry(
                segment=seg.key,
                name=seg.name,
                title=seg.title,
                status=c.status,
                count=c.count,
                subsectors=subs,
                organizations=a.org_entries(c.orgs, a.cues.segment[seg.key]),
                candidates=cands,
                targets=about(targets, "segments", seg.key),
                claims=about(claims, "segments", seg.key),
                foreign_candidates=foreign,
                candidate_note=note,
            )
        )

    pillars: list[PillarEntry] = []
    for p in tax.pillars:
        rule = rules[p.key]
        c = cov[("pillar", p.key)]
        cands, foreign, note = found.get(CandidateRequest("pillar", p.key), none)
        pillars.append(
            PillarEntry(
                key=p.key,
                name=p.name,
                status=c.status,
                count=c.count,
                organizations=a.org_entries(c.orgs, a.cues.pillar[p.key]),
                policies=[a.policy_entry(pol) for pol in c.policies] if rule.count_policies else [],
                candidates=cands,
                targets=about(targets, "pillars", p.key),
                claims=about(claims, "pillars", p.key),
                national_policies=[a.policy_entry(pol) for pol in national_policies(slice_)]
                if rule.count_policies
                else [],
                foreign_candidates=foreign,
                candidate_note=note,
            )
        )

    report = GapReport(
        region=slice_.region,
        includes=_includes(slice_),
        thresholds=Thresholds(covered_min=tax.covered_min, thin_min=tax.thin_min),
        candidate_ranking=CANDIDATE_RANKING,
        candidate_limit=limit,
        segments=segments,
        pillars=pillars,
        organizations=a.org_entries(a.orgs),
        claims=claims,
        targets=targets,
    )
    return report


# ------------------------------------------------------------------ documents


_EVIDENCE_FIELDS: dict[type, tuple[str, ...]] = {}


def _evidence_fields(cls: type[ReportModel]) -> tuple[str, ...]:
    """The fields of a report model that can hold evidence (directly or in nested models)."""
    if cls not in _EVIDENCE_FIELDS:
        _EVIDENCE_FIELDS[cls] = _find_evidence_fields(cls)
    return _EVIDENCE_FIELDS[cls]


def _find_evidence_fields(cls: type[ReportModel]) -> tuple[str, ...]:

    def classes(annotation: object) -> Iterator[type]:
        if isinstance(annotation, type):
            yield annotation
        for arg in typing.get_args(annotation):
            yield from classes(arg)

    def holds(c: type, seen: frozenset[type]) -> bool:
        if c is EvidenceRef:
            return True
        if not (isinstance(c, type) and issubclass(c, ReportModel)) or c in seen:
            return False
        fields = typing.cast(type[ReportModel], c).model_fields.values()
        return any(holds(inner, seen | {c}) for f in fields for inner in classes(f.annotation))

    return tuple(
        name
        for name, f in cls.model_fields.items()
        if any(holds(inner, frozenset({cls})) for inner in classes(f.annotation))
    )


def _evidence_in(model: object) -> Iterator[EvidenceRef]:
    """Every EvidenceRef of a report, in the order of its fields (the order a reader meets them)."""
    if isinstance(model, EvidenceRef):
        yield model
    elif isinstance(model, ReportModel):
        for name in _evidence_fields(type(model)):
            yield from _evidence_in(getattr(model, name))
    elif isinstance(model, list):
        for item in model:
            yield from _evidence_in(item)


def cite_documents(
    report: GapReport | TargetsReport | CompareReport,
    source: ReportSource | None,
    extra: Iterable[EvidenceRef] = (),
) -> None:
    """Fill every evidence item's title, source and publication date from its document, and the
    report's list of documents (in order of first citation)."""
    if source is None:
        return
    evidence = [*_evidence_in(report), *extra]
    order = list(dict.fromkeys(ev.doc_id for ev in evidence))
    if not order:
        return
    docs = source.documents(order)
    for ev in evidence:
        props = docs.get(ev.doc_id)
        if props:
            ev.title, ev.source, ev.published = _doc_fields(props)
    refs = []
    for doc_id in order:
        props = docs.get(doc_id, {})
        title, where, published = _doc_fields(props)
        refs.append(
            DocumentRef(
                id=doc_id,
                title=title,
                source=where,
                published=published,
                publisher=props.get("publisher") or props.get("source"),
            )
        )
    report.documents = refs


def _doc_fields(props: dict) -> tuple[str | None, str | None, str | None]:
    """(title, where it was read from, publication date) of a Document node's properties. Until
    the readers keep a URL apart, ``path`` is the file path or the URL; ``source`` is the old name
    of the publisher."""
    where = props.get("url") or props.get("path")
    return props.get("title") or None, where or None, props.get("date") or None


# ------------------------------------------------------------------ public entry points


def _slice(source: ReportSource, region: str) -> RegionSlice:
    source.refresh()
    slice_ = source.region_slice(resolve_region(source, region))
    require_data(source, slice_)
    return slice_


def gap_report(source: ReportSource, region: str, *, candidates: int = DEFAULT_CANDIDATES) -> GapReport:
    """What ``region`` (a name as people write it: 江西, 赣江新区, 上海 …) has on the chain, what it
    lacks, and up to ``candidates`` organisations elsewhere per gap or thin spot.

    Raises NotFound when the store has no data on the region (the message lists regions that do)."""
    if candidates < 0:
        raise InputError("--candidates must be 0 or more")
    report = assemble_gap_report(_slice(source, region), source, candidates)
    cite_documents(report, source)
    return report


def targets_report(source: ReportSource, region: str) -> TargetsReport:
    """The region's policy goals, each with the status of the segments, subsectors and pillars it
    bears on."""
    report = assemble_gap_report(_slice(source, region), None, 0)
    status: dict[tuple[str, str], tuple[str, Status]] = {}
    for seg in report.segments:
        status[("segment", seg.segment)] = (seg.name, seg.status)
        for sub in seg.subsectors:
            status[("subsector", sub.key)] = (sub.name, sub.status)
    for pil in report.pillars:
        status[("pillar", pil.key)] = (pil.name, pil.status)
    rows = []
    for target in report.targets:
        bears = [
            BearsOn(kind=kind, key=key, name=status[(kind, key)][0], status=status[(kind, key)][1])
            for kind, keys in (
                ("segment", target.segments),
                ("subsector", target.subsectors),
                ("pillar", target.pillars),
            )
            for key in keys
            if (kind, key) in status
        ]
        rows.append(TargetStatus(target=target, bears_on=bears))
    out = TargetsReport(region=report.region, targets=rows)
    cite_documents(out, source)
    return out


def compare_report(source: ReportSource, regions: Sequence[str]) -> CompareReport:
    """Region × (segment, subsector, pillar) matrix of the number of organisations present (for
    the policy pillar: policies), counted by :func:`coverage` as in the gap reports."""
    if len(regions) < 2:
        raise InputError("compare needs at least two regions, e.g. bcikg report compare 江西 上海 大连")
    slices = [_slice(source, r) for r in regions]
    matrices = [coverage(s) for s in slices]
    tax = taxonomy()
    rows: list[CompareRow] = []
    for j, first in enumerate(matrices[0]):
        cells = [m[j] for m in matrices]
        name = first.name
        if first.kind == "segment":
            name = f"{first.name}（{tax.segment(first.key).title}）"
        rows.append(
            CompareRow(
                kind=first.kind,  # type: ignore[arg-type,unused-ignore]
                segment=first.segment,  # type: ignore[arg-type,unused-ignore]
                key=first.key,
                name=name,
                counts=[c.count for c in cells],
                statuses=[c.status for c in cells],
            )
        )
    report = CompareReport(
        regions=[s.region for s in slices],
        thresholds=Thresholds(covered_min=tax.covered_min, thin_min=tax.thin_min),
        rows=rows,
    )
    # the documents the counted organisations and policies were read from
    a = [_Assembler(s) for s in slices]
    extra = [
        ev
        for asm, m in zip(a, matrices, strict=True)
        for c in m
        for ev in (
            *(e.evidence for e in asm.org_entries(c.orgs) if e.evidence),
            *(p.evidence for p in map(asm.policy_entry, c.policies) if p.evidence),
        )
    ]
    cite_documents(report, source, extra)
    return report
