-- v_quantity: quantities with their metric, subject, article and document, boilerplate excluded.
CREATE OR REPLACE VIEW v_quantity AS
SELECT q.*, m.name_zh AS metric_name, e.canonical_name AS subject, e.entity_type AS subject_type,
       a.title AS article_title, d.source_path
FROM fact_quantity q
JOIN dim_metric m USING (metric_code)
JOIN dim_article a USING (article_id)
JOIN dim_document d ON d.document_id = q.document_id
LEFT JOIN dim_entity e ON e.entity_id = q.subject_entity_id
WHERE NOT q.is_boilerplate;
