"""Bounds and ranges stated in words around numbers: 大于10小于20, 至少有10, 20和30之间.

Works on number spans already found in a text: widens a span over its
comparative cue (cues in ``seeds/reference/comparatives.csv``) and joins a
lower and an upper bound, or two numbers "between" each other, into one range.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .reference import load_csv


@dataclass(frozen=True)
class Bounded:
    start: int
    end: int
    value: Decimal
    value_high: Decimal | None
    bound: str = ""  # lower, upper, exact, range or "" (a plain number)


@lru_cache(maxsize=1)
def _cue_patterns() -> dict[str, re.Pattern[str]]:
    rows = load_csv("comparatives.csv")

    def alternation(position: str) -> str:
        cues = sorted({r["cue"] for r in rows if r["position"] == position}, key=len, reverse=True)
        return "|".join(map(re.escape, cues))

    return {
        # leftmost match wins, so a longer cue ending at the number beats its suffix (大于等于 over 等于)
        "before": re.compile(rf"(?:{alternation('before')})$"),
        "after": re.compile(rf"(?:{alternation('after')})"),
        "than": re.compile(rf"(?:{alternation('than')})"),
    }


@lru_cache(maxsize=1)
def _bounds() -> dict[tuple[str, str], str]:
    return {(r["position"], r["cue"]): r["bound"] for r in load_csv("comparatives.csv")}


_BETWEEN_JOIN = re.compile(r"^(?:和|与|跟|及)第?$")
_BETWEEN_END = re.compile(r"之?间")  # used with match(text, pos)
_BETWEEN_START = re.compile(r"(?:位于|在)第?$")
_BOUND_JOIN = re.compile(r"^(?:的同时|并且|而且|并|且|同时|，|,)?$")
_CUE_WINDOW = 8


def _with_cue(text: str, n: Bounded) -> Bounded:
    pats, bounds = _cue_patterns(), _bounds()
    before = pats["before"].search(text[max(0, n.start - _CUE_WINDOW):n.start])
    after = pats["after"].match(text, n.end)
    if text[n.start - 1:n.start] == "比" and (than := pats["than"].match(text, n.end)):
        return Bounded(n.start - 1, than.end(), n.value, None, bounds[("than", than.group())])
    if before:
        return Bounded(n.start - len(before.group()), n.end, n.value, None, bounds[("before", before.group())])
    if after:
        return Bounded(n.start, after.end(), n.value, None, bounds[("after", after.group())])
    return n


def attach_bounds(text: str, numbers: list[Bounded]) -> list[Bounded]:
    """Numbers (sorted, disjoint spans of ``text``) with comparative cues and ranges folded in."""
    out: list[Bounded] = []
    i = 0
    while i < len(numbers):
        n = numbers[i]
        nxt = numbers[i + 1] if i + 1 < len(numbers) else None
        if (nxt and n.value_high is None and nxt.value_high is None and n.value <= nxt.value
                and _BETWEEN_JOIN.match(text[n.end:nxt.start]) and (close := _BETWEEN_END.match(text, nxt.end))):
            start = n.start
            if m := _BETWEEN_START.search(text[max(0, n.start - 3):n.start]):
                start -= len(m.group())
            out.append(Bounded(start, close.end(), n.value, nxt.value, "range"))
            i += 2
            continue
        out.append(_with_cue(text, n) if n.value_high is None else n)
        i += 1
    return _join_bounds(text, out)


def _join_bounds(text: str, items: list[Bounded]) -> list[Bounded]:
    """大于10小于20 → 10..20; 最多100最少20 → 20..100 (never when the bounds contradict)."""
    out: list[Bounded] = []
    for b in items:
        prev = out[-1] if out else None
        if prev and {prev.bound, b.bound} == {"lower", "upper"} and _BOUND_JOIN.match(text[prev.end:b.start]):
            low, high = (prev, b) if prev.bound == "lower" else (b, prev)
            if low.value <= high.value:
                out[-1] = Bounded(prev.start, b.end, low.value, high.value, "range")
                continue
        out.append(b)
    return out
