"""Place organisation mentions on the chain: segments (upstream/midstream/downstream) and
subsectors from the taxonomy.

An explicit statement in the text ("上游,A、B…;中游,C…") wins over keyword cues. Cues are read
from the words the text says about the organisation: its own name, and for companies the clause
after it up to the next organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bcikg.domain.lexicon import taxonomy
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
    markers = {marker: seg.key for seg in tax.segments for marker in seg.markers}
    return _Cues(
        pattern=literal_pattern(subsector_of),
        subsector_of=subsector_of,
        segment_of_subsector={sub.key: sub.segment for sub in tax.subsectors},
        markers=markers,
        marker_pattern=literal_pattern(markers),
    )


def subsectors_in(text: str) -> list[str]:
    """Subsector keys whose cue words occur in the text, in taxonomy order."""
    cues = _cues()
    found: set[str] = set()
    for m in cues.pattern.finditer(text):
        found.update(cues.subsector_of[m.group(0)])
    order = [sub.key for sub in taxonomy().subsectors]
    return [key for key in order if key in found]


def segments_of(subsectors: list[str]) -> list[SegmentKey]:
    cues = _cues()
    segs = {cues.segment_of_subsector[s] for s in subsectors}
    return [seg for seg in ("upstream", "midstream", "downstream") if seg in segs]


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


def role_segment(text_after: str) -> list[SegmentKey]:
    """The segment a class noun right after a list names ("…等高水平研发机构")."""
    m = re.match(r"等[^，,。；;、]{0,8}?(?:" + "|".join(_role_nouns()) + ")", text_after)
    if not m:
        return []
    return [seg.key for seg in taxonomy().segments if any(m.group(0).endswith(n) for n in seg.role_nouns)]


@cache
def _role_nouns() -> tuple[str, ...]:
    return tuple(re.escape(n) for seg in taxonomy().segments for n in seg.role_nouns)
