"""Gap, compare and targets reports on a hand-written knowledge graph (tests/data/report/chain_kg.json):
fictional organisations in real regions, built into a graph with bcikg.graph.build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from bcikg.errors import InputError, NotFound
from bcikg.graph.build import build_graph
from bcikg.models import KnowledgeGraph
from bcikg.report import (
    EmbeddedSource,
    GapReport,
    compare_report,
    gap_report,
    render,
    render_table,
    targets_report,
)
from bcikg.report.assemble import pick_candidates, pick_evidence
from bcikg.report.model import EvidenceRef
from bcikg.report.rank import rank_key
from bcikg.report.source import CandidateRequest, MemberRecord, ReportSource

KG_PATH = Path(__file__).parent / "data" / "report" / "chain_kg.json"
JX, GJ, NC, DL = (
    "region:中国/江西省",
    "region:中国/江西省/赣江新区",
    "region:中国/江西省/南昌市",
    "region:中国/辽宁省/大连市",
)


def chain_graph() -> nx.MultiDiGraph:
    return build_graph(KnowledgeGraph.model_validate_json(KG_PATH.read_text(encoding="utf-8")))


@pytest.fixture
def source() -> EmbeddedSource:
    return EmbeddedSource(chain_graph())


def subsector(report: GapReport, key: str):  # type: ignore[no-untyped-def]
    return next(sub for seg in report.segments for sub in seg.subsectors if sub.key == key)


def pillar(report: GapReport, key: str):  # type: ignore[no-untyped-def]
    return next(p for p in report.pillars if p.key == key)


def segment(report: GapReport, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in report.segments if s.segment == key)


# ------------------------------------------------------------------ regions


@pytest.mark.parametrize(
    ("name", "region_id"),
    [
        ("江西", JX),
        ("江西省", JX),
        ("赣江新区", GJ),
        ("南昌", NC),
        ("江西省/南昌市", NC),
        ("大连", DL),
        (JX, JX),
        ("上海", "region:中国/上海市"),
    ],
)
def test_short_forms_resolve(source: EmbeddedSource, name: str, region_id: str) -> None:
    assert gap_report(source, name).region.id == region_id


@pytest.mark.parametrize("name", ["西藏", "西藏自治区"])
def test_region_without_data_is_not_found(source: EmbeddedSource, name: str) -> None:
    with pytest.raises(NotFound) as info:
        gap_report(source, name)
    message = str(info.value)
    assert "西藏" in message and "regions with data" in message and "江西省" in message


def test_unknown_name_is_not_found(source: EmbeddedSource) -> None:
    with pytest.raises(NotFound, match=r"unknown region 'Atlantis'.*regions with data"):
        gap_report(source, "Atlantis")


def test_region_in_graph_but_without_data(source: EmbeddedSource) -> None:
    # 浙江省 is in the graph only as the parent of 杭州市 (whose firm is based there): it has data
    # through the roll-up; 中国 likewise. A region node with nothing under it raises NotFound.
    graph = source.graph
    rid = "region:中国/西藏自治区"
    props = {"name": "西藏自治区", "level": "province", "full_name": "西藏自治区", "aliases": ["西藏"]}
    graph.add_node(rid, labels=("Region",), id=rid, **props)
    with pytest.raises(NotFound, match="no organisation or document mentions 西藏自治区"):
        gap_report(EmbeddedSource(graph), "西藏")
    assert gap_report(source, "浙江").segments[0].organizations[0].name == "星河电极"


# ------------------------------------------------------------------ statuses, roll-up, presence


def test_rollup_includes_sub_regions(source: EmbeddedSource) -> None:
    report = gap_report(source, "江西")
    assert [r.id for r in report.includes] == [JX, NC, GJ]
    names = {o.name for o in report.organizations}
    assert {"青禾算法", "赣江康复科技", "南昌示例医院", "江城基金", "远山神经", "江西省科技厅"} == names
    # the sub-region alone does not include its sibling 南昌市
    assert "青禾算法" not in {o.name for o in gap_report(source, "赣江新区").organizations}


def test_presence_home_and_settled(source: EmbeddedSource) -> None:
    report = gap_report(source, "江西")
    by_name = {o.name: o for o in report.organizations}
    settled = by_name["远山神经"]
    assert settled.presence == "settled"
    assert settled.region == "湖北省武汉市"
    assert settled.settled_in == ["江西省赣江新区"]
    assert by_name["青禾算法"].presence == "home" and by_name["青禾算法"].region == "江西省南昌市"


@pytest.mark.parametrize(
    ("region", "kind", "key", "status", "count"),
    [
        ("江西", "segment", "upstream", "thin", 1),
        ("江西", "segment", "midstream", "thin", 1),
        ("江西", "segment", "downstream", "covered", 2),
        ("江西", "subsector", "electrodes", "gap", 0),
        ("江西", "subsector", "neuromodulation", "thin", 1),
        ("江西", "subsector", "medical_rehabilitation", "covered", 2),
        ("江西", "pillar", "clinical_resources", "thin", 1),
        ("江西", "pillar", "capital", "thin", 1),
        ("江西", "pillar", "testing", "gap", 0),
        ("江西", "pillar", "policy", "thin", 1),  # its policy; the agency is who is responsible
        ("大连", "pillar", "policy", "gap", 0),  # an agency of its own, but no policy
        ("赣江新区", "segment", "midstream", "gap", 0),
        ("大连", "segment", "upstream", "gap", 0),
        ("大连", "subsector", "medical_rehabilitation", "thin", 1),
        ("大连", "pillar", "research", "thin", 1),
    ],
)
def test_status_by_thresholds(
    source: EmbeddedSource, region: str, kind: str, key: str, status: str, count: int
) -> None:
    report = gap_report(source, region)
    entry = {"segment": segment, "subsector": subsector, "pillar": pillar}[kind](report, key)
    assert (entry.status, entry.count) == (status, count)


def test_policy_pillar_lists_policies(source: EmbeddedSource) -> None:
    entry = pillar(gap_report(source, "江西"), "policy")
    assert [p.name for p in entry.policies] == ["江西示例脑机接口措施"]
    assert entry.candidates == []  # taxonomy: candidates = false for the policy pillar


# ------------------------------------------------------------------ candidates


def test_candidates_rank_companies_first_then_mentions(source: EmbeddedSource) -> None:
    electrodes = subsector(gap_report(source, "江西"), "electrodes")
    assert [(c.rank, c.name, c.company, c.mentions) for c in electrodes.candidates] == [
        (1, "星河电极", True, 3),
        (2, "晨光电极研究所", False, 4),
    ]
    first = electrodes.candidates[0]
    assert first.region == "浙江省杭州市"
    assert first.evidence is not None and "电极" in first.evidence.sentence


def test_candidates_exclude_organisations_present(source: EmbeddedSource) -> None:
    jiangxi = gap_report(source, "江西")
    # thin in 江西 through 远山神经 itself, the only neuromodulation firm: no candidate left
    assert subsector(jiangxi, "neuromodulation").status == "thin"
    assert subsector(jiangxi, "neuromodulation").candidates == []
    dalian = gap_report(source, "大连")
    assert [c.name for c in subsector(dalian, "neuromodulation").candidates] == ["远山神经"]
    assert subsector(dalian, "neuromodulation").candidates[0].settled_in == ["江西省赣江新区"]


def test_covered_links_have_no_candidates(source: EmbeddedSource) -> None:
    report = gap_report(source, "江西")
    assert subsector(report, "medical_rehabilitation").candidates == []
    assert segment(report, "downstream").candidates == []


def test_every_gap_lists_candidates_when_the_corpus_has_any(source: EmbeddedSource) -> None:
    report = gap_report(source, "大连")
    active = {
        "electrodes",
        "chips",
        "signal_acquisition",
        "neuromodulation",
        "algorithms",
        "medical_rehabilitation",
    }
    for seg in report.segments:
        for sub in seg.subsectors:
            if sub.status != "covered" and sub.key in active:
                assert sub.candidates, sub.key


def test_candidate_limit(source: EmbeddedSource) -> None:
    report = gap_report(source, "江西", candidates=1)
    assert [c.name for c in subsector(report, "electrodes").candidates] == ["星河电极"]
    assert all(
        not sub.candidates
        for seg in gap_report(source, "江西", candidates=0).segments
        for sub in seg.subsectors
    )
    with pytest.raises(InputError):
        gap_report(source, "江西", candidates=-1)


def test_explicit_segment_statement_ranks_before_mentions() -> None:
    graph = chain_graph()
    # mark 东岸采集's upstream segment as stated explicitly in the text
    for _, _, data in graph.out_edges("org:000000000000000a", data=True):
        if data["type"] == "IN_SEGMENT":
            data["explicit"] = True
    upstream = segment(gap_report(EmbeddedSource(graph), "大连"), "upstream")
    assert [c.name for c in upstream.candidates][:2] == ["东岸采集", "星河电极"]
    assert upstream.candidates[0].explicit is True


# ------------------------------------------------------------------ claims and targets


def test_claims_of_the_region_and_sub_regions(source: EmbeddedSource) -> None:
    jiangxi = gap_report(source, "江西")
    assert [(c.kind, c.region) for c in jiangxi.claims] == [("strength", "江西省赣江新区")]
    dalian = gap_report(source, "大连")
    assert [c.kind for c in dalian.claims] == ["gap"]
    assert dalian.claims[0].evidence[0].text == "我市缺乏上游核心部件企业"
    assert segment(dalian, "upstream").claims == dalian.claims
    assert subsector(dalian, "electrodes").claims == dalian.claims


def test_targets_attach_to_the_gaps_they_bear_on(source: EmbeddedSource) -> None:
    report = gap_report(source, "江西")
    chips = subsector(report, "chips")
    assert chips.status == "gap"
    assert [(t.year, t.quantity, t.unit, t.subject) for t in chips.targets] == [
        (2028, 3.0, "家", "脑机接口芯片企业")
    ]
    assert chips.targets[0].agencies == ["江西省科技厅"]
    assert chips.targets[0].policy == "江西示例脑机接口措施"
    assert subsector(report, "electrodes").targets == []


def test_targets_report(source: EmbeddedSource) -> None:
    report = targets_report(source, "江西")
    assert len(report.targets) == 1
    bears = {(b.kind, b.key): b.status for b in report.targets[0].bears_on}
    assert bears == {("segment", "upstream"): "thin", ("subsector", "chips"): "gap"}


def test_compare_report(source: EmbeddedSource) -> None:
    report = compare_report(source, ["江西", "大连", "上海"])
    assert [r.full_name for r in report.regions] == ["江西省", "辽宁省大连市", "上海市"]
    rows = {(row.kind, row.key): row for row in report.rows}
    assert rows[("subsector", "medical_rehabilitation")].counts == [2, 1, 0]
    assert rows[("subsector", "chips")].counts == [0, 0, 1]
    assert rows[("segment", "upstream")].statuses == ["thin", "gap", "covered"]
    with pytest.raises(InputError):
        compare_report(source, ["江西"])


# ------------------------------------------------------------------ evidence


def test_every_organisation_has_evidence_from_the_graph(source: EmbeddedSource) -> None:
    report = gap_report(source, "江西")
    for entry in report.organizations:
        assert entry.evidence is not None
        assert entry.evidence.text in entry.evidence.sentence
    # a settled organisation in the overall list is shown by its signing sentence
    settled = next(o for o in report.organizations if o.presence == "settled")
    assert settled.evidence is not None and "签约" in settled.evidence.sentence


def test_pick_evidence_prefers_a_cue_sentence() -> None:
    a = EvidenceRef(doc_id="doc:a", sentence="甲公司成立于2019年。", start=0, end=3, text="甲公司")
    b = EvidenceRef(doc_id="doc:b", sentence="甲公司研发柔性电极。", start=0, end=3, text="甲公司")
    assert pick_evidence([b, a], ["电极"]) == b
    assert pick_evidence([b, a], ["芯片"]) == a
    assert pick_evidence([], ["芯片"]) is None


def test_report_json_round_trips_and_is_deterministic(source: EmbeddedSource) -> None:
    first = gap_report(source, "江西").model_dump_json()
    again = gap_report(EmbeddedSource(chain_graph()), "江西").model_dump_json()
    assert first == again
    assert GapReport.model_validate_json(first).model_dump_json() == first


def test_schema_describes_the_report() -> None:
    schema = GapReport.model_json_schema()
    assert {"region", "segments", "pillars", "claims", "targets", "organizations"} <= set(
        schema["properties"]
    )
    assert "presence" in json.dumps(schema)


# ------------------------------------------------------------------ rendering


@pytest.mark.parametrize("fmt", ["json", "markdown", "html"])
def test_render_formats(source: EmbeddedSource, fmt: str) -> None:
    report = gap_report(source, "江西")
    text = render(report, fmt)
    assert "远山神经" in text and "星河电极" in text
    if fmt == "json":
        assert json.loads(text)["region"]["full_name"] == "江西省"


def test_render_unknown_format(source: EmbeddedSource) -> None:
    with pytest.raises(InputError, match="unknown format"):
        render(gap_report(source, "江西"), "pdf")


def _hostile_graph() -> nx.MultiDiGraph:
    graph = chain_graph()
    graph.nodes["org:0000000000000005"]["name"] = "<script>alert(1)</script>远山|神经*[x](y)"
    return graph


def test_html_escapes_text_from_the_data() -> None:
    page = render(gap_report(EmbeddedSource(_hostile_graph()), "江西"), "html")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # one self-contained page: no scripts, stylesheets, images or fonts from elsewhere; the only
    # links are to anchors in the page and to the documents the evidence comes from
    assert not re.search(r"src\s*=", page)
    for href in re.findall(r'href="([^"]*)"', page):
        assert href.startswith(("#", "file://", "https://", "http://")) or ":" not in href, href
    assert "@import" not in page and "url(" not in page
    assert "Noto Sans CJK SC" in page and "<svg" in page


def test_markdown_escapes_table_syntax() -> None:
    text = render(gap_report(EmbeddedSource(_hostile_graph()), "江西"), "markdown")
    assert "远山\\|神经\\*\\[x\\](y)" in text
    assert "<script>" not in text


def test_html_chain_map_marks_settled_and_empty_slots(source: EmbeddedSource) -> None:
    page = render(gap_report(source, "江西"), "html")
    assert 'class="org settled"' in page and 'class="org home"' in page
    assert 'class="slot st-gap"' in page and "stroke-dasharray" in page


def test_compare_and_targets_render(source: EmbeddedSource) -> None:
    compare = compare_report(source, ["江西", "大连"])
    assert "rgba(" in render(compare, "html")  # the heat map
    assert "| 环节 | 江西省 | 辽宁省大连市 |" in render(compare, "markdown")
    targets = targets_report(source, "江西")
    assert "脑机接口芯片企业" in render(targets, "markdown")
    assert "脑机接口芯片企业" in render(targets, "html")


@pytest.mark.parametrize("which", ["gaps", "compare", "targets"])
def test_tables_render_in_a_terminal(source: EmbeddedSource, which: str) -> None:
    report = {
        "gaps": lambda: gap_report(source, "江西"),
        "compare": lambda: compare_report(source, ["江西", "大连"]),
        "targets": lambda: targets_report(source, "江西"),
    }[which]()
    console = Console(record=True, width=200, color_system=None)
    console.print(render_table(report))
    text = console.export_text()
    assert "江西省" in text


# ------------------------------------------------------------------ policy pillar and candidates


def _add_node(graph: nx.MultiDiGraph, node_id: str, labels: tuple[str, ...], **props: object) -> None:
    graph.add_node(node_id, labels=labels, id=node_id, **props)


def _add_edge(graph: nx.MultiDiGraph, source: str, target: str, rel_type: str, **props: object) -> None:
    key = f"rel:test-{source[-4:]}-{target[-12:]}-{rel_type}"
    graph.add_edge(source, target, key=key, id=key, type=rel_type, **props)


def test_policy_pillar_counts_policies_of_the_region_and_above(source: EmbeddedSource) -> None:
    # 南昌 has no policy of its own; 江西省's measures apply to it from above
    nanchang = pillar(gap_report(source, "南昌"), "policy")
    got = [(p.name, p.scope, p.region) for p in nanchang.policies]
    assert got == [("江西示例脑机接口措施", "above", "江西省")]
    assert (nanchang.status, nanchang.count, nanchang.organizations) == ("thin", 1, [])
    # 江西省科技厅 is based in 江西 but counts as who is responsible, not as coverage
    assert "江西省科技厅" not in {o.name for o in pillar(gap_report(source, "江西"), "policy").organizations}


def test_national_policies_are_shown_apart_and_not_counted() -> None:
    graph = chain_graph()
    _add_node(graph, "policy:00000000000000ff", ("Policy",), name="全国示例指导意见", date="2025-02-01")
    _add_edge(graph, "policy:00000000000000ff", "region:中国", "APPLIES_TO")
    entry = pillar(gap_report(EmbeddedSource(graph), "大连"), "policy")
    assert (entry.status, entry.count, entry.policies) == ("gap", 0, [])
    assert [(p.name, p.scope) for p in entry.national_policies] == [("全国示例指导意见", "national")]


def test_candidates_leave_out_public_bodies_and_region_instruments() -> None:
    graph = chain_graph()
    # a provincial government fund elsewhere, and a fund with a name of its own
    _add_node(graph, "org:00000000000000f1", ("Organization", "Fund"), name="浙江省示例引导基金", type="Fund")
    _add_edge(graph, "org:00000000000000f1", "region:中国/浙江省/杭州市", "LOCATED_IN")
    _add_node(graph, "org:00000000000000f2", ("Organization", "Fund"), name="远帆创投基金", type="Fund")
    _add_edge(graph, "org:00000000000000f2", "region:中国/浙江省/杭州市", "LOCATED_IN")
    capital = pillar(gap_report(EmbeddedSource(graph), "大连"), "capital")
    names = [c.name for c in capital.candidates]
    assert "远帆创投基金" in names and "浙江省示例引导基金" not in names
    assert all(c.type != "Agency" for c in capital.candidates)
    assert all(c.reason for c in capital.candidates)


def test_foreign_candidates_are_kept_apart() -> None:
    graph = chain_graph()
    _add_node(graph, "org:00000000000000f3", ("Organization", "Company"), name="Acme Neuro", type="Company")
    _add_edge(graph, "org:00000000000000f3", "region:美国", "LOCATED_IN")
    _add_edge(graph, "org:00000000000000f3", "subsector:electrodes", "IN_SUBSECTOR")
    if "region:美国" not in graph or "Region" not in graph.nodes["region:美国"].get("labels", ()):
        _add_node(graph, "region:美国", ("Region",), name="美国", level="country", full_name="美国")
    electrodes = subsector(gap_report(EmbeddedSource(graph), "江西"), "electrodes")
    assert "Acme Neuro" not in [c.name for c in electrodes.candidates]
    assert [(c.name, c.foreign, c.rank) for c in electrodes.foreign_candidates] == [("Acme Neuro", True, 1)]


def test_reason_says_why_a_candidate_ranks_first(source: EmbeddedSource) -> None:
    first = subsector(gap_report(source, "江西"), "electrodes").candidates[0]
    assert first.reason.startswith("企业") and f"{first.mentions}处提及" in first.reason


def test_zero_candidates_is_recorded_as_not_asked(source: EmbeddedSource) -> None:
    report = gap_report(source, "大连", candidates=0)
    assert report.candidate_limit == 0
    assert gap_report(source, "大连").candidate_limit == 5


def test_evidence_carries_its_document(source: EmbeddedSource) -> None:
    report = gap_report(source, "江西")
    cited = [d.id for d in report.documents]
    assert cited and len(cited) == len(set(cited))
    for entry in report.organizations:
        assert entry.evidence is not None and entry.evidence.doc_id in cited
        assert entry.evidence.source  # the file it was read from


# ------------------------------------------------------------------ ranking properties

_HOMES = ["region:中国/浙江省/杭州市", "region:中国/上海市", "region:美国", "region:中国/江西省"]
_members = st.lists(
    st.builds(
        MemberRecord,
        id=st.sampled_from([f"org:{i:016x}" for i in range(30)]),
        name=st.sampled_from(["甲科技", "乙医院", "浙江省示例引导基金", "丙基金", "丁研究院", "戊厅"]),
        type=st.sampled_from(["Company", "Hospital", "Fund", "Institute", "Agency", "Platform"]),
        mentions=st.integers(0, 6),
        explicit=st.booleans(),
        cue=st.booleans(),
        homes=st.lists(st.sampled_from(_HOMES), max_size=2).map(tuple),
        subsectors=st.lists(st.sampled_from(["electrodes", "local_transformation"]), max_size=2).map(tuple),
    ),
    max_size=25,
    unique_by=lambda m: m.id,
)


class _Fixed(ReportSource):
    def __init__(self, members: list[MemberRecord]) -> None:
        super().__init__(None)  # type: ignore[arg-type]
        self.fixed = members

    def members(self, requests):  # type: ignore[no-untyped-def]
        return {r: self.fixed for r in requests}


@settings(max_examples=80, deadline=None)
@given(
    members=_members,
    present=st.sets(st.sampled_from([f"org:{i:016x}" for i in range(30)]), max_size=8),
    limit=st.integers(1, 6),
    key=st.sampled_from([("subsector", "electrodes"), ("segment", "midstream"), ("pillar", "capital")]),
)
def test_picked_candidates_are_ranked_leads(members, present, limit, key) -> None:  # type: ignore[no-untyped-def]
    request = CandidateRequest(*key)
    picked = pick_candidates(_Fixed(members), [request], present, limit)[request]
    for group in (picked.domestic, picked.foreign):
        assert len(group) <= limit
        assert [rank_key(m) for m in group] == sorted(rank_key(m) for m in group)
        assert not {m.id for m in group} & present
        assert all(m.type != "Agency" for m in group)
    assert all("region:美国" in m.homes for m in picked.foreign)
    assert not any(set(m.homes) == {"region:美国"} for m in picked.domestic)
    assert not any(
        m.name == "浙江省示例引导基金" and "region:中国/浙江省/杭州市" in m.homes and m.type == "Fund"
        for m in (*picked.domestic, *picked.foreign)
    )
