// name: _count_type
// purpose: internal: number of relationships of one type ({type} from bcikg.schema).
// parameters: none
// example: MATCH ()-[r:SIGNED_IN]->() RETURN count(r) AS n
MATCH ()-[r:{type}]->()
RETURN count(r) AS n
