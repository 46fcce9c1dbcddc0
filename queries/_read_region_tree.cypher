// name: _read_region_tree
// purpose: internal (graph access, region_tree): a region (depth 0), the regions below it
//          (PART_OF at any depth, depth > 0) and the regions above it (depth < 0).
// parameters: $region (text) region id, e.g. 'region:中国/江西省'
// example: MATCH path = (r:Region)-[:PART_OF*0..]->(:Region {id: 'region:中国/江西省'}) RETURN r
MATCH (root:Region {id: $region})
CALL (root) {
  MATCH path = (r:Region)-[:PART_OF*0..]->(root)
  RETURN r, min(length(path)) AS depth
  UNION
  MATCH path = (root)-[:PART_OF*1..]->(r:Region)
  RETURN r, -min(length(path)) AS depth
}
RETURN r.id AS id, labels(r) AS labels, properties(r) AS props, depth
