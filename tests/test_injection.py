"""Injection safety: organisation names, region strings, sentences and file names full of quotes,
backslashes, braces, backticks, newlines and Cypher keywords travel through ingest, load, query
(both backends) and report unchanged and harmless.

Two graphs are used. The extractor cuts names at quotes, backslashes and spaces (奇点'}) MATCH …
科技有限公司 is read as no organisation at all), so besides an article it really ingests
(names with braces, backticks and Cypher words survive; the hostile sentences and the file name
survive as evidence and document path), a KnowledgeGraph is built by hand with the full hostile
strings as names, aliases, regions, policy, claim and sentences. Each is loaded into the real
Neo4j (the separate instance of tests/test_faults.py), next to a node of a foreign label that
must survive, and then queried and reported through the CLI.

Labels and relationship types come only from bcikg.schema's fixed sets: a spy on the real
driver records every statement the loader sends, and none holds anything from the data.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import neo4j
import networkx as nx
import pytest
from test_faults import FaultServer, cli, fault_server

from bcikg.graph.build import build_graph
from bcikg.graph.embedded import EmbeddedStore
from bcikg.graph.neo4j_store import counts, load, run_query, wipe
from bcikg.models import (
    DocumentInfo,
    Evidence,
    KnowledgeGraph,
    Organization,
    Policy,
    Region,
    Relation,
    ResolvedClaim,
)
from bcikg.schema import KEYED_LABELS, NODE_LABELS, RELATIONSHIP_TYPES, primary_label

pytestmark = pytest.mark.neo4j

HOSTILE = [
    "x'}) MATCH (n) DETACH DELETE n //",
    'y"}) MATCH (n) DETACH DELETE n //',
    "`) DETACH DELETE n WITH 1 AS x MATCH (m) DETACH DELETE m //",
    "反\\斜线\\' OR 1=1 --\\",
    "{id: 'evil'}) SET n.pwned = true //",
    "$rows ${region} :Organization:Hospital",
    "第一行\n第二行\r\n第三行\t制表",
    "CALL apoc.periodic.iterate('MATCH (n) RETURN n','DETACH DELETE n',{}) //",
    "]->() DELETE r //",
    "'; DROP CONSTRAINT bcikg_organization_id; //",
    "<script>alert('xss')</script><img src=x onerror=alert(1)>",
    "\u202e反向\u200b零宽\ufeff",
]
REGION_NAME = "x'}) MATCH (n) DETACH DELETE n //新区"
REGION_ID = "region:中国/" + REGION_NAME
CANARY = "MERGE (c:Canary {id: 'canary', note: 'must survive'})"


@pytest.fixture(scope="module")
def fault_neo4j(request: pytest.FixtureRequest) -> FaultServer:
    return fault_server(request)


@pytest.fixture
def live_fault_neo4j(request: pytest.FixtureRequest) -> FaultServer:
    return fault_server(request)


def hostile_kg() -> KnowledgeGraph:
    doc = DocumentInfo(
        id="doc:0000000000000bad",
        path="/tmp/x'}) MATCH (n) DETACH DELETE n //.txt",
        format="txt",
        encoding="utf-8",
        title=HOSTILE[0],
        source=HOSTILE[3],
        region_id=REGION_ID,
        chars=1000,
    )
    orgs, relations = [], []
    for i, text in enumerate(HOSTILE):
        name = f"奇点{text}科技有限公司"
        evidence = Evidence(
            doc_id=doc.id, sentence=f"{name}与园区签约。{text}", start=0, end=len(name), text=name
        )
        orgs.append(
            Organization(
                id=f"org:{i:016x}",
                type="Company" if i % 2 else "Hospital",
                name=name,
                aliases=[text, f"{text}科技"],
                region=REGION_ID,
                segment=["upstream" if i % 3 == 0 else "downstream"],
                subsectors=["electrodes" if i % 3 == 0 else "clinical"],
                evidence=[evidence],
            )
        )
        relations.append(
            Relation(
                id=f"rel:l{i:015x}",
                type="LOCATED_IN",
                source=f"org:{i:016x}",
                target=REGION_ID,
                properties={"home": 1, "note": text},
                evidence=[evidence],
            )
        )
        if i:
            relations.append(
                Relation(
                    id=f"rel:p{i:015x}",
                    type="PARTNERS_WITH",
                    source=f"org:{i - 1:016x}",
                    target=f"org:{i:016x}",
                    properties={"verb": text},
                    evidence=[evidence],
                )
            )
    region = Region(
        id=REGION_ID,
        name=REGION_NAME,
        level="zone",
        parent="region:中国",
        full_name=REGION_NAME,
        aliases=HOSTILE[:3],
    )
    ev = orgs[0].evidence[0]
    policy = Policy(
        id="policy:0000000000000bad",
        name=f"《{HOSTILE[1]}》若干措施",
        region=REGION_ID,
        tasks=[f"第1条 {HOSTILE[2]}", f"第2条 {HOSTILE[6]}"],
        evidence=[ev],
    )
    claim = ResolvedClaim(
        id="claim:0000000000000bad",
        region=REGION_ID,
        kind="gap",
        text=f"缺少{HOSTILE[4]}",
        segments=["midstream"],
        evidence=[ev],
    )
    return KnowledgeGraph(
        documents=[doc],
        regions=[region],
        organizations=orgs,
        relations=relations,
        policies=[policy],
        claims=[claim],
    )


# ------------------------------------------------------------------ spying on what is sent


@dataclass
class Spy:
    statements: list[str] = field(default_factory=list)


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[Spy]:
    """Records the text of every statement sent through the real driver (the calls go on)."""
    recorded = Spy()
    for cls in (neo4j.Session, neo4j.ManagedTransaction, neo4j.Transaction):
        original = cls.run

        def run(self: Any, query: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            recorded.statements.append(str(getattr(query, "text", query)))
            return _original(self, query, *args, **kwargs)

        monkeypatch.setattr(cls, "run", run)
    yield recorded


_PATTERN_LABELS = re.compile(r"(?<![\w.$])[A-Za-z_]\w*((?::`?[A-Za-z_]\w*`?)+)")
_BARE_LABELS = re.compile(r"(?:\(|\[|\s)((?::`?[A-Za-z_]\w*`?)+)")


def labels_and_types(statement: str) -> set[str]:
    """Every :Label / :TYPE in a statement (node and relationship patterns, SET/REMOVE n:Label)."""
    found: set[str] = set()
    code = re.sub(r"'(?:[^'\\]|\\.)*'", "''", statement)  # not inside string literals
    code = re.sub(r"//[^\n]*", "", code)
    for m in [*_PATTERN_LABELS.finditer(code), *_BARE_LABELS.finditer(code)]:
        found.update(part.strip("`") for part in m.group(1).split(":") if part)
    return found


ALLOWED = NODE_LABELS | RELATIONSHIP_TYPES


def test_the_label_scanner_sees_labels() -> None:
    """The scanner used below finds labels and types where Cypher puts them."""
    assert labels_and_types("MERGE (n:Organization {id: row.id}) SET n:Company:Fund REMOVE n:Hospital") == {
        "Organization",
        "Company",
        "Fund",
        "Hospital",
    }
    assert labels_and_types("MATCH (a:Region)-[r:PART_OF]->(:Evil) WHERE a.name = 'x:Y'") == {
        "Region",
        "PART_OF",
        "Evil",
    }


def test_every_statement_the_loader_sends_has_only_fixed_labels_and_no_data(
    live_fault_neo4j: FaultServer, spy: Spy
) -> None:
    graph = build_graph(hostile_kg())
    with live_fault_neo4j.driver() as driver:
        wipe(live_fault_neo4j.settings, driver=driver)
        load(graph, live_fault_neo4j.settings, driver=driver, batch_size=5)
        wipe(live_fault_neo4j.settings, driver=driver)
    assert spy.statements, "the spy saw nothing"
    for text in spy.statements:
        assert labels_and_types(text) <= ALLOWED, text
        for hostile in HOSTILE:
            for piece in (hostile, hostile.strip()[:12]):
                assert piece not in text, (piece, text)


def tampered_graph(where: str) -> nx.MultiDiGraph:
    """A graph (as a doctored store would unpickle it) whose labels or types carry Cypher."""
    graph = build_graph(hostile_kg())
    evil = "Company`) WITH 1 AS x MATCH (m) DETACH DELETE m //"
    if where == "extra label":
        node = next(n for n, d in graph.nodes(data=True) if "Organization" in d["labels"])
        graph.nodes[node]["labels"] = ("Organization", evil)
    elif where == "only label":
        node = next(n for n, d in graph.nodes(data=True) if "Organization" in d["labels"])
        graph.nodes[node]["labels"] = (evil,)
    else:
        u, v, k = next(
            (u, v, k) for u, v, k, t in graph.edges(keys=True, data="type") if t == "PARTNERS_WITH"
        )
        graph.edges[u, v, k]["type"] = "PARTNERS_WITH]->() DETACH DELETE r //"
    return graph


@pytest.mark.parametrize("where", ["extra label", "only label", "relationship type"])
def test_labels_and_types_outside_the_schema_are_refused(
    live_fault_neo4j: FaultServer, spy: Spy, where: str
) -> None:
    graph = tampered_graph(where)
    with live_fault_neo4j.driver() as driver:
        wipe(live_fault_neo4j.settings, driver=driver)
        with driver.session(database=live_fault_neo4j.settings.database) as session:
            session.run(CANARY).consume()
        with pytest.raises(ValueError, match=r"outside the graph model|no keyed label"):
            load(graph, live_fault_neo4j.settings, driver=driver)
        assert run_query(driver, "MATCH (c:Canary {id: 'canary'}) RETURN count(c) AS n") == [{"n": 1}]
        present = {row["l"] for row in run_query(driver, "MATCH (n) UNWIND labels(n) AS l RETURN DISTINCT l")}
        kinds = {row["t"] for row in run_query(driver, "MATCH ()-[r]->() RETURN DISTINCT type(r) AS t")}
        assert present <= NODE_LABELS | {"Canary"}
        assert kinds <= RELATIONSHIP_TYPES
        with driver.session(database=live_fault_neo4j.settings.database) as session:
            session.run("MATCH (c:Canary) DELETE c").consume()
        wipe(live_fault_neo4j.settings, driver=driver)
    for text in spy.statements:
        assert "DETACH DELETE m" not in text and "DETACH DELETE r" not in text
        assert labels_and_types(text) <= ALLOWED | {"Canary"}, text


# ------------------------------------------------------------------ the whole way: load, query, report


@dataclass
class Outcome:
    graph: nx.MultiDiGraph
    load: subprocess.CompletedProcess[str]
    counts: dict[str, int]
    canary: int
    total_nodes: int
    node_props: dict[str, dict[str, Any]]
    node_labels: dict[str, list[str]]
    rel_props: dict[str, dict[str, Any]]
    runs: dict[str, subprocess.CompletedProcess[str]]
    counts_after: dict[str, int]


def props_of(graph: nx.MultiDiGraph) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    nodes = {
        n: {k: list(v) if isinstance(v, tuple) else v for k, v in d.items() if k != "labels"}
        for n, d in graph.nodes(data=True)
    }
    rels = {
        k: {key: list(v) if isinstance(v, tuple) else v for key, v in d.items() if key != "type"}
        for _, _, k, d in graph.edges(keys=True, data=True)
    }
    return nodes, rels


def expected_counts(graph: nx.MultiDiGraph) -> dict[str, int]:
    out = {label: 0 for label in KEYED_LABELS} | {t: 0 for t in RELATIONSHIP_TYPES}
    for _, d in graph.nodes(data=True):
        out[primary_label(d["labels"])] += 1
    for *_, t in graph.edges(data="type"):
        out[t] += 1
    return out


def run_everything(server: FaultServer, store: Path, work: Path, commands: dict[str, list[str]]) -> Outcome:
    graph = EmbeddedStore(store).load_graph()
    env = server.env()
    with server.driver() as driver:
        wipe(server.settings, driver=driver)
        with driver.session(database=server.settings.database) as session:
            session.run(CANARY).consume()
        loaded = cli("load", "--store", str(store), env=env, cwd=work)
        after_load = counts(driver)
        nodes = run_query(
            driver,
            "MATCH (n) WHERE n.id STARTS WITH 'org:' OR n.id STARTS WITH 'region:' "
            "OR n.id STARTS WITH 'doc:' OR n.id STARTS WITH 'policy:' "
            "OR n.id STARTS WITH 'claim:' RETURN n.id AS id, labels(n) AS labels, "
            "properties(n) AS props",
        )
        rels = run_query(
            driver,
            "MATCH ()-[r]->() WHERE r.evidence IS NOT NULL OR r.sentence IS NOT NULL "
            "RETURN r.id AS id, properties(r) AS props",
        )
        runs = {name: cli(*args, "--store", str(store), env=env, cwd=work) for name, args in commands.items()}
        canary = run_query(driver, "MATCH (c:Canary {id: 'canary'}) RETURN count(c) AS n")[0]["n"]
        total = run_query(driver, "MATCH (n) RETURN count(n) AS n")[0]["n"]
        counts_after = counts(driver)
        with driver.session(database=server.settings.database) as session:
            session.run("MATCH (c:Canary) DELETE c").consume()
        wipe(server.settings, driver=driver)
    return Outcome(
        graph=graph,
        load=loaded,
        counts=after_load,
        canary=canary,
        total_nodes=total,
        node_props={row["id"]: row["props"] for row in nodes},
        node_labels={row["id"]: sorted(row["labels"]) for row in nodes},
        rel_props={row["id"]: row["props"] for row in rels},
        runs=runs,
        counts_after=counts_after,
    )


def both_backends(label: str, name: str, *args: str) -> dict[str, list[str]]:
    return {
        f"{label} {backend}": ["query", name, *args, "--backend", backend, "--format", "json"]
        for backend in ("embedded", "neo4j")
    }


HOSTILE_ORG = f"奇点{HOSTILE[0]}科技有限公司"
MISSING = "z'}) MATCH (n) DETACH DELETE n //不存在的地方"

HAND_COMMANDS = {
    **both_backends("orgs_in_region", "orgs_in_region", "-p", f"region={REGION_NAME}"),
    **both_backends("partners", "partners", "-p", f"org={HOSTILE_ORG}"),
    **both_backends("org_evidence", "org_evidence", "-p", f"org={HOSTILE_ORG}"),
    **both_backends("missing region", "orgs_in_region", "-p", f"region={MISSING}"),
    "missing org embedded": ["query", "partners", "-p", f"org={MISSING}", "--backend", "embedded"],
    **{
        f"report json {backend}": ["report", "gaps", REGION_NAME, "--backend", backend, "--format", "json"]
        for backend in ("embedded", "neo4j")
    },
    **{
        f"report {fmt} embedded": ["report", "gaps", REGION_NAME, "--format", fmt]
        for fmt in ("html", "markdown")
    },
    "report missing": ["report", "gaps", MISSING, "--format", "json"],
}


@pytest.fixture(scope="module")
def hand(fault_neo4j: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    work = tmp_path_factory.mktemp("injection_hand")
    EmbeddedStore(work / "store").save({}, build_graph(hostile_kg()))
    return run_everything(fault_neo4j, work / "store", work, HAND_COMMANDS)


def test_load_keeps_every_node_and_harms_nothing(hand: Outcome) -> None:
    assert hand.load.returncode == 0, hand.load.stderr
    assert hand.counts == expected_counts(hand.graph)
    assert hand.canary == 1
    assert hand.total_nodes == hand.graph.number_of_nodes() + 1
    assert hand.counts_after == hand.counts  # querying and reporting changed nothing


def test_names_and_regions_come_back_byte_identical(hand: Outcome) -> None:
    nodes, rels = props_of(hand.graph)
    assert set(hand.node_props) <= set(nodes) and len(hand.node_props) >= len(HOSTILE) + 4
    for node_id, props in hand.node_props.items():
        assert props == nodes[node_id], node_id
        assert set(hand.node_labels[node_id]) == set(hand.graph.nodes[node_id]["labels"])
    assert hand.node_props[REGION_ID]["name"] == REGION_NAME
    names = {p["name"] for p in hand.node_props.values() if "name" in p}
    assert {f"奇点{h}科技有限公司" for h in HOSTILE} <= names
    assert len(hand.rel_props) >= 2 * len(HOSTILE) - 1
    for rel_id, props in hand.rel_props.items():
        assert props == rels[rel_id], rel_id


def query_rows(outcome: Outcome, name: str) -> list[dict[str, Any]]:
    run = outcome.runs[name]
    assert run.returncode == 0, run.stderr
    rows: list[dict[str, Any]] = json.loads(run.stdout)
    return rows


@pytest.mark.parametrize("query", ["orgs_in_region", "partners", "org_evidence"])
def test_queries_return_the_names_unchanged_on_both_backends(hand: Outcome, query: str) -> None:
    embedded, neo = query_rows(hand, f"{query} embedded"), query_rows(hand, f"{query} neo4j")
    assert embedded == neo
    assert HOSTILE_ORG in json.dumps(embedded, ensure_ascii=False) or query == "partners"
    if query == "orgs_in_region":
        assert {row["name"] for row in embedded} == {f"奇点{h}科技有限公司" for h in HOSTILE}
    if query == "partners":  # org 0's only partner is org 1
        assert [row["partner"] for row in embedded] == [f"奇点{HOSTILE[1]}科技有限公司"]


@pytest.mark.parametrize(
    "run_name", ["missing region embedded", "missing region neo4j", "missing org embedded"]
)
def test_a_hostile_parameter_that_matches_nothing_is_not_found(hand: Outcome, run_name: str) -> None:
    run = hand.runs[run_name]
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode == 5, run.stderr
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in run.stderr


def test_reports_carry_the_names_unchanged_and_escaped(hand: Outcome) -> None:
    for name in (
        "report json embedded",
        "report json neo4j",
        "report html embedded",
        "report markdown embedded",
    ):
        assert hand.runs[name].returncode == 0, (name, hand.runs[name].stderr)
    embedded = json.loads(hand.runs["report json embedded"].stdout)
    assert embedded == json.loads(hand.runs["report json neo4j"].stdout)
    text = json.dumps(embedded, ensure_ascii=False)
    assert json.dumps(REGION_NAME, ensure_ascii=False) in text
    for hostile in HOSTILE:
        assert json.dumps(f"奇点{hostile}科技有限公司", ensure_ascii=False) in text
    assert HOSTILE_ORG in hand.runs["report markdown embedded"].stdout
    page = hand.runs["report html embedded"].stdout
    assert "<script>alert('xss')</script>" not in page and "onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert(" in page
    assert hand.runs["report missing"].returncode == 5


# ------------------------------------------------------------------ from a real article


ARTICLE = (
    "苏州签约活动\n\n"
    "2026年3月18日，奇点MATCH科技有限公司与苏州大学附属第一医院签署合作协议，"
    "代号x'}) MATCH (n) DETACH DELETE n //。"
    "奇点'}) MATCH (n) DETACH DELETE n //科技有限公司在苏州工业园区落户。\n\n"
    "脑`x`科技有限公司在北京市海淀区开展研发，星{n}医疗科技有限公司与北京天坛医院合作开展临床试验。\n\n"
    '反\\斜线"引号"科技有限公司签约落户苏州工业园区。$rows ]->() DELETE r //\n'
)
FILE_NAME = "x'}) MATCH (n) DETACH DELETE n {`$rows`}.txt"


@pytest.fixture(scope="module")
def ingested(fault_neo4j: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    work = tmp_path_factory.mktemp("injection_article")
    (work / "in").mkdir()
    (work / "in" / FILE_NAME).write_text(ARTICLE, encoding="utf-8")
    proc = cli("ingest", str(work / "in"), "--store", str(work / "store"), env=fault_neo4j.env(), cwd=work)
    assert proc.returncode == 0, proc.stderr
    graph = EmbeddedStore(work / "store").load_graph()
    names = sorted(d["name"] for _, d in graph.nodes(data=True) if "Organization" in d["labels"])
    commands = {}
    for i, name in enumerate(names):
        commands.update(both_backends(f"org {i}", "org_evidence", "-p", f"org={name}"))
    return run_everything(fault_neo4j, work / "store", work, commands)


def test_an_ingested_article_round_trips(ingested: Outcome) -> None:
    assert ingested.load.returncode == 0, ingested.load.stderr
    assert ingested.counts == expected_counts(ingested.graph)
    assert ingested.canary == 1
    nodes, rels = props_of(ingested.graph)
    for node_id, props in ingested.node_props.items():
        assert props == nodes[node_id], node_id
    for rel_id, props in ingested.rel_props.items():
        assert props == rels[rel_id], rel_id
    # what the extractor kept of the hostile names, and the hostile file name and sentences
    names = {p["name"] for p in ingested.node_props.values() if p.get("id", "").startswith("org:")}
    assert any(any(ch in name for ch in "`{}'\\\"$") or "MATCH" in name for name in names), names
    paths = {p["path"] for p in ingested.node_props.values() if "path" in p}
    assert any(path.endswith(FILE_NAME) for path in paths)
    sentences = json.dumps(list(ingested.rel_props.values()), ensure_ascii=False)
    assert "DETACH DELETE n //" in sentences


def test_every_ingested_name_is_found_by_name_on_both_backends(ingested: Outcome) -> None:
    assert ingested.runs
    for label in sorted({k.rsplit(" ", 1)[0] for k in ingested.runs}):
        embedded, neo = query_rows(ingested, f"{label} embedded"), query_rows(ingested, f"{label} neo4j")
        assert embedded == neo and embedded, label
