// name: org_evidence
// purpose: The evidence behind an organisation: every sentence that mentions it, with the
//          document and the exact span (start/end are offsets into the document text).
// parameters: $org (org) organisation name or alias
// columns: doc_id, title, date, sentence, start, end, text
// example: bcikg query org_evidence --param org=脑虎科技
MATCH (o:Organization {id: $org})-[m:MENTIONED_IN]->(d:Document)
RETURN d.id AS doc_id,
       d.title AS title,
       d.date AS date,
       m.sentence AS sentence,
       m.start AS start,
       m.`end` AS `end`,
       m.text AS text
ORDER BY doc_id, start, `end`
