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
