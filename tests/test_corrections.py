"""Analyst corrections (bcikg.ingest.corrections) on the small hand-written graph: each action,
idempotence, conflicts, stale corrections, the file's round trip, and the graph's provenance."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcikg.errors import InputError
from bcikg.graph.build import build_graph
from bcikg.ingest.corrections import (
    Correction,
    added_org_id,
    apply_corrections,
    dumps_corrections,
    load_corrections,
    save_corrections,
    store_corrections,
)
from bcikg.ingest.textutil import normalize_name
from bcikg.models import KnowledgeGraph

XINGHE = "org:0000000000000001"  # 星河脑科技有限公司, alias 星河脑科技, 上海, upstream+midstream
CHENXI = "org:0000000000000002"  # 晨曦神经电子, 杭州
HOSPITAL = "org:0000000000000003"  # 赣江康复医院
FUND = "org:0000000000000004"  # 洪城脑科创业投资基金, alias 洪城脑科基金
AGENCY = "org:0000000000000005"  # 江西省脑机产业促进办公室, owns a target
GANJIANG = "region:中国/江西省/赣江新区"
DALIAN = "region:中国/辽宁省/大连市"


def org(kg: KnowledgeGraph, org_id: str):  # type: ignore[no-untyped-def]
    return next((o for o in kg.organizations if o.id == org_id), None)


def rels(kg: KnowledgeGraph, org_id: str, kind: str | None = None) -> list:
    return [r for r in kg.relations if org_id in (r.source, r.target) and (kind is None or r.type == kind)]


def c(action: str, name: str, **fields: object) -> Correction:
    return Correction(action=action, name=name, note=str(fields.pop("note", "")), **fields)  # type: ignore[arg-type]


# ------------------------------------------------------------------ actions


def test_no_corrections_return_the_graph_itself(kg_small: KnowledgeGraph) -> None:
    out, issues = apply_corrections(kg_small, [])
    assert out is kg_small and issues == []


def test_set_segment_region_type_subsector(kg_small: KnowledgeGraph) -> None:
    before = kg_small.model_dump()
    out, issues = apply_corrections(
        kg_small,
        [
            c("set", "星河脑科技有限公司", segment=["midstream"], note="官网只列出算法"),
            c("set", "晨曦神经电子", region=DALIAN, type="Institute", subsector=["decoding_algorithms"]),
        ],
    )
    assert issues == []
    assert kg_small.model_dump() == before  # pure
    xinghe = org(out, XINGHE)
    assert xinghe.segment == ["midstream"] and xinghe.segment_explicit
    assert xinghe.analyst_fields == ["segment"] and xinghe.analyst_note == "官网只列出算法"
    chenxi = org(out, CHENXI)
    assert (chenxi.region, chenxi.type, chenxi.subsectors) == (DALIAN, "Institute", ["decoding_algorithms"])
    homes = [r for r in rels(out, CHENXI, "LOCATED_IN") if r.target.startswith("region:")]
    assert [(r.target, r.properties.get("provenance")) for r in homes] == [(DALIAN, "analyst")]
    assert any(r.id == "region:中国/辽宁省" for r in out.regions)  # ancestors come along


def test_analyst_values_carry_provenance_into_the_graph(kg_small: KnowledgeGraph) -> None:
    out, _ = apply_corrections(kg_small, [c("set", "星河脑科技", segment=["midstream"], note="n1")])
    graph = build_graph(out)
    node = graph.nodes[XINGHE]
    assert (
        node["corrected"] is True and node["analyst_fields"] == ["segment"] and node["analyst_note"] == "n1"
    )
    assert "corrected" not in graph.nodes[CHENXI]
    edges = [d for _, t, d in graph.out_edges(XINGHE, data=True) if d["type"] == "IN_SEGMENT"]
    assert [(d.get("provenance"), d.get("analyst_note")) for d in edges] == [("analyst", "n1")]


def test_set_settled_in_replaces_the_signed_regions(kg_small: KnowledgeGraph) -> None:
    out, _ = apply_corrections(kg_small, [c("set", "星河脑科技有限公司", settled_in=[DALIAN])])
    assert org(out, XINGHE).settled_in == [DALIAN]
    assert [r.target for r in rels(out, XINGHE, "SIGNED_IN")] == [DALIAN]
    out, _ = apply_corrections(kg_small, [c("set", "星河脑科技有限公司", settled_in=[])])
    assert org(out, XINGHE).settled_in == [] and rels(out, XINGHE, "SIGNED_IN") == []


def test_reject_removes_the_node_its_relations_and_target_ownership(kg_small: KnowledgeGraph) -> None:
    out, issues = apply_corrections(kg_small, [c("reject", "江西省脑机产业促进办公室")])
    assert issues == [] and org(out, AGENCY) is None and rels(out, AGENCY) == []
    assert all(AGENCY not in t.agencies for t in out.targets)
    build_graph(out)  # no dangling ends


def test_merge_moves_names_mentions_and_relations(kg_small: KnowledgeGraph) -> None:
    out, issues = apply_corrections(kg_small, [c("merge", "星河脑科技有限公司", other="晨曦神经电子")])
    assert issues == [] and org(out, CHENXI) is None
    merged = org(out, XINGHE)
    assert "晨曦神经电子" in merged.aliases and "merged" in merged.analyst_fields
    assert merged.region == "region:中国/上海市"  # the kept organisation's home stands
    assert "chips" in merged.subsectors and len(merged.evidence) == 5
    trials = rels(out, XINGHE, "CLINICAL_TRIAL_AT")
    assert len(trials) == 1 and len(trials[0].evidence) == 2  # the two trials became one, with both
    homes = [r for r in rels(out, XINGHE, "LOCATED_IN") if r.source == XINGHE]
    assert [r.target for r in homes] == ["region:中国/上海市"]
    assert not [r for r in out.relations if CHENXI in (r.source, r.target)]


def test_split_makes_the_alias_an_organisation(kg_small: KnowledgeGraph) -> None:
    out, issues = apply_corrections(kg_small, [c("split", "洪城脑科创业投资基金", other="洪城脑科基金")])
    assert issues == []
    assert "洪城脑科基金" not in org(out, FUND).aliases
    new = [o for o in out.organizations if o.name == "洪城脑科基金"]
    assert len(new) == 1 and new[0].type == "Fund" and "split" in new[0].analyst_fields


def test_add_org_and_relation(kg_small: KnowledgeGraph) -> None:
    out, issues = apply_corrections(
        kg_small,
        [
            c(
                "add_org",
                "滨海神经接口有限公司",
                type="Company",
                region=DALIAN,
                segment=["upstream"],
                note="官网",
            ),
            c(
                "add_relation",
                "滨海神经接口有限公司",
                relation="PARTNERS_WITH",
                other="赣江康复医院",
                note="协议",
            ),
            c(
                "add_relation",
                "滨海神经接口有限公司",
                relation="SIGNED_IN",
                other="赣江新区",
                other_id=GANJIANG,
            ),
        ],
    )
    assert issues == []
    added = org(out, added_org_id("滨海神经接口有限公司"))
    assert added.region == DALIAN and added.segment == ["upstream"] and added.settled_in == [GANJIANG]
    partner = rels(out, added.id, "PARTNERS_WITH")
    assert len(partner) == 1 and partner[0].properties["provenance"] == "analyst"
    assert partner[0].properties["analyst_note"] == "协议"
    build_graph(out)


# ------------------------------------------------------------------ conflicts, stale, matching


def test_two_corrections_of_one_field_the_later_wins_and_is_reported(kg_small: KnowledgeGraph) -> None:
    out, issues = apply_corrections(
        kg_small,
        [
            c("set", "星河脑科技有限公司", segment=["upstream"]),
            c("set", "晨曦神经电子", segment=["downstream"]),
            c("set", "星河脑科技", segment=["downstream"]),  # the same organisation by its alias
        ],
    )
    assert org(out, XINGHE).segment == ["downstream"]
    assert [(i.number, i.kind) for i in issues] == [(1, "overridden")]
    assert "#3" in issues[0].reason


@pytest.mark.parametrize(
    "correction",
    [
        c("set", "不存在的公司", segment=["upstream"]),
        c("reject", "不存在的公司"),
        c("merge", "星河脑科技有限公司", other="不存在的公司"),
        c("split", "星河脑科技有限公司", other="不是它的别名"),
        c("add_relation", "星河脑科技有限公司", relation="PARTNERS_WITH", other="不存在的公司"),
    ],
)
def test_a_correction_that_matches_nothing_is_stale_not_dropped(
    kg_small: KnowledgeGraph, correction: Correction
) -> None:
    out, issues = apply_corrections(kg_small, [correction])
    assert [(i.number, i.kind) for i in issues] == [(1, "stale")]
    assert out.model_dump() == apply_corrections(kg_small, [])[0].model_dump()


def test_found_by_id_when_renamed_and_by_alias_when_the_id_changed(kg_small: KnowledgeGraph) -> None:
    renamed = c("set", "星河旧名称", id=XINGHE, segment=["downstream"])
    by_alias = c("set", "洪城脑科基金", id="org:ffffffffffffffff", segment=["upstream"])
    out, issues = apply_corrections(kg_small, [renamed, by_alias])
    assert issues == []
    assert org(out, XINGHE).segment == ["downstream"] and org(out, FUND).segment == ["upstream"]


def test_a_rejected_organisation_makes_later_corrections_stale(kg_small: KnowledgeGraph) -> None:
    _, issues = apply_corrections(
        kg_small, [c("reject", "晨曦神经电子", id=CHENXI), c("set", "晨曦神经电子", id=CHENXI, type="Fund")]
    )
    assert [(i.number, i.kind) for i in issues] == [(2, "stale")]
    assert "#1" in issues[0].reason


# ------------------------------------------------------------------ idempotence (property)

NAMES = [
    "星河脑科技有限公司",
    "星河脑科技",
    "晨曦神经电子",
    "赣江康复医院",
    "洪城脑科创业投资基金",
    "洪城脑科基金",
    "江西省脑机产业促进办公室",
    "浦江神经工程研究院",
    "江南康复器械",
    "无此机构",
    "新增甲公司",
]
REGIONS = [GANJIANG, DALIAN, "region:中国/上海市", ""]


def resolved(kg: KnowledgeGraph, name: str) -> tuple[str, str] | None:
    """(id, name) as `bcikg fix` resolves a name on the store's current graph: exact name, then
    alias; None where the command would stop with an error."""
    key = normalize_name(name)
    for names_of in (lambda o: [o.name], lambda o: o.aliases):
        hits = [o for o in kg.organizations if key in {normalize_name(n) for n in names_of(o)}]
        if len(hits) == 1:
            return hits[0].id, hits[0].name
        if hits:
            return None
    return None


def as_recorded(kg: KnowledgeGraph, specs: list[tuple]) -> list[Correction]:
    """The corrections `bcikg fix` would record for these commands, each resolved on the graph
    the earlier ones made (commands the CLI refuses are left out)."""
    out: list[Correction] = []
    for action, name, other, fields in specs:
        current = apply_corrections(kg, out)[0]
        if action == "add_org":
            if resolved(current, name) is None and not any(
                normalize_name(name) in {normalize_name(a) for a in o.aliases} for o in current.organizations
            ):
                out.append(c("add_org", name, **fields))
            continue
        target = resolved(current, name)
        if target is None:
            continue
        extra: dict[str, object] = dict(fields)
        if action in ("merge", "add_relation"):
            second = resolved(current, other)
            if second is None or second[0] == target[0]:
                continue
            extra.update(other=second[1], other_id=second[0])
        elif action == "split":
            org_ = next(o for o in current.organizations if o.id == target[0])
            match = [a for a in org_.aliases if normalize_name(a) == normalize_name(other)]
            if not match or normalize_name(other) == normalize_name(org_.name):
                continue
            extra.update(other=match[0])
        out.append(c(action, target[1], id=target[0], **extra))
    return out


def specs_strategy() -> st.SearchStrategy[list[tuple]]:
    name = st.sampled_from(NAMES)
    segments = st.lists(st.sampled_from(["upstream", "midstream", "downstream"]), max_size=2, unique=True)
    one = st.one_of(
        st.builds(
            lambda n, seg, reg: ("set", n, None, {"segment": seg, "region": reg}),
            name,
            segments,
            st.sampled_from(REGIONS),
        ),
        st.builds(
            lambda n, t: ("set", n, None, {"type": t}), name, st.sampled_from(["Company", "Fund", "Platform"])
        ),
        st.builds(
            lambda n, r: ("set", n, None, {"settled_in": r}),
            name,
            st.lists(st.sampled_from(REGIONS[:3]), max_size=2),
        ),
        st.builds(lambda n: ("reject", n, None, {}), name),
        st.builds(lambda a, b: ("merge", a, b, {}), name, name),
        st.builds(lambda a, b: ("split", a, b, {}), name, name),
        st.builds(
            lambda a: ("add_org", a, None, {"type": "Company", "segment": ["upstream"]}),
            st.sampled_from(["新增甲公司", "新增乙公司"]),
        ),
        st.builds(
            lambda a, b: ("add_relation", a, b, {"relation": "PARTNERS_WITH", "note": "n"}), name, name
        ),
    )
    return st.lists(one, max_size=6)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=specs_strategy())
def test_applying_twice_equals_applying_once(kg_small: KnowledgeGraph, specs: list[tuple]) -> None:
    corrections = as_recorded(kg_small, specs)
    once, _ = apply_corrections(kg_small, corrections)
    twice, _ = apply_corrections(once, corrections)
    assert twice.model_dump() == once.model_dump()
    build_graph(once)  # always a valid graph


# ------------------------------------------------------------------ the file


@settings(max_examples=40, deadline=None)
@given(note=st.text(max_size=40), name=st.text(min_size=1, max_size=20))
def test_file_round_trip(note: str, name: str) -> None:
    import tomllib

    items = [
        c("set", name, segment=["midstream"], region="", note=note),
        c("reject", "某研究室", at="2026-01-01"),
    ]
    text = dumps_corrections(items)
    parsed = tomllib.loads(text)["correction"]
    assert [Correction.model_validate(row) for row in parsed] == items


def test_save_load_and_one_table_per_decision(tmp_path: Path) -> None:
    path = tmp_path / "corrections.toml"
    items = [
        c("set", "甲", segment=["upstream"], note="why", at="2026-01-01T00:00:00+00:00"),
        c("reject", "乙"),
    ]
    save_corrections(path, items)
    assert load_corrections(path) == items
    assert path.read_text(encoding="utf-8").splitlines().count("[[correction]]") == 2
    assert load_corrections(tmp_path / "missing.toml") == []


@pytest.mark.parametrize(
    "text",
    ['[[correction]]\naction = "paint"\nname = "甲"\n', "[[correction]\n", "[other]\nx = 1\n"],
)
def test_a_bad_file_is_an_input_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "corrections.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        load_corrections(path)


def test_store_knows_whether_its_graph_holds_the_corrections(tmp_path: Path) -> None:
    fixes = store_corrections(tmp_path)
    assert not fixes.changed()  # no file, nothing recorded
    save_corrections(fixes.path, [c("reject", "乙")])
    fixes = store_corrections(tmp_path)
    assert fixes.changed() and fixes.recorded_issues() is None
    fixes.record_applied([])
    assert not store_corrections(tmp_path).changed() and store_corrections(tmp_path).recorded_issues() == []


# ------------------------------------------------------------------ reports mark corrections


def test_reports_mark_corrected_organisations_and_candidates(kg_small: KnowledgeGraph) -> None:
    from rich.console import Console

    from bcikg.queries.access import EmbeddedAccess
    from bcikg.report import EmbeddedSource, gap_report, render, render_table

    kg, _ = apply_corrections(kg_small, [c("set", "星河脑科技有限公司", segment=["upstream"])])
    graph = build_graph(kg)
    node = EmbeddedAccess(graph).nodes([XINGHE])[0]  # the access layer's node read carries the mark
    assert node["props"]["corrected"] is True and node["props"]["analyst_fields"] == ["segment"]
    members = EmbeddedAccess(graph).link_members(
        [{"kind": "segment", "key": "upstream", "segment": "upstream"}]
    )
    assert {m["id"]: m["corrected"] for m in members}[XINGHE] is True
    assert not any(m["corrected"] for m in members if m["id"] != XINGHE)

    source = EmbeddedSource(graph)
    shanghai = gap_report(source, "上海")  # based there: an organisation of the region
    assert [o.name for o in shanghai.organizations if o.corrected] == ["星河脑科技有限公司"]
    hangzhou = gap_report(source, "杭州")  # elsewhere: a candidate
    links = [*hangzhou.segments, *(s for seg in hangzhou.segments for s in seg.subsectors), *hangzhou.pillars]
    candidates = [cand for link in links for cand in link.candidates]
    assert {cand.corrected for cand in candidates if cand.id == XINGHE} == {True}
    assert not any(cand.corrected for cand in candidates if cand.id != XINGHE)
    assert "分析员更正" in render(hangzhou, "markdown") and "分析员更正" in render(hangzhou, "html")
    assert "分析员更正" in render(shanghai, "markdown") and "分析员更正" in render(shanghai, "html")
    console = Console(record=True, width=200)
    console.print(render_table(shanghai))
    assert "星河脑科技有限公司✎" in console.export_text()
    unmarked = gap_report(EmbeddedSource(build_graph(kg_small)), "上海")
    assert "分析员更正" not in render(unmarked, "markdown") + render(unmarked, "html")


# ------------------------------------------------------------------ review queue


def test_review_queue_kinds_order_and_commands(kg_small: KnowledgeGraph) -> None:
    from bcikg.report.review import review_items

    kg, _ = apply_corrections(
        kg_small, [c("add_org", "星河脑科技集团", type="Company", region="region:中国/上海市")]
    )
    orgs = [
        o.model_copy(update={"name": "南京晨曦神经电子"}) if o.id == CHENXI else o for o in kg.organizations
    ]
    items = review_items(build_graph(kg.model_copy(update={"organizations": orgs})), limit=50)
    kinds = {(i.kind, i.name) for i in items}
    assert ("segment_conflict", "星河脑科技有限公司") in kinds  # upstream and midstream by cue words
    assert ("region_conflict", "南京晨曦神经电子") in kinds  # named after 南京, based in 杭州
    assert any(
        i.kind == "near_duplicate" and {i.name, i.other} == {"星河脑科技有限公司", "星河脑科技集团"}
        for i in items
    )
    assert [i.impact for i in items] == sorted((i.impact for i in items), reverse=True)
    assert all(i.commands and all(cmd.startswith("bcikg fix ") for cmd in i.commands) for i in items)


def test_review_does_not_question_what_an_analyst_decided(kg_small: KnowledgeGraph) -> None:
    from bcikg.report.review import review_items

    kg, _ = apply_corrections(kg_small, [c("set", "星河脑科技有限公司", segment=["upstream"])])
    assert not [
        i for i in review_items(build_graph(kg), limit=50) if i.kind == "segment_conflict" and i.id == XINGHE
    ]


def test_review_of_a_region_counts_only_its_organisations(kg_small: KnowledgeGraph) -> None:
    from bcikg.errors import NotFound
    from bcikg.report.review import review_items

    graph = build_graph(kg_small)
    in_jiangxi = {i.id for i in review_items(graph, "江西", limit=50)}
    assert "org:0000000000000008" not in in_jiangxi  # Boston
    with pytest.raises(NotFound):
        review_items(graph, "西藏")
