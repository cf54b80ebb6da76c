"""Reading the input folder: every file becomes a document or a quarantine record.

Nothing here raises for a bad file: the reason is recorded and the batch goes
on (empty, binary, undecodable, too large, unreadable, vanished, symlink loop,
special files).
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from .core import records
from .core.text import UndecodableError


def max_file_bytes() -> int:
    return int(float(os.environ.get("PIPELINE_MAX_FILE_MB", "20")) * 1024 * 1024)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass
class FileResult:
    source_path: str
    size: int | None
    mtime_ns: int | None
    document: dict | None = None
    document_id: str = ""
    reason: str | None = None


class InputFile(NamedTuple):
    """One entry of the input folder: its path, its path as given (relative to the input folder's parent,
    file name included) and its stat, or why it cannot be read."""
    path: str
    source_path: str
    stat: os.stat_result | None
    problem: str | None


def scan_input(folder: Path) -> list[InputFile]:
    """Every entry of the folder tree except hidden ones; directories are not followed through symlinks.

    Paths stay strings: at tens of thousands of files, path objects were most of a refresh that finds nothing new.
    """
    base, top = str(folder), folder.name
    out: list[InputFile] = []
    for root, dirs, files in os.walk(base, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = root[len(base):].lstrip(os.sep)
        for f in sorted(files):
            if not f.startswith("."):
                path = os.path.join(root, f)
                st, problem = stat_file(path)
                out.append(InputFile(path, os.path.join(top, rel, f), st, problem))
    return out


def stat_file(path: str | Path) -> tuple[os.stat_result | None, str | None]:
    try:
        st = os.stat(path)
    except OSError as exc:
        return None, f"cannot stat: {exc.strerror or exc}"
    if not stat.S_ISREG(st.st_mode):
        return st, "not a regular file"
    return st, None


def read_input_file(path: str | Path, source_path: str, st: os.stat_result | None = None) -> FileResult:
    """Read, hash, decode and normalise one file, or say why it cannot be loaded."""
    if st is None:
        st, problem = stat_file(path)
        if problem:
            return FileResult(source_path, st.st_size if st else None, st.st_mtime_ns if st else None, reason=problem)
    result = FileResult(source_path, st.st_size, st.st_mtime_ns)
    if st.st_size > max_file_bytes():
        result.reason = f"file too large: {st.st_size / 1048576:.1f} MB > {max_file_bytes() / 1048576:.0f} MB (PIPELINE_MAX_FILE_MB)"
        return result
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_file_bytes() + 1)
    except OSError as exc:
        result.reason = f"cannot read: {exc.strerror or exc}"
        return result
    result.document_id = records.document_id_for(data)
    try:
        result.document = records.read_document(data, source_path)
    except UndecodableError as exc:
        result.reason = str(exc)
        result.document_id = ""
    return result


def read_input_task(item: tuple[str, str, os.stat_result]) -> FileResult:
    """``read_input_file`` for a process pool: (path, source path, stat) in, the result out."""
    path, source_path, st = item
    return read_input_file(path, source_path, st)
