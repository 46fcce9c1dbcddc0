"""Markdown renderings of the reports, for pasting into a briefing.

Text from the data (names, sentences) is put into table cells and quotes with the characters
that would break Markdown structure escaped.
"""

from __future__ import annotations

from collections.abc import Iterable

from bcikg.report.labels import (
    CANDIDATE_RANKING_ZH,
    KIND_LABEL,
    PRESENCE_LABEL,
    STATUS_LABEL,
    display,
    documents,
    is_url,
    links_text,
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
        f"- **{md(o.name)}**（{type_text(o.type)}，{PRESENCE_LABEL[o.presence]}，{md(org_home(o))}）{cited}"
    )


def _candidate_line(c: Candidate, quote: _Quotes) -> str:
    facts = [type_text(c.type), md(org_home(c)), f"{c.mentions}处提及"]
    if c.explicit:
        facts.append("文中明确环节")
    cited = f" — {quote(c.evidence)}" if c.evidence else ""
    return f"{c.rank}. **{md(c.name)}**（{'，'.join(facts)}）{cited}"


def _claim_line(c: ClaimEntry, quote: _Quotes) -> str:
    ev = c.evidence[0] if c.evidence else None
    return f"- {KIND_LABEL.get(c.kind, c.kind)}（{md(c.region)}）：{quote(ev) if ev else md(c.id)}"


def _target_line(t: TargetEntry, quote: _Quotes) -> str:
    ev = t.evidence[0] if t.evidence else None
    who = f"；责任单位：{md('、'.join(t.agencies))}" if t.agencies else ""
    policy = f"《{md(t.policy)}》" if t.policy else ""
    cited = f" — {quote(ev, span=True)}" if ev else ""
    return f"- {md(target_text(t))}（{md(scope_text(t.region))}）{policy}{who}{cited}"


def _section(
    title: str,
    status: str,
    orgs: list[OrgEntry],
    candidates: list[Candidate],
    targets: list[TargetEntry],
    claims: list[ClaimEntry],
    level: str,
    quote: _Quotes,
) -> list[str]:
    out = [f"{level} {md(title)} — {status_text(status)}", ""]
    if orgs:
        out += ["本地区已有：", "", *(_org_line(o, quote) for o in orgs), ""]
    else:
        out += ["本地区暂无机构。", ""]
    if status != "covered":
        if candidates:
            out += [
                "可招引的外地机构（排名见文末说明）：",
                "",
                *(_candidate_line(c, quote) for c in candidates),
                "",
            ]
        else:
            out += ["语料中没有其他地区的机构从事这一环节。", ""]
    if claims:
        out += ["本地区的自述：", "", *(_claim_line(c, quote) for c in claims), ""]
    if targets:
        out += ["相关政策目标：", "", *(_target_line(t, quote) for t in targets), ""]
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
            quote,
        )
        for sub in seg.subsectors:
            out += _section(
                sub.name, sub.status, sub.organizations, sub.candidates, sub.targets, sub.claims, "###", quote
            )
    out += ["## 支撑体系", ""]
    for pil in r.pillars:
        out += _section(
            pil.name, pil.status, pil.organizations, pil.candidates, pil.targets, pil.claims, "###", quote
        )
        if pil.policies:
            out += [
                "政策：",
                "",
                *(
                    f"- 《{md(p.name)}》 {md(p.date or '')}（{md(p.region or '地区未载明')}）"
                    for p in pil.policies
                ),
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
