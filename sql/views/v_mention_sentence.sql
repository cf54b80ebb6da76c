-- v_mention_sentence: every entity mention with the sentence around it (bounds are offsets into the article body,
-- stored on fact_entity_mention).
CREATE OR REPLACE VIEW v_mention_sentence AS
SELECT m.entity_id, m.document_id, m.article_id, m.surface, m.char_start, m.char_end, m.entity_type, m.role_in_doc,
       a.published_date, a.is_boilerplate, m.sentence_start, m.sentence_end,
       substring(a.body, m.sentence_start + 1, m.sentence_end - m.sentence_start) AS sentence
FROM fact_entity_mention m JOIN dim_article a USING (article_id);
