"""The text core's hot modules compiled to C by Cython, loaded only while they match their source.

The rules are plain Python; Cython compiles the same files unchanged, which runs them about a third faster
(the text core on 400 bench documents: 6.8 → 5.1 s on one core) and returns the same records. A compiled module is
stored beside its source under a key of that source and this interpreter's ABI, so an edited rule is never
shadowed by an old build: until ``python -m pipeline.compile`` (run by ``make``) builds it again, the module is
imported from its ``.py``. ``PIPELINE_PURE_PYTHON=1`` imports every module from source (for a profiler,
or to compare the two).
"""
from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

PACKAGE = __package__  # "pipeline.core", also when run with -m
HERE = Path(__file__).resolve().parent
# Where the text core spends its time (the rest reads reference files once per process).
MODULES = ("articles", "entities", "layout", "lexicon", "number_ranges", "numbers", "quantities", "records",
           "regex_gate", "regex_starts", "relations", "segmenter", "spans", "text", "timex")
# -O3 ran no faster; without debug information the build takes 40 s on two cores instead of 100.
_CFLAGS = ["-O2", "-g0"]
_ABI = importlib.machinery.EXTENSION_SUFFIXES[0]  # .cpython-311-x86_64-linux-gnu.so


def disabled() -> bool:
    return os.environ.get("PIPELINE_PURE_PYTHON", "") not in ("", "0")


def source_of(module: str) -> Path:
    """The ``.py`` of a core module, whether it was imported from source or compiled."""
    return HERE / f"{module.rpartition('.')[2]}.py"


def _key(source: Path) -> str:
    return hashlib.sha256(source.read_bytes() + _ABI.encode()).hexdigest()[:16]


def compiled_path(module: str) -> Path:
    """Where the build of ``module``'s current source is (or would be) stored."""
    return HERE / f"{module}.{_key(source_of(module))}.compiled{_ABI}"


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path=None, target=None):
        package, _, module = fullname.rpartition(".")
        if package != PACKAGE or module not in MODULES:
            return None
        try:
            so = compiled_path(module)
        except OSError:
            return None
        if not so.exists():
            return None  # not built, or built from another version of the source: the .py
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(so))
        return importlib.util.spec_from_file_location(fullname, so, loader=loader)


def install() -> None:
    if not disabled() and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def built() -> list[str]:
    """The modules whose current source has a build: those a process imports compiled (unless disabled)."""
    return [m for m in MODULES if compiled_path(m).exists()]


def loaded() -> list[str]:
    """The core modules this process has imported compiled."""
    return [m for m in MODULES if getattr(sys.modules.get(f"{PACKAGE}.{m}"), "__file__", "").endswith(_ABI)]


def imported() -> list[str]:
    """The core modules this process has imported, compiled or not (some are imported only where used)."""
    return [m for m in MODULES if f"{PACKAGE}.{m}" in sys.modules]


def build(jobs: int = os.cpu_count() or 1) -> list[str]:
    """Compile every module whose current source has no build; returns the modules built.

    Needs Cython and a C compiler; old builds of a rebuilt module are removed."""
    done = set(built())
    stale = [m for m in MODULES if m not in done]
    if not stale:
        return []
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    with tempfile.TemporaryDirectory(prefix="pipeline-cython-") as tmp:
        extensions = cythonize(
            [Extension(f"{PACKAGE}.{m}", [str(source_of(m))], extra_compile_args=_CFLAGS) for m in stale],
            build_dir=tmp, nthreads=jobs, quiet=True, force=True,
            compiler_directives={"language_level": 3, "binding": True})
        command = build_ext(Distribution({"ext_modules": extensions}))
        command.build_lib, command.build_temp, command.parallel = tmp, tmp, jobs
        command.ensure_finalized()
        command.run()
        for m in stale:
            target = compiled_path(m)
            for old in HERE.glob(f"{m}.*.compiled{_ABI}"):
                old.unlink()
            staged = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(command.get_ext_fullpath(f"{PACKAGE}.{m}"), staged)
            os.replace(staged, target)  # a process importing meanwhile sees the whole file or none
    return stale

