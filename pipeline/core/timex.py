"""Date and period expressions: 2024年, 1至10月, 一季度, 上半年, 今年, 上周三, 国庆, 截至目前.

Every expression resolves against a reference date (the article's
publication date) to an inclusive [start, end] range of calendar days (either
end may be open: 2018年以后, 截至2023年底) and a compact ``label`` as
analysts write periods: ``2024``, ``2024-01/2024-10``, ``2025-Q1``,
``2024-H1``, ``2023-12-31``.

The grammar has two stages: atoms (a date, a month, a week, a quarter, a
holiday, an offset such as 三年前), then compositions of atoms (从X到Y, X与Y之间,
X以来, X或之前).
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from .lexicon import not_times
from .numbers import compact, map_span
from .regex_gate import GatedPatterns, first_characters

_CN = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
       "六": 6, "七": 7, "八": 8, "九": 9}
_D = "零〇○一二两三四五六七八九"

_YEAR = rf"(?:\d{{4}}|[{_D}]{{4}}|两千(?:零[{_D}]|[{_D}]?十?[{_D}]?)?|(?<![\d{_D}])(?:\d{{2}}|[{_D}]{{2}})" \
        rf"|(?<![\d{_D}])[{_D}]{{3}}(?=\s*年\s*(?:十[一二]?|[一二三四五六七八九])\s*月))"  # 三六七年一月: a year spelt digit by digit
_MON = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:3[01]|[12]\d|0?[1-9]|三十一?|二十[一二三四五六七八九]?|廿[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_LUNAR_DAY = r"(?:初[一二三四五六七八九十]|初\d|三十|二十[一二三四五六七八九]?|廿[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九]|3[01]|[12]\d|0?[1-9])"
_WEEKDAY_INDEX = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_REL_YEAR = r"(?:今年|去年|明年|大前年|前年|大后年|后年|本年|上一年|上年|下一年|下年|这一年|這一年|同年|当年|次年|翌年)"
_REL_MON = r"(?:本月|这个月|這個月|今个月|今個月|当月|上上个月|上上個月|上一个月|上一個月|上个月|上個月|上月|下下个月|下一个月|下一個月|下个月|下個月|下月)"
_WEEK_PREFIX = r"(?:上上上|下下下|上上个|上上個|上上|下下个|下下個|下下|上一个|上一|下一个|下一|这一|這一|上个|上個|下个|下個|这个|這個|今个|今個|上|下|这|這|本|今)"
_WEEK = r"(?:星期|礼拜|禮拜|周|週)"
_SEP = r"\s*(?:至|到|—+|–|-|~|～|－)\s*"
_N = rf"(?:\d+|[{_D}十]+|半)"

HOLIDAYS_SOLAR = {
    "元旦": (1, 1), "情人节": (2, 14), "妇女节": (3, 8), "三八妇女节": (3, 8), "植树节": (3, 12), "愚人节": (4, 1),
    "劳动节": (5, 1), "五一劳动节": (5, 1), "五一": (5, 1), "青年节": (5, 4), "五四青年节": (5, 4), "儿童节": (6, 1),
    "六一儿童节": (6, 1), "建党节": (7, 1), "七一": (7, 1), "建军节": (8, 1), "八一建军节": (8, 1), "教师节": (9, 10),
    "国庆节": (10, 1), "国庆": (10, 1), "十一": (10, 1), "万圣节": (10, 31), "光棍节": (11, 11), "双十一": (11, 11),
    "平安夜": (12, 24), "圣诞节": (12, 25), "圣诞": (12, 25), "元旦节": (1, 1), "阳历新年": (1, 1),
    "国际儿童节": (6, 1), "国际劳动节": (5, 1), "五一国际劳动节": (5, 1), "国际妇女节": (3, 8),
}
HOLIDAYS_LUNAR = {
    "春节": (1, 1), "大年初一": (1, 1), "元宵节": (1, 15), "元宵": (1, 15), "龙抬头": (2, 2), "端午节": (5, 5),
    "端午": (5, 5), "七夕节": (7, 7), "七夕": (7, 7), "中元节": (7, 15), "中秋节": (8, 15), "中秋": (8, 15),
    "重阳节": (9, 9), "重阳": (9, 9), "腊八节": (12, 8), "腊八": (12, 8), "小年": (12, 23),
}
_HOLIDAY = "|".join(sorted(map(re.escape, [*HOLIDAYS_SOLAR, *HOLIDAYS_LUNAR, "除夕", "清明节", "清明", "母亲节", "父亲节", "感恩节"]), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class TimeExpr:
    raw_text: str
    char_start: int
    char_end: int
    start: date | None
    end: date | None
    label: str
    kind: str  # year, month, day, week, quarter, half, range, asof, open
    relative: bool = False
    grain: str = "day"
    has_year: bool = True
    has_month: bool = True


# --- helpers ---------------------------------------------------------------

def cn_int(text: str) -> int:
    """Small integers in Arabic or Chinese digits (年份, 月, 日, 数量)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if text == "半":
        raise ValueError("half")
    if text.startswith("廿"):
        return 20 + (_CN[text[1]] if len(text) > 1 else 0)
    if all(ch in _CN for ch in text) and len(text) >= 2:
        return int("".join(str(_CN[ch]) for ch in text))
    if text.startswith("两千"):
        rest = text[2:].lstrip("零")
        return 2000 + (cn_int(rest) if rest else 0)
    if text.startswith("十"):
        return 10 + (_CN[text[1]] if len(text) > 1 else 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN[tens] * 10 + (_CN[ones] if ones else 0)
    return _CN[text]


def _year_value(raw: str, ref: date | None) -> int:
    y = cn_int(raw)
    if y < 100 and len(raw.strip()) == 2:
        # 98年 → 1998, 08年 → 2008: the century that puts it nearest the reference
        base = (ref.year if ref else 2025)
        century = base // 100 * 100
        y = century + y if century + y <= base + 20 else century - 100 + y
    return y


def month_end(y: int, mo: int) -> date:
    return date(y, mo, calendar.monthrange(y, mo)[1])


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _rel_year(word: str, ref: date) -> int:
    return ref.year + {"去年": -1, "上年": -1, "上一年": -1, "前年": -2, "大前年": -3, "明年": 1, "次年": 1, "翌年": 1,
                       "下年": 1, "下一年": 1, "后年": 2, "大后年": 3}.get(word, 0)


def _week_offset(prefix: str | None) -> int:
    p = (prefix or "").replace("個", "个").replace("這", "这")
    if p.startswith(("上上上", "下下下")):  # 下下下周一: three weeks on
        return 3 if p[0] == "下" else -3
    if p.startswith("上上"):
        return -2
    if p.startswith("下下"):
        return 2
    if p.startswith("上"):
        return -1
    if p.startswith("下"):
        return 1
    return 0


@lru_cache(maxsize=None)
def _lunar_to_solar(y: int, m: int, d: int, leap: bool = False) -> date | None:
    from .jionlp_data import quiet_import

    try:
        lsd = quiet_import("jionlp.gadget.lunar_solar_date").LunarSolarDate()
        return lsd.to_solar_date(y, m, d, leap).date()
    except Exception:  # noqa: BLE001 - outside the table's years
        return None


def _offset_more(g: dict, ref: date):
    """Offsets with halves, 多 and quarters, periods since (以来, 来) and within (以内, 内).

    Half years count in days (365 to a year), as JioNLP does, so 七年半后 lands in a month."""
    half = bool(g.get("half1") or g.get("half2")) or g["n"] == "半"  # 半年后: half with no count
    more = bool(g.get("more") or g.get("more2") or g.get("more3"))
    n = 0 if g["n"] == "半" else cn_int(g["n"])
    unit, direction = g["u"], g["dir"]
    if unit in ("天", "日"):
        if half or direction in ("以内", "之内", "内"):
            return None  # 90天内 is a duration (a quantity), not a calendar period
        delta = timedelta(days=n)
    elif unit == "年":
        delta = timedelta(days=365 * n + (182 if half else 0))
    elif half:
        return None  # 两个半月: half a month has no calendar meaning
    else:
        delta = None
    months = n * (3 if unit == "季度" else 1)

    def shifted(sign: int) -> date:
        return ref + sign * delta if delta is not None else _add_months(ref, sign * months)

    day_grain = unit in ("天", "日")
    if direction in ("以来", "以來", "来", "來"):
        start = shifted(-1)
        if more and unit == "年":
            start = date(start.year, 1, 1)  # 3年多以来: from the start of that year
        elif not day_grain:
            start = start.replace(day=1)
        return start, ref, "range", True, "day" if day_grain else "month", True, True
    if direction in ("以内", "之内", "内"):
        end = shifted(1)
        return ref, month_end(end.year, end.month), "range", True, "month", True, True
    if not (half or more or unit == "季度"):
        return None  # the plain offset atom (三年前, 5天后) resolves these
    sign = -1 if direction in ("以前", "之前", "前") else 1
    d = shifted(sign)
    if day_grain:
        return d, d, "day", True, "day", True, True
    return d.replace(day=1), month_end(d.year, d.month), "month", True, "month", True, True


_LUNAR_MONTH_NAMES = {"正": 1, "腊": 12, "臘": 12, "冬": 11}


def _lunar_month_number(raw: str) -> int:
    """正月 → 1, 腊月/臘 → 12, 冬 → 11, 八 → 8, 8 → 8."""
    raw = raw.removesuffix("月")
    return _LUNAR_MONTH_NAMES.get(raw) or (int(raw) if raw.isdigit() else cn_int(raw))


def _lunar_day_number(raw: str) -> int:
    raw = raw.replace("初", "").replace("廿", "二十")
    return int(raw) if raw.isdigit() else cn_int(raw)


def _lunar_month_span(y: int, mo: int, leap: bool) -> tuple[date, date] | None:
    first = _lunar_to_solar(y, mo, 1, leap)
    if first is None:
        return None
    last = _lunar_to_solar(y, mo, 30, leap) or _lunar_to_solar(y, mo, 29, leap)
    return first, last or first + timedelta(days=28)


def _resolve_lunar(kind: str, g: dict, y: int, rel: bool, has_year: bool, ref: date | None):
    if kind == "lunar_cn_md" and g.get("y") and not g["d"].startswith(("初", "廿")):
        return None  # 二零零四年八月十五: with a written year the numerals date the Gregorian calendar
    if g.get("y2"):
        y, rel, has_year = _year_value(g["y2"], ref), False, True
    if kind == "lunar_new_year":
        if g["d"] == "三十":  # the last day of the year, whether the twelfth month has 29 or 30 days
            nxt = _lunar_to_solar(y + 1, 1, 1)
            day = nxt - timedelta(days=1) if nxt else None
        else:
            day = _lunar_to_solar(y, 1, _lunar_day_number(g["d"]))
        return (day, day, "day", rel, "day", has_year, True) if day else None
    if not g.get("m"):
        return None  # 初八 alone: which month is unknown
    mo = _lunar_month_number(g["m"])
    leap = bool(g.get("leap") or g.get("leap2"))
    if g.get("d"):
        day = _lunar_to_solar(y, mo, _lunar_day_number(g["d"]), leap)
        return (day, day, "day", rel, "day", has_year, True) if day else None
    span = _lunar_month_span(y, mo, leap)
    return (span + ("month", rel, "month", has_year, True)) if span else None


def _nth_weekday(y: int, mo: int, weekday: int, n: int) -> date:
    d = date(y, mo, 1)
    d += timedelta(days=(weekday - d.weekday()) % 7)
    return d + timedelta(weeks=n - 1)


def _label(start: date | None, end: date | None) -> str:
    # isoformat, not strftime: years before 1000 keep four digits (0367-01-01)
    if start is None and end is None:
        return ""
    if start is None:
        return f"/{end.isoformat()}"
    if end is None:
        return f"{start.isoformat()}/"
    if start == end:
        return f"{start.isoformat()}"
    if start.month == 1 and start.day == 1 and end.month == 12 and end.day == 31:
        return f"{start.year:04d}" if start.year == end.year else f"{start.year:04d}/{end.year:04d}"
    if start.day == 1 and end == month_end(end.year, end.month):
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.isoformat()[:7]}"
        if start.year == end.year and start.month % 3 == 1 and end.month == start.month + 2:
            return f"{start.year:04d}-Q{(start.month + 2) // 3}"
        if start.year == end.year and (start.month, end.month) in ((1, 6), (7, 12)):
            return f"{start.year:04d}-H{1 if start.month == 1 else 2}"
        return f"{start.isoformat()[:7]}/{end.isoformat()[:7]}"
    return f"{start.isoformat()}/{end.isoformat()}"


def _mk(text: str, s: int, e: int, start, end, kind, rel, grain, has_year=True, has_month=True) -> TimeExpr:
    return TimeExpr(text[s:e], s, e, start, end, _label(start, end), kind, rel, grain, has_year, has_month)


# --- atoms -------------------------------------------------------------------

def _ymd(g: dict, ref: date | None) -> tuple[int | None, bool]:
    if g.get("y"):
        return _year_value(g["y"], ref), False
    if g.get("ry"):
        return (_rel_year(g["ry"], ref), True) if ref else (None, True)
    return (ref.year, True) if ref else (None, True)


@lru_cache(maxsize=None)
def _solar_terms(y: int) -> dict[str, date]:
    """The 24 solar terms of year y, from 立春 in February to 大寒 of the next January
    (as 2017年大寒 = 2018-01-20), computed by lunar_python."""
    from lunar_python import Lunar

    table = Lunar.fromYmd(y, 1, 1).getJieQiTable()

    def day(key: str) -> date:
        return date.fromisoformat(table[key].toYmd())

    out = {k: day(k) for k in table if not k.isascii()}
    out.update({"冬至": day("DONG_ZHI"), "小寒": day("XIAO_HAN"), "大寒": day("DA_HAN")})
    return out


@lru_cache(maxsize=1)
def _solar_term_names() -> str:
    return "|".join(sorted(_solar_terms(2000), key=len, reverse=True))


# a solar term without a year only where it is used as a day (芒种。/ 冬至前后), not as weather (雨水充沛, 大雪纷飞)
_TERM_AFTER = r"(?=$|[^\u4e00-\u9fff]|节气|那天|当天|这天|前后|期间|之际|到来|来临)"  # 立夏时节 is a season, not the day
_SEASONS = {"春": ("立春", "立夏"), "夏": ("立夏", "立秋"), "秋": ("立秋", "立冬"), "冬": ("立冬", "立春")}

_ATOMS: list[tuple[str, re.Pattern[str]]] = [
    ("solar_term", re.compile(
        rf"(?:(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))的?(?P<t>{_solar_term_names()})|(?P<bare>{_solar_term_names()}){_TERM_AFTER})")),
    # seasons by the solar terms that open them: 2021年春 = 立春..立夏 - 1 day
    ("season", re.compile(
        rf"(?:(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))的?(?P<s>[春夏秋冬])(?:季|天)?(?!节|運|运|耕|茶|晚|联)|(?P<s2>[春夏秋冬])(?:季|天))")),
    ("iso_date", re.compile(r"(?<![\d.])(?P<y>(?:1[5-9]|20)\d{2})(?P<s>[-/.年 ])(?P<m>1[0-2]|0?[1-9])(?P=s)(?P<d>3[01]|[12]\d|0?[1-9])(?![\d])")),
    # 3/3/2015, 10/31/1974 (month first with /), 13.5.2015, 3-7-2017 (day first with . or -)
    ("dmy_date", re.compile(r"(?<![\d./-])(?P<a>\d{1,2})(?P<s>[/.-])(?P<b>\d{1,2})(?P=s)(?P<y>(?:1[5-9]|20)\d{2})(?![\d./-])")),
    # 从2016到2018: years without 年 after 从
    ("bare_year_range", re.compile(r"(?<=从)(?P<y>(?:19|20)\d{2})\s*(?:到|至|-|—|~)\s*(?P<y2>(?:19|20)\d{2})(?![\d年])")),
    # 1999.08-2002.02, 2008.03-2009: month ranges in résumé style
    ("dotted_month_range", re.compile(
        r"(?<![\d.])(?P<y>(?:19|20)\d{2})\.(?P<m>1[0-2]|0[1-9])\s*[-~～至到—]\s*(?P<y2>(?:19|20)\d{2})(?:\.(?P<m2>1[0-2]|0[1-9]))?(?![\d.])")),
    # 30日，… / 8日上午: a dateline day in the reference month
    ("day_of_month", re.compile(r"(?<![\d月号日.第])(?<!为期)(?<!历时)(?<!长达)(?<!连续)(?<!用时)(?<!仅用)(?P<d>3[01]|[12]\d|0?[1-9])日(?=[，,]|上午|下午|晚上|晚间|凌晨|早上|中午|$)")),
    ("compact_date", re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>1[0-2]|0[1-9])(?P<d>3[01]|[12]\d|0[1-9])(?!\d)")),
    ("iso_month", re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})[.\-/](?P<m>1[0-2]|0[1-9])(?![\d.\-/])")),
    ("century", re.compile(rf"(?P<cent>上世纪|上个世纪|本世纪|(?:\d{{1,2}}|[{_D}十]+)世纪)(?!\d|[{_D}十]+年代)(?P<part>初|末)?")),
    ("this_next_years", re.compile(r"今明两年|今明2年")),
    ("dot_date", re.compile(r"(?<![\d.·])(?P<m>1[0-2]|0?[1-9])[·•](?P<d>3[01]|[12]\d|0?[1-9])(?![\d·])")),
    ("decade", re.compile(rf"(?P<cent>上世纪|上个世纪|本世纪|(?:\d{{2}}|[{_D}十]+)世纪)(?P<dec>\d0|[一二三四五六七八九]十)年代(?P<part>初期|前期|中期|后期|末期|初|末)?")),
    # 农历八月廿三, 阴历二〇二一年六月, 闰四月: the lunar calendar, stated
    ("lunar", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?(?:(?P<cal>农历|阴历)\s*(?:(?P<y2>{_YEAR})\s*年)?(?P<leap>闰)?|(?P<leap2>闰))"
        rf"(?P<m>{_MON}|正|腊|冬)\s*月(?:份)?(?:(?P<d>{_LUNAR_DAY})\s*[日号]?)?")),
    # 八月十五, 五月廿二, 腊月18: a month and day in numerals without 日 is how lunar dates are written
    ("lunar_cn_md", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?(?P<m>十[一二]?|[一二三四五六七八九正腊冬])月"
        rf"(?P<d>初[一二三四五六七八九十]|三十|二十[一二三四五六七八九]?|廿[一二三四五六七八九]?|十[一二三四五六七八九]?|(?<=[正腊冬]月)[12]?\d)"
        rf"(?![日号號\d{_D}十])")),
    # 大年初十, 大年三十 (the eve of the next year's first day)
    ("lunar_new_year", re.compile(rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?大年(?P<d>初[一二三四五六七八九十]|三十)")),
    ("date", re.compile(rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?\s*(?P<m>{_MON})\s*月(?:份)?\s*(?P<d>{_DAY})(?:\s*[日号號]|(?![\d{_D}十月年]))")),
    ("lunar_date", re.compile(rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?(?P<m>正月|腊月|臘月|冬月)?(?P<d>初[一二三四五六七八九十]|十[一二三四五六七八九]|二十[一二三四五六七八九]?|廿[一二三四五六七八九]?)(?=[^\d{_D}月]|$)")),
    ("holiday", re.compile(rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?(?:农历|阴历)?(?P<h>{_HOLIDAY})")),
    ("rel_day", re.compile(r"(?P<w>大大后天|大大前天|大前天|大后天|大後天|大後日|大后日|前天|前日|昨天|昨日|寻日|尋日|今天|今日|本日|明天|明日|听日|聽日|后天|後天|後日|后日|当天|翌日)")),
    ("weekend", re.compile(rf"(?P<p>{_WEEK_PREFIX})?(?:周末|週末)")),
    ("weekday", re.compile(rf"(?P<p>{_WEEK_PREFIX})?(?:(?<=[上下这這本今个個]){_WEEK}(?:的)?)?{_WEEK}(?P<wd>[一二三四五六日天])")),
    ("nth_weekday", re.compile(rf"(?:(?P<y>{_YEAR})\s*年)?(?P<m>{_MON})\s*月(?:份)?(?:的)?第(?P<n>{_N})(?:个|個)?{_WEEK}(?P<wd>[一二三四五六日天])")),
    ("lunar_md", re.compile(rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?(?:农历|阴历)?(?P<m>{_MON}|正|腊|冬)月(?P<d>初[一二三四五六七八九十]|初\d|廿[一二三四五六七八九]?)")),
    ("week_of_rel", re.compile(rf"(?P<rm>{_REL_MON})(?:的)?第(?P<n>{_N})(?:个|個)?(?:周|星期|礼拜)")),
    ("week_of", re.compile(rf"(?:(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))的?)?(?:(?P<m>{_MON})\s*月(?:份)?)?(?:的)?第(?P<n>{_N})(?:个|個)?(?:周|星期|礼拜)")),
    ("week", re.compile(rf"(?P<p>{_WEEK_PREFIX}){_WEEK}(?![一二三四五六日天末])")),
    ("week_span", re.compile(rf"(?P<dir>上|下|前|后|後)(?P<n>[两兩二三四五六七八九十\d]+)(?:个|個)?(?P<u>周|週|星期|礼拜|禮拜)")),
    ("quarter", re.compile(rf"(?:(?P<y>{_YEAR})\s*年的?|(?P<ry>{_REL_YEAR}))?\s*(?P<qfirst>前)?(?:第|首)?(?P<q>[一二三四1-4首])\s*(?:季度|季)(?P<part>初|末)?")),
    ("quarter_q", re.compile(rf"(?:(?P<y>{_YEAR})\s*年的?)?Q(?P<q>[1-4])(?:季度)?")),
    ("rel_quarter", re.compile(r"(?P<p>上上个|上个|上|本|这个|下个|下下个|下)季度(?P<part>初|末)?")),
    ("half", re.compile(rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?\s*(?P<h>上半年|下半年|前半年|后半年)")),
    # 上个半年 / 下一个半年: the half-year before or after the one the reference date is in
    ("rel_half", re.compile(r"(?P<p>上|下)(?:一)?(?:个|個)半年")),
    # 上半周 / 下半周: Monday–Wednesday / Thursday–Sunday of the reference week
    ("half_week", re.compile(rf"(?P<h>上|下)半(?:个|個)?{_WEEK}")),
    ("half_month", re.compile(rf"(?:(?P<m>{_MON})\s*月)?(?P<h>上半月|下半月|上半个月|下半个月)")),
    ("first_last_n", re.compile(rf"(?:(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR})|(?P<rm>{_REL_MON}|这个月|本月)|(?P<m>{_MON})\s*月)的?)(?P<which>前|最后|后)(?P<n>{_N})(?:个|個)?(?P<u>天|日|周|星期|季度|月|年)")),
    ("month_range", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年(?:度)?|(?P<ry>{_REL_YEAR}))?\s*(?P<m>{_MON})\s*(?:月份?)?{_SEP}"
        rf"(?:(?P<y2>{_YEAR})\s*年\s*)?(?P<m2>{_MON})\s*月(?:份)?(?!\s*{_DAY}\s*[日号])")),
    ("day_range", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?\s*(?P<m>{_MON})\s*月\s*(?P<d>{_DAY})\s*[日号]?{_SEP}"
        rf"(?:(?P<m2>{_MON})\s*月\s*)?(?P<d2>{_DAY})\s*[日号]?(?![\d{_D}月年])")),  # 到19年2月3日: a year
    ("year_range", re.compile(rf"(?P<y>{_YEAR})\s*(?:年)?{_SEP}(?P<y2>{_YEAR})\s*年(?:\s*(?P<m2>{_MON})\s*月(?:份)?(?!\s*{_DAY}))?")),
    ("month", re.compile(
        rf"(?:(?P<y>{_YEAR})\s*年(?:度)?的?|(?P<ry>{_REL_YEAR}))?\s*(?P<m>{_MON})\s*月(?:份)?(?P<part>月?(?:初|底|末)|上旬|中旬|下旬)?")),
    ("lunar_month", re.compile(rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))?(?P<m>正月|腊月|臘月)")),
    ("rel_month", re.compile(rf"(?:(?P<ry>{_REL_YEAR}))?(?P<rm>{_REL_MON})(?P<part>初|底|末)?(?:(?P<d>{_DAY})[日号])?")),
    ("nth_month", re.compile(rf"(?:(?P<y>{_YEAR})\s*年|(?P<ry>{_REL_YEAR}))的?第(?P<n>{_N})(?:个|個)月")),
    ("offset", re.compile(rf"(?P<n>{_N})(?P<ge>个|個)?(?P<u>天|日|周|星期|礼拜|月|年)(?P<dir>以前|之前|以后|之后|以後|之後|前|后|後)")),
    ("span", re.compile(rf"(?P<dir>近|最近|过去|過去|未来|未來|今后|今後|前|后|後|上|下)(?P<n>{_N})(?:个|個)?(?P<u>天|日|周|星期|礼拜|月|年)")),
    # 七年半后, 3个多月以来, 三年来, 三个季度后, 3年半以内: offsets, periods since, periods within
    ("offset_more", re.compile(
        rf"(?P<n>{_N})(?P<more>多)?(?:个|個)?(?P<more3>多)?(?P<half1>半)?(?P<u>年|月|季度|天|日)(?P<half2>半)?(?P<more2>多)?"
        rf"(?P<dir>以前|之前|以后|之后|以後|之後|以来|以來|以内|之内|前|后|後|来|來|内)")),
    ("year", re.compile(rf"(?:(?P<y>{_YEAR})\s*年(?:度)?|(?P<ry>{_REL_YEAR}|全年|年内|年底|年末|年初))(?P<part>年?(?:初|底|末|中)|内|伊始|首月|暑假)?")),
    ("recent", re.compile(r"(?P<w>最近|近期|近日|日前)")),
]

# 截至 spelled out in an alternative of its own (not an optional group first): every alternative starts with a
# character, so the engine skips to those rather than trying the pattern at every position
_NOW = re.compile(r"截[至止](?:到)?\s*(?:目前|当前|现阶段|至今)|目前|当前|现阶段|至今")


def _resolve(kind: str, g: dict, ref: date | None) -> tuple | None:
    """(start, end, kind, relative, grain, has_year, has_month) or None."""
    if kind in ("rel_day", "weekend", "weekday", "week", "rel_quarter", "span", "offset", "offset_more", "recent", "half_month",
                "rel_half", "half_week", "week_span") and ref is None:
        return None
    if kind == "rel_day":
        off = {"大大前天": -4, "大前天": -3, "前天": -2, "前日": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0, "本日": 0,
               "当天": 0, "明天": 1, "明日": 1, "翌日": 1, "后天": 2, "後天": 2, "後日": 2, "大后天": 3, "大後天": 3,
               "大後日": 3, "大大后天": 4, "后日": 2, "大后日": 3,
               "寻日": -1, "尋日": -1, "听日": 1, "聽日": 1}[g["w"]]  # 寻日/听日: Cantonese yesterday/tomorrow
        d = ref + timedelta(days=off)
        return d, d, "day", True, "day", True, True
    if kind == "rel_half":
        first = date(ref.year, 1 if ref.month <= 6 else 7, 1)
        start = _add_months(first, -6 if g["p"] == "上" else 6)
        return start, _add_months(start, 6) - timedelta(days=1), "half", True, "month", True, False
    if kind == "half_week":
        monday = ref - timedelta(days=ref.weekday())
        if g["h"] == "上":
            return monday, monday + timedelta(days=2), "range", True, "day", True, True
        return monday + timedelta(days=3), monday + timedelta(days=6), "range", True, "day", True, True
    if kind == "recent":
        if g["w"] == "最近":
            return ref - timedelta(days=7), ref, "range", True, "day", True, True
        return None
    if kind in ("weekday", "weekend", "week"):
        off = _week_offset(g.get("p"))
        monday = ref - timedelta(days=ref.weekday())
        if kind == "week":
            s = monday + timedelta(weeks=off)
            return s, s + timedelta(days=6), "week", True, "week", True, True
        if kind == "weekend":
            s = monday + timedelta(weeks=off, days=5)
            return s, s + timedelta(days=1), "range", True, "day", True, True
        wd = _WEEKDAY_INDEX[g["wd"]]
        p = (g.get("p") or "")
        if not p:
            d = ref + timedelta(days=(wd - ref.weekday()) % 7 or 7)  # a bare weekday: the next such day
        else:
            d = monday + timedelta(weeks=off, days=wd)  # 上周三, 下周六, 这周一: within that week
        return d, d, "day", True, "day", True, True
    if kind == "this_next_years":
        return (date(ref.year, 1, 1), date(ref.year + 1, 12, 31), "range", True, "year", True, False) if ref else None
    if kind == "dot_date":  # 6·30, 3·15: a day named by its month and date, in the reference year
        if ref is None:
            return None
        try:
            d = date(ref.year, int(g["m"]), int(g["d"]))
        except ValueError:
            return None
        return d, d, "day", True, "day", False, True
    if kind == "century":
        c = _century_start(g["cent"])
        s, e = date(max(c, 1), 1, 1), date(c + 99, 12, 31)
        if g.get("part") == "初":
            e = date(c + 19, 12, 31)
        elif g.get("part") == "末":
            s = date(c + 80, 1, 1)
        return s, e, "range", False, "year", True, False
    if kind == "decade":
        c = _century_start(g["cent"])
        dec = cn_int(g["dec"][:-1] + "0") if g["dec"][0].isdigit() else cn_int(g["dec"])
        s, e = date(c + dec, 1, 1), date(c + dec + 9, 12, 31)
        part = g.get("part") or ""
        if part.startswith(("初", "前")):  # the first three years, as 末 is the last three
            e = date(c + dec + 2, 12, 31)
        elif part.startswith("中"):
            s, e = date(c + dec + 3, 1, 1), date(c + dec + 6, 12, 31)
        elif part.startswith(("末", "后")):
            s = date(c + dec + 7, 1, 1)
        return s, e, "range", False, "year", True, True
    if kind == "week_span":
        try:
            n = cn_int(g["n"].replace("兩", "两"))
        except (ValueError, KeyError):
            return None
        monday = ref - timedelta(days=ref.weekday())
        if g["dir"] in ("上", "前"):
            return monday - timedelta(weeks=n), monday - timedelta(days=1), "range", True, "week", True, True
        return monday + timedelta(weeks=1), monday + timedelta(weeks=n + 1) - timedelta(days=1), "range", True, "week", True, True
    if kind == "week_of_rel":
        r = _resolve("rel_month", {"rm": g["rm"], "ry": None}, ref)
        if r is None:
            return None
        first = r[0]
        s0 = first + timedelta(days=(7 - first.weekday()) % 7) + timedelta(weeks=cn_int(g["n"]) - 1)
        return s0, s0 + timedelta(days=6), "week", True, "week", True, True
    if kind == "rel_quarter":
        off = _week_offset(g["p"]) if g["p"] not in ("本", "这个") else 0
        q0 = (ref.month - 1) // 3 + off
        y = ref.year + q0 // 4
        q = q0 % 4 + 1
        s, e = date(y, 3 * q - 2, 1), month_end(y, 3 * q)
        return _part(s, e, g.get("part")) + ("quarter", True, "quarter", True, True)
    if kind == "offset_more":
        return _offset_more(g, ref)
    if kind in ("span", "offset"):
        try:
            n = cn_int(g["n"])
        except (ValueError, KeyError):
            return None
        unit = g["u"]
        if kind == "offset":
            sign = -1 if g["dir"] in ("以前", "之前", "前") else 1
            if unit in ("天", "日"):
                d = ref + timedelta(days=sign * n)
                return d, d, "day", True, "day", True, True
            if unit in ("周", "星期", "礼拜"):
                monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=sign * n)
                return monday, monday + timedelta(days=6), "week", True, "week", True, True
            if unit == "月":
                d = _add_months(ref.replace(day=1), sign * n)
                return d, month_end(d.year, d.month), "month", True, "month", True, True
            if unit == "年":
                y = ref.year + sign * n
                return date(y, 1, 1), date(y, 12, 31), "year", True, "year", True, True
        back = g["dir"] in ("近", "最近", "过去", "過去", "前", "上")
        rolling = g["dir"] in ("近", "最近", "过去", "過去", "未来", "未來", "今后", "今後")
        if unit in ("天", "日"):
            delta = timedelta(days=n)
            se = (ref - delta, ref - timedelta(days=1)) if back else (ref + timedelta(days=1), ref + delta)
            return se + ("range", True, "day", True, True)
        if unit in ("周", "星期", "礼拜"):
            if rolling:
                delta = timedelta(weeks=n)
                se = (ref - delta, ref - timedelta(days=1)) if back else (ref + timedelta(days=1), ref + delta)
                return se + ("range", True, "day", True, True)
            monday = ref - timedelta(days=ref.weekday())
            se = (monday - timedelta(weeks=n), monday - timedelta(days=1)) if back else (monday + timedelta(weeks=1), monday + timedelta(weeks=n + 1) - timedelta(days=1))
            return se + ("range", True, "week", True, True)
        if unit == "月":
            if rolling:
                se = (_add_months(ref, -n), ref - timedelta(days=1)) if back else (ref + timedelta(days=1), _add_months(ref, n))
                return se + ("range", True, "day", True, True)
            first = ref.replace(day=1)
            if back:
                s0 = _add_months(first, -n)
                return s0, first - timedelta(days=1), "range", True, "month", True, True
            s0 = _add_months(first, 1)
            e0 = _add_months(first, n)
            return s0, month_end(e0.year, e0.month), "range", True, "month", True, True
        if unit == "年":
            if rolling:
                s0 = _add_months(ref, -12 * n)
                e0 = _add_months(ref, 12 * n)
                se = (s0, ref - timedelta(days=1)) if back else (ref + timedelta(days=1), e0)
                return se + ("range", True, "day", True, True)
            if back:
                return date(ref.year - n, 1, 1), date(ref.year - 1, 12, 31), "range", True, "year", True, True
            return date(ref.year + 1, 1, 1), date(ref.year + n, 12, 31), "range", True, "year", True, True
        return None
    if kind == "half_month":
        if ref is None:
            return None
        mo = cn_int(g["m"]) if g.get("m") else ref.month
        y = ref.year
        if g["h"].startswith("上"):
            return date(y, mo, 1), date(y, mo, 15), "range", True, "day", False, bool(g.get("m"))
        return date(y, mo, 16), month_end(y, mo), "range", True, "day", False, bool(g.get("m"))
    if kind == "rel_month":
        if ref is None:
            return None
        base = date(_rel_year(g["ry"], ref), ref.month, 1) if g.get("ry") else ref.replace(day=1)
        rm = g["rm"].replace("個", "个").replace("這", "这")
        off = -2 if rm.startswith("上上") else 2 if rm.startswith("下下") else -1 if rm.startswith("上") else 1 if rm.startswith("下") else 0
        first = _add_months(base, off)
        if g.get("d"):
            try:
                d = date(first.year, first.month, cn_int(g["d"]))
            except ValueError:
                return None
            return d, d, "day", True, "day", True, True
        return _part(first, month_end(first.year, first.month), g.get("part")) + ("month", True, "month", True, True)
    y, rel = _ymd(g, ref)
    if y is None or not 1 <= y <= 2200:
        return None
    try:
        return _resolve_dated(kind, g, y, rel, ref)
    except (ValueError, KeyError):
        return None


def _century_start(cent: str) -> int:
    """18世纪 → 1700, 上世纪 → 1900, 本世纪 → 2000."""
    if cent.startswith("上"):
        return 1900
    if cent.startswith("本"):
        return 2000
    return (cn_int(cent[:-2]) - 1) * 100


def _part(s: date, e: date, part: str | None) -> tuple[date, date]:
    """月初 = the first five days, 月底 = the last seven, 上旬/中旬/下旬 = tens;
    a quarter's 初/末 is its first/last month."""
    if not part:
        return s, e
    part = part.lstrip("月")  # 12月月底
    if (e - s).days > 40:  # a quarter
        if part in ("初",):
            return s, month_end(s.year, s.month)
        if part in ("底", "末"):
            return e.replace(day=1), e
        return s, e
    if part == "初":
        return s, s + timedelta(days=4)
    if part == "上旬":
        return s, s + timedelta(days=9)
    if part == "中旬":
        return s + timedelta(days=10), s + timedelta(days=19)
    if part == "下旬":
        return s + timedelta(days=20), e
    if part in ("底", "末"):
        return e - timedelta(days=6), e
    return s, e


def _resolve_dated(kind: str, g: dict, y: int, rel: bool, ref: date | None):
    has_year = not rel or bool(g.get("ry"))
    if kind == "year":
        ry = g.get("ry")
        part = (g.get("part") or "").lstrip("年")
        if ry in ("年底", "年末") or part in ("底", "末"):
            return date(y, 11, 1) if part or ry else date(y, 12, 1), date(y, 12, 31), "year", rel, "year", True, False
        if part in ("伊始", "首月"):  # 二零二二年伊始, 2005年首月: its first month
            return date(y, 1, 1), date(y, 1, 31), "month", rel, "month", True, True
        if part == "暑假":  # the school summer holiday
            return date(y, 7, 1), date(y, 8, 31), "range", rel, "month", True, True
        if ry == "年初" or part == "初":
            return date(y, 1, 1), date(y, 2, 28) if not calendar.isleap(y) else date(y, 2, 29), "year", rel, "year", True, False
        return date(y, 1, 1), date(y, 12, 31), "year", rel, "year", True, False
    if kind == "year_range":
        y2 = _year_value(g["y2"], ref)
        if y2 < y:
            return None
        if g.get("m2"):  # 1985到89年9月: to the end of that month
            return date(y, 1, 1), month_end(y2, cn_int(g["m2"])), "range", rel, "month", True, True
        return date(y, 1, 1), date(y2, 12, 31), "range", rel, "year", True, False
    if kind == "quarter" or kind == "quarter_q":
        qraw = g["q"]
        q = 1 if qraw == "首" else int(qraw) if qraw.isdigit() else cn_int(qraw)
        if not 1 <= q <= 4:
            return None
        if g.get("qfirst"):
            return date(y, 1, 1), month_end(y, 3 * q), "range", rel, "month", has_year, False
        s, e = _part(date(y, 3 * q - 2, 1), month_end(y, 3 * q), g.get("part"))
        return s, e, "quarter", rel, "quarter", has_year, False
    if kind == "half":
        if g["h"] in ("上半年", "前半年"):
            return date(y, 1, 1), date(y, 6, 30), "half", rel, "month", has_year, False
        return date(y, 7, 1), date(y, 12, 31), "half", rel, "month", has_year, False
    if kind == "holiday":
        h = g["h"]
        if h in HOLIDAYS_SOLAR:
            mo, d = HOLIDAYS_SOLAR[h]
            day = date(y, mo, d)
        elif h in HOLIDAYS_LUNAR:
            day = _lunar_to_solar(y, *HOLIDAYS_LUNAR[h])
        elif h == "除夕":
            nxt = _lunar_to_solar(y + 1, 1, 1) if y < 2100 else None
            day = nxt - timedelta(days=1) if nxt else None
        elif h in ("清明节", "清明"):
            day = date(y, 4, 5 if y % 4 in (0, 1) and y < 2008 else 4)
        elif h == "母亲节":
            day = _nth_weekday(y, 5, 6, 2)
        elif h == "父亲节":
            day = _nth_weekday(y, 6, 6, 3)
        else:  # 感恩节
            day = _nth_weekday(y, 11, 3, 4)
        if day is None:
            return None
        return day, day, "day", rel, "day", has_year, True
    if kind == "week_of":
        n = cn_int(g["n"])
        if g.get("m"):
            mo = cn_int(g["m"])
            first = date(y, mo, 1)
        else:
            first = date(y, 1, 1)
        # week 1 starts on the first Monday of the year or month
        s = first + timedelta(days=(7 - first.weekday()) % 7) + timedelta(weeks=n - 1)
        return s, s + timedelta(days=6), "week", rel, "week", has_year, bool(g.get("m"))
    if kind == "nth_weekday":
        wd = _WEEKDAY_INDEX[g["wd"]]
        d = _nth_weekday(y, cn_int(g["m"]), wd, cn_int(g["n"]))
        return d, d, "day", rel, "day", has_year, True
    if kind in ("lunar", "lunar_cn_md", "lunar_new_year", "lunar_md", "lunar_month", "lunar_date"):
        return _resolve_lunar(kind, g, y, rel, has_year, ref)
    if kind == "nth_month":
        n = cn_int(g["n"])
        return date(y, n, 1), month_end(y, n), "month", rel, "month", has_year, True
    if kind == "first_last_n":
        n = cn_int(g["n"])
        unit = g["u"]
        if g.get("rm"):
            r = _resolve("rel_month", {"rm": g["rm"], "ry": None}, ref)
            if r is None:
                return None
            ps, pe = r[0], r[1]
        elif g.get("m"):
            mo = cn_int(g["m"])
            ps, pe = date(y, mo, 1), month_end(y, mo)
        else:
            ps, pe = date(y, 1, 1), date(y, 12, 31)
        first = g["which"] == "前"
        if unit in ("天", "日"):
            span = timedelta(days=n)
        elif unit in ("周", "星期"):
            span = timedelta(weeks=n)
            if first:
                ps = ps + timedelta(days=(7 - ps.weekday()) % 7)
        elif unit in ("月", "季度"):
            n = n * 3 if unit == "季度" else n
            return ((ps, month_end(*(_add_months(ps, n - 1).timetuple()[:2]))) if first else
                    (_add_months(pe.replace(day=1), -(n - 1)), pe)) + ("range", rel, "month", has_year, False)
        else:
            return None
        return ((ps, ps + span - timedelta(days=1)) if first else (pe - span + timedelta(days=1), pe)) + ("range", rel, "day", has_year, bool(g.get("m") or g.get("rm")))
    if kind in ("lunar", "lunar_cn_md", "lunar_new_year", "lunar_md", "lunar_month", "lunar_date"):
        return _resolve_lunar(kind, g, y, rel, has_year, ref)
    if kind == "solar_term":
        d = _solar_terms(y)[g.get("t") or g["bare"]]
        return d, d, "day", rel, "day", has_year, True
    if kind == "season":
        first, nxt = _SEASONS[g.get("s") or g["s2"]]
        s0 = _solar_terms(y)[first]
        e0 = _solar_terms(y + 1 if nxt == "立春" else y)[nxt] - timedelta(days=1)
        return s0, e0, "range", rel, "day", has_year, True
    if kind == "dotted_month_range":
        y2 = int(g["y2"])
        m2 = int(g["m2"]) if g.get("m2") else 12
        s0, e0 = date(y, int(g["m"]), 1), month_end(y2, m2)
        return (s0, e0, "range", False, "month", True, True) if e0 > s0 else None
    if kind == "day_of_month":
        if ref is None:
            return None
        d = date(ref.year, ref.month, int(g["d"]))
        return d, d, "day", True, "day", False, False
    if kind == "dmy_date":
        a, b = int(g["a"]), int(g["b"])
        day_first = a > 12 or (b <= 12 and g["s"] != "/")
        mo, d = (b, a) if day_first else (a, b)
        day = date(y, mo, d)
        return day, day, "day", False, "day", True, True
    if kind == "bare_year_range":
        y2 = int(g["y2"])
        return (date(y, 1, 1), date(y2, 12, 31), "range", False, "year", True, False) if y2 >= y else None
    if kind in ("iso_date", "compact_date"):
        d = date(y, int(g["m"]), int(g["d"]))
        return d, d, "day", False, "day", True, True
    if kind == "iso_month":
        mo = int(g["m"])
        return date(y, mo, 1), month_end(y, mo), "month", False, "month", True, True
    mo = cn_int(g["m"])
    if not 1 <= mo <= 12:
        return None
    if kind == "month":
        s, e = _part(date(y, mo, 1), month_end(y, mo), g.get("part"))
        return s, e, "month", rel, "month", has_year, True
    if kind == "month_range":
        y2 = _year_value(g["y2"], ref) if g.get("y2") else y
        mo2 = cn_int(g["m2"])
        if not 1 <= mo2 <= 12:
            return None
        if (y2, mo2) < (y, mo):
            y2 += 1  # 8月至2月: into the next year
        return date(y, mo, 1), month_end(y2, mo2), "range", rel, "month", has_year, True
    d = cn_int(g["d"])
    start = date(y, mo, d)
    if kind == "date":
        return start, start, "day", rel, "day", has_year, True
    if kind == "day_range":
        mo2 = cn_int(g["m2"]) if g.get("m2") else mo
        end = date(y, mo2, cn_int(g["d2"]))
        if end < start:
            end = date(y + 1, mo2, end.day)
        return start, end, "range", rel, "day", has_year, True
    return None


def _first_chars() -> frozenset[str]:
    """Every character a time expression can start with; a lookahead on them lets the
    regex engine skip the other positions of the text at once."""
    chars = set("0123456789" + _D + "十廿今去明前后後本上下这這当同次翌大正腊臘冬农阴近最过過未未今个個首半昨第从自闰寻尋听聽春夏秋冬")
    chars |= {name[0] for name in _solar_terms(2000)}
    for name in [*HOLIDAYS_SOLAR, *HOLIDAYS_LUNAR, "除夕", "清明", "母亲节", "父亲节", "感恩节"]:
        chars.add(name[0])
    chars |= set("周週星礼禮QG全年")
    return frozenset(chars)


_FIRST_CHARS = _first_chars()
_FIRST = "(?=[" + re.escape("".join(sorted(_FIRST_CHARS))) + "])"


def _skipping(p: re.Pattern[str]) -> re.Pattern[str]:
    """``p`` behind the lookahead on the characters a time can start with, unless it starts with some of those
    characters only and the engine skips to them by itself, faster than it tries a lookahead at every position
    (span: 0.007 s against 0.020 s over 400 bench documents' articles; year, with optional groups first, took
    0.18 s without the lookahead and 0.04 s with it)."""
    first = first_characters(p)
    return p if first is not None and first <= _FIRST_CHARS else re.compile(_FIRST + p.pattern)


_ATOMS = [(kind, _skipping(p)) for kind, p in _ATOMS]
_PRIORITY = {k: i for i, (k, _) in enumerate(_ATOMS)}
# Each atom is tried only where Hyperscan finds it may start, else scans only the sentences holding the characters
# its matches need. (No atom consumes a sentence end, and at a segment's end a lookahead sees the end of the text,
# as it does before 。: tests compare both ways with plain scans.)
_SCANNER = GatedPatterns([p for _, p in _ATOMS], separators="\n。！？；", engine="time-atoms")


# A clock time after a day (9月21号下午5点, 六天后的3时1刻, 2021年4月20日11:00时) belongs to the expression; the
# warehouse keeps days, so it widens the span and leaves the dates alone. A bare 3点 is not read: 3点要求 counts.
_CLOCK = re.compile(
    r"(?:的)?(?:凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|晚间|夜里|夜间|午夜)?\s*(?:[01]?\d|2[0-4]|[零一二两三四五六七八九十]{1,3})\s*"
    r"(?:[:：][0-5]\d(?:\s*[时時])?|[点點时時](?:\s*(?:[0-5]?\d|[零一二三四五六七八九十]{1,3})\s*分|半|[123一二三]刻|[0-5]\d(?!\d))?)")


def _with_clock(text: str, t: TimeExpr) -> TimeExpr:
    if t.grain != "day" or t.start is None or t.start != t.end:
        return t
    m = _CLOCK.match(text, t.char_end)
    if not m:
        return t
    return replace(t, raw_text=text[t.char_start:m.end()], char_end=m.end())


def _atoms(text: str, ref: date | None) -> list[TimeExpr]:
    cands = []
    for k, m in _SCANNER.finditer(text):
        if m.group(0).strip():
            cands.append((m, _ATOMS[k][0]))
    cands.sort(key=lambda c: (-(c[0].end() - c[0].start()), _PRIORITY[c[1]], c[0].start()))
    taken: list[TimeExpr] = []
    for m, kind in cands:
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        if any(s < t.char_end and t.char_start < e for t in taken):
            continue
        if _not_a_time(text, s, e, kind, m):
            continue
        try:
            r = _resolve(kind, m.groupdict(), ref)
        except (ValueError, KeyError, OverflowError):
            r = None  # 2月30日: not a calendar date
        if r is None:
            continue
        start, end, k, rel, grain, has_year, has_month = r
        taken.append(_mk(text, s, e, start, end, k, rel, grain, has_year, has_month))
    taken.sort(key=lambda t: t.char_start)
    for i, t in enumerate(taken):
        nxt = taken[i + 1].char_start if i + 1 < len(taken) else len(text)
        c = _with_clock(text, t)
        taken[i] = c if c.char_end <= nxt else t
    return taken


def _not_a_time(text: str, s: int, e: int, kind: str, m: re.Match[str]) -> bool:
    if kind == "quarter" and text[s:e].endswith("季") and not re.search(r"[年第前首]", text[s:e]):
        return True  # 一年四季, 四季如春: the seasons, not a fourth quarter
    before = text[s - 1] if s > 0 else ""
    after = text[e] if e < len(text) else ""
    raw = text[s:e]
    if before and (before.isdigit() or before == ".") and kind not in ("rel_month", "rel_day"):
        return True
    if after and after.isdigit() and kind in ("year", "month", "iso_month", "date") and not (kind == "year" and m.group("ry")) \
            and not (raw[-1:] in "日号號" and _CLOCK.match(text, e)):  # 20日11:00时: a clock follows the day
        return True  # 2024年5 is a broken date; 今年18周岁 is still this year
    if kind == "year":
        y = m.group("y")
        if y and len(y) == 2 and y[0] not in "0零〇○" and not (after in ("底", "初", "末") or text[e:e + 1] in "" or re.match(r"[\d一二三四五六七八九十]", after or "")):
            # 两位年份 only before a month or as 19年底: 10年 is a duration
            if not re.match(r"\s*(?:\d|[一二三四五六七八九十])", text[e:e + 2]) and m.group("part") is None:
                return True
        if y and y.isdigit() and len(y) == 4 and not 1000 <= int(y) <= 2200:
            return True
        if y and after and after in "代间前后" and raw.endswith("年") \
                and not (after == "间" and re.search(r"年\s*(?:与|和|跟|至|到)\s*$", text[max(0, s - 8):s])) \
                and not (after in "前后" and len(y) == 4):  # 2015年前: before 2015
            return True  # 90年代, 乾隆年间; but 2007年与2009年间 closes a range
        if y and re.match(r"[一二三四五六七八九十]+$", y) and len(y) == 2 and not re.match(rf"\s*{_MON}\s*月", text[e:e + 4]):
            return True
    if kind in ("offset", "offset_more"):
        n = m.group("n")
        if m.group("u") == "年" and n.isdigit() and (len(n) == 4 or n.startswith("0")):
            return True  # 2015年前 / 07年以后 are "before 2015" / "after 2007", not offsets
    if kind == "span" and m.group("dir") in ("前", "后", "後", "上", "下") and before and re.match(r"[\u4e00-\u9fff]", before) and before not in "的在于从":
        return True
    if kind == "holiday" and m.group("h") in ("十一", "七一", "五一", "国庆") and (re.match(r"[\d一二三四五六七八九十个届次月日号]", after or "") or before and before in "第十"):
        return True
    if kind == "holiday" and m.group("h") in ("十一", "七一", "五一") and before and re.match(r"[\u4e00-\u9fff]", before):
        return True
    if kind == "lunar_date" and not m.group("m"):
        return True
    return False


# --- compositions --------------------------------------------------------------

_RANGE_JOIN = re.compile(r"^\s*(?:起)?(?:至|到|—+|–|-|~|～|－)\s*$")
_BETWEEN = re.compile(r"^\s*(?:和|与|與|跟)\s*$")
_OPEN_BEFORE = re.compile(r"^(?:或之前|及以前|及之前|或以前|以前|之前|前(?!后|後))")  # 冬至前后 is about the day
_OPEN_AFTER = re.compile(r"^(?:或之后|及以后|及之后|或以后|以后|之后|以來|以来|起|开始|後|后)")


_YEARLY = ("holiday", "lunar", "lunar_cn_md", "lunar_new_year", "lunar_md", "lunar_month", "lunar_date", "solar_term",
           "season")


def _inherit(x: TimeExpr, y: TimeExpr) -> TimeExpr:
    """Y of 从X到Y written without a year (or month) takes X's."""
    if y.has_year or y.start is None or x.start is None:
        return y
    for kind, pattern in _ATOMS:
        # 去年春节到元宵节: a festival's date moves from year to year, so resolve it again in X's year
        if kind in _YEARLY and (m := pattern.fullmatch(y.raw_text)):
            for year in (x.start.year, x.start.year + 1):  # 国庆到元旦: into the next year
                r = _resolve(kind, m.groupdict(), date(year, 1, 1))
                if r is not None and r[0] is not None and r[1] >= x.start:
                    return replace(y, start=r[0], end=r[1])
            break
    try:
        s = y.start.replace(year=x.start.year)
        e = y.end.replace(year=x.start.year + (y.end.year - y.start.year)) if y.end else None
    except ValueError:
        return y
    if e is not None and e < x.start:
        s, e = s.replace(year=s.year + 1), e.replace(year=e.year + 1)
    return replace(y, start=s, end=e)


_WEEKDAY_NAME = re.compile(rf"{_WEEK}([一二三四五六日天])")


def _weekday_with_date(text: str, a: TimeExpr, b: TimeExpr) -> TimeExpr | None:
    """周日, 二月十号 / 2009年10月12号，星期一: a date and the weekday it falls on are one day."""
    if not re.fullmatch(r"\s*[，,]?\s*", text[a.char_end:b.char_start]):
        return None
    wa, wb = _WEEKDAY_NAME.fullmatch(a.raw_text), _WEEKDAY_NAME.fullmatch(b.raw_text)
    if bool(wa) == bool(wb):
        return None
    day, name = (b, wa) if wa else (a, wb)
    if day.start is None or day.start != day.end or day.start.weekday() != _WEEKDAY_INDEX[name.group(1)]:
        return None
    return replace(day, raw_text=text[a.char_start:b.char_end], char_start=a.char_start, char_end=b.char_end)


_DAY_LIST = re.compile(r"(?:\s*[，,、]\s*(?:3[01]|[12]\d|0?[1-9])\s*[日号號])+")


def _day_list(text: str, a: TimeExpr) -> TimeExpr:
    """9月10号，11号，12号，13号: consecutive days listed after a date are the period they cover."""
    if a.grain != "day" or a.start is None or a.start != a.end or not a.has_month:
        return a
    m = _DAY_LIST.match(text, a.char_end)
    if not m:
        return a
    days = [int(d) for d in re.findall(r"\d+", m.group(0))]
    if days != list(range(a.start.day + 1, a.start.day + 1 + len(days))):
        return a  # not a run of consecutive days: leave the list alone
    end = a.start + timedelta(days=len(days))
    return TimeExpr(text[a.char_start:m.end()], a.char_start, m.end(), a.start, end, _label(a.start, end), "range",
                    a.relative, "day", a.has_year, True)


def _compose(text: str, atoms: list[TimeExpr]) -> list[TimeExpr]:
    out: list[TimeExpr] = []
    i = 0
    listed: list[TimeExpr] = []
    for a in atoms:
        if listed and a.char_start < listed[-1].char_end:
            continue  # a day inside the list before it (5月1日，2日)
        listed.append(_day_list(text, a))
    atoms = listed
    while i < len(atoms):
        a = atoms[i]
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        lead = ""
        s = a.char_start
        for w in ("从", "自从", "自", "在", "时间从"):
            if text[max(0, s - len(w)):s] == w and w in ("从", "自从", "自"):
                lead = w
        if nxt is not None and (merged := _weekday_with_date(text, a, nxt)):
            out.append(merged)
            i += 2
            continue
        if nxt is not None:
            gap = text[a.char_end:nxt.char_start]
            if _RANGE_JOIN.match(gap) or _BETWEEN.match(gap) and re.match(r"^\s*(?:之)?间", text[nxt.char_end:nxt.char_end + 3]):
                b = _inherit(a, nxt)
                if a.start and b.end and b.end >= a.start:
                    start = s - len(lead)
                    if _BETWEEN.match(gap) and not lead and text[max(0, s - 1):s] == "在":
                        start = s - 1  # 在…之间 is one frame
                    end = nxt.char_end
                    tail = re.match(r"^\s*(?:之间|之間|间|間|止)", text[end:end + 3])
                    if tail and (_BETWEEN.match(gap) or tail.group(0).strip() == "止"):
                        end += tail.end()
                    out.append(TimeExpr(text[start:end], start, end, a.start, b.end, _label(a.start, b.end), "range",
                                        a.relative or b.relative, a.grain))
                    i += 2
                    continue
        after = text[a.char_end:a.char_end + 4]
        mb = _OPEN_BEFORE.match(after)
        ma = _OPEN_AFTER.match(after)
        if a.kind not in ("asof",) and a.start is not None and (mb or ma) and a.kind not in ("week",) and not (a.grain == "year" and a.relative):
            if mb:
                inclusive = mb.group(0) in ("或之前", "及以前", "及之前", "或以前")
                end = a.end if inclusive else a.start - timedelta(days=1)
                e = a.char_end + mb.end()
                out.append(TimeExpr(text[a.char_start:e], a.char_start, e, None, end, _label(None, end), "open", a.relative, a.grain))
            else:
                inclusive = ma.group(0) in ("或之后", "及以后", "及之后", "或以后", "以来", "以來", "起", "开始")
                start = a.start if inclusive else a.end + timedelta(days=1)
                # 自2016年9月1日起 / 3年以来 keep their opening word; 从 before 开始/起 is left out as Recognizers does
                st = s - len(lead) if ma.group(0) in ("以来", "以來") or lead in ("自", "自从") else s
                e = a.char_end + ma.end()
                out.append(TimeExpr(text[st:e], st, e, start, None, _label(start, None), "open", a.relative, a.grain))
            i += 1
            continue
        if lead in ("从", "自从", "自") and re.match(r"^(?:开始|起)", after):
            pass
        if a.kind == "range" and lead:
            a = replace(a, raw_text=text[s - len(lead):a.char_end], char_start=s - len(lead))
        elif lead == "自从" and a.start is not None:  # 自从2018年: since then, open-ended
            a = TimeExpr(text[s - 2:a.char_end], s - 2, a.char_end, a.start, None, _label(a.start, None), "open",
                         a.relative, a.grain)
        approx = re.match(r"^(?:左右|前后)", text[a.char_end:a.char_end + 2])
        if approx and a.kind in ("day", "month", "year"):
            a = replace(a, raw_text=text[a.char_start:a.char_end + 2], char_end=a.char_end + 2)
        out.append(a)
        i += 1
    return out


def find_times(text: str, ref: date | None = None) -> list[TimeExpr]:
    """Every date or period expression, left to right, non-overlapping.

    Stray spaces (近 三 年, 2021 年) are ignored; spans index ``text``."""
    ctext, cmap = compact(text)
    if len(ctext) == len(text):
        return _find_times(text, ref)
    out = []
    for t in _find_times(ctext, ref):
        s, e = map_span(cmap, t.char_start, t.char_end)
        out.append(replace(t, raw_text=text[s:e], char_start=s, char_end=e))
    return out


def find_times_in_compact(ctext: str, ref: date | None = None) -> list[TimeExpr]:
    """``find_times`` of a text ``numbers.compact`` returned (compacting it again changes nothing, and
    costs a pass over its spaces)."""
    return _find_times(ctext, ref)


def find_times_on_lines(text: str, ref: date | None, positions: list[int]) -> list[TimeExpr]:
    """``find_times`` of just the lines that hold ``positions``, spans indexing ``text``: what dates a few
    sentences (a relation's) without reading the whole article. A line is read with its newline, so the
    expressions at its ends look the same as in the whole text."""
    out: list[TimeExpr] = []
    done: set[int] = set()
    for pos in sorted(positions):
        lo = text.rfind("\n", 0, pos) + 1
        if lo in done:
            continue
        done.add(lo)
        hi = text.find("\n", pos)
        hi = len(text) if hi < 0 else hi + 1
        out.extend(replace(t, char_start=t.char_start + lo, char_end=t.char_end + lo)
                   for t in find_times(text[lo:hi], ref))
    return out


def _find_times(text: str, ref: date | None) -> list[TimeExpr]:
    atoms = _atoms(text, ref)
    names = not_times()
    if names is not None and atoms:
        blocked = [m.span() for m in names.finditer(text)]
        atoms = [a for a in atoms if not any(a.char_start < e and s < a.char_end for s, e in blocked)]
    times = _compose(text, atoms)
    occupied = [(t.char_start, t.char_end) for t in times]
    if ref is not None:
        for m in _NOW.finditer(text):
            s, e = m.start(), m.end()
            if any(s < oe and os_ < e for os_, oe in occupied):
                continue
            times.append(TimeExpr(text[s:e], s, e, None, ref, f"{ref:%Y-%m-%d}", "asof", True))
    for t in list(times):
        k = text.rfind("截", max(0, t.char_start - 4), t.char_start)
        if k >= 0 and re.match(r"截[至止](?:到)?\s*$", text[k:t.char_start]) and t.kind != "asof":
            times[times.index(t)] = replace(t, raw_text=text[k:t.char_end], char_start=k, start=None, kind="asof",
                                            label=_label(t.end, t.end) if t.end else t.label)
    times.sort(key=lambda t: t.char_start)
    return times


def as_of(text_before: str) -> bool:
    """Whether a clause states an as-of reading (截至 …)."""
    return bool(re.search(r"截[至止]", text_before))
