-- ref_status_cue: modality cue words and the status they give a clause (seeds/reference/status_cues.csv).
CREATE OR REPLACE TABLE ref_status_cue AS
SELECT cue, status
FROM read_csv(getvariable('reference_dir') || '/status_cues.csv', header = true, all_varchar = true);
