"""The ingest pipeline and CLI: idempotent re-ingest, incremental additions, skipped files."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
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


# ------------------------------------------------------------------ incremental, concurrent, interrupted


def resolved_facts(store: Path) -> tuple[dict[str, object], dict[str, object]]:
    """Organisations and relations (with all their properties) of a store's graph."""
    graph = EmbeddedStore(store).load_graph()
    orgs = {n: d for n, d in graph.nodes(data=True) if "Organization" in d["labels"]}
    relations = {k: (u, v, d) for u, v, k, d in graph.edges(keys=True, data=True)}
    return orgs, relations


def test_ingesting_documents_one_by_one_equals_one_ingest_of_all(tmp_path: Path) -> None:
    """Incremental resolution: each ingest resolves the new mentions against the store and
    rewrites what they touch; the result is what one resolution of all documents gives."""
    together, one_by_one = tmp_path / "together", tmp_path / "one_by_one"
    ingest_paths(SAMPLE_FILES, together)
    for path in SAMPLE_FILES:
        summary = ingest_paths([path], one_by_one)
        assert summary.documents_new == 1
    assert resolved_facts(one_by_one) == resolved_facts(together)
    assert graph_signature(one_by_one) == graph_signature(together)
    assert resolved_facts(together)[0], "the samples brought no organisations"


def test_two_ingests_at_once_into_one_store_lose_no_document(tmp_path: Path) -> None:
    store, reference = tmp_path / "store", tmp_path / "reference"
    ingest_paths(SAMPLE_FILES, reference)
    halves = [SAMPLE_FILES[::2], SAMPLE_FILES[1::2]]
    exe = Path(sys.executable).parent / "bcikg"
    procs = [
        subprocess.Popen(
            [str(exe), "ingest", *map(str, half), "--store", str(store), "--workers", "1"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half in halves
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert sorted(EmbeddedStore(store).load_extractions()) == sorted(
        EmbeddedStore(reference).load_extractions()
    )
    assert graph_signature(store) == graph_signature(reference)


def test_no_file_of_the_store_is_a_pickle(tmp_path: Path) -> None:
    store = tmp_path / "store"
    ingest_paths(SAMPLE_FILES[:2], store)
    files = [p for p in store.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert path.read_bytes()[:2] not in (b"\x80\x03", b"\x80\x04", b"\x80\x05"), path
        assert path.read_bytes()[:16].startswith(b"SQLite format 3") or path.name.endswith(("-wal", "-shm"))


@pytest.fixture(scope="module")
def synthetic_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import importlib.util

    synth_py = SAMPLES.parent / "bench" / "synth.py"
    spec = importlib.util.spec_from_file_location("bcikg_bench_synth_p", synth_py)
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = synth
    spec.loader.exec_module(synth)
    folder = tmp_path_factory.mktemp("interrupt") / "batch"
    synth.write_corpus(folder, n=400, seed=5)
    return folder


def committed_documents(store: Path) -> int:
    try:
        with sqlite3.connect(f"file:{store / 'store.sqlite'}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow
@pytest.mark.parametrize("how, code", [("SIGINT to the group", 130), ("SIGTERM to the process", 143)])
def test_an_interrupted_ingest_stops_quickly_keeps_its_documents_and_continues(
    tmp_path: Path, synthetic_batch: Path, how: str, code: int
) -> None:
    store = tmp_path / "store"
    exe = Path(sys.executable).parent / "bcikg"
    command = [str(exe), "ingest", str(synthetic_batch), "--store", str(store), "--workers", "2"]
    proc = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's foreground job
    )
    try:
        deadline = time.monotonic() + 300
        while committed_documents(store) == 0:  # a moment: some documents are extracted
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() < deadline, "no document was committed"
            time.sleep(0.05)
        sent = time.monotonic()
        if how.startswith("SIGINT"):
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == code, err
    assert elapsed < 10
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    match = re.fullmatch(r"interrupted; (\d+) documents kept", lines[0])
    assert match, lines
    kept = int(match.group(1))
    assert 0 < kept < 400
    assert len(EmbeddedStore(store).load_extractions()) == kept
    # no worker is left behind
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(proc.pid, 0)
    rerun = subprocess.run(
        [str(exe), "ingest", str(synthetic_batch), "--store", str(store), "--workers", "2"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert f"documents read 400 (new {400 - kept}, unchanged {kept})" in rerun.stdout
    assert len(EmbeddedStore(store).load_extractions()) == 400


def test_the_store_graph_is_the_graph_of_a_full_resolution(tmp_path: Path) -> None:
    """What update_graph writes (from stored keys and extractions decoded without their region
    mentions) is build_graph(resolve(...)) of the complete extractions."""
    from bcikg.graph.build import build_graph, graph_signature
    from bcikg.ingest.resolve import resolve

    store = tmp_path / "store"
    ingest_paths(SAMPLE_FILES[:3], store)
    ingest_paths(SAMPLE_FILES, store)
    extractions = EmbeddedStore(store).load_extractions()
    assert any(e.regions for e in extractions.values())
    expected = build_graph(resolve(extractions.values()))
    assert graph_signature(EmbeddedStore(store).load_graph()) == graph_signature(expected)
