-- report_investment_by_region
-- Question: how much investment — total, funds in place, signed, fixed-asset — was reported for each region and
-- year? A township's amounts count again in its county, prefecture and province (`rolled_up` marks those rows).
-- Amounts of different status (actual, planned, target, forecast) are never added together.
CREATE OR REPLACE VIEW report_investment_by_region AS
WITH inv AS (
    SELECT q.quantity_id, q.metric_code, q.status, q.value, q.unit_code, q.region_id,
           coalesce(year(q.period_end), year(q.period_start), year(a.published_date)) AS year
    FROM v_quantity_region q
    JOIN dim_article a USING (article_id)
    WHERE q.metric_code IN ('investment_total', 'funds_in_place', 'investment_signed', 'fixed_asset_investment')
      AND q.unit_code = 'CNY' AND NOT q.is_boilerplate AND q.region_id IS NOT NULL
)
SELECT ra.ancestor_name          AS region,
       ra.ancestor_level         AS region_level,
       ra.ancestor_admin_code    AS admin_code,
       inv.year,
       inv.metric_code,
       m.name_zh                 AS metric_name,
       inv.status,
       count(*)                  AS mentions,
       bool_or(ra.depth > 0)     AS rolled_up,
       sum(inv.value)            AS amount_yuan,
       round(sum(inv.value) / 1e8, 4) AS amount_yi_yuan
FROM inv
JOIN v_region_ancestor ra ON ra.region_id = inv.region_id
JOIN dim_metric m USING (metric_code)
GROUP BY ALL
ORDER BY amount_yuan DESC;
