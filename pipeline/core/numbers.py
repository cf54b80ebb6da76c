"""Numbers written in Arabic digits, Chinese numerals or a mix of both.

Values are exact ``Decimal``s from the first digit to the stored row:
52.17亿 is 5217000000 exactly, never 5216999999.9999995.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import abc
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Sequence

CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "洞": 0, "一": 1, "壹": 1, "幺": 1, "二": 2, "贰": 2, "两": 2, "俩": 2,
    "三": 3, "叁": 3, "仨": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
SMALL_UNITS = {"十": 1, "拾": 1, "百": 2, "佰": 2, "千": 3, "仟": 3}
BIG_UNITS = {"万": 4, "亿": 8, "兆": 12}  # 兆 = 10^12 only between numerals (兆瓦 is mega)
SPECIAL = {"廿": 20, "卅": 30, "卌": 40}

_DIGIT_CHARS = "".join(CN_DIGITS)
_UNIT_CHARS = "".join(SMALL_UNITS) + "".join(BIG_UNITS)

# One number expression. Arabic part: digits with optional thousands
# separators (also a space-separated 1 234) and decimals. Chinese part: runs
# of numeral characters, optionally with 点 decimals. Multipliers 十百千万亿
# may follow Arabic digits (3.5万, 1万2千, 52.17亿).
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
CHINESE = rf"[{_DIGIT_CHARS}廿卅卌十拾百佰千仟万亿]+(?:[点點][{_DIGIT_CHARS}]+)?"
NUMBER_RE = re.compile(
    rf"(?:(?:{ARABIC})(?:[{_UNIT_CHARS}](?:\d+|[{_DIGIT_CHARS}])?)*[{_UNIT_CHARS}]*|{CHINESE})"
)


class NumberError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    value: Decimal
    approx_digit: bool = False  # a 几 stood for an unknown digit


def _tokens(text: str) -> list[tuple[str, object]]:
    """Split into ('n', Decimal) numbers, ('u', power) units and ('z', None) zeros."""
    out: list[tuple[str, object]] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch.isdigit() or ch == ".":
            j = i
            while j < n and (text[j].isdigit() or text[j] in ".,"):
                j += 1
            raw = text[i:j].replace(",", "")
            try:
                out.append(("n", Decimal(raw)))
            except InvalidOperation as exc:
                raise NumberError(text) from exc
            i = j
            continue
        if ch in CN_DIGITS:
            if ch in "零〇○" and out and out[-1][0] == "u":
                out.append(("z", None))
            else:
                out.append(("d", CN_DIGITS[ch]))
            i += 1
            continue
        if ch in SMALL_UNITS:
            out.append(("u", SMALL_UNITS[ch]))
        elif ch in BIG_UNITS:
            out.append(("u", BIG_UNITS[ch]))
        elif ch in SPECIAL:
            out.extend((("d", SPECIAL[ch] // 10), ("u", 1)))  # 廿 = 二十
        elif ch in "点點":
            out.append(("p", None))
        elif ch in " \t\n":
            pass
        else:
            raise NumberError(f"unexpected character {ch!r} in number {text!r}")
        i += 1
    return out


def _digits_value(tokens: list[tuple[str, object]]) -> Decimal:
    """Merge consecutive Chinese digits (二〇二四 → 2024) into numbers."""
    value = Decimal(0)
    for _, d in tokens:
        value = value * 10 + Decimal(d)  # type: ignore[arg-type]
    return value


def _evaluate(tokens: list[tuple[str, object]]) -> Decimal:
    if not tokens:
        return Decimal(0)
    for power in (12, 8, 4):
        idx = max((k for k, t in enumerate(tokens) if t == ("u", power)), default=-1)
        if idx >= 0:
            left, right = tokens[:idx], tokens[idx + 1:]
            left_value = _evaluate(left) if left else Decimal(1)
            right_value = _evaluate(right) if right else Decimal(0)
            # 一万二 = 12000: a lone digit after a big unit counts in the next lower place.
            if len(right) == 1 and right[0][0] == "d":
                right_value *= Decimal(10) ** (power - 1)
            return left_value * Decimal(10) ** power + right_value
    total = Decimal(0)
    number: Decimal | None = None
    last_power: int | None = None
    zero_seen = False
    k = 0
    while k < len(tokens):
        kind, val = tokens[k]
        if kind == "d":
            j = k
            while j < len(tokens) and tokens[j][0] == "d":
                j += 1
            number = _digits_value(tokens[k:j])
            k = j
            continue
        if kind == "n":
            number = val  # type: ignore[assignment]
        elif kind == "z":
            zero_seen = True
        elif kind == "u":
            if number is None and last_power is not None and val >= last_power:  # type: ignore[operator]
                raise NumberError("a place value after a larger or equal one (五十千)")
            # 十 alone and 零十 (a leading zero) both count one ten
            total += (number if number else Decimal(1)) * Decimal(10) ** val  # type: ignore[operator]
            number = None
            last_power = val  # type: ignore[assignment]
            zero_seen = False
        k += 1
    if number is not None:
        if last_power is not None and last_power >= 1 and not zero_seen and number < 10 and tokens[-1][0] == "d":
            # 三千五 = 3500, 两百五 = 250
            total += number * Decimal(10) ** (last_power - 1)
        else:
            total += number
    return total


def parse_number(text: str) -> ParsedNumber:
    """Parse one number expression to an exact Decimal.

    >>> parse_number("52.17亿").value
    Decimal('5217000000.00')
    """
    raw = text.strip().replace("，", ",")
    if not raw:
        raise NumberError("empty number")
    approx = "几" in raw
    raw = raw.replace("几", "")
    negative = raw[0] in "-−负"
    if raw[0] in "+-−负正":
        raw = raw[1:]
    plain = _ARABIC_AND_BIG_UNIT.fullmatch(raw)
    if plain:
        value = _plain_value(plain.group(1), plain.group(2))
    else:
        value = _value_of(raw, text)
    return ParsedNumber(-value if negative else value, approx)


# 12, 12.5, 3万, 52.17亿: three numbers in four that quantities parse. They skip the tokens and take the same
# arithmetic the general path does on them (``_evaluate`` adds a number to 0, a big unit multiplies and adds 0),
# which gives the same Decimal, digits and exponent alike (test: both paths on every number of the bundled texts).
_ARABIC_AND_BIG_UNIT = re.compile(r"([0-9]+(?:\.[0-9]+)?)([万亿]?)")


def _plain_value(number: str, big_unit: str) -> Decimal:
    value = Decimal(0) + Decimal(number)
    if big_unit:
        value = value * Decimal(10) ** BIG_UNITS[big_unit] + Decimal(0)
    return value


def _value_of(raw: str, text: str) -> Decimal:
    """The value of ``raw``: ``text`` without its sign, 几 and blanks at either end (``text``, for errors)."""
    tokens = _tokens(raw)
    if not tokens:
        raise NumberError(text)
    if any(t[0] == "p" for t in tokens):
        idx = next(k for k, t in enumerate(tokens) if t[0] == "p")
        int_part, rest = tokens[:idx], tokens[idx + 1:]
        j = 0
        while j < len(rest) and rest[j][0] in "dzn":  # 一百点123: Arabic decimals after 点
            j += 1
        digits = "".join("0" if kind == "z" else str(d) for kind, d in rest[:j])
        if not digits.isdigit():
            raise NumberError(text)
        value = _evaluate(int_part) + (Decimal("0." + digits) if digits else Decimal(0))
        for kind, power in rest[j:]:  # 二十三点五万 = 235000
            if kind == "u":
                value *= Decimal(10) ** power  # type: ignore[operator]
    elif all(t[0] in "dz" for t in tokens) and len(tokens) > 1:
        value = _digits_value([(k, 0 if k == "z" else v) for k, v in tokens])
    else:
        value = _evaluate(tokens)
    return value


def normalise_decimal(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def decimal_to_json(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    value = normalise_decimal(value)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


_BLANKS = re.compile(r"[ \t]+")


def compact(text: str) -> tuple[str, Sequence[int]]:
    """Drop stray spaces (PDF extraction, "1 至 10 月", "百 分 之 2") for matching.

    Returns the compacted text and, for every character of it, its index in
    ``text``, so that matches map back to exact spans of the original. A space
    between two ASCII letters or digits is kept (two separate numbers, Latin
    words).
    """
    if " " not in text and "\t" not in text:
        return _capital_three(text), range(len(text))  # nothing dropped: every index maps to itself
    out: list[str] = []
    starts: list[int] = []  # where each kept piece starts in the compacted text
    origins: list[int] = []  # and in ``text``
    length = 0
    prev = ""  # the last character kept
    last = 0
    for run in _BLANKS.finditer(text):
        i, j = run.span()
        if i > last:
            out.append(text[last:i])
            starts.append(length)
            origins.append(last)
            length += i - last
            prev = text[i - 1]
        nxt = text[j] if j < len(text) else ""
        if prev and nxt and (prev.isascii() and prev.isalnum() or prev == ",") and nxt.isascii() and nxt.isalnum():
            # two Latin words or numbers; "1, 234" lists two numbers (a separator never has a space)
            out.append(" ")
            starts.append(length)
            origins.append(i)
            length += 1
            prev = " "
        last = j
    out.append(text[last:])
    starts.append(length)
    origins.append(last)
    length += len(text) - last
    return _capital_three(("".join(out))), IndexMap(starts, origins, length)


class IndexMap(abc.Sequence):
    """The index in the original text of every character of a compacted one, kept as the pieces the compaction
    kept (where each starts in both texts) and read by a bisect. A list of every index made an integer object of
    each character: 2 million per 400 bench documents' articles, most of ``compact``'s time."""

    __slots__ = ("_starts", "_origins", "_length")

    def __init__(self, starts: list[int], origins: list[int], length: int):
        self._starts, self._origins, self._length = starts, origins, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self._length))]
        if k < 0:
            k += self._length
        if not 0 <= k < self._length:
            raise IndexError("compacted text index out of range")
        j = bisect_right(self._starts, k) - 1
        return self._origins[j] + k - self._starts[j]


# 參/参 is the financial form of 3 only beside other financial numerals (參拾參, 貳佰零參);
# elsewhere it is 参加, 参与
_CAPITAL = "拾佰仟萬零壹贰貳叁肆伍陆陸柒捌玖"
# (starting with the character itself, so that the engine skips to each 参 rather than trying every position)
_CAPITAL_THREE_RE = re.compile(rf"[参參](?:(?=[{_CAPITAL}万])|(?<=[{_CAPITAL}][参參]))")


def _capital_three(text: str) -> str:
    if "参" not in text and "參" not in text:
        return text
    return _CAPITAL_THREE_RE.sub("叁", text)


def map_span(idx: Sequence[int], start: int, end: int) -> tuple[int, int]:
    """Span in the compacted text → span in the original text."""
    if end <= start:
        o = idx[start] if start < len(idx) else (idx[-1] + 1 if idx else 0)
        return o, o
    return idx[start], idx[end - 1] + 1
