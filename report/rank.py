"""Candidates a 招商 team can call: who may be offered to another region, in what order, and why.

Pure functions of the member records the access layer returns (bcikg.report.source.MemberRecord),
so both backends rank alike. The order, best first:

1. companies (they can be recruited; hospitals, institutes and funds are partners),
2. an article states the organisation's segment explicitly ("上游,A、B…"),
3. a sentence about it names the link's own words (电极, 康复机器人 … : fit to the link),
4. more sentences in the corpus mention it (evidence strength),
5. name, id (a stable order).

Never offered (taxonomy.toml ``[candidates]`` and ``region_bound``): government bodies, funds and
platforms named after their own home region (江西省…引导基金), and roles tied to a region (a firm's
本地化转化 in its own province). Organisations based abroad are kept apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from bcikg.report.pillars import candidate_rules
from bcikg.report.source import CandidateRequest, MemberRecord


def rank_key(m: MemberRecord) -> tuple[bool, bool, bool, int, str, str]:
    return (m.type != "Company", not m.explicit, not m.cue, -m.mentions, m.name, m.id)


@cache
def _region_names(region_id: str) -> tuple[tuple[str, ...], bool]:
    """Names a name may start with to be 'named after' the region (the region and the regions
    above it below the country, with aliases), and whether the region is in China."""
    from bcikg.domain.regions import gazetteer

    gaz = gazetteer()
    entry = gaz.by_id.get(region_id)
    if entry is None:
        return (), region_id.startswith("region:中国")
    names: list[str] = []
    current = entry
    while current is not None and current.level != "country":
        names += [current.name, *current.aliases]
        current = gaz.by_id.get(current.parent) if current.parent else None
    return tuple(n for n in names if len(n) >= 2), entry.domestic


def is_foreign(homes: Iterable[str]) -> bool:
    """Based abroad: every home region is outside China (no home: not known to be foreign)."""
    homes = list(homes)
    return bool(homes) and not any(_region_names(h)[1] for h in homes)


def excluded(m: MemberRecord, request: CandidateRequest) -> str | None:
    """Why an organisation may not be offered to another region for this link, or None."""
    rules = candidate_rules()
    if m.type in rules.exclude_types:
        return "public body"
    if m.type in rules.region_named_types and any(
        m.name.startswith(name) for home in m.homes for name in _region_names(home)[0]
    ):
        return "named after its region"
    if request.kind == "subsector" and request.key in rules.region_bound_subsectors:
        return "region-bound role"
    if request.kind == "segment":
        in_segment = [s for s in m.subsectors if _segment_of(s) == request.key]
        if in_segment and all(s in rules.region_bound_subsectors for s in in_segment):
            return "region-bound role"
    return None


@cache
def _segment_of(subsector: str) -> str | None:
    from bcikg.domain.lexicon import taxonomy

    try:
        return taxonomy().subsector(subsector).segment
    except KeyError:
        return None


def reason(m: MemberRecord, link_name: str, segment_name: str | None) -> str:
    """Why the candidate ranks where it does, in the report's language (segment_name is None for a
    support pillar)."""
    parts = ["企业" if m.type == "Company" else "非企业机构（合作对象）"]
    if m.explicit and segment_name:
        parts.append(f"文章明确列入{segment_name}")
    if m.cue:
        parts.append(f"有句子写明其从事{link_name}" if segment_name else f"有句子写明其{link_name}方面的作用")
    parts.append(f"语料中{m.mentions}处提及")
    return "；".join(parts)
