"""Tests for bcikg.graph.build: KnowledgeGraph -> networkx.MultiDiGraph per bcikg.schema.

The fixture tests/data/graph/kg_small.json is hand-written: fictional organisations (星河脑科技,
晨曦神经电子, 赣江康复医院 …) in real regions, with our own sentences.
"""

from __future__ import annotations

import json
from collections import Counter

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcikg.domain.lexicon import taxonomy
from bcikg.graph.build import build_graph, evidence_json, graph_signature, structural_id
from bcikg.models import Evidence, KnowledgeGraph, Relation
from bcikg.schema import NODE_LABELS, RELATIONSHIP_TYPES, primary_label

XINGHE = "org:0000000000000001"
CHENXI = "org:0000000000000002"
HOSPITAL = "org:0000000000000003"
FUND = "org:0000000000000004"
AGENCY = "org:0000000000000005"
NO_REGION = "org:0000000000000009"
JIANGXI = "region:中国/江西省"
GANJIANG = "region:中国/江西省/赣江新区"
SHANGHAI = "region:中国/上海市"
POLICY = "policy:jiangxi-bci-demo-plan"


def edges_of(graph: nx.MultiDiGraph, node: str, rel_type: str) -> list[tuple[str, str, dict]]:
    return [
        (key, target, data)
        for _, target, key, data in graph.out_edges(node, keys=True, data=True)
        if data["type"] == rel_type
    ]


def test_static_nodes_present_even_for_an_empty_graph() -> None:
    graph = build_graph(KnowledgeGraph())
    tax = taxonomy()
    assert {n for n, d in graph.nodes(data=True) if "Segment" in d["labels"]} == {
        "segment:upstream",
        "segment:midstream",
        "segment:downstream",
    }
    assert graph.nodes["segment:upstream"]["name"] == "上游"
    assert graph.nodes["segment:downstream"]["name"] == "下游"
    chain = [(u, v) for u, v, t in graph.edges(data="type") if t == "UPSTREAM_OF"]
    assert sorted(chain) == [
        ("segment:midstream", "segment:downstream"),
        ("segment:upstream", "segment:midstream"),
    ]
    subsectors = {n for n, d in graph.nodes(data=True) if "Subsector" in d["labels"]}
    assert subsectors == {f"subsector:{s.key}" for s in tax.subsectors}
    for sub in tax.subsectors:
        node = graph.nodes[f"subsector:{sub.key}"]
        assert (node["key"], node["name"], node["segment"]) == (sub.key, sub.name, sub.segment)
        assert list(graph.successors(f"subsector:{sub.key}")) == [f"segment:{sub.segment}"]
    ranks = [graph.nodes[f"subsector:{s.key}"]["rank"] for s in tax.subsectors]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)


def test_counts_on_the_fixture(small_graph: nx.MultiDiGraph, kg_small: KnowledgeGraph) -> None:
    labels = Counter(primary_label(d["labels"]) for _, d in small_graph.nodes(data=True))
    assert labels["Organization"] == len(kg_small.organizations)
    assert labels["Document"] == len(kg_small.documents)
    assert labels["Region"] == len(kg_small.regions)
    assert labels["Policy"] == labels["Claim"] == labels["Target"] == 1
    types = Counter(t for _, _, t in small_graph.edges(data="type"))
    for kind in (
        "SIGNED_IN",
        "PARTNERS_WITH",
        "CLINICAL_TRIAL_AT",
        "INCUBATED_BY",
        "OPERATES",
        "INVESTS_IN",
        "ISSUED",
        "RESPONSIBLE_FOR",
        "LOCATED_IN",
    ):
        assert types[kind] == sum(1 for r in kg_small.relations if r.type == kind), kind
    evidence_lists: list[list[Evidence]] = [
        *(o.evidence for o in kg_small.organizations),
        *(p.evidence for p in kg_small.policies),
        *(c.evidence for c in kg_small.claims),
        *(t.evidence for t in kg_small.targets),
    ]
    assert types["MENTIONED_IN"] == sum(len(e) for e in evidence_lists)
    assert small_graph.graph["dangling"] == []


def test_every_label_and_type_is_in_the_schema(small_graph: nx.MultiDiGraph) -> None:
    for _, data in small_graph.nodes(data=True):
        assert isinstance(data["labels"], tuple)
        assert set(data["labels"]) <= NODE_LABELS
        primary_label(data["labels"])
    for _, _, rel_type in small_graph.edges(data="type"):
        assert rel_type in RELATIONSHIP_TYPES


def _neo4j_value_ok(value: object) -> bool:
    if isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, list):
        return (
            None not in value
            and len({type(v) for v in value}) <= 1
            and all(isinstance(v, (str, int, float, bool)) for v in value)
        )
    return False


def test_properties_are_flat_neo4j_values(small_graph: nx.MultiDiGraph) -> None:
    for node, data in small_graph.nodes(data=True):
        assert data["id"] == node
        for key, value in data.items():
            if key != "labels":
                assert _neo4j_value_ok(value), (node, key, value)
    for _, _, key, data in small_graph.edges(keys=True, data=True):
        assert data["id"] == key
        for name, value in data.items():
            assert _neo4j_value_ok(value), (key, name, value)


def test_organization_node_and_its_edges(small_graph: nx.MultiDiGraph, kg_small: KnowledgeGraph) -> None:
    node = small_graph.nodes[XINGHE]
    assert node["labels"] == ("Organization", "Company")
    assert node["name"] == "星河脑科技有限公司"
    assert node["aliases"] == ["星河脑科技"]
    assert sorted(t for _, t, _ in edges_of(small_graph, XINGHE, "IN_SEGMENT")) == [
        "segment:midstream",
        "segment:upstream",
    ]
    assert sorted(t for _, t, _ in edges_of(small_graph, XINGHE, "IN_SUBSECTOR")) == [
        "subsector:algorithms",
        "subsector:electrodes",
    ]
    mentions = edges_of(small_graph, XINGHE, "MENTIONED_IN")
    org = next(o for o in kg_small.organizations if o.id == XINGHE)
    assert len(mentions) == len(org.evidence)
    for _, doc, data in mentions:
        ev = next(e for e in org.evidence if e.doc_id == doc and e.start == data["start"])
        assert (data["sentence"], data["end"], data["text"]) == (ev.sentence, ev.end, ev.text)
        assert ev.sentence  # the sentence is kept, not only the span


def test_home_and_settled_regions_come_only_from_relations(kg_small: KnowledgeGraph) -> None:
    # drop the LOCATED_IN and SIGNED_IN relations of 星河: the org fields must not bring them back
    kg = kg_small.model_copy(deep=True)
    kg.relations = [
        r for r in kg.relations if not (r.source == XINGHE and r.type in ("LOCATED_IN", "SIGNED_IN"))
    ]
    graph = build_graph(kg)
    assert edges_of(graph, XINGHE, "LOCATED_IN") == []
    assert edges_of(graph, XINGHE, "SIGNED_IN") == []
    full = build_graph(kg_small)
    assert [t for _, t, _ in edges_of(full, XINGHE, "LOCATED_IN")] == [SHANGHAI]
    assert [t for _, t, _ in edges_of(full, XINGHE, "SIGNED_IN")] == [GANJIANG]


def test_relation_edge_key_props_and_evidence(small_graph: nx.MultiDiGraph, kg_small: KnowledgeGraph) -> None:
    rel = next(r for r in kg_small.relations if r.type == "SIGNED_IN" and r.source == XINGHE)
    data = small_graph.edges[XINGHE, GANJIANG, rel.id]
    assert data["type"] == "SIGNED_IN"
    assert data["date"] == "2025-03-01"
    parsed = json.loads(data["evidence"])
    assert parsed == [e.model_dump() for e in rel.evidence]
    assert data["sentence"] == rel.evidence[0].sentence
    responsible = next(r for r in kg_small.relations if r.type == "RESPONSIBLE_FOR")
    assert small_graph.edges[AGENCY, POLICY, responsible.id]["task"] == "第1条 引进培育脑机接口企业"


def test_policy_claim_and_target_edges(small_graph: nx.MultiDiGraph) -> None:
    assert [t for _, t, _ in edges_of(small_graph, POLICY, "APPLIES_TO")] == [JIANGXI]
    assert [t for _, t, _ in edges_of(small_graph, POLICY, "PUBLISHED_AS")] == ["doc:f1a0000000000002"]
    assert [t for _, t, _ in edges_of(small_graph, POLICY, "SETS_TARGET")] == ["target:fixture0001"]
    assert [t for _, t, _ in edges_of(small_graph, "claim:fixture0001", "ABOUT")] == [JIANGXI]
    assert [t for _, t, _ in edges_of(small_graph, "target:fixture0001", "ABOUT")] == [JIANGXI]
    assert [t for _, t, _ in edges_of(small_graph, AGENCY, "OWNS_TARGET")] == ["target:fixture0001"]
    target = small_graph.nodes["target:fixture0001"]
    assert (target["year"], target["quantity"], target["unit"]) == (2027, 10.0, "家")
    assert "quantity_max" not in target  # None values are left out
    assert small_graph.nodes["doc:f1a0000000000003"].get("title") is None


def test_region_ancestors_are_added_from_the_gazetteer(kg_small: KnowledgeGraph) -> None:
    kg = kg_small.model_copy(deep=True)
    kg.regions = [r for r in kg.regions if r.id not in (JIANGXI, "region:中国")]
    graph = build_graph(kg)
    assert graph.nodes[JIANGXI]["full_name"] == "江西省"
    assert graph.nodes[JIANGXI]["level"] == "province"
    assert (GANJIANG, JIANGXI) in {(u, v) for u, v, t in graph.edges(data="type") if t == "PART_OF"}
    assert (JIANGXI, "region:中国") in {(u, v) for u, v, t in graph.edges(data="type") if t == "PART_OF"}


def test_relation_to_a_missing_node_is_dropped_and_reported(kg_small: KnowledgeGraph) -> None:
    kg = kg_small.model_copy(deep=True)
    kg.relations.append(
        Relation(id="rel:dangling", type="PARTNERS_WITH", source=XINGHE, target="org:ffffffffffffffff")
    )
    graph = build_graph(kg)
    assert graph.graph["dangling"] == ["rel:dangling"]
    assert "org:ffffffffffffffff" not in graph


def test_evidence_json_is_deduplicated_and_ordered() -> None:
    a = Evidence(doc_id="doc:b", sentence="乙句。", start=5, end=7, text="乙句")
    b = Evidence(doc_id="doc:a", sentence="甲句。", start=9, end=10, text="甲")
    c = Evidence(doc_id="doc:a", sentence="甲句。", start=1, end=2, text="甲")
    text = evidence_json([a, b, c, a])
    assert [(e["doc_id"], e["start"]) for e in json.loads(text)] == [("doc:a", 1), ("doc:a", 9), ("doc:b", 5)]
    assert "甲句" in text  # ensure_ascii=False: readable in Neo4j Browser


def test_structural_ids_are_stable_and_distinct() -> None:
    assert structural_id("PART_OF", "a", "b") == structural_id("PART_OF", "a", "b")
    assert structural_id("PART_OF", "a", "b") != structural_id("PART_OF", "b", "a")
    assert structural_id("MENTIONED_IN", "o", "d", 1, 2) != structural_id("MENTIONED_IN", "o", "d", 1, 3)
    assert structural_id("PART_OF", "a", "b").startswith("rel:")


def test_building_twice_gives_identical_graphs(kg_small: KnowledgeGraph) -> None:
    assert graph_signature(build_graph(kg_small)) == graph_signature(build_graph(kg_small))


def test_signature_sees_a_change(kg_small: KnowledgeGraph) -> None:
    kg = kg_small.model_copy(deep=True)
    kg.organizations[0].aliases.append("星河")
    assert graph_signature(build_graph(kg)) != graph_signature(build_graph(kg_small))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_list_order_does_not_matter(kg_small: KnowledgeGraph, data: st.DataObject) -> None:
    kg = kg_small.model_copy(deep=True)
    kg.organizations = data.draw(st.permutations(kg.organizations))
    kg.relations = data.draw(st.permutations(kg.relations))
    kg.regions = data.draw(st.permutations(kg.regions))
    kg.documents = data.draw(st.permutations(kg.documents))
    for org in kg.organizations:
        org.evidence = data.draw(st.permutations(org.evidence))
    shuffled = build_graph(kg)
    reference = build_graph(kg_small)
    assert graph_signature(shuffled) == graph_signature(reference)
    # the insertion order is canonical too, so pickles and exports are byte-identical
    assert list(shuffled.nodes) == list(reference.nodes)
    assert list(shuffled.edges(keys=True)) == list(reference.edges(keys=True))


@pytest.mark.parametrize("explicit", [True, False])
def test_in_segment_carries_whether_the_text_states_the_segment(
    kg_small: KnowledgeGraph, explicit: bool
) -> None:
    kg = kg_small.model_copy(deep=True)
    org = next(o for o in kg.organizations if o.id == CHENXI)
    org.segment_explicit = explicit
    graph = build_graph(kg)
    ((_, _, data),) = edges_of(graph, CHENXI, "IN_SEGMENT")
    assert data["explicit"] is explicit


def test_relation_properties_cannot_overwrite_the_type_or_id(kg_small: KnowledgeGraph) -> None:
    kg = kg_small.model_copy(deep=True)
    rel = next(r for r in kg.relations if r.id == "rel:fixture0016")
    rel.properties = {"type": "FAKE", "id": "rel:other", "role": "牵头"}
    data = build_graph(kg).edges["org:0000000000000006", XINGHE, "rel:fixture0016"]
    assert (data["type"], data["id"]) == ("PARTNERS_WITH", "rel:fixture0016")
    assert (data["property_type"], data["property_id"], data["role"]) == ("FAKE", "rel:other", "牵头")
