// name: hospital_trials
// purpose: Hospitals and the organisations running clinical trials there (CLINICAL_TRIAL_AT),
//          optionally only hospitals based in a region. Hospitals without a known trial are
//          listed with an empty organisation.
// parameters: $region (region, optional) region name or id, e.g. 江西省
// columns: hospital, hospital_id, hospital_region, organization, organization_id, sentence, relation_id
// example: bcikg query hospital_trials --param region=江西省
MATCH (h:Hospital)
WHERE $region IS NULL OR EXISTS { (h)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(:Region {id: $region}) }
OPTIONAL MATCH (h)-[:LOCATED_IN]->(hr:Region)
WITH h, hr
ORDER BY size(split(hr.id, '/')) DESC, hr.id
WITH h, collect(hr.full_name)[0] AS hospital_region
OPTIONAL MATCH (c:Organization)-[t:CLINICAL_TRIAL_AT]->(h)
RETURN h.name AS hospital,
       h.id AS hospital_id,
       hospital_region,
       c.name AS organization,
       c.id AS organization_id,
       t.sentence AS sentence,
       t.id AS relation_id
ORDER BY hospital, hospital_id, coalesce(organization, ''), coalesce(organization_id, ''), coalesce(relation_id, '')
