-- ref_project_stage: cue words of a project's lifecycle stage (seeds/reference/project_stages.csv).
CREATE OR REPLACE TABLE ref_project_stage AS
SELECT cue, stage_code, stage_zh, CAST(stage_order AS INTEGER) AS stage_order
FROM read_csv(getvariable('reference_dir') || '/project_stages.csv', header = true, all_varchar = true);
