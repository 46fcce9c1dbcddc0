// name: _read_regions_with_data
// purpose: internal (graph access, regions_with_data): regions that an organisation is based or
//          settled in, or that a claim, target or policy is about.
// parameters: none
// example: MATCH (r:Region) WHERE EXISTS { (r)<-[:LOCATED_IN]-() } RETURN r
MATCH (r:Region)
WHERE EXISTS { (r)<-[:LOCATED_IN|SIGNED_IN|ABOUT|APPLIES_TO]-() }
RETURN r.id AS id, labels(r) AS labels, properties(r) AS props
