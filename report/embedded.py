"""Report data from the embedded networkx graph (``EmbeddedStore(dir).load_graph()``): the reads of
bcikg.report.source on bcikg.queries.access.EmbeddedAccess. Every read starts from a node (the
region, a subsector, an organisation) and follows its edges, so a report touches only the region's
neighbourhood; chain-link members are kept by the source, like an index, after the first report.
The graph must not change while a source uses it (the store's graph never does)."""

from __future__ import annotations

import networkx as nx

from bcikg.queries.access import EmbeddedAccess
from bcikg.report.source import ReportSource


class EmbeddedSource(ReportSource):
    """A ReportSource over a networkx MultiDiGraph built by bcikg.graph.build."""

    def __init__(self, graph: nx.MultiDiGraph) -> None:
        super().__init__(EmbeddedAccess(graph))
        self.graph = graph
