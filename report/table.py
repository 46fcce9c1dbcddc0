"""Rich tables of the reports for the terminal. The functions build renderables; the CLI prints them.

All text from the data goes into ``rich.text.Text`` objects, never into markup strings, so a name
with square brackets cannot be read as rich markup.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from bcikg.report.labels import (
    KIND_LABEL,
    PRESENCE_LABEL,
    STATUS_LABEL,
    cite,
    org_home,
    quantity_text,
)
from bcikg.report.model import CompareReport, GapReport, OrgEntry, TargetEntry, TargetsReport

STATUS_STYLE = {"covered": "green", "thin": "yellow", "gap": "bold red"}


def _status(status: str) -> Text:
    return Text(STATUS_LABEL.get(status, status), style=STATUS_STYLE.get(status, ""))


def _names(orgs: list[OrgEntry]) -> Text:
    text = Text()
    for i, o in enumerate(orgs):
        if i:
            text.append("、")
        text.append(o.name + ("✎" if o.corrected else ""), style="italic" if o.presence == "settled" else "")
    return text


def gap_tables(report: GapReport, *, candidates: int = 3) -> RenderableType:
    r = report
    chain = Table(
        title=Text(f"产业链：{r.region.full_name}（含 {'、'.join(i.full_name for i in r.includes)}）"),
        caption=Text(
            f"状态：≥{r.thresholds.covered_min} 家已覆盖，≥{r.thresholds.thin_min} 家薄弱，否则缺口；"
            "斜体为外地落户机构"
        ),
        show_lines=False,
    )
    chain.add_column("环节")
    chain.add_column("状态")
    chain.add_column("数量", justify="right")
    chain.add_column("本地区机构")
    chain.add_column("候选（外地）")
    for seg in r.segments:
        chain.add_row(
            Text(f"{seg.name} {seg.title}", style="bold"),
            _status(seg.status),
            str(seg.count),
            _names(seg.organizations),
            Text("、".join(c.name for c in seg.candidates[:candidates])),
            end_section=False,
        )
        for sub in seg.subsectors:
            chain.add_row(
                Text(f"  {sub.name}"),
                _status(sub.status),
                str(sub.count),
                _names(sub.organizations),
                Text("、".join(c.name for c in sub.candidates[:candidates])),
            )
        chain.add_section()
    for pil in r.pillars:
        policies = Text("、".join(f"《{p.name}》" for p in pil.policies))
        names = _names(pil.organizations)
        if policies:
            names.append(" " if names else "").append_text(policies)
        chain.add_row(
            Text(f"支撑 {pil.name}"),
            _status(pil.status),
            str(pil.count),
            names,
            Text("、".join(c.name for c in pil.candidates[:candidates])),
        )

    orgs = Table(title=Text("本地区机构与依据"))
    for col in ("机构", "类型", "身份", "所在地", "依据"):
        orgs.add_column(col)
    for o in r.organizations:
        orgs.add_row(
            Text(o.name + ("（分析员更正）" if o.corrected else "")),
            Text(o.type),
            Text(PRESENCE_LABEL[o.presence]),
            Text(org_home(o)),
            Text(f"{o.evidence.sentence} [{cite(o.evidence)}]" if o.evidence else ""),
        )

    parts: list[RenderableType] = [chain, orgs]
    if r.claims:
        claims = Table(title=Text("本地区的自述"))
        for col in ("类别", "地区", "原文"):
            claims.add_column(col)
        for c in r.claims:
            ev = c.evidence[0] if c.evidence else None
            claims.add_row(
                Text(KIND_LABEL.get(c.kind, c.kind), style="red" if c.kind == "gap" else "green"),
                Text(c.region),
                Text(f"{ev.sentence} [{cite(ev)}]" if ev else ""),
            )
        parts.append(claims)
    if r.targets:
        parts.append(_targets_table([(t, "") for t in r.targets]))
    parts.append(Text(r.candidate_ranking, style="dim"))
    return Group(*parts)


def _targets_table(rows: list[tuple[TargetEntry, str]]) -> Table:
    table = Table(title=Text("政策目标"))
    for col in ("年份", "数量", "内容", "责任单位", "对应环节", "原文"):
        table.add_column(col)
    for t, bears in rows:
        ev = t.evidence[0] if t.evidence else None
        table.add_row(
            str(t.year or ""),
            Text(quantity_text(t)),
            Text(t.subject),
            Text("、".join(t.agencies)),
            Text(bears or "、".join([*t.segments, *t.subsectors, *t.pillars])),
            Text(f"{ev.text} [{cite(ev)}]" if ev else ""),
        )
    return table


def targets_tables(report: TargetsReport) -> RenderableType:
    if not report.targets:
        return Text(f"{report.region.full_name}: no numeric policy targets in this store")
    rows = [
        (item.target, "、".join(f"{b.name}（{STATUS_LABEL[b.status]}）" for b in item.bears_on))
        for item in report.targets
    ]
    table = _targets_table(rows)
    table.title = Text(f"政策目标：{report.region.full_name}")
    return table


def compare_tables(report: CompareReport) -> RenderableType:
    table = Table(
        title=Text("产业链对比（机构数）"),
        caption=Text(
            f"≥{report.thresholds.covered_min} 已覆盖（绿），"
            f"≥{report.thresholds.thin_min} 薄弱（黄），否则缺口（红）"
        ),
    )
    table.add_column("环节")
    for region in report.regions:
        table.add_column(Text(region.full_name), justify="right")
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
    return table
