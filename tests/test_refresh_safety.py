"""Incremental, idempotent and safe refreshes, proven with real processes."""
import os
import shutil
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from conftest import DOCUMENTS, REPO
from refresh_helpers import Env


def seed(env: Env, names=None) -> None:
    for p in sorted(DOCUMENTS.glob("*.txt")):
        if names is None or p.name[:3] in names:
            shutil.copy(p, env.input / p.name)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    env = Env(tmp_path_factory.mktemp("refresh"))
    seed(env, {"000", "001", "002"})
    env.refresh()
    return env


def test_two_refreshes_give_identical_contents(built):
    first = built.checksums()
    built.refresh()
    assert built.checksums() == first
    # nothing new: the warehouse is not rebuilt and the checks ran on the published file
    assert built.latest_metadata("warehouse_tables")["rebuilt"] is False
    assert built.latest_metadata("warehouse_db")["published"] is False
    dup = built.query("SELECT count(*) - count(DISTINCT (article_id, char_start, char_end)) FROM fact_quantity")[0][0]
    assert dup == 0


def test_one_new_document_is_the_only_work(built):
    before = dict(built.query("SELECT document_id, ingested_at FROM dim_document"))
    shutil.copy(next(DOCUMENTS.glob("003_*.txt")), built.input / "003.txt")
    built.refresh()
    assert built.latest_metadata("raw_documents")["new_documents"] == 1
    assert built.latest_metadata("warehouse_tables")["rebuilt"] is True
    assert built.latest_metadata("reporting_views")["rebuilt"] is False  # the update keeps its views
    loaded = built.query("SELECT count(*) FROM report_data_quality WHERE status = 'loaded'")[0][0]
    assert loaded == len(before) + 1  # and they read the updated tables
    for stage in ("articles", "entities", "quantities", "relations"):
        assert built.latest_metadata(stage)["documents_processed"] == 1, stage
    after = dict(built.query("SELECT document_id, ingested_at FROM dim_document"))
    assert len(after) == len(before) + 1
    assert all(after[d] == t for d, t in before.items())  # old documents were not reprocessed
    # per-row checks read the new document's rows only (the others passed when they were published)
    checks = _latest_checks(built)
    assert checks["provenance_spans"]["documents_checked"] == 1
    assert checks["keys_unique"]["documents_checked"] == 1  # a duplicate key needs a new row
    assert checks["foreign_keys_resolve"]["documents_checked"] == "all"
    assert checks["entity_keys_unique"]["documents_checked"] == "all"


def test_copies_of_a_loaded_file_add_no_document(built):
    n = built.query("SELECT count(*) FROM dim_document")[0][0]
    for name in ("copy_a.txt", "copy_b.txt"):  # two copies in one intake batch
        shutil.copy(built.input / "003.txt", built.input / name)
    built.refresh()
    assert built.latest_metadata("raw_documents")["new_documents"] == 0
    assert built.latest_metadata("warehouse_tables")["rebuilt"] is False  # no content changed: nothing to publish
    assert built.query("SELECT count(*) FROM dim_document")[0][0] == n
    for name in ("copy_a.txt", "copy_b.txt"):
        (built.input / name).unlink()
    built.refresh(config={"ops": {"raw_documents": {"config": {"prune_missing": True}}}})
    assert built.query("SELECT count(*) FROM dim_document")[0][0] == n


def test_changed_file_supersedes_its_old_rows(built):
    path = built.input / "003.txt"
    old_id = built.query("SELECT document_id FROM dim_document WHERE source_path LIKE '%003.txt'")[0][0]
    path.write_text(path.read_text(encoding="utf-8") + "\n本报讯 新增一段：完成投资5.5亿元。\n", encoding="utf-8")
    built.refresh()
    rows = built.query("SELECT document_id FROM dim_document WHERE source_path LIKE '%003.txt'")
    assert len(rows) == 1 and rows[0][0] != old_id
    assert built.query("SELECT count(*) FROM fact_quantity WHERE document_id = ?", [old_id])[0][0] == 0
    assert built.query("SELECT count(*) FROM fact_quantity WHERE raw_text = '5.5亿元'")[0][0] == 1


def test_missing_file_kept_until_prune(built):
    (built.input / "003.txt").unlink()
    built.refresh()
    assert built.query("SELECT count(*) FROM dim_document WHERE source_path LIKE '%003.txt'")[0][0] == 1
    built.refresh(config={"ops": {"raw_documents": {"config": {"prune_missing": True}}}})
    assert built.query("SELECT count(*) FROM dim_document WHERE source_path LIKE '%003.txt'")[0][0] == 0
    assert built.query("SELECT count(*) FROM dim_document")[0][0] == 3


READER = r"""
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM dim_document").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM dim_document").fetchone()[0], flush=True)
"""


def test_open_reader_never_blocks_a_refresh(tmp_path):
    env = Env(tmp_path)
    seed(env, {"001"})
    env.refresh()
    reader = subprocess.Popen([sys.executable, "-c", READER, str(env.warehouse)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "1"
        seed(env, {"002"})
        env.refresh()  # would fail with a lock error if it wrote into the file the reader holds
        # The reader's file is now the standby, the base of the next update: it is still open, so that update
        # starts from a copy of the published file instead of writing into it.
        seed(env, {"003"})
        env.refresh()
        assert env.latest_metadata("warehouse_tables")["started_from"] == "copy of the published file"
        out, _ = reader.communicate("go\n", timeout=60)
        assert out.strip() == "1"  # the open session keeps answering from its snapshot
    finally:
        reader.kill()
    assert env.query("SELECT count(*) FROM dim_document")[0][0] == 3
    # No reader now: the next update starts from the standby, one publication behind, and catches up.
    seed(env, {"000"})
    env.refresh()
    assert env.latest_metadata("warehouse_tables")["started_from"] == "standby"
    assert env.query("SELECT count(*) FROM dim_document")[0][0] == 4


def test_sigkill_at_any_moment_leaves_the_published_warehouse_intact(tmp_path):
    env = Env(tmp_path)
    seed(env, {"001"})
    env.refresh()
    digest = env.file_digest()
    counts = env.checksums()
    seed(env)
    killed = recovered = 0
    # Kill points from interpreter start-up to publication; with the compiled text core a refresh of these four
    # documents can publish within 4 s, so they are dense early on.
    for delay in (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.5, 7.0, 12.0):
        proc = env.start_refresh()
        time.sleep(delay)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
        if proc.returncode == 0:
            break  # finished before the kill: nothing left to test at this delay
        killed += 1
        # A killed run still holds the writer pool; recovery releases it (as `make run` does first).
        recovered += env.recover().count("recovered killed run")
        if env.file_digest() != digest:
            # Killed after the atomic rename: what is published is the whole new warehouse, never a mix.
            assert env.query("SELECT count(*) FROM dim_document")[0][0] == 4
            break
        assert env.checksums() == counts
    assert killed >= 3 and recovered >= 1
    env.refresh()
    assert env.query("SELECT count(*) FROM dim_document")[0][0] == 4


def test_every_bad_file_is_accounted_for_and_the_batch_loads(tmp_path):
    env = Env(tmp_path)
    seed(env, {"001"})
    inp = env.input
    (inp / "empty.txt").write_bytes(b"")
    (inp / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (inp / "bom_then_binary.txt").write_bytes(b"\xff\xfe\xfa\xfb\xfc\x80\x81" * 300)
    (inp / "invalid_utf8.txt").write_bytes("完成投资5亿元。".encode() * 50 + b"\xff\xc3" + "签约项目12个。".encode() * 50)
    (inp / "nul_bytes.txt").write_bytes("完成投资5亿元".encode("utf-8") + b"\x00" * 2000 + b"abc")
    (inp / "too_large.txt").write_bytes(("完成投资5亿元。" * 20).encode("utf-8") * 8000)
    (inp / "long_line.txt").write_text("本报讯 完成投资5亿元，" * 40000 + "\n", encoding="utf-8")
    (inp / "traditional_big5.txt").write_bytes("滇中新區與西部5個國家級新區簽訂戰略合作協議，總投資21.15億元。\n".encode("big5") * 5)
    (inp / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    # SQL in names and text is data, never SQL: staging goes through Arrow and parameters
    (inp / "o'brien; DROP TABLE dim_document; --.txt").write_text(
        "本报讯 '); DROP TABLE fact_quantity; -- 完成投资3亿元。\n", encoding="utf-8")
    unreadable = inp / "unreadable.txt"
    unreadable.write_text("完成投资5亿元", encoding="utf-8")
    unreadable.chmod(0)
    os.mkfifo(inp / "a_fifo")
    os.symlink(inp / "loop_b", inp / "loop_a")
    os.symlink(inp / "loop_a", inp / "loop_b")
    started = time.time()
    env.refresh(PIPELINE_MAX_FILE_MB="2")
    elapsed = time.time() - started
    names = {p.name for p in inp.iterdir()}
    loaded = {r[0].split("/")[-1] for r in env.query("SELECT source_path FROM dim_document")}
    quarantined = dict((r[0].split("/")[-1], r[1]) for r in env.query("SELECT source_path, reason FROM quarantine_file"))
    assert names == loaded | set(quarantined), names ^ (loaded | set(quarantined))
    assert not loaded & set(quarantined)
    for bad in ("empty.txt", "binary.bin", "nul_bytes.txt", "bom_then_binary.txt", "invalid_utf8.txt", "too_large.txt", "picture.png",
                "a_fifo", "loop_a", "loop_b"):
        assert bad in quarantined and quarantined[bad], bad
    assert "invalid UTF-8 at byte 1100" in quarantined["invalid_utf8.txt"]
    assert "file too large" in quarantined["too_large.txt"]
    assert "regular file" in quarantined["a_fifo"]
    assert {"traditional_big5.txt", "long_line.txt", "001_7d0e370ff4e4ce4b.txt"} <= loaded
    if os.geteuid() != 0:
        assert "unreadable.txt" in quarantined
    assert "o'brien; DROP TABLE dim_document; --.txt" in loaded
    assert env.query("SELECT count(*) FROM fact_quantity WHERE raw_text = '3亿元'")[0][0] == 1
    assert env.query("SELECT count(*) FROM dim_article WHERE body LIKE '%DROP TABLE fact_quantity%'")[0][0] == 1
    enc = env.query("SELECT encoding FROM dim_document WHERE source_path LIKE '%big5%'")[0][0]
    assert enc == "big5"
    assert env.query("SELECT count(*) FROM dim_entity WHERE canonical_name = '滇中新区'")[0][0] == 1
    assert elapsed < 600


def _latest_checks(env: Env) -> dict[str, dict]:
    """Check name → metadata of its latest evaluation."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(env.home))
    try:
        records = instance.get_event_records(
            dg.EventRecordsFilter(event_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION), limit=50)
        out: dict[str, dict] = {}
        for r in records:  # newest first
            data = r.event_log_entry.dagster_event.event_specific_data
            out.setdefault(data.check_name, {k: v.value for k, v in data.metadata.items()})
        return out
    finally:
        instance.dispose()


def _failed_checks(env: Env) -> list:
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(env.home))
    try:
        records = instance.get_event_records(
            dg.EventRecordsFilter(event_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION), limit=50)
        return [r.event_log_entry.dagster_event.event_specific_data for r in records
                if not r.event_log_entry.dagster_event.event_specific_data.passed]
    finally:
        instance.dispose()


def test_failing_check_stops_publication_and_names_the_rows(tmp_path):
    env = Env(tmp_path)
    seed(env, {"002"})
    env.refresh()
    digest = env.file_digest()
    work = env.warehouse.parent / f".{env.warehouse.stem}.build" / "work.duckdb"
    # (1) an incremental update: a file both loaded and quarantined
    con = duckdb.connect(str(work))
    con.execute("INSERT INTO stg_quarantine (source_path, reason) SELECT source_path, 'bogus' FROM stg_document")
    con.close()
    assert env.refresh(check=False).returncode != 0
    assert env.file_digest() == digest  # nothing was published
    assert any(f.check_name == "files_accounted_for" and "002_" in str(f.metadata) for f in _failed_checks(env))
    # (2) a full rebuild (the published file was touched, so it is not trusted as a base): a unit outside dim_unit
    con = duckdb.connect(str(work))
    con.execute("DELETE FROM stg_quarantine WHERE reason = 'bogus'")
    con.execute("INSERT INTO stg_quantity (quantity_id, document_id, article_id, metric_code, value, unit_code, "
                "qualifier, raw_text, char_start, char_end, is_boilerplate) SELECT 'bogus', document_id, article_id, "
                "'other', 1, 'XYZ', 'exact', substr(body, 1, 2), 0, 2, false FROM stg_article LIMIT 1")
    con.close()
    env.warehouse.touch()
    digest = env.file_digest()
    assert env.refresh(check=False).returncode != 0
    assert env.file_digest() == digest
    assert any(f.check_name == "codes_in_dimensions" and "XYZ" in str(f.metadata) for f in _failed_checks(env))


def test_incremental_update_equals_a_full_rebuild(built):
    """Adding, changing and removing documents, each refresh updating the warehouse published one refresh
    earlier (the standby) or a copy of the published one, gives the same tables as a full rebuild."""
    from pipeline import warehouse

    text = next(DOCUMENTS.glob("000_*.txt")).read_text(encoding="utf-8")
    (built.input / "000.txt").write_text(text + "\n本报讯 又一段：新签约项目12个。\n", encoding="utf-8")
    built.refresh(config={"ops": {"raw_documents": {"config": {"prune_missing": True}}}})
    meta = built.latest_metadata("warehouse_tables")
    assert meta["mode"] == "incremental" and meta["started_from"] == "standby"
    incremental = built.checksums()
    work = built.warehouse.parent / f".{built.warehouse.stem}.build" / "work.duckdb"
    full = built.root / "full.duckdb"
    warehouse.build_candidate(work, full)
    con = duckdb.connect(str(full), read_only=True)
    try:
        rebuilt = {t: con.execute(f"SELECT count(*), coalesce(sum(hash(x)), 0) FROM {t} AS x").fetchone()
                   for t in incremental}
    finally:
        con.close()
    assert rebuilt == incremental


def test_standby_is_reused_only_when_ours_and_built_by_the_same_code(built, tmp_path):
    import json

    from pipeline import settings, warehouse

    build = settings.build_dir(built.warehouse)
    work = build / "work.duckdb"
    code = json.loads((build / "standby.json").read_text(encoding="utf-8"))["code"]

    def attempt(name: str, code: str, touch: bool = False) -> tuple[int, bool]:
        standby = tmp_path / f"{name}.duckdb"
        shutil.copy2(build / "standby.duckdb", standby)  # same size and mtime as recorded
        shutil.copy(build / "standby.json", warehouse.standby_record(standby))
        if touch:
            st = standby.stat()
            os.utime(standby, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        _, _, base = warehouse.update_candidate(built.warehouse, work, tmp_path / f"{name}-candidate.duckdb",
                                                standby=standby, code=code)
        return base, standby.exists()

    assert attempt("same", code) == ("standby", False)  # taken: renamed into the candidate
    assert attempt("other_code", "another SQL model") == ("copy", False)  # stale: discarded
    assert attempt("touched", code, touch=True) == ("copy", False)  # modified since it was recorded: discarded
