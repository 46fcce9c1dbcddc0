// name: _delete_relationships
// purpose: internal (bcikg load): delete relationships by element id.
// parameters: $element_ids (list of strings)
// example: UNWIND ['5:…:0'] AS eid MATCH ()-[r]->() WHERE elementId(r) = eid DELETE r
UNWIND $element_ids AS eid
MATCH ()-[r]->()
WHERE elementId(r) = eid
DELETE r
