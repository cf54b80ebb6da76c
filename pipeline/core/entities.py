"""Named entities: regions (on the gazetteer), parks, companies, bodies, persons, projects.

``find_entities(text, byline_people)`` returns ``EntityMention``s with offsets
into ``text`` and a cross-document ``key``: the same real-world thing gets the
same key in every document (region:530181, park:滇中新区, person:杨东伟).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from . import gazetteer, regex_starts
from .lexicon import Automaton, build_automaton, find_all, longest_matcher
from .reference import load_csv
from .jionlp_data import all_surnames, surnames
from .segmenter import dictionary_freq, pos_cut, word_boundaries, word_freq
from .spans import DisjointSpans
from .text import clause_start

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff·()（）—\-A-Za-z0-9]")
_BRACKETS = re.compile(r"[()（）]")
_NAME_RUN_REVERSED = re.compile(r"[\u4e00-\u9fff·—\-A-Za-z0-9]*")  # _NAME_CHARS less the brackets


@dataclass(slots=True)
class EntityMention:
    surface: str
    char_start: int
    char_end: int
    entity_type: str  # region, park, company, organization, person, project
    key: str
    name: str  # canonical name as best known from this mention
    region_level: str | None = None
    admin_code: str | None = None
    parent_key: str | None = None
    corrected_from: str | None = None
    # a person's titles; a shared empty tuple by default: a list and a dict made for every mention, of which only
    # persons have titles, took 2% of the stage's time
    titles: list[str] | tuple[()] = ()
    org_surface: str | None = None
    role_in_doc: str | None = None


# --- lexicons ------------------------------------------------------------

def _common_word(word: str, threshold: int = 50) -> bool:
    return dictionary_freq(word) >= threshold


@lru_cache(maxsize=1)
def _surnames() -> str:
    return surnames()


@lru_cache(maxsize=1)
def _suffixes() -> dict[str, str]:
    return {r["suffix"]: r["entity_type"] for r in load_csv("entity_suffixes.csv")}


@lru_cache(maxsize=1)
def _boundaries() -> tuple[str, ...]:
    return tuple(sorted((r["word"] for r in load_csv("name_boundaries.csv")), key=len, reverse=True))


@lru_cache(maxsize=1)
def _boundary_automaton() -> Automaton:
    return build_automaton({w: None for w in _boundaries()})


@lru_cache(maxsize=1)
def _titles() -> dict[str, str]:
    return {r["title"]: r["kind"] for r in load_csv("titles.csv")}


@lru_cache(maxsize=1)
def _known_parks() -> dict[str, str]:
    out: dict[str, str] = {}
    for r in load_csv("parks.csv"):
        out[r["canonical_name"]] = r["canonical_name"]
        for a in filter(None, r["aliases"].split("|")):
            out[a] = r["canonical_name"]
    return out


@lru_cache(maxsize=1)
def _park_automaton() -> Automaton:
    return build_automaton(_known_parks())  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def _known_orgs() -> dict[str, str]:
    out: dict[str, str] = {}
    for r in load_csv("organizations.csv"):
        out[r["canonical_name"]] = r["canonical_name"]
        for a in filter(None, r["aliases"].split("|")):
            out[a] = r["canonical_name"]
    return out


@lru_cache(maxsize=1)
def _abbreviations() -> list[tuple[str, str]]:
    return [(r["short"], r["full"]) for r in load_csv("park_abbreviations.csv")]


@lru_cache(maxsize=1)
def _park_term_words() -> tuple[str, ...]:
    """The park abbreviations and their full forms."""
    return tuple(dict.fromkeys(t for pair in _abbreviations() for t in pair if t))


@lru_cache(maxsize=1)
def _abbreviation_automaton() -> tuple[Automaton, int]:
    """An automaton of the park terms, and the longest one's length."""
    terms = _park_term_words()
    return build_automaton({t: t for t in terms}), max(map(len, terms), default=0)  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def _region_automaton() -> Automaton:
    """The gazetteer's surfaces and the foreign countries, less the surfaces that never name a region here.

    A surface's payload is what ``find_regions`` asks of it whatever the text: the divisions it may name (not
    development zones) and the one it names for certain, if any (``_certain_region``)."""
    return build_automaton(_region_words(_muted_surfaces()))


# A gazetteer surface's payload in the region automaton: the divisions it may name, and the one it names for certain.
RegionPayload = tuple[list[gazetteer.Region], gazetteer.Region | None]


def _region_words(muted: frozenset[str]) -> dict[str, RegionPayload]:
    """``_region_automaton``'s words (but ``muted``) and payloads."""
    words = {}
    for s, regs in gazetteer.surface_index().items():
        if len(s) >= 2 and s not in muted:
            named = [r for r in regs if not _is_functional_zone(r)]
            words[s] = (named, _certain_region(s, named))
    for s in gazetteer.foreign_countries():
        if len(s) >= 2:
            words.setdefault(s, ([], None))
    return words


def _certain_region(word: str, regs: list[gazetteer.Region]) -> gazetteer.Region | None:
    """The division an official name leaves no doubt about (昆明市; 云南 for the province), which gives the
    document context (so 安宁 is 安宁市): one division named in full, by a name of three or more characters or
    of a province or prefecture, that is not an ordinary word."""
    full = [r for r in regs if r.name == word or (r.level in ("province", "prefecture") and word in r.aliases)]
    if len(full) == 1 and (len(word) >= 3 or full[0].level in ("province", "prefecture")) and not _common_word(word, 50):
        return full[0]
    return None


def _muted_surfaces() -> frozenset[str]:
    """Surfaces ``find_regions`` rejects in any context, so they need not be matched at all: ordinary words
    (by the frequency floor ``_is_proper`` asks of a place name) that are only a township's short form (发展,
    建设, 中心: 55% of the gazetteer matches in the bench corpus) or only name development zones. A country
    named like such a township (巴西, 巴西乡) is then matched as the country. Cached on disk: deciding asks
    jieba's dictionary 67,000 times."""
    from . import cache, compiled, segmenter

    def build() -> frozenset[str]:
        countries = gazetteer.foreign_countries()
        out = set()
        for word, regs in gazetteer.surface_index().items():
            if not _common_word(word, 5):
                continue
            named = [r for r in regs if not _is_functional_zone(r)]
            if (all(r.level == "township" and not _is_full_name(word, r) for r in named)
                    and (named or word not in countries)):
                out.add(word)
        return frozenset(out)

    key = cache.input_key(files=[compiled.source_of(__name__)], parts=[segmenter.dictionary_key()])
    return cache.load_or_build("muted-region-surfaces", key, build)


@lru_cache(maxsize=1)
def _suffix_automaton() -> Automaton:
    return build_automaton(_suffixes())  # type: ignore[arg-type]


@lru_cache(maxsize=1)
def _lexicon_automaton() -> Automaton:
    words: dict[str, tuple[str, str]] = {}
    for alias, canon in _known_parks().items():
        words[alias] = ("park", canon)
    for alias, canon in _known_orgs().items():
        words[alias] = ("organization", canon)
    return build_automaton(words)  # type: ignore[arg-type]


# --- regions -------------------------------------------------------------

_LEVEL_RANK = {"province": 4, "prefecture": 3, "county": 2, "township": 1}
_REGION_STOP_AFTER = ("路", "街", "大道", "站", "机场")


def _region_candidates(text: str) -> list[tuple[int, int, str, RegionPayload]]:
    """Every gazetteer surface found in the text, overlapping ones included, with ``_region_automaton``'s payload."""
    found = _region_automaton().matches(text)
    found.sort(key=_span_of)  # a span holds one word, so (start, end) orders them as the whole tuples would
    return found  # type: ignore[return-value]


def _span_of(match: tuple) -> tuple[int, int]:
    return match[0], match[1]


def _longest_first(match: tuple) -> tuple[int, int]:
    return match[0] - match[1], match[0]


def _start_of_mention(m: EntityMention) -> int:
    return m.char_start


def _context_support(doc_regions: dict[str, int], region: gazetteer.Region) -> int:
    support = 0
    for a in gazetteer.ancestors(region.parent_id):  # a loop, not sum() over a generator: 5% of the stage's time
        support += doc_regions.get(a.region_id, 0)
    return support


def find_regions(text: str) -> list[EntityMention]:
    cands = _region_candidates(text)
    countries = gazetteer.foreign_countries()
    # First pass: unambiguous official names give context (昆明市 → 530100, so 安宁 is 安宁市).
    context: dict[str, int] = {}
    for _, _, _, (_, certain) in cands:
        if certain is not None:
            for a in gazetteer.ancestors(certain.region_id):
                context[a.region_id] = context.get(a.region_id, 0) + 1
    out: list[EntityMention] = []
    rankings: dict[str, tuple[list[gazetteer.Region], int]] = {}  # a name recurs in a document: rank it once
    # Of overlapping accepted names the longest wins (西双版纳州 over 版纳; the first of equally long ones), so
    # the candidates are weighed longest first, and one inside or across a name already accepted is not weighed
    # at all: it could only lose (10,145 of 67,962 candidates over 400 bench documents: short forms inside full
    # names, names across longer ones).
    taken = DisjointSpans()
    for s, e, word, (regs, _) in sorted(cands, key=_longest_first):
        if taken.overlaps(s, e):
            continue
        if not regs:
            if word in countries and _word_boundary_ok(text, s, e):
                short, full = countries[word]
                taken.add(s, e)
                out.append(EntityMention(word, s, e, "region", f"country:{short}", short, region_level="foreign_country"))
            continue
        if word not in rankings:
            rankings[word] = _rank_regions(word, regs, context)
        best = _choose_region(text, s, e, word, rankings[word], context)
        if best is None:
            continue
        parent = best.parent_id
        taken.add(s, e)
        out.append(EntityMention(word, s, e, "region", f"region:{best.region_id}", best.name,
                                 region_level=best.level, admin_code=best.admin_code,
                                 parent_key=f"region:{parent}" if parent else None))
    out.sort(key=_start_of_mention)
    out.extend(_fuzzy_townships(text, out, context))
    return out


_ZONE_SUFFIX = ("开发区", "新区", "产业园", "园区", "工业园", "示范区", "合作区", "管理区", "管委会", "试验区", "保税区", "农场", "林场")


@lru_cache(maxsize=None)
def _is_functional_zone(r: gazetteer.Region) -> bool:
    """Development zones that the statistical codes list beside counties and towns are parks, not regions."""
    if r.level == "county" and r.admin_code and 70 <= int(r.admin_code[-2:]) <= 79:
        return True
    return r.level in ("county", "township") and r.name.endswith(_ZONE_SUFFIX)


def _word_boundary_ok(text: str, s: int, e: int) -> bool:
    """Whether [s, e) starts and ends on word boundaries of jieba's segmentation
    (with the gazetteer in its dictionary): 宁波 in 改扩建宁波南段 is a word,
    更合 in 更合理 and 加纳 in 增加纳税 are not."""
    lo, hi = max(0, s - 4), min(len(text), e + 4)
    bounds = word_boundaries(text[lo:hi])
    return (s - lo) in bounds and (e - lo) in bounds


def _tagged_place(word: str) -> bool:
    tokens = pos_cut(word)
    return len(tokens) == 1 and tokens[0][1] == "ns"


def _rank_regions(word: str, regs: list[gazetteer.Region], context: dict[str, int]) -> tuple[list[gazetteer.Region], int]:
    """The divisions a surface may name, most likely first, and the best one's support in the document."""
    def score(r: gazetteer.Region) -> tuple[int, int, int, int]:
        high = int(r.level in ("province", "prefecture") and word in r.aliases)
        return (high, _context_support(context, r) + context.get(r.region_id, 0), int(r.name == word), _LEVEL_RANK[r.level])

    ranked = sorted(regs, key=score, reverse=True) if len(regs) > 1 else regs
    best = ranked[0]
    return ranked, _context_support(context, best) + context.get(best.region_id, 0)


def _is_full_name(word: str, region: gazetteer.Region) -> bool:
    """Whether ``word`` names the division in full (安宁市, 禄劝县), not by its short form (安宁)."""
    return region.name == word or (word != region.short and word.endswith(_ADMIN_SUFFIX))


_ADMIN_SUFFIX = ("省", "市", "州", "县", "区", "旗", "镇", "乡", "街道")


def _choose_region(text: str, s: int, e: int, word: str, ranking: tuple[list[gazetteer.Region], int],
                   context: dict[str, int]) -> gazetteer.Region | None:
    """The division [s, e) names, from ``_rank_regions``, or None when the text does not support one."""
    ranked, support = ranking
    best = ranked[0]
    is_full = _is_full_name(word, best)
    if text[e:e + 2].startswith(_REGION_STOP_AFTER) and not is_full:
        return None
    if is_full:
        if len(word) <= 3 and support == 0 and best.level != "province" and not _word_boundary_ok(text, s, e):
            return None
        if best.level == "township" and len(ranked) > 1 and support == 0 and len(word) <= 3:
            return None  # 城关镇: dozens of them, none in context
        if support == 0 and _common_word(word, 50) and best.level not in ("province", "prefecture"):
            return None  # 城区, 社区: divisions named with an ordinary word need context
        return best
    # short forms (安宁, 五华, 磨憨)
    if best.level in ("province",):
        return best if _word_boundary_ok(text, s, e) else None
    if best.level == "prefecture":
        if support or not _common_word(word, 200) or _tagged_place(word):
            return best if _word_boundary_ok(text, s, e) else None
        return None
    if best.level == "township":
        # township short forms (磨憨) only with their county or prefecture in context,
        # and never when the form is an ordinary word (建设, 中心)
        # (each test can only refuse: the segmentation, the dearest, comes last)
        if _common_word(word, 1):
            return None
        near = sum(context.get(a.region_id, 0) for a in gazetteer.ancestors(best.parent_id) if a.level in ("county", "prefecture"))
        if not near and not (len(ranked) == 1 and text.count(word) >= 2):
            return None  # a unique, unambiguous short form written more than once (磨憨)
        return best if _word_boundary_ok(text, s, e) else None
    if support and _word_boundary_ok(text, s, e):
        return best
    if len(ranked) == 1 and not _common_word(word, 5) and _word_boundary_ok(text, s, e) and len(word) >= 2:
        return best  # a unique, non-dictionary short form (磨憨)
    return None




_TOWNSHIP_SUFFIXES = ("街道", "镇", "乡")
_TOWNSHIP_SUFFIX = re.compile("|".join(_TOWNSHIP_SUFFIXES))


def _townships_by_form(counties: list[EntityMention]) -> list[dict[tuple[int, str], list[gazetteer.Region]]]:
    """The townships of each county by (name length, suffix), in the gazetteer's order: the only divisions a
    candidate is compared with. The counties come in the order of their set, as the candidates visited them."""
    children = gazetteer.children_index()
    out = []
    for c in {c.key for c in counties}:
        by_form: dict[tuple[int, str], list[gazetteer.Region]] = {}
        for child in children.get(c.split(":", 1)[1], []):
            if child.level == "township":
                for suffix in _TOWNSHIP_SUFFIXES:
                    if child.name.endswith(suffix):
                        by_form.setdefault((len(child.name), suffix), []).append(child)
        out.append(by_form)
    return out


def _fuzzy_townships(text: str, found: list[EntityMention], context: dict[str, int]) -> list[EntityMention]:
    """One-character typos of a township under a county in context (禄脰街道 → 禄脿街道)."""
    taken = [(m.char_start, m.char_end) for m in found]
    counties = [m for m in found if m.region_level in ("county", "prefecture")]
    if not counties:
        return []
    townships: list[dict[tuple[int, str], list[gazetteer.Region]]] = []  # filled at the first candidate
    out: list[EntityMention] = []
    for m in _TOWNSHIP_SUFFIX.finditer(text):
        e = m.end()
        suffix = m.group(0)
        if any(m.start() < oe and os_ < e for os_, oe in taken):
            continue
        # township names are two to four characters before the suffix: 安宁市禄脰街道 → 禄脰街道
        for k in range(max(0, m.start() - 4), m.start() - 1):
            cand = text[k:e]
            if not _CJK.fullmatch(cand[0]) or any(k < oe and os_ < e for os_, oe in taken):
                continue
            if _common_word(cand[:-len(suffix)], 1):
                continue
            if not townships:
                townships = _townships_by_form(counties)
            best = None
            for by_form in townships:
                for child in by_form.get((len(cand), suffix), ()):
                    if Levenshtein.distance(child.name, cand) == 1:
                        best = child
                if best:
                    break
            if best:
                out.append(EntityMention(cand, k, e, "region", f"region:{best.region_id}", best.name,
                                         region_level="township", parent_key=f"region:{best.parent_id}",
                                         corrected_from=cand))
                taken.append((k, e))
                break
    return out


# --- suffix-based names --------------------------------------------------

_CUT_TAGS = ("v", "p", "c", "u", "m", "q", "r", "d", "uj", "ul", "ud", "ug", "uz", "y", "e", "x")


# Single-character verbs that do end a name (是/有/到 …); others inside a company name are
# usually misread name parts (云南|能|投集团, 隆基绿|能|科技).
_FUNCTION_VERBS = set("是有到让使给由将对把被向来去要会")


@lru_cache(maxsize=65536)
def _pos_trim(prefix: str, allow_verbs: bool, company: bool = False) -> int:
    """Offset in ``prefix`` after the last word that cannot be part of a name (cached, as its words' tags are:
    a name is written again and again, and over the four bundled documents 46% of the calls repeated one)."""
    cut = 0
    pos = 0
    tokens = pos_cut(prefix)
    for k, (word, flag) in enumerate(tokens):
        pos += len(word)
        if word in "()（）·—-":
            continue
        if flag in ("vn",) or not flag.startswith(_CUT_TAGS):
            continue
        if flag.startswith("v"):
            # only ordinary verbs end a name; a rare "verb" is usually a misread name part (雅酌酒业)
            if allow_verbs or word_freq(word) < 300:
                continue
            if company and k > 0 and len(word) == 1 and word not in _FUNCTION_VERBS:
                continue
        cut = pos
    return cut


class _TermsInText:
    """Where a text holds the known parks and bodies (``_lexicon_automaton``) and the park terms
    (``_abbreviation_automaton``), found once for every name ended by a suffix in it: ``_left_extend`` asked
    both automata about a window before each suffix, 49,000 calls each over 400 bench documents. The known
    names are the matches ``find_named`` reports anyway; the park terms are looked for at the first name."""

    __slots__ = ("_text", "_known", "_park_terms")

    def __init__(self, text: str, known: list[tuple[int, int, str, object]]):
        self._text = text
        self._known = _Spans([(s, e) for s, e, _, _ in known])  # find_all's matches, by end
        self._park_terms: _Spans | None = None

    def known_within(self, lo: int, hi: int) -> list[tuple[int, int]]:
        return self._known.within(lo, hi)

    def park_terms_within(self, lo: int, hi: int) -> list[tuple[int, int]]:
        if self._park_terms is None:
            self._park_terms = _Spans(sorted(_occurrences(self._text, _park_term_words()), key=_end_of_span))
        return self._park_terms.within(lo, hi)


def _occurrences(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of each of a few words, overlapping ones included. For the nine park terms
    a search for each is faster than the automaton, whose every call maps the whole text's offsets: over the
    articles of 400 bench documents 0.013 s against 0.048 s."""
    out = []
    for word in words:
        k = text.find(word)
        while k >= 0:
            out.append((k, k + len(word)))
            k = text.find(word, k + 1)
    return out


def _end_of_span(span: tuple[int, int]) -> int:
    return span[1]


class _Spans:
    """(start, end) spans in the order of their ends."""

    __slots__ = ("_spans", "_ends")

    def __init__(self, spans: list[tuple[int, int]]):
        self._spans = spans
        self._ends = [e for _, e in spans]

    def within(self, lo: int, hi: int) -> list[tuple[int, int]]:
        """The spans inside text[lo:hi], as a scan of that slice finds them."""
        spans = self._spans[bisect_right(self._ends, lo):bisect_right(self._ends, hi)]
        return [(s, e) for s, e in spans if s >= lo]


def _within(automaton: Automaton, text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """``_Spans.within`` for a text scanned only there."""
    return [(lo + s, lo + e) for _, s, e in automaton.find_indexes(text[lo:hi])]


def _left_extend(text: str, end: int, suffix_start: int, max_len: int, allow_verbs: bool = False,
                 company: bool = False, terms: _TermsInText | None = None) -> int:
    """Start of the name that ends with the suffix at [suffix_start, end). ``terms``: those of ``text``, for a
    caller that extends many names of one text."""
    i = suffix_start
    floor = max(0, end - max_len)
    reach = text[floor:suffix_start]
    if not _BRACKETS.search(reach):  # the run of name characters before the suffix, in one match
        i -= _NAME_RUN_REVERSED.match(reach[::-1]).end()
    depth = 0
    while i > floor:
        ch = text[i - 1]
        if ch in ")）":
            depth += 1
        elif ch in "(（":
            if depth == 0:
                break
            depth -= 1
        elif not _NAME_CHARS.match(ch):
            break
        i -= 1
    start = i
    # cut at the last boundary word inside the prefix
    prefix = text[start:suffix_start]
    start += _last_boundary_end(prefix)
    start += _pos_trim(text[start:suffix_start], allow_verbs, company)
    # never cut inside a known park or body (中|国(云南)自由贸易试验区, past the length limit) or a park term
    # (自|贸试验区 → 自贸试验区)
    lo = max(0, start - 24)
    known = terms.known_within(lo, suffix_start) if terms else _within(_lexicon_automaton(), text, lo, suffix_start)
    start = min([ks for ks, ke in known if ks < start < ke], default=start)
    # a park term written across the start moves it back; only a text holding one near the start is asked
    automaton, longest = _abbreviation_automaton()
    lo, hi = max(0, start - longest + 1), start + longest - 1
    if terms.park_terms_within(lo, hi) if terms else _within(automaton, text, lo, hi):
        for short, full in _abbreviations():
            for term in (short, full):
                k = text.rfind(term, max(0, start - len(term) + 1), suffix_start + len(term))
                if 0 <= k < start < k + len(term):
                    start = k
    while start < suffix_start and text[start] in "—-)）、":
        start += 1
    return start


@lru_cache(maxsize=65536)
def _last_boundary_end(prefix: str) -> int:
    """End of the last boundary word in ``prefix`` (与, 位于, 推动 …). A one-character one counts only where
    the segmentation makes it a word of its own: 为 in 与|华为 and 同 in 北京|同仁堂 are name characters.
    (Cached like ``_pos_trim``: 28% of the calls over the bundled documents repeated one.)"""
    found = _boundary_automaton().find_indexes(prefix)
    bounds = word_boundaries(prefix) if any(e - s == 1 for _, s, e in found) else set()
    return max((e for _, s, e in found if e - s > 1 or (s in bounds and e in bounds)), default=0)


@lru_cache(maxsize=65536)
def _is_proper(prefix: str) -> bool:
    """Whether a name's prefix names something (a place, a brand) rather than a kind (cached like ``_pos_trim``:
    46% of the calls over the bundled documents repeated one)."""
    if not prefix:
        return False
    if _park_automaton().find_indexes(prefix):
        return True
    if any(len(w) >= 2 and not _common_word(w, 5) for _, _, w, _ in find_all(_region_automaton(), prefix)):
        return True
    if any(flag in ("ns", "nr", "nt", "nz", "nrt", "j") and len(w) >= 2 for w, flag in pos_cut(prefix)):
        return True
    # an out-of-vocabulary stretch of two or more characters is a proper name
    i = 0
    while i < len(prefix):
        for L in (4, 3, 2):
            w = prefix[i:i + L]
            if len(w) == L and dictionary_freq(w) > 0:
                i += L
                break
        else:
            if i + 1 < len(prefix) and _CJK.match(prefix[i]) and _CJK.match(prefix[i + 1]) and dictionary_freq(prefix[i]) < 5000000:
                return True
            i += 1
    return False


_LEVEL_BODY = re.compile(r"[省市县区州乡镇]?(?:委|政府|人大|政协|纪委|人大常委会|党委|党工委)")


def _starts_with_adjective(prefix: str) -> bool:
    tokens = pos_cut(prefix) if prefix else []
    return bool(tokens) and tokens[0][1] in ("a", "ad", "an", "b") and len(tokens[0][0]) >= 2 and tokens[0][0] not in ("国家级", "省级")


_ORG_TAILS = {"党委", "省委", "市委", "县委", "区委", "州委", "纪委", "团委", "工委", "党组", "政协"}
_COMMON_TAILS = {"布局", "格局", "开局", "大局", "全部", "西部", "东部", "内部", "外部", "中部", "南部", "北部", "举办", "创办",
                 "兴办", "主办", "承办", "公司", "中心", "重心", "核心", "处处", "到处", "之处", "好处", "办公", "结局", "当局", "局部",
                 "干部", "部门", "基部", "头部", "全局", "支部", "总部", "本部", "分部", "尾部", "底部", "顶部", "上部", "下部",
                 "联办", "督办", "代办", "帮办", "好办", "交办", "承办", "协办", "委托", "开办"}


def find_named(text: str) -> list[EntityMention]:
    """Parks, companies, bodies and projects found by their suffix."""
    out: list[EntityMention] = []
    suffixes = _suffixes()
    known = find_all(_lexicon_automaton(), text)
    terms = _TermsInText(text, known)
    ends: dict[int, tuple[int, str]] = {}
    for s, e, word, etype in find_all(_suffix_automaton(), text):
        if e not in ends or s < ends[e][0]:
            ends[e] = (s, word)
    for e, (s, suffix) in sorted(ends.items()):
        # extend over a longer suffix that starts here (经开区 inside 昆明经开区…)
        etype = suffixes[suffix]
        nxt = text[e:e + 1]
        if nxt and _CJK.match(nxt) and etype != "company" and text[e:e + 2] not in ("项目",):
            # the suffix continues into a longer word (新区各园区 → 各): keep only when followed by a stop
            if any(text[s:e + k] in suffixes for k in (1, 2, 3)):
                continue
        if len(suffix) == 1 or suffix in ("中心", "公司", "部", "办公室"):
            tail = text[max(0, s - 1):e]
            if tail in _COMMON_TAILS:
                continue
            # 部署: the suffix character ends an ordinary word
            if len(suffix) == 1 and _common_word(text[s - 1:e], 200) and text[s - 1:e] not in suffixes and text[s - 1:e] not in _ORG_TAILS:
                continue
        # 办法, 委员, 厂房, 大学生: the suffix starts a longer ordinary word
        longer = [text[s:e + k] for k in (1, 2) if e + k <= len(text)]
        if any(_common_word(w, 20) and w not in suffixes for w in longer):
            continue
        start = _left_extend(text, e, s, 22 if etype == "company" else 16, company=etype == "company", terms=terms)
        name = text[start:e]
        prefix = text[start:s]
        if not prefix and etype != "organization":
            continue
        if etype == "organization":
            if len(name) < 2 or (len(suffix) == 1 and len(name) < 3):
                continue
            if _common_word(name, 100) and not _LEVEL_BODY.fullmatch(name) and name not in ("国务院", "政协", "人大"):
                continue
            if suffix.endswith("政府") and prefix and not (_LEVEL_BODY.fullmatch(name) or _is_proper(prefix) or prefix.endswith("人民")):
                continue  # 服务型政府, 小政府: a kind of government, not a body
            if _starts_with_adjective(prefix):
                continue  # 优秀基层党委, 先进单位: an award category
        elif not _is_proper(prefix) and name not in _known_parks():
            continue
        out.append(EntityMention(name, start, e, etype, "", name))
    out.extend(_projects(text, terms))
    out.extend(_companies_by_executive(text, out, terms))
    for s, e, word, (etype, canon) in known:
        out.append(EntityMention(word, s, e, etype, "", canon))
    return _split_coordinated(_dedupe_nested(out))


_BODY_PAIR = re.compile(r"([省市县区州])委\1政府")  # 省委省政府
_COLLECTIVE_BODIES = re.compile(r"[省市县区州]{2}(?:党委|委)(?:政府)?")  # 省市党委政府


def _split_coordinated(ms: list[EntityMention]) -> list[EntityMention]:
    """省委省政府 → 省委 + 省政府; 省市党委 → 省委 + 市委: two bodies written as one."""
    out = []
    for m in ms:
        name = m.surface
        if m.entity_type == "organization" and _BODY_PAIR.fullmatch(name):
            k = name.index("委") + 1
            out.append(EntityMention(name[:k], m.char_start, m.char_start + k, "organization", "", name[:k]))
            out.append(EntityMention(name[k:], m.char_start + k, m.char_end, "organization", "", name[k:]))
            continue
        if m.entity_type == "organization" and _COLLECTIVE_BODIES.fullmatch(name):
            continue  # 省市党委政府: a collective reference, no single body
        out.append(m)
    return out


_PROJECT = re.compile(r"项目")


def _companies_by_executive(text: str, found: list[EntityMention], terms: _TermsInText | None = None
                            ) -> list[EntityMention]:
    """三星电子CEO, 联发科 CEO 蔡力行: a name right before a chief executive's title is a company."""
    out = []
    starts = _before_executive_titles(text)
    if not starts:
        return out  # most texts name no chief executive
    for m in regex_starts.finditer(_COMPANY_BEFORE_EXEC, text, starts):
        e = m.end(1)
        start = _left_extend(text, e, e, 8, terms=terms)
        name = text[start:e]
        if len(name) < 2 or any(o.char_start <= start and e <= o.char_end for o in found):
            continue
        if not _is_proper(name) or name.endswith(tuple(_suffixes())):
            continue
        out.append(EntityMention(name, start, e, "company", "", name))
    return out


def _before_executive_titles(text: str) -> list[int]:
    """Where ``_COMPANY_BEFORE_EXEC`` may start: 2-8 name characters and a space at most before a title of its
    lookahead, every occurrence of each (总裁 inside 副总裁 too). Its regex search tried every character of the
    text: 0.019 s over the articles of 400 bench documents (1.2% of the entities' time), these positions 0.0015 s."""
    starts: set[int] = set()
    for t, _ in _occurrences(text, _EXEC_TITLES):
        starts.update(range(max(0, t - 9), t - 1))
    return sorted(starts)


_GENERIC_PROJECT = re.compile(r"^(?:重点|在建|新建|新开工|续建|竣工|招商引资|产业|省级|市级|县级|亿元以上|十亿元以上|各类|相关|合作|协作|跨区域|该|此|这些|一批)")
_OWNER = re.compile(r"(?:集团|公司|有限公司)")


# 经开区新签约招商引资项目, 全市在建重点项目: a kind of project, not one project's name
_CATEGORY_PROJECT = re.compile(r"(?:招商引资|签约|新签约|重点|在建|续建|新建|新开工|开工|竣工|投产|亿元以上|以上|各类|相关|一批|产业化)$")


def _projects(text: str, terms: _TermsInText | None = None) -> list[EntityMention]:
    out = []
    for m in _PROJECT.finditer(text):
        s, e = m.start(), m.end()
        start = _left_extend(text, e, s, 20, allow_verbs=True, terms=terms)
        owner = list(_OWNER.finditer(text, start, s))
        if owner and owner[-1].end() < s - 1:
            start = owner[-1].end()  # 浙江交通集团|甬台温改扩建宁波南段项目: the owner is a company
        prefix = text[start:s]
        tokens = pos_cut(prefix) if prefix else []
        # 开展XX项目 at a clause start is a verb phrase; after a governing word (落地|共享单车项目)
        # the leading verb is part of the object's name
        verb_phrase = bool(tokens) and tokens[0][1] == "v" and not text[:start].endswith(_boundaries())
        if len(prefix) < 2 or _GENERIC_PROJECT.match(prefix) or _CATEGORY_PROJECT.search(prefix) or verb_phrase:
            continue
        if not _is_proper(prefix) and len(prefix) < 4:
            continue
        if prefix.endswith("产业") and not _is_proper(prefix[:-2]):
            continue  # 省外产业项目, 转移产业项目: a class of projects
        out.append(EntityMention(text[start:e], start, e, "project", "", text[start:e]))
    return out


def _dedupe_nested(ms: list[EntityMention]) -> list[EntityMention]:
    """Of several suffix names ending at the same place keep the longest; drop exact duplicates."""
    ms.sort(key=lambda m: (m.char_start, -(m.char_end - m.char_start)))
    first_start: dict[tuple[int, str], int] = {}  # (end, type) → the earliest start of such a mention
    company_end: dict[int, int] = {}  # start → the furthest end of a company named from there
    for o in ms:
        k = (o.char_end, o.entity_type)
        first_start[k] = min(first_start.get(k, o.char_start), o.char_start)
        if o.entity_type == "company":
            company_end[o.char_start] = max(company_end.get(o.char_start, o.char_end), o.char_end)
    out: list[EntityMention] = []
    seen = set()
    for m in ms:
        k = (m.char_start, m.char_end, m.entity_type)
        if k in seen:
            continue
        # same end, contained in a longer mention of the same type: drop
        if first_start[m.char_end, m.entity_type] < m.char_start:
            continue
        # 隆基绿能科技股份 inside 隆基绿能科技股份有限公司: a company's name cut at an inner suffix
        if m.entity_type == "company" and company_end[m.char_start] > m.char_end:
            continue
        seen.add(k)
        out.append(m)
    return out


# --- persons -------------------------------------------------------------

@lru_cache(maxsize=1)
def _title_matcher():
    """The titles' matches in a whole text, those ``_title_re`` finds, in one automaton pass: 0.018 s against
    0.038 s over the articles of 400 bench documents."""
    return longest_matcher(list(_titles()))


@lru_cache(maxsize=1)
def _title_re() -> re.Pattern[str]:
    titles = "|".join(sorted((re.escape(t) for t in _titles()), key=len, reverse=True))
    return re.compile(rf"(?:{titles})")


_SPEECH = r"(?:表示|介绍|说|指出|强调|认为|称|坦言|告诉|提出|率队|一行|带队|主持|出席|参加|调研|作|在|与|等|到|赴|前往|会见|看望|走访|致辞|讲话|宣布|透露|建议|希望|要求|、|，|,|。|（|\()"
_PERSON_AFTER_TITLE = re.compile(rf"\s?([\u4e00-\u9fff]{{2,3}}?)(?={_SPEECH}|\d|\s|\.|…|$)")
_EXEC_TITLES = ("CEO", "首席执行官", "董事长", "总裁", "副总裁")
_COMPANY_BEFORE_EXEC = re.compile(r"([\u4e00-\u9fffA-Za-z]{2,8}?)\s?(?=" + "|".join(_EXEC_TITLES) + ")")
_BYLINE_NAME = re.compile(r"(?:记者|通讯员|实习生|见习记者|摄影|编辑)\s*[:：]?\s*([\u4e00-\u9fff]{2,3})(?=[\s\d，,。、）)]|摄|$)")


_NAME_BEFORE_CUE = re.compile(r"([\u4e00-\u9fff]{2,3})(总书记|表示|介绍|指出|强调|认为|透露|坦言|说：|说:|说，|说,)")
# the cues alone: no two occurrences of them can overlap (none starts with another's last character)
_SPEECH_CUE = re.compile(r"总书记|表示|介绍|指出|强调|认为|透露|坦言|说[：:，,]")


def _names_before_cues(text: str):
    """``_NAME_BEFORE_CUE.finditer(text)``, tried only two or three characters before a cue. The pattern starts
    with a run of any Chinese characters, so the regex engine tried it at every one of them (5% of the entities'
    time); a match starts two or three characters before a cue, and the cues are rare."""
    end = 0
    for cue in _SPEECH_CUE.finditer(text):
        for start in (cue.start() - 3, cue.start() - 2):
            if start >= end:
                m = _NAME_BEFORE_CUE.match(text, start)
                if m:
                    yield m
                    end = m.end()
                    break


def _looks_like_name(name: str, after_title: bool = False) -> bool:
    """A surname from jionlp's unambiguous list, or a whole word jieba tags as a person name.

    Right after a title (州长迟中华) the context is strong enough for the full
    surname list, ambiguous characters included."""
    if name in _titles():
        return False
    tokens = pos_cut(name)
    if len(tokens) > 1 and any(w in _titles() for w, _ in tokens):
        return False  # 书记处|书记: the tail of a title chain, not a name
    if len(tokens) == 1 and tokens[0][1].startswith("nr"):
        return True  # 习近平, 李强 (nrfg): a name jieba knows
    if _common_word(name, 20):
        return False
    if after_title and (name[0] in all_surnames() or name[:2] in all_surnames()):
        return True
    if after_title and not any(flag.startswith(("v", "p", "c", "u", "d", "m", "q", "r")) for _, flag in tokens):
        return True  # surnames outside the 百家姓 list (迟中华): title before, speech or action cue after
    return name[0] in _surnames()


def find_persons(text: str) -> list[EntityMention]:
    out: list[EntityMention] = []
    surnames = _surnames()
    for _, t_start, t_end in _title_matcher().find_matches_as_indexes(text):
        after = text[t_end:t_end + 8]
        pm = _PERSON_AFTER_TITLE.match(after)
        if not pm:
            continue
        name = pm.group(1)
        if not _looks_like_name(name, after_title=True):
            continue
        ns = t_end + pm.start(1)
        chain_start, titles, org = _title_chain(text, t_start, t_end)
        out.append(EntityMention(name, ns, ns + len(name), "person", f"person:{name}", name,
                                 titles=titles, org_surface=org, role_in_doc=_role(titles)))
    taken = {(m.char_start, m.char_end) for m in out}
    for m in _names_before_cues(text):
        name = m.group(1)
        s0 = m.start(1)
        if (s0, m.end(1)) in taken or not _looks_like_name(name) or not _word_boundary_ok(text, s0, m.end(1)):
            continue
        title = m.group(2) if m.group(2) in _titles() or m.group(2) == "总书记" else None
        out.append(EntityMention(name, s0, m.end(1), "person", f"person:{name}", name,
                                 titles=[title] if title else [], role_in_doc="official" if title else None))
        taken.add((s0, m.end(1)))
    for m in _BYLINE_NAME.finditer(text):
        name = m.group(1)
        if (m.start(1), m.end(1)) in taken or not _looks_like_name(name):
            continue
        role = text[m.start():m.start(1)].strip(" :：")
        out.append(EntityMention(name, m.start(1), m.end(1), "person", f"person:{name}", name,
                                 titles=[role], role_in_doc="reporter"))
    return out


def _title_chain(text: str, t_start: int, t_end: int) -> tuple[int, list[str], str | None]:
    """党工委副书记、管委会副主任 → ['滇中新区党工委副书记', '管委会副主任'] with their org."""
    sent_start = clause_start(text, t_start, 0, "。！？\n，,；")
    chain = text[sent_start:t_end]
    # the chain is the run of titled segments separated by 、 right before the name
    parts = chain.split("、")
    titles: list[str] = []
    for part in reversed(parts):
        part = part.strip()
        m = list(_title_re().finditer(part))
        if not m or m[-1].end() != len(part):
            break
        # drop leading verbs/function words from the organisation part
        start = _left_extend(part, len(part), m[-1].start(), 30)
        titles.insert(0, part[start:])
        if len(part) - start < len(part):
            break
    org = None
    if titles:
        first = titles[0]
        tm = list(_title_re().finditer(first))
        org = first[: tm[0].start()] or None if tm else None
    return sent_start, titles, org


def _role(titles: list[str]) -> str:
    kinds = [_titles().get(t[-k:]) for t in titles for k in range(len(t), 0, -1) if t[-k:] in _titles()]
    if any(k == "business" for k in kinds):
        return "business"
    if any(k == "academic" for k in kinds):
        return "expert"
    if any(k == "resident" for k in kinds):
        return "resident"
    return "official"


def person_mentions(text: str, names: set[str]) -> list[EntityMention]:
    """Every occurrence of already known person names."""
    out = []
    for name in names:
        for k in _find_all_str(text, name):
            out.append(EntityMention(name, k, k + len(name), "person", f"person:{name}", name))
    return out


# --- keys ----------------------------------------------------------------

_DASHES = str.maketrans({"-": "—", "–": "—", "－": "—", "（": "(", "）": ")"})


@lru_cache(maxsize=1)
def _province_aliases() -> tuple[str, ...]:
    return tuple(sorted({a for r in gazetteer.load_gazetteer().values() if r.level == "province" for a in r.aliases},
                        key=len, reverse=True))


def canonical_key(m: EntityMention) -> str:
    """Cross-document identity of a named thing."""
    if m.key:
        return m.key
    return _canonical_key(m.entity_type, m.name)


@lru_cache(maxsize=65536)
def _canonical_key(entity_type: str, name: str) -> str:
    m = EntityMention(name, 0, 0, entity_type, "", name)
    name = m.name.translate(_DASHES)
    if m.entity_type == "park":
        name = _known_parks().get(name, name)
        name = re.sub(r"^(?:国家级|省级|市级)", "", name)
        for short, full in _abbreviations():
            if short in name and full not in name:
                name = name.replace(short, full)
        name = re.sub(r"^中国\([\u4e00-\u9fff]{2,3}\)", "", name)
        name = re.sub(r"^中国", "", name)
        # strip a leading province (云南滇中新区 → 滇中新区) when the rest still names it
        for a in _province_aliases():
            if name.startswith(a) and len(name) - len(a) >= 4 and _is_proper(name[len(a):-2]):
                name = name[len(a):]
                break
        return f"park:{name}"
    if m.entity_type == "organization":
        name = name.rsplit("·", 1)[-1]
        return f"organization:{_known_orgs().get(name, name)}"
    return f"{m.entity_type}:{name}"


_BARE_BODIES = ("党工委", "党委", "管委会", "工委", "党组", "纪委")
_LEVEL_AND_BARE_BODY = re.compile(r"[区县市省州](?:" + "|".join(_BARE_BODIES) + ")")  # 市委, 区管委会
_SOURCE_AT_END = re.compile(r"[(（]([\u4e00-\u9fff]{2,8})[)）]\s*$", re.M)


def _resolve_short_bodies(mentions: list[EntityMention]) -> None:
    """管委会 → 滇中新区管委会: a bare body name takes the nearest full form the article uses."""
    bodies = [m for m in mentions if m.entity_type == "organization"]
    for m in bodies:
        if m.surface not in _BARE_BODIES and not _LEVEL_AND_BARE_BODY.fullmatch(m.surface):
            continue
        bare = m.surface.lstrip("区县市省州")
        full = [o for o in bodies if o is not m and o.surface.endswith(bare) and len(o.surface) > len(m.surface)
                and (m.surface == bare or o.surface.endswith(m.surface))]
        if full:
            nearest = min(full, key=lambda o: abs(o.char_start - m.char_start))
            m.name = nearest.name
            m.key = canonical_key(nearest)


def find_entities(text: str) -> list[EntityMention]:
    """All entity mentions in one article body."""
    mentions = find_regions(text) + find_named(text) + find_persons(text)
    for m in _SOURCE_AT_END.finditer(text):
        # (新浪云南) closing a paragraph: the outlet the article comes from
        if not any(o.char_start <= m.start(1) < o.char_end for o in mentions):
            mentions.append(EntityMention(m.group(1), m.start(1), m.end(1), "organization", "", m.group(1),
                                          role_in_doc="source"))
    persons = {m.name for m in mentions if m.entity_type == "person"}
    known = {(m.char_start, m.char_end) for m in mentions if m.entity_type == "person"}
    for pm in person_mentions(text, persons):
        if (pm.char_start, pm.char_end) not in known:
            mentions.append(pm)
    for m in mentions:
        m.key = canonical_key(m)
    mentions.extend(_short_park_mentions(text, mentions))
    _resolve_short_bodies(mentions)
    mentions.sort(key=lambda m: (m.char_start, -(m.char_end - m.char_start)))
    return mentions


def _short_park_mentions(text: str, mentions: list[EntityMention]) -> list[EntityMention]:
    """深圳前海合作区 … 前海合作区: a park named once with its region, then without it, is the same park."""
    region_ends: dict[int, list[int]] = {}  # start → ends of the regions starting there
    for m in mentions:
        if m.entity_type == "region":
            region_ends.setdefault(m.char_start, []).append(m.char_end)
    shorts: list[tuple[str, EntityMention]] = []  # each short form once, with the first park it shortens
    seen: set[str] = set()
    for park in mentions:
        if park.entity_type != "park":
            continue
        lead = max((e for e in region_ends.get(park.char_start, ()) if e < park.char_end), default=None)
        short = text[lead:park.char_end] if lead is not None else ""
        if len(short) < 4 or short in seen:
            continue
        seen.add(short)
        shorts.append((short, park))
    if not shorts:
        return []  # most articles: no park written after its region
    covered = DisjointSpans()
    for m in sorted(mentions, key=lambda m: m.char_end - m.char_start, reverse=True):
        if not covered.overlaps(m.char_start, m.char_end):
            covered.add(m.char_start, m.char_end)
    out: list[EntityMention] = []
    for short, park in shorts:
        for k in (k for k in _find_all_str(text, short) if not covered.overlaps(k, k + len(short))):
            covered.add(k, k + len(short))
            out.append(EntityMention(short, k, k + len(short), "park", park.key, park.name,
                                     parent_key=park.parent_key))
    return out


def _find_all_str(text: str, word: str):
    k = text.find(word)
    while k >= 0:
        yield k
        k = text.find(word, k + len(word))
