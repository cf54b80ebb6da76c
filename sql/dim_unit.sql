-- dim_unit: canonical units (seeds/reference/unit_dim.csv).
CREATE OR REPLACE TABLE dim_unit AS
SELECT unit_code, dimension, description
FROM read_csv(getvariable('reference_dir') || '/unit_dim.csv', header = true, all_varchar = true);
