"""Lexicons compiled from ``seeds/reference`` into fast matchers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import ahocorasick_rs

from .reference import load_csv, parse_factor


@dataclass(frozen=True)
class Unit:
    surface: str
    unit_code: str
    factor: Fraction
    kind: str


@lru_cache(maxsize=1)
def units() -> dict[str, Unit]:
    return {
        row["surface"]: Unit(row["surface"], row["unit_code"], parse_factor(row["factor"]), row["kind"])
        for row in load_csv("units.csv")
    }


@lru_cache(maxsize=1)
def unit_pattern() -> str:
    """Alternation of unit surfaces, longest first (万平方米 before 米), behind a lookahead on the characters
    they start with. The engine tries the alternatives one after another; the quantity pattern asks for a unit
    after every number, and again at every shorter number it backtracks to, mostly where none follows. One
    class test turns those away (the quantity patterns over 400 bench documents: 0.42 → 0.37 s)."""
    surfaces = sorted(units(), key=len, reverse=True)
    # Latin unit symbols of two or more letters match in any case (KM, Kg, MW);
    # single letters keep theirs (m is a metre, M is not a unit).
    folded = {s for s in surfaces if s.isascii() and len(s) > 1 and s.isalpha()}
    exact = [s for s in surfaces if s not in folded]
    starts = "[" + re.escape("".join(sorted({s[0] for s in exact}))) + "]"
    if folded:
        starts += "|(?i:[" + re.escape("".join(sorted({s[0] for s in folded}))) + "])"
    alternation = "|".join(f"(?i:{re.escape(s)})" if s in folded else re.escape(s) for s in surfaces)
    return f"(?={starts})(?:{alternation})"


@dataclass(frozen=True)
class Trigger:
    text: str
    metric_code: str
    applies_to: str
    weak: bool


@lru_cache(maxsize=1)
def metric_triggers() -> tuple[Trigger, ...]:
    return tuple(
        Trigger(r["trigger"], r["metric_code"], r["applies_to"], r["note"].startswith("weak"))
        for r in load_csv("metric_triggers.csv")
    )


# Lexicons up to this many words are searched with a DFA (the curated ones: units, triggers, suffixes, cues)
_DFA_WORDS = 5000


class Automaton:
    """Words with a payload each, all found in one pass over a text (Aho–Corasick, ``ahocorasick_rs``).

    Over 300 news pages the gazetteer's 64,000 surfaces are scanned in 0.06 s, where pyahocorasick took 1.1-1.4 s:
    its trie finds each character among a node's children one by one, and the root has thousands."""

    __slots__ = ("_words", "_payloads", "_matcher")

    def __init__(self, words: dict[str, object]):
        self._words = [w for w in words if w]
        self._payloads = [words[w] for w in self._words]
        # A DFA searches about 40% faster than the contiguous NFA but takes memory by the number of words: over 400
        # bench documents' articles the suffix automaton (97 words) took 0.014 s instead of 0.023 s, the gazetteer's
        # (64,000 words) 0.028 s instead of 0.040 s for 120 MB more in every worker.
        implementation = (ahocorasick_rs.Implementation.DFA if len(self._words) <= _DFA_WORDS
                          else ahocorasick_rs.Implementation.ContiguousNFA)
        self._matcher = (ahocorasick_rs.AhoCorasick(self._words, matchkind=ahocorasick_rs.MatchKind.Standard,
                                                    implementation=implementation)
                         if self._words else None)

    def find_all(self, text: str) -> list[tuple[int, int, str, object]]:
        """All (start, end, word, payload) matches, overlapping ones included, by end, then longest first."""
        found = self.matches(text)
        found.sort(key=_by_end_longest_first)
        return found

    def matches(self, text: str) -> list[tuple[int, int, str, object]]:
        """``find_all``'s matches in no promised order: for a caller whose result does not depend on it, or
        that sorts them its own way."""
        words, payloads = self._words, self._payloads
        return [(s, e, words[k], payloads[k]) for k, s, e in self.find_indexes(text)]

    def find_indexes(self, text: str) -> list[tuple[int, int, int]]:
        """(word index, start, end) of every match, overlapping ones included, in the order of their ends: for a
        caller that visits many matches in order, with no tuples of words and payloads built nor sort (a word's
        payload is ``payloads[index]``)."""
        if not text or self._matcher is None:
            return []
        return self._matcher.find_matches_as_indexes(text, overlapping=True)

    @property
    def payloads(self) -> list[object]:
        return self._payloads


def _by_end_longest_first(match: tuple[int, int, str, object]) -> tuple[int, int]:
    return match[1], match[0]


def build_automaton(words: dict[str, object]) -> Automaton:
    return Automaton(words)


def longest_matcher(words: list[str]) -> ahocorasick_rs.AhoCorasick:
    """Leftmost-longest matches of ``words``, none overlapping (``find_matches_as_indexes``): what a regex
    alternation of them, longest first, finds with ``finditer``, in one pass of an automaton."""
    return ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)


@lru_cache(maxsize=1)
def trigger_automaton() -> Automaton:
    grouped: dict[str, list[Trigger]] = {}
    for trig in metric_triggers():
        grouped.setdefault(trig.text, []).append(trig)
    return build_automaton(grouped)  # type: ignore[arg-type]


def find_all(automaton: Automaton, text: str) -> list[tuple[int, int, str, object]]:
    """All (start, end, word, payload) matches, overlapping ones included."""
    return automaton.find_all(text)


@lru_cache(maxsize=1)
def status_cues() -> dict[str, str]:
    return {r["cue"]: r["status"] for r in load_csv("status_cues.csv")}


@lru_cache(maxsize=1)
def qualifier_cues() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {"before": {}, "after": {}, "inner": {}}
    for r in load_csv("qualifiers.csv"):
        out[r["position"]][r["cue"]] = r["qualifier"]
    return out


@lru_cache(maxsize=1)
def metric_dimensions() -> dict[str, str]:
    return {r["metric_code"]: r["dimension"] for r in load_csv("metrics.csv")}


@lru_cache(maxsize=1)
def not_times() -> re.Pattern[str] | None:
    """Names that contain a time word but are not times (今日头条, 明日之后): seeds/reference/not_times.csv."""
    words = sorted((r["word"] for r in load_csv("not_times.csv")), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None
