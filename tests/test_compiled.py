"""The compiled text core: loaded while it matches its source, and the same records as the source."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from conftest import DOCUMENTS, REPO
from pipeline.core import compiled

# Every record of every stage for the bundled documents, as JSON, and the modules that produced it compiled.
_EXTRACT = """
import json, sys
from pathlib import Path
from pipeline import stages
from pipeline.core import compiled, records
out = []
for path in sorted(Path(sys.argv[1]).glob("*.txt")):
    doc = records.read_document(path.read_bytes(), path.name)
    meta, arts, furniture = records.split_articles(doc["document_id"], doc["text"])
    mentions, roles, entities, errors = stages.entities_of(arts)
    by_article = stages._by(mentions, "article_id")
    out.append([meta, arts, furniture, mentions, roles, entities, errors,
                stages.quantities_of((arts, by_article)), stages.relations_of((arts, by_article))])
for module in compiled.MODULES:
    __import__(f"pipeline.core.{module}")
print(json.dumps({"compiled": compiled.loaded(), "records": out}, default=str, ensure_ascii=False))
"""


def _extract(pure: bool) -> dict:
    env = {**os.environ, "PIPELINE_PURE_PYTHON": "1" if pure else ""}
    done = subprocess.run([sys.executable, "-c", _EXTRACT, str(DOCUMENTS)], cwd=REPO, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_compiled_modules_return_the_same_records_as_their_source():
    from_source, from_build = _extract(pure=True), _extract(pure=False)
    assert from_source["compiled"] == []
    # every hot module the stages import runs compiled (`make` builds them; see pipeline/compile.py)
    assert set(from_build["compiled"]) == set(compiled.MODULES), "run `make compiled`"
    assert sum(len(doc[7][0]) for doc in from_build["records"]) > 100  # quantities of the bundled documents
    assert from_build["records"] == from_source["records"]


def test_a_module_edited_after_its_build_is_imported_from_source(tmp_path, monkeypatch):
    assert "spans" in compiled.built(), "run `make compiled`"
    shutil.copy(compiled.source_of("spans"), tmp_path / "spans.py")
    shutil.copy(compiled.compiled_path("spans"), tmp_path)
    monkeypatch.setattr(compiled, "HERE", tmp_path)
    finder = compiled._Finder()
    spec = finder.find_spec("pipeline.core.spans")
    assert spec is not None and spec.origin == str(compiled.compiled_path("spans"))
    assert finder.find_spec("pipeline.core.cache") is None  # not a hot module: always its source
    with open(tmp_path / "spans.py", "a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    assert finder.find_spec("pipeline.core.spans") is None
