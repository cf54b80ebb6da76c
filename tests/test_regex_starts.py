"""Hyperscan's candidate starts: Python's pattern tried there finds exactly what finditer finds."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core import regex_starts
from pipeline.core.regex_gate import GatedPatterns
from pipeline.core.regex_starts import PatternStarts, Unsupported, superset_expression

# One pattern per construct the translation writes: lookarounds, anchors, back-references, conditionals,
# lazy, atomic and possessive repeats, inline and global IGNORECASE, DOTALL, classes with categories.
PATTERNS = [
    r"(?<!\d)\d{2,4}年",
    r"(?P<n>\d+)(?:个)?月(?!份)",
    r"(\w)\1",
    r"k(?i:k)+s",
    r"(?i)[a-z]{2}",
    r"(?i)sk",
    r"\s+一",
    r"^年|年$",
    r"(?m)^一.",
    r"(?s)年.一",
    r"年.一",
    r"[^\d\s]年",
    r"(a)?(?(1)年|一)",
    r"(?>一+)年",
    r"一++年",
    r"年.*?一",
    r"(?=[一年])(?:一|年){2}",
    r"\bk\w*",
]
# ASCII and Arabic-Indic digits, the Kelvin sign and long s (case variants of k and s), an information
# separator (whitespace to Python's \s), a sentence end, a newline
ALPHABET = "aAkKKsSſ1٣一年月份个 \x1c。\n"


ENGINE = PatternStarts.build("test-patterns", [re.compile(p) for p in PATTERNS])


def test_every_construct_is_scanned_by_hyperscan():
    assert ENGINE is not None and ENGINE.unscanned == ()


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_trying_the_reported_starts_finds_what_finditer_finds(text):
    starts = ENGINE.starts(text)
    for k, pattern in enumerate(ENGINE.patterns):
        expected = [m.span() for m in pattern.finditer(text)]
        found = [m.span() for m in regex_starts.finditer(pattern, text, starts.get(k, []))]
        assert found == expected, (pattern.pattern, text)


def test_a_start_is_reported_for_every_match_and_none_where_nothing_can_start():
    engine = PatternStarts.build("test-year", [re.compile(r"(?<!\d)(?P<y>\d{4})年(?=\d|[一二])")])
    text = "2024年1月，二〇二四年，12345年一季度"
    starts = engine.starts(text)[0]
    # the lookarounds are dropped: 2345年 may start at 1 of 12345 (Python's lookbehind then says no)
    assert [text[p:p + 5] for p in starts] == ["2024年", "2345年"]
    assert [m.group() for m in regex_starts.finditer(engine.patterns[0], text, starts)] == ["2024年"]


def test_patterns_hyperscan_cannot_take_are_scanned_by_python_in_their_place():
    with_empty = re.compile(r"年?")  # matches the empty string: every position would be a start
    negated_blind = re.compile(r"(?i)[^k]年")  # negated under IGNORECASE: not written
    for pattern in (with_empty, negated_blind):
        try:
            superset_expression(pattern)
        except Unsupported:
            continue
        raise AssertionError(pattern.pattern)
    patterns = [re.compile(r"\d+年"), negated_blind, re.compile("月份")]
    scanner = GatedPatterns(patterns, separators="。", engine="test-mixed")
    assert scanner.engine().unscanned == (1,)
    text = "2024年5月份。a年k年。K年"
    found = [(k, m.span()) for k, m in scanner.finditer(text)]
    # pattern by pattern, and within a segment each: the gated scan gives the same
    assert found == [(k, m.span()) for k, m in GatedPatterns(patterns, separators="。").finditer(text)]
    assert found == [(0, (0, 5)), (1, (3, 5)), (1, (9, 11)), (2, (6, 8))]


def test_the_database_is_kept_in_the_disk_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path))
    first = PatternStarts.build("test-cache", [re.compile(r"\d+年")])
    assert [p.name.split("-")[:3] for p in tmp_path.glob("*.pickle")] == [["hyperscan", "test", "cache"]]
    again = PatternStarts.build("test-cache", [re.compile(r"\d+年")])
    assert again.starts("在2024年") == first.starts("在2024年") == {0: [1, 2, 3, 4]}
