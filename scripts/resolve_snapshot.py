#!/usr/bin/env python3
"""Resolve a corpus and write the resulting KnowledgeGraph as JSON, to compare two versions of the
resolution rules (e.g. before and after a speed-up that must not change results).

    python scripts/resolve_snapshot.py OUT.json ../shared/corpus/seeds
    python scripts/resolve_snapshot.py OUT.json synth:2000          # bench/synth.py, seed 7
    python scripts/resolve_snapshot.py OUT.json synth:2000 --cache /tmp/x.pickle --profile

Extractions are cached (--cache, a local pickle of this tool's own making) so that only resolution
runs again; `cmp` the two outputs. Prints the resolution time.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import sys
import time
from pathlib import Path

from bcikg.ingest.extract import warm_up
from bcikg.ingest.pipeline import extract_one
from bcikg.ingest.read import iter_read
from bcikg.ingest.resolve import resolve
from bcikg.models import Document, DocumentExtraction, SkippedFile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))


def documents(source: str) -> list[Document]:
    if source.startswith("synth:"):
        import tempfile

        from synth import articles

        folder = Path(tempfile.mkdtemp(prefix="bcikg-snapshot-"))
        for article in articles(int(source[6:]), seed=7):
            (folder / Path(article.filename).name).write_text(article.text, encoding="utf-8")
        source = str(folder)
    return [d for d in iter_read([source]) if not isinstance(d, SkippedFile)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("source")
    parser.add_argument("--cache", type=Path)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    extractions: list[DocumentExtraction]
    if args.cache and args.cache.exists():
        extractions = pickle.loads(args.cache.read_bytes())
    else:
        extractions = [extract_one(d) for d in documents(args.source)]
        if args.cache:
            args.cache.write_bytes(pickle.dumps(extractions))
    warm_up()  # as in an ingest: resolution reads dictionaries that extraction loads
    profiler = cProfile.Profile() if args.profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    graph = resolve(extractions)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    args.out.write_text(graph.model_dump_json(indent=1), encoding="utf-8")
    print(
        f"{len(extractions)} documents, {len(graph.organizations)} organisations, "
        f"{len(graph.relations)} relations; resolve {seconds:.2f} s"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
