"""Regions: recognise provinces, cities, districts, zones and countries in text and place them in
one hierarchy (district -> city -> province -> country).

The table is domain/data/regions.tsv (generated from the national division codes plus the
hand-written zones and places abroad in regions_extra.tsv). Region ids are 'region:' + the path,
e.g. 'region:中国/江西省/赣江新区'.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bcikg.domain.chinese import normalize_text
from bcikg.domain.lexicon import read_data_text
from bcikg.ingest.textutil import literal_pattern
from bcikg.models import Region, RegionLevel

COUNTRY_ID = "region:中国"
LEVEL_RANK: dict[str, int] = {"country": 0, "province": 1, "city": 2, "district": 3, "zone": 3}


@dataclass(frozen=True)
class RegionEntry:
    id: str
    name: str
    level: RegionLevel
    parent: str | None
    path: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def full_name(self) -> str:
        parts = self.path[1:] if self.path[0] == "中国" and len(self.path) > 1 else self.path
        return "".join(parts)

    @property
    def domestic(self) -> bool:
        return self.path[0] == "中国"

    def to_model(self) -> Region:
        return Region(
            id=self.id,
            name=self.name,
            level=self.level,
            parent=self.parent,
            full_name=self.full_name,
            aliases=list(self.aliases),
        )


@dataclass(frozen=True)
class RegionHit:
    start: int
    end: int
    surface: str
    region_id: str


def region_id(path: Iterable[str]) -> str:
    return "region:" + "/".join(path)


class Gazetteer:
    def __init__(self, entries: list[RegionEntry], blocked_short: frozenset[str]):
        self.by_id: dict[str, RegionEntry] = {e.id: e for e in entries}
        surfaces: dict[str, list[str]] = {}
        for entry in entries:
            forms = [entry.name, *entry.aliases]
            for form in forms:
                if not form or (form in blocked_short and form != entry.name and entry.level != "province"):
                    continue
                surfaces.setdefault(form, []).append(entry.id)
        self.surfaces = surfaces
        self._pattern = literal_pattern(surfaces)
        # county-level short forms (丹阳 of 丹阳市, 昌平 of 昌平区): too ambiguous to find in free
        # text, but the place at the front of an organisation's name (丹阳某某医疗, 昌平实验室)
        district_short: dict[str, list[str]] = {}
        for entry in entries:
            if entry.level != "district" or not entry.name.endswith(("区", "县", "市")):
                continue
            stem = entry.name[:-1]
            if len(stem) < 2 or "自治" in stem or stem in surfaces or stem in blocked_short:
                continue
            district_short.setdefault(stem, []).append(entry.id)
        self.district_short = district_short
        # every region's ancestor chain, computed once: asked for on every place in every text
        self._ancestors: dict[str, tuple[str, ...]] = {}
        for rid in self.by_id:
            chain = []
            current: str | None = rid
            while current is not None:
                chain.append(current)
                current = self.by_id[current].parent if current in self.by_id else None
            self._ancestors[rid] = tuple(chain)
        self._resolved: dict[tuple[str, tuple[str, ...]], str | None] = {}
        self._found: dict[tuple[str, tuple[str, ...]], tuple[RegionHit, ...]] = {}
        self._leading: dict[str, str] = {}  # name -> the place surface it starts with, or ""

    # -------------------------------------------------------------- lookup

    def get(self, rid: str) -> RegionEntry:
        return self.by_id[rid]

    def ancestors(self, rid: str) -> list[str]:
        """The region and its ancestors, most specific first."""
        return list(self._ancestors.get(rid, (rid,)))

    def ancestor_at(self, rid: str | None, level: str) -> str | None:
        if rid is None:
            return None
        for aid in self.ancestors(rid):
            entry = self.by_id[aid]
            if entry.level == level:
                return aid
            if (
                level == "city"
                and entry.level == "province"
                and entry.name in {"北京市", "上海市", "天津市", "重庆市"}
            ):
                return aid  # a municipality is its own city
        return None

    def is_within(self, rid: str, ancestor: str) -> bool:
        return ancestor in self._ancestors.get(rid, (rid,))

    def candidates(self, surface: str) -> list[str]:
        return self.surfaces.get(surface, [])

    def resolve(self, surface: str, context: Iterable[str] = ()) -> str | None:
        """The region a surface form names, preferring one inside the context regions (most
        specific context first), then the highest-level reading (吉林 -> 吉林省)."""
        ids = self.candidates(surface)
        if not ids:
            return None
        if len(ids) == 1:
            return ids[0]
        key = (surface, tuple(context))
        if key not in self._resolved:
            if len(self._resolved) > 100_000:
                self._resolved.clear()
            self._resolved[key] = self._resolve_ambiguous(ids, key[1])
        return self._resolved[key]

    def _resolve_ambiguous(self, ids: list[str], context: tuple[str, ...]) -> str | None:
        for ctx in context:
            inside = [rid for rid in ids if self.is_within(rid, ctx)]
            if len(inside) == 1:
                return inside[0]
        ids = sorted(ids, key=lambda rid: (LEVEL_RANK[self.by_id[rid].level], rid))
        best = ids[0]
        if LEVEL_RANK[self.by_id[best].level] == LEVEL_RANK[self.by_id[ids[1]].level]:
            return None  # 鼓楼区 in four cities and nothing to choose by
        return best

    def lookup(self, text: str) -> str | None:
        """Region id for a user-given name: '江西', '江西省', '赣江新区', '上海', '江西省/南昌市'."""
        text = text.strip().removeprefix("region:")
        if text in self.by_id or ("region:" + text) in self.by_id:
            return "region:" + text
        parts = [p for p in re.split(r"[/>\s]+", text) if p]
        context: list[str] = []
        found: str | None = None
        for part in parts:
            found = self.resolve(part, context)
            if found is None:
                # 江西省赣江新区: try the longest known prefix, then the rest
                hits = self.find(part)
                if hits and hits[0].start == 0 and hits[-1].end == len(part):
                    for hit in hits:
                        found = self.resolve(hit.surface, context) or found
                        if found:
                            context.insert(0, found)
                    continue
                return None
            context.insert(0, found)
        return found

    # -------------------------------------------------------------- text

    def find(self, text: str, context: Iterable[str] = ()) -> list[RegionHit]:
        """Places named in the text. Several stages ask about the same sentence, and scraped
        corpora repeat sentences, so results for short texts are kept (bounded)."""
        key = (text, tuple(context))
        cached = self._found.get(key)
        if cached is None:
            # 廣州 is 广州: places are looked up in simplified characters, at the same offsets
            cached = tuple(
                RegionHit(m.start(), m.end(), text[m.start() : m.end()], rid)
                for m in self._pattern.finditer(normalize_text(text))
                if (rid := self.resolve(m.group(0), key[1])) is not None
            )
            if len(text) <= 400:
                if len(self._found) >= 50_000:
                    self._found.clear()
                self._found[key] = cached
        return list(cached)

    @property
    def place_pattern(self) -> re.Pattern[str]:
        """The pattern of every place surface (longest first), for callers that scan many texts."""
        return self._pattern

    def leading_place(self, name: str, context: Iterable[str] = ()) -> tuple[str, str] | None:
        """The place a name starts with ('广州析芒' -> ('广州', region id)), if any."""
        lead = self._leading.get(name)
        if lead is None:
            m = self._pattern.match(normalize_text(name))
            lead = m.group(0) if m else ""
            if len(self._leading) < 200_000:
                self._leading[name] = lead  # every rule asks about the same candidate names
        if not lead:
            return None
        rid = self.resolve(lead, context)
        return (name[: len(lead)], rid) if rid else None

    def name_place(self, name: str, context: Iterable[str] = (), min_rest: int = 0) -> tuple[str, str] | None:
        """The place an organisation's name starts with, county-level short forms included
        ('丹阳某某医疗' -> ('丹阳', the id of 丹阳市)). A short form counts inside the context
        regions (昌平实验室 in a Beijing text), or, when it has one reading only, before at least
        min_rest more characters (min_rest 0: never outside the context)."""
        lead = self.leading_place(name, context)
        if lead is not None:
            return lead
        context = tuple(c for c in context if c != "region:中国")
        simplified = normalize_text(name)
        for size in (3, 2):
            stem = simplified[:size]
            ids = self.district_short.get(stem)
            if not ids or len(name) <= size:
                continue
            for ctx in context:
                inside = [rid for rid in ids if self.is_within(rid, ctx)]
                if len(inside) == 1:
                    return name[:size], inside[0]
            if len(ids) == 1 and min_rest and len(name) - size >= min_rest:
                return name[:size], ids[0]
        return None

    def main_region(self, weighted_hits: list[tuple[str, float]]) -> str | None:
        """The region a document is mainly about: descend from the strongest top-level region to
        a child while that child holds at least half of its parent's weight."""
        if not weighted_hits:
            return None
        subtree: dict[str, float] = defaultdict(float)
        for rid, weight in weighted_hits:
            for aid in self.ancestors(rid):
                subtree[aid] += weight
        children: dict[str, list[str]] = {}
        for rid in subtree:
            parent = self.by_id[rid].parent
            if parent is not None:
                children.setdefault(parent, []).append(rid)
        tops = [rid for rid in subtree if self.by_id[rid].parent in (None, COUNTRY_ID) and rid != COUNTRY_ID]
        if not tops:
            return COUNTRY_ID if COUNTRY_ID in subtree else None
        # a foreign country named in passing (a World Cup abroad) does not outweigh a Chinese place
        current = max(tops, key=lambda rid: (subtree[rid], self.by_id[rid].domestic, rid))
        while True:
            kids = children.get(current, [])
            if not kids:
                return current
            best = max(kids, key=lambda rid: (subtree[rid], rid))
            if subtree[best] * 2 < subtree[current]:
                return current
            current = best


def _load_entries() -> tuple[list[RegionEntry], frozenset[str]]:
    entries: list[RegionEntry] = []
    for line in read_data_text("regions.tsv").splitlines():
        if not line or line.startswith("#"):
            continue
        path_text, level, _adcode, aliases = ([*line.split("\t"), "", "", ""])[:4]
        path = tuple(path_text.split("/"))
        rid = region_id(path)
        parent = region_id(path[:-1]) if len(path) > 1 else None
        alias_list = tuple(a for a in aliases.split(",") if a and a != path[-1])
        entries.append(RegionEntry(rid, path[-1], level, parent, path, alias_list))
    blocked = frozenset(
        line.strip()
        for line in read_data_text("region_short_forms_blocked.txt").splitlines()
        if line.strip() and not line.startswith("#")
    )
    return entries, blocked


@cache
def gazetteer() -> Gazetteer:
    entries, blocked = _load_entries()
    return Gazetteer(entries, blocked)


@dataclass(frozen=True)
class RegionCues:
    """Words around an organisation's name that say where it is (domain/data/region_cues.toml)."""

    founded_verbs: tuple[str, ...]
    branch_words: tuple[str, ...]
    appositive_heads: tuple[str, ...]
    appositive_max: int
    place_then_verb: tuple[str, ...]
    is_a: tuple[str, ...]
    is_a_heads: tuple[str, ...]
    national_starts: tuple[str, ...]
    national_ends: tuple[str, ...]
    national_agency_starts: tuple[str, ...]
    inner_place_after: tuple[str, ...]


def _longest_first(words: list[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@cache
def region_cues() -> RegionCues:
    raw = tomllib.loads(read_data_text("region_cues.toml"))
    return RegionCues(
        founded_verbs=_longest_first(raw["founded_verbs"]),
        branch_words=_longest_first(raw["branch_words"]),
        appositive_heads=_longest_first(raw["appositive_heads"]),
        appositive_max=int(raw["appositive_max"]),
        place_then_verb=_longest_first(raw["place_then_verb"]),
        is_a=_longest_first(raw["is_a"]),
        is_a_heads=_longest_first(raw["is_a_heads"]),
        national_starts=_longest_first(raw["national_starts"]),
        national_ends=_longest_first(raw["national_ends"]),
        national_agency_starts=_longest_first(raw["national_agency_starts"]),
        inner_place_after=_longest_first(raw["inner_place_after"]),
    )
