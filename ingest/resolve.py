"""One node per real organisation across all documents.

Mentions merge when they share a resolution key: for companies the brand core (上海脑虎科技有限公司,
脑虎科技, 江西脑虎 -> 脑虎), for other organisations the normalised, region-qualified name; names
without any distinctive part (脑机接口专项基金) are keyed with the region of their document.
Further merges: abbreviations (南大一附院 -> 南昌大学第一附属医院, 工信部 -> 工业和信息化部),
hospitals named without their university (华山医院 -> 复旦大学附属华山医院) and generic names
written with or without their place (脑机接口未来产业集聚区 -> 上海脑机接口未来产业集聚区).

Ids are hashes of keys, so a re-run over the same documents produces the same graph.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache

from bcikg.domain.chinese import to_simplified
from bcikg.domain.lexicon import name_rules, resolution_rules, strong_suffixes_of
from bcikg.domain.regions import COUNTRY_ID, gazetteer
from bcikg.ingest import relations
from bcikg.ingest.names import _common_word, name_words
from bcikg.ingest.textutil import is_cjk, normalize_name, stable_hash, strip_legal_form
from bcikg.models import (
    DocumentExtraction,
    Evidence,
    KnowledgeGraph,
    Organization,
    OrgMention,
    OrgType,
    Policy,
    Region,
    Relation,
    ResolvedClaim,
    ResolvedTarget,
    SegmentKey,
)

# How much a rule's type judgement counts when mentions of one organisation disagree.
_TYPE_WEIGHT = {
    "Agency": 1.0,
    "Hospital": 1.0,
    "Fund": 1.0,
    "Institute": 1.0,
    "Platform": 1.0,
    "Company": 0.8,
}
# a county-level short form at the front of a name (short_name) is weaker than a stated place: a
# brand may begin with a district's name
_HOME_CUE_RANK = {
    "name": 0,
    "qualified": 0,
    "national": 0,
    "cue": 1,
    "short_name": 1.5,
    "local": 2,
    "document": 3,
    "": 4,
}
_SEGMENT_ORDER: tuple[SegmentKey, ...] = ("upstream", "midstream", "downstream")


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@lru_cache(maxsize=200_000)
def name_key(name: str) -> str:
    """The comparison form of a name for resolution: normalize_name, then simplified characters
    (上海腦虎科技 and 上海脑虎科技 are one name)."""
    return to_simplified(normalize_name(name))


_LATIN_LEAD = re.compile(r"[a-z][a-z0-9&+\-]*")


@lru_cache(maxsize=200_000)
def company_core(name: str) -> str:
    """The brand of a company name: without place, legal form and industry words
    (上海某某医疗科技有限公司, 某某医疗, 某某科技 -> 某某); an English brand written before the Chinese
    one (AbcCo某某科技) is dropped too."""
    gaz = gazetteer()
    rules = name_rules()
    core = strip_legal_form(name_key(name))
    latin = _LATIN_LEAD.match(core)
    if latin is not None and len(core) - latin.end() >= 2 and all(is_cjk(ch) for ch in core[latin.end() :]):
        core = core[latin.end() :]
    endings = sorted({*rules.weak_suffixes, *resolution_rules().industry_words}, key=len, reverse=True)
    lead = gaz.name_place(core, min_rest=4)
    rest = core[len(lead[0]) :] if lead is not None else core
    if lead is not None and len(rest) >= 2 and not _only_heads(rest, endings):
        core = rest  # 临港集团, 某地创投 keep their place: without it nothing is left
    changed = True
    while changed:
        changed = False
        for suffix in ("集团", "公司"):
            if (
                core.endswith(suffix)
                and len(core) - len(suffix) >= 2
                and not gaz.candidates(core[: -len(suffix)])
            ):
                core = core[: -len(suffix)]
                changed = True
        for suffix in endings:
            if core.endswith(suffix) and len(core) - len(suffix) >= 2:
                core = core[: -len(suffix)]
                changed = True
                break
    return core


def _only_heads(rest: str, endings: list[str]) -> bool:
    """Is the rest of a name made of legal heads and industry words only (集团, 创投, 科技公司)?"""
    while rest:
        for head in ("集团", "公司", "控股", "实业", *endings):
            if rest.endswith(head):
                rest = rest[: -len(head)]
                break
        else:
            return False
    return True


def resolution_key(mention: OrgMention) -> str:
    name = name_key(mention.name)
    if mention.generic:
        return f"generic:{name}@{mention.doc_region or ''}"
    if mention.type == "Company":
        core = company_core(mention.name)
        if len(core) >= 2 and not _common_word(core) and not gazetteer().candidates(core):
            return "co:" + core
    if mention.type == "Fund" and not name.endswith(strong_suffixes_of("Fund")):
        # 某某资本 / 某某 (an investor named without its 资本): one firm (relations helper)
        core = company_core(mention.name)
        if len(core) >= 2 and not _common_word(core) and not gazetteer().candidates(core):
            return "fund:" + core
    return "name:" + name


def document_keys(
    extractions: Iterable[DocumentExtraction], known_keys: Mapping[str, Sequence[str]]
) -> list[str]:
    """The resolution keys of all mentions of the documents, in order, taking those known."""
    keys: list[str] = []
    for e in extractions:
        known = known_keys.get(e.document.id)
        if known is not None and len(known) == len(e.orgs):
            keys.extend(known)
        else:
            keys.extend(resolution_key(m) for m in e.orgs)
    return keys


def secondary_keys(mention: OrgMention) -> list[str]:
    """Further keys a mention shares with other forms of its organisation: its Latin name
    (某某公司(Abc), Abc公司, AbcCo某某科技 are one firm)."""
    if mention.generic:
        return []
    keys = []
    not_names = _latin_terms()
    for form in (mention.name, *mention.aliases):
        folded = name_key(form)
        latin = _LATIN_LEAD.match(folded)
        if latin is None or latin.end() < 3 or latin.group(0) in not_names:
            continue  # BCI, EEG …: terms, not names
        rest = folded[latin.end() :]
        # the Latin name alone, or a company's Latin name before its Chinese one
        if not rest or (mention.type == "Company" and all(is_cjk(ch) for ch in rest)):
            keys.append("latin:" + latin.group(0))
    return sorted(set(keys))


@cache
def _latin_terms() -> frozenset[str]:
    return frozenset(w.lower() for w in name_rules().latin_not_org)


def _is_abbreviation(short: str, full: str) -> bool:
    """南大一附院 of 南昌大学第一附属医院, 工信部 of 工业和信息化部: same first character, characters
    in order, the same kind of head at the end."""
    if len(short) >= len(full) or len(short) < 2 or short[0] != full[0]:
        return False
    heads = name_rules().abbreviation_heads
    head_ok = False
    for head, expansions in heads.items():
        if short.endswith(head) and any(full.endswith(x) for x in expansions):
            head_ok = True
            break
    if not head_ok and short[-2:] != full[-2:]:
        return False
    it = iter(full)
    return all(ch in it for ch in short)


def _content_order(e: DocumentExtraction) -> tuple[object, ...]:
    """Documents in an order of what they say, not of their ids (which include the path): the
    same articles resolve to the same graph wherever they are read from. Which mention of a name
    is met first decides some merges (see _merge_variants)."""
    doc = e.document
    return (
        doc.title or "",
        doc.date or "",
        doc.chars,
        [(m.evidence.start, m.evidence.end, m.name) for m in e.orgs],
        doc.id,  # two documents that say the same at the same offsets: any order is the same
    )


def resolve(
    extractions: Iterable[DocumentExtraction], *, known_keys: Mapping[str, Sequence[str]] | None = None
) -> KnowledgeGraph:
    """``known_keys``: resolution keys already computed for the mentions of some documents
    (document id -> the keys of its ``orgs``, in order), e.g. cached by the store."""
    extractions = sorted(extractions, key=_content_order)
    mentions: list[OrgMention] = [m for e in extractions for m in e.orgs]
    keys = document_keys(extractions, known_keys or {})
    uf = _UnionFind(len(mentions))
    first_by_key: dict[str, int] = {}
    for i, key in enumerate(keys):
        if key in first_by_key:
            uf.union(first_by_key[key], i)
        else:
            first_by_key[key] = i
    first_by_secondary: dict[str, int] = {}
    for i, m in enumerate(mentions):
        for key in secondary_keys(m):
            if key in first_by_secondary:
                uf.union(first_by_secondary[key], i)
            else:
                first_by_secondary[key] = i
    _merge_variants(mentions, keys, first_by_key, uf)

    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(mentions)):
        clusters[uf.find(i)].append(i)

    organizations: list[Organization] = []
    org_of: dict[tuple[str, str], str] = {}
    home_evidence: dict[str, Evidence] = {}
    home_rank: dict[str, float] = {}
    stated: dict[str, list[Evidence]] = {}  # homes the text states (总部位于P), with the sentences
    for members in clusters.values():
        org, evidence, rank = _organization([mentions[i] for i in members], [keys[i] for i in members])
        organizations.append(org)
        home_rank[org.id] = rank
        said = [mentions[i].evidence for i in members if _states_home(mentions[i], org.region)]
        if said:
            stated[org.id] = said
        if evidence is not None:
            home_evidence[org.id] = evidence
        for i in members:
            org_of[(mentions[i].evidence.doc_id, mentions[i].name)] = org.id

    policies = _policies(extractions)
    policy_ids = {p_key: p.id for p in policies for p_key in [_policy_key_of(p)]}
    relations = _relations(extractions, org_of, policy_ids)
    _inherit_owner_region(organizations, relations, home_rank, home_evidence)
    relations = _absorb_stated_homes(organizations, relations, home_rank, home_evidence, stated)
    # home regions as LOCATED_IN, settled regions from SIGNED_IN
    settled: dict[str, set[str]] = defaultdict(set)
    for rel in relations:
        if rel.type == "SIGNED_IN":
            settled[rel.source].add(rel.target)
    for org in organizations:
        org.settled_in = sorted(settled.get(org.id, set()))
        if org.region is not None:
            ev = home_evidence.get(org.id) or (org.evidence[0] if org.evidence else None)
            relations.append(
                Relation(
                    id=_relation_id("LOCATED_IN", org.id, org.region, ""),
                    type="LOCATED_IN",
                    source=org.id,
                    target=org.region,
                    # stated: the text says where it is (位于P); else the name or the document gives it
                    properties={"home": True, "stated": org.id in stated},
                    evidence=_distinct(stated.get(org.id, [])) or ([ev] if ev is not None else []),
                )
            )
    claims = _claims(extractions)
    targets = _targets(extractions, org_of, policy_ids)
    regions = _regions(extractions, organizations, relations, policies, claims, targets)
    organizations.sort(key=lambda o: o.id)
    relations.sort(key=lambda r: r.id)
    return KnowledgeGraph(
        documents=[e.document for e in extractions],
        regions=regions,
        organizations=organizations,
        policies=policies,
        relations=relations,
        claims=claims,
        targets=targets,
    )


def _states_home(mention: OrgMention, region: str | None) -> bool:
    """Does this mention's sentence state the organisation's home (总部位于P, 位于P的X), or is it a
    park named with its place (某市某科技城: a park is a place itself)?"""
    if region is None or mention.home_region != region:
        return False
    if mention.home_cue == "cue":
        return True
    park = mention.type == "Platform" and mention.name.endswith(relations.cues().park_heads)
    return park and mention.home_cue in ("name", "qualified", "short_name")


def _distinct(evidence: list[Evidence]) -> list[Evidence]:
    unique = {(ev.doc_id, ev.start, ev.end): ev for ev in evidence}
    return [unique[key] for key in sorted(unique)]


def _park_heads() -> tuple[str, ...]:
    return relations.cues().park_heads


def _absorb_stated_homes(
    organizations: list[Organization],
    relations: list[Relation],
    home_rank: dict[str, float],
    home_evidence: dict[str, Evidence],
    stated: dict[str, list[Evidence]],
) -> list[Relation]:
    """LOCATED_IN statements to a region (某公司总部位于P) confirm the home region: they become the
    evidence of the one home LOCATED_IN (a home found nowhere else is taken from them). One that
    names a region outside the home speaks of another site and is dropped."""
    gaz = gazetteer()
    by_id = {org.id: org for org in organizations}
    parks = _park_heads()
    kept = []
    for rel in relations:
        if rel.type == "LOCATED_IN" and rel.source in by_id and rel.target in by_id:
            # 总部位于某市某园区: in a park named with its place, the organisation is in that place
            # too, which confirms a home that agrees with it
            org, park = by_id[rel.source], by_id[rel.target]
            if (
                org.region is not None
                and park.region is not None
                and park.name.endswith(parks)
                and gaz.leading_place(park.name) is not None
                and (gaz.is_within(park.region, org.region) or gaz.is_within(org.region, park.region))
            ):
                stated.setdefault(org.id, []).extend(rel.evidence)
        if rel.type != "LOCATED_IN" or not rel.target.startswith("region:") or rel.source not in by_id:
            kept.append(rel)
            continue
        org = by_id[rel.source]
        vague = org.region == COUNTRY_ID and home_rank.get(org.id, 4) >= _HOME_CUE_RANK["cue"]
        if org.region is None or (vague and gaz.is_within(rel.target, org.region)):
            org.region = rel.target  # none found elsewhere, or only the country (成立于中国深圳)
            if rel.evidence:
                home_evidence[org.id] = rel.evidence[0]
        if gaz.is_within(rel.target, org.region) or gaz.is_within(org.region, rel.target):
            stated.setdefault(org.id, []).extend(rel.evidence)
    return kept


# ---------------------------------------------------------------- merging variants


def _family(org_type: str) -> str:
    """Types a short form may disagree on with its full name: an institute's abbreviation is
    often taken for a platform (中科大, 某某中心)."""
    return "Institute" if org_type in ("Institute", "Platform") else org_type


def _merge_variants(
    mentions: list[OrgMention], keys: list[str], first_by_key: dict[str, int], uf: _UnionFind
) -> None:
    """Merge a short or generic form into the one full name it stands for (see _variant_of).

    Candidates are looked up in indexes (by name ending, by exact name, and by first and last
    character for abbreviations) so that the work grows with the number of names, not its square."""
    reps = {key: mentions[i] for key, i in first_by_key.items()}
    names = {key: name_key(m.name) for key, m in reps.items()}
    _merge_brand_abbreviations(mentions, keys, first_by_key, uf)
    gaz = gazetteer()
    by_ending: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    abbreviations = _AbbreviationIndex()
    for key, m in reps.items():
        name = names[key]
        if not name:
            continue
        family = _family(m.type)
        by_name[(family, name)].append(key)
        for i in range(1, len(name) - 1):
            by_ending[(family, name[i:])].append(key)
        abbreviations.add(family, name, key)
        lead = gaz.leading_place(name)
        if lead is not None and len(name) > len(lead[0]):
            # abbreviations of the name without its place
            abbreviations.add(family, name[len(lead[0]) :], key)
        rest = _without_owner(name)
        if rest is not None:
            # … and without its academy or university (深圳某某院 of 中国科学院深圳某某研究院)
            abbreviations.add(family, rest, key)
    for short_key, short_m in reps.items():
        short = names[short_key]
        if not short:
            continue
        family = _family(short_m.type)
        pool = set(by_ending.get((family, short), ()))
        # 上海某某医院 / 北京某某医院 of 某某大学附属某某医院: the tail after the place
        lead = gaz.leading_place(short)
        if lead is not None and len(short) - len(lead[0]) >= 4:
            pool.update(by_ending.get((family, short[len(lead[0]) :]), ()))
        # 清华 of 清华大学
        for head in resolution_rules().dropped_heads:
            pool.update(by_name.get((family, short + head), ()))
        # an abbreviation keeps the first character and ends like the full name's head
        pool.update(abbreviations.find(family, short))
        pool.discard(short_key)
        candidates = sorted(k for k in pool if _variant_of(short, short_m, names[k], reps[k]))
        # several candidates that are themselves forms of one organisation count as one
        if len(candidates) == 1 or (
            candidates
            and all(
                _variant_of(names[a], reps[a], names[b], reps[b])
                or _variant_of(names[b], reps[b], names[a], reps[a])
                or uf.find(first_by_key[a]) == uf.find(first_by_key[b])
                for i, a in enumerate(candidates)
                for b in candidates[i + 1 :]
            )
        ):
            for full_key in candidates:
                uf.union(first_by_key[short_key], first_by_key[full_key])


class _AbbreviationIndex:
    """Names (and their forms without a leading place or owner, the *bases*) a short form may
    abbreviate: a base keeps the short form's first character and its last character, and
    contains every other character of it, in order, after the first (see _is_abbreviation).

    Bases are kept by type family, first and last character, and once more under each character
    after the first, so that a short form looks only at the bases sharing its rarest character
    instead of at every name with its first and last character (which grows with the store).
    Every base that can be an abbreviation's full name passes the subsequence test; the
    other matches of _variant_of (a short form that is the end of a name) come from the index of
    endings, except for one-character forms, which get the whole bucket as before."""

    def __init__(self) -> None:
        self.by_ends: dict[tuple[str, str, str], dict[str, None]] = defaultdict(dict)
        self.by_char: dict[tuple[str, str, str, str], dict[tuple[str, str], None]] = defaultdict(dict)

    def add(self, family: str, base: str, key: str) -> None:
        first, last = base[0], base[-1]
        self.by_ends[(family, first, last)][key] = None
        for ch in set(base[1:]):
            self.by_char[(family, first, last, ch)][(key, base)] = None

    def find(self, family: str, short: str) -> set[str]:
        """The keys of the names with a base ``short`` may abbreviate (a superset)."""
        heads = name_rules().abbreviation_heads
        lasts = {short[-1]} | {x[-1] for head, xs in heads.items() if short.endswith(head) for x in xs}
        found: set[str] = set()
        for last in lasts:
            found.update(self._find(family, short, last))
        return found

    def _find(self, family: str, short: str, last: str) -> Iterable[str]:
        first = short[0]
        if len(short) < 2:
            return self.by_ends.get((family, first, last), ())
        buckets = []
        for ch in set(short[1:]):
            bucket = self.by_char.get((family, first, last, ch))
            if not bucket:
                return ()
            buckets.append(bucket)
        smallest = min(buckets, key=len)
        tail = short[1:]
        return [key for key, base in smallest if len(base) > len(short) and _is_subsequence(tail, base[1:])]


def _merge_brand_abbreviations(
    mentions: list[OrgMention], keys: list[str], first_by_key: dict[str, int], uf: _UnionFind
) -> None:
    """瑞捷生物 after 鸿瑞泰捷生物 in one document: a brand shortened to some of its characters, in
    order, ending with the same one and followed by the same industry word."""
    by_doc: dict[str, dict[str, OrgMention]] = defaultdict(dict)
    for m, key in zip(mentions, keys, strict=True):
        if key.startswith("co:"):
            by_doc[m.evidence.doc_id].setdefault(key, m)
    for forms in by_doc.values():
        if len(forms) < 2:
            continue
        ending = {key: _industry_ending(name_key(m.name), key[3:]) for key, m in forms.items()}
        for short_key in forms:
            short = short_key[3:]
            found = [
                key
                for key in forms
                if len(key) - 3 > len(short)
                and key[-1] == short[-1]
                and ending[key] == ending[short_key]
                and _is_subsequence(short, key[3:])
            ]
            if len(found) == 1:
                uf.union(first_by_key[short_key], first_by_key[found[0]])


def _industry_ending(name: str, core: str) -> str:
    i = name.find(core)
    return name[i + len(core) :] if i >= 0 else ""


def _is_subsequence(short: str, full: str) -> bool:
    it = iter(full)
    return all(ch in it for ch in short)


def _variant_of(short: str, short_m: OrgMention, full: str, full_m: OrgMention) -> bool:
    if len(short) >= len(full):
        return False
    gaz = gazetteer()
    same_region_or_unknown = (
        short_m.doc_region is None
        or full_m.doc_region is None
        or _related_regions(short_m.doc_region, full_m.doc_region)
    )
    owner_endings = resolution_rules().owner_endings
    # 某某专委会 of 某学会某某专委会, written later in the same text without its parent's name
    if (
        full.endswith(short)
        and len(short) >= 5
        and short.endswith(resolution_rules().sub_body_endings)
        and short_m.evidence.doc_id == full_m.evidence.doc_id
    ):
        return True
    # 华山医院 of 复旦大学附属华山医院; 上海华山医院 too, when the place is where the full name's
    # documents are
    short_lead = gaz.leading_place(short)
    tails = [short]
    if (
        short_lead is not None
        and len(short) - len(short_lead[0]) >= 4
        and not _placed_elsewhere(full_m, short_lead[1])
    ):
        tails.append(short[len(short_lead[0]) :])
    for tail in tails:
        if full.endswith(tail) and len(tail) >= 4 and not _generic_tail(tail):
            head = full[: -len(tail)]
            if any(head.endswith(x) for x in owner_endings):
                return True
    # 清华 of 清华大学: a distinctive two-character stem without its head
    if (
        short_m.type in ("Institute", "Platform")
        and len(short) == 2
        and any(full == short + head for head in resolution_rules().dropped_heads)
        and not _generic_stem(short)
    ):
        return True
    # 脑机接口未来产业集聚区 (in a Shanghai document) of 上海脑机接口未来产业集聚区
    if full.endswith(short):
        lead = gaz.leading_place(full)
        if lead is not None and short_lead is not None and len(lead[0]) + len(short) == len(full):
            # 武汉光谷脑机接口产业联盟 and 光谷脑机接口产业联盟: a wider place in front of a narrower one
            return gaz.is_within(short_lead[1], lead[1])
        if lead is not None and len(lead[0]) + len(short) == len(full):
            if not gaz.get(lead[1]).domestic and not short_m.generic:
                return True  # 美国某某大学 and 某某大学: a foreign country is often left out
            if short_m.doc_region is not None:
                return gaz.is_within(short_m.doc_region, lead[1]) or gaz.is_within(
                    lead[1], short_m.doc_region
                )
    # 深圳某某院, 北京某某医院 of 中国某某科学院深圳某某研究院, 中国某某科学院北京某某医院
    rest = _without_owner(full)
    if rest is not None and (short == rest or _is_abbreviation(short, rest)):
        return True
    national = "national" in (short_m.home_cue, full_m.home_cue) or (
        (full_lead := gaz.leading_place(full)) is not None and full_lead[1] == COUNTRY_ID
    )
    if _is_abbreviation(short, full) and (same_region_or_unknown or national):
        return True
    # 脑机接口集聚区 (in a Shanghai document) of 上海脑机接口未来产业集聚区: an abbreviation of the
    # name without its place, written where that place is meant
    lead = gaz.leading_place(full)
    if short_m.generic and lead is not None and short_m.doc_region is not None:
        rest = full[len(lead[0]) :]
        if (rest == short or _is_abbreviation(short, rest)) and _related_regions(short_m.doc_region, lead[1]):
            return True
    return False


def _without_owner(full: str) -> str | None:
    """The name after an academy or university at its front, when that rest is a name of its own
    (中国科学院深圳某某研究院 -> 深圳某某研究院; not 某某大学附属医院)."""
    for ending in resolution_rules().owner_prefix_endings:
        i = full.find(ending)
        if i < 0:
            continue
        cut = i + len(ending)
        rest = full[cut:]
        if cut >= 4 and len(rest) >= 4 and not _generic_tail(rest):
            return rest
    return None


def _placed_elsewhere(m: OrgMention, region: str) -> bool:
    """Does the mention's own name or a cue in its sentence put it outside the region? (Where its
    document is about says less: a Sichuan article may speak of a Shanghai hospital.)"""
    return (
        m.home_region is not None
        and _HOME_CUE_RANK.get(m.home_cue, 4) <= _HOME_CUE_RANK["cue"]
        and not _related_regions(m.home_region, region)
    )


def _generic_tail(tail: str) -> bool:
    """人民医院, 第一医院, 附属医院: a tail every city has one of names no particular body."""
    rules = name_rules()
    if tail.startswith("第") or tail in rules.strong_suffixes or tail in rules.unique_bodies:
        return True
    for suffix in sorted(rules.strong_suffixes, key=len, reverse=True):
        if tail.endswith(suffix):
            return _generic_stem(tail[: -len(suffix)])
    return False


def _generic_stem(stem: str) -> bool:
    """A stem without identity: too short, a place, or made of generic words (脑机接口, 人民)."""
    return (
        len(stem) < 2
        or stem in resolution_rules().generic_stems
        or bool(gazetteer().candidates(stem))
        or name_words().generic_pattern.fullmatch(stem) is not None
    )


def _related_regions(a: str, b: str) -> bool:
    gaz = gazetteer()
    return gaz.is_within(a, b) or gaz.is_within(b, a)


# ---------------------------------------------------------------- organisations


def _inherit_owner_region(
    organizations: list[Organization],
    relations: list[Relation],
    home_rank: dict[str, float],
    home_evidence: dict[str, Evidence],
) -> None:
    """A centre named after the hospital that runs it (南大一附院…中心), or a unit named as the
    university's (该校某研究院), is where its owner is, unless its own name or the text says
    otherwise."""
    by_id = {o.id: o for o in organizations}
    for rel in relations:
        if rel.type != "OPERATES" or rel.properties.get("verb") not in ("nested", "unit"):
            continue
        owner, platform = by_id.get(rel.source), by_id.get(rel.target)
        if owner is None or platform is None or owner.region is None:
            continue
        if home_rank.get(platform.id, 4) >= _HOME_CUE_RANK["document"] and home_rank.get(
            owner.id, 4
        ) < home_rank.get(platform.id, 4):
            platform.region = owner.region
            if rel.evidence:
                home_evidence[platform.id] = rel.evidence[0]


def _organization(members: list[OrgMention], keys: list[str]) -> tuple[Organization, Evidence | None, float]:
    weights: dict[OrgType, float] = defaultdict(float)
    for m in members:
        weights[m.type] += _TYPE_WEIGHT[m.type]
    # a tie goes to the type of the fullest name (中国某某大学 over its abbreviation)
    longest_type = max(members, key=lambda m: (len(m.name), m.name)).type
    org_type = max(weights, key=lambda t: (weights[t], t == longest_type, t))
    # canonical name: the longest full name written (not a short form or an anaphor), in
    # simplified characters where both forms are written
    written = [m for m in members if m.type == org_type] or members
    docs_of: dict[str, set[str]] = defaultdict(set)
    for m in written:
        docs_of[to_simplified(m.name)].add(m.evidence.doc_id)
    suffixes = tuple(name_rules().strong_suffixes)
    # a full name (ending in a type suffix) over a short form; among full names the one most
    # documents write (a firm over its subsidiary elsewhere, over a span with words glued to
    # it), then the longest, in simplified characters where both forms are written
    name = max(
        (m.name for m in written),
        key=lambda n: (
            n.endswith(suffixes),
            len(docs_of[to_simplified(n)]) if n.endswith(suffixes) else 0,
            len(n),
            to_simplified(n) == n,
            n,
        ),
    )
    key = _cluster_key(members, keys, name)
    generic_forms = {m.surface for m in members if m.surface != m.name and _unqualified(m)}
    aliases = sorted(
        ({m.name for m in members} | {m.surface for m in members} | {a for m in members for a in m.aliases})
        - {name}
        - generic_forms
        - {""}
    )
    aliases = [a for a in aliases if len(a) >= 2 and not _is_anaphor_word(a)]
    # home region: the best-ranked cue; for the canonical name's own place first
    # home region: the best-ranked cue; among equal cues the region most documents give (a firm
    # and its subsidiary elsewhere are one node), then the canonical name's own place
    support: Counter[tuple[float, str]] = Counter(
        {
            (rank_, region_): n
            for (rank_, region_), n in Counter(
                (_HOME_CUE_RANK.get(m.home_cue, 4), m.home_region)
                for m in {(m.evidence.doc_id, m.home_region, m.home_cue): m for m in members}.values()
                if m.home_region
            ).items()
        }
    )
    homes = sorted(
        (
            (
                _HOME_CUE_RANK.get(m.home_cue, 4),
                -support[(_HOME_CUE_RANK.get(m.home_cue, 4), m.home_region)],
                0 if m.name == name else 1,
                m.home_region,
                m.evidence,
            )
            for m in members
            if m.home_region
        ),
        key=lambda x: (x[0], x[1], x[2], x[3] or ""),
    )
    region = homes[0][3] if homes else None
    home_ev = homes[0][4] if homes else None
    rank = homes[0][0] if homes else _HOME_CUE_RANK[""]
    explicit = [m for m in members if m.segment_explicit]
    source = explicit or members
    segs = {s for m in source for s in m.segments}
    segment = [s for s in _SEGMENT_ORDER if s in segs]
    subsectors = sorted({s for m in source for s in m.subsectors})
    evidence = sorted((m.evidence for m in members), key=lambda e: (e.doc_id, e.start, e.end))
    org = Organization(
        id="org:" + stable_hash(key),
        type=org_type,
        name=name,
        aliases=aliases,
        region=region,
        segment=segment,
        segment_explicit=bool(explicit),
        subsectors=subsectors,
        evidence=evidence,
    )
    return org, home_ev, rank


def _cluster_key(members: list[OrgMention], keys: list[str], name: str) -> str:
    # the key of the canonical name's mentions keeps the id stable when short forms come and go
    for m, key in zip(members, keys, strict=True):
        if m.name == name:
            return key
    return min(keys)


def _unqualified(m: OrgMention) -> bool:
    """省科技厅 as written in a Jiangxi document is not a name of 江西省科技厅 in general."""
    return m.home_cue == "qualified" or m.surface.startswith(("省", "市", "区", "县", "新区"))


def _is_anaphor_word(text: str) -> bool:
    return text in {"孵化器", "集团", "平台", "公司", "医院", "基金", "研究院", "联盟", "集聚区", "园区"}


# ---------------------------------------------------------------- relations, policies, regions


def _relation_id(kind: str, source: str, target: str, extra: str) -> str:
    return "rel:" + stable_hash(kind, source, target, extra)


def _policy_key_of(policy: Policy) -> str:
    return normalize_name(policy.name)


def _policies(extractions: list[DocumentExtraction]) -> list[Policy]:
    by_key: dict[str, Policy] = {}
    for e in extractions:
        for p in e.policies:
            policy = by_key.get(p.key)
            if policy is None:
                policy = Policy(id="policy:" + stable_hash(p.key), name=p.title)
                by_key[p.key] = policy
            if p.is_document:
                policy.doc_id = e.document.id
                policy.region = policy.region or p.region_id
                policy.date = policy.date or p.date
                policy.tasks = sorted(set(policy.tasks) | set(p.tasks), key=_task_order)
            policy.evidence.append(p.evidence)
    for policy in by_key.values():
        policy.evidence.sort(key=lambda ev: (ev.doc_id, ev.start))
    return sorted(by_key.values(), key=lambda p: p.id)


def _task_order(task: str) -> tuple[int, str]:
    digits = "".join(ch for ch in task.split(" ")[0] if ch.isdigit())
    return (int(digits) if digits else 0, task)


def _relations(
    extractions: list[DocumentExtraction], org_of: dict[tuple[str, str], str], policy_ids: dict[str, str]
) -> list[Relation]:
    merged: dict[str, Relation] = {}
    seen_evidence: dict[str, set[tuple[str, int, int]]] = {}
    for e in extractions:
        doc = e.document.id
        for r in e.relations:
            source = org_of.get((doc, r.source))
            if source is None:
                continue
            if r.target_kind == "org":
                target = org_of.get((doc, r.target))
            elif r.target_kind == "region":
                target = r.target
            else:
                target = policy_ids.get(r.target)
            if target is None or target == source:
                continue
            if r.kind == "PARTNERS_WITH" and target < source:
                source, target = target, source  # undirected: one edge per pair
            props: dict[str, str | int | float | None] = {}
            extra = ""
            if r.properties.get("verb") in ("nested", "unit"):
                props["verb"] = r.properties.get("verb")
            if r.kind == "SIGNED_IN":
                props["date"] = r.date
            if r.kind == "RESPONSIBLE_FOR":
                props["task"] = r.properties.get("task")
                extra = str(r.properties.get("task") or "")
            rid = _relation_id(r.kind, source, target, extra)
            rel = merged.get(rid)
            if rel is None:
                rel = Relation(id=rid, type=r.kind, source=source, target=target, properties=props)
                merged[rid] = rel
                seen_evidence[rid] = set()
            ev_key = (r.evidence.doc_id, r.evidence.start, r.evidence.end)
            if ev_key not in seen_evidence[rid]:
                seen_evidence[rid].add(ev_key)
                rel.evidence.append(r.evidence)
            if (
                r.kind == "SIGNED_IN"
                and r.date
                and (rel.properties.get("date") is None or r.date < str(rel.properties["date"]))
            ):
                rel.properties["date"] = r.date  # the earliest date the documents give
    for rel in merged.values():
        rel.evidence.sort(key=lambda ev: (ev.doc_id, ev.start, ev.end))
        rel.properties = {k: v for k, v in rel.properties.items() if v is not None}
    return list(merged.values())


def _claims(extractions: list[DocumentExtraction]) -> list[ResolvedClaim]:
    out = []
    for e in extractions:
        for c in e.claims:
            out.append(
                ResolvedClaim(
                    id="claim:" + stable_hash(c.evidence.doc_id, str(c.evidence.start), str(c.evidence.end)),
                    region=c.region_id,
                    kind=c.kind,
                    text=c.evidence.text,
                    segments=c.segments,
                    subsectors=c.subsectors,
                    pillars=c.pillars,
                    evidence=[c.evidence],
                )
            )
    return sorted(out, key=lambda c: c.id)


def _targets(
    extractions: list[DocumentExtraction], org_of: dict[tuple[str, str], str], policy_ids: dict[str, str]
) -> list[ResolvedTarget]:
    out = []
    for e in extractions:
        doc = e.document.id
        names = {m.surface: m.name for m in e.orgs}
        for t in e.targets:
            # in the order the responsibility note gives them: the lead agency first
            agencies = list(
                dict.fromkeys(
                    org_of[(doc, names.get(a, a))] for a in t.agencies if (doc, names.get(a, a)) in org_of
                )
            )
            out.append(
                ResolvedTarget(
                    id="target:" + stable_hash(t.evidence.doc_id, str(t.evidence.start), str(t.evidence.end)),
                    region=t.region_id,
                    policy=policy_ids.get(t.policy_key) if t.policy_key else None,
                    year=t.year,
                    quantity=t.quantity,
                    quantity_max=t.quantity_max,
                    unit=t.unit,
                    subject=t.subject,
                    agencies=agencies,
                    segments=t.segments,
                    subsectors=t.subsectors,
                    pillars=t.pillars,
                    evidence=[t.evidence],
                )
            )
    return sorted(out, key=lambda t: t.id)


def _regions(
    extractions: list[DocumentExtraction],
    organizations: list[Organization],
    relations: list[Relation],
    policies: list[Policy],
    claims: list[ResolvedClaim],
    targets: list[ResolvedTarget],
) -> list[Region]:
    gaz = gazetteer()
    used: set[str] = set()
    used.update(e.document.region_id for e in extractions if e.document.region_id)
    used.update(o.region for o in organizations if o.region)
    used.update(r for o in organizations for r in o.settled_in)
    used.update(r.target for r in relations if r.target.startswith("region:"))
    used.update(p.region for p in policies if p.region)
    used.update(c.region for c in claims)
    used.update(t.region for t in targets if t.region)
    everything: set[str] = set()
    for rid in used:
        if rid in gaz.by_id:
            everything.update(gaz.ancestors(rid))
    return [gaz.get(rid).to_model() for rid in sorted(everything)]
