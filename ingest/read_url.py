"""Fetch a web page (or a PDF, Word or text file) given by an http(s) URL.

    is_url(text)             -> bool
    fetch(url, max_bytes=…)  -> Fetched: the bytes, the format they are in, the charset the
                                server declared and the final URL after redirects

Only http and https, also after redirects; a timeout on every network wait and a size limit
checked on Content-Length and again while reading. Problems raise ``Unreadable`` with one line
for the user (``HTTP 404 not found``, ``timed out after 20 s`` ...).
"""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any

from bcikg.ingest.read_formats import Unreadable
from bcikg.models import DocFormat

DEFAULT_TIMEOUT = 20.0
USER_AGENT = "bcikg/0.1 (industry-chain knowledge graph; reads one page per URL given)"

_URL = re.compile(r"https?://[^\s/?#]+[^\s]*", re.I)

# Content type -> format; the URL's suffix decides when the server says nothing more useful.
_CONTENT_TYPES: dict[str, DocFormat] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "txt",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
_GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/download"}


@dataclass(frozen=True)
class Fetched:
    data: bytes
    format: DocFormat
    charset: str | None
    url: str


def is_url(text: str) -> bool:
    return _URL.fullmatch(text.strip()) is not None


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects to http(s) only: never to file:, ftp: or data:."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        scheme = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, newurl)).scheme.lower()
        if scheme not in ("http", "https"):
            raise Unreadable(f"redirected to a {scheme}: address; only http and https are fetched")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def fetch(
    url: str,
    *,
    max_bytes: int,
    timeout: float = DEFAULT_TIMEOUT,
    suffix_formats: dict[str, DocFormat] | None = None,
) -> Fetched:
    """Download ``url``. ``suffix_formats`` maps file suffixes to formats for servers that send
    no useful Content-Type (application/octet-stream)."""
    if not is_url(url):
        raise Unreadable("not an http(s) URL")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    try:
        request = urllib.request.Request(_ascii_url(url), headers=headers)
    except ValueError as exc:  # e.g. a port that is not a number, a host IDNA cannot encode
        raise Unreadable(f"not a valid URL ({str(exc).lower()})") from None
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            reply: Message = response.headers
            length = reply.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise Unreadable(f"larger than the {_size(max_bytes)} limit; raise --max-size to fetch it")
            data = _read_limited(response, max_bytes)
            final_url = response.geturl()
    except Unreadable:
        raise
    except urllib.error.HTTPError as exc:
        raise Unreadable(f"HTTP {exc.code} {str(exc.reason).lower()}") from None
    except urllib.error.URLError as exc:
        raise Unreadable(f"cannot fetch: {_reason(exc.reason, timeout)}") from None
    except TimeoutError:
        raise Unreadable(f"timed out after {timeout:g} s") from None
    except (OSError, ValueError) as exc:  # connection reset, bad port, invalid URL characters ...
        raise Unreadable(f"cannot fetch: {_reason(exc, timeout)}") from None
    if not data:
        raise Unreadable("empty response (0 bytes)")
    content_type = reply.get_content_type() if reply.get("Content-Type") else ""
    fmt = _format(content_type, final_url, suffix_formats or {}) or _format("", url, suffix_formats or {})
    if fmt is None:
        raise Unreadable(
            f"unsupported content type {content_type or '(none)'}; web pages, text, pdf and docx are read"
        )
    return Fetched(data=data, format=fmt, charset=reply.get_content_charset(), url=final_url)


def _ascii_url(url: str) -> str:
    """The URL as HTTP needs it: a Chinese host in IDNA, other non-ASCII characters percent-encoded
    (https://示例.cn/政策/1.html); characters already encoded stay as they are."""
    parts = urllib.parse.urlsplit(url.strip())
    host = parts.hostname or ""
    netloc = parts.netloc
    if not host.isascii():
        netloc = netloc.replace(host, host.encode("idna").decode("ascii"))
    safe = "/:@!$&'()*+,;=%~-._"
    return urllib.parse.urlunsplit(
        (
            parts.scheme,
            netloc,
            urllib.parse.quote(parts.path, safe=safe),
            urllib.parse.quote(parts.query, safe=safe + "?"),
            urllib.parse.quote(parts.fragment, safe=safe),
        )
    )


def _read_limited(response: Any, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = response.read(min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise Unreadable(f"larger than the {_size(max_bytes)} limit; raise --max-size to fetch it")
    return b"".join(chunks)


def _format(content_type: str, url: str, suffix_formats: dict[str, DocFormat]) -> DocFormat | None:
    if content_type in _CONTENT_TYPES:
        return _CONTENT_TYPES[content_type]
    if content_type not in _GENERIC_TYPES:
        return None
    path = urllib.parse.urlsplit(url).path.lower()
    suffix = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
    return suffix_formats.get(suffix)


def _reason(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return "unknown host (check the address and the network)"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason).lower() or type(reason).__name__


def _size(n: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= factor:
            return f"{n / factor:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"
