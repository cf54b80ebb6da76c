-- v_region_rollup: every entity placed on the gazetteer with the county, prefecture and province above it.
CREATE OR REPLACE VIEW v_region_rollup AS
SELECT er.entity_id,
       max(CASE WHEN ra.ancestor_level = 'province' THEN ra.ancestor_name END)   AS province,
       max(CASE WHEN ra.ancestor_level = 'prefecture' THEN ra.ancestor_name END) AS prefecture,
       max(CASE WHEN ra.ancestor_level = 'county' THEN ra.ancestor_name END)     AS county
FROM v_entity_region er
JOIN v_region_ancestor ra ON ra.region_id = er.region_id
GROUP BY er.entity_id;
