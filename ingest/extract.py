"""Extract organisations, regions, relations, policies, claims and targets from one document.

Sentence-level name finding is in bcikg.ingest.names; this module does what needs the whole
document: the region the document is about, which generic names stand for one organisation,
qualification of 省科技厅 by that region, short forms (博睿康 after 博睿康医疗), home and settled
regions, and the chain position of each mention.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache

from bcikg.domain.chinese import normalize_text
from bcikg.domain.lexicon import name_rules, read_data_text, strong_suffixes_of, taxonomy
from bcikg.domain.regions import COUNTRY_ID, Gazetteer, RegionHit, gazetteer, region_cues
from bcikg.ingest import classify, relations
from bcikg.ingest.claims import extract_claims
from bcikg.ingest.names import Candidate, SentenceNames, _common_word, name_words, tokenize
from bcikg.ingest.targets import extract_targets
from bcikg.ingest.textutil import is_cjk, strip_legal_form
from bcikg.models import (
    DocumentExtraction,
    DocumentInfo,
    Evidence,
    OrgMention,
    OrgType,
    RegionMention,
    SegmentKey,
    Sentence,
    SplitDocument,
)

_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
# "省政府" names the province's 人民政府.
_GOVERNMENT = re.compile(r"^(省|市|区|县)政府")


def warm_up() -> None:
    """Load dictionaries and tables once (a pool initializer calls this in each worker)."""
    gazetteer()
    name_rules()
    taxonomy()
    name_words()
    tokenize("预热")


@dataclass
class Mention:
    """A working organisation mention (absolute offsets into the document text)."""

    start: int
    end: int
    sentence: Sentence
    cand: Candidate
    name: str
    type: OrgType
    home: str | None = None
    home_cue: str = ""
    settled: list[str] = field(default_factory=list)
    generic: bool = False
    segments: list[SegmentKey] = field(default_factory=list)
    explicit: bool = False
    subsectors: list[str] = field(default_factory=list)

    def another(self, sentence: Sentence, start: int, end: int, rule: str) -> Mention:
        """A further mention of the same organisation at [start, end) of a sentence (offsets in
        the sentence), found by a short form or an anaphor."""
        cand = Candidate(
            start, end, sentence.text[start:end], self.type, rule, self.cand.prefix, self.cand.generic
        )
        return Mention(
            sentence.start + start,
            sentence.start + end,
            sentence,
            cand,
            self.name,
            self.type,
            self.home,
            self.home_cue,
            generic=self.generic,
        )

    @property
    def rel_start(self) -> int:
        return self.start - self.sentence.start

    @property
    def rel_end(self) -> int:
        return self.end - self.sentence.start


@dataclass(frozen=True)
class _DocumentRegionRules:
    dateline: re.Pattern[str]
    prose_marks: str
    news_verbs: tuple[str, ...]
    notice_words: tuple[str, ...]
    national_issuers: tuple[str, ...]


@cache
def _document_region_rules() -> _DocumentRegionRules:
    raw = tomllib.loads(read_data_text("document_region.toml"))
    return _DocumentRegionRules(
        dateline=re.compile(raw["dateline_pattern"]),
        prose_marks=raw["prose_marks"],
        news_verbs=tuple(raw["news_verbs"]),
        notice_words=tuple(raw["notice_words"]),
        national_issuers=tuple(raw["national_issuers"]),
    )


def _reports_issue(head: str, rules: _DocumentRegionRules) -> bool:
    """The head reports a policy being issued (上海发布…方案) rather than being it or the notice
    that issues it (…关于印发《…》的通知)."""
    for verb in rules.news_verbs:
        at = head.find(verb)
        if at >= 0 and not any(0 <= head.find(w) < at for w in rules.notice_words):
            return True
    return False


def _national_issuer(
    head: str, rules: _DocumentRegionRules, national_names: frozenset[str], gaz: Gazetteer
) -> bool:
    """The policy's issuer, named before 关于 (or the start of its title), is a national body."""
    cut = min((head.find(w) for w in rules.notice_words if w in head), default=-1)
    issuer = head[:cut] if cut > 0 else ""
    if not issuer:
        return False
    if any(
        hit.region_id != COUNTRY_ID and not rules.dateline.match(issuer, hit.end) for hit in gaz.find(issuer)
    ):
        return False  # 江苏省人民政府关于…: a regional issuer
    return any(name in issuer for name in (*national_names, *rules.national_issuers))


class DocumentContext:
    def __init__(self, split: SplitDocument):
        self.split = split
        # names are found in the normalised text (simplified characters, no look-alike code
        # points); it has the original's length, so offsets and evidence slice the original
        self.original = split.document.text
        self.text = normalize_text(self.original)
        self.doc = split.document
        self.sentences = split.sentences
        if self.text == self.original:
            self.text = self.original  # one string: evidence slices nothing twice
        else:
            self.doc = split.document.model_copy(
                update={"text": self.text, "title": normalize_text(split.document.title or "") or None}
            )
            self.sentences = [
                s.model_copy(update={"text": self.text[s.start : s.end]}) for s in split.sentences
            ]
        self.gaz: Gazetteer = gazetteer()
        self.rules = name_rules()
        self.words = name_words()
        self.region_hits: list[tuple[Sentence, RegionHit]] = []
        self.zone: str | None = None
        self.zone_for_word: dict[str, str] = {}
        self.sentence_mentions: dict[int, list[Mention]] = {}
        self.mentions: list[Mention] = []  # all accepted mentions, once found
        self.last_list_paragraph: int | None = None  # where a list of signers continues
        self.region: str | None = None
        self.policy = False
        self.bci_document = True  # set by _classify: does the text speak of the field?

    # ------------------------------------------------------------ regions

    def find_regions(self) -> None:
        for sentence in self.sentences:
            for hit in self.gaz.find(sentence.text):
                self.region_hits.append((sentence, hit))
        zones = sorted(
            {hit.region_id for _, hit in self.region_hits if self.gaz.get(hit.region_id).level == "zone"}
        )
        # a bare 新区 / 园区 in a document about one such zone is that zone
        for word, endings in self.rules.zone_words.items():
            matching = [z for z in zones if self.gaz.get(z).name.endswith(endings)]
            if len(matching) == 1:
                self.zone_for_word[word] = matching[0]
        self.zone = zones[0] if len(zones) == 1 else self.zone_for_word.get("新区")
        for word, zone in self.zone_for_word.items():
            full = self.gaz.get(zone).name
            for sentence in self.sentences:
                for m in re.finditer(word, sentence.text):
                    if sentence.text[max(0, m.end() - len(full)) : m.end()] == full:
                        continue  # part of the full name, already found
                    if (
                        m.start() > 0
                        and is_cjk(sentence.text[m.start() - 1])
                        and not _deictic_position(sentence.text, m.start())
                    ):
                        continue  # 集团园区, 产业新区: a compound noun, not the zone itself
                    self.region_hits.append((sentence, RegionHit(m.start(), m.end(), word, zone)))
        self.region, self.policy = self._document_region()

    def _document_region(self) -> tuple[str | None, bool]:
        """The region the document is about, and whether it is a policy text.

        The region comes from the body (domain/data/document_region.toml): places named in prose
        sentences, weighted by the title and the first paragraph; a dateline ("示例网北京…消息")
        is no mention, and a place named only outside prose (a banner, a navigation line, a title
        the body never confirms) counts for nothing — unless no prose sentence names any place.
        A policy document issued by a national body (…七部门关于…的意见) is national."""
        rules = _document_region_rules()
        title = self.doc.title or ""
        head = title or (self.sentences[0].text if self.sentences else "")

        def prose(text: str) -> bool:
            return any(ch in rules.prose_marks for ch in text)

        def dateline(text: str, hit: RegionHit) -> bool:
            return rules.dateline.match(text, hit.end) is not None

        hits = [(s, hit) for s, hit in self.region_hits if not dateline(s.text, hit)]
        confirmed = {hit.region_id for s, hit in hits if prose(s.text) and hit.region_id != COUNTRY_ID}

        def counts(rid: str) -> bool:
            # with no place in any prose sentence, the page's other places are all there is
            if not confirmed:
                return True
            return any(self.gaz.is_within(rid, c) or self.gaz.is_within(c, rid) for c in confirmed)

        weighted = []
        for hit in self.gaz.find(title):
            if hit.region_id != COUNTRY_ID and not dateline(title, hit) and counts(hit.region_id):
                weighted.append((hit.region_id, 3.0))
        for sentence, hit in hits:
            if hit.region_id == COUNTRY_ID or not (prose(sentence.text) or counts(hit.region_id)):
                continue
            weighted.append((hit.region_id, 2.0 if sentence.paragraph == 0 else 1.0))
        region = self.gaz.main_region(weighted)
        policy = any(w in head for w in self.words.policy_title_words) and not _reports_issue(head, rules)
        if policy and _national_issuer(head, rules, self.rules.national_names, self.gaz):
            region = COUNTRY_ID
        return region, policy

    def context_regions(self) -> list[str]:
        return self.gaz.ancestors(self.region) if self.region else []

    def region_at_level(self, level: str) -> str | None:
        if level.startswith("zone:"):
            return self.zone_for_word.get(level[5:]) or (self.zone if level == "zone:新区" else None)
        return self.gaz.ancestor_at(self.region, level)

    # ------------------------------------------------------------ evidence

    def evidence(self, sentence: Sentence, start: int, end: int) -> Evidence:
        original = self.original
        same = original is self.text  # no normalisation: the sentence text is the original's
        return Evidence(
            doc_id=self.doc.id,
            sentence=sentence.text if same else original[sentence.start : sentence.end],
            start=start,
            end=end,
            text=original[start:end],
        )


def _deictic_position(text: str, pos: int) -> bool:
    """Is the word at pos used on its own (落户新区, 该园区) rather than as the head of a compound
    (集团园区)? It is when the word before it is a verb or a function word."""
    previous = [t for t in tokenize(text[max(0, pos - 6) : pos])]
    if not previous:
        return True
    tok = previous[-1]
    return (
        tok.tag.startswith(("v", "p", "r", "d", "c", "u", "x"))
        or tok.text in "该本全我此"
        or tok.text in name_rules().left_stop
    )


# ---------------------------------------------------------------- acceptance of generic names


def _preceding_verb(ctx: DocumentContext, mention: Mention) -> str:
    """The creation or existing-organisation verb nearest before the name in its clause."""
    before = mention.sentence.text[: mention.rel_start]
    clause = re.split(r"[，,。；;：:]", before)[-1]
    best, best_pos = "", -1
    for verb in (*ctx.words.creation_verbs, *ctx.words.existing_verbs):
        pos = clause.rfind(verb)
        if pos > best_pos:
            best, best_pos = verb, pos
    return best


def _accept(ctx: DocumentContext, mention: Mention, actors: list[Mention]) -> bool:
    """Does this mention stand for one organisation? Specific names always do; generic ones
    (脑机接口专项基金, 省重点实验室) only with a place, an owner, or a realised context."""
    cand = mention.cand
    org_type = mention.type
    if not cand.generic:
        if (
            ctx.policy
            and org_type in ("Institute", "Platform", "Fund")
            and cand.prefix == "none"
            and cand.rule == "suffix"
        ):
            # a policy text names categories to build (卓越工程师学院); only placed ones are real
            return _preceding_verb(ctx, mention) in ctx.words.existing_verbs
        return True
    if cand.prefix == "place" or cand.prefix == "org" or (cand.quoted and cand.rule == "list"):
        return True
    if cand.prefix == "admin":
        if org_type in ("Agency", "Hospital", "Fund"):
            return True
        core = cand.name[len(_admin(cand.name)) :]
        if core == cand.suffix and core in ctx.rules.unique_bodies:
            return True  # 省科学院: the one such body of the province
        return _preceding_verb(ctx, mention) in ctx.words.existing_verbs and not _in_category_list(mention)
    # bare generic name
    if ctx.policy or org_type in ("Agency", "Hospital", "Company"):
        return False
    after_name = mention.sentence.text[mention.rel_end : mention.rel_end + 6]
    if org_type in ("Institute", "Platform") and after_name.startswith(_HEAD_TITLES):
        return True  # 某某健康管理系统实验室主任: a body with a head exists
    name = cand.name
    if not any(word in name for word in ctx.words.domain):
        return False
    if org_type == "Fund":
        amount = re.search(
            r"[0-9一二三四五六七八九十百千]+(?:\.[0-9]+)?[亿万]元$",
            mention.sentence.text[: mention.rel_start],
        )
        return amount is not None
    before = mention.sentence.text[: mention.rel_start]
    clause_start = max(before.rfind(ch) for ch in "。；;") + 1
    clause = before[clause_start:]
    cues = relations.cues()
    if any(word in clause for word in cues.modal) or re.search(r"到20\d\d年", clause):
        return False  # a plan or a target (到2027年建成…), not a body that exists
    own_clause = re.split(r"[，,]", clause)[-1]  # the verb that governs the name is in its own clause
    after = mention.sentence.text[mention.rel_end : mention.rel_end + 4]
    realised = any(v in own_clause for v in cues.realised) or after.startswith(
        ("揭牌", "启动", "运营", "建成", "落成")
    )
    if not realised:
        return False
    # a company's own product platform (某公司打造的…平台) is not an organisation
    subject = [a for a in actors if a.sentence is mention.sentence and a.start < mention.start]
    region_actor = any(
        h.start < mention.rel_start and h.region_id != COUNTRY_ID
        for s, h in ctx.region_hits
        if s is mention.sentence
    )
    return region_actor or any(a.type != "Company" for a in subject)


# titles of the head of a body (主任, 院长 …): a generic name followed by one names a real body
_HEAD_TITLES = ("主任", "副主任", "院长", "副院长", "所长", "副所长", "执行主任", "理事长", "秘书长")


def _in_category_list(mention: Mention) -> bool:
    """省重点实验室，部、省脑机接口实验室等科研平台: kinds of bodies listed as a category."""
    after = mention.sentence.text[mention.rel_end : mention.rel_end + 24]
    after = re.split(r"[。；;]", after)[0]
    before = mention.sentence.text[max(0, mention.rel_start - 3) : mention.rel_start]
    return bool(re.search(r"等[^，,。；;]{0,8}(?:平台|机构|载体|中心|实验室)", after)) or before.endswith(
        ("及", "全国")
    )


def _admin(name: str) -> str:
    for prefix in name_rules().admin_prefixes:
        if name.startswith(prefix):
            return prefix
    return ""


# ---------------------------------------------------------------- qualification and regions


def _qualify(ctx: DocumentContext, mention: Mention) -> None:
    """省科技厅 -> 江西省科技厅 in a Jiangxi document; 新区管委会 -> 赣江新区管委会."""
    cand = mention.cand
    name = mention.name
    if _national_body(name, mention.type):
        mention.home, mention.home_cue = "region:中国", "national"
        return
    if cand.prefix == "admin":
        prefix = _admin(name)
        level = {
            "省": "province",
            "省委": "province",
            "市": "city",
            "市委": "city",
            "区": "district",
            "区委": "district",
            "县": "district",
            "县委": "district",
            "自治区": "province",
        }.get(prefix)
        if prefix in ctx.rules.zone_words:
            level = "zone:" + prefix
        target = ctx.region_at_level(level) if level else None
        if (
            target is None
            and level == "city"
            and ctx.region
            and ctx.gaz.get(ctx.region).name in _MUNICIPALITIES
        ):
            target = ctx.region
        if target is not None:
            place = ctx.gaz.get(target).name
            rest = name[len(prefix) :]
            if prefix.endswith("委") and len(prefix) == 2:
                rest = "委" + rest
            if _GOVERNMENT.match(name):
                rest = "人民政府" + name[len(prefix) + 2 :]
            mention.name = place + rest
            mention.home, mention.home_cue = target, "qualified"
        else:
            mention.generic = True  # a generic name whose region the document does not give
        return
    if cand.rule == "national" or name in ctx.rules.national_names:
        mention.home, mention.home_cue = "region:中国", "national"
        return
    place, cue = _place_in_name(ctx, name)
    if place is None:
        place, cue = _bracketed_place(ctx, mention), "name"
    if place is not None:
        mention.home, mention.home_cue = place, cue
    if cand.generic and cand.prefix == "none":
        mention.generic = True


def _national_body(name: str, org_type: OrgType) -> bool:
    """国家某某委员会, 中国某某协会: a national body (region 中国)."""
    cues = region_cues()
    if org_type == "Agency" and name.startswith(cues.national_agency_starts):
        return not _place_after_prefix(name, cues.national_agency_starts)
    return (
        org_type in ("Agency", "Platform", "Institute")
        and name.startswith(cues.national_starts)
        and name.endswith(cues.national_ends)
        and not _place_after_prefix(name, cues.national_starts)
    )


def _place_after_prefix(name: str, prefixes: tuple[str, ...]) -> bool:
    """中国某某协会上海分会, 国家某某中心(北京): a place after the national prefix makes it local."""
    return name.startswith(prefixes) and any(
        hit.region_id != COUNTRY_ID and hit.start > 0 for hit in gazetteer().find(name)
    )


_BRACKET_PLACE = re.compile(r"[（(]([\u4e00-\u9fff]{2,8})[）)]")


def _bracketed_place(ctx: DocumentContext, mention: Mention) -> str | None:
    """某某科技(常州)股份有限公司: the place in brackets, inside the name or right after it."""
    surface = ctx.text[mention.start : mention.end]
    inside = _BRACKET_PLACE.search(surface)
    place = inside.group(1) if inside else None
    if place is None and mention.type == "Company":
        after = _BRACKET_PLACE.match(ctx.text, mention.end, min(len(ctx.text), mention.end + 12))
        place = after.group(1) if after else None
    if place is None:
        return None
    return ctx.gaz.resolve(place, ctx.context_regions())


def _place_in_name(ctx: DocumentContext, name: str) -> tuple[str | None, str]:
    """The region a name's own words give, and the home cue: "name", or "short_name" when it is
    only a county-level short form at the front (北辰某某科技 may be a brand that happens to begin
    with a district's name; a sentence that says where the firm is outranks it)."""
    # a county-level short form outside the document's region only before a brand of its own
    # (丹阳某某医疗设备, not 某某创投 whose first characters happen to name a county)
    lead = ctx.gaz.name_place(name, ctx.context_regions(), min_rest=4)
    lead_cue = "short_name" if lead is not None and ctx.gaz.leading_place(name) is None else "name"
    if lead is not None and lead[1] != COUNTRY_ID:
        return lead[1], lead_cue
    # 中共大连市委…, 人民银行江苏省分行, 中国科学院深圳先进技术研究院, 某某大学附属北京某某医院:
    # a place inside the name, written in full or right after its owner
    inner = []
    owners = region_cues().inner_place_after
    for hit in ctx.gaz.find(name, ctx.context_regions()):
        entry = ctx.gaz.get(hit.region_id)
        if hit.region_id != COUNTRY_ID and (
            hit.surface == entry.name
            or hit.start == 0
            or lead is not None
            or name[: hit.start].endswith(owners)
        ):
            inner.append(hit.region_id)
    if inner:
        return inner[0], "name"
    if lead is not None:
        return lead[1], lead_cue
    # 南昌大学第一附属医院, 大连大学: a university named after its city
    m = re.match(r"(.{2,3})大学", name)
    if m:
        rid = ctx.gaz.resolve(m.group(1), ctx.context_regions())
        if rid is not None:
            return rid, "name"
    return None, ""


def _home_from_context(ctx: DocumentContext, mention: Mention, group_end: int) -> None:
    """Home region from the sentence: 本土企业 (the document's region), 总部位于X, X聚集Y. A
    stated place also replaces one read from a short form at the front of the name."""
    if mention.home is not None and mention.home_cue != "short_name":
        return
    if mention.home is not None:
        _stated_home(ctx, mention)
        return
    text = mention.sentence.text
    after = text[mention.rel_end : max(group_end, mention.rel_end)]
    after = after[:12] if not after.startswith(("、", "和", "及")) else after
    if any(word in after for word in ctx.rules.local_words) and ctx.region is not None:
        mention.home, mention.home_cue = ctx.region, "local"
        return
    if _stated_home(ctx, mention):
        return
    if (
        mention.type not in ("Company", "Institute")
        and not (mention.type == "Fund" and not mention.name.endswith(strong_suffixes_of("Fund")))
        and ctx.region is not None
        and _local_sentence(ctx, mention)
    ):
        # a hospital, agency, platform or fund (a strong Fund suffix: 基金) in a sentence about the
        # document's region is taken to be there; universities and institutes are too often
        # partners from elsewhere, and an investment firm (资本, 创投) in a funding report comes
        # from anywhere
        mention.home, mention.home_cue = ctx.region, "document"


def _stated_home(ctx: DocumentContext, mention: Mention) -> bool:
    """A home the sentence states (总部位于P, 位于P的X, P的X, X于P注册成立): set it, say whether."""
    text = mention.sentence.text
    window_after = text[mention.rel_end : mention.rel_end + 16]
    companies_here = {
        m.name for m in ctx.sentence_mentions.get(mention.sentence.index, []) if m.type == "Company"
    }
    whole = mention.type == "Company" and len(companies_here) == 1
    if whole:
        window_after = text[mention.rel_end :]  # 某公司董事长表示,公司总部位于杭州
    for cue in ctx.rules.home_before_place:
        i = window_after.find(cue)
        if 0 <= i <= (len(window_after) if whole else 4):
            place = _place_at_start(ctx, window_after[i + len(cue) :])
            if place is not None:
                mention.home, mention.home_cue = place, "cue"
                return True
    if _home_from_phrases(ctx, mention):
        return True
    before = text[max(0, mention.rel_start - 16) : mention.rel_start]
    located = re.search(r"(?:位于|坐落于|地处|来自|扎根)([^，,。；;的]{2,12})的$", before)
    if located:
        hits = ctx.gaz.find(located.group(1), ctx.context_regions())
        if hits:
            mention.home, mention.home_cue = hits[-1].region_id, "cue"  # 位于深圳市南山区的某产业园
            return True
    for cue in ctx.rules.home_place_before:
        if before.endswith(cue):
            hits = ctx.gaz.find(before[: -len(cue)], ctx.context_regions())
            if hits and hits[-1].end == len(before) - len(cue):
                mention.home, mention.home_cue = hits[-1].region_id, "cue"
                return True
    return False


def _home_from_phrases(ctx: DocumentContext, mention: Mention) -> bool:
    """X在P诞生 / X于P注册成立; P某某公司X, P六小龙之一X; P成立X; X是一家P公司."""
    cues = region_cues()
    text = mention.sentence.text
    context = ctx.context_regions()
    after = _CLAUSE_END.split(text[mention.rel_end : mention.rel_end + 30], maxsplit=1)[0]
    # X在P(某园区)诞生
    m = re.match(r"(?:(?:已|于|在)?\d{4}年(?:\d{1,2}月)?)?(?:在|于)", after)
    if m:
        rest = after[m.end() :]
        hits = ctx.gaz.find(rest, context)
        if hits and hits[0].start == 0:
            tail = rest[hits[0].end :]
            verb_at = min((i for i in (tail.find(v) for v in cues.founded_verbs) if i >= 0), default=-1)
            # X在P成立了子公司: a branch there, not X's home
            branch = any(0 <= tail.find(w, verb_at) <= verb_at + 8 for w in cues.branch_words)
            if 0 <= verb_at <= 12 and not branch:
                return _set_home(mention, hits[0].region_id)
    # X是一家P公司
    for word in cues.is_a:
        if after.startswith(word):
            rest = after[len(word) :]
            hits = ctx.gaz.find(rest, context)
            # X是一家P某某公司 (not X是P某公司的股东): the head ends the clause, no 的 before it
            if (
                hits
                and hits[0].start == 0
                and rest.endswith(cues.is_a_heads)
                and len(rest) - hits[0].end <= 14
                and "的" not in rest
            ):
                return _set_home(mention, hits[0].region_id)
            break
    clause = re.split(r"[，,。；;：:、“”\"「」]", text[: mention.rel_start])[-1]
    if not clause:
        return False
    hits = ctx.gaz.find(clause, context)
    # P某某公司X: a phrase from a place at the clause start to a head right before the name
    if (
        hits
        and hits[0].start == 0
        and clause.endswith(cues.appositive_heads)
        and len(clause) - hits[0].end <= cues.appositive_max
        and hits[0].region_id != COUNTRY_ID
    ):
        return _set_home(mention, hits[0].region_id)
    # P成立X
    for verb in cues.place_then_verb:
        if clause.endswith(verb):
            head = clause[: -len(verb)]
            if hits and hits[-1].end == len(head) and hits[-1].region_id != COUNTRY_ID:
                return _set_home(mention, hits[-1].region_id)
            break
    return False


def _place_at_start(ctx: DocumentContext, text: str) -> str | None:
    """The place a text starts with, the most specific of the places written together there
    (中国深圳 -> 深圳, 武汉光谷 -> 光谷)."""
    hits = ctx.gaz.find(text, ctx.context_regions())
    if not hits or hits[0].start != 0:
        return None
    best = hits[0].region_id
    end = hits[0].end
    for hit in hits[1:]:
        if hit.start != end:
            break
        if ctx.gaz.is_within(hit.region_id, best):
            best = hit.region_id
        end = hit.end
    return best


def _set_home(mention: Mention, region: str) -> bool:
    mention.home, mention.home_cue = region, "cue"
    return True


def _local_sentence(ctx: DocumentContext, mention: Mention) -> bool:
    """Does the sentence speak of the document's part of the country only (no place in another
    province, no 我国/国内)?"""
    assert ctx.region is not None
    home = ctx.gaz.ancestor_at(ctx.region, "province") or ctx.region
    for sentence, hit in ctx.region_hits:
        if sentence is not mention.sentence:
            continue
        if hit.region_id == COUNTRY_ID and ctx.region != COUNTRY_ID:
            return False
        if not (ctx.gaz.is_within(hit.region_id, home) or ctx.gaz.is_within(home, hit.region_id)):
            return False
    return True


# ---------------------------------------------------------------- chain position


# what may stand between two names that share what follows them (A、B深耕电极)
_JOINERS = re.compile(r"\s*(?:、|和|及|以及|与)\s*")
# for the chain position, also across a stock code or short name in brackets (A(300459)与B合作开发…)
_SEGMENT_JOINERS = re.compile(r"(?:[(（][^()（）]{1,12}[)）])?\s*(?:、|和|及|以及|与)\s*")


def _groups(mentions: list[Mention], joiners: re.Pattern[str] = _JOINERS) -> list[list[Mention]]:
    """Mentions of one sentence joined by 、/和/及 share what follows them (A、B深耕电极)."""
    groups: list[list[Mention]] = []
    for m in sorted(mentions, key=lambda x: x.start):
        if groups:
            prev = groups[-1][-1]
            if prev.sentence is m.sentence and joiners.fullmatch(m.sentence.text, prev.rel_end, m.rel_start):
                groups[-1].append(m)
                continue
        groups.append([m])
    return groups


# 在/于/落户/入驻 right before a park's or base's name: the place where the subject is
_LOCATIVE = re.compile(r"(?:在|于|落户|入驻|落地|扎根)$")


def _locative_adjunct(m: Mention) -> bool:
    if m.type != "Platform":
        return False
    return _LOCATIVE.search(m.sentence.text, max(0, m.rel_start - 2), m.rel_start) is not None


# a noun phrase in apposition before a firm's name says what it is (脑科学创新企业某某,
# 专注柔性电极的企业——某某科技, 作为一家…的机器人企业,某某公司): a class noun of firms right
# before the name, and the words of its own clause before it (after the organisation before)
_APPOSITIVE_BREAKS = "。；;!！?？，,：:"
_APPOSITIVE = re.compile(r"(?:企业|公司|厂商|供应商|独角兽|初创|龙头)\s*(?:——|—|-|:|：|,|，)?\s*$")


def _appositive(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of the description in apposition before the name at end, if any."""
    m = _APPOSITIVE.search(text, start, end)
    if not m:
        return None
    clause = max(start, *(text.rfind(ch, start, m.start()) + 1 for ch in _APPOSITIVE_BREAKS))
    return (clause, m.start())


def _classify(ctx: DocumentContext, mentions: list[Mention]) -> None:
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence.index, []).append(m)
    ctx.sentence_mentions = by_sentence
    ctx.bci_document = classify.bci_document([s.text for s in ctx.sentences], ctx.doc.title or "")
    # the segment of the heading line the text is under ("一、上游：核心部件"), while it lasts
    under: SegmentKey | None = None
    under_since = 0
    for sentence in ctx.sentences:
        here = by_sentence.get(sentence.index, [])
        if not here and _heading_line(ctx, sentence, _ANY_HEADING):
            under, under_since = classify.heading_segment(sentence.text), sentence.index
        elif sentence.index - under_since > _UNDER_HEADING_SENTENCES:
            under = None
        if not here:
            continue
        scopes = classify.marker_scopes(sentence.text)
        # a park or base named as the place where a firm is (某某科技在某某生物城诞生,专注于…) neither
        # takes nor cuts what the sentence says about the firm
        adjuncts = [m for m in here if _locative_adjunct(m)]
        core = [m for m in here if not _locative_adjunct(m)] if adjuncts else here
        if not core:
            core, adjuncts = here, []
        groups = _groups(core, joiners=_SEGMENT_JOINERS)
        # a description in apposition right before a name (专注柔性电极的企业——某某科技) is about
        # that organisation, not about the one before it
        appositives = [
            _appositive(sentence.text, groups[gi - 1][-1].rel_end if gi else 0, group[0].rel_start)
            for gi, group in enumerate(groups)
        ]
        for gi, group in enumerate(groups):
            last = group[-1]
            next_start = len(sentence.text)
            if gi + 1 < len(groups):
                following = appositives[gi + 1]
                next_start = following[0] if following else groups[gi + 1][0].rel_start
            single = len(groups) == 1 or len({m.name for m in core}) == 1
            own_text = _own_text(sentence.text, last.rel_end, next_start, single=single)
            if single and len({m.name for m in group}) == 1 and not classify.funding_sentence(sentence.text):
                # the sentence's only organisation: what it says before the name is about it too
                # (由某人创办的某某公司研发生产, 信号采集模块来自某某公司)
                own_text = sentence.text[: group[0].rel_start] + " " + own_text
            elif (apposition := appositives[gi]) is not None:
                own_text = sentence.text[apposition[0] : apposition[1]] + " " + own_text
            if not single and gi == len(groups) - 1:
                # …,后者生产康复机器人: a later clause about the last organisation named
                own_text += " " + " ".join(_LATTER.findall(sentence.text, last.rel_end))
            respective = _respective_work(own_text, len(group)) or _former_latter(own_text, len(group))
            for i, m in enumerate(group):
                text = respective[i] if respective else own_text
                _place_on_chain(ctx, m, text, scopes, sentence.text[last.rel_end :])
        for m in adjuncts:
            _place_on_chain(ctx, m, "", scopes, sentence.text[m.rel_end :])
        if _LIST_LABEL.match(sentence.text):
            _place_by_heading(ctx, sentence, here)
        if under is not None and (ctx.bci_document or classify.about_bci(sentence.text)):
            # a firm listed under a heading "上游" whose own words place it nowhere
            for m in here:
                if m.type == "Company" and not m.segments and not classify.is_investor_name(m.name):
                    m.segments = [under]
        for gi, group in enumerate(home_groups := _groups(here)):
            next_start = home_groups[gi + 1][0].rel_start if gi + 1 < len(home_groups) else len(sentence.text)
            _home_for_group(ctx, group, next_start)
    _classify_by_anaphor(ctx, by_sentence)


_LATTER = re.compile(r"[，,；;]\s*后者([^，,。；;]*)")
# A和B分别研发X和Y: the n organisations make the n things, in order
_RESPECTIVE_WORK = re.compile(r"^\s*[^，,。；;]{0,6}?分别([^，,。；;]+)")
_RESPECTIVE_PARTS = re.compile(r"[、和及与]")


def _respective_work(own_text: str, n: int) -> list[str] | None:
    """The words about each of n organisations joined in a group when the text gives them one
    thing each (分别研发脑电芯片和康复机器人), else None."""
    if n < 2:
        return None
    m = _RESPECTIVE_WORK.match(own_text)
    if not m:
        return None
    parts = _RESPECTIVE_PARTS.split(m.group(1))
    if len(parts) != n:
        return None
    return parts


_FORMER_LATTER = re.compile(r"[，,；;]\s*(前者|后者)([^，,。；;]*)")


def _former_latter(own_text: str, n: int) -> list[str] | None:
    """A与B签约,前者研发X,后者提供Y: the clause of 前者 is about A, that of 后者 about B; the rest
    about both."""
    if n != 2:
        return None
    former: list[str] = []
    latter: list[str] = []
    for m in _FORMER_LATTER.finditer(own_text):
        (former if m.group(1) == "前者" else latter).append(m.group(2))
    if not former and not latter:
        return None
    rest = _FORMER_LATTER.sub(" ", own_text)
    return [" ".join((rest, *former)), " ".join((rest, *latter))]


# "主要完成单位:A,B,C", "参与企业：A、B": a labelled list of the bodies behind what the heading
# before it names (a project, an award for 脑起搏器关键技术)
_LIST_LABEL = re.compile(r"^[^，,。；;:：]{0,10}(?:单位|企业|公司|成员|机构)\s*[:：]")
# a heading: a paragraph of its own, short, with no label and no closing full stop
_HEADING = re.compile(r"[^:：。；;!！?？]{4,30}")
_HEADING_LOOKBACK = 3


# any heading: a short line with no closing full stop ("二、中游：算法", "产业链下游")
_ANY_HEADING = re.compile(r"[^。；;!！?？]{2,30}")
# how many sentences a segment heading governs at most
_UNDER_HEADING_SENTENCES = 15


def _heading_line(ctx: DocumentContext, sentence: Sentence, shape: re.Pattern[str] = _HEADING) -> bool:
    """A paragraph of its own, of the shape of a heading."""
    i = sentence.index
    alone = (i == 0 or ctx.sentences[i - 1].paragraph != sentence.paragraph) and (
        i + 1 >= len(ctx.sentences) or ctx.sentences[i + 1].paragraph != sentence.paragraph
    )
    return alone and shape.fullmatch(sentence.text.strip()) is not None


def _place_by_heading(ctx: DocumentContext, sentence: Sentence, here: list[Mention]) -> None:
    """Companies of a labelled list that the list says nothing of are placed by what the nearest
    heading above it (at most three sentences back) names: the project they did together."""
    listed = [
        m for m in here if m.type == "Company" and not m.segments and not classify.is_investor_name(m.name)
    ]
    if not listed:
        return
    for i in range(sentence.index - 1, max(-1, sentence.index - 1 - _HEADING_LOOKBACK), -1):
        before = ctx.sentences[i]
        if i in ctx.sentence_mentions:
            return  # another organisation's sentence comes first: the list is not under a heading
        if not _heading_line(ctx, before):
            continue
        subs = classify.made_subsectors(classify.subsectors_in(before.text))
        if subs and (ctx.bci_document or classify.about_bci(before.text)):
            for m in listed:
                m.subsectors = subs
                m.segments = classify.segments_of(subs)
        return


def _place_on_chain(
    ctx: DocumentContext, m: Mention, own_text: str, scopes: list[tuple[int, int, SegmentKey]], after: str
) -> None:
    """Segments and subsectors of one mention from what the sentence says about it (own_text),
    an explicit segment heading (scopes) and the words after its group (after: 等研发机构)."""
    sentence = m.sentence
    explicit = [seg for start, end, seg in scopes if start <= m.rel_start < end]
    name_subs = classify.subsectors_in(m.name)
    if m.type in ("Agency", "Fund") or classify.is_investor_name(m.name):
        return
    if explicit and m.type == "Company":
        m.segments, m.explicit = explicit[:1], True
        m.subsectors = [
            s for s in classify.subsectors_in(own_text) if classify.segments_of([s]) == explicit[:1]
        ]
        return
    if m.type == "Company":
        subs = classify.made_subsectors(classify.subsectors_in(own_text)) or name_subs
        if subs and not ctx.bci_document and not classify.about_bci(sentence.text + m.name):
            subs = []  # a chip or a CRO in a round-up of medical news is not on the BCI chain
    elif m.type == "Institute":
        # an institute is placed on the chain by what the text says it made
        # (研发的…康复训练系统) or calls it (…等研发机构), not by being a research body
        subs = name_subs or classify.subsectors_in(_product_text(own_text))
        m.segments = classify.role_segment(after)
    else:
        subs = name_subs  # a hospital's or platform's field is in its name (…康复中心)
    if not subs and not m.segments and (ctx.bci_document or classify.about_bci(sentence.text + m.name)):
        # a hospital that implants or rehabilitates, a brain-science laboratory
        # (the name with its team: 某研究院脑机接口团队)
        named = " ".join((m.name, *m.cand.aliases))
        subs = classify.role_subsectors(m.type, named, sentence.text, ctx.bci_document)
    m.subsectors = subs
    segs = set(m.segments) | set(classify.segments_of(subs))
    m.segments = [s for s in ("upstream", "midstream", "downstream") if s in segs]


# "公司专注于…", "本轮资金将用于公司现有…产品": the company spoken of, early in its sentence;
# "该企业…"; and a labelled line of a company's record (主要产品:…, 转化成果:…, 主营业务：…)
_COMPANY_ANAPHOR = re.compile(
    r"^\s*(?:该公司|公司|其|该企业|这家企业)|^[^，,。；;]{0,14}?(?:该公司|公司)"
    r"|^[^，,。；;:：]{0,4}(?:产品|业务|成果)\s*[:：]"
)


def _classify_by_anaphor(ctx: DocumentContext, by_sentence: dict[int, list[Mention]]) -> None:
    """「某某医疗」获得融资。公司专注于…: a sentence about "the company" that names no organisation
    says what the one company of the sentence before it does."""
    for sentence in ctx.sentences:
        if sentence.index in by_sentence or not _COMPANY_ANAPHOR.match(sentence.text):
            continue
        # the nearest sentence before (at most three back) that names a company, investors aside
        companies: set[str] = set()
        previous: list[Mention] = []
        for i in range(sentence.index - 1, max(-1, sentence.index - 4), -1):
            previous = by_sentence.get(i, [])
            companies = {
                m.name for m in previous if m.type == "Company" and not classify.is_investor_name(m.name)
            }
            if companies:
                break
        if len(companies) != 1:
            continue
        subs = classify.made_subsectors(classify.subsectors_in(sentence.text))
        if not subs or (not ctx.bci_document and not classify.about_bci(sentence.text)):
            continue
        for m in previous:
            if m.name in companies and not m.explicit:
                m.subsectors = sorted(set(m.subsectors) | set(subs))
                segs = set(m.segments) | set(classify.segments_of(subs))
                m.segments = [s for s in ("upstream", "midstream", "downstream") if s in segs]


_CLAUSE_END = re.compile(r"[，,；;。：:]")
_CLAUSE_MARKS = "，,；;。：:"
_PRODUCT = re.compile(
    r"(?:(?:自主)?(?:研发|研制|开发)(?:的|出|了)?(?=[“\"])|(?:自主)?(?:研发|研制|开发)(?:的|出)|推出|发布)([^，,；;。]{2,30})"
)


def _own_text(text: str, start: int, end: int, single: bool) -> str:
    """What the sentence says about the organisations that end at start: up to the next
    organisation, and within their own clause unless they are the sentence's only subject."""
    if single:
        return text[start:end]
    m = _CLAUSE_END.search(text, start, end)
    if not m:
        return text[start:end]
    if end < len(text):
        # clauses with no subject of their own, up to the clause of the next organisation, go on
        # about this one (某某科技成立于2018年,主要从事电极研发,本轮由某某资本领投)
        last_break = max(text.rfind(ch, start, end) for ch in _CLAUSE_MARKS)
        return text[start:last_break]
    return text[start : m.start()]


def _product_text(own_text: str) -> str:
    """The things an organisation is said to have developed (研发的X, 推出X)."""
    return " ".join(m.group(1) for m in _PRODUCT.finditer(own_text))


def _home_for_group(ctx: DocumentContext, group: list[Mention], group_end: int) -> None:
    _respective_places(ctx, group)
    for m in group:
        _home_from_context(ctx, m, group_end)


_RESPECTIVE = re.compile(
    r"^[^，,。；;]{0,4}?(?:在|于|分别在|分别于)((?:[\u4e00-\u9fff]{2,8}[、和及与]){1,5}[\u4e00-\u9fff]{2,8}?)(?:两地|三地|四地|等地|分别)"
)


def _respective_places(ctx: DocumentContext, group: list[Mention]) -> None:
    """华山医院与宣武医院在上海、北京两地…: the n organisations are in the n places, in order."""
    if len(group) < 2:
        return
    last = group[-1]
    m = _RESPECTIVE.match(last.sentence.text[last.rel_end :])
    if not m:
        return
    places = [ctx.gaz.resolve(p, ctx.context_regions()) for p in re.split(r"[、和及与]", m.group(1))]
    if len(places) != len(group) or any(p is None for p in places):
        return
    for mention, place in zip(group, places, strict=True):
        if mention.home_cue in ("", "document", "short_name"):
            mention.home, mention.home_cue = place, "cue"


# ---------------------------------------------------------------- short forms and anaphora


def _short_forms(mention: Mention, ctx: DocumentContext) -> list[str]:
    """Forms a company is also written as: 博睿康医疗 -> 博睿康; 上海脑虎科技有限公司 -> 脑虎科技, 脑虎."""
    if mention.type != "Company" or mention.cand.rule == "latin":
        return []
    name = strip_legal_form(mention.name)
    forms = []
    lead = ctx.gaz.leading_place(name, ctx.context_regions())
    if lead is not None and len(name) - len(lead[0]) >= 2:
        name = name[len(lead[0]) :]
        forms.append(name)
    # 芯智达神经技术 -> 芯智达, 傅利叶智能科技 -> 傅利叶智能, 傅利叶: industry words come off the
    # end one by one (the weak suffixes and the domain's generic words), leaving the brand
    stem = name
    for _ in range(3):
        tail = next((w for w in _brand_tails() if stem.endswith(w) and len(stem) - len(w) >= 2), "")
        if not tail:
            break
        stem = stem[: -len(tail)]
        if _common_word(stem) or ctx.gaz.candidates(stem) or stem in ctx.words.generic:
            break
        forms.append(stem)
    return [f for f in forms if f != mention.name and len(f) >= 2]


@cache
def _brand_tails() -> tuple[str, ...]:
    """Industry words that come off the end of a company's name, longest first."""
    words = {*name_rules().weak_suffixes, *name_words().brand_tails}
    return tuple(sorted(words, key=len, reverse=True))


class _Spans:
    """Disjoint character spans with a logarithmic overlap test (a long document repeating one
    name thousands of times must not make propagation quadratic)."""

    def __init__(self, spans: Iterable[tuple[int, int]]):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(spans):
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return True
        return i < len(self.starts) and self.starts[i] < end

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _propagate(ctx: DocumentContext, mentions: list[Mention]) -> list[Mention]:
    """Find further mentions of names already found: the same name elsewhere, and short forms."""
    forms: dict[str, Mention] = {}
    for m in sorted(mentions, key=lambda x: (-len(x.cand.name), x.start)):
        latin_aliases = [a for a in m.cand.aliases if a.isascii() and len(a) >= 2]  # (FDA)
        for form in (m.cand.name, *_short_forms(m, ctx), *latin_aliases):
            forms.setdefault(form, m)
    if not forms:
        return []
    taken = _Spans((m.start, m.end) for m in mentions)
    starts = [sentence.start for sentence in ctx.sentences]
    hits: list[tuple[int, int, str, Sentence]] = []
    text = ctx.text
    # longest forms first, each occurrence found with str.find (no per-document regex to compile)
    for form in sorted(forms, key=len, reverse=True):
        pos = text.find(form)
        while pos >= 0:
            end = pos + len(form)
            i = bisect_right(starts, pos) - 1
            if i >= 0 and end <= ctx.sentences[i].end and not taken.overlaps(pos, end):
                hits.append((pos, end, form, ctx.sentences[i]))
                taken.add(pos, end)
            pos = text.find(form, end)
    out: list[Mention] = []
    for start, end, form, sentence in sorted(hits, key=lambda h: h[0]):
        hit_start, hit_end = start - sentence.start, end - sentence.start
        # not inside a longer word: the characters around must not continue a name
        before = sentence.text[hit_start - 1] if hit_start > 0 else ""
        after = sentence.text[hit_end] if hit_end < len(sentence.text) else ""
        source = forms[form]
        if (
            before
            and is_cjk(before)
            and before not in "与和及、的在由是将对从向为"
            and source.cand.name != form
        ):
            continue
        if after and after.isascii() and after.isalnum() and not is_cjk(form[-1]):
            continue  # inside a Latin word (N1 in N10); a Chinese name may be followed by 2017年, NeuroX
        out.append(source.another(sentence, hit_start, hit_end, "alias"))
    return out


_ANAPHOR = re.compile(
    r"(?:^|[，,。；;：:])(?:该|此|这一?)?(孵化器|集团|平台|公司|医院|基金|研究院|联盟|集聚区|园区|产业园)"
    r"(?=将|还|已|也|方面|依托|与|的|通过|是|在|正|为|则|由|[，,])"
)
# what a bare word can stand for: 园区 is a park of any kind
_ANAPHOR_HEADS = {"园区": ("园区", "产业园", "科技园", "集聚区"), "产业园": ("产业园",)}


def _anaphora(ctx: DocumentContext, mentions: list[Mention]) -> list[Mention]:
    """A bare 孵化器 / 集团 at the start of a clause is the organisation of that kind mentioned
    last in the document."""
    out = []
    ordered = sorted(mentions, key=lambda m: m.start)
    for sentence in ctx.sentences:
        for hit in _ANAPHOR.finditer(sentence.text):
            word = hit.group(1)
            start = sentence.start + hit.start(1)
            heads = _ANAPHOR_HEADS.get(word, (word,))
            previous = [m for m in ordered if m.end <= start and m.name.endswith(heads) and not m.generic]
            if not previous:
                continue
            names = {m.name for m in previous}
            if len(names) > 1 and previous[-1].sentence.index < sentence.index - 3:
                continue  # ambiguous and far away
            out.append(previous[-1].another(sentence, hit.start(1), hit.end(1), "anaphor"))
    return out


# ---------------------------------------------------------------- ellipsis


def _fill_ellipsis(mentions: list[Mention]) -> None:
    """南昌大学第一附属医院、第二附属医院: the second item shares the first one's owner."""
    ordered = sorted(mentions, key=lambda m: m.start)
    for prev, cur in itertools.pairwise(ordered):
        if prev.sentence is not cur.sentence or not cur.name.startswith("第"):
            continue
        between = cur.sentence.text[prev.rel_end : cur.rel_start]
        if between not in ("、", "和", "及", "与"):
            continue
        i = prev.name.find("第")
        if i > 0 and prev.type == cur.type:
            cur.name = prev.name[:i] + cur.name
            cur.cand.prefix = prev.cand.prefix
            cur.cand.generic = False
            cur.generic = False
            cur.home, cur.home_cue = prev.home, prev.home_cue


# ---------------------------------------------------------------- nested organisations


def nested_owner(ctx: DocumentContext, mention: Mention) -> tuple[int, int, str, OrgType] | None:
    """南大一附院脑机接口临床研究中心: the hospital at the front runs the centre."""
    if mention.type != "Platform":
        return None
    name = mention.cand.name
    for suffix in sorted(ctx.rules.strong_suffixes, key=len, reverse=True):
        org_type = ctx.rules.strong_suffixes[suffix]
        if org_type not in ("Hospital", "Company", "Institute"):
            continue
        i = name.find(suffix)
        while i >= 0:
            end = i + len(suffix)
            inner = name[:end]
            if 2 <= len(inner) < len(name) - 1 and len(inner) - len(suffix) >= 1:
                rest = name[end:]
                if any(word in rest for word in ctx.words.domain) or classify.subsectors_in(rest):
                    return (mention.start, mention.start + len(inner), inner, org_type)
            i = name.find(suffix, i + 1)
    return None


# ---------------------------------------------------------------- main

# Analyses of whole sentences, reused when a sentence comes again (boilerplate, standard
# policy phrases, reposted paragraphs); candidates are copied out because later stages edit them.
_SENTENCE_CACHE: dict[tuple[str, tuple[str, ...], bool], list[Candidate]] = {}
_SENTENCE_CACHE_LIMIT = 20_000


# Pronunciation glosses some pages put after characters: 医(yī)院, 技术(shù)
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7}[)）]")


def _without_glosses(text: str) -> tuple[str, list[int]] | None:
    """The sentence without pronunciation glosses, and for each of its characters the offset in
    the sentence; None when there are none."""
    if "(" not in text and "（" not in text:
        return None
    pieces = list(_PINYIN.finditer(text))
    if not pieces:
        return None
    keep = [True] * len(text)
    for m in pieces:
        for i in range(m.start(), m.end()):
            keep[i] = False
    offsets = [i for i in range(len(text)) if keep[i]]
    return "".join(text[i] for i in offsets), offsets


def sentence_candidates(text: str, gaz: Gazetteer, context: list[str], policy: bool) -> list[Candidate]:
    key = (text, tuple(context), policy)
    found = _SENTENCE_CACHE.get(key)
    if found is None:
        compact = _without_glosses(text)
        if compact is None:
            found = SentenceNames(text, gaz, context, policy).candidates
        else:
            # names are read without the glosses; their spans are mapped back onto the sentence
            plain, offsets = compact
            found = []
            for c in SentenceNames(plain, gaz, context, policy).candidates:
                if c.end <= c.start:
                    continue
                found.append(replace(c, start=offsets[c.start], end=offsets[c.end - 1] + 1))
        if len(_SENTENCE_CACHE) >= _SENTENCE_CACHE_LIMIT:
            _SENTENCE_CACHE.clear()
        _SENTENCE_CACHE[key] = found
    return [c.copy() for c in found]


def find_mentions(ctx: DocumentContext) -> list[Mention]:
    context = ctx.context_regions()
    raw: list[Mention] = []
    for sentence in ctx.sentences:
        for cand in sentence_candidates(sentence.text, ctx.gaz, context, ctx.policy):
            start, end = sentence.start + cand.start, sentence.start + cand.end
            raw.append(Mention(start, end, sentence, cand, cand.name, cand.type))
    _fill_ellipsis(raw)
    accepted = [m for m in raw if _accept(ctx, m, raw)]
    # the owner at the front of a nested name is an organisation too
    nested: list[Mention] = []
    for m in accepted:
        owner = nested_owner(ctx, m)
        if owner is None:
            continue
        start, end, inner, org_type = owner
        cand = Candidate(
            start - m.sentence.start,
            end - m.sentence.start,
            inner,
            org_type,
            "nested",
            "admin" if _admin(inner) else "none",
        )
        nested.append(Mention(start, end, m.sentence, cand, inner, org_type))
        m.cand.prefix = "org"
    accepted += nested
    for m in accepted:
        _qualify(ctx, m)
    accepted += _propagate(ctx, accepted)
    accepted += _anaphora(ctx, accepted)
    _classify(ctx, accepted)
    return sorted(accepted, key=lambda m: (m.start, m.end))


def extract_document(split: SplitDocument) -> DocumentExtraction:
    ctx = DocumentContext(split)
    ctx.find_regions()
    mentions = find_mentions(ctx)
    rels = relations.extract_relations(ctx, mentions)
    settled: dict[str, set[str]] = {}
    for r in rels:
        if r.kind == "SIGNED_IN":
            settled.setdefault(r.source, set()).add(r.target)
    for m in mentions:
        m.settled = sorted(settled.get(m.name, ()))
    org_mentions = [_to_model(ctx, m) for m in mentions]
    # the first mention of each place (every place keeps one quotable sentence; the hundredth
    # 上海 of an article adds nothing but memory)
    first_hits: dict[str, tuple[Sentence, RegionHit]] = {}
    for s, hit in ctx.region_hits:
        first_hits.setdefault(hit.region_id, (s, hit))
    region_mentions = [
        RegionMention(
            region_id=hit.region_id, evidence=ctx.evidence(s, s.start + hit.start, s.start + hit.end)
        )
        for s, hit in first_hits.values()
    ]
    policies = relations.extract_policies(ctx, mentions)
    policy_key = next((p.key for p in policies if p.is_document), None)
    claims = extract_claims(split, ctx.region)
    targets = extract_targets(split, ctx.region, policy_key)
    info = DocumentInfo(
        **split.document.model_dump(exclude={"text"}), region_id=ctx.region, chars=len(split.document.text)
    )
    return DocumentExtraction(
        document=info,
        orgs=org_mentions,
        regions=region_mentions,
        relations=rels,
        policies=policies,
        claims=claims,
        targets=targets,
    )


def _to_model(ctx: DocumentContext, m: Mention) -> OrgMention:
    surface = ctx.original[m.start : m.end]
    aliases = list(m.cand.aliases)
    if surface != ctx.text[m.start : m.end] and surface not in aliases:
        aliases.append(surface)  # the name as written (traditional characters, look-alikes)
    return OrgMention(
        surface=surface,
        name=m.name,
        type=m.type,
        evidence=ctx.evidence(m.sentence, m.start, m.end),
        home_region=m.home if m.home_cue not in ("document",) or m.type != "Company" else None,
        settled_regions=m.settled,
        doc_region=ctx.region,
        generic=m.generic,
        segments=m.segments,
        segment_explicit=m.explicit,
        subsectors=m.subsectors,
        aliases=aliases,
        home_cue=m.home_cue,
    )
