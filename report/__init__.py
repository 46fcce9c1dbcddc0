"""bcikg.report: chain-gap reports per region — what a region has on the BCI industry chain, what
it lacks, and who elsewhere could fill the gaps.

    from bcikg.graph.embedded import EmbeddedStore
    from bcikg.report import EmbeddedSource, gap_report, render

    source = EmbeddedSource(EmbeddedStore("bcikg_store").load_graph())
    report = gap_report(source, "江西")            # GapReport (pydantic); NotFound if no data
    html_page = render(report, "html")

The same reports come from Neo4j with ``bcikg.report.neo4j.Neo4jSource(driver, database)``; the
JSON is identical from both backends.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from rich.console import RenderableType

from bcikg.errors import InputError
from bcikg.report.assemble import DEFAULT_CANDIDATES, compare_report, gap_report, targets_report
from bcikg.report.embedded import EmbeddedSource
from bcikg.report.model import CompareReport, GapReport, TargetsReport
from bcikg.report.source import ReportSource

Format = Literal["table", "json", "markdown", "html"]
FORMATS: tuple[str, ...] = ("table", "json", "markdown", "html")
Report: TypeAlias = GapReport | CompareReport | TargetsReport

__all__ = [
    "DEFAULT_CANDIDATES",
    "FORMATS",
    "CompareReport",
    "EmbeddedSource",
    "GapReport",
    "ReportSource",
    "TargetsReport",
    "compare_report",
    "gap_report",
    "render",
    "render_table",
    "targets_report",
]


def render(report: Report, fmt: str) -> str:
    """The report as JSON, Markdown or one self-contained HTML page (``table``: see render_table)."""
    from bcikg.report import html, markdown

    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    if fmt == "markdown":
        if isinstance(report, GapReport):
            return markdown.gap_markdown(report)
        if isinstance(report, CompareReport):
            return markdown.compare_markdown(report)
        return markdown.targets_markdown(report)
    if fmt == "html":
        if isinstance(report, GapReport):
            return html.gap_html(report)
        if isinstance(report, CompareReport):
            return html.compare_html(report)
        return html.targets_html(report)
    raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render_table(report: Report) -> RenderableType:
    """Rich tables for the terminal."""
    from bcikg.report import table

    if isinstance(report, GapReport):
        return table.gap_tables(report)
    if isinstance(report, CompareReport):
        return table.compare_tables(report)
    return table.targets_tables(report)
