// name: _relationship_ids
// purpose: internal (bcikg load): ids of the relationships of one type, to remove the ones that
//          are no longer in the store.
// parameters: none
// example: MATCH ()-[r:SIGNED_IN]->() RETURN r.id AS id
MATCH ()-[r:{type}]->()
RETURN r.id AS id, elementId(r) AS element_id
