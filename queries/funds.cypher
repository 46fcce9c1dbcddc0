// name: funds
// purpose: Funds and what they back: the organisations they invest in (INVESTS_IN) and, as
//          context, their partners (PARTNERS_WITH, either direction); optionally only funds based
//          or settled in a region. A fund with neither is listed once with empty columns.
// parameters: $region (region, optional) region name or id, e.g. 南昌
// columns: fund, fund_id, relation, target, target_id, target_type, sentence, relation_id
// example: bcikg query funds --param region=江西省
MATCH (f:Fund)
WHERE $region IS NULL
   OR EXISTS { (f)-[:LOCATED_IN|SIGNED_IN]->(:Region)-[:PART_OF*0..]->(:Region {id: $region}) }
OPTIONAL MATCH (f)-[rel:INVESTS_IN|PARTNERS_WITH]-(t:Organization)
  WHERE t <> f AND (type(rel) = 'PARTNERS_WITH' OR startNode(rel) = f)
RETURN f.name AS fund,
       f.id AS fund_id,
       type(rel) AS relation,
       t.name AS target,
       t.id AS target_id,
       t.type AS target_type,
       rel.sentence AS sentence,
       rel.id AS relation_id
ORDER BY fund, fund_id,
         CASE relation WHEN 'INVESTS_IN' THEN 0 WHEN 'PARTNERS_WITH' THEN 1 ELSE 2 END,
         coalesce(target, ''), coalesce(target_id, ''), coalesce(relation_id, '')
