"""Tests for bcikg.graph.embedded: layout (no pickle), round trip, versioning, locking, crash
safety, incremental graph updates and the migration of format-1 stores.

The crash tests run a write in a child process that stops at a chosen point inside its
transaction, kill it with SIGKILL there, and then read the store again.
"""

from __future__ import annotations

import gzip
import json
import os
import pickle
import signal
import sqlite3
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
from bcikg.ingest.resolve import resolve
from bcikg.models import DocumentExtraction, DocumentInfo, Evidence, KnowledgeGraph, OrgMention

TESTS = Path(__file__).parent
PICKLE_MAGIC = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")


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


def resolver(extractions: list[DocumentExtraction], known: dict[str, list[str]]) -> KnowledgeGraph:
    return resolve(extractions, known_keys=known)


def no_pickle_in(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            head = path.read_bytes()[:2]
            assert head not in PICKLE_MAGIC, f"{path} looks like a pickle"
            assert path.suffix not in (".pickle", ".pkl")


# ------------------------------------------------------------------ basics


def test_missing_store(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "nothing")
    assert not store.exists()
    assert store.load_extractions() == {}
    with pytest.raises(StoreError, match=r"no store at .*nothing; run `bcikg ingest PATH"):
        store.load_graph()
    with pytest.raises(StoreError, match=r"no store at"):
        store.meta()
    assert not (tmp_path / "nothing").exists()  # reading never creates a store


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
    assert [k for *_, k in loaded.edges(keys=True)] == [k for *_, k in graph.edges(keys=True)]
    assert store.load_graph() is loaded  # cached per instance
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "store.sqlite"
    ]
    no_pickle_in(tmp_path)
    meta = EmbeddedStore(tmp_path).meta()
    assert (meta["format"], meta["generation"], meta["documents"]) == (emb.FORMAT_VERSION, 1, 3)
    assert (meta["nodes"], meta["edges"]) == (graph.number_of_nodes(), graph.number_of_edges())


def test_a_new_save_replaces_the_old_one(tmp_path: Path) -> None:
    first = EmbeddedStore(tmp_path)
    first.load_extractions()
    first.save(make_extractions(2), graph_a())
    first.save(make_extractions(4), graph_b())
    assert store_state(tmp_path) == (graph_signature(graph_b()), sorted(make_extractions(4)))
    assert EmbeddedStore(tmp_path).meta()["generation"] == 2


def test_incompatible_format_is_refused(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path).save({}, graph_a())
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'format'")
    with pytest.raises(StoreError, match=r"format 99.*ingest the articles again"):
        EmbeddedStore(tmp_path).load_graph()
    with pytest.raises(StoreError, match="format 99"):
        EmbeddedStore(tmp_path).load_extractions()


@pytest.mark.parametrize(
    "damage, message",
    [
        ("not-a-database", "not a bcikg store database"),
        ("extraction", "cannot read the extraction"),
        ("graph-row", "cannot read the graph"),
    ],
)
def test_damaged_store_gives_a_store_error(tmp_path: Path, damage: str, message: str) -> None:
    EmbeddedStore(tmp_path).save(make_extractions(1), graph_a())
    database = tmp_path / "store.sqlite"
    if damage == "not-a-database":
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        database.write_bytes(b"this is not a database" * 100)
    else:
        with sqlite3.connect(database) as conn:
            if damage == "extraction":
                conn.execute("UPDATE documents SET extraction = x'00010203'")
            else:
                conn.execute("UPDATE nodes SET props = '{broken' WHERE rowid = 1")
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


# ------------------------------------------------------------------ incremental graph updates


def test_update_graph_equals_the_graph_built_from_scratch(tmp_path: Path) -> None:
    """Documents added in three steps: after each, the rows rewritten for changed items give the
    graph that build_graph makes from a resolution of all documents, dangling list included."""
    everything = {**make_extractions(3, "a"), **make_extractions(2, "b"), **make_extractions(2, "c")}
    store = EmbeddedStore(tmp_path)
    added: dict[str, DocumentExtraction] = {}
    for tag in "abc":
        batch = {k: v for k, v in everything.items() if k.startswith(f"doc:{tag}")}
        assert store.add_documents(batch.values()) == len(batch)
        assert store.add_documents(batch.values()) == 0  # already there
        added.update(batch)
        assert store.pending_documents() == len(batch)
        store.update_graph(resolver)
        assert store.pending_documents() == 0
        expected = build_graph(resolve(added.values()))
        fresh = EmbeddedStore(tmp_path).load_graph()
        assert graph_signature(fresh) == graph_signature(expected)
        assert list(fresh.nodes) == list(expected.nodes)
        assert fresh.graph["dangling"] == expected.graph["dangling"]
    generation = EmbeddedStore(tmp_path).meta()["generation"]
    store.update_graph(resolver)  # nothing changed: nothing written
    assert EmbeddedStore(tmp_path).meta()["generation"] == generation


def test_only_changed_items_are_rewritten(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.add_documents(make_extractions(3, "a").values())
    store.update_graph(resolver)
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        before = dict(conn.execute("SELECT id, rowid FROM nodes"))
    store.add_documents(make_extractions(1, "z").values())
    store.update_graph(resolver)
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        after = dict(conn.execute("SELECT id, rowid FROM nodes"))
    rewritten = {node for node, rowid in after.items() if before.get(node) != rowid}
    assert rewritten, "the new document brought nothing"
    # the new document, its organisation, and the static nodes that every build writes again
    assert {n for n in rewritten if not n.startswith(("segment:", "subsector:", "region:"))} == {
        "doc:z000000000000000",
        *(o.id for o in resolve(make_extractions(1, "z").values()).organizations),
    }


def test_a_graph_written_by_save_is_rebuilt_whole_by_the_next_update(tmp_path: Path) -> None:
    extractions = make_extractions(2)
    EmbeddedStore(tmp_path).save(extractions, graph_a())
    store = EmbeddedStore(tmp_path)
    store.update_graph(resolver)
    expected = build_graph(resolve(extractions.values()))
    assert graph_signature(EmbeddedStore(tmp_path).load_graph()) == graph_signature(expected)


def test_stored_keys_are_used_and_recomputed_under_other_rules(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    extractions = make_extractions(2)
    store.add_documents(extractions.values(), keys=lambda e: ["co:stored"] * len(e.orgs), rules="r1")
    seen: list[dict[str, list[str]]] = []

    def spy(extractions: list[DocumentExtraction], known: dict[str, list[str]]) -> KnowledgeGraph:
        seen.append(known)
        return resolve(extractions, known_keys=known)

    store.update_graph(spy, keys=lambda e: ["co:fresh"] * len(e.orgs), rules="r1")
    assert all(keys == ["co:stored"] for keys in seen[-1].values())
    store.update_graph(spy, keys=lambda e: ["co:fresh"] * len(e.orgs), rules="r2")
    assert all(keys == ["co:fresh"] for keys in seen[-1].values())
    store.update_graph(spy, keys=lambda e: ["co:other"] * len(e.orgs), rules="r2")
    assert all(keys == ["co:fresh"] for keys in seen[-1].values())  # stored under r2 meanwhile


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


def test_two_first_saves_into_a_new_store_do_not_overwrite_each_other(tmp_path: Path) -> None:
    first, second = EmbeddedStore(tmp_path), EmbeddedStore(tmp_path)
    assert first.load_extractions() == second.load_extractions() == {}
    first.save(make_extractions(1, "b"), graph_a())
    with pytest.raises(StoreError, match="changed by another process"):
        second.save(make_extractions(1, "c"), graph_a())


def test_writers_adding_documents_never_lose_one(tmp_path: Path) -> None:
    first, second = EmbeddedStore(tmp_path), EmbeddedStore(tmp_path)
    first.add_documents(make_extractions(2, "b").values())
    second.add_documents(make_extractions(2, "c").values())
    first.update_graph(resolver)
    second.update_graph(resolver)
    expected = build_graph(resolve({**make_extractions(2, "b"), **make_extractions(2, "c")}.values()))
    assert graph_signature(EmbeddedStore(tmp_path).load_graph()) == graph_signature(expected)


def test_a_held_write_lock_makes_a_writer_wait_then_fail(tmp_path: Path) -> None:
    EmbeddedStore(tmp_path).save({}, graph_a())
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sqlite3, time
                conn = sqlite3.connect({str(tmp_path / "store.sqlite")!r}, isolation_level=None)
                conn.execute("BEGIN IMMEDIATE")
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
        store.load_extractions()
        started = time.monotonic()
        with pytest.raises(StoreError, match="another bcikg process is writing"):
            store.save({}, graph_b())
        assert time.monotonic() - started >= 0.4
        # readers are not blocked by a writer
        assert graph_signature(EmbeddedStore(tmp_path).load_graph()) == graph_signature(graph_a())
    finally:
        holder.kill()
        holder.wait()
    assert store_state(tmp_path)[0] == graph_signature(graph_a())
    EmbeddedStore(tmp_path).save({}, graph_b())  # the lock is free again once the holder died


# ------------------------------------------------------------------ crash safety

CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    from bcikg.graph import embedded as emb
    from test_embedded_store import graph_b, make_extractions, resolver

    store_dir, point, marker = sys.argv[1], sys.argv[2], Path(sys.argv[3])

    def stop_here():
        marker.write_text(point)
        time.sleep(120)

    if point == "save-rows":  # documents and nodes written, relationships not yet, no commit
        original = emb.EmbeddedStore._bump

        def bump_then_stop(self, conn, values):
            result = original(self, conn, values)
            stop_here()
            return result

        emb.EmbeddedStore._bump = bump_then_stop
        store = emb.EmbeddedStore(store_dir)
        store.load_extractions()
        store.save(make_extractions(5, "n"), graph_b())
    elif point == "update-rows":  # half of the graph rows of an update written, no commit
        original_write = emb.EmbeddedStore._write_elements

        def write_then_stop(conn, kg):
            original_write(conn, kg)
            stop_here()

        emb.EmbeddedStore._write_elements = staticmethod(write_then_stop)
        store = emb.EmbeddedStore(store_dir)
        store.add_documents(make_extractions(5, "n").values())
        store.update_graph(resolver)
    else:
        store = emb.EmbeddedStore(store_dir)
        store.load_extractions()
        store.save(make_extractions(5, "n"), graph_b())
    marker.write_text("finished")
    """
)


def run_child(store_dir: Path, point: str, marker: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store_dir), point, str(marker)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


@pytest.mark.parametrize("point", ["save-rows", "update-rows"])
def test_sigkill_inside_a_write_leaves_the_previous_store(tmp_path: Path, point: str) -> None:
    store_dir = tmp_path / "store"
    store = EmbeddedStore(store_dir)
    store.add_documents(make_extractions(2, "o").values())
    store.update_graph(resolver)
    store.close()
    old_graph = graph_signature(EmbeddedStore(store_dir).load_graph())
    old_documents = sorted(EmbeddedStore(store_dir).load_extractions())
    marker = tmp_path / "marker"
    child = run_child(store_dir, point, marker)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            if child.poll() is not None:
                _, err = child.communicate()
                pytest.fail(f"child exited early ({child.returncode}): {err.decode()[-2000:]}")
            assert time.monotonic() < deadline, "child never reached the crash point"
            time.sleep(0.02)
        assert marker.read_text() == point, "the write finished before the crash point"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == -signal.SIGKILL
    assert graph_signature(EmbeddedStore(store_dir).load_graph()) == old_graph
    documents = sorted(EmbeddedStore(store_dir).load_extractions())
    if point == "update-rows":
        # the documents were committed before the update began: kept, and not yet in the graph
        assert documents == sorted([*old_documents, *make_extractions(5, "n")])
        assert EmbeddedStore(store_dir).pending_documents() == 5
        later = EmbeddedStore(store_dir)
        later.update_graph(resolver)
        expected = build_graph(resolve({**make_extractions(2, "o"), **make_extractions(5, "n")}.values()))
        assert graph_signature(EmbeddedStore(store_dir).load_graph()) == graph_signature(expected)
    else:
        assert documents == old_documents
        EmbeddedStore(store_dir).save(make_extractions(1, "z"), graph_a())  # and the next write works
        assert store_state(store_dir) == (graph_signature(graph_a()), sorted(make_extractions(1, "z")))


def test_the_crash_child_completes_when_not_stopped(tmp_path: Path) -> None:
    """The crash harness itself: with an unknown point the child saves normally (so a crash test
    that passes does so because of the kill, not because the child never saved)."""
    store_dir = tmp_path / "store"
    EmbeddedStore(store_dir).save(make_extractions(2, "o"), graph_a())
    marker = tmp_path / "marker"
    child = run_child(store_dir, "none", marker)
    assert child.wait(timeout=120) == 0
    assert marker.read_text() == "finished"
    assert store_state(store_dir) == (graph_signature(graph_b()), sorted(make_extractions(5, "n")))


# ------------------------------------------------------------------ format 1


def write_format_1(directory: Path, extractions: dict[str, DocumentExtraction], trap: Path) -> None:
    """A store as bcikg wrote it before SQLite: CURRENT, generations/000003 with meta.json,
    extractions.json.gz and a graph.pickle — here a pickle that would create ``trap`` if loaded."""

    class Trap:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {trap}",))

    generation = directory / "generations" / "000003"
    generation.mkdir(parents=True)
    items = [extractions[k].model_dump(mode="json") for k in sorted(extractions)]
    (generation / "extractions.json.gz").write_bytes(gzip.compress(json.dumps(items).encode("utf-8")))
    (generation / "graph.pickle").write_bytes(pickle.dumps(Trap()))
    meta = {"format": 1, "generation": 3, "documents": len(items), "nodes": 0, "edges": 0}
    (generation / "meta.json").write_text(json.dumps(meta))
    (directory / "CURRENT").write_text("000003\n")
    (directory / "lock").touch()


def test_a_format_1_store_is_migrated_without_unpickling(tmp_path: Path) -> None:
    extractions = make_extractions(3)
    trap = tmp_path / "unpickled"
    store_dir = tmp_path / "old"
    write_format_1(store_dir, extractions, trap)
    store = EmbeddedStore(store_dir)
    graph = store.load_graph()
    assert not trap.exists()
    assert graph_signature(graph) == graph_signature(build_graph(resolve(extractions.values())))
    assert store.load_extractions() == extractions
    store.close()
    assert sorted(p.name for p in store_dir.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        "store.sqlite"
    ]
    no_pickle_in(store_dir)


def test_a_damaged_format_1_store_is_refused_with_what_to_do(tmp_path: Path) -> None:
    store_dir = tmp_path / "old"
    write_format_1(store_dir, make_extractions(1), tmp_path / "trap")
    (store_dir / "generations" / "000003" / "extractions.json.gz").write_bytes(b"not gzip")
    with pytest.raises(StoreError, match=r"cannot convert the old store .*ingest the articles again"):
        EmbeddedStore(store_dir).load_graph()
    assert not (store_dir / "store.sqlite").exists()


def test_another_programs_database_is_not_taken_over(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        conn.execute("CREATE TABLE accounts (id INTEGER)")
    with pytest.raises(StoreError, match="not a bcikg store database"):
        EmbeddedStore(tmp_path).add_documents(make_extractions(1).values())
    with sqlite3.connect(tmp_path / "store.sqlite") as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert tables == ["accounts"]


def test_held_extractions_are_not_decoded_again_and_give_the_same_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old, new = make_extractions(2, "a"), make_extractions(2, "b")
    store = EmbeddedStore(tmp_path)
    store.add_documents(old.values())
    store.update_graph(resolver)
    store.add_documents(new.values())
    decoded: list[str] = []
    real_decode = emb.decode_extraction

    def counting(blob: bytes, region_blob: bytes | None = None) -> DocumentExtraction:
        extraction = real_decode(blob, region_blob)
        decoded.append(extraction.document.id)
        return extraction

    monkeypatch.setattr(emb, "decode_extraction", counting)
    store.update_graph(resolver, held=new)
    assert sorted(decoded) == sorted(old)  # the held ones were not read back
    expected = build_graph(resolve([*old.values(), *new.values()]))
    assert graph_signature(EmbeddedStore(tmp_path).load_graph()) == graph_signature(expected)
