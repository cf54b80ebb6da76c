"""The HTML report written beside the warehouse: charts and tables from the reporting views.

Self-contained on purpose: plotly.js is inlined and fonts come from the reader's system (a CJK font stack), so
the file opens offline. Every number shown in a table carries the sentence it was read from.
"""
from __future__ import annotations

import hashlib
import html
import os
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import duckdb
import jinja2
import networkx as nx
import plotly.io
import plotly.offline

FONT = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
        '"WenQuanYi Micro Hei", "WenQuanYi Zen Hei", sans-serif')
STATUS_ZH = {"actual": "实际", "planned": "计划", "target": "目标", "forecast": "预计"}
ENTITY_TYPE_ZH = {"region": "地区", "park": "园区", "company": "企业", "organization": "机构", "person": "人物",
                  "project": "项目", "agreement": "协议"}
ENTITY_COLOR = {"region": "#4c78a8", "park": "#59a14f", "company": "#f28e2b", "organization": "#76b7b2",
                "person": "#e15759", "project": "#b07aa1", "agreement": "#555555"}
TABLE_ROWS = 200  # rows per table: the report stays readable (and small) at tens of thousands of documents
NETWORK_AGREEMENTS = 40  # the most recent agreements drawn in the network
_TEMPLATE = Path(__file__).with_name("templates") / "report.html.j2"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict]:
    cur = con.execute(sql)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _head(con: duckdb.DuckDBPyConnection, view: str, where: str = "", order: str = "",
          limit: int = TABLE_ROWS, unused: tuple[str, ...] = ()) -> tuple[list[dict], int]:
    """The first ``limit`` rows of a reporting view and how many there are, in one evaluation of the view;
    ``unused``: columns the page does not show, left out so that the view does not compute them."""
    columns = f"* EXCLUDE ({', '.join(unused)})" if unused else "*"
    sql = f"SELECT {columns}, count(*) OVER () AS _total FROM {view}"  # noqa: S608 - our view names and clauses
    sql += f" WHERE {where}" if where else ""
    sql += f" ORDER BY {order}" if order else ""
    rows = _rows(con, f"{sql} LIMIT {int(limit)}")
    total = rows[0]["_total"] if rows else 0
    return rows, total


def yi(value: Decimal | float | None) -> str:
    """An amount in 元 shown in 亿元, the unit Chinese economic news uses for investment."""
    if value is None:
        return ""
    return f"{Decimal(value) / Decimal(100_000_000):,.2f}"


def plain(value: Decimal | float | None) -> str:
    """A canonical value as written by an analyst: thousands separators, no exponent, no trailing zeros."""
    if value is None:
        return ""
    d = Decimal(value).normalize()
    return f"{d:,f}" if d == d.to_integral_value() else f"{d:,f}".rstrip("0").rstrip(".")


def with_source(sentence: str | None, raw_text: str | None) -> str:
    """The sentence, escaped, with the first occurrence of the quoted figure marked."""
    if not sentence:
        return ""
    s = html.escape(sentence)
    if raw_text:
        r = html.escape(raw_text)
        s = s.replace(r, f"<mark>{r}</mark>", 1)
    return s


def _layout(title: str, height: int, **axes: dict) -> dict:
    """The layout every chart shares, as plotly.js reads it (the template resolved: no validation pass)."""
    return {"title": {"text": title}, "height": height, "font": {"family": FONT, "size": 13},
            "template": _white_template(), "margin": {"l": 10, "r": 10, "t": 80, "b": 10},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0}, **axes}


@lru_cache(maxsize=1)
def _white_template() -> dict:
    return plotly.io.templates["plotly_white"].to_plotly_json()


def investment_chart(rows: list[dict], top: int = 20) -> dict:
    """Bars of 亿元 per region and year (as reported, not rolled up), one colour per metric and status."""
    rows = [r for r in rows if not r["rolled_up"]]
    rows.sort(key=lambda r: r["amount_yuan"], reverse=True)
    rows = rows[:top]
    labels = [f"{r['region']} {r['year']}" for r in rows]
    series = [f"{r['metric_name']}·{STATUS_ZH.get(r['status'], r['status'])}" for r in rows]
    data = []
    for name in dict.fromkeys(series):
        pick = [(lab, r) for lab, r, sr in zip(labels, rows, series) if sr == name]
        data.append({"type": "bar", "name": name, "orientation": "h", "y": [p[0] for p in pick],
                     "x": [float(p[1]["amount_yuan"]) / 1e8 for p in pick],
                     "hovertemplate": "%{y}<br>%{x:,.2f} 亿元<extra>" + name + "</extra>"})
    return {"data": data, "layout": _layout(
        "各地区投资额（亿元）", max(320, 28 * len(set(labels)) + 140),
        yaxis={"categoryorder": "array", "categoryarray": list(reversed(list(dict.fromkeys(labels))))},
        xaxis={"title": {"text": "亿元"}})}


def stage_chart(rows: list[dict], stages: list[tuple[str, int]]) -> dict:
    """Named projects per lifecycle stage, in lifecycle order; hover lists the projects."""
    order = [s for s, _ in sorted(stages, key=lambda s: s[1])] + ["未标明"]
    by_stage: dict[str, list[str]] = {s: [] for s in order}
    for r in rows:
        by_stage.setdefault(r["stage"], []).append(r["project"])
    bars = {"type": "bar", "x": list(by_stage), "y": [len(v) for v in by_stage.values()], "marker": {"color": "#b07aa1"},
            "customdata": ["<br>".join(v[:15] + (["…"] if len(v) > 15 else [])) or "—" for v in by_stage.values()],
            "hovertemplate": "%{x}: %{y} 个<br>%{customdata}<extra></extra>"}
    return {"data": [bars], "layout": _layout("项目所处阶段", 360, yaxis={"title": {"text": "项目数"}, "dtick": 1})}


def agreement_network(rows: list[dict]) -> dict:
    """Agreements and their parties as a graph: an agreement node joined to each party that signed it."""
    g = nx.Graph()
    for r in rows:
        a = ("agreement", r["relation_id"], r["agreement"])
        g.add_node(a)
        for name, etype in zip(r["parties"], r["party_types"]):
            g.add_edge(a, (etype, name, name))
    pos = nx.spring_layout(g, seed=7, k=1.2 / max(1, g.number_of_nodes()) ** 0.5) if g.number_of_nodes() else {}
    ex, ey = [], []
    for u, v in g.edges():
        ex += [float(pos[u][0]), float(pos[v][0]), None]
        ey += [float(pos[u][1]), float(pos[v][1]), None]
    data = [{"type": "scatter", "x": ex, "y": ey, "mode": "lines", "line": {"color": "#bbbbbb", "width": 1},
             "hoverinfo": "skip", "showlegend": False}]
    for etype in dict.fromkeys(n[0] for n in g.nodes()):
        nodes = [n for n in g.nodes() if n[0] == etype]
        data.append({"type": "scatter", "x": [float(pos[n][0]) for n in nodes], "y": [float(pos[n][1]) for n in nodes],
                     "mode": "markers+text", "name": ENTITY_TYPE_ZH.get(etype, etype), "text": [n[2] for n in nodes],
                     "textposition": "top center",
                     "marker": {"size": 16 if etype == "agreement" else 12, "color": ENTITY_COLOR.get(etype, "#999"),
                                "symbol": "square" if etype == "agreement" else "circle"},
                     "hovertemplate": "%{text}<extra>" + ENTITY_TYPE_ZH.get(etype, etype) + "</extra>"})
    return {"data": data, "layout": _layout("签约网络：协议与签约方", 600, xaxis={"visible": False},
                                            yaxis={"visible": False})}


# Headline figures at the top of the report (and in the asset's metadata): key → (label, query).
HEADLINES = {
    "documents": ("文件", "SELECT count(*) FROM dim_document"),
    "articles": ("文章", "SELECT count(*) FROM dim_article WHERE NOT is_boilerplate"),
    "quantities": ("数量事实", "SELECT count(*) FROM fact_quantity WHERE NOT is_boilerplate"),
    "entities": ("实体", "SELECT count(*) FROM dim_entity"),
    "agreements": ("协议", "SELECT count(*) FROM report_agreements"),
    "quarantined_files": ("隔离文件", "SELECT count(*) FROM quarantine_file"),
}


@dataclass(frozen=True)
class Report:
    html: str
    figures: dict[str, int]  # HEADLINES keys → values
    sections: list[str]
    report_rows: dict[str, int]  # rows of each reporting view the tables draw on


def build_report(con: duckdb.DuckDBPyConnection, generated: datetime | None = None) -> Report:
    """The report of the warehouse behind ``con`` as one HTML string."""
    agreements, n_agreements = _head(con, "report_agreements")
    # the agreements headline is the view's row count, just computed: evaluating the view again costs as much
    figures = {key: n_agreements if key == "agreements" else con.execute(sql).fetchone()[0]
               for key, (_, sql) in HEADLINES.items()}
    investment = _rows(con, "SELECT * FROM report_investment_by_region")
    pipeline = _rows(con, "SELECT * FROM report_project_pipeline")  # all of them: the stage chart counts every one
    n_pipeline = len(pipeline)
    stages = con.execute("SELECT DISTINCT stage_zh, stage_order FROM ref_project_stage").fetchall()
    # every file a person is named in: thousands for a governor over years of news, and not on the page
    people, n_people = _head(con, "report_people_roles", where="role_in_doc = 'official'", unused=("source_paths",))
    timeseries, n_timeseries = _head(con, "report_metric_timeseries", where="period_start IS NOT NULL",
                                     order="metric_code, region, period_start")
    # quarantined files first, then the files with the most quantities lacking a subject or period
    quality, n_quality = _head(con, "report_data_quality", order="status DESC, quantities_without_subject + "
                               "quantities_without_period DESC, source_path")
    totals = {"report_investment_by_region": len(investment), "report_project_pipeline": n_pipeline,
              "report_agreements": n_agreements, "report_people_roles": n_people,
              "report_metric_timeseries": n_timeseries, "report_data_quality": n_quality}
    charts = {
        "investment": investment_chart(investment),
        "stages": stage_chart(pipeline, stages),
        "agreements": agreement_network(agreements[:NETWORK_AGREEMENTS]),
    }
    # figures as plain dicts: plotly's figure objects validate every property, a third of the report's time
    chart_html = {k: plotly.io.to_html(f, validate=False, full_html=False, include_plotlyjs=False, div_id=f"chart-{k}",
                                       config={"displaylogo": False, "responsive": True}) for k, f in charts.items()}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_TEMPLATE.parent), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["yi"] = yi
    env.filters["plain"] = plain
    env.globals["with_source"] = lambda s, r: jinja2.utils.markupsafe.Markup(with_source(s, r))
    env.globals["status_zh"] = STATUS_ZH
    page = env.get_template(_TEMPLATE.name).render(
        font=FONT, plotly_js=jinja2.utils.markupsafe.Markup(plotly.offline.get_plotlyjs()),
        charts={k: jinja2.utils.markupsafe.Markup(v) for k, v in chart_html.items()},
        figures={HEADLINES[k][0]: v for k, v in figures.items()}, generated=(generated or datetime.now()).strftime("%Y-%m-%d %H:%M"),
        top_projects=_rows(con, "SELECT * FROM report_top_projects LIMIT 30"),
        pipeline=pipeline[:TABLE_ROWS], agreements=agreements, people=people, timeseries=timeseries, quality=quality,
        totals=totals,
    )
    return Report(page, figures, ["投资", "项目", "签约", "人物", "指标", "数据质量"], totals)


def report_path(warehouse: Path) -> Path:
    return warehouse.with_name("report.html")


def source_fingerprint(warehouse: Path) -> str:
    """What the report is a function of: the published warehouse file and this module with its template."""
    st = warehouse.stat()
    code = Path(__file__).read_bytes() + _TEMPLATE.read_bytes()
    return hashlib.sha256(f"{st.st_size}:{st.st_mtime_ns}:".encode() + code).hexdigest()[:16]


def write_report(warehouse: Path) -> tuple[Path, Report | None]:
    """Write report.html beside ``warehouse`` (atomically); None when the existing one is current."""
    target = report_path(warehouse)
    stamp = f'<meta name="source-fingerprint" content="{source_fingerprint(warehouse)}">'
    if target.exists():
        with target.open("rb") as f:  # the stamp is in the head; the file is megabytes (plotly.js inlined)
            if stamp in f.read(4000).decode("utf-8", errors="replace"):
                return target, None
    from .settings import duckdb_config

    con = duckdb.connect(str(warehouse), read_only=True, config=duckdb_config())  # bounded memory
    try:
        report = build_report(con)
    finally:
        con.close()
    page = report.html.replace("<!--source-fingerprint-->", stamp, 1)
    tmp = target.with_suffix(".html.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target, report
