"""A rule failing on one article is reported, and the other articles keep their records."""
from pipeline import stages
from pipeline.core import records


def test_failing_article_is_reported_and_the_others_kept():
    metas, arts, furniture, errors = stages.articles_of(("doc1", "本报讯 滇中新区签约项目12个，总投资52.17亿元。\n"))
    assert errors == [] and len(arts) == 1
    broken = dict(arts[0], article_id="broken", body=None)  # a record no rule can read
    mentions, roles, ents, errors = stages.entities_of([arts[0], broken])
    assert len(errors) == 1 and errors[0][0] == "doc1" and errors[0][1].startswith("entities: broken: ")
    assert any(m["article_id"] == arts[0]["article_id"] for m in mentions)
    rows, errors = stages.quantities_of(([arts[0], broken], {}))
    assert len(errors) == 1 and errors[0][0] == "doc1" and "quantities: broken" in errors[0][1]
    assert {r["raw_text"] for r in rows} >= {"12个", "52.17亿元"}
