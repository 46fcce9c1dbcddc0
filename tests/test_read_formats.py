"""PDF, Word and web inputs of the reading stage (bcikg.ingest.read, read_formats, read_url).

The PDF and .docx files are written by the tests themselves (reportlab with its built-in CID font
STSong-Light, python-docx) from fictional policy sentences of our own; web pages come from a
local http.server on 127.0.0.1.
"""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from bcikg.ingest.extract import extract_document
from bcikg.ingest.read import iter_read, read_file, read_paths, read_url
from bcikg.ingest.read_formats import Unreadable, docx_text, pdf_text
from bcikg.ingest.split import split_document
from bcikg.models import Document, SkippedFile

TITLE = "示例省促进脑机接口产业高质量发展的若干措施"
POLICY = [
    "一、支持龙头企业做强。支持星河脑科技有限公司、晨曦神经科技（示例）有限公司建设柔性电极和低功耗采集芯片"
    "中试平台，对新建产线按设备投资额给予补助。",
    "二、推动临床转化。鼓励示例省第一人民医院、示例大学附属康复医院与企业联合开展植入式脑机接口临床试验，"
    "示例省药品监督管理局提前介入指导注册申报。",
    "三、强化创新平台。依托示例省脑机接口创新中心和示例市神经工程研究院开展共性技术攻关，"
    "支持远山医疗器械股份有限公司牵头组建产业联盟。",
    "四、加大金融支持。发挥示例省未来产业投资基金的引导作用，吸引社会资本投向脑机接口初创企业。",
    "五、完善组织保障。示例省工业和信息化厅牵头，示例省卫生健康委员会、示例省科学技术厅按职责分工负责。",
]
HEADER = "示例省人民政府公报 2025年第3期"
CHARS_PER_LINE = 26  # lines are cut at a fixed width, so names and sentences break across lines


def _font() -> str:
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def write_pdf(path: Path, title: str, paragraphs: list[str], *, lines_per_page: int = 9) -> Path:
    """A policy laid out as a printer would: fixed-width lines, a running header, page numbers."""
    font = _font()
    lines: list[tuple[str, int]] = [(title, 15), ("", 12)]
    for paragraph in paragraphs:
        # the first line of a paragraph is indented by two characters, as in Chinese documents
        first = CHARS_PER_LINE - 2
        lines.append(("\u3000\u3000" + paragraph[:first], 12))
        lines += [
            (paragraph[i : i + CHARS_PER_LINE], 12) for i in range(first, len(paragraph), CHARS_PER_LINE)
        ]
    pdf = canvas.Canvas(str(path))
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    for number, page in enumerate(pages, start=1):
        pdf.setFont(font, 9)
        pdf.drawString(72, 800, HEADER)
        y = 740.0
        for text, size in page:
            pdf.setFont(font, size)
            pdf.drawString(72, y, text)
            y -= size * 1.6
        pdf.setFont(font, 9)
        pdf.drawCentredString(297, 40, f"— {number} —")
        pdf.showPage()
    pdf.save()
    return path


def write_docx(
    path: Path, title: str, paragraphs: list[str], *, table: list[list[str]] | None = None
) -> Path:
    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    document.save(str(path))
    return path


def doc(item: Document | SkippedFile) -> Document:
    assert isinstance(item, Document), item
    return item


def org_names(document: Document) -> set[str]:
    return {m.name for m in extract_document(split_document(document)).orgs}


# ---------------------------------------------------------------- pdf


def test_pdf_text_joins_broken_lines_and_drops_headers_and_page_numbers(tmp_path: Path) -> None:
    result = doc(read_file(write_pdf(tmp_path / "policy.pdf", TITLE, POLICY)))
    assert result.format == "pdf"
    assert result.encoding == "binary"
    assert result.title == TITLE
    paragraphs = [line.strip() for line in result.text.split("\n") if line.strip()]
    # every paragraph whole again, although the layout cut it (and some across a page break)
    assert paragraphs == [TITLE, *POLICY]
    assert HEADER not in result.text
    assert "—" not in result.text  # page numbers


def test_pdf_single_page_keeps_a_body_line_that_looks_like_a_number(tmp_path: Path) -> None:
    # "2025" alone in the middle of the page is text, not a page number (only the bands count)
    font = _font()
    path = tmp_path / "one.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont(font, 12)
    pdf.drawString(72, 700, "示例市神经工程研究院年度报告")
    pdf.drawString(72, 400, "2025")
    pdf.drawString(72, 40, "3")
    pdf.showPage()
    pdf.save()
    text = doc(read_file(path)).text
    assert "2025" in text
    assert not text.rstrip().endswith("3")


_SENTENCE = st.text(
    alphabet=st.sampled_from(list("星河脑科技示例市医院研究中心电极芯片，")), min_size=1, max_size=40
)


@settings(max_examples=150, deadline=None)
@given(
    paragraphs=st.lists(st.lists(_SENTENCE, min_size=1, max_size=4), min_size=1, max_size=6),
    width=st.integers(min_value=5, max_value=30),
    per_page=st.integers(min_value=3, max_value=40),
)
def test_pdf_line_joining_restores_the_running_text(
    paragraphs: list[list[str]], width: int, per_page: int
) -> None:
    """Paragraphs laid out in lines of ``width`` characters over pages of ``per_page`` lines come
    back whole: nothing lost or added, a break at every paragraph's end, none inside a sentence."""
    from bcikg.ingest.read_formats import _join_lines, _Line

    texts = ["。".join(sentences) + "。" for sentences in paragraphs]
    lines: list[_Line] = []
    for text in texts:
        for start in range(0, len(text), width):
            piece = text[start : start + width]
            row = len(lines) % per_page
            y = 760.0 - 18 * row
            lines.append(_Line(len(lines) // per_page, 72.0, y, 72.0 + 12 * len(piece), y + 12, piece))
    joined = _join_lines(lines)
    assert joined.replace("\n", "") == "".join(texts)
    pieces = joined.split("\n")
    assert all(piece.endswith("。") for piece in pieces)  # breaks only after a sentence
    ends = {sum(map(len, texts[: i + 1])) for i in range(len(texts))}
    offsets, total = set(), 0
    for piece in pieces:
        total += len(piece)
        offsets.add(total)
    assert ends <= offsets  # and after every paragraph


def test_pdf_letter_spaced_chinese_is_read_without_the_spaces(tmp_path: Path) -> None:
    path = tmp_path / "spaced.pdf"
    pdf = canvas.Canvas(str(path))
    for y, spacing, line in [
        (700, 4, "支持星河脑科技有限公司建设中试平台。"),  # justified: wide letter spacing
        (680, 0, "远山医疗与 Neuralink Corp 合作开发 BCI 技术。"),
    ]:
        text = pdf.beginText(72, y)
        text.setFont(_font(), 12)
        text.setCharSpace(spacing)
        text.textLine(line)
        pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    assert doc(read_file(path)).text.split("\n") == [
        "支持星河脑科技有限公司建设中试平台。",
        "远山医疗与 Neuralink Corp 合作开发 BCI 技术。",
    ]


def test_pdf_latin_words_are_joined_with_a_space() -> None:
    from bcikg.ingest.read_formats import _glue

    assert _glue("星河脑科", "技有限公司") == ""
    assert _glue("brain-computer", "interface") == " "
    assert _glue("BCI-", "Pro") == ""
    assert _glue("支持", "Neuro") == ""


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n%%EOF", "not a readable pdf"),
        (b"hello", "not a pdf file"),
    ],
)
def test_broken_pdf_is_unreadable_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(Unreadable) as info:
        pdf_text(data)
    assert info.value.reason.startswith(reason)


def test_pdf_without_text_says_so(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 200, 200, fill=1)  # a picture, no text
    pdf.showPage()
    pdf.save()
    with pytest.raises(Unreadable) as info:
        pdf_text(path.read_bytes())
    assert "no text layer" in info.value.reason


# ---------------------------------------------------------------- docx


def test_docx_paragraphs_and_tables_in_order(tmp_path: Path) -> None:
    table = [["任务", "责任单位"], ["建设中试平台", "示例省工业和信息化厅"]]
    path = write_docx(tmp_path / "policy.docx", TITLE, POLICY[:2], table=table)
    result = doc(read_file(path))
    assert result.format == "docx"
    assert result.title == TITLE  # the heading; the core title is python-docx's empty default
    lines = [line for line in result.text.split("\n") if line.strip()]
    assert lines == [TITLE, *POLICY[:2], "任务\t责任单位", "建设中试平台\t示例省工业和信息化厅"]


def test_docx_core_title_is_used(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "晨曦神经科技年度简报"
    document.add_paragraph("晨曦神经科技（示例）有限公司今年完成了两项临床前研究。")
    document.save(str(tmp_path / "brief.docx"))
    result = doc(read_file(tmp_path / "brief.docx"))
    assert result.title == "晨曦神经科技年度简报"
    assert result.text.startswith("晨曦神经科技年度简报\n\n")  # put on top, so it can be quoted


def test_empty_docx_is_skipped(tmp_path: Path) -> None:
    docx.Document().save(str(tmp_path / "empty.docx"))
    with pytest.raises(Unreadable, match="no text"):
        docx_text((tmp_path / "empty.docx").read_bytes())


def test_docx_that_unpacks_to_too_much_xml_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bcikg.ingest import read_formats

    path = write_docx(tmp_path / "big.docx", TITLE, POLICY)
    monkeypatch.setattr(read_formats, "MAX_DOCX_XML_BYTES", 1000)
    with pytest.raises(Unreadable, match="unpacks to more than"):
        docx_text(path.read_bytes())


# ---------------------------------------------------------------- acceptance


def test_folder_of_pdf_docx_and_xlsx_yields_the_organisations_of_the_text(tmp_path: Path) -> None:
    folder = tmp_path / "policies"
    folder.mkdir()
    write_pdf(folder / "measures.pdf", TITLE, POLICY)
    second_title = "示例市脑机接口产业链招商工作方案"
    second = [
        "一、聚焦上游环节。重点引进电极、芯片和传感器企业，支持光年微电子（示例）有限公司扩大产能。",
        "二、壮大中游环节。支持思源智能科技有限公司与示例市第二人民医院共建脑电采集系统验证中心。",
        "三、拓展下游应用。鼓励示例市残疾人康复中心采购国产康复设备。",
    ]
    write_docx(folder / "plan.docx", second_title, second)
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 not read")
    result = read_paths([folder])

    assert [Path(s.path).name for s in result.skipped] == ["budget.xlsx"]
    assert result.skipped[0].reason.startswith("unsupported file type .xlsx")
    by_format = {d.format: d for d in result.documents}
    assert set(by_format) == {"pdf", "docx"}

    for fmt, (title, paragraphs) in {"pdf": (TITLE, POLICY), "docx": (second_title, second)}.items():
        (tmp_path / f"{fmt}.txt").write_text("\n\n".join([title, *paragraphs]) + "\n", encoding="utf-8")
        expected = org_names(doc(read_file(tmp_path / f"{fmt}.txt")))
        found = org_names(by_format[fmt])
        assert len(expected) >= 3
        recall = len(found & expected) / len(expected)
        assert recall >= 0.8, (fmt, sorted(expected - found))


def test_cli_names_the_skipped_spreadsheet_and_exits_1(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write_pdf(folder / "measures.pdf", TITLE, POLICY)
    write_docx(folder / "plan.docx", TITLE, POLICY[:2])
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04")
    exe = Path(sys.executable).parent / "bcikg"
    run = subprocess.run(
        [str(exe), "ingest", str(folder), "--store", str(tmp_path / "store"), "-j", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    skipped = [line for line in run.stderr.splitlines() if line.startswith("skipped")]
    assert len(skipped) == 1 and "budget.xlsx" in skipped[0] and "unsupported file type .xlsx" in skipped[0]
    assert "documents read 2" in run.stdout
    assert "Traceback" not in run.stderr


# ---------------------------------------------------------------- urls


PAGE = """<!DOCTYPE html><html><head><meta charset="gb18030">
<title>星河脑科技在示例市建设电极产线_示例科技网</title>
<meta property="og:site_name" content="示例科技网">
<meta property="article:published_time" content="2025-04-02T09:00:00+08:00">
</head><body><nav>首页 | 科技 | 财经</nav><article><h1>星河脑科技在示例市建设电极产线</h1>
<p>星河脑科技有限公司与示例市高新区管委会签署协议，将在示例市建设一条柔性电极生产线。</p>
<p>该项目预计明年投产，产品将供应示例大学附属康复医院开展临床研究。</p>
</article><footer>版权所有 示例科技网</footer></body></html>"""


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: ClassVar[dict[str, tuple[int, str, bytes, dict[str, str]]]] = {}

    def do_GET(self) -> None:
        status, content_type, body, headers = self.routes.get(self.path, (404, "text/plain", b"missing", {}))
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in headers.items():
            if value != "(unsent)":
                self.send_header(key, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    pdf = write_pdf(tmp_path / "served.pdf", TITLE, POLICY).read_bytes()
    _Handler.routes = {
        "/news/1.html": (200, "text/html", PAGE.encode("gb18030"), {}),
        "/policy": (200, "application/pdf", pdf, {}),
        "/files/plan.pdf": (200, "application/octet-stream", pdf, {}),
        "/old": (301, "", b"", {"Location": "/news/1.html"}),
        "/%E6%94%BF%E7%AD%96/1.html": (200, "text/html; charset=gb18030", PAGE.encode("gb18030"), {}),
        "/ftp": (302, "", b"", {"Location": "ftp://127.0.0.1/x"}),
        "/sheet": (200, "application/vnd.ms-excel", b"x", {}),
        "/big": (200, "text/plain", b"x" * 5000, {}),
        # no Content-Length (HTTP/1.0, the body ends when the connection closes): counted while read
        "/unsized": (200, "text/plain", b"x" * 5000, {"Content-Length": "(unsent)"}),
        "/empty": (200, "text/html", b"", {}),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_url_page_keeps_its_address_and_metadata(server: str) -> None:
    result = doc(read_url(f"{server}/news/1.html"))
    assert result.path == f"{server}/news/1.html"
    assert result.format == "html"
    assert result.title == "星河脑科技在示例市建设电极产线"  # without the site's name
    assert result.publisher == "示例科技网"
    assert result.date == "2025-04-02"
    assert "星河脑科技有限公司与示例市高新区管委会签署协议" in result.text  # decoded as the page declares
    assert "版权所有" not in result.text


def test_url_with_chinese_path_is_fetched_and_kept_as_given(server: str) -> None:
    result = doc(read_url(f"{server}/政策/1.html"))
    assert result.path == f"{server}/政策/1.html"
    assert "星河脑科技有限公司" in result.text


def test_url_redirect_keeps_the_given_address_and_the_final_one(server: str) -> None:
    result = doc(read_url(f"{server}/old"))
    assert result.path == f"{server}/old"
    assert result.url == f"{server}/news/1.html"


@pytest.mark.parametrize("route", ["/policy", "/files/plan.pdf"])
def test_url_pdf_by_content_type_or_suffix(server: str, route: str) -> None:
    result = doc(read_url(server + route))
    assert result.format == "pdf"
    assert POLICY[0] in result.text


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        ("/nothing", "HTTP 404"),
        ("/ftp", "redirected to a ftp: address"),
        ("/sheet", "unsupported content type application/vnd.ms-excel"),
        ("/big", "larger than the 1000 bytes limit"),
        ("/unsized", "larger than the 1000 bytes limit"),
        ("/empty", "empty response"),
    ],
)
def test_url_problems_are_skips_with_a_reason(server: str, route: str, reason: str) -> None:
    result = read_url(server + route, max_bytes=1000)
    assert isinstance(result, SkippedFile)
    assert result.path == server + route
    assert result.reason.startswith(reason), result.reason


def test_url_refused_connection_and_timeout(server: str) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    refused = read_url(f"http://127.0.0.1:{port}/x", timeout=5)
    assert isinstance(refused, SkippedFile) and refused.reason.startswith("cannot fetch")

    with socket.socket() as silent:  # accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        late = read_url(f"http://127.0.0.1:{port}/x", timeout=0.5)
    assert isinstance(late, SkippedFile) and "timed out after 0.5 s" in late.reason


def test_url_list_file_and_arguments(server: str, tmp_path: Path) -> None:
    listing = tmp_path / "links.txt"
    listing.write_text(
        f"# pages to read\n{server}/news/1.html\n\n{server}/nothing\n{server}/policy\n", encoding="utf-8"
    )
    items = list(iter_read([listing, f"{server}/news/1.html", "https:/broken"]))
    read = [i for i in items if isinstance(i, Document)]
    skipped = [i for i in items if isinstance(i, SkippedFile)]
    assert [d.path for d in read] == [f"{server}/news/1.html", f"{server}/policy", f"{server}/news/1.html"]
    assert [(s.path, s.reason.split(";")[0]) for s in skipped] == [
        (f"{server}/nothing", "HTTP 404 not found"),
        ("https:/broken", "not a valid http(s) URL"),
    ]


def test_urls_file_names_lines_that_are_not_urls(tmp_path: Path) -> None:
    listing = tmp_path / "list.urls"
    listing.write_text("not a link\n", encoding="utf-8")
    (skipped,) = list(iter_read([listing]))
    assert isinstance(skipped, SkippedFile)
    assert skipped.path == f"{listing}:1"
    assert skipped.reason == "not an http(s) URL: not a link"


def test_a_txt_article_that_mentions_a_url_is_an_article(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("星河脑科技发布新品。\nhttps://news.example.cn/a/1.html\n", encoding="utf-8")
    (item,) = list(iter_read([article]))
    assert isinstance(item, Document) and item.format == "txt"


def test_cli_ingests_a_url(server: str, tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "bcikg"
    run = subprocess.run(
        [str(exe), "ingest", f"{server}/news/1.html", "--store", str(tmp_path / "store"), "-j", "1"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    export = subprocess.run(
        [str(exe), "export", "--store", str(tmp_path / "store"), "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    records = [json.loads(line) for line in export.stdout.splitlines() if line.strip()]
    documents = [r for r in records if r.get("type") == "Document"]
    assert [d["path"] for d in documents] == [f"{server}/news/1.html"]
    assert documents[0]["publisher"] == "示例科技网"
