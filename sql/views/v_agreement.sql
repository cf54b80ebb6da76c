-- v_agreement: agreements with the names of their parties.
CREATE OR REPLACE VIEW v_agreement AS
SELECT r.relation_id, r.description, r.event_date, a.title AS article_title,
       list(e.canonical_name ORDER BY e.canonical_name) AS parties
FROM fact_relation r
JOIN dim_article a USING (article_id)
CROSS JOIN UNNEST(r.party_entity_ids) AS p(entity_id)
JOIN dim_entity e ON e.entity_id = p.entity_id
WHERE r.relation_type = 'agreement'
GROUP BY ALL;
