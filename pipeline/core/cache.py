"""Lexicon state derived from packages and reference files, kept on disk between processes.

Every process that extracts (a refresh run, a pool worker, a partition's run) needs the gazetteer parsed and
jieba loaded with it: ~3 s of parsing for a result that changes only when a package, a reference file or the
code deriving it changes. The derived objects are pickled under a key made of all of those, so a process
loads them in a fraction of a second and a change to any input builds them again. The cache is an
optimisation only: when its folder cannot be written the objects are simply built.
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    """PIPELINE_CACHE_DIR, else ~/.cache/cn-econ-pipeline (XDG_CACHE_HOME honoured)."""
    if os.environ.get("PIPELINE_CACHE_DIR"):
        return Path(os.environ["PIPELINE_CACHE_DIR"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cn-econ-pipeline"


def input_key(*, files: Iterable[Path] = (), packages: Iterable[str] = (), parts: Iterable[str] = ()) -> str:
    """A digest of what a derived object is a function of: file contents, package versions, other keys."""
    digest = hashlib.sha256(f"python {sys.version_info[:2]}".encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in packages:
        digest.update(f"{name}=={metadata.version(name)}".encode())
    for part in parts:
        digest.update(part.encode())
    return digest.hexdigest()[:20]


def load_or_build(name: str, key: str, build: Callable[[], T]) -> T:
    """The object cached under ``name`` and ``key``, built (and cached) when there is none."""
    path = cache_dir() / f"{name}-{key}.pickle"
    try:
        with open(path, "rb") as fh:
            was_enabled = gc.isenabled()
            gc.disable()  # hundreds of thousands of small objects: no collection passes while they load
            try:
                return pickle.load(fh)
            finally:
                if was_enabled:
                    gc.enable()
    except OSError:
        pass  # none yet, or the folder is unusable: build
    except Exception:  # noqa: BLE001 - a truncated or foreign file is rebuilt, never trusted
        with contextlib.suppress(OSError):
            path.unlink()
    obj = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # readers in other processes see the whole file or none
        for old in path.parent.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return obj
