"""read -> split -> extract -> resolve -> build graph -> write the embedded store.

Extraction of new documents runs in a process pool (one process per core). Each extraction is
committed to the store as it arrives (in small transactions), so an interrupted ingest keeps what
it extracted and the next one continues where it stopped. Then every document of the store is
resolved (a new article can merge a short name with a full one found earlier) and only the graph
rows of what changed are rewritten (bcikg.graph.embedded.EmbeddedStore.update_graph).

Interrupts: a KeyboardInterrupt (Ctrl-C, or SIGTERM turned into one by the CLI) stops the
workers, commits the extractions received so far and raises ``Interrupted`` naming how many
documents were kept. Workers ignore SIGINT (the terminal sends it to the whole process group);
the parent stops them.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import itertools
import multiprocessing
import signal
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path

from bcikg import domain
from bcikg.errors import Interrupted
from bcikg.graph.embedded import EmbeddedStore
from bcikg.ingest import names, textutil
from bcikg.ingest import resolve as resolve_module
from bcikg.ingest.corrections import CorrectionIssue, apply_corrections, store_corrections
from bcikg.ingest.extract import extract_document, warm_up
from bcikg.ingest.read import DEFAULT_MAX_BYTES, iter_read
from bcikg.ingest.resolve import resolution_key, resolve
from bcikg.ingest.split import split_document
from bcikg.models import Document, DocumentExtraction, IngestSummary, KnowledgeGraph, SkippedFile

ProgressCallback = Callable[[str, int, int | None], None]

# Documents are sent to workers in small batches: large enough to amortise pickling, small
# enough to keep memory flat and the progress bar moving.
_CHUNK = 8
# Extractions are committed at least this often (documents, seconds).
_COMMIT_DOCUMENTS = 64
_COMMIT_SECONDS = 1.0
_SIGNALS = {signal.SIGINT, signal.SIGTERM}
# Collector thresholds while ingesting (Python's default is 700, 10, 10): see _few_collections.
_GC_THRESHOLDS = (20_000, 20, 20)


def extract_one(document: Document) -> DocumentExtraction:
    return extract_document(split_document(document))


def _worker_init() -> None:
    # The terminal's Ctrl-C reaches every process of the group: only the parent acts on it and
    # stops the pool (whose terminate() sends SIGTERM, which must simply end a worker).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)


@contextlib.contextmanager
def _signals_blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (they are delivered at the end): for forking workers with
    the right handlers, and for commits that should not be cut in the middle."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often. An ingest makes millions of small objects
    (tokens, candidates, mentions, evidence), most of which live until the store has them; at the
    default thresholds the collector walks that growing heap hundreds of times, about a tenth of
    the ingest's time, and finds almost nothing (the stages build no reference cycles). Memory is
    unchanged (bench/ingest). Forked workers inherit the setting; the caller's thresholds are
    restored afterwards."""
    previous = gc.get_threshold()
    gc.set_threshold(*_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def extract_stream(
    documents: Iterable[Document], *, workers: int = 1
) -> Generator[DocumentExtraction, None, None]:
    """Extractions in input order. Documents are consumed lazily, so reading overlaps with
    extraction and memory stays flat."""
    documents = iter(documents)
    first = next(documents, None)
    if first is None:
        return  # nothing new: no dictionaries to load
    documents = itertools.chain([first], documents)
    warm_up()  # in the parent: forked workers share the loaded dictionaries copy-on-write
    if workers <= 1:
        yield from map(extract_one, documents)
        return
    context = multiprocessing.get_context("fork")
    pool = None
    try:
        with _signals_blocked():
            pool = context.Pool(processes=workers, initializer=_worker_init)
        yield from pool.imap(extract_one, documents, chunksize=_CHUNK)
    finally:
        if pool is not None:  # at the end, on an interrupt, or when the consumer stops early
            pool.terminate()
            pool.join()


def resolve_store(extractions: list[DocumentExtraction], known_keys: dict[str, list[str]]) -> KnowledgeGraph:
    """The KnowledgeGraph of all the store's documents. The one place where resolution's result
    comes out before the graph is built from it (analysts' corrections apply here)."""
    return resolve(extractions, known_keys=known_keys)


def mention_keys(extraction: DocumentExtraction) -> list[str]:
    """The resolution keys of a document's mentions (stored with it, so that resolving the
    store again does not recompute them)."""
    return [resolution_key(m) for m in extraction.orgs]


@functools.cache
def rules_fingerprint() -> str:
    """A hash of the code and data that resolution keys depend on: stored keys computed under
    other rules are computed again."""
    digest = hashlib.blake2b(digest_size=12)
    files = [Path(resolve_module.__file__ or ""), Path(names.__file__ or ""), Path(textutil.__file__ or "")]
    domain_dir = Path(domain.__file__ or "").parent
    files += sorted(domain_dir.glob("*.py")) + sorted((domain_dir / "data").glob("*"))
    for path in files:
        with contextlib.suppress(OSError):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class _Committer:
    """Commits extractions to the store in small transactions."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store = store
        self.pending: list[DocumentExtraction] = []
        self.kept = 0
        self.last = time.monotonic()
        # what this ingest committed, for resolution right after it (not decoded from the store
        # again); resolution reads everything at once anyway, so this does not raise the peak
        self.committed: dict[str, DocumentExtraction] = {}

    def add(self, extraction: DocumentExtraction) -> None:
        self.pending.append(extraction)
        if len(self.pending) >= _COMMIT_DOCUMENTS or time.monotonic() - self.last >= _COMMIT_SECONDS:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            with _signals_blocked():
                self.store.add_documents(self.pending, keys=mention_keys, rules=rules_fingerprint())
                self.kept += len(self.pending)
                for extraction in self.pending:
                    extraction.regions = []  # as update_graph reads them: resolution does not use them
                    self.committed[extraction.document.id] = extraction
                self.pending = []
        self.last = time.monotonic()


def ingest_paths(
    paths: Iterable[str | Path],
    store_dir: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    workers: int = 1,
    progress: ProgressCallback | None = None,
    corrections: str | Path | None = None,
) -> IngestSummary:
    """Ingest new documents; with no paths, rebuild the graph when the analyst corrections
    (``corrections``, default STORE/corrections.toml) changed since the last build."""
    with _few_collections():
        return _ingest_paths(paths, store_dir, max_bytes, workers, progress, corrections)


def _ingest_paths(
    paths: Iterable[str | Path],
    store_dir: str | Path,
    max_bytes: int,
    workers: int,
    progress: ProgressCallback | None,
    corrections: str | Path | None,
) -> IngestSummary:
    store = EmbeddedStore(Path(store_dir))
    summary = IngestSummary(store=str(store.directory))
    committer = _Committer(store)
    try:
        known = store.document_ids()
        seen_ids: set[str] = set()

        def new_documents() -> Iterator[Document]:
            for item in iter_read(list(paths), max_bytes=max_bytes):
                if isinstance(item, SkippedFile):
                    summary.skipped.append(item)
                    continue
                summary.documents_read += 1
                if item.id in known or item.id in seen_ids:
                    summary.documents_unchanged += 1
                    continue
                seen_ids.add(item.id)
                summary.documents_new += 1
                yield item

        stream = extract_stream(new_documents(), workers=workers)
        try:
            for extraction in stream:
                committer.add(extraction)
                if progress:
                    progress("extracting", committer.kept + len(committer.pending), None)
        finally:
            stream.close()  # stops the workers before anything else happens
        committer.flush()
        # --- analyst corrections (bcikg fix, ingest/corrections.py): right after resolution
        fixes = store_corrections(store.directory, corrections)
        issues: list[CorrectionIssue] = []

        def resolve_corrected(
            extractions: list[DocumentExtraction], known_keys: dict[str, list[str]]
        ) -> KnowledgeGraph:
            knowledge, found = apply_corrections(resolve_store(extractions, known_keys), fixes.items)
            issues[:] = found
            return knowledge

        # ---
        if summary.documents_new or store.pending_documents() or not store.exists() or fixes.changed():
            if progress:
                progress("resolving", 0, 1)
            knowledge = store.update_graph(
                resolve_corrected, keys=mention_keys, rules=rules_fingerprint(), held=committer.committed
            )
            committer.committed = {}
            fixes.record_applied(issues)  # corrections hook
            summary.organizations = len(knowledge.organizations)
            summary.relations = len(knowledge.relations)
            summary.regions = len(knowledge.regions)
            del knowledge
            if progress:
                progress("resolving", 1, 1)
        else:
            issues = fixes.recorded_issues() or []  # corrections hook: as the last build found them
            meta = store.meta()
            summary.organizations = int(meta.get("organizations", 0))
            summary.relations = int(meta.get("relations", 0))
            summary.regions = int(meta.get("regions", 0))
        summary.corrections_applied = len(fixes.items)  # corrections hook
        summary.correction_issues = [issue.line() for issue in issues]
    except KeyboardInterrupt:
        with contextlib.suppress(KeyboardInterrupt):
            committer.flush()
        raise Interrupted(
            f"interrupted; {committer.kept} documents kept", documents_kept=committer.kept
        ) from None
    finally:
        store.close()
    return summary
