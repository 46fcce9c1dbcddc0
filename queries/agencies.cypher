// name: agencies
// purpose: Government agencies and the policies they issued (ISSUED) or are responsible for
//          (RESPONSIBLE_FOR, with the task); optionally only agencies based in a region or
//          policies that apply to it.
// parameters: $region (region, optional) region name or id, e.g. 江西省
// columns: agency, agency_id, relation, policy, policy_id, task, date, relation_id
// example: bcikg query agencies --param region=江西省
MATCH (a:Agency)-[rel:ISSUED|RESPONSIBLE_FOR]->(p:Policy)
WHERE $region IS NULL
   OR EXISTS { (a)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(:Region {id: $region}) }
   OR EXISTS { (p)-[:APPLIES_TO]->(:Region)-[:PART_OF*0..]->(:Region {id: $region}) }
RETURN a.name AS agency,
       a.id AS agency_id,
       type(rel) AS relation,
       p.name AS policy,
       p.id AS policy_id,
       rel.task AS task,
       coalesce(rel.date, p.date) AS date,
       rel.id AS relation_id
ORDER BY agency, agency_id, policy, policy_id, relation, relation_id
