// name: candidates
// purpose: Candidates elsewhere for a subsector: organisations in that subsector that are neither
//          based nor settled in the region, with their home region, how often the articles
//          mention them, and the first evidence sentence. Most mentioned first.
// parameters: $subsector (subsector) subsector key or name, e.g. electrodes or 电极
//             $region (region) the region looking for partners, e.g. 江西省
// columns: name, type, id, home, mentions, sentence, doc_id
// example: bcikg query candidates --param subsector=芯片 --param region=江西省
MATCH (r:Region {id: $region})
MATCH (o:Organization)-[:IN_SUBSECTOR]->(:Subsector {id: $subsector})
WHERE NOT EXISTS { (o)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(r) }
OPTIONAL MATCH (o)-[:LOCATED_IN]->(h:Region)
WITH o, h
ORDER BY size(split(h.id, '/')) DESC, h.id
WITH o, collect(h.full_name)[0] AS home
OPTIONAL MATCH (o)-[m:MENTIONED_IN]->(d:Document)
WITH o, home, m, d
ORDER BY d.id, m.start, m.end
WITH o, home, collect(m.sentence)[0] AS sentence, collect(d.id)[0] AS doc_id, count(m) AS mentions
RETURN o.name AS name, o.type AS type, o.id AS id, home, mentions, sentence, doc_id
ORDER BY mentions DESC, name, id
