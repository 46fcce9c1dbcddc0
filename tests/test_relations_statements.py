"""Relations beyond the seeds' verbs, and LOCATED_IN only where the text states it.

Every sentence here is written for these tests (fictional firms); none comes from an article.
"""

from __future__ import annotations

import io
import json

import pytest
from conftest import extract_text, partners, relations

from bcikg.graph.build import build_graph
from bcikg.graph.export import write_jsonl
from bcikg.ingest.resolve import resolve

# ---------------------------------------------------------------- OPERATES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("澄曜脑机接口研究院由星河市第一人民医院牵头共建。", ("星河市第一人民医院", "澄曜脑机接口研究院")),
        (
            "澄曜大学脑机接口研究院聚焦高校科研资源，由澄曜大学牵头共建。",
            ("澄曜大学", "澄曜大学脑机接口研究院"),
        ),
        (
            "澄曜大学联合多家医院成立了星河类脑智能研究院。",
            ("澄曜大学", "星河类脑智能研究院"),
        ),
        # a hospital that brought in a lab runs it, even when the lab's name is generic
        (
            "星河市第五人民医院于2019年引进脑机接口临床转化实验室，开展康复治疗。",
            ("星河市第五人民医院", "脑机接口临床转化实验室"),
        ),
    ],
)
def test_builders_operate_what_they_build(text: str, expected: tuple[str, str]) -> None:
    assert expected in relations(text, "OPERATES")


def test_a_university_does_not_operate_its_own_centre() -> None:
    assert not relations("澄曜大学脑科学中心发布了新成果。", "OPERATES")


# ---------------------------------------------------------------- PARTNERS_WITH


def test_event_hosts_work_with_the_organisers() -> None:
    text = "本次论坛由星河市科学技术委员会主办，澄曜大学、澄曜医学院承办。"
    assert partners(text) >= {
        frozenset(("星河市科学技术委员会", "澄曜大学")),
        frozenset(("星河市科学技术委员会", "澄曜医学院")),
    }


def test_the_lead_unit_of_a_joint_work_works_with_each_unit() -> None:
    text = "该成果获得一等奖。主要完成单位：澄曜大学，星河医院，澄曜科技有限公司。"
    assert partners(text) == {
        frozenset(("澄曜大学", "星河医院")),
        frozenset(("澄曜大学", "澄曜科技有限公司")),
    }


def test_an_agreement_signed_with_a_bracketed_short_name_is_a_partnership() -> None:
    text = "澄曜科技有限公司于近日与星河脑机有限公司（以下简称：“星河脑机”）签署了《战略合作框架协议》。"
    assert frozenset(("澄曜科技有限公司", "星河脑机有限公司")) in partners(text)


def test_the_name_right_before_lianhe_is_the_partner() -> None:
    text = "“澄曜一号”是澄曜脑科学研究所(BCR)联合星河神经技术有限公司研发的脑机接口系统。"
    assert frozenset(("澄曜脑科学研究所", "星河神经技术有限公司")) in partners(text)


# ---------------------------------------------------------------- CLINICAL_TRIAL_AT


def test_hospitals_joined_in_a_first_implant_are_trial_sites() -> None:
    text = "近日由澄曜大学自动化学院教授团队牵头，联合星河市第一人民医院等完成全国首例植入手术。"
    assert ("澄曜大学自动化学院", "星河市第一人民医院") in relations(text, "CLINICAL_TRIAL_AT")
    # the trial says more than a partnership: no PARTNERS_WITH for the same pair there
    assert frozenset(("澄曜大学自动化学院", "星河市第一人民医院")) not in partners(text)


def test_a_hospital_implanting_a_company_device() -> None:
    text = "去年，星河医院神经外科团队为一名患者植入了澄曜科技有限公司自主研发的柔性电极。"
    assert ("澄曜科技有限公司", "星河医院") in relations(text, "CLINICAL_TRIAL_AT")


def test_the_device_maker_of_an_operation_told_just_before() -> None:
    text = (
        "上周，一名截瘫患者在星河市第一人民医院接受了脑机接口植入手术。"
        "此次手术采用的是来自北辰科技有限公司生产的柔性电极，共有128个通道。"
    )
    assert ("北辰科技有限公司", "星河市第一人民医院") in relations(text, "CLINICAL_TRIAL_AT")
    # a device named without an operation site before it is no trial
    assert not relations("此次手术采用的是北辰科技有限公司生产的柔性电极。", "CLINICAL_TRIAL_AT")


# ---------------------------------------------------------------- LOCATED_IN


def located(text: str) -> set[tuple[str, str]]:
    return relations(text, "LOCATED_IN")


@pytest.mark.parametrize(
    ("text", "org", "region"),
    [
        ("澄曜神经科技有限公司总部位于深圳市南山区，主营脑电采集设备。", "澄曜神经科技有限公司", "深圳市"),
        ("位于杭州的脑机接口公司——星河智能发布了新品。", "星河智能", "杭州市"),
        ("澄曜团队在上海注册成立上海星火脑机科技有限公司。", "上海星火脑机科技有限公司", "上海市"),
        ("星河智能科技有限公司2018年成立于中国深圳，已完成三轮融资。", "星河智能科技有限公司", "深圳市"),
        ("深圳市成立澄曜脑科学产业创新中心。", "澄曜脑科学产业创新中心", "深圳市"),
        ("杭州侵入式脑机接口公司星河智能宣布完成融资。", "星河智能", "杭州市"),
    ],
)
def test_a_stated_location_is_located_in(text: str, org: str, region: str) -> None:
    assert any(source == org and target.endswith(region) for source, target in located(text))


def test_a_place_elsewhere_is_no_home_for_a_named_place() -> None:
    # the name places the firm in Shanghai; a site in another province is not its home
    text = "上海星火脑机科技有限公司落户于成都市，建设生产基地。"
    assert not any(target.endswith("成都市") for _, target in located(text))
    assert located(
        "澄曜智能科技有限公司落户于成都市，建设生产基地。"
    )  # the same words place a firm without one


def test_its_place_in_the_next_clause() -> None:
    # 其 in the second clause is the subject of the first
    text = "北辰脑机接口创新中心在上海启动建设，其位于星河生物医药产业园，配套临床资源。"
    assert ("北辰脑机接口创新中心", "星河生物医药产业园") in located(text)


def test_an_org_founded_in_a_park() -> None:
    text = "星河智能科技有限公司在澄曜生物医药产业园诞生，随后快速成长。"
    assert ("星河智能科技有限公司", "澄曜生物医药产业园") in located(text)


def export_lines(*texts: str) -> list[dict]:
    extractions = [extract_text(t, f"doc:{i}") for i, t in enumerate(texts)]
    buf = io.StringIO()
    write_jsonl(build_graph(resolve(extractions)), buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_only_stated_homes_are_relationship_lines_of_the_export() -> None:
    lines = export_lines(
        "澄曜神经科技有限公司总部位于深圳市南山区，主营脑电采集设备。",
        "上海星火脑机科技有限公司发布了新一代脑电帽。",
    )
    orgs = {r["name"]: r for r in lines if "aliases" in r and "source" not in r}
    # both keep their home region in the organisation's record
    assert "深圳市" in orgs["澄曜神经科技有限公司"]["region_id"]  # 深圳市南山区, as stated
    assert orgs["上海星火脑机科技有限公司"]["region_id"].endswith("上海市")
    located_lines = [r for r in lines if r.get("type") == "LOCATED_IN" and "source" in r]
    sources = {r["source"] for r in located_lines}
    assert orgs["澄曜神经科技有限公司"]["id"] in sources
    # the home read from the name alone is not stated by any sentence: no relationship line
    assert orgs["上海星火脑机科技有限公司"]["id"] not in sources
    (stated,) = located_lines
    assert stated["properties"]["stated"] and "总部位于" in stated["evidence"][0]["sentence"]


def test_the_graph_keeps_every_home() -> None:
    kg = resolve([extract_text("上海星火脑机科技有限公司发布了新一代脑电帽。")])
    homes = [r for r in kg.relations if r.type == "LOCATED_IN" and r.target.startswith("region:")]
    assert [r.properties for r in homes] == [{"home": True, "stated": False}]


def test_a_short_name_followed_by_a_year_is_still_a_mention() -> None:
    text = "星河医疗是一家脑机接口企业。星河医疗2017年成立于中国深圳，已完成三轮融资。"
    assert any(source == "星河医疗" and target.endswith("深圳市") for source, target in located(text))


def test_a_stated_city_refines_a_home_that_is_only_the_country() -> None:
    lines = export_lines("星河医疗是一家脑机接口企业。星河医疗2017年成立于中国深圳，已完成三轮融资。")
    (org,) = [r for r in lines if r.get("name") == "星河医疗"]
    assert org["region_id"].endswith("深圳市")


def test_the_company_spoken_of_before() -> None:
    text = (
        "澄曜脑机科技有限公司发布了新一代脑电帽。\n"
        "该公司成立于2016年，总部位于北京市海淀区。\n"
        "2023年，公司完成B轮融资，由红杉资本领投，星河产业基金跟投。"
    )
    found = extract_text(text).relations
    (home,) = [r for r in found if r.kind == "LOCATED_IN"]
    assert home.source == "澄曜脑机科技有限公司" and home.target.endswith("海淀区")
    assert home.evidence.text == "总部位于北京市海淀区"
    assert {(r.source, r.target) for r in found if r.kind == "INVESTS_IN"} == {
        ("红杉资本", "澄曜脑机科技有限公司"),
        ("星河产业基金", "澄曜脑机科技有限公司"),
    }


def test_a_project_started_in_a_place_signs_the_company_in() -> None:
    text = "上海澄曜脑机科技有限公司的超级工厂项目在江西省南昌市正式动工。"
    assert ("上海澄曜脑机科技有限公司", "region:中国/江西省/南昌市") in relations(text, "SIGNED_IN")
    # a project at home is no settlement elsewhere
    assert not relations("上海澄曜脑机科技有限公司的新厂在上海市正式动工。", "SIGNED_IN")


def test_associations_host_events() -> None:
    text = "本次会议由澄曜市科学技术协会主办，澄曜康复医学会承办。"
    assert frozenset(("澄曜市科学技术协会", "澄曜康复医学会")) in partners(text)


def test_a_team_led_trial_with_doctors_of_several_hospitals() -> None:
    text = (
        "这是国内第一例介入式脑机接口辅助康复的试验，近日由澄曜大学人工智能学院某教授团队牵头，"
        "联合星河市第一人民医院张某教授、星河市第二人民医院李某教授等人完成。"
    )
    assert relations(text, "CLINICAL_TRIAL_AT") == {
        ("澄曜大学人工智能学院", "星河市第一人民医院"),
        ("澄曜大学人工智能学院", "星河市第二人民医院"),
    }


def test_a_park_named_with_its_place_states_where_it_is() -> None:
    lines = export_lines("澄曜智能科技有限公司在成都澄曜国际生物城诞生。")
    names = {r["id"]: r.get("name") for r in lines if "source" not in r}
    located_lines = {(names.get(r["source"]), r["target"]) for r in lines if r.get("type") == "LOCATED_IN"}
    assert ("澄曜智能科技有限公司", next(i for i, n in names.items() if n == "成都澄曜国际生物城")) in (
        located_lines
    )
    assert any(n == "成都澄曜国际生物城" and t.endswith("成都市") for n, t in located_lines)
