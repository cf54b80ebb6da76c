import json
import subprocess
import sys

from conftest import REPO


def run(args, stdin):
    return subprocess.run([sys.executable, "-m", "pipeline.extract", *args], input=stdin, capture_output=True,
                          text=True, cwd=REPO, check=True).stdout


def test_stdin_mode_prints_json_lines():
    out = run(["--reference-date", "2024-12-11"], "今年1至10月，安宁产业园区完成全口径到位资金52.17亿元。")
    rows = [json.loads(l) for l in out.splitlines()]
    q = next(r for r in rows if r["type"] == "quantity")
    assert q["value"] == 5217000000 and q["unit_code"] == "CNY" and q["period_label"] == "2024-01/2024-10"
    assert any(r["type"] == "entity" and r["surface"] == "安宁产业园区" for r in rows)


def test_jsonl_mode_one_line_per_input():
    cases = [{"id": "a", "text": "2,123個百分點", "reference_date": "2020-01-01"},
             {"id": "b", "text": "从2019年6月1日到6月30日", "reference_date": "2020-01-01"},
             {"id": "c", "text": "", "reference_date": None}]
    out = run(["--jsonl", "-"], "\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
    rows = [json.loads(l) for l in out.splitlines()]
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert rows[0]["quantities"][0]["raw_text"] == "2,123個百分點"
    assert rows[0]["numbers"][0]["value"] == 2123
    t = rows[1]["times"][0]
    assert (t["start"], t["end"]) == ("2019-06-01", "2019-06-30")
