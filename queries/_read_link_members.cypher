// name: _read_link_members
// purpose: internal (graph access, link_members): the organisations of chain links (a subsector,
//          a segment, or a support pillar by type or name cue), with what ranking them needs: the
//          number of mentions, an explicit statement of the request's segment, a mention sentence
//          with one of the link's words, home regions, subsectors and whether an analyst corrected
//          it (bcikg fix). Starts from the Subsector or Segment node (index on key) or the index on
//          Organization.type.
// parameters: $requests (list) [{kind, key, segment, types, cue_types, name_cues, text_cues}]
// example: UNWIND [{kind: 'subsector', key: 'electrodes'}] AS req MATCH (:Subsector {key: req.key})<-[:IN_SUBSECTOR]-(o) RETURN o
UNWIND $requests AS req
CALL (req) {
  MATCH (:Subsector {key: req.key})<-[:IN_SUBSECTOR]-(o:Organization)
  WHERE req.kind = 'subsector'
  RETURN o
  UNION
  MATCH (:Segment {key: req.key})<-[:IN_SEGMENT]-(o:Organization)
  WHERE req.kind = 'segment'
  RETURN o
  UNION
  MATCH (o:Organization)
  WHERE req.kind = 'pillar' AND o.type IN req.types
  RETURN o
  UNION
  MATCH (o:Organization)
  WHERE req.kind = 'pillar' AND o.type IN req.cue_types AND any(c IN req.name_cues WHERE o.name CONTAINS c)
  RETURN o
}
RETURN req.kind AS kind,
       req.key AS key,
       o.id AS id,
       o.name AS name,
       o.type AS type,
       COUNT { (o)-[:MENTIONED_IN]->() } AS mentions,
       EXISTS { (o)-[e:IN_SEGMENT]->(s:Segment) WHERE e.explicit = true AND s.key = req.segment } AS explicit,
       EXISTS {
         (o)-[m:MENTIONED_IN]->() WHERE any(c IN coalesce(req.text_cues, []) WHERE m.sentence CONTAINS c)
       } AS cue,
       [(o)-[:LOCATED_IN]->(h:Region) | h.id] AS homes,
       [(o)-[:IN_SUBSECTOR]->(s:Subsector) | s.key] AS subsectors,
       coalesce(o.corrected, false) AS corrected
