"""The ingest pipeline and CLI: idempotent re-ingest, incremental additions, skipped files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcikg.graph.embedded import EmbeddedStore
from bcikg.ingest.pipeline import ingest_paths

SAMPLES = Path(__file__).parent.parent / "samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.iterdir() if p.is_file())


def graph_signature(store: Path) -> tuple:
    graph = EmbeddedStore(store).load_graph()
    nodes = sorted(
        (n, json.dumps(d, sort_keys=True, ensure_ascii=False, default=str)) for n, d in graph.nodes(data=True)
    )
    edges = sorted(
        (u, v, k, json.dumps(d, sort_keys=True, ensure_ascii=False, default=str))
        for u, v, k, d in graph.edges(keys=True, data=True)
    )
    return tuple(nodes), tuple(edges)


def test_reingesting_the_same_files_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first = ingest_paths([SAMPLES], store)
    before = graph_signature(store)
    second = ingest_paths([SAMPLES], store)
    assert first.documents_new == len(SAMPLE_FILES)
    assert second.documents_new == 0 and second.documents_unchanged == len(SAMPLE_FILES)
    assert graph_signature(store) == before


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(SAMPLE_FILES), split=st.integers(min_value=0, max_value=len(SAMPLE_FILES)))
def test_ingest_in_any_order_and_batches_gives_the_same_graph(
    tmp_path: Path, order: list[Path], split: int
) -> None:
    reference = tmp_path / "reference"
    if not reference.exists():
        ingest_paths(SAMPLE_FILES, reference)
    store = tmp_path / f"store-{split}-{'-'.join(p.stem for p in order)}"
    ingest_paths(order[:split], store)
    ingest_paths(order[split:], store)
    ingest_paths(order, store)  # and once more, all of them: nothing changes
    assert graph_signature(store) == graph_signature(reference)


def test_a_new_file_adds_only_its_facts(tmp_path: Path) -> None:
    store = tmp_path / "store"
    first_files = [p for p in SAMPLE_FILES if "beijing" not in p.name]
    ingest_paths(first_files, store)
    before = EmbeddedStore(store).load_graph()
    ingest_paths(SAMPLE_FILES, store)
    after = EmbeddedStore(store).load_graph()
    added = set(after.nodes) - set(before.nodes)
    assert added, "the new article brought no nodes"
    beijing_doc = next(
        n for n, d in after.nodes(data=True) if "Document" in d["labels"] and "beijing" in d.get("path", "")
    )
    for node in added:
        labels = after.nodes[node]["labels"]
        if "Organization" in labels:
            # every new organisation is mentioned in the new document
            assert any(
                v == beijing_doc
                for _, v, d in after.out_edges(node, data=True)
                if d["type"] == "MENTIONED_IN"
            )
    # what was there stays there
    assert set(before.nodes) <= set(after.nodes)
    assert isinstance(after, nx.MultiDiGraph)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "bcikg"
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_cli_ingest_reports_skipped_files_and_exit_code(tmp_path: Path) -> None:
    data = tmp_path / "in"
    data.mkdir()
    shutil.copy(SAMPLES / "beijing_trial.txt", data)
    (data / "empty.txt").write_bytes(b"")
    (data / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    result = run_cli(
        "ingest", str(data), str(tmp_path / "missing.txt"), "--store", str(tmp_path / "store"), cwd=tmp_path
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert len(lines) == 3
    assert all("Traceback" not in line for line in result.stderr.splitlines())
    assert "documents read 1" in result.stdout
    # the good file made it into the store
    export = run_cli("export", "--store", str(tmp_path / "store"), "--format", "jsonl", cwd=tmp_path)
    assert export.returncode == 0
    names = {json.loads(line).get("name") for line in export.stdout.splitlines() if line.strip()}
    assert "北京启衡神经科技有限公司" in names


def test_cli_clean_ingest_exits_zero_and_default_store_is_in_the_working_directory(tmp_path: Path) -> None:
    result = run_cli("ingest", str(SAMPLES / "suzhou_signing.txt"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "bcikg_store").is_dir()


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    result = run_cli("export", "--store", str(tmp_path / "nowhere"), "--format", "jsonl", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


@pytest.mark.parametrize("args", [["--help"], ["ingest", "--help"], ["export", "--help"]])
def test_help_texts_have_examples(args: list[str], tmp_path: Path) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 0
    assert "bcikg" in result.stdout
