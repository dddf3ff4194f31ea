-- People: an erased worker's kept age band is spelt as the equality report names its bands
-- (`under_25`, not `under 25`, as migration 0024 had it), and the report's view of workers
-- (0023) shows it, appended, so that the report still counts an erased worker by age.
ALTER TABLE workers DROP CONSTRAINT workers_age_band_check;
UPDATE workers SET age_band = 'under_25' WHERE age_band = 'under 25';
ALTER TABLE workers ADD CONSTRAINT workers_age_band_check
    CHECK (age_band IN ('under_25', '25-34', '35-44', '45-49', '50-64', '65+'));

CREATE OR REPLACE VIEW people_report_workers AS
SELECT w.id, w.birth_date, w.contract_type, w.weekly_hours, w.region, w.created_at, w.age_band
FROM workers AS w;
