-- v_investment_by_region_year: money amounts per metric, province/prefecture and year.
CREATE OR REPLACE VIEW v_investment_by_region_year AS
SELECT coalesce(r.province, '(unknown)') AS province,
       coalesce(r.prefecture, '')        AS prefecture,
       year(coalesce(q.period_start, q.period_end)) AS year,
       q.metric_code,
       q.unit_code,
       count(*)                          AS mentions,
       sum(q.value)                      AS total_value
FROM fact_quantity q
LEFT JOIN v_region_rollup r ON r.entity_id = q.subject_entity_id
WHERE q.unit_code IN ('CNY', 'USD') AND NOT q.is_boilerplate
GROUP BY ALL;
