"""Resolution: one node per real organisation, deterministic ids, name normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcikg.ingest.extract import extract_document
from bcikg.ingest.resolve import _is_abbreviation, company_core, resolve
from bcikg.ingest.split import split_document
from bcikg.ingest.textutil import normalize_name
from bcikg.models import Document, DocumentExtraction


def extract(text: str, doc_id: str, title: str | None = None) -> DocumentExtraction:
    doc = Document(id=doc_id, path=f"/{doc_id}.txt", format="txt", encoding="utf-8", title=title, text=text)
    return extract_document(split_document(doc))


# ---------------------------------------------------------------- normalisation


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_normalize_name_is_idempotent(name: str) -> None:
    once = normalize_name(name)
    assert normalize_name(once) == once


@settings(max_examples=200)
@given(st.text(alphabet="脑机接口科技医疗研究院上海市北京(（）) \u3000", min_size=1, max_size=20))
def test_normalize_name_ignores_spacing_and_width(name: str) -> None:
    assert normalize_name(name) == normalize_name(name.replace(" ", "").replace("\u3000", ""))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("上海脑虎科技有限公司", "上海脑虎科技"),
        ("某某科技（上海）有限公司", "某某科技有限公司"),
        ("“区域型TTO”平台", "区域型TTO平台"),
        ("ＡＢＣ医疗", "ABC医疗"),
    ],
)
def test_normalize_name_equivalences(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("上海脑虎科技有限公司", "脑虎"),
        ("脑虎科技", "脑虎"),
        ("江西脑虎", "脑虎"),
        ("河南翔宇医疗", "翔宇"),
        ("临港集团", "临港集团"),  # a place and a legal head only: the name is its own key
    ],
)
def test_company_core(name: str, core: str) -> None:
    assert company_core(name) == core


@pytest.mark.parametrize(
    ("short", "full", "expected"),
    [
        ("南大一附院", "南昌大学第一附属医院", True),
        ("工信部", "工业和信息化部", True),
        ("北大", "北京大学", True),
        ("南大一附院", "南京大学医学院附属鼓楼医院", False),
        ("省政府", "省人民医院", False),
        ("华山医院", "复旦大学附属华山医院", False),  # a tail, not an abbreviation (handled separately)
    ],
)
def test_abbreviation_rule(short: str, full: str, expected: bool) -> None:
    assert _is_abbreviation(short, full) is expected


# ---------------------------------------------------------------- merging across documents


def test_short_and_full_names_merge_across_documents() -> None:
    a = extract("2026年,杭州澜湖神经科技有限公司在杭州发布新品。", "doc:a")
    b = extract("澜湖神经董事长张某表示,公司正扩大产能。", "doc:b")
    c = extract("上游,澜湖神经专注柔性电极研发。", "doc:c")
    kg = resolve([a, b, c])
    lanhu = [o for o in kg.organizations if "澜湖" in o.name]
    assert len(lanhu) == 1
    org = lanhu[0]
    assert org.name == "杭州澜湖神经科技有限公司"
    assert "澜湖神经" in org.aliases
    assert {e.doc_id for e in org.evidence} == {"doc:a", "doc:b", "doc:c"}


def test_hospital_abbreviation_and_tail_merge() -> None:
    a = extract("患者在吉州大学第一附属医院完成手术。吉大一附院专家介绍了病情。", "doc:h1")
    b = extract("复兴大学附属松江医院与多家企业合作。松江医院院长出席。", "doc:h2")
    kg = resolve([a, b])
    hospitals = sorted(o.name for o in kg.organizations if o.type == "Hospital")
    assert hospitals == ["吉州大学第一附属医院", "复兴大学附属松江医院"]


def test_generic_names_are_kept_apart_by_region() -> None:
    jx = extract("赣江新区设立3亿元脑机接口专项基金。", "doc:g1")
    sh = extract("上海市设立10亿元脑机接口专项基金。", "doc:g2")
    kg = resolve([jx, sh])
    funds = [o for o in kg.organizations if o.type == "Fund"]
    assert len(funds) == 2
    assert {o.region for o in funds} == {"region:中国/江西省/赣江新区", "region:中国/上海市"}


def test_resolution_is_deterministic_and_order_independent() -> None:
    docs = [
        extract("苏州澄心医疗与苏州大学附属第一医院合作开展临床试验。", "doc:d1"),
        extract("澄心医疗完成融资,由苏州前沿基金领投。", "doc:d2"),
        extract("苏州市科技局、市工信局负责人出席签约仪式。", "doc:d3"),
    ]
    first = resolve(docs)
    second = resolve(list(reversed(docs)))
    assert first.model_dump() == second.model_dump()
    assert first.model_dump_json() == resolve(docs).model_dump_json()


def test_every_home_region_has_one_located_in_relation() -> None:
    kg = resolve([extract("苏州澄心医疗总部位于苏州,与苏州大学附属第一医院合作。", "doc:r1")])
    for org in kg.organizations:
        located = [
            r
            for r in kg.relations
            if r.type == "LOCATED_IN" and r.source == org.id and r.target.startswith("region:")
        ]
        assert len(located) == (1 if org.region else 0)
        if org.region:
            assert located[0].target == org.region
    region_ids = {r.id for r in kg.regions}
    for org in kg.organizations:
        if org.region:
            assert org.region in region_ids
