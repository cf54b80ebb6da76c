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


def test_a_chunk_of_documents_through_arrow_gives_the_rows_of_the_per_document_functions():
    from decimal import Decimal

    import pyarrow as pa

    from pipeline import staging

    docs = [("doc1", "本报讯 滇中新区签约项目12个，总投资52.17亿元。\n"),
            ("doc2", "昆明市政府与华为公司签订战略合作协议，项目总投资3亿元。\n"), ("doc3", "")]

    def ipc(table, rows, columns=None):
        arrow = staging.to_arrow(table, rows)
        return staging.to_ipc(arrow.select(columns) if columns else arrow)

    ids = [d for d, _ in docs]
    texts = pa.table({"document_id": ids, "text": [t for _, t in docs]})
    tables, errors, _ = stages.run_chunk("articles", (ids, {"documents": staging.to_ipc(texts)}))
    arts = tables["stg_article"].to_pylist()
    assert errors == [] and {a["document_id"] for a in arts} == {"doc1", "doc2"}
    tables, errors, _ = stages.run_chunk("entities", (ids, {"articles": ipc("stg_article", arts)}))
    mentions = tables["stg_mention"].to_pylist()
    expected = [m for d in ids for m in stages.entities_of([a for a in arts if a["document_id"] == d])[0]]
    assert mentions == staging.to_arrow("stg_mention", expected).to_pylist() and errors == []
    cols = ["entity_key", "entity_id", "entity_type", "name", "surface", "document_id", "article_id", "char_start",
            "char_end"]
    tables, errors, _ = stages.run_chunk("quantities", (ids, {"articles": ipc("stg_article", arts),
                                                           "mentions": ipc("stg_mention", mentions, cols)}))
    got = {(r["document_id"], r["raw_text"]): r["value"] for r in tables["stg_quantity"].to_pylist()}
    assert got[("doc1", "52.17亿元")] == Decimal("5217000000") and got[("doc2", "3亿元")] == Decimal("300000000")
    tables, _, _ = stages.run_chunk("relations", (ids, {"articles": ipc("stg_article", arts),
                                                     "mentions": ipc("stg_mention", mentions, cols)}))
    assert [r["document_id"] for r in tables["stg_relation"].to_pylist()] == ["doc2"]


def test_the_text_pass_gives_the_rows_of_the_stages_one_by_one():
    """One pass over each document (articles and mentions kept in memory) against the stages run one after
    another through Arrow, as staging stores and reads them back: the bundled documents, every row equal."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from pipeline import staging
    from pipeline.core.reference import REPO_ROOT
    from pipeline.core.text import decode_bytes

    paths = sorted((REPO_ROOT / "seeds" / "documents").glob("*.txt"))
    ids = [p.name for p in paths]
    texts = staging.to_ipc(pa.table({"document_id": ids, "text": [decode_bytes(p.read_bytes()).text for p in paths]}))
    fused, errors, cpu = stages.run_chunk("text", (ids, {"documents": texts}))
    assert errors == [] and set(cpu) == set(stages.TEXT_PASS) and all(s > 0 for s in cpu.values())

    one_by_one = {}
    one_by_one.update(stages.run_chunk("articles", (ids, {"documents": texts}))[0])
    articles = staging.to_ipc(one_by_one["stg_article"])
    one_by_one.update(stages.run_chunk("entities", (ids, {"articles": articles}))[0])
    placed = one_by_one["stg_mention"].filter(pc.is_valid(one_by_one["stg_mention"]["char_start"]))
    facts = {"articles": articles, "mentions": staging.to_ipc(placed)}
    one_by_one.update(stages.run_chunk("quantities", (ids, facts))[0])
    one_by_one.update(stages.run_chunk("relations", (ids, facts))[0])
    assert set(fused) == set(one_by_one) == set(stages.OUTPUTS["text"])
    for table in fused:
        assert fused[table].num_rows > 0, table
        assert fused[table].equals(one_by_one[table]), table
