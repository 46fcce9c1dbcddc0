"""Run a named query on either backend: resolve what the user typed into ids, run the query's
Python (bcikg.queries.library) on the graph-access layer of that backend, return the rows.

Parameters are resolved the same way for both backends, through the same access reads:

    region     a name as people write it ('江西', '江西省', '赣江新区', '上海', 'region:中国/江西省')
               -> region id via the gazetteer, then checked to be in the graph; names the gazetteer
               does not know are matched against the graph's region names and aliases
    org        an id, a name or an alias (exact first, then a unique partial match)
    node       an organisation as above, else a region ('博睿康医疗', '赣江新区')
    link       a chain link: a subsector, segment or support pillar by key or name
               ('electrodes', '电极', '上游', 'capital', '资本')
    segment    upstream/midstream/downstream, 上游/中游/下游, or none
    relation_type  one of the relation kinds (case-insensitive)
    int, text  as given

A name that matches nothing is NotFound (exit code 5) with the closest names the graph has.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from bcikg.errors import InputError, NotFound
from bcikg.models import RELATION_KINDS, SEGMENTS
from bcikg.queries.access import EmbeddedAccess, GraphAccess

if TYPE_CHECKING:
    from neo4j import Driver

    from bcikg.queries.library import QueryInfo, QueryParameter

SEGMENT_WORDS = {"上游": "upstream", "中游": "midstream", "下游": "downstream", "none": "none", "无": "none"}


@dataclass(frozen=True)
class QueryResult:
    name: str
    columns: list[str]
    rows: list[dict[str, Any]]
    params: dict[str, Any]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _close(text: str, names: list[str], n: int = 6) -> list[str]:
    """Names close to ``text``: those sharing a piece of it, then difflib's nearest."""
    names = sorted(set(names))
    pieces = {text[i : i + 2] for i in range(len(text) - 1)} or {text}
    sharing = [name for name in names if any(p in name for p in pieces)]
    ranked = difflib.get_close_matches(text, names, n=n, cutoff=0.3)
    out = list(
        dict.fromkeys(
            [*ranked, *sorted(sharing, key=lambda s: (-difflib.SequenceMatcher(None, text, s).ratio(), s))]
        )
    )
    return out[:n]


# ------------------------------------------------------------------ regions


def resolve_region(text: str, access: GraphAccess) -> str:
    from bcikg.domain.regions import gazetteer

    text = text.strip()
    if not text:
        raise InputError("empty region; write it like 江西省, 南昌 or 赣江新区")
    rid = gazetteer().lookup(text)
    if rid is not None and access.region_tree(rid):
        return rid
    named = sorted(access.regions_named(text))
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise NotFound(f"region {text!r} is ambiguous: {', '.join(named)}; give one of these ids")
    if rid is not None:
        raise NotFound(
            f"region {text!r} ({rid}) is not in the graph: no ingested article places an organisation, "
            "policy or claim there; ingest more articles or try a larger region"
        )
    close = _close(
        text, [str(r["props"].get("full_name") or r["props"].get("name")) for r in access.regions_with_data()]
    )
    hint = f"; did you mean {'、'.join(close)}?" if close else ""
    raise NotFound(
        f"unknown region {text!r}{hint} (write it like 江西省, 南昌, 赣江新区, 上海 or region:中国/江西省)"
    )


# ------------------------------------------------------------------ organisations


def resolve_org(text: str, access: GraphAccess, *, exact: bool = False) -> str:
    """The organisation named by an id, a name or an alias, else by a unique part of its name
    (not with ``exact``)."""
    text = text.strip()
    if not text:
        raise InputError("empty organisation name")
    candidates = [
        (r["id"], str(r["props"].get("name") or ""), tuple(r["props"].get("aliases") or ()))
        for r in access.find_orgs(text)
    ]
    folded = _fold(text)
    tiers: list[Callable[[tuple[str, str, tuple[str, ...]]], bool]] = [
        lambda c: c[0] == text,
        lambda c: _fold(c[1]) == folded,
        lambda c: any(_fold(a) == folded for a in c[2]),
    ]
    for tier in tiers:
        hits = sorted({c[0]: c for c in candidates if tier(c)}.values())
        if len(hits) == 1:
            return hits[0][0]
        if len(hits) > 1:
            listed = "; ".join(f"{c[1]} ({c[0]})" for c in hits[:8])
            raise NotFound(f"{text!r} names {len(hits)} organisations: {listed}; pass the id instead")
    if exact:
        raise NotFound(f"no organisation is called {text!r}")
    if len(candidates) == 1:
        return candidates[0][0]
    if candidates:
        names = sorted({c[1] for c in candidates})
        listed = "、".join(names[:8]) + (" …" if len(names) > 8 else "")
        raise NotFound(f"{text!r} matches {len(candidates)} organisations: {listed}; give the full name")
    close = _close(text, [str(r["name"]) for r in access.org_names() if r["name"]])
    hint = f"; close names: {'、'.join(close)}" if close else ""
    raise NotFound(f"no organisation named {text!r} in the graph{hint}")


def resolve_node(text: str, access: GraphAccess) -> str:
    """An organisation named exactly (id, name or alias), else a region, else an organisation by a
    unique part of its name; when nothing fits, one error naming both tries."""
    try:
        return resolve_org(text, access, exact=True)
    except NotFound:
        pass
    try:
        return resolve_region(text, access)
    except NotFound as region_error:
        try:
            return resolve_org(text, access)
        except NotFound as org_error:
            raise NotFound(f"{org_error}; as a region: {region_error}") from None


# ------------------------------------------------------------------ chain links and kinds


def resolve_link(text: str) -> tuple[str, str]:
    """(kind, key) of a chain link named by key or name: a subsector, a segment or a pillar."""
    from bcikg.domain.lexicon import taxonomy

    tax = taxonomy()
    folded = _fold(text)
    for prefix in ("subsector:", "segment:", "pillar:"):
        folded = folded.removeprefix(prefix)
    for sub in tax.subsectors:
        if folded in (sub.key, _fold(sub.name)):
            return "subsector", sub.key
    segment = SEGMENT_WORDS.get(folded, folded)
    for seg in tax.segments:
        if segment in (seg.key, _fold(seg.name)):
            return "segment", seg.key
    for pil in tax.pillars:
        if folded in (pil.key, _fold(pil.name)):
            return "pillar", pil.key
    known = "、".join(
        [*(s.name for s in tax.subsectors), *(s.name for s in tax.segments), *(p.name for p in tax.pillars)]
    )
    raise NotFound(f"unknown chain link {text!r}; a subsector, segment or pillar: {known}")


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


def resolve_param(param: QueryParameter, value: str, access: GraphAccess) -> Any:
    kind = param.kind
    if kind == "region":
        return resolve_region(value, access)
    if kind == "org":
        return resolve_org(value, access)
    if kind == "node":
        return resolve_node(value, access)
    if kind == "link":
        return resolve_link(value)
    if kind == "segment":
        return resolve_segment(value)
    if kind == "relation_type":
        return resolve_relation_type(value)
    if kind == "int":
        try:
            number = int(value)
        except ValueError:
            raise InputError(f"--param {param.name}={value!r}: expected a whole number") from None
        if number < 0:
            raise InputError(f"--param {param.name}={value!r}: expected 0 or more")
        return number
    return value


def resolve_params(info: QueryInfo, given: Mapping[str, str], access: GraphAccess) -> dict[str, Any]:
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
            params[p.name] = p.default
            continue
        params[p.name] = resolve_param(p, value, access)
    return params


# ------------------------------------------------------------------ running


def access_for(
    graph: nx.MultiDiGraph | None = None, driver: Driver | None = None, database: str = "neo4j"
) -> GraphAccess:
    if (graph is None) == (driver is None):
        raise ValueError("give exactly one of graph or driver")
    if graph is not None:
        return EmbeddedAccess(graph)
    from bcikg.queries.neo4j_access import Neo4jAccess

    assert driver is not None
    return Neo4jAccess(driver, database)


def run_named(
    name: str,
    given: Mapping[str, str],
    *,
    graph: nx.MultiDiGraph | None = None,
    driver: Driver | None = None,
    database: str = "neo4j",
    access: GraphAccess | None = None,
) -> QueryResult:
    """Run the named query on the embedded ``graph``, on Neo4j through ``driver``, or on ``access``."""
    from bcikg.queries import load_query

    info = load_query(name)
    if access is None:
        access = access_for(graph, driver, database)
    params = resolve_params(info, given, access)
    rows = info.run(access, params)
    return QueryResult(name=info.name, columns=list(info.columns), rows=rows, params=params)
