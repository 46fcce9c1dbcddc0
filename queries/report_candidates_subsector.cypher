// name: report_candidates_subsector
// purpose: (bcikg report) For each requested subsector, the best-ranked organisations elsewhere:
//          in the subsector, with no LOCATED_IN/SIGNED_IN to the report's regions. Rank: companies
//          first, then an explicit statement of the subsector's segment, then more mentions, then
//          name and id. Starts from the Subsector node (index on key), so it reads only that
//          subsector's organisations; degrees come from the relationship counts.
// parameters: $requests (text) list of {key, segment}, e.g. [{key: 'electrodes', segment: 'upstream'}]
//             $region_ids (text) list of the report's region ids
//             $limit (int) candidates per subsector, e.g. 5
// columns: key, id, name, type, explicit, mentions, homes, settled, evidence
// example: bcikg query report_candidates_subsector --param "requests=[{key:'electrodes',segment:'upstream'}]" --param "region_ids=['region:中国/辽宁省/大连市']" --param limit=5
UNWIND $requests AS req
CALL (req) {
  MATCH (:Subsector {key: req.key})<-[:IN_SUBSECTOR]-(o:Organization)
  WHERE NOT EXISTS { (o)-[:LOCATED_IN|SIGNED_IN]->(r:Region) WHERE r.id IN $region_ids }
  WITH DISTINCT o
  WITH o,
       o.type = 'Company' AS company,
       EXISTS { (o)-[e:IN_SEGMENT]->(:Segment {key: req.segment}) WHERE e.explicit = true } AS explicit,
       COUNT { (o)-[:MENTIONED_IN]->() } AS mentions
  ORDER BY company DESC, explicit DESC, mentions DESC, o.name, o.id
  LIMIT $limit
  RETURN o, explicit, mentions
}
RETURN req.key AS key,
       o.id AS id,
       o.name AS name,
       o.type AS type,
       explicit,
       mentions,
       [(o)-[:LOCATED_IN]->(h:Region) | h {.id, .name, .full_name, .level}] AS homes,
       [(o)-[:SIGNED_IN]->(r:Region) | r {.id, .name, .full_name, .level}] AS settled,
       [(o)-[m:MENTIONED_IN]->(d:Document) |
         {doc_id: d.id, sentence: m.sentence, start: m.start, end: m.end, text: m.text}] AS evidence
