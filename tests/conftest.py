"""Shared fixtures: the small hand-written knowledge graph, and the real local Neo4j.

Neo4j tests use the server that ``scripts/neo4j.sh up`` (``make neo4j-up``) starts; the settings
come from tests/neo4j_server.py (environment first, then .neo4j/env). When Bolt does not answer
the tests FAIL with a message saying how to start it; set BCIKG_SKIP_NEO4J=1 to skip them instead.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from bcikg.domain.chinese import normalize_text
from bcikg.domain.regions import gazetteer
from bcikg.graph.build import build_graph
from bcikg.ingest.extract import extract_document
from bcikg.ingest.names import SentenceNames
from bcikg.ingest.split import split_document
from bcikg.models import Document, DocumentExtraction, KnowledgeGraph

DATA = Path(__file__).parent / "data" / "graph"
KG_SMALL = DATA / "kg_small.json"
SKIP_NEO4J = os.environ.get("BCIKG_SKIP_NEO4J") == "1"


# ---------------------------------------------------------------- extraction of test sentences


def names_in(sentence: str) -> set[str]:
    """The candidate names the sentence rules find in one sentence (no document context)."""
    return {c.name for c in SentenceNames(normalize_text(sentence), gazetteer(), [], False).candidates}


def assert_names(sentence: str, present: set[str], absent: set[str]) -> None:
    names = names_in(sentence)
    assert present <= names
    assert not (absent & names)


def extract_text(text: str, doc_id: str = "doc:t", title: str | None = None) -> DocumentExtraction:
    doc = Document(id=doc_id, path=f"/{doc_id}.txt", format="txt", encoding="utf-8", title=title, text=text)
    return extract_document(split_document(doc))


def relations(text: str, kind: str) -> set[tuple[str, str]]:
    return {(r.source, r.target) for r in extract_text(text).relations if r.kind == kind}


def partners(text: str) -> set[frozenset[str]]:
    return {frozenset(pair) for pair in relations(text, "PARTNERS_WITH")}


def load_kg(path: Path = KG_SMALL) -> KnowledgeGraph:
    return KnowledgeGraph.model_validate_json(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def kg_small() -> KnowledgeGraph:
    return load_kg()


@pytest.fixture
def small_graph(kg_small: KnowledgeGraph) -> nx.MultiDiGraph:
    """A fresh graph per test (tests may change it)."""
    return build_graph(kg_small)


def cases_for(graph: nx.MultiDiGraph, limit: int = 12) -> list[tuple[str, dict[str, str]]]:
    """Parameters for every query, drawn from the graph: its regions, organisations, subsectors."""

    def ids(label: str) -> list[str]:
        return sorted(n for n, labels in graph.nodes(data="labels") if label in labels)

    regions, orgs, subsectors = ids("Region"), ids("Organization"), ids("Subsector")
    sample_orgs = orgs[:: max(1, len(orgs) // limit)][:limit]
    sample_regions = regions[:: max(1, len(regions) // limit)][:limit]
    cases: list[tuple[str, dict[str, str]]] = []
    for name in ("hospital_trials", "funds", "agencies", "targets", "claims"):
        cases.append((name, {}))
    for region in regions:
        for name in (
            "orgs_in_region",
            "chain_coverage",
            "gaps",
            "hospital_trials",
            "funds",
            "agencies",
            "targets",
            "claims",
        ):
            cases.append((name, {"region": region}))
        cases.append(("orgs_in_region", {"region": region, "segment": "upstream"}))
        cases.append(("orgs_in_region", {"region": region, "segment": "none"}))
    for org in sample_orgs:
        for name in ("partners", "org_evidence", "relation_evidence"):
            cases.append((name, {"org": org}))
        cases.append(("relation_evidence", {"org": org, "type": "LOCATED_IN"}))
        for region in sample_regions[:3]:
            cases.append(("relation_evidence", {"org": org, "other": region}))
    links = [*subsectors, "upstream", "midstream", "capital", "clinical_resources", "research"]
    for link, region in itertools.product(links, sample_regions[:3]):
        cases.append(("candidates", {"link": link, "region": region}))
    for a, b in itertools.combinations(sample_orgs, 2):
        cases.append(("shortest_path", {"source": a, "target": b}))
    for a, b in itertools.combinations(sample_regions[:6], 2):
        cases.append(("compare_regions", {"a": a, "b": b}))
    return cases


# ------------------------------------------------------------------ Neo4j


@pytest.fixture(scope="session")
def neo4j_settings():
    """bcikg.settings.Neo4jSettings of the local test server; fails (or skips) when it is down."""
    if SKIP_NEO4J:
        pytest.skip("BCIKG_SKIP_NEO4J=1: Neo4j tests skipped")
    from neo4j_server import settings_from_env

    from bcikg.errors import Neo4jUnavailable
    from bcikg.graph.neo4j_store import open_driver
    from bcikg.settings import Neo4jSettings

    raw = settings_from_env()
    if not raw["password"]:
        pytest.fail(
            "no Neo4j password found: run `make neo4j-up` (scripts/neo4j.sh up) first, or set NEO4J_PASSWORD"
        )
    settings = Neo4jSettings(
        uri=raw["uri"], user=raw["user"], password=raw["password"], database=raw["database"]
    )
    try:
        open_driver(settings).close()
    except Neo4jUnavailable as exc:
        pytest.fail(
            f"{exc}\nThe Neo4j tests need the local server: run `make neo4j-up` "
            "(or `bash scripts/neo4j.sh up`), or set BCIKG_SKIP_NEO4J=1 to skip them."
        )
    return settings


@pytest.fixture(scope="session")
def neo4j_driver(neo4j_settings):
    from bcikg.graph.neo4j_store import open_driver

    driver = open_driver(neo4j_settings)
    yield driver
    driver.close()


@pytest.fixture
def fresh_neo4j(neo4j_settings, neo4j_driver) -> Iterator[None]:
    """An empty (of this project's labels) database before the test."""
    from bcikg.graph.neo4j_store import wipe

    wipe(neo4j_settings, driver=neo4j_driver)
    yield
