"""Print what the published warehouse holds (used by `make run`)."""
from __future__ import annotations

import argparse
import shutil
import sys

import duckdb

from . import settings


def summary(path) -> str:
    con = duckdb.connect(str(path), read_only=True, config=settings.duckdb_config())
    try:
        one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
        lines = [
            f"warehouse: {path}",
            f"documents: {one('SELECT count(*) FROM dim_document')}",
            f"articles:  {one('SELECT count(*) FROM dim_article')} "
            f"({one('SELECT count(*) FROM dim_article WHERE is_boilerplate')} boilerplate)",
            f"quantities: {one('SELECT count(*) FROM fact_quantity')}",
        ]
        for metric, n in con.execute(
                "SELECT metric_code, count(*) FROM fact_quantity GROUP BY 1 ORDER BY 2 DESC, 1").fetchall():
            lines.append(f"  {metric:<24}{n:>6}")
        lines.append(f"entities: {one('SELECT count(*) FROM dim_entity')}")
        for etype, n in con.execute("SELECT entity_type, count(*) FROM dim_entity GROUP BY 1 ORDER BY 2 DESC").fetchall():
            lines.append(f"  {etype:<24}{n:>6}")
        lines.append(f"relations: {one('SELECT count(*) FROM fact_relation')}")
        q = con.execute("SELECT source_path, reason FROM quarantine_file ORDER BY 1").fetchall()
        lines.append(f"quarantined files: {len(q)}")
        lines.extend(f"  {p}: {r}" for p, r in q)
        return "\n".join(lines)
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reset-staging", action="store_true", help="delete the working database (full rebuild)")
    args = ap.parse_args(argv)
    if args.reset_staging:
        shutil.rmtree(settings.build_dir(), ignore_errors=True)
        print(f"removed {settings.build_dir()}")
        return 0
    path = settings.warehouse_path()
    if not path.exists():
        print(f"no warehouse at {path}: run `make run`", file=sys.stderr)
        return 1
    print(summary(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
