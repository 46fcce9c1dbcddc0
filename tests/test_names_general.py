"""Name spans on text the rules were not written from: each family of issue 8 with sentences of
our own (fictional firms), and the normalisation the extractor reads through."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bcikg.domain.regions import gazetteer
from bcikg.ingest.extract import extract_document
from bcikg.ingest.names import SentenceNames
from bcikg.ingest.split import split_document
from bcikg.ingest.textutil import normalize_name, normalize_text
from bcikg.models import Document


def names_in(sentence: str, region: str | None = None) -> set[str]:
    gaz = gazetteer()
    context = gaz.ancestors(region) if region else []
    return {c.name for c in SentenceNames(normalize_text(sentence), gaz, context, False).candidates}


def extract_text(text: str, title: str | None = None):
    doc = Document(id="doc:t", path="/t.txt", format="txt", encoding="utf-8", title=title, text=text)
    return extract_document(split_document(doc))


# ---------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("雲帆腦機科技有限公司與醫院簽約", "云帆脑机科技有限公司与医院签约"),
        ("星⾦资本", "星金资本"),  # a Kangxi radical that looks like 金
        ("ＡＢ１科技", "AB1科技"),  # full-width Latin letters and digits
        ("北冥医疗，专注电极。", "北冥医疗，专注电极。"),  # simplified text and punctuation unchanged
    ],
)
def test_normalize_text(raw: str, normal: str) -> None:
    assert normalize_text(raw) == normal


@given(st.text(max_size=60))
def test_normalize_text_keeps_length_and_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert len(once) == len(text)
    assert normalize_text(once) == once


def test_normalize_name_folds_traditional_forms() -> None:
    assert normalize_name("雲帆腦機科技有限公司") == normalize_name("云帆脑机科技有限公司")


def test_traditional_article_gives_simplified_names_and_original_evidence() -> None:
    text = "據報道，雲帆腦機科技有限公司與青禾大學簽署合作協議。"
    ex = extract_text(text)
    names = {o.name for o in ex.orgs}
    assert "云帆脑机科技有限公司" in names
    for org in ex.orgs:
        assert text[org.evidence.start : org.evidence.end] == org.evidence.text == org.surface
        assert org.evidence.sentence in text
        if org.surface != org.name:
            assert org.surface in org.aliases
