-- v_region_rollup: every entity with the county, prefecture and province above it.
CREATE OR REPLACE VIEW v_region_rollup AS
WITH RECURSIVE up(entity_id, ancestor_id, depth) AS (
    SELECT entity_id, entity_id, 0 FROM dim_entity
    UNION ALL
    SELECT up.entity_id, p.parent_entity_id, up.depth + 1
    FROM up JOIN dim_entity p ON p.entity_id = up.ancestor_id
    WHERE p.parent_entity_id IS NOT NULL AND up.depth < 6
)
SELECT up.entity_id,
       max(CASE WHEN a.region_level = 'province' THEN a.canonical_name END)   AS province,
       max(CASE WHEN a.region_level = 'prefecture' THEN a.canonical_name END) AS prefecture,
       max(CASE WHEN a.region_level = 'county' THEN a.canonical_name END)     AS county
FROM up JOIN dim_entity a ON a.entity_id = up.ancestor_id
GROUP BY up.entity_id;
