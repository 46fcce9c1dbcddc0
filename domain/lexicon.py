"""Domain knowledge read from the data files in domain/data (name grammar, chain taxonomy).

Everything is loaded once per process and cached; the objects are read-only.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from bcikg.models import ORG_TYPES, OrgType, SegmentKey


def read_data_text(name: str) -> str:
    return resources.files("bcikg.domain").joinpath("data", name).read_text(encoding="utf-8")


def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads(read_data_text(name))


def _by_length(words: list[str]) -> tuple[str, ...]:
    """Longest first, so that the first match at a position is the longest one."""
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class NameRules:
    strong_suffixes: dict[str, OrgType]
    weak_suffixes: dict[str, OrgType]
    single_char_agency: frozenset[str]
    not_agency_words: frozenset[str]
    unique_bodies: frozenset[str]
    admin_prefixes: tuple[str, ...]
    division_suffixes: tuple[str, ...]
    national_names: frozenset[str]
    national_prefixes: tuple[str, ...]
    left_stop: frozenset[str]
    left_stop_tags: frozenset[str]
    always_stop_chars: frozenset[str]
    after_weak: frozenset[str]
    continue_weak: tuple[str, ...]
    bad_first_chars: frozenset[str]
    titles: tuple[str, ...]
    class_nouns: dict[str, OrgType]
    not_org_classes: tuple[str, ...]
    media_suffixes: tuple[str, ...]
    media_words: frozenset[str]
    latin_org_after: tuple[str, ...]
    latin_not_org: frozenset[str]
    abbreviation_heads: dict[str, tuple[str, ...]]
    home_before_place: tuple[str, ...]
    home_place_before: tuple[str, ...]
    settle_before_place: tuple[str, ...]
    local_words: tuple[str, ...]
    quantifier_words: tuple[str, ...]
    zone_words: dict[str, tuple[str, ...]]
    business_verbs: tuple[str, ...]
    all_suffixes: tuple[str, ...] = field(default=())
    cut_hospital_head: str = r"(?!)"

    def suffix_type(self, suffix: str) -> OrgType | None:
        return self.strong_suffixes.get(suffix) or self.weak_suffixes.get(suffix)


@cache
def strong_suffixes_of(org_type: OrgType) -> tuple[str, ...]:
    """The strong suffixes that make a name of this type (基金 for Fund), longest first."""
    return tuple(
        sorted((s for s, t in name_rules().strong_suffixes.items() if t == org_type), key=len, reverse=True)
    )


def _typed(table: dict[str, list[str]]) -> dict[str, OrgType]:
    out: dict[str, OrgType] = {}
    for org_type in ORG_TYPES:
        for word in table.get(org_type, []):
            out.setdefault(word, org_type)
    return out


@cache
def name_rules() -> NameRules:
    raw = _toml("org_rules.toml")
    strong = _typed(raw["suffix"]["strong"])
    weak = _typed(raw["suffix"]["weak"])
    rules = NameRules(
        strong_suffixes=strong,
        weak_suffixes=weak,
        single_char_agency=frozenset(raw["agency"]["single_char_suffixes"]),
        not_agency_words=frozenset(raw["agency"]["not_agency_words"]),
        unique_bodies=frozenset(raw["agency"]["unique_bodies"]),
        admin_prefixes=_by_length(raw["agency"]["admin_prefixes"]),
        division_suffixes=_by_length(raw["agency"]["division_suffixes"]),
        national_names=frozenset(raw["national"]["names"]),
        national_prefixes=_by_length(raw["national"]["national_prefixes"]),
        left_stop=frozenset(raw["boundaries"]["left_stop"]),
        left_stop_tags=frozenset(raw["boundaries"]["left_stop_tags"]),
        always_stop_chars=frozenset(raw["boundaries"]["always_stop_chars"]),
        after_weak=frozenset(raw["boundaries"]["after_weak"]),
        continue_weak=_by_length(raw["boundaries"]["continue_weak"]),
        bad_first_chars=frozenset(raw["boundaries"]["bad_first_chars"]),
        titles=_by_length(raw["titles"]["words"]),
        class_nouns=_typed(raw["classes"]),
        not_org_classes=_by_length(raw["classes"]["not_org"]),
        media_suffixes=_by_length(raw["media"]["suffixes"]),
        media_words=frozenset(raw["media"]["words"]),
        latin_org_after=_by_length(raw["latin"]["org_after"]),
        latin_not_org=frozenset(w.lower() for w in raw["latin"]["not_org"]),
        abbreviation_heads={k: tuple(v) for k, v in raw["abbreviation"]["heads"].items()},
        home_before_place=_by_length(raw["cues"]["home_before_place"]),
        home_place_before=_by_length(raw["cues"]["home_place_before"]),
        settle_before_place=_by_length(raw["cues"]["settle_before_place"]),
        local_words=_by_length(raw["cues"]["local_words"]),
        quantifier_words=_by_length(raw["quantifiers"]["words"]),
        zone_words={k: tuple(v) for k, v in raw["agency"]["zone_words"].items()},
        business_verbs=_by_length(raw["business"]["verbs"]),
        all_suffixes=_by_length([*strong, *weak]),
        cut_hospital_head=raw["abbreviation"].get("cut_hospital_head", r"(?!)"),
    )
    return rules


@dataclass(frozen=True)
class Subsector:
    key: str
    name: str
    segment: SegmentKey
    cues: tuple[str, ...]


@dataclass(frozen=True)
class SegmentInfo:
    key: SegmentKey
    name: str
    title: str
    markers: tuple[str, ...]
    subsectors: tuple[Subsector, ...]
    role_nouns: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pillar:
    key: str
    name: str
    types: tuple[str, ...]
    name_cues: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    segments: tuple[SegmentInfo, ...]
    pillars: tuple[Pillar, ...]
    covered_min: int
    thin_min: int

    @property
    def subsectors(self) -> tuple[Subsector, ...]:
        return tuple(sub for seg in self.segments for sub in seg.subsectors)

    def subsector(self, key: str) -> Subsector:
        for sub in self.subsectors:
            if sub.key == key:
                return sub
        raise KeyError(key)

    def segment(self, key: str) -> SegmentInfo:
        for seg in self.segments:
            if seg.key == key:
                return seg
        raise KeyError(key)

    def status(self, count: int) -> str:
        if count >= self.covered_min:
            return "covered"
        if count >= self.thin_min:
            return "thin"
        return "gap"


@cache
def taxonomy() -> Taxonomy:
    raw = _toml("taxonomy.toml")
    segments = []
    for seg in raw["segment"]:
        subs = tuple(
            Subsector(key=s["key"], name=s["name"], segment=seg["key"], cues=_by_length(s["cues"]))
            for s in seg.get("subsector", [])
        )
        segments.append(
            SegmentInfo(
                key=seg["key"],
                name=seg["name"],
                title=seg.get("title", ""),
                markers=_by_length(seg.get("markers", [])),
                subsectors=subs,
                role_nouns=_by_length(seg.get("role_nouns", [])),
            )
        )
    pillars = tuple(
        Pillar(
            key=p["key"],
            name=p["name"],
            types=tuple(p.get("types", [])),
            name_cues=tuple(p.get("name_cues", [])),
        )
        for p in raw.get("pillar", [])
    )
    return Taxonomy(
        segments=tuple(segments),
        pillars=pillars,
        covered_min=int(raw["status"]["covered_min"]),
        thin_min=int(raw["status"]["thin_min"]),
    )


@dataclass(frozen=True)
class ResolutionRules:
    industry_words: tuple[str, ...]
    dropped_heads: tuple[str, ...]
    owner_endings: tuple[str, ...]
    generic_stems: frozenset[str]
    owner_prefix_endings: tuple[str, ...]
    sub_body_endings: tuple[str, ...]


@cache
def resolution_rules() -> ResolutionRules:
    raw = _toml("resolution.toml")
    return ResolutionRules(
        industry_words=_by_length(raw["industry_words"]),
        dropped_heads=tuple(raw["dropped_heads"]),
        owner_endings=tuple(raw["owner_endings"]),
        generic_stems=frozenset(raw["generic_stems"]),
        owner_prefix_endings=tuple(raw["owner_prefix_endings"]),
        sub_body_endings=tuple(raw.get("sub_body_endings", ())),
    )
