-- report_agreements
-- Question: who signed what with whom, when, and in which article was it reported?
CREATE OR REPLACE VIEW report_agreements AS
WITH party AS (  -- one sorted list per agreement; list_sort of structs is far cheaper than ordered aggregates
    SELECT r.relation_id,
           list_sort(list({'name': e.canonical_name, 'id': e.entity_id, 'type': e.entity_type})) AS parties
    FROM (SELECT relation_id, unnest(party_entity_ids) AS entity_id  -- unnested in a subquery: a lateral join
          FROM fact_relation WHERE relation_type = 'agreement') r      -- (CROSS JOIN UNNEST) took 1.7x as long
    JOIN dim_entity e ON e.entity_id = r.entity_id
    GROUP BY r.relation_id
)
SELECT r.description                                       AS agreement,
       list_transform(party.parties, p -> p.name)          AS parties,      -- by name, then id
       list_transform(party.parties, p -> p.type)          AS party_types,  -- one per party
       len(party.parties)                                  AS n_parties,
       coalesce(r.event_date, a.published_date)            AS signed_date,
       r.event_date IS NULL                                AS date_is_publication,
       a.title                                             AS article_title,
       d.source_path,
       r.sentence,
       r.relation_id
FROM fact_relation r
JOIN party USING (relation_id)
JOIN dim_article a USING (article_id)
JOIN dim_document d ON d.document_id = a.document_id
WHERE NOT a.is_boilerplate
ORDER BY signed_date DESC NULLS LAST, agreement;
