"""Crash safety of the embedded store, end to end: `bcikg ingest` of a batch of synthetic articles
(bench/synth.py) over an existing store is SIGKILLed, with its worker processes, at several
moments: early (still starting), during extraction (pool workers alive) and during resolution
and the graph update (workers gone). Afterwards the store must load, its graph must equal the
graph from before the run (or, if the kill came after the graph's commit, the complete result),
and its documents are those from before plus the ones the run had committed. The next ingest
then counts those as unchanged and gives the complete result.

(tests/test_embedded_store.py kills writes at exact points inside their transaction; this file
kills the real command at moments observed from outside.)
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bcikg.graph.build import graph_signature
from bcikg.graph.embedded import EmbeddedStore
from bcikg.ingest.pipeline import ingest_paths

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BATCH_SIZE = 100


def load_synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bcikg_bench_synth", ROOT / "bench" / "synth.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def store_state(store: Path) -> tuple[Any, ...]:
    """(graph, documents) of the store."""
    fresh = EmbeddedStore(store)
    return graph_signature(fresh.load_graph()), sorted(fresh.load_extractions())


def children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crash") / "batch"
    load_synth().write_corpus(folder, n=BATCH_SIZE, seed=11)
    return folder


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the sample articles: the state every interrupted run must leave untouched."""
    store = tmp_path_factory.mktemp("previous") / "store"
    ingest_paths([SAMPLES], store)
    return store


@pytest.fixture(scope="module")
def completed(tmp_path_factory: pytest.TempPathFactory, previous: Path, batch: Path) -> tuple[Any, ...]:
    """What an uninterrupted run over the previous store gives."""
    store = tmp_path_factory.mktemp("completed") / "store"
    copy_store(previous, store)
    proc = ingest(store, batch)
    assert proc.wait(timeout=600) == 0
    return store_state(store)


def copy_store(source: Path, target: Path) -> None:
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)


def ingest(store: Path, batch: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bcikg.cli", "ingest", str(batch), "--store", str(store), "--workers", "2"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the pool workers too
        env={k: v for k, v in os.environ.items() if k != "BCIKG_STORE"},
    )


def wait_for(proc: subprocess.Popen[bytes], moment: Callable[[], bool], timeout: float = 300) -> bool:
    """Poll every millisecond until ``moment()``; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while not moment():
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the moment never came"
        time.sleep(0.001)
    return True


def make_moment(name: str, proc: subprocess.Popen[bytes], store: Path) -> Callable[[], bool]:
    started = time.monotonic()
    if name == "early":
        return lambda: time.monotonic() - started > 0.3
    if name == "extracting":
        return lambda: len(children(proc.pid)) >= 2
    if name == "resolving":
        seen_workers = [False]

        def after_extraction() -> bool:
            if children(proc.pid):
                seen_workers[0] = True
                return False
            return seen_workers[0]

        return after_extraction
    raise ValueError(name)


@pytest.mark.slow
@pytest.mark.parametrize("moment", ["early", "extracting", "resolving"])
def test_sigkill_at_any_moment_leaves_a_readable_store(
    request: pytest.FixtureRequest, tmp_path: Path, batch: Path, previous: Path, moment: str
) -> None:
    store = tmp_path / "store"
    copy_store(previous, store)
    before_graph, before_documents = store_state(store)
    proc = ingest(store, batch)
    try:
        reached = wait_for(proc, make_moment(moment, proc, store))
        error = proc.stderr.read().decode() if proc.stderr and not reached else ""
        assert reached, f"the ingest ended before the moment {moment!r}: {error}"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    after_graph, after_documents = store_state(store)  # loads
    completed_graph, completed_documents = request.getfixturevalue("completed")
    assert after_graph in (before_graph, completed_graph)
    # documents committed before the kill are kept; none is lost, none half-written
    assert set(before_documents) <= set(after_documents) <= set(completed_documents)
    kept = len(after_documents) - len(before_documents)
    if moment == "early":
        assert after_graph == before_graph
    # the next run continues: what was kept is unchanged, the rest is new, the result complete
    rerun = ingest(store, batch)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err.decode()
    assert f"(new {BATCH_SIZE - kept}, unchanged {kept})" in out.decode()
    assert store_state(store) == (completed_graph, completed_documents)
    assert EmbeddedStore(store).pending_documents() == 0


def test_the_batch_is_large_enough_to_be_caught_in_each_stage(batch: Path) -> None:
    """The kills above are only meaningful if the run spends time in extraction: the batch must
    hold enough distinct articles for the process pool to be used."""
    files = sorted(batch.rglob("*.*"))
    assert len(files) == BATCH_SIZE
    assert len({f.read_bytes() for f in files}) == BATCH_SIZE
