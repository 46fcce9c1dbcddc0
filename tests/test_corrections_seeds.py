"""Acceptance of analyst corrections (issue 11) on the seed store, through the real `bcikg`
command: three decisions, one more (fictional) article ingested, and then the export, the 大连
report and `fix list` still show them; stale and conflicting decisions are reported, names
resolve as in reports, and a report from Neo4j after `bcikg load` equals the embedded one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bcikg.graph.embedded import EmbeddedStore
from bcikg.ingest.corrections import load_corrections
from bcikg.report import EmbeddedSource, gap_report

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
ARTICLE = Path(__file__).parent / "data" / "corrections" / "xinglan_financing.txt"
LAB = "大连市脑机接口与人机交互神经工程重点实验室"
GROUP = "赣江招商发展集团"
REJECTED = "中共大连市委政策研究室"
GANJIANG = "region:中国/江西省/赣江新区"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed corpus is not at {SEEDS}"),
]


def bcikg(*args: str, store: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BCIKG_STORE": str(store)}
    env.pop("BCIKG_CORRECTIONS", None)
    result = subprocess.run(
        [sys.executable, "-m", "bcikg.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bcikg.ingest.pipeline import ingest_paths

    store = tmp_path_factory.mktemp("seeds") / "store"
    ingest_paths([SEEDS], store, workers=1)
    return store


@pytest.fixture(scope="module")
def corrected(seed_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed store after the three decisions of the issue and one more article."""
    store = tmp_path_factory.mktemp("corrected") / "store"
    shutil.copytree(seed_store, store)
    bcikg(
        "fix", "set", LAB, "--segment", "midstream", "--note", "实验室主页：解码算法与系统研发", store=store
    )
    bcikg("fix", "set", GROUP, "--region", "赣江新区", store=store)
    bcikg("fix", "reject", REJECTED, "--note", "写调研报告的部门", store=store)
    bcikg("ingest", str(ARTICLE), "-j", "1", store=store)
    return store


def exported(store: Path) -> dict[str, dict]:
    lines = bcikg("export", "--format", "jsonl", store=store).stdout.splitlines()
    return {
        r["name"]: r for r in map(json.loads, lines) if r.get("type") in {"Company", "Institute", "Agency"}
    }


def test_export_after_one_more_article_keeps_the_decisions(corrected: Path) -> None:
    orgs = exported(corrected)
    assert "大连星澜神经科技有限公司" in orgs  # the new article was ingested
    assert orgs[LAB]["segment"] == "midstream"
    assert orgs[LAB]["analyst"] == {"fields": ["segment"], "note": "实验室主页：解码算法与系统研发"}
    assert orgs[GROUP]["region_id"] == GANJIANG
    assert REJECTED not in orgs
    assert all(REJECTED not in r.get("aliases", []) for r in orgs.values())


def test_dalian_midstream_is_no_longer_a_gap(seed_store: Path, corrected: Path) -> None:
    before = gap_report(EmbeddedSource(EmbeddedStore(seed_store).load_graph()), "大连")
    after = gap_report(EmbeddedSource(EmbeddedStore(corrected).load_graph()), "大连")
    assert before.segments[1].segment == after.segments[1].segment == "midstream"
    # (since resolution reads segments better, the seed text alone may already place the lab there)
    assert after.segments[1].status != "gap"
    assert not any(o.corrected for o in before.organizations)
    lab = [o for o in after.segments[1].organizations if o.name == LAB]
    assert lab and lab[0].corrected  # marked as corrected in the report
    assert all(not o.corrected for o in after.organizations if o.name != LAB)
    markdown = bcikg("report", "gaps", "大连", "--format", "markdown", store=corrected).stdout
    assert "分析员更正" in markdown


def test_fix_list_shows_all_three(corrected: Path) -> None:
    out = bcikg("fix", "list", store=corrected).stdout
    assert "3 corrections" in out
    assert f"#1 set {LAB}: segment=[midstream]" in out
    assert f"#2 set {GROUP}: region=江西省/赣江新区" in out
    assert f"#3 reject {REJECTED}" in out
    assert "实验室主页" in out and "stale" not in out
    items = load_corrections(corrected / "corrections.toml")
    assert [i.action for i in items] == ["set", "set", "reject"] and all(i.at for i in items)


def test_reingest_and_rebuild_change_nothing(corrected: Path) -> None:
    graph_before = EmbeddedStore(corrected).load_graph()
    from bcikg.graph.build import graph_signature

    bcikg("ingest", str(SEEDS), str(ARTICLE), "-j", "1", store=corrected)
    assert graph_signature(EmbeddedStore(corrected).load_graph()) == graph_signature(graph_before)


def test_names_resolve_as_in_reports(corrected: Path) -> None:
    ambiguous = bcikg("fix", "set", "脑机接口", "--segment", "upstream", store=corrected, check=False)
    assert ambiguous.returncode == 5 and "organisations" in ambiguous.stderr and "、" in ambiguous.stderr
    unknown = bcikg("fix", "reject", "并不存在的某某公司", store=corrected, check=False)
    assert unknown.returncode == 5 and "并不存在的某某公司" in unknown.stderr
    assert "Traceback" not in ambiguous.stderr + unknown.stderr
    bad_segment = bcikg("fix", "set", LAB, "--segment", "sideways", store=corrected, check=False)
    assert bad_segment.returncode == 2
    assert len(load_corrections(corrected / "corrections.toml")) == 3  # nothing recorded


def test_chinese_segment_words_conflicts_stale_and_drop(seed_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    bcikg("fix", "set", LAB, "--segment", "上游", store=store)
    later = bcikg("fix", "set", LAB, "--segment", "中游", store=store)
    assert "#1 overridden" in later.stderr  # the later decision wins, and it is said
    assert exported(store)[LAB]["segment"] == "midstream"
    # a decision about a name the extraction no longer gives (edited by hand, as after a rename)
    path = store / "corrections.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[correction]]\naction = "reject"\nname = "已改名的旧机构"\nid = "org:0000000000000000"\n',
        encoding="utf-8",
    )
    ingest = bcikg("ingest", str(ARTICLE), "-j", "1", store=store)
    stale_lines = [line for line in ingest.stderr.splitlines() if "stale" in line]
    assert len(stale_lines) == 1 and "已改名的旧机构" in stale_lines[0]
    listing = bcikg("fix", "list", store=store).stdout
    assert "#3 reject 已改名的旧机构" in listing and "stale" in listing and "overridden" in listing
    dropped = bcikg("fix", "drop", "3", store=store)
    assert "dropped" in dropped.stdout
    assert [c.action for c in load_corrections(path)] == ["set", "set"]
    assert "stale" not in bcikg("fix", "list", store=store).stdout


def test_review_queue_offers_fix_commands(corrected: Path) -> None:
    out = bcikg("review", "江西", "--limit", "5", store=corrected).stdout
    assert out.count("$ bcikg fix ") >= 5
    first_impact = float(out.split("(impact ")[1].split(")")[0])
    last_impact = float(out.rsplit("(impact ", 1)[1].split(")")[0])
    assert first_impact >= last_impact


@pytest.mark.neo4j
def test_report_after_load_equals_the_embedded_one(
    corrected: Path, tmp_path: Path, neo4j_settings, neo4j_driver
) -> None:  # type: ignore[no-untyped-def]
    from bcikg.graph.neo4j_store import load, wipe
    from bcikg.report.neo4j import Neo4jSource

    graph = EmbeddedStore(corrected).load_graph()
    wipe(neo4j_settings, driver=neo4j_driver)
    load(graph, neo4j_settings, driver=neo4j_driver)
    for region in ("大连", "江西", "赣江新区"):
        embedded = gap_report(EmbeddedSource(graph), region)
        from_neo4j = gap_report(Neo4jSource(neo4j_driver, neo4j_settings.database), region)
        assert from_neo4j.model_dump_json() == embedded.model_dump_json(), region
    lab = next(o for o in gap_report(Neo4jSource(neo4j_driver), "大连").organizations if o.name == LAB)
    assert lab.corrected
    # the review queue reads the graph through the access layer: the same on both backends
    from bcikg.report.review import review_items

    for where in (None, "大连", "江西"):
        embedded_items = review_items(EmbeddedSource(graph), where, limit=40)
        assert embedded_items or where == "大连"  # 大连's doubts were settled by the decisions above
        on_server = review_items(Neo4jSource(neo4j_driver, neo4j_settings.database), where, limit=40)
        assert on_server == embedded_items, where
    on_neo4j = bcikg("review", "江西", "--limit", "5", "--backend", "neo4j", store=corrected).stdout
    assert on_neo4j == bcikg("review", "江西", "--limit", "5", store=corrected).stdout
    with neo4j_driver.session(database=neo4j_settings.database) as session:
        row = session.run(
            "MATCH (o:Organization {name: $name})-[s:IN_SEGMENT]->(:Segment) "
            "RETURN o.corrected AS c, o.analyst_note AS note, s.provenance AS p",
            name=LAB,
        ).single()
    assert (row["c"], row["note"], row["p"]) == (True, "实验室主页：解码算法与系统研发", "analyst")
    # a dropped decision no longer marks the node after the next load
    store = tmp_path / "store"
    shutil.copytree(corrected, store)
    bcikg("fix", "drop", "1", store=store)
    load(EmbeddedStore(store).load_graph(), neo4j_settings, driver=neo4j_driver, prune=True)
    with neo4j_driver.session(database=neo4j_settings.database) as session:
        row = session.run("MATCH (o:Organization {name: $name}) RETURN o.corrected AS c", name=LAB).single()
    assert row["c"] is None


def test_a_corrections_file_outside_the_store(seed_store: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(seed_store, store)
    shared = tmp_path / "repo" / "dalian.toml"
    bcikg("fix", "set", LAB, "--segment", "midstream", "--corrections", str(shared), store=store)
    assert shared.is_file() and not (store / "corrections.toml").exists()
    assert exported(store)[LAB]["segment"] == "midstream"
    # ingest applies the file it is given (here through $BCIKG_CORRECTIONS) on every run
    env = {**os.environ, "BCIKG_STORE": str(store), "BCIKG_CORRECTIONS": str(shared)}
    subprocess.run(
        [sys.executable, "-m", "bcikg.cli", "ingest", str(ARTICLE), "-j", "1"],
        env=env,
        check=True,
        timeout=300,
    )
    assert exported(store)[LAB]["segment"] == "midstream"
