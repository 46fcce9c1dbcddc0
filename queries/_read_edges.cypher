// name: _read_edges
// purpose: internal (graph access, edges): relationships of some types at some nodes, outgoing,
//          incoming or both ($direction), with the node at the other end.
// parameters: $ids (list of strings) $types (list of strings) $direction (text) out, in or both
// example: UNWIND ['org:0000000000000001'] AS nid MATCH (n:Organization {id: nid})-[r:LOCATED_IN]->(x) RETURN r, x
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
CALL (n) {
  MATCH (n)-[r]->(x)
  WHERE $direction IN ['out', 'both'] AND type(r) IN $types
  RETURN r, x, 'out' AS direction
  UNION ALL
  MATCH (n)<-[r]-(x)
  WHERE $direction IN ['in', 'both'] AND type(r) IN $types
  RETURN r, x, 'in' AS direction
}
RETURN n.id AS node, r.id AS id, type(r) AS type, direction, properties(r) AS props,
       x.id AS other, labels(x) AS other_labels, properties(x) AS other_props
