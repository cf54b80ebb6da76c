-- report_data_quality
-- Question: how complete is what the pipeline extracted from each file — articles, boilerplate share, quantities,
-- and quantities without a subject or a period — and which files were rejected, and why?
CREATE OR REPLACE VIEW report_data_quality AS
WITH art AS (
    SELECT document_id, count(*) AS articles, count(*) FILTER (WHERE is_boilerplate) AS boilerplate_articles,
           sum(body_chars) AS body_chars, sum(body_chars) FILTER (WHERE is_boilerplate) AS boilerplate_chars
    FROM dim_article GROUP BY 1
),
qty AS (
    SELECT document_id, count(*) AS quantities,
           count(*) FILTER (WHERE subject_entity_id IS NULL)                      AS without_subject,
           count(*) FILTER (WHERE period_start IS NULL AND period_end IS NULL)     AS without_period,
           count(*) FILTER (WHERE metric_code = 'other')                          AS without_metric
    FROM fact_quantity WHERE NOT is_boilerplate GROUP BY 1
),
ment AS (SELECT document_id, count(*) AS entity_mentions FROM fact_entity_mention GROUP BY 1),
removed AS (SELECT document_id, count(*) AS removed_spans FROM fact_removed_span GROUP BY 1)
SELECT d.source_path,
       'loaded'                                                   AS status,
       CAST(NULL AS VARCHAR)                                      AS reason,
       d.encoding,
       d.published_date,
       coalesce(art.articles, 0)                                  AS articles,
       coalesce(art.boilerplate_articles, 0)                      AS boilerplate_articles,
       round(coalesce(art.boilerplate_chars, 0) / nullif(art.body_chars, 0), 3) AS boilerplate_share,
       coalesce(removed.removed_spans, 0)                         AS removed_spans,
       coalesce(qty.quantities, 0)                                AS quantities,
       coalesce(qty.without_subject, 0)                           AS quantities_without_subject,
       coalesce(qty.without_period, 0)                            AS quantities_without_period,
       coalesce(qty.without_metric, 0)                            AS quantities_without_metric,
       coalesce(ment.entity_mentions, 0)                          AS entity_mentions
FROM dim_document d
LEFT JOIN art USING (document_id)
LEFT JOIN qty USING (document_id)
LEFT JOIN ment USING (document_id)
LEFT JOIN removed USING (document_id)
UNION ALL
SELECT source_path, 'quarantined', reason, NULL, NULL, 0, 0, NULL, 0, 0, 0, 0, 0, 0
FROM quarantine_file
ORDER BY status, source_path;
