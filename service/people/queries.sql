-- name: insert_worker
INSERT INTO workers (external_ref, name, email, birth_date, branch, employer, region, occupation,
                     contract_type, weekly_hours, highest_qualification, facing_redundancy,
                     priority_score)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
RETURNING id, external_ref, name, email, birth_date, branch, employer, region, occupation,
          contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
          facing_redundancy, priority_score, created_at, updated_at

-- name: get_worker
SELECT id, external_ref, name, email, birth_date, branch, employer, region, occupation,
       contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
       facing_redundancy, priority_score, created_at, updated_at
FROM workers
WHERE id = $1

-- name: get_worker_audited
-- The worker, whether the caller may see them, and only if so the audit row of this read, all in
-- one statement: a read whose audit row cannot be written fails, so it is never served. $2-$4
-- are the caller's WorkerScope (any, branch, worker_id); $5-$9 who reads and why, as
-- oversight's audit_record takes them.
SELECT v.*, CASE WHEN v.visible THEN audit_record($5, $6, $7, $8, $9, v.id, NULL) END AS audited
FROM (
    SELECT id, external_ref, name, email, birth_date, branch, employer, region, occupation,
           contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
           facing_redundancy, priority_score, created_at, updated_at,
           coalesce($2::boolean AND ($3::text IS NULL OR branch = $3)
                    AND ($4::uuid IS NULL OR id = $4), false) AS visible
    FROM workers
    WHERE id = $1
) AS v

-- name: get_worker_audited_for_update
-- As get_worker_audited, with the worker's row locked for the change that follows.
SELECT v.*, CASE WHEN v.visible THEN audit_record($5, $6, $7, $8, $9, v.id, NULL) END AS audited
FROM (
    SELECT id, external_ref, name, email, birth_date, branch, employer, region, occupation,
           contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
           facing_redundancy, priority_score, created_at, updated_at,
           coalesce($2::boolean AND ($3::text IS NULL OR branch = $3)
                    AND ($4::uuid IS NULL OR id = $4), false) AS visible
    FROM workers
    WHERE id = $1
    FOR UPDATE
) AS v

-- name: list_workers
SELECT id, external_ref, name, email, birth_date, branch, employer, region, occupation,
       contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
       facing_redundancy, priority_score, created_at, updated_at
FROM workers
WHERE ($1::text IS NULL OR branch = $1)
  AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3::uuid))
ORDER BY created_at DESC, id DESC
LIMIT $4

-- name: update_worker
UPDATE workers
SET external_ref = $2, name = $3, email = $4, birth_date = $5, branch = $6, employer = $7,
    region = $8, occupation = $9, contract_type = $10, weekly_hours = $11,
    highest_qualification = $12, facing_redundancy = $13, priority_score = $14,
    updated_at = now()
WHERE id = $1
RETURNING id, external_ref, name, email, birth_date, branch, employer, region, occupation,
          contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
          facing_redundancy, priority_score, created_at, updated_at

-- name: occupation_risk_category
SELECT risk_category FROM occupations WHERE uri = $1 OR code = $1 LIMIT 1

-- name: insert_rep
INSERT INTO reps (name, email, branch)
VALUES ($1, $2, $3)
RETURNING id, name, email::text AS email, branch, created_at

-- name: get_rep
SELECT id, name, email::text AS email, branch, created_at
FROM reps
WHERE id = $1

-- name: insert_provider
INSERT INTO providers (ukprn, name)
VALUES ($1, $2)
RETURNING id, ukprn, name, created_at

-- name: get_provider
SELECT id, ukprn, name, created_at
FROM providers
WHERE id = $1

-- name: priority_facts_batch
-- Locked until the batch's scores are written, so that an edit committed meanwhile is neither
-- overwritten with a score from the old facts nor lost.
SELECT w.id, w.birth_date, w.weekly_hours::float8 AS weekly_hours, w.contract_type,
       w.highest_qualification, w.facing_redundancy, o.risk_category, w.priority_score
FROM workers AS w
LEFT JOIN occupations AS o ON o.id = w.occupation_id
WHERE $1::uuid IS NULL OR w.id > $1
ORDER BY w.id
LIMIT $2
FOR NO KEY UPDATE OF w

-- name: set_priority_scores
UPDATE workers AS w SET priority_score = s.score
FROM unnest($1::uuid[], $2::integer[]) AS s(id, score)
WHERE w.id = s.id AND w.priority_score <> s.score

-- name: try_lock_priority_refresh
-- One instance refreshes at a time; the others skip rather than wait. A session lock, as the
-- refresh commits batch by batch. 327765084486 is 0x4C50524946, "LPRIF" in ASCII (hex literals
-- need PostgreSQL 16+).
SELECT pg_try_advisory_lock(327765084486)

-- name: unlock_priority_refresh
SELECT pg_advisory_unlock(327765084486)  -- "LPRIF", as above

-- name: priority_refresh_done
SELECT EXISTS (SELECT 1 FROM priority_refreshes
               WHERE refreshed_on = $1 AND policy_version = $2)

-- name: record_priority_refresh
INSERT INTO priority_refreshes (refreshed_on, policy_version, changed)
VALUES ($1, $2, $3)
ON CONFLICT (refreshed_on, policy_version) DO NOTHING

-- name: rep_by_email
SELECT id, name, email::text AS email, branch, created_at
FROM reps
WHERE email = $1

-- name: provider_by_ukprn
SELECT id, ukprn, name, created_at
FROM providers
WHERE ukprn = $1

-- name: worker_id_by_external_ref
SELECT id FROM workers WHERE external_ref = $1

-- name: has_workers
SELECT EXISTS (SELECT 1 FROM workers)
