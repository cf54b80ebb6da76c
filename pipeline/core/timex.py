"""Date and period expressions (2024年, 1至10月, 一季度, 上半年, 今年, 截至目前).

Each expression resolves against a reference date (the article's publication
date) to an inclusive [start, end] range of calendar days and a compact
``label`` as analysts write periods: ``2024``, ``2024-01/2024-10``,
``2025-Q1``, ``2024-H1``, ``2023-12-31``.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_CN = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
       "六": 6, "七": 7, "八": 8, "九": 9}

_YEAR = r"(?:\d{4}|[零〇○一二三四五六七八九]{4})"
_MON = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_REL_YEAR = r"(?:今年|去年|明年|前年|后年|本年|上年|同年|当年)"
_SEP = r"\s*(?:至|到|—|–|-|~|～|－)\s*"

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # 2019年6月1日-6月30日, 2024年1月16日至20日, 6月17日至18日
    ("day_range", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?\s*(?P<m>{_MON})\s*月\s*(?P<d>{_DAY})\s*[日号]?{_SEP}"
        rf"(?:(?P<m2>{_MON})\s*月\s*)?(?P<d2>{_DAY})\s*[日号]")),
    # 2024年1至10月, 今年1—10月, 1至10月, 2024年1月至10月
    ("month_range", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年(?:度)?|(?P<ry>{_REL_YEAR}))?\s*(?P<m>{_MON})\s*(?:月份?)?{_SEP}"
        rf"(?:(?P<y2>{_YEAR})\s*年\s*)?(?P<m2>{_MON})\s*月(?:份)?(?!\s*{_DAY}\s*[日号])")),
    # 2020年至2024年, 2020—2024年
    ("year_range", re.compile(rf"(?P<y>{_YEAR})\s*(?:年)?{_SEP}(?P<y2>{_YEAR})\s*年")),
    # 前三季度, 一季度, 第二季度, 2024年一季度, 今年一季度
    ("quarter", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?\s*(?P<qfirst>前)?第?(?P<q>[一二三四1-4])\s*季度")),
    ("half", re.compile(rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?\s*(?P<h>上半年|下半年)")),
    # 2024年5月31日, 5月8日, 2025-05-08, 2025/5/8, 2025.05.08
    ("iso_date", re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})[-/.](?P<m>1[0-2]|0?[1-9])[-/.](?P<d>3[01]|[12]\d|0?[1-9])(?![\d.])")),
    ("date", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?\s*(?P<m>{_MON})\s*月\s*(?P<d>{_DAY})\s*[日号]")),
    ("month", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年(?:度)?|(?P<ry>{_REL_YEAR}))?\s*(?P<m>{_MON})\s*月(?:份)?(?P<part>初|上旬|中旬|下旬|底|末)?(?![\d一二三四五六七八九十]*\s*[日号])")),
    ("year", re.compile(rf"(?:(?P<y>{_YEAR})\s*年(?:度)?|(?P<ry>{_REL_YEAR}|全年|年内|年底|年末|年初))(?P<part>初|底|末|内)?")),
    ("rel_month", re.compile(r"(?P<rm>本月|上月|下月|上个月|下个月|当月)")),
]

_ASOF = re.compile(r"截[至止](?:到)?\s*(?P<now>目前|当前|现在|今天|发稿时)?")
_NOW = re.compile(r"(?:截[至止](?:到)?\s*)?(?:目前|当前|现阶段|至今)")


@dataclass(frozen=True)
class TimeExpr:
    raw_text: str
    char_start: int
    char_end: int
    start: date | None
    end: date | None
    label: str
    kind: str  # year, month, day, quarter, half, range, asof
    relative: bool = False


def _num(text: str) -> int:
    text = text.strip()
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(ch in _CN for ch in text):
        return int("".join(str(_CN[ch]) for ch in text))
    if text.startswith("十"):
        return 10 + (_CN[text[1]] if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN[tens] * 10 + (_CN[ones] if ones else 0)
    return _CN[text]


def _year(m: re.Match[str], ref: date | None, key: str = "y") -> tuple[int | None, bool]:
    if m.groupdict().get(key):
        return _num(m.group(key)), False
    rel = m.groupdict().get("ry")
    if rel and ref is not None:
        offset = {"去年": -1, "上年": -1, "前年": -2, "明年": 1, "后年": 2}.get(rel, 0)
        return ref.year + offset, True
    if ref is not None:
        return ref.year, True
    return None, True


def _month_end(y: int, mo: int) -> date:
    return date(y, mo, calendar.monthrange(y, mo)[1])


def _safe_date(y: int, mo: int, d: int) -> date | None:
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _resolve(kind: str, m: re.Match[str], ref: date | None) -> tuple[date | None, date | None, str, str, bool] | None:
    g = m.groupdict()
    if kind == "rel_month":
        if ref is None:
            return None
        first = ref.replace(day=1)
        if g["rm"] in ("上月", "上个月"):
            first = (first - timedelta(days=1)).replace(day=1)
        elif g["rm"] in ("下月", "下个月"):
            first = (first + timedelta(days=32)).replace(day=1)
        return first, _month_end(first.year, first.month), f"{first:%Y-%m}", "month", True
    y, rel = _year(m, ref)
    if y is None:
        return None
    if not 1900 <= y <= 2100:
        return None
    if kind == "year":
        ry = g.get("ry")
        part = g.get("part") or ""
        if ry in ("年底", "年末") or part in ("底", "末"):
            return date(y, 12, 1), date(y, 12, 31), f"{y}", "year", rel
        if ry == "年初" or part == "初":
            return date(y, 1, 1), date(y, 3, 31), f"{y}", "year", rel
        return date(y, 1, 1), date(y, 12, 31), f"{y}", "year", rel
    if kind == "year_range":
        y2 = _num(g["y2"])
        if not y <= y2 <= 2100:
            return None
        return date(y, 1, 1), date(y2, 12, 31), f"{y}/{y2}", "range", rel
    if kind == "quarter":
        q = _num(g["q"]) if not g["q"].isdigit() else int(g["q"])
        if not 1 <= q <= 4:
            return None
        if g.get("qfirst"):
            return date(y, 1, 1), _month_end(y, 3 * q), f"{y}-01/{y}-{3 * q:02d}", "range", rel
        return date(y, 3 * q - 2, 1), _month_end(y, 3 * q), f"{y}-Q{q}", "quarter", rel
    if kind == "half":
        if g["h"] == "上半年":
            return date(y, 1, 1), date(y, 6, 30), f"{y}-H1", "half", rel
        return date(y, 7, 1), date(y, 12, 31), f"{y}-H2", "half", rel
    mo = _num(g["m"])
    if not 1 <= mo <= 12:
        return None
    if kind == "month":
        part = g.get("part") or ""
        start, end = date(y, mo, 1), _month_end(y, mo)
        if part in ("底", "末", "下旬"):
            start = date(y, mo, 21)
        elif part in ("初", "上旬"):
            end = date(y, mo, 10)
        elif part == "中旬":
            start, end = date(y, mo, 11), date(y, mo, 20)
        return start, end, f"{y}-{mo:02d}", "month", rel
    if kind == "month_range":
        y2 = _num(g["y2"]) if g.get("y2") else y
        mo2 = _num(g["m2"])
        if not 1 <= mo2 <= 12 or (y2, mo2) < (y, mo):
            return None
        return date(y, mo, 1), _month_end(y2, mo2), f"{y}-{mo:02d}/{y2}-{mo2:02d}", "range", rel
    d = _num(g["d"])
    start = _safe_date(y, mo, d)
    if start is None:
        return None
    if kind in ("date", "iso_date"):
        return start, start, f"{start:%Y-%m-%d}", "day", rel
    if kind == "day_range":
        mo2 = _num(g["m2"]) if g.get("m2") else mo
        end = _safe_date(y, mo2, _num(g["d2"]))
        if end is None or end < start:
            return None
        return start, end, f"{start:%Y-%m-%d}/{end:%Y-%m-%d}", "range", rel
    return None


def find_times(text: str, ref: date | None = None) -> list[TimeExpr]:
    """Every date or period expression, left to right, non-overlapping.

    Longer and more specific patterns win over the shorter ones they contain.
    """
    candidates: list[tuple[int, int, int, str, re.Match[str]]] = []
    for prio, (kind, pattern) in enumerate(PATTERNS):
        for m in pattern.finditer(text):
            if m.end() - m.start() == 0 or not m.group(0).strip():
                continue
            candidates.append((m.start(), -(m.end() - m.start()), prio, kind, m))
    candidates.sort()
    taken: list[TimeExpr] = []
    occupied: list[tuple[int, int]] = []
    for start, neg_len, _prio, kind, m in sorted(candidates, key=lambda c: (c[1], c[2], c[0])):
        s, e = m.start(), m.end()
        # strip leading whitespace from the span
        while s < e and text[s].isspace():
            s += 1
        if any(s < oe and os_ < e for os_, oe in occupied):
            continue
        if _is_not_a_date(text, s, e, kind):
            continue
        resolved = _resolve(kind, m, ref)
        if resolved is None:
            continue
        d0, d1, label, k, rel = resolved
        occupied.append((s, e))
        taken.append(TimeExpr(text[s:e], s, e, d0, d1, label, k, rel))
    for m in _NOW.finditer(text):
        s, e = m.start(), m.end()
        if ref is None or any(s < oe and os_ < e for os_, oe in occupied):
            continue
        occupied.append((s, e))
        taken.append(TimeExpr(text[s:e], s, e, None, ref, f"{ref:%Y-%m-%d}", "asof", True))
    taken.sort(key=lambda t: t.char_start)
    return taken


_YEARISH_NOT_DATE = re.compile(r"[\d.]")


def _is_not_a_date(text: str, s: int, e: int, kind: str) -> bool:
    before = text[s - 1] if s > 0 else ""
    after = text[e] if e < len(text) else ""
    if before and _YEARISH_NOT_DATE.match(before) and kind not in ("rel_month",):
        return True  # part of a longer number
    if kind == "year":
        raw = text[s:e]
        # 三十年 / 10年 (durations) are not calendar years; only 4-digit years are.
        if raw[0].isdigit() and not re.match(r"(?:19|20)\d{2}", raw):
            return True
        if after and after in "代间" and raw.endswith("年"):
            return True  # 2020年代, 年间
    return False


def as_of(text_before: str) -> bool:
    """Whether a clause states an as-of reading (截至 …)."""
    return bool(_ASOF.search(text_before))
