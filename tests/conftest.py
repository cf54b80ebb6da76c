from __future__ import annotations

import os
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
