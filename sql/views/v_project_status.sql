-- v_project_status: projects with their amounts and the lifecycle status stated.
CREATE OR REPLACE VIEW v_project_status AS
SELECT e.canonical_name AS project, q.metric_code, q.value, q.unit_code, q.status, q.period_label, q.raw_text
FROM fact_quantity q
JOIN dim_entity e ON e.entity_id = q.subject_entity_id
WHERE e.entity_type = 'project' AND NOT q.is_boilerplate;
