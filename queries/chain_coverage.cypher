// name: chain_coverage
// purpose: The chain coverage matrix of a region: for every subsector of the taxonomy (in
//          segment order) how many organisations are based there (home), how many signed or
//          settled there (settled), both together (total, counted once) and the status
//          (covered / thin / gap, by the taxonomy's thresholds on total). Sub-regions included.
// parameters: $region (region) region name or id, e.g. 江西省 or 赣江新区
// columns: segment, subsector, subsector_name, home, settled, total, status
// example: bcikg query chain_coverage --param region=江西省
MATCH (r:Region {id: $region})
MATCH (sub:Subsector)-[:PART_OF]->(seg:Segment)
OPTIONAL MATCH (o:Organization)-[:IN_SUBSECTOR]->(sub)
OPTIONAL MATCH (o)-[rel:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(r)
WITH seg, sub, o, collect(DISTINCT type(rel)) AS kinds
WITH seg, sub,
     count(DISTINCT CASE WHEN 'LOCATED_IN' IN kinds THEN o END) AS home,
     count(DISTINCT CASE WHEN 'SIGNED_IN' IN kinds THEN o END) AS settled,
     count(DISTINCT CASE WHEN size(kinds) > 0 THEN o END) AS total
RETURN seg.key AS segment,
       sub.key AS subsector,
       sub.name AS subsector_name,
       home,
       settled,
       total,
       CASE WHEN total >= $covered_min THEN 'covered' WHEN total >= $thin_min THEN 'thin' ELSE 'gap' END AS status
ORDER BY sub.rank, subsector
