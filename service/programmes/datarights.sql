-- name: member_rows
SELECT programme_id, source, added_at, added_by, added_reason, was_facing_redundancy,
       removed_at, removed_by, removed_reason
FROM programme_members WHERE worker_id = :worker_id ORDER BY id

-- name: destination_rows
SELECT id, programme_id, recorded_on, type, occupation, pay_compared, recorded_by, created_at
FROM destinations WHERE worker_id = :worker_id ORDER BY recorded_on, created_at, id

-- name: erase_members
-- Memberships stay (the programme's report counts them); the reasons are free text.
UPDATE programme_members
SET added_reason = :erased,
    removed_reason = CASE WHEN removed_reason IS NULL THEN NULL ELSE :erased END
WHERE worker_id = :worker_id

-- name: erase_destinations
-- Where the worker went stays, for the report's counts; the worker's own name as who
-- recorded it goes.
UPDATE destinations
SET recorded_by = CASE WHEN recorded_by LIKE 'worker: %' THEN 'worker: ' || :erased
                       ELSE recorded_by END
WHERE worker_id = :worker_id
