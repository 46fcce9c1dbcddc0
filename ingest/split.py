"""Split a document into paragraphs and sentences, keeping character offsets into its text."""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from bcikg.domain.chinese import normalize_text
from bcikg.domain.lexicon import read_data_text
from bcikg.ingest.textutil import literal_pattern
from bcikg.models import Document, Sentence, SplitDocument

# A sentence ends after 。！？；!? (and any closing quotes/brackets that follow) or at a line end.
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)】]*|\n|$)")
# Sentences longer than this are cut at the last comma before the limit, so that one enormous
# line (a scraped page with no punctuation) cannot make later stages quadratic.
MAX_SENTENCE = 400
_SOFT_BREAK = "，,、：: "


def _cut_long(start: int, end: int, text: str) -> list[tuple[int, int]]:
    pieces = []
    while end - start > MAX_SENTENCE:
        window = text[start : start + MAX_SENTENCE]
        cut = max(window.rfind(ch) for ch in _SOFT_BREAK)
        cut = start + (cut + 1 if cut > MAX_SENTENCE // 4 else MAX_SENTENCE)
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


@dataclass(frozen=True)
class _Boilerplate:
    tail_markers: tuple[str, ...]
    line_markers: tuple[str, ...]
    bullets: tuple[str, ...]
    short_line: int
    short_run: int
    breadcrumb_separators: tuple[str, ...]
    breadcrumb: re.Pattern[str]
    markers: re.Pattern[str]


@cache
def _boilerplate() -> _Boilerplate:
    raw = tomllib.loads(read_data_text("boilerplate.toml"))
    return _Boilerplate(
        tail_markers=tuple(raw["tail_markers"]),
        line_markers=tuple(raw["line_markers"]),
        bullets=tuple(raw["bullets"]),
        short_line=int(raw["short_line"]),
        short_run=int(raw["short_run"]),
        breadcrumb_separators=tuple(raw["breadcrumb_separators"]),
        breadcrumb=literal_pattern(raw["breadcrumb_words"]),
        markers=literal_pattern(raw["line_markers"]),
    )


_PUNCTUATED = re.compile(r"[。！？!?；;，,]")
# Menus, headline lists, footers and disclaimers are lines of at most a few hundred characters.
_LONGEST_FURNITURE = 300


def noise_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of page furniture in a scraped text: menus, headline lists, footers and
    everything after a "猜你喜欢"-style marker in the later part of the page."""
    rules = _boilerplate()
    lines: list[tuple[int, int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line), line.strip()))
        pos += len(line) + 1
    noise: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []

    def close_run() -> None:
        if len(run) >= rules.short_run:
            noise.extend(run)
        run.clear()

    for start, end, line in lines:
        if not line:
            continue
        if len(line) > _LONGEST_FURNITURE:
            close_run()  # a long line is text (a whole page flattened onto one line, say)
            continue
        if start > len(text) // 3 and line.startswith(rules.tail_markers):
            close_run()
            noise.append((start, len(text)))
            break
        breadcrumb = rules.breadcrumb.search(line) is not None and any(
            sep in line for sep in rules.breadcrumb_separators
        )
        marked = rules.markers.search(line) is not None
        if breadcrumb or marked or line.startswith(rules.bullets):
            noise.append((start, end))
            continue
        if len(line) <= rules.short_line and not _PUNCTUATED.search(line):
            run.append((start, end))
        else:
            close_run()
    close_run()
    return sorted(noise)


def _in_ranges(pos: int, starts: list[int], ranges: list[tuple[int, int]]) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and ranges[i][0] <= pos < ranges[i][1]


def split_document(document: Document) -> SplitDocument:
    text = document.text
    # furniture is recognised on the normalised form (traditional pages, look-alike code points);
    # the offsets are the same, and sentences keep the original text
    noise = noise_ranges(normalize_text(text))
    noise_starts = [start for start, _ in noise]
    sentences: list[Sentence] = []
    paragraph = 0
    line_has_text = False
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        if start == end:
            continue
        raw = text[start:end]
        if raw.endswith("\n"):
            end -= 1
        # trim surrounding whitespace but keep offsets exact
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end and not _in_ranges(start, noise_starts, noise):
            for s, e in _cut_long(start, end, text):
                sentences.append(
                    Sentence(index=len(sentences), paragraph=paragraph, start=s, end=e, text=text[s:e])
                )
            line_has_text = True
        if raw.endswith("\n") and line_has_text:
            paragraph += 1  # in articles and scraped pages a line is a paragraph
            line_has_text = False
    return SplitDocument(document=document, sentences=sentences)
