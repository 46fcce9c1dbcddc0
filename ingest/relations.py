"""Relations between organisations, regions and policies, each with the sentence that states it.

Rules read the clause structure around cue verbs (kept in domain/data/relation_cues.toml):
who signs or settles where (SIGNED_IN), who works with whom (PARTNERS_WITH), who runs what
(OPERATES), which companies sit in an incubator (INCUBATED_BY), where trials run
(CLINICAL_TRIAL_AT), who funds whom (INVESTS_IN), who issued a policy (ISSUED) and who is
responsible for its tasks (RESPONSIBLE_FOR).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from bcikg.domain.lexicon import name_rules, read_data_text
from bcikg.domain.regions import COUNTRY_ID
from bcikg.ingest import classify
from bcikg.ingest.names import name_words
from bcikg.ingest.textutil import normalize_name
from bcikg.models import PolicyMention, RelationKind, RelationMention, Sentence

if TYPE_CHECKING:
    from bcikg.domain.regions import RegionHit
    from bcikg.ingest.extract import DocumentContext, Mention


@dataclass(frozen=True)
class Cues:
    partner_with: tuple[str, ...]  # X与Y<verb>
    partner_lead: tuple[str, ...]  # X<verb>Y
    continuation: tuple[str, ...]
    product_anaphors: tuple[str, ...]  # 这款机器人与Y合作: the maker named before
    modal: tuple[str, ...]
    realised: tuple[str, ...]
    cooperate: tuple[str, ...]  # verbs that make all participants partners (A、B与C合作)
    operate: tuple[str, ...]  # X<verb>(的)?<platform>
    operate_passive: tuple[str, ...]  # 由X<verb>的<platform>
    operate_institute: tuple[str, ...]  # X<verb><institute>
    subsidiary_roles: tuple[str, ...]  # A的子公司B
    host: tuple[str, ...]
    co_host: tuple[str, ...]
    joint_units: tuple[str, ...]
    settle: tuple[str, ...]
    project_start: tuple[str, ...]
    park_heads: tuple[str, ...]
    sign: tuple[str, ...]
    incubate_list: tuple[str, ...]
    origin: tuple[str, ...]
    clinical: tuple[str, ...]
    invest: tuple[str, ...]
    round_investor_verbs: tuple[str, ...]
    round_investor_adverbs: tuple[str, ...]
    round_roles: tuple[str, ...]
    round_shareholders: tuple[str, ...]
    round_verbs: tuple[str, ...]
    round_words: tuple[str, ...]
    round_anaphors: tuple[str, ...]
    locate_before_place: tuple[str, ...]
    locate_found_verbs: tuple[str, ...]
    locate_build_verbs: tuple[str, ...]
    issue: tuple[str, ...]
    responsible: tuple[str, ...]
    region_actor_heads: tuple[str, ...]
    policy_words: tuple[str, ...]


@cache
def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@cache
def _issue_verbs() -> re.Pattern[str]:
    """The verbs of issuing, in the data file's order (a regex alternation takes the first that fits)."""
    return re.compile("(?:" + "|".join(map(re.escape, (*cues().issue, "设立", "推出"))) + ")")


@cache
def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_CLAUSE_BREAK = re.compile(r"[，,。；;：:]")


def _find_all(words: tuple[str, ...], text: str) -> list[re.Match[str]]:
    """Every occurrence of any of the words (one compiled pattern per word list)."""
    return list(_rx(_alternation(words)).finditer(text))


@cache
def cues() -> Cues:
    raw = tomllib.loads(read_data_text("relation_cues.toml"))
    return Cues(**{key: tuple(value) for key, value in raw.items()})


def _relation(
    ctx: DocumentContext,
    kind: RelationKind,
    source: str,
    target: str,
    sentence: Sentence,
    start: int,
    end: int,
    target_kind: str = "org",
    date: str | None = None,
    **properties: str | int | float | None,
) -> RelationMention:
    return RelationMention(
        kind=kind,
        source=source,
        target=target,
        target_kind=target_kind,
        date=date,
        properties=dict(properties),
        evidence=ctx.evidence(sentence, start, end),
    )


_DATE = re.compile(r"(20\d\d|19\d\d)年(\d{1,2})月(\d{1,2})日")


def _date_in(text: str) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


class _Sentence:
    """The organisation mentions and region actors of one sentence, in order."""

    def __init__(
        self,
        ctx: DocumentContext,
        sentence: Sentence,
        mentions: list[Mention],
        previous_subject: list[Mention],
    ):
        self.ctx = ctx
        self.sentence = sentence
        self.text = sentence.text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.previous_subject = previous_subject

    def group_after(self, pos: int, limit: int | None = None) -> list[Mention]:
        """The run of mentions starting right after pos joined by 、/和/及 (A、B和C)."""
        out: list[Mention] = []
        cursor = pos
        end = limit if limit is not None else len(self.text)
        for m in self.mentions:
            if m.rel_start < cursor:
                continue
            gap = self.text[cursor : m.rel_start]
            if m.rel_end > end:
                break
            if not out:
                if len(gap) > 8 or re.search(r"[，,。；;：:]", gap):
                    break
            elif gap.strip(' “”"') not in ("、", "和", "及", "以及", "与", ""):
                break
            out.append(m)
            cursor = m.rel_end
        return out

    def clause_subjects(self) -> list[Mention]:
        """The first group of mentions that opens a clause (its subject)."""
        for m in self.mentions:
            clause_start = max(self.text.rfind(ch, 0, m.rel_start) for ch in "，,。；;：:") + 1
            if m.rel_start - clause_start <= 3:
                return self.group_after(clause_start)
        return []

    def group_before(self, pos: int) -> list[Mention]:
        """The run of mentions ending right before pos (A、B与…)."""
        out: list[Mention] = []
        cursor = pos
        for m in reversed(self.mentions):
            if m.rel_end > cursor:
                continue
            gap = self.text[m.rel_end : cursor]
            if not out:
                if len(gap) > 6 or re.search(r"[，,。；;：:]", gap):
                    break
            elif gap.strip(' “”"') not in ("、", "和", "及", "以及"):
                break
            out.insert(0, m)
            cursor = m.rel_start
        return out


def _region_actor(ctx: DocumentContext, text: str, pos: int) -> Mention | None:
    """新区/赣江新区/我市 as the subject of a clause stands for the body that governs it, when
    the document names that body (新区管委会, 市政府)."""
    clauses = re.split(r"[，,。；;：:]", text[:pos])
    clause = clauses[-1]
    if len(clause) <= 2 and len(clauses) > 1:
        clause = clauses[-2]  # 新区负责人透露,将推出…: the speaker's clause names the actor
    for head in cues().region_actor_heads:
        i = clause.find(head)
        if i >= 0 and i <= 4:
            region = ctx.zone_for_word.get(head) or (ctx.zone if head == "新区" else None)
            if region is None and head.endswith(("市", "省")):
                region = ctx.gaz.ancestor_at(ctx.region, "city" if head.endswith("市") else "province")
            elif region is None and head.endswith("区") and head != "园区":
                region = ctx.region
            return _governing_body(ctx, region)
    return None


def _governing_body(ctx: DocumentContext, region: str | None) -> Mention | None:
    if region is None:
        return None
    for m in ctx.mentions:
        if (
            m.type == "Agency"
            and m.home == region
            and m.name.endswith(("管委会", "管理委员会", "人民政府", "政府"))
        ):
            return m
    return None


def _subject(ctx: DocumentContext, s: _Sentence, pos: int, last_company: Mention | None) -> list[Mention]:
    """Who acts at pos: the mentions at the start of the clause, a region actor, or 其 (the
    company spoken of just before)."""
    clause_start = max(s.text.rfind(ch, 0, pos) for ch in "，,。；;：:") + 1
    head = s.text[clause_start:pos]
    group = s.group_after(clause_start, pos)
    if group and group[0].rel_start - clause_start <= 3:
        return group
    if re.match(r"\s*(?:其|该公司|该企业|企业|公司|本公司)", head) and last_company is not None:
        return [last_company]
    if head.lstrip().startswith(cues().product_anaphors):
        makers = [m for m in s.mentions if m.rel_end <= clause_start and m.type == "Company"]
        if makers:
            return makers[-1:]
        if last_company is not None:
            return [last_company]
    actor = _region_actor(ctx, s.text, pos)
    if actor is not None:
        return [actor]
    # the subject of the sentence carries over to later clauses without one
    first = s.group_after(0)
    if first and first[0].rel_start <= 3 and first[0].rel_end <= pos:
        return first
    actor = _region_actor(ctx, s.text, min(len(s.text), 8))
    if actor is not None:
        return [actor]
    # 并与X签约: a sentence that continues the previous one keeps its subject
    if s.text.startswith(cues().continuation) and s.previous_subject:
        return s.previous_subject
    return []


_COMPANY_ANAPHOR = re.compile(r"\s*(?:该公司|该企业|公司|企业)")


def extract_relations(ctx: DocumentContext, mentions: list[Mention]) -> list[RelationMention]:
    ctx.mentions = mentions
    c = cues()
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence.index, []).append(m)
    out: list[RelationMention] = []
    last_company: Mention | None = None
    signing_region, signing_date = _signing_event(ctx)
    signing_list_open = False
    previous_subject: list[Mention] = []
    round_company: Mention | None = None  # the company whose funding round was reported last
    round_investors: set[str] = set()  # investors of rounds whose company is not named
    hits_by_sentence: dict[int, list[RegionHit]] = {}
    for hit_sentence, hit in ctx.region_hits:
        hits_by_sentence.setdefault(hit_sentence.index, []).append(hit)
    for sentence in ctx.sentences:
        here = by_sentence.get(sentence.index, [])
        if not here:
            # no organisation: nothing to relate, but a signing list may open or close here, and
            # 该公司总部位于P speaks of the company named before
            signing_list_open = _list_state(ctx, sentence, signing_list_open)
            if last_company is not None and _COMPANY_ANAPHOR.match(sentence.text):
                bare = _Sentence(ctx, sentence, [], previous_subject)
                out += _located(ctx, bare, hits_by_sentence.get(sentence.index, []), last_company)
            if not sentence.text.startswith(c.continuation):
                previous_subject = []
            continue
        s = _Sentence(ctx, sentence, here, previous_subject)
        heads = s.clause_subjects()
        if heads:
            previous_subject = heads
        elif not sentence.text.startswith(c.continuation):
            previous_subject = []
        out += _partners(ctx, s, last_company)
        out += _operates(ctx, s, last_company)
        out += _incubation(ctx, s)
        out += _clinical(ctx, s)
        invested, round_company = _investment(ctx, s, round_company, round_investors, last_company)
        out += invested
        out += _located(ctx, s, hits_by_sentence.get(sentence.index, []), last_company)
        settled, signing_list_open = _settlement(ctx, s, signing_region, signing_date, signing_list_open)
        out += settled
        for m in here:
            if m.type == "Company":
                last_company = m
    out += _inside_parks(ctx, by_sentence)
    out += _issued(ctx, by_sentence)
    out += _responsibilities(ctx, by_sentence)
    _investors_are_funds(mentions, {r.source for r in out if r.kind == "INVESTS_IN"} | round_investors)
    return _dedupe(out)


def _investors_are_funds(mentions: list[Mention], investors: set[str]) -> None:
    """An investor of a round named without a company's suffix (某某领投, 老股东某某跟投) is a fund;
    one whose name ends like a company (某某科技有限公司战略投资) stays a company."""
    if not investors:
        return
    rules = name_rules()
    company_endings = tuple(
        suffix
        for suffix, kind in (*rules.strong_suffixes.items(), *rules.weak_suffixes.items())
        if kind == "Company"
    )
    for m in mentions:
        if m.name in investors and m.type == "Company" and not m.name.endswith(company_endings):
            m.type = "Fund"


def _dedupe(rels: list[RelationMention]) -> list[RelationMention]:
    seen: set[tuple] = set()
    out = []
    # a trial at a hospital says more than working with it: no PARTNERS_WITH for that pair there
    trials = {
        (frozenset((r.source, r.target)), r.evidence.sentence) for r in rels if r.kind == "CLINICAL_TRIAL_AT"
    }
    for r in rels:
        if r.source == r.target:
            continue
        if r.kind == "PARTNERS_WITH" and (frozenset((r.source, r.target)), r.evidence.sentence) in trials:
            continue
        key = (r.kind, r.source, r.target, r.evidence.start, r.evidence.end)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


def _span(a: Mention, b: Mention) -> tuple[int, int]:
    return (min(a.start, b.start), max(a.end, b.end))


# ---------------------------------------------------------------- partners


_CO_INVESTING = re.compile(r"(?:联合|共同)?(?:领投|跟投|参投|独家投资|共同投资|联合投资)")
_OPEN, _CLOSE = "（(", "）)"


def _clause_end(text: str, pos: int) -> int:
    """Where the clause from pos ends: the next clause mark outside brackets (某公司(以下简称:某某)
    签署… is one clause)."""
    depth = 0
    for i in range(pos, len(text)):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch in "，,。；;：:":
            return i
    return len(text)


_JOINED_BY = re.compile(r"(?:联合|携手|会同)$")


def _partners(ctx: DocumentContext, s: _Sentence, last_company: Mention | None) -> list[RelationMention]:
    c = cues()
    out: list[RelationMention] = []

    def add(a: Mention, b: Mention, verb: str) -> None:
        if a.name == b.name:
            return
        start, end = _span(a, b)
        out.append(_relation(ctx, "PARTNERS_WITH", a.name, b.name, s.sentence, start, end, verb=verb))

    text = s.text
    # X与Y…<verb>: 与 joins partners when a cooperation verb closes the clause
    for m in re.finditer(r"[与和同跟]", text):
        pos = m.start()
        clause_end = _clause_end(text, pos)
        rest = text[m.end() : clause_end]
        if _CO_INVESTING.search(rest):
            continue  # A和B联合领投: co-investors of a round, not partners
        verb = next((v for v in c.partner_with if v in rest), None)
        objects = s.group_after(m.end(), clause_end)
        if not objects:
            continue
        after_objects = text[objects[-1].rel_end : clause_end]
        if after_objects.startswith("等") and not verb:
            continue  # 复旦大学和华山医院等卓越机构: a list, not a partnership
        subjects = s.group_before(pos)
        joined_by = _JOINED_BY.search(text, 0, subjects[0].rel_start) if subjects else None
        if joined_by is not None:
            # A联合B、C等与D共同发起: B and C join A, who acts with D
            subjects = s.group_before(joined_by.start()) or _subject(ctx, s, joined_by.start(), last_company)
        elif not subjects:
            subjects = _subject(ctx, s, pos, last_company)
        if not subjects:
            continue
        if verb is None:
            # 由A与B…启动: two bodies joined by 与 as one subject act together
            joined = len(subjects) == 1 and len(objects) == 1 and text[pos] == "与"
            followed_by_action = re.match(
                r"[^，,。；;]{0,12}(?:启动|开展|共同|联合|同时|合作|共建|签署|签订)", after_objects
            )
            if not (joined and followed_by_action):
                continue
            verb = "与"
        for a in subjects:
            for b in objects:
                add(a, b, verb)
        if verb in c.cooperate and len(subjects) > 1:
            for i, a in enumerate(subjects):
                for b in subjects[i + 1 :]:
                    add(a, b, verb)
    # X联合/携手/联动Y
    for m in _find_all(c.partner_lead, text):
        verb = m.group(0)
        objects = s.group_after(m.end())
        if not objects or _CO_INVESTING.match(text, m.start()):
            continue
        # the names right before the verb (某研究所(简称)联合某公司), else the clause's subject
        subjects = s.group_before(m.start()) or _subject(ctx, s, m.start(), last_company)
        for a in subjects:
            for b in objects:
                add(a, b, verb)
    # 由A主办，B、C承办: the host works with each co-organiser; joint hosts with each other
    for hit in _find_all(c.host, text):
        hosts = s.group_before(hit.start())
        if not hosts:
            continue
        if hit.group(0) != "主办":
            for i, a in enumerate(hosts):
                for b in hosts[i + 1 :]:
                    add(a, b, hit.group(0))
        for co in _find_all(c.co_host, text[hit.end() :]):
            for b in s.group_before(hit.end() + co.start()):
                for a in hosts:
                    add(a, b, co.group(0))
    # 完成单位：A，B，C: the lead unit works with each of the others
    for hit in _find_all(c.joint_units, text):
        rest = text[hit.end() :]
        if not rest.startswith(("：", ":", "为", "有", "包括")):
            continue
        units = [m for m in s.mentions if m.rel_start >= hit.end()]
        for b in units[1:]:
            add(units[0], b, hit.group(0))
    # A、B…共同为X揭牌
    for m in re.finditer(r"(?:共同|一起|联合)?为", text):
        targets = s.group_after(m.end())
        if not targets or not re.match(r"[^，,。；;]{0,2}揭牌", text[targets[-1].rel_end :]):
            continue
        subjects = [x for x in s.mentions if x.rel_end <= m.start()]
        for a in subjects:
            for b in targets:
                add(a, b, "揭牌")
    return out


# ---------------------------------------------------------------- operates


def _operates(ctx: DocumentContext, s: _Sentence, last_company: Mention | None) -> list[RelationMention]:
    c = cues()
    out: list[RelationMention] = []
    text = s.text
    for m in s.mentions:
        institute = m.type == "Institute"
        if m.type != "Platform" and not institute and not (m.type == "Hospital" and m.cand.prefix == "org"):
            continue
        if m.cand.rule in ("alias", "anaphor") and m.cand.name not in text[m.rel_start : m.rel_end]:
            continue
        before = text[: m.rel_start]
        # 由X下属Y运营的Z
        passive = _rx(r"由([^，,。；;]{2,40}?)(?:" + _alternation(c.operate_passive) + r")的?$").search(
            before
        )
        if passive:
            owners = [
                x for x in s.mentions if passive.start(1) <= x.rel_start and x.rel_end <= passive.end(1)
            ]
            if owners:
                owner = owners[-1]  # 临港集团下属临港科投公司: the one named last runs it
                out.append(
                    _relation(ctx, "OPERATES", owner.name, m.name, s.sentence, *_span(owner, m), verb="运营")
                )
            continue
        # Z由X运营: the platform first, its operator after 由
        after = text[m.rel_end :]
        by = _rx(
            r"(?:将|已|现|目前)?由([^，,。；;]{2,30}?)(?:" + _alternation(c.operate_passive) + ")"
        ).match(after)
        if by:
            owners = [
                x
                for x in s.mentions
                if m.rel_end + by.start(1) <= x.rel_start and x.rel_end <= m.rel_end + by.end(1)
            ]
            for owner in owners[-1:]:
                out.append(
                    _relation(ctx, "OPERATES", owner.name, m.name, s.sentence, *_span(owner, m), verb="运营")
                )
            continue
        # Z聚焦…，由X牵头共建: the subject of the sentence, its builder in a later clause
        later = _rx(
            r"[，,](?:将|已|现|目前|主要)?由([^，,。；;]{2,30}?)(?:" + _alternation(c.operate_passive) + ")"
        )
        by_later = later.search(after) if m.rel_start <= 3 else None
        if by_later and not any(
            x.type in ("Platform", "Institute") and m.rel_end <= x.rel_start < m.rel_end + by_later.start()
            for x in s.mentions
        ):
            owners = [
                x
                for x in s.mentions
                if m.rel_end + by_later.start(1) <= x.rel_start and x.rel_end <= m.rel_end + by_later.end(1)
            ]
            for owner in owners[-1:]:
                out.append(
                    _relation(ctx, "OPERATES", owner.name, m.name, s.sentence, *_span(owner, m), verb="运营")
                )
            if owners:
                continue
        clause_start = max(before.rfind(ch) for ch in "。；;") + 1
        clause = before[clause_start:]
        verb = None
        for v in c.operate_institute if institute else c.operate:
            i = clause.rfind(v)
            if i >= 0 and re.fullmatch(
                r"[^，,。；;]*", clause[i + len(v) :].replace("、", "").replace("和", "")
            ):
                verb = v
                break
        if verb is None:
            continue
        verb_pos = clause_start + clause.rfind(verb)
        if any(word in clause[: clause.rfind(verb)] for word in c.modal):
            continue  # 支持赣江新区建设…中心: a plan, not who runs it
        # the operators: the subject of the sentence and whoever it works with (联合X)
        subjects = _subject(ctx, s, verb_pos, last_company)
        partners: list[Mention] = []
        for lead in ("联合", "携手", "会同"):
            i = text.rfind(lead, 0, verb_pos)
            if i >= 0:
                partners += s.group_after(i + len(lead), verb_pos)
        for owner in [*subjects, *partners]:
            if (owner.name != m.name and owner.type != "Platform") or (
                owner.name != m.name and m.type == "Platform" and owner.type == "Company"
            ):
                out.append(
                    _relation(ctx, "OPERATES", owner.name, m.name, s.sentence, *_span(owner, m), verb=verb)
                )
    out += _subsidiaries(ctx, s)
    out += _units(ctx, s)
    # a nested owner runs the centre named after it (南大一附院脑机接口临床研究中心)
    # (a university's or an academy's centre is one of its units, an Institute of its own)
    for m in s.mentions:
        if m.cand.rule == "nested" and m.type != "Institute":
            outer = next((x for x in s.mentions if x is not m and x.start == m.start and x.end > m.end), None)
            if outer is not None:
                out.append(
                    _relation(
                        ctx, "OPERATES", m.name, outer.name, s.sentence, outer.start, outer.end, verb="nested"
                    )
                )
    return out


def _units(ctx: DocumentContext, s: _Sentence) -> list[RelationMention]:
    """该校某研究院: the university (or institute) named last before runs the unit."""
    out: list[RelationMention] = []
    anaphors = name_words().unit_anaphors
    for m in s.mentions:
        if m.type != "Institute":
            continue
        word = next((w for w in anaphors if s.text.endswith(w, 0, m.rel_start)), None)
        if word is None:
            continue
        owners = [
            x
            for x in ctx.mentions
            if x.end <= m.start - len(word) and x.name != m.name and x.name.endswith(anaphors[word])
        ]
        if owners:
            owner = max(owners, key=lambda x: x.start)
            out.append(
                _relation(
                    ctx, "OPERATES", owner.name, m.name, s.sentence, m.start - len(word), m.end, verb="unit"
                )
            )
    return out


_ROLE_LINK = re.compile(r"\s*(?:——|—|－|-|:|：)?\s*")
_IS = re.compile(r"\s*(?:是|为|系|作为)\s*$")


def _subsidiaries(ctx: DocumentContext, s: _Sentence) -> list[RelationMention]:
    """A的全资子公司B / A在某领域的核心企业——B: A runs B; B是A的子公司 says the same."""
    out: list[RelationMention] = []
    text = s.text
    roles = _rx(_alternation(cues().subsidiary_roles))
    for hit in roles.finditer(text):
        clause_start = max(text.rfind(ch, 0, hit.start()) for ch in "，,。；;：:") + 1
        parents = [
            m
            for m in s.mentions
            if clause_start <= m.rel_start and m.rel_end <= hit.start() and m.type in ("Company", "Institute")
        ]
        if not parents:
            continue
        parent = parents[-1]  # the one named last before the role
        if not text[parent.rel_end : hit.start()].endswith(("的", "旗下", "下属")):
            continue  # A子公司 without 的 is a name's part or a kind, not a statement
        link = _ROLE_LINK.match(text, hit.end())
        named = [
            m for m in s.mentions if link is not None and m.rel_start == link.end() and m.type == "Company"
        ]
        if not named:
            # B是A的子公司: the company before 是 at the start of the clause
            named = [
                m
                for m in parents[:-1]
                if _IS.match(text[m.rel_end : parent.rel_start]) and m.rel_start - clause_start <= 3
            ]
        for child in named:
            if child.name != parent.name:
                out.append(
                    _relation(
                        ctx,
                        "OPERATES",
                        parent.name,
                        child.name,
                        s.sentence,
                        *_span(parent, child),
                        verb="子公司",
                    )
                )
    return out


# ---------------------------------------------------------------- incubation, trials, investment


def _incubation(ctx: DocumentContext, s: _Sentence) -> list[RelationMention]:
    c = cues()
    out: list[RelationMention] = []
    text = s.text
    incubators = [
        m for m in s.mentions if m.type == "Platform" and any(w in m.name for w in ("孵化", "加速器", "园"))
    ]
    for hit in _find_all(c.incubate_list, text):
        members = s.group_after(hit.end())
        host = [x for x in incubators if x.rel_end <= hit.start()]
        if not host:
            host = [x for x in incubators]
        if not members or not host:
            continue
        for member in members:
            if member.type != "Company":
                continue
            out.append(
                _relation(
                    ctx,
                    "INCUBATED_BY",
                    member.name,
                    host[-1].name,
                    s.sentence,
                    *_span(member, host[-1]),
                )
            )
    # 某公司是清华大学孵化的企业: the subject came out of the institute
    for m in s.mentions:
        if m.type not in ("Institute", "Company", "Platform"):
            continue
        after = text[m.rel_end : m.rel_end + 16]
        if _rx(r"(?:" + _alternation(c.origin) + r")的[^，,。；;]{0,8}(?:企业|公司)").match(after):
            before = text[: m.rel_start]
            if re.search(r"(?:是|为|系)$", before):
                for subject in s.clause_subjects() or []:
                    if subject is not m and subject.type == "Company":
                        out.append(
                            _relation(
                                ctx, "INCUBATED_BY", subject.name, m.name, s.sentence, *_span(subject, m)
                            )
                        )
    # 某公司由某大学教授团队创办: the company came out of the institute
    for m in s.mentions:
        if m.type not in ("Institute", "Hospital") or not text[: m.rel_start].endswith("由"):
            continue
        if _rx(r"[^，,。；;]{0,8}?(?:创办|创立|孵化|发起成立|创建)").match(text, m.rel_end):
            for subject in s.clause_subjects():
                if subject.type == "Company" and subject.rel_end <= m.rel_start:
                    out.append(
                        _relation(ctx, "INCUBATED_BY", subject.name, m.name, s.sentence, *_span(subject, m))
                    )
    # 北大研发的深脑医疗: a company that came out of a university or institute
    for m in s.mentions:
        if m.type != "Company":
            continue
        before = text[: m.rel_start]
        for verb in c.origin:
            if before.endswith(verb + "的"):
                origin = [x for x in s.mentions if x.rel_end == m.rel_start - len(verb) - 1]
                for o in origin:
                    if o.type in ("Institute", "Company", "Hospital"):
                        out.append(_relation(ctx, "INCUBATED_BY", m.name, o.name, s.sentence, *_span(o, m)))
    return out


def _clinical(ctx: DocumentContext, s: _Sentence) -> list[RelationMention]:
    c = cues()
    text = s.text
    if not any(word in text for word in c.clinical):
        return []

    def trial_site(m: Mention) -> bool:
        if text[max(0, m.rel_start - 1) : m.rel_start] in ("在", "于", "赴"):
            return True  # 在某医院完成植入手术
        # 与某医院合作开展…临床试验
        if text[max(0, m.rel_start - 1) : m.rel_start] in ("与", "和", "同"):
            clause_end = _CLAUSE_BREAK.search(text, m.rel_end)
            clause = text[m.rel_end : clause_end.start() if clause_end else len(text)]
            return "合作" in clause and any(word in clause for word in c.clinical)
        return False

    hospitals = [m for m in s.mentions if m.type == "Hospital" and trial_site(m)]
    companies = [m for m in s.mentions if m.type == "Company"]
    out = []

    def add(actor: Mention, h: Mention) -> None:
        if actor.name != h.name:
            out.append(_relation(ctx, "CLINICAL_TRIAL_AT", actor.name, h.name, s.sentence, *_span(actor, h)))

    for h in hospitals:
        for company in companies:
            add(company, h)
    # 由某大学某学院团队牵头，联合某医院…完成(首例植入): the hospitals joined are the trial sites
    for hit in _find_all(("联合", "携手", "会同"), text):
        # the hospitals joined, also when their doctors are named after them (某医院某教授、某医院…)
        end = _clause_end(text, hit.end())
        sites = [
            m
            for m in s.mentions
            if hit.end() <= m.rel_start and m.rel_end <= end and m.type == "Hospital" and m not in hospitals
        ]
        if not sites:
            continue
        actors = [m for m in _subject(ctx, s, hit.start(), None) if m.type in ("Company", "Institute")] or [
            m for m in s.group_before(hit.start()) if m.type in ("Company", "Institute")
        ]
        if not actors:
            # 由某学院某教授团队牵头，联合…: the leader named after 由 earlier in the sentence
            actors = [
                m
                for m in s.mentions
                if m.rel_end <= hit.start()
                and m.type in ("Company", "Institute")
                and text[max(0, m.rel_start - 1) : m.rel_start] == "由"
            ][-1:]
        for actor in actors:
            for h in sites:
                add(actor, h)
    # 患者在某医院接受手术。此次手术采用的是某公司生产的设备: the device's maker works with the
    # hospital a sentence just before names as where the operation took place
    if not any(m.type == "Hospital" for m in s.mentions):
        makers = [
            m
            for m in companies
            if _DEVICE_OF.match(_GLOSS.sub("", text[m.rel_end : m.rel_end + 24]))
            and _USED.search(_GLOSS.sub("", text[max(0, m.rel_start - 24) : m.rel_start]))
        ]
        site = _recent_trial_site(ctx, s.sentence.index) if makers else None
        if site is not None:
            for company in makers:
                if company.name != site.name:
                    out.append(
                        _relation(
                            ctx,
                            "CLINICAL_TRIAL_AT",
                            company.name,
                            site.name,
                            s.sentence,
                            s.sentence.start + company.rel_start,
                            s.sentence.start + company.rel_end,
                        )
                    )
    # 某医院团队为患者植入了某公司的电极: the hospital operates with the company's device
    subjects = [m for m in s.clause_subjects() if m.type == "Hospital"]
    for h in subjects:
        for company in companies:
            if company.rel_start > h.rel_end and _DEVICE_OF.match(text, company.rel_end):
                add(company, h)
    return out


_DEVICE_OF = re.compile(r"(?:自主研发|研发|生产|研制|提供)?的")
# pronunciation glosses some pages put after characters (生产(chǎn)的), as in bcikg.ingest.extract
_GLOSS = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7}[)）]")
_USED = re.compile(r"(?:采用|使用|植入|应用)(?:的是|了)?(?:来自)?$")


def _recent_trial_site(ctx: DocumentContext, index: int, back: int = 2) -> Mention | None:
    """The hospital one of the few sentences before names as where an operation or a trial took
    place (在某医院接受手术)."""
    c = cues()
    for i in range(index - 1, max(-1, index - 1 - back), -1):
        sentence = ctx.sentences[i]
        if not any(word in sentence.text for word in c.clinical):
            continue
        sites = [
            m
            for m in ctx.sentence_mentions.get(i, [])
            if m.type == "Hospital"
            and sentence.text[max(0, m.rel_start - 1) : m.rel_start] in ("在", "于", "赴")
        ]
        if sites:
            return sites[-1]
    return None


@cache
def _round_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(investor verb after a group, role word before a group, the raising verb, a round word)."""
    c = cues()
    adverbs = _alternation(c.round_investor_adverbs)
    after_group = re.compile(r"\s*(?:" + adverbs + r")*\s*(?:" + _alternation(c.round_investor_verbs) + ")")
    roles = re.compile(r"(?:" + _alternation(c.round_roles) + r")(?:为|是|包括|有|：|:|\s)*$")
    raising = re.compile(
        r"(?:宣布|已经|已|顺利|正式|近日|再度|再次|又)*(?:" + _alternation(c.round_verbs) + r")"
        r"(?:了)?[^，,。；;：:]{0,24}?(?:" + _alternation(c.round_words) + ")"
    )
    word = re.compile(_alternation((*c.round_words, *c.round_investor_verbs, *c.round_roles)))
    return after_group, roles, raising, word


_NOT_INVESTOR = ("Hospital",)


def _investee(
    ctx: DocumentContext, s: _Sentence, previous: Mention | None, last_company: Mention | None = None
) -> tuple[Mention | None, bool]:
    """The organisation that raises the round, and whether the sentence reports a round of its own.

    It is the last name before 完成/获得…融资 in the sentence (某公司近日完成B轮融资; 某公司（全称…），
    近日完成…), or a name of the document written there without being found as a mention (诺尔医疗
    NeuroEchos已完成…); a sentence about 本轮融资 or with 公司/其 as subject speaks of the company of the
    round reported before."""
    c = cues()
    _, _, raising, _ = _round_patterns()
    text = s.text
    reports = False
    for hit in raising.finditer(text):
        reports = True
        sentence_start = max(text.rfind(ch, 0, hit.start()) for ch in "。；;") + 1
        before = [
            m
            for m in s.mentions
            if sentence_start <= m.rel_start
            and m.rel_end <= hit.start()
            and m.type != "Fund"
            and hit.start() - m.rel_end <= 40
            and "由" not in text[m.rel_end : hit.start()]
        ]
        if before:
            return before[-1], True
        clause_start = max(text.rfind(ch, 0, hit.start()) for ch in "，,。；;：:") + 1
        head = text[clause_start : hit.start()]
        if previous is not None and head.lstrip("“”「」 ").startswith(c.round_anaphors):
            return previous, True
        if last_company is not None and _COMPANY_ANAPHOR.match(head):
            return last_company, True  # 公司完成B轮融资: the company spoken of
        named = _named_in(ctx, s, clause_start, hit.start())
        if named is not None:
            return named, True
    if reports:
        return None, True
    if previous is not None and (
        text.lstrip("“”「」 ").startswith(c.round_anaphors)
        or (not s.clause_subjects() and previous.sentence.paragraph == s.sentence.paragraph)
    ):
        return previous, False
    return None, False


def _named_in(ctx: DocumentContext, s: _Sentence, start: int, end: int) -> Mention | None:
    """A company of the document whose name is written in text[start:end] of the sentence (the
    longest, then the last), as a further mention there."""
    best: tuple[int, int, Mention] | None = None
    span = s.text[start:end]
    for m in ctx.mentions:
        if m.type == "Fund" or len(m.name) < 2:
            continue
        i = span.rfind(m.name)
        if i >= 0 and (best is None or (len(m.name), i) > best[:2]):
            best = (len(m.name), i, m)
    if best is None:
        return None
    length, i, m = best
    return m.another(s.sentence, start + i, start + i + length, "alias")


_BEFORE_VERB = re.compile(r"\s*(?:[（(][^（()）]{1,12}[）)])?\s*(?:已|也|还|曾|又|将|再次)?")


def _investor_group(s: _Sentence, first: Mention) -> list[Mention]:
    """The names listed from first on: A、B和C, also across a shareholder word (A、老股东B)."""
    gap = _rx(r"\s*(?:、|和|及|以及|与)\s*(?:" + _alternation(cues().round_shareholders) + r")?\s*")
    group = [first]
    # 由A，B、C跟投: right after 由, a comma between the first two names stands for 、
    after_you = s.text[: first.rel_start].endswith("由")
    for m in s.mentions:
        if m.rel_start < group[-1].rel_end:
            continue
        if not gap.fullmatch(s.text, group[-1].rel_end, m.rel_start) and not (
            after_you and len(group) == 1 and s.text[group[-1].rel_end : m.rel_start] in ("，", ",")
        ):
            break
        group.append(m)
    return group


def _investment(
    ctx: DocumentContext,
    s: _Sentence,
    previous: Mention | None,
    round_investors: set[str],
    last_company: Mention | None = None,
) -> tuple[list[RelationMention], Mention | None]:
    """INVESTS_IN from funding statements, and the company of the round spoken of after it.

    某公司完成B轮融资，由A领投，B、C跟投，老股东D追加: the investors are the groups of names
    followed by an investing verb, or named after 投资方为/领投方; the investee is the company that
    raises (or, in a following sentence about 本轮融资, the one reported before). A<verb>B (某基金
    投资了某公司, 领投某公司的某资本) relates the two names directly."""
    c = cues()
    text = s.text
    after_group, roles, _, word = _round_patterns()
    out: list[RelationMention] = []
    investee: Mention | None = None

    def add(investor: Mention, target: Mention, verb: str) -> None:
        if investor.name == target.name or investor.type in _NOT_INVESTOR:
            return
        # the investee of a round reported in an earlier sentence is not part of this one's span
        start, end = (
            _span(investor, target) if target.sentence is s.sentence else (investor.start, investor.end)
        )
        out.append(
            _relation(ctx, "INVESTS_IN", investor.name, target.name, s.sentence, start, end, verb=verb)
        )

    reports = False
    if word.search(text):
        investee, reports = _investee(ctx, s, previous, last_company)
        if investee is not None or reports:
            seen: set[int] = set()
            for m in s.mentions:
                if id(m) in seen or m is investee:
                    continue
                group = _investor_group(s, m)
                seen.update(id(x) for x in group)
                verb_hit = after_group.match(text, group[-1].rel_end)
                role_hit = roles.search(text, 0, m.rel_start)
                if verb_hit is None and role_hit is None:
                    continue
                verb = verb_hit.group(0).strip() if verb_hit else role_hit.group(0) if role_hit else ""
                for investor in group:
                    if investee is None:
                        round_investors.add(investor.name)  # the company that raised is not named
                    elif investor is not investee and investor.name != investee.name:
                        add(investor, investee, verb)
    # 某公司是A投资的企业: the subject is the investee
    for m in s.mentions:
        if m.type not in ("Fund", "Company") or not re.search(r"(?:是|为|系)$", text[: m.rel_start]):
            continue
        if _rx(r"(?:" + _alternation(c.invest) + r")(?:过)?的[^，,。；;]{0,8}(?:企业|公司|项目)").match(
            text, m.rel_end
        ):
            for subject in s.clause_subjects():
                if subject is not m and subject.type == "Company" and subject.rel_end <= m.rel_start:
                    add(m, subject, "投资")
    # A<verb>B: the name after the verb is the investee (领投某公司的某资本: the investor follows 的)
    for hit in _find_all(c.invest, text):
        targets = [t for t in s.group_after(hit.end()) if t.type == "Company"]
        if not targets:
            continue
        tail = text[targets[-1].rel_end :]
        # right before the verb, a stock code or a short name in brackets between (某公司(300001)参股)
        investors = [
            m
            for m in s.mentions
            if m.rel_end <= hit.start() and _BEFORE_VERB.fullmatch(text, m.rel_end, hit.start())
        ]
        after_of = [m for m in s.mentions if tail.startswith("的") and m.rel_start == targets[-1].rel_end + 1]
        if after_of:
            investors = after_of
        elif investors:
            investors = s.group_before(investors[-1].rel_end)
        for investor in investors:
            if investor.type in ("Fund", "Company"):
                for target in targets:
                    add(investor, target, hit.group(0))
    return out, investee if reports else previous


# ---------------------------------------------------------------- where an organisation is


@cache
def _locate_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(X<cue>P, 位于P的X, 在P<verb>): the cue words of relation_cues.toml, compiled once."""
    c = cues()
    before = re.compile(_alternation(c.locate_before_place))
    located_of = re.compile(r"(?:位于|坐落于|坐落在|地处)")
    verbs = _alternation((*c.locate_found_verbs, *c.locate_build_verbs))
    in_place = re.compile(r"(?:正式|已|已经|先后|率先|顺利)?(?:" + verbs + r")(?:了)?")
    return before, located_of, in_place


_GROUP_MEMBER = re.compile(r"[“\"「]?[^，,。；;：:、“”\"「」的]{1,8}[”\"」]?(?:之一|中的)")
_APPOSITION = re.compile(r"的?[^，,。；;：:的、“”\"]{0,10}(?:公司|企业)\s*(?:——|—|-|:|：)?\s*")


def _place_at(s: _Sentence, hits: list[RegionHit], pos: int) -> tuple[str, str | Mention, int] | None:
    """The place named at pos of the sentence: ('region', id, end) for the most specific of a
    run of places (中国深圳 -> 深圳; 浙江省杭州市余杭区 -> 余杭区), ('org', mention, end) for a park or
    an institute (在某科技城诞生, 在某研究所成立)."""
    for m in s.mentions:
        if m.rel_start == pos and m.type in ("Platform", "Institute"):
            return "org", m, m.rel_end
    run = [h for h in hits if h.start == pos]
    if not run:
        return None
    current = max(run, key=lambda h: h.end)
    while True:
        following = [h for h in hits if h.start == current.end]
        if not following:
            break
        current = max(following, key=lambda h: h.end)
    for m in s.mentions:
        if pos <= m.rel_start <= current.end < m.rel_end and m.type in ("Platform", "Institute"):
            return "org", m, m.rel_end  # 在杭州未来科技城: the park, named with its place
    return "region", current.region_id, current.end


def _located(
    ctx: DocumentContext, s: _Sentence, hits: list[RegionHit], last_company: Mention | None
) -> list[RelationMention]:
    """LOCATED_IN where the sentence states where an organisation is: 某公司总部位于P, 位于P的某公司,
    在P注册成立某公司, 某平台在P启动建设, 某公司在某科技城诞生, P成立某中心. P is a region or a park
    or an institute named there."""
    c = cues()
    text = s.text
    before_place, located_of, in_place = _locate_patterns()
    out: list[RelationMention] = []

    def add(org: Mention, place: tuple[str, str | Mention, int], start: int, cue: int | None = None) -> None:
        _, target, end = place
        if org.sentence is not s.sentence:
            start = start if cue is None else cue  # 该公司总部位于P: the subject was named before
        if isinstance(target, str):
            home = org.home
            if home is not None and not (ctx.gaz.is_within(home, target) or ctx.gaz.is_within(target, home)):
                return  # the text places elsewhere what the name already places: another site
            out.append(
                _relation(
                    ctx,
                    "LOCATED_IN",
                    org.name,
                    target,
                    s.sentence,
                    s.sentence.start + start,
                    s.sentence.start + end,
                    "region",
                )
            )
        elif target.name != org.name:
            out.append(
                _relation(
                    ctx, "LOCATED_IN", org.name, target.name, s.sentence, s.sentence.start + start, target.end
                )
            )

    # X(总部)位于P / X成立于P
    for hit in before_place.finditer(text):
        place = _place_at(s, hits, hit.end())
        if place is None:
            continue
        if text[max(0, hit.start() - 2) : hit.start()] in ("位于",) or text[
            hit.end() : place[2] + 1
        ].endswith("的"):
            continue  # 位于P的X: below
        owners = [m for m in s.mentions if m.rel_end <= hit.start() and hit.start() - m.rel_end <= 6]
        clause_start = max(text.rfind(ch, 0, hit.start()) for ch in "，,。；;：:") + 1
        if owners and not _CLAUSE_BREAK.search(text, owners[-1].rel_end, hit.start()):
            subjects = s.group_before(owners[-1].rel_end)
        elif re.match(r"\s*(?:该公司|该企业|公司|总部)", text[clause_start:]) and last_company:
            subjects = [last_company]  # 公司总部位于P: the company spoken of
        else:
            # the subject of the clause, or of the sentence when the clause carries it over
            group = s.group_after(clause_start, hit.start())
            first = s.group_after(0, hit.start())
            if group and group[0].rel_start - clause_start <= 3:
                subjects = group
            elif first and first[0].rel_start <= 3 and not re.match(r"\s*[其该]", text[clause_start:]):
                subjects = first
            elif re.match(r"\s*其", text[clause_start:]) and clause_start > 0:
                # A在P启动建设，其位于Q: 其 is the subject of the clause before
                prev_start = max(text.rfind(ch, 0, clause_start - 1) for ch in "，,。；;：:") + 1
                prev = s.group_after(prev_start, clause_start)
                subjects = prev or s.previous_subject
            else:
                subjects = []
        for org in subjects:
            add(org, place, org.rel_start, hit.start())
    # 位于P的X
    for hit in located_of.finditer(text):
        place = _place_at(s, hits, hit.end())
        if place is None or not text.startswith("的", place[2]):
            continue
        after = [
            m
            for m in s.mentions
            if place[2] < m.rel_start <= place[2] + 13
            and not _CLAUSE_BREAK.search(text, place[2], m.rel_start)
        ]
        if after:
            add(after[0], place, hit.start())
    # P的?<class phrase>公司X / 位于P的<class phrase>公司——X: a company introduced with its place
    for hit in hits:
        m = _APPOSITION.match(text, hit.end)
        if m is None or (hit.start and text[hit.start - 1] not in '，,。；;：:、的“”"（('):
            continue
        named = [x for x in s.mentions if x.rel_start == m.end() and x.type == "Company"]
        if named:
            add(named[0], _place_at(s, hits, hit.start) or ("region", hit.region_id, hit.end), hit.start)
    # P六小龙之一X / P“某某”中的X: a member of a group named with its place is there
    for hit in hits:
        member = _GROUP_MEMBER.match(text, hit.end)
        if member is None or hit.region_id == COUNTRY_ID:
            continue
        if hit.start and text[hit.start - 1] not in '，,。；;：:、“”"（(':
            continue
        named = [x for x in s.mentions if x.rel_start == member.end() and x.type == "Company"]
        if named:
            add(named[0], ("region", hit.region_id, hit.end), hit.start)
    # 在P<verb>X / X在P<verb>
    for hit in re.finditer("在", text):
        place = _place_at(s, hits, hit.end())
        if place is None:
            continue
        verb = in_place.match(text, place[2])
        if verb is None:
            continue
        built = verb.group(0).rstrip("了")
        founding = any(built.endswith(v) for v in c.locate_found_verbs)
        objects = s.group_after(verb.end())
        if objects and objects[0].rel_start - verb.end() <= 1:
            for org in objects:
                if founding or org.type in ("Platform", "Institute"):
                    add(org, place, hit.start())
            continue
        clause_start = max(text.rfind(ch, 0, hit.start()) for ch in "，,。；;：:") + 1
        subjects = s.group_before(hit.start()) or [
            m for m in s.group_after(clause_start, hit.start()) if hit.start() - m.rel_end <= 8
        ]
        if not subjects and text[clause_start : hit.start()].strip().startswith(("其", "该")):
            subjects = s.previous_subject
        for org in subjects:
            if founding or org.type in ("Platform", "Institute"):
                add(org, place, org.rel_start, hit.start())
    # P成立X: a place as subject founds a platform or an institute
    for hit in hits:
        clause_start = max(text.rfind(ch, 0, hit.start) for ch in "，,。；;：:") + 1
        if hit.start - clause_start > 3:
            continue
        verb = in_place.match(text, hit.end)
        if verb is None or not any(verb.group(0).rstrip("了").endswith(v) for v in c.locate_found_verbs):
            continue
        for org in s.group_after(verb.end()):
            if org.type in ("Platform", "Institute") and org.rel_start - verb.end() <= 1:
                add(org, ("region", hit.region_id, hit.end), hit.start)
    return out


# ---------------------------------------------------------------- settlement


def _after_signing(ctx: DocumentContext, sentence: Sentence) -> bool:
    """Is there, before this sentence, one that reports a number of companies signing?"""
    c = cues()
    return any(
        s.index < sentence.index
        and any(w in s.text for w in c.sign + c.settle)
        and re.search(r"\d+家(?:企业|公司)", s.text)
        for s in ctx.sentences
    )


def _signing_event(ctx: DocumentContext) -> tuple[str | None, str | None]:
    """The region and date of a signing or settling event the document reports."""
    c = cues()
    for sentence in ctx.sentences:
        if any(word in sentence.text for word in c.sign):
            date = _date_in(sentence.text)
            hits = [h for s, h in ctx.region_hits if s is sentence]
            region = hits[0].region_id if hits else None
            if date or region:
                return (region or ctx.zone or ctx.region), date
    return None, None


def _opens_signing_list(text: str) -> bool:
    """ "此次集中签约的15家企业…:" introduces the signers in the paragraphs that follow."""
    c = cues()
    return bool(
        any(w in text for w in c.sign)
        and re.search(r"\d+家(?:企业|公司)", text)
        and text.rstrip().endswith(("：", ":"))
    )


def _list_state(ctx: DocumentContext, sentence: Sentence, list_open: bool) -> bool:
    """Whether a signing list stays open after a sentence that names no organisation."""
    if _opens_signing_list(sentence.text):
        return True
    if list_open:
        return sentence.paragraph == (
            ctx.last_list_paragraph if ctx.last_list_paragraph is not None else sentence.paragraph
        )
    return False


def _settlement(
    ctx: DocumentContext, s: _Sentence, event_region: str | None, event_date: str | None, list_open: bool
) -> tuple[list[RelationMention], bool]:
    """SIGNED_IN: companies that sign, settle or run a project in a region."""
    c = cues()
    out: list[RelationMention] = []
    text = s.text
    companies = [m for m in s.mentions if m.type == "Company"]
    if _opens_signing_list(text):
        return out, True
    # after "8家企业签约落户园区", a chain description (上游,A…;中游,B…) lists the signers
    if event_region and companies and classify.marker_scopes(text) and _after_signing(ctx, s.sentence):
        for m in companies:
            out.append(
                _relation(
                    ctx, "SIGNED_IN", m.name, event_region, s.sentence, m.start, m.end, "region", event_date
                )
            )
        return out, False
    # A、B等企业也与园区签署了合作协议: signing with the zone or city itself
    for hit in re.finditer(r"与", text):
        rest = text[hit.end() : hit.end() + 24]
        places = [h for sent, h in ctx.region_hits if sent is s.sentence and h.start == hit.end()]
        if not places or not any(word in re.split(r"[，,。；;]", rest)[0] for word in c.sign):
            continue
        signers = [m for m in s.group_before(hit.start()) if m.type == "Company"]
        if not signers:
            clause_start = max(text.rfind(ch, 0, hit.start()) for ch in "，,。；;") + 1
            signers = [
                m for m in s.mentions if m.type == "Company" and clause_start <= m.rel_start < hit.start()
            ]
        for m in signers:
            out.append(
                _relation(
                    ctx,
                    "SIGNED_IN",
                    m.name,
                    places[0].region_id,
                    s.sentence,
                    m.start,
                    m.end,
                    "region",
                    _date_in(text) or event_date,
                )
            )
    if list_open:
        if not companies:
            return out, s.sentence.paragraph == (
                ctx.last_list_paragraph if ctx.last_list_paragraph is not None else s.sentence.paragraph
            )
        if len(companies) == 1 and "、" not in text and not classify.marker_scopes(text):
            return out, True  # a caption between the list's paragraphs (某公司科研人员在实验室…)
        ctx.last_list_paragraph = s.sentence.paragraph
        target = event_region or ctx.zone or ctx.region
        if target:
            for m in companies:
                out.append(
                    _relation(
                        ctx, "SIGNED_IN", m.name, target, s.sentence, m.start, m.end, "region", event_date
                    )
                )
        return out, True
    # X落户/入驻/扎根<place>: explicit settlement in the sentence
    for hit in _find_all(c.settle, text):
        places = [
            h for sent, h in ctx.region_hits if sent is s.sentence and hit.end() <= h.start <= hit.end() + 2
        ]
        closes_clause = _CLAUSE_BREAK.match(text, hit.end()) is not None or hit.end() == len(text)
        implicit = ctx.region
        if places:
            place_id = places[0].region_id
            settlers = [m for m in companies if abs(m.rel_start - hit.start()) < 40]
        elif closes_clause and implicit is not None:
            # 某某等12家企业相继落户。: settled in the place the article is about
            place_id = implicit
            clause_start = max(text.rfind(ch, 0, hit.start()) for ch in "，,。；;") + 1
            settlers = [m for m in companies if clause_start <= m.rel_start < hit.start()]
        else:
            continue
        for m in settlers:
            if m.home == place_id:
                continue
            out.append(
                _relation(
                    ctx,
                    "SIGNED_IN",
                    m.name,
                    place_id,
                    s.sentence,
                    m.start,
                    m.end,
                    "region",
                    _date_in(text),
                )
            )
    # 某公司的某项目在P正式动工: the company runs a project there
    for hit in _rx(
        r"在([^，,。；;]{2,16}?)(?:正式|顺利|全面|已)?(?:" + _alternation(c.project_start) + ")"
    ).finditer(text):
        place = _place_at(s, [h for sent, h in ctx.region_hits if sent is s.sentence], hit.start(1))
        if place is None or not isinstance(place[1], str):
            continue
        clause_start = max(text.rfind(ch, 0, hit.start()) for ch in "，,。；;") + 1
        owners = [m for m in companies if clause_start <= m.rel_start and m.rel_end <= hit.start()]
        place_id = place[1]
        for m in owners[:1]:
            if m.home is not None and ctx.gaz.is_within(m.home, place_id):
                continue
            out.append(
                _relation(
                    ctx, "SIGNED_IN", m.name, place_id, s.sentence, m.start, m.end, "region", _date_in(text)
                )
            )
    # 首批入驻企业A、B: settled where the host is
    for hit in _find_all(c.incubate_list, text):
        members = [m for m in s.group_after(hit.end()) if m.type == "Company"]
        hosts = [m for m in s.mentions if m.type == "Platform" and m.rel_end <= hit.start()]
        if not hosts and any(
            m.type != "Platform" and m.rel_end <= hit.start() <= m.rel_end + 2 for m in s.mentions
        ):
            continue  # 某研究所及其孵化企业X: X came out of an institute; no settlement anywhere
        region = None
        if hosts:
            region = hosts[-1].home
        region = region or ctx.region
        if region:
            for m in members:
                out.append(
                    _relation(
                        ctx,
                        "SIGNED_IN",
                        m.name,
                        region,
                        s.sentence,
                        m.start,
                        m.end,
                        "region",
                        _date_in(text),
                    )
                )
    return out, False


# ---------------------------------------------------------------- platforms inside parks


def _inside_parks(ctx: DocumentContext, by_sentence: dict[int, list[Mention]]) -> list[RelationMention]:
    """依托某集聚区建设某孵化器 / 某平台位于某产业园: LOCATED_IN from the platform to the park."""
    out = []
    for sentence in ctx.sentences:
        here = sorted(by_sentence.get(sentence.index, []), key=lambda m: m.start)
        parks = [m for m in here if m.type == "Platform" and m.name.endswith(cues().park_heads)]
        for park in parks:
            text = sentence.text
            before = text[max(0, park.rel_start - 4) : park.rel_start]
            after = text[park.rel_end : park.rel_end + 6]
            if before.endswith(("依托", "在", "于")) and re.match(
                r"(?:内)?(?:建设|打造|搭建|设立|布局)", after
            ):
                clause_end = min(
                    [i for i in (text.find(ch, park.rel_end) for ch in "，,。；;") if i >= 0] + [len(text)]
                )
                for m in here:
                    if m.type == "Platform" and m is not park and park.rel_end < m.rel_start < clause_end:
                        out.append(
                            _relation(ctx, "LOCATED_IN", m.name, park.name, sentence, park.start, m.end)
                        )
            if before.endswith(("位于", "落户", "入驻")):
                for m in here:
                    if (
                        m.type in ("Platform", "Company")
                        and m.rel_end <= park.rel_start - 2
                        and m.name != park.name
                    ):
                        gap = text[m.rel_end : park.rel_start]
                        if len(gap) <= 6 and not re.search(r"[，,。；;]", gap):
                            out.append(
                                _relation(ctx, "LOCATED_IN", m.name, park.name, sentence, m.start, park.end)
                            )
    return out


# ---------------------------------------------------------------- policies


_BOOK = re.compile(r"《([^《》]{2,80})》")


def extract_policies(ctx: DocumentContext, mentions: list[Mention]) -> list[PolicyMention]:
    c = cues()
    out: list[PolicyMention] = []
    doc_policy = _document_policy(ctx)
    if doc_policy is not None:
        out.append(doc_policy)
    for sentence in ctx.sentences:
        for m in _BOOK.finditer(sentence.text):
            title = m.group(1)
            if not title.endswith(c.policy_words) and not any(w in title for w in c.policy_words):
                continue
            start, end = sentence.start + m.start(), sentence.start + m.end()
            out.append(
                PolicyMention(
                    key=policy_key(title),
                    title=title,
                    is_document=bool(doc_policy and doc_policy.key == policy_key(title)),
                    region_id=ctx.region if doc_policy and doc_policy.key == policy_key(title) else None,
                    date=ctx.doc.date,
                    evidence=ctx.evidence(sentence, start, end),
                )
            )
    by_sentence: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence.index, []).append(m)
    for sentence in ctx.sentences:
        for title, a, b, _issuers in _unbracketed_policies(
            ctx, sentence, by_sentence.get(sentence.index, [])
        ):
            start, end = sentence.start + a, sentence.start + b
            out.append(
                PolicyMention(
                    key=policy_key(title),
                    title=title,
                    date=ctx.doc.date,
                    evidence=ctx.evidence(sentence, start, end),
                )
            )
    return out


_ADVERBS = re.compile(r"^(?:首次|正式|率先|还|也|又|再|已|先后|相继|陆续|将|同步|联合)+")


def _unbracketed_policies(
    ctx: DocumentContext, sentence: Sentence, here: list[Mention]
) -> list[tuple[str, int, int, list[Mention]]]:
    """Policies named without 《》: 国家医保局首次设立BCI独立收费项目, 国务院政府工作报告提出….
    (title, start, end, issuers) with offsets in the sentence."""
    c = cues()
    text = sentence.text
    out = []
    agencies = [m for m in sorted(here, key=lambda m: m.start) if m.type == "Agency"]
    for agency in agencies:
        rest = text[agency.rel_end :]
        # 国务院政府工作报告: the body's own report or plan right after its name
        own = re.match(
            r"(?!请示|汇报|报送|提交|审议|听取)[\u4e00-\u9fff]{2,10}?(?:工作报告|报告|方案|规划)", rest
        )
        verb = None
        if own and not re.search(r"[、和与及]", own.group(0)):
            a, b = agency.rel_end, agency.rel_end + own.end()
        else:
            m = _issue_verbs().match(_ADVERBS.sub("", rest))
            if m is None:
                continue
            verb = m.group(0)
            skipped = len(rest) - len(_ADVERBS.sub("", rest))
            a = agency.rel_end + skipped + len(verb)
            phrase = re.match(r"[^，,。；;！？!?《]{2,24}", text[a:])
            if phrase is None:
                continue
            words = (*c.policy_words, "项目", "通道", "标准", "机制", "目录")
            title = phrase.group(0)
            ends = [title.rfind(w) + len(w) for w in words if w in title]
            if not ends:
                continue
            b = a + max(ends)
        title = text[a:b]
        if len(title) >= 4 and not title.startswith("《"):
            out.append((title, a, b, [agency]))
    # 将推出含58条举措的专项行动方案: a region acting through its governing body
    for m in re.finditer(
        r"(?:推出|出台|发布|印发)([^，,。；;！？!?《]{2,24}?(?:方案|措施|意见|政策|规划|办法))", text
    ):
        if any(a <= m.start(1) < b for _, a, b, _ in out):
            continue
        actor = _region_actor(ctx, text, m.start())
        if actor is not None:
            out.append((m.group(1), m.start(1), m.end(1), [actor]))
    return out


def policy_key(title: str) -> str:
    return normalize_name(title.strip("《》"))


def _document_policy(ctx: DocumentContext) -> PolicyMention | None:
    """A policy document: its title names the policy (江西省人民政府办公厅关于印发《…》的通知)."""
    if not ctx.policy:
        return None
    title = ctx.doc.title or (ctx.sentences[0].text if ctx.sentences else "")
    inner = _BOOK.search(title)
    name = inner.group(1) if inner else title.strip()
    sentence = next((s for s in ctx.sentences if name in s.text), ctx.sentences[0] if ctx.sentences else None)
    if sentence is None:
        return None
    i = sentence.text.find(name)
    start = sentence.start + max(i, 0)
    end = start + (len(name) if i >= 0 else len(sentence.text))
    tasks = [task for task, _ in _tasks(ctx)]
    return PolicyMention(
        key=policy_key(name),
        title=name,
        is_document=True,
        region_id=ctx.region,
        date=ctx.doc.date,
        tasks=tasks,
        evidence=ctx.evidence(sentence, start, end),
    )


_TASK = re.compile(r"^\s*(?:\*\*)?\s*(\d{1,2})[.．、]\s*(?:\*\*)?([^。*]{2,30})[。]")


def _tasks(ctx: DocumentContext) -> list[tuple[str, Sentence]]:
    """Numbered tasks of a policy text: '1. **开展有组织的科研攻关。**' -> '任务1 开展有组织的科研攻关'."""
    out = []
    for sentence in ctx.sentences:
        m = _TASK.match(sentence.text)
        if m:
            out.append((f"任务{int(m.group(1))} {m.group(2).strip()}", sentence))
    return out


def _issued(ctx: DocumentContext, by_sentence: dict[int, list[Mention]]) -> list[RelationMention]:
    c = cues()
    out: list[RelationMention] = []
    doc_policy = _document_policy(ctx)
    for sentence in ctx.sentences:
        here = sorted(by_sentence.get(sentence.index, []), key=lambda m: m.start)
        for book in _BOOK.finditer(sentence.text):
            title = book.group(1)
            if not any(w in title for w in c.policy_words):
                continue
            before = sentence.text[: book.start()]
            verb = next(
                (
                    v
                    for v in c.issue
                    if before.rstrip("“”").endswith(v)
                    or _rx(re.escape(v) + r"[^，,。；;]{0,6}$").search(before)
                ),
                None,
            )
            if verb is None:
                continue
            clause_start = max(before.rfind(ch) for ch in "。；;") + 1
            issuers = [
                m
                for m in here
                if clause_start <= m.rel_start and m.rel_end <= book.start() and m.type == "Agency"
            ]
            for m in issuers:
                start, end = m.start, sentence.start + book.end()
                out.append(
                    _relation(
                        ctx, "ISSUED", m.name, policy_key(title), sentence, start, end, "policy", ctx.doc.date
                    )
                )
        for title, a, b, issuers in _unbracketed_policies(ctx, sentence, here):
            for m in issuers:
                start = min(m.start, sentence.start + a)
                out.append(
                    _relation(
                        ctx,
                        "ISSUED",
                        m.name,
                        policy_key(title),
                        sentence,
                        start,
                        sentence.start + b,
                        "policy",
                        ctx.doc.date,
                    )
                )
    if doc_policy is not None and ctx.doc.title:
        # the issuing body in the title of a policy document
        for m in by_sentence.get(doc_policy_sentence_index(ctx, doc_policy), []):
            if m.type == "Agency" and doc_policy.evidence.start > m.start:
                out.append(
                    _relation(
                        ctx,
                        "ISSUED",
                        m.name,
                        doc_policy.key,
                        m.sentence,
                        m.start,
                        doc_policy.evidence.end,
                        "policy",
                        ctx.doc.date,
                    )
                )
    return out


def doc_policy_sentence_index(ctx: DocumentContext, policy: PolicyMention) -> int:
    for sentence in ctx.sentences:
        if sentence.start <= policy.evidence.start < sentence.end:
            return sentence.index
    return -1


def _responsibilities(ctx: DocumentContext, by_sentence: dict[int, list[Mention]]) -> list[RelationMention]:
    """（省科技厅、省财政厅按职责分工负责）after a numbered task: each agency owns that task."""
    c = cues()
    doc_policy = _document_policy(ctx)
    if doc_policy is None:
        return []
    tasks = _tasks(ctx)
    out: list[RelationMention] = []
    for sentence in ctx.sentences:
        if not any(word in sentence.text for word in c.responsible):
            continue
        current = [task for task, s in tasks if s.start <= sentence.start]
        if not current:
            continue
        task = current[-1]
        for m in by_sentence.get(sentence.index, []):
            if m.type in ("Agency", "Institute", "Company", "Platform"):
                out.append(
                    _relation(
                        ctx,
                        "RESPONSIBLE_FOR",
                        m.name,
                        doc_policy.key,
                        sentence,
                        m.start,
                        m.end,
                        "policy",
                        None,
                        task=task,
                    )
                )
    return out
