"""Build the warehouse from staging with the SQL models, check it, publish it.

The warehouse is built into a candidate file beside the published one and
moved into place with an atomic rename: analysts holding the published file
open keep reading the old version, and a crash at any moment leaves the
published file as it was.
"""
from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import duckdb

from .core.reference import reference_dir
from .settings import SQL_DIR, duckdb_config
from .staging import PER_DOCUMENT as STAGING_PER_DOCUMENT, SCHEMAS, connect_without_wal, sql_string

# Each model reads staging tables; fact_project_stage also reads fact_entity_mention and the two lexicons,
# built before it.
TABLE_MODELS = (
    "dim_document", "dim_article", "dim_entity", "dim_metric", "dim_unit", "dim_date", "ref_project_stage",
    "ref_status_cue", "fact_quantity", "fact_entity_mention", "fact_project_stage", "fact_person_role",
    "fact_relation", "fact_removed_span", "quarantine_file",
)
# Helper views (sql/views) in dependency order: DuckDB binds a view when it is created.
HELPER_VIEWS = ("v_entity_region", "v_region_ancestor", "v_region_rollup", "v_mention_sentence", "v_quantity_region",
                "v_quantity", "v_investment_by_region_year", "v_project_status", "v_agreement", "v_person_role")
# Reporting views (sql/reports), one question each; they read tables and helper views only.
REPORT_VIEWS = tuple(sorted(p.stem for p in (SQL_DIR / "reports").glob("report_*.sql")))
VIEW_MODELS = HELPER_VIEWS + REPORT_VIEWS


def model_sql(name: str) -> str:
    for folder in (SQL_DIR, SQL_DIR / "views", SQL_DIR / "reports"):
        path = folder / f"{name}.sql"
        if path.exists():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"no SQL model {name} in {SQL_DIR}")


def view_question(name: str) -> str:
    """The question a reporting view answers: the `-- Question:` comment that opens its file."""
    lines = model_sql(name).splitlines()
    out: list[str] = []
    for line in lines:
        if not line.startswith("--"):
            break
        text = line[2:].strip()
        if text.startswith("Question:"):
            out.append(text[len("Question:"):].strip())
        elif out:
            out.append(text)
    return " ".join(out)


def build_candidate(work_db: Path, candidate: Path) -> dict[str, int]:
    """Materialise every contract table into a fresh ``candidate`` file (no write-ahead log: a crash leaves a
    partial candidate, which is never published; the CHECKPOINT below writes it all before it is)."""
    for p in (candidate, candidate.with_name(candidate.name + ".wal")):
        if p.exists():
            p.unlink()
    con = connect_without_wal(candidate, duckdb_config())
    try:
        con.execute(f"ATTACH '{sql_string(work_db)}' AS work (READ_ONLY)")
        con.execute("SET VARIABLE reference_dir = ?", [str(reference_dir())])
        for name in TABLE_MODELS:
            con.execute(model_sql(name))
        con.execute("DETACH work")
        counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in TABLE_MODELS}
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts


@dataclass(frozen=True)
class Fingerprint:
    """What the published warehouse is a function of.

    ``staging`` covers the staging tables; ``code`` the SQL models, reference
    data, data-quality checks and publication target. Equal fingerprints: nothing to rebuild. Equal
    ``code`` only: the published warehouse can be updated with the changed
    documents instead of rebuilt (work proportional to what changed).
    """
    staging: str
    code: str


# A document's texts are a function of its bytes (the id is their hash) and are rewritten only with a new
# ingested_at: hashing the other columns sees every change without reading the whole corpus at each refresh.
_ROW_HASH = {"stg_document": "hash(document_id, source_path, encoding, is_traditional, n_bytes, ingested_at)"}
# A stage's rows are appended in the transaction that marks their documents done in stg_stage_done, and are
# deleted only with their document's stg_document row: those two tables' hashes see every change of them, so
# they are only counted (hashing every body and sentence took 0.8 s of each refresh at 20,000 documents).
_COUNTED = tuple(t for t in STAGING_PER_DOCUMENT if t not in ("stg_document", "stg_stage_done"))


# Staging tables no SQL model reads: stage progress, and the file listing.
_NOT_READ_BY_MODELS = ("stg_stage_done", "stg_file")


def build_fingerprint(work_db: Path) -> Fingerprint:
    import hashlib

    digest = hashlib.sha256()
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        for table in sorted(SCHEMAS):
            if table == "stg_file":
                continue  # a file touched without a change of content rewrites its row: nothing to republish
            row_hash = "0" if table in _COUNTED else _ROW_HASH.get(table, "hash(t)")
            row = con.execute(f"SELECT count(*), coalesce(bit_xor({row_hash}), 0) FROM {table} AS t").fetchone()
            digest.update(f"{table}:{row[0]}:{row[1]};".encode())
    finally:
        con.close()
    return Fingerprint(digest.hexdigest(), code_fingerprint())


def code_fingerprint() -> str:
    """The SQL models, the reference data, the data-quality checks and the publication target.

    The checks belong here because a published warehouse passed the checks of the code that published it:
    changed checks rebuild it, so every row is read by the rules in force."""
    import hashlib

    from . import lakehouse  # it imports this module

    # a newly configured DuckLake target needs a publication even when the tables are unchanged
    code = hashlib.sha256(repr(lakehouse.configured()).encode())
    for path in sorted([*SQL_DIR.rglob("*.sql"), *reference_dir().glob("*.csv")]):
        code.update(path.name.encode() + path.read_bytes())
    for check in CHECKS:
        code.update(f"{check.name}\0{check.sql}\0".encode())
    return code.hexdigest()


def published_fingerprint(warehouse: Path, record: Path) -> Fingerprint | None:
    """The fingerprint recorded at the last publication, if the published file is still that one."""
    import json

    try:
        info = json.loads(record.read_text(encoding="utf-8"))
        st = warehouse.stat()
    except (OSError, ValueError):
        return None
    if info.get("size") != st.st_size or info.get("mtime_ns") != st.st_mtime_ns:
        return None  # replaced or touched by someone else: rebuild
    try:
        return Fingerprint(info["staging"], info["code"])
    except KeyError:
        return None


def record_publication(warehouse: Path, record: Path, fingerprint: Fingerprint) -> None:
    import json

    st = warehouse.stat()
    tmp = record.with_suffix(".tmp")
    tmp.write_text(json.dumps({"staging": fingerprint.staging, "code": fingerprint.code, "size": st.st_size,
                               "mtime_ns": st.st_mtime_ns}), encoding="utf-8")
    os.replace(tmp, record)


# Tables whose rows belong to one document (by document_id, or by article_id for
# the two facts keyed by article); every other table is rebuilt whole.
PER_DOCUMENT = {
    "fact_quantity": "document_id", "fact_entity_mention": "document_id", "fact_removed_span": "document_id",
    "fact_person_role": "article_id", "fact_relation": "article_id",
    "dim_article": "document_id", "dim_document": "document_id",
    # after fact_entity_mention: it reads the new mentions' sentence bounds (and the lexicons as published)
    "fact_project_stage": "document_id",
}
_WORK_TABLE = re.compile(r"\bwork\.(?=stg_)")
_MODEL = re.compile(r"CREATE\s+OR\s+REPLACE\s+TABLE\s+(\w+)\s+AS\s+(.*?);?\s*$", re.S | re.I)


def model_select(name: str) -> str:
    """The SELECT of a table model (its file is ``CREATE OR REPLACE TABLE name AS SELECT …``)."""
    body = "\n".join(line for line in model_sql(name).splitlines() if not line.lstrip().startswith("--"))
    m = _MODEL.search(body)
    if not m or m.group(1) != name:
        raise ValueError(f"sql/{name}.sql is not a single CREATE OR REPLACE TABLE {name} AS SELECT model")
    return m.group(2)


def standby_record(standby: Path) -> Path:
    return standby.with_suffix(".json")


def _standby_usable(standby: Path, code: str | None) -> bool:
    """The standby file is a warehouse we published, untouched since, built by the same SQL and reference data."""
    recorded = published_fingerprint(standby, standby_record(standby))
    return recorded is not None and recorded.code == code


def _discard_standby(standby: Path) -> None:
    standby_record(standby).unlink(missing_ok=True)
    standby.unlink(missing_ok=True)


def _open_candidate_base(published: Path, candidate: Path, standby: Path | None,
                         code: str | None) -> tuple[duckdb.DuckDBPyConnection, str]:
    """A writable connection to the candidate and where it started from: "standby" or "copy".

    Taking the standby avoids copying (and syncing) the whole published file: only what changes is written.
    A reader who opened the warehouse before the last publication still holds the standby: DuckDB then refuses
    the write lock, and the candidate is a copy of the published file instead."""
    for p in (candidate, candidate.with_name(candidate.name + ".wal")):
        p.unlink(missing_ok=True)
    if standby is not None and _standby_usable(standby, code):
        standby_record(standby).unlink()  # from here the file is a candidate, no longer a clean standby
        os.replace(standby, candidate)
        try:
            return duckdb.connect(str(candidate), config=duckdb_config()), "standby"
        except duckdb.IOException:
            candidate.unlink()  # the reader keeps its open file
    elif standby is not None:
        _discard_standby(standby)  # stale: built by other code, or not ours any more
    shutil.copyfile(published, candidate)
    return duckdb.connect(str(candidate), config=duckdb_config()), "copy"


def update_candidate(published: Path, work_db: Path, candidate: Path, standby: Path | None = None,
                     code: str | None = None) -> tuple[dict[str, int], list[str], str]:
    """The published warehouse with the rows of changed documents replaced, the global tables rebuilt;
    with the ids of the documents whose rows are new, and where the candidate started from ("standby" or "copy").

    The candidate starts from the ``standby`` file (the warehouse as published one refresh earlier) when it
    is usable for ``code``, else from a copy of the published file. Either way the documents to drop and to
    add are what differs between the candidate's ``dim_document`` and staging, so a standby one publication
    behind catches up. Same contents as ``build_candidate`` when only documents changed; tests compare the
    two."""
    con, base = _open_candidate_base(published, candidate, standby, code)
    try:
        con.execute(f"ATTACH '{sql_string(work_db)}' AS work (READ_ONLY)")
        con.execute("SET VARIABLE reference_dir = ?", [str(reference_dir())])
        # documents to drop: gone from staging, or whose row differs (a renamed file keeps its content hash)
        con.execute("""CREATE TEMP TABLE _old_docs AS
            SELECT document_id FROM (SELECT document_id, source_path FROM main.dim_document
                                     EXCEPT SELECT document_id, source_path FROM work.stg_document)""")
        con.execute("""CREATE TEMP TABLE _new_docs AS
            SELECT document_id FROM (SELECT document_id, source_path FROM work.stg_document
                                     EXCEPT SELECT document_id, source_path FROM main.dim_document)""")
        con.execute("""CREATE TEMP TABLE _old_articles AS SELECT article_id FROM main.dim_article
                       WHERE document_id IN (SELECT document_id FROM _old_docs)""")
        con.execute("""CREATE TEMP TABLE _new_articles AS SELECT article_id FROM work.stg_article
                       WHERE document_id IN (SELECT document_id FROM _new_docs)""")
        # The new documents' staging rows in memory: the per-document models then read a handful of rows, where
        # reading work.* and filtering the result would evaluate each model over the whole corpus. Fetched by
        # rowid: a filtered scan reads whole vectors of the long text columns (0.7 s for two documents of
        # stg_document at 20,000 documents, cold), a rowid fetch only the rows asked for (0.01 s).
        con.execute("ATTACH ':memory:' AS delta")
        for table in STAGING_PER_DOCUMENT:
            if table in _NOT_READ_BY_MODELS:
                continue
            con.execute(f"CREATE TABLE delta.{table} AS SELECT * FROM work.{table} WHERE rowid IN "
                        f"(SELECT rowid FROM work.{table} WHERE document_id IN (SELECT document_id FROM _new_docs))")
        con.execute("BEGIN TRANSACTION")
        for table, key in PER_DOCUMENT.items():  # identifiers: our constants
            old = "_old_docs" if key == "document_id" else "_old_articles"
            con.execute(f"DELETE FROM main.{table} WHERE {key} IN (SELECT {key} FROM {old})")
        for table, key in PER_DOCUMENT.items():
            new = "_new_docs" if key == "document_id" else "_new_articles"
            select = _WORK_TABLE.sub("delta.", model_select(table))
            con.execute(f"INSERT INTO main.{table} SELECT * FROM ({select}) WHERE {key} IN (SELECT {key} FROM {new})")
        for name in TABLE_MODELS:
            if name not in PER_DOCUMENT:
                con.execute(model_sql(name))
        con.execute("COMMIT")
        removed = con.execute("SELECT count(*) FROM _old_docs").fetchone()[0]
        added = sorted(r[0] for r in con.execute("SELECT document_id FROM _new_docs").fetchall())
        con.execute("DETACH work")
        con.execute("DETACH delta")
        counts = {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in TABLE_MODELS}
        counts["documents_removed"], counts["documents_added"] = removed, len(added)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return counts, added, base


def create_views(candidate: Path) -> list[str]:
    con = duckdb.connect(str(candidate), config=duckdb_config())
    try:
        for name in VIEW_MODELS:
            con.execute(model_sql(name))
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return list(VIEW_MODELS)


def publish(candidate: Path, warehouse: Path, record: Path | None = None, standby: Path | None = None) -> None:
    """Atomically replace the published warehouse with the candidate.

    With ``standby``, the file being replaced is kept there (a hard link taken before the rename) as the base
    of the next incremental update, when ``record`` shows it is the warehouse we published; the rename then
    frees nothing either, so publishing costs the same at any warehouse size."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(candidate, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    retired = _retire(warehouse, record, standby) if standby is not None and record is not None else None
    os.replace(candidate, warehouse)
    dir_fd = os.open(warehouse.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    if retired is not None:
        link, fingerprint = retired
        os.replace(link, standby)  # the same file: its size and mtime are the ones recorded at its publication
        record_publication(standby, standby_record(standby), fingerprint)


def _retire(warehouse: Path, record: Path, standby: Path) -> tuple[Path, Fingerprint] | None:
    """A second name for the published file, with its publication's fingerprint; None if it is not ours."""
    fingerprint = published_fingerprint(warehouse, record)
    _discard_standby(standby)
    if fingerprint is None:
        return None
    link = standby.with_name(standby.name + ".link")
    link.unlink(missing_ok=True)
    try:
        os.link(warehouse, link)
    except OSError:  # no hard links on this filesystem: publish without a standby
        return None
    return link, fingerprint


# --- data-quality checks ---------------------------------------------------

@dataclass(frozen=True)
class Check:
    """A data-quality rule: ``sql`` returns the offending rows.

    Rules about one row (or one document's rows) call ``in_scope(document_id)``: a check then reads only the
    documents new in the candidate, since the rest were checked when they were published (checks block
    publication) — work proportional to what changed. Rules across documents (keys, references) read all rows.
    """
    name: str
    description: str
    sql: str

    @property
    def per_document(self) -> bool:
        return "in_scope(" in self.sql


CHECKS: tuple[Check, ...] = (
    # A duplicate key needs a row of a new document: the other rows were unique when they were published.
    Check("keys_unique", "primary keys of the per-document tables are unique", """
        SELECT 'fact_quantity' AS tbl, quantity_id AS key FROM fact_quantity
            WHERE quantity_id IN (SELECT quantity_id FROM fact_quantity WHERE in_scope(document_id))
            GROUP BY quantity_id HAVING count(*) > 1
        UNION ALL SELECT 'dim_article', article_id FROM dim_article
            WHERE article_id IN (SELECT article_id FROM dim_article WHERE in_scope(document_id))
            GROUP BY article_id HAVING count(*) > 1
        UNION ALL SELECT 'dim_document', document_id FROM dim_document WHERE in_scope(document_id)
            GROUP BY document_id HAVING count(*) > 1
        UNION ALL SELECT 'fact_relation', relation_id FROM fact_relation
            WHERE relation_id IN (SELECT relation_id FROM fact_relation
                                  WHERE article_id IN (SELECT article_id FROM dim_article WHERE in_scope(document_id)))
            GROUP BY relation_id HAVING count(*) > 1"""),
    Check("entity_keys_unique", "dim_entity's keys are unique (it is rebuilt from every document at each update)", """
        SELECT entity_id FROM dim_entity GROUP BY entity_id HAVING count(*) > 1"""),
    Check("no_duplicate_facts", "no quantity is stated twice for the same span", """
        SELECT article_id, char_start, char_end, count(*) AS n FROM fact_quantity WHERE in_scope(document_id)
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
        -- the party ids unnested in a subquery: as a lateral join (FROM r, UNNEST(...)) this took 10x as long
        UNION ALL SELECT 'fact_relation.party_entity_ids', r.relation_id
            FROM (SELECT relation_id, unnest(party_entity_ids) AS eid FROM fact_relation) r
            LEFT JOIN dim_entity e ON e.entity_id = r.eid WHERE e.entity_id IS NULL"""),
    Check("codes_in_dimensions", "unit_code and metric_code exist in their dimensions", """
        SELECT 'unit_code' AS col, q.unit_code AS code, q.quantity_id FROM fact_quantity q
            LEFT JOIN dim_unit u USING (unit_code) WHERE u.unit_code IS NULL
        UNION ALL SELECT 'metric_code', q.metric_code, q.quantity_id FROM fact_quantity q
            LEFT JOIN dim_metric m USING (metric_code) WHERE m.metric_code IS NULL"""),
    Check("values_finite", "values are finite and ranges ordered", """
        SELECT quantity_id, value, value_high FROM fact_quantity
        WHERE in_scope(document_id) AND (value IS NULL OR NOT isfinite(CAST(value AS DOUBLE))
           OR (value_high IS NOT NULL AND value_high < value))"""),
    Check("provenance_spans", "body[char_start:char_end] equals raw_text / surface", """
        WITH a AS (SELECT article_id, body FROM dim_article  -- by rowid: a filtered scan reads whole vectors
                   WHERE rowid IN (SELECT rowid FROM dim_article WHERE in_scope(document_id)))  -- of bodies
        SELECT 'fact_quantity' AS tbl, q.quantity_id AS key, q.raw_text AS expected,
               substr(a.body, q.char_start + 1, q.char_end - q.char_start) AS found
        FROM fact_quantity q JOIN a USING (article_id)
        WHERE in_scope(q.document_id) AND substr(a.body, q.char_start + 1, q.char_end - q.char_start) <> q.raw_text
        UNION ALL
        SELECT 'fact_entity_mention', m.entity_id, m.surface, substr(a.body, m.char_start + 1, m.char_end - m.char_start)
        FROM fact_entity_mention m JOIN a USING (article_id)
        WHERE in_scope(m.document_id) AND m.char_start IS NOT NULL
          AND substr(a.body, m.char_start + 1, m.char_end - m.char_start) <> m.surface"""),
    Check("files_accounted_for", "every input file is a document or quarantined", """
        SELECT source_path FROM (SELECT DISTINCT source_path FROM dim_document) d
        WHERE source_path IN (SELECT source_path FROM quarantine_file)"""),
)


def run_checks(db: Path, checks: Iterable[Check], scope: list[str] | None = None,
               limit: int = 20) -> Iterator[tuple[Check, int, list[tuple]]]:
    """Each check with the count of its offending rows in ``db`` and the first ``limit`` of them, on one
    connection. ``scope``: the documents whose rows are new (None: all of them)."""
    import pyarrow as pa

    # bounded like the build: unbounded, the provenance rule's join held every article body in memory (4.1 GB
    # at 60,000 documents, against 1.2 GB with a 1 GB pool, which spills the rest)
    con = duckdb.connect(str(db), read_only=True, config=duckdb_config())
    try:
        if scope is None:
            con.execute("CREATE TEMP MACRO in_scope(d) AS true")
        else:
            con.register("_scope", pa.table({"document_id": pa.array(scope, pa.string())}))
            con.execute("CREATE TEMP MACRO in_scope(d) AS d IN (SELECT document_id FROM _scope)")
        for check in checks:
            if scope == [] and check.per_document:
                yield check, 0, []  # no new rows
                continue
            n = con.execute(f"SELECT count(*) FROM ({check.sql})").fetchone()[0]
            rows = con.execute(f"SELECT * FROM ({check.sql}) LIMIT {int(limit)}").fetchall() if n else []
            yield check, n, rows
    finally:
        con.close()


def run_check(db: Path, check: Check, scope: list[str] | None = None, limit: int = 20) -> tuple[int, list[tuple]]:
    """Offending rows of one check: their count and the first ``limit``."""
    [(_, n, rows)] = run_checks(db, [check], scope, limit)
    return n, rows
