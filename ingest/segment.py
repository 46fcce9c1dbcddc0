"""Word segmentation: jieba's dictionary-only cut (``jieba.tokenize(text, HMM=False)``), word for
word the same, in one pass.

jieba builds a graph of every dictionary word at every position (``get_DAG``) and then walks it
backwards with a generator, a ``max`` over tuples and a logarithm per edge (``calc``); that is about
a third of the extractor's time. Here the two walks are one backward loop over the same dictionary
(``jieba.dt.FREQ``, read at every call, so words added to jieba at any time count) with the same
arithmetic in the same order, so the chosen words, ties included, are jieba's own. The property test
in tests/test_segment.py holds the two to the same output.

``dictionary_tags`` gives the part-of-speech tags of jieba's dictionary words without
``jieba.posseg`` (which parses the whole dictionary file again on every start, and loads HMM
tables the extractor never uses)."""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import sys
import tempfile
from math import log
from pathlib import Path

import jieba

# jieba's own patterns for the accurate mode (jieba/__init__.py: re_han_default, re_skip_default,
# re_eng): blocks of Han, Latin letters, digits and a few joiners are cut by the dictionary; the
# rest is split at white space and otherwise yielded character by character.
_HAN_BLOCK = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)")
_SKIP = re.compile("(\r\n|\\s)")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _cut_block(block: str, freq: dict[str, int], logtotal: float) -> list[str]:
    """jieba's __cut_DAG_NO_HMM on one block."""
    n = len(block)
    get = freq.get
    route_p: list[float] = [0.0] * (n + 1)
    route_x: list[int] = [0] * (n + 1)
    alone = log(1) - logtotal  # jieba's score of a character that starts no dictionary word
    for idx in range(n - 1, -1, -1):
        best_p = 0.0
        best_x = -1
        i = idx
        f = get(block[idx])
        while f is not None:
            if f:
                # jieba: max((log(FREQ[w]) - logtotal + route[x + 1][0], x)), the same sum in
                # the same order; equal scores go to the larger x, which comes later here
                p = log(f) - logtotal + route_p[i + 1]
                if best_x < 0 or p >= best_p:
                    best_p = p
                    best_x = i
            i += 1
            if i == n:
                break
            f = get(block[idx : i + 1])
        if best_x < 0:
            best_p = alone + route_p[idx + 1]
            best_x = idx
        route_p[idx] = best_p
        route_x[idx] = best_x
    words: list[str] = []
    x = 0
    buf = ""
    while x < n:
        y = route_x[x] + 1
        word = block[x:y]
        if y - x == 1 and word in _ALNUM:
            buf += word  # single Latin letters and digits in a row are one word (jieba's buf)
        else:
            if buf:
                words.append(buf)
                buf = ""
            words.append(word)
        x = y
    if buf:
        words.append(buf)
    return words


def cut(text: str) -> list[str]:
    """``jieba.lcut(text, HMM=False)``."""
    dt = jieba.dt
    dt.check_initialized()
    freq = dt.FREQ
    logtotal = log(dt.total)
    words: list[str] = []
    for block in _HAN_BLOCK.split(text):
        if not block:
            continue
        if _HAN_BLOCK.match(block):
            words.extend(_cut_block(block, freq, logtotal))
        else:
            for piece in _SKIP.split(block):
                if _SKIP.match(piece):
                    words.append(piece)
                else:
                    words.extend(piece)
    return words


def tokenize(text: str, offset: int = 0) -> list[tuple[str, int, int]]:
    """``list(jieba.tokenize(text, HMM=False))`` with every offset shifted by ``offset``."""
    out: list[tuple[str, int, int]] = []
    start = offset
    for word in cut(text):
        end = start + len(word)
        out.append((word, start, end))
        start = end
    return out


# bump when the cached table's format changes
_TAG_CACHE_VERSION = "2"


def _dictionary_path() -> Path:
    configured = jieba.dt.dictionary
    if configured and configured != jieba.DEFAULT_DICT:
        return Path(configured)
    return Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME


def _parse_tags(path: Path) -> dict[str, str]:
    """word -> tag of a jieba dictionary file ('word freq tag' per line), as jieba.posseg reads it."""
    tags: dict[str, str] = {}
    with path.open("rb") as lines:
        for line in lines:
            parts = line.strip().decode("utf-8").split(" ")
            if len(parts) == 3:
                # a few dozen distinct tags: interned, they are stored and loaded as references
                tags[parts[0]] = sys.intern(parts[2])
    return tags


def dictionary_tags() -> dict[str, str]:
    """The part-of-speech tag of every word of jieba's dictionary file (a new dict each call).

    Parsing the dictionary file takes most of a second; the table is kept in the temporary
    folder beside jieba's own cache, under a name derived from the file's path, size and
    modification time, so a changed dictionary is read again. A missing, unreadable or damaged
    cache is rebuilt; one that cannot be written is simply not kept."""
    path = _dictionary_path()
    stat = path.stat()
    version = f"{_TAG_CACHE_VERSION}|{jieba.__version__}"
    fingerprint = f"{version}|{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    digest = hashlib.blake2b(fingerprint.encode("utf-8"), digest_size=8).hexdigest()
    # one file per user: in a shared temporary folder nobody else's file is ever read
    user = os.getuid() if hasattr(os, "getuid") else 0
    cache = Path(jieba.dt.tmp_dir or tempfile.gettempdir()) / f"bcikg-jieba-tags-{user}-{digest}.marshal"
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        if hasattr(os, "getuid") and cache.stat().st_uid != user:
            raise ValueError("not ours")
        table = marshal.loads(cache.read_bytes())
        if isinstance(table, dict) and table and all(type(tag) is str for tag in table.values()):
            return table
    tags = _parse_tags(path)
    with contextlib.suppress(OSError):
        partial = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(tags))
        os.replace(partial, cache)  # readers see the old file or the whole new one
    return tags
