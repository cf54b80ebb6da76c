from conftest import find_article

from pipeline.core.entities import find_entities, find_regions


def by_surface(mentions):
    return {m.surface: m for m in mentions}


def test_regions_resolve_with_codes_and_context():
    ms = by_surface(find_regions("昆明市托管西双版纳州磨憨镇，禄劝、寻甸、安宁、东川等县(市)区积极响应。"))
    assert ms["昆明市"].admin_code == "530100" and ms["昆明市"].region_level == "prefecture"
    assert ms["西双版纳州"].name == "西双版纳傣族自治州" and ms["西双版纳州"].admin_code == "532800"
    assert ms["磨憨镇"].region_level == "township"
    assert ms["安宁"].admin_code == "530181"  # Anning in Kunming, not Lanzhou's 安宁区
    assert ms["禄劝"].name == "禄劝彝族苗族自治县"


def test_short_form_without_context_is_not_guessed():
    # 安宁 alone is also an ordinary word ("peace")
    assert [m for m in find_regions("社会安宁祥和") if m.surface == "安宁"] == []


def test_township_typo_corrected_within_parent():
    ms = [m for m in find_regions("记者从安宁市禄脰街道获悉") if m.region_level == "township"]
    assert len(ms) == 1
    assert ms[0].surface == "禄脰街道" and ms[0].name == "禄脿街道" and ms[0].corrected_from == "禄脰街道"


def test_foreign_country():
    ms = by_surface(find_regions("成功拿下一笔来自阿尔及利亚的重要订单，出口老挝"))
    assert ms["阿尔及利亚"].region_level == "foreign_country"
    assert ms["老挝"].key == "country:老挝"


def test_country_named_like_a_township_is_the_country():
    # 巴西 is also the short form of townships (巴西乡), an ordinary word a township's short form never wins on
    ms = by_surface(find_regions("公司产品出口巴西、阿根廷和智利。"))
    assert ms["巴西"].key == "country:巴西" and ms["巴西"].region_level == "foreign_country"


def test_parks_companies_and_cross_document_keys():
    text = "云南滇中新区与重庆两江新区签订战略合作协议。推动维先农业(科技)云南有限公司在沪滇临港昆明科技城落地。滇中新区表示。"
    ms = find_entities(text)
    parks = {m.surface: m.key for m in ms if m.entity_type == "park"}
    assert parks["云南滇中新区"] == parks["滇中新区"]
    assert "重庆两江新区" in parks and "沪滇临港昆明科技城" in parks
    companies = [m.surface for m in ms if m.entity_type == "company"]
    assert companies == ["维先农业(科技)云南有限公司"]


def test_city_and_park_stay_apart():
    ms = find_entities("安宁市委常委介绍，安宁产业园区累计外出招商23次。")
    keys = {m.surface: m.key for m in ms}
    assert keys["安宁产业园区"].startswith("park:")
    assert keys.get("安宁市", "region:530181") != keys["安宁产业园区"]


def test_persons_with_title_chain():
    ms = find_entities("近日，滇中新区党工委副书记、管委会副主任杨东伟率队赴福州、厦门开展招商引资。杨东伟表示，希望合作。")
    persons = [m for m in ms if m.entity_type == "person"]
    assert {m.surface for m in persons} == {"杨东伟"} and len(persons) == 2
    titled = next(m for m in persons if m.titles)
    assert titled.titles == ["滇中新区党工委副书记", "管委会副主任"]


def test_gold_dev_article_entities(corpus_articles):
    art = find_article(corpus_articles["001"], "云南五华产业园党工委委员")
    ms = find_entities(art["body"])
    names = {(m.entity_type, m.name) for m in ms}
    for expected in [("person", "陈旋"), ("company", "云南雅酌酒业有限公司"), ("company", "中国铁塔昆明公司"),
                     ("park", "沪滇临港昆明科技城"), ("region", "五华区"), ("organization", "昆明日报")]:
        assert expected in names, expected


def test_body_names_containing_a_boundary_verb():
    from pipeline.core.entities import find_entities

    found = {(m.surface, m.entity_type) for m in find_entities("与昆明市投资促进局签订协议，促进企业发展。")}
    assert ("昆明市投资促进局", "organization") in found
    assert not any(s.startswith("促进") for s, _ in found)


def test_titled_names_outside_the_common_surname_list_and_tagged_names():
    from pipeline.core.entities import find_entities

    people = {m.surface: m.titles for m in find_entities("州委副书记、州长迟中华出席并讲话。市长李强出席。中共中央书记处书记王五调研。")
              if m.entity_type == "person"}
    assert people["迟中华"] == ["州委副书记", "州长"]
    assert people["李强"] == ["市长"]
    assert "处书记" not in people


def test_company_names_with_single_character_verbs():
    from pipeline.core.entities import find_entities

    found = {(m.surface, m.entity_type) for m in find_entities("隆基绿能科技股份有限公司计划投资45亿元，禄丰市与云南能投集团签约。")}
    assert ("隆基绿能科技股份有限公司", "company") in found and ("云南能投集团", "company") in found


def test_park_named_again_without_its_region_is_the_same_park():
    from pipeline.core.entities import find_entities

    ms = find_entities("深圳前海合作区引资创新高。今年前三季度前海合作区实际使用外资达38.6亿美元。")
    parks = [m for m in ms if m.entity_type == "park"]
    assert [m.surface for m in parks] == ["深圳前海合作区", "前海合作区"]
    assert parks[0].key == parks[1].key


def test_project_names_versus_verb_phrases_and_classes_of_projects():
    found = {m.surface for m in find_entities(
        "滇池度假区推动中国铁塔昆明公司在磨憨落地共享单车项目。"
        "在招商方面实施项目全周期管理，全力协调解决项目难题，引进亿元以上省外产业项目12个，开展培训项目。"
    ) if m.entity_type == "project"}
    assert found == {"共享单车项目"}


def test_one_character_boundary_word_inside_a_company_name_does_not_cut_it():
    # 为 and 同 end a name as words of their own (与, 为), not as characters of 华为 or 同仁堂
    ms = by_surface(find_entities("昆明市政府分别与华为公司签订协议，北京同仁堂股份有限公司在昆明设立分公司。"))
    assert ms["华为公司"].entity_type == "company"
    assert ms["北京同仁堂股份有限公司"].entity_type == "company"
    assert "为公司" not in ms and "仁堂股份有限公司" not in ms


def test_a_known_park_name_longer_than_the_name_limit_is_never_cut():
    text = "2019年中国(云南)自由贸易试验区昆明片区挂牌成立。"
    parks = [m.surface for m in find_entities(text) if m.entity_type == "park"]
    assert "中国(云南)自由贸易试验区昆明片区" in parks
    assert not any(p.startswith("国(") for p in parks)


def test_muted_region_surfaces_change_no_answer(monkeypatch):
    """The surfaces left out of the region automaton are rejected in any context: with every township that
    such a surface names written in full beside it (its county in context), the full automaton finds the same."""
    from pipeline.core import entities, gazetteer
    from pipeline.core.lexicon import build_automaton

    muted = sorted(entities._muted_surfaces())
    assert {"发展", "建设"} <= set(muted) and "安宁" not in muted and "合作" not in muted  # 合作市 is a city
    index = gazetteer.load_gazetteer()
    lines = []
    for word in muted[::40]:  # ~90 of them, each with the county of one of its townships named in full
        towns = [r for r in gazetteer.surface_index()[word] if not entities._is_functional_zone(r)]
        county = index.get(towns[0].parent_id) if towns else None
        lines.append(f"{county.name if county else ''}积极推进{word}工作，{word}成效明显。")
    text = "\n".join(lines)
    filtered = find_regions(text)
    assert not [m for m in filtered if m.surface in entities._muted_surfaces()]
    everything = build_automaton(entities._region_words(frozenset()))
    monkeypatch.setattr(entities, "_region_automaton", lambda: everything)
    assert find_regions(text) == filtered
    assert len(filtered) >= 40  # the counties themselves are found


def test_names_before_a_speech_cue_are_found_as_by_the_plain_scan(corpus_articles):
    """The scan tried only before the cues finds what the pattern's own scan finds, on every bundled article and on
    cues written back to back, at the start of a text, after other Chinese characters or overlapping a name."""
    from pipeline.core import entities

    texts = [a["body"] for arts in corpus_articles.values() for a in arts]
    texts += ["王某某表示", "表示", "李四说：好", "张三总书记表示", "记者王五说，张六介绍说：", "省长杨东伟强调认为",
              "甲乙表示丙丁说：", "他说：", "某某某某某表示", "王五\n表示", "王五说,赵六说,", "说：说：说："]
    found = 0
    for text in texts:
        plain = [(m.span(), m.groups()) for m in entities._NAME_BEFORE_CUE.finditer(text)]
        assert [(m.span(), m.groups()) for m in entities._names_before_cues(text)] == plain, text
        found += len(plain)
    assert found > 30


def test_names_extended_with_the_terms_found_once_in_the_whole_text_start_where_window_scans_put_them(corpus_articles):
    """_left_extend with the known names and park terms found once per text gives every name the start the scans
    of a window before each suffix gave it, for every suffix of every bundled article and for names that a park
    term or a known park crosses."""
    from pipeline.core import entities

    texts = [a["body"] for arts in corpus_articles.values() for a in arts]
    texts += ["推动中国(云南)自由贸易试验区昆明片区建设", "加快滇中新区自贸试验区建设", "与昆明经开区管委会签约",
              "支持自贸区", "在中国（云南）自由贸易试验区红河片区"]
    compared = 0
    for text in texts:
        terms = entities._TermsInText(text, entities.find_all(entities._lexicon_automaton(), text))
        for s, e, _, etype in entities.find_all(entities._suffix_automaton(), text):
            for max_len, verbs in ((16, False), (22, False), (20, True)):
                alone = entities._left_extend(text, e, s, max_len, allow_verbs=verbs)
                assert entities._left_extend(text, e, s, max_len, allow_verbs=verbs, terms=terms) == alone, (text, s, e)
                compared += 1
            # a name right before a title (the chief-executive rule: no suffix of its own)
            assert entities._left_extend(text, e, e, 8, terms=terms) == entities._left_extend(text, e, e, 8)
    assert compared > 1000


def test_regions_weighed_longest_first_are_those_every_candidate_weighed_then_the_longest_kept(corpus_articles):
    """find_regions skips a candidate inside or across a name it has already accepted. It finds what weighing every
    candidate and then keeping the longest of overlapping accepted names finds, on every bundled article and on
    texts where a full name holds a short one (西双版纳州 / 版纳), two names cross, or a short form stands alone."""
    from pipeline.core import entities, gazetteer
    from pipeline.core.spans import select_disjoint

    def every_candidate_weighed(text):
        cands = entities._region_candidates(text)
        context = {}
        for _, _, _, (_, certain) in cands:
            if certain is not None:
                for a in gazetteer.ancestors(certain.region_id):
                    context[a.region_id] = context.get(a.region_id, 0) + 1
        accepted = []
        for s, e, word, (regs, _) in cands:
            if not regs:
                if word in gazetteer.foreign_countries() and entities._word_boundary_ok(text, s, e):
                    accepted.append((s, e, "country:" + gazetteer.foreign_countries()[word][0]))
                continue
            best = entities._choose_region(text, s, e, word, entities._rank_regions(word, regs, context), context)
            if best is not None:
                accepted.append((s, e, f"region:{best.region_id}"))
        return select_disjoint(accepted, lambda m: (m[0], m[1]), lambda m: (m[0] - m[1], m[0]))

    texts = [a["body"] for arts in corpus_articles.values() for a in arts]
    texts += ["西双版纳州景洪市", "版纳的雨林", "云南省昆明市安宁市禄脿街道", "昆明安宁", "在老挝万象和泰国曼谷", "安宁"]
    weighed = 0
    for text in texts:
        expected = every_candidate_weighed(text)
        found = [(m.char_start, m.char_end, m.key, m.region_level) for m in find_regions(text)]
        # the chosen names in text order, then the one-character typos of townships (_fuzzy_townships)
        assert [f[:3] for f in found[:len(expected)]] == expected, text
        assert all(level == "township" for *_, level in found[len(expected):]), text
        weighed += len(expected)
    assert weighed > 250


def test_names_before_an_executive_title_are_looked_for_only_before_one():
    """The company-before-title pattern is tried only 2-9 characters before each title it looks ahead for:
    the same matches as its scan of the whole text."""
    import json

    from conftest import SHARED, corpus_file

    from pipeline.core import entities, records, regex_starts

    texts = ["三星电子CEO李在镕", "联发科 CEO 蔡力行", "云南白药集团副总裁王明、董事长张三", "首席执行官", "中国电子科技集团 副总裁张三"]
    for name in ("000", "001", "002", "003"):
        texts.append(records.read_document(corpus_file(name).read_bytes(), name)["text"])
    for path in sorted((SHARED / "conformance").glob("*.jsonl")):
        texts.extend(json.loads(line)["input"] for line in open(path, encoding="utf-8"))
    pattern = entities._COMPANY_BEFORE_EXEC
    found = 0
    for text in texts:
        plain = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in regex_starts.finditer(pattern, text, entities._before_executive_titles(text))] == plain
        found += len(plain)
    assert found >= 6
    # eight characters and a space before 副总裁 start ten before its 总裁: 副总裁's own occurrences give that start
    assert [m.group(1) for m in regex_starts.finditer(pattern, texts[4], entities._before_executive_titles(texts[4]))] \
        == ["中国电子科技集团"]


def test_park_terms_found_by_search_are_the_automatons_matches():
    from conftest import corpus_file

    from pipeline.core import entities, records

    texts = ["昆明经开区和滇中新区、自贸试验区自贸区", "中国(云南)自由贸易试验区昆明片区", "高新技术产业开发区高新区综保区综合保税区"]
    for name in ("000", "001", "002", "003"):
        doc = records.read_document(corpus_file(name).read_bytes(), name)
        texts.extend(a["body"] for a in records.split_articles(doc["document_id"], doc["text"])[1])
    automaton = entities._abbreviation_automaton()[0]
    found = 0
    for text in texts:
        spans = sorted((s, e) for _, s, e in automaton.find_indexes(text))
        assert sorted(entities._occurrences(text, entities._park_term_words())) == spans
        found += len(spans)
    assert found >= 8


def test_titles_found_by_the_automaton_are_those_of_the_longest_first_alternation():
    import json

    from conftest import SHARED, corpus_file

    from pipeline.core import entities, records

    texts = ["市委副书记、市长张三", "党工委书记兼管委会主任李四", "副省长王五和省长"]
    for name in ("000", "001", "002", "003"):
        texts.append(records.read_document(corpus_file(name).read_bytes(), name)["text"])
    for path in sorted((SHARED / "conformance").glob("*.jsonl")):
        texts.extend(json.loads(line)["input"] for line in open(path, encoding="utf-8"))
    found = 0
    for text in texts:
        spans = [m.span() for m in entities._title_re().finditer(text)]
        assert [(s, e) for _, s, e in entities._title_matcher().find_matches_as_indexes(text)] == spans
        found += len(spans)
    assert found >= 50
