// name: _delete_nodes
// purpose: internal (bcikg load): delete nodes of one keyed label by id, with their relationships.
// parameters: $ids (list of strings)
// example: UNWIND ['org:0000000000000001'] AS id MATCH (n:Organization {id: id}) DETACH DELETE n
UNWIND $ids AS id
MATCH (n:{label} {id: id})
DETACH DELETE n
