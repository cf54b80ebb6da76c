"""Pure text-processing core: functions from text to records.

Nothing in this package imports Dagster or DuckDB, so every rule can be
tested on a string.
"""

from . import compiled

compiled.install()
