
from pathlib import Path

import dagster as dg

from .. import settings


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

    def publication_record(self) -> Path:
        return settings.build_dir(self.warehouse_path()) / "published.json"

    def checked_db(self) -> Path:
        """What the checks read: the candidate, or the published file when nothing needed rebuilding."""
        return self.candidate() if self.candidate().exists() else self.warehouse_path()
