"""Resolution: one node per real organisation, deterministic ids, name normalisation."""

from __future__ import annotations

import pytest
from conftest import extract_text
from hypothesis import given, settings
from hypothesis import strategies as st

from bcikg.domain.chinese import to_simplified
from bcikg.ingest.extract import extract_document
from bcikg.ingest.resolve import _is_abbreviation, company_core, name_key, resolve
from bcikg.ingest.split import split_document
from bcikg.ingest.textutil import normalize_name
from bcikg.models import Document, DocumentExtraction, Evidence, OrgMention


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
        ("江省科协", "江南省科学技术协会", True),  # 协 stands for 协会
        ("江省科协", "江南省科学技术学会", False),
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


def test_a_sub_body_written_without_its_parent_is_one_node() -> None:
    a = extract(
        "论坛由中国神经调控学会、中国神经调控学会脑机接口与神经康复专委会承办。"
        "脑机接口与神经康复专委会主任委员致辞。",
        "doc:s1",
    )
    kg = resolve([a])
    bodies = _orgs_named(kg, "脑机接口与神经康复专委会")
    assert len(bodies) == 1, [(o.name, o.aliases) for o in bodies]
    assert bodies[0].name == "中国神经调控学会脑机接口与神经康复专委会"


def test_the_abbreviation_of_an_association_is_one_node() -> None:
    a = extract("会议由江南省科学技术协会主办。江南省科协负责人出席。", "doc:k1")
    kg = resolve([a])
    assert len(_orgs_named(kg, "江南省科")) == 1, [o.name for o in _orgs_named(kg, "江南省科")]


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


# ---------------------------------------------------------------- one organisation, one node
# (fictional names; each case is a general rule of how Chinese texts write one organisation)


def _orgs_named(kg, fragment: str):  # type: ignore[no-untyped-def]
    return [o for o in kg.organizations if fragment in o.name or any(fragment in a for a in o.aliases)]


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_name_key_is_idempotent(name: str) -> None:
    once = name_key(name)
    assert name_key(once) == once


@settings(max_examples=200)
@given(st.text(alphabet="腦機接口腦虎科技醫療研究院臺灣脑机虎医疗研究台湾（）() ", min_size=1, max_size=16))
def test_name_key_folds_traditional_characters(name: str) -> None:
    assert name_key(name) == name_key(to_simplified(name))


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("苏州澄心医疗技术有限公司", "澄心"),  # industry words after the brand, repeatedly
        ("澄心医疗", "澄心"),
        ("山东澄心公司", "澄心"),
        ("NeuroAbc澄心科技", "澄心"),  # an English brand written before the Chinese one
        ("杭州創脈科技有限公司", "创脉"),  # traditional characters
        ("丹阳青岚医疗设备有限公司", "青岚"),  # a county-level place before a brand of its own
    ],
)
def test_company_core_general_rules(name: str, core: str) -> None:
    assert company_core(name) == core


@pytest.mark.parametrize(
    "docs",
    [
        # full name, short name and the industry-word form in three documents
        [("doc:a", "苏州澄衡医疗技术有限公司发布新品。"), ("doc:b", "澄衡医疗完成融资。")],
        # traditional and simplified forms
        [("doc:a", "上海腦衡科技有限公司發布新品。"), ("doc:b", "上海脑衡科技有限公司完成融资。")],
        # a place in brackets
        [("doc:a", "博衡科技(苏州)股份有限公司发布新品。"), ("doc:b", "博衡科技完成融资。")],
        # an English brand written with the Chinese one, and the Chinese one alone
        [("doc:a", "NeuroHeng澄衡科技发布新品。"), ("doc:b", "澄衡科技完成融资。")],
    ],
)
def test_forms_of_one_company_are_one_node(docs: list[tuple[str, str]]) -> None:
    kg = resolve([extract(text, doc_id) for doc_id, text in docs])
    companies = [o for o in kg.organizations if o.type == "Company" and "衡" in o.name]
    assert len(companies) == 1, [(o.name, o.aliases) for o in companies]
    assert {e.doc_id for e in companies[0].evidence} == {d for d, _ in docs}


def test_bracketed_place_is_the_home_of_the_merged_node() -> None:
    docs = [extract("博衡科技(苏州)股份有限公司发布新品。", "doc:a"), extract("博衡科技完成融资。", "doc:b")]
    kg = resolve(docs)
    (org,) = _orgs_named(kg, "博衡")
    assert org.region == "region:中国/江苏省/苏州市"


def test_a_subsidiary_elsewhere_is_an_alias_and_the_home_is_where_most_texts_put_it() -> None:
    kg = resolve(
        [
            extract("上海澄衡科技有限公司发布新品。", "doc:a"),
            extract("上海澄衡科技有限公司完成融资。", "doc:b"),
            extract("江西澄衡科技有限公司在南昌揭牌。", "doc:c"),
        ]
    )
    (org,) = _orgs_named(kg, "澄衡")
    assert org.region == "region:中国/上海市"
    assert org.name == "上海澄衡科技有限公司"
    assert "江西澄衡科技有限公司" in org.aliases


def _mention(name: str, org_type: str, doc_region: str | None = None, **kw: object) -> OrgMention:
    ev = Evidence(doc_id="doc:m", sentence=name, start=0, end=len(name), text=name)
    return OrgMention(surface=name, name=name, type=org_type, evidence=ev, doc_region=doc_region, **kw)  # type: ignore[arg-type]


def _resolve_mentions(*groups: list[OrgMention]) -> list[list[str]]:
    """Resolve mentions given per document; the names of each resulting node, sorted."""
    base = extract("无。", "doc:0")
    extractions = []
    for i, mentions in enumerate(groups):
        doc_id = f"doc:m{i}"
        moved = [
            m.model_copy(update={"evidence": m.evidence.model_copy(update={"doc_id": doc_id})})
            for m in mentions
        ]
        document = base.document.model_copy(update={"id": doc_id})
        extractions.append(base.model_copy(update={"document": document, "orgs": moved}))
    kg = resolve(extractions)
    return sorted(sorted({o.name, *o.aliases}) for o in kg.organizations)


@pytest.mark.parametrize(
    ("groups", "nodes"),
    [
        # a hospital with and without its university, with its city in front
        (
            [
                [_mention("京华医科大学青岚医院", "Hospital")],
                [_mention("北京青岚医院", "Hospital", "region:中国/北京市")],
            ],
            [["京华医科大学青岚医院", "北京青岚医院"]],
        ),
        # a university's two-character short form
        ([[_mention("青岚大学", "Institute")], [_mention("青岚", "Institute")]], [["青岚", "青岚大学"]]),
        # an abbreviation of an academy's institute (中科院 / 中国科学院)
        (
            [[_mention("中国科学院青岚研究所", "Institute")], [_mention("中科院青岚研究所", "Platform")]],
            [["中国科学院青岚研究所", "中科院青岚研究所"]],
        ),
        # an institute without its academy, abbreviated (深圳先进院 of 中国科学院深圳先进技术研究院)
        (
            [[_mention("中国科学院青岚先进技术研究院", "Institute")], [_mention("青岚先进院", "Institute")]],
            [["中国科学院青岚先进技术研究院", "青岚先进院"]],
        ),
        # a hospital without its academy
        (
            [[_mention("中国医学科学院北京青岚医院", "Hospital")], [_mention("北京青岚医院", "Hospital")]],
            [["中国医学科学院北京青岚医院", "北京青岚医院"]],
        ),
        # a foreign country is often left out
        (
            [[_mention("美国青岚大学", "Institute")], [_mention("青岚大学", "Institute")]],
            [["美国青岚大学", "青岚大学"]],
        ),
        # a brand shortened to some of its characters in one document
        (
            [[_mention("鸿岚泰澄生物", "Company"), _mention("岚澄生物", "Company")]],
            [["岚澄生物", "鸿岚泰澄生物"]],
        ),
    ],
)
def test_written_forms_of_one_organisation_merge(
    groups: list[list[OrgMention]], nodes: list[list[str]]
) -> None:
    assert _resolve_mentions(*groups) == nodes


@pytest.mark.parametrize(
    "groups",
    [
        # a university and its hospital
        [[_mention("青岚大学", "Institute")], [_mention("青岚大学附属医院", "Hospital")]],
        # a university's generic hospital is no short form of it
        [[_mention("青岚大学附属医院", "Hospital")], [_mention("附属医院", "Hospital")]],
        # a hospital whose own name places it elsewhere than the short form's city
        [
            [
                _mention(
                    "江东大学附属青岚医院",
                    "Hospital",
                    home_region="region:中国/江苏省/南京市",
                    home_cue="cue",
                )
            ],
            [_mention("北京青岚医院", "Hospital", "region:中国/北京市")],
        ],
        # a city's generic hospital is not a university's hospital
        [[_mention("江东大学附属人民医院", "Hospital")], [_mention("青州人民医院", "Hospital")]],
        # a brand's characters in another document only
        [[_mention("鸿岚泰澄生物", "Company")], [_mention("岚澄生物", "Company")]],
        # a generic tail after a place
        [[_mention("江东大学脑机接口研究院", "Institute")], [_mention("江苏脑机接口研究院", "Institute")]],
    ],
)
def test_distinct_organisations_stay_apart(groups: list[list[OrgMention]]) -> None:
    assert len(_resolve_mentions(*groups)) == 2


def test_resolution_keys_do_not_depend_on_whether_the_dictionary_was_loaded() -> None:
    """A store rebuilt without extracting anything (after a rules change) resolves in a process
    where jieba never loaded its dictionary: the keys must be those an ingest computes."""
    import json
    import subprocess
    import sys

    from bcikg.ingest.resolve import resolution_key

    ex = extract("北京核心科技有限公司与深圳核心科技有限公司签署了合作协议。", "doc:cold")
    assert len(ex.orgs) == 2
    warm = [resolution_key(m) for m in ex.orgs]
    child = (
        "import json, sys\n"
        "from bcikg.models import OrgMention\n"
        "from bcikg.ingest.resolve import resolution_key\n"
        "rows = json.load(sys.stdin)\n"
        "print(json.dumps([resolution_key(OrgMention.model_validate(r)) for r in rows]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child],
        input=json.dumps([m.model_dump(mode="json") for m in ex.orgs]),
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(done.stdout) == warm
    assert len(set(warm)) == 2  # 核心 is a common word, no brand: two firms, not one


# ------------------------------------------------------------ the same articles, wherever they are


def test_resolution_does_not_depend_on_document_ids() -> None:
    """Document ids include the path: the same articles read from another folder get other ids,
    and so another order. Which mention of a short form is met first (here one in a Changsha text
    and one in a Beijing text) must not decide whether it merges with a full name."""
    changsha = (
        "长沙市卫健委近日通报，长沙骁彦医院完成首例脑机接口植入手术。长沙医院的神经外科团队参与了手术。"
    )
    beijing = (
        "北京市科委近日发布消息，北京多家机构开展脑机接口临床研究。长沙医院的专家也应邀参加了北京的研讨会。"
    )
    answers = []
    for first, second in (("doc:1", "doc:2"), ("doc:2", "doc:1")):
        kg = resolve(
            [
                extract_text(changsha, first, "长沙脑机接口临床进展"),
                extract_text(beijing, second, "北京脑机接口临床研讨"),
            ]
        )
        answers.append(sorted((o.id, o.name, o.type, o.region) for o in kg.organizations))
    assert answers[0] == answers[1]
