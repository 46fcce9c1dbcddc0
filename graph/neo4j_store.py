"""Neo4j: connect, create the schema, load a graph in batches, wipe, run queries.

Writes go through managed transactions (``session.execute_write``), which the driver retries on
transient errors; every statement MERGEs on ``id``, which a uniqueness constraint backs, so a
retried or repeated batch changes nothing. Labels and relationship types are never taken from
data: they come from bcikg.schema's fixed sets and are checked before they are put into a
statement (see bcikg.queries.statement).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import neo4j
import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from bcikg.errors import Neo4jUnavailable
from bcikg.graph.build import ANALYST_NODE_PROPS
from bcikg.models import ORG_TYPES
from bcikg.queries import statement
from bcikg.schema import KEYED_LABELS, ORG_LABEL, RELATIONSHIP_TYPES, check_relationship_type, primary_label
from bcikg.settings import Neo4jSettings

ProgressCallback = Callable[[int, int], None]

# The driver logs retries ("Transaction failed and will be retried …") as warnings; without a
# handler Python would print them. The library never prints: the CLI reports errors itself.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

CONNECT_TIMEOUT = 10.0

# Indexes besides the id constraints: what the query library looks things up by.
INDEXES: tuple[tuple[str, str], ...] = (
    ("Organization", "name"),
    ("Organization", "type"),
    ("Region", "name"),
    ("Region", "full_name"),
    ("Region", "level"),
    ("Segment", "key"),
    ("Subsector", "key"),
    ("Document", "path"),
    ("Policy", "name"),
)


@dataclass(frozen=True)
class LoadSummary:
    nodes: int
    relationships: int
    seconds: float
    batches: int
    removed_nodes: int = 0
    removed_relationships: int = 0

    @property
    def rows_per_second(self) -> float:
        return (self.nodes + self.relationships) / self.seconds if self.seconds > 0 else 0.0


# ------------------------------------------------------------------ connection


def _unavailable(settings: Neo4jSettings, exc: BaseException) -> Neo4jUnavailable:
    if isinstance(exc, AuthError) or (isinstance(exc, ClientError) and ".Security." in str(exc.code or "")):
        return Neo4jUnavailable(
            f"Neo4j at {settings.uri} refused the credentials for user {settings.user}; check NEO4J_PASSWORD"
        )
    if isinstance(exc, ClientError) and "DatabaseNotFound" in str(exc.code or ""):
        return Neo4jUnavailable(
            f"Neo4j at {settings.uri} has no database {settings.database!r}; set NEO4J_DATABASE (Community "
            "edition has only 'neo4j')"
        )
    if isinstance(exc, (ConfigurationError, ValueError)):
        return Neo4jUnavailable(
            f"cannot use NEO4J_URI {settings.uri!r}: {_first_line(exc)}; write it like bolt://127.0.0.1:7687"
        )
    reason = _reason(exc)
    return Neo4jUnavailable(
        f"cannot reach Neo4j at {settings.uri}: {reason}; start it (make neo4j-up) or set NEO4J_URI"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _reason(exc: BaseException) -> str:
    text = " ".join(str(e) for e in (exc, exc.__cause__, exc.__context__) if e is not None).lower()
    if "refused" in text:
        return "connection refused"
    if "timed out" in text or "timeout" in text:
        return "no answer within the timeout"
    if "name or service not known" in text or "dns resolve" in text or "nodename" in text:
        return "unknown host"
    if "looks like http" in text:
        return "something other than Bolt answers there (looks like HTTP; Bolt is usually port 7687)"
    return _first_line(exc)


def _scrub(message: str, settings: Neo4jSettings) -> str:
    secret = settings.password.get_secret_value()
    return message.replace(secret, "***") if secret else message


def open_driver(settings: Neo4jSettings, *, timeout: float = CONNECT_TIMEOUT) -> Driver:
    """A driver that has answered ``RETURN 1`` on the database with these credentials.

    Raises Neo4jUnavailable (one line, never the password) if that does not happen within
    ``timeout`` seconds."""
    started = time.monotonic()
    try:
        driver = GraphDatabase.driver(
            settings.uri,
            auth=settings.auth,
            # a server that accepts but never answers is bounded by the acquisition timeout; keep
            # both well inside ``timeout`` so that the command's one line comes within it
            connection_timeout=max(1.0, timeout * 0.3),
            connection_acquisition_timeout=max(1.0, timeout * 0.6),
            max_transaction_retry_time=30.0,
            user_agent="bcikg",
            # the library never prints: no server notifications (they would be logged as warnings)
            notifications_min_severity="OFF",
            warn_notification_severity="OFF",
        )
    except (ConfigurationError, ValueError) as exc:
        raise _unavailable(settings, exc) from None
    try:
        with driver.session(database=settings.database, default_access_mode=neo4j.READ_ACCESS) as session:
            session.run("RETURN 1").consume()
    except (DriverError, Neo4jError, OSError) as exc:
        driver.close()
        error = _unavailable(settings, exc)
        raise Neo4jUnavailable(_scrub(str(error), settings)) from None
    if time.monotonic() - started > timeout * 3:  # pragma: no cover - the driver enforces its timeouts
        driver.close()
        raise Neo4jUnavailable(f"Neo4j at {settings.uri} answered too slowly; check the server")
    return driver


@contextlib.contextmanager
def _neo4j_errors(uri: str, action: str) -> Iterator[None]:
    """Driver and server errors during work as one Neo4jUnavailable line (never the password:
    the driver's messages do not contain it)."""
    try:
        yield
    except Neo4jUnavailable:
        raise
    except (ServiceUnavailable, SessionExpired, IncompleteCommit, OSError) as exc:
        raise Neo4jUnavailable(
            f"lost the connection to Neo4j at {uri} while {action} ({_reason(exc)}); start it again "
            "(make neo4j-up) and run the command again: loading is idempotent"
        ) from None
    except AuthError:
        raise Neo4jUnavailable(f"Neo4j at {uri} refused the credentials; check NEO4J_PASSWORD") from None
    except (Neo4jError, DriverError) as exc:
        if isinstance(exc, Neo4jError):
            code = exc.code or type(exc).__name__
            text = (exc.message or "").strip().splitlines()[0] if (exc.message or "").strip() else ""
        else:
            code, text = type(exc).__name__, _first_line(exc)
        raise Neo4jUnavailable(f"Neo4j at {uri} failed while {action}: {code}: {text[:300]}") from None


def _uri_of(target: Neo4jSettings | Driver) -> str:
    return target.uri if isinstance(target, Neo4jSettings) else "the server"


class _DriverScope:
    """Use a given driver, or open (and close) one from settings."""

    def __init__(self, target: Neo4jSettings | Driver, driver: Driver | None = None) -> None:
        self._own = driver is None and isinstance(target, Neo4jSettings)
        if driver is not None:
            self.driver = driver
        elif isinstance(target, Neo4jSettings):
            self.driver = open_driver(target)
        else:
            self.driver = target

    def __enter__(self) -> Driver:
        return self.driver

    def __exit__(self, *exc: object) -> None:
        if self._own:
            self.driver.close()


def _database(target: Neo4jSettings | Driver, database: str | None) -> str:
    if database:
        return database
    if isinstance(target, Neo4jSettings):
        return target.database
    return "neo4j"


# ------------------------------------------------------------------ schema


def constraint_name(label: str) -> str:
    return f"bcikg_{label.lower()}_id"


def schema_statements() -> list[str]:
    out = [
        f"CREATE CONSTRAINT {constraint_name(label)} IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        for label in KEYED_LABELS
    ]
    # relationship ids are unique per type too, so that concurrent loads can never leave two
    # copies of one relationship (MERGE alone does not lock across transactions)
    out += [
        f"CREATE CONSTRAINT bcikg_rel_{rel_type.lower()}_id IF NOT EXISTS "
        f"FOR ()-[r:{check_relationship_type(rel_type)}]-() REQUIRE r.id IS UNIQUE"
        for rel_type in sorted(RELATIONSHIP_TYPES)
    ]
    out += [
        f"CREATE INDEX bcikg_{label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
        for label, prop in INDEXES
    ]
    return out


def ensure_schema(driver: Driver, database: str = "neo4j") -> None:
    """Uniqueness constraints on ``id`` for every keyed label, and the lookup indexes (IF NOT EXISTS)."""
    with driver.session(database=database) as session:
        for text in schema_statements():
            session.run(text).consume()  # schema commands run in their own auto-commit transaction
        session.run("CALL db.awaitIndexes(300)").consume()


# ------------------------------------------------------------------ load


def _node_rows(graph: nx.MultiDiGraph) -> dict[tuple[str, ...], list[dict[str, Any]]]:
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for node_id, data in graph.nodes(data=True):
        labels = tuple(data["labels"])
        props = {k: (list(v) if isinstance(v, tuple) else v) for k, v in data.items() if k != "labels"}
        props["id"] = node_id
        if ORG_LABEL in labels:  # analyst corrections: SET += null removes a dropped correction's marks
            props = {**dict.fromkeys(ANALYST_NODE_PROPS), **props}
        groups[labels].append({"id": node_id, "props": props})
    for rows in groups.values():
        rows.sort(key=lambda row: row["id"])
    return dict(sorted(groups.items()))


def _edge_rows(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], list[dict[str, Any]]]:
    keyed = {node_id: primary_label(data["labels"]) for node_id, data in graph.nodes(data=True)}
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for source, target, key, data in graph.edges(keys=True, data=True):
        props = {k: (list(v) if isinstance(v, tuple) else v) for k, v in data.items() if k != "type"}
        props["id"] = key
        groups[(data["type"], keyed[source], keyed[target])].append(
            {"id": key, "source": source, "target": target, "props": props}
        )
    for rows in groups.values():
        rows.sort(key=lambda row: (row["source"], row["target"], row["id"]))
    return dict(sorted(groups.items()))


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _write(tx: ManagedTransaction, text: str, params: Mapping[str, Any]) -> None:
    tx.run(text, dict(params)).consume()


def _write_batch(session: neo4j.Session, text: str, params: Mapping[str, Any], attempts: int = 5) -> None:
    """One batch in a managed transaction (the driver retries transient errors such as deadlocks).
    A node deleted under us by a concurrent load's pruning (EntityNotFound, a client error the
    driver does not retry) is retried here too: MERGE makes the batch safe to run again."""
    for attempt in range(attempts):
        try:
            session.execute_write(_write, text, params)
            return
        except ClientError as exc:
            if "EntityNotFound" not in str(exc.code or "") or attempt == attempts - 1:
                raise
            time.sleep(0.1 * (attempt + 1))


def _node_statement(labels: tuple[str, ...]) -> str:
    key = primary_label(labels)
    extra = [label for label in labels if label != key]
    remove = [t for t in ORG_TYPES if t not in labels] if key == ORG_LABEL else []
    return statement("_merge_nodes", label=key, set_labels=":".join(extra), remove_labels=":".join(remove))


def load(
    graph: nx.MultiDiGraph,
    settings: Neo4jSettings,
    *,
    batch_size: int = 1000,
    progress: ProgressCallback | None = None,
    driver: Driver | None = None,
    prune: bool = False,
) -> LoadSummary:
    """MERGE every node and relationship of ``graph`` into Neo4j in batches of ``batch_size`` rows.

    Idempotent: loading the same graph again leaves the same nodes and relationships; changed
    properties are updated (SET +=). Loading is additive, so several stores can share one
    database; with ``prune`` nodes of this project's labels and relationships of its types that
    are not in ``graph`` are deleted afterwards, so that Neo4j mirrors this one store (after a
    re-ingest merged or dropped organisations)."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    node_groups = _node_rows(graph)
    edge_groups = _edge_rows(graph)
    total = graph.number_of_nodes() + graph.number_of_edges()
    done = 0
    batches = 0
    with _neo4j_errors(settings.uri, "loading"), _DriverScope(settings, driver) as drv:
        ensure_schema(drv, settings.database)
        with drv.session(database=settings.database) as session:
            for labels, rows in node_groups.items():
                text = _node_statement(labels)
                for batch in _batches(rows, batch_size):
                    _write_batch(session, text, {"rows": list(batch)})
                    done += len(batch)
                    batches += 1
                    if progress:
                        progress(done, total)
            for (rel_type, source_label, target_label), rows in edge_groups.items():
                text = statement(
                    "_merge_relationships",
                    type=rel_type,
                    source_label=source_label,
                    target_label=target_label,
                )
                for batch in _batches(rows, batch_size):
                    _write_batch(session, text, {"rows": list(batch)})
                    done += len(batch)
                    batches += 1
                    if progress:
                        progress(done, total)
        removed_nodes = removed_relationships = 0
        if prune:
            removed_nodes, removed_relationships = _prune(drv, settings.database, graph, batch_size)
    return LoadSummary(
        nodes=graph.number_of_nodes(),
        relationships=graph.number_of_edges(),
        seconds=time.perf_counter() - started,
        batches=batches,
        removed_nodes=removed_nodes,
        removed_relationships=removed_relationships,
    )


def _prune(driver: Driver, database: str, graph: nx.MultiDiGraph, batch_size: int) -> tuple[int, int]:
    """Delete nodes and relationships of this project's labels/types that ``graph`` does not have."""
    by_label: dict[str, set[str]] = defaultdict(set)
    for node_id, data in graph.nodes(data=True):
        by_label[primary_label(data["labels"])].add(node_id)
    by_type: dict[str, set[str]] = defaultdict(set)
    for _, _, key, rel_type in graph.edges(keys=True, data="type"):
        by_type[rel_type].add(key)
    removed_nodes = removed_rels = 0
    with driver.session(database=database) as session:
        for label in KEYED_LABELS:
            present = session.execute_read(_read_column, statement("_node_ids", label=label), "id")
            # a node deleted by a concurrent load while being read shows no id: not ours to touch
            extra = sorted(i for i in present if isinstance(i, str) and i not in by_label[label])
            for start in range(0, len(extra), batch_size):
                _write_batch(
                    session,
                    statement("_delete_nodes", label=label),
                    {"ids": extra[start : start + batch_size]},
                )
            removed_nodes += len(extra)
        for rel_type in sorted(RELATIONSHIP_TYPES):
            rows = session.execute_read(_read_rows, statement("_relationship_ids", type=rel_type), {})
            stale = [
                row["element_id"]
                for row in rows
                if isinstance(row["id"], str) and row["id"] not in by_type[rel_type]
            ]
            for start in range(0, len(stale), batch_size):
                _write_batch(
                    session,
                    statement("_delete_relationships"),
                    {"element_ids": stale[start : start + batch_size]},
                )
            removed_rels += len(stale)
    return removed_nodes, removed_rels


def _read_column(tx: ManagedTransaction, text: str, column: str) -> list[Any]:
    return [record[column] for record in tx.run(text)]


def _read_rows(tx: ManagedTransaction, text: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [record.data() for record in tx.run(text, dict(params))]


# ------------------------------------------------------------------ wipe, counts, queries


def wipe(settings: Neo4jSettings, *, driver: Driver | None = None, batch: int = 1000) -> int:
    """Delete every node with one of this project's labels (and so its relationships), in batches.
    Other data in the database is left alone. Returns the number of nodes deleted.

    A batch that exceeds the server's transaction memory (a dense graph: each node takes its
    relationships with it) is retried with half as many nodes; batches already committed stay
    deleted, so an interrupted wipe can simply be run again."""
    deleted = 0
    with (
        _neo4j_errors(settings.uri, "deleting this project's nodes"),
        _DriverScope(settings, driver) as drv,
        drv.session(database=settings.database) as session,
    ):
        for label in KEYED_LABELS:
            size = max(1, batch)
            while True:
                try:
                    summary = session.run(statement("_wipe_label", label=label), {"batch": size}).consume()
                except TransientError as exc:
                    if "MemoryPool" not in str(exc.code or "") or size == 1:
                        raise
                    size = max(1, size // 2)
                    continue
                deleted += summary.counters.nodes_deleted
                break
    return deleted


def counts(target: Neo4jSettings | Driver, database: str | None = None) -> dict[str, int]:
    """Node counts per keyed label and relationship counts per type (only this project's)."""
    db = _database(target, database)
    out: dict[str, int] = {}
    with (
        _neo4j_errors(_uri_of(target), "counting"),
        _DriverScope(target) as drv,
        drv.session(database=db) as session,
    ):
        for label in KEYED_LABELS:
            out[label] = session.run(statement("_count_label", label=label)).single(strict=True)["n"]
        for rel_type in sorted(RELATIONSHIP_TYPES):
            out[rel_type] = session.run(statement("_count_type", type=rel_type)).single(strict=True)["n"]
    return out


def run_query(
    target: Neo4jSettings | Driver,
    cypher: str,
    params: Mapping[str, Any] | None = None,
    *,
    database: str | None = None,
) -> list[dict[str, Any]]:
    """Run one read query; rows as dicts of plain values."""
    db = _database(target, database)
    with (
        _neo4j_errors(_uri_of(target), "running a query"),
        _DriverScope(target) as drv,
        drv.session(database=db, default_access_mode=neo4j.READ_ACCESS) as session,
    ):
        return session.execute_read(_read_rows, cypher, dict(params or {}))
