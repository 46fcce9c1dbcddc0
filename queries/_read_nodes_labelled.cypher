// name: _read_nodes_labelled
// purpose: internal (graph access, nodes_labelled): every node with one label ({any_label},
//          filled only from bcikg.schema's node labels).
// parameters: none
// example: MATCH (n:Hospital) RETURN n
MATCH (n:{any_label})
RETURN n.id AS id, labels(n) AS labels, properties(n) AS props
