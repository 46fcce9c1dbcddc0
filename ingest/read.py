"""Reading stage: find input files and web pages, decode them and pull out their main text.

    discover(paths)  -> Path | URL | SkippedFile, one per candidate, in a stable order
    read_file(path)  -> Document | SkippedFile
    read_url(url)    -> Document | SkippedFile
    iter_read(paths) -> Document | SkippedFile, streamed (for thousands of files)
    read_paths(paths)-> ReadResult

Inputs are files, folders (walked recursively), ``http(s)://`` URLs, and URL lists: a ``.urls``
file, or a ``.txt`` file whose every line (blank lines and ``#`` comments aside) is a URL. Formats:
.txt, .md/.markdown, .html/.htm, .pdf (ingest.read_formats) and .docx; a URL's format comes from
its Content-Type. Every other file is skipped with its reason, also inside folders (hidden files
aside), so nothing given vanishes without a word.

Metadata: the title (front matter, <title>/og:title without the site's name, PDF/Word properties,
else the headline among the first lines, never a breadcrumb, banner or fence), the published date
and the publisher (front matter, page meta, or a dateline such as "2025-03-18 来源：示例日报" in the
first lines) and the original URL.

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
import functools
import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import charset_normalizer
import lxml.etree
import lxml.html
import trafilatura
import yaml

from bcikg.domain.lexicon import name_rules, read_data_text
from bcikg.ingest.read_formats import Unreadable, docx_text, pdf_text
from bcikg.ingest.read_url import DEFAULT_TIMEOUT, fetch, is_url
from bcikg.models import DocFormat, Document, ReadResult, SkippedFile

DEFAULT_MAX_BYTES = 50 * 1024 * 1024

# File name suffix (lower-case) -> document format.
FORMATS: dict[str, DocFormat] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
# A file of this suffix lists URLs, one a line; so does a .txt file whose lines are all URLs.
URL_LIST_SUFFIX = ".urls"
# URL lists are small: a larger .txt is an article, not a list.
MAX_URL_LIST_BYTES = 1024 * 1024

# Up to this share of replacement characters (U+FFFD) is "a few damaged bytes" in a decoded
# text; more than that and the guess is probably wrong, so the file is skipped instead.
MAX_REPLACEMENT_RATIO = 0.02
# Text with more control characters than this is not prose (checked on the first characters only).
MAX_CONTROL_RATIO = 0.01
_SAMPLE_CHARS = 64 * 1024
# A first line longer than this is a sentence, not a title.
MAX_TITLE_CHARS = 60


# The file cannot be used; ``reason`` becomes ``SkippedFile.reason``.
_Skip = Unreadable


# ---------------------------------------------------------------- discover


def discover(paths: Sequence[str | Path]) -> Iterator[Path | str | SkippedFile]:
    """Yield the files to read under ``paths`` (files, folders or URLs; a URL is yielded as the
    ``str`` given), and a ``SkippedFile`` for each path that cannot be used.

    Folders are walked recursively in sorted order; hidden entries (``.git``, ``.DS_Store`` ...)
    are ignored, files of other types are skipped with their reason. Each real file and folder
    is visited once, so symlink loops and links to folders already walked end the walk.
    """
    seen: set[str] = set()  # real paths of folders walked and files yielded
    for given in paths:
        if isinstance(given, str) and is_url(given):
            yield given.strip()
        elif isinstance(given, str) and given.lower().startswith(("http:", "https:", "ftp:", "file:")):
            yield SkippedFile(path=given, reason="not a valid http(s) URL; write it as https://host/path")
        else:
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
    elif not _readable_suffix(path):
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
            elif not _readable_suffix(path):
                if _is_file(entry) and _first_visit(path, seen):
                    yield _skipped(path, _unsupported_reason(path))  # named, never silently dropped
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


def _readable_suffix(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in FORMATS or suffix == URL_LIST_SUFFIX


_SAVE_AS = {
    ".doc": "save it as .docx",
    ".wps": "save it as .docx",
    ".rtf": "save it as .docx",
    ".odt": "save it as .docx",
    ".xls": "export the text as .txt or .docx",
    ".xlsx": "export the text as .txt or .docx",
    ".csv": "export the text as .txt",
    ".ppt": "save it as .pdf",
    ".pptx": "save it as .pdf",
    ".mhtml": "save the page as .html",
    ".mht": "save the page as .html",
}


def _unsupported_reason(path: Path) -> str:
    suffix = path.suffix.lower() or "(none)"
    hint = _SAVE_AS.get(suffix, "rename it if it is one of these")
    return (
        f"unsupported file type {suffix}; .txt, .md, .markdown, .html, .htm, .pdf, .docx and .urls "
        f"files are read ({hint})"
    )


# ---------------------------------------------------------------- read


def iter_read(
    paths: Sequence[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT
) -> Iterator[Document | SkippedFile]:
    """Discover and read lazily, one file or URL at a time, so memory stays flat on large batches.
    A URL list is replaced by its URLs, each read (and, if need be, skipped) on its own."""
    for item in discover(paths):
        if isinstance(item, SkippedFile):
            yield item
        elif isinstance(item, str):
            yield read_url(item, max_bytes=max_bytes, timeout=timeout)
        else:
            urls = url_list(item)
            if urls is None:
                yield read_file(item, max_bytes=max_bytes)
                continue
            for line, url in urls:
                if is_url(url):
                    yield read_url(url, max_bytes=max_bytes, timeout=timeout)
                else:
                    where = f"{os.path.abspath(item)}:{line}"
                    yield SkippedFile(path=where, reason=f"not an http(s) URL: {url[:80]}")


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
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise _Skip(_unsupported_reason(path))
        return _document(_read_bytes(path, max_bytes), fmt, _resolved(path))
    except _Skip as skip:
        return _skipped(path, skip.reason)


def read_url(
    url: str, *, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = DEFAULT_TIMEOUT
) -> Document | SkippedFile:
    """Fetch and read one http(s) URL; the URL given is the document's path, the address it
    ended at (after redirects) its ``url``. Never raises for bad input or network trouble."""
    try:
        fetched = fetch(url, max_bytes=max_bytes, timeout=timeout, suffix_formats=FORMATS)
        return _document(fetched.data, fetched.format, url, declared=fetched.charset, url=fetched.url)
    except _Skip as skip:
        return SkippedFile(path=url, reason=skip.reason)


def url_list(path: Path) -> list[tuple[int, str]] | None:
    """(line number, URL) of a URL list file, or None when ``path`` is not one: a ``.urls`` file,
    or a small ``.txt`` file whose every line, blank lines and ``#`` comments aside, is a URL."""
    suffix = path.suffix.lower()
    if suffix not in (URL_LIST_SUFFIX, ".txt"):
        return None
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return None  # (a FIFO must not be opened here: read_file reports it)
        if suffix == ".txt" and (st.st_size > MAX_URL_LIST_BYTES or not _starts_with_url(path)):
            return None  # (an article: its first line is not a URL; only 4 KB were read to know)
        text, _ = _decode(_read_bytes(path, MAX_URL_LIST_BYTES))
    except (_Skip, OSError):
        # Not readable: read_file reports why (a .urls file too, as the text it is).
        return None
    entries = [
        (number, line.strip())
        for number, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if suffix == ".txt" and (not entries or not all(is_url(url) for _, url in entries)):
        return None
    return entries


_FIRST_URL = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s*(?:#[^\n]*)?\n)*\s*https?://", re.I)


def _starts_with_url(path: Path) -> bool:
    """Whether the first line of a UTF-8 or GB text file (blank lines and # comments aside) is a URL."""
    with open(path, "rb") as f:
        return _FIRST_URL.match(f.read(4096)) is not None


def _document(
    data: bytes, fmt: DocFormat, where: str, *, declared: str | None = None, url: str | None = None
) -> Document:
    """A document from the bytes of a file or a download; ``where`` is its path or URL."""
    title: str | None = None
    date: str | None = None
    publisher: str | None = None
    if fmt in ("pdf", "docx"):
        binary = pdf_text(data) if fmt == "pdf" else docx_text(data)
        del data
        text, encoding = binary.text, "binary"
        meta = _text_metadata(text)
        title = binary.title or meta.title
        date, publisher = meta.date, meta.publisher
    else:
        if fmt == "html":
            declared = _declared_charset(data) or (
                declared if declared and _known_encoding(declared) else None
            )
        elif declared and not _known_encoding(declared):
            declared = None
        text, encoding = _decode(data, declared=declared)
        del data  # keep one copy of a large file in memory, not two
        if not text or text.isspace():  # (isspace, unlike strip, makes no copy of a large text)
            raise _Skip("no text (only whitespace)")
        if fmt == "html":
            text, title, date, publisher, page_url = _read_html(text)
            url = url or page_url
        elif fmt == "md" or _has_front_matter_metadata(text):
            # A .txt file that starts with valid front matter (title or date) is a markdown export
            # saved as .txt: read it as markdown so the metadata is kept and not left in the text.
            text, title, date, publisher, front_url = _read_markdown(text)
            url = url or front_url
        else:
            meta = _text_metadata(text)
            title, date, publisher = meta.title, meta.date, meta.publisher
    if title and not text.lstrip()[: len(title) + 20].count(title):
        # The headline names things too (江西省人民政府办公厅关于印发…的通知) and every fact must be
        # quotable with offsets into the text: a title kept only as metadata is put back on top.
        text = f"{title}\n\n{text}"
    return Document(
        id=document_id(text, title, date, where),
        path=where,
        format=fmt,
        encoding=encoding,
        title=title,
        date=date,
        publisher=publisher,
        url=url,
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


# ---------------------------------------------------------------- metadata in the text

# A line ending like a sentence (or an introduction to one) is not a title; the first such line,
# or the first line longer than a title, is where the body starts.
_NOT_TITLE_END = tuple("。．.！!？?；;：:，,…")
# How far into a text the headline and its dateline are looked for.
_HEAD_CHARS = 4000
_HEAD_LINES = 15
_HAS_WORD = re.compile(r"[\u3400-\u9fffA-Za-z]")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_DECORATION = " \t-—–=*#~_·•"


@dataclass(frozen=True)
class _TextMeta:
    title: str | None = None
    date: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class _MetaRules:
    banner_starts: tuple[str, ...]
    banner_markers: tuple[str, ...]
    breadcrumb_words: tuple[str, ...]
    breadcrumb_separators: tuple[str, ...]
    menu_separators: tuple[str, ...]
    site_suffixes: tuple[str, ...]
    site_name_max: int
    title_min: int
    publisher_cues: tuple[str, ...]
    date_cues: tuple[str, ...]
    byline_cues: tuple[str, ...]
    publisher_keys: tuple[str, ...]
    url_keys: tuple[str, ...]
    publisher_after_cue: re.Pattern[str]
    date_first: re.Pattern[str]


@functools.cache
def _meta_rules() -> _MetaRules:
    raw = tomllib.loads(read_data_text("doc_metadata.toml"))
    lists = {key: tuple(value) for key, value in raw.items() if isinstance(value, list)}
    cues = "|".join(map(re.escape, sorted(lists["publisher_cues"], key=len, reverse=True)))
    date_cues = "|".join(map(re.escape, sorted(lists["date_cues"], key=len, reverse=True)))
    return _MetaRules(
        **lists,
        site_name_max=int(raw["site_name_max"]),
        title_min=int(raw["title_min"]),
        # 来源：示例日报 / 来源: 科技日报 点击数: -> the name after the cue, up to a space or separator
        publisher_after_cue=re.compile(rf"(?:{cues})\s*[:：]\s*([^\s|｜,，;；:：()（）]{{2,30}})"),
        # "date 2025-09-11 …", "发布时间：2025年3月18日 …": a date cue then a date, at the start of a line
        date_first=re.compile(rf"^\s*(?:{date_cues})\s*[:：]?\s*(?=\d{{4}})"),
    )


def _text_metadata(text: str) -> _TextMeta:
    """Headline, date and publisher from the first lines of a text (before its first sentence).

    A dateline ("2025-03-18 10:00 来源：示例日报", "发布时间：2025年3月18日") gives the date and the
    publisher; the headline is the line just above it, else the first line that is not page
    furniture (a breadcrumb, a site banner or name, a menu, a byline, a line of symbols)."""
    rules = _meta_rules()
    head: list[str] = []
    for raw in text[:_HEAD_CHARS].split("\n")[:60]:
        line = raw.strip()
        if not line:
            continue
        head.append(line)
        if len(head) >= _HEAD_LINES or _is_body(line):
            break
    date: str | None = None
    publisher: str | None = None
    meta_lines: set[int] = set()
    for i, line in enumerate(head):
        found = _dateline(line, rules)
        if found is None:
            continue
        meta_lines.add(i)
        date = date or found[0]
        publisher = publisher or found[1]
    candidates = [
        i
        for i, line in enumerate(head)
        if i not in meta_lines and not _is_body(line) and _could_be_title(line, rules)
    ]
    title_index = next((i for i in candidates if i + 1 in meta_lines), None)
    if title_index is None and candidates:
        title_index = candidates[0]
    title = head[title_index].strip(_DECORATION) if title_index is not None else None
    if date is None:
        date, issuer = _closing_date(text)
        publisher = publisher or issuer
    return _TextMeta(title=title, date=date, publisher=publisher)


_CN_NUMERALS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0, "O": 0, "Ｏ": 0}
_CN_DATE = re.compile(
    r"([〇零○OＯ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_DATE_LINE = re.compile(
    r"[（(]?\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}|\S+年\S+月\S+日)\s*[)）]?"
)
_CLOSING_LINES = 8


def _closing_date(text: str) -> tuple[str | None, str | None]:
    """The date a document is signed with on a line of its own among its last lines (official
    documents end with the issuing body and '2025年3月18日' or '二〇二五年三月十八日'), and that
    issuing body when the line above it names an agency."""
    tail = [line.strip() for line in text[-2000:].split("\n") if line.strip()][-_CLOSING_LINES:]
    for i in range(len(tail) - 1, -1, -1):
        match = _DATE_LINE.fullmatch(tail[i])
        date = _iso_date(match.group(1)) or _chinese_date(match.group(1)) if match else None
        if date is None:
            continue
        issuer = tail[i - 1] if i > 0 else None
        if issuer and not (
            len(issuer) <= 30 and issuer.endswith(_agency_suffixes()) and _HAS_WORD.search(issuer)
        ):
            issuer = None
        return date, issuer
    return None, None


def _chinese_date(text: str) -> str | None:
    match = _CN_DATE.fullmatch(text)
    if match is None:
        return None
    year = int("".join(str(_CN_NUMERALS[c]) for c in match.group(1)))
    try:
        return dt.date(year, _cn_small(match.group(2)), _cn_small(match.group(3))).isoformat()
    except ValueError:
        return None


def _cn_small(text: str) -> int:
    """一 .. 三十一 as a number."""
    if "十" not in text:
        return _CN_NUMERALS[text] if len(text) == 1 else 0
    tens, _, ones = text.partition("十")
    return (_CN_NUMERALS[tens] if tens else 1) * 10 + (_CN_NUMERALS[ones] if ones else 0)


@functools.cache
def _agency_suffixes() -> tuple[str, ...]:
    rules = name_rules()
    return tuple(s for s, kind in rules.strong_suffixes.items() if kind == "Agency")


def _is_body(line: str) -> bool:
    return len(line) > MAX_TITLE_CHARS or line.endswith(_NOT_TITLE_END)


def _dateline(line: str, rules: _MetaRules) -> tuple[str | None, str | None] | None:
    """(date, publisher) of a dateline or source line; None for any other line."""
    publisher_match = rules.publisher_after_cue.search(line)
    publisher = publisher_match.group(1) if publisher_match and len(line) <= 80 else None
    date_match = _DATE_IN_TEXT.search(line[:80])
    date = _iso_date(date_match.group()) if date_match else None
    if date and len(line) > 80 and not rules.date_first.match(line):
        date = None  # a date inside a long line is a sentence's, unless a date cue opens the line
    if date and date_match and len(line) <= 80:
        rest = _TIME.sub("", line.replace(date_match.group(), " "))
        cue = any(c in rest for c in (*rules.date_cues, *rules.publisher_cues, *rules.byline_cues))
        words = rest.split()
        if not cue and (len(words) > 1 or any(p in rest for p in "，。,")):
            date = None  # "2025年3月18日，示例市发布…": a sentence that starts with its date
        elif not cue and len(words) == 1 and _site_name(words[0], rules):
            publisher = publisher or words[0]  # "2024-03-25 09:34:26 示例财经网"
    if date is None and publisher is None:
        return (None, None) if _byline(line, rules) else None  # a byline: not a title, nothing to keep
    return date, publisher


_DOC_NUMBER = re.compile(r"[〔\[［(（【]\s*\d{4}\s*[〕\]］)）】]\s*\d+\s*号")
_BYLINE_MARK = re.compile(r"[\s|｜:：/]")


def _byline(line: str, rules: _MetaRules) -> bool:
    if len(line) > 30:
        return False
    words = line.split()
    if len(words) >= 2 and all(2 <= len(w) <= 3 and _HAS_WORD.match(w) for w in words[1:]):
        return True  # "示例日报记者王某 李某": an outlet, then the reporters' names
    return any(line.startswith(c) or (c in line and _BYLINE_MARK.search(line)) for c in rules.byline_cues)


def _site_name(word: str, rules: _MetaRules) -> bool:
    return len(word) <= rules.site_name_max and word.endswith(rules.site_suffixes)


def _could_be_title(line: str, rules: _MetaRules) -> bool:
    clean = line.strip(_DECORATION)
    if len(clean) < rules.title_min or len(clean) > MAX_TITLE_CHARS or not _HAS_WORD.search(clean):
        return False
    if clean.startswith(("![", "[", "<", "http://", "https://", "www.")):
        return False  # an image, a link, markup or an address
    if clean.startswith(rules.banner_starts) or any(m in clean for m in rules.banner_markers):
        return False
    separators = sum(clean.count(sep) for sep in rules.breadcrumb_separators)
    if separators >= 2 or (separators and any(w in clean for w in rules.breadcrumb_words)):
        return False  # 当前位置：首页 > 新闻 > 正文
    parts = [p for p in re.split("|".join(map(re.escape, rules.menu_separators)), clean) if p.strip()]
    if len(parts) >= 3 and all(len(p.strip()) <= 6 for p in parts):
        return False  # 首页 | 新闻 | 科技: a menu
    if _site_name(clean, rules):
        return False  # 示例新闻网, 学校新闻: a site's or a channel's name
    if _DOC_NUMBER.search(clean) and len(clean) <= 30:
        return False  # 示政办发〔2025〕12号: an official document's number
    return not _byline(clean, rules)


# ---------------------------------------------------------------- markdown

# Front matter may follow blank lines (exports often start with an empty line).
_FRONT_OPEN = re.compile(r"(?:[ \t]*\n)*(---|\+\+\+)[ \t]*\n")
_FRONT_CLOSE = {
    "---": re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M),
    "+++": re.compile(r"^\+\+\+[ \t]*$", re.M),
}

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


_Meta5 = tuple[str, str | None, str | None, str | None, str | None]  # text, title, date, publisher, url


def _read_markdown(text: str) -> _Meta5:
    split = _split_front_matter(text)
    if split is None:
        # No front matter, or a broken one: keep the whole file. Only a front matter title is
        # trusted when the file starts with '---'/'+++', since the lines after the fence are YAML.
        body = _strip_markdown(text)
        if not body.strip():
            raise _Skip("no text (only markdown markup)")
        if _FRONT_OPEN.match(text):
            return body, None, None, None, None
        meta = _text_metadata(body)
        return body, meta.title, meta.date, meta.publisher, None
    front, body = split
    body = _strip_markdown(body)
    if not body.strip():
        raise _Skip("no text after the front matter")
    rules = _meta_rules()
    in_text = _text_metadata(body)
    values = [s for key in (*rules.publisher_keys, *rules.url_keys) if (s := _scalar_text(front.get(key)))]
    url = next((v for v in values if is_url(v)), None)
    publisher = next(
        (
            s
            for key in rules.publisher_keys
            if (s := _scalar_text(front.get(key))) and not _looks_like_address(s)
        ),
        None,
    )
    # The author's own title is kept whatever its length; one without a word ('---') is none.
    title = _scalar_text(front.get("title"))
    if title is None or not _HAS_WORD.search(title):
        title = in_text.title
    date = _iso_date(front.get("date")) or in_text.date
    return body, title, date, publisher or in_text.publisher, url


def _looks_like_address(value: str) -> bool:
    return "://" in value or value.startswith("www.") or _HOSTNAME.fullmatch(value) is not None


_HOSTNAME = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


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


def _read_html(markup: str) -> _Meta5:
    extracted = _extract_html(markup)
    if extracted is None or not extracted[0].strip():
        raise _Skip("no main text found in html")
    text, title, date, publisher, url = extracted
    rules = _meta_rules()
    title = _page_title(title, publisher, rules) if title else None
    if title is None or date is None or publisher is None:
        in_text = _text_metadata(text)
        title, date, publisher = title or in_text.title, date or in_text.date, publisher or in_text.publisher
    return text, title, date, publisher, url


_TITLE_SEPARATOR = re.compile(r"\s+[-–—|｜]\s+|\s*[_|｜]\s*")


def _page_title(title: str, site: str | None, rules: _MetaRules) -> str | None:
    """A page's <title> or og:title without the site's name ('标题 - 示例新闻网', '频道_标题'); None
    for a title that is only a banner, a breadcrumb or a site name."""
    title = " ".join(title.split())
    pieces = [(m.start(), m.end()) for m in _TITLE_SEPARATOR.finditer(title)]
    bounds = [0, *[x for piece in pieces for x in piece], len(title)]
    parts = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds), 2)]

    def is_site(span: tuple[int, int]) -> bool:
        part = title[span[0] : span[1]].strip()
        return bool(part) and (part == site or _site_name(part, rules) or _looks_like_address(part))

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    kept = title[parts[0][0] : parts[-1][1]].strip(_DECORATION)
    if not _HAS_WORD.search(kept) or (is_site((0, len(title))) and len(parts) == 1):
        return None
    if len(kept) <= MAX_TITLE_CHARS and not _could_be_title(kept, rules) and len(kept) >= rules.title_min:
        return None  # a breadcrumb or a banner
    return kept


def _extract_html(markup: str) -> _Meta5 | None:
    """Main text, title, date, publisher and URL of a page, using trafilatura.

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
    url = _scalar_text(fields.get("url"))
    site = _scalar_text(fields.get("sitename"))
    publisher = (
        site if site and not _looks_like_address(site) else None
    )  # (a host name says no more than url)
    return (
        text,
        _scalar_text(fields.get("title")),
        _iso_date(fields.get("date")),
        publisher,
        url if url and is_url(url) else None,
    )


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


def _simple_html_text(markup: str) -> _Meta5:
    parser = _TextOnly()
    parser.feed(markup)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    text = "\n".join(line for line in lines if line)
    title = " ".join("".join(parser.title).split()) or None
    return text, title, None, None, None


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
