-- fact_removed_span: page furniture kept out of article bodies (navigation,
-- counters, continuation markers, related lists, footers), kept for audit.
CREATE OR REPLACE TABLE fact_removed_span AS
SELECT document_id, line_no, kind, text
FROM work.stg_furniture
ORDER BY document_id, line_no;
