-- v_quantity_region: every quantity with the region it is about — its subject's region, else the region named
-- nearest to it in its own sentence (fact_quantity.sentence_region_id: a project or park not yet placed on the
-- gazetteer). One scan of fact_quantity: the reports read their quantities from here rather than joining back.
CREATE OR REPLACE VIEW v_quantity_region AS
SELECT q.*, coalesce(er.region_id, q.sentence_region_id) AS region_id,
       CASE WHEN er.region_id IS NOT NULL THEN 'subject' WHEN q.sentence_region_id IS NOT NULL THEN 'sentence' END
           AS located_by
FROM fact_quantity q
LEFT JOIN v_entity_region er ON er.entity_id = q.subject_entity_id;
