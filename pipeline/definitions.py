"""The Dagster code location: every asset, check, job, schedule, sensor and resource."""
from __future__ import annotations

import dagster as dg

from . import settings
from .defs import assets
from .defs.automation import daily_refresh, extract_buckets_job, input_folder_sensor, refresh_job
from .defs.checks import warehouse_checks
from .defs.progress import progress_logger
from .defs.resources import PipelinePaths, StagingDuckDB


def _work_db() -> str:
    p = settings.work_db_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    return str(p)


defs = dg.Definitions(
    assets=dg.load_assets_from_modules([assets]),
    asset_checks=[warehouse_checks],
    jobs=[refresh_job, extract_buckets_job],
    schedules=[daily_refresh],
    sensors=[input_folder_sensor],
    loggers={"progress": progress_logger},  # chosen by `make run`; other runs keep Dagster's console logger
    resources={
        "duckdb": StagingDuckDB(database=_work_db(), connection_config=settings.staging_duckdb_config()),
        "paths": PipelinePaths(),
    },
    # The refresh runs its steps in one process (they share one pool of text workers); the bucket job
    # extract_document_buckets sets the multiprocess executor.
    executor=dg.in_process_executor,
)


def refresh_job_definition() -> dg.JobDefinition:
    """The refresh job resolved against these definitions (what `make run` executes)."""
    return defs.resolve_job_def("refresh_warehouse")


def extract_buckets_job_definition() -> dg.JobDefinition:
    """The partitioned text-stage job (reconstructable: its steps run in worker processes)."""
    return defs.resolve_job_def("extract_document_buckets")
