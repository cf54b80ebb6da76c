"""Data-quality checks read the rows they must: per-row rules only the documents new in a candidate."""
import duckdb

from pipeline import warehouse

CHECK = {c.name: c for c in warehouse.CHECKS}


def _db(path):
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE dim_article (article_id VARCHAR, document_id VARCHAR, body VARCHAR)")
    con.execute("CREATE TABLE fact_quantity (quantity_id VARCHAR, document_id VARCHAR, article_id VARCHAR, "
                "raw_text VARCHAR, char_start INT, char_end INT, value DECIMAL(38, 6), value_high DECIMAL(38, 6))")
    con.execute("CREATE TABLE fact_entity_mention (entity_id VARCHAR, document_id VARCHAR, article_id VARCHAR, "
                "surface VARCHAR, char_start INT, char_end INT)")
    con.execute("INSERT INTO dim_article VALUES ('a-001', 'a', '完成投资5亿元。'), ('b-001', 'b', '安宁市投资3亿元。')")
    # document a is right; document b's quantity span is off by one and its range is reversed
    con.execute("INSERT INTO fact_quantity VALUES ('qa', 'a', 'a-001', '5亿元', 4, 7, 500000000, NULL), "
                "('qb', 'b', 'b-001', '3亿元', 4, 7, 300000000, 100000000)")
    con.execute("INSERT INTO fact_entity_mention VALUES ('ea', 'b', 'b-001', '安宁市', 0, 3)")
    con.close()
    return path


def test_per_row_checks_read_the_new_documents_only(tmp_path):
    db = _db(tmp_path / "w.duckdb")
    for name in ("provenance_spans", "values_finite"):
        assert CHECK[name].per_document
        assert warehouse.run_check(db, CHECK[name])[0] == 1, name  # every document
        assert warehouse.run_check(db, CHECK[name], ["b"])[0] == 1, name
        assert warehouse.run_check(db, CHECK[name], ["a"])[0] == 0, name  # b was checked when it was published
        assert warehouse.run_check(db, CHECK[name], [])[0] == 0, name
    n, rows = warehouse.run_check(db, CHECK["provenance_spans"], ["b"])
    assert rows[0][:3] == ("fact_quantity", "qb", "3亿元")


def test_rules_across_documents_read_every_row():
    assert not CHECK["entity_keys_unique"].per_document  # dim_entity is rebuilt from every document
    assert not CHECK["foreign_keys_resolve"].per_document


def test_a_duplicate_key_is_found_from_the_new_document_that_repeats_it(tmp_path):
    con = duckdb.connect(str(tmp_path / "k.duckdb"))
    con.execute("CREATE TABLE dim_document (document_id VARCHAR)")
    con.execute("CREATE TABLE dim_article (article_id VARCHAR, document_id VARCHAR)")
    con.execute("CREATE TABLE fact_quantity (quantity_id VARCHAR, document_id VARCHAR)")
    con.execute("CREATE TABLE fact_relation (relation_id VARCHAR, article_id VARCHAR)")
    con.execute("INSERT INTO dim_document VALUES ('a'), ('b'), ('c')")
    con.execute("INSERT INTO dim_article VALUES ('a-001', 'a'), ('b-001', 'b'), ('c-001', 'c')")
    # document b repeats a quantity id and a relation id of the already published document a
    con.execute("INSERT INTO fact_quantity VALUES ('q1', 'a'), ('q1', 'b'), ('q2', 'c')")
    con.execute("INSERT INTO fact_relation VALUES ('r1', 'a-001'), ('r1', 'b-001'), ('r2', 'c-001')")
    con.close()
    keys = CHECK["keys_unique"]
    assert keys.per_document
    n, rows = warehouse.run_check(tmp_path / "k.duckdb", keys, ["b"])
    assert n == 2 and sorted(rows) == [("fact_quantity", "q1"), ("fact_relation", "r1")]
    assert warehouse.run_check(tmp_path / "k.duckdb", keys)[0] == 2  # every document
    assert warehouse.run_check(tmp_path / "k.duckdb", keys, ["c"])[0] == 0  # a and b were checked before


def test_changed_checks_change_the_code_fingerprint(monkeypatch):
    before = warehouse.code_fingerprint()
    assert warehouse.code_fingerprint() == before
    loosened = tuple(warehouse.Check(c.name, c.description, c.sql.replace("count(*) > 1", "count(*) > 2"))
                     for c in warehouse.CHECKS)
    assert loosened != warehouse.CHECKS
    monkeypatch.setattr(warehouse, "CHECKS", loosened)
    assert warehouse.code_fingerprint() != before


def test_checks_skip_only_the_published_file_as_it_passed_them(tmp_path):
    from pipeline.defs.resources import PipelinePaths

    paths = PipelinePaths(input_dir=str(tmp_path / "in"), warehouse=str(tmp_path / "out" / "warehouse.duckdb"))
    paths.warehouse_path().parent.mkdir()
    published = _db(paths.warehouse_path())
    record = paths.publication_record()
    record.parent.mkdir(parents=True, exist_ok=True)
    assert not paths.published_as_checked()  # never published: every check reads every row
    warehouse.record_publication(published, record, warehouse.Fingerprint("staging", warehouse.code_fingerprint()))
    assert paths.published_as_checked()
    paths.candidate().write_bytes(b"")  # a candidate is what the checks read, and it has not passed them
    assert not paths.published_as_checked()
    paths.candidate().unlink()
    warehouse.record_publication(published, record, warehouse.Fingerprint("staging", "published by other code"))
    assert not paths.published_as_checked()
    assert paths.check_scope() is None  # checks run by hand after a change of code read every row
    warehouse.record_publication(published, record, warehouse.Fingerprint("staging", warehouse.code_fingerprint()))
    with duckdb.connect(str(published)) as con:  # changed by someone else after its publication
        con.execute("DELETE FROM dim_article WHERE article_id = 'a-001'")
    assert not paths.published_as_checked()


def test_checks_run_within_the_pipelines_memory_bound(tmp_path, monkeypatch):
    """The checks join every article body with its spans: DuckDB's own default pool (80% of RAM) let that
    grow with the corpus, so they run on the bounded pool the build uses."""
    db = _db(tmp_path / "w.duckdb")
    monkeypatch.setenv("PIPELINE_DUCKDB_MEMORY", "300MB")
    limit = warehouse.Check("limit", "the connection's memory limit", "SELECT current_setting('memory_limit') AS m")
    [(_, n, rows)] = warehouse.run_checks(db, [limit])
    assert rows == [("286.1 MiB",)]  # 300 MB as DuckDB prints it; its default here would be ~19 GiB
