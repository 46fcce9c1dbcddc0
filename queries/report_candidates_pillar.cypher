// name: report_candidates_pillar
// purpose: (bcikg report) For each requested support pillar, the best-ranked organisations
//          elsewhere that support it: of one of its types, or of one of its name-cue types with a
//          cue word in the name (taxonomy.toml [[pillar]]). Both branches seek the index on
//          Organization.type. Rank: companies first, then more mentions, then name and id.
// parameters: $requests (text) list of {key, types, cue_types, cues}, e.g. [{key: 'capital', types: ['Fund'], cue_types: ['Platform'], cues: ['基金']}]
//             $region_ids (text) list of the report's region ids
//             $limit (int) candidates per pillar, e.g. 5
// columns: key, id, name, type, explicit, mentions, homes, settled, evidence
// example: bcikg query report_candidates_pillar --param "requests=[{key:'capital',types:['Fund'],cue_types:[],cues:[]}]" --param "region_ids=['region:中国/辽宁省/大连市']" --param limit=5
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
  WITH o
  WHERE NOT EXISTS { (o)-[:LOCATED_IN|SIGNED_IN]->(r:Region) WHERE r.id IN $region_ids }
  WITH o,
       o.type = 'Company' AS company,
       false AS explicit,
       COUNT { (o)-[:MENTIONED_IN]->() } AS mentions
  ORDER BY company DESC, mentions DESC, o.name, o.id
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
