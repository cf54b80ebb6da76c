"""The Dagster code location: every asset, check, job, schedule, sensor and resource."""
from __future__ import annotations

import dagster as dg
from dagster_duckdb import DuckDBResource

from . import settings
from .defs import assets
from .defs.automation import daily_refresh, input_folder_sensor, refresh_job
from .defs.checks import warehouse_checks
from .defs.progress import progress_logger
from .defs.resources import PipelinePaths


def _work_db() -> str:
    p = settings.work_db_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    return str(p)


defs = dg.Definitions(
    assets=dg.load_assets_from_modules([assets]),
    asset_checks=warehouse_checks,
    jobs=[refresh_job],
    schedules=[daily_refresh],
    sensors=[input_folder_sensor],
    loggers={"progress": progress_logger},  # chosen by `make run`; other runs keep Dagster's console logger
    resources={
        "duckdb": DuckDBResource(database=_work_db(), connection_config=settings.duckdb_config()),
        "paths": PipelinePaths(),
    },
    # One writer at a time on the staging database: run steps in one process.
    executor=dg.in_process_executor,
)


def refresh_job_definition() -> dg.JobDefinition:
    """The refresh job resolved against these definitions (what `make run` executes)."""
    return defs.resolve_job_def("refresh_warehouse")
