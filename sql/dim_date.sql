-- dim_date: one calendar day, covering every date the facts refer to.
CREATE OR REPLACE TABLE dim_date AS
WITH bounds AS (
    SELECT least(min(d), DATE '2000-01-01') AS lo, greatest(max(d), DATE '2030-12-31') AS hi
    FROM (
        SELECT period_start AS d FROM work.stg_quantity UNION ALL
        SELECT period_end FROM work.stg_quantity UNION ALL
        SELECT published_date FROM work.stg_article
    )
)
SELECT
    CAST(day AS DATE)                 AS date_key,
    year(day)                         AS year,
    quarter(day)                      AS quarter,
    month(day)                        AS month,
    day(day)                          AS day_of_month,
    isodow(day)                       AS iso_day_of_week
FROM bounds, range(bounds.lo, bounds.hi + INTERVAL 1 DAY, INTERVAL 1 DAY) AS t(day);
