"""Relations between entities: agreements, visits and meetings.

A relation is read from one sentence: its verb decides the type (签订…协议 →
agreement; 率队赴/走访/拜访/调研 → visit; 召开…会议/座谈 → meeting), the
entity mentions of the sentence are its parties, and a date expression in the
sentence (resolved against the article date) is its date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .entities import EntityMention
from .timex import TimeExpr

AGREEMENT = re.compile(r"(?:签订|签署|签约|缔结)(?P<what>[^，。；！？\n]{0,30}?(?:协议书|协议|合同|备忘录|责任书|军令状|意向书|合作书))")
AGREEMENT_BARE = re.compile(r"(?:签订|签署)(?P<what>[^，。；！？\n]{0,20}(?:协议|合同|备忘录|责任书|军令状|意向书))")
VISIT = re.compile(r"(?:率队赴|率团赴|带队赴|率队到|率队前往|前往|赴|走访|拜访|调研|考察|看望|慰问)")
MEETING = re.compile(r"(?P<what>[^，。；！？\n]{2,60}?(?:会议|大会|座谈会|推进会|交流会|推介会|论坛|峰会|博览会|洽谈会|座谈|会))(?:召开|举行|举办|开幕|闭幕)|(?:召开|举行|举办|主持召开|组织召开)(?P<what2>[^，。；！？\n]{2,60}?(?:会议|大会|座谈会|推进会|交流会|推介会|论坛|峰会|洽谈会|培训讲座|培训会|座谈))")

_PARTY_TYPES = ("region", "park", "company", "organization", "person", "project")


@dataclass
class Relation:
    relation_type: str
    description: str
    sentence: str
    char_start: int
    char_end: int
    party_keys: list[str] = field(default_factory=list)
    event_date: str = ""


def _sentences(text: str):
    start = 0
    for m in re.finditer(r"[。！？!?\n]", text):
        yield start, m.end()
        start = m.end()
    if start < len(text):
        yield start, len(text)


def _parties(mentions: list[EntityMention], s: int, e: int) -> list[str]:
    inside = [m for m in mentions if s <= m.char_start and m.char_end <= e and m.entity_type in _PARTY_TYPES]
    # drop mentions nested in a longer one (云南 inside 云南滇中新区)
    outer = [m for m in inside if not any(o is not m and o.char_start <= m.char_start and m.char_end <= o.char_end
                                          and (o.char_end - o.char_start) > (m.char_end - m.char_start) for o in inside)]
    keys: list[str] = []
    for m in outer:
        if m.key not in keys:
            keys.append(m.key)
    return keys


def find_relations(text: str, mentions: list[EntityMention], times: list[TimeExpr]) -> list[Relation]:
    out: list[Relation] = []
    for s, e in _sentences(text):
        sent = text[s:e]
        date = next((t.label for t in times if s <= t.char_start < e and t.kind in ("day", "range", "month")), "")
        m = AGREEMENT.search(sent) or AGREEMENT_BARE.search(sent)
        if m:
            parties = _parties(mentions, s, s + m.start())
            if parties:
                out.append(Relation("agreement", m.group("what").strip(), sent.strip(), s, e, parties, date))
        mm = MEETING.search(sent)
        if mm:
            what = (mm.group("what") or mm.group("what2") or "").strip()
            what = re.sub(r"^.*?(?:在|于)", "", what) if len(what) > 40 else what
            parties = _parties(mentions, s, e)
            if parties:
                out.append(Relation("meeting", what, sent.strip(), s, e, parties, date))
        vm = VISIT.search(sent)
        if vm and not m:
            parties = _parties(mentions, s, e)
            if len(parties) >= 2:
                clause_end = min([i for ch in "，。；" if (i := sent.find(ch, vm.end())) >= 0] or [len(sent)])
                out.append(Relation("visit", sent[vm.start():clause_end].strip(), sent.strip(), s, e, parties, date))
    return out
