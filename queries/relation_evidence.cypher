// name: relation_evidence
// purpose: The evidence behind the relations of an organisation (all of them, those with one
//          other organisation or region, or of one type): each relation with every sentence that
//          supports it.
// parameters: $org (org) organisation name or alias
//             $other (node, optional) the other end: an organisation or a region
//             $type (relation_type, optional) e.g. SIGNED_IN, PARTNERS_WITH, CLINICAL_TRIAL_AT
// columns: type, source, source_id, target, target_id, relation_id, evidence
// example: bcikg query relation_evidence --param org=脑虎科技 --param type=SIGNED_IN
MATCH (o:Organization {id: $org})-[rel]-(x)
WHERE rel.evidence IS NOT NULL
  AND ($type IS NULL OR type(rel) = $type)
  AND ($other IS NULL OR x.id = $other)
WITH DISTINCT rel
WITH rel, startNode(rel) AS a, endNode(rel) AS b
RETURN type(rel) AS type,
       coalesce(a.name, a.id) AS source,
       a.id AS source_id,
       coalesce(b.name, b.id) AS target,
       b.id AS target_id,
       rel.id AS relation_id,
       rel.evidence AS evidence
ORDER BY type, source_id, target_id, relation_id
