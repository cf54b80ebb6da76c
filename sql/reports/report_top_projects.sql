-- report_top_projects
-- Question: which are the largest investments reported for a named project, park or company, and where exactly
-- does each figure come from (the sentence, the article, the file)?
CREATE OR REPLACE VIEW report_top_projects AS
WITH ranked AS (  -- keys only: the winners' text is fetched below, not carried through the window
    SELECT q.quantity_id,
           row_number() OVER (PARTITION BY q.subject_entity_id ORDER BY q.value DESC, q.quantity_id) AS nth
    FROM fact_quantity q
    JOIN dim_entity e ON e.entity_id = q.subject_entity_id
    WHERE q.metric_code IN ('investment_total', 'investment_signed') AND q.unit_code = 'CNY'
      AND NOT q.is_boilerplate AND e.entity_type IN ('project', 'park', 'company')
)
SELECT row_number() OVER (ORDER BY q.value DESC, e.canonical_name) AS rank,
       e.canonical_name                 AS project,
       e.entity_type,
       q.metric_code,
       q.status,
       q.value                          AS investment_yuan,
       round(q.value / 1e8, 4)          AS investment_yi_yuan,
       q.qualifier,
       q.raw_text,
       reg.canonical_name               AS region,
       q.period_label,
       q.sentence,
       a.title                          AS article_title,
       a.published_date,
       d.source_path,
       q.char_start,
       q.char_end
FROM ranked
JOIN v_quantity_region q ON q.quantity_id = ranked.quantity_id
JOIN dim_entity e ON e.entity_id = q.subject_entity_id
JOIN dim_article a ON a.article_id = q.article_id
JOIN dim_document d ON d.document_id = q.document_id
LEFT JOIN dim_entity reg ON reg.entity_id = q.region_id
WHERE ranked.nth = 1
ORDER BY rank;
