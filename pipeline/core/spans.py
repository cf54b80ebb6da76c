"""Choosing non-overlapping spans in priority order, in O(n log n)."""
from __future__ import annotations

from bisect import bisect_right, insort
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


class DisjointSpans:
    """A set of pairwise disjoint [start, end) spans, kept sorted by start."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, start)
        if i > 0 and self._ends[i - 1] > start:
            return True
        return i < len(self._starts) and self._starts[i] < end

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def select_disjoint(items: Iterable[T], span: Callable[[T], tuple[int, int]], priority: Callable[[T], tuple]) -> list[T]:
    """Greedy choice by ``priority`` (lowest first) of items whose spans do not overlap, returned in text order."""
    taken = DisjointSpans()
    out: list[T] = []
    for item in sorted(items, key=priority):
        s, e = span(item)
        if not taken.overlaps(s, e):
            taken.add(s, e)
            out.append(item)
    out.sort(key=lambda it: span(it)[0])
    return out
