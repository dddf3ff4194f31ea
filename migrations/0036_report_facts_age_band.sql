-- People: the programme report's view of workers (0025) shows, appended, the age band an erased
-- worker's birth date gave (0024, spelt as the equality report's bands since 0030), so that the
-- programme report, like the equality report, still counts an erased member by age.
CREATE OR REPLACE VIEW people_report_facts AS
SELECT w.id, w.employer, w.branch, w.birth_date, w.contract_type,
       w.weekly_hours::float8 AS weekly_hours, w.facing_redundancy, w.age_band
FROM workers AS w;
