// name: shortest_path
// purpose: How two organisations are connected: all shortest paths (up to 8 steps, at most 50
//          paths) over the extracted relations, through other organisations, regions they are
//          based or settled in, and policies. Segments, documents and the region hierarchy are
//          not used (they would connect everything).
// parameters: $source (org) organisation name or alias
//             $target (org) organisation name or alias
// columns: length, nodes, node_ids, relationships, relationship_ids
// example: bcikg query shortest_path --param source=脑虎科技 --param target=博睿康
MATCH (a:Organization {id: $source}), (b:Organization {id: $target})
MATCH p = allShortestPaths((a)-[:PARTNERS_WITH|CLINICAL_TRIAL_AT|INCUBATED_BY|OPERATES|INVESTS_IN|SIGNED_IN|LOCATED_IN|ISSUED|RESPONSIBLE_FOR*..8]-(b))
WITH p, [n IN nodes(p) | n.id] AS node_ids, [r IN relationships(p) | r.id] AS relationship_ids
RETURN length(p) AS length,
       [n IN nodes(p) | coalesce(n.name, n.id)] AS nodes,
       node_ids,
       [r IN relationships(p) | type(r)] AS relationships,
       relationship_ids
ORDER BY node_ids, relationship_ids
LIMIT 50
