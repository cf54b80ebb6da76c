-- fact_relation: one agreement, visit or meeting with its parties.
CREATE OR REPLACE TABLE fact_relation AS
SELECT
    r.relation_id,
    r.relation_type,
    r.article_id,
    r.description,
    TRY_CAST(CASE WHEN length(r.event_date) = 10 THEN r.event_date
                  WHEN length(r.event_date) = 21 THEN substr(r.event_date, 1, 10) END AS DATE) AS event_date,
    r.event_date AS event_period,
    r.party_entity_ids,
    r.sentence
FROM work.stg_relation r;
