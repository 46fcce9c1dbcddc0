"""Markdown renderings of the reports, for pasting into a briefing.

Text from the data (names, sentences) is put into table cells and quotes with the characters
that would break Markdown structure escaped.
"""

from __future__ import annotations

from collections.abc import Iterable

from bcikg.report.labels import (
    KIND_LABEL,
    PRESENCE_LABEL,
    STATUS_LABEL,
    TYPE_LABEL,
    cite,
    org_home,
    quantity_text,
    status_text,
    target_text,
)
from bcikg.report.model import (
    Candidate,
    ClaimEntry,
    CompareReport,
    GapReport,
    OrgEntry,
    TargetEntry,
    TargetsReport,
)

_SPECIAL = str.maketrans(
    {"|": "\\|", "*": "\\*", "_": "\\_", "`": "\\`", "[": "\\[", "]": "\\]", "<": "&lt;", ">": "&gt;"}
)


def md(text: str | None) -> str:
    """Text safe inside a Markdown table cell or paragraph (one line)."""
    return (text or "").replace("\r", " ").replace("\n", " ").translate(_SPECIAL)


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _org_line(o: OrgEntry) -> str:
    quote = f" — “{md(o.evidence.sentence)}” ({cite(o.evidence)})" if o.evidence else ""
    return (
        f"- **{md(o.name)}** ({TYPE_LABEL.get(o.type, o.type)}, {PRESENCE_LABEL[o.presence]}, "
        f"{md(org_home(o))}{'，分析员更正' if o.corrected else ''}){quote}"
    )


def _candidate_line(c: Candidate) -> str:
    facts = [TYPE_LABEL.get(c.type, c.type), md(org_home(c)), f"{c.mentions} 处提及"]
    if c.explicit:
        facts.append("文中明确环节")
    if c.corrected:
        facts.append("分析员更正")
    quote = f" — “{md(c.evidence.sentence)}” ({cite(c.evidence)})" if c.evidence else ""
    return f"{c.rank}. **{md(c.name)}** ({'，'.join(facts)}){quote}"


def _claim_line(c: ClaimEntry) -> str:
    ev = c.evidence[0] if c.evidence else None
    quote = f"“{md(ev.sentence)}” ({cite(ev)})" if ev else md(c.id)
    return f"- {KIND_LABEL.get(c.kind, c.kind)}（{md(c.region)}）：{quote}"


def _target_line(t: TargetEntry) -> str:
    ev = t.evidence[0] if t.evidence else None
    who = f"；责任单位：{md('、'.join(t.agencies))}" if t.agencies else ""
    policy = f"《{md(t.policy)}》" if t.policy else ""
    quote = f" — “{md(ev.text)}” ({cite(ev)})" if ev else ""
    return f"- {md(target_text(t))} {policy}{who}{quote}"


def _section(
    title: str,
    status: str,
    orgs: list[OrgEntry],
    candidates: list[Candidate],
    targets: list[TargetEntry],
    claims: list[ClaimEntry],
    level: str,
) -> list[str]:
    out = [f"{level} {md(title)} — {status_text(status)}", ""]
    if orgs:
        out += ["本地区已有：", "", *(_org_line(o) for o in orgs), ""]
    else:
        out += ["本地区暂无机构。", ""]
    if status != "covered":
        if candidates:
            out += ["可招引的外地机构（排名见文末说明）：", "", *(_candidate_line(c) for c in candidates), ""]
        else:
            out += ["语料中没有其他地区的机构从事这一环节。", ""]
    if claims:
        out += ["本地区的自述：", "", *(_claim_line(c) for c in claims), ""]
    if targets:
        out += ["相关政策目标：", "", *(_target_line(t) for t in targets), ""]
    return out


def gap_markdown(report: GapReport) -> str:
    r = report
    includes = "、".join(md(i.full_name) for i in r.includes)
    out = [
        f"# 脑机接口产业链缺口报告：{md(r.region.full_name)}",
        "",
        f"范围：{includes}（含下辖地区）。状态按机构数（本地与落户合计）："
        f"≥{r.thresholds.covered_min} 为已覆盖，"
        f"≥{r.thresholds.thin_min} 为薄弱，否则为缺口。",
        "",
        "## 总览",
        "",
    ]
    rows = []
    for seg in r.segments:
        rows.append([f"**{seg.name}（{seg.title}）**", STATUS_LABEL[seg.status], str(seg.count), ""])
        for sub in seg.subsectors:
            names = "、".join(
                md(o.name) + ("*" if o.presence == "settled" else "") for o in sub.organizations
            )
            rows.append([f"{seg.name} · {md(sub.name)}", STATUS_LABEL[sub.status], str(sub.count), names])
    for pil in r.pillars:
        names = "、".join(md(o.name) + ("*" if o.presence == "settled" else "") for o in pil.organizations)
        rows.append([f"支撑 · {md(pil.name)}", STATUS_LABEL[pil.status], str(pil.count), names])
    out += _table(["环节", "状态", "机构数", "机构（* 为外地落户）"], rows)

    for seg in r.segments:
        out += _section(
            f"{seg.name}（{seg.title}）",
            seg.status,
            seg.organizations,
            seg.candidates,
            seg.targets,
            seg.claims,
            "##",
        )
        for sub in seg.subsectors:
            out += _section(
                sub.name, sub.status, sub.organizations, sub.candidates, sub.targets, sub.claims, "###"
            )
    out += ["## 支撑体系", ""]
    for pil in r.pillars:
        out += _section(
            pil.name, pil.status, pil.organizations, pil.candidates, pil.targets, pil.claims, "###"
        )
        if pil.policies:
            out += [
                "政策：",
                "",
                *(f"- 《{md(p.name)}》 {md(p.date or '')}（{md(p.region)}）" for p in pil.policies),
                "",
            ]
    out += ["## 本地区对自身产业链的表述", ""]
    out += [*(_claim_line(c) for c in r.claims)] if r.claims else ["（语料中没有）"]
    out += ["", "## 政策目标", ""]
    out += [*(_target_line(t) for t in r.targets)] if r.targets else ["（语料中没有）"]
    out += ["", "---", "", f"候选排名说明：{md(r.candidate_ranking)}", ""]
    return "\n".join(out)


def compare_markdown(report: CompareReport) -> str:
    header = ["环节", *(md(r.full_name) for r in report.regions)]
    rows = []
    for row in report.rows:
        name = f"**{md(row.name)}**" if row.kind == "segment" else md(row.name)
        if row.kind == "pillar":
            name = f"支撑 · {name}"
        rows.append(
            [name, *(f"{n} ({STATUS_LABEL[s]})" for n, s in zip(row.counts, row.statuses, strict=True))]
        )
    return "\n".join(
        [
            "# 脑机接口产业链对比：" + " / ".join(md(r.full_name) for r in report.regions),
            "",
            f"每格为本地与落户机构数合计；≥{report.thresholds.covered_min} 已覆盖，"
            f"≥{report.thresholds.thin_min} 薄弱，否则缺口。",
            "",
            *_table(header, rows),
        ]
    )


def targets_markdown(report: TargetsReport) -> str:
    rows = []
    for item in report.targets:
        t = item.target
        bears = "、".join(f"{md(b.name)}（{STATUS_LABEL[b.status]}）" for b in item.bears_on)
        ev = t.evidence[0] if t.evidence else None
        rows.append(
            [
                str(t.year or ""),
                md(quantity_text(t)),
                md(t.subject),
                md("、".join(t.agencies)),
                bears,
                f"“{md(ev.text)}” ({cite(ev)})" if ev else "",
            ]
        )
    out = [f"# 政策目标：{md(report.region.full_name)}", ""]
    if not rows:
        return "\n".join([*out, "语料中没有这一地区的量化政策目标。", ""])
    return "\n".join([*out, *_table(["年份", "数量", "内容", "责任单位", "对应环节（现状）", "原文"], rows)])
