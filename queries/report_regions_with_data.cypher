// name: report_regions_with_data
// purpose: (bcikg report) Regions that some organisation is based or settled in, or that a claim,
//          target or policy is about; listed when a report names a region without data.
// parameters: none
// columns: id, name, full_name, level
// example: bcikg query report_regions_with_data
MATCH (r:Region)
WHERE EXISTS { (r)<-[:LOCATED_IN|SIGNED_IN|ABOUT|APPLIES_TO]-() }
RETURN r.id AS id, r.name AS name, r.full_name AS full_name, r.level AS level
ORDER BY full_name
