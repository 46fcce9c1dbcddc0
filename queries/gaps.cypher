// name: gaps
// purpose: Gaps of a region: subsectors with no organisation based or settled there (sub-regions
//          included), with how many organisations elsewhere cover each (see `candidates`).
// parameters: $region (region) region name or id, e.g. 江西省 or 赣江新区
// columns: segment, subsector, subsector_name, elsewhere
// example: bcikg query gaps --param region=赣江新区
MATCH (r:Region {id: $region})
MATCH (sub:Subsector)-[:PART_OF]->(seg:Segment)
WHERE NOT EXISTS {
  MATCH (o:Organization)-[:IN_SUBSECTOR]->(sub)
  WHERE EXISTS { (o)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(r) }
}
OPTIONAL MATCH (other:Organization)-[:IN_SUBSECTOR]->(sub)
WITH seg, sub, count(DISTINCT other) AS elsewhere
RETURN seg.key AS segment,
       sub.key AS subsector,
       sub.name AS subsector_name,
       elsewhere
ORDER BY sub.rank, subsector
