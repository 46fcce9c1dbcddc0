"""Tests for bcikg.graph.export and the `bcikg export` command.

The JSON-lines export is what the official scorers read (/work/shared/eval, read-only); the tests
run them on the fixture's export against a small gold file of our own (tests/data/graph/).
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from conftest import DATA

from bcikg.graph import export
from bcikg.graph.build import build_graph
from bcikg.graph.embedded import EmbeddedStore
from bcikg.models import KnowledgeGraph

EVAL = Path("/work/shared/eval")
ORG_KEYS = [
    "id",
    "type",
    "name",
    "aliases",
    "region",
    "region_id",
    "settled_in",
    "segment",
    "subsectors",
    "evidence",
]


def records(graph: nx.MultiDiGraph) -> list[dict]:
    buffer = io.StringIO()
    export.write_jsonl(graph, buffer)
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def by_id(graph: nx.MultiDiGraph) -> dict[str, dict]:
    return {r["id"]: r for r in records(graph) if "source" not in r}


def test_organization_record_exactly(small_graph: nx.MultiDiGraph) -> None:
    rec = by_id(small_graph)["org:0000000000000001"]
    assert list(rec) == ORG_KEYS
    assert rec["type"] == "Company"
    assert rec["name"] == "星河脑科技有限公司"
    assert rec["aliases"] == ["星河脑科技"]
    assert rec["region"] == "上海市"
    assert rec["region_id"] == "region:中国/上海市"
    assert rec["settled_in"] == ["江西省赣江新区"]
    assert rec["segment"] == ["upstream", "midstream"]
    assert rec["subsectors"] == ["algorithms", "electrodes"]
    assert [(e["doc_id"], e["start"]) for e in rec["evidence"]] == [
        ("doc:f1a0000000000001", 26),
        ("doc:f1a0000000000001", 56),
        ("doc:f1a0000000000003", 10),
    ]
    assert set(rec["evidence"][0]) == {"doc_id", "sentence", "start", "end", "text"}


@pytest.mark.parametrize(
    "org_id, region, segment",
    [
        ("org:0000000000000002", "浙江省杭州市", "upstream"),  # one segment: a string
        ("org:0000000000000004", "江西省南昌市", None),  # no segment: null
        ("org:0000000000000008", "美国波士顿", "downstream"),  # abroad
        ("org:0000000000000009", None, "downstream"),  # no home region: null
        ("org:0000000000000005", "江西省", None),
    ],
)
def test_region_and_segment_forms(
    small_graph: nx.MultiDiGraph, org_id: str, region: str | None, segment
) -> None:
    rec = by_id(small_graph)[org_id]
    assert rec["region"] == region
    assert rec["segment"] == segment
    assert rec["settled_in"] == ([] if org_id != "org:0000000000000002" else ["江西省赣江新区"])


def test_settled_in_is_deduplicated_and_sorted(kg_small: KnowledgeGraph) -> None:
    kg = kg_small.model_copy(deep=True)
    extra = kg.relations[0].model_copy(
        update={
            "id": "rel:extra-signing",
            "type": "SIGNED_IN",
            "source": "org:0000000000000001",
            "target": "region:中国/江西省/南昌市",
        }
    )
    duplicate = extra.model_copy(update={"id": "rel:extra-signing-2"})
    kg.relations += [extra, duplicate]
    rec = by_id(build_graph(kg))["org:0000000000000001"]
    assert rec["settled_in"] == ["江西省南昌市", "江西省赣江新区"]


def test_the_most_specific_home_wins(kg_small: KnowledgeGraph) -> None:
    kg = kg_small.model_copy(deep=True)
    kg.relations.append(
        kg.relations[0].model_copy(update={"id": "rel:also-pudong", "target": "region:中国/上海市/浦东新区"})
    )
    rec = by_id(build_graph(kg))["org:0000000000000001"]
    assert (rec["region"], rec["region_id"]) == ("上海市浦东新区", "region:中国/上海市/浦东新区")


def test_other_nodes_and_relationships(small_graph: nx.MultiDiGraph) -> None:
    recs = records(small_graph)
    nodes = [r for r in recs if "source" not in r]
    rels = [r for r in recs if "source" in r]
    assert len(nodes) == small_graph.number_of_nodes()
    types = {r["type"] for r in nodes}
    assert types == {
        "Company",
        "Hospital",
        "Fund",
        "Agency",
        "Institute",
        "Platform",
        "Region",
        "Segment",
        "Subsector",
        "Document",
        "Policy",
        "Claim",
        "Target",
    }
    region = next(r for r in nodes if r["id"] == "region:中国/江西省/赣江新区")
    assert region == {
        "id": "region:中国/江西省/赣江新区",
        "type": "Region",
        "aliases": [],
        "full_name": "江西省赣江新区",
        "level": "zone",
        "name": "赣江新区",
    }
    assert all(r["type"] != "MENTIONED_IN" for r in rels)
    mentioned = sum(1 for _, _, t in small_graph.edges(data="type") if t == "MENTIONED_IN")
    assert len(rels) == small_graph.number_of_edges() - mentioned
    signed = next(r for r in rels if r["id"] == "rel:fixture0010")
    assert signed["type"] == "SIGNED_IN"
    assert (signed["source"], signed["target"]) == ("org:0000000000000001", "region:中国/江西省/赣江新区")
    assert signed["properties"] == {"date": "2025-03-01"}
    assert signed["evidence"][0]["text"] == "签约落户赣江新区"
    part_of = next(r for r in rels if r["type"] == "PART_OF")
    assert part_of["evidence"] == [] and part_of["properties"] == {}


def test_jsonl_is_deterministic_and_readable(small_graph: nx.MultiDiGraph, kg_small: KnowledgeGraph) -> None:
    first, second = io.StringIO(), io.StringIO()
    export.write_jsonl(small_graph, first)
    export.write_jsonl(build_graph(kg_small), second)
    assert first.getvalue() == second.getvalue()
    assert "星河脑科技" in first.getvalue()  # ensure_ascii=False
    lines = first.getvalue().splitlines()
    kinds = ["rel" if '"source"' in line and '"target"' in line else "node" for line in lines]
    assert kinds == sorted(kinds, key=lambda k: k == "rel")  # nodes first, then relationships
    assert json.loads(lines[0])["type"] in ("Company", "Hospital", "Fund", "Agency", "Institute", "Platform")


@pytest.mark.skipif(not (EVAL / "score.py").is_file(), reason="the official scorers are not available")
def test_official_org_scorer_reads_the_export(small_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "graph.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        export.write_jsonl(small_graph, f)
    proc = subprocess.run(
        [sys.executable, str(EVAL / "score.py"), str(path), str(DATA / "gold_small.jsonl"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(proc.stdout)
    assert (result["precision"], result["recall"]) == (1.0, 1.0)
    assert result["type_accuracy"] == 1.0
    assert result["region_accuracy"] == 1.0, result["wrong_region"]
    assert result["segment_accuracy"] == 1.0, result["wrong_segment"]


@pytest.mark.skipif(
    not (EVAL / "score_relations.py").is_file(), reason="the official scorers are not available"
)
def test_official_relation_scorer_reads_the_export(small_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "graph.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        export.write_jsonl(small_graph, f)
    proc = subprocess.run(
        [
            sys.executable,
            str(EVAL / "score_relations.py"),
            str(path),
            str(DATA / "gold_small_relations.jsonl"),
            str(DATA / "gold_small.jsonl"),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(proc.stdout)
    assert (result["recall"], result["precision"]) == (1.0, 1.0), result


# ------------------------------------------------------------------ graphml / node-link


def test_graphml_round_trip(small_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    path = tmp_path / "graph.graphml"
    export.write_graphml(small_graph, path)
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == small_graph.number_of_nodes()
    assert back.number_of_edges() == small_graph.number_of_edges()
    node = back.nodes["org:0000000000000001"]
    assert node["labels"] == "Organization:Company"
    assert json.loads(node["aliases"]) == ["星河脑科技"]
    assert node["label"] == "星河脑科技有限公司"
    assert "rel:fixture0010" in {k for _, _, k in back.edges(keys=True)}
    assert path.read_bytes() == (
        export.write_graphml(small_graph, tmp_path / "again.graphml")
        or (tmp_path / "again.graphml").read_bytes()
    )


def test_nodelink_round_trip(small_graph: nx.MultiDiGraph) -> None:
    buffer = io.StringIO()
    export.write_nodelink(small_graph, buffer)
    data = json.loads(buffer.getvalue())
    back = nx.node_link_graph(data, edges="edges")
    assert back.is_multigraph() and back.is_directed()
    assert back.number_of_nodes() == small_graph.number_of_nodes()
    assert back.number_of_edges() == small_graph.number_of_edges()
    assert back.nodes["org:0000000000000001"]["labels"] == ["Organization", "Company"]
    again = io.StringIO()
    export.write_nodelink(small_graph, again)
    assert again.getvalue() == buffer.getvalue()


# ------------------------------------------------------------------ neo4j-admin CSV


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_neo4j_csv_layout(small_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    result = export.write_neo4j_csv(small_graph, tmp_path / "csv")
    assert result.nodes == small_graph.number_of_nodes()
    assert result.relationships == small_graph.number_of_edges()
    company = read_csv(tmp_path / "csv" / "nodes_Organization_Company.csv")
    assert company[0] == ["id:ID", ":LABEL", "aliases:string[]", "name:string", "type:string"]
    xinghe = next(row for row in company if row[0] == "org:0000000000000001")
    assert xinghe[1] == "Organization;Company"
    documents = read_csv(tmp_path / "csv" / "nodes_Document.csv")
    assert "chars:long" in documents[0]
    targets = read_csv(tmp_path / "csv" / "nodes_Target.csv")
    assert "quantity:double" in targets[0] and "year:long" in targets[0]
    signed = read_csv(tmp_path / "csv" / "relationships_SIGNED_IN.csv")
    assert signed[0][:4] == [":START_ID", ":END_ID", ":TYPE", "id"]
    assert "evidence:string" in signed[0]
    row = dict(zip(signed[0], signed[1], strict=True))
    assert json.loads(row["evidence:string"])[0]["doc_id"] == "doc:f1a0000000000001"
    command = result.command()
    assert command.startswith("neo4j-admin database import full neo4j --nodes=")
    assert command.count("--nodes=") == len(result.node_files)
    assert command.count("--relationships=") == len(result.relationship_files)
    assert "--array-delimiter" not in command and "--multiline-fields" not in command


def test_neo4j_csv_picks_another_array_delimiter_and_flags_multiline(
    kg_small: KnowledgeGraph, tmp_path: Path
) -> None:
    kg = kg_small.model_copy(deep=True)
    kg.organizations[0].aliases.append("星河;脑科技")
    kg.policies[0].tasks.append("第3条\n跨行的任务")
    result = export.write_neo4j_csv(build_graph(kg), tmp_path / "csv")
    assert result.array_delimiter == "|"
    assert "'--array-delimiter=|'" in result.command()
    assert "--multiline-fields=true" in result.command()
    company = read_csv(tmp_path / "csv" / "nodes_Organization_Company.csv")
    xinghe = next(row for row in company if row[0] == "org:0000000000000001")
    assert xinghe[2] == "星河脑科技|星河;脑科技"


# ------------------------------------------------------------------ CLI


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bcikg.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


@pytest.fixture
def store_dir(tmp_path: Path, small_graph: nx.MultiDiGraph) -> Path:
    EmbeddedStore(tmp_path / "store").save({}, small_graph)
    return tmp_path / "store"


def test_cli_export_jsonl_to_stdout_and_file(store_dir: Path, tmp_path: Path, small_graph) -> None:
    proc = run_cli("export", "--store", str(store_dir))
    assert proc.returncode == 0, proc.stderr
    expected = io.StringIO()
    export.write_jsonl(small_graph, expected)
    assert proc.stdout == expected.getvalue()
    out = tmp_path / "g.jsonl"
    proc = run_cli("export", "--store", str(store_dir), "--format", "jsonl", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8") == expected.getvalue()


@pytest.mark.parametrize("fmt", ["graphml", "nodelink"])
def test_cli_export_other_formats(store_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"g.{fmt}"
    proc = run_cli("export", "--store", str(store_dir), "--format", fmt, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 1000


def test_cli_export_neo4j_csv_prints_the_import_command(store_dir: Path, tmp_path: Path) -> None:
    proc = run_cli("export", "--store", str(store_dir), "--format", "neo4j-csv", "-o", str(tmp_path / "csv"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("neo4j-admin database import full neo4j --nodes=")
    assert (tmp_path / "csv" / "nodes_Region.csv").is_file()


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--format", "xml"], 2, "unknown format 'xml'"),
        (["--format", "neo4j-csv"], 2, "give it with -o"),
        (["--store", "{missing}"], 3, "no store at"),
    ],
)
def test_cli_export_errors_are_one_line(
    store_dir: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    args = [a.replace("{missing}", str(tmp_path / "missing")) for a in args]
    if "--store" not in args:
        args += ["--store", str(store_dir)]
    proc = run_cli("export", *args)
    assert proc.returncode == code
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) <= 2  # one line (rich may wrap a long path)
