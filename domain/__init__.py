"""Domain knowledge shared by every stage: the organisation-name grammar, the chain taxonomy and
its support pillars, and the region gazetteer, read from the data files in ``data/``.

Ingest, the graph builder, the queries and the reports all import it from here, so there is one
definition of each.
"""
