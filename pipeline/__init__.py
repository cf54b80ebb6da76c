"""Chinese regional-economy news → DuckDB warehouse of facts.

`pipeline.core` is the pure text core (no Dagster, no DuckDB);
`pipeline.defs` is the Dagster code location; `pipeline.warehouse` loads
and publishes the DuckDB warehouse.
"""
