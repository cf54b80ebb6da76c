"""The segmentation the region rules ask about, against jieba's own cut."""
from __future__ import annotations

import random
from math import isclose, log

import pytest

from pipeline.core import segmenter
from pipeline.core.records import _outermost

from conftest import SHARED


def _jieba_boundaries(text: str) -> set[int]:
    bounds, pos = {0}, 0
    for word in segmenter.tokenizer().cut(text, HMM=False):
        pos += len(word)
        bounds.add(pos)
    return bounds


def _route_log_probability(words: list[str]) -> float:
    tk = segmenter.tokenizer()
    return sum(log(tk.FREQ.get(w) or 1) - log(tk.total) for w in words)


def _agrees_with_jieba(window: str) -> bool:
    """The same boundaries as jieba's cut, or another route of exactly the same probability: where two routes
    tie (零零|零|零零 against 零零|零零|零) jieba_fast_dat may take the other one."""
    if segmenter.word_boundaries(window) == _jieba_boundaries(window):
        return True
    fast = segmenter.fast_tokenizer().lcut(window, HMM=False)
    return isclose(_route_log_probability(fast), _route_log_probability(list(segmenter.tokenizer().cut(window, HMM=False))),
                   rel_tol=1e-12)


def _windows(texts: list[str], per_text: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    out = []
    for t in texts:
        for _ in range(per_text):
            a = rng.randrange(len(t))
            out.append(t[a:a + rng.randint(1, 24)])
    return out


def test_word_boundaries_equal_jiebas_cut_on_the_corpus(corpus_articles):
    bodies = [a["body"] for arts in corpus_articles.values() for a in arts if a["body"]]
    windows = _windows(bodies, 300)
    assert len(windows) > 3000
    assert [w for w in windows if not _agrees_with_jieba(w)] == []
    # ties are rare: nearly every window is cut exactly as jieba cuts it
    assert sum(segmenter.word_boundaries(w) != _jieba_boundaries(w) for w in windows) <= len(windows) // 200


def test_word_boundaries_equal_jiebas_cut_on_mixed_scripts():
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "conformance").rglob("*.jsonl"))]
    if not texts:
        pytest.fail(f"conformance cases not found under {SHARED}")
    windows = _windows(texts, 200) + [
        "A股2023年GDP增长5.2%", "iPhone15 Pro在昆明发布", "\r\n昆明\r\n", "C#和C++", "中国-老挝铁路", "3.5万 亿元", ""]
    assert [w for w in windows if not _agrees_with_jieba(w)] == []
    assert sum(segmenter.word_boundaries(w) != _jieba_boundaries(w) for w in windows) <= len(windows) // 200


def test_word_boundaries_keep_gazetteer_names_whole():
    # 磨憨 is in the dictionary from the gazetteer: a word of its own, not 磨/憨
    assert {2, 4} <= segmenter.word_boundaries("前往磨憨口岸")
    assert 3 not in segmenter.word_boundaries("前往磨憨口岸")


def test_outermost_keeps_spans_no_longer_span_contains():
    spans = [{"char_start": s, "char_end": e} for s, e in [(0, 4), (0, 2), (2, 4), (3, 8), (5, 8), (5, 8), (9, 10)]]
    kept = [(m["char_start"], m["char_end"]) for m in _outermost(spans)]
    # (0, 2) and (2, 4) lie in (0, 4); both (5, 8) lie in (3, 8); equal spans do not hide each other
    assert kept == [(0, 4), (3, 8), (9, 10)]
    twins = [{"char_start": 1, "char_end": 3}, {"char_start": 1, "char_end": 3}]
    assert _outermost(twins) == twins


def test_tagging_leaves_jiebas_own_default_tagger_intact():
    """pos_tokenizer imports jieba.posseg without the default tagger the import builds; jieba's module-level
    functions must still tag as in a process that imported jieba.posseg the ordinary way."""
    import subprocess
    import sys

    from conftest import REPO

    sentence = "昆明市五华区的招商引资项目签约仪式在磨憨举行"
    plain = ("import jieba, jieba.posseg as p; jieba.setLogLevel(60); "
             f"print([tuple(w) for w in p.lcut({sentence!r})])")
    ours = ("from pipeline.core import segmenter; segmenter.pos_cut('昆明'); "
            "import jieba, jieba.posseg as p; jieba.setLogLevel(60); "
            f"print([tuple(w) for w in p.lcut({sentence!r})])")
    outs = [subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True).stdout
            for code in (plain, ours)]
    assert outs[0] == outs[1]
    assert "('昆明市', 'ns')" in outs[0]
