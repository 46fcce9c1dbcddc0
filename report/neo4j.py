"""Report data from Neo4j: the reads of bcikg.report.source on bcikg.queries.neo4j_access.Neo4jAccess
(one short queries/_read_*.cypher file per read, each batched over all the ids of a step). The
chain-link members are kept while the database's counts (the access layer's fingerprint) stay the
same, so a reload with other organisations is seen by a long-lived source."""

from __future__ import annotations

from neo4j import Driver

from bcikg.queries.neo4j_access import Neo4jAccess
from bcikg.report.source import ReportSource


class Neo4jSource(ReportSource):
    """A ReportSource over a Neo4j database loaded by ``bcikg load`` (bcikg.graph.neo4j_store.load)."""

    def __init__(self, driver: Driver, database: str = "neo4j") -> None:
        super().__init__(Neo4jAccess(driver, database))
        self.driver = driver
        self.database = database
