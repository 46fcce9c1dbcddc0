// name: _node_ids
// purpose: internal (bcikg load): ids of the nodes of one keyed label, to remove the ones that
//          are no longer in the store.
// parameters: none
// example: MATCH (n:Organization) RETURN n.id AS id
MATCH (n:{label})
RETURN n.id AS id
