"""Relation patterns of general Chinese news prose, and the names they need.

Every sentence here is written for these tests (fictional firms and bodies); none comes from an
article.
"""

from __future__ import annotations

import pytest

from bcikg.domain.chinese import normalize_text
from bcikg.domain.regions import gazetteer
from bcikg.ingest.extract import extract_document
from bcikg.ingest.names import SentenceNames
from bcikg.ingest.split import split_document
from bcikg.models import Document, DocumentExtraction


def names_in(sentence: str) -> set[str]:
    return {c.name for c in SentenceNames(normalize_text(sentence), gazetteer(), [], False).candidates}


def extract_text(text: str) -> DocumentExtraction:
    doc = Document(id="doc:relgen", path="/relgen.txt", format="txt", encoding="utf-8", text=text)
    return extract_document(split_document(doc))


def relations(text: str, kind: str) -> set[tuple[str, str]]:
    return {(r.source, r.target) for r in extract_text(text).relations if r.kind == kind}


def partners(text: str) -> set[frozenset[str]]:
    return {frozenset(pair) for pair in relations(text, "PARTNERS_WITH")}


# ---------------------------------------------------------------- names the relations need


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a stock code after a dash: 之一——某某(600000.SH)
        ("行业五强之一——澄禾龙(688999.SH)也宣布进军脑机接口。", {"澄禾龙"}),
        ("国内龙头——青曜医疗(300998)发布公告。", {"青曜医疗"}),
    ],
)
def test_listed_company_after_a_dash(sentence: str, expected: set[str]) -> None:
    assert names_in(sentence) >= expected


def test_a_legal_name_inside_a_decision_title_is_a_name() -> None:
    text = "监管部门在《关于对星河市澄禾龙生物科技股份有限公司予以监管警示的决定》中指出问题。"
    assert "星河市澄禾龙生物科技股份有限公司" in names_in(text)


def test_a_policy_title_still_hides_the_bodies_it_names() -> None:
    # only a legal name (…有限公司) stands out of a title; a plan's body words do not
    assert not names_in("会上发布了《星河市脑机接口产业创新中心建设方案》。")


# ---------------------------------------------------------------- PARTNERS_WITH


def test_a_listed_company_announcing_a_partner_works_with_it() -> None:
    text = (
        "国内龙头——澄禾龙(688999.SH)近日宣布跨界。"
        "1月6日晚间，澄禾龙公告，公司于近日与星河脑链科技有限公司签署了《战略合作框架协议》。"
    )
    assert frozenset(("澄禾龙", "星河脑链科技有限公司")) in partners(text)
