"""The candidate index of abbreviations in resolution finds every full name an abbreviation may
stand for (it may only narrow the search, never the result)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcikg.ingest.resolve import _AbbreviationIndex, _is_abbreviation

# a few letters and the characters of type-heads (院, 大学, 医院, 研究所 …), so that random names
# often abbreviate one another
LETTERS = "甲乙丙丁戊医院研究所大学附属委员会局部"
names = st.text(alphabet=LETTERS, min_size=1, max_size=9)


@settings(max_examples=300)
@given(st.lists(names, min_size=1, max_size=25, unique=True), names)
def test_index_finds_every_full_name_of_an_abbreviation(bases: list[str], short: str) -> None:
    index = _AbbreviationIndex()
    for base in bases:
        index.add("Company", base, base)
    expected = {base for base in bases if _is_abbreviation(short, base)}
    assert expected <= index.find("Company", short)


@pytest.mark.parametrize(
    ("short", "full", "found"),
    [
        ("甲乙院", "甲丙乙第一附属医院", True),  # 院 stands for 医院
        ("甲大", "甲乙大学", True),  # 大 stands for 大学
        ("甲丙所", "甲乙研究所", False),  # 丙 is not in the full name
        ("乙大", "甲乙大学", False),  # another first character
        ("甲乙大学", "甲乙大学", False),  # not shorter
    ],
)
def test_index_lookup(short: str, full: str, found: bool) -> None:
    index = _AbbreviationIndex()
    index.add("Institute", full, "k")
    index.add("Company", "甲乙丙丁大学", "other type")
    assert (index.find("Institute", short) == {"k"}) is found
    assert _is_abbreviation(short, full) is found


def test_one_character_forms_get_every_name_with_their_ends() -> None:
    index = _AbbreviationIndex()
    index.add("Company", "甲乙局", "a")
    index.add("Company", "甲局", "b")
    index.add("Company", "乙局", "c")
    assert index.find("Company", "甲") == set()
    index.add("Company", "甲", "d")
    assert index.find("Company", "甲") == {"d"}
