"""General rules of Chinese organisation names added for recall and precision on new text: each
rule with sentences of our own (invented firms), positive and negative."""

from __future__ import annotations

import pytest

from bcikg.domain.chinese import normalize_text
from bcikg.domain.regions import gazetteer
from bcikg.ingest.names import SentenceNames


def names_in(sentence: str) -> set[str]:
    return {c.name for c in SentenceNames(normalize_text(sentence), gazetteer(), [], False).candidates}


# ---------------------------------------------------------------- 由A和B基金领投


@pytest.mark.parametrize(
    ("sentence", "present", "absent"),
    [
        # a brand written bare, joined to a fund named by its suffix: two investors
        ("本轮融资由星辰和青禾中国种子基金领投，涌铧投资跟投。", {"星辰", "青禾中国种子基金"}, set()),
        ("本轮由云湖及北辰创新基金共同领投。", {"云湖", "北辰创新基金"}, set()),
        # a place before 和 is no investor
        ("本轮由北京和上海青禾基金领投。", set(), {"北京"}),
    ],
)
def test_bare_investor_joined_to_fund(sentence: str, present: set[str], absent: set[str]) -> None:
    names = names_in(sentence)
    assert present <= names
    assert not (absent & names)
