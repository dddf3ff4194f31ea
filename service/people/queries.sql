-- name: insert_worker
INSERT INTO workers (external_ref, name, email, birth_date, branch, employer, region, occupation,
                     contract_type, weekly_hours, highest_qualification, facing_redundancy,
                     priority_score)
VALUES (:external_ref, :name, :email, :birth_date, :branch, :employer, :region, :occupation,
        :contract_type, :weekly_hours, :highest_qualification, :facing_redundancy,
        :priority_score)
RETURNING id, external_ref, name, email, birth_date, branch, employer, region, occupation,
          contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
          facing_redundancy, priority_score, created_at, updated_at

-- name: get_worker
SELECT id, external_ref, name, email, birth_date, branch, employer, region, occupation,
       contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
       facing_redundancy, priority_score, created_at, updated_at
FROM workers
WHERE id = :worker_id AND erased_at IS NULL

-- name: get_worker_audited
-- The worker, whether the caller may see them, and only if so the audit row of this read, all in
-- one statement (migration 0011's worker_audited): a read whose audit row cannot be written
-- fails, so it is never served. The scope_ parameters are the caller's WorkerScope; actor_role
-- to action say who reads and why, as oversight's audit_record takes them; lock whether to lock
-- the worker's row for the change that follows. lazy_commit (true only outside an explicit
-- transaction, that is on a read) lets the audit row commit without waiting for the disk
-- (oversight's audit_commit_lazily, migration 0018).
SELECT * FROM worker_audited(:worker_id, :scope_any, :scope_branch, :scope_worker_id,
                             :actor_role, :actor_id, :actor_name, :token_id, :action, :lock)
WHERE audit_commit_lazily(:lazy_commit)

-- name: list_workers
SELECT id, external_ref, name, email, birth_date, branch, employer, region, occupation,
       contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
       facing_redundancy, priority_score, created_at, updated_at
FROM workers
WHERE erased_at IS NULL
  AND (:branch::text IS NULL OR branch = :branch)
  AND (:after_created_at::timestamptz IS NULL
       OR (created_at, id) < (:after_created_at, :after_id::uuid))
ORDER BY created_at DESC, id DESC
LIMIT :limit

-- name: update_worker
UPDATE workers
SET external_ref = :external_ref, name = :name, email = :email, birth_date = :birth_date,
    branch = :branch, employer = :employer, region = :region, occupation = :occupation,
    contract_type = :contract_type, weekly_hours = :weekly_hours,
    highest_qualification = :highest_qualification, facing_redundancy = :facing_redundancy,
    priority_score = :priority_score,
    updated_at = now()
WHERE id = :worker_id
RETURNING id, external_ref, name, email, birth_date, branch, employer, region, occupation,
          contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
          facing_redundancy, priority_score, created_at, updated_at

-- name: get_workers
SELECT id, external_ref, name, email, birth_date, branch, employer, region, occupation,
       contract_type, weekly_hours::float8 AS weekly_hours, highest_qualification,
       facing_redundancy, priority_score, created_at, updated_at
FROM workers
WHERE id = ANY (:worker_ids::uuid[])
ORDER BY branch, name, id

-- name: reps_of_branches
SELECT id, name, email::text AS email, branch, created_at
FROM reps
WHERE branch = ANY (:branches::text[])
ORDER BY branch, id

-- name: occupation_risk_category
SELECT risk_category FROM reference_occupations WHERE id = resolve_occupation(:occupation)

-- name: insert_rep
INSERT INTO reps (name, email, branch)
VALUES (:name, :email, :branch)
RETURNING id, name, email::text AS email, branch, created_at

-- name: get_rep
SELECT id, name, email::text AS email, branch, created_at
FROM reps
WHERE id = :rep_id

-- name: insert_provider
INSERT INTO providers (ukprn, name)
VALUES (:ukprn, :name)
RETURNING id, ukprn, name, created_at

-- name: get_provider
SELECT id, ukprn, name, created_at
FROM providers
WHERE id = :provider_id

-- name: priority_facts_batch
-- Locked until the batch's scores are written, so that an edit committed meanwhile is neither
-- overwritten with a score from the old facts nor lost.
SELECT w.id, w.birth_date, w.weekly_hours::float8 AS weekly_hours, w.contract_type,
       w.highest_qualification, w.facing_redundancy, o.risk_category, w.priority_score
FROM workers AS w
LEFT JOIN reference_occupations AS o ON o.id = w.occupation_id
WHERE w.erased_at IS NULL AND (:after::uuid IS NULL OR w.id > :after)
ORDER BY w.id
LIMIT :limit
FOR NO KEY UPDATE OF w

-- name: priority_facts_of
-- As priority_facts_batch, for the workers given (a programme's, an import's).
SELECT w.id, w.birth_date, w.weekly_hours::float8 AS weekly_hours, w.contract_type,
       w.highest_qualification, w.facing_redundancy, o.risk_category, w.priority_score
FROM workers AS w
LEFT JOIN reference_occupations AS o ON o.id = w.occupation_id
WHERE w.id = ANY (:worker_ids::uuid[])
ORDER BY w.id
FOR NO KEY UPDATE OF w

-- name: set_priority_scores
UPDATE workers AS w SET priority_score = s.score
FROM unnest(:worker_ids::uuid[], :scores::integer[]) AS s(id, score)
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
               WHERE refreshed_on = :day AND policy_version = :policy_version)

-- name: record_priority_refresh
INSERT INTO priority_refreshes (refreshed_on, policy_version, changed)
VALUES (:day, :policy_version, :changed)
ON CONFLICT (refreshed_on, policy_version) DO NOTHING

-- name: rep_by_email
SELECT id, name, email::text AS email, branch, created_at
FROM reps
WHERE email = :email

-- name: provider_by_ukprn
SELECT id, ukprn, name, created_at
FROM providers
WHERE ukprn = :ukprn

-- name: worker_id_by_external_ref
SELECT id FROM workers WHERE external_ref = :external_ref

-- name: has_workers
SELECT EXISTS (SELECT 1 FROM workers)

-- name: workers_by_refs
-- The workers an import names, by employer and external_ref, locked until it is applied.
SELECT w.id, w.external_ref, w.name, w.email, w.birth_date, w.branch, w.employer, w.region,
       w.occupation, w.contract_type, w.weekly_hours::float8 AS weekly_hours,
       w.highest_qualification, w.facing_redundancy, w.priority_score, w.created_at,
       w.updated_at
FROM workers AS w
JOIN unnest(:employers::text[], :external_refs::text[]) AS k (employer, external_ref)
  ON w.employer = k.employer AND w.external_ref = k.external_ref
ORDER BY w.id
FOR NO KEY UPDATE OF w

-- name: insert_workers
-- An import's new workers, in one statement.
INSERT INTO workers (external_ref, name, email, birth_date, branch, employer, region, occupation,
                     contract_type, weekly_hours, highest_qualification, facing_redundancy,
                     priority_score)
SELECT u.external_ref, u.name, u.email, u.birth_date, u.branch, u.employer, u.region,
       u.occupation, u.contract_type, u.weekly_hours, u.highest_qualification,
       u.facing_redundancy, u.priority_score
FROM unnest(:external_refs::text[], :names::text[], :emails::text[], :birth_dates::date[],
            :branches::text[], :employers::text[], :regions::text[], :occupations::text[],
            :contract_types::text[], :weekly_hours::float8[], :qualifications::text[],
            :facing_redundancy::boolean[], :scores::integer[])
     AS u (external_ref, name, email, birth_date, branch, employer, region, occupation,
           contract_type, weekly_hours, highest_qualification, facing_redundancy,
           priority_score)
RETURNING id, employer, external_ref

-- name: update_workers
-- An import's changed workers, in one statement.
UPDATE workers AS w
SET name = u.name, email = u.email, birth_date = u.birth_date, branch = u.branch,
    region = u.region, occupation = u.occupation, contract_type = u.contract_type,
    weekly_hours = u.weekly_hours, highest_qualification = u.highest_qualification,
    facing_redundancy = u.facing_redundancy, priority_score = u.priority_score,
    updated_at = now()
FROM unnest(:worker_ids::uuid[], :names::text[], :emails::text[], :birth_dates::date[],
            :branches::text[], :regions::text[], :occupations::text[], :contract_types::text[],
            :weekly_hours::float8[], :qualifications::text[], :facing_redundancy::boolean[],
            :scores::integer[])
     AS u (id, name, email, birth_date, branch, region, occupation, contract_type,
           weekly_hours, highest_qualification, facing_redundancy, priority_score)
WHERE w.id = u.id
-- name: subjects_by_email
-- Whom an email signs in as on the web pages: every worker and rep with that address
-- (case-blind), each with the role a session of theirs has and their name.
SELECT 'worker' AS role, id, name FROM workers WHERE email = :email
UNION ALL
SELECT 'rep', id, name FROM reps WHERE email = :email
ORDER BY role, name, id
