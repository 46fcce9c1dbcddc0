// name: _read_find_orgs
// purpose: internal (graph access, find_orgs): organisations whose id equals, or whose name or an
//          alias contains, what the user typed; bcikg.queries.run picks the exact match.
// parameters: $text (text)
// example: MATCH (o:Organization) WHERE o.name CONTAINS '脑虎' RETURN o
MATCH (o:Organization)
WHERE o.id = $text OR o.name CONTAINS $text OR any(a IN coalesce(o.aliases, []) WHERE a CONTAINS $text)
RETURN o.id AS id, labels(o) AS labels, properties(o) AS props
