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
("累计招募筛选受试者110名") and forecasts are not taken for goals. Money raised ("完成20亿元B+轮
融资") is no goal; a quantity that modifies the subject ("千亿级产业集群") is part of it, and a goal
whose subject is a bare modifier ("新的") is not taken.

The region of a goal is the region of the policy that sets it (``_scope``): the subject its clause
or sentence opens with ("上海要推动…", "我国将…"); else the policy issued before it in the sentence,
then in the paragraph — the region its title opens with (《江苏省…方案》) or its issuer's (a
national body such as 工信部 or "七部门" makes it national, an agency written 省科技厅 keeps the
document's region); else the document's region. A dateline ("示例网北京…消息") is no issuer.
All rules are in domain/data/targets.toml.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from bcikg.domain.lexicon import name_rules, read_data_text
from bcikg.domain.regions import COUNTRY_ID, gazetteer
from bcikg.ingest.claims import chain_terms, clauses, paragraph_spans
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
    money_units: frozenset[str]
    funding: re.Pattern[str]
    modifier_after: tuple[str, ...]
    empty_subjects: frozenset[str]
    issue: re.Pattern[str]
    national_issuer: re.Pattern[str]
    national_subjects: tuple[str, ...]
    issuer_window: int


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
        money_units=frozenset(raw["money_units"]),
        funding=literal_pattern(raw["funding_words"]),
        modifier_after=tuple(raw["modifier_after"]),
        empty_subjects=frozenset(raw["empty_subjects"]),
        issue=literal_pattern(raw["issue_verbs"]),
        national_issuer=literal_pattern([*raw["national_issuers"], *name_rules().national_names]),
        national_subjects=tuple(raw["national_subjects"]),
        issuer_window=int(raw["issuer_window"]),
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


def _whole(subject: str) -> bool:
    """A subject that names what is counted: two or more characters of its own, not a bare
    modifier ("新的", "一批")."""
    rules = _rules()
    core = subject.strip()
    if core in rules.empty_subjects or core.endswith("的"):
        return False
    return sum(1 for ch in core if ch.isalnum()) >= 2


def _subject_before(pre: str) -> str:
    """What is counted when it comes before the number: "新增检测平台2家" -> 检测平台,
    "企业数量达到50家" -> 企业数量."""
    verbs = list(_rules().goal_verbs.finditer(pre))
    if not verbs:
        return pre.strip()
    after = pre[verbs[-1].end() :].strip()
    return after or pre[: verbs[0].start()].strip()


_BOOK = re.compile(r"《([^《》]{2,80})》")
# 省科技厅, 市工业和信息化局, 区政府: an agency of the document's own region, written without its name
_LOCAL_AGENCY = re.compile(r"(?:^|[、，,和与及等])(?:省|市|区|县)[\u4e00-\u9fff]{1,10}?(?:厅|局|委|办|政府)")
_CLAUSE_END = "，,。；;！？!?：:"
_LEAD = "“\"‘'（(【[ 　"


def _blank_titles(text: str) -> str:
    """The text with the words inside 《》 blanked (same length): a title's words are no verbs."""
    return _BOOK.sub(lambda m: "《" + " " * (len(m.group(0)) - 2) + "》", text)


def _title_region(title: str) -> str | None:
    """The region a policy title opens with (《江苏省…行动方案》, 《关于…上海市…》 does not count)."""
    title = title.strip()
    if title.startswith(("国家", "全国")):
        return COUNTRY_ID
    for hit in gazetteer().find(title):
        if hit.start == 0:
            return hit.region_id
    return None


def _issuer_region(before: str) -> str | None:
    """The region of the policy whose issuing clause comes last in ``before`` (the text up to a
    goal): the region its title opens with, else its issuer's: a place named in the issuer, a
    national body (→ the country), or an agency of the document's own region (→ None)."""
    rules = _rules()
    gaz = gazetteer()
    masked = _blank_titles(before)
    for verb in reversed(list(rules.issue.finditer(masked))):
        book = _BOOK.search(before, verb.end())
        if book and book.start() - verb.end() <= 6:
            region = _title_region(book.group(1))
            if region:
                return region
        window = before[max(0, verb.start() - rules.issuer_window) : verb.start()]
        cut = max(window.rfind(c) for c in _CLAUSE_END)
        window = window[cut + 1 :]
        if not window.strip():
            continue
        places = [hit.region_id for hit in gaz.find(window) if hit.region_id != COUNTRY_ID]
        if places:
            return places[-1]
        if _LOCAL_AGENCY.search(window):
            return None
        if rules.national_issuer.search(window):
            return COUNTRY_ID
    return None


def _subject_region(text: str) -> str | None:
    """The region a clause or sentence opens with as its subject ("上海要推动…", "我国将…")."""
    text = text.lstrip(_LEAD)
    if text.startswith(_rules().national_subjects):
        return COUNTRY_ID
    for hit in gazetteer().find(text[:16]):
        if hit.start == 0:
            rest = text[hit.end : hit.end + 1]
            if rest and rest in "的市省区县":
                return None  # 上海的企业…, or a longer name the gazetteer did not match
            return hit.region_id
    return None


def _scope(
    sentence: Sentence, clause_start: int, pos: int, paragraph: _Paragraph, region_id: str | None
) -> str | None:
    """The region a goal is for: the subject its clause or sentence opens with; else the region of
    the policy issued before it in the sentence, then in the paragraph; else the document's region
    (for a policy document, its issuer's region)."""
    text = sentence.text
    for opening in (text[clause_start:pos], text):
        region = _subject_region(opening)
        if region:
            return region
    region = _issuer_region(text[:pos])
    if region:
        return region
    before = paragraph.text[: max(0, sentence.start - paragraph.start)]
    return _issuer_region(before) or region_id


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
    verbs_text = _blank_titles(text)  # 《…实施意见》: the 实施 of a title is no goal verb
    matches = [
        m
        for m in rules.quantity.finditer(text)
        if not (m.start() > 0 and text[m.start() - 1] == "第")
        and not text.startswith(rules.modifier_after, m.end())  # 千亿级产业集群
    ]
    if not matches:
        return []
    sentence_years = _years(text, sentence.start)
    spans = clauses(text, _TARGET_BREAKS)
    out: list[PolicyTarget] = []
    consumed: set[int] = set()
    for i, m in enumerate(matches):
        if i in consumed:
            continue
        low = _quantity_value(m.group("low"))
        if low is None:
            continue
        c_start, c_end = _clause_of(spans, m.start())
        if m.group("unit") in rules.money_units and rules.funding.search(text, c_start, c_end):
            continue  # money raised (完成20亿元B+轮融资) is no goal
        qualified = bool(m.group("prefix") or m.group("suffix"))
        has_verb = any(
            v.start() < m.start() for v in rules.goal_verbs.finditer(verbs_text, c_start, m.start() + 1)
        )
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
        if subject_end < c_end and (not subject or subject.endswith("的")):
            # "1个新的100家企业集聚区": the next quantity belongs to this subject, whole
            subject_end = c_end
            consumed.update(j for j in range(i + 1, len(matches)) if matches[j].start() < c_end)
            subject = _subject(text, m.end(), subject_end)
        ev_end = m.end() + len(text[m.end() : subject_end].rstrip("、，, "))
        if not subject:
            subject = _subject_before(text[c_start : m.start()])
        if not _whole(subject):
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
                region_id=_scope(sentence, c_start, m.start(), paragraph, region_id),
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
