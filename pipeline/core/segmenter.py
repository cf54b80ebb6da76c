"""jieba with a user dictionary from the gazetteer and the reference lexicons.

Region names (磨憨, 禄劝), park and organisation names from
``seeds/reference`` are added as proper nouns so that segmentation does not
split them (磨/憨) and POS tags see them as names.
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def tokenizer():
    import jieba

    from . import gazetteer
    from .reference import load_csv

    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.initialize()
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
    for w, tag in words.items():
        if not tk.FREQ.get(w):  # never retag a common word (发展乡 must not make 发展 a place)
            tk.add_word(w, freq=5, tag=tag)
    return tk


@lru_cache(maxsize=1)
def pos_tokenizer():
    import jieba.posseg

    return jieba.posseg.POSTokenizer(tokenizer())


@lru_cache(maxsize=200_000)
def pos_cut(text: str) -> tuple[tuple[str, str], ...]:
    """POS-tagged words of a short string (name prefixes repeat: cached)."""
    return tuple((p.word, p.flag) for p in pos_tokenizer().cut(text))


def word_freq(word: str) -> int:
    return tokenizer().FREQ.get(word) or 0
