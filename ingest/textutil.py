"""Small text helpers shared by the stages."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources

# Characters that always end a name on either side.
PUNCT = frozenset(
    "，,。.；;：:！!？?、（）()【】[]《》<>〈〉「」『』“”\"‘’'—–-…·・/\\|~～@#$%^&*+=｜\n\t\r 　"
)
SENTENCE_END = frozenset("。！？!?；;")
OPEN_BRACKETS = "（(【[《〈「『“‘"
CLOSE_BRACKETS = "）)】]》〉」』”’"

_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "有限公司")


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def fold(text: str) -> str:
    """Full-width to half-width and compatibility forms, without changing length semantics
    callers rely on (use only on names, never on document text used for offsets); traditional
    characters made simplified."""
    return unicodedata.normalize("NFKC", text).translate(_normal_table())


# Code point ranges whose compatibility forms fold to one ordinary character: full-width Latin
# letters and digits, CJK radicals (Kangxi radicals look like 金, 言 …) and compatibility
# ideographs. Full-width punctuation keeps its form (the stages read both widths).
_FOLD_RANGES = (
    (0xFF10, 0xFF19),
    (0xFF21, 0xFF3A),
    (0xFF41, 0xFF5A),
    (0x2E80, 0x2EFF),
    (0x2F00, 0x2FDF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
    (0x00A0, 0x00A0),
    (0x3000, 0x3000),
)


@cache
def _normal_table() -> dict[int, str]:
    """One character -> one character: compatibility forms (NFKC) then traditional ->
    simplified (OpenCC's character table, first reading)."""
    table: dict[int, str] = {}
    for low, high in _FOLD_RANGES:
        for code in range(low, high + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if len(folded) == 1 and folded != chr(code):
                table[code] = folded
    chars = resources.files("opencc").joinpath("dictionary", "TSCharacters.txt")
    t2s: dict[str, str] = {}
    for line in chars.read_text(encoding="utf-8").splitlines():
        trad, _, simple = line.partition("\t")
        first = simple.split(" ")[0]
        if len(trad) == 1 and len(first) == 1 and trad != first:
            t2s[trad] = first
    for code, ch in list(table.items()):
        table[code] = t2s.get(ch, ch)
    for trad, simple in t2s.items():
        table.setdefault(ord(trad), simple)
    return table


def normalize_text(text: str) -> str:
    """The form the extractor reads: compatibility look-alikes folded (Kangxi radical ⾦ -> 金,
    full-width Ａ -> A) and traditional characters made simplified (腦機 -> 脑机), one character
    for one character, so every offset into the result is an offset into the original text."""
    return _normalize_cached(text) if len(text) > 200 else text.translate(_normal_table())


@lru_cache(maxsize=8)
def _normalize_cached(text: str) -> str:
    # a document is normalised by the splitter and again by the extractor: the second is free
    return text.translate(_normal_table())


def strip_legal_form(name: str) -> str:
    for form in _LEGAL_FORMS:
        if name.endswith(form) and len(name) > len(form) + 1:
            return name[: -len(form)]
    return name


_BRACKETED = re.compile(r"[（(][^（）()]{0,20}[）)]")
_DROP = re.compile(r"[\s\"'“”‘’《》<>\[\]【】·・,，.。]")


def normalize_name(name: str) -> str:
    """The comparison form of an organisation name: NFKC, no spaces/quotes/brackets (nor what is
    inside round brackets, usually a place: 某某科技(上海)有限公司), no legal form, lower-case.
    Idempotent: normalize_name(normalize_name(x)) == normalize_name(x)."""
    s = name or ""
    for _ in range(8):  # every step can expose work for another (NFKC of a lower-cased letter …)
        previous = s
        s = fold(s)
        s = _BRACKETED.sub("", s)
        s = _DROP.sub("", s)
        s = re.sub(r"[()（）]", "", s)
        s = strip_legal_form(s)
        s = s.lower()
        if s == previous:
            break
    return s


def stable_hash(*parts: str, length: int = 16) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:length]


def literal_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One compiled regex matching any of the words, longest first at each position.

    Built as a trie of alternations, which the regex engine walks far faster than a flat
    alternation of thousands of literals."""
    trie: dict[str, dict] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    source = build(trie)
    return re.compile(source if source else r"(?!x)x")
