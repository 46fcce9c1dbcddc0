"""Claims: a region's own statements about its strengths, its gaps and what it should do.

A claim is a sentence with a kind word (缺乏/短板/… for a gap, 优势/率先/稀缺性/… for a strength,
see domain/data/claims.toml) in a clause that names something on the chain: a segment, a subsector
or a support pillar (domain/data/taxonomy.toml). A clause that recommends (opens with 要, 加快,
积极, 建议 … — or whose sentence opens with 建议) is a recommendation, whatever its words: "要加快
补强上游短板" says what the text wants, not what the region lacks. The evidence is the clause (or run
of clauses) that holds the kind words; ``evidence.sentence`` is the whole sentence.

The region a claim is about, in order: a self-reference ("我市", "我省", "新区" …) in the claim's
clauses, meaning the document's region at that level; the regions the nearest clause up to the
claim opens with as its subject ("美国在…领先", "山东、湖北等省份…", but not "广州析芒…", a company
named after its city); a self-reference elsewhere in the sentence; a place in (or above) the
document's region named in the sentence; else the document's region, when the paragraph is
about it (refers to it as 我市/本省 …, or has it or a place in it as a clause's subject).
Sentences about no region the document can vouch for give no claim.

The chain vocabulary (``chain_terms``) is shared with bcikg.ingest.targets.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from bcikg.domain.lexicon import read_data_text, taxonomy
from bcikg.domain.regions import gazetteer
from bcikg.ingest.textutil import literal_pattern
from bcikg.models import SEGMENTS, Claim, ClaimKind, Evidence, SegmentKey, Sentence, SplitDocument


@dataclass(frozen=True)
class ChainTerms:
    segments: list[SegmentKey]
    subsectors: list[str]
    pillars: list[str]

    def __bool__(self) -> bool:
        return bool(self.segments or self.subsectors or self.pillars)


@dataclass(frozen=True)
class _Vocabulary:
    """Word lists compiled once: kind words and chain words, each with the masks that apply to it."""

    kind_of: dict[str, ClaimKind]
    kind_pattern: re.Pattern[str]
    kind_masks: re.Pattern[str]
    weak_strength: frozenset[str]
    plan_openers: tuple[str, ...]
    recommendation_openers: tuple[str, ...]
    sentence_recommendation: tuple[str, ...]
    chain_of: dict[str, list[tuple[str, str]]]  # word -> [("segment"|"subsector"|"pillar", key)]
    chain_pattern: re.Pattern[str]
    chain_masks: re.Pattern[str]
    clause_breaks: frozenset[str]
    self_reference: dict[str, str]
    self_pattern: re.Pattern[str]
    subject_lead_ins: tuple[str, ...]
    subject_excluded: frozenset[str]
    resolved_by: re.Pattern[str]
    subject_followers: tuple[str, ...]


def _raw_rules() -> dict[str, Any]:
    return tomllib.loads(read_data_text("claims.toml"))


@cache
def pillar_text_cues() -> dict[str, tuple[str, ...]]:
    """Pillar key -> words that name it in a sentence (``text_cues`` of taxonomy.toml's pillars)."""
    raw = tomllib.loads(read_data_text("taxonomy.toml"))
    return {p["key"]: tuple(p.get("text_cues", [])) for p in raw.get("pillar", [])}


def _mask_pattern(masks: list[str], words: set[str]) -> re.Pattern[str]:
    # A mask phrase hides the words inside it, unless the phrase is itself one of the words.
    return literal_pattern([m for m in masks if m not in words])


@cache
def _vocabulary() -> _Vocabulary:
    raw = _raw_rules()
    tax = taxonomy()
    kind_of: dict[str, ClaimKind] = {}
    for word in raw["kinds"]["gap"]:
        kind_of[word] = "gap"
    for word in raw["kinds"]["strength"]:
        kind_of[word] = "strength"  # a longer strength word ("稀缺性") wins over the gap word in it
    chain_of: dict[str, list[tuple[str, str]]] = {}

    def add(word: str, tag: tuple[str, str]) -> None:
        tags = chain_of.setdefault(word, [])
        if tag not in tags:
            tags.append(tag)

    for seg in tax.segments:
        for marker in seg.markers:
            add(marker, ("segment", seg.key))
        for word in raw["segment_words"].get(seg.key, []):
            add(word, ("segment", seg.key))
        for sub in seg.subsectors:
            for cue in sub.cues:
                add(cue, ("subsector", sub.key))
    for key, cues in pillar_text_cues().items():
        for cue in cues:
            add(cue, ("pillar", key))
    masks = list(raw["masks"])
    self_reference = dict(raw["self_reference"])
    return _Vocabulary(
        kind_of=kind_of,
        kind_pattern=literal_pattern(kind_of),
        kind_masks=_mask_pattern(masks, set(kind_of)),
        weak_strength=frozenset(raw["weak_strength"]),
        plan_openers=tuple(raw["plan_openers"]),
        recommendation_openers=tuple(raw["recommendation_openers"]),
        sentence_recommendation=tuple(raw["sentence_recommendation"]),
        chain_of=chain_of,
        chain_pattern=literal_pattern(chain_of),
        chain_masks=_mask_pattern(masks, set(chain_of)),
        clause_breaks=frozenset(raw["clause_breaks"]),
        self_reference=self_reference,
        self_pattern=literal_pattern(self_reference),
        subject_lead_ins=tuple(sorted(raw["subject_lead_ins"], key=len, reverse=True)),
        subject_followers=tuple(raw["subject_followers"]),
        subject_excluded=frozenset(raw["subject_excluded"]),
        resolved_by=literal_pattern(raw["resolved_by"]),
    )


def _masked(text: str, masks: re.Pattern[str]) -> str:
    """The text with mask phrases replaced by spaces (same length, so offsets hold)."""
    return masks.sub(lambda m: " " * len(m.group(0)), text)


def _in_taxonomy_order(segs: set[str], subs: set[str], pils: set[str]) -> ChainTerms:
    tax = taxonomy()
    return ChainTerms(
        segments=[s for s in SEGMENTS if s in segs],
        subsectors=[s.key for s in tax.subsectors if s.key in subs],
        pillars=[p.key for p in tax.pillars if p.key in pils],
    )


def chain_terms(text: str) -> ChainTerms:
    """Segments, subsectors and pillars a piece of text names, in taxonomy order. A subsector
    implies its segment."""
    vocab = _vocabulary()
    found: dict[str, set[str]] = {"segment": set(), "subsector": set(), "pillar": set()}
    for m in vocab.chain_pattern.finditer(_masked(text, vocab.chain_masks)):
        for kind, key in vocab.chain_of[m.group(0)]:
            found[kind].add(key)
    found["segment"].update(taxonomy().subsector(key).segment for key in found["subsector"])
    return _in_taxonomy_order(found["segment"], found["subsector"], found["pillar"])


def merge_terms(*terms: ChainTerms) -> ChainTerms:
    return _in_taxonomy_order(
        {s for t in terms for s in t.segments},
        {s for t in terms for s in t.subsectors},
        {p for t in terms for p in t.pillars},
    )


def clauses(text: str, breaks: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a sentence, split at commas, semicolons, colons and dashes;
    surrounding whitespace is not part of a clause."""
    breaks = breaks if breaks is not None else _vocabulary().clause_breaks
    out: list[tuple[int, int]] = []
    start = 0
    for i, ch in enumerate(text + "，"):
        if i == len(text) or ch in breaks:
            s, e = start, i
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                out.append((s, e))
            start = i + 1
    return out


_OPENER_SKIP = "“\"‘'（(【[ 　0-9.、)）*一二三四五六七八九十是"


def _opener(text: str) -> str:
    """The clause from its verb: without leading quotes and numbering, and without a subject that
    is the region itself ("我市要加快…", "大连应…")."""
    text = text.lstrip(_OPENER_SKIP)
    vocab = _vocabulary()
    m = vocab.self_pattern.match(text)
    if m:
        return text[m.end() :]
    hits = [hit for hit in gazetteer().find(text[:12]) if hit.start == 0]
    if hits:
        return text[max(hit.end for hit in hits) :]
    return text


def _recommends(sentence: str) -> bool:
    """The sentence as a whole recommends (建议…, 必须…)."""
    return _opener(sentence).startswith(_vocabulary().sentence_recommendation)


def _opens_recommendation(clause: str) -> bool:
    """Does the clause open with a recommending verb (要, 加快, 积极 …)? Not when the verb is
    attributive ("打造的国内首个平台")."""
    opener = _opener(clause)
    for word in _vocabulary().recommendation_openers:
        if opener.startswith(word) and opener[len(word) : len(word) + 1] != "的":
            return True
    return False


def _has_own_subject(clause: str) -> bool:
    """The clause opens with a subject of its own: a self-reference or a region."""
    return _opener(clause) != clause.lstrip(_OPENER_SKIP)


def _clause_kinds(clause: str, recommending: bool = False) -> set[ClaimKind]:
    """The kinds of claim a clause makes: a gap or strength word states one, unless the clause
    recommends (opens with 要/加快/积极 …, or continues a sentence that does): then it is a
    recommendation. A weak strength word in a plan (支持优势企业) states nothing."""
    vocab = _vocabulary()
    masked = _masked(clause, vocab.kind_masks)
    opener = _opener(clause)
    is_plan = opener.startswith(vocab.plan_openers)
    kinds: set[ClaimKind] = set()
    resolved = vocab.resolved_by.search(masked)
    for m in vocab.kind_pattern.finditer(masked):
        word = m.group(0)
        if is_plan and word in vocab.weak_strength:
            continue
        if resolved and resolved.start() < m.start() and vocab.kind_of[word] == "gap" and not recommending:
            continue
        kinds.add("recommendation" if recommending else vocab.kind_of[word])
    return kinds


def _recommending_clauses(sentence: str, spans: list[tuple[int, int]]) -> list[bool]:
    """For each clause, whether it recommends: it opens with a recommending verb, or its sentence
    opens with 建议/必须 …, or it continues a recommending clause without a subject of its own."""
    out = []
    current = _recommends(sentence)
    whole = current
    for lo, hi in spans:
        clause = sentence[lo:hi]
        if _opens_recommendation(clause):
            current = True
        elif _has_own_subject(clause) and not whole:
            current = False
        out.append(current)
    return out


def _self_region(text: str, doc_region: str | None) -> str | None:
    if doc_region is None:
        return None
    vocab = _vocabulary()
    m = vocab.self_pattern.search(text)
    if not m:
        return None
    level = vocab.self_reference[m.group(0)]
    if level == "any":
        return doc_region
    return gazetteer().ancestor_at(doc_region, level) or doc_region


def _subject_regions(clause: str, context: list[str]) -> list[str]:
    """The regions a clause opens with as its subject ("美国在…", "山东、湖北等省份…", "江西首例"),
    not a company named after its city ("广州析芒…")."""
    vocab = _vocabulary()
    gaz = gazetteer()
    pos = len(clause) - len(clause.lstrip("“\"‘'（(【[ 　"))
    for lead in vocab.subject_lead_ins:
        if clause.startswith(lead, pos):
            pos += len(lead)
            break
    found: list[str] = []
    for hit in gaz.find(clause, context):
        if hit.start != pos:
            if hit.start < pos:
                continue
            break
        if hit.surface in vocab.subject_excluded:
            break
        rest = clause[hit.end :]
        if (
            rest
            and not rest.startswith(("、", "和", "及", "与", *vocab.subject_followers))
            and rest[0].isalnum()
        ):
            return []
        if hit.region_id not in found:
            found.append(hit.region_id)
        if not rest.startswith(("、", "和", "及", "与")):
            break
        pos = hit.end + 1
    return found


def paragraph_spans(split: SplitDocument) -> dict[int, tuple[int, int]]:
    """Paragraph number -> (start, end) in the document text, from its sentences."""
    spans: dict[int, tuple[int, int]] = {}
    for s in split.sentences:
        lo, hi = spans.get(s.paragraph, (s.start, s.end))
        spans[s.paragraph] = (min(lo, s.start), max(hi, s.end))
    return spans


def _in_lineage(rid: str, doc_region: str) -> bool:
    """The region is the document's region, inside it, or a province/city it lies in."""
    gaz = gazetteer()
    if gaz.get(rid).level == "country":
        return False
    return gaz.is_within(rid, doc_region) or gaz.is_within(doc_region, rid)


def _about_doc_region(paragraph: str, doc_region: str) -> bool:
    """The paragraph refers to the document's region: 我市/本省 …, or a clause with the region (or a
    place inside it, or the province it lies in) as its subject."""
    if _self_region(paragraph, doc_region):
        return True
    context = [doc_region]
    return any(
        _in_lineage(rid, doc_region)
        for lo, hi in clauses(paragraph)
        for rid in _subject_regions(paragraph[lo:hi], context)
    )


def _claim_regions(
    kind_spans: list[tuple[int, int]], sentence: str, paragraph: str, doc_region: str | None
) -> list[str]:
    """Regions a claim is about, in order of precedence: a self-reference (我市 …) in the claim's
    clauses; the regions the nearest clause up to the claim opens with as its subject; a
    self-reference elsewhere in the sentence; a place in the document's region named in the
    sentence; the document's region when the paragraph is about it."""
    context = [doc_region] if doc_region else []
    for lo, hi in kind_spans:
        own = _self_region(sentence[lo:hi], doc_region)
        if own:
            return [own]
    last = kind_spans[-1][0]
    for lo, hi in reversed([span for span in clauses(sentence) if span[0] <= last]):
        subjects = _subject_regions(sentence[lo:hi], context)
        if subjects:
            return subjects
    if doc_region is None:
        return []
    own = _self_region(sentence, doc_region)
    if own:
        return [own]
    for hit in gazetteer().find(sentence, context):
        if _in_lineage(hit.region_id, doc_region):
            return [hit.region_id]
    if _about_doc_region(paragraph, doc_region):
        return [doc_region]
    return []


def _sentence_claims(
    sentence: Sentence, split: SplitDocument, paragraph: str, doc_region: str | None
) -> list[Claim]:
    spans = clauses(sentence.text)
    recommending = dict(zip(spans, _recommending_clauses(sentence.text, spans), strict=True))
    by_kind: dict[ClaimKind, list[tuple[int, int]]] = {}
    for start, end in spans:
        for kind in _clause_kinds(sentence.text[start:end], recommending[(start, end)]):
            by_kind.setdefault(kind, []).append((start, end))
    claims: list[Claim] = []
    kinds: tuple[ClaimKind, ...] = ("gap", "strength", "recommendation")
    for kind in kinds:
        kind_spans = by_kind.get(kind)
        if not kind_spans:
            continue
        terms = merge_terms(*(chain_terms(sentence.text[s:e]) for s, e in kind_spans))
        if not (terms.segments or terms.subsectors):
            # "…研发康复训练系统,获批全球首例…注册证": the chain place is in a neighbouring clause
            # that states nothing of the other kind (its pillars too, when the claim's own clauses
            # name nothing at all)
            extra = merge_terms(
                *(
                    chain_terms(sentence.text[s:e])
                    for s, e in spans
                    if (s, e) not in kind_spans
                    and not _clause_kinds(sentence.text[s:e], recommending[(s, e)])
                )
            )
            terms = merge_terms(
                terms, ChainTerms(extra.segments, extra.subsectors, [] if terms else extra.pillars)
            )
        if not terms:
            continue
        lo, hi = kind_spans[0][0], kind_spans[-1][1]
        clause_text = sentence.text[lo:hi]
        regions = _claim_regions(kind_spans, sentence.text, paragraph, doc_region)
        evidence = Evidence(
            doc_id=split.document.id,
            sentence=sentence.text,
            start=sentence.start + lo,
            end=sentence.start + hi,
            text=clause_text,
        )
        for rid in regions:
            claims.append(
                Claim(
                    region_id=rid,
                    kind=kind,
                    segments=terms.segments,
                    subsectors=terms.subsectors,
                    pillars=terms.pillars,
                    evidence=evidence,
                )
            )
    return claims


def extract_claims(split: SplitDocument, region_id: str | None) -> list[Claim]:
    """The strengths and gaps the document states about regions (mostly its own, ``region_id``),
    in document order, each with the chain segments, subsectors and pillars it names."""
    text = split.document.text
    paragraphs = {p: text[lo:hi] for p, (lo, hi) in paragraph_spans(split).items()}
    vocab = _vocabulary()
    out: list[Claim] = []
    for sentence in split.sentences:
        if not vocab.kind_pattern.search(sentence.text):
            continue
        out.extend(_sentence_claims(sentence, split, paragraphs[sentence.paragraph], region_id))
    return out
