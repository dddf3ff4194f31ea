-- name: member_rows
SELECT id, programme_id, source, added_by, added_reason, added_at, was_facing_redundancy,
       removed_at, removed_by, removed_reason
FROM programme_members WHERE worker_id = :worker_id ORDER BY added_at, id

-- name: destination_rows
SELECT id, programme_id, recorded_on, type, occupation, occupation_id, pay_compared,
       recorded_by, created_at
FROM destinations WHERE worker_id = :worker_id ORDER BY recorded_on, id

-- name: erase_members
-- Memberships stay (the programme report counts them); reasons are free text about the worker.
UPDATE programme_members
SET added_reason = CASE WHEN added_reason = '' THEN '' ELSE :erased END,
    removed_reason = CASE WHEN removed_reason IS NULL THEN NULL ELSE :erased END,
    added_by = CASE WHEN added_by LIKE 'worker: %' THEN 'worker: ' || :erased ELSE added_by END,
    removed_by = CASE WHEN removed_by LIKE 'worker: %' THEN 'worker: ' || :erased
                      ELSE removed_by END
WHERE worker_id = :worker_id

-- name: erase_destinations
-- Where they went stays (the report counts it); the worker's own name as who recorded it goes.
UPDATE destinations
SET recorded_by = 'worker: ' || :erased
WHERE worker_id = :worker_id AND recorded_by LIKE 'worker: %'
