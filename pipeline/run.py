"""`make run`: one refresh of every asset, in this process, recorded in DAGSTER_HOME like a UI run.

Prints one line per stage as it starts and ends (with its headline figures), every warning and failure with
the file and reason, and a summary table of the published warehouse at the end.
"""
from __future__ import annotations

import argparse
import sys
import time

import dagster as dg

from pipeline.defs.progress import handler


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--prune", action="store_true", help="also drop the rows of files gone from the input folder")
    args = ap.parse_args(argv)
    from pipeline import settings
    from pipeline.defs.checks import CHECK_STEP
    from pipeline.definitions import refresh_job_definition
    from pipeline.recovery import reap_dead_runs
    from pipeline.summary import summary

    instance = dg.DagsterInstance.get()
    for run_id in reap_dead_runs(instance):  # what `python -m pipeline.recovery` did before each `make run`
        print(f"recovered killed run {run_id}: marked failed, pool slots freed")
    run_config: dict = {"loggers": {"progress": {}}}
    if args.prune:
        run_config["ops"] = {"raw_documents": {"config": {"prune_missing": True}}}
    handler.check_steps = {CHECK_STEP}
    started = time.perf_counter()
    result = dg.execute_job(dg.reconstructable(refresh_job_definition), instance=instance, run_config=run_config,
                            raise_on_error=False, tags={"trigger": "make run"})
    took = time.perf_counter() - started
    if not result.success:
        print("\n" + handler.table(), file=sys.stderr)
        print(f"\nrefresh FAILED after {took:.1f} s (run {result.run_id}); the published warehouse is unchanged.",
              file=sys.stderr)
        for line in handler.failures:
            print(f"  {line}", file=sys.stderr)
        for name in handler.checks_failed:
            print(f"  blocking check failed: {name}", file=sys.stderr)
        return 1
    print(f"\nrefresh done in {took:.1f} s (run {result.run_id})\n")
    print(handler.table() + "\n")
    print(summary(settings.warehouse_path()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
