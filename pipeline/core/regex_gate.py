"""Skip regular-expression scans over lines (or sentences) that cannot contain a match.

``necessary_strings(pattern)`` reads the compiled pattern's syntax tree and
returns sets of strings such that every match holds a string of each set: its
literal runs and character classes (for 第X季度: {第}, {季度}; for 农历… or
腊月…: {农历, 腊月, 臘月, …}; for a list of holidays: the names). A segment
without one of them is not scanned: with dozens of patterns over long
articles, the scans that could not match were most of the time spent.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator

from . import regex_starts

try:  # Python ≥ 3.11
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

_MAX_RANGE = 256  # a character class wider than this (a CJK block) is no help as a gate
# Characters found in nearly every news sentence: a set made of them gates nothing.
_COMMON = set("0123456789一二三四五六七八九十年月日上下前后的是在")


def _class_chars(items) -> frozenset[str] | None:
    out: set[str] = set()
    for op, av in items:
        if op == C.LITERAL:
            out.add(chr(av))
        elif op == C.RANGE:
            lo, hi = av
            if hi - lo > _MAX_RANGE:
                return None
            out.update(chr(c) for c in range(lo, hi + 1))
        else:  # NEGATE, CATEGORY (\d is every Unicode digit), CHARSET: no finite set
            return None
    return frozenset(out)


def _rarity(s: frozenset[str]) -> tuple:
    """Sort key of a necessary set, the rarest first: none of its members a common character, long members, few."""
    return (any(m in _COMMON for m in s), -min(map(len, s)), len(s))


def _best(options: Iterable[frozenset[str]]) -> frozenset[str] | None:
    options = list(options)
    if not options:
        return None
    return min(options, key=_rarity)


def _required(items) -> list[frozenset[str]]:
    """Sets required by a sequence: a match of the sequence matches each of its items, so each set is necessary.
    Consecutive literal characters are one required string (季度)."""
    out: list[frozenset[str]] = []
    run = ""
    for op, av in items:
        if op == C.LITERAL:
            run += chr(av)
            continue
        if run:
            out.append(frozenset([run]))
            run = ""
        if op == C.SUBPATTERN:
            if not av[1] & re.IGNORECASE:  # (?i:…) matches other characters than it spells
                out.extend(_required(av[-1]))
        elif op == getattr(C, "ATOMIC_GROUP", None):
            out.extend(_required(av))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            if av[0] >= 1:
                out.extend(_required(av[2]))
        else:
            s = _item(op, av)
            if s is not None:
                out.append(s)
    if run:
        out.append(frozenset([run]))
    return out


def _item(op, av) -> frozenset[str] | None:
    """One set of strings (or characters) a match of this item contains, or None (groups and repeats are
    flattened by ``_required``)."""
    if op == C.LITERAL:
        return frozenset(chr(av))
    if op == C.IN:
        return _class_chars(av)
    if op == C.BRANCH:
        union: set[str] = set()
        for alt in av[1]:
            s = _best(_required(alt))
            if s is None:
                return None
            union |= s
        return frozenset(union)
    if op == C.GROUPREF_EXISTS:
        _group, yes, no = av
        a, b = _best(_required(yes)), (_best(_required(no)) if no is not None else None)
        return a | b if a is not None and b is not None else None
    return None  # ANY, NOT_LITERAL, AT, lookarounds, back-references: no characters guaranteed


Gate = tuple[frozenset[str], ...]


def reads_any(pattern: re.Pattern[str], chars: str) -> bool:
    """Whether a match of ``pattern``, or a lookaround it tries, may hold one of ``chars`` (each item asked of
    Python's engine itself, case folding included; an item this reading does not know counts as reading them).
    Without, a scan stopped after one of them finds what a scan of the whole text finds before it."""

    def item_reads(op, av, fold: bool) -> bool:
        flags = "(?i)" if fold else ""
        if op == C.ANY:
            return True
        if op in (C.LITERAL, C.NOT_LITERAL):
            same = [re.fullmatch(flags + re.escape(chr(av)), c) is not None for c in chars]
            return any(same) if op == C.LITERAL else not all(same)
        negated, parts = False, []
        for sub_op, sub_av in av:
            if sub_op == C.NEGATE:
                negated = True
            elif sub_op == C.LITERAL:
                parts.append(re.escape(chr(sub_av)))
            elif sub_op == C.RANGE:
                parts.append(re.escape(chr(sub_av[0])) + "-" + re.escape(chr(sub_av[1])))
            elif sub_op == C.CATEGORY and sub_av in regex_starts.CATEGORY_PATTERNS:
                parts.append(regex_starts.CATEGORY_PATTERNS[sub_av])
            else:
                return True
        if not parts:
            return negated
        charset = re.compile(flags + "[" + "^" * negated + "".join(parts) + "]")
        return any(charset.fullmatch(c) for c in chars)

    def reads(items, fold: bool) -> bool:
        for op, av in items:
            if op in (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY):
                found = item_reads(op, av, fold)
            elif op == C.BRANCH:
                found = any(reads(alt, fold) for alt in av[1])
            elif op == C.SUBPATTERN:
                found = reads(av[3], (fold or bool(av[1] & re.IGNORECASE)) and not av[2] & re.IGNORECASE)
            elif op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
                found = reads(av[2], fold)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                found = reads(av[1], fold)
            elif op == getattr(C, "ATOMIC_GROUP", None):
                found = reads(av, fold)
            elif op == C.GROUPREF_EXISTS:
                found = reads(av[1], fold) or (av[2] is not None and reads(av[2], fold))
            else:  # an anchor reads nothing, a back-reference what its group read
                found = op not in (C.AT, C.GROUPREF)
            if found:
                return True
        return False

    return reads(P.parse(pattern.pattern, pattern.flags), bool(pattern.flags & re.IGNORECASE))


def first_characters(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The characters every match of ``pattern`` starts with, when the regex engine reads them from the pattern
    itself (a character, a class, or alternatives each starting with a character) and skips a search to the
    positions holding one without trying the pattern at the others; None otherwise (Python's engine skips so for
    those starts only), or when the class is not a short list (a category, a negation, a wide range)."""
    items = P.parse(pattern.pattern, pattern.flags)
    while True:
        if not items.data:
            return None
        op, av = items.data[0]
        if op != C.SUBPATTERN or av[1] or av[2]:  # a group (no flags of its own): look inside
            break
        items = av[-1]
    if op == C.LITERAL:
        return frozenset(chr(av))
    if op == C.IN:
        return _class_chars(av)
    if op == C.BRANCH and all(alt.data and alt.data[0][0] == C.LITERAL for alt in av[1]):
        return frozenset(chr(alt.data[0][1]) for alt in av[1])
    return None


def necessary_strings(pattern: re.Pattern[str]) -> Gate:
    """Sets of strings such that every match of ``pattern`` holds a string of each set
    (empty when nothing is known)."""
    if pattern.flags & re.IGNORECASE:
        return ()
    sets = set(_required(P.parse(pattern.pattern, pattern.flags)))
    # the rarest first: most texts are turned away by the first test
    return tuple(sorted(sets, key=lambda s: (*_rarity(s), sorted(s))))


@lru_cache(maxsize=None)
def _gate_of(pattern: re.Pattern[str]) -> tuple[tuple[frozenset[str], tuple[str, ...]], ...]:
    """``necessary_strings(pattern)``, each set split into its characters and its longer strings."""
    return tuple((frozenset(m for m in s if len(m) == 1), tuple(m for m in s if len(m) > 1))
                 for s in necessary_strings(pattern))


def finditer_gated(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, or nothing without a scan when ``text`` lacks a string every match needs: for
    patterns whose start the regex engine cannot search for. Each character is looked for in the text, not the
    text's characters gathered in a set: ``set(text)`` makes a string of every character beyond Latin-1, and took
    0.13-0.15 s over the articles of 400 bench documents (8% of the quantities' text core), the searches 0.027 s."""
    for single, words in _gate_of(pattern):
        if not any(ch in text for ch in single) and not any(w in text for w in words):
            return iter(())
    return pattern.finditer(text)


class GatedPatterns:
    """Many patterns scanned over the segments of a text that can hold their matches.

    A text is cut into segments at ``separators`` (lines by default: a caller whose patterns never match
    across a sentence end may cut at those too, for a finer gate). The characters and words of each segment
    become a bit mask over the patterns' necessary sets (``necessary_strings``); a pattern runs over the runs
    of consecutive segments whose mask covers its own.

    With ``engine`` (a name for its compiled database in the disk cache) and Hyperscan installed, a pattern is
    tried only where Hyperscan finds it may start a match (``regex_starts``), each time within the segment
    that position is in: the same matches, without Python's search through the segments (0.28-0.29 s → 0.08 s
    for the time patterns over the articles of 400 bench documents).
    """

    def __init__(self, patterns: list[re.Pattern[str]], separators: str = "\n", engine: str | None = None):
        from .lexicon import build_automaton

        self.patterns = patterns
        self._engine_name = engine
        self._engine: regex_starts.PatternStarts | None | bool = False  # False: not built yet
        gates = [necessary_strings(p) for p in patterns]
        sets = sorted({s for g in gates for s in g}, key=sorted)
        bit = {s: 1 << k for k, s in enumerate(sets)}
        member_bits: dict[str, int] = {}
        for s, b in bit.items():
            for member in s:
                member_bits[member] = member_bits.get(member, 0) | b
        # the characters and words of every segment in one pass over the text (a set of each segment's characters
        # made a string and a hash of every Chinese character: a third of the time of a gated scan)
        self._members = build_automaton(member_bits)
        self._masks = [sum(bit[s] for s in g) for g in gates]
        self._passing_cache: dict[int, tuple[int, ...]] = {}
        self._separator = re.compile("[" + re.escape(separators) + "]")

    def _segments(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, mask) of every segment, separators excluded."""
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for segment in self._separator.split(text):
            starts.append(pos)
            ends.append(pos + len(segment))
            pos += len(segment) + 1
        masks = [0] * len(starts)
        bits = self._members.payloads
        k = 0
        for member, start, end in self._members.find_indexes(text):  # by end: the segments are walked once
            while ends[k] < end:
                k += 1
            if start >= starts[k]:  # a member that holds a separator belongs to no segment
                masks[k] |= bits[member]
        return list(zip(starts, ends, masks))

    def _passing(self, bits: int) -> tuple[int, ...]:
        """The patterns a segment whose characters and words set ``bits`` can hold matches of (cached: segments
        of news text make few distinct masks)."""
        found = self._passing_cache.get(bits)
        if found is None:
            found = tuple(k for k, mask in enumerate(self._masks) if bits & mask == mask)
            if len(self._passing_cache) >= 4096:
                self._passing_cache.clear()
            self._passing_cache[bits] = found
        return found

    def engine(self) -> regex_starts.PatternStarts | None:
        """The Hyperscan database of the patterns, built (or loaded) on first use; None without one."""
        if self._engine is False:
            self._engine = regex_starts.PatternStarts.build(self._engine_name, self.patterns) \
                if self._engine_name else None
        return self._engine

    def finditer(self, text: str):
        """(pattern index, match) for every match of every pattern, pattern by pattern."""
        engine = self.engine()
        if engine is None:
            yield from self._finditer_gated(text, range(len(self.patterns)))
            return
        starts = engine.starts(text)
        separator = self._separator
        n = len(text)

        def segment_end(p: int) -> int | None:
            if separator.match(text, p):
                return None  # a separator belongs to no segment
            found = separator.search(text, p)
            return found.start() if found else n

        gated: dict[int, list[re.Match[str]]] = {}
        if engine.unscanned:
            for k, m in self._finditer_gated(text, engine.unscanned):
                gated.setdefault(k, []).append(m)
        for k in sorted(starts.keys() | gated.keys()):
            if k in gated:
                yield from ((k, m) for m in gated[k])
                continue
            for m in regex_starts.finditer(self.patterns[k], text, starts[k], segment_end):
                yield k, m

    def _finditer_gated(self, text: str, wanted):
        """``finditer`` for the patterns ``wanted`` (ascending), over the runs of segments their gates pass."""
        runs: dict[int, list[list[int]]] = {}  # pattern → [start, end] of each run of segments it may match in
        last: dict[int, int] = {}  # pattern → the index of the last segment it was run over
        for i, (s, e, bits) in enumerate(self._segments(text)):
            for k in self._passing(bits):
                if k not in wanted:
                    continue
                if last.get(k) == i - 1:
                    runs[k][-1][1] = e
                else:
                    runs.setdefault(k, []).append([s, e])
                last[k] = i
        for k in sorted(runs):
            pattern = self.patterns[k]
            for start, end in runs[k]:
                for m in pattern.finditer(text, start, end):
                    yield k, m
