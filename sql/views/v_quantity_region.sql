-- v_quantity_region: the region each quantity is about — its subject's region, else the region named nearest to
-- it in its own sentence (a project or park not yet placed on the gazetteer). The sentence's bounds come from
-- where the quantity's text sits in fact_quantity.sentence: offsets only, no text scan.
CREATE OR REPLACE VIEW v_quantity_region AS
WITH bounds AS (
    SELECT quantity_id, article_id, char_start,
           char_start - (strpos(sentence, raw_text) - 1) AS sentence_start,
           char_start - (strpos(sentence, raw_text) - 1) + length(sentence) AS sentence_end
    FROM fact_quantity
    WHERE strpos(sentence, raw_text) > 0
),
named AS (
    SELECT b.quantity_id, arg_min(m.entity_id, abs(m.char_start - b.char_start)) AS region_id
    FROM bounds b
    JOIN fact_entity_mention m
      ON m.article_id = b.article_id AND m.entity_type = 'region'
     AND m.char_start >= b.sentence_start AND m.char_end <= b.sentence_end
    GROUP BY b.quantity_id
)
SELECT q.quantity_id, coalesce(er.region_id, n.region_id) AS region_id,
       CASE WHEN er.region_id IS NOT NULL THEN 'subject' WHEN n.region_id IS NOT NULL THEN 'sentence' END AS located_by
FROM fact_quantity q
LEFT JOIN v_entity_region er ON er.entity_id = q.subject_entity_id
LEFT JOIN named n ON n.quantity_id = q.quantity_id;
