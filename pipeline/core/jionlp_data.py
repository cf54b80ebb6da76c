"""Access to the data and rules that ship with jionlp.

jionlp prints a banner on stdout when imported, which would corrupt JSON Lines
output; imports go through ``quiet_import`` and data files are read from the
installed package without importing it.
"""
from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def package_dir() -> Path:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jionlp is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def dictionary_file(name: str) -> bytes:
    return (package_dir() / "dictionary" / name).read_bytes()


def quiet_import(module: str):
    with contextlib.redirect_stdout(io.StringIO()):
        return importlib.import_module(module)


def _surname_lists() -> tuple[str, frozenset[str]]:
    m = quiet_import("jionlp.rule.rule_pattern")
    names = (m.CHINESE_FAMILY_NAME + "|" + m.TWO_CHAR_CHINESE_FAMILY_NAME).strip("()").replace("(", "").replace(")", "")
    return m.SINGLE_CHINESE_FAMILY_NAME, frozenset(n for n in names.split("|") if n)


@lru_cache(maxsize=1)
def _surnames_cached() -> tuple[str, frozenset[str]]:
    from . import cache

    # importing jionlp costs a third of a second per process: its two lists are kept in the disk cache
    return cache.load_or_build("jionlp-surnames", cache.input_key(files=[Path(__file__)], packages=["jionlp"]),
                               _surname_lists)


def surnames() -> str:
    """jionlp's list of unambiguous single-character surnames."""
    return _surnames_cached()[0]


def all_surnames() -> frozenset[str]:
    """jionlp's full surname list, ambiguous characters (迟, 高, 常) and two-character ones (欧阳) included."""
    return _surnames_cached()[1]


@lru_cache(maxsize=1)
def location_alias():
    return quiet_import("jionlp.gadget.china_location_alias").GetChinaLocationAlias()
