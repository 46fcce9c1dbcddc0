"""Rich tables of the reports for the terminal. The functions build renderables; the CLI prints them.

All text from the data goes into ``rich.text.Text`` objects, never into markup strings, so a name
with square brackets cannot be read as rich markup. Every column folds (wraps inside a word) rather
than cutting with an ellipsis, so names and quotes stay whole at 80 columns; each evidence sentence
is followed by its source, 《title》 · file, and a document list ends the report.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bcikg.report.labels import (
    CANDIDATE_RANKING_ZH,
    KIND_LABEL,
    PRESENCE_LABEL,
    STATUS_LABEL,
    cite,
    display,
    documents,
    links_text,
    org_home,
    quantity_text,
    scope_text,
    type_text,
)
from bcikg.report.model import (
    Candidate,
    CompareReport,
    DocumentRef,
    EvidenceRef,
    GapReport,
    OrgEntry,
    TargetEntry,
    TargetsReport,
)

STATUS_STYLE = {"covered": "green", "thin": "yellow", "gap": "bold red"}
KIND_STYLE = {"gap": "red", "strength": "green", "recommendation": "cyan"}


def _table(title: str, columns: list[tuple[str, int, int]], caption: str | None = None) -> Table:
    """A table whose columns fold instead of cutting; columns are (header, min_width, ratio)."""
    table = Table(title=Text(title), caption=Text(caption) if caption else None, show_lines=True)
    for header, min_width, ratio in columns:
        table.add_column(header, overflow="fold", min_width=min_width, ratio=ratio or None)
    return table


def _status(status: str) -> Text:
    return Text(STATUS_LABEL.get(status, status), style=STATUS_STYLE.get(status, ""))


def _names(orgs: list[OrgEntry]) -> Text:
    text = Text()
    for i, o in enumerate(orgs):
        if i:
            text.append("、 ")  # the space lets a cell wrap between names, not inside one
        mark = "✎" if o.corrected else ""  # an analyst corrected it (bcikg fix)
        text.append(display(o.name) + mark, style="italic" if o.presence == "settled" else "")
    return text


def _candidates(candidates: list[Candidate], foreign: list[Candidate] | None = None) -> Text:
    text = Text("、 ".join(display(c.name) for c in candidates))
    if foreign:
        text.append(
            ("；" if candidates else "") + "境外：" + "、 ".join(display(c.name) for c in foreign), "dim"
        )
    return text


def _quote(ev: EvidenceRef | None, *, span: bool = False) -> Text:
    """“sentence” —《title》 · file (the span instead of the sentence for targets)."""
    if ev is None:
        return Text("")
    text = Text(f"“{display(ev.text if span else ev.sentence)}”")
    text.append(f" —{cite(ev)}", style="dim")
    return text


def gap_tables(report: GapReport, *, candidates: int = 3) -> RenderableType:
    r = report
    chain = _table(
        f"产业链：{r.region.full_name}（含 {'、'.join(i.full_name for i in r.includes)}）",
        [("环节", 6, 2), ("状态", 4, 0), ("数量", 4, 0), ("本地区机构", 10, 4), ("候选（外地）", 10, 3)],
        caption=f"状态：≥{r.thresholds.covered_min} 家已覆盖，≥{r.thresholds.thin_min} 家薄弱，否则缺口；"
        "斜体为外地落户机构" + ("；未列出候选（-n 0）" if r.candidate_limit == 0 else ""),
    )
    chain.columns[2].justify = "right"
    for seg in r.segments:
        chain.add_row(
            Text(f"{seg.name} {seg.title}", style="bold"),
            _status(seg.status),
            str(seg.count),
            _names(seg.organizations),
            _candidates(seg.candidates[:candidates], seg.foreign_candidates[:candidates]),
        )
        for sub in seg.subsectors:
            chain.add_row(
                Text(f"  {sub.name}"),
                _status(sub.status),
                str(sub.count),
                _names(sub.organizations),
                _candidates(sub.candidates[:candidates], sub.foreign_candidates[:candidates]),
            )
    for pil in r.pillars:
        names = _names(pil.organizations)
        policies = "、".join(f"《{display(p.name)}》" for p in pil.policies)
        if policies:
            names.append("；" if names else "").append(policies)
        if pil.national_policies:
            count = len(pil.national_policies)
            names.append(("；" if names else "") + f"另有国家政策{count}项（另列，不计入）", "dim")
        chain.add_row(
            Text(f"支撑 {pil.name}"),
            _status(pil.status),
            str(pil.count),
            names,
            _candidates(pil.candidates[:candidates], pil.foreign_candidates[:candidates]),
        )

    orgs = _table(
        "本地区机构与依据",
        [("机构", 8, 2), ("类型", 4, 0), ("身份", 4, 0), ("所在地", 6, 2), ("依据（原文与来源）", 16, 5)],
    )
    for o in r.organizations:
        orgs.add_row(
            Text(display(o.name) + ("✎" if o.corrected else "")),
            Text(type_text(o.type)),
            Text(PRESENCE_LABEL[o.presence]),
            Text(org_home(o)),
            _quote(o.evidence),
        )

    parts: list[RenderableType] = [chain, orgs]
    if r.claims:
        claims = _table("本地区的自述", [("类别", 4, 0), ("地区", 6, 1), ("原文与来源", 16, 5)])
        for c in r.claims:
            claims.add_row(
                Text(KIND_LABEL.get(c.kind, c.kind), style=KIND_STYLE.get(c.kind, "")),
                Text(c.region),
                _quote(c.evidence[0] if c.evidence else None),
            )
        parts.append(claims)
    if r.targets:
        parts.append(_targets_table("政策目标", [(t, "") for t in r.targets]))
    parts.append(Text(CANDIDATE_RANKING_ZH, style="dim"))
    parts.append(_documents_table(documents(r)))
    return Group(*parts)


def _targets_table(title: str, rows: list[tuple[TargetEntry, str]]) -> Table:
    table = _table(
        title,
        [("年份", 4, 0), ("适用地区", 4, 1), ("数量", 4, 0), ("内容", 8, 3), ("责任单位", 6, 2),
         ("对应环节", 6, 2), ("原文与来源", 12, 4)],
    )  # fmt: skip
    for t, bears in rows:
        table.add_row(
            str(t.year or ""),
            Text(scope_text(t.region)),
            Text(quantity_text(t)),
            Text(display(t.subject)),
            Text("、".join(display(a) for a in t.agencies)),
            Text(bears or links_text(t)),
            _quote(t.evidence[0] if t.evidence else None, span=True),
        )
    return table


def _documents_table(docs: list[DocumentRef]) -> RenderableType:
    if not docs:
        return Text("")
    table = _table(
        "来源文献",
        [("#", 2, 0), ("标题", 8, 3), ("来源（文件或网址）", 10, 4), ("日期", 10, 0), ("发布者", 4, 1)],
    )
    for i, d in enumerate(docs, start=1):
        table.add_row(
            str(i),
            Text(display(d.title) or "（无标题）"),
            Text(d.source or d.id),
            Text(d.published or ""),
            Text(display(d.publisher)),
        )
    return table


def targets_tables(report: TargetsReport) -> RenderableType:
    if not report.targets:
        return Text(f"{report.region.full_name}：语料中没有这一地区的量化政策目标。")
    rows = [
        (item.target, "、".join(f"{b.name}（{STATUS_LABEL[b.status]}）" for b in item.bears_on))
        for item in report.targets
    ]
    return Group(
        _targets_table(f"政策目标：{report.region.full_name}", rows), _documents_table(documents(report))
    )


def compare_tables(report: CompareReport) -> RenderableType:
    table = Table(
        title=Text("产业链对比（机构数）"),
        caption=Text(
            f"≥{report.thresholds.covered_min} 已覆盖（绿），"
            f"≥{report.thresholds.thin_min} 薄弱（黄），否则缺口（红）"
        ),
    )
    table.add_column("环节", overflow="fold", min_width=6)
    for region in report.regions:
        table.add_column(Text(region.full_name), justify="right", overflow="fold")
    for row in report.rows:
        label = Text(
            row.name if row.kind == "segment" else f"  {row.name}",
            style="bold" if row.kind == "segment" else "",
        )
        if row.kind == "pillar":
            label = Text(f"支撑 {row.name}")
        table.add_row(
            label,
            *(Text(str(n), style=STATUS_STYLE[s]) for n, s in zip(row.counts, row.statuses, strict=True)),
        )
    docs = documents(report)
    return Group(table, _documents_table(docs)) if docs else table
