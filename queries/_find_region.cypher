// name: _find_region
// purpose: internal (parameter resolution): a region by id, or regions whose name, full name or
//          an alias equals what the user typed.
// parameters: $id (text, optional) $text (text, optional)
// example: MATCH (r:Region {id: 'region:中国/江西省'}) RETURN r.id AS id
MATCH (r:Region)
WHERE r.id = $id OR r.name = $text OR r.full_name = $text OR $text IN coalesce(r.aliases, [])
RETURN r.id AS id
ORDER BY id
