"""export: the graph as files other tools read.

    jsonl      one JSON object per line: organisations in the flat form the scorers read, other
               nodes as {"id", "type": <label>, ...properties} (a Document's ``source`` property
               is written as "publisher", so that only relationships have "source"), relationships (all but
               MENTIONED_IN, which is folded into each node's "evidence", and home LOCATED_IN edges
               no sentence states, which each organisation's "region" carries) as
               {"id", "type", "source", "target", "properties", "evidence"}
    graphml    for Gephi and yEd (lists become JSON strings, labels one ':'-joined string)
    nodelink   networkx node-link JSON
    neo4j-csv  a folder of CSV files for ``neo4j-admin database import full``

Every format lists nodes and relationships in a fixed order, so two exports of one graph are
byte-identical.
"""

from __future__ import annotations

import csv
import json
import shlex
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import networkx as nx

from bcikg.models import SEGMENTS
from bcikg.schema import KEYED_LABELS, ORG_LABEL, primary_label

FORMATS = ("jsonl", "graphml", "nodelink", "neo4j-csv")

_LABEL_RANK = {label: rank for rank, label in enumerate(KEYED_LABELS)}
_EVIDENCE_FIELDS = ("doc_id", "sentence", "start", "end", "text")


def _node_order(graph: nx.MultiDiGraph) -> list[str]:
    return sorted(graph.nodes, key=lambda n: (_LABEL_RANK[primary_label(graph.nodes[n]["labels"])], n))


def _edge_order(graph: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    return sorted(graph.edges(keys=True, data=True), key=lambda e: (e[3]["type"], e[0], e[1], e[2]))


def parse_evidence(value: object) -> list[dict[str, Any]]:
    """The evidence JSON string of a relationship as a list of dicts ([] when absent)."""
    if not value:
        return []
    parsed = json.loads(str(value))
    return parsed if isinstance(parsed, list) else []


def _most_specific(graph: nx.MultiDiGraph, region_ids: Iterable[str]) -> str | None:
    """Of several regions, the deepest (then the first by id)."""
    ids = sorted(set(region_ids))
    if not ids:
        return None
    return min(ids, key=lambda rid: (-rid.count("/"), rid))


def organization_record(graph: nx.MultiDiGraph, node_id: str) -> dict[str, Any]:
    data = graph.nodes[node_id]
    homes: list[str] = []
    settled: set[str] = set()
    segments: set[str] = set()
    subsectors: set[str] = set()
    for _, target, edge in graph.out_edges(node_id, data=True):
        rel_type = edge["type"]
        target_data = graph.nodes[target]
        is_region = "Region" in target_data["labels"]
        if rel_type == "LOCATED_IN" and is_region:
            homes.append(target)
        elif rel_type == "SIGNED_IN" and is_region:
            settled.add(target_data["full_name"])
        elif rel_type == "IN_SEGMENT":
            segments.add(target_data["key"])
        elif rel_type == "IN_SUBSECTOR":
            subsectors.add(target_data["key"])
    evidence = sorted(
        (
            {
                "doc_id": target,
                "sentence": edge["sentence"],
                "start": edge["start"],
                "end": edge["end"],
                "text": edge["text"],
            }
            for _, target, edge in graph.out_edges(node_id, data=True)
            if edge["type"] == "MENTIONED_IN"
        ),
        key=lambda ev: (ev["doc_id"], ev["start"], ev["end"], ev["text"]),
    )
    home = _most_specific(graph, homes)
    ordered_segments: list[str] = [seg for seg in SEGMENTS if seg in segments]
    segment: str | list[str] | None
    if not ordered_segments:
        segment = None
    elif len(ordered_segments) == 1:
        segment = ordered_segments[0]
    else:
        segment = ordered_segments
    record = {
        "id": node_id,
        "type": data.get("type") or next(lb for lb in data["labels"] if lb != ORG_LABEL),
        "name": data["name"],
        "aliases": list(data.get("aliases", [])),
        "region": graph.nodes[home]["full_name"] if home else None,
        "region_id": home,
        "settled_in": sorted(settled),
        "segment": segment,
        "subsectors": sorted(subsectors),
        "evidence": evidence,
    }
    if data.get("corrected"):  # analyst corrections (bcikg fix): which fields, and why
        record["analyst"] = {
            "fields": list(data.get("analyst_fields") or ()),
            "note": data.get("analyst_note") or "",
        }
    return record


def node_record(graph: nx.MultiDiGraph, node_id: str) -> dict[str, Any]:
    data = graph.nodes[node_id]
    labels = data["labels"]
    if ORG_LABEL in labels:
        return organization_record(graph, node_id)
    record: dict[str, Any] = {"id": node_id, "type": primary_label(labels)}
    for key in sorted(data):
        if key not in ("labels", "id", "type"):
            value = data[key]
            # consumers tell relationships from nodes by "source"/"target": a document's
            # publisher goes out as "publisher"
            name = "publisher" if key in ("source", "target") else key
            record[name] = list(value) if isinstance(value, tuple) else value
    return record


def relationship_record(source: str, target: str, key: str, data: Mapping[str, Any]) -> dict[str, Any]:
    properties = {k: data[k] for k in sorted(data) if k not in ("type", "id", "evidence", "sentence")}
    return {
        "id": key,
        "type": data["type"],
        "source": source,
        "target": target,
        "properties": properties,
        "evidence": parse_evidence(data.get("evidence")),
    }


def iter_records(graph: nx.MultiDiGraph) -> Iterator[dict[str, Any]]:
    """Nodes (organisations first, then by label and id), then relationships by type, source, target."""
    for node_id in _node_order(graph):
        yield node_record(graph, node_id)
    for source, target, key, data in _edge_order(graph):
        if data["type"] != "MENTIONED_IN" and not _unstated_home(data):
            yield relationship_record(source, target, key, data)


def _unstated_home(data: Mapping[str, Any]) -> bool:
    """A home LOCATED_IN that no sentence states (the region read from the name or the document):
    the organisation's ``region`` field carries it; relationship lines are what the text says."""
    stated = data.get("stated")
    return data["type"] == "LOCATED_IN" and bool(data.get("home")) and stated is not None and not stated


def write_jsonl(graph: nx.MultiDiGraph, file: IO[str]) -> int:
    """Write the JSON-lines export; returns the number of lines."""
    count = 0
    for record in iter_records(graph):
        file.write(json.dumps(record, ensure_ascii=False))
        file.write("\n")
        count += 1
    return count


# ------------------------------------------------------------------ graphml / node-link


def _flat_value(value: object) -> str | int | float | bool:
    if isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, (str, int, float, bool)):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def graphml_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy GraphML can hold: labels as 'Organization:Company', lists as JSON strings, a
    ``label`` attribute (the name) for the viewers."""
    out = nx.MultiDiGraph()
    for node_id in _node_order(graph):
        data = graph.nodes[node_id]
        attrs: dict[str, Any] = {"labels": ":".join(data["labels"])}
        for key in sorted(data):
            if key != "labels" and data[key] is not None:
                attrs[key] = _flat_value(data[key])
        attrs.setdefault("label", str(data.get("name") or data.get("title") or data.get("text") or node_id))
        out.add_node(node_id, **attrs)
    for source, target, key, data in _edge_order(graph):
        attrs = {k: _flat_value(v) for k, v in sorted(data.items()) if v is not None}
        out.add_edge(source, target, key=key, **attrs)
    return out


def write_graphml(graph: nx.MultiDiGraph, path: Path | str) -> None:
    nx.write_graphml(graphml_graph(graph), str(path), encoding="utf-8", prettyprint=True)


def write_graphml_to(graph: nx.MultiDiGraph, file: IO[bytes]) -> None:
    """GraphML to an open binary file (e.g. sys.stdout.buffer)."""
    nx.write_graphml(graphml_graph(graph), file, encoding="utf-8", prettyprint=True)


def nodelink_data(graph: nx.MultiDiGraph) -> dict[str, Any]:
    ordered = nx.MultiDiGraph()
    ordered.graph.update({k: v for k, v in graph.graph.items() if k != "dangling"})
    for node_id in _node_order(graph):
        data = dict(graph.nodes[node_id])
        data["labels"] = list(data["labels"])
        ordered.add_node(node_id, **data)
    for source, target, key, data in _edge_order(graph):
        ordered.add_edge(source, target, key=key, **data)
    result: dict[str, Any] = nx.node_link_data(ordered, edges="edges")
    return result


def write_nodelink(graph: nx.MultiDiGraph, file: IO[str]) -> None:
    json.dump(nodelink_data(graph), file, ensure_ascii=False)
    file.write("\n")


# ------------------------------------------------------------------ neo4j-admin CSV

# Array delimiters tried in order; the first that no list element contains is used.
_ARRAY_DELIMITERS = (";", "|", "\u001f")


@dataclass
class Neo4jCsvExport:
    """What ``write_neo4j_csv`` wrote and the command that imports it."""

    directory: Path
    node_files: list[Path] = field(default_factory=list)
    relationship_files: list[Path] = field(default_factory=list)
    array_delimiter: str = ";"
    multiline: bool = False
    nodes: int = 0
    relationships: int = 0

    def command(self, database: str = "neo4j") -> str:
        """The ``neo4j-admin database import full`` command line (paths relative to the folder's parent)."""
        # the database name goes first: --nodes/--relationships take several values and would
        # swallow a trailing name as one more file
        parts = ["neo4j-admin", "database", "import", "full", database]
        parts += [f"--nodes={path}" for path in self.node_files]
        parts += [f"--relationships={path}" for path in self.relationship_files]
        if self.array_delimiter != ";":
            delimiter = "U+001F" if self.array_delimiter == "\u001f" else self.array_delimiter
            parts.append(f"--array-delimiter={delimiter}")
        if self.multiline:
            parts.append("--multiline-fields=true")
        return " ".join(shlex.quote(part) for part in parts)


def _csv_type(values: list[Any]) -> str:
    """neo4j-admin column type for a property's values (all of one kind, by construction)."""
    kinds: set[str] = set()
    for value in values:
        if isinstance(value, (list, tuple)):
            items = [item for item in value if item is not None]
            item_kinds = {_scalar_type(item) for item in items} or {"string"}
            kinds.update(kind + "[]" for kind in item_kinds)
        else:
            kinds.add(_scalar_type(value))
    if kinds == {"long", "double"}:
        return "double"
    if kinds == {"long[]", "double[]"}:
        return "double[]"
    if len(kinds) == 1:
        return kinds.pop()
    return "string"  # mixed kinds: write as text rather than fail the import


def _scalar_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    return "string"


def _csv_cell(value: object, column_type: str, delimiter: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return delimiter.join(_csv_cell(item, column_type.removesuffix("[]"), delimiter) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if column_type == "string" and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _choose_delimiter(graph: nx.MultiDiGraph) -> str:
    items = [
        item
        for _, data in graph.nodes(data=True)
        for key, value in data.items()
        if key != "labels" and isinstance(value, (list, tuple))
        for item in value
        if isinstance(item, str)
    ]
    for delimiter in _ARRAY_DELIMITERS:
        if not any(delimiter in item for item in items):
            return delimiter
    return _ARRAY_DELIMITERS[-1]


def _file_stem(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch == "_" else "_" for ch in text)


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_neo4j_csv(graph: nx.MultiDiGraph, directory: Path | str) -> Neo4jCsvExport:
    """CSV files for ``neo4j-admin database import full``: one node file per label set (one id
    space: ids are unique across labels), one relationship file per type."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    delimiter = _choose_delimiter(graph)
    result = Neo4jCsvExport(directory=folder, array_delimiter=delimiter)

    def multiline(values: Iterable[object]) -> None:
        for value in values:
            items = value if isinstance(value, (list, tuple)) else [value]
            if any(isinstance(item, str) and ("\n" in item or "\r" in item) for item in items):
                result.multiline = True
                return

    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for node_id in _node_order(graph):
        groups[tuple(graph.nodes[node_id]["labels"])].append(node_id)
    for labels in sorted(groups, key=lambda lbs: (_LABEL_RANK[primary_label(lbs)], lbs)):
        ids = groups[labels]
        keys = sorted({k for n in ids for k in graph.nodes[n] if k not in ("labels", "id")})
        types = {k: _csv_type([graph.nodes[n][k] for n in ids if k in graph.nodes[n]]) for k in keys}
        header = ["id:ID", ":LABEL", *(f"{k}:{types[k]}" for k in keys)]
        rows = []
        for n in ids:
            data = graph.nodes[n]
            multiline(data.get(k) for k in keys)
            row = [n, ";".join(labels)]
            row += [_csv_cell(data.get(k), types[k], delimiter) for k in keys]
            rows.append(row)
        path = folder / f"nodes_{_file_stem('_'.join(labels))}.csv"
        _write_csv(path, header, rows)
        result.node_files.append(path)
        result.nodes += len(ids)

    by_type: dict[str, list[tuple[str, str, str, dict[str, Any]]]] = defaultdict(list)
    for edge in _edge_order(graph):
        by_type[edge[3]["type"]].append(edge)
    for rel_type in sorted(by_type):
        edges = by_type[rel_type]
        keys = sorted({k for e in edges for k in e[3] if k not in ("type", "id")})
        types = {k: _csv_type([e[3][k] for e in edges if k in e[3]]) for k in keys}
        header = [":START_ID", ":END_ID", ":TYPE", "id", *(f"{k}:{types[k]}" for k in keys)]
        rows = []
        for source, target, key, data in edges:
            multiline(data.get(k) for k in keys)
            rows.append(
                [source, target, rel_type, key, *(_csv_cell(data.get(k), types[k], delimiter) for k in keys)]
            )
        path = folder / f"relationships_{_file_stem(rel_type)}.csv"
        _write_csv(path, header, rows)
        result.relationship_files.append(path)
        result.relationships += len(edges)
    return result
