"""Staging tables: entity rows counted per document, and files staged by an older schema."""
from __future__ import annotations

import duckdb

from pipeline import stages, staging


def test_equal_entity_rows_of_a_document_are_one_row_with_their_count():
    text = "本报讯 昆明市与大理州签约。昆明市政府表示，昆明市将加快建设。\n"
    _, arts, _, _ = stages.articles_of(("doc1", text))
    mentions, _, ents, errors = stages.entities_of(arts)
    assert errors == []
    kunming = [m for m in mentions if m["name"] == "昆明市"]
    assert len(kunming) >= 2
    rows = [e for e in ents if e["entity_id"] == kunming[0]["entity_id"]]
    assert len(rows) == 1 and rows[0]["occurrences"] == len(kunming)
    # the province above both cities is added once per city mention
    yunnan = [e for e in ents if e["name"] == "云南省"]
    assert len(yunnan) == 1 and yunnan[0]["entity_type"] == "region"


def test_a_file_staged_before_a_column_existed_gains_it(tmp_path):
    path = tmp_path / "work.duckdb"
    con = duckdb.connect(str(path))
    old = [f for f in staging.SCHEMAS["stg_entity"] if f.name != "occurrences"]
    con.execute("CREATE TABLE stg_entity (" + ", ".join(f'"{f.name}" VARCHAR' for f in old) + ")")
    con.execute("INSERT INTO stg_entity (entity_key, entity_id, name, document_id) VALUES ('region:1', 'e1', '昆明市', 'd0')")
    staging.ensure_tables(con)
    staging.ensure_tables(con)  # a second time adds nothing
    staging.append(con, "stg_entity", [{"entity_key": "region:1", "entity_id": "e1", "entity_type": "region",
                                        "name": "昆明", "document_id": "d1", "occurrences": 3}])
    assert con.execute("SELECT document_id, occurrences FROM stg_entity ORDER BY document_id").fetchall() == [
        ("d0", None), ("d1", 3)]
    con.close()
