// name: report_claims
// purpose: (bcikg report) What a set of regions says about its own chain: Claim nodes about them,
//          with the region, the chain links named and the evidence sentences.
// parameters: $region_ids (text) list of region ids, e.g. ['region:中国/辽宁省/大连市']
// columns: id, kind, region, segments, subsectors, pillars, evidence
// example: bcikg query report_claims --param "region_ids=['region:中国/辽宁省/大连市']"
UNWIND $region_ids AS rid
MATCH (r:Region {id: rid})<-[:ABOUT]-(c:Claim)
RETURN c.id AS id,
       c.kind AS kind,
       r {.id, .name, .full_name, .level} AS region,
       c.segments AS segments,
       c.subsectors AS subsectors,
       c.pillars AS pillars,
       [(c)-[m:MENTIONED_IN]->(d:Document) |
         {doc_id: d.id, sentence: m.sentence, start: m.start, end: m.end, text: m.text}] AS evidence
