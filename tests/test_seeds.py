"""The five real seed articles (input data in ../shared): the development gold must hold.

These articles are a development set; the extractor is built on general rules and the same
thresholds are goals on articles nobody here has seen. The scorers are the ones in ../shared/eval.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bcikg.graph.embedded import EmbeddedStore
from bcikg.graph.export import write_jsonl
from bcikg.ingest.pipeline import ingest_paths

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed corpus is not at {SEEDS}")


@pytest.fixture(scope="module")
def seed_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("seeds")
    ingest_paths([SEEDS], tmp / "store", workers=2)
    out = tmp / "export.jsonl"
    with out.open("w", encoding="utf-8") as f:
        write_jsonl(EmbeddedStore(tmp / "store").load_graph(), f)
    return out


def score(*args: str) -> dict:
    result = subprocess.run([sys.executable, *args, "--json"], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_organisations_meet_the_development_goals(seed_export: Path) -> None:
    r = score(str(SHARED / "eval" / "score.py"), str(seed_export), str(SHARED / "gold" / "seeds.gold.jsonl"))
    assert r["f1"] >= 0.90, r
    assert r["type_accuracy"] >= 0.95, r
    assert r["region_accuracy"] >= 0.85, r
    assert r["segment_accuracy"] >= 0.85, r
    assert r["duplicates"] == [], r


def test_relations_meet_the_development_goals(seed_export: Path) -> None:
    r = score(
        str(SHARED / "eval" / "score_relations.py"),
        str(seed_export),
        str(SHARED / "gold" / "seeds.relations.jsonl"),
        str(SHARED / "gold" / "seeds.gold.jsonl"),
    )
    assert r["recall"] >= 0.80, r
    assert r["precision"] >= 0.80, r


def test_page_noise_of_the_scraped_article_yields_no_node(seed_export: Path) -> None:
    scraped = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    tail = scraped[scraped.index("猜你喜欢") :]
    head = scraped[: scraped.index("上海脑机接口未来产业集聚区建设提速")]
    nodes = [json.loads(line) for line in seed_export.read_text(encoding="utf-8").splitlines()]
    orgs = [
        n
        for n in nodes
        if n.get("type") in {"Company", "Hospital", "Fund", "Agency", "Institute", "Platform"}
    ]
    for org in orgs:
        for ev in org["evidence"]:
            if ev["doc_id"] and ev["sentence"] in tail + head:
                pytest.fail(f"{org['name']} comes from page noise: {ev['sentence']}")
    noise_words = ["搜狐", "东方卫视", "中国建设银行苏黎世分行", "中孚实业", "瑞茂通", "国家速滑馆"]
    names = {n for o in orgs for n in (o["name"], *o["aliases"])}
    assert not [w for w in noise_words if any(w in n for n in names)]
