from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

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
