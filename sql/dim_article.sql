-- dim_article: one article of a document; body is the repaired text that
-- every char_start/char_end in the facts indexes (0-based, end exclusive). body_chars: its length, stored so that
-- reports sum it without reading every body.
CREATE OR REPLACE TABLE dim_article AS
SELECT
    a.article_id,
    a.document_id,
    a.seq,
    a.title,
    a.kicker,
    a.subtitle,
    a.reporters,
    a.photographers,
    a.editors,
    a.published_date,
    a.published_date_inferred,
    a.body,
    length(a.body) AS body_chars,
    a.is_boilerplate,
    a.is_continuation,
    a.segments
FROM work.stg_article a
ORDER BY a.document_id, a.seq;
