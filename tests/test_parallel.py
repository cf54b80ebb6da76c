"""The worker pool: started by the first stage with enough documents, stopped once the text is extracted."""
import os

import dagster as dg

from pipeline import parallel, staging
from pipeline.defs import assets
from pipeline.defs.resources import PipelinePaths


def _pid(_: int) -> int:
    return os.getpid()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_workers_stop_before_the_warehouse_is_built(tmp_path, monkeypatch):
    """Each worker holds the lexicons (about 450 MB): of no use to the build, whose buffer pool fills then."""
    monkeypatch.setenv("PIPELINE_WORKERS", "2")
    monkeypatch.setenv("PIPELINE_CACHE_DIR", str(tmp_path / "cache"))
    parallel.release()  # a pool another test left
    workers = set(parallel.pool().map(_pid, range(8)))
    assert workers and os.getpid() not in workers and all(map(_alive, workers))

    paths = PipelinePaths(input_dir=str(tmp_path / "in"), warehouse=str(tmp_path / "out" / "warehouse.duckdb"))
    with staging.connect_without_wal(paths.work_db(), {}) as con:
        staging.ensure_tables(con)  # an empty staging: the build still runs
    result = assets.warehouse_tables(dg.build_asset_context(), paths=paths)
    assert result.metadata["rebuilt"] is True
    assert parallel._POOL is None and not any(map(_alive, workers))
    # the next stage that needs workers starts new ones
    assert set(parallel.pool().map(_pid, range(8))).isdisjoint(workers)
    parallel.release()
