// name: report_policies
// purpose: (bcikg report) Policies that apply to a set of regions (the policy pillar of a gap report).
// parameters: $region_ids (text) list of region ids, e.g. ['region:中国/江西省']
// columns: id, name, date, region
// example: bcikg query report_policies --param "region_ids=['region:中国/江西省']"
UNWIND $region_ids AS rid
MATCH (r:Region {id: rid})<-[:APPLIES_TO]-(p:Policy)
RETURN p.id AS id, p.name AS name, p.date AS date, r {.id, .name, .full_name, .level} AS region
