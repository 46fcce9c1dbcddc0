// name: report_region
// purpose: (bcikg report) A region and its sub-regions (PART_OF, any depth), the roll-up of a
//          gap report. The first row is the region itself.
// parameters: $region (region) region name or id, e.g. 江西省
// columns: id, name, full_name, level, depth
// example: bcikg query report_region --param region=江西省
MATCH (root:Region {id: $region})
MATCH path = (r:Region)-[:PART_OF*0..]->(root)
WITH r, min(length(path)) AS depth
RETURN r.id AS id, r.name AS name, r.full_name AS full_name, r.level AS level, depth
ORDER BY depth, id
