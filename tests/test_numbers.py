from decimal import Decimal

import pytest
from hypothesis import example, given, strategies as st

from pipeline.core.numbers import parse_number

CASES = [
    ("52.17亿", Decimal("5217000000")),
    ("一千二百万", Decimal(12000000)),
    ("两万", Decimal(20000)),
    ("3.5万", Decimal(35000)),
    ("1万2千", Decimal(12000)),
    ("二〇二四", Decimal(2024)),
    ("三千五", Decimal(3500)),
    ("一万零五", Decimal(10005)),
    ("一百零三", Decimal(103)),
    ("壹拾万亿", Decimal(10) ** 13),
    ("4.5万亿", Decimal("4500000000000")),
    ("1,234,567.89", Decimal("1234567.89")),
    ("三点一四", Decimal("3.14")),
    ("二十三点五万", Decimal(235000)),
    ("廿五", Decimal(25)),
    ("十", Decimal(10)),
    ("16252.5万", Decimal(162525000)),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_parse_number_exact(text, expected):
    assert parse_number(text).value == expected


def test_52_17_yi_is_exact_not_binary_float():
    value = parse_number("52.17亿").value
    assert value == Decimal(5217000000)
    # where binary floating point is off, the parser is not
    assert 4.35 * 1e8 != 435000000
    assert parse_number("4.35亿").value == 435000000
    assert parse_number("0.07万").value == 700


def test_ji_marks_an_approximate_digit():
    parsed = parse_number("十几万")
    assert parsed.approx_digit and parsed.value == 100000


_CN = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """Render an integer < 10^12 in Chinese numerals (test oracle, independent of the parser)."""
    if n == 0:
        return "零"

    def section(x: int) -> str:
        out, zero = "", False
        for unit, p in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            d = x // p % 10
            if d:
                if zero:
                    out += "零"
                out += _CN[d] + unit
                zero = False
            elif out:
                zero = True
        return out

    parts = []
    for unit, p in (("亿", 10 ** 8), ("万", 10 ** 4), ("", 1)):
        s = n // p % 10000 if p != 10 ** 8 else n // p
        if s:
            text = section(s)
            if parts and s < 1000:
                text = "零" + text
            parts.append(text + unit)
        elif parts and n % p:
            pass
    return "".join(parts)


@given(st.integers(min_value=0, max_value=10 ** 11))
def test_arabic_round_trip(n):
    assert parse_number(str(n)).value == n


@given(st.integers(min_value=0, max_value=10 ** 11))
def test_fullwidth_round_trip(n):
    from pipeline.core.text import normalise_text

    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    assert parse_number(normalise_text(fullwidth)).value == n


@given(st.integers(min_value=1, max_value=10 ** 11))
def test_chinese_round_trip(n):
    assert parse_number(to_chinese(n)).value == n


@given(st.integers(min_value=1, max_value=99999), st.sampled_from([("万", 10 ** 4), ("亿", 10 ** 8)]))
def test_multiplier_round_trip(n, mult):
    word, factor = mult
    assert parse_number(f"{n / 100:.2f}{word}").value == Decimal(n) * factor / 100


# Number mentions in running text (the extraction CLI's "numbers"): cases from
# Recognizers-Text, Duckling and cn2an test suites.
MENTIONS = [
    ("五兆六十二亿四万五千二", [("五兆六十二亿四万五千二", Decimal(5006200045200), None)]),
    ("一百分之五十五点五七九", [("一百分之五十五点五七九", Decimal("0.55579"), None)]),
    ("3又一千分之23", [("3又一千分之23", Decimal("3.023"), None)]),
    ("200亿零四千230", [("200亿零四千230", Decimal(20000004230), None)]),
    ("一百点123", [("一百点123", Decimal("100.123"), None)]),
    ("1.04M", [("1.04M", Decimal(1040000), None)]),
    ("5k-20k", [("5k-20k", Decimal(5000), Decimal(20000))]),
    ("十打苹果", [("十打", Decimal(120), None)]),
    ("1, 234, 567", [("1", 1, None), ("234", 234, None), ("567", 567, None)]),
    ("负一", [("负一", -1, None)]),
    ("这个数字大于二十的同时小于等于三十五", [("大于二十的同时小于等于三十五", 20, 35)]),
    ("他的排名在第十和第十五之间", [("在第十和第十五之间", 10, 15)]),
    ("这些苹果最多100最少20个", [("最多100最少20", 20, 100)]),
    ("小明的身高比 170 低 ", [("比 170 低", 170, None)]),
    ("订购一批数目在 五百或者更多的产品", [("五百或者更多", 500, None)]),
    # contradictory bounds stay apart
    ("大于50小于12的目标。", [("大于50", 50, None), ("小于12", 12, None)]),
    # numeral characters inside words are not numbers; with a classifier they are
    ("我家在四川", []),
    ("小明每天收拾房间", []),
    ("岛屿远离陆地", []),
    ("美味十足", []),
    ("一只", [("一", 1, None)]),
    ("三双", [("三", 3, None)]),
    ("打造五个中心", [("五", 5, None)]),
    ("十斤", [("十", 10, None)]),
    ("登陆部队已经上岸", []),
    # financial numerals: 参 is 3 only beside other financial numerals
    ("参万肆仟伍佰零柒", [("参万肆仟伍佰零柒", 34507, None)]),
    ("贰佰零参", [("贰佰零参", 203, None)]),
    ("参加会议", []),
    ("零十", [("零十", 10, None)]),
    ("半百", [("半百", 50, None)]),
    # malformed or punctuation-like forms
    ("五十千", [("五十", 50, None)]),
    ("...9", [("9", 9, None)]),
    ("--9", [("9", 9, None)]),
    ("版本1.2.3", [("1", 1, None), ("2", 2, None), ("3", 3, None)]),
    ("一点两小时", [("一", 1, None)]),
    ("请给我一以上个苹果", [("一以上", 1, None)]),
    ("两两相对，三三两两", []),
    ("作好壹切准备", []),
    # 参/參 is 3 only beside another financial numeral, on either side: 参加 is not
    ("参加会议的有參拾人", [("參拾", 30, None)]),
    ("參拾參", [("參拾參", 33, None)]),
    ("拾参人参加", [("拾参", 13, None)]),
    ("参加会议", []),
]


@pytest.mark.parametrize("text,expected", MENTIONS)
def test_number_mentions(text, expected):
    from pipeline.core.quantities import find_numbers

    got = [(n.raw_text, n.value, n.value_high) for n in find_numbers(text)]
    assert got == [(t, Decimal(v), None if h is None else Decimal(h)) for t, v, h in expected]


def test_compact_drops_stray_spaces_and_maps_back_to_the_original():
    from pipeline.core.numbers import compact, map_span

    text = "1 至 10 月，百 分 之 2，GDP  增长 1, 234 亿元"
    out, idx = compact(text)
    assert out == "1至10月，百分之2，GDP增长1, 234亿元"
    assert len(idx) == len(out) and all(text[i] == c for i, c in zip(idx, out) if c != " ")
    k = out.index("234")
    assert text[slice(*map_span(idx, k, k + 3))] == "234"
    out, idx = compact("x\t\ty z")
    assert (out, list(idx), idx[-1], idx[1:3]) == ("x y z", [0, 1, 3, 4, 5], 5, [1, 3])


@example(" 1 , 2\t\ta b ")
@given(st.text(alphabet=" \t,ab12百分之参拾万", max_size=40))
def test_compact_maps_every_kept_character_to_its_place(text):
    """The map of the compacted text holds, for each of its characters, the index it came from: increasing,
    only blanks dropped in between, every character the one it was (参 as 叁 beside other financial numerals; a
    space kept between two Latin words or numbers stands for the run of blanks it starts)."""
    from pipeline.core.numbers import compact

    out, idx = compact(text)
    where = [idx[k] for k in range(len(out))]
    assert len(idx) == len(out) and list(idx) == where and list(idx[max(0, len(out) - 1):]) == where[-1:]
    assert all(a < b for a, b in zip(where, where[1:]))
    assert all(text[i] == c or (c, text[i]) in (("叁", "参"), (" ", "\t")) for i, c in zip(where, out))
    kept = set(where)
    assert all(text[i] in " \t" for i in range(len(text)) if i not in kept)
    if out:
        assert idx[-1] == where[-1]
    with pytest.raises(IndexError):
        idx[len(out)]


@example("12345678901234567890123456789012")  # past the context's 28 digits: rounded, as the general path rounds
@example("-0.50亿")
@given(st.from_regex(r"[-+]?[0-9]{1,32}(?:\.[0-9]{1,12})?[万亿]?", fullmatch=True))
def test_an_arabic_number_with_a_big_unit_skips_the_tokens_for_the_same_decimal(text):
    """parse_number's short path (one Arabic number, at most one 万 or 亿) gives the Decimal the general path gives:
    the same value, digits and exponent (str), rounding of numbers past the context's 28 digits included."""
    from pipeline.core import numbers

    raw = text[1:] if text[0] in "+-" else text
    general = numbers._value_of(raw, text)
    short = parse_number(text).value
    expected = -general if text[0] == "-" else general
    assert numbers._ARABIC_AND_BIG_UNIT.fullmatch(raw)
    assert (str(short), short) == (str(expected), expected)


def test_every_number_of_the_bundled_texts_parses_as_the_general_path_parses_it():
    from pathlib import Path

    from pipeline.core import numbers
    from pipeline.core.text import decode_bytes, normalise_text

    texts = [normalise_text(decode_bytes(p.read_bytes()).text)
             for p in sorted((Path(__file__).resolve().parents[1] / "seeds" / "documents").glob("*.txt"))]
    shortcut = 0
    for text in texts:
        for m in numbers.NUMBER_RE.finditer(text):
            for s in (m.group(), m.group() + "万", m.group() + "亿"):
                try:
                    general = numbers._value_of(s.strip().replace("，", ","), s)
                except numbers.NumberError:
                    continue
                short = parse_number(s).value
                assert (str(short), short) == (str(general), general), s
                shortcut += bool(numbers._ARABIC_AND_BIG_UNIT.fullmatch(s))
    assert shortcut > 1000
