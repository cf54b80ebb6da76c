"""jieba with a user dictionary from the gazetteer and the reference lexicons.

Region names (磨憨, 禄劝), park and organisation names from
``seeds/reference`` are added as proper nouns so that segmentation does not
split them (磨/憨) and POS tags see them as names.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from . import cache, compiled


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

    return cache.input_key(files=[compiled.source_of(__name__), *(reference_dir() / n for n in ("parks.csv", "organizations.csv",
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


def _build_trie() -> bytes:
    """This dictionary as jieba_fast_dat's double-array trie (serialised): written in jieba's file format (word,
    frequency; words only, the zero-frequency prefix entries a trie has by construction) and loaded by it."""
    import tempfile

    import jieba_fast_dat

    freq = _dictionary()[0]
    with tempfile.TemporaryDirectory(prefix="cn-econ-pipeline-") as tmp:
        source = Path(tmp) / "dictionary.txt"
        with open(source, "w", encoding="utf-8") as fh:
            fh.writelines(f"{w} {f}\n" for w, f in freq.items() if f and w.strip() and " " not in w)
        tk = jieba_fast_dat.Tokenizer(source)
        tk.cache_file = str(Path(tmp) / "trie.dat")  # where it saves its own cache: not the system temp folder
        tk.initialize()
        return tk.dat.save_to_bytes()


@lru_cache(maxsize=1)
def fast_tokenizer():
    """jieba_fast_dat's tokenizer over this dictionary: jieba's prefix DAG and maximum-probability route in C++
    on a double-array trie. The trie is built once per dictionary (0.6 s) and cached with the pickles."""
    import jieba_fast_dat

    jieba_fast_dat.setLogLevel(60)
    key = cache.input_key(packages=["jieba-fast-dat"], parts=[dictionary_key()])
    trie = cache.load_or_build("jieba-fast-trie", key, _build_trie)
    tk = jieba_fast_dat.Tokenizer()
    tk.dat.load_from_bytes(trie)
    # jieba's total, which also counts the few words with a space that no text block can hold
    tk.total, tk.initialized = _dictionary()[1], True
    return tk


def word_boundaries(text: str) -> set[int]:
    """Offsets where the words of ``tokenizer().cut(text, HMM=False)`` start and end (runs of single Latin
    letters or digits kept together), cut by ``fast_tokenizer``: five times faster than the same segmentation
    in Python on the short windows the region and name rules ask about. The route is jieba's maximum-probability
    one; where two routes tie exactly (零零|零|零零, 零零|零零|零) it may take the other (tests)."""
    bounds = {0}
    pos = 0
    for word in fast_tokenizer().lcut(text, HMM=False):
        pos += len(word)
        bounds.add(pos)
    if "\r\n" in text:  # one token to jieba (its whitespace pattern), two to jieba_fast_dat
        k = text.find("\r\n")
        while k >= 0:
            bounds.discard(k + 1)
            k = text.find("\r\n", k + 2)
    return bounds
