// name: _find_orgs
// purpose: internal (parameter resolution): organisations whose id equals, or whose name or an
//          alias contains, what the user typed; bcikg.queries.run picks the exact match.
// parameters: $text (text)
// example: MATCH (o:Organization) WHERE o.name CONTAINS '脑虎' ...
MATCH (o:Organization)
WHERE o.id = $text OR o.name CONTAINS $text OR any(a IN coalesce(o.aliases, []) WHERE a CONTAINS $text)
RETURN o.id AS id, o.name AS name, o.aliases AS aliases
ORDER BY id
