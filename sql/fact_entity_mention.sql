-- fact_entity_mention: one mention of an entity; surface as written, with the
-- correction when the gazetteer fixed a typo (禄脰街道 → 禄脿街道).
CREATE OR REPLACE TABLE fact_entity_mention AS
SELECT
    m.entity_id,
    m.document_id,
    m.article_id,
    m.surface,
    m.char_start,
    m.char_end,
    m.entity_type,
    m.corrected_from,
    m.role_in_doc
FROM work.stg_mention m
ORDER BY m.article_id, m.char_start NULLS LAST;
