"""The query library: named Cypher queries in ``queries/*.cypher``, each headed by a comment block.

Header format (continuation lines start with ``//`` and more indentation)::

    // name: orgs_in_region
    // purpose: Organisations based or settled in a region (with its sub-regions), by segment.
    // parameters: $region (region) region name or id, e.g. 江西省, 赣江新区, 上海
    //             $segment (segment, optional) upstream, midstream or downstream
    // columns: segment, name, type, id, presence, home
    // example: bcikg query orgs_in_region --param region=江西省

Parameter kinds tell ``bcikg.queries.run`` how to turn what a user typed into the value the query
expects: ``region`` (a name as people write it -> region id), ``org`` (name or alias -> org id),
``subsector`` (key or name -> subsector id), ``segment`` (upstream|midstream|downstream or
上游/中游/下游), ``relation_type``, ``relation`` (relationship id), ``int`` and ``text``.

Files whose names start with ``_`` are statements the library itself runs (loading, wiping); their
labels and relationship types are filled in by :func:`statement` from bcikg.schema's fixed sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from bcikg.errors import InputError
from bcikg.schema import KEYED_LABELS, NODE_LABELS, check_labels, check_relationship_type

PARAM_KINDS = ("region", "org", "subsector", "segment", "relation_type", "relation", "int", "text")


@dataclass(frozen=True)
class QueryParameter:
    name: str
    kind: str
    optional: bool
    description: str


@dataclass(frozen=True)
class QueryInfo:
    name: str
    purpose: str
    parameters: tuple[QueryParameter, ...]
    example: str
    cypher: str
    columns: tuple[str, ...] = ()
    embedded: bool = field(default=False, compare=False)

    def parameter(self, name: str) -> QueryParameter | None:
        for p in self.parameters:
            if p.name == name:
                return p
        return None


_HEADER = re.compile(r"^//\s*([a-z_]+):\s?(.*)$")
_PARAM = re.compile(r"\$(\w+)\s*\(([^)]*)\)\s*(.*)")


def parse_query(name: str, text: str) -> QueryInfo:
    """Split a .cypher file into its header fields and the Cypher body."""
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
    params: list[QueryParameter] = []
    for entry in _split_params(fields.get("parameters", [])):
        m = _PARAM.match(entry)
        if not m:
            continue
        kind_text = [part.strip() for part in m.group(2).split(",")]
        kind = kind_text[0] if kind_text[0] in PARAM_KINDS else "text"
        params.append(QueryParameter(m.group(1), kind, "optional" in kind_text, m.group(3).strip()))
    columns = tuple(c.strip() for c in " ".join(fields.get("columns", [])).split(",") if c.strip())
    from bcikg.queries.embedded import EMBEDDED  # late: embedded imports this module

    return QueryInfo(
        name=fields.get("name", [name])[0] or name,
        purpose=" ".join(fields.get("purpose", [])).strip(),
        parameters=tuple(params),
        example=" ".join(fields.get("example", [])).strip(),
        cypher="\n".join(body).strip() + "\n",
        columns=columns,
        embedded=name in EMBEDDED,
    )


def _split_params(lines: list[str]) -> list[str]:
    """Parameter entries: each starts with '$'; other lines continue the previous description."""
    entries: list[str] = []
    for line in lines:
        for i, piece in enumerate(re.split(r"(?=\$\w+\s*\()", line)):
            if not piece.strip():
                continue
            if piece.lstrip().startswith("$") or not entries:
                entries.append(piece.strip().rstrip(";").strip())
            elif i == 0:
                entries[-1] += " " + piece.strip()
    return entries


def _files() -> dict[str, str]:
    folder = resources.files(__name__)
    return {
        entry.name.removesuffix(".cypher"): entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".cypher")
    }


@cache
def _all() -> dict[str, QueryInfo]:
    return {name: parse_query(name, text) for name, text in sorted(_files().items())}


def list_queries() -> list[QueryInfo]:
    """The named queries users can run (internal statements, starting with '_', are left out)."""
    return [info for name, info in _all().items() if not name.startswith("_")]


def load_query(name: str) -> QueryInfo:
    queries = _all()
    if name.startswith("_") or name not in queries:
        available = ", ".join(info.name for info in list_queries())
        raise InputError(f"no query named {name!r}; available: {available}")
    return queries[name]


_SLOT = re.compile(r"\{(label|source_label|target_label|type|set_labels|remove_labels)\}")


def statement(name: str, **parts: str) -> str:
    """An internal statement with its label/type slots filled. Values are checked against
    bcikg.schema first, so nothing but the fixed labels and types can reach the Cypher text."""
    text = _all()[name].cypher
    filled: dict[str, str] = {}
    for slot, value in parts.items():
        if slot in ("label", "source_label", "target_label"):
            if value not in KEYED_LABELS:
                raise ValueError(f"not a keyed label: {value!r}")
            filled[slot] = value
        elif slot == "type":
            filled[slot] = check_relationship_type(value)
        elif slot in ("set_labels", "remove_labels"):
            labels = [label for label in value.split(":") if label]
            check_labels(labels)
            if any(label not in NODE_LABELS for label in labels):  # pragma: no cover - check_labels raises
                raise ValueError(value)
            keyword = "SET" if slot == "set_labels" else "REMOVE"
            filled[slot] = f"\n{keyword} n:" + ":".join(labels) if labels else ""
        else:
            raise ValueError(f"unknown slot {slot!r}")

    def fill(m: re.Match[str]) -> str:
        if m.group(1) not in filled:
            raise ValueError(f"statement {name} needs {m.group(1)}")
        return filled[m.group(1)]

    return _SLOT.sub(fill, text)
