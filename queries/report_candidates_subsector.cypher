// name: report_candidates_subsector
// purpose: (bcikg report) For each requested subsector, its organisations in rank order, the first
//          $limit of them: companies first, then an explicit statement of the subsector's segment,
//          then more mentions, then name and id. Starts from the Subsector node (index on key) and
//          reads only that subsector's organisations; mentions come from relationship degrees.
//          The report drops its own region's organisations from the top of the list, so it asks
//          for $limit = candidates wanted + the region's organisations in the subsector.
// parameters: $requests (text) list of {key, segment}, e.g. [{key: 'electrodes', segment: 'upstream'}]
//             $limit (int) rows per subsector, e.g. 8
// columns: key, id, name, type, explicit, mentions, homes, settled, evidence, corrected
// example: bcikg query report_candidates_subsector --param "requests=[{key:'electrodes',segment:'upstream'}]" --param limit=8
UNWIND $requests AS req
CALL (req) {
  MATCH (seg:Segment {key: req.segment})
  MATCH (:Subsector {key: req.key})<-[:IN_SUBSECTOR]-(o:Organization)
  WITH o, seg, o:Company AS company, COUNT { (o)-[:MENTIONED_IN]->() } AS mentions
  WITH o, company, mentions, EXISTS { (o)-[e:IN_SEGMENT]->(seg) WHERE e.explicit = true } AS explicit
  ORDER BY company DESC, explicit DESC, mentions DESC, o.name, o.id
  LIMIT $limit
  RETURN o, explicit, mentions
}
RETURN req.key AS key,
       o.id AS id,
       o.name AS name,
       o.type AS type,
       coalesce(o.corrected, false) AS corrected,
       explicit,
       mentions,
       [(o)-[:LOCATED_IN]->(h:Region) | h {.id, .name, .full_name, .level}] AS homes,
       [(o)-[:SIGNED_IN]->(r:Region) | r {.id, .name, .full_name, .level}] AS settled,
       [(o)-[m:MENTIONED_IN]->(d:Document) |
         {doc_id: d.id, sentence: m.sentence, start: m.start, end: m.end, text: m.text}] AS evidence
