-- fact_quantity: one quantity mention with its normalised value and context.
CREATE OR REPLACE TABLE fact_quantity AS
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
    q.is_boilerplate
FROM work.stg_quantity q
ORDER BY q.article_id, q.char_start;
