// name: report_fingerprint
// purpose: (bcikg report) Counts that change when the graph is reloaded with other organisations or
//          chain placements; the report keeps ranked candidate lists while these stay the same.
//          Every count comes from Neo4j's count store (constant time).
// parameters: none
// columns: organizations, mentions, in_segment, in_subsector, located, signed
// example: bcikg query report_fingerprint
CALL () { MATCH (o:Organization) RETURN count(o) AS organizations }
CALL () { MATCH ()-[r:MENTIONED_IN]->() RETURN count(r) AS mentions }
CALL () { MATCH ()-[r:IN_SEGMENT]->() RETURN count(r) AS in_segment }
CALL () { MATCH ()-[r:IN_SUBSECTOR]->() RETURN count(r) AS in_subsector }
CALL () { MATCH ()-[r:LOCATED_IN]->() RETURN count(r) AS located }
CALL () { MATCH ()-[r:SIGNED_IN]->() RETURN count(r) AS signed }
RETURN organizations, mentions, in_segment, in_subsector, located, signed
