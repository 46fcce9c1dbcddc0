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

import itertools
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache

import jieba
import jieba.posseg

from bcikg.domain.lexicon import NameRules, name_rules, read_data_text
from bcikg.domain.regions import Gazetteer
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
        policy_verbs=tuple(raw["policy_verbs"]),
        product_heads=tuple(raw["product_heads"]),
        policy_title_words=tuple(raw["policy_title_words"]),
    )


@cache
def _suffix_pattern() -> re.Pattern[str]:
    return literal_pattern(name_rules().all_suffixes)


# jieba dictionary frequency above which a word is too common to be a brand (远程, 人工, 核心);
# invented brand words (景昱, 柔灵) are absent or rare.
_COMMON_FREQ = 800


def _common_word(word: str) -> bool:
    return (jieba.dt.FREQ.get(word) or 0) >= _COMMON_FREQ


# A verb this frequent in the dictionary is a real verb in running text, not part of a brand.
_VERB_FREQ = 100


def _frequent(word: str) -> bool:
    return (jieba.dt.FREQ.get(word) or 0) >= _VERB_FREQ


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
_CLAUSE = re.compile(r"[^，,。；;：:！？!?（）()\s]+")
_LATIN = re.compile(r"[A-Za-z]{2}")


@cache
def _trigger_pattern() -> re.Pattern[str]:
    """Words without which a clause holds no name any rule could find."""
    from bcikg.domain.lexicon import taxonomy

    rules = name_rules()
    words = {
        *rules.all_suffixes,
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
    jieba.posseg.dt.initialize()
    _add_domain_words()
    return jieba.posseg.dt.word_tag_tab


def _add_domain_words() -> None:
    """Teach jieba the domain's nouns (脑机接口 is otherwise 脑/机/接口 with 接口 a verb) so that
    they never end a name by looking like verbs."""
    from bcikg.domain.lexicon import taxonomy

    words = set(name_words().generic) | {cue for sub in taxonomy().subsectors for cue in sub.cues}
    for word in sorted(words):
        if len(word) >= 2 and not word.isascii():
            jieba.add_word(word, freq=2000, tag="n")
            jieba.posseg.dt.word_tag_tab[word] = "n"
    rules = name_rules()
    # a word that ends a name on its left must be one word for the tokenizer (领投方, 老股东)
    for word in sorted(rules.left_stop):
        if len(word) >= 2 and not word.isascii() and not jieba.dt.FREQ.get(word):
            jieba.add_word(word, freq=2000, tag="v")
            jieba.posseg.dt.word_tag_tab[word] = "v"
    # 大学教授, 医院院长: a suffix glued to a title hides where the name ends
    for suffix in rules.strong_suffixes:
        for title in rules.titles:
            if jieba.dt.FREQ.get(suffix + title):
                jieba.del_word(suffix + title)


_NUMBER = re.compile(r"[0-9.%～~\-]+")
# tags of words seen before; the vocabulary of running text is small, so this stays small too
_tag_memo: dict[str, str] = {}
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
    if len(_tag_memo) < _TAG_MEMO_LIMIT:
        _tag_memo[word] = tag
    return tag


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Words of the text (jieba without its HMM, dictionary tags), offsets shifted by offset."""
    _word_tags()  # make sure the domain words are in jieba's dictionary first
    tokens = [
        Token(word, start + offset, end + offset, _tag(word))
        for word, start, end in jieba.tokenize(text, HMM=False)
    ]
    if any(t.tag == "eng" for t in tokens):
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
        else:
            out.append(tok)
    return out


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
        self.tokens = self._tokenize_clauses()
        self.tok_by_end = {t.end: i for i, t in enumerate(self.tokens)}
        self.tok_by_start = {t.start: i for i, t in enumerate(self.tokens)}
        self.quoted_spans = self._quoted_spans()
        self.book_spans = [(m.start(), m.end()) for m in _BOOK.finditer(text)]
        found: list[Candidate] = []
        found += self._national()
        found += self._by_suffix()
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
        for clause in _CLAUSE.finditer(text):
            for i in range(pos, clause.start()):
                tokens.append(Token(text[i], i, i + 1, "x"))
            a, b = clause.span()
            body = clause.group(0)
            if _trigger_pattern().search(body) or self.gaz.has_place(body) or _LATIN.search(body):
                tokens.extend(tokenize(body, a))
            else:
                tokens.append(Token(body, a, b, "x"))
            pos = b
        for i in range(pos, len(text)):
            tokens.append(Token(text[i], i, i + 1, "x"))
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
        if len(tok.text) == 1 and tok.text in self.rules.left_stop:
            return tok.text in self.rules.always_stop_chars or tok.tag in self.rules.left_stop_tags
        if tok.text in self.rules.left_stop:
            return True
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
        if not left or len(left) > 12:
            return False
        if any(left.endswith(suffix) for suffix in self.rules.strong_suffixes):
            return False
        if any(left.endswith(s) for s, t in self.rules.weak_suffixes.items() if t == "Fund"):
            return False  # 上海某某投资和上海某某投资: two investors
        if self._admin_prefix(left, left_start):
            return True
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
        while name and (name[0] in self.rules.bad_first_chars or name[0] in PUNCT):
            start += 1
            name = name[1:]
        if len(name) < 2 or len(name) > 40:
            return None
        if any(ch in "，,。；;：:！？!?\n" for ch in name):
            return None
        if self._inside(start, end, self.book_spans):
            return None
        name = _QUOTES.sub("", name)
        prefix, plen = self._prefix_kind(name, start)
        core = name[plen : len(name) - len(suffix)] if suffix else name[plen:]
        generic = self.is_generic_core(core) or self.is_generic_core(name[plen:])
        if core.startswith(self.rules.quantifier_words):
            return None  # 江西各大医院, 多家企业: a count of organisations, not one
        if org_type == "Fund" and suffix in self.rules.weak_suffixes and not _investor_core(core):
            return None  # 某基金投资 (a verb after a name), 基本建设投资: not an investor's name
        if generic and suffix in ("大学", "学院") and len(core) >= 4:
            generic = False  # 电子科技大学: a university's name may be made of common words
        if org_type != "Agency" and org_type != "Hospital" and len(core) == 1 and prefix == "none":
            generic = True  # 多中心, 子基金
        if suffix and any(name == n + suffix for n in self.rules.national_names):
            return None  # 国务院政府(工作报告)
        if org_type == "Company" and suffix and prefix == "none" and len(core) < 2:
            return None  # 次保险
        quoted = any(s <= start and end <= e for s, e in self.quoted_spans) or bool(_QUOTES.search(name))
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
        ):
            return None  # 消费电子, 远程医疗, 人工智能: an industry word after a common word
        if self._is_media(name):
            return None
        if self.gaz.candidates(name):
            return None  # a plain place
        return Candidate(start, end, name, org_type, rule, prefix, generic, quoted, suffix=suffix)

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
            while index > 0 and self.tokens[index].start > m.start():
                index -= 1  # the word where the suffix begins (集聚/区 for 集聚区)
            start = self._name_start(index)
            if start >= m.start():
                quoted = self._quoted_before(m.start())
                if quoted is None:
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

    def _quoted_before(self, pos: int) -> int | None:
        if pos > 0 and self.text[pos - 1] in '”"':
            opening = self.text.rfind("“", 0, pos - 1)
            if opening >= 0 and pos - 1 - opening <= 20:
                return opening
        return None

    def _strip_leading_verb(self, start: int, suffix_start: int, by_tag: bool = True) -> int:
        """培育脑机接口…创新中心, 用好产业基金: a policy verb glued to the front is not part of
        the name."""
        for verb in sorted(self.words.policy_verbs, key=len, reverse=True):
            if self.text.startswith(verb, start) and start + len(verb) <= suffix_start:
                start += len(verb)
                break
        i = self.tok_by_start.get(start) if by_tag else None
        while i is not None and self.tokens[i].start < suffix_start:
            tok = self.tokens[i]
            is_verb = (
                tok.text in self.words.creation_verbs
                or tok.text in self.words.existing_verbs
                or tok.text in self.words.policy_verbs
                or (
                    len(tok.text) > 1
                    and tok.tag in ("v", "vd", "ad")
                    and tok.text not in self.words.generic
                    and _frequent(tok.text)
                )
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
        for i, tok in enumerate(toks):
            rid = self.gaz.resolve(tok.text, self.context) if self.gaz.candidates(tok.text) else None
            if rid is None or self.gaz.get(rid).level in ("district", "zone"):
                continue
            if tok.text == self.gaz.get(rid).name and tok.text.endswith(("省", "市", "区", "县")):
                continue  # companies write the short place (广州析芒); 大连市某某 is a byline
            j, chars = i + 1, 0
            while j < len(toks) and chars < 4:
                t = toks[j]
                if t.tag == "x" or t.text in self.rules.left_stop or t.text in self.rules.bad_first_chars:
                    break
                if len(t.text) > 1 and t.tag not in ("", "nz", "nr", "nrt", "nrfg", "ng"):
                    break
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
            )
            if not boundary:
                continue
            start, end = tok.start, toks[j - 1].end
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
        # a list lives inside one clause (text between clause punctuation)
        for clause in re.finditer(r"[^，,。；;：:！？!?（）()]+", self.text):
            if "、" in clause.group(0) or "等" in clause.group(0):
                out += self._enumeration_in_clause(clause.start(), clause.end(), found)
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
        sibling_types: list[OrgType] = []
        for a, b in spans:
            sibling = next((c for c in found if c.start <= a and c.end == b and not c.generic), None)
            if sibling is not None:
                sibling_types.append(sibling.type)
        if not sibling_types and list_type is None:
            return []
        item_type: OrgType = list_type or max(set(sibling_types), key=sibling_types.count)  # type: ignore[assignment]
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
        if stripped.startswith("等"):
            phrase = self._noun_phrase(after_start + len(rest) - len(stripped) + 1)
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
        if not (2 <= len(item) <= 15):
            return None
        if self.gaz.candidates(item) or item in self.words.generic:
            return None
        if any(ch.isdigit() for ch in item) or any(ch in PUNCT and ch not in "“”" for ch in item):
            return None
        if self.is_generic_core(item) or item.endswith(self.words.product_heads):
            return None
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
        cand = self._make(a, b, org_type or item_type, "list", suffix)
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
            name = self.text[start:end]
            if len(name) < 3 or self.gaz.candidates(name) or self.is_generic_core(name):
                continue
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

    _FOUNDED = re.compile(r"(?:创办|创立|创建|孵化出|成立了)([\u4e00-\u9fffA-Za-z]{2,8})(?=[，,。；;、]|$)")
    _ORIGIN = re.compile(
        r"(?<![\u4e00-\u9fff])([\u4e00-\u9fffA-Za-z]{2,8})(?:研发|孵化|培育|投资)的(?=[\u4e00-\u9fffA-Za-z])"
    )

    def _patterns(self, found: list[Candidate]) -> list[Candidate]:
        out = []
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
