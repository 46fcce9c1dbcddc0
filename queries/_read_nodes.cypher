// name: _read_nodes
// purpose: internal (graph access, nodes): nodes by id, whatever their keyed label (each branch
//          seeks one id constraint).
// parameters: $ids (list of strings)
// example: UNWIND ['org:0000000000000001'] AS nid MATCH (n:Organization {id: nid}) RETURN n
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
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
