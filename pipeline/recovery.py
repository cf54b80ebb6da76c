"""Release what a killed refresh left behind in the Dagster instance.

A refresh killed with SIGKILL cannot free its slot in the "warehouse_writer"
pool, and its run stays STARTED; every later refresh would then wait for that
slot forever. The warehouse itself needs no repair (publication is an atomic
rename), so recovery is only about the instance: a run whose process is gone is
marked failed and its slots are freed. Run it before a refresh (`make run` does)
and from the sensor and schedule. In containers the daemon's run monitoring
does the same job (see README).
"""
from __future__ import annotations

import psutil
import dagster as dg

ACTIVE = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


def _run_process(instance: dg.DagsterInstance, run_id: str) -> tuple[int, float] | None:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_START).records
    if not records:
        return None
    entry = records[-1].event_log_entry
    return entry.dagster_event.pid, entry.timestamp


def _alive(pid: int, started: float) -> bool:
    try:
        proc = psutil.Process(pid)
        # A recycled pid belongs to a process created after the run started.
        return proc.create_time() <= started + 1 and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def reap_dead_runs(instance: dg.DagsterInstance) -> list[str]:
    """Fail runs of this machine whose process died, and free their pool slots."""
    reaped = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=ACTIVE)):
        process = _run_process(instance, run.run_id)
        if process is None or process[0] is None or _alive(*process):
            continue
        instance.report_run_failed(run, f"process {process[0]} of this run is gone (killed); marked failed by recovery")
        reaped.append(run.run_id)
    # Slots can also outlive a run that ended without freeing them.
    for run_id in reaped + [r.run_id for r in instance.get_runs(
            filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]), limit=50)]:
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
    return reaped


def main() -> None:
    with dg.DagsterInstance.get() as instance:
        for run_id in reap_dead_runs(instance):
            print(f"recovered killed run {run_id}: marked failed, pool slots freed")


if __name__ == "__main__":
    main()
