"""The one-pass segmenter gives jieba's own dictionary cut, word for word, and the cached tag
table is jieba's dictionary tags."""

from __future__ import annotations

import os

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bcikg.ingest import segment
from bcikg.ingest.names import _word_tags, tokenize


@pytest.fixture(scope="module", autouse=True)
def _domain_dictionary() -> None:
    _word_tags()  # the dictionary the extractor cuts with (domain words added)


def _jieba(text: str) -> list[tuple[str, int, int]]:
    return list(jieba.tokenize(text, HMM=False))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "某某市启明脑科技有限公司在高新区落户，专注于柔性电极研发。",
        "ABC123脑机接口N1芯片 与 Neuro Link 2.0版",
        "第3届 大会\r\n于10月举办；投资5,000万元（人民币）",
        "腦機接口產業聯盟成立",
        "a b\tc\u3000d",
        "C++ & C# 的 x.y_z-1 %5",
        "，。！？",
        "鑫",
    ],
)
def test_same_words_as_jieba(text: str) -> None:
    assert segment.tokenize(text) == _jieba(text)


def test_offsets_are_shifted() -> None:
    text = "某某医疗科技有限公司"
    assert segment.tokenize(text, 7) == [(w, s + 7, e + 7) for w, s, e in _jieba(text)]


_WORDS = ["脑机接口", "有限公司", "研究院", "医院", "科技", "上海", "中国科学院", "投资", "基金", "发展"]
_PIECES = st.one_of(
    st.sampled_from(_WORDS),
    st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FD5), min_size=1, max_size=4),
    st.text(alphabet="abcXYZ019+#&._%-", min_size=1, max_size=4),
    st.sampled_from([" ", "\r\n", "\n", "\t", "，", "。", "（", "）", "“", "”", "、", "\u3000"]),
    st.text(min_size=1, max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join))
def test_same_words_as_jieba_on_any_text(text: str) -> None:
    assert segment.tokenize(text) == _jieba(text)


def test_words_added_to_jieba_count_at_once() -> None:
    word = "柔脑析芒科"
    text = f"据悉{word}今天发布"
    try:
        jieba.add_word(word, freq=5000)
        assert (word, 2, 7) in segment.tokenize(text)
        assert segment.tokenize(text) == _jieba(text)
    finally:
        jieba.del_word(word)
    assert segment.tokenize(text) == _jieba(text)


def test_names_tokenize_uses_jieba_words() -> None:
    text = "他在杭州某某智能科技有限公司工作"
    assert [(t.text, t.start, t.end) for t in tokenize(text)] == _jieba(text)


# ------------------------------------------------------------------ tag table


def test_tag_table_is_the_dictionary_files(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(jieba.dt, "tmp_dir", str(tmp_path))
    expected = segment._parse_tags(segment._dictionary_path())
    first = segment.dictionary_tags()
    assert first == expected
    assert first["医院"] == "n" and first["发展"] == "vn"
    cached = list(tmp_path.glob("bcikg-jieba-tags-*.marshal"))
    assert len(cached) == 1
    assert segment.dictionary_tags() == expected  # from the cache file


def test_damaged_tag_cache_is_rebuilt(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(jieba.dt, "tmp_dir", str(tmp_path))
    segment.dictionary_tags()
    (cache,) = tmp_path.glob("bcikg-jieba-tags-*.marshal")
    cache.write_bytes(b"\x00not marshal")
    assert segment.dictionary_tags()["医院"] == "n"
    assert segment.dictionary_tags() == segment._parse_tags(segment._dictionary_path())


def test_unwritable_cache_folder_still_gives_tags(tmp_path, monkeypatch) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    monkeypatch.setattr(jieba.dt, "tmp_dir", str(missing))
    assert segment.dictionary_tags()["医院"] == "n"
    assert not missing.exists()


def test_caller_cannot_change_the_next_table(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(jieba.dt, "tmp_dir", str(tmp_path))
    table = segment.dictionary_tags()
    table["医院"] = "v"
    assert segment.dictionary_tags()["医院"] == "n"


def test_ties_are_broken_as_jieba_breaks_them(monkeypatch) -> None:
    # every word of frequency 1 in a dictionary of total 1: every way to cut scores 0.0
    freq = {"甲": 1, "甲乙": 1, "乙": 1, "乙丙": 1, "丙": 1, "甲乙丙": 0, "丁": 0}
    monkeypatch.setattr(jieba.dt, "FREQ", freq)
    monkeypatch.setattr(jieba.dt, "total", 1)
    for text in ["甲乙丙", "乙丙甲乙", "丙丙甲", "丁甲乙丁"]:
        assert segment.tokenize(text) == _jieba(text)


def test_tag_cache_with_wrong_values_is_rebuilt(tmp_path, monkeypatch) -> None:
    import marshal

    monkeypatch.setattr(jieba.dt, "tmp_dir", str(tmp_path))
    segment.dictionary_tags()
    (cache,) = tmp_path.glob("bcikg-jieba-tags-*.marshal")
    cache.write_bytes(marshal.dumps({"医院": 3}))
    assert segment.dictionary_tags()["医院"] == "n"


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give a file away")
def test_tag_cache_of_another_user_is_not_read(tmp_path, monkeypatch) -> None:
    import marshal

    monkeypatch.setattr(jieba.dt, "tmp_dir", str(tmp_path))
    segment.dictionary_tags()
    (cache,) = tmp_path.glob("bcikg-jieba-tags-*.marshal")
    cache.write_bytes(marshal.dumps({"医院": "v"}))
    os.chown(cache, 12345, 12345)
    assert segment.dictionary_tags()["医院"] == "n"
