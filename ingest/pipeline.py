"""read -> split -> extract -> resolve -> build graph -> write the embedded store.

Extraction of new documents runs in a process pool (one process per core); resolution runs over
all extractions in the store, so a new article can merge a short name with a full one found
earlier. The store is replaced atomically: a crash leaves the previous store as it was.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bcikg.graph.build import build_graph
from bcikg.graph.embedded import EmbeddedStore
from bcikg.ingest.corrections import apply_corrections, store_corrections
from bcikg.ingest.extract import extract_document, warm_up
from bcikg.ingest.read import DEFAULT_MAX_BYTES, iter_read
from bcikg.ingest.resolve import resolve
from bcikg.ingest.split import split_document
from bcikg.models import Document, DocumentExtraction, IngestSummary, SkippedFile

ProgressCallback = Callable[[str, int, int | None], None]

# Documents are sent to workers in small batches: large enough to amortise pickling, small
# enough to keep memory flat and the progress bar moving.
_CHUNK = 8


def extract_one(document: Document) -> DocumentExtraction:
    return extract_document(split_document(document))


def extract_stream(documents: Iterable[Document], *, workers: int = 1) -> Iterator[DocumentExtraction]:
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
    with context.Pool(processes=workers) as pool:
        yield from pool.imap(extract_one, documents, chunksize=_CHUNK)


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
    store = EmbeddedStore(Path(store_dir))
    extractions = store.load_extractions()
    summary = IngestSummary(store=str(store.directory))
    seen_ids: set[str] = set()

    def new_documents() -> Iterator[Document]:
        for item in iter_read(list(paths), max_bytes=max_bytes):
            if isinstance(item, SkippedFile):
                summary.skipped.append(item)
                continue
            summary.documents_read += 1
            if item.id in extractions or item.id in seen_ids:
                summary.documents_unchanged += 1
                continue
            seen_ids.add(item.id)
            summary.documents_new += 1
            yield item

    for extraction in extract_stream(new_documents(), workers=workers):
        extractions[extraction.document.id] = extraction
        if progress:
            progress("extracting", summary.documents_new, None)
    if progress:
        progress("resolving", 0, 1)
    knowledge = resolve(list(extractions.values()))
    # --- analyst corrections (bcikg fix, ingest/corrections.py): right after resolution
    fixes = store_corrections(store.directory, corrections)
    knowledge, issues = apply_corrections(knowledge, fixes.items)
    summary.corrections_applied = len(fixes.items)
    summary.correction_issues = [issue.line() for issue in issues]
    changed = fixes.changed()
    # ---
    summary.organizations = len(knowledge.organizations)
    summary.relations = len(knowledge.relations)
    summary.regions = len(knowledge.regions)
    graph = build_graph(knowledge)
    del knowledge  # the graph holds what is kept; free the intermediate model before saving
    if progress:
        progress("resolving", 1, 1)
    if summary.documents_new or not store.exists() or changed:
        store.save(extractions, graph)
        fixes.record_applied(issues)  # corrections hook
    return summary
