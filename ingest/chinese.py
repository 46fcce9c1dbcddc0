"""Traditional → simplified Chinese for comparing names and reading cue words.

Only for comparison forms (resolution keys, cue matching): the document text and every evidence
offset stay as written. OpenCC's phrase tables do the conversion (腦機接口 -> 脑机接口,
傅利葉 -> 傅利叶)."""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache

import opencc


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


def simplified_text(text: str) -> str:
    """Running text in simplified characters where that keeps every character in its place
    (offsets into the text stay valid); otherwise the text as it is."""
    if text.isascii() or _traditional_chars().isdisjoint(text):
        return text  # most texts: nothing to convert, and no conversion paid for
    out = str(_converter().convert(text))
    return out if len(out) == len(text) else text


@cache
def _traditional_chars() -> frozenset[str]:
    """The CJK characters the conversion changes (one pass over the unified ideographs)."""
    chars = [chr(c) for c in range(0x3400, 0x4DC0)] + [chr(c) for c in range(0x4E00, 0xA000)]
    converted = str(_converter().convert("\n".join(chars))).split("\n")
    if len(converted) != len(chars):  # a phrase across the separators: compare one by one
        converted = [str(_converter().convert(ch)) for ch in chars]
    return frozenset(ch for ch, out in zip(chars, converted, strict=True) if out != ch)
