"""Text of binary document formats: PDF (pdfminer.six) and Word .docx (python-docx).

    pdf_text(data)  -> BinaryText   text with the page layout undone, title from the PDF info
    docx_text(data) -> BinaryText   paragraphs and table rows in document order, core title

Both raise ``Unreadable`` (one lower-case line for the user) instead of a library's exception.

A PDF has no paragraphs, only positioned lines. ``pdf_text`` rebuilds the running text:

- running headers and footers (a line in the top or bottom band of the page that comes back, with
  its digits ignored, on at least half of the pages) and page numbers (``- 3 -``, ``第3页``,
  ``3/12``...) are dropped;
- a line that reaches the right edge of its column and does not end a sentence is joined to the
  next one, also across a page break, so that a sentence or a name the layout broke is whole
  again (Chinese joined without a space, Latin words with one);
- a line that ends a sentence, is short of the right edge (a heading, a paragraph's last line), or
  is followed by a numbered item (一、 （二） 3. 第四条) ends a paragraph.
"""

from __future__ import annotations

import io
import itertools
import logging
import re
import statistics
import zipfile
from collections import Counter
from dataclasses import dataclass

# pdfminer reports damaged objects through `logging`; without a handler Python would print them
# on stderr, and the library never prints.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


class Unreadable(Exception):
    """The input cannot be used; ``reason`` is one line telling the user why (and what to do)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class BinaryText:
    text: str
    title: str | None = None


# ---------------------------------------------------------------- pdf


@dataclass
class _Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return max(self.y1 - self.y0, 1.0)


# Share of the page height at its top and bottom where running headers, footers and page numbers live.
_BAND = 0.12
# Page numbers: "3", "- 3 -", "—3—", "第3页", "第 3 页 共 12 页", "3/12", "Page 3 of 12", "iv".
_PAGE_NUMBER = re.compile(
    r"[-–—―‒·•\s]*(?:\d{1,4}|[ivxlcdm]{1,6}|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?)[-–—―‒·•\s]*",
    re.I,
)
# A line ending with one of these ends its sentence (closing quotes and brackets may follow).
_SENTENCE_END = re.compile(r"[。！？!?；;：:…][”’」』）)】〕]*$|\.$")
# A line starting with one of these starts a new item: 一、 （一） (1) 1. 1、 第一条 第二章 ① 附件
_ITEM_START = re.compile(
    r"(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[)）]|\d{1,3}(?:[、．]|\.(?!\d))"
    r"|第[一二三四五六七八九十百零\d]+[条章节款部分]|[①②③④⑤⑥⑦⑧⑨⑩]|附件|附表)"
)
_CJK_OR_PUNCT = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]")
_DIGITS = re.compile(r"\d+")
_MAX_CID_SHARE = 0.05  # more "(cid:N)" placeholders than this: the fonts have no Unicode map


def pdf_text(data: bytes) -> BinaryText:
    """Running text of a PDF (see the module's docstring). Raises ``Unreadable``."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise Unreadable("not a pdf file (no %PDF header); check that the file is what its name says")
    pages, info_title = _pdf_lines(data)
    lines = _drop_furniture(pages)
    text = _join_lines(lines)
    if not text.strip():
        raise Unreadable("pdf has no text layer (a scanned document?); run OCR on it and ingest the text")
    if text.count("(cid:") * 8 > _MAX_CID_SHARE * len(text):
        raise Unreadable("pdf text cannot be decoded (its fonts have no unicode map); save it as text")
    return BinaryText(text=text, title=info_title)


def _pdf_lines(data: bytes) -> tuple[list[tuple[float, list[_Line]]], str | None]:
    """Per page: (page height, text lines in reading order); and a usable title from the info."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    pages: list[tuple[float, list[_Line]]] = []
    try:
        parser = PDFParser(io.BytesIO(data))
        document = PDFDocument(parser)
        title = _info_title(document)
        resources = PDFResourceManager()
        device = PDFPageAggregator(resources, laparams=LAParams())
        interpreter = PDFPageInterpreter(resources, device)
        for number, page in enumerate(PDFPage.create_pages(document)):
            interpreter.process_page(page)
            layout = device.get_result()
            lines = [
                _Line(number, line.x0, line.y0, line.x1, line.y1, text)
                for box in layout
                if isinstance(box, LTTextContainer)
                for line in box
                if isinstance(line, LTTextLine) and (text := _line_text(line.get_text()))
            ]
            pages.append((layout.height, lines))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise Unreadable("encrypted pdf; save an unprotected copy to ingest it") from None
    except RecursionError:
        raise Unreadable("not a readable pdf (nested too deeply)") from None
    except Exception as exc:  # a damaged file can fail inside pdfminer in many ways
        if "password" in str(exc).lower() or "encrypt" in type(exc).__name__.lower():
            raise Unreadable("encrypted pdf; save an unprotected copy to ingest it") from None
        raise Unreadable(
            f"not a readable pdf ({type(exc).__name__}); check that the file is complete"
        ) from None
    return pages, title


# Spaces between two Chinese characters are the layout's (justified or letter-spaced lines), not
# the text's: "支 持 星 河 脑 科 技" is 支持星河脑科技. Spaces next to Latin words stay.
_SPACED_CJK = re.compile(
    r"(?<=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’])\s+(?=[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’])"
)


def _line_text(raw: str) -> str:
    return _SPACED_CJK.sub("", " ".join(raw.split()))


_GENERATOR_TITLE = re.compile(
    r"^(?:microsoft\s+word|untitled|无标题|文档\d*$|document\d*$)|\.(?:docx?|wps|pdf)$", re.I
)


def _info_title(document: object) -> str | None:
    """The Title of the PDF's info dictionary, if it is a real title (not 'Microsoft Word - x.doc')."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    for info in getattr(document, "info", []) or []:
        raw = resolve1(info.get("Title")) if isinstance(info, dict) else None
        if isinstance(raw, bytes):
            title = " ".join(decode_text(raw).split())
        elif isinstance(raw, str):
            title = " ".join(raw.split())
        else:
            continue
        if 4 <= len(title) <= 120 and not _GENERATOR_TITLE.search(title) and _CJK_OR_PUNCT.search(title):
            return title
    return None


def _drop_furniture(pages: list[tuple[float, list[_Line]]]) -> list[_Line]:
    """All body lines in order: page numbers and running headers/footers removed."""

    def in_band(line: _Line, height: float) -> bool:
        return line.y0 >= height * (1 - _BAND) or line.y1 <= height * _BAND

    def key(line: _Line) -> str:
        return _DIGITS.sub("#", line.text.replace(" ", ""))

    recurring: Counter[str] = Counter()
    for height, lines in pages:
        recurring.update({key(line) for line in lines if in_band(line, height)})
    # With two pages a line on both is running; with more, on at least half of them.
    threshold = max(2, (len(pages) + 1) // 2)
    body: list[_Line] = []
    for height, lines in pages:
        for line in lines:
            if in_band(line, height) and (
                _PAGE_NUMBER.fullmatch(line.text) or (len(pages) > 1 and recurring[key(line)] >= threshold)
            ):
                continue
            body.append(line)
    return body


def _join_lines(lines: list[_Line]) -> str:
    if not lines:
        return ""
    edges = _column_edges(lines)
    out: list[str] = [lines[0].text]
    for prev, line in itertools.pairwise(lines):
        if _continues(prev, line, edges):
            out.append(_glue(prev.text, line.text))
        else:
            out.append("\n")
        out.append(line.text)
    return "".join(out)


def _column_edges(lines: list[_Line]) -> dict[tuple[int, int], float]:
    """Right edge of the text per (page, column), a column being the lines that start at about the
    same x. A line reaching its column's edge (within about two characters) is a full line."""
    groups: dict[tuple[int, int], list[float]] = {}
    for line in lines:
        groups.setdefault((line.page, round(line.x0 / 24)), []).append(line.x1)
    # Lines of a page's main column start at different x (indented first lines): fall back on the
    # page's widest line when a column has a single line.
    page_edge: dict[int, float] = {}
    for line in lines:
        page_edge[line.page] = max(page_edge.get(line.page, 0.0), line.x1)
    return {key: (max(xs) if len(xs) > 1 else page_edge[key[0]]) for key, xs in groups.items()}


def _is_full(line: _Line, edges: dict[tuple[int, int], float]) -> bool:
    edge = edges[(line.page, round(line.x0 / 24))]
    return line.x1 >= edge - 2.2 * line.height


def _continues(prev: _Line, line: _Line, edges: dict[tuple[int, int], float]) -> bool:
    if _SENTENCE_END.search(prev.text) or _ITEM_START.match(line.text):
        return False
    if not _is_full(prev, edges):
        return False
    if line.page == prev.page:
        # The next line of the same column: below it, not far below (a gap of several lines is a
        # new block), and starting at about the same x or further left.
        gap = prev.y0 - line.y1
        if gap < -0.5 * prev.height or gap > 2.5 * statistics.fmean((prev.height, line.height)):
            return False
    return True


def _glue(left: str, right: str) -> str:
    """What goes between two joined line pieces: nothing between Chinese, a space between words."""
    a, b = left[-1:], right[:1]
    if not a or not b or _CJK_OR_PUNCT.match(a) or _CJK_OR_PUNCT.match(b):
        return ""
    if a == "-" and b.isalpha():
        return ""  # a hyphenated word or a name such as BCI-Pro: keep the hyphen, no space
    return " "


# ---------------------------------------------------------------- docx


def docx_text(data: bytes) -> BinaryText:
    """Paragraphs and table rows (cells joined by a tab) in document order. Raises ``Unreadable``."""
    if not data.startswith(b"PK"):
        if data.startswith(b"\xd0\xcf\x11\xe0"):
            raise Unreadable("old Word (.doc) or encrypted file saved as .docx; save it as .docx again")
        raise Unreadable("not a .docx file (not a zip archive); check that the file is what its name says")
    import docx
    from docx.table import Table

    _check_expansion(data)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_rows(block))
            else:
                lines.append(block.text)
        title = " ".join((document.core_properties.title or "").split()) or None
    except RecursionError:
        raise Unreadable("not a readable .docx (nested too deeply)") from None
    except (zipfile.BadZipFile, KeyError):
        raise Unreadable("not a readable .docx (damaged or not a Word document)") from None
    except Exception as exc:  # damaged XML inside the archive can fail in python-docx or lxml
        raise Unreadable(
            f"not a readable .docx ({type(exc).__name__}); check that the file is complete"
        ) from None
    text = "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    if not text.strip():
        raise Unreadable("no text in the .docx")
    if title and (len(title) > 120 or _GENERATOR_TITLE.search(title)):
        title = None
    return BinaryText(text=text, title=title)


# The XML inside a .docx is compressed; more than this once unpacked is a zip bomb, not a document.
MAX_DOCX_XML_BYTES = 256 * 1024 * 1024


def _check_expansion(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Unreadable("not a readable .docx (damaged or not a Word document)") from None
    if unpacked > MAX_DOCX_XML_BYTES:
        raise Unreadable(
            f"the .docx unpacks to more than {MAX_DOCX_XML_BYTES // (1024 * 1024)} MB of XML; not read"
        )


def _table_rows(table: object) -> list[str]:
    rows: list[str] = []
    for row in getattr(table, "rows", []):
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):  # a merged cell repeats in each grid column
                cells.append(text)
        if cells:
            rows.append("\t".join(cells))
    return rows
