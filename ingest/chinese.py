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


@cache
def _to_traditional() -> tuple[opencc.OpenCC, ...]:
    return tuple(opencc.OpenCC(config) for config in ("s2t", "s2hk", "s2tw"))


def written_forms(word: str) -> set[str]:
    """A simplified word and its traditional spellings (脑机接口, 腦機接口), for finding cue words
    in text as written without converting the text."""
    return {word} | {str(c.convert(word)) for c in _to_traditional()}
