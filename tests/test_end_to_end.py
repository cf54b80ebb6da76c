"""Materialise every asset as `make run` does into a temporary warehouse and check the contract."""
from decimal import Decimal

import duckdb
import pytest

from pipeline import warehouse as warehouse_module

CONTRACT = {
    "dim_document": ["document_id", "source_path", "source_name", "encoding", "published_date",
                     "published_date_inferred", "ingested_at"],
    "dim_article": ["article_id", "document_id", "seq", "title", "reporters", "published_date", "body", "is_boilerplate"],
    "dim_entity": ["entity_id", "entity_type", "canonical_name", "aliases", "parent_entity_id", "region_level", "admin_code"],
    "dim_metric": ["metric_code", "name_zh", "name_en", "dimension"],
    "dim_unit": ["unit_code", "dimension", "description"],
    "dim_date": ["date_key", "year", "quarter", "month"],
    "fact_quantity": ["quantity_id", "document_id", "article_id", "metric_code", "subject_entity_id", "value",
                      "value_high", "unit_code", "qualifier", "counted", "raw_text", "raw_value", "raw_unit",
                      "period_start", "period_end", "period_label", "status", "comparison", "sentence",
                      "char_start", "char_end", "confidence"],
    "fact_entity_mention": ["entity_id", "document_id", "article_id", "surface", "char_start", "char_end"],
    "fact_person_role": ["person_entity_id", "title", "org_entity_id", "article_id"],
    "fact_relation": ["relation_id", "relation_type", "article_id", "description", "event_date", "party_entity_ids"],
    "quarantine_file": ["source_path", "reason", "detected_at"],
}


@pytest.fixture(scope="module")
def warehouse(built_warehouse):
    con = duckdb.connect(str(built_warehouse.warehouse), read_only=True)
    yield con
    con.close()


def test_make_run_prints_progress_a_summary_table_and_every_rejected_file(built_warehouse):
    out = built_warehouse.stdout
    for stage in ("raw_documents", "articles", "entities", "quantities", "relations", "warehouse_tables",
                  "reporting_views", "warehouse_db", "report_html"):
        assert f"▶ {stage} …" in out and f"✔ {stage} (" in out
    assert "check provenance_spans: passed" in out
    table = out[out.index("stage "):]
    assert table.splitlines()[0].split() == ["stage", "status", "seconds", "produced"]
    n = len(warehouse_module.CHECKS)
    assert "checks" in table and f"{n}/{n} passed" in table
    # the undecodable file is named with its reason, in the progress and in the closing summary
    assert "quarantined files: 1" in out
    assert "broken.txt: not decodable" in out or "broken.txt: binary content" in out


def test_every_materialisation_shows_counts_and_a_preview_in_the_ui(built_warehouse):
    import dagster as dg

    with dg.DagsterInstance.from_config(str(built_warehouse.dagster_home)) as instance:
        keys = list(instance.get_asset_keys())
        assert {k.to_user_string() for k in keys} >= {"raw_documents", "articles", "entities", "quantities", "relations",
                                                       "warehouse_tables", "reporting_views", "warehouse_db", "report_html"}
        for key in keys:
            event = instance.get_latest_materialization_event(key)
            md = event.asset_materialization.metadata
            assert any(isinstance(v, dg.MarkdownMetadataValue) for v in md.values()), key
            assert any(isinstance(v, (dg.IntMetadataValue, int)) or (hasattr(v, "value") and isinstance(v.value, int))
                       for v in md.values()), key


def test_every_contract_table_and_column(warehouse):
    for table, cols in CONTRACT.items():
        have = {r[0] for r in warehouse.execute(f"DESCRIBE {table}").fetchall()}
        assert set(cols) <= have, (table, set(cols) - have)
        if table != "quarantine_file":
            assert warehouse.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table


def test_52_17_yi_exact_with_sentence_and_article(warehouse):
    rows = warehouse.execute("""
        SELECT q.value, q.unit_code, q.sentence, a.body, q.char_start, q.char_end, q.raw_text, d.source_path
        FROM fact_quantity q JOIN dim_article a USING (article_id) JOIN dim_document d ON d.document_id = q.document_id
        WHERE q.raw_text LIKE '%52.17亿元%'""").fetchall()
    assert len(rows) == 1
    value, unit, sentence, body, s, e, raw, path = rows[0]
    assert value == Decimal(5217000000) and unit == "CNY"
    assert "完成全口径到位资金52.17亿元" in sentence
    assert body[s:e] == raw
    assert path.endswith("000_22f865cab73b78de.txt")


def test_bad_file_is_quarantined_and_the_rest_loads(warehouse):
    q = warehouse.execute("SELECT source_path, reason FROM quarantine_file").fetchall()
    assert len(q) == 1 and q[0][0].endswith("broken.txt") and q[0][1]
    assert warehouse.execute("SELECT count(*) FROM dim_document").fetchone()[0] == 4


def test_regions_roll_up_to_the_province(warehouse):
    row = warehouse.execute("""
        SELECT e.canonical_name, e.admin_code, p.canonical_name, pp.canonical_name
        FROM dim_entity e JOIN dim_entity p ON p.entity_id = e.parent_entity_id
        JOIN dim_entity pp ON pp.entity_id = p.parent_entity_id
        WHERE e.canonical_name = '安宁市'""").fetchone()
    assert row == ("安宁市", "530181", "昆明市", "云南省")


def test_views_answer(warehouse):
    assert warehouse.execute("SELECT count(*) FROM v_investment_by_region_year").fetchone()[0] > 0
    assert warehouse.execute("SELECT count(*) FROM v_agreement").fetchone()[0] > 0
