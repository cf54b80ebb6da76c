"""Curated reference data kept in ``seeds/reference/*.csv``.

Lexicons (units, metric triggers, cues, suffixes, titles) live in CSV files so
that analysts can extend them without touching code.
"""
from __future__ import annotations

import csv
import os
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def reference_dir() -> Path:
    return Path(os.environ.get("PIPELINE_REFERENCE_DIR", REPO_ROOT / "seeds" / "reference"))


@lru_cache(maxsize=None)
def load_csv(name: str) -> tuple[dict[str, str], ...]:
    path = reference_dir() / name
    with path.open(encoding="utf-8", newline="") as fh:
        return tuple(dict(row) for row in csv.DictReader(fh))


def parse_factor(text: str) -> Fraction:
    """Exact conversion factor: '2000/3', '1e4' or '0.001'."""
    text = text.strip()
    if "e" in text.lower():
        mantissa, exp = text.lower().split("e")
        return Fraction(mantissa) * Fraction(10) ** int(exp)
    return Fraction(text)
