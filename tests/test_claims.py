"""bcikg.ingest.claims on hand-written sentences (tests/data/report/claims_cases.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from bcikg.ingest.claims import chain_terms, clauses, extract_claims
from bcikg.ingest.split import split_document
from bcikg.models import Document, SplitDocument

CASES = tomllib.loads((Path(__file__).parent / "data" / "report" / "claims_cases.toml").read_text("utf-8"))[
    "case"
]


def split_text(text: str, title: str | None = None) -> SplitDocument:
    doc = Document(
        id="doc:test000000000001",
        path="/fixtures/case.txt",
        format="txt",
        encoding="utf-8",
        title=title,
        text=text,
    )
    return split_document(doc)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_claim_cases(case: dict[str, Any]) -> None:
    split = split_text(case["text"])
    claims = extract_claims(split, case.get("doc_region"))
    assert len(claims) == len(case["expect"]), [c.model_dump() for c in claims]
    for claim, want in zip(claims, case["expect"], strict=True):
        assert claim.kind == want["kind"]
        assert claim.region_id == want["region"]
        if "exact_segments" in want:
            assert claim.segments == want["exact_segments"]
        for key in ("segments", "subsectors", "pillars"):
            assert set(want.get(key, [])) <= set(getattr(claim, key)), (key, getattr(claim, key))
        assert want["evidence"] in claim.evidence.text


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_claim_evidence_offsets_are_exact(case: dict[str, Any]) -> None:
    text = "前言一句。\n" + case["text"] + "\n结尾一句。"
    split = split_text(text)
    for claim in extract_claims(split, case.get("doc_region")):
        ev = claim.evidence
        assert text[ev.start : ev.end] == ev.text
        assert ev.text in ev.sentence
        assert ev.doc_id == split.document.id


def test_paragraph_context_attributes_unqualified_sentence() -> None:
    # the second sentence names no region, but its paragraph refers to the city as 我市
    text = "我市近年引进了多家企业。核心元器件自主可控程度不高。"
    claims = extract_claims(split_text(text), "region:中国/辽宁省/大连市")
    assert [(c.kind, c.region_id, c.segments) for c in claims] == [
        ("gap", "region:中国/辽宁省/大连市", ["upstream"])
    ]


def test_enumerated_subject_regions_each_get_a_claim() -> None:
    text = "杭州、南京等地在脑机芯片方面具有优势。"
    claims = extract_claims(split_text(text), "region:中国/江苏省")
    assert sorted(c.region_id for c in claims) == ["region:中国/江苏省/南京市", "region:中国/浙江省/杭州市"]


@pytest.mark.parametrize(
    ("text", "segments", "subsectors", "pillars"),
    [
        ("上游核心部件", ["upstream"], [], []),
        ("柔性电极与脑机芯片", ["upstream"], ["electrodes", "chips"], []),
        ("解码算法与康复训练", ["midstream", "downstream"], ["algorithms", "medical_rehabilitation"], []),
        ("临床资源和检测取证", [], [], ["clinical_resources", "testing"]),
        ("省工业和信息化厅", [], [], []),  # 工业 inside an agency name is not the industrial scenario
    ],
)
def test_chain_terms(text: str, segments: list[str], subsectors: list[str], pillars: list[str]) -> None:
    terms = chain_terms(text)
    assert terms.segments == segments
    assert terms.subsectors == subsectors
    assert terms.pillars == pillars


def test_clauses_keep_offsets() -> None:
    text = "甲乙，丙丁； 戊己"
    assert [text[s:e] for s, e in clauses(text)] == ["甲乙", "丙丁", "戊己"]
