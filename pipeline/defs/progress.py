"""Progress lines for `make run`: a Dagster logger that turns the event stream into one line per stage."""
from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field

import dagster as dg

# Headline metadata printed after a stage, in this order when present.
HEADLINE_KEYS = ("new_documents", "quarantined_now", "documents_total", "new_articles", "boilerplate_articles",
                 "new_mentions", "new_person_roles", "new_quantities", "new_relations", "mode", "documents_added",
                 "documents_removed", "rows_fact_quantity", "views", "published", "quantities", "entities",
                 "rewritten", "rule_failures")


def _value(entry) -> object:
    return getattr(entry, "value", entry)


@dataclass
class StageLine:
    step: str
    status: str = "running"
    seconds: float = 0.0
    headline: str = ""
    started: float = field(default_factory=time.perf_counter)


class ProgressHandler(logging.Handler):
    """One line when a stage starts and one when it ends; checks as one line each; warnings and failures."""

    def __init__(self, stream=None) -> None:
        super().__init__(logging.DEBUG)
        self.stream = stream
        self.stages: dict[str, StageLine] = {}
        self.failures: list[str] = []
        self.checks_failed: list[str] = []
        self.checks_passed: list[str] = []
        self.check_steps: set[str] = set()  # steps that run an asset check: reported by their result only

    def _print(self, line: str) -> None:
        print(line, file=self.stream or sys.stdout, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is None:
            message = meta.get("orig_message", record.getMessage())
            if record.levelno >= logging.WARNING:
                self._print(f"  ! {step}: {message}")
            elif record.levelno >= logging.INFO and step:
                self._print(f"  {step}: {message}")  # batch progress and notes from the assets
            return
        kind = event.event_type_value
        quiet = step in self.check_steps
        if kind == "STEP_START":
            self.stages[step] = StageLine(step)
            if not quiet:
                self._print(f"▶ {step} …")
        elif kind == "ASSET_MATERIALIZATION" and step in self.stages:
            md = event.step_materialization_data.materialization.metadata
            self.stages[step].headline = ", ".join(f"{k}={_value(md[k])}" for k in HEADLINE_KEYS if k in md)
        elif kind == "ASSET_CHECK_EVALUATION":
            ev = event.asset_check_evaluation_data
            n = _value(ev.metadata.get("offending_rows", 0))
            (self.checks_passed if ev.passed else self.checks_failed).append(ev.check_name)
            self._print(f"  check {ev.check_name}: {'passed' if ev.passed else f'FAILED, {n} offending rows'}")
        elif kind == "STEP_SUCCESS" and step in self.stages:
            line = self.stages[step]
            line.status, line.seconds = "ok", time.perf_counter() - line.started
            if not quiet:
                self._print(f"✔ {step} ({line.seconds:.1f} s) {line.headline}")
        elif kind == "STEP_FAILURE":
            err = event.step_failure_data.error
            message = err.message.strip() if err else "failed"
            self.failures.append(f"{step}: {message}")
            if step in self.stages:
                line = self.stages[step]
                line.status, line.seconds, line.headline = "FAILED", time.perf_counter() - line.started, message
            self._print(f"✘ {step}: {message}")
        elif kind == "STEP_SKIPPED":
            self.stages[step] = StageLine(step, status="skipped", headline="an upstream step or blocking check failed")
            self._print(f"– {step} skipped: an upstream step failed or a blocking check did not pass")

    def table(self) -> str:
        """The stages of the run as a fixed-width table."""
        rows = [("stage", "status", "seconds", "produced")]
        rows += [(s.step, s.status, f"{s.seconds:.1f}", s.headline[:90]) for s in self.stages.values()
                 if s.step not in self.check_steps]
        checks = [s for s in self.stages.values() if s.step in self.check_steps]
        if checks:
            n = len(self.checks_passed) + len(self.checks_failed)
            rows.append(("checks", "FAILED" if self.checks_failed or any(s.status == "FAILED" for s in checks)
                         else "ok", f"{sum(s.seconds for s in checks):.1f}", f"{len(self.checks_passed)}/{n} passed"))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}" for r in rows)


handler = ProgressHandler()


@dg.logger(description="Short progress lines for `make run`.")
def progress_logger(init_context) -> logging.Logger:
    log = logging.Logger("pipeline.progress", level=logging.DEBUG)
    log.addHandler(handler)
    return log
