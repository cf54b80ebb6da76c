-- fact_project_stage: a lifecycle-stage cue (seeds/reference/project_stages.csv) named in the sentence of a
-- project mention (ref_project_stage), one row per mention and cue; stage_planned says a planning or forecast
-- cue (ref_status_cue) comes before it in the sentence (预计…投产). Derived once per document at
-- load, from the mention's sentence bounds, so report_project_pipeline does not read every article body again
-- at each refresh.
CREATE OR REPLACE TABLE fact_project_stage AS
WITH planning AS (SELECT cue FROM ref_status_cue WHERE status IN ('planned', 'forecast', 'target')),
mention AS (
    SELECT m.entity_id, m.document_id, m.article_id, m.char_start,
           substring(a.body, m.sentence_start + 1, m.sentence_end - m.sentence_start) AS sentence
    FROM fact_entity_mention m
    JOIN work.stg_article a ON a.article_id = m.article_id  -- staging: only the new documents' bodies on update
    WHERE m.entity_type = 'project'
)
SELECT mention.entity_id, mention.document_id, mention.article_id, mention.char_start,
       s.stage_code, s.stage_zh, s.stage_order, s.cue AS stage_cue,
       EXISTS (SELECT 1 FROM planning p
               WHERE strpos(mention.sentence, p.cue) > 0
                 AND strpos(mention.sentence, p.cue) < strpos(mention.sentence, s.cue)) AS stage_planned,
       mention.sentence
FROM mention JOIN ref_project_stage s ON strpos(mention.sentence, s.cue) > 0
ORDER BY mention.article_id, mention.char_start, s.cue;
