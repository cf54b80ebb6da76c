"""The same pipeline publishing into a DuckLake catalog with local Parquet files."""
import shutil

import duckdb

from conftest import DOCUMENTS
from refresh_helpers import TABLES, Env
from pipeline.lakehouse import PARQUET_ROW_GROUP_ROWS, connect_lake


def _lake_counts(catalog: str, data: str) -> dict[str, int]:
    con = connect_lake(catalog, data, read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM lake.main.{t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def test_refresh_publishes_the_checked_tables_into_ducklake(tmp_path):
    env = Env(tmp_path)
    # a SQLite catalog: several processes (the refresh, analysts) open it at once
    catalog, data = "sqlite:" + str(tmp_path / "lake" / "catalog.sqlite"), str(tmp_path / "lake" / "files")
    (tmp_path / "lake").mkdir()
    lake_env = {"PIPELINE_DUCKLAKE": catalog, "PIPELINE_DUCKLAKE_DATA": data}
    shutil.copy(next(DOCUMENTS.glob("001_*.txt")), env.input)
    env.refresh(**lake_env)

    local = {t: env.query(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}
    assert _lake_counts(catalog, data) == local
    assert local["fact_quantity"] > 0 and local["dim_entity"] > 0
    assert list((tmp_path / "lake" / "files").rglob("*.parquet"))  # the data are Parquet files

    # A reader holding the lake open keeps its snapshot while a second refresh commits a new one.
    reader = connect_lake(catalog, data, read_only=True)
    reader.execute("BEGIN TRANSACTION")
    before = reader.execute("SELECT count(*) FROM lake.main.dim_document").fetchone()[0]
    shutil.copy(next(DOCUMENTS.glob("002_*.txt")), env.input)
    env.refresh(**lake_env)
    assert reader.execute("SELECT count(*) FROM lake.main.dim_document").fetchone()[0] == before == 1
    reader.execute("COMMIT")
    reader.close()

    con = connect_lake(catalog, data, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM lake.main.dim_document").fetchone()[0] == 2
        # the same SQL as on the DuckDB file: the reporting views travel with the tables
        by_view = con.execute("SELECT count(*) FROM lake.main.v_quantity").fetchone()[0]
        assert by_view == env.query("SELECT count(*) FROM v_quantity")[0][0] > 0
        snapshots = con.execute("SELECT count(*) FROM ducklake_snapshots('lake')").fetchone()[0]
        assert snapshots >= 3  # creation plus one per refresh: history kept for time travel
        # row groups small enough that writing one stays within the memory bound (DuckLake's default: 122,880)
        size = con.execute("SELECT value FROM lake.options() WHERE option_name = 'parquet_row_group_size'").fetchone()
        assert size == (str(PARQUET_ROW_GROUP_ROWS),)
    finally:
        con.close()
