"""Markdown renderings of the reports, for pasting into a briefing.

Text from the data (names, sentences) is put into table cells and quotes with the characters
that would break Markdown structure escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from bcikg.report.labels import (
    CANDIDATE_RANKING_ZH,
    KIND_LABEL,
    NO_RECRUITING,
    PRESENCE_LABEL,
    STATUS_LABEL,
    display,
    documents,
    is_url,
    links_text,
    no_candidates_text,
    offers_candidates,
    org_home,
    quantity_text,
    scope_text,
    source_name,
    status_text,
    target_text,
    title_text,
    type_text,
)
from bcikg.report.model import (
    Candidate,
    ClaimEntry,
    CompareReport,
    DocumentRef,
    EvidenceRef,
    GapReport,
    OrgEntry,
    PillarEntry,
    PolicyEntry,
    SegmentEntry,
    SubsectorEntry,
    TargetEntry,
    TargetsReport,
)

_SPECIAL = str.maketrans(
    {"|": "\\|", "*": "\\*", "_": "\\_", "`": "\\`", "[": "\\[", "]": "\\]", "<": "&lt;", ">": "&gt;"}
)


def md(text: str | None) -> str:
    """Text safe inside a Markdown table cell or paragraph (one line), compatibility characters
    normalised for display."""
    return display(text).replace("\r", " ").replace("\n", " ").translate(_SPECIAL)


def _url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def source_md(ref: EvidenceRef | DocumentRef) -> str:
    """《title》 · file, or 《title》 as a link to its URL; the document id when nothing else is known."""
    title = md(title_text(ref.title))
    if ref.source and is_url(ref.source):
        return f"[{title or md(source_name(ref.source))}]({_url(ref.source)})"
    parts = [p for p in (title, md(source_name(ref.source))) if p]
    if parts:
        return " · ".join(parts)
    return md(ref.doc_id if isinstance(ref, EvidenceRef) else ref.id)


class _Quotes:
    """Quotes each evidence sentence once per report; later uses refer back to it."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def __call__(self, ev: EvidenceRef | None, *, span: bool = False) -> str:
        if ev is None:
            return ""
        key = (ev.doc_id, ev.sentence)
        if key in self.seen:
            return f"（原文见上，{source_md(ev)}）"
        self.seen.add(key)
        return f"“{md(ev.text if span else ev.sentence)}”（{source_md(ev)}）"


def documents_md(docs: list[DocumentRef]) -> list[str]:
    if not docs:
        return []
    out = ["## 来源文献", ""]
    for i, d in enumerate(docs, start=1):
        title = md(title_text(d.title)) or "（无标题）"
        where = f"<{d.source}>" if d.source and is_url(d.source) else md(d.source or d.id)
        facts = "，".join(md(x) for x in (d.published, d.publisher) if x)
        out.append(f"{i}. {title} — {where}" + (f"（{facts}）" if facts else ""))
    return [*out, ""]


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _org_line(o: OrgEntry, quote: _Quotes) -> str:
    cited = f" — {quote(o.evidence)}" if o.evidence else ""
    return (
        f"- **{md(o.name)}**（{type_text(o.type)}，{PRESENCE_LABEL[o.presence]}，{md(org_home(o))}"
        f"{'，分析员更正' if o.corrected else ''}）{cited}"
    )


def _candidate_line(c: Candidate, quote: _Quotes) -> str:
    facts = [type_text(c.type), md(org_home(c))]
    if c.foreign:
        facts.append("境外")
    if c.corrected:
        facts.append("分析员更正")
    why = f" 理由：{md(c.reason)}。" if c.reason else f" {c.mentions}处提及。"
    cited = f" — {quote(c.evidence)}" if c.evidence else ""
    return f"{c.rank}. **{md(c.name)}**（{'，'.join(facts)}）{why}{cited}"


def _policy_line(p: PolicyEntry, quote: _Quotes) -> str:
    scope = "全国" if p.scope == "national" else (scope_text(p.region) if p.region else None)
    facts = [md(x) for x in (p.date, scope) if x]
    if p.issued_by:
        facts.append(f"发布：{md('、'.join(p.issued_by))}")
    if p.responsible:
        facts.append(f"责任单位：{md('、'.join(p.responsible))}")
    cited = f" — {quote(p.evidence)}" if p.evidence else ""
    return f"- 《{md(p.name)}》（{'；'.join(facts)}）{cited}" if facts else f"- 《{md(p.name)}》{cited}"


def _claim_line(c: ClaimEntry, quote: _Quotes) -> str:
    ev = c.evidence[0] if c.evidence else None
    return f"- {KIND_LABEL.get(c.kind, c.kind)}（{md(c.region)}）：{quote(ev) if ev else md(c.id)}"


def _target_line(t: TargetEntry, quote: _Quotes) -> str:
    ev = t.evidence[0] if t.evidence else None
    who = f"；责任单位：{md('、'.join(t.agencies))}" if t.agencies else ""
    policy = f"《{md(t.policy)}》" if t.policy else ""
    cited = f" — {quote(ev, span=True)}" if ev else ""
    return f"- {md(target_text(t))}（{md(scope_text(t.region))}）{policy}{who}{cited}"


Link: TypeAlias = SegmentEntry | SubsectorEntry | PillarEntry


def _section(title: str, link: Link, level: str, quote: _Quotes, limit: int) -> list[str]:
    out = [f"{level} {md(title)} — {status_text(link.status)}", ""]
    if link.organizations:
        out += ["本地区已有：", "", *(_org_line(o, quote) for o in link.organizations), ""]
    else:
        out += ["本地区暂无机构。", ""]
    if link.status != "covered" and not offers_candidates(link):
        out += [NO_RECRUITING, ""]
    elif link.status != "covered":
        if link.candidates:
            out += [
                "可招引的外地机构（排名见文末说明）：",
                "",
                *(_candidate_line(c, quote) for c in link.candidates),
                "",
            ]
        else:
            out += [md(no_candidates_text(link.candidate_note, limit, bool(link.foreign_candidates))), ""]
        if link.foreign_candidates and limit:
            out += [
                "境外机构（另列，供参考）：",
                "",
                *(_candidate_line(c, quote) for c in link.foreign_candidates),
                "",
            ]
    if link.claims:
        out += ["本地区的自述：", "", *(_claim_line(c, quote) for c in link.claims), ""]
    if link.targets:
        out += ["相关政策目标：", "", *(_target_line(t, quote) for t in link.targets), ""]
    return out


def gap_markdown(report: GapReport) -> str:
    r = report
    quote = _Quotes()
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
        names = "、".join(
            [
                *(md(o.name) + ("*" if o.presence == "settled" else "") for o in pil.organizations),
                *(f"《{md(p.name)}》" for p in pil.policies),
            ]
        )
        rows.append([f"支撑 · {md(pil.name)}", STATUS_LABEL[pil.status], str(pil.count), names])
    out += _table(["环节", "状态", "机构数", "机构（* 为外地落户）"], rows)

    for seg in r.segments:
        out += _section(f"{seg.name}（{seg.title}）", seg, "##", quote, r.candidate_limit)
        for sub in seg.subsectors:
            out += _section(sub.name, sub, "###", quote, r.candidate_limit)
    out += ["## 支撑体系", ""]
    for pil in r.pillars:
        out += _section(pil.name, pil, "###", quote, r.candidate_limit)
        if pil.policies:
            out += ["适用本地区的政策（计入）：", "", *(_policy_line(p, quote) for p in pil.policies), ""]
        if pil.national_policies:
            out += [
                "国家政策（另列，不计入）：",
                "",
                *(_policy_line(p, quote) for p in pil.national_policies),
                "",
            ]
    out += ["## 本地区对自身产业链的表述", ""]
    out += [*(_claim_line(c, quote) for c in r.claims)] if r.claims else ["（语料中没有）"]
    out += ["", "## 政策目标", ""]
    out += [*(_target_line(t, quote) for t in r.targets)] if r.targets else ["（语料中没有）"]
    out += ["", "---", "", md(CANDIDATE_RANKING_ZH), "", *documents_md(documents(r))]
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
            *documents_md(documents(report)),
        ]
    )


def targets_markdown(report: TargetsReport) -> str:
    quote = _Quotes()
    rows = []
    for item in report.targets:
        t = item.target
        bears = "、".join(f"{md(b.name)}（{STATUS_LABEL[b.status]}）" for b in item.bears_on)
        ev = t.evidence[0] if t.evidence else None
        rows.append(
            [
                str(t.year or ""),
                md(scope_text(t.region)),
                md(quantity_text(t)),
                md(t.subject),
                md("、".join(t.agencies)),
                bears or md(links_text(t)),
                quote(ev, span=True),
            ]
        )
    out = [f"# 政策目标：{md(report.region.full_name)}", ""]
    if not rows:
        return "\n".join([*out, "语料中没有这一地区的量化政策目标。", ""])
    header = ["年份", "适用地区", "数量", "内容", "责任单位", "对应环节（现状）", "原文与来源"]
    return "\n".join([*out, *_table(header, rows), *documents_md(documents(report))])
