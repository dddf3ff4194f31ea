-- name: worker_row
-- Everything the workers table holds about one worker, as the export shows it.
SELECT id, external_ref, employer, name, email::text AS email, birth_date, branch, region,
       occupation, occupation_id, contract_type, weekly_hours::float8 AS weekly_hours,
       highest_qualification, facing_redundancy, priority_score, created_at, updated_at,
       erased_at, age_band
FROM workers
WHERE id = :worker_id

-- name: lock_for_erasure
-- The worker's row locked for the erasure: whether they exist and are erased already.
SELECT id, erased_at, birth_date FROM workers WHERE id = :worker_id FOR UPDATE

-- name: pseudonymise
-- Name, email, birth date and external reference go; the age band on the day stays, with every
-- fact that reports count by (branch, employer, region, contract, hours, qualification).
UPDATE workers
SET name = :name, email = NULL, birth_date = NULL, age_band = :age_band,
    external_ref = 'erased-' || id::text, erased_at = :now, updated_at = :now
WHERE id = :worker_id AND erased_at IS NULL

-- name: inactive_workers
-- Workers not erased whose record and data nobody but the system has touched since `cutoff`
-- (oversight's oversight_last_activity reads the audit log), oldest id first, a batch at a time.
SELECT w.id
FROM workers AS w
WHERE w.erased_at IS NULL
  AND w.updated_at < :cutoff AND w.created_at < :cutoff
  AND coalesce(oversight_last_activity(w.id) < :cutoff, true)
  AND (:after::uuid IS NULL OR w.id > :after)
ORDER BY w.id
LIMIT :limit
