-- dim_document: one source file (identified by the hash of its content).
CREATE OR REPLACE TABLE dim_document AS
SELECT
    d.document_id,
    d.source_path,
    coalesce(m.source_name, '')                 AS source_name,
    d.encoding,
    m.published_date,
    coalesce(m.published_date_inferred, false)  AS published_date_inferred,
    d.ingested_at,
    d.is_traditional,
    d.n_bytes,
    length(d.text)                              AS n_chars,
    coalesce(d.original_text, d.text)          AS original_text  -- staged only when normalising changed it
FROM work.stg_document d
LEFT JOIN work.stg_document_meta m USING (document_id);
