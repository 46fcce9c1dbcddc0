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
