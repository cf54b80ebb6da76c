"""The reporting views answer their questions on the bundled corpus, and report.html reads well offline."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal

import duckdb
import pytest

from conftest import REPO

REPORTS = sorted(p.stem for p in (REPO / "sql" / "reports").glob("report_*.sql"))


@pytest.fixture(scope="module")
def con(built_warehouse):
    c = duckdb.connect(str(built_warehouse.warehouse), read_only=True)
    yield c
    c.close()


def rows(con, sql: str, params=None) -> list[dict]:
    cur = con.execute(sql, params or [])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def test_every_report_states_its_question_and_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(REPORTS) == 7
    for name in REPORTS:
        text = (REPO / "sql" / "reports" / f"{name}.sql").read_text(encoding="utf-8")
        assert text.startswith(f"-- {name}\n-- Question: "), name
        assert f"CREATE OR REPLACE VIEW {name} AS" in text
        assert f"select * from {name}" in readme.lower(), name


def test_every_report_answers_in_one_select(con):
    for name in REPORTS:
        assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0, name


def test_investment_rolls_up_the_administrative_hierarchy(con):
    # 52.17亿元 of funds in place, Jan–Oct 2024, reported for 安宁产业园区 (in 安宁市, 昆明市, 云南省)
    got = {(r["region"], r["region_level"], r["rolled_up"]): r["amount_yuan"] for r in rows(con, """
        SELECT * FROM report_investment_by_region
        WHERE metric_code = 'funds_in_place' AND year = 2024 AND status = 'actual'""")}
    assert got[("安宁市", "county", False)] == Decimal("5217000000")
    assert got[("昆明市", "prefecture", True)] >= Decimal("5217000000")
    assert got[("云南省", "province", True)] >= got[("昆明市", "prefecture", True)]
    # a township's projects count in its county: 禄脿街道's 2024 total investment is inside 安宁市's
    town = rows(con, """SELECT amount_yuan FROM report_investment_by_region
                        WHERE region = '禄脿街道' AND metric_code = 'investment_total' AND year = 2024""")
    county = rows(con, """SELECT amount_yuan FROM report_investment_by_region
                          WHERE region = '安宁市' AND metric_code = 'investment_total' AND year = 2024
                            AND status = 'actual'""")
    assert town and county and county[0]["amount_yuan"] >= town[0]["amount_yuan"] > 0
    # 亿元 beside 元
    for r in rows(con, "SELECT amount_yuan, amount_yi_yuan FROM report_investment_by_region"):
        assert abs(Decimal(str(r["amount_yi_yuan"])) - r["amount_yuan"] / Decimal(10**8)) < Decimal("0.0001")


def test_no_region_counts_less_than_a_region_below_it(con):
    bad = con.execute("""
        SELECT child.region, parent.region
        FROM report_investment_by_region child
        JOIN dim_entity ce ON ce.canonical_name = child.region AND ce.entity_type = 'region'
        JOIN v_region_ancestor ra ON ra.region_id = ce.entity_id AND ra.depth > 0
        JOIN report_investment_by_region parent
          ON parent.region = ra.ancestor_name AND parent.year = child.year
         AND parent.metric_code = child.metric_code AND parent.status = child.status
        WHERE parent.amount_yuan < child.amount_yuan""").fetchall()
    assert bad == []


def test_project_pipeline_gives_stage_investment_region_and_date(con):
    p = rows(con, "SELECT * FROM report_project_pipeline WHERE project = '云铜锌业搬迁项目'")[0]
    # "总投资21.15亿元，占地面积488亩，预计2025年5月31日建成投产"
    assert p["stage"] == "投产" and p["stage_planned"] is True
    assert p["investment_yuan"] == Decimal("2115000000") and p["region"] == "禄脿街道"
    assert p["latest_date"] is not None and "投产" in p["stage_sentence"]
    stages = {r[0] for r in con.execute("SELECT stage FROM report_project_pipeline").fetchall()}
    allowed = {r[0] for r in con.execute("SELECT stage_zh FROM ref_project_stage").fetchall()} | {"未标明"}
    assert stages <= allowed


def test_agreements_name_parties_date_and_article(con):
    got = rows(con, "SELECT * FROM report_agreements WHERE agreement = '战略合作协议' AND n_parties > 3")
    assert got, "滇中新区 signed with five other national new areas"
    a = got[0]
    assert {"滇中新区", "四川天府新区", "贵州贵安新区", "甘肃兰州新区"} <= set(a["parties"])
    assert len(a["party_types"]) == len(a["parties"])
    assert a["signed_date"] is not None and a["article_title"] and a["source_path"].endswith(".txt")
    assert "协议" in a["sentence"]


def test_people_roles(con):
    got = rows(con, "SELECT * FROM report_people_roles WHERE person = '胡昌升'")
    assert {"省委书记", "省人大常委会主任"} <= {r["title"] for r in got}
    assert all(r["articles"] >= 1 and r["article_titles"] for r in got)


def test_metric_timeseries_keeps_period_and_status(con):
    got = rows(con, """SELECT * FROM report_metric_timeseries
                       WHERE metric_code = 'funds_in_place' AND region = '安宁市'""")
    assert any(r["period_label"] == "2024-01/2024-10" and str(r["period_start"]) == "2024-01-01"
               and str(r["period_end"]) == "2024-10-31" and r["status"] == "actual"
               and r["latest_value"] == Decimal("5217000000") for r in got)
    statuses = {r[0] for r in con.execute("SELECT DISTINCT status FROM report_metric_timeseries").fetchall()}
    assert statuses <= {"actual", "planned", "target", "forecast"}


def test_top_projects_are_ranked_and_traceable(con):
    got = rows(con, """SELECT t.*, a.body FROM report_top_projects t
                       JOIN dim_article a ON a.title = t.article_title ORDER BY rank""")
    assert [r["rank"] for r in got][:3] == [1, 2, 3]
    values = [r["investment_yuan"] for r in got]
    assert values == sorted(values, reverse=True)
    for r in got:
        assert r["raw_text"] in r["sentence"]
        assert r["body"][r["char_start"]:r["char_end"]] == r["raw_text"]


def test_data_quality_accounts_for_every_file(con):
    got = rows(con, "SELECT * FROM report_data_quality")
    loaded = [r for r in got if r["status"] == "loaded"]
    quarantined = [r for r in got if r["status"] == "quarantined"]
    assert len(loaded) == con.execute("SELECT count(*) FROM dim_document").fetchone()[0]
    assert [r["source_path"].rsplit("/", 1)[-1] for r in quarantined] == ["broken.txt"]
    assert quarantined[0]["reason"]
    assert sum(r["quantities"] for r in loaded) == con.execute(
        "SELECT count(*) FROM fact_quantity WHERE NOT is_boilerplate").fetchone()[0]
    for r in loaded:
        assert r["quantities_without_subject"] <= r["quantities"] and 0 <= r["boilerplate_share"] <= 1


# --- report.html ---------------------------------------------------------------------------------------------

def _ensure_chromium() -> str:
    """Debian's chromium and a CJK font, installed by the test setup when missing (CI starts without them)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    need = []
    if shutil.which("chromium") is None:
        need.append("chromium")
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True) if shutil.which("fc-list") else None
    if fonts is None or not fonts.stdout.strip():
        need += ["fonts-wqy-microhei", "fontconfig"]
    if need:
        install = ["apt-get", "install", "-y", "--no-install-recommends", *need]
        if subprocess.run(install, env=env, capture_output=True).returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True, check=True)
            subprocess.run(install, env=env, capture_output=True, check=True)
    return shutil.which("chromium")


def test_report_html_is_self_contained(built_warehouse):
    page = built_warehouse.warehouse.with_name("report.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    # nothing fetched from elsewhere: no external scripts, stylesheets, fonts or images
    assert not re.search(r"<(script|img|iframe)[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "@font-face" not in page and "@import" not in page
    # numbers carry their sentence: 52.17亿元 is marked inside its source sentence
    assert "<mark>52.17亿元</mark>" in page


def test_report_html_renders_in_headless_chromium(built_warehouse, tmp_path):
    from playwright.sync_api import sync_playwright

    chromium = _ensure_chromium()
    report = built_warehouse.warehouse.with_name("report.html")
    problems, requests = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(report.as_uri())
        page.wait_for_selector("#chart-agreements .main-svg")
        assert problems == []
        assert requests == [report.as_uri()]  # offline: the page asks for nothing but itself
        assert page.title() == "区域经济事实仓库报告"
        assert page.locator(".js-plotly-plot").count() == 3
        # the charts drew their data: bars for investment and stages, a node per agreement and party
        assert page.locator("#chart-investment .bars .point").count() > 0
        assert page.locator("#chart-stages .bars .point").count() > 0
        assert page.locator("#chart-agreements .scatterlayer .point").count() > 5
        assert "禄脿街道" in page.inner_text("#investment")
        # Chinese text is drawn with a real CJK glyph, not the missing-glyph box of a private-use character
        same_as_tofu = page.evaluate("""() => {
            const draw = (ch) => { const c = document.createElement('canvas'); c.width = c.height = 48;
                const g = c.getContext('2d'); g.font = '40px ' + getComputedStyle(document.body).fontFamily;
                g.fillText(ch, 2, 40); return c.toDataURL(); };
            return draw('投') === draw('\\uE000'); }""")
        assert same_as_tofu is False
        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 50_000
        browser.close()
