"""The embedded store: one SQLite database in the store folder, no server needed.

Layout of a store folder::

    DIR/store.sqlite        the database (WAL mode: store.sqlite-wal and -shm appear while in use)

Tables (format 2)::

    meta(key, value)                  format, generation, saved_at, counts (JSON values)
    documents(id, extraction, region_mentions, in_graph, keys, rules)
                                      one row per document: its DocumentExtraction as zlib-compressed
                                      JSON, its region mentions apart (resolution does not read
                                      them, so it does not decode them); in_graph = 0 until a
                                      resolution has included it; the resolution keys of its
                                      mentions (JSON) and the fingerprint of the rules behind them
    items(id, hash)                   the resolved things (documents, regions, organisations,
                                      policies, claims, targets, relations) the graph rows were
                                      built from, with a hash of their content
    nodes(id, owner, labels, props)   the graph's nodes (labels and properties as JSON)
    edges(id, owner, source, type, target, props)
                                      its relationships; ``owner`` is the item that produced a row

Nothing in the folder is a pickle: the graph is read back from the tables into a
``networkx.MultiDiGraph`` (nodes by id, relationships by source, type, target and id: the order
``bcikg.graph.build.build_graph`` gives) and equals the graph built from the same KnowledgeGraph.

Writes are SQLite transactions (``BEGIN IMMEDIATE`` … ``COMMIT``, ``synchronous=FULL``): killing
a process at any moment leaves the store as of its last commit. Documents are committed as they
are extracted (``add_documents``), so an interrupted ingest keeps them; ``update_graph`` then
resolves every document of the store and rewrites only the graph rows of the items whose content
changed, inside one write transaction that also reads the documents, so two ingests into one
store serialise on SQLite's lock and the second one's graph includes the first one's documents.

A store of format 1 (``CURRENT`` and ``generations/`` with ``extractions.json.gz`` and a pickled
graph) is migrated on first use: its extractions (JSON) are copied into a new database and
resolved again; its pickle is never opened.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import BaseModel, TypeAdapter, ValidationError

from bcikg.errors import StoreError
from bcikg.graph.build import graph_elements, region_models
from bcikg.models import DocumentExtraction, KnowledgeGraph, RegionMention

FORMAT_VERSION = 2
DATABASE = "store.sqlite"
# format 1 (generations of JSON extractions and a pickled graph): read only to migrate it
OLD_CURRENT = "CURRENT"
OLD_GENERATIONS = "generations"
OLD_EXTRACTIONS = "extractions.json.gz"
OLD_LOCK = "lock"

# rows of one graph build: at most this many items are built and written at once (memory)
_BUILD_CHUNK = 4000
# relationships owned by their end rather than their start (see _edge_owner)
_OWNED_BY_TARGET = frozenset({"SETS_TARGET", "OWNS_TARGET"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, extraction BLOB NOT NULL, region_mentions BLOB NOT NULL,
    in_graph INTEGER NOT NULL DEFAULT 0, keys TEXT, rules TEXT);
CREATE TABLE IF NOT EXISTS items (id TEXT PRIMARY KEY, hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (id TEXT PRIMARY KEY, owner TEXT NOT NULL, labels TEXT, props TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS edges (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, source TEXT NOT NULL, type TEXT, target TEXT NOT NULL,
    props TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS nodes_owner ON nodes (owner);
CREATE INDEX IF NOT EXISTS edges_owner ON edges (owner);
CREATE INDEX IF NOT EXISTS edges_order ON edges (source, type, target, id);
"""

_OLD_EXTRACTIONS = TypeAdapter(list[DocumentExtraction])
_REGION_MENTIONS = TypeAdapter(list[RegionMention])

# (extractions, resolution keys known per document) -> KnowledgeGraph
Resolver = Callable[[list[DocumentExtraction], dict[str, list[str]]], KnowledgeGraph]
KeyFunction = Callable[[DocumentExtraction], list[str]]


# json.dumps(value, ensure_ascii=False) builds a new encoder on every call; the graph rows are tens
# of thousands of small values
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def encode_extraction(extraction: DocumentExtraction) -> tuple[bytes, bytes]:
    """(the extraction without its region mentions, the region mentions), compressed JSON."""
    main = extraction.model_dump_json(exclude={"regions"}).encode("utf-8")
    return zlib.compress(main, 1), zlib.compress(_REGION_MENTIONS.dump_json(extraction.regions), 1)


def decode_extraction(blob: bytes, region_blob: bytes | None = None) -> DocumentExtraction:
    """The extraction; without its region mentions unless ``region_blob`` is given."""
    extraction = DocumentExtraction.model_validate_json(zlib.decompress(blob))
    if region_blob is not None:
        extraction.regions = _REGION_MENTIONS.validate_json(zlib.decompress(region_blob))
    return extraction


def _hash(model: BaseModel) -> str:
    return hashlib.blake2b(model.model_dump_json().encode("utf-8"), digest_size=12).hexdigest()


def _edge_owner(rid: str, rel_type: str, source: str, target: str, relation_ids: set[str]) -> str:
    """The item whose graph rows include this relationship: an extracted relation owns its edge;
    a target owns the edges that point at it from its policy and agencies; any other structural
    relationship belongs to its start (an organisation's IN_SEGMENT and MENTIONED_IN, …)."""
    if rid in relation_ids:
        return rid
    return target if rel_type in _OWNED_BY_TARGET else source


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Decoding and resolving a store creates hundreds of thousands of objects and no garbage
    cycles; the cycle collector would scan them again and again (a third of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class EmbeddedStore:
    """A store folder. The graph is read lazily and cached per instance."""

    def __init__(self, directory: Path | str, *, lock_timeout: float = 600.0) -> None:
        self.directory = Path(directory)
        self.lock_timeout = lock_timeout
        self._graph: nx.MultiDiGraph | None = None
        self._conn: sqlite3.Connection | None = None
        # the generation this instance first read (None: read nothing yet), for save()
        self._base: int | None = None

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.directory)!r})"

    @property
    def path(self) -> Path:
        return self.directory / DATABASE

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    # -------------------------------------------------------------- opening

    def _connect(self, *, create: bool) -> sqlite3.Connection | None:
        """The open database; None when there is no store and ``create`` is false."""
        if self._conn is not None:
            return self._conn
        if (self.directory / OLD_CURRENT).exists() and not self.path.exists():
            self._migrate()
        if not self.path.exists():
            if not create:
                return None
            self.directory.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(self.path, timeout=self.lock_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the store at {self.directory} ({exc})") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.lock_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables and "meta" not in tables:
                raise sqlite3.DatabaseError("it has other tables")
            if "meta" not in tables:
                with self._transaction(conn):
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(
                        "INSERT OR IGNORE INTO meta VALUES ('format', ?), ('generation', '0')",
                        (json.dumps(FORMAT_VERSION),),
                    )
            row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(
                f"{self.path} is not a bcikg store database ({exc}); choose another --store or remove the "
                "folder and ingest again"
            ) from exc
        found = json.loads(row[0]) if row else None
        if found != FORMAT_VERSION:
            conn.close()
            raise StoreError(
                f"the store at {self.directory} has format {found!r}, this bcikg reads format "
                f"{FORMAT_VERSION}; ingest the articles again into a new --store folder"
            )
        self._conn = conn
        return conn

    @contextlib.contextmanager
    def _transaction(self, conn: sqlite3.Connection, *, write: bool = True) -> Iterator[None]:
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(
                    f"another bcikg process is writing the store at {self.directory}; "
                    "wait for it to finish and run again"
                ) from exc
            raise StoreError(f"cannot write the store at {self.directory} ({exc})") from exc
        try:
            yield
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise StoreError(
                f"cannot use the store at {self.directory} ({exc}); if it was written by another version of "
                "bcikg, ingest again into a new --store folder"
            ) from exc
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise StoreError(f"cannot write the store at {self.directory} ({exc})") from exc

    def _missing(self) -> StoreError:
        return StoreError(
            f"no store at {self.directory}; run `bcikg ingest PATH --store {self.directory}` first"
        )

    # -------------------------------------------------------------- reading

    def exists(self) -> bool:
        """True when the folder holds a store with a graph."""
        conn = self._connect(create=False)
        return conn is not None and self._meta(conn).get("graph") is not None

    def _meta(self, conn: sqlite3.Connection) -> dict[str, Any]:
        meta = {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM meta")}
        if self._base is None:
            self._base = int(meta.get("generation", 0))
        return meta

    def meta(self) -> dict[str, Any]:
        """format, generation, documents, nodes, edges, saved_at (and the counts of the last
        resolution: organizations, relations, regions)."""
        conn = self._connect(create=False)
        if conn is None:
            raise self._missing()
        with self._transaction(conn, write=False):
            meta = self._meta(conn)
            meta["documents"] = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            meta["pending"] = conn.execute("SELECT COUNT(*) FROM documents WHERE in_graph = 0").fetchone()[0]
        return meta

    def document_ids(self) -> set[str]:
        conn = self._connect(create=False)
        if conn is None:
            if self._base is None:
                self._base = 0
            return set()
        self._meta(conn)
        return {row[0] for row in conn.execute("SELECT id FROM documents")}

    def pending_documents(self) -> int:
        """Documents committed but not yet in the graph (an ingest stopped before resolving)."""
        conn = self._connect(create=False)
        if conn is None:
            return 0
        return int(conn.execute("SELECT COUNT(*) FROM documents WHERE in_graph = 0").fetchone()[0])

    def load_extractions(self) -> dict[str, DocumentExtraction]:
        """Extractions by document id; {} when there is no store yet."""
        conn = self._connect(create=False)
        if conn is None:
            if self._base is None:
                self._base = 0
            return {}
        with self._transaction(conn, write=False), _no_gc():
            self._meta(conn)
            return {e.document.id: e for e in self._extractions(conn, region_mentions=True)}

    def _extractions(
        self,
        conn: sqlite3.Connection,
        *,
        region_mentions: bool = False,
        held: Mapping[str, DocumentExtraction] | None = None,
    ) -> Iterator[DocumentExtraction]:
        """Every stored extraction, by document id; those in ``held`` (by the caller) are not
        decoded again."""
        held = held or {}
        rows = conn.execute("SELECT id, extraction, region_mentions FROM documents ORDER BY id")
        for doc_id, blob, region_blob in rows:
            extraction = held.get(doc_id)
            if extraction is not None:
                yield extraction
                continue
            try:
                yield decode_extraction(blob, region_blob if region_mentions else None)
            except (zlib.error, ValidationError) as exc:
                first = str(exc).splitlines()[0]
                raise StoreError(
                    f"cannot read the extraction of {doc_id} in {self.path} ({first}); it was written by an "
                    "incompatible version: ingest again into a new --store folder"
                ) from exc

    def load_graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            conn = self._connect(create=False)
            if conn is None:
                raise self._missing()
            try:
                with self._transaction(conn, write=False), _no_gc():
                    meta = self._meta(conn)
                    if meta.get("graph") is None:
                        raise StoreError(
                            f"the store at {self.directory} has no graph yet (its first ingest was "
                            f"interrupted); run `bcikg ingest PATH --store {self.directory}` again"
                        )
                    self._graph = self._read_graph(conn, meta)
            except (sqlite3.DatabaseError, json.JSONDecodeError) as exc:
                raise StoreError(
                    f"cannot read the graph in {self.path} ({exc}); ingest again into a new --store folder"
                ) from exc
        return self._graph

    @staticmethod
    def _read_graph(conn: sqlite3.Connection, meta: Mapping[str, Any]) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph()
        loads = json.loads
        for node_id, labels, props in conn.execute("SELECT id, labels, props FROM nodes ORDER BY id"):
            if labels is None:
                graph.add_node(node_id, **loads(props))
            else:
                graph.add_node(node_id, labels=tuple(loads(labels)), **loads(props))
        nodes = graph.nodes
        dangling = []
        rows = conn.execute(
            "SELECT id, source, target, type, props FROM edges ORDER BY source, type, target, id"
        )
        for rid, source, target, rel_type, props in rows:
            if source not in nodes or target not in nodes:
                dangling.append(rid)
                continue
            if rel_type is None:
                graph.add_edge(source, target, key=rid, **loads(props))
            else:
                graph.add_edge(source, target, key=rid, type=rel_type, **loads(props))
        graph.graph.update(meta.get("graph_attributes") or {})
        graph.graph["dangling"] = list(graph.graph.get("dangling") or []) + dangling
        return graph

    # -------------------------------------------------------------- writing

    def add_documents(
        self, extractions: Iterable[DocumentExtraction], *, keys: KeyFunction | None = None, rules: str = ""
    ) -> int:
        """Commit extractions (in one transaction), with the resolution keys of their mentions
        (``keys``, computed by the rules of fingerprint ``rules``); documents already stored are
        left as they are. Returns how many were new."""
        rows = [
            (
                e.document.id,
                *encode_extraction(e),
                None if keys is None else json.dumps(keys(e), ensure_ascii=False),
                rules if keys is not None else None,
            )
            for e in extractions
        ]
        if not rows:
            return 0
        conn = self._connect(create=True)
        assert conn is not None
        with self._transaction(conn):
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO documents (id, extraction, region_mentions, keys, rules) "
                "VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            added = conn.total_changes - before
            if added:
                self._bump(conn, {})
        return added

    def _bump(self, conn: sqlite3.Connection, values: Mapping[str, Any]) -> int:
        generation = int(
            json.loads(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
        )
        generation += 1
        updates = {
            **values,
            "generation": generation,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        conn.executemany(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
            [(key, json.dumps(value, ensure_ascii=False)) for key, value in updates.items()],
        )
        return generation

    def update_graph(
        self,
        resolver: Resolver,
        *,
        keys: KeyFunction | None = None,
        rules: str = "",
        held: Mapping[str, DocumentExtraction] | None = None,
    ) -> KnowledgeGraph:
        """Resolve every document of the store with ``resolver`` and bring the graph tables up to
        date, rewriting only the rows of items whose content changed. One write transaction:
        a concurrent ingest waits, and its documents are either in or not yet committed.

        The resolver gets the resolution keys stored with the documents by rules of the
        fingerprint ``rules``; those of other documents are computed with ``keys`` and stored.
        ``held`` maps document ids to extractions the caller already holds (what it has just
        added, equal to what the store keeps): they are not read and decoded again.
        Returns the KnowledgeGraph (for its counts)."""
        conn = self._connect(create=True)
        assert conn is not None
        with self._transaction(conn), _no_gc():
            meta = self._meta(conn)
            # without their region mentions, which resolution does not read (tests check that
            # the graph equals build_graph(resolve(...)) of the complete extractions)
            extractions = list(self._extractions(conn, held=held))
            known: dict[str, list[str]] = {
                doc_id: json.loads(doc_keys)
                for doc_id, doc_keys in conn.execute(
                    "SELECT id, keys FROM documents WHERE keys IS NOT NULL AND rules = ?", (rules,)
                )
            }
            if keys is not None:
                stale = [e for e in extractions if e.document.id not in known]
                for e in stale:
                    known[e.document.id] = keys(e)
                conn.executemany(
                    "UPDATE documents SET keys = ?, rules = ? WHERE id = ?",
                    [
                        (json.dumps(known[e.document.id], ensure_ascii=False), rules, e.document.id)
                        for e in stale
                    ],
                )
            kg = resolver(extractions, known)
            del extractions, known
            items = _items(kg)
            hashes = {item_id: _hash(model) for item_id, (_, model) in items.items()}
            if meta.get("graph") == "resolved":
                old = dict(conn.execute("SELECT id, hash FROM items"))
            else:  # no graph yet, or one written by save(): build everything
                old = {}
                conn.execute("DELETE FROM nodes")
                conn.execute("DELETE FROM edges")
                conn.execute("DELETE FROM items")
            changed = [item_id for item_id, digest in hashes.items() if old.get(item_id) != digest]
            removed = [item_id for item_id in old if item_id not in hashes]
            owners = [(item_id,) for item_id in changed + removed if item_id in old]
            conn.executemany("DELETE FROM nodes WHERE owner = ?", owners)
            conn.executemany("DELETE FROM edges WHERE owner = ?", owners)
            conn.executemany("DELETE FROM items WHERE id = ?", [(item_id,) for item_id in removed])
            for start in range(0, len(changed), _BUILD_CHUNK):
                chunk = changed[start : start + _BUILD_CHUNK]
                self._write_elements(conn, _sub_graph(items, chunk))
            conn.executemany(
                "INSERT OR REPLACE INTO items (id, hash) VALUES (?, ?)",
                [(item_id, hashes[item_id]) for item_id in changed],
            )
            conn.execute("UPDATE documents SET in_graph = 1 WHERE in_graph = 0")
            if changed or removed or meta.get("graph") != "resolved":
                self._bump(conn, self._counts(conn, kg))
            self._graph = None
        return kg

    @staticmethod
    def _counts(conn: sqlite3.Connection, kg: KnowledgeGraph) -> dict[str, Any]:
        return {
            "graph": "resolved",
            "graph_attributes": {},
            "nodes": conn.execute("SELECT COUNT(*) FROM nodes").fetchone()[0],
            "edges": conn.execute(  # without relationships whose end is missing (see _read_graph)
                "SELECT COUNT(*) FROM edges AS e WHERE EXISTS (SELECT 1 FROM nodes WHERE id = e.source) "
                "AND EXISTS (SELECT 1 FROM nodes WHERE id = e.target)"
            ).fetchone()[0],
            "organizations": len(kg.organizations),
            "relations": len(kg.relations),
            "regions": len(kg.regions),
        }

    @staticmethod
    def _write_elements(conn: sqlite3.Connection, kg: KnowledgeGraph) -> None:
        nodes, edges = graph_elements(kg)
        relation_ids = {rel.id for rel in kg.relations}
        dumps = _to_json
        conn.executemany(
            "INSERT OR REPLACE INTO nodes (id, owner, labels, props) VALUES (?, ?, ?, ?)",
            [
                (node_id, node_id, dumps(list(labels)), dumps(props))
                for node_id, (labels, props) in nodes.items()
            ],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO edges (id, owner, source, type, target, props) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    rid,
                    _edge_owner(rid, rel_type, source, target, relation_ids),
                    source,
                    rel_type,
                    target,
                    dumps(props),
                )
                for rid, (rel_type, source, target, props) in edges.items()
            ],
        )

    def save(self, extractions: Mapping[str, DocumentExtraction], graph: nx.MultiDiGraph) -> None:
        """Replace the store's documents and graph with these (one transaction). Refused when
        another process wrote the store after this instance first read it."""
        conn = self._connect(create=True)
        assert conn is not None
        rows = [(key, *encode_extraction(extractions[key])) for key in sorted(extractions)]
        with self._transaction(conn):
            live = int(
                json.loads(conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0])
            )
            if self._base is not None and live != self._base:
                raise StoreError(
                    f"the store at {self.directory} was changed by another process while this one ran; "
                    "run the command again"
                )
            for table in ("documents", "items", "nodes", "edges"):
                conn.execute(f"DELETE FROM {table}")
            conn.executemany(
                "INSERT INTO documents (id, extraction, region_mentions, in_graph) VALUES (?, ?, ?, 1)", rows
            )
            dumps = json.dumps
            node_rows = []
            for node_id, data in graph.nodes(data=True):
                props = {k: v for k, v in data.items() if k != "labels"}
                labels = data.get("labels")
                node_rows.append(
                    (
                        node_id,
                        "",
                        None if labels is None else dumps(list(labels), ensure_ascii=False),
                        dumps(props, ensure_ascii=False),
                    )
                )
            conn.executemany("INSERT INTO nodes (id, owner, labels, props) VALUES (?, ?, ?, ?)", node_rows)
            edge_rows = []
            for source, target, rid, data in graph.edges(keys=True, data=True):
                props = {k: v for k, v in data.items() if k != "type"}
                edge_rows.append(
                    (str(rid), "", source, data.get("type"), target, dumps(props, ensure_ascii=False))
                )
            conn.executemany(
                "INSERT OR REPLACE INTO edges (id, owner, source, type, target, props) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                edge_rows,
            )
            attributes = {k: v for k, v in graph.graph.items()}
            self._base = self._bump(
                conn,
                {
                    "graph": "saved",
                    "graph_attributes": attributes,
                    "nodes": graph.number_of_nodes(),
                    "edges": graph.number_of_edges(),
                },
            )
        self._graph = graph

    # -------------------------------------------------------------- format 1

    def _migrate(self) -> None:
        """Copy the extractions of a format-1 store into a new database and build its graph.
        The pickled graph is never read; the old files are removed once the new store is
        complete on disk."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / OLD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if self.path.exists() or not (self.directory / OLD_CURRENT).exists():
                return  # another process migrated it meanwhile
            extractions = self._old_extractions()
            tmp = self.directory / f"{DATABASE}.migrating-{os.getpid()}"
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{tmp}{suffix}").unlink(missing_ok=True)
            staging_store = _StagingStore(tmp, self.lock_timeout)
            staging_store.add_documents(extractions)
            from bcikg.ingest.resolve import resolve  # the store's one use of the ingest stages

            staging_store.update_graph(lambda extractions, known: resolve(extractions, known_keys=known))
            staging_store.close()
            os.rename(tmp, self.path)
            _fsync_dir(self.directory)
            (self.directory / OLD_CURRENT).unlink()
            shutil.rmtree(self.directory / OLD_GENERATIONS, ignore_errors=True)
            for leftover in self.directory.glob(f"{OLD_CURRENT}.tmp-*"):
                leftover.unlink(missing_ok=True)
        finally:
            os.close(fd)
        with contextlib.suppress(OSError):
            (self.directory / OLD_LOCK).unlink()

    def _old_extractions(self) -> list[DocumentExtraction]:
        name = (self.directory / OLD_CURRENT).read_text(encoding="ascii", errors="replace").strip()
        generation = self.directory / OLD_GENERATIONS / name
        if not name.isdigit():
            raise StoreError(
                f"{self.directory / OLD_CURRENT} does not name a generation; this folder is not a bcikg "
                "store (choose another --store or remove the folder and ingest again)"
            )
        try:
            meta = json.loads((generation / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != 1:
                raise ValueError(f"format {meta.get('format')!r}")
            return _OLD_EXTRACTIONS.validate_json(
                gzip.decompress((generation / OLD_EXTRACTIONS).read_bytes())
            )
        except (OSError, EOFError, ValueError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise StoreError(
                f"cannot convert the old store at {self.directory} ({first}); ingest the articles again "
                "into a new --store folder"
            ) from exc


class _StagingStore(EmbeddedStore):
    """An EmbeddedStore on a database file of any name (used while migrating)."""

    def __init__(self, database: Path, lock_timeout: float) -> None:
        super().__init__(database.parent, lock_timeout=lock_timeout)
        self._database = database

    @property
    def path(self) -> Path:
        return self._database

    def _migrate(self) -> None:
        return None


def _items(kg: KnowledgeGraph) -> dict[str, tuple[str, BaseModel]]:
    """Every resolved thing of the graph by id, with the list of KnowledgeGraph it belongs to."""
    items: dict[str, tuple[str, BaseModel]] = {}
    for region in region_models(kg).values():
        items[region.id] = ("regions", region)
    kinds: Sequence[tuple[str, Sequence[Any]]] = (
        ("documents", kg.documents),
        ("organizations", kg.organizations),
        ("policies", kg.policies),
        ("claims", kg.claims),
        ("targets", kg.targets),
        ("relations", kg.relations),
    )
    for kind, models in kinds:
        for model in models:
            items[model.id] = (kind, model)
    return items


def _sub_graph(items: Mapping[str, tuple[str, BaseModel]], ids: Iterable[str]) -> KnowledgeGraph:
    parts: dict[str, list[Any]] = {}
    for item_id in ids:
        kind, model = items[item_id]
        parts.setdefault(kind, []).append(model)
    return KnowledgeGraph(**parts)
