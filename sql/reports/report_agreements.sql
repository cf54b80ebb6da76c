-- report_agreements
-- Question: who signed what with whom, when, and in which article was it reported?
CREATE OR REPLACE VIEW report_agreements AS
SELECT r.description                                                   AS agreement,
       list(e.canonical_name ORDER BY e.canonical_name, e.entity_id)   AS parties,
       list(e.entity_type ORDER BY e.canonical_name, e.entity_id)      AS party_types,  -- one per party
       count(*)                                                        AS n_parties,
       coalesce(r.event_date, a.published_date)                        AS signed_date,
       r.event_date IS NULL                                            AS date_is_publication,
       a.title                                                         AS article_title,
       d.source_path,
       r.sentence,
       r.relation_id
FROM fact_relation r
JOIN dim_article a USING (article_id)
JOIN dim_document d ON d.document_id = a.document_id
CROSS JOIN UNNEST(r.party_entity_ids) AS p(entity_id)
JOIN dim_entity e ON e.entity_id = p.entity_id
WHERE r.relation_type = 'agreement' AND NOT a.is_boilerplate
GROUP BY r.relation_id, r.description, r.event_date, a.published_date, a.title, d.source_path, r.sentence
ORDER BY signed_date DESC NULLS LAST, agreement;
