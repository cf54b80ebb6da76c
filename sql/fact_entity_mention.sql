-- fact_entity_mention: one mention of an entity; surface as written, with the
-- correction when the gazetteer fixed a typo (禄脰街道 → 禄脿街道).
-- sentence_start / sentence_end: the sentence around the mention, as offsets into the article body. A sentence
-- ends at 。！？；, their ASCII forms or a line break; the window is capped at 300 characters each side. The
-- entities stage stores them (records.mention_sentence); a mention staged before it did (NULL there) has them
-- computed here by the same rule. Stored so that v_mention_sentence and the reports on it do not scan the
-- bodies of every article again at each refresh.
CREATE OR REPLACE TABLE fact_entity_mention AS
WITH unstored AS (  -- placed mentions staged without their sentence
    SELECT m.*,
           length(regexp_extract(substring(a.body, greatest(m.char_start - 300, 0) + 1,
                                           m.char_start - greatest(m.char_start - 300, 0)),
                                 '[^。！？；!?;\n]*$')) AS left_len,
           length(regexp_extract(substring(a.body, m.char_end + 1, 300), '^[^。！？；!?;\n]*')) AS right_len
    FROM work.stg_mention m
    LEFT JOIN work.stg_article a ON a.article_id = m.article_id
    WHERE m.sentence_start IS NULL AND m.char_start IS NOT NULL
), b AS (
    SELECT * REPLACE (char_start - left_len AS sentence_start, char_end + right_len AS sentence_end) FROM unstored
    UNION ALL BY NAME
    SELECT *, NULL AS left_len, NULL AS right_len FROM work.stg_mention
    WHERE sentence_start IS NOT NULL OR char_start IS NULL
)
SELECT
    b.entity_id,
    b.document_id,
    b.article_id,
    b.surface,
    b.char_start,
    b.char_end,
    b.entity_type,
    b.corrected_from,
    b.role_in_doc,
    b.sentence_start,
    b.sentence_end
FROM b
ORDER BY b.article_id, b.char_start NULLS LAST;
