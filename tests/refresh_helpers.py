"""Run the real pipeline in subprocesses, as `make run` does."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from conftest import REPO

DAGSTER = Path(sys.executable).with_name("dagster")
TABLES = ("dim_document", "dim_article", "dim_entity", "dim_metric", "dim_unit", "dim_date", "fact_quantity",
          "fact_entity_mention", "fact_project_stage", "fact_person_role", "fact_relation", "fact_removed_span",
          "quarantine_file")


class Env:
    def __init__(self, root: Path):
        self.root = root
        self.input = root / "input"
        self.warehouse = root / "out" / "warehouse.duckdb"
        self.home = root / "dagster_home"
        self.input.mkdir(parents=True, exist_ok=True)
        self.home.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "dagster.yaml", self.home / "dagster.yaml")

    def environ(self, **extra) -> dict:
        return {**os.environ, "PIPELINE_INPUT_DIR": str(self.input), "PIPELINE_WAREHOUSE": str(self.warehouse),
                "DAGSTER_HOME": str(self.home), "PIPELINE_WORKERS": "1", **extra}

    def command(self, config: dict | None = None) -> list[str]:
        # every asset but the partitioned bucket extraction, which a backfill runs (tests/test_scale_out.py)
        cmd = [str(DAGSTER), "asset", "materialize", "-m", "pipeline.definitions", "--select",
               "not key:document_bucket_extractions"]
        if config:
            cmd += ["--config-json", json.dumps(config)]
        return cmd

    def recover(self, **extra) -> str:
        """What `make run` does first: release runs killed earlier."""
        proc = subprocess.run([sys.executable, "-m", "pipeline.recovery"], cwd=REPO, env=self.environ(**extra),
                              capture_output=True, text=True, check=True)
        return proc.stdout

    def refresh(self, config: dict | None = None, check: bool = True, **extra) -> subprocess.CompletedProcess:
        self.recover(**extra)
        proc = subprocess.run(self.command(config), cwd=REPO, env=self.environ(**extra), capture_output=True, text=True,
                              timeout=900)
        if check and proc.returncode != 0:
            raise AssertionError(f"refresh failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc

    def start_refresh(self, **extra) -> subprocess.Popen:
        self.recover(**extra)
        return subprocess.Popen(self.command(), cwd=REPO, env=self.environ(**extra), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    def query(self, sql: str, params=None):
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def checksums(self) -> dict[str, tuple]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return {t: con.execute(f"SELECT count(*), coalesce(sum(hash(x)), 0) FROM {t} AS x").fetchone() for t in TABLES}
        finally:
            con.close()

    def file_digest(self) -> str:
        return hashlib.sha256(self.warehouse.read_bytes()).hexdigest()

    def latest_metadata(self, asset: str) -> dict:
        import dagster as dg

        os.environ["DAGSTER_HOME"] = str(self.home)
        instance = dg.DagsterInstance.from_config(str(self.home))
        try:
            ev = instance.get_latest_materialization_event(dg.AssetKey(asset))
            return {k: v.value for k, v in ev.asset_materialization.metadata.items()}
        finally:
            instance.dispose()
