// name: _read_regions_named
// purpose: internal (graph access, regions_named): regions whose name, full name or an alias
//          equals what the user typed.
// parameters: $text (text) e.g. 赣江新区
// example: MATCH (r:Region) WHERE r.name = '赣江新区' RETURN r.id
MATCH (r:Region)
WHERE r.name = $text OR r.full_name = $text OR $text IN coalesce(r.aliases, [])
RETURN r.id AS id
