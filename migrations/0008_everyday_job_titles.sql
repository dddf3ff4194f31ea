-- Job titles people use at work that ESCO lacks or ranks below another occupation ("cleaner",
-- "carer", "dinner lady"), each pointing at one ESCO occupation. Ladder keeps the list, in
-- catalogue/everyday_job_titles.csv; `ladder reference load` loads it with ESCO, and
-- occupation search matches these titles as it matches ESCO's preferred labels.
CREATE TABLE everyday_job_titles (
    title text PRIMARY KEY
        CONSTRAINT everyday_job_titles_title_check
        CHECK (title = lower(btrim(title)) AND length(title) BETWEEN 1 AND 200),
    occupation_id uuid NOT NULL REFERENCES occupations (id),
    reason text NOT NULL DEFAULT ''
);
CREATE INDEX everyday_job_titles_occupation_idx ON everyday_job_titles (occupation_id);
