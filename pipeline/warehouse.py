"""Build the warehouse from staging with the SQL models, check it, publish it.

The warehouse is built into a candidate file beside the published one and
moved into place with an atomic rename: analysts holding the published file
open keep reading the old version, and a crash at any moment leaves the
published file as it was.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from .core.reference import reference_dir
from .settings import SQL_DIR

# Order matters only for readability; each model reads staging tables.
TABLE_MODELS = (
    "dim_document", "dim_article", "dim_entity", "dim_metric", "dim_unit", "dim_date",
    "fact_quantity", "fact_entity_mention", "fact_person_role", "fact_relation",
    "fact_removed_span", "quarantine_file",
)
VIEW_MODELS = ("v_region_rollup", "v_quantity", "v_investment_by_region_year", "v_project_status",
               "v_agreement", "v_person_role")


def model_sql(name: str) -> str:
    path = SQL_DIR / f"{name}.sql"
    if not path.exists():
        path = SQL_DIR / "views" / f"{name}.sql"
    return path.read_text(encoding="utf-8")


def build_candidate(work_db: Path, candidate: Path) -> dict[str, int]:
    """Materialise every contract table into a fresh ``candidate`` file."""
    for p in (candidate, candidate.with_name(candidate.name + ".wal")):
        if p.exists():
            p.unlink()
    con = duckdb.connect(str(candidate))
    try:
        con.execute(f"ATTACH '{_sql_path(work_db)}' AS work (READ_ONLY)")
        con.execute("SET VARIABLE reference_dir = ?", [str(reference_dir())])
        for name in TABLE_MODELS:
            con.execute(model_sql(name))
        con.execute("DETACH work")
        counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in TABLE_MODELS}
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts


def build_fingerprint(work_db: Path) -> str:
    """What the published warehouse is a function of: staging contents, SQL models and reference data.

    Equal fingerprints mean a rebuild would produce the same warehouse, so a
    refresh with nothing new can skip it (work proportional to what changed).
    """
    import hashlib

    from .staging import SCHEMAS

    digest = hashlib.sha256()
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        for table in sorted(SCHEMAS):
            if table == "stg_stage_done":
                continue
            row = con.execute(f"SELECT count(*), coalesce(bit_xor(hash(t)), 0) FROM {table} AS t").fetchone()
            digest.update(f"{table}:{row[0]}:{row[1]};".encode())
    finally:
        con.close()
    for path in sorted([*SQL_DIR.rglob("*.sql"), *reference_dir().glob("*.csv")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def published_fingerprint(warehouse: Path, record: Path) -> str | None:
    """The fingerprint recorded at the last publication, if the published file is still that one."""
    import json

    try:
        info = json.loads(record.read_text(encoding="utf-8"))
        st = warehouse.stat()
    except (OSError, ValueError):
        return None
    if info.get("size") != st.st_size or info.get("mtime_ns") != st.st_mtime_ns:
        return None  # replaced or touched by someone else: rebuild
    return info.get("fingerprint")


def record_publication(warehouse: Path, record: Path, fingerprint: str) -> None:
    import json

    st = warehouse.stat()
    tmp = record.with_suffix(".tmp")
    tmp.write_text(json.dumps({"fingerprint": fingerprint, "size": st.st_size, "mtime_ns": st.st_mtime_ns}),
                   encoding="utf-8")
    os.replace(tmp, record)


def create_views(candidate: Path) -> list[str]:
    con = duckdb.connect(str(candidate))
    try:
        for name in VIEW_MODELS:
            con.execute(model_sql(name))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return list(VIEW_MODELS)


def publish(candidate: Path, warehouse: Path) -> None:
    """Atomically replace the published warehouse with the candidate."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(candidate, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(candidate, warehouse)
    dir_fd = os.open(warehouse.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _sql_path(p: Path) -> str:
    # paths are ours, not document text; quote defensively anyway
    return str(p).replace("'", "''")


# --- data-quality checks ---------------------------------------------------

@dataclass(frozen=True)
class Check:
    name: str
    description: str
    sql: str  # returns offending rows


CHECKS: tuple[Check, ...] = (
    Check("keys_unique", "primary keys are unique", """
        SELECT 'fact_quantity' AS tbl, quantity_id AS key FROM fact_quantity GROUP BY quantity_id HAVING count(*) > 1
        UNION ALL SELECT 'dim_article', article_id FROM dim_article GROUP BY article_id HAVING count(*) > 1
        UNION ALL SELECT 'dim_document', document_id FROM dim_document GROUP BY document_id HAVING count(*) > 1
        UNION ALL SELECT 'dim_entity', entity_id FROM dim_entity GROUP BY entity_id HAVING count(*) > 1
        UNION ALL SELECT 'fact_relation', relation_id FROM fact_relation GROUP BY relation_id HAVING count(*) > 1"""),
    Check("no_duplicate_facts", "no quantity is stated twice for the same span", """
        SELECT article_id, char_start, char_end, count(*) AS n FROM fact_quantity
        GROUP BY ALL HAVING count(*) > 1"""),
    Check("foreign_keys_resolve", "every reference points at an existing row", """
        SELECT 'fact_quantity.article_id' AS ref, q.quantity_id AS key FROM fact_quantity q
            LEFT JOIN dim_article a USING (article_id) WHERE a.article_id IS NULL
        UNION ALL SELECT 'fact_quantity.subject_entity_id', q.quantity_id FROM fact_quantity q
            LEFT JOIN dim_entity e ON e.entity_id = q.subject_entity_id
            WHERE q.subject_entity_id IS NOT NULL AND e.entity_id IS NULL
        UNION ALL SELECT 'dim_article.document_id', a.article_id FROM dim_article a
            LEFT JOIN dim_document d USING (document_id) WHERE d.document_id IS NULL
        UNION ALL SELECT 'dim_entity.parent_entity_id', e.entity_id FROM dim_entity e
            LEFT JOIN dim_entity p ON p.entity_id = e.parent_entity_id
            WHERE e.parent_entity_id IS NOT NULL AND p.entity_id IS NULL
        UNION ALL SELECT 'fact_entity_mention.entity_id', m.article_id FROM fact_entity_mention m
            LEFT JOIN dim_entity e USING (entity_id) WHERE e.entity_id IS NULL
        UNION ALL SELECT 'fact_person_role.person_entity_id', r.article_id FROM fact_person_role r
            LEFT JOIN dim_entity e ON e.entity_id = r.person_entity_id WHERE e.entity_id IS NULL
        UNION ALL SELECT 'fact_person_role.org_entity_id', r.article_id FROM fact_person_role r
            LEFT JOIN dim_entity e ON e.entity_id = r.org_entity_id
            WHERE r.org_entity_id IS NOT NULL AND e.entity_id IS NULL
        UNION ALL SELECT 'fact_relation.party_entity_ids', r.relation_id FROM fact_relation r,
            UNNEST(r.party_entity_ids) AS p(eid) LEFT JOIN dim_entity e ON e.entity_id = p.eid
            WHERE e.entity_id IS NULL"""),
    Check("codes_in_dimensions", "unit_code and metric_code exist in their dimensions", """
        SELECT 'unit_code' AS col, q.unit_code AS code, q.quantity_id FROM fact_quantity q
            LEFT JOIN dim_unit u USING (unit_code) WHERE u.unit_code IS NULL
        UNION ALL SELECT 'metric_code', q.metric_code, q.quantity_id FROM fact_quantity q
            LEFT JOIN dim_metric m USING (metric_code) WHERE m.metric_code IS NULL"""),
    Check("values_finite", "values are finite and ranges ordered", """
        SELECT quantity_id, value, value_high FROM fact_quantity
        WHERE value IS NULL OR NOT isfinite(CAST(value AS DOUBLE))
           OR (value_high IS NOT NULL AND value_high < value)"""),
    Check("provenance_spans", "body[char_start:char_end] equals raw_text / surface", """
        SELECT 'fact_quantity' AS tbl, q.quantity_id AS key, q.raw_text AS expected,
               substr(a.body, q.char_start + 1, q.char_end - q.char_start) AS found
        FROM fact_quantity q JOIN dim_article a USING (article_id)
        WHERE substr(a.body, q.char_start + 1, q.char_end - q.char_start) <> q.raw_text
        UNION ALL
        SELECT 'fact_entity_mention', m.entity_id, m.surface, substr(a.body, m.char_start + 1, m.char_end - m.char_start)
        FROM fact_entity_mention m JOIN dim_article a USING (article_id)
        WHERE m.char_start IS NOT NULL AND substr(a.body, m.char_start + 1, m.char_end - m.char_start) <> m.surface"""),
    Check("files_accounted_for", "every input file is a document or quarantined", """
        SELECT source_path FROM (SELECT DISTINCT source_path FROM dim_document) d
        WHERE source_path IN (SELECT source_path FROM quarantine_file)"""),
)


def run_check(db: Path, check: Check, limit: int = 20) -> tuple[int, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        n = con.execute(f"SELECT count(*) FROM ({check.sql})").fetchone()[0]
        rows = con.execute(f"SELECT * FROM ({check.sql}) LIMIT {int(limit)}").fetchall() if n else []
    finally:
        con.close()
    return n, rows
