"""Both cores through a process pool over batches of documents.

The text core is pure, so a stage maps a function over documents in worker
processes; small batches stay in-process (starting workers costs seconds:
each loads the gazetteer and jieba).
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_POOL: ProcessPoolExecutor | None = None


def workers() -> int:
    return max(1, int(os.environ.get("PIPELINE_WORKERS", os.cpu_count() or 1)))


def _warm() -> None:
    from .core import entities, gazetteer, segmenter

    gazetteer.surface_index()
    segmenter.tokenizer()
    entities._region_automaton()


def pool() -> ProcessPoolExecutor:
    global _POOL
    if _POOL is None:
        import multiprocessing

        _POOL = ProcessPoolExecutor(max_workers=workers(), mp_context=multiprocessing.get_context("fork"),
                                    initializer=_warm)
    return _POOL


def map_batched(func: Callable[[T], R], items: Iterable[T], min_parallel: int = 40, chunksize: int = 8) -> Iterator[R]:
    """Map ``func`` over ``items`` in order, across processes when it pays."""
    items = list(items)
    if workers() <= 1 or len(items) < min_parallel:
        yield from map(func, items)
        return
    yield from pool().map(func, items, chunksize=chunksize)
