"""The asset graph: raw documents → articles → entities → quantities, relations → warehouse.

Assets are thin: they read pending work from the staging database, call the
pure text core, and bulk-append the records. Every stage processes only the
documents it has not processed yet, so a refresh costs what changed.
"""

import json
import os
import time
from bisect import bisect_left, bisect_right
from collections import deque
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

import dagster as dg
import pyarrow as pa
from dagster_duckdb import DuckDBResource

from .. import intake, lakehouse, parallel, report, stages, staging, warehouse
from ..core.records import SUBJECT_TYPES
from ..core.relations import RELATION_VERBS
from .metadata import markdown_table, preview
from .resources import PipelinePaths

WRITER_POOL = "warehouse_writer"
OWNERS = ["team:regional-economy-data"]


# Documents per transaction: bounded memory, and a crash loses only the batches not yet written. 400 rather than 200:
# half the commits, queries and registrations per stage (the writer's CPU over the text stages at 20,000
# documents 40.8-42.8 -> 37.9-39.9 s).
BATCH = 400


class IntakeConfig(dg.Config):
    """Run configuration of the intake; empty means PIPELINE_INPUT_DIR (or seeds/documents)."""

    input_dir: str = ""
    prune_missing: bool = False


def _batches(items: list, size: int = BATCH, context: dg.AssetExecutionContext | None = None, what: str = "documents"):
    """Batches of ``items``; with a context, about ten progress lines per stage (`make run` prints them)."""
    n = (len(items) + size - 1) // size
    every = max(1, n // 10)
    for k, i in enumerate(range(0, len(items), size)):
        if context is not None and k and k % every == 0:
            context.log.info(f"{i}/{len(items)} {what}")
        yield items[i:i + size]


# Files a worker decodes per task. Each task costs this process a fixed amount beside its results (a future, a
# message each way, a wakeup of the pool's threads): at 8 files the intake of 20,000 documents used 3.3-3.9 s of
# this process's CPU and took 6.3-7.1 s; at 20, 2.7-3.0 s and 5.5-5.8 s; at 50 (8 tasks a batch), 2.5 s and
# 5.1-5.2 s.
INTAKE_FILES_PER_TASK = 50

# Batches of a text stage between explicit checkpoints of the staging file. DuckDB's own threshold did not trigger
# on the layout stage's rows (long texts): they stayed in memory until the stage closed the file, whose checkpoint
# then wrote and synced them all, 2.1-4.0 s at 20,000 documents with the workers idle. Every 10 batches (4,000
# documents) they are written while the workers extract the next ones, and a crash loses at most that many. Not
# in the intake: its one table of texts, rewritten at each checkpoint, took 2-5x the CPU. The last explicit one comes
# when the batches run out, while the workers still extract the last AHEAD: the stage's close then checkpoints
# only those. At the tenth batch from the end it had left up to ten batches to the close (0.9 s of the entities
# stage's end at 20,000 documents with the workers idle).
CHECKPOINT_EVERY = 10

# Batches the workers hold beyond the one this process is writing. With one, a commit that checkpoints the
# staging file (1-3 s on this process's core) left the workers idle once they finished the next batch.
AHEAD = 2


def _overlapped(batches: Iterable[list], start: Callable[[list], Callable[[], list]],
                finish: Callable[[list, list, int | None], None], ahead: int = AHEAD) -> None:
    """``finish(batch, results, later)`` for every batch, in order, where ``start(batch)`` sets the workers on it
    and returns the wait for its results: this process finishes one batch (writes it) while the workers are on
    the next ``ahead`` ones. ``later``: how many batches are left to finish after this one, once the batches
    have run out (None before: more may come)."""
    in_flight: deque[tuple[list, Callable[[], list]]] = deque()
    batches = iter(batches)
    batch = next(batches, None)
    while batch is not None:
        in_flight.append((batch, start(batch)))
        batch = next(batches, None)  # taken before the wait, so that the last batches are known as such
        if len(in_flight) > ahead:
            done, wait = in_flight.popleft()
            finish(done, wait(), None if batch is not None else len(in_flight))
    while in_flight:
        done, wait = in_flight.popleft()
        finish(done, wait(), len(in_flight))


@dg.asset(
    group_name="intake", kinds={"python", "duckdb"}, pool=WRITER_POOL, owners=OWNERS,
    description="Every file of the input folder decoded (encoding detected), normalised and identified by a "
                "content hash; unreadable files go to quarantine with a reason.",
)
def raw_documents(context: dg.AssetExecutionContext, config: IntakeConfig, duckdb: DuckDBResource,
                  paths: PipelinePaths) -> dg.MaterializeResult:
    folder = Path(config.input_dir).expanduser() if config.input_dir else paths.input_path()
    if not folder.is_dir():
        raise dg.Failure(f"input folder {folder} does not exist")
    started = time.perf_counter()
    new_docs = quarantined_now = 0
    with duckdb.get_connection() as con:
        staging.ensure_tables(con)
        known = {r[0]: (r[1], r[2], r[3]) for r in con.execute(
            "SELECT source_path, document_id, size, mtime_ns FROM stg_file").fetchall()}
        have_docs = {r[0] for r in con.execute("SELECT document_id FROM stg_document").fetchall()}
        seen_paths: set[str] = set()
        superseded: list[str] = []
        todo = []
        for path, sp, st, problem in intake.scan_input(folder):
            seen_paths.add(sp)
            prev = known.get(sp)
            if st is not None and problem is None and prev and prev[1] == st.st_size and prev[2] == st.st_mtime_ns \
                    and (prev[0] in have_docs or prev[0] == ""):
                continue  # unchanged since the last refresh: no read, no hash
            todo.append((path, sp, st, problem))

        def load(batch: list, results: list, later: int | None) -> None:
            """Record a batch of files: documents, quarantine entries and file states in one transaction."""
            nonlocal new_docs, quarantined_now
            files, docs, quarantine = [], [], []
            read = iter(results)
            for path, sp, st, problem in batch:
                if problem:
                    res = intake.FileResult(sp, st.st_size if st else None, st.st_mtime_ns if st else None, reason=problem)
                else:
                    res = next(read)
                    if res.document_id in have_docs:
                        res.document = None  # the same content is already loaded (a copy or a renamed file)
                prev = known.get(sp)
                if prev and prev[0] and prev[0] != res.document_id:
                    superseded.append(prev[0])
                files.append({"source_path": sp, "document_id": res.document_id, "size": res.size,
                              "mtime_ns": res.mtime_ns, "status": "quarantined" if res.reason else "loaded",
                              "seen_at": intake.now()})
                if res.reason:
                    quarantine.append({"source_path": sp, "reason": res.reason, "detected_at": intake.now(),
                                       "size": res.size, "mtime_ns": res.mtime_ns})
                elif res.document is not None:
                    docs.append(res.document)
                    have_docs.add(res.document_id)
            # only a path seen before has rows to replace: a new file (every file of a first build) has none,
            # and the deletes would scan both tables once per batch
            changed = [f["source_path"] for f in files if f["source_path"] in known]
            con.execute("BEGIN TRANSACTION")
            if changed:
                con.execute("DELETE FROM stg_file WHERE source_path IN (SELECT unnest(?))", [changed])
                con.execute("DELETE FROM stg_quarantine WHERE source_path IN (SELECT unnest(?))", [changed])
            staging.append(con, "stg_file", files)
            staging.append(con, "stg_document", docs)
            staging.append(con, "stg_quarantine", quarantine)
            con.execute("COMMIT")
            new_docs += len(docs)
            quarantined_now += len(quarantine)

        # Decoding is most of intake's time: both cores, and this process records one batch while the
        # workers decode the next.
        _overlapped(_batches(todo, context=context, what="files"),
                    lambda batch: parallel.submit_batched(intake.read_input_task,
                                                          [(p, sp, st) for p, sp, st, problem in batch if not problem],
                                                          chunksize=INTAKE_FILES_PER_TASK),
                    load)
        used = {r[0] for r in con.execute("SELECT DISTINCT document_id FROM stg_file").fetchall()}
        gone = [d for d in set(superseded) if d not in used]
        if config.prune_missing:
            missing = [k for k in known if k not in seen_paths]
            con.execute("BEGIN TRANSACTION")
            con.execute("DELETE FROM stg_file WHERE source_path IN (SELECT unnest(?))", [missing])
            con.execute("DELETE FROM stg_quarantine WHERE source_path IN (SELECT unnest(?))", [missing])
            con.execute("COMMIT")
            used = {r[0] for r in con.execute("SELECT DISTINCT document_id FROM stg_file").fetchall()}
            gone += [d for d in have_docs if d not in used]
        if gone:
            con.execute("BEGIN TRANSACTION")
            staging.delete_documents(con, sorted(set(gone)))
            con.execute("COMMIT")
            staging.checkpoint_reclaiming(con)  # their rows' space, in every staging table
        total = con.execute("SELECT count(*) FROM stg_document").fetchone()[0]
        n_quarantine = con.execute("SELECT count(*) FROM stg_quarantine").fetchone()[0]
        meta = {
            "dagster/row_count": total,
            "input_dir": str(folder),
            "files_examined": len(todo),
            "new_documents": new_docs,
            "superseded_or_pruned_documents": len(set(gone)),
            "quarantined_now": quarantined_now,
            "documents_total": total,
            "quarantined_total": n_quarantine,
            "seconds": round(time.perf_counter() - started, 3),
            "preview": preview(con, "SELECT document_id, source_path, encoding, n_bytes FROM stg_document ORDER BY source_path"),
        }
        if n_quarantine:
            meta["quarantine"] = preview(con, "SELECT source_path, reason FROM stg_quarantine ORDER BY source_path")
    return dg.MaterializeResult(metadata=meta)


# What each stage reads of an article and of a mention (records.extract_entities / extract_quantities /
# extract_relations): fewer columns to convert and to send to the workers than whole rows.
_ENTITY_ARTICLE_COLUMNS = "article_id, document_id, body, byline_people"
_FACT_ARTICLE_COLUMNS = ("article_id, document_id, body, segments, published_date, published_date_inferred, "
                         "is_boilerplate")
_FACT_MENTION_COLUMNS = "entity_key, entity_id, entity_type, name, surface, document_id, article_id, char_start, char_end"
# relations read the body, its date and where the mentions are: not the segments (a list of structs a row, half
# the cost of turning the articles into Python rows) nor the mentions' ids, surfaces and names
_RELATION_ARTICLE_COLUMNS = "article_id, document_id, body, published_date"
_RELATION_MENTION_COLUMNS = "entity_key, entity_type, document_id, article_id, char_start, char_end"


@contextmanager
def _in_batch(con, batch: list[str]):
    """The condition (and its parameters) that selects the rows of the documents ``batch``.

    The range of the batch's ids lets the scan skip the row groups outside it. When the range holds only the
    batch (a first build, any run over every pending document) it is the whole condition; when it holds other
    documents too (a refresh's new documents fall among the old ones: ids are content hashes) the batch's ids,
    registered as an Arrow table, filter it too. Never a bound list: binding 200 ids costs 10 ms a query and
    made the filter four times the cost of the scan."""
    lo, hi = min(batch), max(batch)
    in_range = con.execute("SELECT count(*) FROM stg_document WHERE document_id BETWEEN ? AND ?", [lo, hi]).fetchone()[0]
    if in_range == len(batch):
        yield "document_id BETWEEN ? AND ?", [lo, hi]
        return
    con.register("_batch", pa.table({"document_id": pa.array(batch, pa.string())}))
    try:
        yield "document_id BETWEEN ? AND ? AND document_id IN (SELECT document_id FROM _batch)", [lo, hi]
    finally:
        con.unregister("_batch")


def _read_texts(con, batch: list[str]) -> dict:
    with _in_batch(con, batch) as (where, params):
        return {"documents": con.execute(f"SELECT document_id, text FROM stg_document WHERE {where} "
                                         "ORDER BY document_id", params).to_arrow_table()}


def _read_articles(con, batch: list[str]) -> dict:
    with _in_batch(con, batch) as (where, params):
        return {"articles": con.execute(f"SELECT {_ENTITY_ARTICLE_COLUMNS} FROM stg_article WHERE {where} "
                                        "ORDER BY document_id, article_id", params).to_arrow_table()}


def _read_articles_and_mentions(con, batch: list[str]) -> dict:
    """The articles and the mentions placed in their text (a byline name is not) of the entities a quantity can be
    about (not persons: an eighth of the mentions, sent to the workers and turned into rows for nothing)."""
    with _in_batch(con, batch) as (where, params):
        return {
            "articles": con.execute(f"SELECT {_FACT_ARTICLE_COLUMNS} FROM stg_article WHERE {where} "
                                    "ORDER BY document_id, article_id", params).to_arrow_table(),
            "mentions": con.execute(f"SELECT {_FACT_MENTION_COLUMNS} FROM stg_mention WHERE {where} "
                                    "AND char_start IS NOT NULL AND list_contains(?, entity_type) ORDER BY document_id",
                                    [*params, list(SUBJECT_TYPES)]).to_arrow_table()}


def _read_relation_inputs(con, batch: list[str]) -> dict:
    """The articles whose body holds a verb some relation needs, and their mentions: the text core's own
    prefilter (``RELATION_VERBS``, a plain alternation of words, so DuckDB's RE2 finds what Python's
    ``re`` finds) run in the scan. Half the articles have none and yield no relation: they are not read,
    sent to the workers nor turned into Python rows."""
    with _in_batch(con, batch) as (where, params):
        articles = con.execute(f"SELECT {_RELATION_ARTICLE_COLUMNS} FROM stg_article WHERE {where} "
                               f"AND regexp_matches(body, '{staging.sql_string(RELATION_VERBS)}') "
                               "ORDER BY document_id, article_id",
                               params).to_arrow_table()
        con.register("_relation_articles", articles.select(["article_id"]))
        try:
            mentions = con.execute(f"SELECT {_RELATION_MENTION_COLUMNS} FROM stg_mention WHERE {where} "
                                   "AND char_start IS NOT NULL AND article_id IN "
                                   "(SELECT article_id FROM _relation_articles) ORDER BY document_id",
                                   params).to_arrow_table()
        finally:
            con.unregister("_relation_articles")
    return {"articles": articles, "mentions": mentions}


def _chunks(batch: list[str], inputs: dict) -> list[tuple[list[str], dict[str, bytes]]]:
    """``batch`` (sorted) in chunks of ``stages.CHUNK`` documents, each with its rows of every input table
    (sorted by document) as an Arrow IPC stream."""
    starts = {name: table.column("document_id").to_pylist() for name, table in inputs.items()}
    out = []
    for i in range(0, len(batch), stages.CHUNK):
        ids = batch[i:i + stages.CHUNK]
        part = {}
        for name, table in inputs.items():
            lo = bisect_left(starts[name], ids[0])
            hi = bisect_right(starts[name], ids[-1], lo)
            part[name] = staging.to_ipc(table.slice(lo, hi - lo))
        out.append((ids, part))
    return out


@dataclass(frozen=True)
class Stage:
    """One text stage: what it reads from staging for a batch of documents (name → Arrow table, sorted by
    document) and the staging tables its results go to (``stages.run_chunk`` does the work)."""

    name: str
    read: Callable

    @property
    def tables(self) -> tuple[str, ...]:
        return stages.OUTPUTS[self.name]


STAGES = (
    Stage("articles", _read_texts),
    Stage("entities", _read_articles),
    Stage("quantities", _read_articles_and_mentions),
    Stage("relations", _read_relation_inputs),
)
STAGE = {s.name: s for s in STAGES}


def run_stage(stage: Stage, duckdb: DuckDBResource, todo: list[str], context: dg.AssetExecutionContext | None = None,
              share_file: bool = False) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Process ``todo`` documents through ``stage`` in batches, each appended in one transaction with its
    done-marks. While the workers extract one batch, this process writes the previous one and reads the
    next, so neither side waits for the other.

    With ``share_file`` (partitions of a backfill, runs in other processes at the same time) the staging
    file is open only to read a batch's inputs and to append its results, and closed while the text core
    runs, so the other runs get their turn at it. Otherwise one connection serves the whole stage: reopening
    the file for every batch costs a checkpoint and cold reads, about a fifth of this process's CPU."""
    with nullcontext() if share_file else duckdb.get_connection() as held:
        return _run_batches(stage, lambda: duckdb.get_connection() if held is None else nullcontext(held), todo,
                            context)


def _run_batches(stage: Stage, connection: Callable, todo: list[str], context: dg.AssetExecutionContext | None
                 ) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """``run_stage``'s loop; ``connection()`` gives the staging connection to read or write a batch with."""
    added = {t: 0 for t in stage.tables}
    errors: list[tuple[str, str]] = []

    written = 0

    def write(batch: list[str], results: list, later: int | None) -> None:
        nonlocal written
        out: dict[str, list] = {t: [] for t in stage.tables}
        for tables, errs in results:
            for table, arrow in tables.items():
                out[table].append(arrow)
            errors.extend(errs)
        with connection() as con:
            con.execute("BEGIN TRANSACTION")
            for table, parts in out.items():
                added[table] += staging.append(con, table, pa.concat_tables(parts)) if parts else 0
            staging.mark_done(con, stage.name, batch)
            con.execute("COMMIT")
            written += 1
            since_checkpoint = written % CHECKPOINT_EVERY  # batches committed since the last explicit checkpoint
            if later is None:
                due = since_checkpoint == 0
            else:  # the batches have run out: once more while the workers hold the last AHEAD, unless one waits
                due = later == AHEAD and since_checkpoint > 1
            if due:
                con.execute("CHECKPOINT")

    def start(batch: list[str]) -> Callable[[], list]:
        with connection() as con:
            chunks = _chunks(batch, stage.read(con, batch))
        # a refresh's few new documents (under 40 // CHUNK chunks) stay in this process: starting workers costs more
        return parallel.submit_batched(partial(stages.run_chunk, stage.name), chunks,
                                       min_parallel=40 // stages.CHUNK, chunksize=1)

    _overlapped(_batches(todo, context=context), start, write)
    return added, errors


def _pending(duckdb: DuckDBResource, stage: str, prefix: str = "") -> list[str]:
    with duckdb.get_connection() as con:
        staging.ensure_tables(con)
        return staging.pending(con, stage, prefix)


@dg.asset(
    deps=[raw_documents], group_name="intake", kinds={"python", "duckdb"}, pool=WRITER_POOL, owners=OWNERS,
    description="Layout repaired (hard wraps joined, furniture tagged) and pages split into articles with "
                "headline, byline, reporters and publication date.",
)
def articles(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    todo = _pending(duckdb, "articles")
    added, errors = run_stage(STAGE["articles"], duckdb, todo, context)
    with duckdb.get_connection() as con:
        total = con.execute("SELECT count(*), count(*) FILTER (WHERE is_boilerplate) FROM stg_article").fetchone()
        return dg.MaterializeResult(metadata={
            "dagster/row_count": total[0],
            "documents_processed": len(todo), "new_articles": added["stg_article"], "articles_total": total[0],
            "boilerplate_articles": total[1], "removed_spans": added["stg_furniture"], **_errors(context, con, errors),
            "seconds": round(time.perf_counter() - started, 3),
            "preview": preview(con, "SELECT document_id, seq, title, reporters, published_date, is_boilerplate "
                                    "FROM stg_article ORDER BY document_id, seq"),
        })


@dg.asset(
    deps=[articles], group_name="extraction", kinds={"python", "duckdb"}, pool=WRITER_POOL, owners=OWNERS,
    description="Entity mentions (regions on the gazetteer, parks, companies, bodies, persons, projects), "
                "person roles and the entity dimension rows.",
)
def entities(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    todo = _pending(duckdb, "entities")
    added, errors = run_stage(STAGE["entities"], duckdb, todo, context)
    with duckdb.get_connection() as con:
        return dg.MaterializeResult(metadata={
            "dagster/row_count": con.execute("SELECT count(*) FROM stg_mention").fetchone()[0],
            "documents_processed": len(todo), "new_mentions": added["stg_mention"],
            "new_person_roles": added["stg_person_role"], **_errors(context, con, errors),
            "seconds": round(time.perf_counter() - started, 3),
            "by_type": preview(con, "SELECT entity_type, count(*) AS mentions, count(DISTINCT entity_key) AS entities "
                                    "FROM stg_mention GROUP BY 1 ORDER BY 2 DESC"),
        })


def _errors(context: dg.AssetExecutionContext, con, errors: list[tuple[str, str]]) -> dict:
    """Articles a rule failed on: logged with their file, counted and listed, never silently dropped."""
    paths = dict(con.execute("SELECT document_id, source_path FROM stg_document WHERE document_id IN (SELECT unnest(?))",
                             [sorted({d for d, _ in errors})]).fetchall()) if errors else {}
    lines = [f"{paths.get(d, d)}: {message}" for d, message in errors]
    for line in lines[:20]:
        context.log.warning(f"rule failed, records of this stage skipped: {line}")
    return {"rule_failures": len(errors),
            "rule_failure_examples": dg.MetadataValue.md("\n".join(f"- `{m}`" for m in lines[:20]) or "none")}


@dg.asset(
    deps=[entities], group_name="extraction", kinds={"python", "duckdb"}, pool=WRITER_POOL, owners=OWNERS,
    description="Every measured number: value and unit normalised exactly, qualifier, metric, subject entity, "
                "period resolved against the article date, status and year-on-year flag.",
)
def quantities(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    return _facts_from_articles(context, duckdb, STAGE["quantities"], {
        "by_metric": ("SELECT metric_code, unit_code, count(*) AS n FROM stg_quantity GROUP BY ALL ORDER BY n DESC", 15),
        "preview": ("SELECT raw_text, metric_code, value, unit_code, status, period_label "
                    "FROM stg_quantity ORDER BY article_id, char_start", 10),
    })


def _facts_from_articles(context: dg.AssetExecutionContext, duckdb: DuckDBResource, stage: Stage,
                         previews: dict[str, tuple[str, int]]) -> dg.MaterializeResult:
    """A fact stage over the articles and mentions of every document it has not processed yet."""
    started = time.perf_counter()
    todo = _pending(duckdb, stage.name)
    added, errors = run_stage(stage, duckdb, todo, context)
    table = stage.tables[0]
    with duckdb.get_connection() as con:
        return dg.MaterializeResult(metadata={
            "dagster/row_count": con.execute(f"SELECT count(*) FROM {table}").fetchone()[0],  # our own constant
            "documents_processed": len(todo), f"new_{stage.name}": added[table], **_errors(context, con, errors),
            "seconds": round(time.perf_counter() - started, 3),
            **{key: preview(con, sql, max_rows=n) for key, (sql, n) in previews.items()},
        })


@dg.asset(
    deps=[entities], group_name="extraction", kinds={"python", "duckdb"}, pool=WRITER_POOL, owners=OWNERS,
    description="Agreements, visits and meetings with their parties and dates.",
)
def relations(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    return _facts_from_articles(context, duckdb, STAGE["relations"], {
        "preview": ("SELECT relation_type, description, event_date FROM stg_relation", 10),
    })


# Scale-out: the documents split by the first hex digit of their content-hash id. A partition's run does the
# text stages for its documents only, so a backfill spreads the work over runs (processes, containers or
# machines sharing the warehouse volume); the refresh then finds nothing left to extract and only loads.
DOCUMENT_BUCKETS = dg.StaticPartitionsDefinition([f"{i:x}" for i in range(16)])


@dg.asset(
    deps=[raw_documents], group_name="scale_out", kinds={"python", "duckdb"}, owners=OWNERS,
    partitions_def=DOCUMENT_BUCKETS,
    description="The text stages (articles, entities, quantities, relations) for the documents whose id "
                "starts with the partition's hex digit. Backfill all partitions to spread a large intake over "
                "runs; the refresh job then only loads and publishes.",
)
def document_bucket_extractions(context: dg.AssetExecutionContext, duckdb: DuckDBResource) -> dg.MaterializeResult:
    started = time.perf_counter()
    prefix = context.partition_key
    meta: dict = {}
    errors: list[tuple[str, str]] = []
    for stage in STAGES:
        todo = _pending(duckdb, stage.name, prefix)
        added, errs = run_stage(stage, duckdb, todo, context, share_file=True)
        errors.extend(errs)
        meta[f"{stage.name}_documents"] = len(todo)
        meta.update({f"new_{t.removeprefix('stg_')}": n for t, n in added.items()})
    with duckdb.get_connection() as con:
        meta.update(_errors(context, con, errors))
    meta["dagster/row_count"] = meta["new_quantity"]
    meta["seconds"] = round(time.perf_counter() - started, 3)
    meta["pid"] = os.getpid()
    return dg.MaterializeResult(metadata=meta)


@dg.asset(
    deps=[quantities, relations], group_name="warehouse", kinds={"duckdb", "sql"}, pool=WRITER_POOL, owners=OWNERS,
    description="Dimensions and facts of the warehouse contract built by the SQL models in sql/ into a "
                "candidate database; blocking checks run on it before anything is published.",
)
def warehouse_tables(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    # The text stages are done: their workers' memory goes back before the build's buffer pool fills
    # (the process tree's peak at 20,000 documents: see make bench).
    parallel.release()
    with staging.lock_for(paths.work_db()):  # no partition run appends while the candidate reads staging
        return _build_warehouse_tables(context, paths)


def _build_warehouse_tables(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    started = time.perf_counter()
    fingerprint = warehouse.build_fingerprint(paths.work_db())
    published = warehouse.published_fingerprint(paths.warehouse_path(), paths.publication_record())
    if fingerprint == published:
        paths.candidate().unlink(missing_ok=True)  # a leftover of a failed run is stale
        paths.pending_record().unlink(missing_ok=True)
        context.log.info("staging, SQL models and reference data unchanged since the last publication: no rebuild")
        return dg.MaterializeResult(metadata={"rebuilt": False, "mode": "unchanged",
                                              "seconds": round(time.perf_counter() - started, 3)})
    scope: list[str] | None = None  # documents whose rows the checks must read; None: every document
    started_from = "empty file"
    if published is not None and published.code == fingerprint.code:
        # only documents changed: replace their rows in the standby (the previous publication) or a copy
        counts, scope, base = warehouse.update_candidate(paths.warehouse_path(), paths.work_db(), paths.candidate(),
                                                         standby=paths.standby(), code=fingerprint.code)
        mode = "incremental"
        started_from = "standby" if base == "standby" else "copy of the published file"
    else:
        mode, counts = "full", warehouse.build_candidate(paths.work_db(), paths.candidate())
    pending = {**fingerprint.__dict__, "check_scope": scope, "mode": mode}
    paths.pending_record().write_text(json.dumps(pending), encoding="utf-8")
    return dg.MaterializeResult(metadata={
        "dagster/row_count": counts["fact_quantity"],
        "rebuilt": True, "mode": mode, "started_from": started_from,
        **{f"rows_{k}": v for k, v in counts.items()},
        "tables": dg.MetadataValue.md(markdown_table(list(counts.items()), ["table", "rows"], max_rows=40)),
        "candidate": str(paths.candidate()),
        "seconds": round(time.perf_counter() - started, 3),
    })


@dg.asset(
    deps=[warehouse_tables], group_name="warehouse", kinds={"duckdb", "sql"}, pool=WRITER_POOL, owners=OWNERS,
    description="Helper views (sql/views) and the reporting views (sql/reports, one analyst question each) on "
                "top of the candidate warehouse.",
)
def reporting_views(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    # an update keeps the views it started with: the same SQL made them (0.1-0.2 s and a checkpoint saved)
    rebuilt = paths.candidate().exists() and not paths.candidate_is_update()
    if rebuilt:
        warehouse.create_views(paths.candidate())
    # What each reporting view answers, from the comment that opens its SQL file. Row counts and previews of the
    # reports are on report_html, which evaluates them anyway: counting here would evaluate every view twice.
    questions = [(v, warehouse.view_question(v)) for v in warehouse.REPORT_VIEWS]
    return dg.MaterializeResult(metadata={
        "rebuilt": rebuilt, "views": len(warehouse.VIEW_MODELS), "helper_views": ", ".join(warehouse.HELPER_VIEWS),
        "preview": dg.MetadataValue.md(markdown_table(questions, ["view", "question"], max_rows=20, width=200)),
    })


@dg.asset(
    deps=[reporting_views], group_name="warehouse", kinds={"duckdb"}, pool=WRITER_POOL, owners=OWNERS,
    description="The published warehouse (PIPELINE_WAREHOUSE), replaced atomically by the checked candidate.",
)
def warehouse_db(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    import duckdb as ddb

    target = paths.warehouse_path()
    published = paths.candidate().exists()
    if published:
        warehouse.publish(paths.candidate(), target, record=paths.publication_record(), standby=paths.standby())
        pending = json.loads(paths.pending_record().read_text(encoding="utf-8"))
        warehouse.record_publication(target, paths.publication_record(),
                                     warehouse.Fingerprint(pending["staging"], pending["code"]))
        paths.pending_record().unlink()
    con = ddb.connect(str(target), read_only=True)
    try:
        meta = {
            "dagster/row_count": con.execute("SELECT count(*) FROM fact_quantity").fetchone()[0],
            "path": str(target),
            "published": published,
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
    lake = lakehouse.configured()
    if lake is not None and published:
        # Shared warehouse for many readers and writers: same checked tables, one DuckLake transaction.
        counts = lakehouse.publish_to_ducklake(target, *lake)
        meta["ducklake_catalog"] = lake[0]
        meta["ducklake_rows"] = sum(counts.values())
    return dg.MaterializeResult(metadata=meta)


@dg.asset(
    deps=[warehouse_db], group_name="reports", kinds={"python", "duckdb", "html"}, owners=OWNERS,
    description="report.html beside the published warehouse: investment by region, projects by stage and the "
                "agreements network as charts, tables whose numbers show their source sentence. Self-contained "
                "(plotly.js inlined, system CJK fonts): it opens offline.",
)
def report_html(context: dg.AssetExecutionContext, paths: PipelinePaths) -> dg.MaterializeResult:
    started = time.perf_counter()
    target, written = report.write_report(paths.warehouse_path())
    meta = {"path": dg.MetadataValue.path(str(target)), "rewritten": written is not None,
            "bytes": target.stat().st_size, "seconds": round(time.perf_counter() - started, 3)}
    if written is not None:
        meta.update(written.figures)
        meta["dagster/row_count"] = written.figures["quantities"]
        meta.update({f"rows_{k}": v for k, v in written.report_rows.items()})
        meta["sections"] = ", ".join(written.sections)
        meta["preview"] = dg.MetadataValue.md(markdown_table(
            [(report.HEADLINES[k][0], v) for k, v in written.figures.items()], ["figure", "value"]))
    else:
        context.log.info("the published warehouse and the report code are unchanged: report.html is current")
    return dg.MaterializeResult(metadata=meta)
