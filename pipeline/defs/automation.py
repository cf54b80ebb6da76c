"""Refresh job, daily schedule and a sensor on the input folder."""

import hashlib
import json
import os

import dagster as dg

from .. import settings
from ..intake import scan_input
from ..recovery import reap_dead_runs

from .assets import DOCUMENT_BUCKETS, document_bucket_extractions

refresh_job = dg.define_asset_job(
    "refresh_warehouse", selection=dg.AssetSelection.all() - dg.AssetSelection.assets(document_bucket_extractions),
    description="Process new or changed input files and publish the warehouse.",
)

# One run per document bucket, its steps in worker processes: what a backfill launches (through the run
# launcher: local processes, Docker containers or Kubernetes pods) before refresh_warehouse loads.
extract_buckets_job = dg.define_asset_job(
    "extract_document_buckets", selection=dg.AssetSelection.assets(document_bucket_extractions),
    partitions_def=DOCUMENT_BUCKETS, executor_def=dg.multiprocess_executor,
    description="The text stages for one bucket of documents (partition = first hex digit of the document id).",
)



def _recover(context) -> None:
    # A killed earlier refresh would otherwise hold the writer pool forever.
    if context.instance_ref is not None:
        for run_id in reap_dead_runs(context.instance):
            context.log.warning(f"recovered killed run {run_id}")


@dg.schedule(name="daily_refresh", job=refresh_job, cron_schedule="0 6 * * *", execution_timezone="Asia/Shanghai",
             default_status=dg.DefaultScheduleStatus.RUNNING, description="Refresh the warehouse every morning.")
def daily_refresh(context: dg.ScheduleEvaluationContext):
    _recover(context)
    return dg.RunRequest(tags={"trigger": "daily_refresh"})


def folder_fingerprint(folder) -> tuple[str, int]:
    """Names, sizes and modification times of every input file, hashed."""
    entries = []
    for entry in scan_input(folder):
        if entry.stat is not None:
            entries.append((entry.path, entry.stat.st_size, entry.stat.st_mtime_ns))
    digest = hashlib.sha256(json.dumps(entries).encode()).hexdigest()
    return digest, len(entries)


@dg.sensor(job=refresh_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Starts a refresh when files appear in or change under PIPELINE_INPUT_DIR.")
def input_folder_sensor(context: dg.SensorEvaluationContext):
    _recover(context)
    folder = settings.input_dir()
    if not folder.is_dir():
        return dg.SkipReason(f"input folder {folder} does not exist")
    digest, n = folder_fingerprint(folder)
    if context.cursor == digest:
        return dg.SkipReason(f"no change in {n} files")
    context.update_cursor(digest)
    return dg.RunRequest(run_key=digest, tags={"trigger": "input_folder", "files": str(n)})
