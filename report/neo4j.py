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
                    segments=frozenset(s["key"] for s in row["segments"] or ()),
                    explicit_segments=frozenset(s["key"] for s in row["segments"] or () if s["explicit"]),
                    subsectors=frozenset(row["subsectors"] or ()),
                    mentions=_evidence(row["mentions"]),
                    signed=tuple(
                        (s["region"]["id"], ev) for s in settled for ev in evidence_list(s["evidence"])
                    ),
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
                PolicyRecord(id=row["id"], name=row["name"], date=row["date"], region=region_ref(row["region"]))
            )
        return out

    def candidates(
        self, requests: Sequence[CandidateRequest], region_ids: Sequence[str], limit: int
    ) -> dict[CandidateRequest, list[CandidateRecord]]:
        out: dict[CandidateRequest, list[CandidateRecord]] = {r: [] for r in requests}
        for kind, query in _CANDIDATE_QUERIES.items():
            wanted = {r.key: r for r in requests if r.kind == kind}
            if not wanted:
                continue
            rows = self._rows(
                query, requests=[r.params() for r in wanted.values()], region_ids=list(region_ids), limit=limit
            )
            for row in rows:
                out[wanted[row["key"]]].append(
                    CandidateRecord(
                        id=row["id"],
                        name=row["name"],
                        type=row["type"],
                        homes=_regions(row["homes"]),
                        settled=_regions(row["settled"]),
                        explicit=bool(row["explicit"]),
                        mentions=int(row["mentions"]),
                        evidence=_evidence(row["evidence"]),
                    )
                )
        return out
