"""GraphAccess over Neo4j: each read is one short ``queries/_read_*.cypher`` file, run with
bcikg.graph.neo4j_store.run_query; every value reaches Cypher as a $parameter. Rows are brought
to the shapes bcikg.queries.access documents (labels sorted, relationship ids out of the
relationship's properties), so they equal the embedded rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from neo4j import Driver

from bcikg.queries import internal, statement
from bcikg.queries.access import Direction, Row, clean_props


def _node(row: Row) -> Row:
    return {"id": row["id"], "labels": sorted(row["labels"]), "props": clean_props(row["props"])}


class Neo4jAccess:
    """GraphAccess over a Neo4j database loaded by ``bcikg load``."""

    def __init__(self, driver: Driver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database

    def _rows(self, name: str, params: Mapping[str, Any] | None = None, **slots: Any) -> list[Row]:
        from bcikg.graph.neo4j_store import run_query

        text = statement(name, **slots) if slots else internal(name)
        return run_query(self.driver, text, dict(params or {}), database=self.database)

    # -------------------------------------------------------------- regions

    def region_tree(self, region_id: str) -> list[Row]:
        return [
            {**_node(r), "depth": r["depth"]} for r in self._rows("_read_region_tree", {"region": region_id})
        ]

    def regions_named(self, text: str) -> list[str]:
        return [r["id"] for r in self._rows("_read_regions_named", {"text": text})]

    def regions_with_data(self) -> list[Row]:
        return [_node(r) for r in self._rows("_read_regions_with_data")]

    # -------------------------------------------------------------- nodes

    def nodes(self, ids: Iterable[str]) -> list[Row]:
        wanted = list(dict.fromkeys(ids))
        return [_node(r) for r in self._rows("_read_nodes", {"ids": wanted})] if wanted else []

    def nodes_labelled(self, label: str) -> list[Row]:
        return [_node(r) for r in self._rows("_read_nodes_labelled", any_label=label)]

    def find_orgs(self, text: str) -> list[Row]:
        return [_node(r) for r in self._rows("_read_find_orgs", {"text": text})]

    def org_names(self) -> list[Row]:
        return [
            {"id": r["id"], "name": r["name"], "aliases": list(r["aliases"] or [])}
            for r in self._rows("_read_org_names")
        ]

    # -------------------------------------------------------------- edges

    def edges(self, ids: Iterable[str], types: Sequence[str], direction: Direction = "out") -> list[Row]:
        wanted = list(dict.fromkeys(ids))
        if not wanted or not types:
            return []
        rows = self._rows("_read_edges", {"ids": wanted, "types": list(types), "direction": direction})
        return [
            {
                "node": r["node"],
                "id": r["id"],
                "type": r["type"],
                "direction": r["direction"],
                "props": clean_props(r["props"], ("id",)),
                "other": r["other"],
                "other_labels": sorted(r["other_labels"]),
                "other_props": clean_props(r["other_props"]),
            }
            for r in rows
        ]

    def mentions(self, ids: Iterable[str]) -> list[Row]:
        wanted = list(dict.fromkeys(ids))
        return self._rows("_read_mentions", {"ids": wanted}) if wanted else []

    def link_members(self, requests: Sequence[Mapping[str, Any]]) -> list[Row]:
        if not requests:
            return []
        params = [
            {
                "kind": r["kind"],
                "key": r["key"],
                "segment": r.get("segment"),
                "types": list(r.get("types") or []),
                "cue_types": list(r.get("cue_types") or []),
                "name_cues": list(r.get("name_cues") or []),
                "text_cues": list(r.get("text_cues") or []),
            }
            for r in requests
        ]
        rows = self._rows("_read_link_members", {"requests": params})
        for row in rows:
            row["homes"] = sorted(row["homes"] or [])
            row["subsectors"] = sorted(row["subsectors"] or [])
            row["mentions"] = int(row["mentions"])
        return rows

    # -------------------------------------------------------------- paths, fingerprint

    def shortest_paths(
        self, source: str, target: str, types: Sequence[str], max_length: int, limit: int
    ) -> list[Row]:
        if source == target:
            return []
        return self._rows(
            "_read_shortest_paths",
            {"source": source, "target": target, "limit": limit},
            rel_types="|".join(types),
            max_length=str(int(max_length)),
        )

    def fingerprint(self) -> tuple[int, ...]:
        row = self._rows("_read_fingerprint")[0]
        keys = ("organizations", "documents", "mentions", "in_segment", "in_subsector", "located", "signed")
        return tuple(int(row[k]) for k in keys)
