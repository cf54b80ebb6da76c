"""jieba with a user dictionary from the gazetteer and the reference lexicons.

Region names (磨憨, 禄劝), park and organisation names from
``seeds/reference`` are added as proper nouns so that segmentation does not
split them (磨/憨) and POS tags see them as names.
"""
from __future__ import annotations

from functools import lru_cache
from math import log
from pathlib import Path

from . import cache


def _jieba():
    """``import jieba``, without the ``pkg_resources`` its ``_compat`` module imports only to locate its own
    dictionary file (0.25 s of every process that extracts, and a deprecation warning): blocked, jieba takes its
    documented fallback and opens the file by its path."""
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba
        return jieba
    sys.modules["pkg_resources"] = None  # makes ``import pkg_resources`` raise ImportError
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _user_words() -> dict[str, str]:
    """Names to add to jieba's dictionary, with their POS tag."""
    from . import gazetteer
    from .reference import load_csv

    words: dict[str, str] = {}
    for r in gazetteer.load_gazetteer().values():
        for a in r.aliases:
            if len(a) >= 2:
                words[a] = "ns"
    for row in load_csv("parks.csv"):
        words[row["canonical_name"]] = "nt"
    for row in load_csv("organizations.csv"):
        words[row["canonical_name"]] = "nt"
    for row in load_csv("titles.csv"):
        words.setdefault(row["title"], "n")
    return words


def _build_dictionary() -> tuple[dict[str, int], int, frozenset[str], dict[str, str]]:
    """jieba's dictionary with the user words: (FREQ, total, words added, POS tag of every word)."""
    jieba = _jieba()
    tk = jieba.Tokenizer()
    tk.initialize()
    added = set()
    for w, tag in _user_words().items():
        if not tk.FREQ.get(w):  # never retag a common word (发展乡 must not make 发展 a place)
            tk.add_word(w, freq=5, tag=tag)
            added.add(w)
    pos = _import_posseg().POSTokenizer(tk)  # reads the tags of jieba's own dictionary file
    pos.makesure_userdict_loaded()  # and adds the user words' tags
    return tk.FREQ, tk.total, frozenset(added), pos.word_tag_tab


def dictionary_key() -> str:
    from . import gazetteer
    from .reference import reference_dir

    return cache.input_key(files=[Path(__file__), *(reference_dir() / n for n in ("parks.csv", "organizations.csv",
                                                                                  "titles.csv"))],
                           packages=["jieba"], parts=[gazetteer.input_key()])


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], int, frozenset[str], dict[str, str]]:
    return cache.load_or_build("jieba-dictionary", dictionary_key(), _build_dictionary)


@lru_cache(maxsize=1)
def tokenizer():
    jieba = _jieba()
    jieba.setLogLevel(60)
    freq, total, added, _ = _dictionary()
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = freq, total, True
    tk.user_words = added
    return tk


def _import_posseg():
    """``jieba.posseg`` without the default tagger its import builds by parsing jieba's 350,000-line dictionary
    file (0.6 s in every process that tags: each run, each pool worker), which this pipeline never uses: ours
    has the tags already. The module's own default tagger is then built on its first use, for other callers."""
    import os
    import sys

    jieba = _jieba()
    if "jieba.posseg" in sys.modules:
        return sys.modules["jieba.posseg"]
    default_dictionary = jieba.dt.dictionary
    jieba.dt.dictionary = os.devnull  # what the import's POSTokenizer(jieba.dt) reads its tags from
    try:
        import jieba.posseg as posseg
    finally:
        jieba.dt.dictionary = default_dictionary
    posseg.dt = _DefaultPosTagger(posseg)
    posseg.initialize = lambda dictionary=None: posseg.dt.initialize(dictionary)  # was bound to the skipped one
    return posseg


class _DefaultPosTagger:
    """Stands for ``jieba.posseg.dt`` until first used, then puts the real default tagger in its place."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name: str):
        jieba = _jieba()
        real = self._module.POSTokenizer(jieba.dt)
        self._module.dt = real
        return getattr(real, name)


@lru_cache(maxsize=1)
def pos_tokenizer():
    posseg = _import_posseg()
    pos = posseg.POSTokenizer.__new__(posseg.POSTokenizer)  # __init__ would re-read the dictionary file
    pos.tokenizer = tokenizer()
    pos.word_tag_tab = _dictionary()[3]
    return pos


@lru_cache(maxsize=200_000)
def pos_cut(text: str) -> tuple[tuple[str, str], ...]:
    """POS-tagged words of a short string (name prefixes repeat: cached)."""
    return tuple((p.word, p.flag) for p in pos_tokenizer().cut(text))


def word_freq(word: str) -> int:
    return tokenizer().FREQ.get(word) or 0


def dictionary_freq(word: str) -> int:
    """The word's frequency in jieba's own dictionary: the names added from the gazetteer and lexicons count 0
    (they had none before), so "is this an ordinary word" stays a question about the language, not our lists."""
    tk = tokenizer()
    return 0 if word in tk.user_words else tk.FREQ.get(word) or 0


@lru_cache(maxsize=1)
def _route_tables():
    jieba = _jieba()
    tk = tokenizer()
    return tk.FREQ, log(tk.total), jieba.re_han_default, jieba.re_skip_default, jieba.re_eng


def word_boundaries(text: str) -> set[int]:
    """Offsets where the words of ``tokenizer().cut(text, HMM=False)`` start and end: the same segmentation
    (jieba's block split, prefix DAG, maximum-probability route, runs of single Latin letters or digits kept
    together) without its generator layers: twice as fast on the short windows the region rules ask about."""
    freq, logtotal, han, skip, eng = _route_tables()
    bounds = {0}
    pos = 0
    for blk in (text,) if han.fullmatch(text) else han.split(text):
        if not blk:
            continue
        if not han.match(blk):
            for x in skip.split(blk):
                if skip.match(x):
                    pos += len(x)
                    bounds.add(pos)
                else:  # jieba yields every other character on its own
                    for _ in x:
                        pos += 1
                        bounds.add(pos)
            continue
        n = len(blk)
        score = [0.0] * (n + 1)
        end = list(range(n + 1))
        for k in range(n - 1, -1, -1):
            best = None
            i, frag = k, blk[k]
            while frag in freq:
                f = freq[frag]
                if f:
                    cand = (log(f) - logtotal + score[i + 1], i)
                    if best is None or cand > best:
                        best = cand
                i += 1
                if i == n:
                    break
                frag = blk[k:i + 1]
            if best is None:  # no dictionary word starts here: the character alone
                best = (log(freq.get(blk[k]) or 1) - logtotal + score[k + 1], k)
            score[k], end[k] = best
        x, in_run = 0, False
        while x < n:
            y = end[x] + 1
            if y - x == 1 and eng.match(blk[x]):
                in_run = True
            else:
                if in_run:
                    bounds.add(pos + x)
                    in_run = False
                bounds.add(pos + y)
            x = y
        pos += n
        bounds.add(pos)
    return bounds
