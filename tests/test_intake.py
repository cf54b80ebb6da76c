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
    found = {p.name: read_input_file(p, p.name) for p in scan_input(tmp_path)}
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
