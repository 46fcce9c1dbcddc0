"""Find organisation names in one sentence by the general rules of Chinese organisation names.

Sources of candidates, each a rule, none a list of particular organisations:

* suffix grammar: a type suffix (有限公司, 医院, 基金, 厅, 研究院, 孵化器 …) ends a name; the name
  extends leftwards over name-like words until a function word, a verb that takes an organisation
  as object (依托, 联合 …), punctuation or a number;
* enumerations: "A、B、C等企业" and "首批入驻企业A、B、C" make every item an organisation when a
  sibling has an organisation suffix or a class noun says so;
* titles: "X董事长", "X副总裁" make X an organisation;
* founding and origin patterns: "创办X", "X研发的Y";
* Latin-script names in organisation context: "X公司", "X等企业";
* the standing national bodies listed in org_rules.toml ([national]).

Sentence-level only: cross-sentence work (short forms, anaphora, qualification by the
document's region) happens in bcikg.ingest.extract.
"""

from __future__ import annotations

import bisect
import itertools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import jieba

from bcikg.domain.lexicon import NameRules, name_rules, read_data_text
from bcikg.domain.regions import Gazetteer
from bcikg.ingest import segment
from bcikg.ingest.textutil import PUNCT, is_cjk, is_latin, literal_pattern
from bcikg.models import OrgType

jieba.setLogLevel(60)


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    tag: str


@dataclass
class Candidate:
    """An organisation name found in a sentence (offsets relative to the sentence)."""

    start: int
    end: int
    name: str
    type: OrgType
    rule: str
    prefix: str = "none"  # place | admin | org | none
    generic: bool = False
    quoted: bool = False
    aliases: list[str] = field(default_factory=list)
    suffix: str = ""

    def copy(self) -> Candidate:
        """A copy with its own alias list (dataclasses.replace costs several times more)."""
        return Candidate(
            self.start,
            self.end,
            self.name,
            self.type,
            self.rule,
            self.prefix,
            self.generic,
            self.quoted,
            list(self.aliases),
            self.suffix,
        )


@dataclass(frozen=True)
class NameWords:
    generic: frozenset[str]
    generic_pattern: re.Pattern[str]
    domain: tuple[str, ...]
    existing_verbs: tuple[str, ...]
    creation_verbs: tuple[str, ...]
    policy_verbs: tuple[str, ...]
    product_heads: tuple[str, ...]
    policy_title_words: tuple[str, ...]
    surnames: frozenset[str]
    compound_surnames: tuple[str, ...]
    facility_suffixes: tuple[str, ...]
    role_pattern: re.Pattern[str]
    role_words: frozenset[str]
    role_words_by_length: tuple[str, ...]
    # the three verb lists as one set, and the policy verbs as one pattern (longest first):
    # asked about every word at the front of a candidate name
    leading_verbs: frozenset[str]
    policy_verb_pattern: re.Pattern[str]
    role_last_chars: frozenset[str]
    verb_suffixes: frozenset[str]
    place_only_suffixes: frozenset[str]
    brand_tails: tuple[str, ...]
    round_verbs: tuple[str, ...]
    person_nouns: tuple[str, ...]
    ward_heads: tuple[str, ...]
    corner_verbs: tuple[str, ...]
    abbreviation_only_suffixes: frozenset[str]
    research_owners: tuple[str, ...]
    corner_classes: tuple[str, ...]
    unit_anaphors: dict[str, tuple[str, ...]]  # 该校 -> the endings of what it stands for (大学)
    unit_heads: tuple[str, ...]
    short_institute_not: tuple[str, ...]


@cache
def name_words() -> NameWords:
    raw = tomllib.loads(read_data_text("name_words.toml"))
    from bcikg.domain.lexicon import taxonomy

    # the chain's own vocabulary (电极, 脑电耳机 …) names products and fields, never organisations
    generic = frozenset(raw["generic"]) | {cue for sub in taxonomy().subsectors for cue in sub.cues}
    return NameWords(
        generic=generic,
        generic_pattern=re.compile("(?:" + literal_pattern(generic).pattern + ")+"),
        domain=tuple(raw["domain"]),
        existing_verbs=tuple(raw["existing_verbs"]),
        creation_verbs=tuple(raw["creation_verbs"]),
        policy_verbs=tuple(sorted(raw["policy_verbs"], key=len, reverse=True)),
        product_heads=tuple(raw["product_heads"]),
        policy_title_words=tuple(raw["policy_title_words"]),
        surnames=frozenset(raw["surnames"].strip()),
        compound_surnames=tuple(raw["compound_surnames"]),
        facility_suffixes=tuple(raw["facility_suffixes"]),
        role_pattern=literal_pattern(raw["role_words"]),
        role_words=frozenset(raw["role_words"]),
        role_words_by_length=tuple(sorted(raw["role_words"], key=len, reverse=True)),
        leading_verbs=frozenset(raw["existing_verbs"])
        | frozenset(raw["creation_verbs"])
        | frozenset(raw["policy_verbs"]),
        policy_verb_pattern=literal_pattern(raw["policy_verbs"]),
        role_last_chars=frozenset(word[-1] for word in raw["role_words"]),
        verb_suffixes=frozenset(raw["verb_suffixes"]),
        place_only_suffixes=frozenset(raw["place_only_suffixes"]),
        brand_tails=tuple(raw["brand_tails"]),
        round_verbs=tuple(sorted(raw["round_verbs"], key=len, reverse=True)),
        person_nouns=tuple(raw["person_nouns"]),
        ward_heads=tuple(raw["ward_heads"]),
        corner_verbs=tuple(raw["corner_verbs"]),
        abbreviation_only_suffixes=frozenset(raw["abbreviation_only_suffixes"]),
        research_owners=tuple(raw["research_owners"]),
        corner_classes=tuple(raw["corner_classes"]),
        unit_anaphors={word: tuple(ends) for word, ends in raw["unit_anaphors"].items()},
        unit_heads=tuple(raw["unit_heads"]),
        short_institute_not=tuple(raw["short_institute_not"]),
    )


@cache
def _cut_hospital_pattern() -> re.Pattern[str]:
    return re.compile(name_rules().cut_hospital_head)


_UNIT_TEAM = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:团队|课题组)")


@cache
def _unit_pattern() -> re.Pattern[str]:
    """该校某某研究院: a unit named right after the word that stands for its university."""
    words = name_words()
    anaphor = literal_pattern(words.unit_anaphors).pattern
    head = literal_pattern(words.unit_heads).pattern
    return re.compile(f"(?:{anaphor})([\u4e00-\u9fffA-Za-z]{{1,10}}?(?:{head}))")


@cache
def _suffix_pattern() -> re.Pattern[str]:
    return literal_pattern(name_rules().all_suffixes)


# jieba dictionary frequency above which a word is too common to be a brand (远程, 人工, 核心);
# invented brand words (景昱, 柔灵) are absent or rare.
_COMMON_FREQ = 800


def _word_freq(word: str) -> int:
    """The word's frequency in jieba's dictionary, with the domain words added: loaded first, so
    that resolution in a process that extracted nothing (a store rebuilt after a rules change)
    reads the same frequencies as extraction."""
    _word_tags()
    return jieba.dt.FREQ.get(word) or 0


def _common_word(word: str) -> bool:
    return _word_freq(word) >= _COMMON_FREQ


# A verb this frequent in the dictionary is a real verb in running text, not part of a brand.
_VERB_FREQ = 100


def _frequent(word: str) -> bool:
    return _word_freq(word) >= _VERB_FREQ


def _investor_core(core: str) -> bool:
    """The brand before an investor word (资本, 创投, 投资) is short and holds no other investor word
    or conjunction: 山蓝(资本), 坚木(投资); not 某基金(投资), 某资本追加(投资) nor 预算内基本建设(投资)."""
    rules = name_rules()
    investor_words = [
        s for s, t in (*rules.weak_suffixes.items(), *rules.strong_suffixes.items()) if t == "Fund"
    ]
    return (
        1 <= len(core) <= 6
        and not any(ch in core for ch in "和与及、")
        and not any(word in core for word in investor_words)
    )


_BOOK = re.compile(r"《[^《》]{1,80}》")
_COUNTED = re.compile(r"^[一二三四五六七八九十两几多数首]+[大个家项类级]")
_QUOTES = re.compile(r"[“”\"]")
# what closes a list before its class noun: 等…, 为首的…, 为代表的…, 在内的…
# the head of a hospital's name: 医院, or a place's numbered hospital written short (某州三院)
_HOSPITAL_HEAD = re.compile(r"医院|(?<=[\u4e00-\u9fff]{2})[一二三四五六七八九十]院")


@cache
def _drug_approved() -> re.Pattern[str]:
    """A drug named by its dosage form, then its approval: what a pharmaceutical maker's name
    precedes (the word lists are name_words.toml's dosage_forms and approval_verbs)."""
    words = tomllib.loads(read_data_text("name_words.toml"))
    forms = literal_pattern(words["dosage_forms"]).pattern
    approved = literal_pattern(words["approval_verbs"]).pattern
    return re.compile(f"[\u4e00-\u9fffA-Za-z0-9]{{1,12}}?(?:{forms})(?:已|正式|近日)?(?:{approved})")

_PRONOUNS = "本该此这其"  # 本轮, 该公司: words that refer back, never a name's first character
_LIST_CLOSER = re.compile(r"等|为首的|为代表的|在内的")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9 .&-]*")
_ORDINAL = re.compile(r"^第[0-9一二三四五六七八九十百零]+[届次批期]")
_CLAUSE = re.compile(r"[^，,。；;：:！？!?（）()\s]+")
_LATIN = re.compile(r"[A-Za-z]{2}")


@cache
def _trigger_pattern() -> re.Pattern[str]:
    """Words without which a clause holds no name any rule could find."""
    from bcikg.domain.lexicon import taxonomy

    rules = name_rules()
    words = {
        # 投资 is mostly the verb: a clause with it holds an investor's name only with a round verb
        *(suffix for suffix in rules.all_suffixes if suffix not in name_words().verb_suffixes),
        *name_words().round_verbs,
        *rules.national_names,
        *rules.titles,
        *rules.class_nouns,
        *rules.business_verbs,
        "、",
        "等",
        "创办",
        "创立",
        "创建",
        "孵化",
        "成立",
        "研发的",
        "培育的",
        "投资的",
        *(marker for seg in taxonomy().segments for marker in seg.markers),
    }
    return literal_pattern(words)


@cache
def _class_nouns_by_length() -> list[tuple[str, OrgType]]:
    return sorted(name_rules().class_nouns.items(), key=lambda kv: -len(kv[0]))


@cache
def _national_pattern() -> re.Pattern[str]:
    return literal_pattern(name_rules().national_names)


@cache
def _title_pattern() -> re.Pattern[str]:
    return literal_pattern(name_rules().titles)


@cache
def _word_tags() -> dict[str, str]:
    # the dictionary's part-of-speech tags (no HMM tagging: a fraction of posseg's cost)
    jieba.dt.check_initialized()
    tags = segment.dictionary_tags()
    _add_domain_words(tags)
    return tags


def _add_domain_words(tags: dict[str, str]) -> None:
    """Teach jieba the domain's nouns (脑机接口 is otherwise 脑/机/接口 with 接口 a verb) so that
    they never end a name by looking like verbs."""
    from bcikg.domain.lexicon import taxonomy

    words = set(name_words().generic) | {cue for sub in taxonomy().subsectors for cue in sub.cues}
    for word in sorted(words):
        if len(word) >= 2 and not word.isascii():
            jieba.add_word(word, freq=2000, tag="n")
            tags[word] = "n"
    rules = name_rules()
    # a word that ends a name on its left must be one word for the tokenizer (领投方, 老股东)
    for word in sorted(rules.left_stop):
        if len(word) >= 2 and not word.isascii() and not jieba.dt.FREQ.get(word):
            jieba.add_word(word, freq=2000, tag="v")
            tags[word] = "v"
    # 大学教授, 医院院长: a suffix glued to a title hides where the name ends
    for suffix in rules.strong_suffixes:
        for title in rules.titles:
            if jieba.dt.FREQ.get(suffix + title):
                jieba.del_word(suffix + title)


_NUMBER = re.compile(r"[0-9.%～~\-]+")
# tags of words seen before; the vocabulary of running text is small, so this stays small too
_tag_memo: dict[str, str] = {}
# whether a (word, tag) ends a name on its left; the same words come again and again
_stop_memo: dict[tuple[str, str], bool] = {}
_TAG_MEMO_LIMIT = 300_000


def _tag(word: str) -> str:
    tag = _tag_memo.get(word)
    if tag is not None:
        return tag
    if word.isspace() or all(ch in PUNCT for ch in word):
        tag = "x"
    elif word.isdigit() or _NUMBER.fullmatch(word):
        tag = "m"
    elif all(is_latin(ch) or ch.isdigit() for ch in word):
        tag = "eng"
    else:
        tag = _word_tags().get(word, "")
        if tag == "x":
            tag = ""  # a rare character the dictionary files as 'x' (铧): a word, not punctuation
    if len(_tag_memo) < _TAG_MEMO_LIMIT:
        _tag_memo[word] = tag
    return tag


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words of the text (jieba without its HMM, dictionary tags), offsets shifted by offset."""
    _word_tags()  # make sure the domain words are in jieba's dictionary first
    memo = _tag_memo
    tokens = []
    start = offset
    for word in segment.cut(text):  # segment.tokenize, without its intermediate tuples
        end = start + len(word)
        tokens.append(Token(word, start, end, memo.get(word) or _tag(word)))
        start = end
    if _ASCII_LETTER.search(text) and any(t.tag == "eng" for t in tokens):  # eng: ASCII letters
        tokens = _merge_latin(tokens)
    return tokens


def _merge_latin(tokens: list[Token]) -> list[Token]:
    """jieba splits 'Neuralink' fine but 'TOM FORD' or 'N1' into pieces; join adjacent
    Latin/digit pieces without a space between them."""
    out: list[Token] = []
    for tok in tokens:
        if out and tok.tag == "eng" and out[-1].tag == "eng" and out[-1].end == tok.start:
            prev = out[-1]
            out[-1] = Token(prev.text + tok.text, prev.start, tok.end, "eng")
        elif (
            len(out) >= 2
            and tok.tag == "eng"
            and out[-1].text == " "
            and out[-2].tag == "eng"
            and _TITLE_WORD.fullmatch(tok.text)
            and _TITLE_WORD.fullmatch(out[-2].text.split(" ")[-1])
        ):
            # Precision Neuroscience: capitalised words with one space between are one name
            prev = out[-2]
            out[-2:] = [Token(prev.text + " " + tok.text, prev.start, tok.end, "eng")]
        else:
            out.append(tok)
    return out


_TITLE_WORD = re.compile(r"[A-Z][a-z]{2,}")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


# A number with a measure word (3亿元, 15家, 五个) ends a name on its left; a bare ordinal inside a
# name (南昌大学第一附属医院, 南大一附院) does not.
_QUANTITY = re.compile(r"^[0-9０-９.一二三四五六七八九十百千万亿两几多数]+[亿万千百]?[元家个名款项座余批]$")
_QUANTIFIERS = frozenset(
    {"亿元", "万元", "元", "家", "个", "亿", "万", "余家", "多家", "首个", "首家", "款", "名"}
)


_NOT_ADMIN = (
    "省级",
    "市级",
    "区级",
    "县级",
    "国家级",
    "区域",
    "市场",
    "市民",
    "省份",
    "县域",
    "区块",
    "市值",
)
_GOVERNMENT_HEADS = ("政府", "委", "办", "厅", "局")


class SentenceNames:
    """All candidates in one sentence; construct, then read ``candidates``."""

    def __init__(self, text: str, gazetteer: Gazetteer, context_regions: list[str], policy_doc: bool):
        self.text = text
        self.rules: NameRules = name_rules()
        self.words = name_words()
        self.gaz = gazetteer
        self.context = context_regions
        self.policy_doc = policy_doc
        self._vouched = False  # set while a list with organisation siblings vouches for its items
        self.tokens = self._tokenize_clauses()
        self.tok_by_end = {t.end: i for i, t in enumerate(self.tokens)}
        self.tok_by_start = {t.start: i for i, t in enumerate(self.tokens)}
        self.quoted_spans = self._quoted_spans()
        self.book_spans = [(m.start(), m.end()) for m in _BOOK.finditer(text)]
        found: list[Candidate] = []
        found += self._national()
        found += self._by_suffix()
        found += self._cut_hospitals()
        found += self._latin()
        found += self._attached_place()
        found += self._chain_subjects(found)
        found += self._enumerations(found)
        found += self._titles(found)
        found += self._patterns(found)
        self.candidates = self._select(found)

    # ------------------------------------------------------------ helpers

    def _tokenize_clauses(self) -> list[Token]:
        """Words of the clauses that can hold a name. jieba never segments across punctuation,
        so clause by clause gives the same words as the whole sentence; a clause with no suffix,
        list mark, title, place or other cue is kept as one opaque token (its words are never
        looked at), which saves most of the segmentation cost of running text."""
        text = self.text
        tokens: list[Token] = []
        pos = 0
        trigger, place = _trigger_pattern(), self.gaz.place_pattern
        for clause in _CLAUSE.finditer(text):
            for i in range(pos, clause.start()):
                tokens.append(Token(text[i], i, i + 1, "x"))
            a, b = clause.span()
            body = clause.group(0)
            if trigger.search(body) or place.search(body) or _LATIN.search(body):
                tokens.extend(tokenize(body, a))
            else:
                tokens.append(Token(body, a, b, "x"))
            pos = b
        for i in range(pos, len(text)):
            tokens.append(Token(text[i], i, i + 1, "x"))
        if " " in text and _ASCII_LETTER.search(text) and any(t.tag == "eng" for t in tokens):
            tokens = _merge_latin(tokens)  # Latin names across the spaces between clauses
        return tokens

    def _quoted_spans(self) -> list[tuple[int, int]]:
        return [
            (m.start(), m.end())
            for m in re.finditer(r"[“\"「『‘][^“”\"「」『』‘’]{1,30}[”\"」』’]", self.text)
        ]

    def _inside(self, start: int, end: int, spans: list[tuple[int, int]]) -> bool:
        return any(s < end and start < e and not (s >= start and e <= end) for s, e in spans)

    def _is_stop_token(self, tok: Token) -> bool:
        if tok.tag == "x":
            return True
        key = (tok.text, tok.tag)
        stop = _stop_memo.get(key)
        if stop is None:
            stop = self._stop_word(tok)
            if len(_stop_memo) < _TAG_MEMO_LIMIT:
                _stop_memo[key] = stop
        return stop

    def _stop_word(self, tok: Token) -> bool:
        """Does this word end a name on its left? Depends on the word and its tag only."""
        if len(tok.text) == 1 and tok.text in self.rules.left_stop:
            return tok.text in self.rules.always_stop_chars or tok.tag in self.rules.left_stop_tags
        if tok.text in self.rules.left_stop or tok.text in self.words.role_words:
            return True
        if not tok.text.isalnum() and any(unicodedata.category(ch)[0] == "S" for ch in tok.text):
            return True  # a unit or a symbol (㎡, ℃, ×): never inside a name
        if len(tok.text) > 1 and tok.text.endswith("着"):
            return True  # 标志着, 随着: a verb with its aspect marker
        if tok.tag == "t" and tok.text in self.words.generic:
            return False  # 老年, 青年: ages, not times
        if len(tok.text) > 1 and self.gaz.candidates(tok.text):
            return False  # a place inside a name (大连大学), whatever jieba tags it
        if (
            any(ch.isascii() and ch.isdigit() for ch in tok.text)
            or tok.text in _QUANTIFIERS
            or _QUANTITY.match(tok.text)
        ):
            return True
        if tok.tag == "m" and not tok.text.startswith("第") and len(tok.text) > 1:
            return True
        if len(tok.text) > 1 and tok.tag in self.rules.left_stop_tags and tok.tag != "m":
            return True
        # a common verb of two or more characters that is not a usual part of names (发展, 投资 …);
        # rare verb-tagged words (启衡, 澄明) are how brands are made
        return (
            len(tok.text) > 1
            and tok.tag == "v"
            and tok.text not in self.words.generic
            and _frequent(tok.text)
        )

    def _name_start(self, index: int, floor: int = 0) -> int:
        """Character offset where a name begins whose first word after the suffix side is
        tokens[index] (that token is part of the name; extension goes left from it)."""
        k = index
        start = self.tokens[index].start
        while k - 1 >= floor:
            tok = self.tokens[k - 1]
            if tok.text in ("和", "与", "及") and self._may_cross(k - 1, floor):
                k -= 1
                start = tok.start
                continue
            if self._is_stop_token(tok):
                break
            if len(tok.text) == 1 and k - 2 >= floor and _NUMBER.fullmatch(self.tokens[k - 2].text):
                break  # 3只小猪: a measure word after a number
            embedded = self._leading_stop_word(tok)
            if embedded:
                # 建设司南…: jieba glued a verb to the name; the name starts after the verb
                return tok.start + len(embedded)
            k -= 1
            start = tok.start
            if tok.text == "新区":
                previous = self.tokens[k - 1] if k - 1 >= floor else None
                if previous is None or not self.gaz.candidates(previous.text + "新区"):
                    break  # a bare 新区 starts a name (新区管委会) but never sits inside one
        return start

    def _leading_stop_word(self, tok: Token) -> str:
        if len(tok.text) < 3:
            return ""
        for width in (2, 3):
            head = tok.text[:width]
            if len(tok.text) > width and head in self.rules.left_stop:
                return head
        return ""

    def _may_cross(self, k: int, floor: int) -> bool:
        """May a name run across the conjunction at tokens[k]? Only when the part before it is
        not itself an organisation (华山医院与宣武医院 are two) and starts with a place or an
        administrative prefix (大连市脑机接口与人机交互…实验室, 省工业和信息化厅)."""
        if k == 0:
            return False
        left_start = self._plain_start(k - 1, floor)
        left = self.text[left_start : self.tokens[k - 1].end]
        if not left or len(left) > 16:
            return False
        if any(left.endswith(suffix) for suffix in self.rules.all_suffixes):
            return False
        if any(left.endswith(s) for s, t in self.rules.weak_suffixes.items() if t == "Fund"):
            return False  # 上海某某投资和上海某某投资: two investors
        if self._admin_prefix(left, left_start):
            return True
        if len(left) > 12:
            # a long part before 与 is one name's only after a place (某省脑机接口重大科技专项与
            # 创新联合体); else it is a clause of its own
            lead = self.gaz.leading_place(left, self.context)
            return lead is not None and len(lead[0]) < len(left)
        if len(left) >= 4 and self.is_generic_core(left) and not left.endswith(tuple(self.rules.class_nouns)):
            return True  # 生物医学工程与仪器科学学院: two fields joined in one name
        lead = self.gaz.leading_place(left, self.context)
        return lead is not None and len(lead[0]) < len(left)

    def _plain_start(self, index: int, floor: int) -> int:
        k = index
        while k - 1 >= floor and not self._is_stop_token(self.tokens[k - 1]):
            k -= 1
        return self.tokens[k].start

    def _admin_prefix(self, name: str, offset: int) -> str:
        """The administrative prefix a name starts with (省, 市委, 新区 …), when it is a word of
        its own there: 区域型 does not start with 区."""
        if not name.startswith(self.rules.admin_prefixes):
            return ""  # most names: one test in C instead of one per prefix
        tok_index = self.tok_by_start.get(offset)
        token = self.tokens[tok_index].text if tok_index is not None else ""
        for prefix in self.rules.admin_prefixes:
            if (
                not name.startswith(prefix)
                or token in _NOT_ADMIN
                or token.startswith(("省级", "市级", "区级", "县级", "国家级"))
            ):
                continue
            # the prefix is a word of its own (省/科技厅), or jieba glued it to a government
            # word (省政府, 省委)
            if (offset + len(prefix)) in self.tok_by_end or (
                token.startswith(prefix) and token.endswith(_GOVERNMENT_HEADS)
            ):
                return prefix
        return ""

    def _prefix_kind(self, name: str, offset: int) -> tuple[str, int]:
        """('place'|'admin'|'none', length of the prefix)."""
        lead = self.gaz.leading_place(name, self.context)
        if lead is not None and lead[0] not in ("中国", "全国", "国内", "我国"):
            return "place", len(lead[0])
        prefix = self._admin_prefix(name, offset)
        if prefix:
            return "admin", len(prefix)
        return "none", 0

    def is_generic_core(self, core: str) -> bool:
        core = _COUNTED.sub("", core.strip("“”\"'‘’"))
        return not core or bool(self.words.generic_pattern.fullmatch(core))

    def _make(self, start: int, end: int, org_type: OrgType, rule: str, suffix: str) -> Candidate | None:
        """Validate a span as a name; None when it is not one."""
        name = self.text[start:end]
        delimited = rule in ("investor", "stock")  # the pattern found where the name starts
        while name and ((name[0] in self.rules.bad_first_chars and not delimited) or name[0] in PUNCT):
            start += 1
            name = name[1:]
        if name[:1] in "前原" and len(name) > 3 and self.text.startswith(self.rules.titles, end):
            start += 1
            name = name[1:]  # 前某某科技联合创始人: the former holder of a title
        if name.startswith("一") and start > 0 and self.text[start - 1] in "这那此该每同":
            start += 1
            name = name[1:]  # 这一前沿科技: "this one …", not a name starting with 一
        if name[-1:] in self.words.role_last_chars and name.endswith(self.words.role_words_by_length):
            return None  # 某公司全资子公司, 明星公司: a role, not a name
        cut = self._after_role_word(name, suffix)
        if cut:
            start += cut
            name = name[cut:]
        person = self._trailing_person(name)
        if person is not None:
            end = start + len(person[0])
            name, suffix = person
            org_type = self.rules.suffix_type(suffix) or org_type
        department = None
        if rule != "suffix":
            department = self._trailing_department(name)
            if department == "":
                return None  # 神经内科: a department of no named organisation
        ordinal = _ORDINAL.match(name)
        if ordinal:
            start += ordinal.end()
            name = name[ordinal.end() :]  # 第二届某某协会(年会): the edition is not part of the name
        if len(name) < 2 or len(name) > 40:
            return None
        if rule not in ("suffix", "stock") and len(name) == 3 and self._is_person(name):
            return None  # 王某某: a person where a name was looked for
        if any(ch in "，,。；;：:！？!?\n" for ch in name):
            return None
        # a name cut by a title's edge is none; a legal name inside a title (《关于对某某有限公司…的
        # 决定》) names the company all the same
        if self._inside(start, end, self.book_spans) and not (
            name.endswith("有限公司") and any(s < start and end < e for s, e in self.book_spans)
        ):
            return None
        name = _QUOTES.sub("", name)
        prefix, plen = self._prefix_kind(name, start)
        core = name[plen : len(name) - len(suffix)] if suffix else name[plen:]
        generic = self.is_generic_core(core) or self.is_generic_core(name[plen:])
        if rule == "stock":
            generic = False  # a stock code names one listed company, whatever its words
        if not generic and any(ch in core for ch in "与和及"):
            # 脑机接口与人工智能: generic words joined by a conjunction are still generic
            generic = self.is_generic_core(re.sub("[与和及]", "", core))
        if core.startswith(self.rules.quantifier_words):
            return None  # 江西各大医院, 多家企业: a count of organisations, not one
        if org_type == "Fund" and suffix in self.rules.weak_suffixes and not _investor_core(core):
            return None  # 某基金投资 (a verb after a name), 基本建设投资: not an investor's name
        if generic and suffix in ("大学", "学院") and len(core) >= 4:
            generic = False  # 电子科技大学: a university's name may be made of common words
        if org_type != "Agency" and org_type != "Hospital" and len(core) == 1 and prefix == "none":
            generic = True  # 多中心, 子基金
        if suffix and name.endswith(suffix) and name[: -len(suffix)] in self.rules.national_names:
            return None  # 国务院政府(工作报告)
        if org_type == "Company" and suffix and prefix == "none" and len(core) < 2:
            return None  # 次保险
        quoted = any(s <= start and end <= e for s, e in self.quoted_spans) or bool(_QUOTES.search(name))
        anaphor = start >= 2 and self.text[start - 2] in _PRONOUNS
        if quoted and anaphor and suffix in self.words.facility_suffixes:
            return None  # 通过该“某某检测平台”: a product described before, named in quotes
        if (
            prefix == "place"
            and not core
            and suffix
            and org_type in ("Company",)
            and suffix in self.rules.weak_suffixes
        ):
            return None  # 上海科技: a place and an industry word
        if org_type == "Agency" and suffix in self.rules.single_char_agency:
            if prefix == "none" and name not in self.rules.national_names:
                return None
            if len(name) < 3:
                return None
        if (
            suffix in self.rules.weak_suffixes
            and prefix != "place"
            and (generic or len(core) < 2 or _common_word(core))
            and not self._vouched
        ):
            return None  # 消费电子, 远程医疗, 人工智能: an industry word after a common word
        if (
            suffix in self.rules.weak_suffixes
            and prefix == "none"
            and _LATIN_RUN.sub("A", core).__len__() > 6
            and not self._vouched
        ):
            return None  # brands are short: a long run of words before 资本 / 科技 is a clause
        if (
            suffix in self.rules.weak_suffixes
            and rule != "stock"
            and (self.is_generic_core(core) or (self._verb_before(end - len(suffix)) and not self._vouched))
        ):
            return None  # 上海人工智能, 接上智能: a place or a verb, then the industry word
        if suffix in self.words.place_only_suffixes:
            lead = self.gaz.leading_place(name, self.context)
            if lead is None or len(lead[0]) + len(suffix) != len(name):
                return None  # 光标移动: a verb, not an operator
        if name == suffix or name.endswith(("和", "与", "及")):
            return None
        if suffix == "公司" and generic:
            return None  # 美国脑机接口公司: a kind of company
        if (
            suffix in self.rules.weak_suffixes
            and suffix in self.words.product_heads
            and prefix != "place"
            and not self._has_brand_word(start + plen, end - len(suffix))
        ):
            return None  # 人形机器人, 手术机器人: a product, unless a word of its own names the maker
        if suffix in self.words.verb_suffixes and self._verb_or_name_before(end - len(suffix)):
            return None  # 某某资本投资, 基本建设投资: a name or a verb, then the industry word
        if self._is_media(name):
            return None
        if self.gaz.candidates(name):
            return None  # a plain place
        if suffix == "公司" and self._place_company(core):
            return None  # 香港公司, 其杭州公司: a firm's office in a place, not a name
        if (
            prefix == "none"
            and not quoted
            and "”" not in self.text[start:end]
            and self._bare_facility(name, start, end)
        ):
            return None  # 交流平台, 体检中心, 生产基地: a kind of facility
        if (
            suffix == "中心"
            and "医院" not in name
            and any(owner in name[:-2] for owner in self.words.research_owners)
        ):
            org_type = "Institute"  # 某科学院某某卓越中心: a research centre of an academy or a university
        cand = Candidate(start, end, name, org_type, rule, prefix, generic, quoted, suffix=suffix)
        if prefix == "place":
            bare = self._without_place_chain(name)
            if bare is not None:
                cand.aliases.append(bare)  # 某省某市某区未来科技城 is also written 未来科技城
        ward = self._hospital_ward(name) if org_type in ("Platform", "Agency") else None
        if ward is not None:
            # 某某医院康复医学中心: a hospital's department names the hospital
            cand.aliases.append(cand.name)
            cand.name, cand.type, cand.suffix, cand.generic = ward, "Hospital", "医院", False
        if department:
            cand.aliases.append(cand.name)
            cand.name = department
            cand.type = self._abbreviation_type(department) if not suffix else org_type
        return cand

    def _verb_before(self, pos: int) -> bool:
        i = self.tok_by_end.get(pos)
        if i is None:
            return False
        tok = self.tokens[i]
        verb = tok.tag == "v" and tok.text not in self.words.generic
        return len(tok.text) > 1 and verb and _frequent(tok.text)

    def _has_brand_word(self, start: int, end: int) -> bool:
        """Does [start, end) hold a word that is rare in the dictionary and not a domain word?"""
        return any(
            tok.text not in self.words.generic
            and (tok.tag == "eng" or (len(tok.text) > 1 and not _frequent(tok.text)))
            for tok in self._tokens_between(start, end)
        )

    def _tokens_between(self, start: int, end: int) -> list[Token]:
        """The words inside [start, end) (those that start there and end by end)."""
        i = self.tok_by_start.get(start)
        if i is None:
            return [t for t in self.tokens if start <= t.start and t.end <= end]
        out = []
        while i < len(self.tokens) and self.tokens[i].end <= end:
            out.append(self.tokens[i])
            i += 1
        return out

    def _verb_or_name_before(self, pos: int) -> bool:
        i = self.tok_by_end.get(pos)
        if i is None:
            return False
        tok = self.tokens[i]
        before = self.text[max(0, pos - 6) : pos]
        if any(before.endswith(s) for s in self.rules.all_suffixes if len(s) >= 2):
            return True
        verb = tok.tag in ("v", "vn") and _frequent(tok.text)
        return len(tok.text) > 1 and (_common_word(tok.text) or verb)

    def _after_role_word(self, name: str, suffix: str) -> int:
        """Where a name starts after a role written before it (老股东X, 领投方X, 全资子公司X)."""
        cut = 0
        for m in self.words.role_pattern.finditer(name):
            rest = name[m.end() :]
            if len(rest) >= 2 and len(rest) > len(suffix) + 1:
                cut = m.end()
        return cut

    def _is_person(self, tail: str) -> bool:
        """A personal name: a surname and one or two characters, not a dictionary word."""
        if tail.startswith(self.words.compound_surnames):
            given = tail[2:]
        elif tail[:1] in self.words.surnames:
            given = tail[1:]
        else:
            return False
        if not (1 <= len(given) <= 2) or not all(is_cjk(ch) for ch in tail):
            return False
        if tail.startswith(self.rules.titles) or tail in self.words.generic or self.gaz.candidates(tail):
            return False
        if _suffix_pattern().search(tail):
            return False
        tag = _word_tags().get(tail, "")
        return not jieba.dt.FREQ.get(tail) or tag.startswith("nr")

    def _trailing_person(self, name: str) -> tuple[str, str] | None:
        """某某科技有限公司王某, 某大学张某某: the organisation and its suffix, without the person."""
        surnames = self.words.surnames
        if len(name) < 5 or not any(name[-k] in surnames for k in (2, 3, 4)):
            return None  # no surname where a person's name would start
        for m in _suffix_pattern().finditer(name):
            suffix = m.group(0)
            if len(suffix) < 2 or suffix not in self.rules.strong_suffixes:
                continue
            tail = name[m.end() :]
            if m.start() >= 1 and 2 <= len(tail) <= 4 and self._is_person(tail):
                return name[: m.end()], suffix
        return None

    def _trailing_department(self, name: str) -> str | None:
        """浙大某院神经外科, 某大学团队: the department's owner is the organisation."""
        for div in self.rules.division_suffixes:
            if len(div) >= 2 and name.endswith(div) and len(name) - len(div) >= 2:
                owner = name[: -len(div)]
                return "" if self.is_generic_core(owner) else owner
        return None

    def _without_place_chain(self, name: str) -> str | None:
        """The name without a leading chain of two or more places (province, city, district)."""
        rest, places = name, 0
        while places < 4:
            lead = self.gaz.leading_place(rest, self.context)
            if lead is None or len(lead[0]) >= len(rest):
                break
            rest = rest[len(lead[0]) :]
            places += 1
        if places < 2 or len(rest) < 3 or self.is_generic_core(rest):
            return None
        return rest

    def _hospital_ward(self, name: str) -> str | None:
        """The hospital at the front of a department's name (某医院康复医学中心, 某医院作业治疗部),
        when the rest names no field of the chain (a 某医院脑机接口中心 is a platform of its own)."""
        if "院" not in name:
            return None
        heads = list(_HOSPITAL_HEAD.finditer(name))
        if not heads or heads[-1].start() < 2:
            return None
        i = heads[-1].end()
        rest = name[i:]
        if not (2 <= len(rest) <= 12) or any(word in rest for word in self.words.domain):
            return None
        if not rest.endswith(self.words.ward_heads):
            return None
        return name[:i]

    def _place_company(self, core: str) -> bool:
        if not core:
            return True
        return any(self.gaz.candidates(core[i:]) for i in range(max(0, len(core) - 4), len(core) - 1))

    def _bare_facility(self, name: str, start: int, end: int) -> bool:
        """A name ending in a bare 平台 / 中心 / 基地 with nothing of its own: no domain word, no
        word outside the dictionary (a brand), no Latin name."""
        suffix = next((s for s in self.words.facility_suffixes if name.endswith(s)), "")
        if not suffix:
            return False
        longest = _suffix_pattern().search(name, len(name) - 6 if len(name) > 6 else 0)
        while longest is not None and longest.end() != len(name):
            longest = _suffix_pattern().search(name, longest.start() + 1)
        if longest is not None and longest.group(0) != suffix:
            return False  # 服务平台, 创新中心, 研究中心: a suffix of its own
        if any(word in name for word in self.words.domain):
            return False
        body_end = end - len(suffix)
        for tok in self._tokens_between(start, body_end):
            if tok.tag == "eng" and tok.text[:1].isupper() and not tok.text.isupper() and len(tok.text) >= 3:
                return False
            if (
                len(tok.text) >= 2
                and all(is_cjk(ch) for ch in tok.text)
                and not jieba.dt.FREQ.get(tok.text)
                and tok.text not in self.words.generic
            ):
                return False
        return True

    def _is_media(self, name: str) -> bool:
        bare = name.strip("《》“”")
        return bare in self.rules.media_words or bare.endswith(self.rules.media_suffixes)

    def _next_token(self, pos: int) -> Token | None:
        i = self.tok_by_start.get(pos)
        return self.tokens[i] if i is not None else None

    def _weak_suffix_ends_name(self, end: int) -> bool:
        nxt = self._next_token(end)
        if nxt is None or nxt.tag == "x":
            return True
        rest = self.text[end:]
        if rest.startswith(self.rules.continue_weak):
            return False
        if rest.startswith("等"):
            # 量子科技等(一同被列为): only a class noun after 等 makes the word a company
            org_class = self._list_class("", end)
            return org_class is not None and org_class != "not_org"
        if nxt.text in self.rules.after_weak or rest.startswith(self.rules.titles):
            return True
        if _drug_approved().match(rest):
            return True  # 某某药业某某片获批上市: the maker, then its drug by a dosage form
        return nxt.tag in ("v", "p", "c", "d", "u", "uj", "ul") or nxt.tag == ""

    # ------------------------------------------------------------ rules

    def _national(self) -> list[Candidate]:
        out = []
        for m in _national_pattern().finditer(self.text):
            if m.end() in self.tok_by_end or m.end() == len(self.text):
                out.append(Candidate(m.start(), m.end(), m.group(0), "Agency", "national", "place"))
        return out

    def _by_suffix(self) -> list[Candidate]:
        out: list[Candidate] = []
        pattern = _suffix_pattern()
        pos = 0
        text = self.text
        while pos < len(text):
            m = pattern.search(text, pos)
            if m is None:
                break
            pos = m.start() + 1
            suffix, end = m.group(0), m.end()
            if end not in self.tok_by_end:
                continue
            org_type = self.rules.suffix_type(suffix)
            if org_type is None:
                continue
            if suffix in self.rules.weak_suffixes and not self._weak_suffix_ends_name(end):
                continue
            index = self.tok_by_end[end]
            if suffix in self.rules.single_char_agency and not self._agency_word(self.tokens[index]):
                continue
            if self.tokens[index].tag == "x":
                continue  # a clause left unsegmented (吸引社会投资): no name in it
            if suffix in self.words.abbreviation_only_suffixes and self.tokens[index].tag != "j":
                continue  # 外交所需: not the short form 某交所
            if self.tokens[index].text in self.rules.titles:
                continue  # 区委常委: a title that ends like an agency
            if suffix == "所" and self.tokens[index].text == "所":
                after = self._next_token(end)
                if after is not None and after.tag.startswith("v") and len(after.text) > 1:
                    continue  # 为市场所关注: the particle 所 before a verb
            if suffix == "公司" and self._verb_before(m.start()):
                continue  # 小猪展示公司(最新的技术): a verb and its object
            while index > 0 and self.tokens[index].start > m.start():
                index -= 1  # the word where the suffix begins (集聚/区 for 集聚区)
            start = self._across_place_bracket(self._name_start(index))
            if start >= m.start():
                quoted = self._quoted_before(m.start())
                if quoted is None or suffix in self.rules.weak_suffixes:
                    continue  # nothing before the suffix: a bare 孵化器 / 集团 is an anaphor, not a name
                start = quoted  # “大医学影像”联盟: the quoted words are the name
            start = self._strip_leading_verb(start, m.start())
            if start >= m.start() and self._quoted_before(m.start()) is None:
                continue  # 用好产业基金: a verb and a bare suffix
            cand = self._make(start, end, org_type, "suffix", suffix)
            if cand is None:
                continue
            self._attach_division(cand)
            self._attach_abbreviation(cand)
            self._attach_apposition(cand)
            out.append(cand)
        return out

    def _cut_hospitals(self) -> list[Candidate]:
        """某大学医学院附属第二医联合…: an owner's numbered hospital written without its last 院 is
        that hospital (附属 after a university or college introduces its hospital)."""
        out: list[Candidate] = []
        for m in _cut_hospital_pattern().finditer(self.text):
            end = m.end()
            if m.start() not in self.tok_by_end or end not in self.tok_by_end:
                continue
            start = self._name_start(self.tok_by_end[m.start()])
            if start >= m.start():
                continue
            cand = self._make(start, end, "Hospital", "suffix", "医院")
            if cand is None:
                continue
            cand.name += "院"
            out.append(cand)
        return out

    def _across_place_bracket(self, start: int) -> int:
        """某某(天津)智能科技有限公司: a place in brackets inside a name does not end it."""
        if start < 3 or self.text[start - 1] not in ")）":
            return start
        opening = max(self.text.rfind("(", 0, start - 1), self.text.rfind("（", 0, start - 1))
        inner = self.text[opening + 1 : start - 1]
        if opening < 2 or not (2 <= len(inner) <= 8) or not self.gaz.candidates(inner):
            return start
        index = self.tok_by_end.get(opening)
        if index is None:
            return start
        tok = self.tokens[index]
        if tok.tag == "x" and 2 <= len(tok.text) <= 8 and all(is_cjk(ch) or is_latin(ch) for ch in tok.text):
            return tok.start  # a clause with no cue word, kept whole: the name's first words
        if self._is_stop_token(tok):
            return start
        new_start = self._name_start(index)
        return new_start if new_start < opening else start

    def _quoted_before(self, pos: int) -> int | None:
        if pos > 0 and self.text[pos - 1] in '”"':
            opening = self.text.rfind("“", 0, pos - 1)
            if opening >= 0 and pos - 1 - opening <= 20:
                return opening
        return None

    def _strip_leading_verb(self, start: int, suffix_start: int, by_tag: bool = True) -> int:
        """培育脑机接口…创新中心, 用好产业基金: a policy verb glued to the front is not part of
        the name."""
        # the longest policy verb there that ends before the suffix
        verb = self.words.policy_verb_pattern.match(self.text, start, suffix_start)
        if verb is not None:
            start = verb.end()
        i = self.tok_by_start.get(start) if by_tag else None
        while i is not None and self.tokens[i].start < suffix_start:
            tok = self.tokens[i]
            is_verb = tok.text in self.words.leading_verbs or (
                len(tok.text) > 1
                and tok.tag in ("v", "vd", "ad")
                and tok.text not in self.words.generic
                and _frequent(tok.text)
            )
            if not is_verb:
                break
            i += 1
            start = self.tokens[i].start if i < len(self.tokens) else start
        return start

    def _agency_word(self, tok: Token) -> bool:
        """Does the word ending in a one-character agency suffix end an agency name? 科技厅 and
        局 do; 头部, 布局 and 俱乐部 do not."""
        if len(tok.text) == 1 or tok.tag in ("nt", "j", ""):
            return True
        return len(tok.text) >= 3 and tok.text not in self.rules.not_agency_words

    def _attach_division(self, cand: Candidate) -> None:
        """上海市科委前沿交叉处 -> 上海市科委 (with the longer form as an alias)."""
        rest = self.text[cand.end : cand.end + 10]
        for div in self.rules.division_suffixes:
            i = rest.find(div)
            if 2 <= i <= 6:
                piece = rest[: i + len(div)]
                if any(ch in PUNCT for ch in piece) or any(
                    w in piece for w in self.rules.left_stop if len(w) > 1 or w in "的与和等"
                ):
                    continue
                if any(suffix in piece for suffix in self.rules.strong_suffixes if len(suffix) > 1):
                    continue  # 复旦大学附属华山医院 is a hospital, not a department of the university
                if cand.end + len(piece) not in self.tok_by_end:
                    continue
                cand.aliases.append(cand.name + piece)
                cand.end += len(piece)
                return

    def _attach_abbreviation(self, cand: Candidate) -> None:
        """美国食品药品监督管理局(FDA): the bracketed Latin abbreviation is an alias."""
        m = re.match(r"[（(]([A-Za-z][A-Za-z0-9\-&.]{1,15})[）)]", self.text[cand.end :])
        if m:
            cand.aliases.append(m.group(1))

    def _attach_apposition(self, cand: Candidate) -> None:
        """脑机接口未来产业集聚区“脑智天地”: a quoted proper name right after a generic one names it."""
        m = re.match(r"“([^“”]{2,10})”", self.text[cand.end :])
        if m and cand.generic and not self.is_generic_core(m.group(1)):
            cand.aliases.append(m.group(1))
            cand.generic = False
            cand.quoted = True

    def _latin(self) -> list[Candidate]:
        out = []
        for i, tok in enumerate(self.tokens):
            if tok.tag != "eng" or len(tok.text) < 3 or tok.text.lower() in self.rules.latin_not_org:
                continue
            if not tok.text[0].isupper():
                continue
            rest = self.text[tok.end :]
            rest_unbracketed = re.sub(r"^[（(][^（）()]{0,20}[）)]", "", rest)
            if not rest_unbracketed.startswith(self.rules.latin_org_after):
                continue
            start = tok.start
            prev = self.tokens[i - 1] if i > 0 else None
            if prev is not None and self.gaz.candidates(prev.text) and prev.end == tok.start:
                start = prev.start  # 法国Emotiv: the place is part of how it is written
            out.append(Candidate(start, tok.end, self.text[start : tok.end], "Company", "latin", "none"))
        return out

    def _attached_place(self) -> list[Candidate]:
        """A place with an unknown word attached (广州析芒, 杭州佳量) that is followed by a list
        separator, a verb or a title is how short company names are written."""
        out = []
        toks = self.tokens
        places = self.gaz.surfaces  # asked of every word: a dict lookup, not a method call
        for i, tok in enumerate(toks):
            if tok.text not in places:
                continue
            rid = self.gaz.resolve(tok.text, self.context)
            if rid is None or self.gaz.get(rid).level in ("district", "zone"):
                continue
            if tok.text == self.gaz.get(rid).name and tok.text.endswith(("省", "市", "区", "县")):
                continue  # companies write the short place (广州析芒); 大连市某某 is a byline
            j, chars = i + 1, 0
            while j < len(toks) and chars < 4:
                t = toks[j]
                if t.tag == "x" or t.text in self.rules.left_stop or t.text in self.rules.bad_first_chars:
                    break
                if (
                    len(t.text) > 1
                    and t.tag not in ("", "nz", "nr", "nrt", "nrfg", "ng")
                    and not (chars >= 2 and t.text in self.words.domain)
                ):
                    break  # a common word; a domain word after a brand (某某脑机) stays
                chars += len(t.text)
                j += 1
            if not (2 <= chars <= 4) or j >= len(toks):
                continue
            nxt = toks[j]
            rest = self.text[nxt.start :]
            boundary = (
                nxt.tag == "x"
                or nxt.text in self.rules.after_weak
                or rest.startswith(self.rules.titles)
                or (len(nxt.text) > 1 and nxt.tag == "v")
                or rest.startswith(self.rules.business_verbs)
            )
            if not boundary:
                continue
            start, end = tok.start, toks[j - 1].end
            attached = self.text[tok.end : end]
            placed = any(self.gaz.candidates(attached + level) for level in ("", "区", "县", "市"))
            if placed or attached.startswith(tuple(self.rules.after_weak)):
                continue  # 杭州余杭: a place and a place inside it; 中国领投: a place and a verb
            cand = self._make(start, end, "Company", "attached", "")
            if cand is not None and not cand.generic:
                out.append(cand)
        return out

    def _chain_subjects(self, found: list[Candidate]) -> list[Candidate]:
        """ "上游,禾川电极专注柔性微电极研发,启元芯科聚焦…": in a chain description, the words that
        open a clause before a business verb name a company."""
        from bcikg.ingest.classify import marker_scopes

        out = []
        for scope_start, scope_end, _segment in marker_scopes(self.text):
            for clause in re.finditer(r"[^，,；;。：:]+", self.text[scope_start:scope_end]):
                a = scope_start + clause.start()
                body = clause.group(0)
                for verb in self.rules.business_verbs:
                    i = body.find(verb)
                    if 2 <= i <= 8:
                        b = a + i
                        if b not in self.tok_by_end or a not in self.tok_by_start:
                            break
                        if any(c.start < b and a < c.end for c in found):
                            break
                        cand = self._make(a, b, "Company", "chain", "")
                        if cand is not None and not cand.generic and "、" not in cand.name:
                            out.append(cand)
                        break
        return out

    # ------------------------------------------------------------ enumerations

    def _enumerations(self, found: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        # a list ends at its 等 (甲、乙等联合丙等企业 holds two lists: 甲、乙 and 丙)
        deng_ends = [t.end for t in self.tokens if t.text == "等"]
        # a list lives inside one clause (text between clause punctuation)
        for clause in re.finditer(r"[^，,。；;：:！？!?（）()]+", self.text):
            if "、" in clause.group(0) or "等" in clause.group(0):
                a, b = clause.span()
                cuts = deng_ends[bisect.bisect_right(deng_ends, a) : bisect.bisect_left(deng_ends, b)]
                for start, end in itertools.pairwise([a, *cuts, b]):
                    out += self._enumeration_in_clause(start, end, found)
        return out

    def _enumeration_in_clause(self, cstart: int, cend: int, found: list[Candidate]) -> list[Candidate]:
        text = self.text
        seps = [cstart + m.start() for m in re.finditer("、", text[cstart:cend])]
        deng = text.find("等", cstart, cend)
        first_end = seps[0] if seps else deng
        if first_end <= cstart or first_end not in self.tok_by_end:
            return []
        # the first item extends left from the word before the first separator
        first_start = max(self._name_start(self.tok_by_end[first_end]), cstart)
        spans = [(first_start, first_end)]
        spans += [(a + 1, b) for a, b in itertools.pairwise(seps)]
        if seps:
            last_start = seps[-1] + 1
            known = next((c for c in found if c.start == last_start), None)
            last_end = known.end if known is not None else self._item_right_end(last_start, cend, deng)
            spans.append((last_start, last_end))
        spans = [(a, b) for a, b in spans if b > a]
        if not spans:
            return []
        list_type = self._list_class(text[cstart : spans[0][0]], spans[-1][1])
        if list_type == "not_org":
            return []
        if (
            list_type is not None
            and not _LIST_CLOSER.match(text[spans[-1][1] : cend].lstrip())
            and any(b - a > 8 for a, b in spans)
        ):
            return []  # 公司…布局肿瘤诊疗、出生缺陷筛查: phrases after a class noun, not names
        sibling_types: list[OrgType] = []
        for a, b in spans:
            sibling = next((c for c in found if c.start <= a and c.end == b and not c.generic), None)
            if sibling is not None:
                sibling_types.append(sibling.type)
        if not sibling_types and list_type is None:
            return []
        # the siblings' most frequent type; a tie goes to the first sibling's (not to a set's order,
        # which changes from one process to the next)
        item_type: OrgType = list_type or max(sibling_types, key=sibling_types.count)
        if any(_title_pattern().search(text, a, b) for a, b in spans):
            return []  # 微灵医疗创始人、某研究院工程师: a list of people's roles
        strong = list_type is not None or len(sibling_types) >= 2
        out = []
        for a, b in spans:
            if any((c.start <= a and b <= c.end) or (a <= c.start and c.end == b) for c in found):
                continue  # already found (as a whole, or as its end: 贯彻落实|党中央)
            a = self._strip_leading_verb(a, b - 1, by_tag=False)
            cand = self._list_item(a, b, item_type, strong)
            if cand is not None:
                out.append(cand)
        return out

    def _item_right_end(self, start: int, cend: int, deng: int) -> int:
        """Where the last item of a list ends: at 等, at a verb or function word after its first
        word, at a class noun or title, or at the clause end."""
        limit = deng if deng > start else cend
        i = self.tok_by_start.get(start)
        if i is None:
            return limit
        first = True
        while i < len(self.tokens) and self.tokens[i].start < limit:
            tok = self.tokens[i]
            if not first:
                rest = self.text[tok.start : limit]
                if tok.text in self.rules.left_stop or tok.text in self.rules.after_weak:
                    return tok.start
                if (
                    len(tok.text) > 1
                    and tok.tag in ("v", "p", "c", "d", "u", "uj", "vn")
                    and tok.text not in self.words.generic
                ):
                    return tok.start
                if rest.startswith(self.rules.titles) or self.rules.class_nouns.get(tok.text):
                    return tok.start
            first = False
            i += 1
        return limit

    def _list_class(self, before: str, after_start: int) -> OrgType | str | None:
        """The type a class noun gives the list ('等龙头企业' -> Company), 'not_org' for
        '等省份' or '等脑机接口产业链关键环节', None when no class noun is there."""
        rest = self.text[after_start:]
        stripped = rest.lstrip()
        leader = _LIST_CLOSER.match(stripped)
        if leader:
            phrase = self._noun_phrase(after_start + len(rest) - len(stripped) + leader.end())
            for noun in self.rules.not_org_classes:
                if phrase.endswith(noun):
                    return "not_org"
            for noun, org_type in _class_nouns_by_length():
                if phrase.endswith(noun):
                    if phrase[: -len(noun)].endswith(self.rules.not_org_classes):
                        return "not_org"  # 等重点行业企业: the items are industries
                    return org_type
            return None
        for noun, org_type in _class_nouns_by_length():
            if before.endswith(noun):
                return org_type
        return None

    def _noun_phrase(self, pos: int) -> str:
        """The noun phrase starting at pos (after 等): nouns, numbers and modifiers up to the
        first verb, function word or punctuation."""
        i = self.tok_by_start.get(pos)
        if i is None:
            return ""
        end = pos
        while i < len(self.tokens):
            tok = self.tokens[i]
            if (
                tok.tag == "x"
                or tok.text in ("的", "和", "与", "及")
                or (tok.tag.startswith(("v", "p", "d", "u", "c", "r")) and tok.tag != "vn")
            ):
                break
            end = tok.end
            i += 1
        return self.text[pos:end]

    def _list_item(self, a: int, b: int, item_type: OrgType, strong: bool) -> Candidate | None:
        item = self.text[a:b]
        verb = next((w for w in self.words.round_verbs if item.endswith(w) and len(item) > len(w) + 1), "")
        if verb:
            b -= len(verb)  # 红杉某某领投、…: the investor without its verb
            item = item[: -len(verb)]
        if not (2 <= len(item) <= (15 if any(is_cjk(ch) for ch in item) else 40)):
            return None
        if self.gaz.candidates(item) or item in self.words.generic:
            return None
        allowed = "“”" + (" " if _TITLE_WORD.search(item) else "")  # Precision Neuroscience
        if any(ch.isdigit() for ch in item) or any(ch in PUNCT and ch not in allowed for ch in item):
            return None
        if self.is_generic_core(item) or item.strip("“”").endswith(self.words.product_heads):
            return None
        if item.endswith(self.words.person_nouns):
            return None  # 中国留学生: people, not an organisation
        if not any(is_cjk(ch) or is_latin(ch) for ch in item):
            return None
        # the item must be one name: no function word inside
        toks = [t for t in self.tokens if a <= t.start and t.end <= b]
        if len(toks) > 1 and len(toks[0].text) > 1 and toks[0].text in self.rules.left_stop:
            # 、老股东某某跟投: a role word before the name is not part of it
            a, toks = toks[1].start, toks[1:]
            item = self.text[a:b]
            if len(item) < 2:
                return None
        if any(t.text in self.rules.left_stop and len(t.text) > 1 for t in toks[1:]):
            return None
        if (
            not strong
            and toks
            and len(toks[0].text) > 1
            and toks[0].tag == "v"
            and _frequent(toks[0].text)
            and self.is_generic_core(item[len(toks[0].text) :])
        ):
            return None  # 开辟医疗器械…: a verb and a generic object, not a name
        if not strong and all(len(t.text) > 1 and _common_word(t.text) for t in toks):
            return None  # 审查通道: common words only, and only a sibling to vouch for it
        if any(len(t.text) > 1 and t.tag in ("p", "c", "u", "d", "r") for t in toks):
            return None
        m = _suffix_pattern().search(item)
        suffix = ""
        while m is not None:
            if m.end() == len(item):
                suffix = m.group(0)
                break
            m = _suffix_pattern().search(item, m.start() + 1)
        if not suffix and item_type == "Agency":
            return None  # 工信、财政等部门: abbreviated department names, not agencies of their own
        org_type = self.rules.suffix_type(suffix) if suffix else item_type
        self._vouched = strong
        try:
            cand = self._make(a, b, org_type or item_type, "list", suffix)
        finally:
            self._vouched = False
        if cand is None and not suffix:
            return None
        if cand is not None and item.startswith("“") and item.endswith("”"):
            cand.quoted = True
        return cand

    # ------------------------------------------------------------ titles and patterns

    def _titles(self, found: list[Candidate]) -> list[Candidate]:
        """'景昱医疗董事长宁益华': what stands before a title is an organisation."""
        out = []
        for m in _title_pattern().finditer(self.text):
            end = m.start()
            if end not in self.tok_by_end or m.start() not in self.tok_by_start:
                continue
            if m.end() not in self.tok_by_end and m.end() < len(self.text):
                continue  # 代表性 is not the title 代表
            if _suffix_pattern().match(self.text, m.end()):
                continue  # 专家委员会 is an organisation, not a title
            if any(c.start < end and end <= c.end + 2 for c in found):
                continue  # the organisation before the title is already known
            index = self.tok_by_end[end]
            if self.tokens[index].tag in ("nr", "nrfg", "nrt"):
                continue  # a person's name before a title: 张海燕教授
            start = self._name_start(index)
            end = self._trim_trailing_words(start, end)
            name = self.text[start:end]
            if len(name) < 3 or self.gaz.candidates(name) or self.is_generic_core(name):
                continue
            if name.endswith("学") and not _suffix_pattern().search(name, len(name) - 3):
                continue  # 高分子材料学(博士): a field of study
            if _title_pattern().search(name):
                continue  # 高级工程师李骁健教授: a person between two titles
            if not any(
                t.tag in ("", "nz", "ng", "nt", "eng") or len(t.text) == 1
                for t in self.tokens
                if start <= t.start < end
            ):
                continue  # only common words before the title (精神病学专家): not a name
            cand = self._make(start, end, self._abbreviation_type(name), "title", "")
            if cand is not None and not (cand.prefix == "none" and len(name) > 8):
                out.append(cand)
        return out

    def _trim_trailing_words(self, start: int, end: int) -> int:
        """京东前(副总裁), 某公司业务发展(总监), 某集团产品(专家): a time word, a line of business or
        a generic word between an organisation and a title is not part of the name."""
        i = self.tok_by_end.get(end)
        while i is not None and i > 0 and self.tokens[i].start > start:
            tok = self.tokens[i]
            time_word = tok.text in ("前", "原", "时任", "现任", "旗下")
            trailing = time_word or (
                tok.start - start >= 3
                and (
                    tok.text in self.words.generic
                    or (len(tok.text) > 1 and tok.tag in ("n", "vn", "v") and _common_word(tok.text))
                )
            )
            if not trailing:
                break
            end = tok.start
            i -= 1
        return end

    # 「某某医科」研发…, 医疗科技团队「某某」: corner quotes round a name (the house style of
    # business news) when a verb of a firm follows or a class noun of one comes before
    _CORNER = re.compile(r"「([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]{1,11})」")
    # 某某完成数亿元B+轮融资, 服务机构某某于近日完成由…领投的融资: the subject of a funding round,
    # a short word at a clause start (or right after a class noun) before 完成/获得 … 融资
    _ROUND_SUBJECT = re.compile(
        r"(?:^|(?<=[，,。；;：:\s」|])|(?<=机构)|(?<=企业)|(?<=公司)|(?<=团队))"
        r"([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]{1,7}?)"
        r"(?:于|已经|已|近日|日前|宣布|正式)*(?:完成|获得|获)了?[^，,。；;]{0,30}?融资"
    )

    # 一家名为“某某”的公司: the quoted words name an organisation of the class noun's type
    _NAMED = re.compile(
        r"(?:名为|名叫|叫做|叫作|取名)[“\"「]([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]{1,15})[”\"」]的?"
        r"([\u4e00-\u9fff]{2,4})"
    )

    def _named(self, found: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        for m in self._NAMED.finditer(self.text):
            a, b = m.span(1)
            if any(c.start < b and a < c.end for c in found):
                continue
            tail = m.group(2)
            classes = self.rules.class_nouns
            org_type = next((classes[tail[:n]] for n in (4, 3, 2) if tail[:n] in classes), None)
            if org_type is None:
                continue  # 名为“某某”的产品: not an organisation
            cand = self._make(a, b, org_type, "quoted", "")
            if cand is not None and not cand.generic:
                out.append(cand)
        return out

    # 某某全资子公司某某, 某某及有关责任人(被予以监管警示): a short name at a clause start (or
    # after 、) before a word that only an organisation takes — its subsidiary, or its
    # responsible persons in a regulator's notice
    _OWNER = re.compile(
        r"(?:^|(?<=[，,。；;：:、\s」|]))([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]{1,7}?)"
        r"(?:的|旗下)?(?:全资子公司|控股子公司|附属公司|及(?:其)?(?:有关|相关)?责任人)"
    )

    def _owners(self, found: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        for m in self._OWNER.finditer(self.text):
            a, b = m.span(1)
            if any(c.start < b and a < c.end for c in found):
                continue
            item = m.group(1)
            if item[0] in _PRONOUNS or item in self.rules.left_stop or _common_word(item):
                continue  # 该公司全资子公司, 公司及相关责任人: an anaphor, not a name
            if self.gaz.candidates(item) or item.endswith(self.words.role_words_by_length):
                continue
            cand = self._make(a, b, self._typed_by_suffix(item), "owner", "")
            if cand is not None and not cand.generic:
                out.append(cand)
        return out

    def _quoted_firms(self, found: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        text = self.text
        words = self.words
        for m in self._CORNER.finditer(text):
            a, b = m.span(1)
            if any(c.start < b and a < c.end for c in found):
                continue
            after = text[m.end() :]
            if not (
                after.startswith(words.corner_verbs)
                or text[: m.start()].endswith(words.corner_classes)
            ):
                continue
            cand = self._make(a, b, self._typed_by_suffix(m.group(1)), "quoted", "")
            if cand is not None and not cand.generic and not _common_word(cand.name):
                out.append(cand)
        return out

    def _may_start_name(self, a: int) -> bool:
        """Can a name found by a pattern start at offset a: a word boundary, and not a function
        word, a time word or a pronoun?"""
        k = self.tok_by_start.get(a)
        if k is None:
            return False
        tok = self.tokens[k]
        if tok.tag == "x" and len(tok.text) > 1:
            # a clause left unsegmented: its first two characters as a word of the dictionary
            tok = Token(self.text[a : a + 2], a, a + 2, _tag(self.text[a : a + 2]))
        stop = tok.tag in self.rules.left_stop_tags or self._is_stop_token(tok)
        return not (stop or tok.text[0] in _PRONOUNS)

    # 及其孵化企业 某某 推出…, 旗下子公司某某，: a short name right after a word for a subsidiary or
    # an incubated firm, ended by a space, a clause break or a verb of a firm
    _AFTER_SUBSIDIARY = re.compile(
        r"(?:孵化企业|孵化公司|全资子公司|控股子公司|子公司|附属公司)\s*"
        r"([\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9]{1,7}?)"
        r"(?=\s|[，,。；;、]|$|推出|发布|研发|开发|生产|获得|完成|成立|宣布)"
    )

    def _subsidiaries(self, found: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        for m in self._AFTER_SUBSIDIARY.finditer(self.text):
            a, b = m.span(1)
            if any(c.start < b and a < c.end for c in found) or not self._may_start_name(a):
                continue
            item = m.group(1)
            if _common_word(item) or self.gaz.candidates(item):
                continue
            cand = self._make(a, b, self._typed_by_suffix(item), "owner", "")
            if cand is not None and not cand.generic:
                out.append(cand)
        return out

    def _round_subjects(self, found: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        for m in self._ROUND_SUBJECT.finditer(self.text):
            a, b = m.span(1)
            if any(c.start < b and a < c.end for c in found):
                continue
            if not self._may_start_name(a):
                continue  # 目前已完成, 本轮获得: a time word or a pronoun, not a name
            item = m.group(1)
            if self.text.startswith("的", m.end()) or item.endswith(self.rules.not_org_classes):
                continue  # 某行业获得融资的企业: a relative clause of a field, not a firm's round
            if _common_word(item) or self.gaz.candidates(item):
                continue
            cand = self._make(a, b, self._typed_by_suffix(item), "round", "")
            if cand is not None and not cand.generic:
                out.append(cand)
        return out

    def _typed_by_suffix(self, item: str) -> OrgType:
        for suffix in self.rules.all_suffixes:
            if item.endswith(suffix):
                return self.rules.suffix_type(suffix) or "Company"
        return "Company"

    _FOUNDED = re.compile(
        r"(?:创办|创立|创建|孵化出|成立了)(?![人者])([\u4e00-\u9fffA-Za-z]{2,8})(?=[，,。；;、]|$)"
    )
    _ORIGIN = re.compile(
        r"(?<![\u4e00-\u9fff])([\u4e00-\u9fffA-Za-z]{2,8})(?:研发|孵化|培育|投资)的(?=[\u4e00-\u9fffA-Za-z])"
    )

    # 某某科技(300000)与…: a listed company with its stock code (also after a dash: 之一——某某(600000.SH))
    _STOCK = re.compile(
        r"(?:^|(?<=[，,。；;：:、\s—－]))([\u4e00-\u9fffA-Za-z]{2,8})[（(](?:[036]\d{5}|\d{4,5}\.HK|\d{6}\.S[HZ])[）)]"
    )
    # 由A领投, B、C跟投, 老股东D继续跟投: the investors of a funding round
    _INVESTOR = re.compile(
        r"(?:由|、|，|,|股东|以及)([^、，,。；;：:由的\s]{2,16}?)"
        r"(?:(?:共同|联合|继续|独家)?(?:领投|跟投|参投|追投)|(?:共同|联合)投资"
        r"|(?:担任|作为)(?:本轮)?(?:融资)?的?(?:独家)?财务顾问)"
    )

    def _investors(self, found: list[Candidate]) -> list[Candidate]:
        out: list[Candidate] = []
        if "投" not in self.text and "财务顾问" not in self.text:
            return out  # every round statement has one of these
        for m in self._INVESTOR.finditer(self.text):
            a, b = m.span(1)
            pieces = [(a, b)]
            # 同威资本和深圳高新投: two investors when the first ends with a suffix; 某某和某某
            # 种子基金: two when the second does (a brand written bare, then a fund by its suffix)
            for j in range(a + 2, b - 1):
                if self.text[j] in "和及与" and (
                    any(self.text[a:j].endswith(suf) for suf in self.rules.all_suffixes if len(suf) >= 2)
                    or (
                        b - j > 3
                        and any(
                            self.text[j + 1 : b].endswith(suf) and self.rules.suffix_type(suf) == "Fund"
                            for suf in self.rules.all_suffixes
                        )
                        and not self.gaz.candidates(self.text[a:j])
                    )
                ):
                    pieces = [(a, j), (j + 1, b)]
                    break
            for x, y in pieces:
                if y - x < 2 or any(c.start < y and x < c.end for c in found):
                    continue
                m_suffix = _suffix_pattern().search(self.text, max(x, y - 6), y)
                while m_suffix is not None and m_suffix.end() != y:
                    m_suffix = _suffix_pattern().search(self.text, m_suffix.start() + 1, y)
                suffix = m_suffix.group(0) if m_suffix is not None else ""
                cand = self._make(x, y, "Fund", "investor", "")
                if cand is not None and not cand.generic and not self.gaz.candidates(cand.name):
                    if suffix:
                        cand.type = self.rules.suffix_type(suffix) or cand.type
                    out.append(cand)
        return out

    def _patterns(self, found: list[Candidate]) -> list[Candidate]:
        out = self._investors(found)
        if "「" in self.text:
            out += self._quoted_firms(found)
        if "子公司" in self.text or "责任人" in self.text or "附属公司" in self.text:
            out += self._owners(found)
        if "子公司" in self.text or "孵化" in self.text or "附属公司" in self.text:
            out += self._subsidiaries(found + out)
        if "名" in self.text or "叫" in self.text:
            out += self._named(found)
        if "融资" in self.text:
            out += self._round_subjects(found + out)
        stock_codes = self._STOCK.finditer(self.text) if ("(" in self.text or "（" in self.text) else ()
        for m in stock_codes:
            a, b = m.span(1)
            if any(c.start < b and a < c.end for c in found):
                continue
            cand = self._make(a, b, "Company", "stock", "")
            if cand is not None:
                out.append(cand)
        for word in name_words().unit_anaphors:
            if word in self.text:
                for m in _unit_pattern().finditer(self.text):
                    cand = self._make(*m.span(1), "Institute", "unit", "")
                    if cand is not None:
                        team = _UNIT_TEAM.match(self.text, cand.end)
                        if team:
                            cand.aliases.append(cand.name + team.group(0))  # 该校某研究院脑机接口团队
                        out.append(cand)
                break
        if "院" in self.text:
            out += self._short_institutes(found)
        for m in self._FOUNDED.finditer(self.text):
            a, b = m.span(1)
            if any(c.start <= a < c.end for c in found):
                continue
            cand = self._make(a, b, "Company", "founded", "")
            if cand is not None and not cand.generic:
                out.append(cand)
        for m in self._ORIGIN.finditer(self.text):
            a, b = m.span(1)
            # only when what follows is an organisation found by another rule
            following = [c for c in found if c.start == m.end()]
            if not following or any(c.start <= a < c.end for c in found):
                continue
            item = m.group(1)
            # the origin is written as a name: starts after a clause break, a year or a place
            if a > 0 and self.text[a - 1] not in "，,。；;：:年" and not self.text[:a].endswith(("由", "是")):
                continue
            org_type = self._abbreviation_type(item)
            cand = self._make(a, b, org_type, "origin", "")
            if cand is not None:
                out.append(cand)
        return out

    def _short_institutes(self, found: list[Candidate]) -> list[Candidate]:
        """深圳某某院: a research institute's short form, a place and one two-character word (a noun
        or an adjective) before a 院 of its own."""
        out = []
        for p in (i for i, ch in enumerate(self.text) if ch == "院"):
            k = self.tok_by_start.get(p)
            if k is None or k < 2 or self.tokens[k].text != "院":
                continue
            word, place = self.tokens[k - 1], self.tokens[k - 2]
            if (
                len(word.text) != 2
                or word.tag not in ("n", "a", "b", "an", "vn", "nz", "j")
                or word.text.endswith(self.words.short_institute_not)
                or not self.gaz.candidates(place.text)
            ):
                continue
            a, b = place.start, p + 1
            if any(c.start < b and a < c.end for c in found):
                continue
            cand = self._make(a, b, "Institute", "short", "")
            if cand is not None:
                out.append(cand)
        return out

    def _abbreviation_type(self, item: str) -> OrgType:
        for head, suffixes in self.rules.abbreviation_heads.items():
            if item.endswith(head):
                org_type = self.rules.suffix_type(suffixes[0])
                if org_type:
                    return org_type
        return "Company"

    # ------------------------------------------------------------ selection

    def _select(self, found: list[Candidate]) -> list[Candidate]:
        """Keep maximal spans; among equal spans the more specific rule wins."""
        priority = {
            "national": 0,
            "suffix": 1,
            "latin": 2,
            "list": 3,
            "chain": 4,
            "attached": 5,
            "title": 6,
            "founded": 7,
            "origin": 8,
            "stock": 4,
            "investor": 5,
            "quoted": 6,
            "round": 8,
            "owner": 8,
        }
        found = sorted(found, key=lambda c: (c.start, -(c.end - c.start), priority.get(c.rule, 9)))
        kept: list[Candidate] = []
        for cand in found:
            if any(k.start <= cand.start and cand.end <= k.end for k in kept):
                continue
            overlapping = [k for k in kept if k.start < cand.end and cand.start < k.end]
            if overlapping:
                continue
            kept.append(cand)
        return kept
