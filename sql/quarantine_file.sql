-- quarantine_file: one input file that could not be read as text, with why.
CREATE OR REPLACE TABLE quarantine_file AS
SELECT source_path, reason, detected_at
FROM work.stg_quarantine
ORDER BY source_path;
