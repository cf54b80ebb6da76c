"""Blocking data-quality checks on the candidate warehouse: a failure stops publication.

One step evaluates every check on one connection (as a step each, every check paid a step's overhead and
opened the candidate itself); each still has its own result, metadata and history in the UI."""
from collections.abc import Iterator

import dagster as dg

from .. import warehouse
from .assets import warehouse_tables
from .metadata import markdown_table
from .resources import PipelinePaths

CHECK_STEP = "warehouse_checks"


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(c.name, asset=warehouse_tables, description=c.description, blocking=True)
           for c in warehouse.CHECKS],
    name=CHECK_STEP,
    description="The data-quality rules of pipeline/warehouse.py CHECKS on the candidate warehouse.",
)
def warehouse_checks(paths: PipelinePaths) -> Iterator[dg.AssetCheckResult]:
    if paths.published_as_checked():  # a refresh with nothing new: the rules across documents read 1.5 M rows
        for check in warehouse.CHECKS:
            yield dg.AssetCheckResult(check_name=check.name, passed=True, severity=dg.AssetCheckSeverity.ERROR,
                                      metadata={"offending_rows": 0, "documents_checked": 0, "reason": (
                                          "the published warehouse is unchanged since it passed this check at "
                                          "its publication")})
        return
    scope = paths.check_scope()
    for check, n, rows in warehouse.run_checks(paths.checked_db(), warehouse.CHECKS, scope):
        meta = {"offending_rows": n,
                "documents_checked": len(scope) if check.per_document and scope is not None else "all"}
        if rows:
            meta["sample"] = dg.MetadataValue.md(markdown_table(rows, [f"c{i}" for i in range(len(rows[0]))]))
        yield dg.AssetCheckResult(check_name=check.name, passed=n == 0, metadata=meta,
                                  severity=dg.AssetCheckSeverity.ERROR)
