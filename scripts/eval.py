#!/usr/bin/env python3
"""Score the extractor on every annotated set under ../shared (``make eval``).

For each folder ``SHARED/corpus/SET`` that has ``SHARED/gold/SET.gold.jsonl``, ingest the folder
into a fresh store with the installed ``bcikg`` command, export it as JSON lines, and score it with
``SHARED/eval/score.py`` and ``score_relations.py``. Prints one table (one row per set) and then the
worst errors of each set, so a change that lifts one set and drops another shows at once.

The seeds are the regression set the rules were first written on; every other set is real text
nobody tuned to. Relations of the development sets are scored over all six kinds of the issue;
the seeds over the scorer's default kinds.

usage: scripts/eval.py [--shared DIR] [--sets a,b] [--show N] [--keep DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ALL_KINDS = "INVESTS_IN,PARTNERS_WITH,CLINICAL_TRIAL_AT,OPERATES,SIGNED_IN,LOCATED_IN"
# the goals of issue 8 for text nobody tuned to, and of the regression set
GOALS = {"f1": 0.85, "type": 0.90, "region": 0.80, "segment": 0.70, "rel": 0.60}
SEED_GOAL = 0.95


def bcikg_command() -> list[str]:
    beside = Path(sys.executable).with_name("bcikg")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("bcikg")
    if not found:
        sys.exit("eval: the bcikg command is not installed; run `make setup` first")
    return [found]


def run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8")
    if done.returncode not in (0, 1):  # 1: some files skipped, still scored
        sys.exit(f"eval: {' '.join(cmd[:3])} … failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return done.stdout


def score_set(name: str, shared: Path, work: Path) -> dict:
    cli = bcikg_command()
    store, export = work / f"{name}.store", work / f"{name}.jsonl"
    shutil.rmtree(store, ignore_errors=True)  # a store kept by an earlier --keep run skips every document
    run([*cli, "ingest", str(shared / "corpus" / name), "--store", str(store)])
    run([*cli, "export", "--store", str(store), "--format", "jsonl", "-o", str(export)])
    gold, relations = shared / "gold" / f"{name}.gold.jsonl", shared / "gold" / f"{name}.relations.jsonl"
    orgs = json.loads(
        run([sys.executable, str(shared / "eval" / "score.py"), str(export), str(gold), "--json"])
    )
    rel: dict = {}
    if relations.exists():
        kinds = [] if name == "seeds" else ["--kinds", ALL_KINDS]
        rel = json.loads(
            run(
                [
                    sys.executable,
                    str(shared / "eval" / "score_relations.py"),
                    str(export),
                    str(relations),
                    str(gold),
                    *kinds,
                    "--json",
                ]
            )
        )
    return {"set": name, "orgs": orgs, "relations": rel}


def fmt(value: float | None) -> str:
    return "  –  " if value is None else f"{value:.3f}"


def table(results: list[dict]) -> str:
    head = (
        f"{'set':<8} {'pred':>5} {'gold':>5}  {'P':>5} {'R':>5} {'F1':>5}  {'type':>5} {'region':>6} "
        f"{'segm':>5} {'dups':>4}  {'relR':>5} {'relP':>5}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        o, rel = r["orgs"], r["relations"]
        lines.append(
            f"{r['set']:<8} {o['predicted']:>5} {o['gold']:>5}  {fmt(o['precision'])} {fmt(o['recall'])} "
            f"{fmt(o['f1'])}  {fmt(o['type_accuracy'])} {fmt(o['region_accuracy']):>6} "
            f"{fmt(o['segment_accuracy'])} {len(o['duplicates']):>4}  "
            f"{fmt(rel.get('recall'))} {fmt(rel.get('precision'))}"
        )
    return "\n".join(lines)


def errors(result: dict, show: int) -> str:
    o = result["orgs"]
    out = [f"\n== {result['set']}"]
    for key in ("duplicates", "false_positives", "missed", "wrong_type", "wrong_region", "wrong_segment"):
        items = o[key]
        if items:
            more = f" (+{len(items) - show} more)" if len(items) > show else ""
            out.append(f"{key} [{len(items)}]: {items[:show]}{more}")
    for kind, k in (result["relations"].get("kinds") or {}).items():
        out.append(
            f"{kind}: gold {k['gold']} predicted {k['predicted']} "
            f"recall {k['recall']} precision {k['precision']}"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--sets", help="comma-separated set names (default: every set with gold)")
    parser.add_argument("--show", type=int, default=8, help="errors shown per kind and set")
    parser.add_argument("--keep", type=Path, help="keep the stores and exports in this folder")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    corpus = args.shared / "corpus"
    if not corpus.is_dir():
        sys.exit(f"eval: no corpus at {corpus}; give --shared DIR")
    names = sorted(
        p.name for p in corpus.iterdir() if (args.shared / "gold" / f"{p.name}.gold.jsonl").exists()
    )
    if args.sets:
        names = [n for n in names if n in args.sets.split(",")]
    names.sort(key=lambda n: (n != "seeds", n))
    work = args.keep or Path(tempfile.mkdtemp(prefix="bcikg-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = [score_set(n, args.shared, work) for n in names]
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
        return 0
    print(table(results))
    print(
        f"goals: seeds F1 ≥ {SEED_GOAL}; other sets F1 ≥ {GOALS['f1']}, type ≥ {GOALS['type']}, "
        f"region ≥ {GOALS['region']}, segment ≥ {GOALS['segment']}, no duplicates, relations ≥ {GOALS['rel']}"
    )
    print("(seeds: the regression set the rules were written on; the others: real text nobody tuned to)")
    for r in results:
        print(errors(r, args.show))
    return 0


if __name__ == "__main__":
    sys.exit(main())
