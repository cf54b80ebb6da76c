-- report_people_roles
-- Question: who are the people in the news, which titles do they hold in which organisations, and which
-- articles name them?
CREATE OR REPLACE VIEW report_people_roles AS
SELECT p.canonical_name                                   AS person,
       r.title,
       o.canonical_name                                   AS organization,
       r.role_in_doc,
       count(DISTINCT r.article_id)                       AS articles,
       min(a.published_date)                              AS first_seen,
       max(a.published_date)                              AS last_seen,
       list(DISTINCT a.title ORDER BY a.title)            AS article_titles,
       list(DISTINCT d.source_path ORDER BY d.source_path) AS source_paths
FROM fact_person_role r
JOIN dim_entity p ON p.entity_id = r.person_entity_id
LEFT JOIN dim_entity o ON o.entity_id = r.org_entity_id
JOIN dim_article a ON a.article_id = r.article_id
JOIN dim_document d ON d.document_id = a.document_id
GROUP BY ALL
ORDER BY last_seen DESC NULLS LAST, person, title;
