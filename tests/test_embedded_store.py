"""Tests for bcikg.graph.embedded: layout, round trip, versioning, locking and crash safety.

The crash tests run ``save`` in a child process that stops at a chosen point (in the middle of
writing a file, after renaming the new generation into place, after switching CURRENT, while
removing the old generation), kill it with SIGKILL there, and then read the store again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import networkx as nx
import pytest
from conftest import load_kg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcikg.errors import StoreError
from bcikg.graph import embedded as emb
from bcikg.graph.build import build_graph, graph_signature
from bcikg.graph.embedded import EmbeddedStore
from bcikg.models import DocumentExtraction, DocumentInfo, Evidence, OrgMention

TESTS = Path(__file__).parent


def make_extractions(n: int, tag: str = "a") -> dict[str, DocumentExtraction]:
    out = {}
    for i in range(n):
        doc_id = f"doc:{tag}{i:015d}"
        sentence = f"虚构的{tag}公司第{i}号在示例市签约。"
        out[doc_id] = DocumentExtraction(
            document=DocumentInfo(
                id=doc_id, path=f"/fixtures/{tag}{i}.txt", format="txt", encoding="utf-8", chars=40
            ),
            orgs=[
                OrgMention(
                    surface=f"{tag}公司{i}",
                    name=f"{tag}公司{i}",
                    type="Company",
                    evidence=Evidence(doc_id=doc_id, sentence=sentence, start=3, end=7, text=f"{tag}公司{i}"),
                )
            ],
        )
    return out


def graph_a() -> nx.MultiDiGraph:
    return build_graph(load_kg())


def graph_b() -> nx.MultiDiGraph:
    kg = load_kg()
    kg.organizations = kg.organizations[:3]
    return build_graph(kg)


def store_state(directory: Path) -> tuple[object, list[str]]:
    store = EmbeddedStore(directory)
    return graph_signature(store.load_graph()), sorted(store.load_extractions())


# ------------------------------------------------------------------ basics


def test_missing_store(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "nothing")
    assert not store.exists()
    assert store.load_extractions() == {}
    with pytest.raises(StoreError, match=r"no store at .*nothing; run `bcikg ingest PATH"):
        store.load_graph()


def test_round_trip_and_layout(tmp_path: Path) -> None:
    extractions = make_extractions(3)
    graph = graph_a()
    EmbeddedStore(tmp_path).save(extractions, graph)
    store = EmbeddedStore(tmp_path)
    assert store.exists()
    assert store.load_extractions() == extractions
    loaded = store.load_graph()
    assert graph_signature(loaded) == graph_signature(graph)
    assert list(loaded.nodes) == list(graph.nodes)
    assert store.load_graph() is loaded  # cached per instance
    assert (tmp_path / "CURRENT").read_text().strip() == "000001"
    files = sorted(p.name for p in (tmp_path / "generations" / "000001").iterdir())
    assert files == ["extractions.json.gz", "graph.pickle", "meta.json"]
    meta = store.meta()
    assert (meta["format"], meta["generation"], meta["documents"]) == (emb.FORMAT_VERSION, 1, 3)
    assert (meta["nodes"], meta["edges"]) == (graph.number_of_nodes(), graph.number_of_edges())


def test_a_new_save_replaces_the_old_generation(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path)
    first.load_extractions()
    first.save(make_extractions(2), graph_a())
    first.save(make_extractions(4), graph_b())
    assert [p.name for p in (tmp_path / "generations").iterdir()] == ["000002"]
    assert store_state(tmp_path) == (graph_signature(graph_b()), sorted(make_extractions(4)))


def test_leftovers_of_an_interrupted_save_are_ignored_and_cleaned(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path).save(make_extractions(1), graph_a())
    junk = tmp_path / "generations" / ".tmp-000002-999999"
    junk.mkdir()
    (junk / "graph.pickle").write_bytes(b"half a pickle")
    (tmp_path / "CURRENT.tmp-999999").write_text("000002\n")
    assert store_state(tmp_path)[0] == graph_signature(graph_a())
    EmbeddedStore(tmp_path).save(make_extractions(1), graph_b())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT", "generations", "lock"]
    assert [p.name for p in (tmp_path / "generations").iterdir()] == ["000002"]


def test_incompatible_format_is_refused(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path).save({}, graph_a())
    meta_path = tmp_path / "generations" / "000001" / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["format"] = 99
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(StoreError, match=r"format 99.*ingest the articles again"):
        EmbeddedStore(tmp_path).load_graph()
    with pytest.raises(StoreError, match="format 99"):
        EmbeddedStore(tmp_path).load_extractions()


@pytest.mark.parametrize(
    "damage, message",
    [
        ("current", "not a bcikg store"),
        ("graph", "cannot read the graph"),
        ("extractions", "cannot read the extractions"),
        ("missing", "incomplete"),
    ],
)
def test_damaged_store_gives_a_store_error(tmp_path: Path, damage: str, message: str) -> None:
    EmbeddedStore(tmp_path).save(make_extractions(1), graph_a())
    gen = tmp_path / "generations" / "000001"
    if damage == "current":
        (tmp_path / "CURRENT").write_text("garbage\n")
    elif damage == "graph":
        (gen / "graph.pickle").write_bytes(b"not a pickle")
    elif damage == "extractions":
        (gen / "extractions.json.gz").write_bytes(b"not gzip")
    else:
        (gen / "graph.pickle").unlink()
    with pytest.raises(StoreError, match=message):
        store = EmbeddedStore(tmp_path)
        store.load_graph()
        store.load_extractions()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(
        st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30),
        min_size=0,
        max_size=5,
    )
)
def test_extractions_round_trip_any_text(tmp_path_factory: pytest.TempPathFactory, texts: list[str]) -> None:
    directory = tmp_path_factory.mktemp("store")
    extractions = {}
    for i, text in enumerate(texts):
        doc_id = f"doc:{i:016x}"
        extractions[doc_id] = DocumentExtraction(
            document=DocumentInfo(
                id=doc_id, path=text, format="md", encoding="gb18030", title=text, chars=len(text)
            ),
        )
    EmbeddedStore(directory).save(extractions, nx.MultiDiGraph())
    assert EmbeddedStore(directory).load_extractions() == extractions


# ------------------------------------------------------------------ concurrency


def test_a_second_writer_that_read_an_older_generation_is_refused(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path).save(make_extractions(1), graph_a())
    first, second = EmbeddedStore(tmp_path), EmbeddedStore(tmp_path)
    base_first = first.load_extractions()
    base_second = second.load_extractions()
    first.save({**base_first, **make_extractions(1, "b")}, graph_a())
    with pytest.raises(StoreError, match="changed by another process"):
        second.save({**base_second, **make_extractions(1, "c")}, graph_b())
    assert sorted(EmbeddedStore(tmp_path).load_extractions()) == sorted(
        {**base_first, **make_extractions(1, "b")}
    )


def test_two_first_ingests_into_a_new_store_do_not_overwrite_each_other(tmp_path: Path) -> None:
    first, second = EmbeddedStore(tmp_path), EmbeddedStore(tmp_path)
    assert first.load_extractions() == second.load_extractions() == {}
    first.save(make_extractions(1, "b"), graph_a())
    with pytest.raises(StoreError, match="changed by another process"):
        second.save(make_extractions(1, "c"), graph_a())


def test_a_held_lock_makes_a_writer_wait_then_fail(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path).save({}, graph_a())
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import fcntl, os, sys, time
                fd = os.open({str(tmp_path / "lock")!r}, os.O_RDWR)
                fcntl.flock(fd, fcntl.LOCK_EX)
                print('locked', flush=True)
                time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        store = EmbeddedStore(tmp_path, lock_timeout=0.5)
        started = time.monotonic()
        with pytest.raises(StoreError, match="another bcikg process is writing"):
            store.save({}, graph_b())
        assert time.monotonic() - started >= 0.5
    finally:
        holder.kill()
        holder.wait()
    assert store_state(tmp_path)[0] == graph_signature(graph_a())
    EmbeddedStore(tmp_path).save({}, graph_b())  # the lock is free again once the holder died


# ------------------------------------------------------------------ crash safety

CHILD = textwrap.dedent(
    """
    import io, os, shutil, sys, time
    from pathlib import Path

    from bcikg.graph import embedded as emb
    from test_embedded_store import graph_b, make_extractions

    store_dir, point, marker = sys.argv[1], sys.argv[2], Path(sys.argv[3])

    def stop_here():
        marker.write_text(point)
        time.sleep(120)

    if point.startswith("write:"):
        target = int(point.split(":")[1])
        calls = [0]
        original_write = emb._write_file

        def slow_write(path, data):
            calls[0] += 1
            if callable(data):  # a streamed file: what the function writes
                buffer = io.BytesIO()
                data(buffer)
                data = buffer.getvalue()
            if calls[0] == target:
                with open(path, "xb") as f:  # half of the file reaches the disk, then the crash
                    f.write(data[: len(data) // 2])
                    f.flush()
                    os.fsync(f.fileno())
                stop_here()
            original_write(path, data)

        emb._write_file = slow_write
    elif point in ("after-rename", "after-replace"):
        name = "rename" if point == "after-rename" else "replace"
        original = getattr(os, name)

        def then_stop(src, dst, *args, **kwargs):
            original(src, dst, *args, **kwargs)
            if name == "rename" or str(dst).endswith("CURRENT"):
                stop_here()

        setattr(os, name, then_stop)
    elif point == "during-cleanup":
        original_rmtree = shutil.rmtree

        def partial_rmtree(path, *args, **kwargs):
            for child in sorted(Path(path).iterdir())[:1]:
                child.unlink()  # one file of the old generation is gone, then the crash
            stop_here()

        shutil.rmtree = partial_rmtree

    store = emb.EmbeddedStore(store_dir)
    store.load_extractions()
    store.save(make_extractions(5, "n"), graph_b())
    marker.write_text("finished")
    """
)

# (kill point, which generation must be readable afterwards)
CRASH_POINTS = [
    ("write:1", "old"),  # in the middle of extractions.json.gz
    ("write:2", "old"),  # in the middle of graph.pickle
    ("write:3", "old"),  # in the middle of meta.json
    ("write:4", "old"),  # in the middle of the new CURRENT pointer file
    ("after-rename", "old"),  # the complete new generation is in place, CURRENT not yet switched
    ("after-replace", "new"),  # CURRENT switched, old generation not yet removed
    ("during-cleanup", "new"),  # old generation half removed
]


@pytest.mark.parametrize("point, expected", CRASH_POINTS)
def test_sigkill_during_save_leaves_a_readable_store(tmp_path: Path, point: str, expected: str) -> None:
    store_dir = tmp_path / "store"
    old_extractions = make_extractions(2, "o")
    EmbeddedStore(store_dir).save(old_extractions, graph_a())
    old_state = store_state(store_dir)
    new_state = (graph_signature(graph_b()), sorted(make_extractions(5, "n")))
    marker = tmp_path / "marker"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store_dir), point, str(marker)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if child.poll() is not None:
                _, err = child.communicate()
                pytest.fail(f"child exited early ({child.returncode}): {err.decode()[-2000:]}")
            assert time.monotonic() < deadline, "child never reached the crash point"
            time.sleep(0.02)
        assert marker.read_text() == point, "the save finished before the crash point"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert store_state(store_dir) == (old_state if expected == "old" else new_state)
    # and the next save works and cleans up
    EmbeddedStore(store_dir).save(make_extractions(1, "z"), graph_a())
    assert [p.name for p in (store_dir / "generations").iterdir()] == [
        (store_dir / "CURRENT").read_text().strip()
    ]
    assert store_state(store_dir) == (graph_signature(graph_a()), sorted(make_extractions(1, "z")))


def test_the_crash_child_completes_when_not_stopped(tmp_path: Path) -> None:
    """The crash harness itself: with an unknown point the child saves normally (so a crash test
    that passes does so because of the kill, not because the child never saved)."""
    store_dir = tmp_path / "store"
    EmbeddedStore(store_dir).save(make_extractions(2, "o"), graph_a())
    marker = tmp_path / "marker"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    subprocess.run(
        [sys.executable, "-c", CHILD, str(store_dir), "none", str(marker)], env=env, check=True, timeout=120
    )
    assert marker.read_text() == "finished"
    assert store_state(store_dir) == (graph_signature(graph_b()), sorted(make_extractions(5, "n")))


def test_the_lock_can_be_held_around_a_whole_ingest(tmp_path: Path) -> None:
    """locked() is re-entrant: read, modify and save under one lock (save takes it again)."""
    store = EmbeddedStore(tmp_path, lock_timeout=1.0)
    with store.locked():
        store.load_extractions()
        store.save(make_extractions(1), graph_a())
        with store.locked():
            store.save(make_extractions(2), graph_a())
    assert sorted(EmbeddedStore(tmp_path).load_extractions()) == sorted(make_extractions(2))
    other = EmbeddedStore(tmp_path, lock_timeout=0.2)
    with store.locked(), pytest.raises(StoreError, match="another bcikg process is writing"):
        other.save({}, graph_b())
