"""General rules of Chinese organisation names added for recall and precision on new text: each
rule with sentences of our own (invented firms), positive and negative."""

from __future__ import annotations

import pytest
from conftest import assert_names, names_in

from bcikg.domain.chinese import normalize_text
from bcikg.domain.regions import gazetteer
from bcikg.ingest.extract import extract_document
from bcikg.ingest.names import SentenceNames
from bcikg.ingest.split import split_document
from bcikg.models import Document

# ---------------------------------------------------------------- 由A和B基金领投


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # a brand written bare, joined to a fund named by its suffix: two investors
        ("本轮融资由星辰和青禾中国种子基金领投，涌铧投资跟投。", {"星辰", "青禾中国种子基金"}, set()),
        ("本轮由云湖及北辰创新基金共同领投。", {"云湖", "北辰创新基金"}, set()),
        # a place before 和 is no investor
        ("本轮由北京和上海青禾基金领投。", set(), {"北京"}),
    ],
)
def test_bare_investor_joined_to_fund(sentence: str, present: set[str], absent: set[str]) -> None:
    assert_names(sentence, present, absent)


# ---------------------------------------------------------------- roles and verbs around a name


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # 附属公司 is a role word: the name starts after it; 开发 after an industry word ends the name
        ("青禾集团发布公告称其附属公司云舟药业开发的注射液已获批上市。", {"云舟药业", "青禾集团"}, set()),
        ("北辰控股公司云帆医疗开发的头环已上市。", {"云帆医疗"}, set()),
        # a name never runs across a verb of a visit
        (
            "他在青禾大学新生入学参观神经工程实验室的时候产生了兴趣。",
            {"青禾大学"},
            {"青禾大学新生入学参观神经工程实验室"},
        ),
        ("代表团考察北辰医疗科技有限公司。", {"北辰医疗科技有限公司"}, {"代表团考察北辰医疗科技有限公司"}),
    ],
)
def test_role_words_and_visit_verbs(sentence: str, present: set[str], absent: set[str]) -> None:
    assert_names(sentence, present, absent)


# ---------------------------------------------------------------- names a context delimits


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # corner quotes round a firm's name in business news, with a verb of a firm after it
        ("36氪近期接触的医疗科技团队「云帆医科」，正在研发某某手环。", {"云帆医科"}, set()),
        ("「星海一健康」用“一体化系统”实现数字化。", {"星海一健康"}, set()),
        ("「青橙生物」完成近亿元Pre-A轮融资。", {"青橙生物"}, set()),
        # corner quotes round a product, a saying or a field: no name
        ("一枚像火柴盒大小的「电子医生」被植入颅骨下。", set(), {"电子医生"}),
        ("她说：「我的孩子有救了。」", set(), {"我的孩子有救了"}),
        ("「智慧体检」将成为一匹黑马。", set(), {"智慧体检"}),
        # the subject of a funding round at a clause start
        ("云舟康完成数亿元B+轮融资", {"云舟康"}, set()),
        ("居家照护服务机构云舟康于近日完成由北辰资本领投的数亿元B+轮融资。", {"云舟康", "北辰资本"}, set()),
        ("本轮完成融资后，公司将扩产。", set(), {"本轮"}),
        ("目前已完成数亿元融资。", set(), {"目前"}),
        ("国内脑机接口行业获得融资的37家企业中，仅4家布局侵入式。", set(), {"国内脑机接口行业"}),
        # 一家名为“X”的公司: the class noun says what X is
        ("一家名为“星和脑科学”的公司宣布获得天使轮融资。", {"星和脑科学"}, set()),
        ("一款名为“脑语者”的产品发布。", set(), {"脑语者"}),
    ],
)
def test_names_delimited_by_context(sentence: str, present: set[str], absent: set[str]) -> None:
    assert_names(sentence, present, absent)


# ---------------------------------------------------------------- a hospital's departments


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # a place's numbered hospital written short (某州三院), then its departments: the hospital
        ("惠州三院康复医学中心作业治疗部部长介绍。", {"惠州三院"}, {"惠州三院康复医学中心作业治疗部"}),
        ("杭州市第三人民医院康复医学中心作业治疗部部长介绍了新技术。", {"杭州市第三人民医院"}, set()),
        ("惠州三院康复医学中心的医生介绍了新技术。", {"惠州三院"}, set()),
        # a domain word makes the unit a platform of its own
        ("杭州市第三人民医院脑机接口临床研究中心揭牌。", {"杭州市第三人民医院脑机接口临床研究中心"}, set()),
    ],
)
def test_departments_of_a_numbered_hospital(sentence: str, present: set[str], absent: set[str]) -> None:
    assert_names(sentence, present, absent)


# ---------------------------------------------------------------- an owner named by what it has


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # a short name before its subsidiary
        ("云德健康全资子公司北辰药业有限公司近日获批。", {"云德健康", "北辰药业有限公司"}, set()),
        # a short name before its responsible persons in a regulator's notice
        ("青辉龙及有关责任人、星集芯及有关责任人均被予以监管警示。", {"青辉龙", "星集芯"}, set()),
        # anaphors and places are no owners
        ("公司及相关责任人被警示。", set(), {"公司"}),
        ("该公司全资子公司云帆医疗成立。", {"云帆医疗"}, {"该公司"}),
        ("北京全资子公司成立。", set(), {"北京"}),
    ],
)
def test_owner_before_subsidiary_or_responsible_persons(
    sentence: str, present: set[str], absent: set[str]
) -> None:
    assert_names(sentence, present, absent)


# ---------------------------------------------------------------- one name across 与


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # a long first part after a place: one name across 与
        (
            "会上，湖南省类脑智能重点研发专项与产业联合体同步启动。",
            {"湖南省类脑智能重点研发专项与产业联合体"},
            {"产业联合体"},
        ),
        # two organisations joined by 与 stay two
        ("青禾大学与北辰医院签约。", {"青禾大学", "北辰医院"}, set()),
        # a long clause before 与 without a place is no part of a name
        (
            "我们持续推进脑机接口的临床转化研究工作与北辰实验室合作。",
            set(),
            {"我们持续推进脑机接口的临床转化研究工作与北辰实验室"},
        ),
    ],
)
def test_one_name_across_a_conjunction(sentence: str, present: set[str], absent: set[str]) -> None:
    assert_names(sentence, present, absent)


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # 交互 is a word of a field: two fields joined by 与 head one lab's name; 院士 is a title
        (
            "会上，中国科学院院士、神经交互与智能康复江湾实验室主任李明发表演讲。",
            {"中国科学院", "神经交互与智能康复江湾实验室"},
            {"中国科学院院士", "智能康复江湾实验室"},
        ),
        ("张明院士指出，脑机接口前景广阔。", set(), {"张明"}),
    ],
)
def test_fields_joined_in_a_lab_name_and_academician_title(
    sentence: str, present: set[str], absent: set[str]
) -> None:
    assert_names(sentence, present, absent)


# ---------------------------------------------------------------- a firm after a word for a subsidiary


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        ("北辰脑科学研究所及其孵化企业 云智达 推出新产品。", {"云智达", "北辰脑科学研究所"}, set()),
        ("其全资子公司云舟推出了头环。", {"云舟"}, set()),
        ("旗下子公司在上海成立。", set(), {"在上海"}),
        ("子公司将于明年上市。", set(), {"将于明年"}),
    ],
)
def test_firm_after_subsidiary_word(sentence: str, present: set[str], absent: set[str]) -> None:
    assert_names(sentence, present, absent)


def test_firm_incubated_by_an_institute_settles_nowhere() -> None:
    text = "武汉市近日发布消息。北辰脑科学研究所及其孵化企业 云智达 推出新产品。"
    doc = Document(id="doc:r", path="/r.txt", format="txt", encoding="utf-8", text=text)
    ex = extract_document(split_document(doc))
    assert "云智达" in {o.name for o in ex.orgs}
    assert not [r for r in ex.relations if r.kind == "SIGNED_IN" and r.source == "云智达"]


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # a quoted platform after 该 is the product described before
        ("通过该“过敏原多联检测平台”，一块芯片可同时检测多项指标。", set(), {"过敏原多联检测平台"}),
        ("依托“星河脑机接口创新平台”开展研究。", {"星河脑机接口创新平台"}, set()),
    ],
)
def test_quoted_platform_after_a_demonstrative(sentence: str, present: set[str], absent: set[str]) -> None:
    assert_names(sentence, present, absent)


def test_bare_institute_for_advanced_study_is_a_category() -> None:
    # 高等研究院 alone is a kind of institute; with an owner or a word of its own it is a name
    assert extract_names("高等研究院教授李明说。") == set()
    assert "江南大学高等研究院" in names_in("江南大学高等研究院成立。")
    assert "青禾求实高等研究院" in names_in("青禾求实高等研究院教授李明说。")


def extract_names(text: str) -> set[str]:
    doc = Document(id="doc:n", path="/n.txt", format="txt", encoding="utf-8", text=text)
    return {o.name for o in extract_document(split_document(doc)).orgs}


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # a pharmaceutical maker, then its drug by a dosage form and the approval
        ("华拓药业华博麦布片获批上市", {"华拓药业"}, set()),
        ("华拓药业华博麦布片已获批用于治疗高胆固醇血症。", {"华拓药业"}, set()),
        ("华拓医药某某注射液获准上市。", {"华拓医药"}, set()),
        # an industry word inside a compound stays unnamed
        ("发展生物医药片区获批设立。", set(), {"生物医药"}),
    ],
)
def test_maker_before_its_approved_drug(sentence: str, present: set[str], absent: set[str]) -> None:
    assert_names(sentence, present, absent)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 由A，B、C跟投: the comma after the first name stands for 、
        (
            "云帆医疗近日完成B轮融资。本轮融资由星海资本领投，由北辰基金，青木资本、远山资本跟投。",
            {"北辰基金", "星海资本", "青木资本", "远山资本"},
        ),
        # a comma after a verb still separates two groups
        ("云帆医疗近日完成B轮融资，由星海资本领投，青木资本跟投。", {"星海资本", "青木资本"}),
    ],
)
def test_investor_list_after_you_with_a_comma(text: str, expected: set[str]) -> None:
    doc = Document(id="doc:i", path="/i.txt", format="txt", encoding="utf-8", text=text)
    rels = extract_document(split_document(doc)).relations
    assert {r.source for r in rels if r.kind == "INVESTS_IN" and r.target == "云帆医疗"} == expected


def _typed(sentence: str) -> dict[str, str]:
    found = SentenceNames(normalize_text(sentence), gazetteer(), [], False).candidates
    return {c.name: c.type for c in found}


@pytest.mark.parametrize(
    ("sentence", "name", "org_type"),
    [
        # a stock exchange written short is an agency (the market's regulator), not an institute
        ("两家公司均被深交所予以监管警示。", "深交所", "Agency"),
        ("青禾公司在上海证券交易所上市。", "上海证券交易所", "Platform"),
        ("星河国际数据交易所成立。", "星河国际数据交易所", "Platform"),
    ],
)
def test_exchanges(sentence: str, name: str, org_type: str) -> None:
    assert _typed(sentence).get(name) == org_type


@pytest.mark.parametrize(
    ("sentence", "name", "org_type"),
    [
        # a bare centre under an academy or a university is a research unit
        ("中国科学院类脑智能卓越中心发布成果。", "中国科学院类脑智能卓越中心", "Institute"),
        ("青禾大学脑科学中心成立。", "青禾大学脑科学中心", "Institute"),
        # a transfer centre, a centre of no owner and a hospital's centre keep their types
        ("青禾大学技术转移中心成立。", "青禾大学技术转移中心", "Platform"),
        ("星河脑机接口中心成立。", "星河脑机接口中心", "Platform"),
        ("青禾大学附属第一医院康复医学中心主任介绍。", "青禾大学附属第一医院", "Hospital"),
    ],
)
def test_research_centres(sentence: str, name: str, org_type: str) -> None:
    assert _typed(sentence).get(name) == org_type
