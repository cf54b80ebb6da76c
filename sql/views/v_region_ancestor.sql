-- v_region_ancestor: every region with itself and each region above it (township → county → prefecture → province).
CREATE OR REPLACE VIEW v_region_ancestor AS
WITH RECURSIVE up(region_id, ancestor_id, depth) AS (
    SELECT entity_id, entity_id, 0 FROM dim_entity WHERE entity_type = 'region'
    UNION ALL
    SELECT up.region_id, p.parent_entity_id, up.depth + 1
    FROM up JOIN dim_entity p ON p.entity_id = up.ancestor_id
    WHERE p.parent_entity_id IS NOT NULL AND up.depth < 8
)
SELECT up.region_id, up.ancestor_id, up.depth, a.canonical_name AS ancestor_name, a.region_level AS ancestor_level,
       a.admin_code AS ancestor_admin_code
FROM up JOIN dim_entity a ON a.entity_id = up.ancestor_id
WHERE a.entity_type = 'region';
