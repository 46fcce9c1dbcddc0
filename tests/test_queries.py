"""Tests for the query library (bcikg.queries): headers, parameter resolution, the embedded
answers on the fixture, and parity: Neo4j and the embedded store return the same rows.

PARITY_SOURCES lists the graphs the parity test runs on; adding a store is one line.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

import networkx as nx
import pytest
from conftest import cases_for, load_kg

from bcikg.errors import InputError, NotFound
from bcikg.graph.build import build_graph
from bcikg.graph.embedded import EmbeddedStore
from bcikg.graph.neo4j_store import load, wipe
from bcikg.queries import cypher_files, list_queries, load_query, parse_cypher, statement
from bcikg.queries.access import EmbeddedAccess
from bcikg.queries.library import READ_FILES
from bcikg.queries.run import resolve_link, resolve_node, resolve_org, resolve_region, run_named
from bcikg.schema import KEYED_LABELS

XINGHE = "org:0000000000000001"
SEEDS = Path("/work/shared/corpus/seeds")


def library() -> list:
    return list_queries()


def GraphLookup(graph: nx.MultiDiGraph) -> EmbeddedAccess:
    return EmbeddedAccess(graph)


# ------------------------------------------------------------------ the files


def test_the_library_has_the_promised_queries() -> None:
    names = {q.name for q in library()}
    assert {
        "orgs_in_region",
        "chain_coverage",
        "gaps",
        "candidates",
        "hospital_trials",
        "funds",
        "agencies",
        "partners",
        "org_evidence",
        "relation_evidence",
        "shortest_path",
        "compare_regions",
    } <= names


@pytest.mark.parametrize("info", library(), ids=lambda q: q.name)
def test_every_query_is_documented(info) -> None:
    assert info.purpose
    assert info.example.startswith(f"bcikg query {info.name}"), info.example
    assert info.columns
    for p in info.parameters:
        assert p.description
        assert f"--param {p.name}=" in info.example or p.optional
    assert set(info.reads) <= set(READ_FILES), info.reads
    assert info.cypher.count("// _read_") == len(info.reads)  # --cypher prints the reads


def test_no_internal_read_is_listed_as_a_user_query() -> None:
    assert not [q.name for q in library() if q.name.startswith(("_", "report_"))]


@pytest.mark.parametrize("name", sorted(cypher_files()), ids=str)
def test_every_cypher_file_has_a_header(name: str) -> None:
    info = cypher_files()[name]
    assert name.startswith("_"), "Cypher files are the access layer's reads and the loader's statements"
    assert info.purpose and info.example and info.parameters
    assert info.cypher.strip()
    if name.startswith("_read_"):
        assert name in READ_FILES.values(), f"{name} is not a read of the access layer"


@pytest.mark.parametrize("name", ["_read_nodes", "_read_edges", "_read_mentions"])
def test_id_lookups_cover_every_keyed_label(name: str) -> None:
    """These reads find a node by id whatever its label: one index seek per keyed label."""
    text = cypher_files()[name].cypher
    for label in KEYED_LABELS:
        assert f"MATCH (n:{label} {{id: nid}})" in text, label


def test_header_parsing() -> None:
    info = parse_cypher(
        "demo",
        "// name: demo\n// purpose: first line\n//          second line\n"
        "// parameters: $region (text) where\n// example: MATCH (n) RETURN n\n\nMATCH (n) RETURN n\n",
    )
    assert info.purpose == "first line second line"
    assert info.parameters == "$region (text) where"
    assert info.cypher == "MATCH (n) RETURN n\n"


def test_unknown_query_lists_the_available_ones() -> None:
    with pytest.raises(InputError, match=r"no query named 'nope'; available: .*orgs_in_region"):
        load_query("nope")
    with pytest.raises(InputError):
        load_query("_merge_nodes")  # internal statements are not user queries
    with pytest.raises(InputError):
        load_query("_read_nodes")


@pytest.mark.parametrize(
    "parts",
    [
        {"label": "Organization) DETACH DELETE n //"},
        {"label": "Company"},  # a label, but not a keyed one
        {"type": "KNOWS"},
        {"set_labels": "Admin"},
        {"any_label": "Admin"},
        {"rel_types": "PARTNERS_WITH|KNOWS"},
        {"max_length": "8]-(x) DETACH DELETE x //"},
    ],
)
def test_statement_slots_accept_only_schema_names(parts: dict[str, str]) -> None:
    defaults = {"label": "Organization", "set_labels": "", "remove_labels": ""}
    with pytest.raises(ValueError):
        if "any_label" in parts:
            statement("_read_nodes_labelled", **parts)
        elif "rel_types" in parts or "max_length" in parts:
            statement("_read_shortest_paths", **{"rel_types": "PARTNERS_WITH", "max_length": "8", **parts})
        elif "type" in parts:
            statement(
                "_merge_relationships", type=parts["type"], source_label="Organization", target_label="Region"
            )
        else:
            statement("_merge_nodes", **{**defaults, **parts})


def test_statement_fills_slots() -> None:
    text = statement(
        "_merge_nodes", label="Organization", set_labels="Company", remove_labels="Hospital:Fund"
    )
    assert "MERGE (n:Organization {id: row.id})" in text
    assert "REMOVE n:Hospital:Fund" in text and "SET n:Company" in text


# ------------------------------------------------------------------ parameters


@pytest.mark.parametrize(
    "text, expected",
    [
        ("江西", "region:中国/江西省"),
        ("江西省", "region:中国/江西省"),
        ("赣江新区", "region:中国/江西省/赣江新区"),
        ("上海", "region:中国/上海市"),
        ("region:中国/江西省/南昌市", "region:中国/江西省/南昌市"),
        ("江西省赣江新区", "region:中国/江西省/赣江新区"),
        ("美国", "region:美国"),
    ],
)
def test_region_names_as_people_write_them(small_graph: nx.MultiDiGraph, text: str, expected: str) -> None:
    assert resolve_region(text, GraphLookup(small_graph)) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("火星", "unknown region '火星'"),
        ("北京", r"region '北京' \(region:中国/北京市\) is not in the graph"),
    ],
)
def test_unknown_regions(small_graph: nx.MultiDiGraph, text: str, message: str) -> None:
    with pytest.raises(NotFound, match=message):
        resolve_region(text, GraphLookup(small_graph))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("星河脑科技有限公司", XINGHE),
        ("星河脑科技", XINGHE),  # alias
        ("浦江神经院", "org:0000000000000006"),  # alias only
        ("晨曦", "org:0000000000000002"),  # unique partial match
        (XINGHE, XINGHE),
    ],
)
def test_organisation_names_and_aliases(small_graph: nx.MultiDiGraph, text: str, expected: str) -> None:
    assert resolve_org(text, GraphLookup(small_graph)) == expected


@pytest.mark.parametrize(
    "text, message", [("康复", "matches 2 organisations"), ("无名公司", "no organisation named")]
)
def test_ambiguous_or_unknown_organisations(small_graph: nx.MultiDiGraph, text: str, message: str) -> None:
    with pytest.raises(NotFound, match=message):
        resolve_org(text, GraphLookup(small_graph))


@pytest.mark.parametrize(
    "name, params, error, message",
    [
        ("orgs_in_region", {}, InputError, "needs --param region="),
        ("orgs_in_region", {"region": "江西", "colour": "red"}, InputError, "has no parameter 'colour'"),
        ("orgs_in_region", {"region": "江西", "segment": "sideways"}, InputError, "unknown segment"),
        ("candidates", {"link": "teleportation", "region": "江西"}, NotFound, "unknown chain link"),
        ("candidates", {"link": "电极", "region": "江西", "limit": "-1"}, InputError, "0 or more"),
        ("relation_evidence", {"org": "星河脑科技", "type": "LIKES"}, InputError, "unknown relation type"),
        (
            "shortest_path",
            {"source": "星河脑科技", "target": "星河脑科技有限公司"},
            InputError,
            "the same organisation",
        ),
    ],
)
def test_bad_parameters(small_graph, name: str, params: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        run_named(name, params, graph=small_graph)


# ------------------------------------------------------------------ embedded answers on the fixture


def rows(graph: nx.MultiDiGraph, name: str, **params: str) -> list[dict]:
    return run_named(name, params, graph=graph).rows


def test_orgs_in_region_includes_sub_regions_and_settled(small_graph) -> None:
    got = [
        (r["segment"], r["name"], r["presence"], r["home"])
        for r in rows(small_graph, "orgs_in_region", region="江西")
    ]
    assert got == [
        ("upstream", "星河脑科技有限公司", "settled", "上海市"),
        ("upstream", "晨曦神经电子", "settled", "浙江省杭州市"),
        ("midstream", "星河脑科技有限公司", "settled", "上海市"),
        ("midstream", "赣江脑机接口创新平台", "home", "江西省赣江新区"),
        ("downstream", "赣江康复医院", "home", "江西省南昌市"),
        ("none", "江西省脑机产业促进办公室", "home", "江西省"),
        ("none", "洪城脑科创业投资基金", "home", "江西省南昌市"),
    ]
    upstream = rows(small_graph, "orgs_in_region", region="江西", segment="上游")
    assert [r["name"] for r in upstream] == ["星河脑科技有限公司", "晨曦神经电子"]
    none = rows(small_graph, "orgs_in_region", region="江西", segment="none")
    assert [r["type"] for r in none] == ["Agency", "Fund"]


def test_chain_coverage_and_gaps(small_graph) -> None:
    coverage = {(r["kind"], r["key"]): r for r in rows(small_graph, "chain_coverage", region="江西省")}
    keys = [key for kind, key in coverage if kind == "subsector"]
    assert keys[:3] == ["electrodes", "chips", "signal_acquisition"]  # taxonomy order
    electrodes = coverage[("subsector", "electrodes")]
    assert (electrodes["home"], electrodes["settled"], electrodes["count"], electrodes["status"]) == (
        0,
        1,
        1,
        "thin",
    )
    assert coverage[("subsector", "medical_rehabilitation")]["home"] == 1
    assert coverage[("subsector", "consumer")]["status"] == "gap"
    policy = coverage[("pillar", "policy")]
    assert (policy["count"], policy["policies"], policy["home"]) == (1, 1, 0)  # the policy, not the agency
    gaps = rows(small_graph, "gaps", region="江西省")
    assert {(g["kind"], g["key"]) for g in gaps} == {k for k, r in coverage.items() if r["status"] == "gap"}
    consumer = next(g for g in gaps if g["key"] == "consumer")
    assert consumer["elsewhere"] == 1


@pytest.mark.parametrize("region", ["江西", "赣江新区", "上海", "中国"])
def test_coverage_queries_count_as_the_reports_do(small_graph, region: str) -> None:
    from bcikg.report import EmbeddedSource, compare_report, gap_report

    report = gap_report(EmbeddedSource(small_graph), region, candidates=0)
    counted = {("segment", s.segment): (s.count, s.status) for s in report.segments}
    counted.update(
        {("subsector", sub.key): (sub.count, sub.status) for s in report.segments for sub in s.subsectors}
    )
    counted.update({("pillar", p.key): (p.count, p.status) for p in report.pillars})
    coverage = {
        (r["kind"], r["key"]): (r["count"], r["status"])
        for r in rows(small_graph, "chain_coverage", region=region)
    }
    assert coverage == counted
    gaps = {(g["kind"], g["key"]) for g in rows(small_graph, "gaps", region=region)}
    assert gaps == {k for k, (_, status) in counted.items() if status == "gap"}
    compare = compare_report(EmbeddedSource(small_graph), [region, "江西"])
    pairs = {
        (r["dimension"], r["key"]): [r["a"], r["b"]]
        for r in rows(small_graph, "compare_regions", a=region, b="江西")
    }
    assert all(pairs[(row.kind, row.key)] == row.counts for row in compare.rows)


def test_candidates_elsewhere(small_graph) -> None:
    got = rows(small_graph, "candidates", link="algorithms", region="江西")
    assert [(r["name"], r["home"], r["mentions"]) for r in got] == [
        ("浦江神经工程研究院", "上海市浦东新区", 2)
    ]
    # the sentence that names the link's work, not merely the first one
    assert got[0]["sentence"] == "浦江神经工程研究院与星河脑科技在上海浦东新区共建解码算法实验室。"
    assert got[0]["reason"].startswith("非企业机构")
    everywhere = rows(small_graph, "candidates", link="算法与解码", region="美国")
    assert [(r["rank"], r["type"]) for r in everywhere] == [
        (1, "Company"),
        (2, "Institute"),
    ]  # companies first
    assert rows(small_graph, "candidates", link="算法与解码", region="美国", limit="1")[0]["rank"] == 1
    assert len(rows(small_graph, "candidates", link="算法与解码", region="美国", limit="1")) == 1


def test_candidates_take_any_chain_link(small_graph) -> None:
    assert resolve_link("上游") == ("segment", "upstream")
    assert resolve_link("资本") == ("pillar", "capital")
    assert resolve_link("subsector:electrodes") == ("subsector", "electrodes")
    upstream = rows(small_graph, "candidates", link="上游", region="上海")
    assert upstream and all(r["type"] != "Agency" for r in upstream)


def test_hospitals_funds_agencies_targets(small_graph) -> None:
    trials = rows(small_graph, "hospital_trials", region="江西")
    assert [(r["hospital"], r["organization"]) for r in trials] == [
        ("赣江康复医院", "星河脑科技有限公司"),
        ("赣江康复医院", "晨曦神经电子"),
    ]
    assert rows(small_graph, "hospital_trials", region="上海") == []
    funds = rows(small_graph, "funds")
    assert [(r["relation"], r["target"]) for r in funds] == [
        ("INVESTS_IN", "星河脑科技有限公司"),
        ("PARTNERS_WITH", "赣江脑机接口创新平台"),
    ]
    agencies = rows(small_graph, "agencies", region="江西省")
    assert [(r["relation"], r["task"]) for r in agencies] == [
        ("ISSUED", None),
        ("RESPONSIBLE_FOR", "第1条 引进培育脑机接口企业"),
    ]
    (target,) = rows(small_graph, "targets", region="江西")
    assert (target["year"], target["quantity"], target["agencies"]) == (
        2027,
        10.0,
        ["江西省脑机产业促进办公室"],
    )


def test_partners_evidence_and_paths(small_graph) -> None:
    partners = rows(small_graph, "partners", org="星河脑科技")
    assert [(r["relation"], r["direction"], r["partner"]) for r in partners] == [
        ("CLINICAL_TRIAL_AT", "out", "赣江康复医院"),
        ("INVESTS_IN", "in", "洪城脑科创业投资基金"),
        ("PARTNERS_WITH", "in", "浦江神经工程研究院"),
    ]
    evidence = rows(small_graph, "org_evidence", org="星河脑科技")
    first = evidence[0]
    assert (first["doc_id"], first["start"], first["end"]) == ("doc:f1a0000000000001", 26, 35)
    relations = rows(small_graph, "relation_evidence", org="星河脑科技", type="SIGNED_IN")
    assert relations[0]["evidence"][0]["text"] == "签约落户赣江新区"  # parsed from the JSON string
    paths = rows(small_graph, "shortest_path", source="星河脑科技", target="晨曦神经电子")
    assert [p["nodes"][1] for p in paths] == ["赣江康复医院", "赣江新区"]
    assert all(p["length"] == 2 for p in paths)


def test_compare_regions(small_graph) -> None:
    got = {
        (r["dimension"], r["key"]): (r["a"], r["b"])
        for r in rows(small_graph, "compare_regions", a="江西", b="上海")
    }
    assert got[("total", "organizations")] == (6, 2)
    assert got[("segment", "upstream")] == (2, 1)
    assert got[("type", "Hospital")] == (1, 0)
    assert got[("pillar", "policy")] == (1, 0)


def test_node_parameters_take_names_as_users_write_them(small_graph) -> None:
    """`relation_evidence -p org=… -p other=赣江新区`: the other end by name, an organisation or a region."""
    access = GraphLookup(small_graph)
    assert resolve_node("赣江新区", access) == "region:中国/江西省/赣江新区"
    assert resolve_node("赣江康复医院", access) == "org:0000000000000003"
    (row,) = rows(small_graph, "relation_evidence", org="星河脑科技", other="赣江新区")
    assert (row["type"], row["target"]) == ("SIGNED_IN", "赣江新区")
    assert row["evidence"][0]["source"] == "/fixtures/ganjiang_signing.txt"
    assert row["evidence"][0]["title"] == "赣江新区脑机接口企业集中签约"
    with pytest.raises(NotFound, match=r"no organisation named '火星'.*as a region: unknown region '火星'"):
        rows(small_graph, "relation_evidence", org="星河脑科技", other="火星")


def test_unknown_names_list_close_choices(small_graph) -> None:
    with pytest.raises(NotFound, match=r"close names: .*星河脑科技有限公司"):
        resolve_org("星河脑机科技", GraphLookup(small_graph))
    with pytest.raises(NotFound, match=r"did you mean .*江西省"):
        resolve_region("江西西省", GraphLookup(small_graph))


class RecordingAccess:
    """An access object that notes which reads a query makes."""

    def __init__(self, inner: EmbeddedAccess) -> None:
        self.inner, self.used = inner, set()

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        self.used.add(name)
        return getattr(self.inner, name)


def test_queries_use_only_the_reads_they_declare(small_graph) -> None:
    for name, params in cases_for(small_graph, limit=3):
        access = RecordingAccess(EmbeddedAccess(small_graph))
        run_named(name, params, access=access)  # type: ignore[arg-type]
        assert access.used <= set(load_query(name).reads), (name, access.used - set(load_query(name).reads))


# ------------------------------------------------------------------ parity with Neo4j


def _fixture_graph() -> nx.MultiDiGraph:
    return build_graph(load_kg())


def _seed_graph() -> nx.MultiDiGraph:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} is not available")
    try:
        from bcikg.ingest.pipeline import ingest_paths
    except ImportError as exc:  # the extractor is not there yet
        pytest.skip(f"ingest is not available: {exc}")
    import tempfile

    directory = Path(tempfile.mkdtemp(prefix="bcikg-parity-seeds-"))
    ingest_paths([SEEDS], directory / "store", workers=1)
    return EmbeddedStore(directory / "store").load_graph()


# name -> how to get the graph. Add a store here to run the parity test on it.
PARITY_SOURCES: dict[str, Callable[[], nx.MultiDiGraph]] = {
    "fixture": _fixture_graph,
    "seeds": _seed_graph,
}


@cache
def parity_graph(source: str) -> nx.MultiDiGraph:
    return PARITY_SOURCES[source]()


@pytest.fixture(scope="module")
def loaded_source(neo4j_settings, neo4j_driver):
    """Loads one parity source at a time into Neo4j (wiping first); returns a loader function."""
    state: dict[str, str | None] = {"loaded": None}

    def ensure(source: str) -> nx.MultiDiGraph:
        graph = parity_graph(source)
        if state["loaded"] != source:
            wipe(neo4j_settings, driver=neo4j_driver)
            load(graph, neo4j_settings, driver=neo4j_driver)
            state["loaded"] = source
        return graph

    return ensure


@pytest.mark.neo4j
@pytest.mark.parametrize("source", list(PARITY_SOURCES))
def test_neo4j_and_embedded_return_the_same_rows(
    source: str, loaded_source, neo4j_driver, neo4j_settings
) -> None:
    graph = loaded_source(source)
    cases = cases_for(graph)
    assert {name for name, _ in cases} == {q.name for q in library()}, "every query needs parity cases"
    differences = []
    non_empty = 0
    for name, params in cases:
        embedded_rows = run_named(name, params, graph=graph).rows
        neo4j_rows = run_named(name, params, driver=neo4j_driver, database=neo4j_settings.database).rows
        non_empty += bool(embedded_rows)
        if embedded_rows != neo4j_rows:
            differences.append(
                f"{name} {params}:\n  embedded {json.dumps(embedded_rows, ensure_ascii=False)[:400]}\n"
                f"  neo4j    {json.dumps(neo4j_rows, ensure_ascii=False)[:400]}"
            )
    assert not differences, f"{len(differences)} of {len(cases)} cases differ:\n" + "\n".join(differences[:5])
    assert non_empty > len(cases) // 3, "too few cases return rows to say much"


def _access_cases(graph: nx.MultiDiGraph) -> list[tuple[str, tuple]]:
    """Every read of the access layer with arguments drawn from the graph."""
    from bcikg.report.pillars import link_request

    ids = sorted(graph.nodes)
    orgs = sorted(n for n, labels in graph.nodes(data="labels") if "Organization" in labels)[:20]
    regions = sorted(n for n, labels in graph.nodes(data="labels") if "Region" in labels)
    types = ["LOCATED_IN", "SIGNED_IN", "ABOUT", "APPLIES_TO", "IN_SEGMENT", "PARTNERS_WITH", "OWNS_TARGET"]
    requests = [link_request("subsector", "electrodes"), link_request("segment", "upstream")]
    requests += [link_request("pillar", key) for key in ("capital", "clinical_resources", "research")]
    cases: list[tuple[str, tuple]] = [(name, ()) for name in ("regions_with_data", "org_names")]
    cases += [("region_tree", (r,)) for r in regions] + [
        ("regions_named", (t,)) for t in ("江西", "赣江新区", "上海市")
    ]
    cases += [("nodes", (ids,)), ("mentions", (ids,)), ("link_members", (requests,))]
    cases += [
        ("nodes_labelled", (label,)) for label in ("Hospital", "Agency", "Fund", "Target", "Claim", "Region")
    ]
    cases += [("find_orgs", (t,)) for t in ("脑", "医院", orgs[0])]
    cases += [("edges", (ids, types, d)) for d in ("out", "in", "both")]
    return cases


def _canonical(rows: object) -> list[str]:
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)  # type: ignore[union-attr]


@pytest.mark.neo4j
@pytest.mark.parametrize("source", list(PARITY_SOURCES))
def test_every_access_read_gives_the_same_rows(
    source: str, loaded_source, neo4j_driver, neo4j_settings
) -> None:
    """The layer both backends are written on: each read returns the same rows (as sets)."""
    from bcikg.queries.neo4j_access import Neo4jAccess

    graph = loaded_source(source)
    embedded, neo4j = EmbeddedAccess(graph), Neo4jAccess(neo4j_driver, neo4j_settings.database)
    for name, args in _access_cases(graph):
        a, b = getattr(embedded, name)(*args), getattr(neo4j, name)(*args)
        if name in ("regions_named",):
            a, b = sorted(a), sorted(b)
        assert _canonical(a) == _canonical(b), name


@pytest.mark.neo4j
@pytest.mark.parametrize("info", library(), ids=lambda q: q.name)
def test_every_query_runs_on_neo4j(info, loaded_source, neo4j_driver, neo4j_settings) -> None:
    graph = loaded_source("fixture")
    params = next(p for name, p in cases_for(graph) if name == info.name and p)
    result = run_named(info.name, params, driver=neo4j_driver, database=neo4j_settings.database)
    assert result.columns == list(info.columns)
    for row in result.rows:
        assert list(row) == list(info.columns)


@pytest.mark.parametrize("info", library(), ids=lambda q: q.name)
def test_header_examples_run_on_the_seed_articles(info) -> None:
    """The example in each header works on real data (embedded backend)."""
    graph = parity_graph("seeds")
    words = shlex.split(info.example)
    params = dict(words[i + 1].split("=", 1) for i, word in enumerate(words) if word in ("--param", "-p"))
    result = run_named(info.name, params, graph=graph)
    assert result.rows, f"{info.example} returns nothing on the seed articles"


@pytest.mark.neo4j
def test_parity_notices_a_difference(loaded_source, neo4j_driver, neo4j_settings) -> None:
    """The parity comparison can fail: after changing the embedded graph, rows differ."""
    graph = loaded_source("fixture").copy()
    graph.nodes["org:0000000000000002"]["name"] = "改过的名字"
    embedded_rows = run_named("orgs_in_region", {"region": "江西"}, graph=graph).rows
    neo4j_rows = run_named(
        "orgs_in_region", {"region": "江西"}, driver=neo4j_driver, database=neo4j_settings.database
    ).rows
    assert embedded_rows != neo4j_rows


# ------------------------------------------------------------------ CLI


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bcikg.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=120,
    )


@pytest.fixture
def store_dir(tmp_path: Path, small_graph) -> Path:
    EmbeddedStore(tmp_path / "store").save({}, small_graph)
    return tmp_path / "store"


def test_cli_query_list() -> None:
    proc = run_cli("query", "--list")
    assert proc.returncode == 0, proc.stderr
    for info in library():
        assert info.name in proc.stdout
    assert "$region (region)" in proc.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_cli_query_embedded(store_dir: Path, fmt: str) -> None:
    proc = run_cli(
        "query",
        "orgs_in_region",
        "--param",
        "region=江西",
        "--backend",
        "embedded",
        "--store",
        str(store_dir),
        "--format",
        fmt,
    )
    assert proc.returncode == 0, proc.stderr
    if fmt == "json":
        data = json.loads(proc.stdout)
        assert data[0]["name"] == "星河脑科技有限公司"
    elif fmt == "csv":
        assert proc.stdout.splitlines()[0] == "segment,name,type,id,presence,home"
        assert len(proc.stdout.splitlines()) == 8
    else:
        assert "赣江康复医院" in proc.stdout


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["query", "nope", "--backend", "embedded"], 2, "no query named 'nope'"),
        (
            ["query", "orgs_in_region", "--param", "region", "--backend", "embedded"],
            2,
            "write it as NAME=VALUE",
        ),
        (["query", "orgs_in_region", "-p", "region=火星", "--backend", "embedded"], 5, "unknown region"),
        (["query", "gaps", "-p", "region=江西", "--backend", "graphdb"], 2, "unknown backend"),
    ],
)
def test_cli_query_errors(store_dir: Path, args: list[str], code: int, message: str) -> None:
    proc = run_cli(*args, "--store", str(store_dir))
    assert proc.returncode == code, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.neo4j
def test_cli_query_neo4j(loaded_source, neo4j_settings, store_dir: Path) -> None:
    loaded_source("fixture")
    env = {
        "NEO4J_URI": neo4j_settings.uri,
        "NEO4J_USER": neo4j_settings.user,
        "NEO4J_PASSWORD": neo4j_settings.password.get_secret_value(),
        "NEO4J_DATABASE": neo4j_settings.database,
    }
    proc = run_cli(
        "query", "gaps", "-p", "region=赣江新区", "--format", "json", "--backend", "neo4j", env=env
    )
    assert proc.returncode == 0, proc.stderr
    embedded = run_cli(
        "query",
        "gaps",
        "-p",
        "region=赣江新区",
        "--format",
        "json",
        "--backend",
        "embedded",
        "--store",
        str(store_dir),
    )
    assert json.loads(proc.stdout) == json.loads(embedded.stdout)


def test_cli_query_defaults_to_the_store_and_takes_names(store_dir: Path) -> None:
    """`query` reads the embedded store unless told otherwise, as `report` does; a region name
    works where an organisation or a region is meant, and an unknown name is exit code 5."""
    proc = run_cli(
        "query",
        "relation_evidence",
        "-p",
        "org=星河脑科技",
        "-p",
        "other=赣江新区",
        "--store",
        str(store_dir),
        "-f",
        "json",
    )
    assert proc.returncode == 0, proc.stderr
    assert [r["target"] for r in json.loads(proc.stdout)] == ["赣江新区"]
    proc = run_cli("query", "partners", "-p", "org=星河脑机", "--store", str(store_dir))
    assert proc.returncode == 5 and "close names" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_query_prints_the_cypher_of_its_reads() -> None:
    proc = run_cli("query", "gaps", "--cypher")
    assert proc.returncode == 0, proc.stderr
    assert "// _read_region_tree" in proc.stdout and "$region" in proc.stdout
