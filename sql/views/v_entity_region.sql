-- v_entity_region: the region an entity belongs to (itself for a region, else its nearest region ancestor).
CREATE OR REPLACE VIEW v_entity_region AS
WITH RECURSIVE up(entity_id, ancestor_id, depth) AS (
    SELECT entity_id, entity_id, 0 FROM dim_entity
    UNION ALL
    SELECT up.entity_id, p.parent_entity_id, up.depth + 1
    FROM up JOIN dim_entity p ON p.entity_id = up.ancestor_id
    WHERE p.parent_entity_id IS NOT NULL AND up.depth < 8
)
SELECT up.entity_id, arg_min(up.ancestor_id, up.depth) AS region_id
FROM up JOIN dim_entity a ON a.entity_id = up.ancestor_id
WHERE a.entity_type = 'region'
GROUP BY up.entity_id;
