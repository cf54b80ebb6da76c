-- report_project_pipeline
-- Question: which named projects are at which lifecycle stage (谋划, 签约, 开工, 在建, 竣工, 投产), with their
-- investment, region and the latest date they were reported? The stage is the most advanced one named in the
-- project's sentences of its latest article; `stage_planned` says the sentence announces it (预计…投产) rather
-- than reports it.
CREATE OR REPLACE VIEW report_project_pipeline AS
WITH mention AS (
    SELECT m.entity_id, m.article_id, a.published_date
    FROM fact_entity_mention m JOIN dim_article a USING (article_id)
    WHERE m.entity_type = 'project' AND NOT a.is_boilerplate
),
staged AS (  -- stage cues in the mentions' sentences, found at load (fact_project_stage): no article body is read
    SELECT s.entity_id, s.article_id, s.char_start, a.published_date, s.sentence, s.stage_code, s.stage_zh,
           s.stage_order, s.stage_cue, s.stage_planned
    FROM fact_project_stage s JOIN dim_article a USING (article_id)
    WHERE NOT a.is_boilerplate
),
stage AS (
    SELECT entity_id,
           arg_max(stage_zh, (published_date, stage_order, article_id, char_start, stage_cue))      AS stage,
           arg_max(stage_code, (published_date, stage_order, article_id, char_start, stage_cue))    AS stage_code,
           arg_max(stage_planned, (published_date, stage_order, article_id, char_start, stage_cue)) AS stage_planned,
           arg_max(sentence, (published_date, stage_order, article_id, char_start, stage_cue))      AS stage_sentence,
           arg_max(stage_order, (published_date, stage_order, article_id, char_start, stage_cue))   AS stage_order
    FROM staged GROUP BY entity_id
),
investment AS (
    SELECT q.subject_entity_id AS entity_id, max(q.value) AS investment_yuan,
           arg_max(q.status, (q.value, q.quantity_id)) AS investment_status
    FROM fact_quantity q
    WHERE q.metric_code IN ('investment_total', 'investment_signed') AND q.unit_code = 'CNY' AND NOT q.is_boilerplate
    GROUP BY 1
),
place AS (  -- the project's own region, else the region named closest to it in its sentences (bounds only: no text)
    SELECT p.entity_id, coalesce(any_value(er.region_id), arg_min(r.entity_id, abs(r.char_start - p.char_start))) AS region_id
    FROM fact_entity_mention p
    LEFT JOIN v_entity_region er ON er.entity_id = p.entity_id
    LEFT JOIN (SELECT article_id, entity_id, char_start, char_end FROM fact_entity_mention
               WHERE entity_type = 'region'  -- in the projects' articles only: a small side to hash
                 AND article_id IN (SELECT article_id FROM fact_entity_mention WHERE entity_type = 'project')) r
      ON r.article_id = p.article_id AND r.char_start >= p.sentence_start AND r.char_end <= p.sentence_end
    WHERE p.entity_type = 'project'
    GROUP BY p.entity_id
),
seen AS (
    SELECT entity_id, max(published_date) AS latest_date, count(DISTINCT article_id) AS articles
    FROM mention GROUP BY entity_id
)
SELECT e.canonical_name                    AS project,
       coalesce(stage.stage, '未标明')       AS stage,
       stage.stage_code,
       stage.stage_planned,
       investment.investment_yuan,
       round(investment.investment_yuan / 1e8, 4) AS investment_yi_yuan,
       investment.investment_status,
       r.canonical_name                    AS region,
       r.region_level,
       seen.latest_date,
       seen.articles,
       stage.stage_sentence
FROM dim_entity e
JOIN seen ON seen.entity_id = e.entity_id
LEFT JOIN stage ON stage.entity_id = e.entity_id
LEFT JOIN investment ON investment.entity_id = e.entity_id
LEFT JOIN place ON place.entity_id = e.entity_id
LEFT JOIN dim_entity r ON r.entity_id = place.region_id
WHERE e.entity_type = 'project'
ORDER BY coalesce(stage.stage_order, -1) DESC,
         investment.investment_yuan DESC NULLS LAST, project;
