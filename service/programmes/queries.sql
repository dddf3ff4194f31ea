-- name: insert_programme
INSERT INTO programmes (name, employer, occupation_refs, occupation_ids, announced_on, last_day,
                        reason, created_by)
VALUES (:name, :employer, :occupations::text[], :occupation_ids::uuid[], :announced_on,
        :last_day, :reason, :created_by)
RETURNING id

-- name: get_programme
SELECT p.id, p.name, p.employer, p.occupation_refs AS occupations, p.announced_on, p.last_day,
       p.reason,
       (SELECT count(*)::integer FROM programme_members AS m
        WHERE m.programme_id = p.id AND m.removed_at IS NULL) AS workers,
       p.created_by, p.created_at, p.updated_at, p.occupation_ids
FROM programmes AS p
WHERE p.id = :programme_id

-- name: lock_programme
-- Widening, adding and removing members of one programme queue here.
SELECT id FROM programmes WHERE id = :programme_id FOR NO KEY UPDATE

-- name: list_programmes
SELECT p.id, p.name, p.employer, p.occupation_refs AS occupations, p.announced_on, p.last_day,
       p.reason,
       (SELECT count(*)::integer FROM programme_members AS m
        WHERE m.programme_id = p.id AND m.removed_at IS NULL) AS workers,
       p.created_by, p.created_at, p.updated_at
FROM programmes AS p
WHERE (:employer::text IS NULL OR p.employer = :employer)
  AND (:after_created_at::timestamptz IS NULL
       OR (p.created_at, p.id) < (:after_created_at, :after_id::uuid))
ORDER BY p.created_at DESC, p.id DESC
LIMIT :limit

-- name: widen_programme
UPDATE programmes
SET occupation_refs = :occupations::text[], occupation_ids = :occupation_ids::uuid[],
    updated_at = now()
WHERE id = :programme_id

-- name: add_members
-- The one set-based statement that marks workers facing redundancy (people's function: the
-- programme's employer and occupations, and/or the workers named) and links them to the
-- programme. Workers removed from this programme are not matched again (only added by hand);
-- current members stay as they joined. Returns the workers added, with their earlier mark.
WITH marked AS (
    SELECT f.worker_id, f.was_facing_redundancy
    FROM people_mark_facing_redundancy(
        :employer::text, :occupation_ids::uuid[], :worker_ids::uuid[],
        CASE WHEN :rematch_removed::boolean THEN '{}'::uuid[]
             ELSE ARRAY(SELECT r.worker_id FROM programme_members AS r
                        WHERE r.programme_id = :programme_id AND r.removed_at IS NOT NULL)
        END) AS f
)
INSERT INTO programme_members (programme_id, worker_id, source, added_by, added_reason,
                               was_facing_redundancy)
SELECT :programme_id, m.worker_id, :source, :added_by, :reason, m.was_facing_redundancy
FROM marked AS m
ON CONFLICT (programme_id, worker_id) WHERE removed_at IS NULL DO NOTHING
RETURNING worker_id, was_facing_redundancy

-- name: current_member
SELECT programme_id, worker_id, source, added_at, added_by, added_reason, removed_at,
       removed_by, removed_reason, was_facing_redundancy
FROM programme_members
WHERE programme_id = :programme_id AND worker_id = :worker_id AND removed_at IS NULL

-- name: remove_member
UPDATE programme_members
SET removed_at = now(), removed_by = :removed_by, removed_reason = :reason
WHERE programme_id = :programme_id AND worker_id = :worker_id AND removed_at IS NULL
RETURNING programme_id, worker_id, source, added_at, added_by, added_reason, removed_at,
          removed_by, removed_reason

-- name: in_another_programme
SELECT EXISTS (SELECT 1 FROM programme_members
               WHERE worker_id = :worker_id AND programme_id <> :programme_id
                 AND removed_at IS NULL)

-- name: clear_mark
SELECT count(*)::integer FROM people_clear_facing_redundancy(ARRAY[:worker_id::uuid])

-- name: list_members
SELECT id, programme_id, worker_id, source, added_at, added_by, added_reason, removed_at,
       removed_by, removed_reason
FROM programme_members
WHERE programme_id = :programme_id
  AND (:current_only::boolean IS FALSE OR removed_at IS NULL)
  AND (:after_id::bigint IS NULL OR id > :after_id)
ORDER BY id
LIMIT :limit

-- name: worker_programme
-- The programme a worker's destinations count for: their current membership in the programme
-- announced last (a worker is rarely in two).
SELECT p.id, p.announced_on, p.last_day
FROM programme_members AS m
JOIN programmes AS p ON p.id = m.programme_id
WHERE m.worker_id = :worker_id AND m.removed_at IS NULL
ORDER BY p.announced_on DESC, p.created_at DESC
LIMIT 1

-- name: insert_destination
INSERT INTO destinations (worker_id, programme_id, recorded_on, type, occupation, occupation_id,
                          pay_compared, recorded_by)
VALUES (:worker_id, :programme_id, :recorded_on, :type, :occupation, :occupation_id,
        :pay_compared, :recorded_by)
RETURNING id, worker_id, programme_id, recorded_on, type, occupation, pay_compared,
          recorded_by, created_at

-- name: list_destinations
SELECT id, worker_id, programme_id, recorded_on, type, occupation, pay_compared, recorded_by,
       created_at
FROM destinations
WHERE worker_id = :worker_id
  AND (:after_created_at::timestamptz IS NULL
       OR (created_at, id) < (:after_created_at, :after_id::uuid))
ORDER BY created_at DESC, id DESC
LIMIT :limit

-- name: report_members
-- A programme's current members with the facts the report groups them by (people's view).
SELECT m.worker_id, f.birth_date, f.contract_type, f.weekly_hours, f.age_band
FROM programme_members AS m
JOIN people_report_facts AS f ON f.id = m.worker_id
WHERE m.programme_id = :programme_id AND m.removed_at IS NULL

-- name: report_destinations
SELECT worker_id, recorded_on, type, created_at
FROM destinations
WHERE programme_id = :programme_id

-- name: programmes_in_window
-- Programmes whose reps may be due a reminder: six months or more past the last day and still
-- inside the twelve-month window, not yet reminded for the month due; claimed (SKIP LOCKED) so
-- that two instances do not both do one.
SELECT id, name, last_day, reminded_month
FROM programmes
WHERE last_day <= (:today::date - interval '6 months')::date
  AND last_day >= (:today::date - interval '12 months')::date
  AND (reminded_month IS NULL OR reminded_month < :month_now_at_least::integer)
ORDER BY id
FOR NO KEY UPDATE SKIP LOCKED

-- name: set_reminded
UPDATE programmes SET reminded_month = :month WHERE id = :programme_id

-- name: members_without_destination
SELECT m.worker_id
FROM programme_members AS m
WHERE m.programme_id = :programme_id AND m.removed_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM destinations AS d
                  WHERE d.programme_id = m.programme_id AND d.worker_id = m.worker_id)
ORDER BY m.worker_id
