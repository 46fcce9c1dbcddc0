// name: _merge_relationships
// purpose: internal (bcikg load): create or update one batch of relationships of one type
//          between nodes of two keyed labels ({source_label}, {target_label}, {type} come only
//          from bcikg.schema's fixed sets). Both ends are found through the id constraints.
// parameters: $rows (list) [{id, source, target, props}]
// example: UNWIND [{id: 'rel:…', source: 'org:…', target: 'region:…', props: {…}}] AS row ...
UNWIND $rows AS row
MATCH (a:{source_label} {id: row.source})
MATCH (b:{target_label} {id: row.target})
MERGE (a)-[r:{type} {id: row.id}]->(b)
SET r += row.props
