"""Home regions and chain segments of organisations, from what the text says (fictional firms)."""

from __future__ import annotations

import pytest

from bcikg.ingest.extract import _national_body, extract_document
from bcikg.ingest.split import split_document
from bcikg.models import Document, DocumentExtraction, OrgMention


def extract(text: str, doc_id: str = "doc:t", title: str | None = None) -> DocumentExtraction:
    doc = Document(id=doc_id, path=f"/{doc_id}.txt", format="txt", encoding="utf-8", title=title, text=text)
    return extract_document(split_document(doc))


def mention(ex: DocumentExtraction, fragment: str) -> OrgMention:
    # names are read in simplified characters; the form as written is kept as an alias
    found = [m for m in ex.orgs if any(fragment in form for form in (m.name, *m.aliases))]
    assert found, [m.name for m in ex.orgs]
    return found[0]


# ---------------------------------------------------------------- regions


@pytest.mark.parametrize(
    ("text", "fragment", "region"),
    [
        # the place in brackets of a full name
        ("博衡科技(苏州)股份有限公司发布了新一代产品。", "博衡", "region:中国/江苏省/苏州市"),
        # a county-level city before a brand of its own
        ("丹阳青岚医疗设备有限公司完成融资。", "青岚", "region:中国/江苏省/镇江市/丹阳市"),
        # X在P注册成立 / 诞生
        ("青岚科技在成都高新区注册成立,专注脑机接口。", "青岚", "region:中国/四川省/成都市"),
        ("去年,青岚智能在杭州诞生。", "青岚", "region:中国/浙江省/杭州市"),
        # a descriptive phrase that starts with a place, right before the name
        ("上海侵入式脑机接口公司青岚医疗公布了试验结果。", "青岚", "region:中国/上海市"),
        ("杭州六小龙之一青岚科技完成融资。", "青岚", "region:中国/浙江省/杭州市"),
        # P成立X
        ("深圳市成立青岚脑科学创新中心。", "青岚", "region:中国/广东省/深圳市"),
        # X是一家P公司
        ("青岚医疗是一家香港公司。", "青岚", "region:中国/香港特别行政区"),
        # a place after the owner inside the name
        ("京华医科大学附属北京青岚医院开展手术。", "青岚", "region:中国/北京市"),
        # national bodies
        ("国家青岚发展委员会发布通知。", "青岚", "region:中国"),
        # places written in traditional characters
        ("廣州青嵐科技有限公司發布新品。", "青嵐", "region:中国/广东省/广州市"),
        # 来自P的X; a cue later in the company's own sentence; the most specific of places written together
        ("来自苏州的青岚医疗发布了新品。", "青岚", "region:中国/江苏省/苏州市"),
        ("青岚科技成立于2019年，总部位于深圳。", "青岚", "region:中国/广东省/深圳市"),
        ("2017年8月24日，青岚医疗成立于中国深圳。", "青岚", "region:中国/广东省/深圳市"),
    ],
)
def test_home_region_from_the_text(text: str, fragment: str, region: str) -> None:
    assert mention(extract(text), fragment).home_region == region


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # the first characters of a fund's name are a county's name: not a place then
        ("青岚资本领投,长海资本跟投。", "长海资本"),
        # X是P某公司的股东: the phrase does not say what X is
        ("青岚资本是上海澄衡科技有限公司的股东。", "青岚资本"),
        # a branch founded elsewhere
        ("青岚科技在成都成立了子公司。", "青岚科技"),
    ],
)
def test_no_home_region_without_a_statement(text: str, fragment: str) -> None:
    assert mention(extract(text), fragment).home_region is None


@pytest.mark.parametrize(
    "text",
    [
        "新华社上海8月1日电 青岚医院完成了首例手术。",
        "某某网北京8月11日消息 青岚医院完成了首例手术。",
    ],
)
def test_a_dateline_is_not_what_the_text_is_about(text: str) -> None:
    ex = extract(text)
    assert ex.document.region_id is None
    assert mention(ex, "青岚医院").home_region is None


def test_a_foreign_event_does_not_outweigh_a_chinese_place() -> None:
    ex = extract("2014年巴西举办了一场开幕式。北京青岚医院的院长介绍了病例。")
    assert ex.document.region_id == "region:中国/北京市"


@pytest.mark.parametrize(
    ("name", "org_type", "national"),
    [
        ("国家青岚发展委员会", "Agency", True),
        ("中国青岚康复协会", "Platform", True),
        ("中国青岚康复协会上海分会", "Platform", False),  # a place after the national prefix
        ("中国青岚科技大学", "Institute", False),  # a university is in its city
        ("中国青岚电子集团", "Company", False),
    ],
)
def test_national_bodies(name: str, org_type: str, national: bool) -> None:
    assert _national_body(name, org_type) is national  # type: ignore[arg-type]


# ---------------------------------------------------------------- segments


@pytest.mark.parametrize(
    ("text", "fragment", "segments"),
    [
        # a hospital that implants or rehabilitates is downstream
        ("青岚医院为一名患者植入了脑机接口设备。", "青岚医院", ["downstream"]),
        # a brain-science research body is midstream
        ("青岚脑科学研究院发布了新成果。", "青岚脑科学研究院", ["midstream"]),
        # a company by what it makes
        ("青岚科技专注脑机接口芯片研发。", "青岚科技", ["upstream"]),
        # the company a following 公司… sentence speaks of
        ("「青岚医疗」完成融资。公司专注于柔性电极和脑电采集设备的研发。", "青岚医疗", ["upstream"]),
        # traditional characters
        ("上海青嵐科技有限公司專注腦機接口柔性電極研發。", "青嵐", ["upstream"]),
        # the sentence's only organisation: what comes before its name is about it too
        ("世界上最快的脑电信号采集模块来自苏州青岚科技。", "青岚科技", ["upstream"]),
        # products: a brain-controlled wheelchair, a consumer headband; what an institute released
        ("青岚科技推出了一款脑控智能轮椅，面向脑机接口康复。", "青岚科技", ["downstream"]),
        ("青岚科技研发的脑机接口头环可用于睡眠改善。", "青岚科技", ["downstream"]),
        ("青岚实验室发布脑机接口解码算法。", "青岚实验室", ["midstream"]),
        # a hospital only listed, in a text about the field (here deep-brain stimulation)
        (
            "获奖单位：青岚大学，青岚市第一人民医院，青岚医疗器械有限公司。"
            "该项目研发了脑起搏器。脑深部电刺激可缓解震颤。患者术后恢复行走。",
            "青岚市第一人民医院",
            ["downstream"],
        ),
    ],
)
def test_segment_from_what_the_text_says(text: str, fragment: str, segments: list[str]) -> None:
    assert mention(extract(text), fragment).segments == segments


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # investors are on no segment
        ("青岚资本领投了本轮融资,用于脑机接口芯片研发。", "青岚资本"),
        # a firm of another field in a round-up of medical news
        (
            "苏州青岚生物科技有限公司主要从事微流控芯片检测技术的研发。今年医疗行业融资活跃。"
            "多家医院扩建病房。药企研发投入增加。",
            "青岚生物",
        ),
        # a hospital in medical news of another field
        (
            "青岚医院扩建了病房,患者可预约手术。今年医疗行业融资活跃。多家药企扩大产能。药企研发投入增加。",
            "青岚医院",
        ),
        # agencies are on no segment
        ("国家青岚发展委员会支持脑机接口芯片研发。", "青岚发展委员会"),
    ],
)
def test_no_segment_without_field_evidence(text: str, fragment: str) -> None:
    assert mention(extract(text), fragment).segments == []


@pytest.mark.parametrize(
    ("text", "fragment", "segments"),
    [
        # transcranial stimulation is neuromodulation; compute and cloud platforms are midstream
        ("青岚医疗科技有限公司开发出经颅磁治疗导航设备。", "青岚医疗", ["upstream"]),
        ("青岚数智科技有限公司为脑机接口项目提供GPU算力和云端资源。", "青岚数智", ["midstream"]),
        ("青岚电子牵头的脑电信号分析系统开发项目启动。", "青岚电子", ["midstream"]),
        # a park named as the place where the firm was founded does not cut what follows
        ("青岚科技在苏州青禾生物城诞生,成为首家专注于脑机接口电极研发的公司。", "青岚科技", ["upstream"]),
        ("青岚科技落户苏州青禾产业园,专注于脑电采集设备研发。", "青岚科技", ["upstream"]),
        # partners joined by 与 across a stock code in brackets share what they develop together
        ("晨曦传媒(300999)与杭州青岚科技有限公司结盟,合作开发脑机接口电极。", "青岚科技", ["upstream"]),
        ("晨曦传媒(300999)与杭州青岚科技有限公司结盟,合作开发脑机接口电极。", "晨曦传媒", ["upstream"]),
        # clauses with no subject of their own go on about the firm, up to the next one's clause
        ("青岚科技成立于2018年,主要从事脑电采集设备研发,本轮由晨星资本领投。", "青岚科技", ["upstream"]),
        ("青岚医疗成立于2019年,专注脑机接口康复训练,与晨星科技签约。", "青岚医疗", ["downstream"]),
        # 后者/前者 clauses, and 分别 with one thing for each organisation of a group
        ("青岚科技的客户包括晨星医疗,后者生产脑机接口康复机器人。", "晨星医疗", ["downstream"]),
        ("晨星科技与青岚医疗签约,前者研发脑电芯片,后者生产康复机器人。", "晨星科技", ["upstream"]),
        ("晨星科技与青岚医疗签约,前者研发脑电芯片,后者生产康复机器人。", "青岚医疗", ["downstream"]),
        ("晨星科技和青岚科技分别研发脑电芯片和康复机器人。", "晨星科技", ["upstream"]),
        ("晨星科技和青岚科技分别研发脑电芯片和康复机器人。", "青岚科技", ["downstream"]),
        # a description in apposition right before the name (after another organisation)
        ("晨星电子股份有限公司与专注脑电采集设备的企业青岚科技签署协议。", "青岚科技", ["upstream"]),
        (
            "据晨星电子股份有限公司披露,作为一家从脑机接口康复训练出发的机器人企业,青岚智能已推出多款产品。",
            "青岚智能",
            ["downstream"],
        ),
    ],
)
def test_segment_scope_of_an_organisation(text: str, fragment: str, segments: list[str]) -> None:
    assert mention(extract(text), fragment).segments == segments


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # the sentence does not say what the firm makes
        ("青岚科技在苏州青禾国际生物城举办了脑机接口开放日。", "青岚科技"),
        # a general language model a product connects to is not BCI decoding
        ("青岚机器人科技有限公司推出首代人形机器人,支持脑机接口与大模型接入。", "青岚机器人"),
        # the clause of the next organisation, and what the firm before it does, are not its own
        ("青岚科技完成脑机接口融资,专注脑电芯片的晨星科技参与投资。", "青岚科技"),
        ("青岚医疗成立于2019年,专注脑机接口康复训练,与晨星科技签约。", "晨星科技"),
        # what 后者/前者 makes is not the other organisation's
        ("青岚科技的客户包括晨星医疗,后者生产脑机接口康复机器人。", "青岚科技"),
        ("晨星科技与青岚医疗签约,前者研发脑电芯片。", "青岚医疗"),
        # the description in apposition belongs to the next firm, not to the one before it
        ("晨星电子股份有限公司研发脑机接口算法,与其合作的青岚科技签署协议。", "青岚科技"),
        ("晨星电子股份有限公司与专注脑电采集设备的企业青岚科技签署协议。", "晨星电子"),
        # a stock code in brackets does not join firms that are not listed together
        ("晨曦传媒(300999)发布公告,杭州青岚科技有限公司研发脑机接口柔性电极。", "晨曦传媒"),
        # the park where a firm was founded is not given the firm's products
        ("青岚科技在苏州青禾国际生物城诞生,专注于脑机接口柔性电极研发。", "青禾国际生物城"),
    ],
)
def test_no_segment_from_another_organisations_words(text: str, fragment: str) -> None:
    assert mention(extract(text), fragment).segments == []


@pytest.mark.parametrize(
    ("text", "fragment", "segments"),
    [
        # a disease named beside what the firm makes is the product's use, not the firm's segment
        ("青岚医疗专注于面向癫痫诊断的脑电采集设备研发。", "青岚医疗", ["upstream"]),
        ("青岚医疗专注于研发面向帕金森病治疗的脑电解码算法。", "青岚医疗", ["midstream"]),
        # care it provides, with nothing it makes, is downstream
        ("青岚医疗为癫痫患者提供脑机接口诊疗服务。", "青岚医疗", ["downstream"]),
        # an invasive interface is electrodes in the brain; a whole system of it is integration
        ("青岚科技的侵入式脑机接口完成首例人体植入。", "青岚科技", ["upstream"]),
        ("上海侵入式脑机接口公司青岚医疗完成融资。", "青岚医疗", ["upstream"]),
        ("青嵐醫療是一家從事侵入式腦機介面研發的企業。", "青嵐醫療", ["upstream"]),
        ("青岚科技研发的半侵入式脑机接口系统完成首例植入。", "青岚科技", ["midstream"]),
        # products of the field named without 脑机 (brain-controlled devices, stereo-EEG electrodes)
        ("青岚科技旗下的脑控轮椅亮相展会。", "青岚科技", ["downstream"]),
        ("据悉,青岚科技的核心产品为SEEG电极。", "青岚科技", ["upstream"]),
        ("青岚科技与晨星医院联合研发的脑机接口康复系统获批上市。", "青岚科技", ["downstream"]),
        # 该企业…, and a labelled line of the company's record after the line that names it
        ("青岚科技完成融资。该企业专注于脑机接口柔性电极研发。", "青岚科技", ["upstream"]),
        ("青岚科技完成融资。\n\n主要产品:脑电采集芯片。", "青岚科技", ["upstream"]),
        ("转化企业:青岚智能科技有限公司。\n\n转化成果:脑机接口康复训练仪。", "青岚智能", ["downstream"]),
        # a company of a labelled list did the project the heading above the list names
        (
            "脑机接口柔性电极关键技术与应用\n\n主要完成单位:青岚大学,青岚医疗器械有限公司\n\n该项目获得一等奖。",
            "青岚医疗器械",
            ["upstream"],
        ),
    ],
)
def test_segment_of_what_a_firm_makes(text: str, fragment: str, segments: list[str]) -> None:
    assert mention(extract(text), fragment).segments == segments


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        # a labelled line that states nothing the company makes, and one after two companies
        ("青岚科技完成融资。\n\n产品展示:欢迎参观脑机接口展台。", "青岚科技"),
        ("青岚科技与晨星电子股份有限公司签约。\n\n主要产品:脑电采集芯片。", "青岚科技"),
        # a robot arm is no product of the chain unless the brain controls it
        ("青岚机器人科技有限公司推出新款工业机械臂。", "青岚机器人"),
        # a non-invasive interface is not an invasive one
        ("青岚科技推出的非侵入式脑机接口头盔亮相。", "青岚科技"),
        # a heading that names nothing of the chain
        (
            "2025年度科技进步奖\n\n主要完成单位:青岚大学,青岚医疗器械有限公司\n\n该项目研发脑机接口。",
            "青岚医疗器械",
        ),
        # another organisation's sentence stands between the heading and the list
        ("脑机接口柔性电极关键技术\n\n青岚大学发布了成果。\n\n参与企业:青岚医疗器械有限公司", "青岚医疗器械"),
        # not a labelled list: a heading above a sentence that says nothing of what the firm makes
        ("脑机接口柔性电极关键技术\n\n青岚医疗器械有限公司举行年会。", "青岚医疗器械"),
        # the heading places companies only, not a university listed with them
        ("脑机接口柔性电极关键技术与应用\n\n主要完成单位:青岚大学,青岚医疗器械有限公司", "青岚大学"),
    ],
)
def test_no_segment_from_a_heading_not_over_the_firm(text: str, fragment: str) -> None:
    assert mention(extract(text), fragment).segments == []


_CHAIN_MAP = (
    "一、上游：核心部件\n\n青岚科技、晨星科技。\n\n"
    "二、下游：应用\n\n江州科技、白鹭医疗专注于脑电芯片。\n\n青禾资本。"
)


@pytest.mark.parametrize(
    ("fragment", "segments"),
    [
        # firms listed under a heading that names a segment, with nothing said of them
        ("青岚科技", ["upstream"]),
        ("晨星科技", ["upstream"]),
        # what a firm's own words say wins over the heading it is under
        ("白鹭医疗", ["upstream"]),
        # investors are on no segment, under any heading
        ("青禾资本", []),
    ],
)
def test_segment_heading_over_a_list(fragment: str, segments: list[str]) -> None:
    assert mention(extract(_CHAIN_MAP, title="脑机接口产业链图谱"), fragment).segments == segments


@pytest.mark.parametrize(
    "text",
    [
        # another heading ends the segment heading's reach
        "上游企业\n\n青岚科技研发脑机接口。\n\n政策支持\n\n晨星科技举行脑机接口年会。",
        # a line that only starts like a segment is no heading (a sentence of prose)
        "上游企业很多,晨星医院也在用脑机接口。\n\n晨星科技举行脑机接口年会。",
    ],
)
def test_no_segment_outside_a_heading(text: str) -> None:
    assert mention(extract(text), "晨星科技").segments == []


def test_the_route_of_an_interface_is_no_organisation() -> None:
    ex = extract("非侵入式脑机接口公司——青岚科技完成新一轮融资。")
    assert [m.name for m in ex.orgs] == ["青岚科技"]


# ------------------------------------------------ a district's short form at the front of a name


@pytest.mark.parametrize(
    ("text", "home", "cue"),
    [
        # a stated headquarters outranks a brand that begins like a district's name
        ("北辰慧联科技有限公司总部位于杭州市，专注于脑电采集设备研发。", "region:中国/浙江省/杭州市", "cue"),
        ("位于杭州市的北辰慧联科技有限公司专注于脑电采集设备研发。", "region:中国/浙江省/杭州市", "cue"),
        # nothing stated: the short form still gives the district, as a weaker cue
        ("北辰慧联科技有限公司专注于脑电采集设备研发。", "region:中国/天津市/北辰区", "short_name"),
        # a full place name at the front is the name's own place, whatever the sentence says
        ("天津慧联科技有限公司总部位于杭州市，专注于脑电采集设备研发。", "region:中国/天津市", "name"),
    ],
)
def test_short_place_form_yields_to_a_stated_home(text: str, home: str, cue: str) -> None:
    found = mention(extract(text), "慧联科技")
    assert (found.home_region, found.home_cue) == (home, cue)


def test_stated_home_in_one_document_outranks_the_short_form_in_another() -> None:
    from bcikg.ingest.resolve import resolve

    first = extract("北辰慧联科技有限公司发布了新一代脑电采集设备。", doc_id="doc:a")
    second = extract("北辰慧联科技有限公司总部位于杭州市，专注于脑电采集设备研发。", doc_id="doc:b")
    kg = resolve([first, second])
    (org,) = [o for o in kg.organizations if "慧联" in o.name]
    assert org.region == "region:中国/浙江省/杭州市"
