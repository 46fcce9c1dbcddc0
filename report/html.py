"""Self-contained HTML pages of the reports: no script, no network; the chain map is inline SVG.

Every piece of text from the data is escaped with html.escape (names and sentences come from
scraped input). The font stack names the common CJK fonts of each platform so Chinese renders
wherever the page is opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from bcikg.report.labels import (
    KIND_LABEL,
    PRESENCE_LABEL,
    STATUS_LABEL,
    TYPE_LABEL,
    cite,
    org_home,
    quantity_text,
)
from bcikg.report.model import (
    Candidate,
    ClaimEntry,
    CompareReport,
    EvidenceRef,
    GapReport,
    OrgEntry,
    PillarEntry,
    SubsectorEntry,
    TargetEntry,
    TargetsReport,
)

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", "Hiragino Sans GB", sans-serif'
)
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#393b79",
)
UNKNOWN_COLOUR = "#8a8a8a"
STATUS_COLOUR = {"covered": "#2e7d32", "thin": "#ef8f00", "gap": "#c62828"}

CSS = f"""
body {{ font-family: {FONT_STACK}; margin: 24px auto; max-width: 1240px; color: #222; line-height: 1.5; }}
h1 {{ font-size: 24px; }} h2 {{ font-size: 20px; margin-top: 32px; }} h3 {{ font-size: 16px; }}
table {{ border-collapse: collapse; margin: 8px 0 16px; width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 14px; }}
th {{ background: #f3f3f3; }}
.covered {{ color: {STATUS_COLOUR["covered"]}; font-weight: bold; }}
.thin {{ color: {STATUS_COLOUR["thin"]}; font-weight: bold; }}
.gap {{ color: {STATUS_COLOUR["gap"]}; font-weight: bold; }}
.quote {{ color: #444; }} .cite {{ color: #888; font-size: 12px; }}
.note {{ color: #666; font-size: 13px; }}
svg text {{ font-family: {FONT_STACK}; }}
"""


def h(text: object) -> str:
    return escape("" if text is None else str(text), quote=True)


def _page(title: str, body: Iterable[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{h(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _status(status: str) -> str:
    return f'<span class="{h(status)}">{h(STATUS_LABEL.get(status, status))}</span>'


def _quote(ev: EvidenceRef | None) -> str:
    if ev is None:
        return ""
    return f'<span class="quote">“{h(ev.sentence)}”</span> <span class="cite">{h(cite(ev))}</span>'


# ------------------------------------------------------------------ chain map (SVG)


@dataclass(frozen=True)
class _Colours:
    by_region: dict[str, str]

    @classmethod
    def of(cls, orgs: Iterable[OrgEntry]) -> _Colours:
        regions = sorted({o.region for o in orgs if o.region})
        return cls({r: PALETTE[i % len(PALETTE)] for i, r in enumerate(regions)})

    def __call__(self, region: str | None) -> str:
        return self.by_region.get(region or "", UNKNOWN_COLOUR)


_COL_W = 380
_GAP = 20
_PILL_W = 172
_PILL_H = 26
_PAD = 8
_HEAD = 26
_MAX_PILLS = 11  # a box shows at most this many organisations; the tables list them all


def _short(name: str, limit: int = 10) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def _pills(orgs: Sequence[OrgEntry], x: float, y: float, colours: _Colours) -> list[str]:
    out = []
    for i, o in enumerate(orgs):
        px = x + _PAD + (i % 2) * (_PILL_W + _PAD)
        py = y + (i // 2) * (_PILL_H + 6)
        colour = colours(o.region)
        tooltip = h(
            f"{o.name}（{TYPE_LABEL.get(o.type, o.type)}，{PRESENCE_LABEL[o.presence]}，{org_home(o)}）"
        )
        if o.presence == "home":
            rect = f'fill="{colour}" stroke="{colour}"'
            fill_text = "#fff"
        else:
            rect = f'fill="#fff" stroke="{colour}" stroke-width="2" stroke-dasharray="5 3"'
            fill_text = colour
        out.append(
            f'<g class="org {h(o.presence)}"><title>{tooltip}</title>'
            f'<rect x="{px}" y="{py}" width="{_PILL_W}" height="{_PILL_H}" rx="13" {rect}/>'
            f'<text x="{px + _PILL_W / 2}" y="{py + 18}" text-anchor="middle" font-size="13" '
            f'fill="{fill_text}">'
            f"{h(_short(o.name))}</text></g>"
        )
    return out


def _box(
    title: str,
    status: str,
    count: int,
    orgs: Sequence[OrgEntry],
    candidates: Sequence[Candidate],
    x: float,
    y: float,
    width: float,
    colours: _Colours,
) -> tuple[list[str], float]:
    """A subsector or pillar box; an empty dashed slot when nothing is there. Returns (svg, height)."""
    shown = list(orgs[:_MAX_PILLS])
    rows = max(1, (len(shown) + 1 + (len(orgs) > len(shown))) // 2)
    height = _HEAD + rows * (_PILL_H + 6) + _PAD
    colour = STATUS_COLOUR[status]
    out = [
        f'<g class="slot {h(status)}">',
        f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="6" fill="#fafafa" '
        f'stroke="{colour}" stroke-width="{1.5 if status == "covered" else 2}"'
        + (' stroke-dasharray="6 4"' if not orgs else "")
        + "/>",
        f'<text x="{x + 10}" y="{y + 18}" font-size="14" font-weight="bold" fill="#222">{h(title)}</text>',
        f'<text x="{x + width - 10}" y="{y + 18}" font-size="12" text-anchor="end" fill="{colour}">'
        f"{h(STATUS_LABEL[status])} · {count}</text>",
    ]
    if orgs:
        out += _pills(shown, x, y + _HEAD, colours)
        if len(orgs) > len(shown):
            i = len(shown)
            px = x + _PAD + (i % 2) * (_PILL_W + _PAD)
            py = y + _HEAD + (i // 2) * (_PILL_H + 6)
            out.append(
                f'<text x="{px + _PILL_W / 2}" y="{py + 18}" text-anchor="middle" font-size="13" fill="#555">'
                f"另有 {len(orgs) - len(shown)} 家（见下表）</text>"
            )
    else:
        hint = (
            "候选：" + "、".join(_short(c.name, 8) for c in candidates[:2])
            if candidates
            else "语料中无外地机构"
        )
        out.append(
            f'<text x="{x + width / 2}" y="{y + _HEAD + 18}" font-size="12" text-anchor="middle" fill="#999">'
            f"空缺 · {h(hint)}</text>"
        )
    out.append("</g>")
    return out, height


def chain_svg(report: GapReport) -> str:
    colours = _Colours.of(report.organizations)
    parts: list[str] = []
    column_bottom = []
    for i, seg in enumerate(report.segments):
        x: float = i * (_COL_W + _GAP)
        colour = STATUS_COLOUR[seg.status]
        parts.append(
            f'<g class="segment"><rect x="{x}" y="0" width="{_COL_W}" height="40" rx="6" fill="{colour}"/>'
            f'<text x="{x + _COL_W / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold" '
            'fill="#fff">'
            f"{h(seg.name)} · {h(seg.title)} · {h(STATUS_LABEL[seg.status])} {seg.count}</text></g>"
        )
        y = 52.0
        for sub in seg.subsectors:
            svg, height = _sub_box(sub, x, y, colours)
            parts += svg
            y += height + 10
        column_bottom.append(y)
    y = max(column_bottom) + 16
    parts.append(f'<text x="0" y="{y + 16}" font-size="16" font-weight="bold">支撑体系</text>')
    y += 28
    per_row = 3
    width = (3 * _COL_W + 2 * _GAP - (per_row - 1) * _GAP) / per_row
    row_height = 0.0
    for j, pil in enumerate(report.pillars):
        if j and j % per_row == 0:
            y += row_height + 10
            row_height = 0.0
        x = (j % per_row) * (width + _GAP)
        svg, height = _pillar_box(pil, x, y, width, colours)
        parts += svg
        row_height = max(row_height, height)
    y += row_height + 20
    legend, y = _legend(colours, y)
    parts += legend
    total_w = 3 * _COL_W + 2 * _GAP
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{y + 10}" '
        f'viewBox="0 0 {total_w} {y + 10}" role="img" aria-label="{h(report.region.full_name)} 产业链图">'
        + "".join(parts)
        + "</svg>"
    )


def _sub_box(sub: SubsectorEntry, x: float, y: float, colours: _Colours) -> tuple[list[str], float]:
    return _box(sub.name, sub.status, sub.count, sub.organizations, sub.candidates, x, y, _COL_W, colours)


def _pillar_box(
    pil: PillarEntry, x: float, y: float, width: float, colours: _Colours
) -> tuple[list[str], float]:
    return _box(pil.name, pil.status, pil.count, pil.organizations, pil.candidates, x, y, width, colours)


def _legend(colours: _Colours, y: float) -> tuple[list[str], float]:
    items = [*colours.by_region.items(), ("籍贯未载明", UNKNOWN_COLOUR)]
    out = [f'<text x="0" y="{y + 14}" font-size="13" fill="#444">颜色 = 机构所在地：</text>']
    x, y = 150.0, y
    for name, colour in items:
        if x > 3 * _COL_W - 120:
            x, y = 150.0, y + 22
        out.append(
            f'<rect x="{x}" y="{y + 3}" width="14" height="14" rx="3" fill="{colour}"/>'
            f'<text x="{x + 20}" y="{y + 15}" font-size="12" fill="#444">{h(name)}</text>'
        )
        x += 40 + 13 * len(name)
    y += 26
    out.append(
        f'<rect x="0" y="{y}" width="60" height="18" rx="9" fill="#fff" stroke="#555" '
        'stroke-dasharray="5 3"/>'
        f'<text x="70" y="{y + 14}" font-size="12" fill="#444">虚线 = 外地机构在本地落户/签约（settled）；'
        "实心 = 本地机构（home）；虚线空框 = 空缺（gap）</text>"
    )
    return out, y + 24


# ------------------------------------------------------------------ tables


def _org_rows(orgs: Sequence[OrgEntry]) -> str:
    rows = "".join(
        f"<tr><td>{h(o.name)}{'（分析员更正）' if o.corrected else ''}</td>"
        f"<td>{h(TYPE_LABEL.get(o.type, o.type))}</td>"
        f"<td>{h(PRESENCE_LABEL[o.presence])}</td>"
        f"<td>{h(org_home(o))}</td><td>{_quote(o.evidence)}</td></tr>"
        for o in orgs
    )
    return (
        f"<table><tr><th>机构</th><th>类型</th><th>身份</th><th>所在地</th><th>依据</th></tr>{rows}</table>"
    )


def _candidate_rows(candidates: Sequence[Candidate]) -> str:
    if not candidates:
        return '<p class="note">语料中没有其他地区的机构从事这一环节。</p>'
    rows = "".join(
        f"<tr><td>{c.rank}</td><td>{h(c.name)}</td><td>{h(TYPE_LABEL.get(c.type, c.type))}</td>"
        f"<td>{h(org_home(c))}</td><td>{c.mentions}{'，文中明确环节' if c.explicit else ''}</td>"
        f"<td>{_quote(c.evidence)}</td></tr>"
        for c in candidates
    )
    return (
        "<table><tr><th>#</th><th>候选机构</th><th>类型</th><th>所在地</th><th>提及</th><th>做什么（原文）</th></tr>"
        f"{rows}</table>"
    )


def _target_rows(targets: Sequence[TargetEntry], bears: Sequence[str] | None = None) -> str:
    rows = []
    for i, t in enumerate(targets):
        ev = t.evidence[0] if t.evidence else None
        extra = f"<td>{bears[i]}</td>" if bears is not None else ""
        rows.append(
            f"<tr><td>{h(t.year or '')}</td><td>{h(quantity_text(t))}</td><td>{h(t.subject)}</td>"
            f"<td>{h('、'.join(t.agencies))}</td>{extra}<td>{_quote(ev)}</td></tr>"
        )
    head = "<th>对应环节（现状）</th>" if bears is not None else ""
    return (
        f"<table><tr><th>年份</th><th>数量</th><th>内容</th><th>责任单位</th>{head}<th>原文</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _claim_rows(claims: Sequence[ClaimEntry]) -> str:
    rows = "".join(
        f'<tr><td class="{"gap" if c.kind == "gap" else "covered"}">{h(KIND_LABEL.get(c.kind, c.kind))}</td>'
        f"<td>{h(c.region)}</td><td>{_quote(c.evidence[0] if c.evidence else None)}</td></tr>"
        for c in claims
    )
    return f"<table><tr><th>类别</th><th>地区</th><th>原文</th></tr>{rows}</table>"


def _link_section(
    level: str,
    title: str,
    status: str,
    count: int,
    orgs: Sequence[OrgEntry],
    candidates: Sequence[Candidate],
    targets: Sequence[TargetEntry],
    claims: Sequence[ClaimEntry],
) -> list[str]:
    out = [f"<{level}>{h(title)} — {_status(status)} · {count}</{level}>"]
    out.append(_org_rows(orgs) if orgs else '<p class="note">本地区暂无机构。</p>')
    if status != "covered":
        out += ["<p>可招引的外地机构：</p>", _candidate_rows(candidates)]
    if claims:
        out += ["<p>本地区的自述：</p>", _claim_rows(claims)]
    if targets:
        out += ["<p>相关政策目标：</p>", _target_rows(targets)]
    return out


def gap_html(report: GapReport) -> str:
    r = report
    body = [
        f"<h1>脑机接口产业链缺口报告：{h(r.region.full_name)}</h1>",
        f'<p class="note">范围：{h("、".join(i.full_name for i in r.includes))}（含下辖地区）。'
        f"状态按机构数（本地与落户合计）：≥{r.thresholds.covered_min} 已覆盖，≥{r.thresholds.thin_min} 薄弱，"
        "否则缺口。</p>",
        "<h2>产业链图</h2>",
        chain_svg(r),
        "<h2>总览</h2>",
    ]
    rows = []
    for seg in r.segments:
        rows.append(
            f"<tr><th>{h(seg.name)} {h(seg.title)}</th><td>{_status(seg.status)}</td>"
            f"<td>{seg.count}</td></tr>"
        )
        rows += [
            f"<tr><td>　{h(sub.name)}</td><td>{_status(sub.status)}</td><td>{sub.count}</td></tr>"
            for sub in seg.subsectors
        ]
    rows += [
        f"<tr><td>支撑 · {h(p.name)}</td><td>{_status(p.status)}</td><td>{p.count}</td></tr>"
        for p in r.pillars
    ]
    body.append("<table><tr><th>环节</th><th>状态</th><th>机构数</th></tr>" + "".join(rows) + "</table>")
    for seg in r.segments:
        body += _link_section(
            "h2",
            f"{seg.name}（{seg.title}）",
            seg.status,
            seg.count,
            seg.organizations,
            seg.candidates,
            seg.targets,
            seg.claims,
        )
        for sub in seg.subsectors:
            body += _link_section(
                "h3",
                sub.name,
                sub.status,
                sub.count,
                sub.organizations,
                sub.candidates,
                sub.targets,
                sub.claims,
            )
    body.append("<h2>支撑体系</h2>")
    for p in r.pillars:
        body += _link_section(
            "h3", p.name, p.status, p.count, p.organizations, p.candidates, p.targets, p.claims
        )
        if p.policies:
            body.append(
                "<ul>"
                + "".join(f"<li>《{h(x.name)}》 {h(x.date or '')}（{h(x.region)}）</li>" for x in p.policies)
                + "</ul>"
            )
    body += [
        "<h2>本地区对自身产业链的表述</h2>",
        _claim_rows(r.claims) if r.claims else "<p>（语料中没有）</p>",
    ]
    body += ["<h2>政策目标</h2>", _target_rows(r.targets) if r.targets else "<p>（语料中没有）</p>"]
    body += ["<h2>本地区全部机构</h2>", _org_rows(r.organizations)]
    body.append(f'<p class="note">候选排名说明：{h(r.candidate_ranking)}</p>')
    return _page(f"产业链缺口报告 {r.region.full_name}", body)


def compare_html(report: CompareReport) -> str:
    top = max((n for row in report.rows for n in row.counts), default=0) or 1
    head = "".join(f"<th>{h(r.full_name)}</th>" for r in report.regions)
    rows = []
    for row in report.rows:
        label = h(row.name)
        if row.kind == "segment":
            label = f"<b>{label}</b>"
        elif row.kind == "pillar":
            label = f"支撑 · {label}"
        else:
            label = f"　{label}"
        cells = []
        for n, status in zip(row.counts, row.statuses, strict=True):
            if n == 0:
                style = "background:#fdecea;color:#c62828"
            else:
                alpha = 0.15 + 0.85 * n / top
                style = (
                    f"background:rgba(46,125,50,{alpha:.2f});color:{'#fff' if alpha > 0.55 else '#1b3d1d'}"
                )
            cells.append(f'<td style="{style};text-align:center" title="{h(STATUS_LABEL[status])}">{n}</td>')
        rows.append(f"<tr><td>{label}</td>{''.join(cells)}</tr>")
    body = [
        "<h1>脑机接口产业链对比：" + h(" / ".join(r.full_name for r in report.regions)) + "</h1>",
        '<p class="note">每格为本地与落户机构数合计，颜色越深越多，浅红为 0（缺口）；'
        f"≥{report.thresholds.covered_min}"
        f" 已覆盖，≥{report.thresholds.thin_min} 薄弱。</p>",
        f"<table><tr><th>环节</th>{head}</tr>{''.join(rows)}</table>",
    ]
    return _page("产业链对比", body)


def targets_html(report: TargetsReport) -> str:
    body = [f"<h1>政策目标：{h(report.region.full_name)}</h1>"]
    if not report.targets:
        body.append("<p>语料中没有这一地区的量化政策目标。</p>")
    else:
        bears = [
            "、".join(f"{h(b.name)}（{_status(b.status)}）" for b in item.bears_on) for item in report.targets
        ]
        body.append(_target_rows([item.target for item in report.targets], bears))
    return _page(f"政策目标 {report.region.full_name}", body)
