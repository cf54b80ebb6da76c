"""Relations between entities: agreements, visits and meetings.

A relation is read from one sentence: its verb decides the type (签订…协议 →
agreement; 率队赴/走访/拜访/调研 → visit; 召开…会议/座谈 → meeting), the
entity mentions of the sentence are its parties, and a date expression in the
sentence (resolved against the article date) is its date.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Sequence, Union

from .entities import EntityMention
from .regex_gate import finditer_gated
from .text import SENTENCE_END
from .timex import TimeExpr

# The verbs of signing: AGREEMENT needs one, and so does the prefilter (_ANY_VERB) built from them.
_SIGNING_VERBS = "签订|签署|签约|缔结"
_SIGNING_VERB = f"(?:{_SIGNING_VERBS})"
AGREEMENT = re.compile(_SIGNING_VERB + r"(?P<what>[^，。；！？\n]{0,30}?(?:协议书|协议|合同|备忘录|责任书|军令状|意向书|合作书))")
AGREEMENT_BARE = re.compile(r"(?:签订|签署)(?P<what>[^，。；！？\n]{0,20}(?:协议|合同|备忘录|责任书|军令状|意向书))")
VISIT = re.compile(r"率队赴|率团赴|带队赴|率队到|率队前往|前往|赴|走访|拜访|调研|考察|看望|慰问")
MEETING = re.compile(r"(?P<what>[^，。；！？\n]{2,60}?(?:会议|大会|座谈会|推进会|交流会|推介会|论坛|峰会|博览会|洽谈会|座谈|会))(?:召开|举行|举办|开幕|闭幕)|(?:召开|举行|举办|主持召开|组织召开)(?P<what2>[^，。；！？\n]{2,60}?(?:会议|大会|座谈会|推进会|交流会|推介会|论坛|峰会|洽谈会|培训讲座|培训会|座谈))")

# Every MEETING match holds one of these verbs; its lazy scan of the words before the verb costs a step per
# character and length, so a sentence without one is not scanned.
_MEETING_VERB = re.compile(r"召开|举行|举办|开幕|闭幕")

_PARTY_TYPES = ("region", "park", "company", "organization", "person", "project")


@dataclass(slots=True)
class Party:
    """What a relation reads of an entity mention, which ``EntityMention`` has too: a staged mention row becomes
    one of these, not an EntityMention, whose building (two empty containers each) was a third of the relations
    stage's text core."""
    char_start: int
    char_end: int
    entity_type: str
    key: str


Mention = Union[EntityMention, Party]


@dataclass(slots=True)
class Relation:
    relation_type: str
    description: str
    sentence: str
    char_start: int
    char_end: int
    party_keys: list[str] = field(default_factory=list)
    event_date: str = ""


_LOCATIVE_BEFORE = ("赴", "在", "到", "于", "至", "往")


def _is_place_of_action(text: str, m: Mention) -> bool:
    """磨憨 in 赴磨憨考察 is where something happens, not a party to what is signed."""
    return text[max(0, m.char_start - 1):m.char_start] in _LOCATIVE_BEFORE


def _parties(mentions: Sequence[Mention], s: int, e: int, text: str | None = None) -> list[str]:
    inside = [m for m in mentions if s <= m.char_start and m.char_end <= e and m.entity_type in _PARTY_TYPES
              and not (text is not None and _is_place_of_action(text, m))]
    # drop mentions nested in a longer one (云南 inside 云南滇中新区)
    outer = [m for m in inside if not any(o is not m and o.char_start <= m.char_start and m.char_end <= o.char_end
                                          and (o.char_end - o.char_start) > (m.char_end - m.char_start) for o in inside)]
    keys: list[str] = []
    for m in outer:
        if m.key not in keys:
            keys.append(m.key)
    return keys


_COUNTERPART = re.compile(r"(?:分别)?(?:与|同|和|跟)")


def _paragraph_topic(text: str, s: int, mentions: Sequence[Mention]) -> list[str]:
    """An agreement whose sentence names no party: the actor the paragraph is about (its first body or park)."""
    para_start = text.rfind("\n", 0, s) + 1
    for m in sorted(mentions, key=lambda m: m.char_start):
        if para_start <= m.char_start < s and m.entity_type in ("park", "company", "organization") \
                and not _is_place_of_action(text, m):
            return [m.key]
    return []


# Most sentences sign, meet and visit nothing: one search for a verb every relation needs (a signing verb of
# AGREEMENT, a meeting verb of MEETING, a VISIT) passes them over; their characters gate the patterns' scans.
# (One flat alternation, no groups: then every alternative starts with a character and Python's engine skips to
# those; with groups it tried every position, half the relations' time.)
RELATION_VERBS = "|".join((_SIGNING_VERBS, _MEETING_VERB.pattern, VISIT.pattern))  # words only: RE2 reads it too
_ANY_VERB = re.compile(RELATION_VERBS)


def _agreements(text: str, s: int, e: int, mentions: Sequence[Mention],
                matches: list[re.Match[str]]) -> list[Relation]:
    """One agreement per signing verb (``matches``, in the sentence [s, e)):
    甲分别与乙、丙签订A，与丁签订B → (甲,乙,丙: A), (甲,丁: B)."""
    if not matches:
        return []
    sent = text[s:e]
    first = matches[0]
    cp = _COUNTERPART.search(sent, 0, first.start())
    actor_end = s + (cp.start() if cp else first.start())
    actors = _parties(mentions, s, actor_end, text)
    out = []
    prev_end = 0
    for k, m in enumerate(matches):
        lo = s + (cp.start() if k == 0 and cp else prev_end)
        counterparts = _parties(mentions, lo, s + m.start(), text)
        parties = actors + [p for p in counterparts if p not in actors]
        if not parties:
            parties = _paragraph_topic(text, s, mentions)
        if parties:
            out.append(Relation("agreement", m.group("what").strip(), sent.strip(), s, e, parties))
        prev_end = m.end()
    return out


def may_hold_relation(text: str) -> bool:
    """Whether ``text`` has a verb some relation needs: without one, ``find_relations`` finds nothing."""
    return _ANY_VERB.search(text) is not None


def event_date(times: list[TimeExpr], s: int, e: int) -> str:
    """The date of what the sentence [s, e) reports: its first day, range or month."""
    return next((t.label for t in times if s <= t.char_start < e and t.kind in ("day", "range", "month")), "")


def find_relations(text: str, mentions: Sequence[Mention]) -> list[Relation]:
    """The relations of a text, undated: ``event_date`` dates each from the times of its sentence, which only
    a text with relations needs to look for."""
    out: list[Relation] = []
    # where the verbs are, in one scan: the verbs are words without a sentence end, so a sentence holds one
    # exactly when a match of the whole text starts inside it. Only those sentences are visited, each from the
    # sentence end before its verb to the one after it, that end included.
    verbs = [m.start() for m in _ANY_VERB.finditer(text)]
    if not verbs:
        return out
    ends = [m.start() for m in SENTENCE_END.finditer(text)]
    e = 0
    for verb in verbs:
        if verb < e:
            continue  # in the sentence just read
        k = bisect_left(ends, verb)
        s = ends[k - 1] + 1 if k else 0
        e = ends[k] + 1 if k < len(ends) else len(text)
        sent = text[s:e]
        signed = list(finditer_gated(AGREEMENT, sent)) or list(finditer_gated(AGREEMENT_BARE, sent))
        out.extend(_agreements(text, s, e, mentions, signed))
        m = signed[0] if signed else None
        mm = next(finditer_gated(MEETING, sent), None) if _MEETING_VERB.search(sent) else None
        if mm:
            what = (mm.group("what") or mm.group("what2") or "").strip()
            what = re.sub(r"^.*?(?:在|于)", "", what) if len(what) > 40 else what
            parties = _parties(mentions, s, e)
            if parties:
                out.append(Relation("meeting", what, sent.strip(), s, e, parties))
        vm = next(finditer_gated(VISIT, sent), None)
        if vm and not m:
            parties = _parties(mentions, s, e)
            if len(parties) >= 2:
                clause_end = min([i for ch in "，。；" if (i := sent.find(ch, vm.end())) >= 0] or [len(sent)])
                out.append(Relation("visit", sent[vm.start():clause_end].strip(), sent.strip(), s, e, parties))
    return out
