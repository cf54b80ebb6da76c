"""Dagster definitions, one module per concern; ``pipeline.definitions`` assembles them."""
