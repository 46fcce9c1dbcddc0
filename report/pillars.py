"""Support pillars as the report reads them from taxonomy.toml: which organisations support each.

bcikg.domain.lexicon's Pillar carries key, name, types and name_cues; the report also needs the
keys the pillar section gained for it (name_cue_types, text_cues, count_policies, candidates),
so it reads the section itself.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from bcikg.domain.lexicon import read_data_text


@dataclass(frozen=True)
class PillarRule:
    key: str
    name: str
    types: tuple[str, ...]
    name_cues: tuple[str, ...]
    name_cue_types: tuple[str, ...]
    text_cues: tuple[str, ...]
    count_policies: bool
    candidates: bool

    def supports(self, org_type: str, name: str) -> bool:
        """Same rule as the Neo4j candidate query: by type, or by a name cue for the cue types."""
        if org_type in self.types:
            return True
        return org_type in self.name_cue_types and any(cue in name for cue in self.name_cues)


@cache
def pillar_rules() -> dict[str, PillarRule]:
    raw = tomllib.loads(read_data_text("taxonomy.toml"))
    rules: dict[str, PillarRule] = {}
    for p in raw.get("pillar", []):
        rules[p["key"]] = PillarRule(
            key=p["key"],
            name=p["name"],
            types=tuple(p.get("types", [])),
            name_cues=tuple(p.get("name_cues", [])),
            name_cue_types=tuple(p.get("name_cue_types", [])),
            text_cues=tuple(p.get("text_cues", [])),
            count_policies=bool(p.get("count_policies", False)),
            candidates=bool(p.get("candidates", True)),
        )
    return rules


@dataclass(frozen=True)
class CandidateRules:
    """Who may be offered to another region (taxonomy.toml [candidates] and region_bound)."""

    exclude_types: tuple[str, ...]
    region_named_types: tuple[str, ...]
    region_bound_subsectors: frozenset[str]


@cache
def candidate_rules() -> CandidateRules:
    raw = tomllib.loads(read_data_text("taxonomy.toml"))
    section = raw.get("candidates", {})
    bound = {
        sub["key"]
        for seg in raw.get("segment", [])
        for sub in seg.get("subsector", [])
        if sub.get("region_bound", False)
    }
    return CandidateRules(
        exclude_types=tuple(section.get("exclude_types", [])),
        region_named_types=tuple(section.get("region_named_types", [])),
        region_bound_subsectors=frozenset(bound),
    )


def link_cues(kind: str, key: str) -> tuple[str, ...]:
    """Words of a chain link: a subsector's cues; a segment's markers and its subsectors' cues; a
    pillar's name and text cues."""
    from bcikg.domain.lexicon import taxonomy

    tax = taxonomy()
    if kind == "subsector":
        return tax.subsector(key).cues
    if kind == "segment":
        seg = tax.segment(key)
        return (*seg.markers, *(cue for sub in seg.subsectors for cue in sub.cues))
    rule = pillar_rules()[key]
    return (*rule.name_cues, *rule.text_cues)


def link_request(kind: str, key: str) -> dict[str, object]:
    """A chain link as the access layer's link_members takes it: which organisations belong
    (subsector, segment, or a pillar's types and name cues), whose explicit statement counts
    (the segment), and the link's words."""
    from bcikg.domain.lexicon import taxonomy

    segment = key if kind == "segment" else taxonomy().subsector(key).segment if kind == "subsector" else None
    request: dict[str, object] = {
        "kind": kind,
        "key": key,
        "segment": segment,
        "types": [],
        "cue_types": [],
        "name_cues": [],
        "text_cues": list(link_cues(kind, key)),
    }
    if kind == "pillar":
        rule = pillar_rules()[key]
        request.update(
            types=list(rule.types), cue_types=list(rule.name_cue_types), name_cues=list(rule.name_cues)
        )
    return request
