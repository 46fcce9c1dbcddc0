"""The review queue (`bcikg review`): what most deserves an analyst's look in a region or a store.

Four kinds of doubt, each read from the graph alone:

    low_confidence    known from one sentence, and the name does not end with a type suffix
                      (有限公司, 医院, 研究院 …), so it may be a span that is not an organisation
    region_conflict   the place the name starts with is not the home region (nor above or below
                      it), or several home regions
    segment_conflict  placed in several segments by cue words, no text stating one
    near_duplicate    two names that differ only by place, legal form or a few characters

The graph is read through the graph-access layer (bcikg.queries.access), so the queue is the
same on the embedded store and on Neo4j. Items are ordered by how much a decision would change the
region's gap report: a decision that moves a segment or subsector across a threshold (gap / thin /
covered) counts most, one in a cell far above its threshold least. Each item has its evidence
sentence and the `bcikg fix` commands that settle it. Values set by an analyst (bcikg fix) are not
questioned again.
"""

from __future__ import annotations

import shlex
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from bcikg.domain.lexicon import name_rules, taxonomy
from bcikg.domain.regions import gazetteer
from bcikg.ingest.textutil import normalize_name
from bcikg.queries.access import Row
from bcikg.report.source import ReportSource, require_data, resolve_region

ReviewKind = Literal["low_confidence", "region_conflict", "segment_conflict", "near_duplicate"]
_NEAR = 0.75  # bigram overlap (Jaccard) of two names without place and legal form


class ReviewItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: ReviewKind
    id: str
    name: str
    other_id: str | None = None
    other: str | None = Field(default=None, description="near_duplicate: the other organisation")
    reason: str
    evidence: str = Field(default="", description="doc:start-end and the sentence")
    impact: float = Field(description="how much a decision would change the region's report")
    commands: list[str] = Field(default_factory=list, description="bcikg fix commands that settle it")


_ORG_OUT = ("LOCATED_IN", "SIGNED_IN", "IN_SEGMENT", "IN_SUBSECTOR", "MENTIONED_IN")


class _Org:
    """An organisation as the review needs it, from its node row and its outgoing edge rows
    (bcikg.queries.access: nodes, edges)."""

    def __init__(self, node: Row, edges: Iterable[Row]) -> None:
        data = node["props"]
        self.id: str = node["id"]
        self.name: str = data.get("name") or ""
        self.type: str = data.get("type") or ""
        self.fields = set(data.get("analyst_fields") or ())
        self.homes: list[str] = []
        self.settled: list[str] = []
        self.segments: dict[str, bool] = {}
        self.subsectors: set[str] = set()
        self.mentions: list[dict[str, Any]] = []
        for e in edges:
            kind, target, labels = e["type"], e["other"], e["other_labels"]
            if kind == "LOCATED_IN" and "Region" in labels:
                self.homes.append(target)
            elif kind == "SIGNED_IN" and "Region" in labels:
                self.settled.append(target)
            elif kind == "IN_SEGMENT":
                self.segments[e["other_props"]["key"]] = e["props"].get("explicit") is True
            elif kind == "IN_SUBSECTOR":
                self.subsectors.add(e["other_props"]["key"])
            elif kind == "MENTIONED_IN":
                self.mentions.append({"doc_id": target, **e["props"]})
        self.homes.sort()
        self.settled.sort()
        self.mentions.sort(key=lambda m: (m["doc_id"], m.get("start") or 0, m.get("end") or 0))

    def cells(self) -> set[tuple[str, str]]:
        tax = taxonomy()
        segs = set(self.segments) | {tax.subsector(s).segment for s in self.subsectors}
        return {("segment", s) for s in segs} | {("subsector", s) for s in self.subsectors}

    def evidence(self) -> str:
        if not self.mentions:
            return ""
        m = self.mentions[0]
        sentence = str(m.get("sentence", ""))
        if len(sentence) > 120:
            sentence = sentence[:119] + "…"
        return f"{m['doc_id']}:{m.get('start')}-{m.get('end')} “{sentence}”"


def _q(text: str) -> str:
    return shlex.quote(text)


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def _core(name: str) -> str:
    """The name without its leading place and legal form, for comparing."""
    norm = normalize_name(name)
    lead = gazetteer().leading_place(norm)
    if lead is not None and len(norm) - len(lead[0]) >= 2:
        norm = norm[len(lead[0]) :]
    return norm


def _within_any(rid: str, regions: Iterable[str]) -> bool:
    gaz = gazetteer()
    return any(gaz.is_within(rid, r) or gaz.is_within(r, rid) for r in regions)


def _organisations(source: ReportSource) -> dict[str, _Org]:
    """Every organisation with its placements and mentions: three batched reads."""
    access = source.access
    ids = sorted(str(r["id"]) for r in access.org_names())
    if not ids:
        return {}
    edges: dict[str, list[Row]] = defaultdict(list)
    for e in access.edges(ids, _ORG_OUT, "out"):
        edges[e["node"]].append(e)
    return {r["id"]: _Org(r, edges.get(r["id"], ())) for r in access.nodes(ids)}


def review_items(
    graph: ReportSource | nx.MultiDiGraph, region: str | None = None, *, limit: int = 20
) -> list[ReviewItem]:
    """The review queue of ``region`` (a name as people write it; None: the whole store), most
    consequential first, read from a report source (either backend) or an embedded graph.
    Raises NotFound for a region without data."""
    if isinstance(graph, nx.MultiDiGraph):
        from bcikg.report.embedded import EmbeddedSource

        graph = EmbeddedSource(graph)
    source = graph
    tax = taxonomy()
    all_orgs = _organisations(source)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    if region is not None:
        slice_ = source.region_slice(resolve_region(source, region))
        require_data(source, slice_)
        scope = {o.id for o in slice_.orgs}
    else:
        scope = set(all_orgs)
    for oid in scope:
        for cell in all_orgs[oid].cells():
            counts[cell] += 1

    def impact(cells: Iterable[tuple[str, str]]) -> float:
        """Per report cell the organisation counts in: 1 when one organisation less moves it across
        a threshold (covered → thin, thin → gap), less the further it is from one."""
        score = 0.0
        for cell in cells:
            n = counts.get(cell, 0)
            floor = tax.covered_min if n >= tax.covered_min else tax.thin_min if n >= tax.thin_min else 0
            score += 1.0 / (1 + n - floor)
        return round(score, 3)

    strong = tuple(sorted(name_rules().strong_suffixes, key=len, reverse=True))
    gaz = gazetteer()
    items: list[ReviewItem] = []
    for oid in sorted(scope):
        org = all_orgs[oid]
        if len(org.mentions) == 1 and not org.fields and not org.name.endswith(strong):
            items.append(
                ReviewItem(
                    kind="low_confidence",
                    id=oid,
                    name=org.name,
                    reason=f"one mention, and the name has no type suffix ({org.type})",
                    evidence=org.evidence(),
                    impact=0.5 + impact(org.cells()),
                    commands=[
                        f"bcikg fix reject {_q(org.name)} --note '…'",
                        f"bcikg fix set {_q(org.name)} --type {org.type} --note 'checked: it is one'",
                    ],
                )
            )
        if "region" not in org.fields:
            lead = gaz.leading_place(org.name)
            homes = sorted(set(org.homes))
            why = ""
            if len(homes) > 1:
                why = "several home regions: " + "、".join(gaz.get(h).to_model().full_name for h in homes)
            elif lead is not None and homes and not _within_any(lead[1], homes):
                home_name = gaz.get(homes[0]).to_model().full_name if homes[0] in gaz.by_id else homes[0]
                why = f"the name starts with {lead[0]} but its home is {home_name}"
            if why:
                options = [lead[1]] if lead is not None else []
                options += [h for h in homes if h not in options]
                items.append(
                    ReviewItem(
                        kind="region_conflict",
                        id=oid,
                        name=org.name,
                        reason=why,
                        evidence=org.evidence(),
                        impact=1.0 + impact(org.cells()),
                        commands=[
                            f"bcikg fix set {_q(org.name)} --region {_q(gaz.get(r).to_model().full_name)} "
                            "--note '…'"
                            for r in options
                            if r in gaz.by_id
                        ],
                    )
                )
        inferred = [s for s, explicit in org.segments.items() if not explicit]
        if "segment" not in org.fields and len(org.segments) > 1 and inferred:
            ordered = [s.key for s in tax.segments if s.key in org.segments]
            items.append(
                ReviewItem(
                    kind="segment_conflict",
                    id=oid,
                    name=org.name,
                    reason="in " + "、".join(tax.segment(s).name for s in ordered) + " by cue words",
                    evidence=org.evidence(),
                    impact=0.5 + impact(("segment", s) for s in ordered) / len(ordered),
                    commands=[f"bcikg fix set {_q(org.name)} --segment {s} --note '…'" for s in ordered],
                )
            )
    items.extend(_near_duplicates(all_orgs, scope, impact))
    items.sort(key=lambda i: (-i.impact, i.kind, i.name, i.id))
    return items[:limit]


def _near_duplicates(orgs: dict[str, _Org], scope: set[str], impact: Any) -> list[ReviewItem]:
    cores = {oid: _core(o.name) for oid, o in orgs.items()}
    grams = {oid: _bigrams(core) for oid, core in cores.items() if len(core) >= 2}
    index: dict[str, set[str]] = defaultdict(set)
    for oid, gs in grams.items():
        for g in gs:
            index[g].add(oid)
    seen: set[tuple[str, str]] = set()
    out = []
    for a in sorted(scope):
        if a not in grams:
            continue
        shared: dict[str, int] = defaultdict(int)
        for g in grams[a]:
            if len(index[g]) > 200:
                continue  # a bigram of half the names says nothing
            for b in index[g]:
                if b != a:
                    shared[b] += 1
        for b, n in shared.items():
            pair = (min(a, b), max(a, b))
            if pair in seen:
                continue
            ca, cb = cores[a], cores[b]
            jaccard = n / len(grams[a] | grams[b])
            contained = min(len(ca), len(cb)) >= 3 and (ca in cb or cb in ca)
            if not (jaccard >= _NEAR or contained):
                continue
            seen.add(pair)
            oa, ob = orgs[a], orgs[b]
            keep, gone = (
                (oa, ob) if (len(oa.mentions), len(oa.name)) >= (len(ob.mentions), len(ob.name)) else (ob, oa)
            )
            shared_cells = oa.cells() & ob.cells() if b in scope else set()
            out.append(
                ReviewItem(
                    kind="near_duplicate",
                    id=keep.id,
                    name=keep.name,
                    other_id=gone.id,
                    other=gone.name,
                    reason=f"{gone.name} may be the same organisation"
                    + (" (contained name)" if contained else f" ({jaccard:.0%} alike)"),
                    evidence=gone.evidence(),
                    impact=0.75 + (impact(shared_cells) if shared_cells else 0.0),
                    commands=[f"bcikg fix merge {_q(keep.name)} {_q(gone.name)} --note '…'"],
                )
            )
    return out
