"""Scale-out: bucket partitions of the text stages, run at the same time with the multiprocess executor."""
import json
import subprocess
import sys
from collections import Counter

import duckdb

from conftest import REPO
from refresh_helpers import TABLES, Env

# What a run worker does: intake, one bucket's run (its step in a worker process: the multiprocess
# executor), or the refresh; prints what the test checks.
SCRIPT = r"""
import json, os, sys
import dagster as dg
from pipeline.definitions import extract_buckets_job_definition, refresh_job_definition

instance = dg.DagsterInstance.get()
what = sys.argv[1]
if what == "intake":
    result = dg.execute_job(dg.reconstructable(refresh_job_definition), instance,
                            asset_selection=[dg.AssetKey("raw_documents")])
    print(json.dumps({"success": result.success}))
elif what == "refresh":
    result = dg.execute_job(dg.reconstructable(refresh_job_definition), instance)
    left = {k: instance.get_latest_materialization_event(dg.AssetKey(k)).asset_materialization.metadata[
                "documents_processed"].value for k in ("articles", "entities", "quantities", "relations")}
    print(json.dumps({"success": result.success, "left": left}))
else:
    result = dg.execute_job(dg.reconstructable(extract_buckets_job_definition), instance,
                            tags={"dagster/partition": what})
    steps = {}
    for entry in instance.all_logs(result.run_id):
        ev = entry.dagster_event
        if ev is not None and ev.event_type_value in ("STEP_START", "STEP_SUCCESS"):
            steps[ev.event_type_value] = (entry.timestamp, ev.pid)
    print(json.dumps({"bucket": what, "success": result.success, "start": steps["STEP_START"][0],
                      "end": steps["STEP_SUCCESS"][0], "step_pid": steps["STEP_START"][1], "pid": os.getpid()}))
"""


def _worker(env: Env, what: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SCRIPT, what], cwd=REPO, env=env.environ(PIPELINE_WORKERS="1"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _result(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def _tables(env: Env) -> dict[str, tuple]:
    con = duckdb.connect(str(env.warehouse), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*), coalesce(sum(hash(x)), 0) FROM "
                               f"(SELECT * EXCLUDE (ingested_at) FROM {t}) AS x" if t == "dim_document" else
                               f"SELECT count(*), coalesce(sum(hash(x)), 0) FROM {t} AS x").fetchone()
                for t in TABLES if t != "quarantine_file"}
    finally:
        con.close()


def test_bucket_partitions_run_at_once_in_worker_processes_and_match_a_plain_refresh(tmp_path):
    from evaluation.bench import generate
    from pipeline.core.records import document_id_for

    pool = tmp_path / "generated"
    generate(pool, 64, 0.2)
    by_bucket: dict[str, list] = {}
    for f in sorted(pool.glob("*.txt")):
        by_bucket.setdefault(document_id_for(f.read_bytes())[0], []).append(f)
    buckets = [b for b, _ in Counter({b: len(fs) for b, fs in by_bucket.items()}).most_common(2)]
    partitioned, plain = Env(tmp_path / "partitioned"), Env(tmp_path / "plain")
    for env in (partitioned, plain):
        for b in buckets:
            for f in by_bucket[b]:
                (env.input / f.name).write_bytes(f.read_bytes())
    n_docs = sum(len(by_bucket[b]) for b in buckets)
    assert n_docs >= 4

    assert _result(_worker(partitioned, "intake"))["success"]
    runs = [_result(p) for p in [_worker(partitioned, b) for b in buckets]]  # both started before either is awaited
    assert [r["success"] for r in runs] == [True, True]
    # each bucket's step ran in a worker process of its own run, and the two runs overlapped in time
    assert all(r["step_pid"] != r["pid"] for r in runs) and len({r["step_pid"] for r in runs}) == 2
    a, b = runs
    assert a["start"] < b["end"] and b["start"] < a["end"], runs
    # the refresh found every document extracted: it only loaded and published
    refresh = _result(_worker(partitioned, "refresh"))
    assert refresh["success"] and refresh["left"] == {"articles": 0, "entities": 0, "quantities": 0, "relations": 0}

    plain.refresh()
    got, want = _tables(partitioned), _tables(plain)
    assert got["dim_document"][0] == n_docs and got["fact_quantity"][0] > 10 * n_docs
    assert got == want
