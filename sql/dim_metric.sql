-- dim_metric: the controlled list of metrics (seeds/reference/metrics.csv).
CREATE OR REPLACE TABLE dim_metric AS
SELECT metric_code, name_zh, name_en, dimension
FROM read_csv(getvariable('reference_dir') || '/metrics.csv', header = true, all_varchar = true);
