"""Integration tests of bcikg.graph.neo4j_store against the real local Neo4j (scripts/neo4j.sh).

Every test that loads starts from a wiped database (fixture ``fresh_neo4j``), so the order of
tests does not matter. Nothing here is mocked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from neo4j.exceptions import ServiceUnavailable, SessionExpired
from pydantic import SecretStr

from bcikg.errors import Neo4jUnavailable
from bcikg.graph import neo4j_store
from bcikg.graph.build import build_graph
from bcikg.graph.embedded import EmbeddedStore
from bcikg.graph.neo4j_store import counts, ensure_schema, load, open_driver, run_query, wipe
from bcikg.models import KnowledgeGraph
from bcikg.schema import KEYED_LABELS, RELATIONSHIP_TYPES, primary_label
from bcikg.settings import Neo4jSettings

pytestmark = pytest.mark.neo4j


def expected_counts(graph: nx.MultiDiGraph) -> dict[str, int]:
    labels = Counter(primary_label(d["labels"]) for _, d in graph.nodes(data=True))
    types = Counter(t for _, _, t in graph.edges(data="type"))
    return {
        **{label: labels[label] for label in KEYED_LABELS},
        **{t: types[t] for t in sorted(RELATIONSHIP_TYPES)},
    }


def test_counts_after_load(neo4j_settings, neo4j_driver, fresh_neo4j, small_graph) -> None:
    summary = load(small_graph, neo4j_settings, driver=neo4j_driver)
    assert (summary.nodes, summary.relationships) == (
        small_graph.number_of_nodes(),
        small_graph.number_of_edges(),
    )
    assert counts(neo4j_driver) == expected_counts(small_graph)
    labels = run_query(
        neo4j_driver, "MATCH (n {id: $id}) RETURN labels(n) AS labels", {"id": "org:0000000000000003"}
    )
    assert sorted(labels[0]["labels"]) == ["Hospital", "Organization"]


def test_constraints_and_indexes_exist(neo4j_settings, neo4j_driver, fresh_neo4j) -> None:
    ensure_schema(neo4j_driver, neo4j_settings.database)
    ensure_schema(neo4j_driver, neo4j_settings.database)  # IF NOT EXISTS: a second run is fine
    rows = run_query(neo4j_driver, "SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties")
    unique = {(r["labelsOrTypes"][0], tuple(r["properties"])) for r in rows if r["type"] == "UNIQUENESS"}
    for label in KEYED_LABELS:
        assert (label, ("id",)) in unique, label
    index_rows = run_query(neo4j_driver, "SHOW INDEXES YIELD labelsOrTypes, properties, state")
    indexed = {(r["labelsOrTypes"][0], tuple(r["properties"])) for r in index_rows if r["labelsOrTypes"]}
    for label, prop in (("Organization", "name"), ("Region", "name"), ("Region", "full_name")):
        assert (label, (prop,)) in indexed
    assert all(r["state"] == "ONLINE" for r in index_rows)


def test_loading_twice_is_idempotent(neo4j_settings, neo4j_driver, fresh_neo4j, small_graph) -> None:
    load(small_graph, neo4j_settings, driver=neo4j_driver, batch_size=7)
    first = counts(neo4j_driver)
    summary = load(small_graph, neo4j_settings, driver=neo4j_driver, batch_size=1000)
    assert counts(neo4j_driver) == first == expected_counts(small_graph)
    assert (summary.removed_nodes, summary.removed_relationships) == (0, 0)


def test_small_batches_need_more_transactions(neo4j_settings, neo4j_driver, fresh_neo4j, small_graph) -> None:
    few = load(small_graph, neo4j_settings, driver=neo4j_driver, batch_size=1000)
    many = load(small_graph, neo4j_settings, driver=neo4j_driver, batch_size=5)
    assert many.batches > few.batches
    assert counts(neo4j_driver) == expected_counts(small_graph)


def test_a_reload_after_a_change_updates_in_place(
    neo4j_settings, neo4j_driver, fresh_neo4j, kg_small: KnowledgeGraph
) -> None:
    load(build_graph(kg_small), neo4j_settings, driver=neo4j_driver)
    kg = kg_small.model_copy(deep=True)
    chenxi = next(o for o in kg.organizations if o.id == "org:0000000000000002")
    chenxi.name = "晨曦神经电子有限公司"
    chenxi.type = "Institute"
    chenxi.aliases = ["晨曦神经"]
    dropped = "org:0000000000000009"
    kg.organizations = [o for o in kg.organizations if o.id != dropped]
    kg.relations = [r for r in kg.relations if r.id != "rel:fixture0016"]
    graph = build_graph(kg)
    summary = load(graph, neo4j_settings, driver=neo4j_driver, prune=True)
    rows = run_query(
        neo4j_driver,
        "MATCH (o:Organization {id: $id}) RETURN o.name AS name, o.type AS type, o.aliases AS aliases, "
        "labels(o) AS labels",
        {"id": "org:0000000000000002"},
    )
    assert rows[0]["name"] == "晨曦神经电子有限公司"
    assert rows[0]["aliases"] == ["晨曦神经"]
    assert sorted(rows[0]["labels"]) == ["Institute", "Organization"]  # the Company label is gone
    assert run_query(neo4j_driver, "MATCH (o {id: $id}) RETURN o", {"id": dropped}) == []
    assert run_query(neo4j_driver, "MATCH ()-[r {id: 'rel:fixture0016'}]->() RETURN r") == []
    assert summary.removed_nodes == 1
    assert summary.removed_relationships >= 1
    assert counts(neo4j_driver) == expected_counts(graph)


def test_values_come_back_as_stored(neo4j_settings, neo4j_driver, fresh_neo4j, small_graph) -> None:
    load(small_graph, neo4j_settings, driver=neo4j_driver)
    row = run_query(
        neo4j_driver,
        "MATCH (t:Target {id: 'target:fixture0001'}) RETURN t.year AS year, t.quantity AS quantity, "
        "t.segments AS segments, t.quantity_max AS quantity_max",
    )[0]
    assert row == {"year": 2027, "quantity": 10.0, "segments": [], "quantity_max": None}
    edge = run_query(
        neo4j_driver,
        "MATCH (:Organization {id: 'org:0000000000000001'})-[r:SIGNED_IN]->(:Region) "
        "RETURN r.evidence AS evidence",
    )[0]
    assert (
        edge["evidence"]
        == small_graph.edges["org:0000000000000001", "region:中国/江西省/赣江新区", "rel:fixture0010"][
            "evidence"
        ]
    )


def test_progress_reaches_the_total(neo4j_settings, neo4j_driver, fresh_neo4j, small_graph) -> None:
    seen: list[tuple[int, int]] = []
    load(
        small_graph,
        neo4j_settings,
        driver=neo4j_driver,
        batch_size=10,
        progress=lambda d, t: seen.append((d, t)),
    )
    total = small_graph.number_of_nodes() + small_graph.number_of_edges()
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_wipe_leaves_other_data_alone(neo4j_settings, neo4j_driver, fresh_neo4j, small_graph) -> None:
    load(small_graph, neo4j_settings, driver=neo4j_driver)
    with neo4j_driver.session(database=neo4j_settings.database) as session:
        session.run("CREATE (:BcikgTestForeign {id: 'keep-me'})").consume()
    try:
        deleted = wipe(neo4j_settings, driver=neo4j_driver, batch=7)
        assert deleted == small_graph.number_of_nodes()
        assert all(v == 0 for v in counts(neo4j_driver).values())
        assert run_query(neo4j_driver, "MATCH (n:BcikgTestForeign) RETURN n.id AS id") == [{"id": "keep-me"}]
    finally:
        with neo4j_driver.session(database=neo4j_settings.database) as session:
            session.run("MATCH (n:BcikgTestForeign) DELETE n").consume()


def test_run_query_with_settings_opens_its_own_driver(neo4j_settings) -> None:
    assert run_query(neo4j_settings, "RETURN $x AS x", {"x": "脑机"}) == [{"x": "脑机"}]


# ------------------------------------------------------------------ connection errors


def test_unreachable_server_is_one_clear_line(neo4j_settings: Neo4jSettings) -> None:
    settings = neo4j_settings.model_copy(update={"uri": "bolt://127.0.0.1:1"})
    started = time.monotonic()
    with pytest.raises(Neo4jUnavailable) as info:
        open_driver(settings)
    assert time.monotonic() - started < 10
    message = str(info.value)
    assert message == (
        "cannot reach Neo4j at bolt://127.0.0.1:1: connection refused; "
        "start it (make neo4j-up) or set NEO4J_URI"
    )
    assert neo4j_settings.password.get_secret_value() not in message


def test_wrong_password_is_one_clear_line(neo4j_settings: Neo4jSettings) -> None:
    wrong = "wrong-" + neo4j_settings.password.get_secret_value()
    settings = Neo4jSettings(
        uri=neo4j_settings.uri,
        user=neo4j_settings.user,
        password=SecretStr(wrong),
        database=neo4j_settings.database,
    )
    with pytest.raises(Neo4jUnavailable) as info:
        open_driver(settings)
    message = str(info.value)
    assert "refused the credentials for user neo4j; check NEO4J_PASSWORD" in message
    assert wrong not in message and neo4j_settings.password.get_secret_value() not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_unknown_database_is_one_clear_line(neo4j_settings: Neo4jSettings) -> None:
    settings = neo4j_settings.model_copy(update={"database": "nosuchdb"})
    with pytest.raises(Neo4jUnavailable, match="has no database 'nosuchdb'; set NEO4J_DATABASE"):
        open_driver(settings)


# ------------------------------------------------------------------ CLI


def cli(
    *args: str,
    settings: Neo4jSettings,
    cwd: Path,
    extra_env: dict[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "NEO4J_URI": settings.uri,
        "NEO4J_USER": settings.user,
        "NEO4J_PASSWORD": settings.password.get_secret_value(),
        "NEO4J_DATABASE": settings.database,
        "COLUMNS": "200",
        **(extra_env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bcikg.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        input=stdin,
        timeout=300,
    )


def test_cli_load(neo4j_settings, neo4j_driver, fresh_neo4j, small_graph, tmp_path: Path) -> None:
    EmbeddedStore(tmp_path / "store").save({}, small_graph)
    proc = cli(
        "load",
        "--store",
        str(tmp_path / "store"),
        "--wipe",
        "--yes",
        "--batch-size",
        "20",
        settings=neo4j_settings,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert (
        f"loaded {small_graph.number_of_nodes()} nodes and {small_graph.number_of_edges()} relationships"
        in proc.stdout
    )
    assert counts(neo4j_driver) == expected_counts(small_graph)
    secret = neo4j_settings.password.get_secret_value()
    assert secret not in proc.stdout and secret not in proc.stderr


def test_cli_load_wipe_asks_first(
    neo4j_settings, neo4j_driver, fresh_neo4j, small_graph, tmp_path: Path
) -> None:
    EmbeddedStore(tmp_path / "store").save({}, small_graph)
    load(small_graph, neo4j_settings, driver=neo4j_driver)
    proc = cli(
        "load",
        "--store",
        str(tmp_path / "store"),
        "--wipe",
        settings=neo4j_settings,
        cwd=tmp_path,
        stdin="n\n",
    )
    assert proc.returncode != 0
    assert "Delete every bcikg node" in proc.stderr
    assert counts(neo4j_driver) == expected_counts(small_graph)  # nothing was deleted


def test_cli_load_without_server(neo4j_settings, small_graph, tmp_path: Path) -> None:
    EmbeddedStore(tmp_path / "store").save({}, small_graph)
    proc = cli(
        "load",
        "--store",
        str(tmp_path / "store"),
        settings=neo4j_settings,
        cwd=tmp_path,
        extra_env={"NEO4J_URI": "bolt://127.0.0.1:1"},
    )
    assert proc.returncode == Neo4jUnavailable.exit_code
    assert proc.stderr.strip().startswith("error: cannot reach Neo4j at bolt://127.0.0.1:1")
    assert "Traceback" not in proc.stderr


def test_module_never_prints(neo4j_settings, neo4j_driver, fresh_neo4j, small_graph, capfd) -> None:
    load(small_graph, neo4j_settings, driver=neo4j_driver)
    run_query(neo4j_driver, "MATCH (t:Target) RETURN t.no_such_property AS x")  # would warn on the server
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert neo4j_store.CONNECT_TIMEOUT == 10.0


# ------------------------------------------------------------------ neo4j-admin import of the CSV export

ROOT = Path(__file__).resolve().parent.parent
SERVER_LIB = ROOT / "neo4j-server" / "target" / "lib"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_neo4j_admin_imports_the_csv_export(neo4j_settings, small_graph, tmp_path: Path) -> None:
    """`bcikg export --format neo4j-csv` + the printed neo4j-admin command give a database on
    which every query returns what the embedded store returns (a second server on its own port)."""
    import shlex
    import shutil

    from conftest import cases_for

    from bcikg.graph.export import write_neo4j_csv
    from bcikg.queries.run import run_named

    if not SERVER_LIB.is_dir() or shutil.which("java") is None:
        pytest.skip("needs java and the built neo4j-server/ (scripts/neo4j.sh build)")
    result = write_neo4j_csv(small_graph, tmp_path / "csv")
    home = tmp_path / "home"
    (home / "conf").mkdir(parents=True)
    admin_env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    args = shlex.split(result.command())[1:]  # without "neo4j-admin"
    proc = subprocess.run(
        ["java", "-Xmx512m", "-cp", f"{SERVER_LIB}/*", "org.neo4j.cli.AdminTool", *args],
        env=admin_env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert f"{small_graph.number_of_nodes()} nodes" in proc.stdout
    uri = f"bolt://127.0.0.1:{_free_port()}"
    password = "csv-import-check-1"
    server_env = {
        **os.environ,
        "BCIKG_NEO4J_HOME": str(home),
        "NEO4J_URI": uri,
        "NEO4J_PASSWORD": password,
        "NEO4J_HEAP": "512m",
        "NEO4J_PAGECACHE_MB": "64",
    }
    script = ROOT / "scripts" / "neo4j.sh"
    up = subprocess.run(
        ["bash", str(script), "up"], env=server_env, capture_output=True, text=True, timeout=300
    )
    try:
        assert up.returncode == 0, up.stderr[-2000:]
        settings = Neo4jSettings(uri=uri, user="neo4j", password=SecretStr(password), database="neo4j")
        with open_driver(settings) as driver:
            assert counts(driver) == expected_counts(small_graph)
            differences = [
                (name, params)
                for name, params in cases_for(small_graph)
                if run_named(name, params, graph=small_graph).rows
                != run_named(name, params, driver=driver).rows
            ]
        assert differences == []
    finally:
        subprocess.run(["bash", str(script), "kill"], env=server_env, capture_output=True, timeout=120)


# ------------------------------------------------------------------ errors during work


@pytest.mark.parametrize(
    "error, message",
    [
        (
            lambda: ServiceUnavailable("Connection refused"),
            "lost the connection to Neo4j at bolt://h:1 while loading",
        ),
        (lambda: SessionExpired("gone"), "lost the connection to Neo4j at bolt://h:1 while loading"),
        (lambda: OSError("broken pipe"), "start it again (make neo4j-up) and run the command again"),
    ],
)
def test_errors_during_work_become_one_line(error, message: str) -> None:
    with (
        pytest.raises(Neo4jUnavailable, match=re.escape(message)) as info,
        neo4j_store._neo4j_errors("bolt://h:1", "loading"),
    ):
        raise error()
    assert "\n" not in str(info.value)
    assert info.value.__suppress_context__


def test_a_silent_server_is_reported_within_the_timeout() -> None:
    """Something accepts the connection but never speaks Bolt: one line within 10 seconds."""
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        settings = Neo4jSettings(uri=f"bolt://127.0.0.1:{port}", password=SecretStr("whatever-123"))
        started = time.monotonic()
        with pytest.raises(
            Neo4jUnavailable, match=f"cannot reach Neo4j at bolt://127.0.0.1:{port}: no answer"
        ):
            open_driver(settings)
        assert time.monotonic() - started < 8
