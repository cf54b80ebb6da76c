"""Staging tables: entity rows counted per document, and files staged by an older schema."""
from __future__ import annotations

import duckdb

from pipeline import settings, stages, staging


def test_equal_entity_rows_of_a_document_are_one_row_with_their_count():
    text = "本报讯 昆明市与大理州签约。昆明市政府表示，昆明市将加快建设。\n"
    _, arts, _, _ = stages.articles_of(("doc1", text))
    mentions, _, ents, errors = stages.entities_of(arts)
    assert errors == []
    kunming = [m for m in mentions if m["name"] == "昆明市"]
    assert len(kunming) >= 2
    rows = [e for e in ents if e["entity_id"] == kunming[0]["entity_id"]]
    assert len(rows) == 1 and rows[0]["occurrences"] == len(kunming)
    # the province above both cities is added once per city mention
    yunnan = [e for e in ents if e["name"] == "云南省"]
    assert len(yunnan) == 1 and yunnan[0]["entity_type"] == "region"


def test_a_file_staged_before_a_column_existed_gains_it(tmp_path):
    path = tmp_path / "work.duckdb"
    con = duckdb.connect(str(path))
    old = [f for f in staging.SCHEMAS["stg_entity"] if f.name != "occurrences"]
    con.execute("CREATE TABLE stg_entity (" + ", ".join(f'"{f.name}" VARCHAR' for f in old) + ")")
    con.execute("INSERT INTO stg_entity (entity_key, entity_id, name, document_id) VALUES ('region:1', 'e1', '昆明市', 'd0')")
    staging.ensure_tables(con)
    staging.ensure_tables(con)  # a second time adds nothing
    staging.append(con, "stg_entity", [{"entity_key": "region:1", "entity_id": "e1", "entity_type": "region",
                                        "name": "昆明", "document_id": "d1", "occurrences": 3}])
    assert con.execute("SELECT document_id, occurrences FROM stg_entity ORDER BY document_id").fetchall() == [
        ("d0", None), ("d1", 3)]
    con.close()


def test_fingerprint_sees_every_staging_change_but_a_touched_file(tmp_path):
    """The warehouse is rebuilt when staging changes: a new or superseded document, a stage's rows (appended
    with their stg_stage_done marks), a quarantined file; not when a file is only touched (stg_file)."""
    from datetime import datetime

    from pipeline.warehouse import build_fingerprint

    path = tmp_path / "work.duckdb"

    def change(edit) -> bool:
        before = build_fingerprint(path)
        con = duckdb.connect(str(path))
        try:
            edit(con)
        finally:
            con.close()
        return build_fingerprint(path) != before

    def document(con, doc_id, at):
        staging.append(con, "stg_document", [{"document_id": doc_id, "source_path": f"{doc_id}.txt",
                                              "encoding": "utf-8", "text": "昆明市", "n_bytes": 9,
                                              "ingested_at": at}])

    def stage_rows(con, doc_id):
        con.execute("BEGIN TRANSACTION")
        staging.append(con, "stg_quantity", [{"quantity_id": f"q-{doc_id}", "document_id": doc_id,
                                              "sentence": "投资10亿元"}])
        staging.mark_done(con, "quantities", [doc_id])
        con.execute("COMMIT")

    con = duckdb.connect(str(path))
    staging.ensure_tables(con)
    con.close()
    assert change(lambda con: document(con, "d1", datetime(2026, 1, 1)))
    assert change(lambda con: stage_rows(con, "d1"))
    assert change(lambda con: staging.append(con, "stg_quarantine", [{"source_path": "bad.txt", "reason": "binary"}]))
    assert not change(lambda con: staging.append(con, "stg_file", [{"source_path": "d1.txt", "document_id": "d1"}]))
    assert change(lambda con: staging.delete_documents(con, ["d1"]))
    # the same document staged again later: a new ingested_at, and its stage rows again
    assert change(lambda con: document(con, "d1", datetime(2026, 2, 1)))
    assert change(lambda con: stage_rows(con, "d1"))
    assert not change(lambda con: None)


def test_mention_sentences_stored_by_the_entities_stage_equal_the_models_rule_for_older_rows(tmp_path):
    """fact_entity_mention takes the sentence the entities stage stored; a mention staged before that column
    existed gets it from the model's SQL. Both must give the same offsets on the bundled documents."""
    from conftest import DOCUMENTS

    from pipeline import warehouse
    from pipeline.core import records

    con = duckdb.connect(str(tmp_path / "work.duckdb"))
    staging.ensure_tables(con)
    for path in sorted(DOCUMENTS.glob("*.txt")):
        doc = records.read_document(path.read_bytes(), path.name)
        _, arts, _, _ = stages.articles_of((doc["document_id"], doc["text"]))
        mentions, _, _, errors = stages.entities_of(arts)
        assert errors == []
        staging.append(con, "stg_article", arts)
        staging.append(con, "stg_mention", mentions)
    con.close()

    def facts() -> list[tuple]:
        out = duckdb.connect()
        out.execute(f"ATTACH '{tmp_path / 'work.duckdb'}' AS work")
        out.execute(warehouse.model_sql("fact_entity_mention"))
        rows = out.execute("SELECT article_id, char_start, char_end, surface, sentence_start, sentence_end "
                           "FROM fact_entity_mention ORDER BY ALL").fetchall()
        out.close()
        return rows

    stored = facts()
    con = duckdb.connect(str(tmp_path / "work.duckdb"))
    con.execute("UPDATE stg_mention SET sentence_start = NULL, sentence_end = NULL")
    con.close()
    assert facts() == stored
    placed = [r for r in stored if r[1] is not None]
    assert len(placed) > 500
    assert all(r[4] <= r[1] and r[2] <= r[5] for r in placed)


def test_a_batch_reads_the_rows_of_its_documents_whether_or_not_its_range_holds_others(tmp_path):
    """A refresh's new documents fall among the old ones (ids are content hashes): a batch must read only its
    own rows however its ids interleave with the other documents'."""
    import pytest

    from pipeline.defs.assets import STAGE

    con = duckdb.connect(str(tmp_path / "work.duckdb"))
    staging.ensure_tables(con)
    docs = [f"d{i}" for i in range(6)]
    staging.append(con, "stg_document", [{"document_id": d, "text": f"正文{d}"} for d in docs])
    staging.append(con, "stg_article", [{"article_id": f"{d}-{k}", "document_id": d, "body": f"正文{d}",
                                         "byline_people": []} for d in docs for k in (1, 0)])
    staging.append(con, "stg_mention", [{"entity_key": f"k{d}", "entity_type": etype, "document_id": d,
                                         "article_id": f"{d}-0", "char_start": start,
                                         "char_end": None if start is None else 2}
                                        for d in docs for start, etype in ((0, "region"), (None, "region"), (0, "person"))])
    for batch in (["d1", "d2", "d3"], ["d1", "d3", "d5"], ["d0", "d5"], ["d4"]):
        assert STAGE["articles"].read(con, batch)["documents"].column("document_id").to_pylist() == batch
        assert STAGE["entities"].read(con, batch)["articles"].column("article_id").to_pylist() == \
            [f"{d}-{k}" for d in batch for k in (0, 1)]
        fact = STAGE["quantities"].read(con, batch)
        assert fact["articles"].column("document_id").to_pylist() == [d for d in batch for _ in (0, 1)]
        # the placed mentions of what a quantity can be about only (no persons)
        assert fact["mentions"].column("document_id").to_pylist() == batch
        assert set(fact["mentions"].column("entity_type").to_pylist()) == {"region"}
    with pytest.raises(duckdb.CatalogException):
        con.execute("SELECT * FROM _batch")  # the sparse batches' id table is gone after the read


def test_relations_read_the_articles_their_prefilter_passes_and_find_what_they_would_find_in_all(tmp_path,
                                                                                              corpus_articles):
    """The relation stage's read runs the text core's verb prefilter in DuckDB (RE2): it must pass exactly the
    articles Python's ``may_hold_relation`` passes, and the relations of the articles it leaves out are none."""
    from pipeline.core.relations import may_hold_relation
    from pipeline.defs.assets import STAGE

    arts = [a for doc in corpus_articles.values() for a in doc]
    mentions = [m for doc in corpus_articles.values() for m in stages.entities_of(doc)[0]]
    con = duckdb.connect(str(tmp_path / "work.duckdb"))
    staging.ensure_tables(con)
    docs = sorted({a["document_id"] for a in arts})
    staging.append(con, "stg_document", [{"document_id": d, "text": ""} for d in docs])
    staging.append(con, "stg_article", arts)
    staging.append(con, "stg_mention", mentions)
    read = STAGE["relations"].read(con, docs)
    passed = read["articles"].column("article_id").to_pylist()
    expected = sorted((a["document_id"], a["article_id"]) for a in arts if may_hold_relation(a["body"]))
    assert sorted(zip(read["articles"].column("document_id").to_pylist(), passed)) == expected
    assert 0 < len(passed) < len(arts)  # the corpus has articles of both kinds
    assert set(read["mentions"].column("article_id").to_pylist()) <= set(passed)
    placed = [m for m in mentions if m["article_id"] in set(passed) and m["char_start"] is not None]
    assert read["mentions"].num_rows == len(placed)
    # the relations of the articles read are the relations of them all
    every = stages.relations_of((arts, stages._by(mentions, "article_id")))[0]
    tables, errors = stages.run_chunk("relations", (docs, {name: staging.to_ipc(t) for name, t in read.items()}))
    assert errors == [] and len(every) > 0
    def by_id(rows):
        return sorted(rows, key=lambda r: r["relation_id"])

    assert by_id(tables["stg_relation"].to_pylist()) == by_id(staging.to_arrow("stg_relation", every).to_pylist())
    con.close()


def test_staging_without_a_log_loses_only_whole_batches_since_its_last_checkpoint(tmp_path):
    """The staging file is written without DuckDB's write-ahead log. A process killed after committing a
    batch that no checkpoint wrote leaves the file as of the checkpoint: the lost batch's rows are gone with
    its done-marks, so its documents are pending again and nothing is staged twice when they are redone."""
    import os
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    path = tmp_path / "analyst's files" / "work.duckdb"  # a quote in the path is escaped in the ATTACH
    path.parent.mkdir()
    writer = textwrap.dedent(f"""
        import os
        from pipeline import stages, staging
        con = staging.connect_without_wal({str(path)!r}, {{"threads": "1"}})
        staging.ensure_tables(con)

        def stage_batch(ids):
            con.execute("BEGIN TRANSACTION")
            for d in ids:
                staging.append(con, "stg_document", [{{"document_id": d, "source_path": d + ".txt",
                                                      "encoding": "utf-8", "text": "昆明市与大理州签约。",
                                                      "n_bytes": 30}}])
                meta, articles, furniture, _ = stages.articles_of((d, "本报讯 昆明市与大理州签约。\\n"))
                staging.append(con, "stg_article", articles)
            staging.mark_done(con, "articles", ids)
            con.execute("COMMIT")

        stage_batch(["d1", "d2"])
        con.execute("CHECKPOINT")
        stage_batch(["d3"])  # committed, never checkpointed
        os._exit(0)  # killed: no close, no checkpoint
    """)
    subprocess.run([sys.executable, "-c", writer], check=True,
                   env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert not path.with_name(path.name + ".wal").exists()
    con = staging.connect_without_wal(path, {"threads": "1"})
    try:
        assert con.execute("SELECT list(document_id ORDER BY document_id) FROM stg_document").fetchone()[0] == ["d1", "d2"]
        assert con.execute("SELECT DISTINCT document_id FROM stg_article ORDER BY 1").fetchall() == [("d1",), ("d2",)]
        assert staging.pending(con, "articles") == []
        # the two documents of the checkpointed batch are done; the lost one can be staged again from scratch
        staging.append(con, "stg_document", [{"document_id": "d3", "source_path": "d3.txt", "encoding": "utf-8",
                                              "text": "昆明市", "n_bytes": 9}])
        assert staging.pending(con, "articles") == ["d3"]
    finally:
        con.close()
    reopened = duckdb.connect(str(path), read_only=True)  # closing wrote it: a plain reader sees it all
    try:
        assert reopened.execute("SELECT count(*) FROM stg_document").fetchone()[0] == 3
    finally:
        reopened.close()


def test_a_text_stage_killed_midway_keeps_the_batches_of_its_last_checkpoint(tmp_path):
    """A text stage checkpoints the staging file every CHECKPOINT_EVERY batches (it has no write-ahead log):
    killed before its third commit, with a checkpoint every two batches, it keeps the first two batches and
    their done-marks, and only the later documents are pending."""
    import os
    import subprocess
    import sys
    import textwrap
    from pathlib import Path

    path = tmp_path / "work.duckdb"
    stage_run = textwrap.dedent(f"""
        import os
        from contextlib import contextmanager
        from pipeline import staging
        from pipeline.defs import assets

        con = staging.connect_without_wal({str(path)!r}, {{"threads": "1"}})
        staging.ensure_tables(con)
        text = "本报讯 昆明市与大理州签约。\\n"
        staging.append(con, "stg_document", [{{"document_id": f"d{{i}}", "source_path": f"d{{i}}.txt",
                                              "encoding": "utf-8", "text": text, "n_bytes": 40}} for i in range(5)])
        con.execute("CHECKPOINT")

        class KilledAtThirdCommit:
            commits = 0

            def execute(self, sql, *args):
                if sql == "COMMIT":
                    self.commits += 1
                    if self.commits == 3:
                        os._exit(0)  # killed: no commit, no close
                return con.execute(sql, *args)

            def __getattr__(self, name):
                return getattr(con, name)

        class Staging:
            @contextmanager
            def get_connection(self):
                yield KilledAtThirdCommit()

        assets._batches.__defaults__ = (1,) + assets._batches.__defaults__[1:]  # a batch per document
        assets.CHECKPOINT_EVERY = 2
        assets.run_stage(assets.STAGE["articles"], Staging(), staging.pending(con, "articles"))
        raise SystemExit("the stage was not killed")
    """)
    subprocess.run([sys.executable, "-c", stage_run], check=True,
                   env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    con = staging.connect_without_wal(path, {"threads": "1"})
    try:
        assert staging.pending(con, "articles") == ["d2", "d3", "d4"]
        assert con.execute("SELECT DISTINCT document_id FROM stg_article ORDER BY 1").fetchall() == [("d0",), ("d1",)]
    finally:
        con.close()


def test_a_text_stage_checkpoints_its_last_batches_while_the_workers_still_hold_some(tmp_path, monkeypatch):
    """Every CHECKPOINT_EVERY batches, and once more when the batches run out and the workers still extract the
    last AHEAD of them: the stage's close then writes only those, not up to CHECKPOINT_EVERY batches."""
    from contextlib import contextmanager
    from types import SimpleNamespace

    from pipeline.defs import assets

    con = staging.connect_without_wal(tmp_path / "work.duckdb", {"threads": "1"})
    staging.ensure_tables(con)
    staging.append(con, "stg_document", [{"document_id": f"d{i:02d}", "source_path": f"d{i}.txt", "encoding": "utf-8",
                                          "text": "本报讯 昆明市与大理州签约。\n", "n_bytes": 40} for i in range(25)])
    statements = []
    recording = SimpleNamespace(execute=lambda sql, *args: statements.append(sql) or con.execute(sql, *args),
                                **{name: getattr(con, name) for name in ("register", "unregister")})
    monkeypatch.setattr(assets._batches, "__defaults__", (1,) + assets._batches.__defaults__[1:])
    monkeypatch.setattr(assets, "CHECKPOINT_EVERY", 10)
    assets.run_stage(assets.STAGE["articles"], SimpleNamespace(get_connection=contextmanager(lambda: (yield recording))),
                     staging.pending(con, "articles"))
    checkpointed_after = [statements[:k].count("COMMIT") for k, sql in enumerate(statements) if sql == "CHECKPOINT"]
    assert checkpointed_after == [10, 20, 25 - assets.AHEAD]
    assert staging.pending(con, "articles") == []
    con.close()


def _stored_rows(con, table: str) -> tuple[int, int]:
    """(row groups, rows stored) of ``table``: deleted rows still stored count until a vacuum drops them."""
    return con.execute("SELECT count(DISTINCT row_group_id), sum(count) FROM pragma_storage_info(?) "
                       "WHERE column_id = 0 AND segment_type <> 'VALIDITY'", [table]).fetchone()


def _staged_in_three_checkpoints(path) -> duckdb.DuckDBPyConnection:
    con = staging.connect_without_wal(path, settings.staging_duckdb_config())
    staging.ensure_tables(con)
    for b in range(3):
        staging.append(con, "stg_document", [
            {"document_id": f"d{b}-{i:04d}", "source_path": f"d{b}-{i:04d}.txt", "encoding": "utf-8",
             "text": f"昆明市与大理州签约，总投资{i}亿元。" * 20, "n_bytes": 600} for i in range(2000)])
        con.execute("CHECKPOINT")
    return con


def test_staging_appends_keep_their_row_groups_and_the_checkpoint_after_a_deletion_reclaims_it(tmp_path):
    # each checkpointed append stays a row group of its own: no later checkpoint merges (re-compresses) them
    plain = _staged_in_three_checkpoints(tmp_path / "plain.duckdb")
    reclaimed = _staged_in_three_checkpoints(tmp_path / "reclaimed.duckdb")
    try:
        assert _stored_rows(plain, "stg_document") == (3, 6000)
        gone = [f"d{b}-{i:04d}" for b in range(3) for i in range(2000) if i % 4]  # three quarters of every batch
        for con in (plain, reclaimed):
            con.execute("BEGIN TRANSACTION")
            staging.delete_documents(con, gone)
            con.execute("COMMIT")
        plain.execute("CHECKPOINT")
        staging.checkpoint_reclaiming(reclaimed)
        for con in (plain, reclaimed):
            assert con.execute("SELECT count(*) FROM stg_document").fetchone()[0] == 1500
        assert _stored_rows(plain, "stg_document")[1] == 6000  # the deleted rows are still in the file
        assert _stored_rows(reclaimed, "stg_document") == (1, 1500)  # merged into one row group of live rows
        assert reclaimed.execute("SELECT current_setting('max_vacuum_tasks')").fetchone()[0] == 0
    finally:
        plain.close()
        reclaimed.close()


def test_rows_become_arrow_columns_with_missing_values_null_and_extra_keys_ignored():
    from decimal import Decimal

    full = {"stage": "entities", "document_id": "d1"}
    assert staging.to_arrow("stg_stage_done", [full, {**full, "document_id": "d2", "extra": 1}]).to_pylist() == [
        full, {**full, "document_id": "d2"}]
    # one row short of a column: that row's value is NULL, the others keep theirs
    assert staging.to_arrow("stg_stage_done", [full, {"stage": "layout"}]).to_pylist() == [
        full, {"stage": "layout", "document_id": None}]
    assert staging.to_arrow("stg_stage_done", []).num_rows == 0
    rows = [{"quantity_id": "q1", "value": Decimal("52.17"), "value_high": None}]
    arrow = staging.to_arrow("stg_quantity", rows)
    assert arrow.column("value").to_pylist() == [Decimal("52.17")] and arrow.column("unit_code").to_pylist() == [None]
    assert arrow.schema == staging.SCHEMAS["stg_quantity"]
