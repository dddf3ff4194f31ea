-- name: in_force
-- The consent in force for this worker, purpose and college (null provider: none named).
SELECT id
FROM consents
WHERE worker_id = :worker_id AND purpose = :purpose
  AND provider_id IS NOT DISTINCT FROM :provider_id::uuid
  AND withdrawn_at IS NULL

-- name: insert_consent
-- The unique index consents_one_in_force keeps one in force per worker, purpose and college: a
-- concurrent giver finds the other's row instead.
INSERT INTO consents (worker_id, purpose, provider_id, detail, given_at, given_by)
VALUES (:worker_id, :purpose, :provider_id, :detail, :now, :given_by)
ON CONFLICT DO NOTHING
RETURNING id

-- name: get_consent
SELECT c.id, c.worker_id, c.purpose, c.provider_id, p.ukprn, p.name AS provider_name, c.detail,
       c.given_at, c.given_by, c.withdrawn_at, c.withdrawn_by, c.withdrawn_at IS NULL AS in_force
FROM consents AS c
LEFT JOIN people_providers AS p ON p.id = c.provider_id
WHERE c.id = :consent_id

-- name: lock_consent
SELECT id, worker_id, withdrawn_at
FROM consents
WHERE id = :consent_id
FOR UPDATE

-- name: withdraw
UPDATE consents
SET withdrawn_at = :now, withdrawn_by = :withdrawn_by
WHERE id = :consent_id AND withdrawn_at IS NULL
RETURNING id

-- name: list_consents
-- Newest first; the keyset cursor is (given_at, id).
SELECT c.id, c.worker_id, c.purpose, c.provider_id, p.ukprn, p.name AS provider_name, c.detail,
       c.given_at, c.given_by, c.withdrawn_at, c.withdrawn_by, c.withdrawn_at IS NULL AS in_force
FROM consents AS c
LEFT JOIN people_providers AS p ON p.id = c.provider_id
WHERE c.worker_id = :worker_id
  AND (:after_given_at::timestamptz IS NULL
       OR (c.given_at, c.id) < (:after_given_at, :after_id::uuid))
ORDER BY c.given_at DESC, c.id DESC
LIMIT :limit
