"""Assemble reports from backend records (bcikg.report.source): statuses by the taxonomy's
thresholds, roll-up of sub-regions, candidates for gaps and thin spots, targets and claims
attached to the chain links they name, one evidence sentence per organisation.

Pure functions of the records, so both backends give the same report.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bcikg.errors import InputError
from bcikg.domain.lexicon import taxonomy
from bcikg.models import SEGMENTS
from bcikg.report.model import (
    CANDIDATE_RANKING,
    BearsOn,
    Candidate,
    ClaimEntry,
    CompareReport,
    CompareRow,
    EvidenceRef,
    GapReport,
    OrgEntry,
    PillarEntry,
    PolicyEntry,
    RegionRef,
    SegmentEntry,
    Status,
    SubsectorEntry,
    TargetEntry,
    TargetsReport,
    TargetStatus,
    Thresholds,
)
from bcikg.report.pillars import pillar_rules
from bcikg.report.source import (
    CandidateRecord,
    CandidateRequest,
    ClaimRecord,
    OrgRecord,
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


class _Assembler:
    def __init__(self, slice_: RegionSlice) -> None:
        self.slice = slice_
        self.tax = taxonomy()
        self.cues = _cues()
        self.subtree_ids = {r.id for r in slice_.subtree}
        self.orgs = sorted(slice_.orgs, key=lambda o: o.id)

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

    @property
    def _subsector_keys(self) -> set[str]:
        return {s.key for s in self.tax.subsectors}

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

    # -------------------------------------------------------------- claims and targets

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
            agencies=sorted(set(t.agencies)),
            segments=list(t.segments),
            subsectors=list(t.subsectors),
            pillars=list(t.pillars),
            evidence=sorted(t.evidence, key=_ev_key),
        )

    # -------------------------------------------------------------- candidates

    def candidate(self, rank: int, c: CandidateRecord, cues: Sequence[str]) -> Candidate:
        home = _most_specific(c.homes)
        return Candidate(
            rank=rank,
            id=c.id,
            name=c.name,
            type=c.type,
            region=home.full_name if home else None,
            settled_in=sorted({r.full_name for r in c.settled}),
            company=c.company,
            explicit=c.explicit,
            mentions=c.mentions,
            evidence=pick_evidence(c.evidence, cues),
            corrected=c.corrected,
        )

    def candidates(
        self,
        found: dict[CandidateRequest, list[CandidateRecord]],
        request: CandidateRequest,
        cues: Sequence[str],
    ) -> list[Candidate]:
        records = sorted(found.get(request, []), key=CandidateRecord.rank_key)
        return [self.candidate(i, c, cues) for i, c in enumerate(records, 1)]


def _status(count: int) -> Status:
    return taxonomy().status(count)


def _includes(slice_: RegionSlice) -> list[RegionRef]:
    """The region and the sub-regions that hold any of its data."""
    ids = {slice_.region.id}
    subtree = {r.id: r for r in slice_.subtree}
    for org in slice_.orgs:
        ids.update(r.id for r in (*org.homes, *org.settled) if r.id in subtree)
    ids.update(c.region.id for c in slice_.claims)
    ids.update(t.region.id for t in slice_.targets)
    ids.update(p.region.id for p in slice_.policies)
    ordered = sorted((subtree[i] for i in ids if i in subtree), key=lambda r: (r.id.count("/"), r.full_name))
    return ordered


def assemble_gap_report(slice_: RegionSlice, source: ReportSource | None, limit: int) -> GapReport:
    """The gap report of a region slice; candidates (up to ``limit`` per gap or thin spot) come from
    ``source`` (none when ``limit`` is 0 or ``source`` is None)."""
    a = _Assembler(slice_)
    tax = a.tax
    rules = pillar_rules()
    claims = a.claim_entries()
    targets = a.target_entries()

    seg_orgs = {seg.key: [o for o in a.orgs if seg.key in a.segments_of(o)] for seg in tax.segments}
    sub_orgs = {sub.key: [o for o in a.orgs if sub.key in o.subsectors] for sub in tax.subsectors}
    pil_orgs = {key: [o for o in a.orgs if rule.supports(o.type, o.name)] for key, rule in rules.items()}
    policies = sorted(slice_.policies, key=lambda p: (p.date or "", p.name, p.id))
    pil_count = {
        key: len(pil_orgs[key]) + (len(policies) if rule.count_policies else 0) for key, rule in rules.items()
    }

    requests: list[CandidateRequest] = []
    if limit > 0 and source is not None:
        for seg in tax.segments:
            if _status(len(seg_orgs[seg.key])) != "covered":
                requests.append(CandidateRequest("segment", seg.key))
            requests.extend(
                CandidateRequest("subsector", sub.key)
                for sub in seg.subsectors
                if _status(len(sub_orgs[sub.key])) != "covered"
            )
        requests.extend(
            CandidateRequest("pillar", key)
            for key, rule in rules.items()
            if rule.candidates and _status(pil_count[key]) != "covered"
        )
    found = source.candidates(requests, a.orgs, limit) if requests and source else {}

    def about(items: Sequence[ClaimEntry] | Sequence[TargetEntry], field: str, key: str) -> list:
        return [item for item in items if key in getattr(item, field)]

    segments: list[SegmentEntry] = []
    for seg in tax.segments:
        subs = []
        for sub in seg.subsectors:
            cues = a.cues.subsector[sub.key]
            subs.append(
                SubsectorEntry(
                    key=sub.key,
                    name=sub.name,
                    status=_status(len(sub_orgs[sub.key])),
                    count=len(sub_orgs[sub.key]),
                    organizations=a.org_entries(sub_orgs[sub.key], cues),
                    candidates=a.candidates(found, CandidateRequest("subsector", sub.key), cues),
                    targets=about(targets, "subsectors", sub.key),
                    claims=about(claims, "subsectors", sub.key),
                )
            )
        cues = a.cues.segment[seg.key]
        segments.append(
            SegmentEntry(
                segment=seg.key,
                name=seg.name,
                title=seg.title,
                status=_status(len(seg_orgs[seg.key])),
                count=len(seg_orgs[seg.key]),
                subsectors=subs,
                organizations=a.org_entries(seg_orgs[seg.key], cues),
                candidates=a.candidates(found, CandidateRequest("segment", seg.key), cues),
                targets=about(targets, "segments", seg.key),
                claims=about(claims, "segments", seg.key),
            )
        )

    pillars: list[PillarEntry] = []
    for p in tax.pillars:
        rule = rules[p.key]
        cues = a.cues.pillar[p.key]
        pillars.append(
            PillarEntry(
                key=p.key,
                name=p.name,
                status=_status(pil_count[p.key]),
                count=pil_count[p.key],
                organizations=a.org_entries(pil_orgs[p.key], cues),
                policies=[
                    PolicyEntry(id=pol.id, name=pol.name, date=pol.date, region=pol.region.full_name)
                    for pol in policies
                ]
                if rule.count_policies
                else [],
                candidates=a.candidates(found, CandidateRequest("pillar", p.key), cues),
                targets=about(targets, "pillars", p.key),
                claims=about(claims, "pillars", p.key),
            )
        )

    return GapReport(
        region=slice_.region,
        includes=_includes(slice_),
        thresholds=Thresholds(covered_min=tax.covered_min, thin_min=tax.thin_min),
        candidate_ranking=CANDIDATE_RANKING,
        segments=segments,
        pillars=pillars,
        organizations=a.org_entries(a.orgs),
        claims=claims,
        targets=targets,
    )


# ------------------------------------------------------------------ public entry points


def _slice(source: ReportSource, region: str) -> RegionSlice:
    slice_ = source.region_slice(resolve_region(source, region))
    require_data(source, slice_)
    return slice_


def gap_report(source: ReportSource, region: str, *, candidates: int = DEFAULT_CANDIDATES) -> GapReport:
    """What ``region`` (a name as people write it: 江西, 赣江新区, 上海 …) has on the chain, what it
    lacks, and up to ``candidates`` organisations elsewhere per gap or thin spot.

    Raises NotFound when the store has no data on the region (the message lists regions that do)."""
    if candidates < 0:
        raise InputError("--candidates must be 0 or more")
    return assemble_gap_report(_slice(source, region), source, candidates)


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
    return TargetsReport(region=report.region, targets=rows)


def compare_report(source: ReportSource, regions: Sequence[str]) -> CompareReport:
    """Region × (segment, subsector, pillar) matrix of the number of organisations present."""
    if len(regions) < 2:
        raise InputError("compare needs at least two regions, e.g. bcikg report compare 江西 上海 大连")
    reports = [assemble_gap_report(_slice(source, r), None, 0) for r in regions]
    tax = taxonomy()
    rows: list[CompareRow] = []
    for i, seg_key in enumerate(SEGMENTS):
        segs = [rep.segments[i] for rep in reports]
        rows.append(
            CompareRow(
                kind="segment",
                segment=seg_key,
                key=seg_key,
                name=f"{segs[0].name}（{segs[0].title}）",
                counts=[s.count for s in segs],
                statuses=[s.status for s in segs],
            )
        )
        for j, sub in enumerate(tax.segment(seg_key).subsectors):
            cells = [s.subsectors[j] for s in segs]
            rows.append(
                CompareRow(
                    kind="subsector",
                    segment=seg_key,
                    key=sub.key,
                    name=sub.name,
                    counts=[c.count for c in cells],
                    statuses=[c.status for c in cells],
                )
            )
    for k, pil in enumerate(tax.pillars):
        cells_p = [rep.pillars[k] for rep in reports]
        rows.append(
            CompareRow(
                kind="pillar",
                segment=None,
                key=pil.key,
                name=pil.name,
                counts=[c.count for c in cells_p],
                statuses=[c.status for c in cells_p],
            )
        )
    return CompareReport(
        regions=[rep.region for rep in reports],
        thresholds=Thresholds(covered_min=tax.covered_min, thin_min=tax.thin_min),
        rows=rows,
    )
