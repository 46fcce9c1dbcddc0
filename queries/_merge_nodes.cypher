// name: _merge_nodes
// purpose: internal (bcikg load): create or update one batch of nodes of one label set.
//          {label} is the keyed label (its uniqueness constraint on id makes MERGE an index
//          seek); {set_labels} adds the other labels, {remove_labels} drops organisation-type
//          labels that no longer apply. All three are filled only from bcikg.schema's fixed sets.
// parameters: $rows (list) [{id, props}], props includes id
// example: UNWIND [{id: 'segment:upstream', props: {id: 'segment:upstream', key: 'upstream'}}] AS row ...
UNWIND $rows AS row
MERGE (n:{label} {id: row.id})
SET n += row.props{remove_labels}{set_labels}
