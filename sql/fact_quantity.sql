-- fact_quantity: one quantity mention with its normalised value and context.
-- sentence_region_id: the region named nearest to the quantity in its own sentence (the sentence's bounds come
-- from where the quantity's text sits in `sentence`: offsets only, no text scan). Stored, not a view: it reads
-- only the quantity's own document, so an incremental refresh computes it for the new documents alone, and
-- the reports that place figures on regions need not join every quantity with every mention again.
CREATE OR REPLACE TABLE fact_quantity AS
WITH bounds AS (
    SELECT quantity_id, article_id, char_start,
           char_start - (strpos(sentence, raw_text) - 1) AS sentence_start,
           char_start - (strpos(sentence, raw_text) - 1) + length(sentence) AS sentence_end
    FROM work.stg_quantity
    WHERE strpos(sentence, raw_text) > 0
),
named AS (
    SELECT b.quantity_id, arg_min(m.entity_id, abs(m.char_start - b.char_start)) AS region_id
    FROM bounds b
    JOIN work.stg_mention m
      ON m.article_id = b.article_id AND m.entity_type = 'region'
     AND m.char_start >= b.sentence_start AND m.char_end <= b.sentence_end
    GROUP BY b.quantity_id
)
SELECT
    q.quantity_id,
    q.document_id,
    q.article_id,
    q.metric_code,
    q.subject_entity_id,
    q.value,
    q.value_high,
    q.unit_code,
    q.qualifier,
    q.counted,
    q.raw_text,
    q.raw_value,
    q.raw_unit,
    q.period_start,
    q.period_end,
    q.period_label,
    q.period_inferred,
    q.status,
    q.comparison,
    q.sentence,
    q.char_start,
    q.char_end,
    q.confidence,
    q.is_boilerplate,
    n.region_id AS sentence_region_id
FROM work.stg_quantity q
LEFT JOIN named n USING (quantity_id)
ORDER BY q.article_id, q.char_start;
