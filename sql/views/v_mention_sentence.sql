-- v_mention_sentence: every entity mention with the sentence around it (bounds are offsets into the article body).
-- A sentence ends at 。！？；, their ASCII forms or a line break; the window is capped at 300 characters each side.
CREATE OR REPLACE VIEW v_mention_sentence AS
WITH b AS (
    SELECT m.*, a.body, a.published_date, a.is_boilerplate,
           length(regexp_extract(substring(a.body, greatest(m.char_start - 300, 0) + 1,
                                           m.char_start - greatest(m.char_start - 300, 0)),
                                 '[^。！？；!?;\n]*$')) AS left_len,
           length(regexp_extract(substring(a.body, m.char_end + 1, 300), '^[^。！？；!?;\n]*')) AS right_len
    FROM fact_entity_mention m JOIN dim_article a USING (article_id)
)
SELECT entity_id, document_id, article_id, surface, char_start, char_end, entity_type, role_in_doc,
       published_date, is_boilerplate,
       char_start - left_len AS sentence_start, char_end + right_len AS sentence_end,
       substring(body, char_start - left_len + 1, char_end + right_len - (char_start - left_len)) AS sentence
FROM b;
