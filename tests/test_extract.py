"""Extraction: organisation names by the general rules, regions, chain position, relations.

The sample articles in samples/ are fictional, written for the demo and these tests; the
expectations in tests/data/sample_expectations.json were written by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcikg.domain.regions import gazetteer
from bcikg.ingest.extract import extract_document
from bcikg.ingest.names import SentenceNames
from bcikg.ingest.read import read_paths
from bcikg.ingest.resolve import resolve
from bcikg.ingest.split import split_document
from bcikg.ingest.textutil import normalize_name
from bcikg.models import Document, KnowledgeGraph

ARTICLES = Path(__file__).parent.parent / "samples"
EXPECTED = json.loads(
    (Path(__file__).parent / "data" / "sample_expectations.json").read_text(encoding="utf-8")
)


def names_in(sentence: str, region: str | None = None, policy: bool = False) -> set[str]:
    gaz = gazetteer()
    context = gaz.ancestors(region) if region else []
    return {c.name for c in SentenceNames(sentence, gaz, context, policy).candidates}


def document(text: str, title: str | None = None, doc_id: str = "doc:test") -> Document:
    return Document(id=doc_id, path=f"/{doc_id}.txt", format="txt", encoding="utf-8", title=title, text=text)


def extract_text(text: str, title: str | None = None, doc_id: str = "doc:test"):
    return extract_document(split_document(document(text, title, doc_id)))


# ---------------------------------------------------------------- sentence rules


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # suffix grammar, leftward extension stopped by verbs and function words
        ("公司与瑞衡微电子有限公司签署协议。", {"瑞衡微电子有限公司"}),
        ("依托大兴脑科学研究院开展攻关。", {"大兴脑科学研究院"}),
        ("他曾任职于星河生物医药集团。", {"星河生物医药集团"}),
        # enumerations: a suffixed sibling or a class noun makes every item an organisation
        ("首批入驻企业包括云帆智能、青禾脑科、北冥医疗。", {"云帆智能", "青禾脑科", "北冥医疗"}),
        ("百灵鸟、芯语等龙头企业参加了活动。", {"百灵鸟", "芯语"}),
        # titles name the organisation before them
        ("岚图神经董事长王某表示,公司将扩大投资。", {"岚图神经"}),
        # a place attached to a short company name
        ("成都启明、武汉澜芯深耕柔性电极。", {"成都启明", "武汉澜芯"}),
        # founding
        ("他回国创办镜湖脑科,专注脑电采集。", {"镜湖脑科"}),
        # Latin names in organisation context
        ("Synchron等企业也在推进临床试验。", {"Synchron"}),
        # national bodies without a suffix rule
        ("国务院办公厅印发了实施意见。", {"国务院办公厅"}),
    ],
)
def test_names_found(sentence: str, expected: set[str]) -> None:
    assert expected <= names_in(sentence)


@pytest.mark.parametrize(
    ("sentence", "not_expected"),
    [
        # products, fields and technologies are not organisations
        ("电极、芯片、算法等方面取得新突破。", {"电极", "芯片", "算法"}),
        ("从医疗康复到消费电子,新技术加速迭代。", {"消费电子", "医疗康复到消费电子"}),
        ("推动人工智能、新材料等领域企业联合攻关。", {"人工智能", "新材料"}),
        # places are not organisations
        ("山东、湖北、浙江等省份快速落地价格标准。", {"山东", "湖北", "浙江"}),
        # media outlets merely report
        ("据《科技日报》报道,项目进展顺利。", {"科技日报", "《科技日报》"}),
        # words that end like agencies: 布局, 头部, 格局
        ("头部企业加快布局,形成新格局。", {"头部", "布局", "格局"}),
        # counts of organisations are not one organisation
        ("企业将与各大医院共建病房。", {"各大医院"}),
        # people between titles are not organisations
        ("研究院正高级工程师李某教授介绍了情况。", {"高级工程师李某"}),
    ],
)
def test_names_not_found(sentence: str, not_expected: set[str]) -> None:
    assert not (not_expected & names_in(sentence))


def test_conjunction_inside_a_placed_name_but_not_between_two_organisations() -> None:
    assert "杭州市脑机接口与神经工程重点实验室" in names_in(
        "依托杭州市脑机接口与神经工程重点实验室开展研究。"
    )
    found = names_in("协和医院与天坛医院联合开展研究。")
    assert {"协和医院", "天坛医院"} <= found


def test_department_suffix_is_an_alias_of_the_parent() -> None:
    gaz = gazetteer()
    cands = SentenceNames("成都市科技局高新处负责人出席。", gaz, [], False).candidates
    agency = next(c for c in cands if c.type == "Agency")
    assert agency.name == "成都市科技局"
    assert "成都市科技局高新处" in agency.aliases


# ---------------------------------------------------------------- document rules


def test_generic_agency_names_are_qualified_by_the_document_region() -> None:
    jiangxi = extract_text("江西省召开脑机接口推进会。省科技厅、省卫生健康委负责人出席。", doc_id="doc:jx")
    jiangsu = extract_text("江苏省发布脑机接口行动方案。省科技厅负责推进。", doc_id="doc:js")
    assert {"江西省科技厅", "江西省卫生健康委"} <= {m.name for m in jiangxi.orgs}
    assert "江苏省科技厅" in {m.name for m in jiangsu.orgs}
    kg = resolve([jiangxi, jiangsu])
    tech = sorted(o.name for o in kg.organizations if o.name.endswith("科技厅"))
    assert tech == ["江苏省科技厅", "江西省科技厅"]  # two agencies, not one


def test_short_forms_in_a_document_are_mentions_of_the_full_name() -> None:
    ex = extract_text("近日,杭州澜湖神经科技有限公司完成融资。澜湖神经表示,将扩大研发团队。")
    names = [m for m in ex.orgs if m.name == "杭州澜湖神经科技有限公司"]
    assert len(names) == 2
    assert {m.surface for m in names} == {"杭州澜湖神经科技有限公司", "澜湖神经"}


def test_explicit_segment_statement_wins_over_keyword_cues() -> None:
    ex = extract_text("签约企业覆盖全链条。上游,青衡医疗专注康复机器人整机;下游,白鹭科技拓展消费级应用。")
    seg = {m.name: m.segments for m in ex.orgs}
    # 康复机器人 is a downstream cue, but the text puts 青衡医疗 upstream
    assert seg["青衡医疗"] == ["upstream"]
    assert seg["白鹭科技"] == ["downstream"]


def test_page_noise_yields_nothing() -> None:
    text = (
        "某地脑机接口产业园开园\n\n园区由云岭科技发展集团运营。\n\n"
        "猜你喜欢\n  • 星光娱乐公司签约新人\n  • 海滨旅游集团推出暑期线路\n热点内容\n  • 某影视集团发布片单\n"
    )
    names = {m.name for m in extract_text(text).orgs}
    assert "云岭科技发展集团" in names
    assert not names & {"星光娱乐公司", "海滨旅游集团", "某影视集团"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "没有任何机构的一句话。",
        "、、、等等等",
        "有限公司有限公司。",
        "上游,。中游:下游、",
        "《》“”()（）",
        "a" * 5000,
        "脑机接口" * 2000,
    ],
)
def test_odd_text_extracts_without_error(text: str) -> None:
    ex = extract_text(text)
    for m in ex.orgs:
        assert text[m.evidence.start : m.evidence.end] == m.evidence.text == m.surface


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("公司医院基金局厅委研究院平台中心与和、等,。上游科技有限省市北京上海脑机接口康复A1 \n")
        )
        | st.characters(),
        max_size=300,
    )
)
def test_random_text_never_raises_and_offsets_slice_the_text(text: str) -> None:
    ex = extract_text(text)
    for m in ex.orgs:
        assert text[m.evidence.start : m.evidence.end] == m.evidence.text
    for r in ex.relations:
        assert text[r.evidence.start : r.evidence.end] == r.evidence.text
    for rm in ex.regions:
        assert text[rm.evidence.start : rm.evidence.end] == rm.evidence.text


# ---------------------------------------------------------------- sample articles end to end


@pytest.fixture(scope="module")
def sample_graph() -> KnowledgeGraph:
    docs = read_paths([ARTICLES]).documents
    assert len(docs) == 6
    return resolve([extract_document(split_document(d)) for d in docs])


def _find(kg: KnowledgeGraph, name: str):
    key = normalize_name(name)
    for org in kg.organizations:
        if key in {normalize_name(n) for n in (org.name, *org.aliases)}:
            return org
    return None


@pytest.mark.parametrize("expected", EXPECTED["organizations"], ids=lambda e: e["name"])
def test_sample_organisation(sample_graph: KnowledgeGraph, expected: dict) -> None:
    org = _find(sample_graph, expected["name"])
    assert org is not None, f"{expected['name']} not extracted"
    assert org.type == expected["type"]
    gaz = gazetteer()
    if expected.get("alias"):
        assert _find(sample_graph, expected["alias"]) is org
    if expected.get("region"):
        assert org.region and expected["region"] in gaz.get(org.region).full_name
    if expected.get("settled_in"):
        assert any(expected["settled_in"] in gaz.get(r).full_name for r in org.settled_in)
    if expected.get("segment"):
        assert org.segment == [expected["segment"]]


@pytest.mark.parametrize("expected", EXPECTED["relations"], ids=lambda r: "-".join(r))
def test_sample_relation(sample_graph: KnowledgeGraph, expected: list[str]) -> None:
    kind, source, target = expected
    src = _find(sample_graph, source)
    assert src is not None
    names = {o.id: o for o in sample_graph.organizations}
    policies = {p.id: p.name for p in sample_graph.policies}
    gaz = gazetteer()
    for rel in sample_graph.relations:
        if rel.type != kind:
            continue
        ends = {rel.source, rel.target} if kind == "PARTNERS_WITH" else {rel.source}
        if src.id not in ends:
            continue
        other = rel.target if rel.source == src.id else rel.source
        label = (
            names[other].name
            if other in names
            else policies.get(other) or (gaz.get(other).full_name if other in gaz.by_id else other)
        )
        if target in label or (other in names and _find(sample_graph, target) is names[other]):
            assert rel.evidence and all(e.text for e in rel.evidence)
            return
    pytest.fail(f"no {kind} {source} -> {target}")


def test_sample_noise_and_plans_are_not_organisations(sample_graph: KnowledgeGraph) -> None:
    names = {normalize_name(n) for o in sample_graph.organizations for n in (o.name, *o.aliases)}
    assert not names & {normalize_name(n) for n in EXPECTED["forbidden"]}


def test_every_evidence_slices_its_document(sample_graph: KnowledgeGraph) -> None:
    texts = {d.id: d.text for d in read_paths([ARTICLES]).documents}
    for org in sample_graph.organizations:
        for ev in org.evidence:
            assert texts[ev.doc_id][ev.start : ev.end] == ev.text
    for rel in sample_graph.relations:
        for ev in rel.evidence:
            assert texts[ev.doc_id][ev.start : ev.end] == ev.text
