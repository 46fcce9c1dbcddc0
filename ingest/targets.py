"""Policy targets: numeric goals such as "到2030年，推动不少于20款脑机接口产品通过医疗器械注册审批".

For each quantity with a counting unit ("不少于20款", "3-5家", "5家以上", "10家左右") in a clause
that states a goal (a goal verb before it), the target takes:

- year: the deadline (到YYYY年 / YYYY年前 …) closest before it in the sentence, else elsewhere in
  the sentence, else the closest before it in the paragraph, else one after it in the paragraph;
- quantity and quantity_max (for ranges), unit, and subject (what is counted: the words after
  the unit up to the end of the clause or the next quantity);
- agencies: the names in the responsibility note that follows in the paragraph
  ("（省科技厅、省工业和信息化厅按职责分工负责）"), as written;
- segments, subsectors and pillars the clause names (bcikg.ingest.claims.chain_terms).

Outside a policy document (``policy_key`` is None) a target needs a deadline year, so that facts
("累计招募筛选受试者110名") and forecasts are not taken for goals. All rules are in
domain/data/targets.toml.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from bcikg.ingest.claims import chain_terms, clauses, paragraph_spans
from bcikg.domain.lexicon import read_data_text
from bcikg.ingest.textutil import literal_pattern
from bcikg.models import Evidence, PolicyTarget, Sentence, SplitDocument

_CN_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMBER = r"(?:\d+(?:\.\d+)?|[零一二两三四五六七八九十百千]+)"
_RANGE = r"\s*(?:-|－|~|～|—|–|至|到)\s*"
_TARGET_BREAKS = frozenset("，,；;。！？!?")


def chinese_number(text: str) -> float | None:
    """'20' -> 20, '3.5' -> 3.5, '三' -> 3, '十五' -> 15, '二十' -> 20, '一百二十' -> 120."""
    try:
        return float(text)
    except ValueError:
        pass
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


@dataclass(frozen=True)
class _Rules:
    quantity: re.Pattern[str]
    weak_units: frozenset[str]
    goal_verbs: re.Pattern[str]
    years: tuple[re.Pattern[str], ...]
    subject_stops: frozenset[str]
    subject_trim: tuple[str, ...]
    responsibility: re.Pattern[str]
    agency_split: re.Pattern[str]


@cache
def _rules() -> _Rules:
    raw = tomllib.loads(read_data_text("targets.toml"))

    def alternation(words: list[str]) -> str:
        return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))

    quantity = re.compile(
        rf"(?P<prefix>{alternation(raw['at_least'])})?\s*"
        rf"(?P<low>{_NUMBER})(?:{_RANGE}(?P<high>{_NUMBER}))?\s*"
        rf"(?P<unit>{alternation(raw['units'])})"
        rf"(?P<suffix>{alternation(raw['after_unit'])})?"
    )
    return _Rules(
        quantity=quantity,
        weak_units=frozenset(raw["weak_units"]),
        goal_verbs=literal_pattern(raw["goal_verbs"]),
        years=tuple(re.compile(p) for p in raw["year_patterns"]),
        subject_stops=frozenset(raw["subject_stops"]),
        subject_trim=tuple(raw["subject_trim"]),
        responsibility=re.compile(raw["responsibility_pattern"]),
        agency_split=re.compile("|".join(re.escape(s) for s in raw["agency_separators"])),
    )


def _years(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(position, year) of the deadlines in a text, in order."""
    found: dict[int, int] = {}
    for pattern in _rules().years:
        for m in pattern.finditer(text):
            found.setdefault(offset + m.start(), int(m.group(1)))
    return sorted(found.items())


def _governing_year(
    pos: int, sentence_years: list[tuple[int, int]], paragraph_years: list[tuple[int, int]]
) -> int | None:
    for years in (sentence_years, paragraph_years):
        before = [year for at, year in years if at <= pos]
        if before:
            return before[-1]
        if years and years is sentence_years:
            return years[0][1]
    after = [year for at, year in paragraph_years if at > pos]
    return after[0] if after else None


def _agencies(paragraph: str, paragraph_start: int, after: int) -> list[str]:
    """Names in the first responsibility note after ``after`` (a document offset) in the paragraph."""
    rules = _rules()
    for m in rules.responsibility.finditer(paragraph):
        if paragraph_start + m.start() < after:
            continue
        names = []
        for part in rules.agency_split.split(m.group(1)):
            name = part.strip(" *　\t")
            if len(name) >= 2 and name not in names:
                names.append(name)
        return names
    return []


def _quantity_value(text: str | None) -> float | None:
    return chinese_number(text) if text else None


def _subject(sentence: str, start: int, end: int) -> str:
    rules = _rules()
    stop = end
    for i in range(start, end):
        if sentence[i] in rules.subject_stops:
            stop = i
            break
    subject = sentence[start:stop].strip()
    changed = True
    while changed:
        changed = False
        for word in rules.subject_trim:
            if subject.startswith(word):
                subject = subject[len(word) :].lstrip()
                changed = True
    return subject.rstrip("、等 ")


def _subject_before(pre: str) -> str:
    """What is counted when it comes before the number: "新增检测平台2家" -> 检测平台,
    "企业数量达到50家" -> 企业数量."""
    verbs = list(_rules().goal_verbs.finditer(pre))
    if not verbs:
        return pre.strip()
    after = pre[verbs[-1].end() :].strip()
    return after or pre[: verbs[0].start()].strip()


@dataclass
class _Paragraph:
    start: int
    text: str
    years: list[tuple[int, int]]


def _paragraphs(split: SplitDocument) -> dict[int, _Paragraph]:
    text = split.document.text
    return {
        p: _Paragraph(lo, text[lo:hi], _years(text[lo:hi], lo))
        for p, (lo, hi) in paragraph_spans(split).items()
    }


def _clause_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    starts = [s for s, _ in spans]
    i = max(0, bisect_right(starts, pos) - 1)
    return spans[i]


def _sentence_targets(
    sentence: Sentence,
    paragraph: _Paragraph,
    split: SplitDocument,
    region_id: str | None,
    policy_key: str | None,
) -> list[PolicyTarget]:
    rules = _rules()
    text = sentence.text
    matches = [
        m for m in rules.quantity.finditer(text) if not (m.start() > 0 and text[m.start() - 1] == "第")
    ]
    if not matches:
        return []
    sentence_years = _years(text, sentence.start)
    spans = clauses(text, _TARGET_BREAKS)
    out: list[PolicyTarget] = []
    for i, m in enumerate(matches):
        low = _quantity_value(m.group("low"))
        if low is None:
            continue
        c_start, c_end = _clause_of(spans, m.start())
        qualified = bool(m.group("prefix") or m.group("suffix"))
        has_verb = any(v.start() < m.start() for v in rules.goal_verbs.finditer(text, c_start, m.start() + 1))
        year = _governing_year(sentence.start + m.start(), sentence_years, paragraph.years)
        if m.group("unit") in rules.weak_units and not (qualified or year):
            continue
        if not (has_verb or qualified):
            continue
        if year is None and not (policy_key and has_verb and qualified):
            continue
        # the subject runs to the end of the clause or to the next quantity in it
        subject_end = c_end
        if i + 1 < len(matches) and matches[i + 1].start() < c_end:
            subject_end = matches[i + 1].start()
        subject = _subject(text, m.end(), subject_end)
        ev_end = m.end() + len(text[m.end() : subject_end].rstrip("、，, "))
        if not subject:
            subject = _subject_before(text[c_start : m.start()])
        if not subject:
            continue
        # in an enumeration ("5家以上A、10家以上B") a later target's evidence starts at its own number
        ev_start = c_start if i == 0 or matches[i - 1].start() < c_start else m.start()
        ev_text = text[ev_start:ev_end]
        terms = chain_terms(ev_text)
        high = _quantity_value(m.group("high"))
        out.append(
            PolicyTarget(
                year=year,
                quantity=low,
                quantity_max=high if high is not None and high != low else None,
                unit=m.group("unit"),
                subject=subject,
                region_id=region_id,
                policy_key=policy_key,
                agencies=_agencies(paragraph.text, paragraph.start, sentence.start + m.end()),
                segments=terms.segments,
                subsectors=terms.subsectors,
                pillars=terms.pillars,
                evidence=Evidence(
                    doc_id=split.document.id,
                    sentence=text,
                    start=sentence.start + ev_start,
                    end=sentence.start + ev_end,
                    text=ev_text,
                ),
            )
        )
    return out


def extract_targets(
    split: SplitDocument, region_id: str | None, policy_key: str | None
) -> list[PolicyTarget]:
    """Numeric goals in the document, in document order. ``region_id`` is the region the document
    is about and ``policy_key`` the policy it is (None for a news article that quotes goals)."""
    paragraphs = _paragraphs(split)
    rules = _rules()
    out: list[PolicyTarget] = []
    for sentence in split.sentences:
        if not rules.quantity.search(sentence.text):
            continue
        out.extend(_sentence_targets(sentence, paragraphs[sentence.paragraph], split, region_id, policy_key))
    return out
