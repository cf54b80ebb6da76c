-- v_agreement: agreements with the names of their parties.
CREATE OR REPLACE VIEW v_agreement AS
SELECT r.relation_id, r.description, r.event_date, a.title AS article_title,
       list(e.canonical_name ORDER BY e.canonical_name) AS parties
FROM (SELECT relation_id, description, event_date, article_id, unnest(party_entity_ids) AS entity_id
      FROM fact_relation WHERE relation_type = 'agreement') r  -- unnest in a subquery: not a lateral join
JOIN dim_article a USING (article_id)
JOIN dim_entity e ON e.entity_id = r.entity_id
GROUP BY ALL;
