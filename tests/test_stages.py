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
    tables, errors = stages.run_chunk("articles", (ids, {"documents": staging.to_ipc(texts)}))
    arts = tables["stg_article"].to_pylist()
    assert errors == [] and {a["document_id"] for a in arts} == {"doc1", "doc2"}
    tables, errors = stages.run_chunk("entities", (ids, {"articles": ipc("stg_article", arts)}))
    mentions = tables["stg_mention"].to_pylist()
    expected = [m for d in ids for m in stages.entities_of([a for a in arts if a["document_id"] == d])[0]]
    assert mentions == staging.to_arrow("stg_mention", expected).to_pylist() and errors == []
    cols = ["entity_key", "entity_id", "entity_type", "name", "surface", "document_id", "article_id", "char_start",
            "char_end"]
    tables, errors = stages.run_chunk("quantities", (ids, {"articles": ipc("stg_article", arts),
                                                           "mentions": ipc("stg_mention", mentions, cols)}))
    got = {(r["document_id"], r["raw_text"]): r["value"] for r in tables["stg_quantity"].to_pylist()}
    assert got[("doc1", "52.17亿元")] == Decimal("5217000000") and got[("doc2", "3亿元")] == Decimal("300000000")
    tables, _ = stages.run_chunk("relations", (ids, {"articles": ipc("stg_article", arts),
                                                     "mentions": ipc("stg_mention", mentions, cols)}))
    assert [r["document_id"] for r in tables["stg_relation"].to_pylist()] == ["doc2"]


def test_batches_are_written_in_order_while_the_workers_hold_the_next_ones():
    from pipeline.defs.assets import _overlapped

    events = []

    def start(batch):
        events.append(("start", batch[0]))
        return lambda: [x * 10 for x in batch]

    def finish(batch, results, later):
        events.append(("finish", batch[0], results, later))

    _overlapped(([k] for k in range(4)), start, finish, ahead=2)
    # how many are left is known once the batches run out: the last two were started by then
    assert events == [("start", 0), ("start", 1), ("start", 2), ("finish", 0, [0], None), ("start", 3),
                      ("finish", 1, [10], 2), ("finish", 2, [20], 1), ("finish", 3, [30], 0)]
    events.clear()
    _overlapped(([k] for k in range(2)), start, finish, ahead=1)  # one ahead: start the next, write the last
    assert events == [("start", 0), ("start", 1), ("finish", 0, [0], 1), ("finish", 1, [10], 0)]
