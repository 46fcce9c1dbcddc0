// name: orgs_in_region
// purpose: Organisations based (home) or settled in a region, sub-regions included, by segment.
//          An organisation in several segments has one row per segment; one in none has "none".
// parameters: $region (region) region name or id as people write it, e.g. 江西, 江西省, 赣江新区, 上海
//             $segment (segment, optional) only this segment: upstream, midstream, downstream
//             (or 上游, 中游, 下游), or none
// columns: segment, name, type, id, presence, home
// example: bcikg query orgs_in_region --param region=江西省 --param segment=upstream
MATCH (r:Region {id: $region})
MATCH (o:Organization)-[rel:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(r)
WITH o, collect(DISTINCT type(rel)) AS kinds
OPTIONAL MATCH (o)-[:LOCATED_IN]->(h:Region)
WITH o, kinds, h
ORDER BY size(split(h.id, '/')) DESC, h.id
WITH o, kinds, collect(h.full_name)[0] AS home
OPTIONAL MATCH (o)-[:IN_SEGMENT]->(s:Segment)
WITH o, kinds, home, collect(s.key) AS keys
UNWIND CASE WHEN size(keys) = 0 THEN ['none'] ELSE keys END AS segment
WITH o, kinds, home, segment
WHERE $segment IS NULL OR segment = $segment
RETURN segment,
       o.name AS name,
       o.type AS type,
       o.id AS id,
       CASE
         WHEN 'LOCATED_IN' IN kinds AND 'SIGNED_IN' IN kinds THEN 'home+settled'
         WHEN 'LOCATED_IN' IN kinds THEN 'home'
         ELSE 'settled'
       END AS presence,
       home
ORDER BY CASE segment WHEN 'upstream' THEN 0 WHEN 'midstream' THEN 1 WHEN 'downstream' THEN 2 ELSE 3 END,
         name, id
