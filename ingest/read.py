"""Reading stage: find input files, decode them and pull out their main text.

    discover(paths)  -> Path | SkippedFile, one per candidate file, in a stable order
    read_file(path)  -> Document | SkippedFile
    iter_read(paths) -> Document | SkippedFile, streamed (for thousands of files)
    read_paths(paths)-> ReadResult

Nothing here raises for bad input: every problem with a file becomes a ``SkippedFile`` whose
``reason`` is one lower-case line telling the user what is wrong and, where useful, what to do.

The text of a ``Document`` is what later stages compute character offsets into, so apart from
newline normalisation (and, for markdown, removing front matter and markup that is not text)
the decoded text is returned unchanged: no Unicode normalisation, no whitespace clean-up.
"""

from __future__ import annotations

import codecs
import datetime as dt
import errno
import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import charset_normalizer
import lxml.etree
import lxml.html
import trafilatura
import yaml

from bcikg.models import DocFormat, Document, ReadResult, SkippedFile

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# File name suffix (lower-case) -> document format.
FORMATS: dict[str, DocFormat] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
}

# Up to this share of replacement characters (U+FFFD) is "a few damaged bytes" in a decoded
# text; more than that and the guess is probably wrong, so the file is skipped instead.
MAX_REPLACEMENT_RATIO = 0.02
# Text with more control characters than this is not prose (checked on the first characters only).
MAX_CONTROL_RATIO = 0.01
_SAMPLE_CHARS = 64 * 1024
# A first line longer than this is a sentence, not a title.
MAX_TITLE_CHARS = 60


class _Skip(Exception):
    """Internal: the file cannot be used; ``reason`` becomes ``SkippedFile.reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------- discover


def discover(paths: Sequence[str | Path]) -> Iterator[Path | SkippedFile]:
    """Yield the files to read under ``paths`` (files or folders), and a ``SkippedFile`` for each
    path that cannot be used.

    Folders are walked recursively in sorted order; inside folders only supported suffixes are
    taken and hidden entries (``.git``, ``.DS_Store`` ...) are ignored. Each real file and folder
    is visited once, so symlink loops and links to folders already walked end the walk.
    """
    seen: set[str] = set()  # real paths of folders walked and files yielded
    for given in paths:
        yield from _discover_one(Path(given), seen)


def _discover_one(path: Path, seen: set[str]) -> Iterator[Path | SkippedFile]:
    if not os.path.lexists(path):
        yield _skipped(path, "no such file or directory")
        return
    try:
        st = path.stat()
    except OSError as exc:
        yield _skipped(path, _stat_reason(exc))
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _walk(path, seen)
    elif not stat.S_ISREG(st.st_mode):
        yield _skipped(path, "not a regular file")
    elif path.suffix.lower() not in FORMATS:
        yield _skipped(path, _unsupported_reason(path))
    elif _first_visit(path, seen):
        yield path


def _walk(root: Path, seen: set[str]) -> Iterator[Path | SkippedFile]:
    # An explicit stack rather than recursion: folder depth is not bounded by Python's stack.
    stack = [root]
    while stack:
        folder = stack.pop()
        if not _first_visit(folder, seen):
            continue  # a symlink back to an ancestor, or a folder already walked
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda entry: entry.name)
        except OSError as exc:
            yield _skipped(folder, f"cannot list folder: {_strerror(exc)}; check its permissions")
            continue
        subfolders: list[Path] = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            if _is_dir(entry):
                subfolders.append(path)
            elif Path(entry.name).suffix.lower() not in FORMATS:
                continue  # other files in a folder are not ours: ignore them silently
            elif not _is_file(entry):
                yield _skipped(path, _not_a_file_reason(path))
            elif _first_visit(path, seen):
                yield path
        stack.extend(reversed(subfolders))  # reversed, so the first folder is walked first


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks
    except OSError:
        return False


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()  # follows symlinks; False for broken links and loops
    except OSError:
        return False


def _not_a_file_reason(path: Path) -> str:
    try:
        path.stat()
    except OSError as exc:
        return _stat_reason(exc)
    return "not a regular file"


def _first_visit(path: Path, seen: set[str]) -> bool:
    real = os.path.realpath(path)
    if real in seen:
        return False
    seen.add(real)
    return True


def _stat_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop; fix or remove the link"
    if exc.errno == errno.ENOENT:
        return "broken symlink: its target does not exist"
    if exc.errno == errno.EACCES:
        return "permission denied; check the permissions of the file and its folders"
    return f"cannot access: {_strerror(exc)}"


def _unsupported_reason(path: Path) -> str:
    suffix = path.suffix.lower() or "(none)"
    return f"unsupported file type {suffix}; only .txt, .md, .markdown, .html and .htm files are read"


# ---------------------------------------------------------------- read


def iter_read(
    paths: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | SkippedFile]:
    """Discover and read lazily, one file at a time, so memory stays flat on large batches."""
    for item in discover(paths):
        yield item if isinstance(item, SkippedFile) else read_file(item, max_bytes=max_bytes)


def read_paths(paths: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES) -> ReadResult:
    result = ReadResult()
    for item in iter_read(paths, max_bytes=max_bytes):
        if isinstance(item, SkippedFile):
            result.skipped.append(item)
        else:
            result.documents.append(item)
    return result


def read_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | SkippedFile:
    """Read one file. Never raises for bad input; returns a ``SkippedFile`` instead."""
    path = Path(path)
    try:
        return _read(path, max_bytes)
    except _Skip as skip:
        return _skipped(path, skip.reason)


def _read(path: Path, max_bytes: int) -> Document:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise _Skip(_unsupported_reason(path))
    data = _read_bytes(path, max_bytes)
    text, encoding = _decode(data, declared=_declared_charset(data) if fmt == "html" else None)
    del data  # keep one copy of a large file in memory, not two
    if not text or text.isspace():  # (isspace, unlike strip, makes no copy of a large text)
        raise _Skip("no text (only whitespace)")

    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    if fmt == "html":
        text, title, date, publisher = _read_html(text)
    elif fmt == "md" or _has_front_matter_metadata(text):
        # A .txt file that starts with valid front matter (title or date) is a markdown export
        # saved as .txt: read it as markdown so the metadata is kept and not left in the text.
        text, title, date, publisher = _read_markdown(text)
    else:
        title = _first_line_title(text)
    if title and not text.lstrip()[: len(title) + 20].count(title):
        # The headline names things too (江西省人民政府办公厅关于印发…的通知) and every fact must be
        # quotable with offsets into the text: a title kept only as metadata is put back on top.
        text = f"{title}\n\n{text}"

    resolved = _resolved(path)
    return Document(
        id=document_id(text, title, date, resolved),
        path=resolved,
        format=fmt,
        encoding=encoding,
        title=title,
        date=date,
        publisher=publisher,
        text=text,
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    # O_NONBLOCK so that opening a FIFO (or another special file) does not hang; it changes
    # nothing for regular files. The size is checked on the open file, before reading anything.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        if os.path.islink(path):
            raise _Skip("broken symlink: its target does not exist") from None
        raise _Skip("no such file (it may have been moved or deleted after it was listed)") from None
    except PermissionError:
        raise _Skip("permission denied; check the file's permissions") from None
    except OSError as exc:
        reason = _stat_reason(exc) if exc.errno == errno.ELOOP else f"cannot open: {_strerror(exc)}"
        raise _Skip(reason) from None
    try:
        with open(fd, "rb") as f:
            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise _Skip("not a regular file")
            if st.st_size > max_bytes:
                raise _Skip(
                    f"larger than the {_size(max_bytes)} limit ({_size(st.st_size)}); "
                    "raise --max-size to ingest it"
                )
            data = _read_at_most(f, st.st_size, max_bytes)
    except OSError as exc:
        raise _Skip(f"cannot read: {_strerror(exc)}") from None
    if not data:
        raise _Skip("empty file (0 bytes)")
    return data


def _read_at_most(f: Any, expected: int, max_bytes: int) -> bytes:
    """Read the whole file, but never more than ``max_bytes`` + 1 bytes (a file may grow while
    it is read). The first read asks for the size stat reported, not for ``max_bytes``, because
    Python allocates the requested size up front."""
    chunks: list[bytes] = []
    total = 0
    want = min(expected, max_bytes) + 1
    while want > 0:
        chunk = f.read(want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            limit = _size(max_bytes)
            raise _Skip(f"grew past the {limit} limit while being read; raise --max-size to ingest it")
        want = min(1024 * 1024, max_bytes + 1 - total)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


# ---------------------------------------------------------------- decode

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 before UTF-16: the UTF-32 LE BOM starts with the UTF-16 LE BOM.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_BINARY = "looks like a binary file ({}); only text, markdown and html files are read"
# Control characters other than tab, newlines, form feed and escape: a sign of binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f\x7f]")

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)

_PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")

# GB2312 and GBK are subsets of GB18030; decoding with the superset accepts more real files.
_GB_FAMILY = {"gb2312", "gbk", "cp936", "euc_cn", "euccn", "hz"}


def _decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return (text with '\\n' newlines, normalised encoding name)."""
    decoded = _decode_unicode_marks(data)
    if decoded is None:
        if b"\x00" in data:
            raise _Skip(_BINARY.format("contains NUL bytes"))
        decoded = _decode_guess(data, declared)
    text, encoding = decoded
    sample = text[:_SAMPLE_CHARS]
    if "\x00" in text or len(_CONTROL.findall(sample)) > MAX_CONTROL_RATIO * len(sample):
        raise _Skip(_BINARY.format("many control characters"))
    # Later stages split on '\n' only; this is the one change made to the decoded text.
    if "\r" in text:  # (checked first: most files need no copy)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding


def _decode_unicode_marks(data: bytes) -> tuple[str, str] | None:
    """Files that say what they are: a byte order mark, or UTF-16 without one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_or_replace(data, encoding)
    return _bomless_utf16(data)


# Characters of Chinese (and English) prose: whitespace, ASCII, Latin-1, general punctuation,
# CJK punctuation, CJK ideographs and full-width forms.
_PROSE = re.compile(r"[\t\n\r\x20-\x7e\u00a0-\u00ff\u2000-\u206f\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM. Only tried when there are NUL bytes (ASCII characters such as
    newlines have a NUL half in UTF-16); accepted when the decoded text looks like prose, which
    binary data and the wrong byte order (newline -> U+0A00) do not."""
    if len(data) % 2 or b"\x00" not in data[:8192]:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        if _looks_like_prose(data[:8192].decode(encoding, errors="replace")):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    return None


def _looks_like_prose(sample: str) -> bool:
    return len(_PROSE.findall(sample)) >= 0.95 * len(sample)


def _decode_guess(data: bytes, declared: str | None) -> tuple[str, str]:
    # UTF-8 first: it almost never decodes bytes that are not UTF-8. GB18030 last among the
    # strict decoders, since it accepts most pairs of high bytes (including UTF-8 text).
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few bad bytes (a truncated character, a stray byte) is still UTF-8; without
    # this step GB18030 could decode it strictly, and silently, into nonsense.
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged, "utf-8"
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    text = _strict_gb18030(data)
    if text is not None:
        return text, "gb18030"
    # A file pasted together from UTF-8 and GBK parts: every line decodes strictly in one of them.
    mixed = _decode_lines(data, allow_replace=False)
    if mixed is not None:
        return mixed
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        return str(best), _normalise_encoding(best.encoding)
    # Last resort: some damaged lines in otherwise readable text.
    lines = _decode_lines(data, allow_replace=True)
    if lines is not None:
        return lines
    raise _Skip("undecodable: not valid utf-8, gb18030 or any detected encoding; re-save it as utf-8")


def _strict_gb18030(data: bytes) -> str | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    # Big5 (and other double-byte encodings) also decode as GB18030, into text full of
    # private-use characters that real GB text does not have: leave those to the detector.
    sample = text[:_SAMPLE_CHARS]
    if len(_PRIVATE_USE.findall(sample)) > MAX_REPLACEMENT_RATIO * len(sample):
        return None
    return text


def _damaged_utf8(data: bytes) -> str | None:
    """``data`` decoded as UTF-8 with replacement characters, if there are few of them compared
    with the valid non-ASCII characters (measured against non-ASCII text so that a GBK file
    that is mostly ASCII does not pass for damaged UTF-8)."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore")) - replaced
    return text if replaced <= MAX_REPLACEMENT_RATIO * non_ascii else None


def _decode_lines(data: bytes, *, allow_replace: bool) -> tuple[str, str] | None:
    """Decode line by line with UTF-8 or GB18030, whichever fits each line; the encoding name
    lists those used, e.g. 'utf-8+gb18030'.

    With ``allow_replace`` a line that fits neither is decoded with replacement characters;
    the result is kept only if few characters (< 2%) were replaced.
    """
    parts: list[str] = []
    used: list[str] = []
    replaced = 0
    for line in data.splitlines(keepends=True):
        decoded = _decode_line(line, allow_replace)
        if decoded is None:
            return None
        parts.append(decoded[0])
        replaced += decoded[0].count("\ufffd")
        if decoded[1] not in used:
            used.append(decoded[1])
    text = "".join(parts)
    if replaced > MAX_REPLACEMENT_RATIO * len(text):
        return None
    return text, "+".join(used)


def _decode_line(line: bytes, allow_replace: bool) -> tuple[str, str] | None:
    try:
        return line.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if allow_replace and (damaged := _damaged_utf8(line)) is not None:
        return damaged, "utf-8"
    as_gb = _strict_gb18030(line)
    if as_gb is not None:
        return as_gb, "gb18030"
    if not allow_replace:
        return None
    as_utf8 = line.decode("utf-8", errors="replace")
    as_gb = line.decode("gb18030", errors="replace")
    if as_gb.count("\ufffd") < as_utf8.count("\ufffd"):
        return as_gb, "gb18030"
    return as_utf8, "utf-8"


def _decode_or_replace(data: bytes, encoding: str) -> tuple[str, str]:
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
    if text.count("\ufffd") > MAX_REPLACEMENT_RATIO * len(text):
        raise _Skip(f"undecodable: starts with a {encoding} byte order mark but is not valid {encoding}")
    return text, encoding


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in <meta> (or an XML declaration), if Python knows it."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match is None:
        return None
    encoding = _normalise_encoding(match.group(1).decode("ascii"))
    # The declaration was readable as ASCII, so a UTF-16/32 claim is wrong; ignore it.
    if encoding.startswith(("utf-16", "utf-32")) or not _known_encoding(encoding):
        return None
    return encoding


def _normalise_encoding(name: str) -> str:
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        return name.lower()
    return "gb18030" if encoding in _GB_FAMILY else encoding


def _known_encoding(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


# ---------------------------------------------------------------- txt


_FIRST_LINE = re.compile(r"\S[^\n]*")
# A first line ending like a sentence (or an introduction to one) is not a title.
_NOT_TITLE_END = tuple("。．.！!？?；;：:，,…")


def _first_line_title(text: str) -> str | None:
    match = _FIRST_LINE.search(text)
    if match is None:
        return None
    line = match.group().strip()
    if len(line) > MAX_TITLE_CHARS or line.endswith(_NOT_TITLE_END):
        return None
    return line


# ---------------------------------------------------------------- markdown

_FRONT_OPEN = re.compile(r"(---|\+\+\+)[ \t]*\n")
_FRONT_CLOSE = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M),
    "+++": re.compile(r"^\+\+\+[ \t]*$", re.M),
}
_SOURCE_KEYS = ("source", "url", "link", "source_url")

# Markup that is not text. Kept deliberately small: anything unusual stays in the text as is.
_MD_COMMENT = re.compile(r"<!--.*?-->", re.S)  # e.g. <!--more-->
_MD_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")  # <div align='center'>, </div>, <br/>
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")  # [text](url) -> text, ![alt](src) -> alt
_MD_EMPHASIS = re.compile(r"\*\*|~~")  # **bold**, ~~strike~~
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M)  # '## 标题' -> '标题'
_MANY_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def _split_front_matter(text: str) -> tuple[dict[str, Any], str] | None:
    """(metadata, body) if ``text`` starts with valid YAML or TOML front matter, else None."""
    opening = _FRONT_OPEN.match(text)
    if opening is None:
        return None
    delimiter = opening.group(1)
    closing = _FRONT_CLOSE[delimiter].search(text, opening.end())
    if closing is None:
        return None  # unterminated
    raw = text[opening.end() : closing.start()]
    try:
        meta = tomllib.loads(raw) if delimiter == "+++" else yaml.safe_load(raw)
    except Exception:  # any parser failure (syntax, bad dates, deep nesting) = broken front matter
        return None
    if meta is None:
        meta = {}  # empty front matter
    if not isinstance(meta, dict):
        return None
    return meta, text[closing.end() :]


def _has_front_matter_metadata(text: str) -> bool:
    split = _split_front_matter(text)
    return split is not None and ("title" in split[0] or "date" in split[0])


def _read_markdown(text: str) -> tuple[str, str | None, str | None, str | None]:
    split = _split_front_matter(text)
    if split is None:
        # No front matter, or a broken one: keep the whole file. Only a front matter title is
        # trusted when the file starts with '---'/'+++', since the first line would be the fence.
        body = _strip_markdown(text)
        title = None if _FRONT_OPEN.match(text) else _first_line_title(body)
        if not body.strip():
            raise _Skip("no text (only markdown markup)")
        return body, title, None, None
    meta, body = split
    body = _strip_markdown(body)
    if not body.strip():
        raise _Skip("no text after the front matter")
    title = _scalar_text(meta.get("title")) or _first_line_title(body)
    source = next((s for key in _SOURCE_KEYS if (s := _scalar_text(meta.get(key)))), None)
    return body, title, _iso_date(meta.get("date")), source


def _strip_markdown(text: str) -> str:
    text = _MD_COMMENT.sub("", text)
    text = _MD_TAG.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub("", text)
    text = _MD_HEADING.sub("", text)
    return _MANY_BLANK_LINES.sub("\n\n", text).strip()


def _scalar_text(value: object) -> str | None:
    # Only plain scalars: a YAML list or mapping (possibly a huge aliased one) is not a title.
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value).strip() or None
    return None


_DATE_IN_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def _iso_date(value: object) -> str | None:
    """'YYYY-MM-DD' from a date, a datetime or text such as '2025-11-26 08:35:00' or
    '2025年11月26日'; None when there is no valid full date."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    match = _DATE_IN_TEXT.search(text) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return None


# ---------------------------------------------------------------- html

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _read_html(markup: str) -> tuple[str, str | None, str | None, str | None]:
    extracted = _extract_html(markup)
    if extracted is None or not extracted[0].strip():
        raise _Skip("no main text found in html")
    return extracted


def _extract_html(markup: str) -> tuple[str, str | None, str | None, str | None] | None:
    """Main text, title, date and source of a page, using trafilatura.

    The page is parsed here (not by trafilatura) so that a parse cut short by libxml2's depth
    limit can be noticed; such pages, and pages trafilatura fails on, get a simple tag-stripping
    extraction instead of none at all.
    """
    # lxml refuses str input that carries an encoding declaration; the text is decoded already.
    markup = _XML_DECLARATION.sub("", markup, count=1)
    parser = lxml.html.HTMLParser(
        huge_tree=True, remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
    )
    try:
        tree = lxml.html.document_fromstring(markup, parser=parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None  # nothing parseable, e.g. only comments
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        return _simple_html_text(markup)  # nested deeper than libxml2 allows: the tree is cut short
    try:
        extracted = trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            with_metadata=True,
        )
    except Exception:  # hostile markup can break trafilatura/htmldate in many ways (RecursionError ...)
        return _simple_html_text(markup)
    if extracted is None:
        return None
    fields = extracted if isinstance(extracted, dict) else extracted.as_dict()
    text = (fields.get("text") or "").replace("\r\n", "\n").replace("\r", "\n")
    source = _scalar_text(fields.get("url")) or _scalar_text(fields.get("sitename"))
    return text, _scalar_text(fields.get("title")), _iso_date(fields.get("date")), source


class _TextOnly(HTMLParser):
    """Fallback extraction: text outside scripts and page furniture, one line per block."""

    SKIP = frozenset(
        {"head", "script", "style", "noscript", "template", "iframe", "nav", "header", "footer", "aside"}
        | {"form", "select", "button", "svg"}
    )
    BLOCK = frozenset(
        {"p", "div", "br", "li", "tr", "td", "th", "table", "ul", "ol", "article", "section", "blockquote"}
        | {"pre", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title: list[str] = []
        self.skipping = 0  # depth inside SKIP elements (not a tree: deep nesting costs nothing)
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skipping = 0  # an unclosed <head> must not hide the whole page
        elif tag == "title":
            self.in_title = True
        elif tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")  # <br/>; a self-closed <iframe/> has no content to skip

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        elif not self.skipping:
            self.parts.append(data)


def _simple_html_text(markup: str) -> tuple[str, str | None, str | None, str | None]:
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    title = " ".join("".join(parser.title).split()) or None
    return text, title, None, None


# ---------------------------------------------------------------- ids and helpers


def document_id(text: str, title: str | None, date: str | None, path: str) -> str:
    """'doc:' + 16 hex of a sha256 over the fields. Each field is hashed with a presence flag
    and its length in characters, so no two different field tuples hash the same bytes
    (None != '', and text cannot slide from one field into the next)."""
    digest = hashlib.sha256()
    for field in (text, title, date, path):
        if field is None:
            digest.update(b"\x00")
            continue
        digest.update(b"\x01" + len(field).to_bytes(8, "big"))
        # In slices, so that hashing a large text does not need a second full copy of it.
        for start in range(0, len(field), _HASH_SLICE):
            digest.update(field[start : start + _HASH_SLICE].encode("utf-8", errors="surrogatepass"))
    return "doc:" + digest.hexdigest()[:16]


_HASH_SLICE = 1 << 20


def _resolved(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):  # RuntimeError: symlink loop on Python 3.11
        return os.path.abspath(path)


def _skipped(path: Path, reason: str) -> SkippedFile:
    # The path as the user gave it (made absolute), not its symlink target.
    return SkippedFile(path=os.path.abspath(path), reason=reason)


def _strerror(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()


def _size(n: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"
