"""Words the rendered reports share (Chinese labels for a briefing, with the English keys)."""

from __future__ import annotations

from bcikg.report.model import Candidate, EvidenceRef, OrgEntry, TargetEntry

STATUS_LABEL = {"covered": "已覆盖", "thin": "薄弱", "gap": "缺口"}
PRESENCE_LABEL = {"home": "本地", "settled": "落户"}
KIND_LABEL = {"gap": "短板", "strength": "优势"}
TYPE_LABEL = {
    "Company": "企业",
    "Hospital": "医院",
    "Fund": "基金",
    "Agency": "政府部门",
    "Institute": "科研机构",
    "Platform": "平台",
}


def status_text(status: str) -> str:
    return f"{STATUS_LABEL.get(status, status)} ({status})"


def number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def quantity_text(t: TargetEntry) -> str:
    """'不少于20款', '3-5家' style: the quantity, range and unit as the policy counts it."""
    low = number(t.quantity)
    if t.quantity_max is not None:
        return f"{low}-{number(t.quantity_max)}{t.unit}"
    return f"{low}{t.unit}"


def target_text(t: TargetEntry) -> str:
    year = f"到{t.year}年 " if t.year else ""
    return f"{year}{quantity_text(t)} {t.subject}"


def org_home(o: OrgEntry | Candidate) -> str:
    """'上海市' or '(home not stated)', plus the regions it settled in."""
    home = o.region or "籍贯未载明"
    if o.settled_in:
        return f"{home} → {'、'.join(o.settled_in)}"
    return home


def cite(ev: EvidenceRef | None) -> str:
    if ev is None:
        return ""
    return f"{ev.doc_id}:{ev.start}-{ev.end}"
