
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb as ddb
from dagster._utils.backoff import backoff
from dagster_duckdb import DuckDBResource

from .. import settings, staging


class StagingDuckDB(DuckDBResource):
    """The staging database: a DuckDBResource whose connections hold the staging file lock.

    Text stages open the file only to read a batch and to append its results, so several runs (the
    partitions of a backfill, each in its own process) share it, one connection at a time.

    Without the write-ahead log (``staging.connect_without_wal``): a crash loses the batches committed since
    the last checkpoint, each with the done-marks of its documents (one transaction), so the next run redoes
    exactly those documents. The file is rebuilt from the input folder anyway."""

    @contextmanager
    def get_connection(self):
        with staging.lock_for(self.database):
            # as DuckDBResource does, retry a file still held by a process outside the lock (a reader); unlike
            # it, close the connection when the body raises, so the lock is never released with the file open
            con = backoff(fn=staging.connect_without_wal, retry_on=(RuntimeError, ddb.IOException),
                          kwargs={"database": self.database,
                                  "config": {"custom_user_agent": "dagster", **self.connection_config}},
                          max_retries=10)
            try:
                yield con
            finally:
                con.close()


class PipelinePaths(dg.ConfigurableResource):
    """Input folder and published warehouse (PIPELINE_INPUT_DIR, PIPELINE_WAREHOUSE)."""

    input_dir: str = ""
    warehouse: str = ""

    def input_path(self) -> Path:
        return Path(self.input_dir).expanduser() if self.input_dir else settings.input_dir()

    def warehouse_path(self) -> Path:
        return Path(self.warehouse).expanduser() if self.warehouse else settings.warehouse_path()

    def work_db(self) -> Path:
        p = settings.work_db_path(self.warehouse_path())
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def candidate(self) -> Path:
        return settings.candidate_path(self.warehouse_path())

    def standby(self) -> Path:
        return settings.standby_path(self.warehouse_path())

    def publication_record(self) -> Path:
        return settings.build_dir(self.warehouse_path()) / "published.json"

    def pending_record(self) -> Path:
        """The candidate's fingerprint, recorded at publication, and the documents its checks must read."""
        return self.candidate().with_suffix(".json")

    def checked_db(self) -> Path:
        """What the checks read: the candidate, or the published file when nothing needed rebuilding."""
        return self.candidate() if self.candidate().exists() else self.warehouse_path()

    def published_as_checked(self) -> bool:
        """Whether the checks would read the published file as it was when it passed them: no candidate, the
        file as recorded at its publication, published by this code (whose fingerprint covers the checks)."""
        from .. import warehouse

        if self.candidate().exists():
            return False
        published = warehouse.published_fingerprint(self.warehouse_path(), self.publication_record())
        return published is not None and published.code == warehouse.code_fingerprint()

    def check_scope(self) -> list[str] | None:
        """The documents whose rows are new in ``checked_db`` (None: all rows are).

        A candidate updated in place of the published file lists the documents it added. The published file is
        checked here only when it did not pass this code's checks at its publication (``published_as_checked``
        skips them otherwise): all of its rows are."""
        return self._pending().get("check_scope") if self.candidate().exists() else None

    def candidate_is_update(self) -> bool:
        """Whether the candidate is the published warehouse (or its standby) with changed documents' rows
        replaced: built by the same SQL, so it holds the views of this code already."""
        return self._pending().get("mode") == "incremental"

    def _pending(self) -> dict:
        """The candidate's pending record; empty when there is none or it is unreadable."""
        import json

        try:
            return json.loads(self.pending_record().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
