"""Where many regular expressions can start a match, found in one pass of Hyperscan.

Python's engine looks for a match by trying the pattern at every position of the text (it skips ahead only to a
literal first character). Over long articles and dozens of patterns that search, not the matching, is most of
the time: 0.28 s of the 0.29 s the 48 time patterns took over the articles of 400 bench documents (trying each
pattern only at the 12,614 positions where it matches took 0.006 s).

Hyperscan runs every pattern over the text in one pass, but it reports where matches *end*, and it has no
lookarounds, back-references or lazy repeats. So it is asked a question whose answer Python's engine can use
exactly. Each pattern becomes an expression for a superset of its matches: lookarounds and anchors are dropped,
a back-reference is replaced by its group, and classes and case folding follow Python's own tables (Hyperscan's
\\d, \\s and \\w, plus what Python's classes hold beyond them).
The expression is written backwards and run over the reversed text, so every end it reports there is a position
where the Python pattern may start a match. Any position without a report holds no match, because a match of the
pattern is a match of its superset. ``finditer`` tries ``match`` at the reported positions only, in order, and
finds what ``pattern.finditer`` finds.

It pays where matches are rare and the search is long. A quantity pattern may start at every digit of every number:
242,654 reported starts over the same articles, and finding them took longer (0.156 s) than Python's search of
the three patterns, so those patterns are not run this way.

Hyperscan is optional (x86-64 only): without it, ``PatternStarts.build`` returns None and callers scan as before.
"""
from __future__ import annotations

import contextlib
import re
import unicodedata
from functools import lru_cache
from typing import Callable, Iterator, Sequence

from re import _constants as C
from re import _parser as P

try:
    import hyperscan
except ImportError:  # pragma: no cover - platforms without a wheel (not x86-64)
    hyperscan = None


_FLAGS = (hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_UCP) if hyperscan else 0


class Unsupported(ValueError):
    """A pattern whose superset this translation does not write (such a pattern is scanned by Python alone)."""


@lru_cache(maxsize=1)
def _every_character() -> str:
    return "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))


# How \d, \s, \w and their negations are written: in a Python pattern and, for Hyperscan's own, in an expression.
CATEGORY_PATTERNS = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
                     C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"}


@lru_cache(maxsize=None)
def _category(category) -> frozenset[int]:
    """The code points of \\d, \\s, \\w and their negations as Python's engine reads them in a str pattern."""
    if category not in CATEGORY_PATTERNS:
        raise Unsupported(f"category {category}")
    return frozenset(map(ord, re.findall(CATEGORY_PATTERNS[category], _every_character())))


@lru_cache(maxsize=None)
def _category_beyond_hyperscan(category) -> frozenset[int]:
    """The code points Python's class holds and Hyperscan's (UCP mode, its own Unicode tables) does not: an
    expression writes Hyperscan's class and these (spelt out, \\d takes 188 characters and compiles past
    Hyperscan's limits in the quantity patterns)."""
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=[CATEGORY_PATTERNS[category].encode()], ids=[0], elements=1, flags=[_FLAGS])
    every = _every_character()
    data = every.encode("utf-8")
    ends: list[int] = []
    database.scan(data, match_event_handler=lambda _i, _f, to, _fl, _c: ends.append(to))
    end_of = {}  # byte offset after each character → the character
    offset = 0
    for c in every:
        offset += len(c.encode("utf-8"))
        end_of[offset] = ord(c)
    return _category(category) - {end_of[to] for to in ends}


@lru_cache(maxsize=None)
def _case_variants(code: int) -> frozenset[int]:
    """What a character matches under IGNORECASE, by Python's own rules (k also matches the Kelvin sign K)."""
    return frozenset(map(ord, re.findall("(?i)" + re.escape(chr(code)), _every_character())))


_WIDEST_FOLDED_RANGE = 512  # a wider range under IGNORECASE is not spelt out


def _spelled(codes: set[int] | frozenset[int]) -> str:
    """A class body listing ``codes`` as ranges."""
    out: list[str] = []
    run_start = run_end = None
    for code in sorted(codes):
        if run_end is not None and code == run_end + 1:
            run_end = code
            continue
        if run_start is not None:
            out.append(_range(run_start, run_end))
        run_start = run_end = code
    if run_start is not None:
        out.append(_range(run_start, run_end))
    return "".join(out)


def _char(code: int) -> str:
    """A character as an expression writes it: itself when it is a letter or digit (short, and no metacharacter),
    else its code point."""
    c = chr(code)
    return c if c.isalnum() and code > 0x7F or c.isascii() and c.isalnum() else f"\\x{{{code:x}}}"


def _range(lo: int, hi: int) -> str:
    return _char(lo) if lo == hi else _char(lo) + ("" if hi == lo + 1 else "-") + _char(hi)


class _Writer:
    """The superset expression of one parsed pattern, written backwards."""

    def __init__(self):
        self.groups: dict[int, P.SubPattern] = {}

    def sequence(self, items, fold: bool, dotall: bool) -> str:
        parts = [self.item(op, av, fold, dotall) for op, av in items]  # in order: groups before their references
        return "".join(reversed(parts))

    def item(self, op, av, fold: bool, dotall: bool) -> str:
        if op == C.LITERAL:
            if 0xD800 <= av <= 0xDFFF:
                raise Unsupported("surrogate")
            return "[" + _spelled(_case_variants(av)) + "]" if fold else _char(av)
        if op == C.NOT_LITERAL:
            if fold:
                raise Unsupported("negated literal under IGNORECASE")
            return "[^" + _char(av) + "]"
        if op == C.ANY:
            return "[^\\n]" if not dotall else "[" + _range(0, 0xD7FF) + _range(0xE000, 0x10FFFF) + "]"
        if op == C.IN:
            return self.charset(av, fold)
        if op == C.BRANCH:
            return "(?:" + "|".join(self.sequence(alt, fold, dotall) for alt in av[1]) + ")"
        if op == C.SUBPATTERN:
            group, add, remove, sub = av
            if (add | remove) & ~(re.IGNORECASE | re.DOTALL | re.MULTILINE | re.VERBOSE | re.UNICODE):
                raise Unsupported("inline flags")
            if group is not None:
                self.groups[group] = sub
            fold = (fold or bool(add & re.IGNORECASE)) and not remove & re.IGNORECASE
            dotall = (dotall or bool(add & re.DOTALL)) and not remove & re.DOTALL
            return "(?:" + self.sequence(sub, fold, dotall) + ")"
        if op == getattr(C, "ATOMIC_GROUP", None):
            return "(?:" + self.sequence(av, fold, dotall) + ")"
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = av  # greedy, lazy or possessive: the same strings can match
            bound = f"{{{lo},}}" if hi == C.MAXREPEAT else f"{{{lo},{hi}}}"
            return "(?:" + self.sequence(sub, fold, dotall) + ")" + bound
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            return ""  # a condition on the context only narrows the matches
        if op == C.GROUPREF:  # the text a group matched is one its pattern matches
            if av not in self.groups:
                raise Unsupported("reference to a group after it")
            return "(?:" + self.sequence(self.groups[av], fold, dotall) + ")"
        if op == C.GROUPREF_EXISTS:
            _group, yes, no = av
            return "(?:" + self.sequence(yes, fold, dotall) + "|" + (self.sequence(no, fold, dotall) if no else "") + ")"
        raise Unsupported(f"operator {op}")

    def charset(self, items, fold: bool) -> str:
        negated = any(op == C.NEGATE for op, _ in items)
        codes: set[int] = set()
        categories: list[str] = []
        for op, av in items:
            if op == C.NEGATE:
                continue  # read above: a category is written one way inside a negated class, another outside
            if op == C.LITERAL:
                codes.add(av)
            elif op == C.RANGE:
                lo, hi = av
                if fold and hi - lo > _WIDEST_FOLDED_RANGE:
                    raise Unsupported("wide range under IGNORECASE")
                codes.update(range(lo, hi + 1))
            elif op == C.CATEGORY:  # \d, \s and \w hold every case of their letters
                if negated:
                    codes |= _category(av)  # [^\d…]: Python's class exactly
                else:
                    categories.append(CATEGORY_PATTERNS[av])
                    codes |= _category_beyond_hyperscan(av)
            else:
                raise Unsupported(f"class item {op}")
        if negated and fold:
            raise Unsupported("negated class under IGNORECASE")
        if fold:
            codes = set().union(*map(_case_variants, codes)) if codes else codes
        codes = {c for c in codes if not 0xD800 <= c <= 0xDFFF}  # no UTF-8 text holds one
        if not codes and not categories:
            raise Unsupported("empty class")
        return ("[^" if negated else "[") + "".join(categories) + _spelled(codes) + "]"


def superset_expression(pattern: re.Pattern[str]) -> str:
    """A Hyperscan expression (UTF-8 mode) matching, backwards, every string ``pattern`` matches in some context,
    and perhaps more: it is run over the reversed text. Raises Unsupported."""
    if pattern.flags & (re.ASCII | re.LOCALE) or not isinstance(pattern.pattern, str):
        raise Unsupported("flags")
    parsed = P.parse(pattern.pattern, pattern.flags)
    if parsed.getwidth()[0] < 1:
        raise Unsupported("matches the empty string")  # every position would be reported
    return _Writer().sequence(parsed, bool(pattern.flags & re.IGNORECASE), bool(pattern.flags & re.DOTALL))


def _serialised(expressions: dict[int, bytes]) -> tuple[bytes, tuple[int, ...]]:
    """A block-mode database of ``expressions`` (pattern index → expression), serialised, and its indexes."""
    if not expressions:
        return b"", ()
    database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    database.compile(expressions=list(expressions.values()), ids=list(expressions), elements=len(expressions),
                     flags=[_FLAGS] * len(expressions))
    return hyperscan.dumpb(database), tuple(expressions)


def _collect(pattern_id: int, _from: int, to: int, _flags: int, found: list) -> None:
    found.append((to, pattern_id))


class PatternStarts:
    """The positions where each of ``patterns`` may start a match, for every pattern at once."""

    def __init__(self, patterns: Sequence[re.Pattern[str]], database, scanned: tuple[int, ...]):
        self.patterns = list(patterns)
        self.scanned = scanned  # the patterns the database reports for
        self.unscanned = tuple(k for k in range(len(self.patterns)) if k not in scanned)  # Python's alone
        self._database = database
        self._scratch = hyperscan.Scratch(database)

    @classmethod
    def build(cls, name: str, patterns: Sequence[re.Pattern[str]]) -> "PatternStarts | None":
        """The compiled database for ``patterns``, kept in the disk cache under ``name`` (compiling takes about a
        second), or None without Hyperscan or when it can take none of them."""
        if hyperscan is None:
            return None
        from . import cache, compiled

        def compile_database() -> tuple[bytes, tuple[int, ...]]:
            expressions: dict[int, bytes] = {}
            for k, p in enumerate(patterns):
                with contextlib.suppress(Unsupported):
                    expressions[k] = superset_expression(p).encode("utf-8")
            try:
                return _serialised(expressions)
            except hyperscan.error:  # an expression past Hyperscan's limits: leave it to Python
                kept = {}
                for k, expression in expressions.items():
                    try:
                        _serialised({k: expression})
                    except hyperscan.error:
                        continue
                    kept[k] = expression
                return _serialised(kept)

        key = cache.input_key(files=[compiled.source_of(__name__)], packages=["hyperscan"],
                              parts=[unicodedata.unidata_version,
                                     *(f"{p.flags}:{p.pattern}" for p in patterns)])
        serialised, ids = cache.load_or_build(f"hyperscan-{name}", key, compile_database)
        if not ids:
            return None
        try:
            database = hyperscan.loadb(serialised, hyperscan.HS_MODE_BLOCK)
        except hyperscan.error:  # built for another CPU: build it here
            serialised, ids = compile_database()
            database = hyperscan.loadb(serialised, hyperscan.HS_MODE_BLOCK)
        return cls(patterns, database, ids)

    def starts(self, text: str) -> dict[int, list[int]]:
        """Pattern index → the positions where it may start a match, ascending, for the patterns in
        ``scanned`` (a pattern missing from the dict has none). The text core's texts are decoded strictly,
        so they hold no lone surrogate, which UTF-8 cannot encode."""
        data = text[::-1].encode("utf-8")
        found: list[tuple[int, int]] = []
        self._database.scan(data, match_event_handler=_collect, context=found, scratch=self._scratch)
        if not found:
            return {}
        found.sort()
        n = len(text)
        by_pattern: dict[int, list[int]] = {}
        if len(data) == n:  # ASCII: a byte is a character
            for to, k in found:
                by_pattern.setdefault(k, []).append(n - to)
        else:
            chars = 0
            last = 0
            for to, k in found:
                if to != last:
                    chars += len(data[last:to].decode("utf-8"))
                    last = to
                by_pattern.setdefault(k, []).append(n - chars)
        for k, positions in by_pattern.items():
            positions.reverse()  # reported by end in the reversed text: by start, descending
        return by_pattern


def finditer(pattern: re.Pattern[str], text: str, starts: list[int],
             endpos: Callable[[int], int | None] | None = None) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying the pattern only at ``starts`` (ascending), the positions where it may
    start a match. ``endpos(p)``: the end of the text the match at p may see, as finditer's endpos (None: skip
    p); the whole text by default."""
    pos = 0
    for p in starts:
        if p < pos:
            continue
        if endpos is None:
            m = pattern.match(text, p)
        else:
            end = endpos(p)
            if end is None:
                continue
            m = pattern.match(text, p, end)
        if m is not None:
            yield m
            pos = m.end()
