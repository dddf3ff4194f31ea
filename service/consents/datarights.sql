-- name: consent_rows
SELECT id, purpose, provider_id, detail, given_at, given_by, withdrawn_at, withdrawn_by
FROM consents WHERE worker_id = :worker_id ORDER BY given_at, id

-- name: erase_consents
-- Every consent in force is withdrawn (nothing is shared about an erased worker); the record of
-- what was agreed and when stays, without its free text or the worker's own name.
UPDATE consents
SET withdrawn_at = coalesce(withdrawn_at, :now),
    withdrawn_by = CASE WHEN withdrawn_at IS NULL THEN 'system: erasure'
                        WHEN withdrawn_by LIKE 'worker: %' THEN 'worker: ' || :erased
                        ELSE withdrawn_by END,
    given_by = CASE WHEN given_by LIKE 'worker: %' THEN 'worker: ' || :erased ELSE given_by END,
    detail = NULL
WHERE worker_id = :worker_id
