-- report_metric_timeseries
-- Question: what value did each metric take for each region and period, and was it an actual figure, a plan, a
-- target or a forecast? Repeated reports of one figure collapse into one row (`mentions`); `latest_value` is the
-- value of the most recently published report (ties broken by quantity, the same one for every column, so
-- reruns agree), `min_value`/`max_value` show disagreement between reports.
CREATE OR REPLACE VIEW report_metric_timeseries AS
SELECT q.metric_code,
       m.name_zh                              AS metric_name,
       coalesce(r.canonical_name, '(未定位)') AS region,
       r.region_level,
       q.period_start,
       q.period_end,
       q.period_label,
       q.status,
       q.comparison,
       q.unit_code,
       count(*)                               AS mentions,
       arg_max(q.value, (a.published_date, q.quantity_id))    AS latest_value,
       min(q.value)                           AS min_value,
       max(q.value)                           AS max_value,
       arg_max(q.raw_text, (a.published_date, q.quantity_id)) AS latest_raw_text,
       arg_max(q.sentence, (a.published_date, q.quantity_id)) AS latest_sentence
FROM fact_quantity q
JOIN dim_metric m USING (metric_code)
JOIN dim_article a USING (article_id)
JOIN v_quantity_region qr USING (quantity_id)
LEFT JOIN dim_entity r ON r.entity_id = qr.region_id
WHERE NOT q.is_boilerplate AND q.metric_code NOT IN ('other', 'count')
GROUP BY ALL
ORDER BY metric_code, region, period_start NULLS LAST, status;
