// name: _read_org_names
// purpose: internal (graph access, org_names): id, name and aliases of every organisation, for
//          the close choices offered when a name matches none.
// parameters: none
// example: MATCH (o:Organization) RETURN o.id, o.name
MATCH (o:Organization)
RETURN o.id AS id, o.name AS name, coalesce(o.aliases, []) AS aliases
