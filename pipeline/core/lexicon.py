"""Lexicons compiled from ``seeds/reference`` into fast matchers."""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import ahocorasick

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
    """Alternation of unit surfaces, longest first (万平方米 before 米)."""
    surfaces = sorted(units(), key=len, reverse=True)
    # Latin unit symbols of two or more letters match in any case (KM, Kg, MW);
    # single letters keep theirs (m is a metre, M is not a unit).
    return "|".join(f"(?i:{re.escape(s)})" if s.isascii() and len(s) > 1 and s.isalpha() else re.escape(s) for s in surfaces)


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


def build_automaton(words: dict[str, object]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word, payload in words.items():
        automaton.add_word(word, (word, payload))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=1)
def trigger_automaton() -> ahocorasick.Automaton:
    grouped: dict[str, list[Trigger]] = {}
    for trig in metric_triggers():
        grouped.setdefault(trig.text, []).append(trig)
    return build_automaton(grouped)  # type: ignore[arg-type]


def find_all(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int, str, object]]:
    """All (start, end, word, payload) matches, overlapping ones included."""
    if not text:
        return []
    out = []
    for end, (word, payload) in automaton.iter(text):
        out.append((end - len(word) + 1, end + 1, word, payload))
    return out


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
