-- fact_person_role: one title held by a person (党工委副书记、管委会副主任 → two rows).
CREATE OR REPLACE TABLE fact_person_role AS
SELECT DISTINCT
    r.person_entity_id,
    r.title,
    r.org_entity_id,
    r.article_id,
    r.bare_title,
    r.org_surface,
    r.role_in_doc
FROM work.stg_person_role r;
