"""Relation patterns of general Chinese news prose, and the names they need.

Every sentence here is written for these tests (fictional firms and bodies); none comes from an
article.
"""

from __future__ import annotations

import pytest
from conftest import extract_text, names_in, partners, relations

from bcikg.domain.chinese import normalize_text
from bcikg.domain.regions import gazetteer
from bcikg.ingest.names import SentenceNames
from bcikg.ingest.resolve import resolve

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


def test_a_list_ends_at_its_deng() -> None:
    # two lists in one clause: the company of the second, named without a suffix, is found
    text = "澄曜大学、星河类脑实验室等联合青禾电子等企业、高校发布多项成果。"
    assert names_in(text) >= {"澄曜大学", "星河类脑实验室", "青禾电子"}


def test_a_list_of_fields_is_no_list_of_names() -> None:
    assert "运动康复" not in names_in("澄曜大学等单位聚焦运动康复、言语交流等领域开展研究。")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("这款机器人与深圳先进院合作研发。", {"深圳先进院"}),
        ("团队来自杭州智能院，已发表多篇论文。", {"杭州智能院"}),
    ],
)
def test_a_research_institutes_short_form(sentence: str, expected: set[str]) -> None:
    assert names_in(sentence) >= expected


@pytest.mark.parametrize(
    "sentence",
    [
        "他们在上海大剧院演出。",  # a theatre
        "北京电影院的观众很多。",  # a cinema
        "患者转入浙大二院治疗。",  # a numbered hospital, not a place and a word
    ],
)
def test_a_place_a_word_and_yuan_is_not_always_an_institute(sentence: str) -> None:
    found = SentenceNames(normalize_text(sentence), gazetteer(), [], False).candidates
    assert not [c.name for c in found if c.rule == "short"]


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


def test_partners_joined_by_lianhe_after_a_list_ending_in_deng() -> None:
    text = "澄曜大学、星河类脑实验室等联合青禾电子等企业、高校发布多项成果。"
    assert partners(text) >= {
        frozenset(("澄曜大学", "青禾电子")),
        frozenset(("星河类脑实验室", "青禾电子")),
    }


# ---------------------------------------------------------------- OPERATES: subsidiaries


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "由青禾电子在脑机接口领域的核心企业——星链云脑(天津)科技有限公司牵头的项目正式启动。",
            ("青禾电子", "星链云脑(天津)科技有限公司"),
        ),
        ("澄曜集团的全资子公司星河神经科技有限公司发布了新产品。", ("澄曜集团", "星河神经科技有限公司")),
        ("星河神经科技有限公司是澄曜集团的控股子公司。", ("澄曜集团", "星河神经科技有限公司")),
    ],
)
def test_a_parent_runs_its_subsidiary(text: str, expected: tuple[str, str]) -> None:
    assert expected in relations(text, "OPERATES")


@pytest.mark.parametrize(
    "text",
    [
        # a partner, not a subsidiary; and 其子公司, whose parent the clause does not name
        "澄曜集团与星河神经科技有限公司签署合作协议，双方将共建子公司。",
        "澄曜集团宣布，其子公司星河神经科技有限公司完成融资。",
    ],
)
def test_no_subsidiary_without_a_parent_named_before_the_role(text: str) -> None:
    assert not relations(text, "OPERATES")


# ---------------------------------------------------------------- OPERATES: a university's units


def test_a_unit_named_after_gaixiao_belongs_to_the_university_named_before() -> None:
    text = (
        "星河大学今天发布最新科研成果。"
        "该校知是高等研究院脑机接口团队与星河市第一人民医院神经外科合作完成了首例植入手术。"
    )
    ex = extract_text(text)
    assert "知是高等研究院" in {o.name for o in ex.orgs}
    ops = {(r.source, r.target) for r in ex.relations if r.kind == "OPERATES"}
    assert ("星河大学", "知是高等研究院") in ops


def test_a_unit_keeps_its_university_out_of_its_name() -> None:
    # the unit's name starts after 该校 even where the tokenizer splits its first words
    assert "知是高等研究院" in names_in("该校知是高等研究院发布了新成果。")


def test_gaixiao_without_a_university_named_before_runs_nothing() -> None:
    text = "星河科技有限公司发布新品。该校知是高等研究院参与了测试。"
    assert not relations(text, "OPERATES")


def test_a_unit_is_where_its_university_is_and_its_team_places_it_on_the_chain() -> None:
    text = (
        "苏州澄曜大学今天发布最新科研成果。"
        "该校知是高等研究院脑机接口团队与星河市第一人民医院合作完成了首例脑机接口植入手术。"
    )
    graph = resolve([extract_text(text)])
    orgs = {o.name: o for o in graph.organizations}
    unit = orgs["知是高等研究院"]
    assert unit.region == orgs["苏州澄曜大学"].region is not None
    assert unit.segment == ["midstream"]


# ---------------------------------------------------------------- LOCATED_IN: a group named with its place


@pytest.mark.parametrize(
    "text",
    [
        "杭州“六小强”中的星河脑科技有限公司，深耕非侵入式脑机接口领域。",
        "据报道，杭州六小强之一星河脑科技有限公司完成新一轮融资。",
    ],
)
def test_a_member_of_a_group_named_with_its_place_is_there(text: str) -> None:
    assert ("星河脑科技有限公司", "region:中国/浙江省/杭州市") in relations(text, "LOCATED_IN")


@pytest.mark.parametrize(
    "text",
    [
        "全国十强之一星河脑科技有限公司完成新一轮融资。",  # the country is no home
        "它与杭州的合作伙伴中的星河脑科技有限公司签约。",  # 的: a phrase, not a group's name
    ],
)
def test_no_home_from_a_group_without_its_own_place(text: str) -> None:
    assert not relations(text, "LOCATED_IN")


# ---------------------------------------------------------------- a product as the subject


def test_a_product_named_as_subject_speaks_of_its_maker() -> None:
    text = "近日，澄曜医疗发布了一款血管介入机器人，这款手术机器人与星河大学合作研发，已完成样机。"
    assert frozenset(("澄曜医疗", "星河大学")) in partners(text)


def test_a_product_without_a_maker_named_has_no_partner() -> None:
    assert not partners("这款手术机器人与星河大学合作研发，已完成样机。")


# ---------------------------------------------------------------- OPERATES: launching a platform


def test_who_launches_a_platform_runs_it() -> None:
    text = "星河市第一人民医院院长张某现场发布了面向开发者的“星脑脑电数据联盟”。"
    assert ("星河市第一人民医院", "星脑脑电数据联盟") in relations(text, "OPERATES")


@pytest.mark.parametrize(
    "text",
    [
        "会上发布了“星脑脑电数据联盟”等平台。",  # no one named launches it
        "星河市第一人民医院表示，鼓励发布“星脑脑电数据联盟”。",  # a wish, not a launch
    ],
)
def test_no_operator_for_a_platform_launched_by_no_one_named(text: str) -> None:
    assert not relations(text, "OPERATES")


# ---------------------------------------------------------------- LOCATED_IN: a park named with its place


def _stated_homes(text: str) -> dict[str, str]:
    graph = resolve([extract_text(text)])
    names = {o.id: o.name for o in graph.organizations}
    return {
        names[r.source]: r.target
        for r in graph.relations
        if r.type == "LOCATED_IN" and r.properties.get("home") and r.properties.get("stated")
    }


def test_a_seat_in_a_park_named_with_its_place_states_the_home() -> None:
    text = "南京澄曜生物有限公司成立于2019年，总部位于南京市江北新区星河科技园。"
    assert _stated_homes(text).get("南京澄曜生物有限公司") == "region:中国/江苏省/南京市"


def test_a_seat_in_a_park_without_a_place_states_no_home() -> None:
    text = "南京澄曜生物有限公司成立于2019年，总部位于星河科技园。"
    assert "南京澄曜生物有限公司" not in _stated_homes(text)


# ---------------------------------------------------------------- A联合B、C与D共同…


def test_those_joined_by_lianhe_act_with_the_lead_and_the_lead_with_the_rest() -> None:
    text = (
        "本次大赛由星河市科协联合澄曜学会、苏州澄曜青年人才自主创新发展中心等社会组织与青禾科技集团共同发起。"
    )
    assert partners(text) == {
        frozenset(("星河市科协", "澄曜学会")),
        frozenset(("星河市科协", "苏州澄曜青年人才自主创新发展中心")),
        frozenset(("星河市科协", "青禾科技集团")),
    }


def test_a_verb_before_a_name_does_not_cut_a_policy_compound() -> None:
    # 自主创新 is one word in a name; 自主研发 after a company's name still ends it
    assert "苏州澄曜青年人才自主创新发展中心" in names_in("苏州澄曜青年人才自主创新发展中心举办活动。")
    assert "澄曜医疗" in names_in("这是澄曜医疗自主研发的第二代系统。")


def test_gaiyuan_stands_for_the_hospital_or_institute_named_before() -> None:
    text = "澄曜大学在本市设有分校。星河市第一人民医院是一家三甲医院。该院澄心脑机接口实验室于去年投用。"
    ops = relations(text, "OPERATES")
    assert ("星河市第一人民医院", "澄心脑机接口实验室") in ops
    assert ("澄曜大学", "澄心脑机接口实验室") not in ops
