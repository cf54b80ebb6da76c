from __future__ import annotations

import json
import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PIPELINE_SHARED_DIR", REPO.parent / "shared"))


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


_PUNCT = str.maketrans({"（": "(", "）": ")", "-": "—", "－": "—", "–": "—", " ": None, "\n": None, "，": ",", "：": ":"})


def norm(s: str | None) -> str:
    return (s or "").translate(_PUNCT).strip()


def close(a, b, rel=1e-6, abs_=0.01) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = float(a), float(b)
    return abs(a - b) <= max(abs_, rel * max(abs(a), abs(b)))


def strip_ws(s: str) -> str:
    return re.sub(r"\s+", "", s or "")
