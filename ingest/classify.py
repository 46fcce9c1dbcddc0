"""Place organisation mentions on the chain: segments (upstream/midstream/downstream) and
subsectors from the taxonomy.

An explicit statement in the text ("上游,A、B…;中游,C…") wins over keyword cues. Cues are read
from the words the text says about the organisation: its own name, and for companies the clauses
after it up to the next organisation's (bcikg.ingest.extract scopes them: a description in
apposition before the name, 后者/前者, 分别, a park named as where the firm is, a heading above a
list). A disease named beside a product is its use (made_subsectors); a heading line that opens
with a segment word places the firms under it that nothing else places (heading_segment).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from bcikg.domain.chinese import normalize_text, to_simplified
from bcikg.domain.lexicon import read_data_text, taxonomy
from bcikg.ingest.textutil import literal_pattern
from bcikg.models import SegmentKey

# A segment marker opens a scope when it starts a clause: "上游,…", "中游：…", "下游方面…".
_MARKER_TAIL = re.compile(r"\s*(?:[，,：:、]|方面|环节[，,：:]|领域[，,：:])")
_CLAUSE_BREAK = "，,。；;：:！？!?\n"


@dataclass(frozen=True)
class _Cues:
    pattern: re.Pattern[str]
    subsector_of: dict[str, list[str]]
    segment_of_subsector: dict[str, SegmentKey]
    markers: dict[str, SegmentKey]
    marker_pattern: re.Pattern[str]


@cache
def _cues() -> _Cues:
    tax = taxonomy()
    subsector_of: dict[str, list[str]] = {}
    for sub in tax.subsectors:
        for cue in sub.cues:
            subsector_of.setdefault(cue, []).append(sub.key)
    for cue in tomllib.loads(read_data_text("taxonomy.toml")).get("own_text", {}).get("neutral_cues", ()):
        subsector_of.setdefault(cue, [])  # matched as a whole, placing nowhere
    markers = {marker: seg.key for seg in tax.segments for marker in seg.markers}
    return _Cues(
        pattern=literal_pattern(subsector_of),
        subsector_of=subsector_of,
        segment_of_subsector={sub.key: sub.segment for sub in tax.subsectors},
        markers=markers,
        marker_pattern=literal_pattern(markers),
    )


def subsectors_in(text: str) -> list[str]:
    """Subsector keys whose cue words occur in the text (in simplified or traditional characters),
    in taxonomy order."""
    cues = _cues()
    found: set[str] = set()
    for m in cues.pattern.finditer(normalize_text(text)):  # 柔性電極 is 柔性电极
        found.update(cues.subsector_of[m.group(0)])
    order = [sub.key for sub in taxonomy().subsectors]
    return [key for key in order if key in found]


def segments_of(subsectors: list[str]) -> list[SegmentKey]:
    cues = _cues()
    segs = {cues.segment_of_subsector[s] for s in subsectors}
    return [seg for seg in ("upstream", "midstream", "downstream") if seg in segs]


def made_subsectors(subsectors: list[str]) -> list[str]:
    """The subsectors of what a firm makes: a disease or care named beside a product of another
    subsector (面向癫痫诊断的电极产品) is the product's use, not the firm's place on the chain."""
    kept = [s for s in subsectors if s not in _indication_subsectors()]
    return kept or subsectors


@cache
def _indication_subsectors() -> frozenset[str]:
    raw = tomllib.loads(read_data_text("taxonomy.toml"))
    subsectors = (sub for seg in raw["segment"] for sub in seg.get("subsector", []))
    return frozenset(sub["key"] for sub in subsectors if sub.get("indication", False))


def marker_scopes(sentence: str) -> list[tuple[int, int, SegmentKey]]:
    """(start, end, segment) ranges of the sentence governed by an explicit segment marker."""
    cues = _cues()
    opened: list[tuple[int, SegmentKey]] = []
    for m in cues.marker_pattern.finditer(sentence):
        at_clause_start = m.start() == 0 or sentence[m.start() - 1] in _CLAUSE_BREAK
        if at_clause_start and _MARKER_TAIL.match(sentence, m.end()):
            opened.append((m.start(), cues.markers[m.group(0)]))
    opened.sort()
    scopes = []
    for i, (start, seg) in enumerate(opened):
        end = opened[i + 1][0] if i + 1 < len(opened) else len(sentence)
        scopes.append((start, end, seg))
    return scopes


# "一、", "(二)", "3." before a heading
_NUMBERING = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]|第[一二三四五六七八九十\d]{1,3}[章节部分])\s*"
)
_HEADING_MAX = 20


def heading_segment(line: str) -> SegmentKey | None:
    """The segment a short heading line opens ("一、上游：核心部件", "产业链中游企业"), else None."""
    text = _NUMBERING.sub("", line.strip(), count=1)
    if len(text) > _HEADING_MAX or text.endswith(("。", "；", ";")):
        return None
    cues = _cues()
    m = cues.marker_pattern.match(normalize_text(text))
    return cues.markers[m.group(0)] if m else None


def role_segment(text_after: str) -> list[SegmentKey]:
    """The segment a class noun right after a list names ("…等高水平研发机构")."""
    m = re.match(r"等[^，,。；;、]{0,8}?(?:" + "|".join(_role_nouns()) + ")", text_after)
    if not m:
        return []
    return [seg.key for seg in taxonomy().segments if any(m.group(0).endswith(n) for n in seg.role_nouns)]


@cache
def _role_nouns() -> tuple[str, ...]:
    return tuple(re.escape(n) for seg in taxonomy().segments for n in seg.role_nouns)


@dataclass(frozen=True)
class _Role:
    subsector: str
    text_cues: tuple[str, ...]
    name_cues: tuple[str, ...]
    whole_document: bool


@cache
def _roles() -> dict[str, _Role]:
    raw = tomllib.loads(read_data_text("taxonomy.toml"))
    return {
        r["type"]: _Role(
            r["subsector"],
            tuple(r.get("text_cues", ())),
            tuple(r.get("name_cues", ())),
            bool(r.get("whole_document", False)),
        )
        for r in raw.get("role", [])
    }


def role_subsectors(org_type: str, name: str, sentence: str, bci_document: bool = False) -> list[str]:
    """The subsector the kind of body places it in, when its name or its sentence says it works
    with BCI (a hospital that implants or rehabilitates, a brain-science laboratory), or, for a
    kind whose role is whole_document (a hospital), when the whole text is about BCI: a hospital
    an article on the field names (a list of award winners, of trial sites) is there as a user."""
    role = _roles().get(org_type)
    if role is None:
        return []
    name = to_simplified(name)
    if any(cue in name for cue in role.name_cues):
        return [role.subsector]
    if role.whole_document and bci_document:
        return [role.subsector]
    if role.text_cues and _role_text_pattern(org_type).search(normalize_text(sentence)):
        return [role.subsector]
    return []


@cache
def _role_text_pattern(org_type: str) -> re.Pattern[str]:
    return literal_pattern(_roles()[org_type].text_cues)


@cache
def _own_text_rules() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], float]:
    raw = tomllib.loads(read_data_text("taxonomy.toml")).get("own_text", {})
    return (
        tuple(raw.get("funding_words", ())),
        tuple(raw.get("investor_endings", ())),
        tuple(raw.get("bci_words", ())),
        float(raw.get("bci_share", 0.0)),
    )


def about_bci(text: str) -> bool:
    """Does the text use a word of the field (脑机, 脑电, 神经 …)?"""
    return _bci_pattern().search(normalize_text(text)) is not None


@cache
def _bci_pattern() -> re.Pattern[str]:
    return literal_pattern(_own_text_rules()[2])


def bci_document(sentences: list[str], title: str = "") -> bool:
    """Is the text about the field: its title, or enough of its sentences, use the field's words?"""
    if title and about_bci(title):
        return True
    if not sentences:
        return False
    share = sum(1 for s in sentences if about_bci(s)) / len(sentences)
    return share >= _own_text_rules()[3]


def is_investor_name(name: str) -> bool:
    """某某资本, 某某创投, 某某基金: an investor, placed on no segment."""
    return name.endswith(_own_text_rules()[1])


def funding_sentence(text: str) -> bool:
    return any(word in text for word in _own_text_rules()[0])
