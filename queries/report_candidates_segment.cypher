// name: report_candidates_segment
// purpose: (bcikg report) For each requested segment, its organisations (IN_SEGMENT) in rank order,
//          the first $limit of them; rank as in report_candidates_subsector (company, explicit
//          segment statement, mentions, name, id). Starts from the Segment node (index on key).
// parameters: $requests (text) list of {key, segment}, e.g. [{key: 'upstream', segment: 'upstream'}]
//             $limit (int) rows per segment, e.g. 8
// columns: key, id, name, type, explicit, mentions, homes, settled, evidence, corrected
// example: bcikg query report_candidates_segment --param "requests=[{key:'upstream',segment:'upstream'}]" --param limit=8
UNWIND $requests AS req
CALL (req) {
  MATCH (seg:Segment {key: req.key})<-[e:IN_SEGMENT]-(o:Organization)
  WITH o, o:Company AS company, coalesce(e.explicit, false) AS explicit, COUNT { (o)-[:MENTIONED_IN]->() } AS mentions
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
