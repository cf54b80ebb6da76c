-- v_person_role: who holds which title in which organisation.
CREATE OR REPLACE VIEW v_person_role AS
SELECT p.canonical_name AS person, r.title, o.canonical_name AS organization, r.role_in_doc, a.title AS article_title
FROM fact_person_role r
JOIN dim_entity p ON p.entity_id = r.person_entity_id
LEFT JOIN dim_entity o ON o.entity_id = r.org_entity_id
JOIN dim_article a USING (article_id);
