"""Both cores through a process pool over batches of documents.

The text core is pure, so a stage maps a function over documents in worker
processes; small batches stay in-process (starting workers costs seconds:
each loads the gazetteer and jieba).
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_POOL: ProcessPoolExecutor | None = None


def workers() -> int:
    return max(1, int(os.environ.get("PIPELINE_WORKERS", os.cpu_count() or 1)))


def _warm() -> None:
    import gc

    from .core import entities, gazetteer, segmenter, timex

    gazetteer.surface_index()
    segmenter.tokenizer()
    segmenter.fast_tokenizer()
    entities._region_automaton()
    timex._SCANNER.engine()  # the time patterns' Hyperscan database, from the disk cache
    # The warm state (gazetteer, dictionaries, automata: millions of objects) lives as long as the worker:
    # frozen, the collector's full passes stop walking it, which took 3-5% of the text core's time.
    gc.freeze()


def pool() -> ProcessPoolExecutor:
    global _POOL
    if _POOL is None:
        import multiprocessing

        _POOL = ProcessPoolExecutor(max_workers=workers(), mp_context=multiprocessing.get_context("fork"),
                                    initializer=_warm)
    return _POOL


def release() -> None:
    """Stop the workers, if any: each holds the gazetteer, the dictionaries and the automata (about 450 MB), of
    no use once a run has no more text to extract. A later stage that needs them starts new ones."""
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=True)
        _POOL = None


def _apply(func: Callable[[T], R], chunk: list[T]) -> list[R]:
    return [func(x) for x in chunk]


def submit_batched(func: Callable[[T], R], items: Iterable[T], min_parallel: int = 40,
                   chunksize: int = 8) -> Callable[[], list[R]]:
    """Start mapping ``func`` over ``items`` across processes when it pays; the returned function waits for
    the results, in order. The caller works meanwhile (writes the previous batch, reads the next one)."""
    items = list(items)
    if workers() <= 1 or len(items) < min_parallel:
        results = [func(x) for x in items]
        return lambda: results
    futures = [pool().submit(_apply, func, items[i:i + chunksize]) for i in range(0, len(items), chunksize)]
    return lambda: [r for f in futures for r in f.result()]
