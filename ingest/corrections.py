"""Analyst corrections: decisions an analyst keeps next to the store, applied after resolution on
every ingest, so that they survive new articles and rebuilds.

The corrections file (``STORE/corrections.toml`` by default) holds one ``[[correction]]`` table
per decision, in the order the decisions were made, each with the names and ids users see, a
note (the analyst's evidence) and a timestamp::

    [[correction]]
    action = "set"
    name = "某某脑机科技有限公司"
    id = "org:0123456789abcdef"
    segment = ["midstream"]
    note = "its own site lists decoding software only"
    at = "2026-12-01T06:00:00+00:00"

Actions: ``set`` (type, region, settled_in, segment, subsector), ``reject``, ``merge`` (``other``
becomes part of ``name``), ``split`` (the alias ``other`` becomes an organisation of its own),
``add_org`` and ``add_relation`` (``name`` -[relation]-> ``other``).

:func:`apply_corrections` is a pure function of a KnowledgeGraph and the corrections: it finds
each correction's organisation by id, else by name, else by alias, applies the corrections in
order (on one field the later wins) and returns the corrected graph with the corrections that no
longer match anything (stale) or were overridden by a later one. The library never prints.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bcikg.domain.regions import gazetteer
from bcikg.errors import InputError
from bcikg.ingest.textutil import normalize_name, stable_hash
from bcikg.models import (
    SEGMENTS,
    IngestSummary,
    KnowledgeGraph,
    Organization,
    OrgType,
    Region,
    Relation,
    RelationKind,
    SegmentKey,
)

FILE_NAME = "corrections.toml"
APPLIED_NAME = "corrections.applied"  # fingerprint of the corrections the live graph was built with

Action = Literal["set", "reject", "merge", "split", "add_org", "add_relation"]
SET_FIELDS: tuple[str, ...] = ("type", "region", "settled_in", "segment", "subsector")
IssueKind = Literal["stale", "overridden", "redundant"]

_HEADER = """\
# bcikg corrections: an analyst's decisions about this store's graph, applied after resolution on
# every ingest (`bcikg fix --help`). One [[correction]] table per decision, oldest first; on one
# field of one organisation the later decision wins. Edit with `bcikg fix …` or by hand, review
# with `bcikg fix list`, keep it under version control.
"""


class Correction(BaseModel):
    """One analyst decision, as written in the corrections file."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    name: str = Field(description="the organisation as users see it (its name when the decision was made)")
    id: str | None = Field(default=None, description="its id then; found by name or alias when it changed")
    other: str | None = Field(
        default=None, description="merge: the organisation merged in; split: the alias; add_relation: target"
    )
    other_id: str | None = None
    relation: RelationKind | None = Field(default=None, description="add_relation: the relationship type")
    type: OrgType | None = None
    region: str | None = Field(default=None, description="home region id; '' clears it")
    settled_in: list[str] | None = Field(default=None, description="region ids; [] clears them")
    segment: list[SegmentKey] | None = Field(default=None, description="[] clears the segment")
    subsector: list[str] | None = Field(default=None, description="subsector keys; [] clears them")
    note: str = Field(default="", description="why: the analyst's own evidence")
    at: str = Field(default="", description="when the decision was recorded (ISO 8601, UTC)")

    def fields_set(self) -> list[str]:
        return [f for f in SET_FIELDS if getattr(self, f) is not None]

    def describe(self) -> str:
        """One line a user reads in `bcikg fix list`."""
        if self.action == "reject":
            return f"reject {self.name}"
        if self.action == "merge":
            return f"merge {self.other} into {self.name}"
        if self.action == "split":
            return f"split {self.other} off {self.name}"
        if self.action == "add_relation":
            return f"add {self.name} -[{self.relation}]-> {self.other}"
        values = ", ".join(f"{f}={_show(getattr(self, f))}" for f in self.fields_set())
        verb = "add" if self.action == "add_org" else "set"
        return f"{verb} {self.name}" + (f": {values}" if values else "")


def _show(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_short_region(str(v)) for v in value) + "]"
    return _short_region(str(value)) if value != "" else "(none)"


def _short_region(value: str) -> str:
    return value.removeprefix("region:中国/") if value.startswith("region:") else value


class CorrectionIssue(BaseModel):
    """A correction that did not apply as written."""

    model_config = ConfigDict(extra="forbid")

    number: int = Field(description="1-based position in the corrections file (`bcikg fix drop N`)")
    kind: IssueKind
    reason: str
    correction: Correction

    def line(self) -> str:
        return f"#{self.number} {self.kind}: {self.correction.describe()} — {self.reason}"


# ------------------------------------------------------------------ the file


def default_path(store_dir: Path | str) -> Path:
    return Path(store_dir) / FILE_NAME


def load_corrections(path: Path | str) -> list[Correction]:
    """The corrections in the file, oldest first; [] when the file does not exist."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the corrections file {path}: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"the corrections file {path} is not valid TOML ({exc}); fix it by hand") from None
    unknown = sorted(set(data) - {"correction"})
    if unknown:
        raise InputError(
            f"the corrections file {path} has an unknown table {unknown[0]!r}; use [[correction]]"
        )
    rows = data.get("correction", [])
    if not isinstance(rows, list):
        raise InputError(f"in {path}, write each decision as a [[correction]] table")
    out = []
    for i, row in enumerate(rows, 1):
        try:
            out.append(Correction.model_validate(row))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(
                f"correction #{i} in {path} is invalid ({where}: {first['msg']}); fix it by hand "
                "or remove it with `bcikg fix drop`"
            ) from None
    return out


def _toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def dumps_corrections(corrections: Sequence[Correction]) -> str:
    """The TOML text of the corrections: one table per decision, fields in a fixed order."""
    parts = [_HEADER]
    for c in corrections:
        lines = ["", "[[correction]]"]
        for key, value in c.model_dump().items():
            if value is None:
                continue
            if isinstance(value, list):
                lines.append(f"{key} = [{', '.join(_toml_string(str(v)) for v in value)}]")
            else:
                lines.append(f"{key} = {_toml_string(str(value))}")
        parts.append("\n".join(lines) + "\n")
    return "".join(parts)


def save_corrections(path: Path | str, corrections: Sequence[Correction]) -> None:
    """Write the file atomically (a new file renamed over the old one)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps_corrections(corrections), encoding="utf-8")
    tmp.replace(path)


def fingerprint(corrections: Sequence[Correction]) -> str:
    """What the graph depends on: the decisions (not the file's comments or layout)."""
    text = json.dumps([c.model_dump() for c in corrections], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ------------------------------------------------------------------ applying


def _key(text: str) -> str:
    return normalize_name(text)


class _State:
    """The organisations and relations being corrected, with name and alias indexes."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        # shallow copies: every change below assigns new lists, so kg itself is never changed
        self.orgs: dict[str, Organization] = {o.id: o.model_copy() for o in kg.organizations}
        self.relations: dict[str, Relation] = {r.id: r for r in kg.relations}
        self.by_end: dict[str, set[str]] = defaultdict(set)  # node id -> ids of its relations
        for r in kg.relations:
            self.by_end[r.source].add(r.id)
            self.by_end[r.target].add(r.id)
        self.by_name: dict[str, set[str]] = defaultdict(set)
        self.by_alias: dict[str, set[str]] = defaultdict(set)
        for org in self.orgs.values():
            self._index(org)
        self.removed: dict[str, int] = {}  # org id -> number of the correction that removed it
        self.merged_into: dict[str, str] = {}  # org id -> the organisation it was merged into
        self.set_by: dict[tuple[str, str], int] = {}  # (org id, field) -> correction that set it
        self.applied: list[tuple[int, Correction]] = []

    def _index(self, org: Organization) -> None:
        self.by_name[_key(org.name)].add(org.id)
        for alias in org.aliases:
            self.by_alias[_key(alias)].add(org.id)

    def _unindex(self, org: Organization) -> None:
        self.by_name[_key(org.name)].discard(org.id)
        for alias in org.aliases:
            self.by_alias[_key(alias)].discard(org.id)

    def replace(self, org: Organization) -> None:
        old = self.orgs.get(org.id)
        if old is not None:
            self._unindex(old)
        self.orgs[org.id] = org
        self._index(org)

    def remove(self, org_id: str, number: int) -> None:
        self._unindex(self.orgs.pop(org_id))
        self.removed[org_id] = number

    def find(self, name: str, org_id: str | None, *, added: bool = False) -> tuple[Organization | None, str]:
        """The organisation a correction means (by id, then name, then alias), or why none is."""
        if org_id and org_id in self.orgs:
            return self.orgs[org_id], ""
        key = _key(name)
        for index in (self.by_name, self.by_alias):
            hits = sorted(index.get(key, ()))
            if org_id and not added:
                # a decision about an extracted node does not land on one an analyst added (a
                # rejection does: the analyst may reject what they added under that name)
                hits = [h for h in hits if h == org_id or "added" not in self.orgs[h].analyst_fields]
            if len(hits) == 1:
                return self.orgs[hits[0]], ""
            if len(hits) > 1:
                names = "、".join(self.orgs[h].name for h in hits[:5])
                return None, f"{name} now names several organisations ({names})"
        if org_id and org_id in self.removed:
            return None, f"{name} was removed by correction #{self.removed[org_id]}"
        return None, f"no organisation is called {name} any more"

    def touch(self, org: Organization, field: str, note: str) -> Organization:
        """A copy of org marked as corrected on ``field`` with the note."""
        fields = list(org.analyst_fields)
        if field not in fields:
            fields.append(field)
        notes = [n for n in (org.analyst_note or "").split(" / ") if n]
        if note and note not in notes:
            notes.append(note)
        new = org.model_copy(update={"analyst_fields": fields, "analyst_note": " / ".join(notes) or None})
        self.replace(new)
        return new

    # -------------------------------------------------------------- relations

    def relations_of(self, org_id: str) -> list[Relation]:
        return [self.relations[i] for i in sorted(self.by_end.get(org_id, ()))]

    def drop_relation(self, rel_id: str) -> None:
        rel = self.relations.pop(rel_id, None)
        if rel is not None:
            self.by_end[rel.source].discard(rel_id)
            self.by_end[rel.target].discard(rel_id)

    def put_relation(self, rel: Relation) -> None:
        """Add a relation; one of the same kind between the same ends absorbs it (evidence joined)."""
        old = self.relations.get(rel.id)
        if old is None:
            same = _same_key(rel)
            old = next((r for r in self.relations_of(rel.source) if _same_key(r) == same), None)
            if old is not None:
                rel = rel.model_copy(update={"id": old.id})
        if old is not None and old is not rel:
            seen = {(e.doc_id, e.start, e.end) for e in old.evidence}
            evidence = list(old.evidence) + [
                e for e in rel.evidence if (e.doc_id, e.start, e.end) not in seen
            ]
            rel = old.model_copy(
                update={
                    "evidence": sorted(evidence, key=lambda e: (e.doc_id, e.start, e.end)),
                    "properties": {**rel.properties, **old.properties},
                }
            )
        self.relations[rel.id] = rel
        self.by_end[rel.source].add(rel.id)
        self.by_end[rel.target].add(rel.id)


def _same_key(rel: Relation) -> tuple[str, str, str, str, bool]:
    return (rel.type, rel.source, rel.target, str(rel.properties.get("task") or ""), _is_home(rel))


def _relation_id(kind: str, source: str, target: str, extra: str) -> str:
    # the same hash bcikg.ingest.resolve gives the relations it makes
    return "rel:" + stable_hash(kind, source, target, extra)


def _analyst_props(note: str) -> dict[str, str | int | float | None]:
    return {"provenance": "analyst", "analyst_note": note or None}


def _analyst_relation(
    kind: RelationKind, source: str, target: str, note: str, home: bool = False
) -> Relation:
    """A relationship the analyst decided (its id the hash resolve gives, with "analyst" as the extra)."""
    props = _analyst_props(note)
    return Relation(
        id=_relation_id(kind, source, target, "analyst"),
        type=kind,
        source=source,
        target=target,
        properties={"home": True, **props} if home else props,
    )


def _repointed(rel: Relation, source: str, target: str, extra: str) -> Relation:
    """The relationship moved to new ends, with the id resolve would give it there."""
    return rel.model_copy(
        update={"id": _relation_id(rel.type, source, target, extra), "source": source, "target": target}
    )


def _is_home(rel: Relation) -> bool:
    """A home region (LOCATED_IN a region), not a platform in a park (LOCATED_IN an organisation)."""
    return rel.type == "LOCATED_IN" and rel.target.startswith("region:")


def apply_corrections(
    kg: KnowledgeGraph, corrections: Sequence[Correction]
) -> tuple[KnowledgeGraph, list[CorrectionIssue]]:
    """The graph with the corrections applied in order, and the corrections that are stale (match
    nothing any more), overridden (a later correction sets the same field of the same
    organisation) or redundant (the extractor now finds what they add). ``kg`` is not changed;
    applying the result's corrections again changes nothing."""
    if not corrections:
        return kg, []
    state = _State(kg)
    issues: list[CorrectionIssue] = []

    def issue(number: int, kind: IssueKind, reason: str) -> None:
        issues.append(
            CorrectionIssue(number=number, kind=kind, reason=reason, correction=corrections[number - 1])
        )

    # merging and splitting one pair are two decisions on one question: the later stands
    last_on_pair: dict[frozenset[str], int] = {}
    undone: set[int] = set()
    for number, c in enumerate(corrections, 1):
        if c.action in ("merge", "split"):
            last_on_pair[frozenset((_key(c.name), _key(c.other or "")))] = number

    for number, c in enumerate(corrections, 1):
        if c.action in ("merge", "split"):
            later = last_on_pair[frozenset((_key(c.name), _key(c.other or "")))]
            if later != number:
                issue(number, "overridden", f"correction #{later} decides about {c.name} and {c.other} later")
                undone.add(later)
                continue
        if c.action == "add_org":
            org, _ = state.find(c.name, c.id)
            if org is None:
                org = Organization(id=added_org_id(c.name), type=c.type or "Company", name=c.name.strip())
                state.replace(org)
                org = state.touch(org, "added", c.note)
            else:
                issue(
                    number, "redundant", f"the extractor now finds {org.name} itself; its fields still apply"
                )
            _apply_set(state, org, c, number, issue)
            state.applied.append((number, c))
            continue
        org, why = state.find(c.name, c.id, added=c.action == "reject")
        if org is None:
            issue(number, "stale", why)
            continue
        state.applied.append((number, c))
        if c.action == "set":
            _apply_set(state, org, c, number, issue)
        elif c.action == "reject":
            if org.id != c.id and _key(c.name) in {_key(a) for a in org.analyst_aliases}:
                issue(
                    number, "stale", f"{c.name} was merged into {org.name} by an analyst; reject {org.name}"
                )
                continue
            for rel in state.relations_of(org.id):
                state.drop_relation(rel.id)
            state.remove(org.id, number)
        elif c.action == "merge":
            other, why = state.find(c.other or "", c.other_id)
            if other is None:
                issue(number, "stale", why)
            elif other.id == org.id:
                issue(number, "redundant", f"{c.other} and {c.name} are already one organisation")
            else:
                _merge(state, org, other, c.note, number, corrections)
        elif c.action == "split":
            if not _split(state, org, c.other or "", c.note):
                if number in undone:
                    issue(number, "redundant", "it only undoes the earlier merge of the pair; drop both")
                else:
                    issue(number, "stale", f"{org.name} has no alias {c.other} any more")
        elif c.action == "add_relation":
            if not _add_relation(state, org, c):
                target = c.other or ""
                _, why = state.find(target, c.other_id)
                issue(number, "stale", why or f"no organisation or region {target}")
        else:  # pragma: no cover - Literal
            raise AssertionError(c.action)

    return _finish(kg, state), sorted(issues, key=lambda i: i.number)


def added_org_id(name: str) -> str:
    return "org:" + stable_hash("analyst", _key(name))


def _apply_set(
    state: _State,
    org: Organization,
    c: Correction,
    number: int,
    issue: Callable[[int, IssueKind, str], None] | None,
    only: str | None = None,
) -> None:
    for field in c.fields_set():
        if only is not None and field != only:
            continue
        earlier = state.set_by.get((org.id, field))
        if earlier is not None and earlier != number and issue is not None:
            issue(earlier, "overridden", f"its {field} of {org.name} is replaced by correction #{number}")
        state.set_by[(org.id, field)] = number
        org = state.touch(org, field, c.note)
        if field == "type":
            org = org.model_copy(update={"type": c.type})
        elif field == "segment":
            segs = set(c.segment or ())
            org = org.model_copy(
                update={"segment": [s for s in SEGMENTS if s in segs], "segment_explicit": bool(segs)}
            )
        elif field == "subsector":
            org = org.model_copy(update={"subsectors": sorted(set(c.subsector or ()))})
        elif field == "region":
            region = c.region or None
            for rel in state.relations_of(org.id):
                if rel.source == org.id and _is_home(rel):
                    state.drop_relation(rel.id)
            if region:
                state.put_relation(_analyst_relation("LOCATED_IN", org.id, region, c.note, home=True))
            org = org.model_copy(update={"region": region})
        elif field == "settled_in":
            wanted = sorted(set(c.settled_in or ()))
            have = set()
            for rel in state.relations_of(org.id):
                if rel.source == org.id and rel.type == "SIGNED_IN":
                    if rel.target in wanted:
                        have.add(rel.target)
                    else:
                        state.drop_relation(rel.id)
            for region in wanted:
                if region not in have:
                    state.put_relation(_analyst_relation("SIGNED_IN", org.id, region, c.note))
            org = org.model_copy(update={"settled_in": wanted})
        state.replace(org)


def _merge(
    state: _State,
    keep: Organization,
    gone: Organization,
    note: str,
    number: int,
    corrections: Sequence[Correction],
) -> None:
    segs = set(keep.segment) | set(gone.segment)
    evidence = sorted([*keep.evidence, *gone.evidence], key=lambda e: (e.doc_id, e.start, e.end))
    aliases = sorted(({*keep.aliases, *gone.aliases, gone.name} - {keep.name}) - {""})
    region = keep.region or gone.region
    merged = keep.model_copy(
        update={
            "aliases": aliases,
            "region": region,
            "settled_in": sorted(set(keep.settled_in) | set(gone.settled_in)),
            "segment": [s for s in SEGMENTS if s in segs],
            "segment_explicit": keep.segment_explicit or gone.segment_explicit,
            "subsectors": sorted(set(keep.subsectors) | set(gone.subsectors)),
            "evidence": evidence,
            "analyst_aliases": sorted(
                {*keep.analyst_aliases, *gone.analyst_aliases, *gone.aliases, gone.name}
            ),
        }
    )
    fields = [*keep.analyst_fields, *(f for f in gone.analyst_fields if f not in keep.analyst_fields)]
    notes = [n for o in (keep, gone) for n in (o.analyst_note or "").split(" / ") if n]
    merged = merged.model_copy(
        update={"analyst_fields": fields, "analyst_note": " / ".join(dict.fromkeys(notes)) or None}
    )
    state.remove(gone.id, number)
    state.merged_into[gone.id] = keep.id
    state.replace(merged)
    state.touch(merged, "merged", note)
    for rel in state.relations_of(gone.id):
        state.drop_relation(rel.id)
        if _is_home(rel) and keep.region:
            continue  # the kept organisation's home stands
        source = keep.id if rel.source == gone.id else rel.source
        target = keep.id if rel.target == gone.id else rel.target
        if source == target:
            continue
        if rel.type == "PARTNERS_WITH" and target < source:
            source, target = target, source
        extra = (
            "analyst"
            if rel.properties.get("provenance") == "analyst"
            else str(rel.properties.get("task") or "")
        )
        state.put_relation(_repointed(rel, source, target, extra))
    # a field an analyst set on either keeps the later decision, not the union of both (as when the
    # file is applied again, to the merged node)
    for field in SET_FIELDS:
        by = max(state.set_by.get((gone.id, field), 0), state.set_by.get((keep.id, field), 0))
        if by:
            _apply_set(state, state.orgs[keep.id], corrections[by - 1], by, None, only=field)


def _split(state: _State, org: Organization, alias: str, note: str) -> bool:
    key = _key(alias)
    if not alias or key == _key(org.name) or key not in {_key(a) for a in org.aliases}:
        return False
    if key in {_key(a) for a in org.analyst_aliases}:
        return False  # an analyst merged it in: `fix drop` that merge instead
    moved = [e for e in org.evidence if _key(e.text) == key]
    kept = [e for e in org.evidence if _key(e.text) != key]
    new = Organization(
        id="org:" + stable_hash("analyst-split", _key(alias)),
        type=org.type,
        name=alias.strip(),
        evidence=moved,
    )
    state.replace(
        org.model_copy(update={"aliases": [a for a in org.aliases if _key(a) != key], "evidence": kept})
    )
    state.touch(state.orgs[org.id], "split", note)
    state.replace(new)
    state.touch(new, "split", note)
    # earlier decisions made by the alias's name now concern the new organisation
    for number, c in list(state.applied):
        if c.action in ("set", "add_org") and _key(c.name) == key:
            _apply_set(state, state.orgs[new.id], c, number, None)
        elif c.action == "add_relation" and key in (_key(c.name), _key(c.other or "")):
            source, _ = state.find(c.name, None if _key(c.name) == key else c.id)
            if source is not None:
                _add_relation(state, source, c)
    moved_sentences = {(e.doc_id, e.sentence) for e in moved}
    kept_sentences = {(e.doc_id, e.sentence) for e in kept}
    for rel in state.relations_of(org.id):
        if _is_home(rel) or not rel.evidence:
            continue
        sentences = {(e.doc_id, e.sentence) for e in rel.evidence}
        if sentences <= moved_sentences and not sentences & kept_sentences:
            state.drop_relation(rel.id)
            source = new.id if rel.source == org.id else rel.source
            target = new.id if rel.target == org.id else rel.target
            extra = str(rel.properties.get("task") or "")
            state.put_relation(_repointed(rel, source, target, extra))
    return True


def _add_relation(state: _State, org: Organization, c: Correction) -> bool:
    kind = c.relation or "PARTNERS_WITH"
    target_id: str | None = None
    other, _ = state.find(c.other or "", c.other_id)
    if other is not None:
        target_id = other.id
    elif c.other_id and c.other_id.startswith("region:") and c.other_id in gazetteer().by_id:
        target_id = c.other_id
    if target_id is None or target_id == org.id:
        return False
    source = org.id
    if kind == "PARTNERS_WITH" and target_id < source:
        source, target_id = target_id, source
    existing = [
        r
        for r in state.relations.values()
        if r.type == kind and r.source == source and r.target == target_id and not _is_home(r)
    ]
    props = _analyst_props(c.note)
    if existing:
        for rel in existing:
            state.put_relation(rel.model_copy(update={"properties": {**rel.properties, **props}}))
    else:
        state.put_relation(_analyst_relation(kind, source, target_id, c.note))
    if kind == "SIGNED_IN" and target_id.startswith("region:"):
        current = state.orgs[org.id]
        state.replace(current.model_copy(update={"settled_in": sorted({*current.settled_in, target_id})}))
    return True


def _finish(kg: KnowledgeGraph, state: _State) -> KnowledgeGraph:
    orgs = sorted(state.orgs.values(), key=lambda o: o.id)
    relations = sorted(state.relations.values(), key=lambda r: r.id)
    known = set(state.orgs)
    targets = kg.targets
    if state.removed:
        renamed = {gone: _survivor(state, gone) for gone in state.removed}
        targets = []
        for t in kg.targets:
            agencies = sorted({renamed.get(a, a) for a in t.agencies} & known)
            targets.append(t if agencies == t.agencies else t.model_copy(update={"agencies": agencies}))
    return kg.model_copy(
        update={
            "organizations": orgs,
            "relations": relations,
            "targets": targets,
            "regions": _with_regions(kg.regions, orgs, relations),
        }
    )


def _survivor(state: _State, gone: str) -> str:
    """The organisation a merged one became part of (itself when rejected)."""
    seen = {gone}
    while gone in state.merged_into and state.merged_into[gone] not in seen:
        gone = state.merged_into[gone]
        seen.add(gone)
    return gone


def _with_regions(
    regions: Sequence[Region], orgs: Iterable[Organization], relations: Iterable[Relation]
) -> list[Region]:
    gaz = gazetteer()
    have = {r.id for r in regions}
    wanted = {o.region for o in orgs if o.region} | {
        r.target for r in relations if r.target.startswith("region:")
    }
    extra: set[str] = set()
    for rid in wanted - have:
        if rid in gaz.by_id:
            extra.update(a for a in gaz.ancestors(rid) if a not in have)
    if not extra:
        return list(regions)
    return sorted([*regions, *(gaz.get(rid).to_model() for rid in extra)], key=lambda r: r.id)


# ------------------------------------------------------------------ the store's corrections


class StoreCorrections(BaseModel):
    """The corrections file a store uses, what it holds, and whether the store's graph was built
    with exactly these decisions."""

    model_config = ConfigDict(extra="forbid")

    store: Path
    path: Path
    items: list[Correction]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.items)

    def _applied(self) -> dict[str, object]:
        try:
            data = json.loads((self.store / APPLIED_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def applied_fingerprint(self) -> str:
        """The fingerprint of the corrections the live graph was built with (that of no
        corrections when never recorded: a store from before corrections)."""
        return str(self._applied().get("fingerprint") or fingerprint([]))

    def changed(self) -> bool:
        return self.applied_fingerprint() != self.fingerprint

    def recorded_issues(self) -> list[CorrectionIssue] | None:
        """The issues found when the live graph was built, if it was built with these decisions."""
        if self.changed():
            return None
        rows = self._applied().get("issues") or []
        if not isinstance(rows, list):
            return None
        try:
            return [CorrectionIssue.model_validate(row) for row in rows]
        except ValidationError:
            return None

    def record_applied(self, issues: Sequence[CorrectionIssue]) -> None:
        """Note (after the store was saved) that its graph holds these decisions, and their issues.
        A store without decisions has no such note (no file besides the database)."""
        if not self.items and not issues:
            (self.store / APPLIED_NAME).unlink(missing_ok=True)
            return
        data = {"fingerprint": self.fingerprint, "issues": [i.model_dump() for i in issues]}
        tmp = self.store / (APPLIED_NAME + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(self.store / APPLIED_NAME)


def store_corrections(store_dir: Path | str, path: Path | str | None = None) -> StoreCorrections:
    """The corrections of a store: ``path``, else ``STORE/corrections.toml``."""
    store = Path(store_dir)
    file = Path(path) if path is not None else default_path(store)
    return StoreCorrections(store=store, path=file, items=load_corrections(file))


# ------------------------------------------------------------------ making decisions (bcikg fix)

_NONE_WORDS = frozenset({"none", "无", "-", ""})
_TYPE_WORDS: dict[str, OrgType] = {
    "企业": "Company",
    "公司": "Company",
    "医院": "Hospital",
    "基金": "Fund",
    "政府部门": "Agency",
    "机构": "Agency",
    "科研机构": "Institute",
    "平台": "Platform",
}


def parse_type(text: str) -> OrgType:
    from bcikg.models import ORG_TYPES

    folded = text.strip().casefold()
    for t in ORG_TYPES:
        if folded == t.casefold():
            return t
    if text.strip() in _TYPE_WORDS:
        return _TYPE_WORDS[text.strip()]
    raise InputError(
        f"unknown type {text!r}; use one of {', '.join(ORG_TYPES)} (or 企业, 医院, 基金, 平台 …)"
    )


def parse_region(text: str) -> str:
    """A region id from a name as people write it; NotFound for a place the gazetteer lacks."""
    from bcikg.errors import NotFound

    rid = gazetteer().lookup(text)
    if rid is None or rid not in gazetteer().by_id:
        raise NotFound(f"unknown region {text!r}; write it like 江西省, 南昌, 赣江新区 or region:中国/江西省")
    return rid


def _split_words(values: Sequence[str]) -> list[str]:
    return [w.strip() for v in values for w in v.replace("，", ",").replace("、", ",").split(",")]


def parse_segments(values: Sequence[str]) -> list[SegmentKey]:
    """upstream/midstream/downstream or 上游/中游/下游, several by commas; 'none' clears."""
    from bcikg.queries.run import resolve_segment

    words = [w for w in _split_words(values) if w.casefold() not in _NONE_WORDS]
    keys = {resolve_segment(w) for w in words} - {"none"}
    return [s for s in SEGMENTS if s in keys]


def parse_subsectors(values: Sequence[str]) -> list[str]:
    """Subsector keys or names (electrodes, 电极 …), several by commas; 'none' clears."""
    from bcikg.domain.lexicon import taxonomy
    from bcikg.errors import NotFound
    from bcikg.queries.run import resolve_link

    keys = set()
    for word in (w for w in _split_words(values) if w.casefold() not in _NONE_WORDS):
        try:
            kind, key = resolve_link(word)
        except NotFound:
            kind, key = "", ""
        if kind != "subsector":
            known = ", ".join(f"{s.key} ({s.name})" for s in taxonomy().subsectors)
            raise NotFound(f"unknown subsector {word!r}; known subsectors: {known}")
        keys.add(key)
    return sorted(keys)


def parse_regions(values: Sequence[str]) -> list[str]:
    words = [w for w in _split_words(values) if w.casefold() not in _NONE_WORDS]
    return sorted({parse_region(w) for w in words})


def find_org(graph: nx.MultiDiGraph, text: str) -> tuple[str, str]:
    """(id, name) of the organisation a user names, resolved as reports resolve names: an id, the
    exact name, an alias, else a unique partial match; NotFound (listing the choices) otherwise."""
    from bcikg.queries.access import EmbeddedAccess
    from bcikg.queries.run import resolve_org

    org_id = resolve_org(text, EmbeddedAccess(graph))
    return org_id, str(graph.nodes[org_id]["name"])


def make_correction(
    graph: nx.MultiDiGraph,
    action: Action,
    name: str,
    *,
    other: str | None = None,
    relation: str | None = None,
    note: str = "",
    type: str | None = None,
    region: str | None = None,
    settled_in: Sequence[str] | None = None,
    segment: Sequence[str] | None = None,
    subsector: Sequence[str] | None = None,
) -> Correction:
    """A decision about the organisations of ``graph`` (the store's graph) by the names users type,
    with every value checked; raises NotFound / InputError with what to type instead."""
    from bcikg.errors import NotFound
    from bcikg.queries.run import resolve_relation_type

    fields: dict[str, object] = {
        "type": parse_type(type) if type else None,
        "region": None
        if region is None
        else ""
        if region.strip().casefold() in _NONE_WORDS
        else parse_region(region),
        "settled_in": None if settled_in is None else parse_regions(settled_in),
        "segment": None if segment is None else parse_segments(segment),
        "subsector": None if subsector is None else parse_subsectors(subsector),
    }
    values = {k: v for k, v in fields.items() if v is not None}
    row: dict[str, object] = {"action": action, "note": note.strip(), "at": now()}
    if action == "add_org":
        if "type" not in values:
            raise InputError("say what it is: --type Company, Hospital, Fund, Agency, Institute or Platform")
        name = name.strip()
        if not name:
            raise InputError("empty organisation name")
        for node, data in graph.nodes(data=True):
            if "Organization" in data.get("labels", ()) and _key(name) in {
                _key(str(n)) for n in (data.get("name", ""), *data.get("aliases", ()))
            }:
                raise InputError(
                    f"{name} is already in the graph as {data.get('name')} ({node}); "
                    "change it with `bcikg fix set`"
                )
        return Correction.model_validate({**row, "name": name, **values})
    org_id, org_name = find_org(graph, name)
    row.update(name=org_name, id=org_id)
    if action == "set":
        if not values:
            raise InputError("nothing to set: give --type, --region, --settled-in, --segment or --subsector")
        return Correction.model_validate({**row, **values})
    if values:
        raise InputError(f"`fix {action}` takes no field options; use `bcikg fix set` for them")
    if action == "reject":
        return Correction.model_validate(row)
    if not other:
        raise InputError(f"`fix {action}` needs a second name")
    if action == "merge":
        other_id, other_name = find_org(graph, other)
        if other_id == org_id:
            raise InputError(f"{name} and {other} are the same organisation ({org_id})")
        return Correction.model_validate({**row, "other": other_name, "other_id": other_id})
    if action == "split":
        aliases = [str(a) for a in graph.nodes[org_id].get("aliases", ())]
        match = [a for a in aliases if _key(a) == _key(other)]
        if not match:
            shown = "、".join(aliases) or "none"
            raise NotFound(f"{org_name} has no alias {other!r}; its aliases: {shown}")
        return Correction.model_validate({**row, "other": match[0]})
    if action == "add_relation":
        kind = resolve_relation_type(relation or "")
        if kind in ("ISSUED", "RESPONSIBLE_FOR"):
            raise InputError(f"{kind} points to a policy; corrections add relations between organisations")
        if kind == "LOCATED_IN" and gazetteer().lookup(other) is not None:
            raise InputError(f"for a home region use `bcikg fix set {org_name} --region {other}`")
        if kind == "SIGNED_IN":
            rid = parse_region(other)
            target = gazetteer().get(rid).to_model().full_name
            return Correction.model_validate({**row, "relation": kind, "other": target, "other_id": rid})
        other_id, other_name = find_org(graph, other)
        if other_id == org_id:
            raise InputError("a relation needs two different organisations")
        return Correction.model_validate({**row, "relation": kind, "other": other_name, "other_id": other_id})
    raise InputError(f"unknown action {action!r}")


# ------------------------------------------------------------------ changing a store's file


def rebuild(store_dir: Path | str, path: Path | str | None = None) -> IngestSummary:
    """Apply the corrections to the store's stored state now (no new articles), so that reports
    and exports see them; a no-op when the graph already holds exactly these decisions."""
    from bcikg.ingest.pipeline import ingest_paths

    return ingest_paths([], store_dir, workers=1, corrections=path)


def record_correction(
    store_dir: Path | str, path: Path | str | None, correction: Correction
) -> tuple[int, IngestSummary]:
    """Append a decision to the file and rebuild the store's graph; returns its number."""
    fixes = store_corrections(store_dir, path)
    items = [*fixes.items, correction]
    save_corrections(fixes.path, items)
    return len(items), rebuild(store_dir, fixes.path)


def drop_correction(
    store_dir: Path | str, path: Path | str | None, number: int
) -> tuple[Correction, IngestSummary]:
    """Remove decision ``number`` (1-based, as `bcikg fix list` shows) and rebuild."""
    fixes = store_corrections(store_dir, path)
    if not 1 <= number <= len(fixes.items):
        raise InputError(
            f"there is no correction #{number}; {fixes.path} holds {len(fixes.items)} (see `bcikg fix list`)"
        )
    items = list(fixes.items)
    dropped = items.pop(number - 1)
    save_corrections(fixes.path, items)
    return dropped, rebuild(store_dir, fixes.path)


def current_issues(
    store_dir: Path | str, path: Path | str | None = None
) -> tuple[StoreCorrections, list[CorrectionIssue]]:
    """The store's corrections and their issues (rebuilding the graph first when the file was
    edited by hand since the last build)."""
    fixes = store_corrections(store_dir, path)
    recorded = fixes.recorded_issues()
    if recorded is None:
        rebuild(store_dir, fixes.path)
        recorded = fixes.recorded_issues() or []
    return fixes, recorded
