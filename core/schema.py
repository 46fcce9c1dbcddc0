"""The graph model shared by the embedded networkx store and Neo4j.

Labels and relationship types come only from the fixed sets below, never from input, so no
text in an article can become part of a Cypher statement.

Nodes (networkx node key == the ``id`` property; attribute ``labels`` is a tuple of labels):

    (:Organization:<OrgType> {id, name, type, aliases})
    (:Region {id, name, level, full_name, aliases})
    (:Segment {id, key, name, title, rank})       key in upstream/midstream/downstream
    (:Subsector {id, key, name, segment, rank})   rank: position in the taxonomy, for ordering
    (:Document {id, path, format, encoding, title, date, publisher, url, region, chars})
                                    path: file path or URL read; url: web address of the original
    (:Policy {id, name, date, region, tasks})
    (:Claim {id, kind, text, region, segments, subsectors, pillars})
    (:Target {id, year, quantity, quantity_max, unit, subject, region, segments, subsectors, pillars})

Relationships (networkx MultiDiGraph edge key == the ``id`` property; attribute ``type``):

    (Region)-[:PART_OF]->(Region)
    (Segment)-[:UPSTREAM_OF]->(Segment)
    (Subsector)-[:PART_OF]->(Segment)
    (Organization)-[:IN_SEGMENT {explicit}]->(Segment)     explicit: the text states the segment
    (Organization)-[:IN_SUBSECTOR]->(Subsector)
    (Organization)-[:LOCATED_IN {home, stated}]->(Region)  home region; stated: a sentence says it
    (Organization)-[:SIGNED_IN {date}]->(Region)           signed, settled or runs a project there
    (Organization)-[:PARTNERS_WITH|CLINICAL_TRIAL_AT|INCUBATED_BY|OPERATES|INVESTS_IN]->(Organization)
    (Organization)-[:LOCATED_IN]->(Organization)           a platform inside a park or cluster
    (Organization)-[:ISSUED]->(Policy)
    (Organization)-[:RESPONSIBLE_FOR {task}]->(Policy)
    (Policy)-[:APPLIES_TO]->(Region)
    (Policy)-[:PUBLISHED_AS]->(Document)                   the document is the policy
    (Policy)-[:SETS_TARGET]->(Target)
    (Target)-[:ABOUT]->(Region)
    (Organization)-[:OWNS_TARGET {order}]->(Target)      order: as the text lists the agencies, lead first
    (Claim)-[:ABOUT]->(Region)
    (Organization|Policy|Claim|Target)-[:MENTIONED_IN {sentence, start, end, text}]->(Document)

Every relationship between organisations, regions and policies carries ``evidence``: a JSON
string (list of {doc_id, sentence, start, end, text}, ordered by doc_id and offsets) so that both
backends store the same primitive value, and ``sentence``: the first of those sentences, as a
plain property for queries. Relationship ids: Relation.id for extracted relations; for the
structural ones a stable hash of type, ends and distinguishing properties ('rel:' + 16 hex).
"""

from __future__ import annotations

from typing import Final

from bcikg.models import ORG_TYPES, RELATION_KINDS

ORG_LABEL: Final = "Organization"
NODE_LABELS: Final[frozenset[str]] = frozenset(
    {ORG_LABEL, *ORG_TYPES, "Region", "Segment", "Subsector", "Document", "Policy", "Claim", "Target"}
)
# Labels that carry a uniqueness constraint on ``id`` in Neo4j (every node has one of them).
KEYED_LABELS: Final[tuple[str, ...]] = (
    ORG_LABEL,
    "Region",
    "Segment",
    "Subsector",
    "Document",
    "Policy",
    "Claim",
    "Target",
)
STRUCTURAL_TYPES: Final[frozenset[str]] = frozenset(
    {
        "PART_OF",
        "UPSTREAM_OF",
        "IN_SEGMENT",
        "IN_SUBSECTOR",
        "APPLIES_TO",
        "PUBLISHED_AS",
        "SETS_TARGET",
        "ABOUT",
        "OWNS_TARGET",
        "MENTIONED_IN",
    }
)
RELATIONSHIP_TYPES: Final[frozenset[str]] = frozenset({*RELATION_KINDS, *STRUCTURAL_TYPES})


def primary_label(labels: tuple[str, ...] | list[str]) -> str:
    """The keyed label of a node (the one its uniqueness constraint is on)."""
    for label in labels:
        if label in KEYED_LABELS:
            return label
    raise ValueError(f"node has no keyed label: {labels!r}")


def check_labels(labels: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    unknown = [label for label in labels if label not in NODE_LABELS]
    if unknown:
        raise ValueError(f"labels outside the graph model: {unknown!r}")
    return tuple(labels)


def check_relationship_type(rel_type: str) -> str:
    if rel_type not in RELATIONSHIP_TYPES:
        raise ValueError(f"relationship type outside the graph model: {rel_type!r}")
    return rel_type
