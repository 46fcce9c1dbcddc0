"""Small text helpers shared by the stages."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from bcikg.domain.chinese import normalize_text

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
    return normalize_text(unicodedata.normalize("NFKC", text))


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
