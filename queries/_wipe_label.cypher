// name: _wipe_label
// purpose: internal (bcikg load --wipe): delete every node of one keyed label ({label}, from
//          bcikg.schema) and its relationships, in batches of $batch rows (auto-commit
//          transaction, as CALL … IN TRANSACTIONS requires).
// parameters: $batch (int)
// example: MATCH (n:Organization) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
MATCH (n:{label})
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch ROWS
