"""Self-contained HTML pages of the reports: no script, no network; the chain map is inline SVG.

Every piece of text from the data is escaped with html.escape (names and sentences come from
scraped input) after display normalisation (Kangxi radicals and other compatibility characters
as their NFKC form, so every glyph renders). The font stack names the common CJK fonts of each
platform so Chinese renders wherever the page is opened.

Colours mean one thing each: the status of a link (covered, thin, gap) is a green, amber or red
frame and label; the home region of an organisation is the fill of its pill, from a palette that
holds no green, amber or red. A settled organisation (from elsewhere) is a pale pill with a solid
border in its home region's colour; only a gap is drawn dashed. Names are never shortened: a pill
grows or wraps to hold the whole name, and the tables give every name in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import PurePath
from typing import TypeAlias
from urllib.parse import quote as url_quote

from bcikg.report.labels import (
    CANDIDATE_RANKING_ZH,
    KIND_LABEL,
    NO_RECRUITING,
    PRESENCE_LABEL,
    STATUS_LABEL,
    UNKNOWN_HOME,
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

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", "Hiragino Sans GB", sans-serif'
)
# Region fills: blues, purples, teals, browns and greys — nothing a reader could take for the
# green, amber or red of a status.
PALETTE = (
    "#1f5fa8",
    "#7b4fa6",
    "#138a8a",
    "#8c564b",
    "#b0488f",
    "#393b79",
    "#4a7fc1",
    "#5e3c58",
    "#2f6f73",
    "#6b6ecf",
)
UNKNOWN_COLOUR = "#6e6e6e"
STATUS_COLOUR = {"covered": "#2e7d32", "thin": "#d98a00", "gap": "#c62828"}

CSS = f"""
body {{ font-family: {FONT_STACK}; margin: 24px auto; max-width: 1240px; padding: 0 16px; color: #222;
  line-height: 1.5; }}
h1 {{ font-size: 24px; }} h2 {{ font-size: 20px; margin-top: 32px; }} h3 {{ font-size: 16px; }}
table {{ border-collapse: collapse; margin: 8px 0 16px; width: 100%; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; font-size: 14px;
  overflow-wrap: anywhere; }}
th {{ background: #f3f3f3; white-space: nowrap; }}
td.name {{ min-width: 9em; font-weight: 600; }}
td.short {{ white-space: nowrap; }}
td.home {{ min-width: 7em; }}
td.num {{ white-space: nowrap; text-align: right; }}
.st-covered {{ color: {STATUS_COLOUR["covered"]}; font-weight: bold; }}
.st-thin {{ color: {STATUS_COLOUR["thin"]}; font-weight: bold; }}
.st-gap {{ color: {STATUS_COLOUR["gap"]}; font-weight: bold; }}
.kind-gap {{ color: {STATUS_COLOUR["gap"]}; font-weight: bold; }}
.kind-strength {{ color: {STATUS_COLOUR["covered"]}; font-weight: bold; }}
.kind-recommendation {{ color: #455a64; font-weight: bold; }}
.quote {{ color: #333; }} .src {{ color: #666; font-size: 12px; white-space: nowrap; }}
.src a {{ color: #0645ad; }} .again {{ color: #888; font-size: 12px; }}
.note {{ color: #666; font-size: 13px; }}
ol.docs li {{ margin: 4px 0; overflow-wrap: anywhere; }}
svg text {{ font-family: {FONT_STACK}; }}
"""


def h(text: object) -> str:
    return escape(display("" if text is None else str(text)), quote=True)


def _page(title: str, body: Iterable[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{h(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def _status(status: str) -> str:
    return f'<span class="st-{h(status)}">{h(STATUS_LABEL.get(status, status))}</span>'


# ------------------------------------------------------------------ sources and quotes


def source_href(source: str | None, text: str | None = None) -> str | None:
    """A link to the source: the URL (with a text fragment that highlights the quoted words in
    browsers that support it) or a file: URL of an absolute path; a relative path as written."""
    if not source:
        return None
    if is_url(source):
        if text:
            words = display(text).strip()[:20]
            return f"{source.split('#', 1)[0]}#:~:text={url_quote(words, safe='')}" if words else source
        return source
    path = PurePath(source)
    if path.is_absolute():
        return "file://" + url_quote(path.as_posix())
    return url_quote(path.as_posix())


def _source_link(ref: EvidenceRef | DocumentRef, number: int | None, text: str | None = None) -> str:
    label = (
        title_text(ref.title)
        or source_name(ref.source)
        or (ref.doc_id if isinstance(ref, EvidenceRef) else ref.id)
    )
    href = source_href(ref.source, text)
    shown = f'<a href="{h(href)}">{h(label)}</a>' if href else h(label)
    ref_no = f' <a href="#doc-{number}">[{number}]</a>' if number else ""
    tip = h(ref.source or "")
    return f'<span class="src" title="{tip}">{shown}{ref_no}</span>'


class _Quotes:
    """Quotes each evidence sentence once per page, with its source; later uses link back to it."""

    def __init__(self, docs: list[DocumentRef]) -> None:
        self.number = {d.id: i for i, d in enumerate(docs, start=1)}
        self.seen: dict[tuple[str, str], str] = {}

    def __call__(self, ev: EvidenceRef | None, *, span: bool = False) -> str:
        if ev is None:
            return ""
        key = (ev.doc_id, ev.sentence)
        number = self.number.get(ev.doc_id)
        if key in self.seen:
            return f'<a class="again" href="#{self.seen[key]}">原文见上</a> {_source_link(ev, number)}'
        anchor = f"q{len(self.seen) + 1}"
        self.seen[key] = anchor
        text = ev.text if span else ev.sentence
        return f'<span class="quote" id="{anchor}">“{h(text)}”</span> {_source_link(ev, number, ev.text)}'


def _documents(docs: list[DocumentRef]) -> list[str]:
    if not docs:
        return []
    items = []
    for i, d in enumerate(docs, start=1):
        title = h(title_text(d.title)) or "（无标题）"
        href = source_href(d.source)
        where = f'<a href="{h(href)}">{h(d.source)}</a>' if href else h(d.source or d.id)
        facts = "，".join(h(x) for x in (d.published, d.publisher) if x)
        items.append(f'<li id="doc-{i}">{title} — {where}' + (f"（{facts}）" if facts else "") + "</li>")
    return ["<h2>来源文献</h2>", f'<ol class="docs">{"".join(items)}</ol>']


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
_PILL_H = 26
_LINE_H = 17
_PAD = 8
_HEAD = 26
_FONT = 13
_MAX_PILLS = 11  # a box shows at most this many organisations; the tables list them all


def text_width(text: str, size: float = _FONT) -> float:
    """Estimated rendered width: a CJK or full-width character is one em, others about 0.6 em."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def wrap_to(text: str, width: float, size: float = _FONT) -> list[str]:
    """The text in lines no wider than ``width`` (broken between characters)."""
    lines, line, used = [], "", 0.0
    for ch in text:
        w = text_width(ch, size)
        if line and used + w > width:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    return [*lines, line] if line else lines


def _tspans(lines: Sequence[str], x: float, step: float = _LINE_H) -> str:
    """The lines as <tspan>s of one <text>, each at ``x`` and ``step`` below the one before."""
    return "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else step}">{h(line)}</tspan>' for i, line in enumerate(lines)
    )


def _tint(colour: str) -> str:
    """The colour mixed with four parts white (the pale fill of a settled organisation's pill)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*((c + 4 * 255) // 5 for c in (r, g, b)))


def _pills(
    orgs: Sequence[OrgEntry], x: float, y: float, width: float, colours: _Colours
) -> tuple[list[str], float]:
    """Organisation pills flowed into rows inside a box; returns (svg, height used)."""
    out = []
    inner = width - 2 * _PAD
    cx, cy, row_h = x + _PAD, y, 0.0
    for o in orgs:
        name = display(o.name)
        lines = wrap_to(name, inner - 24)
        pill_w = min(inner, max(64.0, max(text_width(line) for line in lines) + 24))
        pill_h = _PILL_H + (len(lines) - 1) * _LINE_H
        if cx + pill_w > x + _PAD + inner + 0.5:
            cx, cy, row_h = x + _PAD, cy + row_h + 6, 0.0
        colour = colours(o.region)
        tooltip = h(f"{name}（{type_text(o.type)}，{PRESENCE_LABEL[o.presence]}，{org_home(o)}）")
        if o.presence == "home":
            rect = f'fill="{colour}" stroke="{colour}" stroke-width="1"'
            ink = "#fff"
        else:
            rect = f'fill="{_tint(colour)}" stroke="{colour}" stroke-width="2.5"'
            ink = "#222"
        spans = _tspans(lines, cx + pill_w / 2)
        out.append(
            f'<g class="org {h(o.presence)}" data-name="{h(name)}" data-region="{h(o.region or "")}">'
            f"<title>{tooltip}</title>"
            f'<rect x="{cx:.1f}" y="{cy:.1f}" width="{pill_w:.1f}" height="{pill_h}" rx="13" {rect}/>'
            f'<text x="{cx + pill_w / 2:.1f}" y="{cy + 18:.1f}" text-anchor="middle" font-size="{_FONT}" '
            f'fill="{ink}">{spans}</text></g>'
        )
        cx += pill_w + _PAD
        row_h = max(row_h, pill_h)
    return out, (cy + row_h - y) if orgs else 0.0


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
    texts: Sequence[str] = (),
) -> tuple[list[str], float]:
    """A subsector or pillar box; a gap is an empty dashed slot. ``texts``: lines shown instead of
    pills (the policies of the policy pillar). Returns (svg, height)."""
    shown = list(orgs[:_MAX_PILLS])
    colour = STATUS_COLOUR[status]
    body: list[str] = []
    if texts:
        lines = [line for text in texts for line in wrap_to(text, width - 2 * _PAD)]
        spans = _tspans(lines, x + _PAD)
        body.append(
            f'<text class="policies" x="{x + _PAD:.1f}" y="{y + _HEAD + 14}" font-size="{_FONT}" '
            f'fill="#333">{spans}</text>'
        )
        used = float(_LINE_H * len(lines))
    elif orgs:
        body, used = _pills(shown, x, y + _HEAD, width, colours)
        if len(orgs) > len(shown):
            used += _LINE_H + 4
            body.append(
                f'<text x="{x + width / 2}" y="{y + _HEAD + used - 4:.1f}" text-anchor="middle" '
                f'font-size="12" fill="#555">另有 {len(orgs) - len(shown)} 家（见下表）</text>'
            )
    else:
        hint = (
            "空缺 · 候选：" + "、".join(display(c.name) for c in candidates[:2])
            if candidates
            else "空缺 · 语料中无外地机构"
        )
        lines = wrap_to(hint, width - 2 * _PAD, 12)
        spans = _tspans(lines, x + width / 2, 16)
        body.append(
            f'<text class="hint" x="{x + width / 2:.1f}" y="{y + _HEAD + 14}" font-size="12" '
            f'text-anchor="middle" fill="#777">{spans}</text>'
        )
        used = 16.0 * len(lines)
    height = _HEAD + max(used, _PILL_H) + _PAD
    out = [
        f'<g class="slot st-{h(status)}" data-status="{h(status)}">',
        f'<rect class="frame" x="{x}" y="{y}" width="{width}" height="{height:.1f}" rx="6" fill="#fafafa" '
        f'stroke="{colour}" stroke-width="{1.5 if status == "covered" else 2}"'
        + (' stroke-dasharray="6 4"' if status == "gap" else "")
        + "/>",
        f'<text x="{x + 10}" y="{y + 18}" font-size="14" font-weight="bold" fill="#222">{h(title)}</text>',
        f'<text x="{x + width - 10}" y="{y + 18}" font-size="12" text-anchor="end" fill="{colour}">'
        f"{h(STATUS_LABEL[status])} · {count}</text>",
        *body,
        "</g>",
    ]
    return out, height


def chain_svg(report: GapReport) -> str:
    colours = _Colours.of(report.organizations)
    parts: list[str] = []
    column_bottom = []
    for i, seg in enumerate(report.segments):
        x: float = i * (_COL_W + _GAP)
        colour = STATUS_COLOUR[seg.status]
        parts.append(
            f'<g class="segment st-{h(seg.status)}">'
            f'<rect x="{x}" y="0" width="{_COL_W}" height="40" rx="6" fill="#fff" stroke="{colour}" '
            f'stroke-width="3"/>'
            f'<text x="{x + _COL_W / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold" '
            f'fill="#222">{h(seg.name)} · {h(seg.title)} · '
            f'<tspan fill="{colour}">{h(STATUS_LABEL[seg.status])} {seg.count}</tspan></text></g>'
        )
        y = 52.0
        for sub in seg.subsectors:
            svg, height = _sub_box(sub, x, y, colours)
            parts += svg
            y += height + 10
        column_bottom.append(y)
    y = max(column_bottom, default=52.0) + 16
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
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total_w}" height="{y + 10:.0f}" '
        f'viewBox="0 0 {total_w} {y + 10:.0f}" role="img" aria-label="{h(report.region.full_name)} 产业链图" '
        'style="max-width:100%;height:auto">' + "".join(parts) + "</svg>"
    )


def _sub_box(sub: SubsectorEntry, x: float, y: float, colours: _Colours) -> tuple[list[str], float]:
    return _box(sub.name, sub.status, sub.count, sub.organizations, sub.candidates, x, y, _COL_W, colours)


def _pillar_box(
    pil: PillarEntry, x: float, y: float, width: float, colours: _Colours
) -> tuple[list[str], float]:
    texts = [f"《{display(p.name)}》" for p in pil.policies]
    if texts and pil.organizations:
        texts.append("及 " + "、".join(display(o.name) for o in pil.organizations))
    return _box(
        pil.name, pil.status, pil.count, pil.organizations, pil.candidates, x, y, width, colours, texts
    )


def _legend(colours: _Colours, y: float) -> tuple[list[str], float]:
    total_w = 3 * _COL_W + 2 * _GAP
    items = [*colours.by_region.items(), (UNKNOWN_HOME, UNKNOWN_COLOUR)]
    out = [f'<text x="0" y="{y + 14}" font-size="13" fill="#444">填充色 = 机构所在地：</text>']
    x = 150.0
    for name, colour in items:
        item_w = 28 + text_width(display(name), 12) + 16
        if x + item_w > total_w:
            x, y = 150.0, y + 22
        out.append(
            f'<g class="legend-region">'
            f'<rect x="{x}" y="{y + 3}" width="14" height="14" rx="3" fill="{colour}"/>'
            f'<text x="{x + 20}" y="{y + 15}" font-size="12" fill="#444">{h(name)}</text></g>'
        )
        x += item_w
    y += 28
    sample = PALETTE[0]
    out.append(
        f'<rect x="0" y="{y}" width="44" height="18" rx="9" fill="{sample}"/>'
        f'<text x="52" y="{y + 14}" font-size="12" fill="#444">实心 = 本地机构</text>'
        f'<rect x="170" y="{y}" width="44" height="18" rx="9" fill="{_tint(sample)}" stroke="{sample}" '
        'stroke-width="2.5"/>'
        f'<text x="222" y="{y + 14}" font-size="12" fill="#444">浅色 = 外地机构在本地落户/签约</text>'
        f'<rect x="460" y="{y}" width="44" height="18" rx="4" fill="#fafafa" '
        f'stroke="{STATUS_COLOUR["gap"]}" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="512" y="{y + 14}" font-size="12" fill="#444">红色虚线框 = 缺口</text>'
        f'<text x="650" y="{y + 14}" font-size="12" fill="#444">框线颜色 = 状态：</text>'
        f'<text x="756" y="{y + 14}" font-size="12" fill="{STATUS_COLOUR["covered"]}">已覆盖</text>'
        f'<text x="806" y="{y + 14}" font-size="12" fill="{STATUS_COLOUR["thin"]}">薄弱</text>'
        f'<text x="844" y="{y + 14}" font-size="12" fill="{STATUS_COLOUR["gap"]}">缺口</text>'
    )
    return out, y + 24


# ------------------------------------------------------------------ tables


def _org_rows(orgs: Sequence[OrgEntry], quote: _Quotes) -> str:
    rows = "".join(
        f'<tr><td class="name">{h(o.name)}{"（分析员更正）" if o.corrected else ""}</td>'
        f'<td class="short">{h(type_text(o.type))}</td>'
        f'<td class="short">{h(PRESENCE_LABEL[o.presence])}</td>'
        f'<td class="home">{h(org_home(o))}</td><td>{quote(o.evidence)}</td></tr>'
        for o in orgs
    )
    return (
        "<table><tr><th>机构</th><th>类型</th><th>身份</th><th>所在地</th><th>依据（原文与来源）</th></tr>"
        f"{rows}</table>"
    )


def _candidate_rows(candidates: Sequence[Candidate], quote: _Quotes) -> str:
    if not candidates:
        return '<p class="note">语料中没有其他地区的机构从事这一环节。</p>'
    rows = "".join(
        f'<tr><td class="num">{c.rank}</td>'
        f'<td class="name">{h(c.name)}{"（分析员更正）" if c.corrected else ""}</td>'
        f'<td class="short">{h(type_text(c.type))}</td>'
        f'<td class="home">{h(org_home(c))}</td>'
        f"<td>{h(c.reason or f'语料中{c.mentions}处提及')}</td>"
        f"<td>{quote(c.evidence)}</td></tr>"
        for c in candidates
    )
    return (
        "<table><tr><th>#</th><th>候选机构</th><th>类型</th><th>所在地</th><th>排名理由</th>"
        f"<th>做什么（原文与来源）</th></tr>{rows}</table>"
    )


def _target_rows(targets: Sequence[TargetEntry], quote: _Quotes, bears: Sequence[str] | None = None) -> str:
    rows = []
    for i, t in enumerate(targets):
        ev = t.evidence[0] if t.evidence else None
        link = bears[i] if bears is not None else h(links_text(t))
        rows.append(
            f'<tr><td class="short">{h(t.year or "")}</td><td class="home">{h(scope_text(t.region))}</td>'
            f'<td class="short">{h(quantity_text(t))}</td>'
            f"<td>{h(t.subject)}</td><td>{h('、'.join(t.agencies))}</td><td>{link}</td>"
            f"<td>{quote(ev, span=True)}</td></tr>"
        )
    head = "对应环节（现状）" if bears is not None else "对应环节"
    return (
        f"<table><tr><th>年份</th><th>适用地区</th><th>数量</th><th>内容</th><th>责任单位</th><th>{head}</th>"
        "<th>原文与来源</th></tr>" + "".join(rows) + "</table>"
    )


def _claim_rows(claims: Sequence[ClaimEntry], quote: _Quotes) -> str:
    rows = "".join(
        f'<tr><td class="short kind-{h(c.kind)}">{h(KIND_LABEL.get(c.kind, c.kind))}</td>'
        f'<td class="home">{h(c.region)}</td><td>{quote(c.evidence[0] if c.evidence else None)}</td></tr>'
        for c in claims
    )
    return f"<table><tr><th>类别</th><th>地区</th><th>原文与来源</th></tr>{rows}</table>"


Link: TypeAlias = SegmentEntry | SubsectorEntry | PillarEntry


def _link_section(level: str, title: str, link: Link, quote: _Quotes, limit: int) -> list[str]:
    out = [f"<{level}>{h(title)} — {_status(link.status)} · {link.count}</{level}>"]
    out.append(
        _org_rows(link.organizations, quote) if link.organizations else '<p class="note">本地区暂无机构。</p>'
    )
    if link.status != "covered" and not offers_candidates(link):
        out.append(f'<p class="note">{h(NO_RECRUITING)}</p>')
    elif link.status != "covered":
        out.append("<p>可招引的外地机构：</p>")
        if link.candidates:
            out.append(_candidate_rows(link.candidates, quote))
        else:
            note = no_candidates_text(link.candidate_note, limit, bool(link.foreign_candidates))
            out.append(f'<p class="note">{h(note)}</p>')
        if link.foreign_candidates and limit:
            out += ["<p>境外机构（另列，供参考）：</p>", _candidate_rows(link.foreign_candidates, quote)]
    if link.claims:
        out += ["<p>本地区的自述：</p>", _claim_rows(link.claims, quote)]
    if link.targets:
        out += ["<p>相关政策目标：</p>", _target_rows(link.targets, quote)]
    return out


def _policy_scope(p: PolicyEntry) -> str:
    if p.scope == "national":
        return "全国"
    return scope_text(p.region) if p.region else ""


def _policy_rows(policies: Sequence[PolicyEntry], quote: _Quotes) -> str:
    rows = []
    for p in policies:
        facts = "，".join(x for x in (p.date or "", _policy_scope(p)) if x)
        who = [f"发布：{'、'.join(p.issued_by)}" if p.issued_by else "",
               f"责任单位：{'、'.join(p.responsible)}" if p.responsible else ""]  # fmt: skip
        rows.append(
            f'<tr><td class="name">《{h(p.name)}》'
            + (f'<br><span class="note">{h(facts)}</span>' if facts else "")
            + f'</td><td class="home">{"<br>".join(h(w) for w in who if w)}</td>'
            f"<td>{quote(p.evidence)}</td></tr>"
        )
    return "<table><tr><th>政策</th><th>发布与责任</th><th>原文与来源</th></tr>" + "".join(rows) + "</table>"


def gap_html(report: GapReport) -> str:
    r = report
    docs = documents(r)
    quote = _Quotes(docs)
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
            f'<td class="num">{seg.count}</td></tr>'
        )
        rows += [
            f'<tr><td>　{h(sub.name)}</td><td>{_status(sub.status)}</td><td class="num">{sub.count}</td></tr>'
            for sub in seg.subsectors
        ]
    rows += [
        f'<tr><td>支撑 · {h(p.name)}</td><td>{_status(p.status)}</td><td class="num">{p.count}</td></tr>'
        for p in r.pillars
    ]
    body.append("<table><tr><th>环节</th><th>状态</th><th>机构数</th></tr>" + "".join(rows) + "</table>")
    for seg in r.segments:
        body += _link_section("h2", f"{seg.name}（{seg.title}）", seg, quote, r.candidate_limit)
        for sub in seg.subsectors:
            body += _link_section("h3", sub.name, sub, quote, r.candidate_limit)
    body.append("<h2>支撑体系</h2>")
    for p in r.pillars:
        body += _link_section("h3", p.name, p, quote, r.candidate_limit)
        if p.policies:
            body += ["<p>适用本地区的政策（计入）：</p>", _policy_rows(p.policies, quote)]
        if p.national_policies:
            body += ["<p>国家政策（另列，不计入）：</p>", _policy_rows(p.national_policies, quote)]
    body += [
        "<h2>本地区对自身产业链的表述</h2>",
        _claim_rows(r.claims, quote) if r.claims else "<p>（语料中没有）</p>",
    ]
    body += ["<h2>政策目标</h2>", _target_rows(r.targets, quote) if r.targets else "<p>（语料中没有）</p>"]
    body += ["<h2>本地区全部机构</h2>", _org_rows(r.organizations, quote)]
    body.append(f'<p class="note">{h(CANDIDATE_RANKING_ZH)}</p>')
    body += _documents(docs)
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
            cells.append(
                f'<td class="st-cell-{h(status)}" style="{style};text-align:center" '
                f'title="{h(STATUS_LABEL[status])}">{n}</td>'
            )
        rows.append(f"<tr><td>{label}</td>{''.join(cells)}</tr>")
    body = [
        "<h1>脑机接口产业链对比：" + h(" / ".join(r.full_name for r in report.regions)) + "</h1>",
        '<p class="note">每格为本地与落户机构数合计，颜色越深越多，浅红为 0（缺口）；'
        f"≥{report.thresholds.covered_min}"
        f" 已覆盖，≥{report.thresholds.thin_min} 薄弱。</p>",
        f"<table><tr><th>环节</th>{head}</tr>{''.join(rows)}</table>",
        *_documents(documents(report)),
    ]
    return _page("产业链对比", body)


def targets_html(report: TargetsReport) -> str:
    docs = documents(report)
    quote = _Quotes(docs)
    body = [f"<h1>政策目标：{h(report.region.full_name)}</h1>"]
    if not report.targets:
        body.append("<p>语料中没有这一地区的量化政策目标。</p>")
    else:
        bears = [
            "、".join(f"{h(b.name)}（{_status(b.status)}）" for b in item.bears_on) for item in report.targets
        ]
        body.append(_target_rows([item.target for item in report.targets], quote, bears))
    body += _documents(docs)
    return _page(f"政策目标 {report.region.full_name}", body)
