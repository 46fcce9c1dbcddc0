"""Report data from Neo4j: the queries in queries/report_*.cypher, run with
bcikg.graph.neo4j_store.run_query. Rows become the same records bcikg.report.embedded makes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from neo4j import Driver

from bcikg.errors import NotFound
from bcikg.graph.neo4j_store import run_query
from bcikg.queries import load_query
from bcikg.queries.run import Neo4jLookup
from bcikg.report.model import EvidenceRef, RegionRef
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

_CANDIDATE_QUERIES = {
    "subsector": "report_candidates_subsector",
    "segment": "report_candidates_segment",
    "pillar": "report_candidates_pillar",
}


def _evidence(rows: Sequence[dict[str, Any]] | None) -> tuple[EvidenceRef, ...]:
    return tuple(EvidenceRef(**row) for row in rows or ())


def _regions(rows: Sequence[dict[str, Any]] | None) -> tuple[RegionRef, ...]:
    return tuple(region_ref(row) for row in rows or ())


class Neo4jSource:
    """A ReportSource over a Neo4j database loaded by ``bcikg load`` (bcikg.graph.neo4j_store.load)."""

    def __init__(self, driver: Driver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database
        self.lookup = Neo4jLookup(driver, database)
        # ranked prefix per request, and whether it is the whole membership
        self._ranked: dict[CandidateRequest, tuple[list[CandidateRecord], bool]] = {}
        self._ranked_for: tuple[int, ...] = ()

    def _rows(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return run_query(self.driver, load_query(name).cypher, params, database=self.database)

    def regions_with_data(self) -> list[RegionRef]:
        return [region_ref(row) for row in self._rows("report_regions_with_data")]

    def region_slice(self, region_id: str) -> RegionSlice:
        subtree = [region_ref(row) for row in self._rows("report_region", region=region_id)]
        if not subtree:
            raise NotFound(f"region {region_id} is not in the Neo4j database; run `bcikg load` first")
        ids = [r.id for r in subtree]
        out = RegionSlice(region=subtree[0], subtree=subtree)
        for row in self._rows("report_orgs", region_ids=ids):
            settled = row["settled"] or []
            out.orgs.append(
                OrgRecord(
                    id=row["id"],
                    name=row["name"],
                    type=row["type"],
                    homes=_regions(row["homes"]),
                    settled=tuple(region_ref(s["region"]) for s in settled),
                    segments=frozenset(row["segments"] or ()),
                    subsectors=frozenset(row["subsectors"] or ()),
                    mentions=_evidence(row["mentions"]),
                    signed=tuple(
                        (s["region"]["id"], ev) for s in settled for ev in evidence_list(s["evidence"])
                    ),
                    corrected=bool(row.get("corrected")),
                )
            )
        for row in self._rows("report_claims", region_ids=ids):
            out.claims.append(
                ClaimRecord(
                    id=row["id"],
                    kind=row["kind"],
                    region=region_ref(row["region"]),
                    segments=tuple(row["segments"] or ()),
                    subsectors=tuple(row["subsectors"] or ()),
                    pillars=tuple(row["pillars"] or ()),
                    evidence=_evidence(row["evidence"]),
                )
            )
        for row in self._rows("report_targets", region_ids=ids):
            out.targets.append(
                TargetRecord(
                    id=row["id"],
                    year=row["year"],
                    quantity=row["quantity"],
                    quantity_max=row["quantity_max"],
                    unit=row["unit"] or "",
                    subject=row["subject"] or "",
                    region=region_ref(row["region"]),
                    policies=tuple(row["policies"] or ()),
                    agencies=tuple(row["agencies"] or ()),
                    segments=tuple(row["segments"] or ()),
                    subsectors=tuple(row["subsectors"] or ()),
                    pillars=tuple(row["pillars"] or ()),
                    evidence=_evidence(row["evidence"]),
                )
            )
        for row in self._rows("report_policies", region_ids=ids):
            out.policies.append(
                PolicyRecord(
                    id=row["id"], name=row["name"], date=row["date"], region=region_ref(row["region"])
                )
            )
        return out

    def _fingerprint(self) -> tuple[int, ...]:
        row = self._rows("report_fingerprint")[0]
        return tuple(
            int(row[k])
            for k in ("organizations", "mentions", "in_segment", "in_subsector", "located", "signed")
        )

    def candidates(
        self, requests: Sequence[CandidateRequest], present: Sequence[OrgRecord], limit: int
    ) -> dict[CandidateRequest, list[CandidateRecord]]:
        """Top of each request's ranking, without the region's own organisations.

        The ranking does not depend on the region, so the ranked prefix fetched for a request is
        kept (while report_fingerprint's counts stay the same) and later reports reuse it; a
        report whose region has more organisations in a link than the kept prefix can skip
        fetches a longer one. The region's organisations are dropped here: they can only take the
        first places, so asking for ``limit`` plus their number is always enough."""
        fingerprint = self._fingerprint()
        if fingerprint != self._ranked_for:
            self._ranked.clear()
            self._ranked_for = fingerprint
        need = {r: limit + sum(1 for o in present if r.counts(o)) for r in requests}
        for kind, query in _CANDIDATE_QUERIES.items():
            todo = [r for r in requests if r.kind == kind and not self._covers(r, need[r])]
            if not todo:
                continue
            fetch = max(
                limit + 20,
                *(need[r] for r in todo),
                *(2 * len(self._ranked[r][0]) for r in todo if r in self._ranked),
            )
            rows = self._rows(query, requests=[r.params() for r in todo], limit=fetch)
            by_key: dict[str, list[CandidateRecord]] = {r.key: [] for r in todo}
            for row in rows:
                by_key[row["key"]].append(
                    CandidateRecord(
                        id=row["id"],
                        name=row["name"],
                        type=row["type"],
                        homes=_regions(row["homes"]),
                        settled=_regions(row["settled"]),
                        explicit=bool(row["explicit"]),
                        mentions=int(row["mentions"]),
                        evidence=_evidence(row["evidence"]),
                        corrected=bool(row.get("corrected")),
                    )
                )
            for r in todo:
                ranked = sorted(by_key[r.key], key=CandidateRecord.rank_key)
                self._ranked[r] = (ranked, len(ranked) < fetch)
        exclude = {o.id for o in present}
        return {r: [c for c in self._ranked[r][0] if c.id not in exclude][:limit] for r in requests}

    def _covers(self, request: CandidateRequest, need: int) -> bool:
        kept = self._ranked.get(request)
        return kept is not None and (len(kept[0]) >= need or kept[1])
