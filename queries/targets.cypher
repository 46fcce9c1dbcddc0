// name: targets
// purpose: Numeric policy targets (e.g. 到2027年引进10家企业), optionally only those about a
//          region (sub-regions included), with the policy that sets them and the agencies that
//          own them.
// parameters: $region (region, optional) region name or id, e.g. 江苏省
// columns: policy, subject, year, quantity, quantity_max, unit, region, agencies, id
// example: bcikg query targets --param region=江苏省
MATCH (t:Target)
WHERE $region IS NULL OR EXISTS { (t)-[:ABOUT]->(:Region)-[:PART_OF*0..]->(:Region {id: $region}) }
OPTIONAL MATCH (p:Policy)-[:SETS_TARGET]->(t)
OPTIONAL MATCH (t)-[:ABOUT]->(r:Region)
CALL (t) {
  OPTIONAL MATCH (a:Organization)-[:OWNS_TARGET]->(t)
  WITH a
  ORDER BY a.name, a.id
  RETURN collect(a.name) AS agencies
}
RETURN p.name AS policy,
       t.subject AS subject,
       t.year AS year,
       t.quantity AS quantity,
       t.quantity_max AS quantity_max,
       t.unit AS unit,
       r.full_name AS region,
       agencies,
       t.id AS id
ORDER BY coalesce(policy, ''), coalesce(year, 0), subject, id, coalesce(region, '')
