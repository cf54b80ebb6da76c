"""Reading single input files: each one is a document or a reason."""
import os

from pipeline.intake import read_input_file, scan_input, stat_file


def test_file_removed_between_scan_and_read_is_recorded(tmp_path):
    path = tmp_path / "gone.txt"
    path.write_text("完成投资5亿元。", encoding="utf-8")
    st, problem = stat_file(path)
    assert problem is None
    path.unlink()  # removed while the batch runs
    result = read_input_file(path, "input/gone.txt", st)
    assert result.document is None
    assert result.reason.startswith("cannot read") and "No such file" in result.reason


def test_symlink_loop_and_fifo_are_reasons_not_errors(tmp_path):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    os.mkfifo(tmp_path / "pipe")
    found = {os.path.basename(e.path): read_input_file(e.path, e.source_path) for e in scan_input(tmp_path)}
    assert set(found) == {"a", "b", "pipe"}
    assert "symbolic links" in found["a"].reason
    assert found["pipe"].reason == "not a regular file"


def test_same_text_in_gb18030_and_utf8_gives_the_same_document_text(tmp_path):
    text = "滇中新区签约项目12个，总投资52.17亿元。\n"
    (tmp_path / "u.txt").write_text(text, encoding="utf-8")
    (tmp_path / "g.txt").write_bytes(text.encode("gb18030"))
    u = read_input_file(tmp_path / "u.txt", "u.txt").document
    g = read_input_file(tmp_path / "g.txt", "g.txt").document
    assert u["encoding"] == "utf-8" and g["encoding"] == "gb18030"
    assert u["text"] == g["text"]


def test_scan_lists_nested_files_with_their_path_from_the_folders_parent_skipping_hidden_and_linked_folders(tmp_path):
    folder = tmp_path / "input"
    (folder / "2025" / "云南").mkdir(parents=True)
    (folder / ".cache").mkdir()
    (folder / "a.txt").write_text("一", encoding="utf-8")
    (folder / "2025" / "云南" / "b.txt").write_text("二", encoding="utf-8")
    (folder / ".hidden.txt").write_text("三", encoding="utf-8")
    (folder / ".cache" / "c.txt").write_text("四", encoding="utf-8")
    os.symlink(folder / "2025", folder / "linked")  # a folder reached through a link is not walked twice
    entries = scan_input(folder)
    assert [e.source_path for e in entries] == ["input/a.txt", "input/2025/云南/b.txt"]
    assert entries[0].path == str(folder / "a.txt")
    assert entries[0].stat.st_size == 3 and entries[0].problem is None


def test_the_original_text_is_staged_only_when_normalising_changed_it_and_the_warehouse_keeps_it(tmp_path):
    import duckdb

    from pipeline import staging, warehouse

    (tmp_path / "wide.txt").write_text("总投资５２．１７亿元。\r\n", encoding="utf-8")
    (tmp_path / "plain.txt").write_text("总投资52.17亿元。\n", encoding="utf-8")
    docs = {name: read_input_file(tmp_path / name, name).document for name in ("wide.txt", "plain.txt")}
    assert docs["wide.txt"]["text"] == docs["plain.txt"]["text"] == "总投资52.17亿元。\n"
    assert docs["wide.txt"]["original_text"] == "总投资５２．１７亿元。\r\n"
    assert docs["plain.txt"]["original_text"] is None  # the same text is not staged twice

    work = tmp_path / "work.duckdb"
    with duckdb.connect(str(work)) as con:
        staging.ensure_tables(con)
        staging.append(con, "stg_document", list(docs.values()))
    with duckdb.connect() as con:
        con.execute(f"ATTACH '{work}' AS work")
        con.execute(warehouse.model_sql("dim_document"))
        got = dict(con.execute("SELECT source_path, original_text FROM dim_document").fetchall())
    assert got == {"wide.txt": "总投资５２．１７亿元。\r\n", "plain.txt": "总投资52.17亿元。\n"}
