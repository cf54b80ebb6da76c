"""The gate that skips regex scans over lines that cannot hold a match: never loses a match."""
import json
import re

from conftest import SHARED, corpus_file

from pipeline.core import records, timex
from pipeline.core.regex_gate import GatedPatterns, finditer_gated, first_characters, necessary_strings


def _sets(pattern: str) -> set[str]:
    return {"|".join(sorted(s)) for s in necessary_strings(re.compile(pattern))}


def test_necessary_sets_of_a_pattern():
    assert _sets(r"第[一二三四]季度") == {"第", "一|三|二|四", "季度"}
    assert _sets(r"(?:上|下)半年") == {"上|下", "半年"}
    assert _sets(r"a?b*c") == {"c"}  # optional parts promise nothing
    assert _sets(r"(?:今年|\d{4}年)?[一二]季度") == {"一|二", "季度"}
    assert _sets(r"x|\d") == set()  # \d is every Unicode digit: no finite set
    assert necessary_strings(re.compile("abc", re.I)) == ()
    assert _sets(r"(?i:q)[1-4]") == {"1|2|3|4"}  # a case-blind group spells nothing
    quarter = re.compile(r"第.季度")
    assert [m.group() for m in finditer_gated(quarter, "第三季度")] == ["第三季度"]
    assert list(finditer_gated(quarter, "第三季")) == []


def test_necessary_strings_of_a_pattern():
    def strings(pattern: str) -> set[frozenset[str]]:
        return set(necessary_strings(re.compile(pattern)))

    assert strings(r"第[一二三四]季度") == {frozenset({"第"}), frozenset("一二三四"), frozenset({"季度"})}
    assert strings(r"(?:今年)?(?:春节|国庆节|元宵)") == {frozenset({"春节", "国庆节", "元宵"})}
    assert strings(r"上半年|下半年") == {frozenset({"上半年", "下半年"})}
    assert strings(r"a?b*c") == {frozenset({"c"})}
    assert strings(r"(?:春节|x?)") == set()  # an alternative that needs nothing makes the group promise nothing
    gated = GatedPatterns([re.compile(r"(?:今年)?(?:春节|国庆节)")])
    assert [m.span() for _, m in gated.finditer("去年春节。国庆。今年国庆节")] == [(2, 4), (8, 13)]
    # a segment with the characters of a name but not the name is not scanned
    assert [mask for *_, mask in gated._segments("春季\n节日\n过春节")] == [0, 0, 1]
    # pattern by pattern, each over the runs of segments that can hold it, in text order
    two = GatedPatterns([re.compile("春节"), re.compile("国庆")], separators="。\n")
    text = "春节。春节前后。国庆\n春节"
    assert [(k, m.span()) for k, m in two.finditer(text)] == [(0, (0, 2)), (0, (3, 5)), (0, (11, 13)), (1, (8, 10))]


def test_gated_scan_finds_every_match_of_every_time_atom_in_the_corpus():
    texts = []
    for name in ("000", "001", "002", "003"):
        doc = records.read_document(corpus_file(name).read_bytes(), name)
        texts.append(doc["text"])
        texts.extend(a["body"] for a in records.split_articles(doc["document_id"], doc["text"])[1])
    # and the time expressions of the conformance cases, in every style the suite covers
    texts.extend(json.loads(line)["input"] for line in open(SHARED / "conformance" / "time.jsonl", encoding="utf-8"))
    # the time parser's scanner (Hyperscan's starts, each tried within its sentence), the same without Hyperscan
    # (the runs of sentences the gates pass), and the same patterns gated by lines
    assert timex._SCANNER.engine() is not None
    atoms = [p for _, p in timex._ATOMS]
    for scanner in (timex._SCANNER, GatedPatterns(atoms, separators="\n。！？；"), GatedPatterns(atoms)):
        total = 0
        for text in texts:
            gated = sorted((k, m.span()) for k, m in scanner.finditer(text))
            plain = sorted((k, m.span()) for k, (_, p) in enumerate(timex._ATOMS) for m in p.finditer(text))
            assert gated == plain, text
            total += len(plain)
        assert total > 1000


def test_patterns_gated_by_their_characters_find_every_match():
    from pipeline.core import quantities, relations
    from pipeline.core.regex_gate import finditer_gated

    texts = [records.read_document(corpus_file(name).read_bytes(), name)["text"] for name in ("000", "001", "002", "003")]
    for path in sorted((SHARED / "conformance").glob("*.jsonl")):
        texts.extend(json.loads(line)["input"] for line in open(path, encoding="utf-8"))
    patterns = (quantities._FINANCIAL_AMOUNT, quantities._LIANG_AND_HALF, quantities._METRE_AND_TENTHS,
                quantities._PERCENT_WORDS, quantities._LINK, relations.AGREEMENT, relations.AGREEMENT_BARE, relations.MEETING,
                relations.VISIT)
    found = {p.pattern: 0 for p in patterns}
    for text in texts:
        for pattern in patterns:
            plain = [m.span() for m in pattern.finditer(text)]
            assert [m.span() for m in finditer_gated(pattern, text)] == plain, (pattern.pattern, text)
            found[pattern.pattern] += len(plain)
    assert all(found.values()), found  # every pattern matched somewhere: the comparison was not vacuous


def test_patterns_whose_start_the_engine_skips_to():
    """Python's engine skips to a pattern's possible first characters when it starts with a character, a class or
    alternatives that each start with one (in a group or not); an optional group, a lookaround or an alternative
    that starts with a group makes it try every position."""
    assert first_characters(re.compile("签订|签署|召开")) == frozenset("签召")
    assert first_characters(re.compile("[上下]半年")) == frozenset("上下")
    assert first_characters(re.compile("(?P<p>本月|上月)第")) == frozenset("本上")
    assert first_characters(re.compile(r"截[至止]\s*目前|目前")) == frozenset("截目")
    assert first_characters(re.compile("(?:签订|缔结)|召开")) is None
    assert first_characters(re.compile(r"(?:截至)?目前")) is None
    assert first_characters(re.compile(r"(?<!\d)年")) is None
    assert first_characters(re.compile(r"\d+年")) is None
    assert first_characters(re.compile("(?i:ceo)")) is None
    # the time atoms drop the lookahead on the characters a time can start with only where the engine skips by
    # itself to characters of those: each atom still matches where it did
    lookahead = [kind for kind, p in timex._ATOMS if p.pattern.startswith(timex._FIRST)]
    assert "year" in lookahead and "date" in lookahead and "span" not in lookahead and "rel_day" not in lookahead
    assert "recent" in lookahead  # 日前 starts with 日, which starts no time
    assert all(first_characters(p) <= timex._FIRST_CHARS for kind, p in timex._ATOMS if kind not in lookahead)


def test_what_a_pattern_may_read():
    from pipeline.core.regex_gate import reads_any

    def reads(pattern: str, chars: str) -> bool:
        return reads_any(re.compile(pattern), chars)

    assert not reads(r"\d+[万亿]?(?:元|美元)", "。！")
    assert reads(r"\d+(?=。)", "。")  # a lookahead reads too
    assert reads(r"\d+(?!。)", "。")
    assert reads(r"年.月", "。") and reads(r"[^年]", "。")  # any character, a negated class
    assert reads(r"\s", "\n") and not reads(r"\s", "。")
    assert reads(r"(?i:k)", "\u212a") and not reads(r"k", "\u212a")  # the Kelvin sign is a k only case-blind
    assert reads(r"(?i)[a-z]", "\u212a") and not reads(r"(?i:[a-j])(?-i:k)", "\u212a")
    assert reads(r"[\D]", "。") and not reads(r"[\d]", "。")
    assert reads(r"(a)?(?(1)b|。)", "。")
