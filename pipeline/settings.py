"""Where the pipeline reads and writes: environment variables with defaults."""
from __future__ import annotations

import os
from pathlib import Path

from .core.reference import REPO_ROOT


def input_dir() -> Path:
    return Path(os.environ.get("PIPELINE_INPUT_DIR", REPO_ROOT / "seeds" / "documents")).expanduser()


def warehouse_path() -> Path:
    return Path(os.environ.get("PIPELINE_WAREHOUSE", REPO_ROOT / "warehouse" / "warehouse.duckdb")).expanduser()


def build_dir(warehouse: Path | None = None) -> Path:
    """Working files live beside the published warehouse (same filesystem: atomic rename)."""
    w = warehouse or warehouse_path()
    return w.parent / f".{w.stem}.build"


def work_db_path(warehouse: Path | None = None) -> Path:
    return build_dir(warehouse) / "work.duckdb"


def standby_path(warehouse: Path | None = None) -> Path:
    """The warehouse as published one refresh earlier: the base of the next incremental update."""
    return build_dir(warehouse) / "standby.duckdb"


def candidate_path(warehouse: Path | None = None) -> Path:
    return build_dir(warehouse) / "candidate.duckdb"


SQL_DIR = REPO_ROOT / "sql"


def duckdb_config() -> dict[str, str]:
    """Settings for every DuckDB connection that builds, checks or reports on the warehouse: a bounded buffer
    pool (DuckDB's default is 80% of RAM, so memory grew with the corpus); beyond it DuckDB spills to disk."""
    return _buffer_pool(os.environ.get("PIPELINE_DUCKDB_MEMORY", "1GB"))


def _buffer_pool(size: str) -> dict[str, str]:
    """A buffer pool of ``size`` whose blocks DuckDB's block allocator keeps for reuse while the connection is
    open (they go back when it closes). Otherwise every evicted block went back to the system and every new
    one came as fresh pages the kernel zeroed: building the warehouse at 20,000 documents spent 2.8-3.2 s of
    system time, 1.5 s with the allocator, and took 7.2-7.7 -> 6.3-6.5 s, its peak 1.34-1.41 -> 1.22-1.24 GB."""
    return {"memory_limit": size, "block_allocator_memory": size}


def staging_duckdb_config() -> dict[str, str]:
    """Settings for the staging file, which a text stage appends to in batches of 400 documents:
    - at DuckDB's default threshold of 16 MB of changes (measured as the write-ahead log they would take; the
      file is opened without the log, ``staging.connect_without_wal``) a stage checkpointed every few batches
      (a quarter of the layout stage's writing time went to COMMIT); the file is checkpointed when the stage
      closes it anyway;
    - one thread: the process holding it reads and writes small batches while the pool's workers use both
      cores, and a second DuckDB thread only competed with them (this process's CPU in the layout stage
      4.0 -> 2.7 s, the stage 6.7 -> 5.9 s at 6,000 documents; intake 5.2 -> 4.7 s);
    - a buffer pool of its own, ``PIPELINE_STAGING_MEMORY`` (default 512 MB): the process only reads a batch
      and appends one, and with the build's 1 GB it kept that much of cached blocks through the text stages,
      beside the workers: its peak 1,169 -> 919 MB at 20,000 documents, 1,390 -> 920 MB at 60,000. The
      stages' times are the same at 20,000 documents; at 60,000 the layout stage takes 3-4 s more (43-46 ->
      48-50 s), as its batches (by id) read texts the intake stored by path, from every block of the file;
    - no vacuum: rows appended after a checkpoint go to a row group of their own, and the checkpoints' vacuum
      merged those small row groups again later, re-compressing every text in them (the stg_document rows at
      the intake's close, the article bodies every few checkpoints: one checkpoint of the layout stage took
      0.45-0.54 s instead of 0.09 s). Appends never need the merge; only deletions do, and the intake turns
      it on for the checkpoint after it deletes superseded documents (``staging.checkpoint_reclaiming``).
      At 20,000 documents the intake's process used 2.5 s of CPU instead of 2.8-3.1 s, the layout stage's
      4.4-4.9 s instead of 4.9-6.5 s."""
    return _buffer_pool(os.environ.get("PIPELINE_STAGING_MEMORY", "512MB")) | {"checkpoint_threshold": "256MB",
                                                                              "threads": "1", "max_vacuum_tasks": "0"}
