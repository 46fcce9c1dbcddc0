// name: report_targets
// purpose: (bcikg report) Numeric policy goals for a set of regions (Target nodes about them), with
//          the policies that set them, the agencies that own them and the evidence sentences.
// parameters: $region_ids (text) list of region ids, e.g. ['region:中国/江苏省']
// columns: id, year, quantity, quantity_max, unit, subject, region, policies, agencies, segments, subsectors, pillars, evidence
// example: bcikg query report_targets --param "region_ids=['region:中国/江苏省']"
UNWIND $region_ids AS rid
MATCH (r:Region {id: rid})<-[:ABOUT]-(t:Target)
RETURN t.id AS id,
       t.year AS year,
       t.quantity AS quantity,
       t.quantity_max AS quantity_max,
       t.unit AS unit,
       t.subject AS subject,
       r {.id, .name, .full_name, .level} AS region,
       [(p:Policy)-[:SETS_TARGET]->(t) | p.name] AS policies,
       [(a:Organization)-[:OWNS_TARGET]->(t) | a.name] AS agencies,
       t.segments AS segments,
       t.subsectors AS subsectors,
       t.pillars AS pillars,
       [(t)-[m:MENTIONED_IN]->(d:Document) |
         {doc_id: d.id, sentence: m.sentence, start: m.start, end: m.end, text: m.text}] AS evidence
