from datetime import date
from decimal import Decimal

import pytest

from pipeline.core.quantities import parse_quantities

REF = date(2025, 5, 8)


def one(text, ref=REF, **expect):
    qs = parse_quantities(text, ref)
    assert len(qs) == 1, [q.raw_text for q in qs]
    q = qs[0]
    for k, v in expect.items():
        assert getattr(q, k) == v, (k, getattr(q, k), v)
    assert text[q.char_start:q.char_end] == q.raw_text
    return q


def test_funds_in_place_with_relative_period():
    one("今年1至10月，安宁产业园区完成全口径到位资金52.17亿元。", date(2024, 12, 11),
        value=Decimal(5217000000), unit_code="CNY", metric_code="funds_in_place", status="actual",
        period_label="2024-01/2024-10")


@pytest.mark.parametrize("text,value,unit", [
    ("竞拍47.03亩土地", Decimal("47.03") * 2000 / 3, "m2"),
    ("建设5.18万平方米标准厂房", Decimal(51800), "m2"),
    ("实际利用外资1.4亿美元", Decimal(140000000), "USD"),
    ("产能为3万吨/年无水氟化氢", Decimal(30000), "t/yr"),
    ("鸿新新能源年产20GW硅棒", Decimal(20) * 10 ** 9, "W"),
    ("完成新建改建农村公路600.255公里", Decimal("600.255"), "km"),
    ("全市“雨露计划”补助已发放13080人次", Decimal(13080), "person_time"),
    ("完成率167.5%", Decimal("167.5"), "percent"),
    ("增速回落1.2个百分点", Decimal("1.2"), "pp"),
    ("年发电量超过2亿千瓦时", Decimal(2 * 10 ** 11), "Wh"),
    ("占全省园区的三分之一", None, None),
])
def test_units(text, value, unit):
    qs = parse_quantities(text, REF)
    if value is None:
        return
    assert [(q.value, q.unit_code) for q in qs][-1] == (value.quantize(Decimal("1e-20")).normalize() if value % 1 else value, unit) or \
        abs(qs[-1].value - value) < Decimal("1e-9") and qs[-1].unit_code == unit


@pytest.mark.parametrize("text,qualifier", [
    ("总投资约1.27亿元", "approx"),
    ("已累计对接企业100余家", "approx"),
    ("相距六百多公里", "approx"),
    ("年上缴税收4000万元以上", "at_least"),
    ("实际到位资金不低于194亿元", "at_least"),
    ("中小企业数量超过6000万户", "at_least"),
    ("每户补助不超过5万元", "at_most"),
    ("增长7%左右", "approx"),
])
def test_qualifiers(text, qualifier):
    assert parse_quantities(text, REF)[-1].qualifier == qualifier


def test_range_shares_the_multiplier():
    q = one("单个项目补助3至5万元", value=Decimal(30000), value_high=Decimal(50000), qualifier="range", unit_code="CNY")
    assert q.raw_text == "3至5万元"


def test_adjacent_digit_range():
    one("吸引三四十家企业入驻", value=Decimal(30), value_high=Decimal(40), qualifier="range", unit_code="count")


def test_qualifier_distributed_over_list():
    qs = parse_quantities("力争国家、省级开发区亩均产值分别达到400万元、300万元以上。", REF)
    assert [(q.value, q.unit_code, q.qualifier, q.status, q.metric_code) for q in qs] == [
        (Decimal(4000000), "CNY/mu", "at_least", "target", "output_value"),
        (Decimal(3000000), "CNY/mu", "at_least", "target", "output_value"),
    ]


@pytest.mark.parametrize("text", [
    "2024年5月31日建成投产",            # a date
    "第九次国家级新区工作经验交流会",      # an ordinal
    "围绕省委“3815”战略发展目标",        # a number in a name
    "“1+2+N”跨区域产业协作机制",
    "“12348”热线",
    "引进亿元以上省外产业项目",          # a threshold in a category name
    "鲁ICP备19046937号-5",
    "一个个项目加快推进",
    "十四五规划",
])
def test_not_quantities(text):
    assert parse_quantities(text, REF) == []


def test_category_threshold_skipped_but_count_kept():
    qs = parse_quantities("引进10亿元以上项目20个以上", REF)
    assert [(q.value, q.unit_code, q.qualifier) for q in qs] == [(Decimal(20), "count", "at_least")]


@pytest.mark.parametrize("text,metric", [
    ("园区主营业务收入完成2550亿元", "revenue"),
    ("规模以上固定资产投资完成124.4亿元", "fixed_asset_investment"),
    ("地方一般公共预算收入完成44.3亿元", "fiscal_revenue"),
    ("完成外贸进出口总额528亿元", "trade_value"),
    ("实际利用外资1.4亿美元", "foreign_investment"),
    ("规模以上工业增加值增长6%", "growth_rate"),
    ("占地面积488亩", "land_area"),
    ("带动就业人员1000人", "jobs"),
    ("以占全市0.7%的国土面积", "share"),
    ("第一批企业生产扶持资金16252.5万元", "subsidy"),
    ("创造了从20万元开办经费到2000亿元主营业务收入", "revenue"),
])
def test_metric_bound_to_trigger(text, metric):
    assert parse_quantities(text, REF)[-1].metric_code == metric


@pytest.mark.parametrize("text,status", [
    ("计划总投资12.92亿元", "planned"),
    ("确保工业投资增长15%", "target"),
    ("预计年工业产值将达到2.5亿元", "forecast"),
    ("已累计对接企业100余家", "actual"),
])
def test_status(text, status):
    assert parse_quantities(text, REF)[-1].status == status


def test_yoy_comparison():
    one("同比增长116.96%", comparison="yoy", metric_code="growth_rate", value=Decimal("116.96"))


def test_counted_noun():
    assert parse_quantities("已有55个项目完成备案审核程序", REF)[0].counted == "项目"
    assert parse_quantities("发掘意向企业23家并持续做好服务工作", REF)[0].counted.endswith("企业")


def test_period_quarter_and_asof():
    assert one("今年一季度有7个项目完成备案").period_label == "2025-Q1"
    assert one("截至目前，已累计对接企业100余家").period_label == "2025-05-08"
    assert one("截至2023年12月31日，全市共6万人享受").period_label == "2023-12-31"


def test_never_raises_on_arbitrary_text():
    from hypothesis import given, settings, strategies as st

    @settings(max_examples=200, deadline=None)
    @given(st.text(alphabet=st.sampled_from(list("0123456789.,万亿千百十一二三四五六七八九零两约超余多至-元亩吨%个人年月日第“”《》，。 \n")), max_size=40))
    def run(text):
        for q in parse_quantities(text, REF):
            assert text[q.char_start:q.char_end] == q.raw_text

    run()


def test_run_on_sentence_gives_each_quantity_a_bounded_sentence():
    text = "本报讯 完成投资5亿元，" * 3000
    found = parse_quantities(text)
    assert len(found) == 3000
    assert all(q.raw_text == "5亿元" and q.value == Decimal("500000000") for q in found)
    assert max(len(q.sentence) for q in found) <= 400
    assert all(q.sentence_start <= q.char_start and q.char_end <= q.sentence_start + len(q.sentence) + 1 for q in found)


@pytest.mark.parametrize("text,low,high,unit", [
    ("一千到两千万元人民币", "10000000", "20000000", "CNY"),   # 万 written once, left end has 千 only
    ("七千到九千亿元", "700000000000", "900000000000", "CNY"),
    ("1000-2000万元", "10000000", "20000000", "CNY"),
    ("从8500到3万港元", "8500", "30000", "HKD"),              # 8500 > 3: the 万 is the right end's own
    ("两到三千元", "2000", "3000", "CNY"),
])
def test_range_shares_the_multiplier_written_once(text, low, high, unit):
    (q,) = parse_quantities(text)
    assert (q.value, q.value_high, q.unit_code) == (Decimal(low), Decimal(high), unit)


def test_year_and_target_scope_over_clauses_of_a_report():
    text = ("2024年，全县地区生产总值达到312.5亿元，增长6.8%；城镇居民人均可支配收入达到4.3万元，增长4.9%。"
            "全年实施重点项目146个。\n"
            "2025年主要预期目标是：地区生产总值增长6.5%左右；城镇新增就业1.2万人，城镇调查失业率控制在5.5%以内。\n")
    found = {q.raw_text: q for q in parse_quantities(text, date(2025, 3, 1))}
    for raw in ("312.5亿元", "4.3万元", "4.9%", "146个"):
        assert (found[raw].period_label, found[raw].status) == ("2024", "actual"), raw
    for raw in ("6.5%左右", "1.2万人", "5.5%以内"):
        assert (found[raw].period_label, found[raw].status) == ("2025", "target"), raw


def test_digits_in_links_are_not_quantities():
    text = "详见 https://www.test.com/search?q=30%25%2020% 或发邮件至 a2023@gov.cn，增长20%"
    assert [(q.raw_text, q.unit_code) for q in parse_quantities(text)] == [("20%", "percent")]


def test_compound_tail_is_one_quantity():
    qs = parse_quantities("这台电脑两美元又三美分")
    assert [(q.raw_text, q.value, q.unit_code) for q in qs] == [("两美元又三美分", Decimal("2.03"), "USD")]


def test_financial_multiplier_after_arabic_and_comparative_cues():
    qs = parse_quantities("利息9佰日元，不到1.9万台币，超过了百分之零点九")
    assert [(q.raw_text, q.value, q.qualifier) for q in qs] == [
        ("9佰日元", Decimal(900), "exact"), ("不到1.9万台币", Decimal(19000), "at_most"),
        ("超过了百分之零点九", Decimal("0.9"), "at_least")]


@pytest.mark.parametrize("text,expected", [
    # financial numerals (大写) are amounts of money even without 元
    ("大写：肆佰叁拾万", [("肆佰叁拾万", Decimal(4300000), None, "CNY")]),
    ("找零壹角，扣款负壹分", [("壹角", Decimal("0.1"), None, "CNY"), ("负壹分", Decimal("-0.01"), None, "CNY")]),
    ("伍仁月饼", []),
    # k after Arabic digits, a range opened by 从
    ("月薪10~15k元", [("10~15k元", Decimal(10000), Decimal(15000), "CNY")]),
    ("功率5kW", [("5kW", Decimal(5000), None, "W")]),
    ("从8500到3万港元", [("从8500到3万港元", Decimal(8500), Decimal(30000), "HKD")]),
    # percentages as words; 十折 is no discount, 对折 without 打 is folding, 半成品 a product
    ("全场打对折，利润率仅半成", [("对折", Decimal(50), None, "percent"), ("半成", Decimal(5), None, "percent")]),
    ("十折。将纸对折。半成品。", []),
    # colloquial heights and weights
    ("米九左右", [("米九左右", Decimal("0.0019"), None, "km")]),
    ("猪肉9两半", [("9两半", Decimal("0.000475"), None, "t")]),
    ("大米九元", [("九元", Decimal(9), None, "CNY")]),
])
def test_word_forms_of_quantities(text, expected):
    got = [(q.raw_text, q.value, q.value_high, q.unit_code) for q in parse_quantities(text, REF)]
    assert got == expected



def test_the_mentions_in_a_window_are_those_a_pass_over_all_of_them_finds(corpus_articles):
    """The quantities' subject rule takes an article's mentions inside a sentence or clause by a bisect in
    their starts: the same mentions, in the same relative order, as a pass over all of them."""
    from pipeline.core import records
    from pipeline.core.text import SENTENCE_END

    windows = 0
    for arts in corpus_articles.values():
        for art in arts:
            mentions, _ = records.extract_entities(art)
            spans = [m for m in mentions if m["char_start"] is not None]
            by_start = records._SpansByStart(spans)
            body = art["body"]
            cuts = [0] + [m.end() for m in SENTENCE_END.finditer(body)] + [len(body)]
            for lo, hi in zip(cuts, cuts[1:]):
                for start, end in ((lo, hi), (lo, (lo + hi) // 2), ((lo + hi) // 2, hi)):
                    every = [m for m in spans if start <= m["char_start"] and m["char_end"] <= end]
                    found = by_start.within(start, end)
                    assert found == sorted(every, key=lambda m: m["char_start"])  # a stable sort of the pass
                    windows += bool(every)
    assert windows > 100


def test_every_quantity_pattern_match_holds_a_number():
    """_quantity_matches keeps every match of the quantity patterns: each holds a number of one character or
    more (the number pattern cannot match nothing)."""
    import re

    from pipeline.core import quantities
    from pipeline.core.regex_gate import P

    assert P.parse(quantities._num()).getwidth()[0] >= 1
    for pat in quantities.quantity_patterns():
        assert pat.groupindex["n1"] and all(m.group("n1") for m in pat.finditer("约12亿元，百分之三十，两万吨"))
    assert re.compile(f"(?:{quantities._num()})").fullmatch("") is None


def test_bare_numbers_kept_in_the_sentences_with_a_cue_are_those_of_the_whole_text():
    """A bare number is kept only as money or a percent, which needs a cue in its sentence (万, 亿, a currency,
    分之): scanning those sentences alone keeps what scanning the whole text keeps, in the same order."""
    import json

    from conftest import SHARED, corpus_file

    from pipeline.core import quantities, records

    _, _, bare = quantities.quantity_patterns()
    assert quantities._within_sentences(bare)  # else the whole text is scanned, and this test proves nothing

    def kept(text, matches):
        return [m.span() for m in matches if m.group("pct") or quantities._unitless_money(text, m) is not None]

    texts = ["共投资12亿，其中3000万用于研发。另有500人参加！人民币800；百分之五。12", "2024年。五千万元。美元",
             "计划3亿资金。人民币4！5亿专项资金；百分之六？7"]
    for name in ("000", "001", "002", "003"):
        doc = records.read_document(corpus_file(name).read_bytes(), name)
        texts.append(doc["text"])
        texts.extend(a["body"] for a in records.split_articles(doc["document_id"], doc["text"])[1])
    for path in sorted((SHARED / "conformance").glob("*.jsonl")):
        texts.extend(json.loads(line)["input"] for line in open(path, encoding="utf-8"))
    total = 0
    for text in texts:
        whole = kept(text, bare.finditer(text))
        assert kept(text, quantities._bare_matches_with_cue(text, bare)) == whole, text
        total += len(whole)
    assert total > 50
    # one kept in each sentence: 亿 before a money noun, a currency, 亿 again, a percent; 7 is no amount
    assert kept(texts[2], quantities._bare_matches_with_cue(texts[2], bare)) == [(2, 4), (7, 11), (12, 14), (19, 23)]
