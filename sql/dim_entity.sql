-- dim_entity: one real-world entity across all documents. Regions carry the
-- gazetteer's name, level, admin code and parent; other types take the name
-- most often written (ties: the longest).
CREATE OR REPLACE TABLE dim_entity AS
WITH weighted AS (
    -- a row stands for `occurrences` equal rows of one document (NULL: staged before rows were counted)
    SELECT *, coalesce(occurrences, 1) AS w FROM work.stg_entity
),
names AS (
    SELECT entity_id, name, sum(w) AS n
    FROM weighted
    GROUP BY ALL
),
types AS (
    SELECT entity_id, entity_type, sum(w) AS n
    FROM weighted
    GROUP BY ALL
),
best AS (
    SELECT entity_id, arg_max(name, n * 1000 + length(name)) AS canonical_name
    FROM names GROUP BY entity_id
),
attrs AS (
    SELECT entity_id,
           any_value(entity_key)       AS entity_key,
           max(region_level)           AS region_level,
           max(admin_code)             AS admin_code,
           max(parent_entity_id)       AS parent_entity_id
    FROM work.stg_entity GROUP BY entity_id
),
kind AS (  -- the type most often given (ties: the first by name)
    SELECT entity_id, first(entity_type ORDER BY n DESC, entity_type) AS entity_type
    FROM types GROUP BY entity_id
),
aliases AS (
    SELECT entity_id, list(DISTINCT surface ORDER BY surface) AS surfaces
    FROM work.stg_mention GROUP BY entity_id
)
SELECT
    a.entity_id,
    k.entity_type,
    b.canonical_name,
    coalesce(list_filter(al.surfaces, s -> s <> b.canonical_name), []::VARCHAR[]) AS aliases,
    a.parent_entity_id,
    a.region_level,
    a.admin_code,
    a.entity_key
FROM attrs a
JOIN best b USING (entity_id)
JOIN kind k USING (entity_id)
LEFT JOIN aliases al USING (entity_id)
ORDER BY k.entity_type, b.canonical_name;
