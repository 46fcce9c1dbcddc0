"""Investors and funding rounds: investor names are Funds, rounds give INVESTS_IN.

Every sentence here is written for these tests (fictional firms); none comes from an article.
"""

from __future__ import annotations

import pytest

from bcikg.domain.regions import gazetteer
from bcikg.ingest.extract import extract_document
from bcikg.ingest.names import SentenceNames
from bcikg.ingest.split import split_document
from bcikg.models import Document, DocumentExtraction


def extract_text(text: str, doc_id: str = "doc:inv") -> DocumentExtraction:
    doc = Document(id=doc_id, path=f"/{doc_id}.txt", format="txt", encoding="utf-8", text=text)
    return extract_document(split_document(doc))


def investments(text: str) -> set[tuple[str, str]]:
    return {(r.source, r.target) for r in extract_text(text).relations if r.kind == "INVESTS_IN"}


def types(text: str) -> dict[str, str]:
    return {m.name: m.type for m in extract_text(text).orgs}


def candidates(sentence: str) -> dict[str, str]:
    return {c.name: c.type for c in SentenceNames(sentence, gazetteer(), [], False).candidates}


# ---------------------------------------------------------------- investors are Funds


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("本轮融资由青岚资本领投。", "青岚资本"),
        ("云杉创投跟投了这轮融资。", "云杉创投"),
        ("本轮由北溟投资独家投资。", "北溟投资"),
        ("栖梧投资管理参与了本轮。", "栖梧投资管理"),
        ("此外，岚山产业基金也参与了投资。", "岚山产业基金"),
    ],
)
def test_investor_names_are_funds(sentence: str, name: str) -> None:
    assert candidates(sentence).get(name) == "Fund"


@pytest.mark.parametrize(
    "sentence",
    [
        "该项目获得预算内基本建设投资支持。",  # a long common phrase before 投资
        "该公司加大了股权投资力度。",  # a common word before 投资
        "由红枫资本投资的项目进展顺利。",  # 投资 after an investor's name is a verb
    ],
)
def test_investor_words_do_not_make_names_of_phrases(sentence: str) -> None:
    found = candidates(sentence)
    assert not [n for n in found if n.endswith("投资") and n not in ("红枫资本",)]


def test_a_company_that_invests_stays_a_company() -> None:
    found = types("澄曜医疗科技有限公司战略投资了星火脑机有限公司。")
    assert found.get("澄曜医疗科技有限公司") == "Company"


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        # role words of a round are not part of the investor's name
        ("由青岚资本领投，云杉创投、老股东远山资本跟投。", {"青岚资本", "云杉创投", "远山资本"}),
        ("此次B轮融资领投方北溟资本的合伙人表示看好赛道。", {"北溟资本"}),
        # two investors joined by 和 are two names
        ("上海青禾投资和上海白露投资跟投。", {"上海青禾投资", "上海白露投资"}),
    ],
)
def test_round_role_words_end_an_investor_name(sentence: str, names: set[str]) -> None:
    assert set(candidates(sentence)) >= names
    assert not any(n.startswith(("老股东", "领投方")) for n in candidates(sentence))


# ---------------------------------------------------------------- funding rounds give INVESTS_IN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "星火脑机有限公司近日完成数亿元B轮融资，由青岚资本领投，云杉创投、白鹭资本跟投。",
            {
                ("青岚资本", "星火脑机有限公司"),
                ("云杉创投", "星火脑机有限公司"),
                ("白鹭资本", "星火脑机有限公司"),
            },
        ),
        (
            "青禾医疗宣布完成数千万元A轮融资。本轮融资由北溟资本和远山创投联合领投，老股东白鹭资本追加投资。",
            {("北溟资本", "青禾医疗"), ("远山创投", "青禾医疗"), ("白鹭资本", "青禾医疗")},
        ),
        (
            "神经科技企业岚光智能已获得近亿元天使轮融资，投资方为青岚资本、云杉创投。",
            {("青岚资本", "岚光智能"), ("云杉创投", "岚光智能")},
        ),
        (
            "星火脑机有限公司获得天使轮融资，由北溟资本独家投资。",
            {("北溟资本", "星火脑机有限公司")},
        ),
        (
            "麓山生物完成由青岚资本领投、白鹭资本和云杉创投共同投资的Pre-A轮融资。",
            {("青岚资本", "麓山生物"), ("白鹭资本", "麓山生物"), ("云杉创投", "麓山生物")},
        ),
    ],
)
def test_funding_rounds_name_their_investors(text: str, expected: set[tuple[str, str]]) -> None:
    assert investments(text) >= expected


def test_a_later_sentence_about_the_round_keeps_its_company() -> None:
    text = (
        "岚光智能成立于2020年，专注柔性电极研发。\n"
        "日前，岚光智能宣布完成A轮融资。\n"
        "“我们看好这个赛道。”此次A轮融资领投方北溟资本的合伙人说。"
    )
    assert ("北溟资本", "岚光智能") in investments(text)


def test_a_company_introduced_by_its_trade_words_is_the_investee() -> None:
    # the raising company written with a descriptor before its name and a bracketed full name
    text = (
        "脑科学创新企业「岚光智能」（全称：杭州岚光智能科技有限公司），近日完成B轮融资。"
        "本轮融资由青岚资本领投。"
    )
    found = investments(text)
    assert any(source == "青岚资本" and "岚光智能" in target for source, target in found)


def test_a_financial_adviser_is_not_an_investor() -> None:
    text = "星火脑机有限公司完成B轮融资，由青岚资本领投，白鹭资本担任独家财务顾问。"
    found = investments(text)
    assert ("青岚资本", "星火脑机有限公司") in found
    assert not any(source == "白鹭资本" for source, _ in found)


def test_co_investors_are_not_partners() -> None:
    text = "星火脑机有限公司完成A轮融资，本轮由青岚资本和白鹭资本联合领投。"
    relations = extract_text(text).relations
    assert not [r for r in relations if r.kind == "PARTNERS_WITH"]
    assert {("青岚资本", "星火脑机有限公司"), ("白鹭资本", "星火脑机有限公司")} <= {
        (r.source, r.target) for r in relations if r.kind == "INVESTS_IN"
    }


def test_a_round_in_another_paragraph_does_not_lend_its_company() -> None:
    text = "星火脑机有限公司完成A轮融资，由青岚资本领投。\n\n会上，白鹭资本跟投的话题引发讨论。"
    assert not any(source == "白鹭资本" for source, _ in investments(text))


def test_investment_evidence_is_the_sentence_that_states_it() -> None:
    text = "星火脑机有限公司完成A轮融资，由青岚资本领投。"
    (rel,) = [r for r in extract_text(text).relations if r.kind == "INVESTS_IN"]
    assert rel.evidence.sentence == text
    assert "青岚资本" in rel.evidence.text and "星火脑机有限公司" in rel.evidence.text
    assert text[rel.evidence.start : rel.evidence.end] == rel.evidence.text


def test_a_shareholder_word_inside_a_list_of_investors() -> None:
    text = "青禾医疗完成A轮融资，由北溟资本领投，白鹭资本、老股东远山资本跟投。"
    assert investments(text) >= {
        ("北溟资本", "青禾医疗"),
        ("白鹭资本", "青禾医疗"),
        ("远山资本", "青禾医疗"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("北溟资本领投了星火脑机有限公司的A轮融资。", ("北溟资本", "星火脑机有限公司")),
        ("领投星火脑机有限公司的北溟资本表示看好。", ("北溟资本", "星火脑机有限公司")),
        ("星火脑机有限公司获得北溟资本的战略投资。", ("北溟资本", "星火脑机有限公司")),
        ("青禾医疗完成B轮融资，白鹭资本也参与了投资。", ("白鹭资本", "青禾医疗")),
    ],
)
def test_other_ways_of_stating_an_investment(text: str, expected: tuple[str, str]) -> None:
    assert expected in investments(text)


def test_building_a_park_is_no_investment_in_it() -> None:
    text = "星河集团宣布投资十亿元建设澄曜脑机接口产业园。"
    assert not investments(text)


def test_an_investor_without_a_suffix_is_a_fund_a_company_stays_one() -> None:
    found = types("青禾医疗完成A轮融资，由北溟资本领投，星辰医疗科技有限公司、白石、青松跟投。")
    assert found.get("白石") == "Fund" and found.get("青松") == "Fund"
    assert found.get("星辰医疗科技有限公司") == "Company"
    assert found.get("青禾医疗") == "Company"


def test_a_company_that_an_investor_backs() -> None:
    assert ("红杉资本", "澄曜脑机科技有限公司") in investments("澄曜脑机科技有限公司是红杉资本投资的企业。")


@pytest.mark.parametrize("sentence", ["医疗投资是今年的热点。", "要加大科技投资力度。"])
def test_an_industry_word_before_touzi_is_no_investor(sentence: str) -> None:
    assert not candidates(sentence)


def test_a_listed_company_with_its_stock_code_takes_a_stake() -> None:
    text = "澄曜科技股份有限公司(300999)参股脑机接口技术公司杭州星河医疗科技有限公司。"
    assert ("澄曜科技股份有限公司", "杭州星河医疗科技有限公司") in investments(text)
    assert types(text).get("澄曜科技股份有限公司") == "Company"
