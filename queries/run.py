"""Run a named query on either backend: resolve what the user typed into ids, execute, tidy rows.

Parameters are resolved the same way for both backends (only the look-ups differ), so that
``run_named(name, params, graph=g)`` and ``run_named(name, params, driver=d)`` return equal rows
for the same graph:

    region     a name as people write it ('江西', '江西省', '赣江新区', '上海', 'region:中国/江西省')
               -> region id via the gazetteer, then checked to be in the graph; names the gazetteer
               does not know are matched against the graph's region names and aliases
    org        an id, a name or an alias (exact first, then a unique partial match)
    node       an organisation as above, else a region
    subsector  a key or a name of the taxonomy ('electrodes', '电极') -> 'subsector:<key>'
    segment    upstream/midstream/downstream, 上游/中游/下游, or none
    relation_type  one of the relation kinds (case-insensitive)
    int, text  as given

Every query also receives the context parameters in :data:`CONTEXT` (taxonomy thresholds and the
organisation types), which Cypher ignores when unused.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
from neo4j import Driver

from bcikg.errors import InputError, NotFound
from bcikg.models import ORG_TYPES, RELATION_KINDS, SEGMENTS
from bcikg.queries import QueryInfo, QueryParameter, load_query

SEGMENT_WORDS = {"上游": "upstream", "中游": "midstream", "下游": "downstream", "none": "none", "无": "none"}


def context_params() -> dict[str, Any]:
    from bcikg.domain.lexicon import taxonomy

    tax = taxonomy()
    return {"covered_min": tax.covered_min, "thin_min": tax.thin_min, "org_types": list(ORG_TYPES)}


@dataclass(frozen=True)
class QueryResult:
    name: str
    columns: list[str]
    rows: list[dict[str, Any]]
    params: dict[str, Any]


# ------------------------------------------------------------------ look-ups per backend


@dataclass(frozen=True)
class OrgCandidate:
    id: str
    name: str
    aliases: tuple[str, ...]


class Lookup:
    """What parameter resolution needs from a backend."""

    def region_exists(self, region_id: str) -> bool:
        raise NotImplementedError

    def regions_named(self, text: str) -> list[str]:
        """Ids of regions whose name, full_name or an alias equals ``text``."""
        raise NotImplementedError

    def org_candidates(self, text: str) -> list[OrgCandidate]:
        """Organisations whose id equals, or name or an alias contains, ``text``."""
        raise NotImplementedError


class GraphLookup(Lookup):
    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph

    def region_exists(self, region_id: str) -> bool:
        return region_id in self.graph and "Region" in self.graph.nodes[region_id]["labels"]

    def regions_named(self, text: str) -> list[str]:
        return sorted(
            n
            for n, d in self.graph.nodes(data=True)
            if "Region" in d["labels"]
            and (d.get("name") == text or d.get("full_name") == text or text in d.get("aliases", ()))
        )

    def org_candidates(self, text: str) -> list[OrgCandidate]:
        out = []
        for n, d in self.graph.nodes(data=True):
            if "Organization" not in d["labels"]:
                continue
            aliases = tuple(d.get("aliases", ()))
            if n == text or text in d.get("name", "") or any(text in a for a in aliases):
                out.append(OrgCandidate(n, d.get("name", ""), aliases))
        return out


class Neo4jLookup(Lookup):
    def __init__(self, driver: Driver, database: str) -> None:
        self.driver = driver
        self.database = database

    def _rows(self, name: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        from bcikg.graph.neo4j_store import run_query
        from bcikg.queries import _all

        return run_query(self.driver, _all()[name].cypher, params, database=self.database)

    def region_exists(self, region_id: str) -> bool:
        return bool(self._rows("_find_region", {"id": region_id, "text": None}))

    def regions_named(self, text: str) -> list[str]:
        return sorted(row["id"] for row in self._rows("_find_region", {"id": None, "text": text}))

    def org_candidates(self, text: str) -> list[OrgCandidate]:
        return [
            OrgCandidate(row["id"], row["name"] or "", tuple(row["aliases"] or ()))
            for row in self._rows("_find_orgs", {"text": text})
        ]


# ------------------------------------------------------------------ resolution


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def resolve_region(text: str, lookup: Lookup) -> str:
    from bcikg.domain.regions import gazetteer

    text = text.strip()
    if not text:
        raise InputError("empty region; write it like 江西省, 南昌 or 赣江新区")
    rid = gazetteer().lookup(text)
    if rid is not None and lookup.region_exists(rid):
        return rid
    named = lookup.regions_named(text)
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise NotFound(f"region {text!r} is ambiguous: {', '.join(named)}; give one of these ids")
    if rid is not None:
        raise NotFound(
            f"region {text!r} ({rid}) is not in the graph: no ingested article places an organisation, "
            "policy or claim there; ingest more articles or try a larger region"
        )
    raise NotFound(
        f"unknown region {text!r}; write it like 江西省, 南昌, 赣江新区, 上海 or region:中国/江西省"
    )


def resolve_org(text: str, lookup: Lookup) -> str:
    text = text.strip()
    if not text:
        raise InputError("empty organisation name")
    candidates = lookup.org_candidates(text)
    folded = _fold(text)
    tiers: list[Callable[[OrgCandidate], bool]] = [
        lambda c: c.id == text,
        lambda c: _fold(c.name) == folded,
        lambda c: any(_fold(a) == folded for a in c.aliases),
    ]
    for tier in tiers:
        hits = sorted({c.id: c for c in candidates if tier(c)}.values(), key=lambda c: c.id)
        if len(hits) == 1:
            return hits[0].id
        if len(hits) > 1:
            listed = "; ".join(f"{c.name} ({c.id})" for c in hits[:8])
            raise NotFound(f"{text!r} names {len(hits)} organisations: {listed}; pass the id instead")
    if len(candidates) == 1:
        return candidates[0].id
    if candidates:
        names = sorted({c.name for c in candidates})
        listed = "、".join(names[:8]) + (" …" if len(names) > 8 else "")
        raise NotFound(f"{text!r} matches {len(candidates)} organisations: {listed}; give the full name")
    raise NotFound(
        f"no organisation named {text!r} in the graph; try a shorter form of the name, "
        "or list them with `bcikg export --format jsonl`"
    )


def resolve_subsector(text: str) -> str:
    from bcikg.domain.lexicon import taxonomy

    folded = _fold(text).removeprefix("subsector:")
    for sub in taxonomy().subsectors:
        if folded in (sub.key, _fold(sub.name)):
            return "subsector:" + sub.key
    known = ", ".join(f"{s.key} ({s.name})" for s in taxonomy().subsectors)
    raise NotFound(f"unknown subsector {text!r}; known subsectors: {known}")


def resolve_segment(text: str) -> str:
    folded = _fold(text).removeprefix("segment:")
    key = SEGMENT_WORDS.get(folded, folded)
    if key in (*SEGMENTS, "none"):
        return key
    raise InputError(
        f"unknown segment {text!r}; use upstream, midstream, downstream (上游, 中游, 下游) or none"
    )


def resolve_relation_type(text: str) -> str:
    key = text.strip().upper()
    if key in RELATION_KINDS:
        return key
    raise InputError(f"unknown relation type {text!r}; use one of {', '.join(RELATION_KINDS)}")


def resolve_param(param: QueryParameter, value: str, lookup: Lookup) -> Any:
    kind = param.kind
    if kind == "region":
        return resolve_region(value, lookup)
    if kind == "org":
        return resolve_org(value, lookup)
    if kind == "node":
        try:
            return resolve_org(value, lookup)
        except NotFound as org_error:
            try:
                return resolve_region(value, lookup)
            except NotFound:
                raise org_error from None
    if kind == "subsector":
        return resolve_subsector(value)
    if kind == "segment":
        return resolve_segment(value)
    if kind == "relation_type":
        return resolve_relation_type(value)
    if kind == "int":
        try:
            return int(value)
        except ValueError:
            raise InputError(f"--param {param.name}={value!r}: expected a whole number") from None
    return value


def resolve_params(info: QueryInfo, given: Mapping[str, str], lookup: Lookup) -> dict[str, Any]:
    known = {p.name for p in info.parameters}
    unknown = sorted(set(given) - known)
    if unknown:
        accepted = ", ".join(p.name for p in info.parameters) or "none"
        raise InputError(f"query {info.name} has no parameter {unknown[0]!r}; it takes: {accepted}")
    params: dict[str, Any] = {}
    for p in info.parameters:
        value = given.get(p.name)
        if value is None or value == "":
            if not p.optional:
                raise InputError(
                    f"query {info.name} needs --param {p.name}=… ({p.description}); e.g. {info.example}"
                )
            params[p.name] = None
            continue
        params[p.name] = resolve_param(p, value, lookup)
    if info.name == "shortest_path" and params.get("source") == params.get("target"):
        raise InputError("source and target are the same organisation; name two different ones")
    return params


# ------------------------------------------------------------------ running


def tidy_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same shape from both backends: the evidence JSON strings parsed into lists."""
    for row in rows:
        if isinstance(row.get("evidence"), str):
            row["evidence"] = json.loads(row["evidence"])
    return rows


def run_named(
    name: str,
    given: Mapping[str, str],
    *,
    graph: nx.MultiDiGraph | None = None,
    driver: Driver | None = None,
    database: str = "neo4j",
) -> QueryResult:
    """Run the named query on the embedded ``graph`` or on Neo4j through ``driver``."""
    info = load_query(name)
    if (graph is None) == (driver is None):
        raise ValueError("give exactly one of graph or driver")
    if graph is not None:
        from bcikg.queries.embedded import EMBEDDED

        if name not in EMBEDDED:
            with_embedded = ", ".join(sorted(EMBEDDED))
            raise InputError(
                f"query {name} has no embedded version; run it with --backend neo4j "
                f"(embedded: {with_embedded})"
            )
        params = resolve_params(info, given, GraphLookup(graph))
        rows = EMBEDDED[name](graph, {**context_params(), **params})
    else:
        assert driver is not None
        from bcikg.graph.neo4j_store import run_query

        params = resolve_params(info, given, Neo4jLookup(driver, database))
        rows = run_query(driver, info.cypher, {**context_params(), **params}, database=database)
    rows = tidy_rows(rows)
    columns = list(info.columns) or (list(rows[0]) if rows else [])
    return QueryResult(name=name, columns=columns, rows=rows, params=params)
