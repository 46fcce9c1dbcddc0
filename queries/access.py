"""The one graph-access layer: a few simple reads that every named query (bcikg.queries.library)
and every report (bcikg.report) is written on, implemented once over the embedded networkx graph
(:class:`EmbeddedAccess`, here) and once over Neo4j (:class:`bcikg.queries.neo4j_access.Neo4jAccess`,
one short ``queries/_read_*.cypher`` file per read).

Both implementations return the same rows (as sets: callers sort). Rows are plain dicts:

    node     {id, labels (sorted), props}          props: every property, ``id`` included, no nulls
    edge     {node, id, type, direction, props, other, other_labels, other_props}
             ``node`` is the asked node, ``direction`` 'out' or 'in' as seen from it, ``props`` the
             relationship's properties without ``id`` (``evidence`` is a JSON string)
    mention  {node, doc_id, sentence, start, end, text}
    region   a node row plus ``depth`` (region_tree)
    member   {kind, key, id, name, type, mentions, explicit, cue, homes, subsectors, corrected}
    path     {node_ids, relationship_ids, relationships}

Lists come back as lists, never tuples, so rows compare equal across backends.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, Protocol

import networkx as nx

from bcikg.schema import ORG_LABEL

Row = dict[str, Any]
Direction = Literal["out", "in", "both"]

# relationships that tie something to a region: what makes a region one "with data"
DATA_TYPES: tuple[str, ...] = ("LOCATED_IN", "SIGNED_IN", "ABOUT", "APPLIES_TO")


class GraphAccess(Protocol):
    """The reads a named query or a report may use. Every argument is a plain value."""

    def region_tree(self, region_id: str) -> list[Row]:
        """The region (depth 0), the regions below it (PART_OF at any depth, depth > 0) and the
        regions above it (depth < 0); empty when the region is not in the graph."""
        ...

    def regions_named(self, text: str) -> list[str]:
        """Ids of regions whose name, full_name or an alias equals ``text``."""
        ...

    def regions_with_data(self) -> list[Row]:
        """Regions that an organisation is based or settled in, or a claim, target or policy is about."""
        ...

    def nodes(self, ids: Iterable[str]) -> list[Row]:
        """Nodes by id (unknown ids are left out)."""
        ...

    def nodes_labelled(self, label: str) -> list[Row]:
        """Every node with this label (Hospital, Agency, Target …)."""
        ...

    def find_orgs(self, text: str) -> list[Row]:
        """Organisations whose id equals, or whose name or an alias contains, ``text``."""
        ...

    def org_names(self) -> list[Row]:
        """{id, name, aliases} of every organisation (for the close choices of an unknown name)."""
        ...

    def edges(self, ids: Iterable[str], types: Sequence[str], direction: Direction = "out") -> list[Row]:
        """Relationships of these types at these nodes, with the node at the other end."""
        ...

    def mentions(self, ids: Iterable[str]) -> list[Row]:
        """The MENTIONED_IN sentences of these nodes."""
        ...

    def link_members(self, requests: Sequence[Mapping[str, Any]]) -> list[Row]:
        """Organisations in chain links, with what ranking them needs. A request is
        {kind: segment|subsector|pillar, key, segment (whose explicit statement counts, or null),
        types, cue_types, name_cues (pillar membership), text_cues (words of the link)}.
        ``explicit``: an IN_SEGMENT to the request's segment marked explicit; ``cue``: a mention
        sentence holds one of the text cues; ``homes``: ids of LOCATED_IN regions;
        ``subsectors``: keys of its subsectors; ``corrected``: an analyst corrected it (bcikg fix)."""
        ...

    def shortest_paths(
        self, source: str, target: str, types: Sequence[str], max_length: int, limit: int
    ) -> list[Row]:
        """All shortest paths (ignoring direction) over relationships of these types, at most
        ``max_length`` steps; the first ``limit`` by (node_ids, relationship_ids)."""
        ...

    def fingerprint(self) -> tuple[int, ...]:
        """Counts that change when the graph is reloaded with other organisations or placements."""
        ...


# ------------------------------------------------------------------ shared helpers


def clean_props(data: Mapping[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
    """Properties as Neo4j stores them: no nulls, lists not tuples."""
    skip = set(drop)
    return {
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in data.items()
        if k not in skip and v is not None
    }


def member_matches(request: Mapping[str, Any], org_type: str, name: str) -> bool:
    """Pillar membership: by type, or by a name cue for the cue types (same as the Cypher)."""
    if org_type in request.get("types", ()):
        return True
    return org_type in request.get("cue_types", ()) and any(c in name for c in request.get("name_cues", ()))


# ------------------------------------------------------------------ embedded


class EmbeddedAccess:
    """GraphAccess over a networkx MultiDiGraph built by bcikg.graph.build. The graph must not
    change while an access object uses it (the store's graph never does)."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        self.graph = graph

    # the adjacency dicts directly: networkx's views cost several times more per edge
    def _out(self, node: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for target, keyed in self.graph._succ[node].items():
            for key, data in keyed.items():
                yield target, key, data

    def _in(self, node: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for source, keyed in self.graph._pred[node].items():
            for key, data in keyed.items():
                yield source, key, data

    def _labels(self, node: str) -> list[str]:
        return sorted(self.graph._node[node].get("labels", ()))

    def _has(self, node: str, label: str) -> bool:
        return label in self.graph._node[node].get("labels", ())

    def _node_row(self, node: str) -> Row:
        data = self.graph._node[node]
        props = clean_props(data, ("labels",))
        props["id"] = node
        return {"id": node, "labels": self._labels(node), "props": props}

    # -------------------------------------------------------------- regions

    def region_tree(self, region_id: str) -> list[Row]:
        if region_id not in self.graph or not self._has(region_id, "Region"):
            return []
        depth = {region_id: 0}
        queue = deque([region_id])
        while queue:  # breadth first: the shortest PART_OF path, as Cypher's min(length(path))
            node = queue.popleft()
            for child, _, data in self._in(node):
                if data.get("type") == "PART_OF" and child not in depth and self._has(child, "Region"):
                    depth[child] = depth[node] + 1
                    queue.append(child)
        up = {region_id: 0}
        queue = deque([region_id])
        while queue:
            node = queue.popleft()
            for parent, _, data in self._out(node):
                if data.get("type") == "PART_OF" and parent not in up and self._has(parent, "Region"):
                    up[parent] = up[node] - 1
                    queue.append(parent)
        depth.update({rid: d for rid, d in up.items() if rid not in depth})
        return [{**self._node_row(rid), "depth": d} for rid, d in depth.items()]

    def regions_named(self, text: str) -> list[str]:
        return [
            n
            for n, d in self.graph.nodes(data=True)
            if "Region" in d.get("labels", ())
            and (d.get("name") == text or d.get("full_name") == text or text in (d.get("aliases") or ()))
        ]

    def regions_with_data(self) -> list[Row]:
        return [
            self._node_row(n)
            for n, d in self.graph.nodes(data=True)
            if "Region" in d.get("labels", ()) and any(e.get("type") in DATA_TYPES for _, _, e in self._in(n))
        ]

    # -------------------------------------------------------------- nodes

    def nodes(self, ids: Iterable[str]) -> list[Row]:
        return [self._node_row(n) for n in dict.fromkeys(ids) if n in self.graph]

    def nodes_labelled(self, label: str) -> list[Row]:
        return [self._node_row(n) for n, d in self.graph.nodes(data=True) if label in d.get("labels", ())]

    def find_orgs(self, text: str) -> list[Row]:
        return [
            self._node_row(n)
            for n, d in self.graph.nodes(data=True)
            if ORG_LABEL in d.get("labels", ())
            and (n == text or text in (d.get("name") or "") or any(text in a for a in d.get("aliases") or ()))
        ]

    def org_names(self) -> list[Row]:
        return [
            {"id": n, "name": d.get("name"), "aliases": list(d.get("aliases") or ())}
            for n, d in self.graph.nodes(data=True)
            if ORG_LABEL in d.get("labels", ())
        ]

    # -------------------------------------------------------------- edges

    def edges(self, ids: Iterable[str], types: Sequence[str], direction: Direction = "out") -> list[Row]:
        wanted = set(types)
        rows: list[Row] = []
        for node in dict.fromkeys(ids):
            if node not in self.graph:
                continue
            sides = []
            if direction in ("out", "both"):
                sides.append(("out", self._out(node)))
            if direction in ("in", "both"):
                sides.append(("in", self._in(node)))
            for side, links in sides:
                for other, key, data in links:
                    if data.get("type") not in wanted:
                        continue
                    rows.append(
                        {
                            "node": node,
                            "id": key,
                            "type": data["type"],
                            "direction": side,
                            "props": clean_props(data, ("type", "id")),
                            "other": other,
                            "other_labels": self._labels(other),
                            "other_props": self._node_row(other)["props"],
                        }
                    )
        return rows

    def mentions(self, ids: Iterable[str]) -> list[Row]:
        rows = []
        for node in dict.fromkeys(ids):
            if node not in self.graph:
                continue
            for doc, _, d in self._out(node):
                if d.get("type") == "MENTIONED_IN":
                    rows.append(
                        {
                            "node": node,
                            "doc_id": doc,
                            "sentence": d.get("sentence"),
                            "start": d.get("start"),
                            "end": d.get("end"),
                            "text": d.get("text"),
                        }
                    )
        return rows

    # -------------------------------------------------------------- chain links

    def _members(self, request: Mapping[str, Any]) -> set[str]:
        kind, key = request["kind"], request["key"]
        if kind == "pillar":
            return {
                n
                for n, d in self.graph.nodes(data=True)
                if ORG_LABEL in d.get("labels", ())
                and member_matches(request, str(d.get("type") or ""), str(d.get("name") or ""))
            }
        node = f"{kind}:{key}"
        if node not in self.graph:
            return set()
        rel = "IN_SUBSECTOR" if kind == "subsector" else "IN_SEGMENT"
        return {o for o, _, d in self._in(node) if d.get("type") == rel and self._has(o, ORG_LABEL)}

    def link_members(self, requests: Sequence[Mapping[str, Any]]) -> list[Row]:
        rows = []
        nodes = self.graph._node
        for request in requests:
            cues = tuple(request.get("text_cues") or ())
            segment = request.get("segment")
            for org in self._members(request):
                mentions = explicit = 0
                cue = False
                homes: list[str] = []
                subsectors: list[str] = []
                for target, _, d in self._out(org):
                    kind = d.get("type")
                    if kind == "MENTIONED_IN":
                        mentions += 1
                        cue = cue or any(c in (d.get("sentence") or "") for c in cues)
                    elif kind == "IN_SEGMENT":
                        explicit = explicit or (
                            d.get("explicit") is True and nodes[target].get("key") == segment
                        )
                    elif kind == "LOCATED_IN" and self._has(target, "Region"):
                        homes.append(target)
                    elif kind == "IN_SUBSECTOR":
                        subsectors.append(nodes[target].get("key"))
                data = nodes[org]
                rows.append(
                    {
                        "kind": request["kind"],
                        "key": request["key"],
                        "id": org,
                        "name": data.get("name"),
                        "type": data.get("type"),
                        "mentions": mentions,
                        "explicit": bool(explicit),
                        "cue": cue,
                        "homes": sorted(homes),
                        "subsectors": sorted(subsectors),
                        "corrected": data.get("corrected") is True,
                    }
                )
        return rows

    # -------------------------------------------------------------- paths, fingerprint

    def shortest_paths(
        self, source: str, target: str, types: Sequence[str], max_length: int, limit: int
    ) -> list[Row]:
        if source not in self.graph or target not in self.graph or source == target:
            return []
        wanted = set(types)
        links: dict[frozenset[str], list[tuple[str, str]]] = {}
        undirected = nx.Graph()
        for u, w, key, rel_type in self.graph.edges(keys=True, data="type"):
            if rel_type in wanted and u != w:
                undirected.add_edge(u, w)
                links.setdefault(frozenset((u, w)), []).append((key, rel_type))
        if (
            source not in undirected
            or target not in undirected
            or not nx.has_path(undirected, source, target)
        ):
            return []
        if nx.shortest_path_length(undirected, source, target) > max_length:
            return []
        rows = []
        for path in nx.all_shortest_paths(undirected, source, target):
            steps = [links[frozenset(pair)] for pair in itertools.pairwise(path)]
            for choice in itertools.product(*steps):
                rows.append(
                    {
                        "node_ids": list(path),
                        "relationship_ids": [key for key, _ in choice],
                        "relationships": [rel_type for _, rel_type in choice],
                    }
                )
        rows.sort(key=lambda r: (r["node_ids"], r["relationship_ids"]))
        return rows[:limit]

    def fingerprint(self) -> tuple[int, ...]:
        # the graph does not change under an access object; counting edges would cost O(edges)
        return (id(self.graph), self.graph.number_of_nodes())
