"""Run the text core on its own, without Dagster or DuckDB.

    echo '文本' | python -m pipeline.extract --reference-date 2024-12-11
    python -m pipeline.extract --jsonl cases.jsonl > out.jsonl

stdin mode prints one JSON object per quantity and entity; --jsonl mode reads
{"id", "text", "reference_date"} lines and writes one line per input with
quantities, numbers, entities and times.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime

from .core.entities import find_entities
from .core.quantities import find_numbers, parse_quantities
from .core.records import json_value
from .core.text import normalise_text
from .core.timex import find_times

QUANTITY_FIELDS = ("raw_text", "char_start", "char_end", "value", "value_high", "unit_code", "qualifier", "counted",
                   "metric_code", "raw_value", "raw_unit", "period_label", "period_start", "period_end", "status",
                   "comparison", "sentence", "subject")


def _ref(value: str | None) -> date | None:
    if not value:
        return None
    value = value.strip()
    for fmt, n in (("%Y-%m-%dT%H:%M:%S", 19), ("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            return datetime.strptime(value[:n], fmt).date()
        except ValueError:
            continue
    return None


def analyse(text: str, reference_date: date | None) -> dict:
    norm = normalise_text(text)
    # Normalisation keeps lengths (full-width → half-width, traditional →
    # simplified), so spans can be shown as the caller wrote them.
    shown = text if len(text) == len(norm) else norm
    times = find_times(norm, reference_date)
    quantities = parse_quantities(norm, reference_date, times)
    mentions = find_entities(norm)
    return {
        "quantities": [{f: json_value(getattr(q, f)) for f in QUANTITY_FIELDS} | {"raw_text": shown[q.char_start:q.char_end]}
                       for q in quantities],
        "numbers": [{"raw_text": shown[n.char_start:n.char_end], "char_start": n.char_start, "char_end": n.char_end,
                     "value": json_value(n.value), "value_high": json_value(n.value_high)} for n in find_numbers(norm)],
        "entities": [{"surface": m.surface, "char_start": m.char_start, "char_end": m.char_end,
                      "entity_type": m.entity_type, "name": m.name, "key": m.key, "region_level": m.region_level,
                      "admin_code": m.admin_code, "titles": m.titles} for m in mentions],
        "times": [{"raw_text": shown[t.char_start:t.char_end], "char_start": t.char_start, "char_end": t.char_end,
                   "start": t.start.isoformat() if t.start else "", "end": t.end.isoformat() if t.end else "",
                   "label": t.label, "kind": t.kind} for t in times],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.extract", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference-date", default=date.today().isoformat(),
                    help="ISO date that 今年/去年/上月 resolve against (default: today; a line's own reference_date wins)")
    ap.add_argument("--jsonl", help="file of {id, text, reference_date} lines ('-' for stdin)")
    args = ap.parse_args(argv)
    out = sys.stdout
    if args.jsonl:
        src = sys.stdin if args.jsonl == "-" else open(args.jsonl, encoding="utf-8")
        with src:
            for line in src:
                if not line.strip():
                    continue
                case = json.loads(line)
                ref = _ref(case.get("reference_date")) or _ref(args.reference_date)
                try:
                    result = analyse(case.get("text", ""), ref)
                except Exception as exc:  # one bad line never stops the file
                    result = {"quantities": [], "numbers": [], "entities": [], "times": [], "error": repr(exc)}
                out.write(json.dumps({"id": case.get("id"), **result}, ensure_ascii=False) + "\n")
        return 0
    result = analyse(sys.stdin.read(), _ref(args.reference_date))
    for q in result["quantities"]:
        out.write(json.dumps({"type": "quantity", **q}, ensure_ascii=False) + "\n")
    for e in result["entities"]:
        out.write(json.dumps({"type": "entity", **e}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
