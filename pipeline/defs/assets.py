"""The asset graph: raw documents → articles → entities → quantities, relations → warehouse.

Assets are thin: they read pending work from the staging database, call the
pure text core, and bulk-append the records. Every stage processes only the
documents it has not processed yet, so a refresh costs what changed.
"""

import os
import time
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from .. import staging, warehouse
from ..core import records
from ..core.text import UndecodableError
from .metadata import preview
from .resources import PipelinePaths

WRITER_POOL = "warehouse_writer"


class IntakeConfig(dg.Config):
    """Run configuration of the intake; empty means PIPELINE_INPUT_DIR (or seeds/documents)."""

    input_dir: str = ""
    prune_missing: bool = False


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def scan_input(folder: Path) -> list[Path]:
    """Every regular file in the folder tree, symlink loops and unreadable dirs included as errors later."""
    out: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith("."):
                out.append(Path(root) / f)
    return out


def _source_path(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder.parent))
    except ValueError:
        return str(path)


@dg.asset(
    group_name="intake", kinds={"python", "duckdb"}, pool=WRITER_POOL,
    description="Every file of the input folder decoded (encoding detected), normalised and identified by a "
                "content hash; unreadable files go to quarantine with a reason.",
)
def raw_documents(context: dg.AssetExecutionContext, config: IntakeConfig, duckdb: DuckDBResource,
                  paths: PipelinePaths) -> dg.MaterializeResult:
    folder = Path(config.input_dir).expanduser() if config.input_dir else paths.input_path()
    if not folder.is_dir():
        raise dg.Failure(f"input folder {folder} does not exist")
    started = time.perf_counter()
    with duckdb.get_connection() as con:
        staging.ensure_tables(con)
        known = {r[0]: (r[1], r[2], r[3]) for r in con.execute(
            "SELECT source_path, document_id, size, mtime_ns FROM stg_file").fetchall()}
        have_docs = {r[0] for r in con.execute("SELECT document_id FROM stg_document").fetchall()}
        docs, quarantined, files, superseded = [], [], [], []
        seen_paths = set()
        for path in scan_input(folder):
            sp = _source_path(path, folder)
            seen_paths.add(sp)
            try:
                st = path.stat()
            except OSError as exc:
                quarantined.append({"source_path": sp, "reason": f"cannot stat: {exc.strerror or exc}",
                                    "detected_at": _now(), "size": None, "mtime_ns": None})
                continue
            prev = known.get(sp)
            if prev and prev[1] == st.st_size and prev[2] == st.st_mtime_ns and (prev[0] in have_docs or prev[0] == ""):
                continue  # unchanged since last refresh
            try:
                data = path.read_bytes()
            except OSError as exc:
                quarantined.append({"source_path": sp, "reason": f"cannot read: {exc.strerror or exc}",
                                    "detected_at": _now(), "size": st.st_size, "mtime_ns": st.st_mtime_ns})
                files.append({"source_path": sp, "document_id": "", "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                              "status": "quarantined", "seen_at": _now()})
                continue
            doc_id = records.document_id_for(data)
            if prev and prev[0] and prev[0] != doc_id:
                superseded.append(prev[0])
            files.append({"source_path": sp, "document_id": doc_id, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                          "status": "loaded", "seen_at": _now()})
            if doc_id in have_docs:
                continue
            try:
                doc = records.read_document(data, sp)
            except UndecodableError as exc:
                quarantined.append({"source_path": sp, "reason": str(exc), "detected_at": _now(),
                                    "size": st.st_size, "mtime_ns": st.st_mtime_ns})
                files[-1].update(document_id="", status="quarantined")
                continue
            docs.append(doc)
            have_docs.add(doc_id)
        still_used = {f["document_id"] for f in files} | {v[0] for k, v in known.items() if k not in {f["source_path"] for f in files}}
        gone = [d for d in superseded if d not in still_used]
        if config.prune_missing:
            missing = [k for k in known if k not in seen_paths]
            gone += [known[k][0] for k in missing if known[k][0]]
            con.execute("DELETE FROM stg_file WHERE source_path IN (SELECT unnest(?))", [missing])
            con.execute("DELETE FROM stg_quarantine WHERE source_path IN (SELECT unnest(?))", [missing])
        con.execute("BEGIN TRANSACTION")
        staging.delete_documents(con, gone)
        changed = [f["source_path"] for f in files] + [q["source_path"] for q in quarantined]
        con.execute("DELETE FROM stg_file WHERE source_path IN (SELECT unnest(?))", [changed])
        con.execute("DELETE FROM stg_quarantine WHERE source_path IN (SELECT unnest(?))", [changed])
        staging.append(con, "stg_file", files)
        staging.append(con, "stg_document", docs)
        staging.append(con, "stg_quarantine", quarantined)
        con.execute("COMMIT")
        total = con.execute("SELECT count(*) FROM stg_document").fetchone()[0]
        n_quarantine = con.execute("SELECT count(*) FROM stg_quarantine").fetchone()[0]
        meta = {
            "input_dir": str(folder),
            "new_documents": len(docs),
            "superseded_documents": len(gone),
            "quarantined_now": len(quarantined),
            "documents_total": total,
            "quarantined_total": n_quarantine,
            "seconds": round(time.perf_counter() - started, 3),
            "preview": preview(con, "SELECT document_id, source_path, encoding, n_bytes FROM stg_document ORDER BY source_path"),
        }
        if n_quarantine:
            meta["quarantine"] = preview(con, "SELECT source_path, reason FROM stg_quarantine ORDER BY source_path")
    return dg.MaterializeResult(metadata=meta)


def _load_articles(con, document_ids: list[str]) -> list[dict]:
    if not document_ids:
        return []
    cur = con.execute("SELECT * FROM stg_article WHERE document_id IN (SELECT unnest(?)) ORDER BY article_id",
                      [document_ids])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _load_mentions(con, document_ids: list[str]) -> dict[str, list[dict]]:
    cur = con.execute("SELECT * FROM stg_mention WHERE document_id IN (SELECT unnest(?))", [document_ids])
    cols = [d[0] for d in cur.description]
    out: dict[str, list[dict]] = {}
    for r in cur.fetchall():
        row = dict(zip(cols, r))
        out.setdefault(row["article_id"], []).append(row)
    return out


@dg.asset(
    deps=[raw_documents], group_name="intake", kinds={"python", "duckdb"}, pool=WRITER_POOL,
    description="Layout repaired (hard wraps joined, furniture tagged) and pages split into articles with "
                "headline, byline, reporters and publication date.",
)
def articles(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    with duckdb.get_connection() as con:
        staging.ensure_tables(con)
        todo = staging.pending(con, "articles")
        metas, arts, furniture = [], [], []
        for doc_id in todo:
            text = con.execute("SELECT text FROM stg_document WHERE document_id = ?", [doc_id]).fetchone()[0]
            meta, a, f = records.split_articles(doc_id, text)
            metas.append(meta)
            arts.extend(a)
            furniture.extend(f)
        con.execute("BEGIN TRANSACTION")
        staging.append(con, "stg_document_meta", metas)
        staging.append(con, "stg_article", arts)
        staging.append(con, "stg_furniture", furniture)
        staging.mark_done(con, "articles", todo)
        con.execute("COMMIT")
        total = con.execute("SELECT count(*), count(*) FILTER (WHERE is_boilerplate) FROM stg_article").fetchone()
        return dg.MaterializeResult(metadata={
            "documents_processed": len(todo), "new_articles": len(arts), "articles_total": total[0],
            "boilerplate_articles": total[1], "removed_spans": len(furniture),
            "seconds": round(time.perf_counter() - started, 3),
            "preview": preview(con, "SELECT document_id, seq, title, reporters, published_date, is_boilerplate "
                                    "FROM stg_article ORDER BY document_id, seq"),
        })


@dg.asset(
    deps=[articles], group_name="extraction", kinds={"python", "duckdb"}, pool=WRITER_POOL,
    description="Entity mentions (regions on the gazetteer, parks, companies, bodies, persons, projects), "
                "person roles and the entity dimension rows.",
)
def entities(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    with duckdb.get_connection() as con:
        staging.ensure_tables(con)
        todo = staging.pending(con, "entities")
        mentions, roles = [], []
        for art in _load_articles(con, todo):
            m, r = records.extract_entities(art)
            mentions.extend(m)
            for role in r:
                role["person_entity_id"] = records.entity_id_for(role["person_key"])
                role["org_entity_id"] = records.entity_id_for(role["org_key"]) if role["org_key"] else None
                role["document_id"] = art["document_id"]
            roles.extend(r)
        ents = records.entity_rows(mentions)
        con.execute("BEGIN TRANSACTION")
        staging.append(con, "stg_mention", mentions)
        staging.append(con, "stg_entity", ents)
        staging.append(con, "stg_person_role", roles)
        staging.mark_done(con, "entities", todo)
        con.execute("COMMIT")
        return dg.MaterializeResult(metadata={
            "documents_processed": len(todo), "new_mentions": len(mentions), "new_person_roles": len(roles),
            "seconds": round(time.perf_counter() - started, 3),
            "by_type": preview(con, "SELECT entity_type, count(*) AS mentions, count(DISTINCT entity_key) AS entities "
                                    "FROM stg_mention GROUP BY 1 ORDER BY 2 DESC"),
        })


@dg.asset(
    deps=[entities], group_name="extraction", kinds={"python", "duckdb"}, pool=WRITER_POOL,
    description="Every measured number: value and unit normalised exactly, qualifier, metric, subject entity, "
                "period resolved against the article date, status and year-on-year flag.",
)
def quantities(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    with duckdb.get_connection() as con:
        staging.ensure_tables(con)
        todo = staging.pending(con, "quantities")
        mentions = _load_mentions(con, todo)
        rows = []
        for art in _load_articles(con, todo):
            rows.extend(records.extract_quantities(art, mentions.get(art["article_id"], [])))
        con.execute("BEGIN TRANSACTION")
        staging.append(con, "stg_quantity", rows)
        staging.mark_done(con, "quantities", todo)
        con.execute("COMMIT")
        return dg.MaterializeResult(metadata={
            "documents_processed": len(todo), "new_quantities": len(rows),
            "seconds": round(time.perf_counter() - started, 3),
            "by_metric": preview(con, "SELECT metric_code, unit_code, count(*) AS n FROM stg_quantity "
                                      "GROUP BY ALL ORDER BY n DESC", max_rows=15),
            "preview": preview(con, "SELECT raw_text, metric_code, value, unit_code, status, period_label "
                                    "FROM stg_quantity ORDER BY article_id, char_start"),
        })


@dg.asset(
    deps=[entities], group_name="extraction", kinds={"python", "duckdb"}, pool=WRITER_POOL,
    description="Agreements, visits and meetings with their parties and dates.",
)
def relations(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    with duckdb.get_connection() as con:
        staging.ensure_tables(con)
        todo = staging.pending(con, "relations")
        mentions = _load_mentions(con, todo)
        rows = []
        for art in _load_articles(con, todo):
            rows.extend(records.extract_relations(art, mentions.get(art["article_id"], [])))
        con.execute("BEGIN TRANSACTION")
        staging.append(con, "stg_relation", rows)
        staging.mark_done(con, "relations", todo)
        con.execute("COMMIT")
        return dg.MaterializeResult(metadata={
            "documents_processed": len(todo), "new_relations": len(rows),
            "seconds": round(time.perf_counter() - started, 3),
            "preview": preview(con, "SELECT relation_type, description, event_date FROM stg_relation"),
        })


@dg.asset(
    deps=[quantities, relations], group_name="warehouse", kinds={"duckdb", "sql"}, pool=WRITER_POOL,
    description="Dimensions and facts of the warehouse contract built by the SQL models in sql/ into a "
                "candidate database; blocking checks run on it before anything is published.",
)
def warehouse_tables(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    started = time.perf_counter()
    counts = warehouse.build_candidate(paths.work_db(), paths.candidate())
    return dg.MaterializeResult(metadata={
        **{f"rows_{k}": v for k, v in counts.items()},
        "candidate": str(paths.candidate()),
        "seconds": round(time.perf_counter() - started, 3),
    })


@dg.asset(
    deps=[warehouse_tables], group_name="warehouse", kinds={"duckdb", "sql"}, pool=WRITER_POOL,
    description="Reporting views (sql/views) on top of the candidate warehouse.",
)
def reporting_views(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    views = warehouse.create_views(paths.candidate())
    return dg.MaterializeResult(metadata={"views": ", ".join(views)})


@dg.asset(
    deps=[reporting_views], group_name="warehouse", kinds={"duckdb"}, pool=WRITER_POOL,
    description="The published warehouse (PIPELINE_WAREHOUSE), replaced atomically by the checked candidate.",
)
def warehouse_db(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    import duckdb as ddb

    target = paths.warehouse_path()
    warehouse.publish(paths.candidate(), target)
    con = ddb.connect(str(target), read_only=True)
    try:
        meta = {
            "path": str(target),
            "documents": con.execute("SELECT count(*) FROM dim_document").fetchone()[0],
            "articles": con.execute("SELECT count(*) FROM dim_article").fetchone()[0],
            "quantities": con.execute("SELECT count(*) FROM fact_quantity").fetchone()[0],
            "entities": con.execute("SELECT count(*) FROM dim_entity").fetchone()[0],
            "quarantined": con.execute("SELECT count(*) FROM quarantine_file").fetchone()[0],
            "by_metric": preview(con, "SELECT metric_code, count(*) AS n FROM fact_quantity GROUP BY 1 ORDER BY 2 DESC",
                                 max_rows=30),
        }
    finally:
        con.close()
    return dg.MaterializeResult(metadata=meta)
