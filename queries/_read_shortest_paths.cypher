// name: _read_shortest_paths
// purpose: internal (graph access, shortest_paths): all shortest paths between two nodes over
//          relationships of the types in {rel_types}, at most {max_length} steps (both slots are
//          filled from bcikg.schema's types and an int), in a total order.
// parameters: $source (text) $target (text) $limit (int)
// example: MATCH p = allShortestPaths((a)-[:PARTNERS_WITH*..8]-(b)) RETURN p
MATCH (a:Organization {id: $source}), (b:Organization {id: $target})
MATCH p = allShortestPaths((a)-[:{rel_types}*..{max_length}]-(b))
WITH [n IN nodes(p) | n.id] AS node_ids, [r IN relationships(p) | r.id] AS relationship_ids,
     [r IN relationships(p) | type(r)] AS relationships
RETURN node_ids, relationship_ids, relationships
ORDER BY node_ids, relationship_ids
LIMIT $limit
