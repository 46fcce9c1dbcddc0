"""Words the rendered reports share: Chinese labels for a briefing (the JSON keeps the English keys),
display normalisation, and the citation of each evidence sentence by its document.

Every rendered format cites a sentence by its document: 《title》 and the file or URL it was read
from. The document list at the end of a report (``documents``) numbers each cited document once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import PurePath
from urllib.parse import urlparse

from pydantic import BaseModel

from bcikg.domain.lexicon import taxonomy
from bcikg.report.model import Candidate, DocumentRef, EvidenceRef, OrgEntry, PillarEntry, TargetEntry

STATUS_LABEL = {"covered": "已覆盖", "thin": "薄弱", "gap": "缺口"}
PRESENCE_LABEL = {"home": "本地", "settled": "落户"}
KIND_LABEL = {"gap": "短板", "strength": "优势", "recommendation": "建议"}
TYPE_LABEL = {
    "Company": "企业",
    "Hospital": "医院",
    "Fund": "基金",
    "Agency": "政府机构",
    "Institute": "科研机构",
    "Platform": "平台",
}
SEGMENT_LABEL = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
UNKNOWN_HOME = "所在地未载明"
# What a candidate's rank means, for the Chinese formats (the JSON carries the English text of
# GapReport.candidate_ranking).
CANDIDATE_RANKING_ZH = (
    "候选排名说明：候选为本地区以外（既不在本地、也未在本地落户）、语料显示从事该环节的机构。"
    "第1名为最值得接洽的线索：企业优先（可以招引），其次为文章明确写出其所属环节的机构，"
    "再次为有句子写明其从事该环节的机构，然后按语料中提及它的句子数（依据多少），最后按名称排序。"
    "以本地区命名的政府机构、基金和平台，以及与地区绑定的角色（如本地化转化）不列为候选；"
    "境外机构另列。每个候选都写明排名理由。"
)
SETTLED_MARK = "（落户）"

# Blocks whose characters have a compatibility form that fonts often lack: CJK radicals and Kangxi
# radicals (⽣ U+2F63 for 生), CJK compatibility ideographs, enclosed CJK (㈠) and CJK
# compatibility squares. Full-width punctuation (，（）) is left as written.
_COMPAT_BLOCKS = (
    (0x2E80, 0x2FDF),
    (0x3200, 0x33FF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)


def _compat(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _COMPAT_BLOCKS)


def display(text: str | None) -> str:
    """Text for display: compatibility characters (Kangxi radicals and the like) as their NFKC
    form, so every glyph renders; everything else exactly as written."""
    if not text:
        return ""
    if not any(_compat(ch) for ch in text):
        return text
    return "".join(unicodedata.normalize("NFKC", ch) if _compat(ch) else ch for ch in text)


SCOPE_LABEL = {"region": "本地区", "above": "上级地区", "national": "国家"}


def offers_candidates(link: object) -> bool:
    """Whether a gap here could be filled by recruiting from elsewhere (a pillar with
    ``candidates = false`` in taxonomy.toml, such as 政策, could not)."""
    from bcikg.report.pillars import pillar_rules

    if isinstance(link, PillarEntry):
        rule = pillar_rules().get(link.key)
        return rule is None or rule.candidates
    return True


NO_RECRUITING = "这一环节的缺口不靠从外地招引机构来补，不列候选。"


def no_candidates_text(note: str | None, limit: int, foreign: bool) -> str:
    """What to say where a gap or thin link lists no candidates."""
    if limit == 0:
        return "未列出候选（本报告以 -n 0 生成）。"
    if note:
        return note
    if foreign:
        return "国内其他地区没有机构从事这一环节；境外机构另列如下。"
    return "语料中没有其他地区的机构从事这一环节。"


def status_text(status: str) -> str:
    return STATUS_LABEL.get(status, status)


def type_text(org_type: str) -> str:
    return TYPE_LABEL.get(org_type, org_type)


def number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def quantity_text(t: TargetEntry) -> str:
    """'20款', '3-5家' style: the quantity, range and unit as the policy counts it."""
    low = number(t.quantity)
    if t.quantity_max is not None:
        return f"{low}-{number(t.quantity_max)}{t.unit}"
    return f"{low}{t.unit}"


COUNTRY_NAMES = ("中国", "全国", "中华人民共和国")


def scope_text(region: str | None) -> str:
    """The region a goal is for: '全国' for a national goal, else the region's full name."""
    if not region:
        return "地区未载明"
    return "全国" if region in COUNTRY_NAMES else region


def target_text(t: TargetEntry) -> str:
    year = f"到{t.year}年 " if t.year else ""
    return display(f"{year}{quantity_text(t)} {t.subject}")


@cache
def _term_names() -> dict[tuple[str, str], str]:
    tax = taxonomy()
    names: dict[tuple[str, str], str] = {}
    for seg in tax.segments:
        names[("segment", seg.key)] = SEGMENT_LABEL.get(seg.key, seg.key)
        for sub in seg.subsectors:
            names[("subsector", sub.key)] = sub.name
    for pil in tax.pillars:
        names[("pillar", pil.key)] = pil.name
    return names


def term_name(kind: str, key: str) -> str:
    """The Chinese name of a segment, subsector or pillar key ('capital' -> '资本')."""
    return _term_names().get((kind, key), key)


def links_text(t: TargetEntry) -> str:
    """The chain links a target names, by their Chinese names."""
    names = [
        *(term_name("segment", k) for k in t.segments),
        *(term_name("subsector", k) for k in t.subsectors),
        *(term_name("pillar", k) for k in t.pillars),
    ]
    return "、".join(dict.fromkeys(names))


def names_text(names: list[str], sep: str = "、") -> str:
    """Names joined for display."""
    return sep.join(display(n) for n in names)


def org_home(o: OrgEntry | Candidate) -> str:
    """'上海市' or '所在地未载明', plus the regions it settled in."""
    home = o.region or UNKNOWN_HOME
    if o.settled_in:
        return f"{home} → {'、'.join(o.settled_in)}"
    return home


# ------------------------------------------------------------------ sources


def is_url(source: str | None) -> bool:
    return bool(source) and urlparse(source or "").scheme in ("http", "https")


def source_name(source: str | None) -> str:
    """A short form of a source for a table: the file name of a path, the host and path of a URL."""
    if not source:
        return ""
    if is_url(source):
        parsed = urlparse(source)
        return parsed.netloc + parsed.path
    return PurePath(source).name or source


def title_text(title: str | None) -> str:
    """《title》, without doubling the brackets of a title that already has them."""
    if not title:
        return ""
    title = display(title).strip()
    if title.startswith("《") and title.endswith("》"):
        return title
    return f"《{title}》"


def cite(ev: EvidenceRef | DocumentRef | None) -> str:
    """《title》 · file (or URL); the document id when the report knows nothing else of it."""
    if ev is None:
        return ""
    parts = [p for p in (title_text(ev.title), source_name(ev.source)) if p]
    if parts:
        return " · ".join(parts)
    return ev.doc_id if isinstance(ev, EvidenceRef) else ev.id


def _evidence_in(value: object) -> Iterator[EvidenceRef]:
    if isinstance(value, EvidenceRef):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _evidence_in(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _evidence_in(item)


def documents(report: BaseModel) -> list[DocumentRef]:
    """The documents a report cites, in order of first citation: the report's own list when it has
    one, else gathered from its evidence items."""
    listed: list[DocumentRef] = list(getattr(report, "documents", None) or [])
    if listed:
        return listed
    seen: dict[str, DocumentRef] = {}
    for ev in _evidence_in(report):
        if ev.doc_id not in seen:
            seen[ev.doc_id] = DocumentRef(
                id=ev.doc_id, title=ev.title, source=ev.source, published=ev.published
            )
    return list(seen.values())


def document_number(docs: list[DocumentRef]) -> dict[str, int]:
    """Document id -> its number in the document list (1-based)."""
    return {d.id: i for i, d in enumerate(docs, start=1)}
