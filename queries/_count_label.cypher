// name: _count_label
// purpose: internal: number of nodes of one keyed label ({label} from bcikg.schema).
// parameters: none
// example: MATCH (n:Organization) RETURN count(n) AS n
MATCH (n:{label})
RETURN count(n) AS n
