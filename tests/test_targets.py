"""bcikg.ingest.targets on hand-written policy sentences (tests/data/report/targets_cases.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bcikg.ingest.split import split_document
from bcikg.ingest.targets import chinese_number, extract_targets
from bcikg.models import Document, SplitDocument

CASES = tomllib.loads((Path(__file__).parent / "data" / "report" / "targets_cases.toml").read_text("utf-8"))[
    "case"
]
REGION = "region:中国/江苏省"


def split_text(text: str) -> SplitDocument:
    doc = Document(
        id="doc:test000000000002", path="/fixtures/plan.txt", format="txt", encoding="utf-8", text=text
    )
    return split_document(doc)


def run(case: dict[str, Any], text: str | None = None) -> list[Any]:
    region = case.get("doc_region", REGION)
    return extract_targets(split_text(text or case["text"]), region, "示例方案" if case["policy"] else None)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_target_cases(case: dict[str, Any]) -> None:
    targets = run(case)
    assert len(targets) == len(case["expect"]), [t.model_dump() for t in targets]
    for target, want in zip(targets, case["expect"], strict=True):
        assert target.year == want["year"]
        assert target.quantity == want["quantity"]
        assert target.quantity_max == want.get("quantity_max")
        assert target.unit == want["unit"]
        assert target.subject == want["subject"]
        assert target.agencies == want.get("agencies", [])
        assert target.evidence.text == want["evidence"]
        assert target.region_id == want.get("region", case.get("doc_region", REGION))
        assert target.policy_key == ("示例方案" if case["policy"] else None)
        for key in ("segments", "subsectors", "pillars"):
            assert set(want.get(key, [])) <= set(getattr(target, key)), (key, getattr(target, key))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_target_evidence_offsets_are_exact(case: dict[str, Any]) -> None:
    text = "总体要求如下。\n" + case["text"] + "\n其他事项另行通知。"
    for target in run(case, text):
        ev = target.evidence
        assert text[ev.start : ev.end] == ev.text
        assert ev.text in ev.sentence


def test_agencies_come_from_the_note_after_the_target() -> None:
    text = (
        "1.建设平台。到2030年，建设2家检测平台。（省药监局负责）\n"
        "2.培育企业。到2030年，培育5家芯片企业。（省科技厅、省财政厅按职责分工负责）"
    )
    targets = extract_targets(split_text(text), REGION, "示例方案")
    assert [t.agencies for t in targets] == [["省药监局"], ["省科技厅", "省财政厅"]]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("20", 20.0),
        ("3.5", 3.5),
        ("三", 3.0),
        ("两", 2.0),
        ("十", 10.0),
        ("十五", 15.0),
        ("二十", 20.0),
        ("一百二十", 120.0),
    ],
)
def test_chinese_number(text: str, value: float) -> None:
    assert chinese_number(text) == value


# ---- the document's region comes from its body (bcikg.ingest.extract, document_region.toml) ----


def extract(text: str, title: str | None = None) -> Any:
    from bcikg.ingest.extract import extract_document

    doc = Document(
        id="doc:test000000000003",
        path="/fixtures/news.txt",
        format="txt",
        encoding="utf-8",
        title=title,
        text=text,
    )
    return extract_document(split_document(doc))


def test_a_dateline_is_not_the_documents_region() -> None:
    text = (
        "示例网北京6月2日消息，合肥市日前发布神经康复产业培育计划。\n"
        "合肥市将支持本地医院建设康复训练中心，到2028年建设3个康复示范中心。"
    )
    e = extract(text, title="示例网北京6月2日消息")  # scraped pages often keep the dateline as title
    assert e.document.region_id == "region:中国/安徽省/合肥市"
    assert {t.region_id for t in e.targets} == {"region:中国/安徽省/合肥市"}


def test_a_banner_place_does_not_outweigh_the_body() -> None:
    text = (
        "新澳门开奖结果查询 澳门今晚开奖\n"
        "澳门开奖直播 澳门资料大全\n"
        "贵州省近日出台神经调控产业措施，提出到2029年培育不少于4家电极企业。\n"
        "贵阳市的两家医院将参与临床评价，贵州省科技厅负责组织实施。"
    )
    e = extract(text, title="澳门开奖 贵州神经调控产业措施")
    assert e.document.region_id == "region:中国/贵州省"
    assert [t.region_id for t in e.targets] == ["region:中国/贵州省"]


def test_a_national_policy_document_is_national_and_so_are_its_targets() -> None:
    text = (
        "科技部等六部门关于加快神经接口器件发展的指导意见\n"
        "各省、自治区、直辖市有关部门：\n"
        "为加快神经接口器件发展，现提出如下意见。\n"
        "到2029年，培育不少于5家具有国际竞争力的电极企业，支持上海、深圳等地建设示范平台。"
    )
    e = extract(text, title="示例网北京6月2日消息 科技部等六部门关于加快神经接口器件发展的指导意见")
    assert e.document.region_id == "region:中国"
    assert e.targets and all(t.region_id == "region:中国" for t in e.targets)


def test_news_that_a_policy_was_issued_is_not_the_policy() -> None:
    text = "安徽发布神经康复产业培育方案\n安徽省提出，到2028年建设3个康复示范中心，相关医院积极参与。"
    e = extract(text)
    assert not any(p.is_document for p in e.policies)
    assert [t.region_id for t in e.targets] == ["region:中国/安徽省"]
