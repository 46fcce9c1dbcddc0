"""Both backends give the same report: the hand-written graph loaded into the real Neo4j
(never mocked) against the same graph in memory. The seed corpus is checked the same way in
tests/test_report_seeds.py."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from bcikg.errors import NotFound
from bcikg.graph.build import build_graph
from bcikg.graph.neo4j_store import load
from bcikg.models import KnowledgeGraph
from bcikg.report import EmbeddedSource, compare_report, gap_report, targets_report
from bcikg.report.neo4j import Neo4jSource

pytestmark = pytest.mark.neo4j

KG_PATH = Path(__file__).parent / "data" / "report" / "chain_kg.json"
REGIONS = ["江西", "赣江新区", "南昌", "大连", "上海", "浙江", "中国"]


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    g = build_graph(KnowledgeGraph.model_validate_json(KG_PATH.read_text(encoding="utf-8")))
    # one explicit segment statement, so the ranking tier is exercised on both backends
    for _, _, data in g.out_edges("org:000000000000000a", data=True):
        if data["type"] == "IN_SEGMENT":
            data["explicit"] = True
    # a national policy, a firm abroad and a provincial fund: the paths kept apart or left out
    def node(nid: str, labels: tuple[str, ...], **props: object) -> None:
        g.add_node(nid, labels=labels, id=nid, **props)

    def edge(a: str, b: str, rel: str) -> None:
        key = f"rel:extra-{a[-2:]}-{rel}"
        g.add_edge(a, b, key=key, id=key, type=rel)

    node("policy:00000000000000ff", ("Policy",), name="全国示例指导意见", date="2025-02-01")
    edge("policy:00000000000000ff", "region:中国", "APPLIES_TO")
    if "region:美国" not in g:
        node("region:美国", ("Region",), name="美国", level="country", full_name="美国", aliases=[])
    node("org:00000000000000f3", ("Organization", "Company"), name="Acme Neuro", type="Company", aliases=[])
    edge("org:00000000000000f3", "region:美国", "LOCATED_IN")
    edge("org:00000000000000f3", "subsector:electrodes", "IN_SUBSECTOR")
    node("org:00000000000000f1", ("Organization", "Fund"), name="浙江省示例引导基金", type="Fund", aliases=[])
    edge("org:00000000000000f1", "region:中国/浙江省/杭州市", "LOCATED_IN")
    return g


@pytest.fixture(scope="module")
def sources(graph, neo4j_settings, neo4j_driver):  # type: ignore[no-untyped-def]
    from bcikg.graph.neo4j_store import wipe

    wipe(neo4j_settings, driver=neo4j_driver)
    load(graph, neo4j_settings, driver=neo4j_driver)
    return EmbeddedSource(graph), Neo4jSource(neo4j_driver, neo4j_settings.database)


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("candidates", [0, 1, 5])
def test_gap_report_json_identical(sources, region: str, candidates: int) -> None:  # type: ignore[no-untyped-def]
    embedded, neo4j = sources
    a = gap_report(embedded, region, candidates=candidates).model_dump_json(indent=1)
    b = gap_report(neo4j, region, candidates=candidates).model_dump_json(indent=1)
    assert a == b


def test_compare_and_targets_identical(sources) -> None:  # type: ignore[no-untyped-def]
    embedded, neo4j = sources
    assert compare_report(embedded, ["江西", "大连", "上海"]) == compare_report(
        neo4j, ["江西", "大连", "上海"]
    )
    assert targets_report(embedded, "江西") == targets_report(neo4j, "江西")


def test_explicit_rank_on_neo4j(sources) -> None:  # type: ignore[no-untyped-def]
    _, neo4j = sources
    upstream = gap_report(neo4j, "大连").segments[0]
    assert upstream.candidates[0].name == "东岸采集" and upstream.candidates[0].explicit


def test_policies_and_candidate_lists_on_neo4j(sources) -> None:  # type: ignore[no-untyped-def]
    _, neo4j = sources
    report = gap_report(neo4j, "大连")
    policy = next(p for p in report.pillars if p.key == "policy")
    assert policy.status == "gap" and [p.name for p in policy.national_policies] == ["全国示例指导意见"]
    electrodes = report.segments[0].subsectors[0]
    assert [c.name for c in electrodes.foreign_candidates] == ["Acme Neuro"]
    capital = next(p for p in report.pillars if p.key == "capital")
    assert "浙江省示例引导基金" not in {c.name for c in capital.candidates}
    assert report.documents and all(d.source for d in report.documents)


def test_named_queries_identical(sources) -> None:  # type: ignore[no-untyped-def]
    from bcikg.queries.run import run_named

    embedded, neo4j = sources
    for name, params in [
        ("chain_coverage", {"region": "大连"}),
        ("gaps", {"region": "江西"}),
        ("candidates", {"link": "电极", "region": "江西"}),
        ("compare_regions", {"a": "江西", "b": "大连"}),
        ("orgs_in_region", {"region": "江西"}),
    ]:
        a = run_named(name, params, access=embedded.access).rows
        b = run_named(name, params, access=neo4j.access).rows
        assert a == b and a, name


@pytest.mark.parametrize("region", ["西藏", "Atlantis"])
def test_not_found_identical(sources, region: str) -> None:  # type: ignore[no-untyped-def]
    messages = []
    for source in sources:
        with pytest.raises(NotFound) as info:
            gap_report(source, region)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
    assert "regions with data" in messages[0]


def test_reload_is_seen_by_a_long_lived_source(graph, neo4j_settings, neo4j_driver) -> None:  # type: ignore[no-untyped-def]
    """The Neo4j source keeps ranked candidate lists; a reload with other organisations drops them."""
    from bcikg.graph.neo4j_store import wipe

    wipe(neo4j_settings, driver=neo4j_driver)
    load(graph, neo4j_settings, driver=neo4j_driver)
    neo4j = Neo4jSource(neo4j_driver, neo4j_settings.database)
    before = gap_report(neo4j, "大连").segments[0].subsectors[0]
    assert [c.name for c in before.candidates] == ["星河电极", "晨光电极研究所"]

    changed = graph.copy()
    oid = "org:00000000000000ff"
    changed.add_node(
        oid, labels=("Organization", "Company"), id=oid, name="新来电极", type="Company", aliases=[]
    )
    changed.add_edge(
        oid, "subsector:electrodes", key="rel:extra-sub", id="rel:extra-sub", type="IN_SUBSECTOR"
    )
    for i in range(5):
        changed.add_edge(
            oid,
            "doc:aaaa000000000001",
            key=f"rel:extra-m{i}",
            id=f"rel:extra-m{i}",
            type="MENTIONED_IN",
            sentence="新来电极专做电极。",
            start=900 + i,
            end=904 + i,
            text="新来电极",
        )
    load(changed, neo4j_settings, driver=neo4j_driver)
    after = gap_report(neo4j, "大连").segments[0].subsectors[0]
    assert [c.name for c in after.candidates][:1] == ["新来电极"]
    assert (
        gap_report(EmbeddedSource(changed), "大连").model_dump_json()
        == gap_report(neo4j, "大连").model_dump_json()
    )
