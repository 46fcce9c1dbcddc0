"""Fault tolerance of the Neo4j commands against a real Neo4j: no server, a server that does not
answer, something that is not Bolt, a wrong password, the server killed in the middle of a load
and started again, and two loads at the same time.

These tests kill and restart Neo4j, so they run their OWN instance of the project's server
(scripts/neo4j.sh with BCIKG_NEO4J_HOME=/tmp/bcikg-neo4j-faults on bolt://127.0.0.1:7689; override
with BCIKG_FAULTS_NEO4J_HOME and BCIKG_FAULTS_NEO4J_URI) and never touch the suite's shared one.
The instance is started on first use and stopped at the end of the session if this session
started it. tests/test_injection.py and tests/test_secrets.py use the same instance through the
``fault_neo4j`` fixture defined here.

Every CLI call is a real ``python -m bcikg.cli`` subprocess; nothing is mocked.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j_server
import networkx as nx
import pytest
from neo4j import Driver

from bcikg.graph.build import build_graph
from bcikg.graph.embedded import EmbeddedStore
from bcikg.graph.neo4j_store import open_driver, run_query, wipe
from bcikg.models import DocumentInfo, Evidence, KnowledgeGraph, Organization, Relation
from bcikg.schema import KEYED_LABELS
from bcikg.settings import Neo4jSettings

pytestmark = pytest.mark.neo4j

FAULT_HOME = Path(os.environ.get("BCIKG_FAULTS_NEO4J_HOME") or "/tmp/bcikg-neo4j-faults")
FAULT_URI = os.environ.get("BCIKG_FAULTS_NEO4J_URI") or "bolt://127.0.0.1:7689"
NEO4J_KEYS = ("NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
ONE_LINE_SECONDS = 10.0


# ------------------------------------------------------------------ the separate server


@contextmanager
def fault_environ() -> Iterator[None]:
    """os.environ pointing scripts/neo4j.sh (through tests/neo4j_server.py) at the fault instance.
    The suite's NEO4J_* (from .neo4j/env) are removed, so the script keeps this instance's own
    generated password in FAULT_HOME/password."""
    saved = {key: os.environ.get(key) for key in (*NEO4J_KEYS, "BCIKG_NEO4J_HOME")}
    for key in NEO4J_KEYS:
        os.environ.pop(key, None)
    os.environ["BCIKG_NEO4J_HOME"] = str(FAULT_HOME)
    os.environ["NEO4J_URI"] = FAULT_URI
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def base_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: no inherited Neo4j settings or store, wide output."""
    env = {k: v for k, v in os.environ.items() if k not in NEO4J_KEYS and k != "BCIKG_STORE"}
    env.update(COLUMNS="200", PYTHONIOENCODING="utf-8")
    env.update(extra)
    return env


@dataclass
class FaultServer:
    settings: Neo4jSettings

    @property
    def password(self) -> str:
        return self.settings.password.get_secret_value()

    def env(self, **extra: str) -> dict[str, str]:
        settings = {
            "NEO4J_URI": self.settings.uri,
            "NEO4J_USER": self.settings.user,
            "NEO4J_PASSWORD": self.password,
            "NEO4J_DATABASE": self.settings.database,
        }
        return base_env(**{**settings, **extra})

    def start(self) -> None:
        with fault_environ():
            neo4j_server.start_server()
        neo4j_server.wait_for_bolt(self.settings.uri, self.settings.user, self.password, timeout=120)

    def kill(self) -> None:
        with fault_environ():
            neo4j_server.kill_server()

    def running(self) -> bool:
        with fault_environ():
            return neo4j_server.server_running()

    def driver(self) -> Driver:
        return open_driver(self.settings)


def _settings_from_home() -> Neo4jSettings:
    values = neo4j_server.read_env_file(FAULT_HOME / "env")
    return Neo4jSettings(
        uri=values.get("NEO4J_URI") or FAULT_URI,
        user=values.get("NEO4J_USER") or "neo4j",
        password=values["NEO4J_PASSWORD"],
        database=values.get("NEO4J_DATABASE") or "neo4j",
    )


_SERVER: list[FaultServer] = []


def _stop_fault_server() -> None:
    with fault_environ():
        neo4j_server.stop_server()


def fault_server(request: pytest.FixtureRequest) -> FaultServer:
    """The separate Neo4j instance, running. The first call starts it if needed and, if it was
    not running before, stops it again when the test session ends. Other test modules make
    their own fixtures from this function (importing fixtures would shadow names)."""
    if os.environ.get("BCIKG_SKIP_NEO4J") == "1":
        pytest.skip("BCIKG_SKIP_NEO4J=1: Neo4j tests skipped")
    if not _SERVER:
        FAULT_HOME.mkdir(parents=True, exist_ok=True)
        with fault_environ():
            was_running = neo4j_server.server_running()
            try:
                neo4j_server.start_server()
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                pytest.fail(f"could not start the fault-test Neo4j ({FAULT_URI}, {FAULT_HOME}): {exc}")
        if not was_running:
            request.config.add_cleanup(_stop_fault_server)
        _SERVER.append(FaultServer(_settings_from_home()))
    server = _SERVER[0]
    if not server.running():  # an earlier test killed it
        server.start()
    return server


@pytest.fixture(scope="module")
def fault_neo4j(request: pytest.FixtureRequest) -> FaultServer:
    return fault_server(request)


@pytest.fixture
def live_fault_neo4j(request: pytest.FixtureRequest) -> FaultServer:
    return fault_server(request)


# ------------------------------------------------------------------ helpers


def cli(*args: str, env: dict[str, str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bcikg.cli", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def popen_cli(
    *args: str, env: dict[str, str], cwd: Path, log: Path
) -> tuple[subprocess.Popen[bytes], Path, Path]:
    out, err = log.with_suffix(".out"), log.with_suffix(".err")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bcikg.cli", *args],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=out.open("wb"),
        stderr=err.open("wb"),
    )
    return proc, out, err


REGIONS = (
    "region:中国/江苏省/苏州市",
    "region:中国/北京市/海淀区",
    "region:中国/浙江省/杭州市",
    "region:中国/上海市",
)
TYPES = ("Company", "Hospital", "Fund", "Institute", "Platform")
SEGMENTS = ("upstream", "midstream", "downstream")
SUBSECTORS = ("electrodes", "algorithms", "clinical")


def synthetic_kg(start: int, stop: int) -> KnowledgeGraph:
    """Organisations start..stop-1 with evidence, home and signing regions and a partner chain.
    Everything about organisation i depends on i alone, so two ranges that overlap describe the
    shared organisations identically (as two stores ingested from overlapping corpora would)."""
    documents: dict[str, DocumentInfo] = {}
    orgs: list[Organization] = []
    relations: list[Relation] = []
    for i in range(start, stop):
        doc_id = f"doc:{i // 10:016x}"
        documents[doc_id] = DocumentInfo(
            id=doc_id, path=f"/synthetic/{i // 10}.txt", format="txt", encoding="utf-8", chars=100
        )
        name = f"合成机构{i}科技有限公司"
        evidence = Evidence(
            doc_id=doc_id, sentence=f"{name}在示例市签约。", start=0, end=len(name), text=name
        )
        org_id = f"org:{i:016x}"
        orgs.append(
            Organization(
                id=org_id,
                type=TYPES[i % len(TYPES)],
                name=name,
                aliases=[f"合成{i}"],
                region=REGIONS[i % 4],
                settled_in=[REGIONS[(i + 1) % 4]],
                segment=[SEGMENTS[i % 3]],
                subsectors=[SUBSECTORS[i % 3]],
                evidence=[evidence],
            )
        )
        relations.append(
            Relation(
                id=f"rel:l{i:015x}",
                type="LOCATED_IN",
                source=org_id,
                target=REGIONS[i % 4],
                properties={"home": 1},
                evidence=[evidence],
            )
        )
        relations.append(
            Relation(
                id=f"rel:s{i:015x}",
                type="SIGNED_IN",
                source=org_id,
                target=REGIONS[(i + 1) % 4],
                properties={"date": "2026-01-01"},
                evidence=[evidence],
            )
        )
        if i % 7 != 6:  # partners in short chains, so that both ends are in any range that holds i
            relations.append(
                Relation(
                    id=f"rel:p{i:015x}",
                    type="PARTNERS_WITH",
                    source=org_id,
                    target=f"org:{i + 1:016x}",
                    evidence=[evidence],
                )
            )
    if stop % 7 != 0:  # the chain of the last organisations runs past the range: cut it
        relations = [r for r in relations if r.target != f"org:{stop:016x}"]
    return KnowledgeGraph(documents=list(documents.values()), organizations=orgs, relations=relations)


def save_store(path: Path, kg: KnowledgeGraph) -> nx.MultiDiGraph:
    graph = build_graph(kg)
    EmbeddedStore(path).save({}, graph)
    return graph


def snapshot(driver: Driver) -> tuple[list[str], list[str]]:
    """Every node with an id and every relationship, as sorted JSON lines (labels, ends and all
    properties), so that two databases compare equal only if they hold the same graph."""
    nodes = run_query(
        driver,
        "MATCH (n) WHERE n.id IS NOT NULL AND any(l IN labels(n) WHERE l IN $keyed) "
        "RETURN labels(n) AS labels, properties(n) AS props",
        {"keyed": list(KEYED_LABELS)},
    )
    rels = run_query(
        driver,
        "MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS source, b.id AS target, properties(r) AS props",
    )
    node_lines = sorted(
        json.dumps({"labels": sorted(row["labels"]), **row["props"]}, sort_keys=True, ensure_ascii=False)
        for row in nodes
    )
    rel_lines = sorted(json.dumps(row, sort_keys=True, ensure_ascii=False, default=str) for row in rels)
    return node_lines, rel_lines


PROJECT_NODE_IDS = "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $keyed) RETURN n.id AS id"


def duplicates(driver: Driver) -> dict[str, list[Any]]:
    nodes = run_query(
        driver,
        "MATCH (n) WHERE n.id IS NOT NULL AND any(l IN labels(n) WHERE l IN $keyed) "
        "WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN id",
        {"keyed": list(KEYED_LABELS)},
    )
    rels = run_query(
        driver,
        "MATCH ()-[r]->() WHERE r.id IS NOT NULL WITH r.id AS id, count(*) AS c WHERE c > 1 RETURN id",
    )
    return {"nodes": [r["id"] for r in nodes], "relationships": [r["id"] for r in rels]}


def relationship_count(driver: Driver) -> int:
    return int(run_query(driver, "MATCH ()-[r]->() RETURN count(r) AS n")[0]["n"])


def assert_one_clean_line(proc: subprocess.CompletedProcess[str], *, code: int, starts: str) -> None:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(starts), lines[0]
    assert proc.stdout == ""


# ------------------------------------------------------------------ unreachable or refusing servers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def silent_listener() -> Iterator[int]:
    """A port that accepts TCP connections and then never says anything (a hung server)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        yield int(s.getsockname()[1])


@contextmanager
def http_listener() -> Iterator[int]:
    """A port where an HTTP server answers (the usual mistake: the Browser port 7474)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(1024)
                    conn.sendall(
                        b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        server.close()


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("faults") / "small_store"
    save_store(store, synthetic_kg(0, 40))
    return store


COMMANDS = {
    "load": ["load"],
    "query": ["query", "orgs_in_region", "-p", "region=苏州", "--backend", "neo4j"],
    "report": ["report", "gaps", "苏州", "--backend", "neo4j", "--format", "json"],
}


SITUATIONS = {
    "nothing listens": "cannot reach Neo4j at bolt://127.0.0.1:{port}: connection refused",
    "silent server": "cannot reach Neo4j at bolt://127.0.0.1:{port}: no answer within the timeout",
    "http server": "cannot reach Neo4j at bolt://127.0.0.1:{port}: something other than Bolt answers",
}


# every command when nothing listens; the slow situations (waiting for a timeout) with load only
@pytest.mark.parametrize(
    "situation, command",
    [("nothing listens", c) for c in sorted(COMMANDS)] + [("silent server", "load"), ("http server", "load")],
)
def test_no_usable_server_is_one_line_within_seconds(
    small_store: Path, tmp_path: Path, command: str, situation: str
) -> None:
    expected = SITUATIONS[situation]
    listener = {"silent server": silent_listener, "http server": http_listener}.get(situation)
    with listener() if listener else _nothing(_free_port()) as port:
        env = base_env(NEO4J_URI=f"bolt://127.0.0.1:{port}", NEO4J_PASSWORD="not-the-real-one-123")
        started = time.monotonic()
        proc = cli(*COMMANDS[command], "--store", str(small_store), env=env, cwd=tmp_path, timeout=60)
        elapsed = time.monotonic() - started
    assert_one_clean_line(proc, code=4, starts="error: " + expected.format(port=port))
    assert elapsed < ONE_LINE_SECONDS, f"took {elapsed:.1f}s"


@contextmanager
def _nothing(port: int) -> Iterator[int]:
    yield port


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_wrong_password_is_one_line_within_seconds(
    live_fault_neo4j: FaultServer, small_store: Path, tmp_path: Path, command: str
) -> None:
    wrong = "Wrong-" + live_fault_neo4j.password[::-1]
    started = time.monotonic()
    proc = cli(
        *COMMANDS[command],
        "--store",
        str(small_store),
        env=live_fault_neo4j.env(NEO4J_PASSWORD=wrong),
        cwd=tmp_path,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert_one_clean_line(
        proc,
        code=4,
        starts=f"error: Neo4j at {live_fault_neo4j.settings.uri} refused the credentials for user neo4j; "
        "check NEO4J_PASSWORD",
    )
    assert elapsed < ONE_LINE_SECONDS, f"took {elapsed:.1f}s"
    assert wrong not in proc.stderr and live_fault_neo4j.password not in proc.stderr


# ------------------------------------------------------------------ killed in the middle of a load


@dataclass
class Interrupted:
    clean: tuple[list[str], list[str]]
    partial_relationships: int
    expected_relationships: int
    killed_load: subprocess.CompletedProcess[str]
    killed_load_seconds: float
    load_while_down: subprocess.CompletedProcess[str]
    load_while_down_seconds: float
    rerun: subprocess.CompletedProcess[str]
    after: tuple[list[str], list[str]]
    duplicates_after: dict[str, list[Any]]


@pytest.fixture(scope="module")
def interrupted(fault_neo4j: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> Interrupted:
    """Load a synthetic store cleanly; wipe; load it again and SIGKILL Neo4j (scripts/neo4j.sh
    kill) while relationships are being written; start Neo4j again and re-run the load."""
    work = tmp_path_factory.mktemp("interrupted")
    store = work / "store"
    graph = save_store(store, synthetic_kg(0, 1500))
    env = fault_neo4j.env()

    clean_load = cli("load", "--store", str(store), "--wipe", "--yes", env=env, cwd=work)
    assert clean_load.returncode == 0, clean_load.stderr
    with fault_neo4j.driver() as driver:
        clean = snapshot(driver)
        wipe(fault_neo4j.settings, driver=driver)
        assert relationship_count(driver) == 0

        # small batches: many transactions, so the kill lands between and inside them
        proc, out, err = popen_cli(
            "load", "--store", str(store), "--batch-size", "200", env=env, cwd=work, log=work / "killed"
        )
        deadline = time.monotonic() + 240
        while True:
            assert proc.poll() is None, (
                "the load finished before Neo4j could be killed; make the store larger"
            )
            assert time.monotonic() < deadline, "the load wrote no relationship in time"
            if relationship_count(driver) > 0:
                break
            time.sleep(0.05)
    fault_neo4j.kill()
    killed_at = time.monotonic()
    try:
        proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    killed_seconds = time.monotonic() - killed_at
    killed = subprocess.CompletedProcess(proc.args, proc.returncode, out.read_text(), err.read_text())

    started = time.monotonic()
    down = cli("load", "--store", str(store), env=env, cwd=work, timeout=60)
    down_seconds = time.monotonic() - started

    fault_neo4j.start()
    with fault_neo4j.driver() as driver:
        partial = relationship_count(driver)
    rerun = cli("load", "--store", str(store), env=env, cwd=work)
    with fault_neo4j.driver() as driver:
        after = snapshot(driver)
        dups = duplicates(driver)
        wipe(fault_neo4j.settings, driver=driver)
    return Interrupted(
        clean,
        partial,
        graph.number_of_edges(),
        killed,
        killed_seconds,
        down,
        down_seconds,
        rerun,
        after,
        dups,
    )


@pytest.mark.slow
def test_reload_after_a_crash_equals_a_clean_load(interrupted: Interrupted) -> None:
    assert interrupted.killed_load.returncode != 0
    # the kill really came in the middle: part of the relationships had been committed
    assert 0 < interrupted.partial_relationships < interrupted.expected_relationships
    assert interrupted.rerun.returncode == 0, interrupted.rerun.stderr
    assert interrupted.duplicates_after == {"nodes": [], "relationships": []}
    clean_nodes, clean_rels = interrupted.clean
    after_nodes, after_rels = interrupted.after
    assert len(clean_rels) == interrupted.expected_relationships
    assert after_nodes == clean_nodes
    assert after_rels == clean_rels


@pytest.mark.slow
def test_load_against_the_stopped_server_is_one_line(interrupted: Interrupted) -> None:
    assert_one_clean_line(interrupted.load_while_down, code=4, starts="error: cannot reach Neo4j at ")
    assert interrupted.load_while_down_seconds < ONE_LINE_SECONDS


@pytest.mark.slow
def test_a_load_cut_off_by_the_crash_fails_with_one_line(interrupted: Interrupted) -> None:
    assert_one_clean_line(interrupted.killed_load, code=4, starts="error: ")
    # the driver retries for its retry window (30 s), each attempt with its own connection
    # timeouts; on a busy machine that adds up to about a minute, never to a hang
    assert interrupted.killed_load_seconds < 120


# ------------------------------------------------------------------ two loads at once


def node_ids(graph: nx.MultiDiGraph) -> set[str]:
    return set(graph.nodes)


def edge_keys(graph: nx.MultiDiGraph) -> set[tuple[str, str, str, str]]:
    return {(k, d["type"], u, v) for u, v, k, d in graph.edges(keys=True, data=True)}


@pytest.mark.slow
@pytest.mark.parametrize("corpora", ["same store twice", "overlapping corpora"])
def test_two_loads_at_the_same_time_leave_no_duplicates(
    live_fault_neo4j: FaultServer, tmp_path: Path, corpora: str
) -> None:
    first = save_store(tmp_path / "a", synthetic_kg(0, 800))
    second = first if corpora == "same store twice" else save_store(tmp_path / "b", synthetic_kg(400, 1200))
    store_b = tmp_path / ("a" if corpora == "same store twice" else "b")
    env = live_fault_neo4j.env()
    with live_fault_neo4j.driver() as driver:
        wipe(live_fault_neo4j.settings, driver=driver)
        loads = [
            popen_cli(
                "load",
                "--store",
                str(store),
                "--batch-size",
                "100",
                env=env,
                cwd=tmp_path,
                log=tmp_path / f"load{i}",
            )
            for i, store in enumerate((tmp_path / "a", store_b))
        ]
        for proc, _, err in loads:
            assert proc.wait(timeout=300) == 0, err.read_text()
        assert duplicates(driver) == {"nodes": [], "relationships": []}
        rows = run_query(
            driver,
            "MATCH (a)-[r]->(b) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target",
        )
        present_nodes = {
            row["id"] for row in run_query(driver, PROJECT_NODE_IDS, {"keyed": list(KEYED_LABELS)})
        }
        # loads are additive: both corpora are there, each node and relationship exactly once
        assert present_nodes == node_ids(first) | node_ids(second)
        assert {(r["id"], r["type"], r["source"], r["target"]) for r in rows} == edge_keys(first) | edge_keys(
            second
        )
        # and a pruning load afterwards gives exactly that store's graph
        reload = cli("load", "--store", str(tmp_path / "a"), "--prune", env=env, cwd=tmp_path)
        assert reload.returncode == 0, reload.stderr
        assert duplicates(driver) == {"nodes": [], "relationships": []}
        present_nodes = {
            row["id"] for row in run_query(driver, PROJECT_NODE_IDS, {"keyed": list(KEYED_LABELS)})
        }
        assert present_nodes == node_ids(first)
        rows = run_query(
            driver,
            "MATCH (a)-[r]->(b) RETURN r.id AS id, type(r) AS type, a.id AS source, b.id AS target",
        )
        assert {(r["id"], r["type"], r["source"], r["target"]) for r in rows} == edge_keys(first)
        wipe(live_fault_neo4j.settings, driver=driver)
