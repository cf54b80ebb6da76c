"""Conformance suite: ../shared/conformance cases through `python -m pipeline.extract --jsonl`.

    python -m evaluation.conformance [--verbose FILE] [--json out.json]

Rules (the same for every file):
- numbers: the set of (text, value, value_high) found equals the expected set;
- money, dimensions, percent: the set of (text, value, unit) of quantities of
  that kind equals the expected set (span-only cases: the texts); individual
  qualifier agreement is reported beside the pass rate, not scored, because
  the sources disagree on 多/余 (JioNLP: a range, Recognizers: at least;
  our guidelines: approx);
- time: the set of (text, start day, end day) equals the expected set, every
  source's convention converted to inclusive calendar days.
A negative case (expected []) passes when nothing of that kind is found.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

from .common import REPO, SHARED, close, read_jsonl

FILES = ("numbers", "money", "dimensions", "percent", "time")
PEER = {"numbers": 0.565, "money": 0.697, "dimensions": 0.042, "percent": 0.059, "time": 0.496}
KIND_UNITS = {
    "dimension": {"m2", "t", "km", "W", "t/yr", "Wh"},
    "percent": {"percent", "pp"},
}


def run_extract(cases: list[dict]) -> list[dict]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for i, c in enumerate(cases):
            fh.write(json.dumps({"id": i, "text": c["input"], "reference_date": c.get("reference_date")},
                                ensure_ascii=False) + "\n")
        path = fh.name
    out = subprocess.run([sys.executable, "-m", "pipeline.extract", "--jsonl", path], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    Path(path).unlink()
    rows = [json.loads(l) for l in out.splitlines() if l.strip()]
    return sorted(rows, key=lambda r: r["id"])


def _same(pred: list[tuple], want: list[tuple]) -> bool:
    if len(pred) != len(want):
        return False
    left = list(pred)
    for w in want:
        for i, p in enumerate(left):
            if p[0] == w[0] and all(close(a, b) if isinstance(a, (int, float)) or isinstance(b, (int, float)) else a == b
                                    for a, b in zip(p[1:], w[1:])):
                del left[i]
                break
        else:
            return False
    return True


def _day(value: str) -> date:
    return datetime.fromisoformat(value[:19] if "T" in value else value[:10]).date() if "T" in value else date.fromisoformat(value[:10])


_GRAIN = {"Y": "year", "M": "month", "W": "week", "D": "day"}


def _add_grain(d: date, grain: str) -> date:
    if grain == "year":
        return date(d.year + 1, d.month, d.day)
    if grain == "month":
        return date(d.year + (d.month == 12), d.month % 12 + 1, d.day)
    if grain == "week":
        return d + timedelta(days=7)
    return d + timedelta(days=1)


def _recognizers_days(case: dict, item: dict, t: dict) -> tuple[str, str] | None:
    """Recognizers-Text: read the timex. A plain timex (2018, 2018-07, 2018-07-16) is
    the whole year, month or day; in an explicit X到Y range the source makes Y
    itself the exclusive end, which the usual Chinese reading includes."""
    timex = t.get("timex") or ""
    if re.fullmatch(r"\d{4}", timex):
        return f"{timex}-01-01", f"{timex}-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", timex):
        y, m = map(int, timex.split("-"))
        return f"{timex}-01", (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1)).isoformat()
    m = re.fullmatch(r"\((?P<a>[^,]+),(?P<b>[^,]+),P(?P<n>\d+)(?P<g>[YMWD])\)", timex)
    if m and t.get("start") and t.get("end"):
        end = date.fromisoformat(t["end"][:10])
        explicit = re.search(r"[到至\-~～–—]|之间|间", item["text"])
        if explicit and not re.search(r"[前后近过去未来]", item["text"]):
            end = _add_grain(end, _GRAIN[m.group("g")]) if m.group("g") != "D" else end + timedelta(days=1)
        return t["start"][:10], (end - timedelta(days=1)).isoformat()
    return None


def expected_days(case: dict, item: dict, t: dict) -> tuple[str, str]:
    """Convert one expected time to inclusive (start, end) ISO days, '' for open ends."""
    src = case["source"]
    if src.startswith("recognizers-text") and not t.get("mod"):
        days = _recognizers_days(case, item, t)
        if days:
            return days
    start = t.get("start") or ""
    end = t.get("end") or ""
    s = _day(start).isoformat() if start else ""
    if not end:
        return s, ""
    e = _day(end)
    inclusive = t.get("end_inclusive", False)
    if not inclusive:
        # exclusive ends: at midnight the previous day is the last one
        if "T" not in end or end.endswith("T00:00:00"):
            e = e - timedelta(days=1)
    return s, e.isoformat()


def score_case(kind: str, case: dict, result: dict) -> tuple[bool, Counter]:
    quals = Counter()
    exp = case["expected"]
    if kind == "number":
        pred = [(n["raw_text"], n["value"], n.get("value_high")) for n in result["numbers"]]
        want = [(e["text"], e["value"], e.get("value_high")) for e in exp]
        return _same(pred, want), quals
    if kind == "time":
        pred = [(t["raw_text"], t["start"], t["end"]) for t in result["times"] if t.get("kind") != "asof"]
        if case.get("span_only"):
            return sorted(p[0] for p in pred) == sorted(e["text"] for e in exp), quals
        want = [(e["text"], *expected_days(case, e, t)) for e, t in zip(exp, case.get("expected_time", []))]
        return _same(pred, want), quals
    if kind == "money":
        qs = [q for q in result["quantities"] if q["unit_code"] not in KIND_UNITS["dimension"] | KIND_UNITS["percent"]
              and q["unit_code"] not in ("count", "person", "person_time", "year") and "/" not in q["unit_code"]]
    else:
        qs = [q for q in result["quantities"] if q["unit_code"] in KIND_UNITS[kind]]
    if case.get("span_only"):
        return sorted(q["raw_text"] for q in qs) == sorted(e["text"] for e in exp), quals
    unit_of = lambda u: "percent" if u == "pp" else u  # noqa: E731  (the sources score 个百分点 as percent)
    pred = [(q["raw_text"], q["value"], unit_of(q["unit_code"])) for q in qs]
    want = [(e["text"], e["value"], e["unit"]) for e in exp]
    ok = _same(pred, want)
    for e in exp:
        q = next((q for q in qs if q["raw_text"] == e["text"]), None)
        if q is not None:
            quals["agree" if q["qualifier"] == e.get("qualifier", "exact") else "differ"] += 1
    return ok, quals


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--verbose", help="print failures of this file (numbers, money, ...)")
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    report = {}
    for name in FILES:
        cases = read_jsonl(SHARED / "conformance" / f"{name}.jsonl")
        results = run_extract(cases)
        passed = 0
        quals = Counter()
        by_source = defaultdict(lambda: [0, 0])
        failures = []
        for case, res in zip(cases, results):
            ok, q = score_case(case["kind"], case, res)
            quals += q
            src = case["source"].split("#")[0]
            by_source[src][1] += 1
            if ok:
                passed += 1
                by_source[src][0] += 1
            else:
                failures.append((case, res))
        rate = passed / len(cases)
        report[name] = {"cases": len(cases), "passed": passed, "pass_rate": round(rate, 3), "peer": PEER[name],
                        "qualifier_agreement": round(quals["agree"] / max(1, sum(quals.values())), 3),
                        "by_source": {k: f"{a}/{b}" for k, (a, b) in by_source.items()}}
        print(f"{name:<11} {passed:>4}/{len(cases):<4} pass rate {rate:.3f}   (peer JioNLP+cn2an {PEER[name]:.3f})")
        if args.verbose == name:
            for case, res in failures:
                if case["kind"] == "time":
                    want = [(e["text"], *expected_days(case, e, t)) for e, t in zip(case["expected"], case.get("expected_time", []))]
                    got = [(t["raw_text"], t["start"], t["end"]) for t in res["times"] if t.get("kind") != "asof"]
                elif case["kind"] == "number":
                    want = [(e["text"], e["value"], e.get("value_high")) for e in case["expected"]]
                    got = [(n["raw_text"], n["value"], n.get("value_high")) for n in res["numbers"]]
                else:
                    want = [(e["text"], e.get("value"), e.get("unit")) for e in case["expected"]]
                    got = [(q["raw_text"], q["value"], q["unit_code"]) for q in res["quantities"]]
                print("FAIL", case["source"], case["input"][:50].replace("\n", " "), "| want", want, "| got", got)
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
