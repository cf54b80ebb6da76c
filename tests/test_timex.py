from datetime import date

import pytest

from pipeline.core.text import normalise_text
from pipeline.core.timex import find_times, find_times_on_lines

from conftest import DOCUMENTS

REF = date(2025, 5, 8)


@pytest.mark.parametrize("text,label,start,end", [
    ("今年1至10月", "2025-01/2025-10", date(2025, 1, 1), date(2025, 10, 31)),
    ("2024年5月", "2024-05", date(2024, 5, 1), date(2024, 5, 31)),
    ("今年一季度", "2025-Q1", date(2025, 1, 1), date(2025, 3, 31)),
    ("上半年", "2025-H1", date(2025, 1, 1), date(2025, 6, 30)),
    ("去年6月", "2024-06", date(2024, 6, 1), date(2024, 6, 30)),
    ("2024年7月15日", "2024-07-15", date(2024, 7, 15), date(2024, 7, 15)),
    ("6月17日至18日", "2025-06-17/2025-06-18", date(2025, 6, 17), date(2025, 6, 18)),
    ("前三季度", "2025-01/2025-09", date(2025, 1, 1), date(2025, 9, 30)),
    ("2021年度", "2021", date(2021, 1, 1), date(2021, 12, 31)),
    ("发布时间:2025-05-08 08:40:00", "2025-05-08", date(2025, 5, 8), date(2025, 5, 8)),
    ("二〇二四年", "2024", date(2024, 1, 1), date(2024, 12, 31)),
    ("明年", "2026", date(2026, 1, 1), date(2026, 12, 31)),
])
def test_resolution(text, label, start, end):
    t = find_times(text, REF)[0]
    assert (t.label, t.start, t.end) == (label, start, end)
    assert text[t.char_start:t.char_end] == t.raw_text


def test_asof_uses_reference_date():
    t = find_times("截至目前，已累计对接企业", REF)[0]
    assert t.kind == "asof" and t.end == REF and t.start is None


def test_relative_offset_resolves():
    t = find_times("三十年前，昆明经开区应运而生", REF)[0]
    assert (t.raw_text, t.label) == ("三十年前", "1995")


@pytest.mark.parametrize("text", ["第24个全国安全生产月", "10件惠民实事", "连续3年"])
def test_not_calendar_times(text):
    assert [t for t in find_times(text, REF) if t.kind != "asof"] == []


@pytest.mark.parametrize("text,raw,start,end", [
    ("去年年底", "去年年底", date(2024, 11, 1), date(2024, 12, 31)),
    ("明年年初", "明年年初", date(2026, 1, 1), date(2026, 2, 28)),
    ("12月月底举行", "12月月底", date(2025, 12, 25), date(2025, 12, 31)),
    ("今明两年经济增速", "今明两年", date(2025, 1, 1), date(2026, 12, 31)),
    ("08年金融危机", "08年", date(2008, 1, 1), date(2008, 12, 31)),
    ("18世纪", "18世纪", date(1700, 1, 1), date(1799, 12, 31)),
    ("“6·18”购物节", "6·18", date(2025, 6, 18), date(2025, 6, 18)),
    ("国庆", "国庆", date(2025, 10, 1), date(2025, 10, 1)),
    ("近 三 年", "近 三 年", None, None),
])
def test_compositions_and_spaced_text(text, raw, start, end):
    t = find_times(text, REF)[0]
    assert t.raw_text == raw == text[t.char_start:t.char_end]
    if start is not None:
        assert (t.start, t.end) == (start, end)


def test_a_duration_is_not_a_two_digit_year():
    assert [t.raw_text for t in find_times("项目建设期10年，运营期20年。", REF)] == []


def test_a_name_with_a_leap_character_is_not_a_time():
    assert find_times("闰土来了", date(2021, 6, 14)) == []


def test_days_within_stay_a_duration():
    from pipeline.core.quantities import parse_quantities

    assert find_times("审批在90天内完成", date(2019, 9, 1)) == []
    assert parse_quantities("近三年来，引进项目12个", date(2019, 9, 1))[0].period_start == date(2016, 9, 1)


def test_a_weekday_that_does_not_fit_the_date_stays_apart():
    assert len(find_times("周一，2月10号", date(2013, 2, 12))) == 2  # 2013-02-10 was a Sunday


@pytest.mark.parametrize("text", ["雨水充沛", "大雪纷飞", "一年四季"])
def test_weather_words_and_idioms_are_not_times(text):
    assert find_times(text, date(2021, 6, 14)) == []


@pytest.mark.parametrize("text", ["为期30日", "第30日"])
def test_day_counts_are_not_datelines(text):
    assert find_times(text, date(2021, 6, 14)) == []


# Periods checked against the published calendar, not against the code
PERIOD_FORMS = [
    # lunar dates
    ("去年八月十五", date(2021, 6, 14), "去年八月十五", date(2020, 10, 1), date(2020, 10, 1)),  # 中秋 2020
    ("二零一二年农历正月十五", None, "二零一二年农历正月十五", date(2012, 2, 6), date(2012, 2, 6)),  # 元宵 2012
    ("2023年大年三十", None, "2023年大年三十", date(2024, 2, 9), date(2024, 2, 9)),  # eve of 2024-02-10
    ("闰四月", date(2020, 6, 14), "闰四月", date(2020, 5, 23), date(2020, 6, 20)),  # the 2020 leap month
    ("农历元宵", date(2021, 6, 14), "农历元宵", date(2021, 2, 26), date(2021, 2, 26)),
    ("腊月18", date(2021, 12, 1), "腊月18", date(2022, 1, 20), date(2022, 1, 20)),
    # with 日 a numeral date is Gregorian
    ("三月十五日", date(2021, 6, 14), "三月十五日", date(2021, 3, 15), date(2021, 3, 15)),
    # since: from the month (or, with 多 years, the year) the count reaches back to, until the reference day
    ("三年来，全市累计引资", date(2019, 8, 22), "三年来", date(2016, 8, 1), date(2019, 8, 22)),
    ("3个多月以来", date(2019, 8, 22), "3个多月以来", date(2019, 5, 1), date(2019, 8, 22)),
    ("3年多以来", date(2019, 8, 22), "3年多以来", date(2016, 1, 1), date(2019, 8, 22)),
    # within: from the reference day to the end of the month the count reaches
    ("三年内建成", date(2019, 9, 1), "三年内", date(2019, 9, 1), date(2022, 8, 31)),
    # halves and quarters: 2737 days after 2021-06-14 is 2028-12-12
    ("七年半后", date(2021, 6, 14), "七年半后", date(2028, 12, 1), date(2028, 12, 31)),
    ("三个季度后", date(2019, 2, 18), "三个季度后", date(2019, 11, 1), date(2019, 11, 30)),
    ("周日, 二月十号", date(2013, 2, 12), "周日, 二月十号", date(2013, 2, 10), date(2013, 2, 10)),  # 2013-02-10 was a Sunday
    ("2009年10月12号，星期一", date(2013, 2, 12), "2009年10月12号，星期一", date(2009, 10, 12), date(2009, 10, 12)),
    ("10/31/1974", None, "10/31/1974", date(1974, 10, 31), date(1974, 10, 31)),  # month first with /
    ("13.5.2015", None, "13.5.2015", date(2015, 5, 13), date(2015, 5, 13)),
    ("时间从2016到2018", None, "从2016到2018", date(2016, 1, 1), date(2018, 12, 31)),
    ("二零零四年八月十五", None, "二零零四年八月十五", date(2004, 8, 15), date(2004, 8, 15)),  # a written year: Gregorian
    ("我今年18周岁了", date(2018, 3, 1), "今年", date(2018, 1, 1), date(2018, 12, 31)),
    ("尋日", date(2013, 2, 12), "尋日", date(2013, 2, 11), date(2013, 2, 11)),
    # solar terms of record: 冬至 2024 fell on 12-21, 大寒 of the 2017 cycle on 2018-01-20, 芒种 2021 on 06-05
    ("2024年冬至", None, "2024年冬至", date(2024, 12, 21), date(2024, 12, 21)),
    ("2017年大寒", None, "2017年大寒", date(2018, 1, 20), date(2018, 1, 20)),
    ("芒种。", date(2021, 6, 14), "芒种", date(2021, 6, 5), date(2021, 6, 5)),
    ("冬至前后", date(2021, 6, 14), "冬至前后", date(2021, 12, 21), date(2021, 12, 21)),
    # seasons run from the term that opens them (立春 2021: 02-03, 立夏: 05-05)
    ("2021年春", None, "2021年春", date(2021, 2, 3), date(2021, 5, 4)),
    ("下周周六", date(2021, 6, 14), "下周周六", date(2021, 6, 26), date(2021, 6, 26)),  # 2021-06-14 was a Monday
    ("2021年前两个季度", None, "2021年前两个季度", date(2021, 1, 1), date(2021, 6, 30)),
    ("二零二二年伊始", None, "二零二二年伊始", date(2022, 1, 1), date(2022, 1, 31)),
    ("去年暑假", date(2021, 6, 14), "去年暑假", date(2020, 7, 1), date(2020, 8, 31)),
    ("1999.08-2002.02", None, "1999.08-2002.02", date(1999, 8, 1), date(2002, 2, 28)),
    ("8日上午，市长调研", date(2021, 6, 14), "8日", date(2021, 6, 8), date(2021, 6, 8)),
    # ranges: a two-digit year on the right, a month after a year range, 与…间
    ("18年10月1日到19年2月3日", None, "18年10月1日到19年2月3日", date(2018, 10, 1), date(2019, 2, 3)),
    ("1985到89年9月", None, "1985到89年9月", date(1985, 1, 1), date(1989, 9, 30)),
    ("2007年与2009年间", None, "2007年与2009年间", date(2007, 1, 1), date(2009, 12, 31)),
    ("自2016年9月1日起实施", None, "自2016年9月1日起", date(2016, 9, 1), None),
    ("自从2018年，产值翻番", None, "自从2018年", date(2018, 1, 1), None),  # since: open-ended
    ("2015年前，这里的情况要糟糕的多", None, "2015年前", None, date(2014, 12, 31)),
    # a clock time after a day widens the span, the period stays the day
    ("9月21号下午5点~9月22号上午5点", date(2021, 6, 1), "9月21号下午5点~9月22号上午5点", date(2021, 9, 21), date(2021, 9, 22)),
    ("2021年4月20日11:00时至2021年4月25日17:00时", None, "2021年4月20日11:00时至2021年4月25日17:00时",
     date(2021, 4, 20), date(2021, 4, 25)),
    ("六天后的3时1刻", date(2021, 6, 1), "六天后的3时1刻", date(2021, 6, 7), date(2021, 6, 7)),
    # consecutive days listed after a date are the period they cover
    ("9月10号，11号，12号，13号", date(2021, 6, 1), "9月10号，11号，12号，13号", date(2021, 9, 10), date(2021, 9, 13)),
    ("三六七年一月一日", None, "三六七年一月一日", date(367, 1, 1), date(367, 1, 1)),
    ("20世纪60年代前期", None, "20世纪60年代前期", date(1960, 1, 1), date(1962, 12, 31)),  # as 末期 is the last three
    # a festival in a range is the one of the first part's year (元宵 2019: 02-19), or the next one
    ("去年春节到元宵节", date(2020, 1, 10), "去年春节到元宵节", date(2019, 2, 5), date(2019, 2, 19)),
    ("从国庆到元旦", date(2024, 1, 10), "从国庆到元旦", date(2024, 10, 1), date(2025, 1, 1)),
    ("2月份第二周", date(2021, 6, 1), "2月份第二周", date(2021, 2, 8), date(2021, 2, 14)),
    ("上个半年", date(2019, 9, 1), "上个半年", date(2019, 1, 1), date(2019, 6, 30)),
    ("下一个半年", date(2019, 3, 1), "下一个半年", date(2019, 7, 1), date(2019, 12, 31)),
    ("下半周", date(2019, 9, 2), "下半周", date(2019, 9, 5), date(2019, 9, 8)),  # Thursday to Sunday
    ("下下下周一", date(2020, 1, 10), "下下下周一", date(2020, 1, 27), date(2020, 1, 27)),
]


@pytest.mark.parametrize("text,ref,raw,start,end", PERIOD_FORMS)
def test_period_forms(text, ref, raw, start, end):
    t = find_times(text, ref)[0]
    assert (t.raw_text, t.start, t.end) == (raw, start, end)


def test_names_with_time_words_are_not_times():
    # seeds/reference/not_times.csv: 今日头条 is a company, 明日之后 a game
    assert [t.raw_text for t in find_times("今日我们将去参观今日头条总部", date(2019, 8, 28))] == ["今日"]
    assert [t.raw_text for t in find_times("《明日之后》将于明日正式上线", date(2019, 8, 28))] == ["明日"]


def test_a_list_that_skips_a_day_stays_one_day():
    assert [(t.raw_text, t.end) for t in find_times("9月10号、12号", date(2021, 6, 1))] == [("9月10号", date(2021, 9, 10))]


def test_a_bare_clock_count_is_not_a_time():
    assert [t.raw_text for t in find_times("今天提出3点要求", date(2021, 6, 1))] == ["今天"]


@pytest.mark.parametrize("path", sorted(DOCUMENTS.glob("*.txt")), ids=lambda p: p.name[:12])
def test_times_on_lines_are_the_whole_texts_times_on_those_lines(path):
    """What relations date their sentences with: the times of a few lines, read alone, are the times the
    whole document has on those lines (every other line of the bundled documents, each by a position inside it)."""
    text = normalise_text(path.read_text(encoding="utf-8"))
    starts = [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]
    chosen = starts[::2]
    inside = [s + 1 if s + 1 < len(text) and text[s] != "\n" else s for s in chosen]  # any offset of the line
    lines = {(s, (text.find("\n", s) + 1) or len(text)) for s in chosen}
    whole = [t for t in find_times(text, REF) if any(lo <= t.char_start < hi for lo, hi in lines)]
    alone = find_times_on_lines(text, REF, inside)
    assert whole, "the chosen lines hold times"
    assert sorted(alone, key=lambda t: t.char_start) == whole
    assert find_times_on_lines(text, REF, []) == []


@pytest.mark.parametrize("path", sorted(DOCUMENTS.glob("*.txt")), ids=lambda p: p.name[:12])
def test_times_of_a_compacted_text_are_what_find_times_gives_it(path):
    """The quantities' parser compacts an article once and asks for its times without compacting it again:
    the same expressions, spans indexing the compacted text. (Spaced text too: 2021 年 1 至 10 月.)"""
    from pipeline.core.numbers import compact
    from pipeline.core.timex import find_times_in_compact

    text = normalise_text(path.read_text(encoding="utf-8")) + "\n2021 年 1 至 10 月，全市 GDP 增长 5%"
    ctext, _ = compact(text)
    assert compact(ctext)[0] == ctext  # compacting is idempotent: nothing left to drop
    times = find_times_in_compact(ctext, REF)
    assert times == find_times(ctext, REF)
    assert "2021年1至10月" in [t.raw_text for t in times]
    assert len(times) > 5


@pytest.mark.parametrize("text,raw", [
    ("截至目前，已累计对接企业", "截至目前"), ("截止到 当前，已建成", "截止到 当前"), ("截至今年底", "截至今年底"),
    ("项目至今已投资", "至今"), ("现阶段的重点", "现阶段"),
])
def test_as_of_expressions_with_and_without_their_cue(text, raw):
    asof = [t.raw_text for t in find_times(text, REF) if t.kind == "asof"]
    assert asof == ([raw] if raw else [])


def test_without_a_reference_date_a_relative_time_names_nothing_and_raises_nothing():
    """An article with no date is read with no reference date: 上两周 then names no weeks. It raised instead, and
    the article lost every quantity it held (its extraction stops at the first error)."""
    import json

    from conftest import SHARED
    from pipeline.core.quantities import parse_quantities

    texts = [json.loads(line)["input"] for name in ("time", "numbers", "money", "dimensions", "percent")
             for line in open(SHARED / "conformance" / f"{name}.jsonl", encoding="utf-8")]
    assert len(texts) > 1700
    for text in texts:
        find_times(text, None)
    assert find_times("上两周，下三个周", None) == []
    assert [t.label for t in find_times("上两周", date(2024, 5, 8))] == ["2024-04-22/2024-05-05"]
    assert [q.raw_text for q in parse_quantities("上两周，园区新增投资3亿元。", None)] == ["3亿元"]
