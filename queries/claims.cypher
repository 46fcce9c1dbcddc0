// name: claims
// purpose: What regions say about their own chain: stated strengths and gaps (Claim nodes),
//          optionally only claims about a region (sub-regions included). Lists are [] when empty
//          (a neo4j-admin CSV import leaves empty lists out).
// parameters: $region (region, optional) region name or id, e.g. 江西省
// columns: region, kind, text, segments, subsectors, pillars, id
// example: bcikg query claims --param region=江西省
MATCH (c:Claim)-[:ABOUT]->(r:Region)
WHERE $region IS NULL OR EXISTS { (r)-[:PART_OF*0..]->(:Region {id: $region}) }
RETURN r.full_name AS region,
       c.kind AS kind,
       c.text AS text,
       coalesce(c.segments, []) AS segments,
       coalesce(c.subsectors, []) AS subsectors,
       coalesce(c.pillars, []) AS pillars,
       c.id AS id
ORDER BY region, kind, id
