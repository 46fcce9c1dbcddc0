// name: report_orgs
// purpose: (bcikg report) Organisations present in a set of regions: based there (LOCATED_IN) or
//          signed/settled there (SIGNED_IN), with their home and settled regions, segments,
//          subsectors, mentions and signing evidence.
// parameters: $region_ids (text) list of region ids, e.g. ['region:中国/江西省', 'region:中国/江西省/赣江新区']
// columns: id, name, type, homes, settled, segments, subsectors, mentions, corrected
// example: bcikg query report_orgs --param "region_ids=['region:中国/辽宁省/大连市']"
UNWIND $region_ids AS rid
MATCH (:Region {id: rid})<-[:LOCATED_IN|SIGNED_IN]-(o:Organization)
WITH DISTINCT o
RETURN o.id AS id,
       o.name AS name,
       o.type AS type,
       coalesce(o.corrected, false) AS corrected,
       [(o)-[:LOCATED_IN]->(h:Region) | h {.id, .name, .full_name, .level}] AS homes,
       [(o)-[s:SIGNED_IN]->(r:Region) | {region: r {.id, .name, .full_name, .level}, evidence: s.evidence}] AS settled,
       [(o)-[:IN_SEGMENT]->(s:Segment) | s.key] AS segments,
       [(o)-[:IN_SUBSECTOR]->(s:Subsector) | s.key] AS subsectors,
       [(o)-[m:MENTIONED_IN]->(d:Document) |
         {doc_id: d.id, sentence: m.sentence, start: m.start, end: m.end, text: m.text}] AS mentions
