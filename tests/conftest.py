from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = REPO / "seeds" / "documents"
SHARED = Path(os.environ.get("PIPELINE_SHARED_DIR", REPO.parent / "shared"))


def corpus_file(prefix: str) -> Path:
    return next(DOCUMENTS.glob(f"{prefix}_*.txt"))


@pytest.fixture(scope="session")
def corpus_articles():
    """Articles of every bundled document, through the real intake stages."""
    from pipeline.core import records

    out = {}
    for path in sorted(DOCUMENTS.glob("*.txt")):
        doc = records.read_document(path.read_bytes(), path.name)
        _, arts, _ = records.split_articles(doc["document_id"], doc["text"])
        out[path.name[:3]] = arts
    return out


def find_article(arts, needle: str):
    return next(a for a in arts if needle in a["body"])


REF = date(2025, 5, 8)


@dataclass
class Built:
    warehouse: Path
    stdout: str
    dagster_home: Path


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Built:
    """The bundled corpus plus one undecodable file, built by `python -m pipeline.run` (what `make run` runs)."""
    root = tmp_path_factory.mktemp("e2e")
    inp = root / "input"
    shutil.copytree(DOCUMENTS, inp)
    (inp / "broken.txt").write_bytes(bytes(range(256)) * 40)
    target = root / "out" / "w.duckdb"
    home = root / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    env = {**os.environ, "PIPELINE_INPUT_DIR": str(inp), "PIPELINE_WAREHOUSE": str(target), "DAGSTER_HOME": str(home)}
    proc = subprocess.run([sys.executable, "-m", "pipeline.run"], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return Built(target, proc.stdout, home)
