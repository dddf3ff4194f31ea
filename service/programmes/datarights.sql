-- name: member_rows
SELECT id, programme_id, source, was_facing_redundancy, added_at, added_by, added_reason,
       removed_at, removed_by, removed_reason
FROM programme_members WHERE worker_id = :worker_id ORDER BY added_at, id

-- name: destination_rows
SELECT id, programme_id, recorded_on, type, occupation, occupation_id, pay_compared,
       recorded_by, created_at
FROM destinations WHERE worker_id = :worker_id ORDER BY recorded_on, id

-- name: erase_members
UPDATE programme_members
SET added_reason = :erased,
    removed_reason = CASE WHEN removed_reason IS NULL THEN NULL ELSE :erased END
WHERE worker_id = :worker_id

-- name: erase_destinations
UPDATE destinations
SET recorded_by = CASE WHEN recorded_by LIKE 'worker: %' THEN 'worker: ' || :erased
                       ELSE recorded_by END
WHERE worker_id = :worker_id
