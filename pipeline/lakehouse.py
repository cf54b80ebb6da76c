"""Publishing the checked warehouse into a DuckLake catalog.

DuckLake keeps the catalog in a database (a local DuckDB file here, PostgreSQL
when many machines share it) and the data as Parquet files under a data path
(a shared folder or object storage). Every table of the contract is replaced in
one DuckLake transaction, so readers see the previous snapshot or the new one,
never a mix, and many readers and writers can share the warehouse.

Configured by two environment variables (unset: no DuckLake publication):

- ``PIPELINE_DUCKLAKE``: the catalog: ``sqlite:/data/lake/catalog.sqlite`` (many
  processes on one machine or a shared folder), ``postgres:dbname=warehouse
  host=db user=pipeline`` (many machines), or a DuckDB file
  ``/data/lake/catalog.ducklake`` (one process at a time: an open reader blocks
  the writer, as with any DuckDB file);
- ``PIPELINE_DUCKLAKE_DATA``: where the Parquet files go, e.g. ``/data/lake/files/``
  or ``s3://bucket/warehouse/``.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from .settings import duckdb_config
from .staging import sql_string
from .warehouse import TABLE_MODELS, VIEW_MODELS, model_sql

# Rows per Parquet row group in the lake's files (publish_to_ducklake).
PARQUET_ROW_GROUP_ROWS = 16_384


def extension_file(name: str) -> Path:
    """An extension shipped as a PyPI package (duckdb-extension-<name>): loads offline, no download."""
    import importlib

    package = importlib.import_module(f"duckdb_extension_{name}")
    root = Path(package.__file__).parent / "extensions"
    found = sorted(root.glob(f"v{duckdb.__version__}/{name}.duckdb_extension"))
    if not found:
        raise RuntimeError(f"no {name} extension for duckdb {duckdb.__version__} under {root}")
    return found[0]


def _catalog_extensions(catalog: str) -> list[str]:
    """DuckLake itself, plus the scanner for a SQLite or PostgreSQL catalog."""
    if catalog.startswith("sqlite:"):
        return ["ducklake", "sqlite_scanner"]
    if catalog.startswith("postgres:"):
        return ["ducklake", "postgres_scanner"]
    return ["ducklake"]


def configured() -> tuple[str, str] | None:
    catalog = os.environ.get("PIPELINE_DUCKLAKE", "").strip()
    if not catalog:
        return None
    data = os.environ.get("PIPELINE_DUCKLAKE_DATA", "").strip()
    if not data:
        raise RuntimeError("PIPELINE_DUCKLAKE is set but PIPELINE_DUCKLAKE_DATA (where Parquet files go) is not")
    return catalog, data


def connect_lake(catalog: str, data_path: str, con: duckdb.DuckDBPyConnection | None = None,
                 read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection with the DuckLake catalog attached as ``lake``."""
    con = con or duckdb.connect()
    for name in _catalog_extensions(catalog):
        con.execute(f"LOAD '{sql_string(extension_file(name))}'")
    options = f"DATA_PATH '{sql_string(data_path)}'" + (", READ_ONLY" if read_only else "")
    con.execute(f"ATTACH 'ducklake:{sql_string(catalog)}' AS lake ({options})")
    return con


def publish_to_ducklake(candidate: Path, catalog: str, data_path: str) -> dict[str, int]:
    """Replace every contract table and view in the catalog by the candidate's, in one transaction."""
    if "://" not in data_path:
        Path(data_path).mkdir(parents=True, exist_ok=True)
    if catalog.startswith("sqlite:"):
        _sqlite_wal(Path(catalog.removeprefix("sqlite:")))
    con = duckdb.connect(config=duckdb_config())
    try:
        connect_lake(catalog, data_path, con)
        # A Parquet writer holds a whole row group of every column outside DuckDB's buffer pool, and DuckLake's
        # default is 122,880 rows: at 60,000 documents this publication peaked at 3.3 GB with an unbounded pool
        # and failed within a 1 GB one. With 16,384 rows: 1.5 GB and 7.7 s (23.3 s before), insertion order kept.
        con.execute(f"CALL lake.set_option('parquet_row_group_size', '{PARQUET_ROW_GROUP_ROWS}')")
        con.execute(f"ATTACH '{sql_string(candidate)}' AS candidate (READ_ONLY)")
        con.execute("USE lake")
        con.execute("BEGIN TRANSACTION")
        for table in TABLE_MODELS:  # identifiers are our own constants, never document text
            con.execute(f"CREATE OR REPLACE TABLE lake.main.{table} AS SELECT * FROM candidate.main.{table}")
        for view in VIEW_MODELS:
            con.execute(model_sql(view))
        con.execute("COMMIT")
        counts = {t: con.execute(f"SELECT count(*) FROM lake.main.{t}").fetchone()[0] for t in TABLE_MODELS}
    finally:
        con.close()
    return counts


def _sqlite_wal(path: Path) -> None:
    """WAL journal on a SQLite catalog: readers in an open transaction no longer block the writer's commit."""
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA journal_mode=WAL")
    finally:
        con.close()
