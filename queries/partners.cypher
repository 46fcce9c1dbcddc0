// name: partners
// purpose: Partners of an organisation: every relationship it has with another organisation
//          (PARTNERS_WITH, CLINICAL_TRIAL_AT, INCUBATED_BY, OPERATES, INVESTS_IN, LOCATED_IN),
//          with its direction (out: the organisation is the subject) and the evidence sentence.
// parameters: $org (org) organisation name or alias, e.g. 脑虎科技
// columns: relation, direction, partner, partner_id, partner_type, sentence, relation_id
// example: bcikg query partners --param org=脑虎科技
MATCH (o:Organization {id: $org})-[rel:PARTNERS_WITH|CLINICAL_TRIAL_AT|INCUBATED_BY|OPERATES|INVESTS_IN|LOCATED_IN]-(p:Organization)
WHERE p <> o
RETURN type(rel) AS relation,
       CASE WHEN startNode(rel) = o THEN 'out' ELSE 'in' END AS direction,
       p.name AS partner,
       p.id AS partner_id,
       p.type AS partner_type,
       rel.sentence AS sentence,
       rel.id AS relation_id
ORDER BY relation, direction, partner, partner_id, relation_id
