// name: _read_fingerprint
// purpose: internal (graph access, fingerprint): counts that change when the graph is reloaded
//          with other organisations or chain placements; kept candidate rankings stay valid while
//          they are the same. Every count comes from Neo4j's count store (constant time).
// parameters: none
// example: MATCH (o:Organization) RETURN count(o)
CALL () { MATCH (o:Organization) RETURN count(o) AS organizations }
CALL () { MATCH (d:Document) RETURN count(d) AS documents }
CALL () { MATCH ()-[r:MENTIONED_IN]->() RETURN count(r) AS mentions }
CALL () { MATCH ()-[r:IN_SEGMENT]->() RETURN count(r) AS in_segment }
CALL () { MATCH ()-[r:IN_SUBSECTOR]->() RETURN count(r) AS in_subsector }
CALL () { MATCH ()-[r:LOCATED_IN]->() RETURN count(r) AS located }
CALL () { MATCH ()-[r:SIGNED_IN]->() RETURN count(r) AS signed }
RETURN organizations, documents, mentions, in_segment, in_subsector, located, signed
