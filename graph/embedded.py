"""The embedded store: the extractions and the built graph on disk, no server needed.

Layout of a store folder::

    DIR/CURRENT                         name of the live generation, e.g. "000007" (replaced atomically)
    DIR/lock                            flock'd by a writer for the length of a save
    DIR/generations/000007/meta.json    {"format": 1, "generation": 7, "documents": N, ...}
    DIR/generations/000007/extractions.json.gz   JSON array of DocumentExtraction
    DIR/generations/000007/graph.pickle          networkx.MultiDiGraph, pickle protocol 5

Crash safety: a save writes a new generation into ``generations/.tmp-*`` (every file fsync'd),
renames it to its final name, fsyncs the folder, and only then replaces ``CURRENT`` with
``os.replace`` (a new file, fsync'd, renamed over the old one; then the folder is fsync'd).
Until that rename the previous generation is what ``CURRENT`` names and nothing of it has been
touched; after it the new generation is complete on disk. Old generations and leftovers of an
interrupted save are removed only after the switch. So killing a save at any moment leaves
either the previous store or the new one, both complete.

Concurrency: a save holds an exclusive ``flock`` on ``DIR/lock``. A second writer waits for it
and then refuses to overwrite a generation it has not read (two ingests started from the same
store would otherwise lose one's documents): it raises StoreError asking to run again.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import gzip
import io
import json
import os
import pickle
import shutil
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

import networkx as nx
from pydantic import TypeAdapter, ValidationError

from bcikg.errors import StoreError
from bcikg.models import DocumentExtraction

FORMAT_VERSION = 1
CURRENT = "CURRENT"
LOCK = "lock"
GENERATIONS = "generations"
META = "meta.json"
EXTRACTIONS = "extractions.json.gz"
GRAPH = "graph.pickle"
TMP_PREFIX = ".tmp-"

_EXTRACTIONS = TypeAdapter(list[DocumentExtraction])
T = TypeVar("T")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _compressed_json_list(items: list[DocumentExtraction]) -> bytes:
    """gzip of the JSON array of the items, compressed item by item so that the uncompressed
    text of a large corpus is never held in memory at once."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=1, mtime=0) as out:
        out.write(b"[")
        for i, item in enumerate(items):
            if i:
                out.write(b",")
            out.write(item.model_dump_json().encode("utf-8"))
        out.write(b"]")
    return buffer.getvalue()


def _write_file(path: Path, data: bytes | Callable[[IO[bytes]], object]) -> None:
    """Write ``data`` (bytes, or a function that writes to the open file) to a new file and
    fsync it."""
    with open(path, "xb") as f:
        if callable(data):
            data(f)
        else:
            f.write(data)
        f.flush()
        os.fsync(f.fileno())


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Unpickling creates millions of dicts; the cycle collector would scan them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class EmbeddedStore:
    """A store folder. Reads are lazy and cached per instance; ``save`` writes a new generation."""

    def __init__(self, directory: Path | str, *, lock_timeout: float = 600.0) -> None:
        self.directory = Path(directory)
        self.lock_timeout = lock_timeout
        self._graph: nx.MultiDiGraph | None = None
        self._extractions: dict[str, DocumentExtraction] | None = None
        # the generation this instance read from (None: read nothing yet; "": the store was empty)
        self._base: str | None = None
        self._lock_depth = 0  # locked() is re-entrant within one instance

    def __repr__(self) -> str:
        return f"EmbeddedStore({str(self.directory)!r})"

    # -------------------------------------------------------------- reading

    def current_generation(self) -> str | None:
        """Name of the live generation, or None when there is no store here."""
        try:
            name = (self.directory / CURRENT).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"cannot read {self.directory / CURRENT}: {exc}") from exc
        if not name.isdigit():
            raise StoreError(
                f"{self.directory / CURRENT} does not name a generation; this folder is not a bcikg store "
                "(choose another --store or remove the folder and ingest again)"
            )
        return name

    def exists(self) -> bool:
        name = self.current_generation()
        return name is not None and (self.directory / GENERATIONS / name / META).is_file()

    def meta(self) -> dict[str, Any]:
        """The live generation's meta.json (format, generation, documents, nodes, edges, saved_at)."""
        return self._read(self._read_meta)

    def load_extractions(self) -> dict[str, DocumentExtraction]:
        """Extractions by document id; {} when there is no store yet."""
        if self._extractions is None:
            if not self.exists():
                if self._base is None:
                    self._base = ""
                return {}
            self._extractions = self._read(self._read_extractions)
        return dict(self._extractions)

    def load_graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            if not self.exists():
                raise self._missing()
            self._graph = self._read(self._read_graph)
        return self._graph

    def _read(self, reader: Callable[[Path], T]) -> T:
        # A concurrent save may remove the generation between reading CURRENT and opening its
        # files; then CURRENT names a newer one, so read again.
        for _attempt in range(5):
            name = self.current_generation()
            if name is None:
                raise self._missing()
            try:
                result = reader(self.directory / GENERATIONS / name)
            except FileNotFoundError:
                if self.current_generation() != name:
                    continue
                raise StoreError(
                    f"the store at {self.directory} is incomplete (generation {name} is missing files); "
                    "ingest again into a new --store folder"
                ) from None
            if self._base is None:
                self._base = name
            return result
        raise StoreError(f"the store at {self.directory} keeps changing while being read; try again")

    def _missing(self) -> StoreError:
        return StoreError(
            f"no store at {self.directory}; run `bcikg ingest PATH --store {self.directory}` first"
        )

    def _read_meta(self, gen: Path) -> dict[str, Any]:
        try:
            meta: dict[str, Any] = json.loads((gen / META).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise StoreError(
                f"{gen / META} is damaged ({exc}); ingest again into a new --store folder"
            ) from exc
        if meta.get("format") != FORMAT_VERSION:
            raise StoreError(
                f"the store at {self.directory} has format {meta.get('format')!r}, this bcikg reads format "
                f"{FORMAT_VERSION}; ingest the articles again into a new --store folder"
            )
        return meta

    def _read_extractions(self, gen: Path) -> dict[str, DocumentExtraction]:
        self._read_meta(gen)
        with open(gen / EXTRACTIONS, "rb") as f:
            data = f.read()
        try:
            items = _EXTRACTIONS.validate_json(gzip.decompress(data))
        except (OSError, EOFError, ValidationError) as exc:
            first = str(exc).splitlines()[0]
            raise StoreError(
                f"cannot read the extractions in {gen} ({first}); they were written by an incompatible "
                "version: ingest again into a new --store folder"
            ) from exc
        return {item.document.id: item for item in items}

    def _read_graph(self, gen: Path) -> nx.MultiDiGraph:
        self._read_meta(gen)
        with open(gen / GRAPH, "rb") as f, _no_gc():
            try:
                graph = pickle.load(f)
            except Exception as exc:  # unpickling can raise almost anything on a damaged file
                raise StoreError(
                    f"cannot read the graph in {gen} ({type(exc).__name__}); "
                    "ingest again into a new --store folder"
                ) from exc
        if not isinstance(graph, nx.MultiDiGraph):
            raise StoreError(f"{gen / GRAPH} does not hold a graph; ingest again into a new --store folder")
        return graph

    # -------------------------------------------------------------- writing

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's writer lock (waits up to ``lock_timeout`` seconds for another writer).

        Re-entrant: a caller may hold it around a whole read-modify-save (``save`` takes it again),
        so that a second ingest waits for the first instead of failing at its save."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise StoreError(
                            f"another bcikg process is writing the store at {self.directory}; "
                            "wait for it to finish and run again"
                        ) from None
                    time.sleep(0.05)
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0
        finally:
            os.close(fd)  # releases the lock

    def save(self, extractions: Mapping[str, DocumentExtraction], graph: nx.MultiDiGraph) -> None:
        """Write a new generation and switch to it atomically (see the module docstring)."""
        extraction_list = [extractions[key] for key in sorted(extractions)]
        extractions_blob = _compressed_json_list(extraction_list)
        with self.locked():
            live = self.current_generation()
            if self._base is not None and (live or "") != self._base:
                raise StoreError(
                    f"the store at {self.directory} was changed by another process while this one ran; "
                    "run the command again"
                )
            generations = self.directory / GENERATIONS
            generations.mkdir(exist_ok=True)
            number = 1 + max(
                [int(live or 0)] + [int(p.name) for p in generations.iterdir() if p.name.isdigit()]
            )
            name = f"{number:06d}"
            tmp = generations / f"{TMP_PREFIX}{name}-{os.getpid()}"
            if tmp.exists():
                shutil.rmtree(tmp)
            tmp.mkdir()
            meta = {
                "format": FORMAT_VERSION,
                "generation": number,
                "documents": len(extraction_list),
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
                "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            }
            _write_file(tmp / EXTRACTIONS, extractions_blob)
            # pickled straight into the file: a large graph's pickle is not held in memory as well
            _write_file(tmp / GRAPH, lambda f: pickle.dump(graph, f, protocol=5))
            _write_file(tmp / META, json.dumps(meta, indent=1).encode("utf-8"))
            _fsync_dir(tmp)
            final = generations / name
            os.rename(tmp, final)
            _fsync_dir(generations)
            pointer = self.directory / f"{CURRENT}.tmp-{os.getpid()}"
            pointer.unlink(missing_ok=True)
            _write_file(pointer, (name + "\n").encode("ascii"))
            os.replace(pointer, self.directory / CURRENT)
            _fsync_dir(self.directory)
            # the switch is durable: drop older generations and leftovers of interrupted saves
            for path in generations.iterdir():
                if path.name != name:
                    shutil.rmtree(path, ignore_errors=True)
            for path in self.directory.glob(f"{CURRENT}.tmp-*"):
                path.unlink(missing_ok=True)
            self._base = name
            self._graph = graph
            self._extractions = dict(extractions)
