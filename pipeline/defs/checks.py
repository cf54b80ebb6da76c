"""Blocking data-quality checks on the candidate warehouse: a failure stops publication."""

import dagster as dg

from .. import warehouse
from .assets import warehouse_tables
from .metadata import markdown_table
from .resources import PipelinePaths


def _make_check(check: warehouse.Check) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=warehouse_tables, name=check.name, description=check.description, blocking=True)
    def _check(paths: PipelinePaths) -> dg.AssetCheckResult:
        if paths.published_as_checked():  # a refresh with nothing new: the rules across documents read 1.5 M rows
            return dg.AssetCheckResult(passed=True, severity=dg.AssetCheckSeverity.ERROR, metadata={
                "offending_rows": 0, "documents_checked": 0,
                "reason": "the published warehouse is unchanged since it passed this check at its publication"})
        scope = paths.check_scope()
        n, rows = warehouse.run_check(paths.checked_db(), check, scope)
        meta = {"offending_rows": n, "documents_checked": len(scope) if check.per_document and scope is not None else "all"}
        if rows:
            meta["sample"] = dg.MetadataValue.md(markdown_table(rows, [f"c{i}" for i in range(len(rows[0]))]))
        return dg.AssetCheckResult(passed=n == 0, metadata=meta,
                                   severity=dg.AssetCheckSeverity.ERROR)

    return _check


warehouse_checks = [_make_check(c) for c in warehouse.CHECKS]
