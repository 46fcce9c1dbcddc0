// name: report_candidates_pillar
// purpose: (bcikg report) For each requested support pillar, the organisations that support it in
//          rank order, the first $limit of them: those of one of its types, and those of one of its
//          name-cue types with a cue word in the name (taxonomy.toml [[pillar]]). Both branches seek
//          the index on Organization.type. Rank: companies first, then more mentions, name, id.
// parameters: $requests (text) list of {key, types, cue_types, cues}, e.g. [{key: 'capital', types: ['Fund'], cue_types: ['Platform'], cues: ['基金']}]
//             $limit (int) rows per pillar, e.g. 8
// columns: key, id, name, type, explicit, mentions, homes, settled, evidence, corrected
// example: bcikg query report_candidates_pillar --param "requests=[{key:'capital',types:['Fund'],cue_types:[],cues:[]}]" --param limit=8
UNWIND $requests AS req
CALL (req) {
  CALL (req) {
    MATCH (o:Organization)
    WHERE o.type IN req.types
    RETURN o
    UNION
    MATCH (o:Organization)
    WHERE o.type IN req.cue_types AND any(cue IN req.cues WHERE o.name CONTAINS cue)
    RETURN o
  }
  WITH o, o:Company AS company, COUNT { (o)-[:MENTIONED_IN]->() } AS mentions
  ORDER BY company DESC, mentions DESC, o.name, o.id
  LIMIT $limit
  RETURN o, false AS explicit, mentions
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
