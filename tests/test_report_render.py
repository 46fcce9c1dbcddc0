"""The rendered reports (terminal tables, Markdown, JSON) as a reader meets them: Chinese labels,
every evidence sentence with its source, a document list, tables that wrap instead of cutting.

``sourced_report`` is the fixture report with the document fields the graph-access layer fills
(title, source, published), so the renderers can be checked on their own.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console

from bcikg.graph.build import build_graph
from bcikg.models import KnowledgeGraph
from bcikg.report import EmbeddedSource, gap_report, render, render_table, targets_report
from bcikg.report.labels import display, documents, links_text, scope_text
from bcikg.report.model import DocumentRef, GapReport, TargetsReport

KG_PATH = Path(__file__).parent / "data" / "report" / "chain_kg.json"
# A settled firm with a long name holding a Kangxi radical (⽣, U+2F63, shown as 生).
LONG_NAME = "远山神经调控技术（江西）有限公司⽣物医学工程分部"
LONG_SHOWN = "远山神经调控技术（江西）有限公司生物医学工程分部"


def sourced_report() -> GapReport:
    """The 江西 report of the fixture graph with every evidence item carrying its document's title
    and source (a URL for one document, a file path for the others), and one long name."""
    kg = KnowledgeGraph.model_validate_json(KG_PATH.read_text(encoding="utf-8"))
    docs = {d.id: d for d in kg.documents}
    report = gap_report(EmbeddedSource(build_graph(kg)), "江西")
    data = json.loads(report.model_dump_json().replace("远山神经", LONG_NAME))

    def fill(value: object) -> None:
        if isinstance(value, dict):
            doc_id = value.get("doc_id") or (value.get("id") if "publisher" in value else None)
            if doc_id in docs:
                doc = docs[doc_id]
                value["title"] = f"{doc.title}：示例新闻标题"
                value["source"] = (
                    "https://news.example.cn/bci/one.html" if doc.path.endswith("one.txt") else doc.path
                )
                value["published"] = "2025-03-01"
            for item in value.values():
                fill(item)
        elif isinstance(value, list):
            for item in value:
                fill(item)

    fill(data)
    return GapReport.model_validate(data)


@pytest.fixture(scope="module")
def report() -> GapReport:
    return sourced_report()


def terminal(renderable: object, width: int = 80) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable)
    return buffer.getvalue()


def test_json_evidence_carries_title_source_and_date(report: GapReport) -> None:
    data = json.loads(render(report, "json"))
    org = data["organizations"][0]["evidence"]
    assert org["title"].startswith("《") is False and org["title"].endswith("示例新闻标题")
    assert org["source"] and org["published"] == "2025-03-01"
    assert "documents" in data


def test_documents_are_listed_once_in_order_of_citation(report: GapReport) -> None:
    docs = documents(report)
    assert [d.id for d in docs] == list(dict.fromkeys(d.id for d in docs))
    assert {d.source for d in docs} >= {"/fixtures/two.txt", "https://news.example.cn/bci/one.html"}
    # a report that lists its documents keeps its own list
    own = report.model_copy(update={"documents": [DocumentRef(id="doc:x", title="甲")]})
    assert [d.id for d in documents(own)] == ["doc:x"]


def test_markdown_cites_title_and_file_and_ends_with_the_document_list(report: GapReport) -> None:
    text = render(report, "markdown")
    assert "（《示例二：示例新闻标题》 · two.txt）" in text
    assert "[《示例一：示例新闻标题》](https://news.example.cn/bci/one.html)" in text
    tail = text[text.index("## 来源文献") :]
    assert "/fixtures/two.txt" in tail and "2025-03-01" in tail
    assert "doc:aaaa" not in text  # no bare document ids once titles are known


def test_markdown_is_chinese_throughout(report: GapReport) -> None:
    text = render(report, "markdown")
    # no English sentence or label: only names, file names and URLs may hold Latin letters
    assert not re.search(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}\s+[A-Za-z]{3,}", text)
    for word in ("covered", "settled", "(home)", "Company", "Agency", "籍贯"):
        assert word not in text
    assert "候选排名说明" in text and LONG_SHOWN in text and LONG_NAME not in text


def test_markdown_quotes_each_sentence_once(report: GapReport) -> None:
    text = render(report, "markdown")
    quotes = re.findall(r"“([^”]+)”", text)
    assert quotes and len(quotes) == len(set(quotes))
    assert "原文见上" in text


def test_terminal_tables_wrap_names_and_quotes_at_80_columns(report: GapReport) -> None:
    out = terminal(render_table(report), 80)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" not in out  # nothing is cut with an ellipsis
    lines = out.splitlines()
    for org in report.organizations:
        name = display(org.name)
        if len(name) <= 8:
            assert any(name in line for line in lines), name  # short names never break
    # the whole long name is there, folded over lines of its cell
    cells = "".join(re.sub(r"[│┃\s]", "", line.split("│")[1] if "│" in line else "") for line in lines)
    assert LONG_SHOWN in cells


def test_terminal_type_column_is_chinese(report: GapReport) -> None:
    out = terminal(render_table(report), 160)
    assert "政府机构" in out and "企业" in out and "医院" in out
    for word in ("Company", "Agency", "Hospital", "籍贯"):
        assert word not in out
    assert "《示例二：示例新闻标题》 · two.txt" in out and "来源文献" in out


def test_targets_show_chain_links_by_name_and_their_scope() -> None:
    kg = KnowledgeGraph.model_validate_json(KG_PATH.read_text(encoding="utf-8"))
    report: TargetsReport = targets_report(EmbeddedSource(build_graph(kg)), "江西")
    assert report.targets
    target = report.targets[0].target
    national = target.model_copy(update={"region": "中国", "pillars": ["capital"]})
    assert scope_text(national.region) == "全国"
    assert "资本" in links_text(national) and "capital" not in links_text(national)
    row = report.targets[0].model_copy(update={"target": national})
    text = render(report.model_copy(update={"targets": [row]}), "markdown")
    assert "全国" in text and "capital" not in text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("⽣物", "生物"), ("⾦服", "金服"), ("㈠", "(一)"), ("公司，（甲）…", "公司，（甲）…"), ("", "")],
)
def test_display_normalises_compatibility_characters_only(raw: str, shown: str) -> None:
    assert display(raw) == shown
