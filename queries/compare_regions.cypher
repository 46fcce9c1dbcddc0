// name: compare_regions
// purpose: Two regions side by side: organisations based or settled in each (sub-regions
//          included) in total, by segment, by subsector, by organisation type, and the policies
//          that apply to each.
// parameters: $a (region) first region, e.g. 江西省
//             $b (region) second region, e.g. 上海
// columns: dimension, key, name, a, b
// example: bcikg query compare_regions --param a=江西省 --param b=上海市
MATCH (ra:Region {id: $a}), (rb:Region {id: $b})
CALL (ra, rb) {
  OPTIONAL MATCH (oa:Organization)
    WHERE EXISTS { (oa)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(ra) }
  WITH ra, rb, count(DISTINCT oa) AS a
  OPTIONAL MATCH (ob:Organization)
    WHERE EXISTS { (ob)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(rb) }
  RETURN 0 AS section, 0 AS rank, 'total' AS dimension, 'organizations' AS key, '机构总数' AS name,
         a, count(DISTINCT ob) AS b
  UNION ALL
  MATCH (seg:Segment)
  OPTIONAL MATCH (oa:Organization)-[:IN_SEGMENT]->(seg)
    WHERE EXISTS { (oa)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(ra) }
  WITH ra, rb, seg, count(DISTINCT oa) AS a
  OPTIONAL MATCH (ob:Organization)-[:IN_SEGMENT]->(seg)
    WHERE EXISTS { (ob)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(rb) }
  RETURN 1 AS section, seg.rank AS rank, 'segment' AS dimension, seg.key AS key, seg.name AS name,
         a, count(DISTINCT ob) AS b
  UNION ALL
  MATCH (sub:Subsector)
  OPTIONAL MATCH (oa:Organization)-[:IN_SUBSECTOR]->(sub)
    WHERE EXISTS { (oa)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(ra) }
  WITH ra, rb, sub, count(DISTINCT oa) AS a
  OPTIONAL MATCH (ob:Organization)-[:IN_SUBSECTOR]->(sub)
    WHERE EXISTS { (ob)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(rb) }
  RETURN 2 AS section, sub.rank AS rank, 'subsector' AS dimension, sub.key AS key, sub.name AS name,
         a, count(DISTINCT ob) AS b
  UNION ALL
  UNWIND range(0, size($org_types) - 1) AS i
  WITH ra, rb, i, $org_types[i] AS org_type
  OPTIONAL MATCH (oa:Organization {type: org_type})
    WHERE EXISTS { (oa)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(ra) }
  WITH ra, rb, i, org_type, count(DISTINCT oa) AS a
  OPTIONAL MATCH (ob:Organization {type: org_type})
    WHERE EXISTS { (ob)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(rb) }
  RETURN 3 AS section, i AS rank, 'type' AS dimension, org_type AS key, org_type AS name,
         a, count(DISTINCT ob) AS b
  UNION ALL
  OPTIONAL MATCH (pa:Policy)
    WHERE EXISTS { (pa)-[:APPLIES_TO]->(:Region)-[:PART_OF*0..]->(ra) }
  WITH ra, rb, count(DISTINCT pa) AS a
  OPTIONAL MATCH (pb:Policy)
    WHERE EXISTS { (pb)-[:APPLIES_TO]->(:Region)-[:PART_OF*0..]->(rb) }
  RETURN 4 AS section, 0 AS rank, 'policy' AS dimension, 'policies' AS key, '政策' AS name,
         a, count(DISTINCT pb) AS b
}
RETURN dimension, key, name, a, b
ORDER BY section, rank, key
