"""Agreements, visits and meetings read from sentences."""
import re

from pipeline.core.entities import find_entities
from pipeline.core.relations import find_relations


def _agreements(text):
    mentions = find_entities(text)
    names = {m.key: m.name for m in mentions}
    return [(r.description, [names[k] for k in r.party_keys]) for r in find_relations(text, mentions)
            if r.relation_type == "agreement"]


def test_one_agreement_per_signing_verb_with_the_shared_actor():
    text = "会上，曲靖市人民政府分别与云南铝业股份有限公司、昆明市投资促进局签订战略合作协议，与云南省商务厅签订招商引资责任书。\n"
    (first, parties1), (second, parties2) = _agreements(text)
    assert first == "战略合作协议" and second == "招商引资责任书"
    assert parties1[0] == parties2[0] and "曲靖" in parties1[0]
    assert any("云南铝业" in p for p in parties1) and any("投资促进局" in p for p in parties1)
    assert any("商务厅" in p for p in parties2) and not any("云南铝业" in p for p in parties2)


def test_place_of_action_is_not_a_party_and_the_paragraph_actor_is():
    text = "玉溪高新区管委会今年以来组织企业赴大理市考察12次，签订投资协议3个。\n"
    ((what, parties),) = _agreements(text)
    assert what == "投资协议"
    assert parties and all("大理" not in p for p in parties) and "玉溪高新区" in parties[0]


def test_two_agreements_of_one_sentence_with_one_description_have_their_own_ids():
    from pipeline.core.records import extract_entities, extract_relations

    art = {"article_id": "a1", "document_id": "d1", "published_date": None, "segments": [], "is_boilerplate": False,
           "body": "昆明市政府分别与华为公司签订战略合作协议，与腾讯公司签订战略合作协议。"}
    mentions, _ = extract_entities(art)
    rows = extract_relations(art, mentions)
    assert [r["description"] for r in rows] == ["战略合作协议", "战略合作协议"]
    assert len({r["relation_id"] for r in rows}) == 2  # the warehouse's unique-key check blocks a duplicate
    assert "company:华为公司" in rows[0]["party_keys"] and "company:腾讯公司" in rows[1]["party_keys"]


def test_a_sentence_without_a_relation_verb_holds_no_relation(corpus_articles):
    """find_relations passes over sentences without a signing, meeting or visiting verb: every match of a
    relation pattern in the bundled documents' sentences has one."""
    from pipeline.core import relations

    sentences = [s for arts in corpus_articles.values() for a in arts for s in re.split(r"[。！？；\n]", a["body"])]
    matched = [s for s in sentences
               if relations.AGREEMENT.search(s) or relations.AGREEMENT_BARE.search(s) or relations.VISIT.search(s)
               or relations._MEETING_VERB.search(s) and relations.MEETING.search(s)]
    assert len(matched) > 10
    assert [s for s in matched if not relations._ANY_VERB.search(s)] == []
    assert not relations._ANY_VERB.search("今年1至10月，全市规上工业增加值同比增长8.2%")
    # words only, in one flat alternation: DuckDB's RE2 reads it, and Python's engine skips to its first characters
    assert re.fullmatch(r"[\u4e00-\u9fff]+(?:\|[\u4e00-\u9fff]+)*", relations.RELATION_VERBS)


def test_a_relation_is_dated_by_a_day_or_month_of_its_own_sentence():
    from pipeline import stages

    text = "发布时间：2024-03-08\n本报讯 3月5日，昆明市政府与华为公司签订战略合作协议。大理州与腾讯公司签署合作备忘录。\n"
    _, arts, _, _ = stages.articles_of(("doc1", text))
    mentions, _, _, _ = stages.entities_of(arts)
    rows, errors = stages.relations_of((arts, stages._by(mentions, "article_id")))
    assert errors == []
    assert [(r["description"], r["event_date"]) for r in rows] == [("战略合作协议", "2024-03-05"), ("合作备忘录", "")]
