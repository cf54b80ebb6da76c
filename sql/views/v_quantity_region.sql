-- v_quantity_region: the region each quantity is about — its subject's region, else the most specific region
-- named in the quantity's own sentence (a project or park not yet placed on the gazetteer).
CREATE OR REPLACE VIEW v_quantity_region AS
WITH named AS (
    SELECT q.quantity_id,
           arg_min(ms.entity_id, abs(ms.char_start - q.char_start)) AS region_id
    FROM fact_quantity q
    JOIN v_mention_sentence ms
      ON ms.article_id = q.article_id AND ms.entity_type = 'region'
     AND q.char_start BETWEEN ms.sentence_start AND ms.sentence_end
    GROUP BY q.quantity_id
)
SELECT q.quantity_id, coalesce(er.region_id, n.region_id) AS region_id,
       CASE WHEN er.region_id IS NOT NULL THEN 'subject' WHEN n.region_id IS NOT NULL THEN 'sentence' END AS located_by
FROM fact_quantity q
LEFT JOIN v_entity_region er ON er.entity_id = q.subject_entity_id
LEFT JOIN named n ON n.quantity_id = q.quantity_id;
