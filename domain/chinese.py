"""Chinese text in the forms the stages compare: look-alike code points folded and traditional
characters made simplified.

Two forms, for two uses:
- ``normalize_text``: running text, one character for one character (OpenCC's character table),
  so every offset into the result is an offset into the original: the extractor, the splitter,
  cue and place matching read it, and evidence still quotes the text as written.
- ``to_simplified``: names and short texts for comparison only (resolution keys), with OpenCC's
  phrase tables (傅利葉 -> 傅利叶), which may change the length.
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib import resources

import opencc

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
    if len(text) > 200:
        return _normalize_cached(text)
    if len(text) > _SHORT_TEXT:
        return text.translate(_normal_table())
    # names and short phrases are asked about again and again (every candidate's leading place)
    normal = _short_normal.get(text)
    if normal is None:
        normal = text.translate(_normal_table())
        if len(_short_normal) < _SHORT_NORMAL_LIMIT:
            _short_normal[text] = normal
    return normal


_SHORT_TEXT = 24
_SHORT_NORMAL_LIMIT = 200_000
_short_normal: dict[str, str] = {}


@lru_cache(maxsize=8)
def _normalize_cached(text: str) -> str:
    # a document is normalised by the splitter and again by the extractor: the second is free
    return text.translate(_normal_table())


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """NFKC and simplified characters of a text (names and short texts are cached)."""
    if len(text) <= 64:
        return _short(text)
    return _convert(text)


@lru_cache(maxsize=100_000)
def _short(text: str) -> str:
    return _convert(text)


def _convert(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text)
    if folded.isascii():
        return folded
    return str(_converter().convert(folded))
