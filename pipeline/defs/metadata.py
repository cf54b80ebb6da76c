"""Asset metadata helpers: row counts and small markdown previews for the UI."""
from __future__ import annotations

import dagster as dg


def markdown_table(rows: list[tuple], headers: list[str], max_rows: int = 10, width: int = 40) -> str:
    def cell(v: object) -> str:
        s = "" if v is None else str(v)
        s = s.replace("|", "\\|").replace("\n", " ")
        return s if len(s) <= width else s[: width - 1] + "…"

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for r in rows[:max_rows]:
        lines.append("| " + " | ".join(cell(v) for v in r) + " |")
    return "\n".join(lines)


def preview(con, sql: str, params: list | None = None, max_rows: int = 10) -> dg.MetadataValue:
    cur = con.execute(sql + f" LIMIT {int(max_rows)}", params or [])
    headers = [d[0] for d in cur.description]
    return dg.MetadataValue.md(markdown_table(cur.fetchall(), headers, max_rows))
