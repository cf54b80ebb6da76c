-- report_metric_timeseries
-- Question: what value did each metric take for each region and period, and was it an actual figure, a plan, a
-- target or a forecast? Repeated reports of one figure collapse into one row (`mentions`); `latest_value` is the
-- value of the most recently published report (ties broken by quantity, the same one for every column, so
-- reruns agree), `min_value`/`max_value` show disagreement between reports.
CREATE OR REPLACE VIEW report_metric_timeseries AS
WITH grouped AS (  -- the latest report's quantity_id only: its text is fetched for the groups, not carried through
    SELECT q.metric_code, coalesce(r.canonical_name, '(未定位)') AS region, r.region_level, q.period_start,
           q.period_end, q.period_label, q.status, q.comparison, q.unit_code,
           count(*)                                          AS mentions,
           arg_max(q.quantity_id, (a.published_date, q.quantity_id)) AS latest_quantity_id,
           min(q.value)                                      AS min_value,
           max(q.value)                                      AS max_value
    FROM v_quantity_region q
    JOIN dim_article a USING (article_id)
    LEFT JOIN dim_entity r ON r.entity_id = q.region_id
    WHERE NOT q.is_boilerplate AND q.metric_code NOT IN ('other', 'count')
    GROUP BY ALL
)
SELECT g.metric_code,
       m.name_zh                              AS metric_name,
       g.region,
       g.region_level,
       g.period_start,
       g.period_end,
       g.period_label,
       g.status,
       g.comparison,
       g.unit_code,
       g.mentions,
       latest.value                           AS latest_value,
       g.min_value,
       g.max_value,
       latest.raw_text                        AS latest_raw_text,
       latest.sentence                        AS latest_sentence
FROM grouped g
JOIN dim_metric m USING (metric_code)
JOIN fact_quantity latest ON latest.quantity_id = g.latest_quantity_id
ORDER BY metric_code, region, period_start NULLS LAST, status, period_end NULLS LAST, period_label, comparison, unit_code;
