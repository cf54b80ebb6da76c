"""Layout repair and segmentation on the bundled pages and on pages the tests write."""
import json
from datetime import date

from conftest import DOCUMENTS, SHARED, corpus_file

from pipeline.core.articles import parse_byline, segment_page
from pipeline.core.layout import repair_layout
from pipeline.core.text import normalise_text


def page(prefix):
    return segment_page(normalise_text(corpus_file(prefix).read_text(encoding="utf-8")))


def test_gold_titles_dates_and_reporters():
    gold = [json.loads(l) for l in (SHARED / "gold-dev" / "documents.jsonl").read_text().splitlines() if l.strip()]
    for g in gold:
        p = page(g["doc"][:3])
        main = [a for a in p.articles if not a.is_boilerplate]
        assert [a.title for a in main] == g["articles"]
        bp = [a.title for a in p.articles if a.is_boilerplate]
        assert bp == g["boilerplate_titles"]
        reporters = [r for a in main for r in a.reporters]
        assert reporters == g["reporters"]
        if g["published"]:
            assert p.published_date.isoformat() == g["published"] and not p.published_date_inferred
        else:
            assert p.published_date.isoformat().startswith(g["published_inferred"]) and p.published_date_inferred
        assert p.source_name == g["source"]


def test_newspaper_page_splits_into_bylined_articles():
    p = page("000")
    titles = [a.title for a in p.articles]
    assert titles[:3] == ["拓展联动合作新领域 构筑共同发展新格局", "新区领导率队赴福州厦门招商引资", "新区举办工业设计专题培训讲座"]
    assert p.articles[0].kickers == ["滇中新区与西部5个国家级新区签订战略合作协议——"]
    assert p.articles[1].reporters == ["喻劲猛", "付怀旭"]
    cont = [a for a in p.articles if a.continued]
    assert cont and all(a.title for a in cont)


def test_paragraph_broken_by_blank_lines_is_rejoined():
    p = page("000")
    body = p.articles[0].body
    assert "营商环境提升等9个方面。" in body
    assert "打通国家新区高端装备" in body


def wrap_column(paragraph: str, width: int) -> list[str]:
    """Set a paragraph in a column ``width`` cells wide, as a PDF text layer shows it."""
    from pipeline.core.layout import display_width

    lines, cur = [], ""
    for ch in paragraph:
        if display_width(cur + ch) > width:
            lines.append(cur)
            cur = ""
        cur += ch
    return lines + [cur] if cur else lines


def test_narrow_column_hard_wraps_are_joined():
    paras = [
        "本报讯（记者 李燕）近日，记者从安宁市禄脿街道获悉，2024年，禄脿街道招商引资到位资金预计完成11亿元，同比增长116.96%。",
        "截至目前，洽谈招商引资项目17个，签订重点投资协议4个，总投资2.52亿元；新开工项目5个，总投资24.73亿元。",
        "全州投资促进系统围绕鸿新新能源年产20GW硅棒项目开展服务，推动项目早日建成投产。",
    ]
    lines = ["禄脿街道招商引资", "同比增长116.96%"]
    for p in paras:
        lines.extend(wrap_column(p, 26))
    page = segment_page("\n".join(lines) + "\n")
    assert len(page.articles) == 1
    art = page.articles[0]
    assert art.title == "同比增长116.96%" and art.kickers == ["禄脿街道招商引资"]
    assert art.reporters == ["李燕"]
    body_paras = [s for s in art.body.split("\n")]
    for p in paras:
        assert p in art.body
    assert "年产20GW硅棒" in art.body


def test_web_chrome_is_tagged_not_lost():
    text = ("您的位置: 首页 > 新闻 >\n\n园区签约项目12个\n\n100次浏览  发布时间:2024-03-02 10:00:00\n\n"
            "3月1日，园区签约项目12个，总投资30亿元。\n\n责编:张三\n\n相关文章\n\n另一条新闻标题\n这是摘要...\n2024-03-01 09:00:00\n\n"
            "Copyright © 某网站 京ICP备12345678号\n")
    p = segment_page(text)
    main = [a for a in p.articles if not a.is_boilerplate]
    assert [a.title for a in main] == ["园区签约项目12个"]
    assert main[0].editors == [("责编", "张三")]
    assert p.published_date == date(2024, 3, 2) and not p.published_date_inferred
    kinds = {b.kind for b in p.furniture}
    assert {"nav", "counter", "related_header", "footer"} <= kinds
    bp = [a for a in p.articles if a.is_boilerplate]
    assert bp[0].title == "另一条新闻标题" and bp[0].stamp_date == date(2024, 3, 1)


def test_photo_credit_and_continuation_marker():
    blocks = repair_layout("沪滇临港昆明科技城。记者王俊星 摄\n\n上接一版\n\n正文第一段。\n")
    assert [b.kind for b in blocks] == ["credit", "continuation", "text"]


def test_byline_parsing():
    assert parse_byline("本报讯（记者 喻劲猛 通讯员 付怀旭）近日") == [("记者", "喻劲猛"), ("通讯员", "付怀旭")]
    assert parse_byline("本报讯(实习生 杨青娜 记者 熊明)近日") == [("实习生", "杨青娜"), ("记者", "熊明")]
    assert parse_byline("本报记者 李向雄 张雁群 熊明") == [("记者", "李向雄"), ("记者", "张雁群"), ("记者", "熊明")]
    assert parse_byline("昆明日报全媒体记者:贾献培") == [("全媒体记者", "贾献培")]


def test_inferred_date_from_dateline_and_year():
    p = page("002")
    assert p.published_date == date(2022, 5, 8) and p.published_date_inferred


def test_a_duration_before_a_comma_is_not_a_dateline():
    # 000 says "25年来，" (for 25 years) and opens a paragraph with the dateline "11月25日，"
    p = page("000")
    assert p.published_date == date(2024, 11, 25) and p.published_date_inferred
    text = "2023年，全市生产总值增长5%。\n30年来，园区不断壮大。\n6月3日，项目开工。"
    q = segment_page(text)
    assert q.published_date == date(2023, 6, 3) and q.published_date_inferred


def test_dateline_clauses_are_the_clauses_before_a_comma_with_a_month_or_day_near_both_ends():
    import re

    from pipeline.core.articles import dateline_clauses

    text = ("5月8日，本报讯。（记者 张三）1月20日，项目开工。日常工作\n" + "字" * 38 + "月" + "字" * 38 + "，"
            + "字" * 39 + "月，" + "月" + "字" * 39 + "，10月1日。末尾6月3日")
    assert dateline_clauses(text) == ["5月8日", "1月20日", "字" * 38 + "月" + "字" * 38]  # 日常工作 ends a line
    # the pattern it stands for, tried at every position, finds the same clauses in real pages
    pattern = re.compile(r"(?:^|(?<=[\n。）)，,]))[^\n。）)，,]{0,38}[月日号號][^\n。）)，,]{0,38}(?=[，,])")
    for prefix in ("000", "001", "002", "003"):
        page_text = normalise_text(corpus_file(prefix).read_text(encoding="utf-8"))
        assert dateline_clauses(page_text) == [m.group(0) for m in pattern.finditer(page_text)]
    assert dateline_clauses(text) == [m.group(0) for m in pattern.finditer(text)]


def test_megabyte_line_is_cut_at_clause_ends_and_loses_nothing():
    line = "本报讯 完成投资5亿元，" * 40000
    blocks = repair_layout(line)
    assert len(blocks) > 100
    assert all(len(b.text) <= 3000 for b in blocks)
    assert all(b.text.endswith("，") for b in blocks[:-1])  # cut after a clause, never inside 5亿元
    assert "".join(b.text for b in blocks) == line


def test_web_metadata_line_is_not_the_headline():
    page = ("您的位置：首页 > 新闻中心 > 县区动态\n"
            "玉溪市：一季度签约项目金额破百亿\n"
            "发布时间：2025-04-02 10:15:32  来源：玉溪日报  浏览次数：1268\n"
            "3月28日，玉溪市一季度重点项目集中签约仪式举行，共签约项目19个，签约金额112.6亿元。\n")
    layout = segment_page(normalise_text(page))
    (art,) = [a for a in layout.articles if not a.is_boilerplate]
    assert art.title == "玉溪市：一季度签约项目金额破百亿"
    assert "浏览次数" not in art.body and art.stamp_date == date(2025, 4, 2)


def test_the_combined_anchored_test_turns_away_only_lines_no_anchored_test_matches():
    """classify_line skips its nine anchored tests when their union does not match a line's start: over every line
    of the bundled documents and a line of each kind, that happens exactly when none of them matches."""
    from pipeline.core import layout, records

    lines = ["当前位置：首页 > 新闻", "1268次浏览", "上接第一版", "相关阅读", "责任编辑：李明", "2025-04-02 10:15",
             "发布时间：2025-04-02 来源：楚雄日报", "———", "返回顶部", "昆明市今年GDP增长5%。", "记者 王五 摄"]
    for path in sorted(DOCUMENTS.glob("*.txt")):
        lines += records.read_document(path.read_bytes(), path.name)["text"].split("\n")
    matched = {p.pattern: 0 for p in layout._ANCHORED}
    for line in filter(None, (l.strip() for l in lines)):
        hits = [p for p in layout._ANCHORED if p.match(line)]
        assert (layout._ANY_ANCHORED.match(line) is not None) == bool(hits), line
        for p in hits:
            matched[p.pattern] += 1
    assert all(matched.values()), matched


def test_footer_words_are_found_in_any_case_only_where_they_have_letters():
    """The footer pattern is the case-blind alternation of its words, found faster: the same lines match, and
    every case variant Python folds to the letters of Copyright and ICP (İ and ı for i) still matches."""
    import re

    from pipeline.core import layout

    words = ["Copyright", "©", "版权所有", "ICP备", "ICP证", "公网安备", "侵权请联系", "如有侵权", "站长邮箱", "联系我们", "免责声明",
             "不代表本站", "本站声明", "增值电信业务"]
    case_blind = re.compile("|".join(words), re.I)
    every = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    variants = {c: re.findall("(?i)" + c, every) for c in "copyrighticp"}
    lines = [line for p in sorted(DOCUMENTS.glob("*.txt")) for line in p.read_text(encoding="utf-8").splitlines()]
    lines += ["".join(variants.get(c, c)[k % len(variants.get(c, c))] for c in word) + "2024号" for k in range(4)
              for word in ("copyright", "icp备", "icp证")]
    lines += ["Copyleft 2024", "ICP", "本站", "联系", "版权", "© 2024 本报"]
    matched = 0
    for line in lines:
        assert bool(layout.FOOTER.search(line)) == bool(case_blind.search(line)), line
        matched += bool(case_blind.search(line))
    assert matched >= 10
    assert layout.FOOTER.search("ıcp备2024号") and layout.FOOTER.search("COPYRİGHT")


def _year_contexts_of_whole_sentences(text):
    """year_contexts as infer_year read them before: each year's whole sentence, cut to 10 and 40 characters."""
    import re

    from pipeline.core.text import clause_start

    out = []
    for m in re.finditer(r"((?:19|20)\d{2})\s*年", text):
        s, e = m.start(), m.end()
        sentence_start = clause_start(text, s, 0, "。！？\n")
        ends = [i for ch in "。！？\n" if (i := text.find(ch, e)) >= 0]
        out.append((int(m.group(1)), text[sentence_start:s][-10:], text[s:min(min(ends) if ends else len(text), e + 40)]))
    return out


def test_the_year_a_text_is_written_in_reads_only_the_words_near_each_year():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pipeline.core import articles

    pieces = st.sampled_from(["2023年", "2024 年", "2025年", "将", "计划", "完成", "同比", "是关键之年", "。", "！", "\n", "，",
                              "经济", "目标", "已", "一" * 12, "投资" * 9])

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=30).map("".join))
    def check(text):
        assert articles.year_contexts(text) == _year_contexts_of_whole_sentences(text)

    check()
    for p in sorted(DOCUMENTS.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        assert articles.year_contexts(text) == _year_contexts_of_whole_sentences(text)
        assert articles.year_contexts(text)
