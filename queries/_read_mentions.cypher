// name: _read_mentions
// purpose: internal (graph access, mentions): the sentences that mention some nodes (MENTIONED_IN).
// parameters: $ids (list of strings)
// example: MATCH (:Organization {id: 'org:0000000000000001'})-[m:MENTIONED_IN]->(d) RETURN m
UNWIND $ids AS nid
CALL (nid) {
  MATCH (n:Organization {id: nid}) RETURN n
  UNION MATCH (n:Region {id: nid}) RETURN n
  UNION MATCH (n:Segment {id: nid}) RETURN n
  UNION MATCH (n:Subsector {id: nid}) RETURN n
  UNION MATCH (n:Document {id: nid}) RETURN n
  UNION MATCH (n:Policy {id: nid}) RETURN n
  UNION MATCH (n:Claim {id: nid}) RETURN n
  UNION MATCH (n:Target {id: nid}) RETURN n
}
MATCH (n)-[m:MENTIONED_IN]->(d:Document)
RETURN n.id AS node, d.id AS doc_id, m.sentence AS sentence, m.start AS start, m.end AS end, m.text AS text
