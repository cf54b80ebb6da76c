"""Stage functions from text to warehouse-shaped records (plain dicts).

Each function is one stage of the asset graph and is pure: the Dagster assets
only move these records in and out of DuckDB.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache

from . import gazetteer
from .articles import _roles, segment_page
from .entities import EntityMention, _title_re, find_entities
from .numbers import decimal_to_json
from .quantities import Quantity, parse_quantities
from .relations import Party, event_date, find_relations, may_hold_relation
from .text import SENTENCE_END, SENTENCE_ENDS, clause_start, decode_bytes, looks_traditional, normalise_text
from .timex import find_times_on_lines


def short_hash(*parts: object) -> str:
    h = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:16]


def document_id_for(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@lru_cache(maxsize=1 << 16)  # a document names the same few entities over and over
def entity_id_for(key: str) -> str:
    return short_hash("entity", key)


# --- stage 1: raw document -------------------------------------------------

def read_document(data: bytes, source_path: str) -> dict:
    """Decode and normalise one file. Raises text.UndecodableError.

    ``original_text`` is the text as decoded when normalising changed it, else None: most files need no
    change, and staging the same text twice was half of what intake wrote."""
    decoded = decode_bytes(data)
    traditional = looks_traditional(decoded.text)  # asked once: it converts a sample of the text
    text = normalise_text(decoded.text, traditional)
    return {
        "document_id": document_id_for(data),
        "source_path": source_path,
        "encoding": decoded.encoding,
        "original_text": None if text == decoded.text else decoded.text,
        "text": text,
        "is_traditional": traditional,
        "n_bytes": len(data),
        "ingested_at": datetime.now(timezone.utc).replace(tzinfo=None),
    }


# --- stage 2: articles -----------------------------------------------------

_QUANTITY_SEGMENTS = ("paragraph", "subhead", "title", "kicker", "subtitle")


def split_articles(document_id: str, text: str) -> tuple[dict, list[dict], list[dict]]:
    """(document fields, article rows, removed-furniture rows)."""
    page = segment_page(text)
    doc = {
        "document_id": document_id,
        "source_name": page.source_name,
        "published_date": page.published_date,
        "published_date_inferred": bool(page.published_date_inferred),
    }
    articles = []
    for art in page.articles:
        articles.append({
            "article_id": f"{document_id}-{art.seq:03d}",
            "document_id": document_id,
            "seq": art.seq,
            "title": art.title,
            "kicker": " ".join(art.kickers),
            "subtitle": " ".join(art.subtitles),
            "reporters": list(art.reporters),
            "photographers": list(art.photographers),
            "editors": [f"{r}:{n}" for r, n in art.editors],
            "byline_people": [f"{r}:{n}" for r, n in art.byline_people],
            "published_date": art.published_date,
            "published_date_inferred": bool(art.published_date_inferred),
            "body": art.body,
            "segments": [{"kind": k, "start": s, "end": e} for k, s, e in art.spans()],
            "is_boilerplate": art.is_boilerplate,
            "is_continuation": art.continued,
        })
    furniture = [
        {"document_id": document_id, "kind": b.kind, "text": b.text, "line_no": b.line_no}
        for b in page.furniture
    ]
    return doc, articles, furniture


# --- stage 3: entities -----------------------------------------------------

def extract_entities(article: dict) -> tuple[list[dict], list[dict]]:
    """(mention rows, person-role rows) for one article."""
    body = article["body"]
    mentions = find_entities(body)
    byline = _byline_mentions(article, body, {(m.char_start, m.char_end) for m in mentions})
    mentions.extend(byline)
    ends = [m.start() for m in SENTENCE_END.finditer(body)]
    rows = [_mention_row(article, m, ends, len(body)) for m in mentions]
    roles: list[dict] = []
    seen = set()
    for m in mentions:
        if m.entity_type != "person" or not m.titles:
            continue
        org_key = None
        for title in m.titles:
            org_surface, bare = _split_title(title, m.org_surface)
            org_key = _org_key(org_surface, mentions) or org_key
            k = (m.key, title)
            if k in seen:
                continue
            seen.add(k)
            roles.append({
                "person_key": m.key, "person_name": m.name, "title": title, "bare_title": bare,
                "org_surface": org_surface or "", "org_key": org_key, "article_id": article["article_id"],
                "role_in_doc": m.role_in_doc or "official",
            })
    return rows, roles


def _split_title(title: str, default_org: str | None) -> tuple[str | None, str]:
    ms = list(_title_re().finditer(title))
    if not ms:
        return default_org, title
    first = ms[0]
    org = title[: first.start()] or None
    return org, title[first.start():]


def _org_key(org_surface: str | None, mentions: list[EntityMention]) -> str | None:
    if not org_surface:
        return None
    best = None
    for m in mentions:
        if m.entity_type in ("organization", "park", "company", "region") and org_surface.endswith(m.surface):
            if best is None or len(m.surface) > len(best.surface):
                best = m
    return best.key if best else None


def _byline_mentions(article: dict, body: str, taken: set[tuple[int, int]]) -> list[EntityMention]:
    out: list[EntityMention] = []
    roles = _roles()
    for pair in article.get("byline_people", []):
        role, _, name = pair.partition(":")
        pos = body.find(name)
        while pos >= 0 and (pos, pos + len(name)) in taken:
            pos = body.find(name, pos + 1)
        m = EntityMention(name, pos if pos >= 0 else -1, pos + len(name) if pos >= 0 else -1, "person",
                          f"person:{name}", name, titles=[role], role_in_doc=roles.get(role, "reporter"))
        out.append(m)
        if pos >= 0:
            taken.add((pos, pos + len(name)))
    return out


# The sentence a mention is stored with (fact_entity_mention.sentence_start/_end) reaches at most this far
# either side of the mention.
_SENTENCE_REACH = 300


def mention_sentence(ends: list[int], body_length: int, start: int, end: int) -> tuple[int, int]:
    """[start, end) of the sentence around the span [start, end), given the body's sentence ends (sorted)."""
    i = bisect_left(ends, start)
    j = bisect_left(ends, end, i)
    return (max(ends[i - 1] + 1 if i else 0, start - _SENTENCE_REACH),
            min(ends[j] if j < len(ends) else body_length, end + _SENTENCE_REACH))


def _mention_row(article: dict, m: EntityMention, ends: list[int], body_length: int) -> dict:
    placed = m.char_start >= 0
    sentence = mention_sentence(ends, body_length, m.char_start, m.char_end) if placed else (None, None)
    return {
        "entity_key": m.key,
        "entity_id": entity_id_for(m.key),
        "entity_type": m.entity_type,
        "name": m.name,
        "surface": m.surface,
        "document_id": article["document_id"],
        "article_id": article["article_id"],
        "char_start": m.char_start if m.char_start >= 0 else None,
        "char_end": m.char_end if m.char_end >= 0 else None,
        "region_level": m.region_level,
        "admin_code": m.admin_code,
        "parent_key": m.parent_key,
        "corrected_from": m.corrected_from,
        "role_in_doc": m.role_in_doc,
        "sentence_start": sentence[0],
        "sentence_end": sentence[1],
    }


# --- stage 4: quantities ---------------------------------------------------

# the entity types a quantity can be about (a person's mentions are read for nothing else here)
SUBJECT_TYPES = {"project": 5, "company": 4, "park": 3, "region": 2, "organization": 1}


def extract_quantities(article: dict, mentions: list[dict]) -> list[dict]:
    body = article["body"]
    ref = article.get("published_date")
    if isinstance(ref, datetime):
        ref = ref.date()
    allowed = [(s["start"], s["end"]) for s in article["segments"] if s["kind"] in _QUANTITY_SEGMENTS]
    quantities = [q for q in parse_quantities(body, ref)
                  if any(s <= q.char_start and q.char_end <= e for s, e in allowed)]
    if not quantities:
        return []  # two articles in five: no subjects to look for
    spans = [m for m in mentions if m.get("char_start") is not None and m["entity_type"] in SUBJECT_TYPES]
    title_end = max((seg["end"] for seg in article["segments"] if seg["kind"] in ("title", "kicker", "subtitle")), default=0)
    main = _main_subject(spans, title_end)
    by_start = _SpansByStart(spans)
    rows = []
    for q in quantities:
        subject = _subject(body, q, by_start) or main
        rows.append(_quantity_row(article, q, subject, bool(article.get("published_date_inferred"))))
    return rows


def _outermost(spans: list[dict]) -> list[dict]:
    """The spans no longer span contains, in their order. A span [s, e) is inside a longer one when a span
    starting before s ends at e or later, or one starting at s ends after e."""
    widest: dict[int, int] = {}  # start → the furthest end of the spans starting there
    for m in spans:
        widest[m["char_start"]] = max(widest.get(m["char_start"], -1), m["char_end"])
    reach_before: dict[int, int] = {}  # start → the furthest end of the spans starting before it
    reach = -1
    for s in sorted(widest):
        reach_before[s] = reach
        reach = max(reach, widest[s])
    return [m for m in spans if reach_before[m["char_start"]] < m["char_end"] and widest[m["char_start"]] <= m["char_end"]]


_LOCATIVE = ("在", "于", "赴", "到", "往", "至", "来自", "位于", "落地", "落户", "入驻", "进驻", "前往", "从", "向", "对", "与", "和", "同", "跟")


def _is_locative(body: str, m: dict) -> bool:
    """磨憨 in 在磨憨建设 / 落地磨憨 is where something happens, not what a number is about."""
    before = body[max(0, m["char_start"] - 2):m["char_start"]]
    return before.endswith(_LOCATIVE)


_CAUSATIVE = re.compile(r"(?:积极|大力|全力)?(?:推动|带动|引导|支持|帮助|促成|协助|组织|指导|鼓励|引进|招引)")


def _rank(m: dict) -> int:
    return 0 if m["entity_type"] == "organization" else 1


class _SpansByStart:
    """An article's mention spans in the order of their starts (a stable sort: equal starts keep their order),
    to take those inside a window by a bisect rather than a pass over all of them for every quantity."""

    __slots__ = ("spans", "starts")

    def __init__(self, spans: list[dict]):
        self.spans = sorted(spans, key=_start_of)
        self.starts = [m["char_start"] for m in self.spans]

    def within(self, start: int, end: int) -> list[dict]:
        lo = bisect_left(self.starts, start)
        hi = bisect_right(self.starts, end, lo)
        return [m for m in self.spans[lo:hi] if m["char_end"] <= end]


def _start_of(m: dict) -> int:
    return m["char_start"]


def _topic(body: str, start: int, end: int, spans: _SpansByStart) -> dict | None:
    """The entity a sentence is about: its first mention that is not a place something happens in."""
    cands = _outermost(spans.within(start, end))
    cands = [m for m in cands if not _is_locative(body, m)]
    if not cands:
        return None
    best = max(_rank(m) for m in cands)
    ranked = sorted((m for m in cands if _rank(m) == best), key=lambda m: m["char_start"])
    first = ranked[0]
    # 滇池度假区推动中国铁塔昆明公司…: after a causative verb the object is the actor
    later = [m for m in cands if m["char_start"] > first["char_end"]]
    if later:
        nxt = min(later, key=lambda m: m["char_start"])
        if _CAUSATIVE.fullmatch(body[first["char_end"]:nxt["char_start"]]) and _rank(nxt) > 0:
            return nxt
    return first


# 今年前三季度前海合作区实际使用外资…: a period before the entity still leaves it opening the clause
_TIME_LEAD = re.compile(r"(?:\s|今年|去年|上年|本年|全年|年内|前?[一二三四1-4两]个?季度|前三季度|上半年|下半年|一季度|"
                        r"\d{4}年|\d{1,2}月(?:份)?|\d{1,2}[-至到]\d{1,2}月|[一二三四五六七八九十]{1,3}[-至到][一二三四五六七八九十]{1,3}月|"
                        r"以来|截至|截止|目前|其中|同期|此外|另外)*")


def _subject(body: str, q: Quantity, spans: _SpansByStart) -> dict | None:
    sent_start = q.sentence_start
    topic = _topic(body, sent_start, q.char_start, spans)
    if topic is not None:
        # an entity opening the quantity's own clause beats the sentence topic
        opens = clause_start(body, q.char_start, sent_start, "，,；;")
        clause = _topic(body, opens, q.char_start, spans)
        if clause is not None and _rank(clause) >= _rank(topic) and (
                clause["char_start"] - opens <= 2 or _TIME_LEAD.fullmatch(body[opens:clause["char_start"]])):
            return clause
        return topic
    # an earlier sentence of the same paragraph: its topic carries over
    para_start = body.rfind("\n", 0, sent_start) + 1
    pos = sent_start
    while pos > para_start:
        prev_start = clause_start(body, pos - 1, para_start, SENTENCE_ENDS)
        t = _topic(body, prev_start, pos, spans)
        if t is not None and _rank(t) > 0:
            return t
        pos = prev_start
    return None


def _main_subject(spans: list[dict], title_end: int = 0) -> dict | None:
    """The article's main subject: an entity of its title, else the one it mentions most."""
    if title_end:
        in_title = [m for m in _outermost(spans) if m["char_end"] <= title_end and _rank(m) > 0]
        if in_title:
            return in_title[0]
    counts: dict[str, list] = {}
    for m in _outermost(spans):
        if m["entity_type"] in ("park", "region", "company", "project"):
            counts.setdefault(m["entity_key"], []).append(m)
    if not counts:
        return None
    key = max(counts, key=lambda k: (len(counts[k]), -counts[k][0]["char_start"]))
    return counts[key][0]


def _quantity_row(article: dict, q: Quantity, subject: dict | None, date_inferred: bool) -> dict:
    return {
        "quantity_id": short_hash(article["article_id"], q.char_start, q.char_end),
        "document_id": article["document_id"],
        "article_id": article["article_id"],
        "metric_code": q.metric_code,
        "subject_entity_id": subject["entity_id"] if subject else None,
        "subject_name": subject["name"] if subject else None,
        "value": q.value,
        "value_high": q.value_high,
        "unit_code": q.unit_code,
        "qualifier": q.qualifier,
        "counted": q.counted,
        "raw_text": q.raw_text,
        "raw_value": q.raw_value,
        "raw_unit": q.raw_unit,
        "period_start": q.period_start,
        "period_end": q.period_end,
        "period_label": q.period_label,
        "period_inferred": bool(q.period_inferred and date_inferred),
        "status": q.status,
        "comparison": q.comparison,
        "sentence": q.sentence,
        "char_start": q.char_start,
        "char_end": q.char_end,
        "confidence": q.confidence,
        "is_boilerplate": bool(article.get("is_boilerplate")),
    }


# --- stage 5: relations ----------------------------------------------------

def extract_relations(article: dict, mentions: list[dict]) -> list[dict]:
    body = article["body"]
    if not may_hold_relation(body):
        return []  # half the articles: their mentions are not even read
    ref = article.get("published_date")
    if isinstance(ref, datetime):
        ref = ref.date()
    ems = [Party(m["char_start"], m["char_end"], m["entity_type"], m["entity_key"])
           for m in mentions if m.get("char_start") is not None]
    rows = []
    # Times only date a relation: an article without one (most of them) is not scanned for times at all, and
    # one with relations only on the lines of their sentences, once its relations are found.
    found = find_relations(body, ems)
    if found:
        times = find_times_on_lines(body, ref, [r.char_start for r in found])
        for r in found:
            r.event_date = event_date(times, r.char_start, r.char_end)
    seen: dict[tuple, int] = {}
    for r in found:
        # 甲分别与乙签订A，与丙签订A: two agreements of one sentence with one description; the second gets
        # its ordinal in the id (the first keeps the id it always had)
        same = (r.relation_type, r.char_start, r.description)
        k = seen[same] = seen.get(same, -1) + 1
        rows.append({
            "relation_id": short_hash(article["article_id"], *same, *((k,) if k else ())),
            "relation_type": r.relation_type,
            "article_id": article["article_id"],
            "document_id": article["document_id"],
            "description": r.description,
            "event_date": r.event_date,
            "party_entity_ids": [entity_id_for(k) for k in r.party_keys],
            "party_keys": r.party_keys,
            "sentence": r.sentence,
        })
    return rows


def json_value(v: object) -> object:
    if isinstance(v, Decimal):
        return decimal_to_json(v)
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return v


def entity_rows(mentions: list[dict]) -> list[dict]:
    """Dimension rows for the entities mentioned, plus the regions above them.

    Regions link to their parent up to the province; a park, company or
    project links to the outermost region written inside its name
    (昆明经开区 → 昆明市). Equal rows are one row with their count in
    ``occurrences``: the entity dimension weighs names by how often they are written.
    """
    out: dict[tuple, dict] = {}

    def add(key: str, etype: str, name: str, level: str | None, code: str | None, parent_key: str | None, doc: str) -> None:
        k = (key, etype, name, level, code, parent_key, doc)
        row = out.get(k)
        if row is None:
            out[k] = {
                "entity_key": key, "entity_id": entity_id_for(key), "entity_type": etype, "name": name,
                "region_level": level, "admin_code": code,
                "parent_entity_id": entity_id_for(parent_key) if parent_key else None, "document_id": doc,
                "occurrences": 1,
            }
        else:
            row["occurrences"] += 1

    # the placed domestic regions of each article by start, with their order among the mentions (which
    # breaks ties between equally long inner regions)
    placed_regions: dict[str, list] = {}
    for k, r in enumerate(mentions):
        if r["entity_type"] == "region" and r.get("char_start") is not None \
                and r.get("region_level") != "foreign_country":
            placed_regions.setdefault(r["article_id"], []).append((r["char_start"], k, r))
    regions = {}
    for a, rs in placed_regions.items():
        rs.sort(key=lambda t: t[:2])
        regions[a] = ([s for s, _, _ in rs], [(k, r) for _, k, r in rs])
    seen_regions: set[str] = set()
    for m in mentions:
        parent_key = m.get("parent_key")
        start = m.get("char_start")
        if m["entity_type"] != "region" and start is not None and m["article_id"] in regions:
            starts, placed = regions[m["article_id"]]
            end = m["char_end"]
            best = None
            for k, r in placed[bisect_left(starts, start):bisect_left(starts, end + 1)]:
                if r["char_end"] <= end and (r["char_start"], r["char_end"]) != (start, end):
                    rank = (r["char_end"] - r["char_start"], -k)
                    if best is None or rank > best[0]:
                        best = (rank, r)
            if best is not None:
                parent_key = best[1]["entity_key"]
        add(m["entity_key"], m["entity_type"], m["name"], m.get("region_level"), m.get("admin_code"), parent_key, m["document_id"])
        if m["entity_type"] == "region" and m["entity_key"].startswith("region:"):
            rid = m["entity_key"].split(":", 1)[1]
            for anc in gazetteer.ancestors(rid)[1:]:
                if anc.region_id in seen_regions:
                    continue
                seen_regions.add(anc.region_id)
                add(f"region:{anc.region_id}", "region", anc.name, anc.level, anc.admin_code,
                    f"region:{anc.parent_id}" if anc.parent_id else None, m["document_id"])
    return list(out.values())
