import dagster as dg


def test_definitions_load_with_every_stage():
    from pipeline.definitions import defs

    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"raw_documents", "articles", "entities", "quantities", "relations", "warehouse_tables",
            "reporting_views", "warehouse_db"} <= keys
    assert defs.resolve_job_def("refresh_warehouse") is not None
    assert defs.resolve_schedule_def("daily_refresh").cron_schedule == "0 6 * * *"
    assert defs.resolve_sensor_def("input_folder_sensor") is not None


def test_sensor_fires_on_new_or_changed_files(tmp_path, monkeypatch):
    from pipeline.defs.automation import input_folder_sensor

    monkeypatch.setenv("PIPELINE_INPUT_DIR", str(tmp_path))
    (tmp_path / "a.txt").write_text("滇中新区签约项目12个", encoding="utf-8")
    ctx = dg.build_sensor_context()
    first = input_folder_sensor(ctx)
    assert isinstance(first, dg.RunRequest)
    ctx = dg.build_sensor_context(cursor=ctx.cursor)
    assert isinstance(input_folder_sensor(ctx), dg.SkipReason)
    (tmp_path / "b.txt").write_text("新文件", encoding="utf-8")
    ctx = dg.build_sensor_context(cursor=ctx.cursor)
    again = input_folder_sensor(ctx)
    assert isinstance(again, dg.RunRequest) and again.run_key != first.run_key


def test_schedule_requests_a_refresh():
    from pipeline.definitions import defs

    schedule = defs.resolve_schedule_def("daily_refresh")
    ctx = dg.build_schedule_context()
    result = schedule.evaluate_tick(ctx)
    assert result.run_requests and len(result.run_requests) == 1


def test_every_asset_explains_itself_in_the_ui():
    from pipeline.definitions import defs

    graph = defs.resolve_asset_graph()
    keys = list(graph.get_all_asset_keys())
    assert "report_html" in {k.to_user_string() for k in keys}
    for key in keys:
        node = graph.get(key)
        assert node.description and len(node.description) > 40, key
        assert node.group_name not in (None, "default"), key
        assert node.owners == ["team:regional-economy-data"], key
        assert node.kinds and node.kinds <= {"python", "duckdb", "sql", "html"}, key
    from pipeline.defs.checks import warehouse_checks

    specs = list(warehouse_checks.check_specs)
    assert len(specs) >= 7 and set(graph.asset_check_keys) == {s.key for s in specs}
    for spec in specs:
        assert spec.description and spec.blocking, spec.key


def test_make_run_uses_the_progress_logger_and_other_runs_keep_the_console():
    from pipeline.definitions import refresh_job_definition

    job = refresh_job_definition()
    assert set(job.loggers) == {"progress"}
