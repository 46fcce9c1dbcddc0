"""The query library.

* Named queries (``bcikg query NAME``) are written once, in Python, in :mod:`bcikg.queries.library`,
  on the graph-access layer :mod:`bcikg.queries.access`, so they give the same rows on the embedded
  store and on Neo4j by construction. ``list_queries`` and ``load_query`` describe them.
* The access layer's Neo4j reads, and the statements the loader runs, are the ``_*.cypher`` files
  of this folder, each headed by a comment block (name, purpose, parameters, example). Every value
  is a ``$parameter``; the few slots in braces (labels, relationship types, a path length) are
  filled by :func:`statement` from bcikg.schema's fixed sets only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from bcikg.schema import KEYED_LABELS, NODE_LABELS, check_labels, check_relationship_type

if TYPE_CHECKING:
    from bcikg.queries.library import QueryInfo

__all__ = ["CypherFile", "internal", "list_queries", "load_query", "parse_cypher", "statement"]


@dataclass(frozen=True)
class CypherFile:
    """One ``_*.cypher`` file: its header fields and its Cypher body."""

    name: str
    purpose: str
    parameters: str
    example: str
    cypher: str


_HEADER = re.compile(r"^//\s*([a-z_]+):\s?(.*)$")


def parse_cypher(name: str, text: str) -> CypherFile:
    """Split a .cypher file into its header fields (continuation lines start with ``//`` and more
    indentation) and the Cypher body."""
    fields: dict[str, list[str]] = {}
    current: str | None = None
    body: list[str] = []
    in_header = True
    for line in text.splitlines():
        if in_header and line.startswith("//"):
            m = _HEADER.match(line)
            if m and not line.startswith("//  "):
                current = m.group(1)
                fields.setdefault(current, []).append(m.group(2).strip())
            elif current is not None:
                fields[current].append(line[2:].strip())
            continue
        if in_header and not line.strip():
            continue
        in_header = False
        body.append(line)
    return CypherFile(
        name=(fields.get("name") or [name])[0] or name,
        purpose=" ".join(fields.get("purpose", [])).strip(),
        parameters=" ".join(fields.get("parameters", [])).strip(),
        example=" ".join(fields.get("example", [])).strip(),
        cypher="\n".join(body).strip() + "\n",
    )


def _files() -> dict[str, str]:
    folder = resources.files(__name__)
    return {
        entry.name.removesuffix(".cypher"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".cypher")
    }


@cache
def cypher_files() -> dict[str, CypherFile]:
    return {name: parse_cypher(name, text) for name, text in sorted(_files().items())}


def internal(name: str) -> str:
    """The Cypher of one ``_*.cypher`` file without slots."""
    return cypher_files()[name].cypher


def list_queries() -> list[QueryInfo]:
    """The named queries users can run (``bcikg query --list``)."""
    from bcikg.queries.library import QUERIES

    return list(QUERIES.values())


def load_query(name: str) -> QueryInfo:
    """A named query; InputError listing the available ones when there is none of that name."""
    from bcikg.queries.library import get_query

    return get_query(name)


_SLOT = re.compile(
    r"\{(label|source_label|target_label|type|set_labels|remove_labels|any_label|rel_types|max_length)\}"
)


def statement(name: str, **parts: str) -> str:
    """An internal statement with its label/type slots filled. Values are checked against
    bcikg.schema first, so nothing but the fixed labels and types can reach the Cypher text."""
    text = cypher_files()[name].cypher
    filled: dict[str, str] = {}
    for slot, value in parts.items():
        if slot in ("label", "source_label", "target_label"):
            if value not in KEYED_LABELS:
                raise ValueError(f"not a keyed label: {value!r}")
            filled[slot] = value
        elif slot == "any_label":
            if value not in NODE_LABELS:
                raise ValueError(f"not a node label: {value!r}")
            filled[slot] = value
        elif slot == "type":
            filled[slot] = check_relationship_type(value)
        elif slot == "rel_types":
            types = [t for t in value.split("|") if t]
            if not types:
                raise ValueError("no relationship types")
            filled[slot] = "|".join(check_relationship_type(t) for t in types)
        elif slot == "max_length":
            if not value.isdigit():
                raise ValueError(f"not a path length: {value!r}")
            filled[slot] = str(int(value))
        elif slot in ("set_labels", "remove_labels"):
            labels = [label for label in value.split(":") if label]
            check_labels(labels)
            keyword = "SET" if slot == "set_labels" else "REMOVE"
            filled[slot] = f"\n{keyword} n:" + ":".join(labels) if labels else ""
        else:
            raise ValueError(f"unknown slot {slot!r}")

    def fill(m: re.Match[str]) -> str:
        if m.group(1) not in filled:
            raise ValueError(f"statement {name} needs {m.group(1)}")
        return filled[m.group(1)]

    return _SLOT.sub(fill, text)
